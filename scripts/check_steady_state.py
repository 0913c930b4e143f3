"""Steady state: with no demographic growth and no schedule, does the calibrated baseline drift?

Runs the calibrated baseline (experiments/baseline.toml) with a stationary population
(``population.stationary``: no demographic growth or ageing) in a 20,000-resident area for ten
reported years and prints the annual means of delayed patients, residents waiting at home,
home-care hours in use and care-home occupancy, with each one's change from year 1 to year 10.
The causal-delays issue asks for each to change by less than 5%; this check becomes a test when
it holds (it does not yet: docs/model.md, "Assumptions and known gaps"). Usage::

    .venv/bin/python scripts/check_steady_state.py [--residents N] [--years Y]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STEADY = ("delayed", "waiting_for_care_at_home", "home_care_hours_used", "care_home_occupancy")


def main() -> int:
    """Run, print the table, and return 0 if every change is under 5%, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    from abm.config import load_scenario, scale_area  # noqa: PLC0415
    from abm.metrics import run_record  # noqa: PLC0415
    from abm.model import CareSystemModel  # noqa: PLC0415

    scenario = scale_area(load_scenario(ROOT / "experiments" / "baseline.toml"), args.residents)
    scenario = dataclasses.replace(
        scenario, run=dataclasses.replace(scenario.run, years=args.years)
    ).with_changes([("population.stationary", True)])
    model = CareSystemModel(scenario)
    while not model.finished:
        model.step()
    daily = run_record(model).daily.query("reported")
    daily = daily.assign(care_home_occupancy=daily["care_home_residents"] / daily["care_home_beds"])
    year = (daily["day"] - scenario.run.warmup_days) // 365 + 1
    means = daily.groupby(year)[list(STEADY)].mean()
    first, last = means.iloc[0], means.iloc[min(args.years, len(means)) - 1]
    change = (last - first) / first
    print(means.round(3).to_string())
    print("change from the first year to the last:")
    print(change.map(lambda c: f"{c:+.1%}").to_string())
    return 0 if (change.abs() < 0.05).all() else 1


if __name__ == "__main__":
    sys.exit(main())
