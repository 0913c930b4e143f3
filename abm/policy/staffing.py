"""Staffing rules: how many social workers and brokers a council funds, and how much its
funding panel decides at a sitting.

The council's staff are capacities it pays for from its budget. A rule answers two questions:
:meth:`StaffingRule.posts` (the posts of a role it funds this month, given the work coming in
and waiting) and :meth:`StaffingRule.panel_cases` (how many cases the panel decides at a
sitting). Under either rule a budget under pressure reaches the staff through the rationing
response (a hiring freeze leaves leavers' posts vacant; the panel sits fortnightly), and the
labour market decides how many posts are filled.

Why a workload rule: with fixed posts and a fitted output a worker, the staff's capacity is a
number fitted to the count of people it serves, and the queue in front of it either vanishes
or grows without end as that number crosses the demand. Councils plan social work and
brokerage teams to their caseload; what limits them is money and recruitment.
"""

from __future__ import annotations

import dataclasses
import math

from abm.policy import Registry

STAFFING_RULES = Registry("staffing rule")
# A waiting list is planned to be cleared over a quarter (13 weeks) on top of new work.
BACKLOG_WEEKS = 13.0


@dataclasses.dataclass(frozen=True, slots=True)
class Workload:
    """The work in front of one team."""

    referred_per_week: float
    waiting: int
    cases_per_worker_week: float
    establishment: float


class StaffingRule:
    """How a council sizes its social work and brokerage teams and its funding panel."""

    name: str
    panel_limited: bool = True

    def posts(self, work: Workload) -> float:
        """Posts of the role funded this month (before rounding)."""
        raise NotImplementedError

    def panel_cases(self, waiting: int, decisions_per_week: float, weeks: int) -> float:
        """Cases the panel can decide at a sitting that covers ``weeks`` weeks."""
        raise NotImplementedError


@STAFFING_RULES.register("establishment")
class Establishment(StaffingRule):
    """Fixed posts (``council.social_workers``, ``council.brokers``, grown with the population)
    and a panel that decides up to ``council.panel_decisions_per_sitting`` cases a week of
    sittings."""

    def posts(self, work: Workload) -> float:
        """The establishment, whatever the work."""
        return work.establishment

    def panel_cases(self, waiting: int, decisions_per_week: float, weeks: int) -> float:
        """A week's decisions for every week the sitting covers."""
        return decisions_per_week * weeks


@STAFFING_RULES.register("workload")
class WorkloadStaffing(StaffingRule):
    """Posts for the work coming in and waiting: the cases referred a week over the last
    quarter, plus today's waiting list cleared over a quarter, at the cases a worker takes on a
    week, plus ``headroom`` (leave, sickness, training). The panel decides every case before it
    at each sitting: its wait is the days to the next sitting, a process time."""

    panel_limited = False

    def __init__(self, headroom: float) -> None:
        self.headroom = headroom

    def posts(self, work: Workload) -> float:
        """Posts the workload needs."""
        if work.cases_per_worker_week <= 0.0:
            return work.establishment
        weekly = work.referred_per_week + work.waiting / BACKLOG_WEEKS
        return max(weekly / work.cases_per_worker_week * (1.0 + self.headroom), 0.0)

    def panel_cases(self, waiting: int, decisions_per_week: float, weeks: int) -> float:
        """Everyone waiting."""
        return float(waiting)


def make_staffing_rule(name: str, headroom: float) -> StaffingRule:
    """The rule called ``name`` (``headroom`` is used by ``workload`` only)."""
    if name == "workload":
        return WorkloadStaffing(headroom)
    return STAFFING_RULES.create(name)  # type: ignore[return-value]


def rounded_posts(posts: float) -> int:
    """Whole posts: a part post is funded as a whole one."""
    return math.ceil(posts - 1e-9)
