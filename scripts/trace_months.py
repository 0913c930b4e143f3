"""Month by month: the state of the council, the markets and the hospital in one replication.

A comparison gives means over years; a trace shows when and through what a run moves: the
council's pressures and measures, the people it holds back for money, the discharge-support
block, the home-care agencies' staffed hours and who waits for them, care-home beds and their
queue, and the hospital's delayed patients, read on the 15th of every month from the first
simulated day (the warm-up included: ``year`` below 1 is warm-up). The figures in docs/model.md
("Known limitations") that say "traced month by month" come from it. Usage::

    .venv/bin/python scripts/trace_months.py experiments/baseline.toml --area 34000
        [--replication 0] [--set key=value ...] [--out trace.csv]

Without ``--out`` it prints the means by year (from the start date) to the terminal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DAY_OF_MONTH = 15


def month_row(model) -> dict[str, float]:  # noqa: ANN001 - a CareSystemModel
    """What the trace records of ``model`` today."""
    from abm.domain import Location  # noqa: PLC0415

    council, market, homes = model.council, model.home_care, model.care_homes
    location = model.residents.location
    waiting = list(market.waiting.in_order())
    return {
        "day": model.day,
        "date": model.date.isoformat(),
        "demand_pressure": council.pressure,
        "spending_pressure": council.spending_pressure,
        "panel_interval_weeks": council.measures.panel_interval_weeks,
        "hiring_freeze": int(council.measures.hiring_freeze),
        "held_for_funding": model.brokerage.held_for_funding()[0],
        "discharge_support_hours": market.discharge_support_hours,
        "home_care_premium": council.home_care_premium,
        "home_care_hours_staffed": market.capacity_hours,
        "home_care_hours_delivered": market.delivered_hours,
        "home_care_agencies": len(market.open_agencies),
        "waiting_for_an_agency": len(waiting),
        "hospital_patients_waiting_for_an_agency": sum(
            int(location[pid]) == Location.HOSPITAL for pid in waiting
        ),
        "care_home_beds": homes.beds,
        "care_home_queue": len(homes.waiting),
        "residents_65plus": int((location != Location.DEAD).sum()),
        "delayed_patients": int(model.hospital.today.delayed_by_reason.sum()),
    }


def trace(config: Path, area: int | None, replication: int, overrides: list[str]) -> pd.DataFrame:
    """One replication of ``config`` with ``--set``-style ``overrides`` (``key=value``, in the
    config's units), scaled to ``area`` residents 65+ if given, a row a month."""
    from abm.config import load_scenario, scale_area  # noqa: PLC0415
    from abm.model import CareSystemModel  # noqa: PLC0415
    from abm.rng import replication_seed  # noqa: PLC0415

    scenario = load_scenario(config, overrides)
    if area:
        scenario = scale_area(scenario, area)
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    rows = []
    while not model.finished:
        model.step()
        if model.date.day == DAY_OF_MONTH:
            rows.append(month_row(model))
    table = pd.DataFrame(rows)
    table.insert(2, "year", (table["day"] - scenario.run.warmup_days) // 365 + 1)
    return table


def main() -> int:
    """Run the trace and print or write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--area", type=int, default=None, help="residents 65+ (area rule)")
    parser.add_argument("--replication", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", type=Path, help="write every month to this CSV file")
    args = parser.parse_args()
    from abm.config import ConfigError  # noqa: PLC0415

    try:
        table = trace(args.config, args.area, args.replication, args.set)
    except ConfigError as error:
        parser.error(str(error))
    if args.out:
        table.to_csv(args.out, index=False)
        print(f"{len(table)} months written to {args.out}")
        return 0
    means = table.drop(columns=["day", "date"]).groupby("year").mean()
    with pd.option_context("display.width", 250, "display.max_columns", None):
        print(means.round(2).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
