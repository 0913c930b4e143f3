"""Steady state: with no demographic growth and no schedule, does the calibrated baseline drift?

Runs the calibrated baseline (experiments/baseline.toml) with a stationary population
(``population.stationary``: no demographic growth or ageing) and the dated inputs held at
the start date (``run.hold_dated_inputs``: the baseline's own dates bring the July 2025 visa
closure, a trend from a dated input as a schedule's would be) for ten reported years, in several
replications, and prints the annual means (over replications) of delayed patients, residents
waiting at home, home-care hours in use and care-home occupancy, with each one's change from
year 1 to year 10. The causal-delays issue asks for each to change by less than 5%. One
replication of a small area is not enough to tell: its annual means move by 5-10% from year to
year by chance alone, so the check averages replications of the full-size area, and also
gives each measure's change along its straight-line trend, with a 95% interval over
replications, to tell a drift from those swings. Usage::

    .venv/bin/python scripts/check_steady_state.py [--residents N] [--years Y]
        [--replications R] [--jobs J] [--set key=value ...] [--from-first-day]

``--from-first-day`` gives the annual means from the first simulated day instead, the warm-up
included, and the year from which each measure's three-year mean stays within 5% of its mean
over the last five years: how long the system takes to settle from its synthetic first day,
which is what the warm-up must cover (docs/model.md "The first day").
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

STEADY = ("delayed", "waiting_for_care_at_home", "home_care_hours_used", "care_home_occupancy")
# Queues whose lengths make up most of the residents waiting (at home or in hospital): shown
# beside the check, to tell which one moves when the count of residents waiting does.
STAGES = ("assessment_queue", "held_for_funding", "home_care_queue", "care_home_queue")
# The capacities behind those queues: whether a market is still growing into its demand.
CAPACITIES = ("home_care_hours_capacity", "care_home_beds", "care_home_residents")


def _scenario(residents: int, years: int, changes: list[tuple[str, object]]):  # noqa: ANN202
    from abm.config import load_scenario, scale_area  # noqa: PLC0415

    scenario = scale_area(load_scenario(ROOT / "experiments" / "baseline.toml"), residents)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, years=years))
    held = [("population.stationary", True), ("run.hold_dated_inputs", True)]
    return scenario.with_changes([*held, *changes])


def annual_means(
    residents: int,
    years: int,
    replication: int,
    changes: list[tuple[str, object]],
    *,
    from_first_day: bool = False,
) -> pd.DataFrame:
    """One replication's annual means of the steady-state measures, by reported year (by year
    from the first simulated day, the warm-up's included, with ``from_first_day``)."""
    from abm.metrics import run_record  # noqa: PLC0415
    from abm.model import CareSystemModel  # noqa: PLC0415
    from abm.rng import replication_seed  # noqa: PLC0415

    scenario = _scenario(residents, years, changes)
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    while not model.finished:
        model.step()
    daily = run_record(model).daily
    if from_first_day:
        year = daily["day"] // 365 + 1
    else:
        daily = daily.query("reported")
        year = (daily["day"] - scenario.run.warmup_days) // 365 + 1
    daily = daily.assign(care_home_occupancy=daily["care_home_residents"] / daily["care_home_beds"])
    means = daily.groupby(year.rename("year"))[[*STEADY, *STAGES, *CAPACITIES]].mean()
    whole = means.index[means.index <= (len(daily) // 365 if from_first_day else years)]
    return means.loc[whole]


def first_day_trace(
    residents: int, years: int, replication: int, changes: list[tuple[str, object]]
) -> pd.DataFrame:
    """:func:`annual_means` from the first simulated day (a module-level function, so that
    worker processes can run it)."""
    return annual_means(residents, years, replication, changes, from_first_day=True)


def settled_from(
    means: pd.DataFrame, *, tail: int = 5, within: float = 0.05, window: int = 3
) -> pd.Series:
    """For each measure, the first year from which its ``window``-year centred mean stays
    within ``within`` of its mean over the last ``tail`` years (NaN if even the last year
    strays). The centred mean keeps one year's chance swing (5-10% for delayed patients in a
    few replications) from counting as not settled."""
    settled = {}
    smooth = means.rolling(window, center=True, min_periods=1).mean()
    for measure in means.columns:
        values = smooth[measure].to_numpy(dtype=float)
        level = values[-tail:].mean()
        off = np.abs(values - level) > within * abs(level)
        strays = np.flatnonzero(off)
        if not len(strays):
            settled[measure] = means.index[0]
        elif strays[-1] == len(values) - 1:
            settled[measure] = np.nan
        else:
            settled[measure] = means.index[strays[-1] + 1]
    return pd.Series(settled, name="settled from year")


def _change(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    return key, tomllib.loads(f"v = {value}")["v"]


def stationary_run_arguments(
    parser: argparse.ArgumentParser, *, years: int, replications: int
) -> None:
    """The options every steady-state script takes: area, horizon, replications, workers and
    config changes."""
    parser.add_argument("--residents", type=int, default=60000)
    parser.add_argument("--years", type=int, default=years)
    parser.add_argument("--replications", type=int, default=replications)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], type=_change, dest="changes")
    parser.add_argument(
        "--from-first-day",
        action="store_true",
        help="annual means from the first simulated day (the warm-up included) and the year "
        "each measure settles from, instead of the check",
    )


def replicate(function, args: argparse.Namespace, changes: list) -> list:  # noqa: ANN001
    """``function(residents, years, replication, changes)`` for every replication, in
    ``args.jobs`` worker processes."""
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        return list(
            pool.map(
                function,
                [args.residents] * args.replications,
                [args.years] * args.replications,
                range(args.replications),
                [changes] * args.replications,
            )
        )


def trend_changes(runs: list[pd.DataFrame]) -> pd.DataFrame:
    """The change over the run that each measure's straight-line trend gives, as a share of
    its mean, with a 95% interval over replications: a drift, told apart from the year-to-year
    swings that make one year's mean against another's a noisy test."""
    from scipy import stats  # noqa: PLC0415

    rows = {}
    for measure in runs[0].columns:
        changes = []
        for run in runs:
            years = run.index.to_numpy(dtype=float)
            values = run[measure].to_numpy(dtype=float)
            slope = np.polyfit(years, values, 1)[0]
            changes.append(slope * (years[-1] - years[0]) / values.mean())
        changes = np.asarray(changes)
        half = (
            stats.t.ppf(0.975, len(changes) - 1) * changes.std(ddof=1) / np.sqrt(len(changes))
            if len(changes) > 1
            else float("nan")
        )
        rows[measure] = {
            "trend": changes.mean(),
            "low": changes.mean() - half,
            "high": changes.mean() + half,
        }
    return pd.DataFrame(rows).T


def main() -> int:
    """Run, print the table, and return 0 if every change is under 5%, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    stationary_run_arguments(parser, years=10, replications=4)
    args = parser.parse_args()
    if args.from_first_day:
        return trace(args)
    everything = replicate(annual_means, args, args.changes)
    runs = [run[list(STEADY)] for run in everything]
    means = sum(runs) / len(runs)
    change = (means.iloc[-1] - means.iloc[0]) / means.iloc[0]
    print(f"{args.replications} replications, {args.residents:,} residents 65+, mean by year:")
    print(means.round(3).to_string())
    print("change from the first year to the last:")
    print(change.map(lambda c: f"{c:+.1%}").to_string())
    trend = trend_changes(runs)
    print("change over the run along each replication's trend line (95% interval):")
    for measure, row in trend.iterrows():
        print(f"{measure:<26} {row['trend']:+.1%} [{row['low']:+.1%}, {row['high']:+.1%}]")
    print_behind(everything)
    return 0 if (change.abs() < 0.05).all() else 1


def print_behind(runs: list[pd.DataFrame]) -> None:
    """The queues behind the residents waiting and the capacities behind the queues, mean by
    year over replications (not part of the check: they show which market is still moving)."""
    stages = sum(run[list(STAGES)] for run in runs) / len(runs)
    print("queues behind the residents waiting (not part of the check), mean by year:")
    print(stages.round(1).to_string())
    capacities = sum(run[list(CAPACITIES)] for run in runs) / len(runs)
    print("capacities behind the queues (not part of the check), mean by year:")
    print(capacities.round(1).to_string())


def trace(args: argparse.Namespace) -> int:
    """Print the annual means from the first simulated day and when each measure settles."""
    runs = replicate(first_day_trace, args, args.changes)
    means = sum(run[list(STEADY)] for run in runs) / len(runs)
    print(
        f"{args.replications} replications, {args.residents:,} residents 65+, mean by year "
        "from the first simulated day (the warm-up included):"
    )
    print(means.round(3).to_string())
    print(
        "the year from which each measure's three-year mean stays within 5% of its mean over "
        "the last five years:"
    )
    print(settled_from(means).to_string())
    print_behind(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
