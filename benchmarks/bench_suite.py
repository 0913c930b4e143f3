"""The performance table: every figure issue 21 asks for, each beside a reference measured in
the same run, printed as one table (``make benchmark``).

The figures: the command-line full-size decade (median of several runs, warm-up year and
results writing included), ``care-abm run --help``, building a full-size area, the model's cost
per simulated person-year against two references running the same rules (every agent stepped
every day, the textbook Mesa way; and each resident's next event on Mesa's own
``schedule_event`` calendar, :mod:`mesa_calendar`), how the cost of a replication grows with
area size and with years (fitted power: 1 means linear), the memory of one full-size
replication, and a 200-run sweep on two local worker processes and on a two-worker Dask
cluster against one process.

Model times are CPU seconds of this process (``time.process_time``), so other programs on the
machine disturb them little; commands run as child processes are timed by wall clock and by
the children's CPU time (``resource.getrusage``). Wall figures are medians. It reports and
never fails on a timing. Run ``python benchmarks/bench_suite.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from bench_model import environment, scaled_scenario
from mesa_calendar import MesaScheduleEvents

from abm.config import load_scenario
from abm.model import CareSystemModel
from abm.params import DAYS_PER_YEAR

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments" / "baseline.toml"
CARE_ABM = Path(sys.executable).with_name("care-abm")
FULL, DECADE = 60_000, 10
CLI_ARGS = [
    "run",
    str(BASELINE),
    "--set",
    f"population.residents_65plus={FULL}",
    "--set",
    f"run.years={DECADE}",
    "-r",
    "1",
    "-j",
    "1",
    "--quiet",
]
DEFAULTS = {
    "cli_runs": 5,
    "sizes": "10000,30000,60000,150000,300000,600000",
    "years": "1,2,5,10,20",
    "daily_size": 10_000,
    "daily_years": 0.25,
    "sweep": str(ROOT / "benchmarks" / "sweep_200.toml"),
}
QUICK = {
    "cli_runs": 1,
    "sizes": "2000,6000",
    "years": "1,2",
    "daily_size": 2_000,
    "daily_years": 0.1,
    "sweep": str(ROOT / "benchmarks" / "sweep_200.toml"),
}


def progress(message: str) -> None:
    """A line on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_command(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run a command to its end; its wall seconds and its (and its children's) CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cli_decade(runs: int, work: Path) -> dict[str, Any]:
    """The full-size decade from the command line, ``runs`` times: median wall and CPU."""
    walls, cpus = [], []
    for k in range(runs):
        wall, cpu = run_command([str(CARE_ABM), *CLI_ARGS, "--out", str(work / f"cli-{k}")])
        walls.append(wall)
        cpus.append(cpu)
        progress(f"command line run {k + 1}/{runs}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return {"wall_s": walls, "cpu_s": cpus}


def cli_help(runs: int) -> dict[str, Any]:
    """``care-abm run --help`` and, as its reference, a bare interpreter start."""
    help_walls = [run_command([str(CARE_ABM), "run", "--help"])[0] for _ in range(runs)]
    bare = [run_command([sys.executable, "-c", "pass"])[0] for _ in range(runs)]
    return {"help_s": help_walls, "python_s": bare}


def run_model(
    residents: int,
    years: float,
    timing: str = "calendar",
    warmup_days: int = 0,
) -> dict[str, float]:
    """Build and run one model in this process: build and run CPU seconds, person-years."""
    base = load_scenario(BASELINE)
    scenario = scaled_scenario(base, residents, years, warmup_days)
    start = time.process_time()
    model = CareSystemModel(
        scenario, scenario.run.seed, timing="daily" if timing == "daily" else "calendar"
    )
    if timing == "mesa":
        MesaScheduleEvents.install(model)
    built = time.process_time()
    days = warmup_days + round(years * DAYS_PER_YEAR) if not float(years).is_integer() else None
    while not model.finished and (days is None or model.day < days):
        model.step()
    ran = time.process_time()
    daily = model.datacollector.get_table_dataframe("daily")
    person_years = float(daily["residents"].sum()) / DAYS_PER_YEAR
    return {"build_s": built - start, "run_s": ran - built, "person_years": person_years}


def median_of(runs: int, measure: Callable[[], dict[str, float]], key: str) -> dict[str, float]:
    """The run with the median ``key`` of ``runs`` runs."""
    results = sorted((measure() for _ in range(runs)), key=lambda r: r[key])
    return results[(len(results) - 1) // 2]


def power(xs: list[float], ys: list[float]) -> float:
    """The exponent b of the least-squares fit y = a x^b (1: linear growth)."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def memory_per_replication() -> dict[str, float]:
    """Peak resident memory of a process running one full-size decade replication (warm-up
    included), and of one that only imports the same modules (the difference is the run's)."""
    # The peak comes from /proc (VmHWM: this program's own peak since exec); getrusage's
    # ru_maxrss would carry over the peak of the large benchmark process it was forked from.
    code = (
        "import re, resource, sys\n"
        "from abm.config import load_scenario, scale_area\n"
        "from abm.run import run_replication\n"
        "if sys.argv[1] == 'run':\n"
        f"    s = scale_area(load_scenario({str(BASELINE)!r}), {FULL})\n"
        f"    s = s.with_changes([('run.years', {DECADE})])\n"
        "    run_replication(s, 0)\n"
        "try:\n"
        "    peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "except OSError:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(peak)\n"
    )
    peaks = {}
    for what in ("imports", "run"):
        out = subprocess.run(
            [sys.executable, "-c", code, what], capture_output=True, text=True, check=True
        )
        peaks[what] = int(out.stdout.split()[-1]) / 1024  # KiB -> MiB
    return {"process_mb": peaks["run"], "imports_mb": peaks["imports"]}


def sweeps(spec: str, work: Path) -> dict[str, dict[str, float]]:
    """A sweep file run on one process, two local workers and a two-worker Dask cluster:
    wall and CPU seconds of each (the whole command, start-up and workers included)."""
    times = {}
    for name, flags in (
        ("jobs1", ["--jobs", "1"]),
        ("jobs2", ["--jobs", "2"]),
        ("dask2", ["--cluster", "local:2"]),
    ):
        out = work / f"sweep-{name}"
        wall, cpu = run_command(
            [str(CARE_ABM), "sweep", spec, *flags, "--quiet", "--out", str(out)]
        )
        times[name] = {"wall_s": wall, "cpu_s": cpu}
        progress(f"sweep {name}: {wall:.1f} s wall, {cpu:.1f} s CPU")
    return times


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Every figure of the table (see the module docstring)."""
    results: dict[str, Any] = {"environment": environment(), "settings": vars(args).copy()}
    sizes = [int(s) for s in args.sizes.split(",")]
    years = [float(y) for y in args.years.split(",")]
    full = sizes[-1] if args.quick else FULL
    progress("warming up")
    run_model(500, 0.05)
    progress("model references: per person-year")
    results["calendar_full"] = median_of(3, lambda: run_model(full, 1), "run_s")
    results["mesa_full"] = run_model(full, 1, "mesa")
    results["calendar_small"] = median_of(
        3, lambda: run_model(args.daily_size, args.daily_years), "run_s"
    )
    results["daily_small"] = run_model(args.daily_size, args.daily_years, "daily")
    progress("start-up: building a full-size area")
    results["build_s"] = sorted(run_model(full, 0.003)["build_s"] for _ in range(3))[1]
    progress("scaling with area size")
    results["by_size"] = {n: run_model(n, 1) for n in sizes}
    progress("scaling with years")
    results["by_years"] = {y: run_model(full, y) for y in years}
    if not args.no_commands:
        progress("command line")
        results["cli"] = cli_decade(args.cli_runs, work)
        results["help"] = cli_help(max(args.cli_runs, 3))
        progress("memory of one replication")
        results["memory"] = memory_per_replication()
        if not args.no_sweeps:
            progress("sweeps")
            results["sweeps"] = sweeps(args.sweep, work)
    return results


def per_person_year(result: dict[str, float]) -> float:
    """Run CPU microseconds per simulated person-year."""
    return result["run_s"] / result["person_years"] * 1e6


def table(r: dict[str, Any]) -> str:
    """The results as one Markdown table (and a line on the machine)."""
    calendar_us = per_person_year(r["calendar_full"])
    mesa_us = per_person_year(r["mesa_full"])
    daily_ratio = per_person_year(r["daily_small"]) / per_person_year(r["calendar_small"])
    mesa_ratio = mesa_us / calendar_us
    rows = [
        ("figure", "value", "target", "vs daily stepping", "vs Mesa calendar"),
        ("---", "---:", "---", "---:", "---:"),
    ]

    def add(figure: str, value: str, target: str = "", daily: str = "", mesa: str = "") -> None:
        rows.append((figure, value, target, daily, mesa))

    full = r["by_years"]
    decade = full.get(float(DECADE))
    if "cli" in r:
        wall = statistics.median(r["cli"]["wall_s"])
        cpu = statistics.median(r["cli"]["cpu_s"])
        n = len(r["cli"]["wall_s"])
        add(
            f"command line, {FULL:,} residents, {DECADE} years + warm-up (wall, median of {n})",
            f"{wall:.2f} s ({cpu:.2f} CPU-s)",
            "< 5 s",
        )
    add(
        "model, cost per person-year (full size, 1 year, CPU)",
        f"{calendar_us:.1f} µs",
        "",
        f"{daily_ratio:.0f}x faster",
        f"{mesa_ratio:.2f}x faster",
    )
    if decade:
        cost = decade["build_s"] + decade["run_s"]
        add(
            f"model, {FULL:,} residents x {DECADE} years, no warm-up (CPU, build + run)",
            f"{cost:.2f} s",
            "<= 10 s (design)",
            f"~{cost * daily_ratio:,.0f} s",
            f"~{cost * mesa_ratio:.1f} s",
        )
    add("build a full-size area (CPU, median of 3)", f"{r['build_s']:.3f} s", "< 0.3 s")
    if "help" in r:
        help_s, bare = (
            statistics.median(r["help"]["help_s"]),
            statistics.median(r["help"]["python_s"]),
        )
        add(
            "`care-abm run --help` (wall, median)",
            f"{help_s:.2f} s",
            "< 0.5 s (issue 18)",
            f"bare `python -c pass`: {bare:.2f} s",
        )
    sizes = sorted(r["by_size"])
    costs = [r["by_size"][n]["build_s"] + r["by_size"][n]["run_s"] for n in sizes]
    add(
        f"cost against area size, {sizes[0]:,} to {sizes[-1]:,} (1 year): power",
        f"{power(sizes, costs):.2f}",
        "<= 1 (linear)",
    )
    for n, cost in zip(sizes, costs, strict=True):
        add(
            f"  {n:,} residents, 1 year (CPU)",
            f"{cost:.2f} s ({per_person_year(r['by_size'][n]):.1f} µs/person-yr)",
        )
    years = sorted(full)
    ycosts = [full[y]["build_s"] + full[y]["run_s"] for y in years]
    add(
        f"cost against years, {years[0]:g} to {years[-1]:g} (full size): power",
        f"{power(years, ycosts):.2f}",
        "<= 1 (linear)",
    )
    for y, cost in zip(years, ycosts, strict=True):
        add(f"  {y:g} years (CPU)", f"{cost:.2f} s")
    if "memory" in r:
        m = r["memory"]
        add(
            "memory of one full-size decade replication (peak RSS)",
            f"{m['process_mb']:.0f} MB ({m['process_mb'] - m['imports_mb']:.0f} MB above imports)",
        )
    if "sweeps" in r:
        s = r["sweeps"]
        one = s["jobs1"]
        for name, label in (("jobs2", "--jobs 2"), ("dask2", "--cluster local:2")):
            two = s[name]
            add(
                f"200-run sweep on {label}: throughput per core / one process, wall (CPU)",
                f"{one['wall_s'] / (2 * two['wall_s']):.2f} ({one['cpu_s'] / two['cpu_s']:.2f}); "
                f"{two['wall_s']:.1f} s vs {one['wall_s']:.1f} s",
                ">= 0.9",
            )
    env = r["environment"]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    load = os.getloadavg()
    lines.append(
        f"\ncommit {str(env['git_commit'])[:7]}, Python {env['python']}, Mesa {env['mesa']}, "
        f"numpy {env['numpy']}; {os.cpu_count()} cores, load average at the end "
        f"{load[0]:.1f} (the machine is shared: wall times are medians, model times CPU-s)"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; ``--quick`` gives tiny defaults for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--cli-runs", type=int, help="command-line decade runs (default 5)")
    parser.add_argument("--sizes", help=f"areas for the size curve (default {DEFAULTS['sizes']})")
    parser.add_argument(
        "--years", help=f"horizons for the years curve (default {DEFAULTS['years']})"
    )
    parser.add_argument("--daily-size", type=int, help="area of the daily-stepping reference")
    parser.add_argument("--daily-years", type=float, help="horizon of the daily-stepping reference")
    parser.add_argument("--sweep", help="sweep file for the throughput figures")
    parser.add_argument("--no-commands", action="store_true", help="skip the command-line figures")
    parser.add_argument("--no-sweeps", action="store_true", help="skip the sweeps")
    parser.add_argument("--output", type=Path, help="also save every measurement as JSON")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def main(argv: list[str] | None = None) -> None:
    """Measure, print the table, optionally save the JSON."""
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="care-abm-bench-"))
    try:
        results = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
