"""The queues the council's staff serve: social workers' assessments, the funding panel and
the brokers.

Each is a capacity the council pays for from its budget (``Council.staff``: posts filled by
the labour market), so a cut that freezes hiring or thins the panel's sittings reaches the
patients waiting here. The council's decisions (eligibility, the means test, what it can
afford) are :class:`abm.agents.council.Council`'s; these services only serve their waiting
lists in the order the council's referral priority rule says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm.agents.accounts import WEEKS_PER_YEAR
from abm.agents.capacity import QueuedService, ThroughputService, responsible_for
from abm.agents.worker import Role
from abm.discharge import Delay, Route
from abm.domain import Body, Cause, DelayReason, Frailty, Funder, Location
from abm.params import per_week_to_per_day

if TYPE_CHECKING:
    from abm.agents.council import Council
    from abm.model import CareSystemModel


class AssessmentTeam(ThroughputService):
    """The council's social workers carrying out needs assessments.

    A self-funder (by the means test) does not wait: they arrange their own care. Everyone
    else waits their turn; an assessed resident whose need is below the eligibility threshold
    gets no service from the council.
    """

    reason = DelayReason.AWAITING_ASSESSMENT
    responsible = Body.SOCIAL_CARE
    queue_name = "assessment"

    def __init__(self, model: CareSystemModel, council: Council) -> None:
        super().__init__(model)
        self.council = council
        self.self_funders_today = 0
        self.self_funders_below_threshold_today = 0
        self.waits_completed_today: list[int] = []
        self._joined: dict[int, int] = {}

    def per_week(self) -> float:
        """Assessments the social workers in post can take on a week, less any rationing."""
        c = self.model.params.council
        capacity = self.council.staff(Role.SOCIAL_WORKER) * c.assessments_per_social_worker_week
        return capacity * self.council.measures.assessment_factor

    def mean_duration_days(self) -> float:
        """The visit and the care plan (``capacity.assessment_mean_days``): a fixed process."""
        return float(self.model.params.capacity.assessment_mean_days)

    def start_day(self) -> None:
        """Reset today's counts."""
        self.self_funders_today = self.self_funders_below_threshold_today = 0
        self.waits_completed_today: list[int] = []

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Means-test first: a self-funder goes straight on; others join the queue.

        A self-funder arranges a home-care package only for needs that reach the eligibility
        threshold, the national criteria that define eligible needs for everyone: below it
        they make their own arrangements (help with cleaning or shopping, not regulated home
        care), as a council-funded resident below it gets no service."""
        residents = self.model.residents
        care_home = route.destination == Location.CARE_HOME
        if self.council.is_self_funder(pid, care_home=care_home):
            if not care_home and not self.council.meets_national_criteria(pid):
                self.self_funders_below_threshold_today += 1
                residents.set_funder(pid, Funder.NONE)
                route.stop(pid, day)
                return
            residents.set_funder(pid, Funder.SELF)
            self.self_funders_today += 1
            route.step_done(pid, day)
            return
        residents.set_funder(pid, Funder.COUNCIL)
        self._joined[pid] = day
        super().enrol(pid, day, from_hospital, route)

    def withdraw(self, pid: int) -> None:
        """Leave the queue (death, admission, stopped waiting)."""
        self._joined.pop(pid, None)
        super().withdraw(pid)

    def _complete(self, pid: int, day: int) -> None:
        """An assessment is complete: on to the next step if eligible, otherwise no service."""
        self.waits_completed_today.append(day - self._joined.pop(pid, day))
        if self.council.is_eligible(pid):
            super()._complete(pid, day)
            return
        self._from_hospital.discard(pid)
        route = self._routes.pop(pid)
        self.served_today += 1
        self.council.not_eligible_today += 1
        self.model.residents.set_funder(pid, Funder.NONE)
        route.stop(pid, day)

    def _finish(self, pid: int, day: int) -> None:
        """With no working time the assessment completes the day it is taken on."""
        self._log_wait(pid, day)
        self.waiting.leave(pid)
        self._complete(pid, day)


class FundingPanel(QueuedService):
    """The funding panel: council managers (and, for continuing healthcare, the NHS's nurse
    assessors) who meet on a set weekday and decide care-home placements in turn.

    It sits every week on ``council.panel_weekday`` and decides up to
    ``council.panel_decisions_per_sitting`` cases a week of sittings (grown with the population;
    a fraction of a case carries over to the next sitting); while the council is rationing it
    may sit only every other week (a rationing measure) and then decides two weeks' worth, so a
    budget under pressure adds days to every decision, for hospital patients too. A severely
    frail resident is found eligible for NHS continuing healthcare with probability
    ``council.chc_probability_severe`` (then the NHS pays). Self-funders need no decision.
    """

    reason = DelayReason.AWAITING_FUNDING_DECISION
    responsible = Body.BOTH
    queue_name = "funding_panel"

    def __init__(self, model: CareSystemModel, council: Council) -> None:
        super().__init__(model)
        self.council = council
        self.sittings = 0
        self._credit = 0.0

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Self-funders need no decision."""
        if int(self.model.residents.funder[pid]) == Funder.SELF:
            route.step_done(pid, day)
            return
        super().enrol(pid, day, from_hospital, route)

    def status(self, pid: int) -> Delay:
        """A queue while the panel's decisions a sitting are limited (``council.staffing =
        establishment``); otherwise the wait for the next sitting is process time."""
        reason, body, cause = super().status(pid)
        return reason, body, cause if self.council.staffing.panel_limited else Cause.PROCESS

    def sits_today(self) -> bool:
        """Whether the panel meets today."""
        date = self.model.date
        if date.weekday() != self.model.params.council.panel_weekday:
            return False
        every = self.council.measures.panel_interval_weeks
        return every <= 1 or (date.toordinal() // 7) % every == 0

    def tick(self, day: int) -> None:
        """On a sitting day, decide as many cases as the sitting can, in priority order."""
        self.served_today = 0
        if not len(self.waiting) or not self.sits_today():
            return
        self.sittings += 1
        weeks = max(self.council.measures.panel_interval_weeks, 1)
        per_week = self.model.with_population(self.model.params.council.panel_decisions_per_sitting)
        capacity = self.council.staffing.panel_cases(len(self.waiting), per_week, weeks)
        self._credit = min(self._credit, 1.0) + capacity
        cases = int(self._credit)
        self._credit -= cases
        for pid in self.in_order(day)[:cases]:
            self._decide(pid, day)

    def _decide(self, pid: int, day: int) -> None:
        """Decide who pays: the NHS for eligible severely frail residents, else the council."""
        self.council.consider_continuing_healthcare(pid)
        self._finish(pid, day)


class Brokerage(ThroughputService):
    """The council's brokers: they find a home-care agency for a package, or a home for a
    placement, for the residents the council funds, and commit the council's money to it.
    Self-funders arrange their own care and the NHS's own team places continuing-healthcare
    residents, so neither waits here.

    Each broker in post can arrange ``council.placements_per_broker_week`` a week, in the
    referral priority order. For people at home a broker commits money only while the council
    can afford it: when its ongoing commitments would pass its budget less reserve
    (:meth:`~abm.agents.accounts.Accounts.care_headroom_a_year`), the case waits for money
    (held for funding) and the next, cheaper case may go ahead. Hospital discharges are
    arranged whatever the budget (their cost still counts against it, so they crowd out care
    at home). Both waits are queues, with the reason of what is being arranged."""

    reason = DelayReason.AWAITING_HOME_CARE
    responsible = Body.SOCIAL_CARE
    queue_name = "brokerage"

    def __init__(self, model: CareSystemModel, council: Council) -> None:
        super().__init__(model)
        self.council = council
        self._reasons: dict[int, DelayReason] = {}
        self._for_care_home: set[int] = set()

    def per_week(self) -> float:
        """Packages and placements the brokers in post can arrange a week."""
        c = self.model.params.council
        return self.council.staff(Role.BROKER) * c.placements_per_broker_week

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Only residents the council funds wait for a broker."""
        if int(self.model.residents.funder[pid]) != Funder.COUNCIL:
            route.step_done(pid, day)
            return
        care_home = route.destination == Location.CARE_HOME
        self._reasons[pid] = (
            DelayReason.AWAITING_CARE_HOME if care_home else DelayReason.AWAITING_HOME_CARE
        )
        if care_home:
            self._for_care_home.add(pid)
        else:
            self._for_care_home.discard(pid)
        super().enrol(pid, day, from_hospital, route)

    def tick(self, day: int) -> None:
        """Arrange as many cases as the brokers can today, in priority order, each only if the
        council can afford it (a cheaper case may go ahead of one it cannot)."""
        self.served_today = 0
        daily = per_week_to_per_day(self.per_week())
        self._credit = min(self._credit + daily, daily + 1.0)
        if self._credit < 1.0 or not len(self.waiting):
            return
        headroom = self.model.accounts.care_headroom_a_year()
        order = self.in_order(day)
        yearly = self.weekly_costs(order) * WEEKS_PER_YEAR
        i = 0
        while self._credit >= 1.0:
            # The next case it can afford (free ones always): most of a long list is held
            # for money, and finding the next one with numpy spares asking each in turn.
            affordable = np.flatnonzero(yearly[i:] <= max(headroom, 0.0))
            if not len(affordable):
                break
            i += int(affordable[0])
            pid, cost = order[i], float(yearly[i])
            i += 1
            headroom -= cost
            self._credit -= 1.0
            self.council.approve(pid, cost / WEEKS_PER_YEAR)
            self._finish(pid, day)

    def weekly_costs(self, order: list[int]) -> np.ndarray:
        """What the council would commit a week from its budget for each case in ``order``
        before the broker may arrange it, at its fee rates (before any contribution from the
        resident), worked out for the whole list at once.

        Hospital discharges are not held back for money: the council funds the care that gets
        a patient out of hospital (as councils do, with the discharge funds behind them), and
        it counts against its budget like any other commitment, so it is the people waiting at
        home who wait for money. Reablement (a package for a hospital patient who had none
        before) is paid for in bulk by whoever pays for it."""
        residents = self.model.residents
        ids = np.array(order, dtype=np.int64)
        weekly = residents.assessed_needs(ids) * self.council.home_care_fee
        care_home = _members(ids, self._for_care_home)
        if care_home.any():
            nursing = residents.frailty[ids] == Frailty.SEVERE
            fees = np.where(
                nursing,
                self.council.care_home_fee(nursing=True),
                self.council.care_home_fee(nursing=False),
            )
            weekly[care_home] = fees[care_home]
        # reablement: in hospital for care at home, with no package to restart (few are in
        # hospital, so the set of those restarting is asked only about them)
        reablement = ~care_home & (residents.location[ids] == Location.HOSPITAL)
        if reablement.any():
            restarting = self.model.home_care.restarting
            where = np.flatnonzero(reablement)
            reablement[where] = [pid not in restarting for pid in ids[where].tolist()]
        weekly[_members(ids, self._from_hospital) | reablement] = 0.0
        return weekly

    def held_for_funding(self) -> tuple[int, float]:
        """Cases waiting that the council could not afford now, and what they would cost it a
        week (counted when the council reviews its budget)."""
        headroom = self.model.accounts.care_headroom_a_year()
        costs = self.weekly_costs(self.in_order(self.model.day)).tolist()
        held = [cost for cost in costs if cost > 0 and cost * WEEKS_PER_YEAR > headroom]
        return len(held), sum(held)

    def status(self, pid: int) -> Delay:
        """Waiting for a package or a place, as the broker is arranging."""
        body = responsible_for(self.responsible, self.model.residents, pid)
        cause = Cause.PROCESS if pid in self._in_progress else Cause.QUEUE
        return self._reasons.get(pid, self.reason), body, cause

    def withdraw(self, pid: int) -> None:
        """Leave the queue."""
        self._reasons.pop(pid, None)
        self._for_care_home.discard(pid)
        super().withdraw(pid)

    def _finish(self, pid: int, day: int) -> None:
        self._reasons.pop(pid, None)
        self._for_care_home.discard(pid)
        super()._finish(pid, day)


def _members(ids: np.ndarray, members: set[int]) -> np.ndarray:
    """Which of ``ids`` (residents' ids) are in ``members`` (a small set), as a boolean array:
    each id looked up in the sorted members (much cheaper than ``np.isin``, and than flags
    indexed by id, whose array as long as the residents' is written for every call)."""
    if not members or not len(ids):
        return np.zeros(len(ids), dtype=bool)
    listed = np.sort(np.fromiter(members, dtype=np.int64, count=len(members)))
    where = np.minimum(np.searchsorted(listed, ids), len(listed) - 1)
    return listed[where] == ids
