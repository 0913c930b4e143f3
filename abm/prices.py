"""Prices: every pound in the model is real, at one stated price base.

Issue 17 asked for a choice between nominal money with a deflator and real money at a stated
price base. The model takes the second (docs/model.md, "Prices"): its budgets, fees, pay and
unit costs are inputs, all given in the prices of one financial year (``prices.base``,
2025-26 by default, the year the defaults were read in), and nothing in the model inflates.
A nominal model would need every input that is not dated (fees, NHS pay bands, the outside
wage, unit costs) to be uprated by some index the model would have to assume; a real one
needs only the few inputs that *are* published in cash by date (the minimum wage) to be
deflated once, here, and every money output is then in the same prices as the inputs.

This module holds the price base's vocabulary (:func:`money_unit` labels a money output with
its base), the deflator that turns a cash figure of a financial year into the base's prices
(:func:`deflate`), and the ``[prices]`` config section. It imports nothing from the model, so
both the config and the outputs can use it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from abm.params import param

FIRST_YEAR = 2010
"""The first financial year of the deflator (2010-11): the history replay's first."""


def financial_year(start: int) -> str:
    """A financial year's label, ``2025-26`` for the one starting in April 2025."""
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_of(date: dt.date) -> int:
    """The calendar year in which the financial year holding ``date`` starts (April)."""
    return date.year if date.month >= 4 else date.year - 1


FINANCIAL_YEARS = tuple(financial_year(year) for year in range(FIRST_YEAR, 2026))
"""The financial years the deflator covers, 2010-11 to 2025-26."""

# Year-on-year change in the GDP deflator by financial year, 2010-11 to 2025-26 (share). Where
# the history inputs (../shared/history/inputs.csv) give both the cash and the real change of
# one spending figure, their ratio is the deflator NHS Digital used (PRICE rows of
# seeds/evidence.csv say which figures); elsewhere an assumption of 2% a year (the Bank of
# England's inflation target), marked as such in the evidence table.
INFLATION_DEFAULT = (
    0.02213,  # 2010-11 PRICE-01
    0.02213,  # 2011-12 PRICE-02
    0.01448,  # 2012-13 PRICE-03
    0.02213,  # 2013-14 PRICE-04
    0.00548,  # 2014-15 PRICE-05
    0.00548,  # 2015-16 PRICE-06
    0.02277,  # 2016-17 PRICE-07
    0.01892,  # 2017-18 PRICE-08
    0.01852,  # 2018-19 PRICE-09
    0.02,  # 2019-20 PRICE-10 (assumption)
    0.02,  # 2020-21 PRICE-11 (assumption)
    0.02,  # 2021-22 PRICE-12 (assumption)
    0.06726,  # 2022-23 PRICE-13
    0.05643,  # 2023-24 PRICE-14
    0.02,  # 2024-25 PRICE-15 (assumption)
    0.02,  # 2025-26 PRICE-16 (assumption)
)
INFLATION_EVIDENCE = ", ".join(f"PRICE-{n:02d}" for n in range(1, len(FINANCIAL_YEARS) + 1))


@dataclasses.dataclass(frozen=True)
class PricesConfig:
    """The prices every money figure is in: one financial year's (real terms), and the
    deflator that turns the few inputs published in cash by date into them."""

    base: str = param(
        "2025-26",
        unit="financial year",
        description="The price base: every money figure of the config (budgets, fees, pay, unit "
        "costs, grants) is in this financial year's prices, and every money output says so. "
        "The model does not inflate; only the inputs it holds in cash by date (the minimum "
        "wage under workforce.wage_floor = by_date) are deflated into these prices",
        source="lever (the defaults were read in 2024-25 and 2025-26 and are taken as 2025-26 "
        "prices)",
        choices=FINANCIAL_YEARS,
    )
    inflation: tuple[float, ...] = param(
        INFLATION_DEFAULT,
        unit="share a year",
        description="Change in the GDP deflator over each financial year from 2010-11 to "
        "2025-26 (the 2010-11 figure is 2010-11 over 2009-10): turns a cash figure of one "
        "year into another year's prices",
        source="DERIVED from the cash and real changes of council spending in the history "
        "inputs (NHS Digital's deflator); 2% a year where they give none (assumption)",
        evidence=INFLATION_EVIDENCE,
        scale=0.01,
        minimum=-0.2,
        maximum=0.5,
        length=len(FINANCIAL_YEARS),
    )


def price_index(prices: PricesConfig, year: int) -> float:
    """The deflator's level in the financial year starting in April of ``year``, relative to
    the price base (1.0 in the base year). Years outside the table take its end values."""
    years = range(FIRST_YEAR, FIRST_YEAR + len(prices.inflation))
    year = min(max(year, years[0]), years[-1])
    level = {years[0]: 1.0}
    for y, change in zip(years[1:], prices.inflation[1:], strict=True):
        level[y] = level[y - 1] * (1.0 + change)
    base = int(prices.base[:4])
    return level[year] / level[base]


def deflate(prices: PricesConfig, cash_gbp: float, date: dt.date) -> float:
    """A cash amount paid on ``date``, in the price base's prices."""
    return cash_gbp / price_index(prices, financial_year_of(date))


def price_label(base: str) -> str:
    """How outputs name the price base: ``2025-26 prices``."""
    return f"{base} prices"


def money_unit(unit: str, base: str) -> str:
    """A unit with its price base when it is money (``GBP a year, 2025-26 prices``), as it
    is otherwise."""
    if not unit.startswith("GBP") or "prices" in unit:
        return unit
    return f"{unit}, {price_label(base)}"


__all__ = [
    "FINANCIAL_YEARS",
    "PricesConfig",
    "deflate",
    "financial_year",
    "financial_year_of",
    "money_unit",
    "price_index",
    "price_label",
]
