"""How long to simulate and with which seeds (``[run]``), and the dates that follow."""

from __future__ import annotations

import dataclasses
import datetime as dt

from abm.params import param


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """How long to simulate and with which seeds."""

    years: int = param(
        5,
        unit="years",
        description="Simulated years reported after the warm-up",
        minimum=1,
        maximum=60,
    )
    start_date: dt.date = param(
        dt.date(2025, 4, 1),
        unit="date",
        description="First reported day; the warm-up runs before it",
    )
    warmup_days: int = param(
        365,
        unit="days",
        description="Days simulated before start_date and discarded, so that queues, beds, "
        "care homes and the home-care market reach a working state; each age band is held "
        "at its first-day count through them (docs/model.md, Warm-up)",
        minimum=0,
        maximum=9125,
    )
    hold_dated_inputs: bool = param(
        False,
        unit="yes/no",
        description="Hold the dated inputs (the legal pay floor and the visa rules) at their "
        "start-date values for the whole run, as the warm-up does. For steady-state checks "
        "and experiments that should carry no trend from dated inputs: the baseline's own "
        "dates bring the July 2025 closure of the care worker visa route, which cuts "
        "international recruitment to workforce.visa_change_factor of its rate four months "
        "into the reported years",
        source="lever",
    )
    replications: int = param(
        10,
        unit="runs",
        description="Independent replications (each with its own seed streams)",
        minimum=1,
        maximum=10000,
    )
    seed: int = param(
        20251125,
        unit="integer",
        description="Root seed; replication k uses child stream k",
        minimum=0,
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def end_date(run: RunConfig) -> dt.date:
    """The first day after the reported period."""
    return _add_years(run.start_date, run.years)
