"""Where a run's time goes: wall and CPU time in each of the model's daily phases.

Runs the model (the event calendar) once for one area size and horizon and times every phase
of ``CareSystemModel.step`` (``abm.model.PHASES``) by wrapping the model's phase methods, so
the step itself runs unchanged; what ``step`` does besides its phases (resetting the day's
counts) is reported as ``(rest of step)``. CPU time (``time.process_time``) is shown beside
wall time because it is much less disturbed by other programs on a busy machine. It reports
and never fails: there are no timed assertions.

Run ``python benchmarks/bench_phases.py --help`` for the options; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench_model import TARGET_RESIDENTS, horizon_days, scaled_scenario

from abm.config import Scenario, load_scenario
from abm.model import PHASES, CareSystemModel

REST = "(rest of step)"


def timed(
    phase: Callable[[], None], wall: dict[str, float], cpu: dict[str, float], name: str
) -> Callable[[], None]:
    """``phase`` with its wall and CPU time added to ``wall[name]`` and ``cpu[name]``."""

    def run() -> None:
        w0, c0 = time.perf_counter(), time.process_time()
        phase()
        wall[name] += time.perf_counter() - w0
        cpu[name] += time.process_time() - c0

    return run


def profile_phases(
    residents: int,
    years: float,
    seed: int | None,
    warmup_days: int,
    config: str | None = None,
) -> tuple[dict[str, float], dict[str, float], float]:
    """Wall and CPU seconds by phase (and the rest of ``step``), and the start-up wall time,
    for the config file's system (``None``: the config classes' defaults)."""
    base = load_scenario(config) if config else Scenario()
    scenario = scaled_scenario(base, residents, years, warmup_days)
    t0 = time.perf_counter()
    model = CareSystemModel(scenario, scenario.run.seed if seed is None else seed)
    startup = time.perf_counter() - t0
    wall = dict.fromkeys([*PHASES, REST], 0.0)
    cpu = dict.fromkeys([*PHASES, REST], 0.0)
    for name in PHASES:
        setattr(model, name, timed(getattr(model, name), wall, cpu, name))
    step = timed(model.step, wall, cpu, REST)
    days = horizon_days(model, years, warmup_days)
    while model.day < days:
        step()
    for totals in (wall, cpu):
        totals[REST] -= sum(totals[name] for name in PHASES)
    return wall, cpu, startup


def report(wall: dict[str, float], cpu: dict[str, float], startup: float) -> None:
    """Print the phases, slowest first, with their share of the run's CPU time."""
    total_wall, total_cpu = sum(wall.values()), sum(cpu.values())
    print(f"{'phase':<20} {'wall s':>8} {'CPU s':>8} {'CPU share':>10}")
    for name in sorted(cpu, key=cpu.__getitem__, reverse=True):
        share = cpu[name] / total_cpu if total_cpu else 0.0
        print(f"{name:<20} {wall[name]:8.3f} {cpu[name]:8.3f} {share:10.1%}")
    print(f"{'run':<20} {total_wall:8.3f} {total_cpu:8.3f}")
    print(f"start-up (construction, wall): {startup:.3f} s")


def main() -> None:
    """Parse the options, run once, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=TARGET_RESIDENTS, help="residents 65+")
    parser.add_argument("--years", type=float, default=3.0, help="horizon, may be fractional")
    parser.add_argument("--warmup-days", type=int, default=0, help="warm-up days (default 0)")
    parser.add_argument("--seed", type=int, default=None, help="root seed (default: scenario's)")
    parser.add_argument(
        "--config",
        default="experiments/baseline.toml",
        help="the system to run, scaled to --size (default: the calibrated baseline users run; "
        "'defaults' for the config classes' uncalibrated defaults)",
    )
    args = parser.parse_args()
    config = None if args.config == "defaults" else args.config
    print(
        f"{args.size:,} residents 65+, {args.years:g} years, warm-up {args.warmup_days} days, "
        f"{config or 'the config defaults'}"
    )
    report(*profile_phases(args.size, args.years, args.seed, args.warmup_days, config))


if __name__ == "__main__":
    main()
