"""Declared parameters: every config field carries its unit, description and source.

A field is declared with :func:`param`, which stores the metadata that the config loader
validates against, that ``docs/config.md`` is generated from, and that the evidence test
compares with ``seeds/evidence.csv``. Units are plain words kept next to the value ("per
1,000 person-years", "days", "hours a week"), and the few conversions the model needs live
here so that no module guesses a unit from a name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

DAYS_PER_YEAR = 365.25
DAYS_PER_WEEK = 7.0


def param(
    default: Any,
    *,
    unit: str,
    description: str,
    source: str = "assumption",
    evidence: str | None = None,
    scale: float = 1.0,
    minimum: float | None = None,
    maximum: float | None = None,
    kind: str | None = None,
    choices: tuple[str, ...] | None = None,
    length: int | None = None,
    area: bool = False,
) -> Any:
    """Declare one config field.

    Args:
        default: the default value (from the evidence table where ``evidence`` is given).
        unit: the unit of the value, in words.
        description: one line saying what the value means.
        source: where the default comes from, in words ("assumption" when no source gives it).
        evidence: the id of the row in ``seeds/evidence.csv`` the default is taken from.
        scale: the default equals the evidence value times this (a rate unit change or the
            scaling of an England figure to one local area, see docs/model.md).
        minimum, maximum: the allowed range (inclusive).
        kind: ``share`` (every number in [0, 1]), ``distribution`` (shares summing to 1),
            ``count`` or ``money`` (never negative).
        choices: the allowed values of a text field.
        length: the required length of a list field.
        area: the value is proportional to the size of the area (beds, capacities), so
            :func:`abm.config.scale_area` scales it with the number of residents.
    """
    metadata = {
        "unit": unit,
        "description": description,
        "source": source,
        "evidence": evidence,
        "scale": scale,
        "minimum": minimum,
        "maximum": maximum,
        "kind": kind,
        "choices": choices,
        "length": length,
        "area": area,
    }
    if isinstance(default, list):
        default = tuple(default)
    return dataclasses.field(default=default, metadata=metadata)


def per_year_to_per_day(rate_per_year: float) -> float:
    """Convert a hazard per person-year into a hazard per person-day."""
    return rate_per_year / DAYS_PER_YEAR


def per_thousand_years_to_per_day(rate: float) -> float:
    """Convert a rate per 1,000 person-years into a hazard per person-day."""
    return rate / 1000.0 / DAYS_PER_YEAR


def per_week_to_per_day(amount_per_week: float) -> float:
    """Convert an amount a week into an amount a day."""
    return amount_per_week / DAYS_PER_WEEK
