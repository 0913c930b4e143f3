"""Winter: emergency admissions by month of the year (``admissions.seasonality``).

England's emergency admissions are not the same every month: a day in November brings about
3% more than the year's mean day, a day in August about 4% fewer (SEA rows of
seeds/evidence.csv, from NHS England's monthly A&E statistics). Under ``"england"`` each
month's factor multiplies every resident's emergency-admission hazard and the hospital's
background emergencies; under ``"none"`` (the default) every factor is 1 and nothing in a run
changes. The factors are divided by their mean over a 365-day year, so a year's expected
admissions are those of a run without seasons: winter moves admissions within the year, it
adds none. The model turns the factor over on the first of each month
(:meth:`abm.model.CareSystemModel.apply_schedule`), redrawing every resident's next event,
which is cheap once a month; what winter does to beds, delays and corridor care follows from
there.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from abm.config import AdmissionsConfig, Scenario

DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
WINTER_MONTHS = (12, 1, 2)
"""December to February, the months the figures shade; in England's series their days bring
0.5% more emergency admissions than the year's mean, June to August's 1.4% fewer."""
SUMMER_MONTHS = (6, 7, 8)


def monthly_factors(admissions: AdmissionsConfig) -> tuple[float, ...]:
    """The factor on emergency admissions in each month, January to December, as used: all 1
    without seasons, otherwise the configured factors over their mean across a 365-day year."""
    if admissions.seasonality == "none":
        return (1.0,) * 12
    factors = admissions.england_monthly_factors
    mean = sum(f * days for f, days in zip(factors, DAYS_IN_MONTH, strict=True)) / 365
    return tuple(f / mean for f in factors)


def admission_factor(scenario: Scenario, date: dt.date) -> float:
    """The factor on emergency admissions on ``date`` (1.0 without seasons)."""
    if scenario.admissions.seasonality == "none":
        return 1.0
    return monthly_factors(scenario.admissions)[date.month - 1]


def is_seasonal(scenario: Scenario) -> bool:
    """Whether emergency admissions vary by month in this scenario."""
    return scenario.admissions.seasonality != "none"


def winters(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The winters (1 December to 1 March) that overlap ``first`` to ``last``, cut to it."""
    spans = []
    for year in range(first.year - 1, last.year + 1):
        start, end = dt.date(year, 12, 1), dt.date(year + 1, 3, 1)
        if end > first and start < last:
            spans.append((max(start, first), min(end, last)))
    return spans


__all__ = [
    "DAYS_IN_MONTH",
    "SUMMER_MONTHS",
    "WINTER_MONTHS",
    "admission_factor",
    "is_seasonal",
    "monthly_factors",
    "winters",
]
