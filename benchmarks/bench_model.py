"""Benchmark: the model's event calendar against textbook Mesa per-agent daily stepping.

Runs the same model rules two ways, in one process, on the same seed:

(a) ``CareSystemModel(scenario, seed, timing="calendar")``: residents' next events are drawn
    in continuous time and filed on a day calendar; only residents with an event today work.
(b) ``CareSystemModel(scenario, seed, timing="daily")``: every living Patient agent's
    ``step()`` runs every day through ``shuffle_do``, drawing each event from its daily hazard.

For each area size it times (a) and (b) on the same short horizon (the headline ratio is
measured there, per simulated person-year) and (a) alone on the full horizon (10 years by
default, against the target of under 10 s a replication for 60,000 residents). Peak memory is
measured with ``tracemalloc`` in a separate, untimed pass, so that tracing does not slow the
timed runs. It reports and never fails: there are no timed assertions.

Run ``python benchmarks/bench_model.py --help`` for the options; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import math
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from abm.config import Scenario, scale_area
from abm.model import CareSystemModel
from abm.params import DAYS_PER_YEAR

TARGET_RESIDENTS = 60_000
TARGET_YEARS = 10
TARGET_SECONDS = 10.0
QUICK = {"sizes": "1000,3000", "years": 2, "reference_years": 0.25, "memory_days": 7}
DEFAULTS = {"sizes": "10000,60000", "years": 10, "reference_years": 1.0, "memory_days": 14}
MODES = {"calendar": "(a) calendar", "daily": "(b) daily"}


@dataclasses.dataclass
class RunResult:
    """One timed (or memory-traced) run of the model."""

    mode: str
    residents_65plus: int
    years: float
    days: int
    startup_s: float
    run_s: float
    person_years: float
    peak_mb: float | None = None
    memory_days: int | None = None
    repeats: list[float] = dataclasses.field(default_factory=list)

    @property
    def us_per_person_year(self) -> float:
        """Run wall time (construction excluded) per simulated person-year, in µs."""
        return self.run_s / self.person_years * 1e6 if self.person_years else math.nan

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready values."""
        return {**dataclasses.asdict(self), "us_per_person_year": self.us_per_person_year}


# --------------------------------------------------------------------------- scenarios


def scaled_scenario(base: Scenario, residents: int, years: float, warmup_days: int) -> Scenario:
    """``base`` for an area of ``residents`` people 65+, its capacities scaled in proportion.

    A fractional ``years`` builds the model for the whole years above it; the runner stops it
    early (see :func:`horizon_days`).
    """
    scenario = scale_area(base, residents)
    run = dataclasses.replace(scenario.run, years=max(1, math.ceil(years)), warmup_days=warmup_days)
    return dataclasses.replace(scenario, run=run)


def horizon_days(model: CareSystemModel, years: float, warmup_days: int) -> int:
    """Days to simulate: the model's own calendar for whole years, else ``years`` x 365.25."""
    if float(years).is_integer():
        return model.total_days
    return min(model.total_days, warmup_days + round(years * DAYS_PER_YEAR))


# --------------------------------------------------------------------------- running


def run_once(
    scenario: Scenario,
    seed: int,
    mode: str,
    years: float,
    warmup_days: int,
    *,
    max_days: int | None = None,
    trace_memory: bool = False,
) -> RunResult:
    """Build and run one model; time construction and the run separately.

    With ``trace_memory`` the run is traced with ``tracemalloc`` (its timings are then not
    meaningful) and the peak of traced allocations is recorded.
    """
    gc.collect()
    if trace_memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    model = CareSystemModel(scenario, seed, timing=mode)
    t1 = time.perf_counter()
    days = horizon_days(model, years, warmup_days)
    if max_days is not None:
        days = min(days, max_days)
    while model.day < days:
        model.step()
    t2 = time.perf_counter()
    peak_mb = None
    if trace_memory:
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    table = model.datacollector.get_table_dataframe("daily")
    person_years = float(table["residents"].sum()) / DAYS_PER_YEAR
    result = RunResult(
        mode=mode,
        residents_65plus=scenario.population.residents_65plus,
        years=years,
        days=days,
        startup_s=t1 - t0,
        run_s=t2 - t1,
        person_years=person_years,
        peak_mb=peak_mb,
    )
    del model, table
    gc.collect()
    return result


def run_repeated(
    scenario: Scenario, seed: int, mode: str, years: float, warmup_days: int, *, repeats: int
) -> RunResult:
    """Run ``repeats`` times; keep the run with the median run time, all times listed."""
    runs = [run_once(scenario, seed, mode, years, warmup_days) for _ in range(max(1, repeats))]
    runs.sort(key=lambda r: r.run_s)
    chosen = runs[(len(runs) - 1) // 2]
    chosen.repeats = [r.run_s for r in runs]
    return chosen


def warm_up(base: Scenario, seed: int) -> None:
    """A tiny untimed run of each mode, so imports and first-call costs are paid up front."""
    scenario = scaled_scenario(base, 500, 1, 0)
    for mode in MODES:
        run_once(scenario, seed, mode, 1, 0, max_days=30)


def bench_size(base: Scenario, residents: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every timed and memory run for one area size."""
    ref = scaled_scenario(base, residents, args.reference_years, args.warmup_days)
    full = scaled_scenario(base, residents, args.years, args.warmup_days)
    log = _progress
    log(f"{residents:,} residents: (a) calendar, {args.reference_years:g} y x {args.repeats}")
    a_ref = run_repeated(
        ref, args.seed, "calendar", args.reference_years, args.warmup_days, repeats=args.repeats
    )
    log(f"{residents:,} residents: (b) daily, {args.reference_years:g} y")
    b_ref = run_once(ref, args.seed, "daily", args.reference_years, args.warmup_days)
    log(f"{residents:,} residents: (a) calendar, {args.years:g} y")
    a_full = run_once(full, args.seed, "calendar", args.years, args.warmup_days)
    if args.memory:
        log(f"{residents:,} residents: memory pass (tracemalloc)")
        for timed, scenario in ((a_ref, ref), (a_full, full)):
            traced = run_once(
                scenario, args.seed, "calendar", timed.years, args.warmup_days, trace_memory=True
            )
            timed.peak_mb, timed.memory_days = traced.peak_mb, traced.days
        traced = run_once(
            ref,
            args.seed,
            "daily",
            args.reference_years,
            args.warmup_days,
            max_days=args.warmup_days + args.memory_days,
            trace_memory=True,
        )
        b_ref.peak_mb, b_ref.memory_days = traced.peak_mb, traced.days
    ratio = b_ref.us_per_person_year / a_ref.us_per_person_year
    replication_s = a_full.startup_s + a_full.run_s
    return {
        "residents_65plus": residents,
        "runs": [a_ref.as_dict(), b_ref.as_dict(), a_full.as_dict()],
        "ratio_daily_over_calendar": ratio,
        "calendar_full_horizon_replication_s": replication_s,
    }


# --------------------------------------------------------------------------- reporting


def format_table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """The results as a plain-text table with the headline lines under it."""
    header = (
        "area 65+",
        "mode",
        "years",
        "days",
        "start-up s",
        "run s",
        "person-yrs",
        "µs/person-yr",
        "peak MB",
    )
    rows: list[tuple[str, ...]] = []
    for size in results:
        for run in size["runs"]:
            peak = "-" if run["peak_mb"] is None else f"{run['peak_mb']:.1f}"
            if run["peak_mb"] is not None and run["memory_days"] != run["days"]:
                peak += f" ({run['memory_days']} d)*"
            rows.append(
                (
                    f"{size['residents_65plus']:,}",
                    MODES[run["mode"]],
                    f"{run['years']:g}",
                    f"{run['days']:,}",
                    f"{run['startup_s']:.3f}",
                    f"{run['run_s']:.2f}",
                    f"{run['person_years']:,.0f}",
                    f"{run['us_per_person_year']:,.1f}",
                    peak,
                )
            )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    left = {1}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows), ""]
    out.append(
        f"Headline: (b)/(a) time per simulated person-year, both on {args.reference_years:g} y:"
    )
    for size in results:
        out.append(
            f"  {size['residents_65plus']:>7,} residents: {size['ratio_daily_over_calendar']:,.0f}x"
        )
    out.append(
        f"(a) one replication of {args.years:g} y (start-up + run), target under "
        f"{TARGET_SECONDS:g} s for {TARGET_RESIDENTS:,} residents x {TARGET_YEARS} y:"
    )
    for size in results:
        seconds = size["calendar_full_horizon_replication_s"]
        verdict = ""
        if size["residents_65plus"] == TARGET_RESIDENTS and args.years == TARGET_YEARS:
            verdict = "  (meets target)" if seconds < TARGET_SECONDS else "  (ABOVE target)"
        out.append(f"  {size['residents_65plus']:>7,} residents: {seconds:.2f} s{verdict}")
    out.append("")
    out.append(
        f"Warm-up days: {args.warmup_days}.  Run s excludes start-up (construction). "
        f"(a) on the short horizon: median of {args.repeats} run(s)."
    )
    if args.memory:
        out.append(
            "Peak MB: tracemalloc peak of traced Python and NumPy allocations from model "
            "construction to the end of the run, measured in a separate untimed pass."
        )
        out.append(
            f"  * (b) traced over its first {args.memory_days} simulated days only "
            "(tracing slows per-agent stepping about 4x)."
        )
    return "\n".join(out)


def environment() -> dict[str, Any]:
    """Versions, machine and commit (taken when the benchmark starts), for the JSON record."""
    import mesa
    import numpy as np

    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "git_commit": _git("rev-parse", "HEAD"),
        "abm_uncommitted_changes": bool(_git("status", "--porcelain", "--", "abm")),
    }


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- CLI


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; ``--quick`` fills in tiny defaults for any not given."""
    parser = argparse.ArgumentParser(
        description="Time the model's event calendar (a) against Mesa per-agent daily "
        "stepping (b) of the same rules."
    )
    parser.add_argument("--sizes", help="comma-separated residents 65+ (default 10000,60000)")
    parser.add_argument("--years", type=int, help="full horizon for (a), years (default 10)")
    parser.add_argument(
        "--reference-years",
        type=float,
        help="short horizon for (a) and (b), years, may be fractional (default 1)",
    )
    parser.add_argument(
        "--warmup-days", type=int, default=0, help="warm-up days before the horizon (default 0)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of (a) on the short horizon; the median is kept (default 3)",
    )
    parser.add_argument(
        "--memory-days", type=int, help="days of (b) traced in the memory pass (default 14)"
    )
    parser.add_argument(
        "--no-memory", dest="memory", action="store_false", help="skip the tracemalloc memory pass"
    )
    parser.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: sizes 1000,3000, 2 y, reference 0.25 y"
    )
    parser.add_argument("--output", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.size_list = [int(s.replace("_", "")) for s in str(args.sizes).split(",") if s.strip()]
    if not args.size_list or min(args.size_list) < 10:
        parser.error("--sizes needs one or more area sizes of at least 10 residents")
    if args.years < 1 or args.reference_years <= 0:
        parser.error("--years must be at least 1 and --reference-years above 0")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and optionally save JSON; always returns 0."""
    args = parse_args(argv)
    base = Scenario()
    if args.seed is None:
        args.seed = base.run.seed
    env = environment()
    started = time.perf_counter()
    warm_up(base, args.seed)
    results = [bench_size(base, size, args) for size in args.size_list]
    total_s = time.perf_counter() - started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print()
    print(format_table(results, args))
    print(
        f"Benchmark wall time {total_s:.0f} s; process peak RSS {maxrss_mb:.0f} MB "
        "(getrusage maxrss, whole process)."
    )
    if args.output is not None:
        record = {
            "benchmark": "bench_model",
            "settings": {
                "sizes": args.size_list,
                "years": args.years,
                "reference_years": args.reference_years,
                "warmup_days": args.warmup_days,
                "repeats": args.repeats,
                "memory": args.memory,
                "memory_days": args.memory_days,
                "seed": args.seed,
                "quick": args.quick,
                "capacities_scaled_from": Scenario().population.residents_65plus,
            },
            "environment": env,
            "results": results,
            "medians_note": "(a) short-horizon run_s is the median of 'repeats'",
            "total_wall_s": total_s,
            "process_maxrss_mb": maxrss_mb,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(record, indent=2, default=str) + "\n")
        print(f"Results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
