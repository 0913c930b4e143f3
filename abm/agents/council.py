"""The council's adult social care: assessments, eligibility, the means test, fees and budget.

The council decides who gets care and who pays. Its social workers assess residents in turn
(in the order of ``council.referral_priority``); a resident whose means test
makes them pay the whole cost is a self-funder and arranges their own care without waiting for
an assessment. An assessed resident is eligible when their need beyond what an unpaid carer
gives reaches the eligibility threshold. The council pays providers its fee rates, less what
residents contribute; it sets a budget each April and, when it heads for an overspend, applies
its rationing response. NHS continuing healthcare is decided at the funding panel. Its brokers
find agencies and homes for the residents it funds. Social workers, brokers and the panel are
posts the council pays for from its budget; the queues they serve are in
:mod:`abm.agents.council_staff`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np

from abm.agents.accounts import ECONOMY, HOUSEHOLDS
from abm.agents.worker import Role
from abm.domain import Frailty, Funder, Purpose
from abm.params import DAYS_PER_WEEK
from abm.policy.fees import FEE_SETTINGS, FeeSetting, PremiumRules, SourcingSignal
from abm.policy.means_test import MEANS_TESTS, MeansTest, MeansTestRules
from abm.policy.rationing import RATIONING_RESPONSES, Measures, RationingResponse
from abm.policy.staffing import StaffingRule, Workload, make_staffing_rule, rounded_posts

if TYPE_CHECKING:
    from abm.model import CareSystemModel


class Commitment(NamedTuple):
    """What one resident's care costs each payer a week, paid to which provider and for what.

    ``council`` is the public share of social care (paid by whichever account holds the care
    budget under the funding arrangement), ``private`` the resident's own, ``nhs`` continuing
    healthcare. Immutable; a named tuple rather than a frozen dataclass because care homes
    re-price every self-funder's commitment each month, and a frozen dataclass costs several
    times as much to make."""

    council: float = 0.0
    private: float = 0.0
    nhs: float = 0.0
    payee: str = ""
    purpose: Purpose = Purpose.HOME_CARE
    self_funded: bool = False

    @property
    def total(self) -> float:
        """What the provider receives a week."""
        return self.council + self.private + self.nhs


# Reading every commitment's fields at the start of a month (C-level, not a generator's loop).
_PRIVATE = operator.attrgetter("private")
_PURPOSE = operator.attrgetter("purpose")


class Council(mesa.Agent):
    """The local authority's adult social care department.

    It employs social workers (assessments) and brokers (finding agencies and homes for the
    people it funds), posts it pays for from its social care budget
    (``council.social_workers``, ``council.brokers``), filled and emptied by the labour market
    (:mod:`abm.agents.worker`). While it freezes hiring (a rationing measure), a post that falls
    vacant stays vacant.
    """

    model: CareSystemModel
    employer_id: int

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.weekly_wages = 0.0
        self._wage_rate = 0.0
        self.approved: dict[int, float] = {}
        self.approved_weekly = 0.0
        model.workforce.register(self)
        c = model.params.council
        self.means_test: MeansTest = MEANS_TESTS.create(c.means_test, self.rules())  # type: ignore[assignment]
        self.rationing: RationingResponse = RATIONING_RESPONSES.create(c.rationing_response)  # type: ignore[assignment]
        self.measures = Measures()
        self.fee_setting: FeeSetting = FEE_SETTINGS.create(  # type: ignore[assignment]
            c.home_care_fee_setting, self.premium_rules()
        )
        self.staffing: StaffingRule = make_staffing_rule(c.staffing, c.staffing_headroom)
        self._planned_posts: dict[Role, int] = {}
        self._referred: dict[Role, tuple[int, int, float]] = {}
        self.fee_index = 1.0
        self.home_care_premium = 0.0
        self.commitments: dict[int, Commitment] = {}
        self.chc_assessed: set[int] = set()
        self.pressure = 0.0
        self.spending_pressure = 0.0
        self.self_funder_weekly = 0.0
        self.capital_drawn_today = 0.0
        self.spent_down_today = 0
        self.not_eligible_today = 0
        self.packages_ended_at_review_today = 0

    def establishment(self, role: Role) -> int:
        """The council's configured posts of ``role`` (grown with the population when
        capacities are)."""
        c = self.model.params.council
        count = {Role.SOCIAL_WORKER: c.social_workers, Role.BROKER: c.brokers}.get(role, 0)
        return round(self.model.with_population(count))

    def funded_posts(self, role: Role) -> int:
        """Posts of ``role`` the council's budget pays for: as its staffing rule last planned
        them (``council.staffing``), the establishment until it first has."""
        planned = self._planned_posts.get(role)
        return self.establishment(role) if planned is None else planned

    def plan_staff(self) -> None:
        """Monthly: set the social work and brokerage posts by the staffing rule from the
        cases referred to each team since the last plan (a quarter's memory) and the cases
        waiting."""
        c = self.model.params.council
        if c.staffing == "establishment":
            self._planned_posts.clear()
            return
        day = self.model.day
        teams = (
            (Role.SOCIAL_WORKER, self.model.assessment, c.assessments_per_social_worker_week),
            (Role.BROKER, self.model.brokerage, c.placements_per_broker_week),
        )
        for role, team, per_worker in teams:
            last = self._referred.get(role)
            if last is None:
                self._referred[role] = (team.referred, day, -1.0)
                continue
            referred, since, rate = last
            weeks = max(day - since, 1) / 7.0
            new_rate = (team.referred - referred) / weeks
            rate = new_rate if rate < 0.0 else rate + (new_rate - rate) / 3.0
            self._referred[role] = (team.referred, day, rate)
            work = Workload(rate, len(team.waiting), per_worker, self.establishment(role))
            self._planned_posts[role] = rounded_posts(self.staffing.posts(work))

    def posts(self, role: Role) -> int:
        """Funded posts, or while hiring is frozen only the staff in post, down to the least a
        council keeps staffed (``council.hiring_freeze_vacancy_limit`` of posts vacant at
        most, less under a freeze graded by the shortfall): a freeze is a saving, not a way to
        stop assessing people."""
        funded = self.funded_posts(role)
        if self.measures.hiring_freeze:
            limit = self.model.params.council.hiring_freeze_vacancy_limit
            if self.measures.freeze_vacancy_share is not None:
                limit = min(limit, self.measures.freeze_vacancy_share)
            floor = math.ceil(funded * (1.0 - limit) - 1e-9)
            return min(funded, max(self.model.workforce.staff_of(self, role), floor))
        return funded

    def staff(self, role: Role) -> int:
        """Staff of ``role`` in post."""
        return self.model.workforce.staff_of(self, role)

    def approve(self, pid: int, weekly_gbp: float) -> None:
        """A broker has committed money to a resident's care, which starts when an agency or a
        home takes them: until then the money is set aside."""
        self.approved[pid] = weekly_gbp
        self.approved_weekly += weekly_gbp

    def drop_approval(self, pid: int) -> None:
        """Money set aside for a resident's care is released (their care started, or they no
        longer need it)."""
        weekly = self.approved.pop(pid, None)
        if weekly is not None:
            self.approved_weekly = max(self.approved_weekly - weekly, 0.0) if self.approved else 0.0

    def pay_staff(self) -> None:
        """Pay the social workers' and brokers' wage bill from the social care budget."""
        accounts = self.model.accounts
        delta = self.weekly_wages - self._wage_rate
        if delta:
            accounts.pay_weekly(
                accounts.payer(Purpose.SOCIAL_WORK), ECONOMY, Purpose.SOCIAL_WORK, delta
            )
            self._wage_rate = self.weekly_wages

    def start_day(self) -> None:
        """Reset today's counts."""
        self.not_eligible_today = self.packages_ended_at_review_today = 0
        self.capital_drawn_today = 0.0
        self.spent_down_today = 0

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
        self.staffing = make_staffing_rule(c.staffing, c.staffing_headroom)
        if c.means_test != self.means_test.name:
            self.means_test = MEANS_TESTS.create(c.means_test, self.rules())  # type: ignore[assignment]
        else:
            self.means_test.rules = self.rules()
        if c.rationing_response != self.rationing.name:
            self.rationing = RATIONING_RESPONSES.create(c.rationing_response)  # type: ignore[assignment]
        self.fee_setting = FEE_SETTINGS.create(c.home_care_fee_setting, self.premium_rules())  # type: ignore[assignment]

    def premium_rules(self) -> PremiumRules:
        """The home-care premium figures from the config."""
        c = self.model.params.council
        return PremiumRules(
            standard_days=c.sourcing_standard_days,
            step=c.spot_premium_step,
            most=c.spot_premium_max,
        )

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
        """The council's hourly home-care fee now: its framework rate and any premium it
        pays to find agencies (``council.home_care_fee_setting``)."""
        c = self.model.params.council
        framework = c.home_care_fee_gbp_per_hour * self.fee_index * self.pay_fee_factor
        return framework * (1.0 + self.home_care_premium)

    def care_home_fee(self, *, nursing: bool = False) -> float:
        """The council's weekly fee now for a residential or a nursing home."""
        c = self.model.params.council
        fee = c.nursing_home_fee_gbp_per_week if nursing else c.care_home_fee_gbp_per_week
        return fee * self.fee_index * self.pay_fee_factor

    def is_self_funder(self, pid: int, *, care_home: bool) -> bool:
        """Whether the means test makes a resident pay the whole cost of the care they ask for."""
        if int(self.model.residents.funder[pid]) == Funder.NHS:
            return False
        residents = self.model.residents
        if care_home:
            cost = self.care_home_fee(nursing=int(residents.frailty[pid]) == Frailty.SEVERE)
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

    def meets_national_criteria(self, pid: int) -> bool:
        """Whether a resident's need reaches the national eligibility threshold
        (``council.eligibility_threshold``), whatever the council's rationing: the line
        between regulated care and help a self-funder arranges for themselves."""
        return self.model.residents.assessed_need(pid) >= (
            self.model.params.council.eligibility_threshold
        )

    def consider_continuing_healthcare(self, pid: int) -> None:
        """A severely frail resident in (or about to enter) a care home is assessed once for
        NHS continuing healthcare, which is not means-tested: eligible with probability
        ``council.chc_probability_severe``, and then the NHS pays. Assessed at placement, or
        when a resident already in a home becomes severely frail, so that every severely frail
        care-home resident has had one assessment, as on the first day."""
        residents = self.model.residents
        if (
            int(residents.frailty[pid]) != Frailty.SEVERE
            or int(residents.funder[pid]) == Funder.NHS
            or pid in self.chc_assessed
        ):
            return
        self.chc_assessed.add(pid)
        if (
            self.model.streams["funding"].random()
            < self.model.params.council.chc_probability_severe
        ):
            residents.set_funder(pid, Funder.NHS)

    # ---------------------------------------------------------------- money

    def commit(
        self,
        pid: int,
        *,
        council_rate_cost: float,
        private_rate_cost: float,
        nhs_cost: float,
        care_home: bool,
        payee: str,
    ) -> Commitment:
        """Start paying ``payee`` for a resident's care; returns who pays what a week."""
        self.drop_approval(pid)
        residents = self.model.residents
        funder = int(residents.funder[pid])
        purpose = Purpose.CARE_HOME if care_home else Purpose.HOME_CARE
        if funder == Funder.NHS:
            commitment = Commitment(nhs=nhs_cost, payee=payee, purpose=purpose)
        elif funder == Funder.SELF:
            commitment = Commitment(
                private=private_rate_cost, payee=payee, purpose=purpose, self_funded=True
            )
        else:
            contribution = self.means_test.contribution(
                residents.capital(pid, care_home=care_home),
                council_rate_cost,
                care_home=care_home,
                paid_so_far=float(residents.paid_towards_care[pid]),
            )
            commitment = Commitment(
                council=council_rate_cost - contribution,
                private=contribution,
                payee=payee,
                purpose=purpose,
            )
        self.release(pid)
        self.commitments[pid] = commitment
        self._pay(commitment, 1.0)
        return commitment

    def reprice_self_funder(self, pid: int, weekly_fee: float) -> None:
        """A self-funder's fee changes (a care home's monthly repricing): only their own
        payment moves."""
        old = self.commitments[pid]
        delta = weekly_fee - old.private
        if delta == 0.0:
            return
        self.commitments[pid] = Commitment(  # ._replace costs several times as much
            old.council, weekly_fee, old.nhs, old.payee, old.purpose, old.self_funded
        )
        self.model.accounts.pay_weekly(HOUSEHOLDS, old.payee, old.purpose, delta)
        self.self_funder_weekly += delta

    def release(self, pid: int) -> None:
        """Stop paying for a resident's care."""
        old = self.commitments.pop(pid, None)
        if old is not None:
            self._pay(old, -1.0)

    def _pay(self, commitment: Commitment, sign: float) -> None:
        accounts = self.model.accounts
        payee, purpose = commitment.payee, commitment.purpose
        if commitment.council:
            accounts.pay_weekly(accounts.payer(purpose), payee, purpose, sign * commitment.council)
        if commitment.private:
            accounts.pay_weekly(HOUSEHOLDS, payee, purpose, sign * commitment.private)
            if commitment.self_funded:
                self.self_funder_weekly += sign * commitment.private
        if commitment.nhs:
            chc = Purpose.CONTINUING_HEALTHCARE
            accounts.pay_weekly(accounts.payer(chc), payee, chc, sign * commitment.nhs)

    # ---------------------------------------------------------------- calendar

    def start_of_month(self, date: dt.date) -> None:
        """Residents' payments for last month count towards the cap; what they paid beyond
        their income (``need.income_gbp_per_week``) draws down their capital (savings first,
        then a care-home resident's counted home); self-funders whose capital has fallen to the
        upper limit turn to the council.

        Every means test charges the whole cost only above the upper capital limit (or, under
        the cap, until the cap is reached), so only self-funders at or below the limit, or past
        the cap, are tested again."""
        if not self.commitments:
            return
        residents = self.model.residents
        n = len(self.commitments)
        ids = np.fromiter(self.commitments, dtype=np.int64, count=n)
        commitments = self.commitments.values()
        private = np.fromiter(map(_PRIVATE, commitments), float, count=n)
        purposes = map(_PURPOSE, commitments)
        care_homes = itertools.repeat(Purpose.CARE_HOME, n)
        in_home = np.fromiter(map(operator.is_, purposes, care_homes), bool, count=n)
        days = (date - (date.replace(day=1) - dt.timedelta(days=1)).replace(day=1)).days
        paid = private * days / DAYS_PER_WEEK
        residents.paid_towards_care[ids] += paid
        income = self.model.params.need.income_gbp_per_week * days / DAYS_PER_WEEK
        from_capital = np.maximum(paid - income, 0.0)
        from_savings = np.minimum(from_capital, residents.savings[ids])
        residents.savings[ids] -= from_savings
        home_counts = in_home & (residents.carer[ids] == 0)
        from_home = np.where(
            home_counts, np.minimum(from_capital - from_savings, residents.home_value[ids]), 0.0
        )
        residents.home_value[ids] -= from_home
        self.capital_drawn_today = float(from_savings.sum() + from_home.sum())
        counted = residents.savings[ids] + np.where(home_counts, residents.home_value[ids], 0.0)
        rules = self.means_test.rules
        may_qualify = (residents.funder[ids] == Funder.SELF) & (
            (counted <= rules.upper_capital_limit)
            | (residents.paid_towards_care[ids] >= rules.lifetime_cap)
        )
        for pid, care_home in zip(
            ids[may_qualify].tolist(), in_home[may_qualify].tolist(), strict=True
        ):
            if not self.is_self_funder(pid, care_home=care_home):
                self._spent_down(pid, care_home=care_home)

    def _spent_down(self, pid: int, *, care_home: bool) -> None:
        """A self-funder has spent down to the upper capital limit: the council pays its
        share from now on (for care at home, only if their need is eligible)."""
        residents = self.model.residents
        if care_home:
            residents.set_funder(pid, Funder.COUNCIL)
            self.model.care_homes.recharge(pid)
        elif self.is_eligible(pid):
            residents.set_funder(pid, Funder.COUNCIL)
            self.model.home_care.recharge(pid)
        self.spent_down_today += 1

    def new_financial_year(self) -> None:
        """April: fee rates rise by ``council.fee_uplift`` unless frozen."""
        if not self.measures.fees_frozen:
            self.fee_index *= 1.0 + self.model.params.council.fee_uplift

    def review_home_care_fee(self) -> None:
        """Monthly: the fee setting moves the premium over the framework rate by how long
        the residents whose care the council is arranging (everyone waiting for an agency but
        self-funders: the packages it funds and reablement for people leaving hospital) have
        waited."""
        market = self.model.home_care
        residents = self.model.residents
        day = self.model.day
        waits = [
            day - market.waiting.joined(pid)
            for pid in market.waiting.in_order()
            if int(residents.funder[pid]) != Funder.SELF
        ]
        signal = SourcingSignal(
            mean_wait_days=sum(waits) / len(waits) if waits else 0.0,
            pressure=self.spending_pressure,
            fees_frozen=self.measures.fees_frozen,
        )
        self.home_care_premium = self.fee_setting.premium(signal, self.home_care_premium)

    def review_budget(self, pressure: float, spending_pressure: float) -> None:
        """Apply the rationing response to the pressure of demand on the budget (what its
        commitments and the care it holds back for money would cost a year, over (+) or under
        (-) its budget), and note what it is committed to spend against its budget (the
        spending pressure, which decides whether it can pay agencies more)."""
        self.pressure = pressure
        self.spending_pressure = spending_pressure
        self.measures = self.rationing.respond(pressure, self.measures)
