"""The allowed range of every config value: declared bounds, and physical ceilings by unit.

A field declares its own bounds with :func:`abm.params.param` (``minimum``, ``maximum``,
``kind``). Many have no declared maximum, and an unbounded number is how a config asks for
infinite home values or a trillion residents: so every number also has a physical ceiling,
chosen by its unit (hours in a week, England's residents aged 65+, ...) and written down
here once, where docs/config.md, the loader and the fuzz test all read it. A ceiling is far
above any sensible value: it is there to refuse nonsense before it overflows or allocates,
not to judge a scenario.

Nothing here imports :mod:`abm.config` (which imports this module); checks return a message
and the loader turns it into a :class:`abm.config.ConfigError` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

ENGLAND_RESIDENTS_65PLUS = 10_400_000
"""No local area has more residents aged 65+ than England (Census 2021)."""

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2200, 12, 31)
"""Supported calendar: the whole simulated period (warm-up included) and every date a config
gives lie within it. Outputs use pandas timestamps, which end in 2262."""

SEED_MAXIMUM = 2**63 - 1
NAME_MAXIMUM = 100
"""Longest scenario or sweep name: it becomes a folder name under results/."""


@dataclasses.dataclass(frozen=True)
class Ceiling:
    """The largest value a unit allows, and why (shown in docs/config.md)."""

    value: float
    reason: str


DAY = "one a day per person"
# By the field's unit (as declared with param(unit=...)). Units not listed fall back to
# FALLBACK; tests/test_hardening.py checks that every declared unit is listed here.
UNIT_CEILINGS: dict[str, Ceiling] = {
    "people": Ceiling(ENGLAND_RESIDENTS_65PLUS, "England's residents 65+"),
    "beds": Ceiling(500_000, "more than England's hospital and care-home beds"),
    "posts": Ceiling(100_000, "more than England's council social care posts"),
    "agencies": Ceiling(10_000, "more than England's home-care agencies"),
    "hours a week": Ceiling(168, "hours in a week"),
    "days": Ceiling(3650, "ten years"),
    "weeks": Ceiling(520, "ten years"),
    "months": Ceiling(1200, "a hundred years"),
    "months of costs": Ceiling(1200, "a hundred years"),
    "per 1,000 person-years": Ceiling(365_250, DAY),
    "per 1,000 carer-years": Ceiling(365_250, DAY),
    "per 1,000 worker-years": Ceiling(365_250, DAY),
    "per 1,000 package-years": Ceiling(365_250, DAY),
    "per 1,000 residents 65+ a year": Ceiling(1000, "as many as the residents"),
    "recruits a month per 1,000 care posts": Ceiling(1000, "every post a month"),
    "ratio": Ceiling(1000, "a thousandfold"),
    "ratio to fit": Ceiling(1000, "a thousandfold"),
    "ratio to women": Ceiling(1000, "a thousandfold"),
    "per unit of relative pay gap": Ceiling(1000, "a thousandfold"),
    "per unit of vacancy rate": Ceiling(1000, "a thousandfold"),
    "gamma shape": Ceiling(1000, "a near-fixed length"),
    "lognormal sigma": Ceiling(10, "a spread of e^10"),
    "share of basic pay": Ceiling(10, "ten times"),
    "share of pay": Ceiling(10, "ten times"),
    "GBP": Ceiling(1e9, "a billion pounds a person"),
    "GBP a week": Ceiling(1e6, "a million pounds a week"),
    "GBP a week per 250 GBP": Ceiling(250, "all of the 250 pounds a week"),
    "GBP an hour": Ceiling(10_000, "ten thousand pounds an hour"),
    "GBP an hour (cash)": Ceiling(10_000, "ten thousand pounds an hour"),
    "people (England)": Ceiling(1e9, "a billion people, many times England's population"),
    "GBP a year": Ceiling(1e7, "ten million pounds a year a person"),
    "GBP a bed-night": Ceiling(1e6, "a million pounds"),
    "GBP a night": Ceiling(1e6, "a million pounds"),
    "GBP a day": Ceiling(1e6, "a million pounds"),
    "GBP an operation": Ceiling(1e6, "a million pounds"),
    "GBP a bed-week": Ceiling(1e6, "a million pounds"),
    "admissions a day": Ceiling(100_000, "more than England's"),
    "admissions a weekday": Ceiling(100_000, "more than England's"),
    "discharges a day": Ceiling(100_000, "more than England's"),
    "decisions a sitting": Ceiling(100_000, "more than England's"),
    "assessments a week": Ceiling(1000, "more than one a working minute"),
    "packages or placements a week": Ceiling(1000, "more than one a working minute"),
    "workers per occupied bed": Ceiling(100, "a hundred a bed"),
    "workers per bed": Ceiling(100, "a hundred a bed"),
    "nurses per occupied bed": Ceiling(100, "a hundred a bed"),
    "nurses per bed": Ceiling(100, "a hundred a bed"),
    "healthcare assistants per bed": Ceiling(100, "a hundred a bed"),
    "integer": Ceiling(SEED_MAXIMUM, "the largest 64-bit integer"),
}
# Area totals share a unit with per-person values but not their ceiling.
AREA_CEILINGS: dict[str, Ceiling] = {
    "hours a week": Ceiling(1e8, "more than England's home care"),
    "GBP a year": Ceiling(1e12, "more than England's health and care spending"),
}
KEY_CEILINGS: dict[str, Ceiling] = {
    "care_homes.beds_per_home": Ceiling(5000, "more than any care home"),
    "home_care.new_agency_hours": Ceiling(1e6, "more than any agency"),
}
FALLBACK = Ceiling(1e12, "a number this model cannot hold")


def ceiling(key: str, meta: Mapping[str, Any]) -> Ceiling | None:
    """The physical ceiling of a field without a declared maximum (None: it has one, or it
    is not a number)."""
    if meta.get("maximum") is not None or meta.get("kind") in ("share", "distribution"):
        return None
    if key in KEY_CEILINGS:
        return KEY_CEILINGS[key]
    unit = meta.get("unit", "")
    if meta.get("area") and unit in AREA_CEILINGS:
        return AREA_CEILINGS[unit]
    return UNIT_CEILINGS.get(unit, FALLBACK)


def value_range(key: str, meta: Mapping[str, Any]) -> tuple[float, float]:
    """The inclusive range every number of a field must lie in: its declared bounds, [0, 1]
    for shares, not negative for counts and money, and its ceiling."""
    kind = meta.get("kind")
    low = meta.get("minimum")
    high = meta.get("maximum")
    if kind in ("share", "distribution"):
        low = 0.0 if low is None else max(low, 0.0)
        high = 1.0 if high is None else min(high, 1.0)
    if kind in ("count", "money"):
        low = 0.0 if low is None else max(low, 0.0)
    if high is None:
        high = (ceiling(key, meta) or FALLBACK).value
    if low is None:
        low = -FALLBACK.value
    return float(low), float(high)


def range_problem(key: str, value: Any, meta: Mapping[str, Any]) -> str | None:
    """What is wrong with an already typed value of ``key``, or None."""
    if isinstance(value, dt.date):
        return date_problem(value)
    if isinstance(value, str):
        return None
    numbers = value if isinstance(value, tuple) else (value,)
    length = meta.get("length")
    if length is not None and len(numbers) != length:
        return f"must have {length} values, got {len(numbers)}"
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        return None
    if any(isinstance(n, float) and not math.isfinite(n) for n in numbers):
        return f"must be a finite number, got {value!r}"
    kind = meta.get("kind")
    if kind in ("share", "distribution") and any(not 0.0 <= n <= 1.0 for n in numbers):
        return f"is a share and must lie in [0, 1], got {value!r}"
    if kind == "distribution" and abs(sum(numbers) - 1.0) > 1e-6:
        return f"shares must add up to 1, they add up to {sum(numbers):g}"
    if kind in ("count", "money") and any(n < 0 for n in numbers):
        return f"cannot be negative, got {value!r}"
    low, high = value_range(key, meta)
    if any(n < low for n in numbers):
        return f"must be at least {low:g}, got {value!r}"
    if any(n > high for n in numbers):
        limit = ceiling(key, meta)
        if limit is None:
            return f"must be at most {high:g}, got {value!r}"
        return f"must be at most {high:,.10g} ({limit.reason}), got {value!r}"
    return None


def date_problem(day: dt.date) -> str | None:
    """Dates outside the supported calendar are refused (the model adds and subtracts years
    and days from them, and outputs are pandas timestamps)."""
    if not FIRST_DATE <= day <= LAST_DATE:
        return (
            f"{day.isoformat()} is outside the supported years "
            f"{FIRST_DATE.year} to {LAST_DATE.year}"
        )
    return None


def folder_name_problem(name: str) -> str | None:
    """A scenario or sweep name becomes a folder under results/: it must stay one folder."""
    if not name.strip():
        return "must not be empty"
    if len(name) > NAME_MAXIMUM:
        return f"must be at most {NAME_MAXIMUM} characters, got {len(name)}"
    if any(c in name for c in "/\\\0") or name in (".", "..") or name.startswith("."):
        return (
            f"becomes a folder name, so it cannot contain '/' or '\\' or start with '.': {name!r}"
        )
    if any(ord(c) < 32 for c in name):
        return f"cannot contain control characters: {name!r}"
    return None
