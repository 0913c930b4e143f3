"""Wage floors: the legal minimum hourly pay on a date, in the run's price base.

Every floor answers one question, :meth:`WageFloor.rate`: what the National Minimum Wage or
National Living Wage (the top adult rate) is on this day, in pounds an hour at the price base
(:mod:`abm.prices`). Two floors:

- ``from_2024`` (the default, and the model's rule before issue 17): the rates of
  ``workforce.national_living_wage_gbp``, one from each April from 2024 (the first also before
  it), taken as already in the price base. Runs set in 2023 to 2030 use it unchanged.
- ``by_date``: every rate from the date it came into force, back to October 2009
  (``workforce.minimum_wage_history_gbp``, then ``national_living_wage_gbp`` from April 2024),
  all in cash as published, deflated into the price base by the financial year of the day
  (``prices.inflation``). A run of 2010-2019 needs it: the floor then rose from £5.93 to £8.21
  in cash, and by less in real terms.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import TYPE_CHECKING

from abm.policy import Registry
from abm.prices import deflate

if TYPE_CHECKING:
    from abm.config import Scenario

WAGE_FLOORS = Registry("wage floor")

NLW_FIRST_APRIL = 2024
"""``workforce.national_living_wage_gbp`` holds one rate from each April from this year."""

MINIMUM_WAGE_DATES = (
    dt.date(2009, 10, 1),
    dt.date(2010, 10, 1),
    dt.date(2011, 10, 1),
    dt.date(2012, 10, 1),
    dt.date(2013, 10, 1),
    dt.date(2014, 10, 1),
    dt.date(2015, 10, 1),
    dt.date(2016, 4, 1),
    dt.date(2017, 4, 1),
    dt.date(2018, 4, 1),
    dt.date(2019, 4, 1),
    dt.date(2020, 4, 1),
    dt.date(2021, 4, 1),
    dt.date(2022, 4, 1),
    dt.date(2023, 4, 1),
)
"""The date each rate of ``workforce.minimum_wage_history_gbp`` came into force (MW rows of
seeds/evidence.csv: the National Minimum Wage each October to 2015, the National Living Wage
each April from 2016)."""


class WageFloor:
    """The legal minimum hourly pay on a date."""

    name: str

    def rate(self, date: dt.date, params: Scenario) -> float:
        """The floor in force on ``date``, GBP an hour in the price base."""
        raise NotImplementedError


@WAGE_FLOORS.register("from_2024")
class From2024(WageFloor):
    """The National Living Wage from each April from 2024, taken as in the price base; the
    first rate also holds before April 2024 (the model's original rule)."""

    def rate(self, date: dt.date, params: Scenario) -> float:
        """The rate of the April on or before ``date`` (the first before April 2024)."""
        series = params.workforce.national_living_wage_gbp
        index = min(max((date - dt.timedelta(days=90)).year - NLW_FIRST_APRIL, 0), len(series) - 1)
        return series[index]


@WAGE_FLOORS.register("by_date")
class ByDate(WageFloor):
    """Every published rate from the date it came into force, deflated into the price base."""

    def rate(self, date: dt.date, params: Scenario) -> float:
        """The cash rate in force on ``date`` (the first before October 2009), deflated by
        the financial year of ``date``."""
        w = params.workforce
        dates = (
            *MINIMUM_WAGE_DATES,
            *(dt.date(NLW_FIRST_APRIL + i, 4, 1) for i in range(len(w.national_living_wage_gbp))),
        )
        rates = (*w.minimum_wage_history_gbp, *w.national_living_wage_gbp)
        index = max(bisect.bisect_right(dates, date) - 1, 0)
        return deflate(params.prices, rates[index], date)


__all__ = ["MINIMUM_WAGE_DATES", "WAGE_FLOORS", "ByDate", "From2024", "WageFloor"]
