"""Self-funders spend down their capital, and the council takes over when it runs out.

A self-funder pays the whole cost of their care. What they pay beyond their income
(``need.income_gbp_per_week``) comes out of their capital, so over a long care-home stay a
self-funder's capital falls to the means test's upper limit; the council then assesses them
again and pays its fee (less their contribution). About a third of council-funded care-home
residents in England started as self-funders; without spending down, self-funders would never
leave self-funding and their share of care would grow for ever.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from abm.domain import Care, Funder
from abm.params import DAYS_PER_WEEK

if TYPE_CHECKING:
    from abm.model import CareSystemModel


def days_in_previous_month(date: dt.date) -> int:
    """Days of the month before ``date``'s month."""
    first = date.replace(day=1)
    return (first - (first - dt.timedelta(days=1)).replace(day=1)).days


def spend_down(model: CareSystemModel, date: dt.date) -> int:
    """Charge last month's care to residents' capital; move self-funders whose capital is
    used up to council funding. Returns how many moved."""
    council, residents = model.council, model.residents
    if not council.commitments:
        return 0
    ids = np.fromiter(council.commitments, dtype=np.int64)
    private = np.array([council.commitments[int(pid)].private for pid in ids])
    income = model.params.need.income_gbp_per_week
    weeks = days_in_previous_month(date) / DAYS_PER_WEEK
    residents.capital_spent[ids] += np.maximum(private - income, 0.0) * weeks
    moved = 0
    for pid in ids[residents.funder[ids] == Funder.SELF].tolist():
        care_home = residents.care[pid] == Care.CARE_HOME
        if council.is_self_funder(pid, care_home=care_home):
            continue
        residents.funder[pid] = Funder.COUNCIL
        if care_home:
            model.care_homes.recharge(pid)
        else:
            model.home_care.recharge(pid)
        moved += 1
    return moved
