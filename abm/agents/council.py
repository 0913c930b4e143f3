"""The council's adult social care: assessments, eligibility, the means test, fees and budget.

The council decides who gets care and who pays. Its social workers assess residents in turn
(hospital discharges first when ``capacity.hospital_priority``); a resident whose means test
makes them pay the whole cost is a self-funder and arranges their own care without waiting for
an assessment. An assessed resident is eligible when their need beyond what an unpaid carer
gives reaches the eligibility threshold. The council pays providers its fee rates, less what
residents contribute; it sets a budget each April and, when it heads for an overspend, applies
its rationing response. NHS continuing healthcare is decided at the funding panel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.agents.capacity import ThroughputService
from abm.discharge import Route
from abm.domain import Body, DelayReason, Frailty, Funder, Location
from abm.params import DAYS_PER_WEEK
from abm.policy.means_test import MEANS_TESTS, MeansTest, MeansTestRules
from abm.policy.rationing import RATIONING_RESPONSES, Measures, RationingResponse

if TYPE_CHECKING:
    from abm.model import CareSystemModel

PAYERS = ("council", "private", "nhs")
WEEKS_PER_YEAR = 365.25 / 7.0


@dataclasses.dataclass(frozen=True)
class Commitment:
    """What one resident's care costs each payer a week."""

    council: float = 0.0
    private: float = 0.0
    nhs: float = 0.0

    def as_array(self) -> np.ndarray:
        """(council, private, nhs)."""
        return np.array([self.council, self.private, self.nhs])


class Council(mesa.Agent):
    """The local authority's adult social care department."""

    model: CareSystemModel

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        c = model.params.council
        self.means_test: MeansTest = MEANS_TESTS.create(c.means_test, self.rules())  # type: ignore[assignment]
        self.rationing: RationingResponse = RATIONING_RESPONSES.create(c.rationing_response)  # type: ignore[assignment]
        self.measures = Measures()
        self.fee_index = 1.0
        self.commitments: dict[int, Commitment] = {}
        self.weekly = np.zeros(len(PAYERS))
        self.spent_today = np.zeros(len(PAYERS))
        self.spent_this_year = np.zeros(len(PAYERS))
        self.budget = 0.0
        self._rebased = False
        self._last_population_ratio = 1.0
        self.pressure = 0.0
        self.not_eligible_today = 0
        self.packages_ended_at_review_today = 0

    def start_day(self) -> None:
        """Reset today's counts."""
        self.not_eligible_today = self.packages_ended_at_review_today = 0

    def rules(self) -> MeansTestRules:
        """The means-test figures from the config."""
        c = self.model.params.council
        return MeansTestRules(
            upper_capital_limit=c.upper_capital_limit_gbp,
            lower_capital_limit=c.lower_capital_limit_gbp,
            tariff_per_250=c.tariff_gbp_per_250,
            lifetime_cap=c.lifetime_cap_gbp,
            personal_care_share=c.personal_care_share,
        )

    def policies_changed(self) -> None:
        """Re-read the means test and rationing response after a scheduled change."""
        c = self.model.params.council
        if c.means_test != self.means_test.name:
            self.means_test = MEANS_TESTS.create(c.means_test, self.rules())  # type: ignore[assignment]
        else:
            self.means_test.rules = self.rules()
        if c.rationing_response != self.rationing.name:
            self.rationing = RATIONING_RESPONSES.create(c.rationing_response)  # type: ignore[assignment]

    # ---------------------------------------------------------------- rates and thresholds

    @property
    def eligibility_threshold(self) -> float:
        """Hours a week of need (beyond unpaid care) the council meets, with rationing."""
        return self.model.params.council.eligibility_threshold + self.measures.extra_threshold_hours

    @property
    def pay_fee_factor(self) -> float:
        """How much fees rise to pay for care pay above the market rate (when the config says
        fees pay for it)."""
        w = self.model.params.workforce
        if w.pay_rise_paid_by != "fees":
            return 1.0
        return 1.0 + w.labour_cost_share * (self.model.workforce.care_pay_ratio - 1.0)

    @property
    def home_care_fee(self) -> float:
        """The council's hourly home-care fee now."""
        c = self.model.params.council
        return c.home_care_fee_gbp_per_hour * self.fee_index * self.pay_fee_factor

    def care_home_fee(self, *, nursing: bool = False) -> float:
        """The council's weekly fee now for a residential or a nursing home."""
        c = self.model.params.council
        fee = c.nursing_home_fee_gbp_per_week if nursing else c.care_home_fee_gbp_per_week
        return fee * self.fee_index * self.pay_fee_factor

    def is_self_funder(self, pid: int, *, care_home: bool) -> bool:
        """Whether the means test makes a resident pay the whole cost of the care they ask for."""
        if self.model.residents.funder[pid] == Funder.NHS:
            return False
        residents = self.model.residents
        if care_home:
            cost = self.care_home_fee(nursing=residents.frailty[pid] == Frailty.SEVERE)
        else:
            cost = max(residents.assessed_need(pid), 1.0) * self.home_care_fee
        contribution = self.means_test.contribution(
            residents.capital(pid, care_home=care_home),
            cost,
            care_home=care_home,
            paid_so_far=float(residents.paid_towards_care[pid]),
        )
        return contribution >= cost - 1e-9

    def is_eligible(self, pid: int) -> bool:
        """Whether an assessed resident's need reaches the eligibility threshold."""
        return self.model.residents.assessed_need(pid) >= self.eligibility_threshold

    # ---------------------------------------------------------------- money

    def commit(
        self,
        pid: int,
        *,
        council_rate_cost: float,
        private_rate_cost: float,
        nhs_cost: float,
        care_home: bool,
    ) -> Commitment:
        """Start paying for a resident's care; returns who pays what a week."""
        residents = self.model.residents
        funder = residents.funder[pid]
        if funder == Funder.NHS:
            commitment = Commitment(nhs=nhs_cost)
        elif funder == Funder.SELF:
            commitment = Commitment(private=private_rate_cost)
        else:
            contribution = self.means_test.contribution(
                residents.capital(pid, care_home=care_home),
                council_rate_cost,
                care_home=care_home,
                paid_so_far=float(residents.paid_towards_care[pid]),
            )
            commitment = Commitment(council=council_rate_cost - contribution, private=contribution)
        self.release(pid)
        self.commitments[pid] = commitment
        self.weekly += commitment.as_array()
        return commitment

    def commit_free(self, pid: int, weekly_cost: float) -> Commitment:
        """Pay the whole cost of care that is free to residents (reablement)."""
        self.release(pid)
        commitment = Commitment(council=weekly_cost)
        self.commitments[pid] = commitment
        self.weekly += commitment.as_array()
        return commitment

    def release(self, pid: int) -> None:
        """Stop paying for a resident's care."""
        old = self.commitments.pop(pid, None)
        if old is not None:
            self.weekly -= old.as_array()

    def accrue(self) -> None:
        """Today's spending by payer."""
        self.spent_today = self.weekly / DAYS_PER_WEEK
        self.spent_this_year += self.spent_today

    # ---------------------------------------------------------------- calendar

    def start_of_month(self, date: dt.date) -> None:
        """Residents' payments count towards the cap; the council checks its budget."""
        residents = self.model.residents
        if self.commitments:
            ids = np.fromiter(self.commitments, dtype=np.int64)
            private = np.array([self.commitments[int(pid)].private for pid in ids])
            days = (date - (date.replace(day=1) - dt.timedelta(days=1)).replace(day=1)).days
            residents.paid_towards_care[ids] += private * days / DAYS_PER_WEEK
        if date.month == 4:
            self.set_budget()
        elif self.budget > 0:
            self.review_budget(date)

    def set_budget(self) -> None:
        """April: a new financial year's budget and fee rates.

        The first April of a run rebases the budget on what the council actually spent over
        the year before (plus ``council.budget_headroom``), so a run starts with a council
        roughly in balance; after that the budget changes by ``council.budget_change`` a year
        (and grows with the population when capacities do).
        """
        c = self.model.params.council
        if self.budget == 0.0:
            self.budget = self.weekly[0] * WEEKS_PER_YEAR * (1.0 + c.budget_headroom)
        elif not self._rebased:
            self.budget = self.spent_this_year[0] * (1.0 + c.budget_headroom)
            self._rebased = True
        else:
            self.budget *= (1.0 + c.budget_change) * self._growth_since_last_april()
        if not self.measures.fees_frozen:
            self.fee_index *= 1.0 + c.fee_uplift
        self.spent_this_year[:] = 0.0

    def _growth_since_last_april(self) -> float:
        ratio = self.model.population_ratio
        previous, self._last_population_ratio = self._last_population_ratio, ratio
        if not self.model.params.capacity.grows_with_population:
            return 1.0
        return ratio / previous

    def review_budget(self, date: dt.date) -> None:
        """Project the year's spending and apply the rationing response."""
        april = dt.date(date.year if date.month >= 4 else date.year - 1, 4, 1)
        weeks_left = max((dt.date(april.year + 1, 4, 1) - date).days, 0) / DAYS_PER_WEEK
        projected = self.spent_this_year[0] + self.weekly[0] * weeks_left
        self.pressure = projected / self.budget - 1.0
        self.measures = self.rationing.respond(self.pressure, self.measures)

    def start_before_first_april(self, date: dt.date) -> None:
        """Set a budget for the financial year the run starts in, as if spending had run at
        today's rate since April."""
        april = dt.date(date.year if date.month >= 4 else date.year - 1, 4, 1)
        self.set_budget()
        self.spent_this_year[:] = self.weekly * (date - april).days / DAYS_PER_WEEK


class AssessmentTeam(ThroughputService):
    """The council's social workers carrying out needs assessments.

    A self-funder (by the means test) does not wait: they arrange their own care. Everyone
    else waits their turn; an assessed resident whose need is below the eligibility threshold
    gets no service from the council.
    """

    reason = DelayReason.AWAITING_ASSESSMENT
    responsible = Body.SOCIAL_CARE
    duration_field = "assessment_mean_days"

    def __init__(self, model: CareSystemModel, council: Council) -> None:
        super().__init__(model)
        self.council = council
        self.self_funders_today = 0
        self.waits_completed_today: list[int] = []
        self._joined: dict[int, int] = {}

    def per_week(self) -> float:
        """Assessments completed a week, less any rationing."""
        capacity = self.model.with_population(self.model.params.capacity.assessments_per_week)
        return capacity * self.council.measures.assessment_factor

    def start_day(self) -> None:
        """Reset today's counts."""
        self.self_funders_today = 0
        self.waits_completed_today: list[int] = []

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Means-test first: a self-funder goes straight on; others join the queue."""
        residents = self.model.residents
        care_home = route.destination == Location.CARE_HOME
        if self.council.is_self_funder(pid, care_home=care_home):
            residents.funder[pid] = Funder.SELF
            self.self_funders_today += 1
            route.step_done(pid, day)
            return
        residents.funder[pid] = Funder.COUNCIL
        self._joined[pid] = day
        super().enrol(pid, day, from_hospital, route)

    def withdraw(self, pid: int) -> None:
        """Leave the queue (death, admission, stopped waiting)."""
        self._joined.pop(pid, None)
        super().withdraw(pid)

    def _finish(self, pid: int, day: int) -> None:
        """An assessment is complete: on to the next step if eligible, otherwise no service."""
        self.waits_completed_today.append(day - self._joined.pop(pid, day))
        route = self._routes[pid]
        if self.council.is_eligible(pid):
            super()._finish(pid, day)
            return
        self.waiting.leave(pid)
        self._routes.pop(pid)
        self.served_today += 1
        self.council.not_eligible_today += 1
        self.model.residents.funder[pid] = Funder.NONE
        route.stop(pid, day)


class FundingPanel(ThroughputService):
    """Funding decisions for care-home placements, including NHS continuing healthcare."""

    reason = DelayReason.AWAITING_FUNDING_DECISION
    responsible = Body.BOTH
    duration_field = "funding_decision_mean_days"

    def per_week(self) -> float:
        """Decisions made a week."""
        return self.model.with_population(self.model.params.capacity.funding_decisions_per_week)

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Self-funders need no decision."""
        if self.model.residents.funder[pid] == Funder.SELF:
            route.step_done(pid, day)
            return
        super().enrol(pid, day, from_hospital, route)

    def _finish(self, pid: int, day: int) -> None:
        """Decide who pays: the NHS for eligible severely frail residents, else the council."""
        residents = self.model.residents
        chance = self.model.params.council.chc_probability_severe
        draw = self.model.streams["funding"].random()
        if residents.frailty[pid] == Frailty.SEVERE and draw < chance:
            residents.funder[pid] = Funder.NHS
        super()._finish(pid, day)
