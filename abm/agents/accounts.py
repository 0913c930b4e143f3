"""The area's money: budgets each April, payments by payer and purpose, monthly settlement.

:class:`Accounts` keeps the ledger (:mod:`abm.ledger`) and the funding arrangement
(:mod:`abm.policy.funding`). Government's allocations to the council and the NHS are given, in
pounds (``council.budget_gbp``, ``nhs.budget_gbp``), the same under every arrangement, and
never derived from what the model happens to spend; each April after the first they change by
``council.budget_change`` and ``nhs.budget_growth`` (and with the population when capacities
grow with it). The arrangement turns allocations into budgets held by accounts, and says who
pays for what: money it moves into a pool or an integrated budget comes out of the council's
and the NHS's budgets, which is where their rationing and the hospital's contract feel it.

On the first of each month the weekly payment streams are settled into the ledger, providers
pay their staff and running costs, the allocations for the month move, and the books are
checked to the penny. Then the social care budget holder reviews its position: it projects the
year's spending on what it has committed, the council rations against that projection, and
money left beyond its commitments and reserve commissions discharge support (home-care hours for
people leaving hospital, used as reablement).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.domain import HEALTH_PURPOSES, SOCIAL_CARE_PURPOSES, Body, Purpose
from abm.ledger import EXTERNAL_ACCOUNTS, OPENING, Ledger, PaymentStreams, to_pence
from abm.params import DAYS_PER_WEEK
from abm.policy.funding import (
    COUNCIL,
    FUNDING_POOLS,
    GOVERNMENT,
    INTEGRATED,
    NHS,
    Allocations,
    FundingArrangement,
    LastYear,
)

if TYPE_CHECKING:
    from abm.model import CareSystemModel

HOUSEHOLDS = "households"
ECONOMY = "economy"
HOSPITAL = "hospital"
HOME_CARE = "home_care_agencies"
INTERMEDIATE_CARE = "intermediate_care"
WEEKS_PER_YEAR = 365.25 / DAYS_PER_WEEK
BLOCK_MONTH = 4
"""The month the discharge-support block is bought for the financial year (April)."""


def financial_year_start(date: dt.date) -> dt.date:
    """The 1 April on or before ``date``."""
    return dt.date(date.year if date.month >= 4 else date.year - 1, 4, 1)


def pool_of(account: str) -> str:
    """The budget a payment from ``account`` counts against."""
    if account == HOUSEHOLDS:
        return "private"
    if account.startswith("integrated"):
        return "integrated"
    if account in {"council", "nhs", "pool"}:
        return account
    if account == "government":
        return "public"
    return "provider"


class Accounts(mesa.Agent):
    """Budgets, payments and the ledger of one area."""

    model: CareSystemModel

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.arrangement: FundingArrangement = FUNDING_POOLS.create(  # type: ignore[assignment]
            model.params.funding.pool, model.params.funding
        )
        self.ledger = Ledger(EXTERNAL_ACCOUNTS)
        self.streams = PaymentStreams(self.ledger)
        start = model.first_date
        for account in (*self.arrangement.accounts, HOSPITAL, HOME_CARE, INTERMEDIATE_CARE):
            self.ledger.open_account(account, start)
        self.allocations = Allocations(0.0, 0.0)
        self.budgets: dict[str, float] = {}
        self.pressure = 0.0
        self.held_for_funding = 0
        self.held_weekly_gbp = 0.0
        self._year_start = financial_year_start(start)
        self._paid: defaultdict[tuple[str, str], float] = defaultdict(float)
        self._booked = 0
        self._delay_days = np.zeros(len(Body), dtype=np.int64)
        self._last_population_ratio = 1.0
        self._block_hours = 0.0
        self._block_bought = False
        self.today_by_sector = {"care": 0.0, "health": 0.0, "private": 0.0}
        self._stream_keys: dict[tuple[str, str, Purpose], tuple[str, str, str, str]] = {}
        self._known: FundingArrangement | None = None
        self._payers: dict[Purpose, str] = {}
        self._care_purposes: frozenset[Purpose] = frozenset()
        self._care_purpose_names: list[str] = []
        self._sector_keys: tuple[list[tuple[str, str]], list[tuple[str, str]]] = ([], [])

    def _learn_arrangement(self) -> None:
        """Work out again what follows from the funding arrangement alone (who pays for what,
        the care budget's purposes, today's spending's streams), when it is not the one these
        were worked out for. Payments and the daily outputs ask for them many times a day;
        the sets are made as before, so that sums over them add in the same order."""
        arrangement = self._known = self.arrangement
        self._payers = {}
        holder = arrangement.care_holder
        self._care_purposes = frozenset(
            p for p in SOCIAL_CARE_PURPOSES if arrangement.payer(p) == holder
        )
        self._care_purpose_names = [p.value for p in self._care_purposes]
        holders = {arrangement.payer(p) for p in SOCIAL_CARE_PURPOSES | HEALTH_PURPOSES}
        self._sector_keys = (
            [(h, p.value) for h in holders for p in SOCIAL_CARE_PURPOSES],
            [(h, p.value) for h in holders for p in HEALTH_PURPOSES],
        )

    # ---------------------------------------------------------------- payments

    def open_provider(self, account: str, opening_gbp: float) -> None:
        """A provider's account, with its starting reserves."""
        self.ledger.open_account(account, self.model.date, opening_gbp)

    def capitalise_provider(self, account: str, gbp: float) -> None:
        """Its owners put starting reserves into a provider that opened with none (an agency
        that had no work on the first day and now sets out to grow), booked from the opening
        balances as a new provider's are."""
        self.ledger.transfer(
            self.model.date, OPENING, account, pool="none", purpose="opening_balance",
            pence=to_pence(max(gbp, 0.0)),
        )  # fmt: skip

    def pay_weekly(self, payer: str, payee: str, purpose: Purpose, weekly_gbp: float) -> None:
        """Change what ``payer`` pays ``payee`` a week for ``purpose`` (negative to reduce)."""
        key = self._stream_keys.get((payer, payee, purpose))
        if key is None:
            key = (payer, payee, pool_of(payer), purpose.value)
            self._stream_keys[payer, payee, purpose] = key
        self.streams.add_rate(key, weekly_gbp, self.model.day)

    def owe(self, payer: str, payee: str, purpose: Purpose, gbp: float) -> None:
        """A one-off amount owed today, settled at the start of next month."""
        key = (payer, payee, pool_of(payer), purpose.value)
        self.streams.add_amount(key, gbp, self.model.day)
        self.count_today(payer, purpose, gbp)

    def pay_costs(self, provider: str, gbp: float) -> None:
        """A provider pays its staff and running costs for last month."""
        yesterday = self.model.date - dt.timedelta(days=1)
        self.transfer(yesterday, provider, ECONOMY, Purpose.OPERATING_COSTS, gbp)

    def payer(self, purpose: Purpose) -> str:
        """Who pays for ``purpose`` under the funding arrangement (an arrangement's payers are
        fixed, so each is asked once)."""
        if self._known is not self.arrangement:
            self._learn_arrangement()
        payer = self._payers.get(purpose)
        if payer is None:
            payer = self._payers[purpose] = self.arrangement.payer(purpose)
        return payer

    def count_today(self, payer: str, purpose: Purpose, gbp: float) -> None:
        """Add to today's spending by sector (what the daily outputs show)."""
        if payer == HOUSEHOLDS:
            self.today_by_sector["private"] += gbp
        elif purpose in SOCIAL_CARE_PURPOSES:
            self.today_by_sector["care"] += gbp
        elif purpose in HEALTH_PURPOSES:
            self.today_by_sector["health"] += gbp

    def long_term_support_weekly(self, self_funder_weekly: float) -> float:
        """What council-arranged long-term care (home-care packages and care-home placements)
        costs a week, including residents' means-tested contributions: councils report this
        gross figure. Self-funders' fees and NHS continuing healthcare are not the council's;
        discharge support and reablement are short-term."""
        weekly = self.streams.weekly
        purposes = (Purpose.HOME_CARE, Purpose.CARE_HOME)
        public = sum(weekly(self.payer(p), p.value) for p in purposes)
        households = sum(weekly(HOUSEHOLDS, p.value) for p in purposes)
        return public + households - max(self_funder_weekly, 0.0)

    def start_day(self) -> None:
        """Today's spending starts with what the weekly streams cost a day."""
        if self._known is not self.arrangement:
            self._learn_arrangement()
        care, health = self._sector_keys
        weekly = self.streams.weekly
        self.today_by_sector = {
            "care": sum(weekly(h, p) for h, p in care) / DAYS_PER_WEEK,
            "health": sum(weekly(h, p) for h, p in health) / DAYS_PER_WEEK,
            "private": weekly(HOUSEHOLDS) / DAYS_PER_WEEK,
        }

    def count_delays(self, delayed_by_body: np.ndarray) -> None:
        """Add today's delayed patients by responsible body (the shortage allocation rule
        prices them)."""
        self._delay_days += delayed_by_body

    # ---------------------------------------------------------------- the calendar

    def start(self) -> None:
        """Budgets for the financial year the run starts in, from the given allocations; what
        has been spent since April is taken as today's rates since then; then the first
        month's money."""
        date = self.model.date
        p = self.model.params
        self._given = (p.council.budget_gbp, p.nhs.budget_gbp)
        self._set_year(Allocations(council=p.council.budget_gbp, nhs=p.nhs.budget_gbp))
        weeks_since_april = (date - self._year_start).days / DAYS_PER_WEEK
        for purpose in SOCIAL_CARE_PURPOSES | HEALTH_PURPOSES:
            payer = self.payer(purpose)
            weekly = self.streams.weekly(payer, purpose.value)
            if purpose == Purpose.HOSPITAL:
                weekly += self.model.commissioner.contract / WEEKS_PER_YEAR
            self._paid[payer, purpose.value] += weekly * weeks_since_april
        self._month_transfers(date)

    def settle(self, date: dt.date) -> dict[str, float]:
        """The first of the month: book last month's payments; returns what each account
        received (GBP)."""
        first_new = len(self.ledger.transactions)
        self.streams.settle(date - dt.timedelta(days=1), self.model.day)
        received: defaultdict[str, float] = defaultdict(float)
        for t in self.ledger.transactions[first_new:]:
            received[t.payee] += t.pence / 100
        return received

    def start_of_month(self, date: dt.date) -> None:
        """After providers have settled: the year end each April, this month's money, a check
        of the books to the penny, and the social care budget holder's review."""
        self._book_new_transactions()
        if date.month == 4:
            self._close_year(date)
        self._month_transfers(date)
        self.ledger.check()
        self.review(date)

    def _month_transfers(self, date: dt.date) -> None:
        for payer, payee, purpose, gbp in self.arrangement.monthly_transfers(
            self.allocations, self.budgets
        ):
            self.transfer(date, payer, payee, purpose, gbp)
        self._grant_transfers(date)
        self.model.commissioner.pay_contract(date)
        self._book_new_transactions()

    def _grant_transfers(self, date: dt.date) -> None:
        """A twelfth of each grant in force (:mod:`abm.grants`) from government to its
        recipient, then on to the account that holds its purpose under the arrangement (the
        care budget holder for the social care grant, whoever pays for reablement for the
        discharge funds) when that is another account."""
        grants = self.model.params.grants
        holder = self.arrangement.care_holder
        discharge = self.payer(Purpose.REABLEMENT)
        for recipient, purpose_holder, a_year in (
            (COUNCIL, holder, grants.social_care_gbp),
            (COUNCIL, discharge, grants.discharge_council_gbp),
            (NHS, discharge, grants.discharge_nhs_gbp),
        ):
            if a_year <= 0:
                continue
            account = recipient if recipient in self.arrangement.accounts else INTEGRATED
            self.transfer(date, GOVERNMENT, account, Purpose.GRANT, a_year / 12)
            if purpose_holder != account:
                self.transfer(date, account, purpose_holder, Purpose.GRANT, a_year / 12)

    def transfer(self, date: dt.date, payer: str, payee: str, purpose: Purpose, gbp: float) -> None:
        """Move money now (rounded to the penny)."""
        self.ledger.transfer(
            date, payer, payee, pool=pool_of(payer), purpose=purpose.value, pence=to_pence(gbp)
        )

    def _book_new_transactions(self) -> None:
        for t in self.ledger.transactions[self._booked :]:
            if t.date >= self._year_start:
                self._paid[t.payer, t.purpose] += t.pence / 100
        self._booked = len(self.ledger.transactions)

    def paid_this_year(self, payer: str, purposes: frozenset[Purpose]) -> float:
        """What ``payer`` has paid since 1 April for ``purposes`` (settled, GBP)."""
        return sum(self._paid[payer, p.value] for p in purposes)

    def sector_spend_this_year(self, purposes: frozenset[Purpose]) -> float:
        """Public spending since 1 April on ``purposes``, whoever held the budget (GBP)."""
        return sum(
            gbp
            for (payer, purpose), gbp in self._paid.items()
            if purpose in purposes and pool_of(payer) not in {"private", "provider", "public"}
        )

    def _close_year(self, date: dt.date) -> None:
        """1 April: deficits are covered as the arrangement says, then new budgets."""
        balances = {a: self.ledger.balance_gbp(a) for a in self.arrangement.accounts}
        for payer, payee, purpose, gbp in self.arrangement.year_end_transfers(balances):
            self.transfer(date - dt.timedelta(days=1), payer, payee, purpose, gbp)
        if self.model.params.funding.pool != self.arrangement.name:
            self._switch_arrangement(date)
        elapsed = (date - self._year_start).days
        annualise = 365.25 / max(elapsed, 1)
        cost = self.model.params.nhs.delayed_bed_day_cost_gbp
        both = self._delay_days[Body.BOTH] / 2
        care_delay_days = self._delay_days[Body.SOCIAL_CARE] + both
        health_delay_days = self._delay_days[Body.NHS] + both
        last_year = LastYear(
            care_spend=self.sector_spend_this_year(SOCIAL_CARE_PURPOSES) * annualise,
            health_spend=self.sector_spend_this_year(HEALTH_PURPOSES) * annualise,
            care_delay_cost=care_delay_days * cost * annualise,
            health_delay_cost=health_delay_days * cost * annualise,
        )
        self._year_start = date
        self._paid.clear()
        self._delay_days[:] = 0
        allocations = self._grow(self.allocations)
        self._set_year(allocations, last_year)
        self.model.council.new_financial_year()

    def _switch_arrangement(self, date: dt.date) -> None:
        """1 April, after the old arrangement's year-end transfers: the funding arrangement
        changes to ``funding.pool`` (a ``[[schedule]]`` entry set it today; the config allows
        it only on 1 April). The rule for what is already running (docs/model.md, "Changing
        the arrangement mid-run"):

        - every weekly payment stream still running (a package, a placement, reablement,
          staff) is taken over from today by the account that pays for its purpose under the
          new arrangement, as Better Care Fund plans moved existing schemes into the pool;
          what was owed up to yesterday has been settled by the old payer;
        - an account the new arrangement does not hold (a pool that is wound up) hands its
          balance, surplus or deficit, to the account that now holds social care (or health,
          for the integrated health budget);
        - new accounts open today with nothing in them, and receive their money from this
          month's transfers.
        """
        old = self.arrangement
        new: FundingArrangement = FUNDING_POOLS.create(  # type: ignore[assignment]
            self.model.params.funding.pool, self.model.params.funding
        )
        for account in new.accounts:
            if not self.ledger.has(account):
                self.ledger.open_account(account, date)
        day = self.model.day
        for key, rate in self.streams.rates().items():
            payer, payee, _, purpose = key
            if rate == 0.0 or payer not in old.accounts:
                continue
            try:
                taker = new.payer(Purpose(purpose))
            except ValueError:  # a transfer between budgets, not a purchase
                continue
            if taker != payer:
                self.streams.add_rate(key, -rate, day)
                self.streams.add_rate((taker, payee, pool_of(taker), purpose), rate, day)
        yesterday = date - dt.timedelta(days=1)
        for account in old.accounts:
            if account in new.accounts:
                continue
            heir = new.health_holder if account == old.health_holder else new.care_holder
            balance = self.ledger.balance_gbp(account)
            if balance > 0:
                self.transfer(yesterday, account, heir, Purpose.BALANCE_TRANSFER, balance)
            elif balance < 0:
                self.transfer(yesterday, heir, account, Purpose.BALANCE_TRANSFER, -balance)
        self.arrangement = new

    def _grow(self, allocations: Allocations) -> Allocations:
        """Next year's allocations: this year's, changed by the yearly real change, by the
        population when capacities grow with it, and by any scheduled change to the given
        first-year figures."""
        p = self.model.params
        ratio = self.model.population_ratio
        growth = 1.0
        if p.capacity.grows_with_population:
            growth = ratio / self._last_population_ratio
        self._last_population_ratio = ratio
        council_given, nhs_given = self._given
        self._given = (p.council.budget_gbp, p.nhs.budget_gbp)
        return Allocations(
            council=allocations.council
            * (1.0 + p.council.budget_change)
            * growth
            * _ratio(p.council.budget_gbp, council_given),
            nhs=allocations.nhs
            * (1.0 + p.nhs.budget_growth)
            * growth
            * _ratio(p.nhs.budget_gbp, nhs_given),
        )

    def _set_year(self, allocations: Allocations, last_year: LastYear | None = None) -> None:
        self.allocations = allocations
        if last_year is None:
            last_year = LastYear(allocations.council, allocations.nhs)
        self.budgets = self.arrangement.budgets(allocations, last_year)
        self.model.commissioner.new_financial_year(self.budgets[self.arrangement.health_holder])

    # ---------------------------------------------------------------- the care budget

    def weeks_left(self, date: dt.date) -> float:
        """Weeks from ``date`` to the end of the financial year."""
        end = dt.date(financial_year_start(date).year + 1, 4, 1)
        return max((end - date).days, 0) / DAYS_PER_WEEK

    def care_purposes(self) -> frozenset[Purpose]:
        """The social care purposes the care budget holder pays for."""
        if self._known is not self.arrangement:
            self._learn_arrangement()
        return self._care_purposes

    def care_commitments_a_year(self) -> float:
        """What the care budget holder's ongoing commitments (staff, packages, placements,
        reablement) cost a year at today's weekly rates (GBP)."""
        if self._known is not self.arrangement:
            self._learn_arrangement()
        holder, weekly = self.arrangement.care_holder, self.streams.weekly
        return WEEKS_PER_YEAR * sum(weekly(holder, name) for name in self._care_purpose_names)

    def care_spending_limit(self) -> float:
        """The most the care budget holder lets its commitments cost a year: its budget less
        ``funding.reserve_share`` (GBP)."""
        budget = self.budgets.get(self.arrangement.care_holder, 0.0) + self.care_grant_a_year()
        return budget * (1.0 - self.model.params.funding.reserve_share)

    def care_grant_a_year(self) -> float:
        """The grants in force that the care budget holder has on top of its budget, GBP a
        year (0 without grants): the social care grant (``grants.social_care_gbp``), and the
        ring-fenced discharge funds when it also buys discharge support, since the block they
        buy is among its commitments."""
        grants = self.model.params.grants
        if self.arrangement.discharge_holder == self.arrangement.care_holder:
            return grants.social_care_gbp + grants.discharge_gbp
        return grants.social_care_gbp

    def first_year_care_limit(self) -> float:
        """The care budget holder's spending limit in the first financial year, before the
        year's budgets are set (for the first day's care)."""
        p = self.model.params
        allocations = Allocations(council=p.council.budget_gbp, nhs=p.nhs.budget_gbp)
        budgets = self.arrangement.budgets(
            allocations, LastYear(allocations.council, allocations.nhs)
        )
        budget = budgets.get(self.arrangement.care_holder, 0.0) + self.care_grant_a_year()
        return budget * (1.0 - p.funding.reserve_share)

    def care_headroom_a_year(self) -> float:
        """What new commitments the care budget holder can still take on, a year (GBP): its
        spending limit less its commitments and the money its brokers have set aside for care
        about to start."""
        council = self.model.council
        return (
            self.care_spending_limit()
            - self.care_commitments_a_year()
            - council.approved_weekly * WEEKS_PER_YEAR
        )

    def review(self, date: dt.date) -> None:
        """The care budget holder counts the people its brokers are holding back for want of
        money, compares what its commitments and that care would cost a year with its budget
        (the pressure: above zero, the needs it has assessed outrun its budget), rations
        accordingly, and buys discharge support with money nobody is waiting for.

        The care held back counts: the brokers keep commitments within the budget by holding
        cases, so commitments alone would never show the pressure that a waiting list for
        money is, and a cut would never reach the measures councils take under it."""
        holder = self.arrangement.care_holder
        budget = self.budgets.get(holder, 0.0) + self.care_grant_a_year()
        self.held_for_funding, self.held_weekly_gbp = self.model.brokerage.held_for_funding()
        if budget > 0:
            committed = self.care_commitments_a_year()
            demand = committed + self.held_weekly_gbp * WEEKS_PER_YEAR
            self.pressure = demand / budget - 1.0
            self.model.council.review_budget(self.pressure, committed / budget - 1.0)
        self._buy_discharge_support(date)

    def _buy_discharge_support(self, date: dt.date) -> None:
        """Each April (``BLOCK_MONTH``), and at the first review of a run, the discharge
        budget holder buys a block of home-care hours for people leaving hospital for the
        financial year with the money its commitments leave (:meth:`discharge_support_hours`),
        and holds it until the next April, as councils commission discharge capacity for the
        year. The ring-fenced discharge funds (``grants.discharge_gbp``) buy hours on top
        each month at the month's fee.

        Bought each month instead, the block chased the month's spare money: in months when
        nobody was held for money it took all of it, which left the brokers no headroom, so
        people were held again and the block fell to nothing for years (docs/model.md,
        Known limitations)."""
        fee = self.model.council.home_care_fee
        if fee <= 0:
            return
        if date.month == BLOCK_MONTH or not self._block_bought:
            self._block_hours = self.discharge_support_hours()
            self._block_bought = True
        ring_fenced = self.model.params.grants.discharge_gbp / WEEKS_PER_YEAR / fee
        self.model.home_care.commission_discharge_support(self._block_hours + ring_fenced)

    def discharge_support_hours(self) -> float:
        """The block of home-care hours a week that the discharge budget holder's spare money
        buys for the year: its budget less its reserve and commitments (the current block's
        price among them), at the council's home-care fee. Care for eligible needs comes
        first: money brokers have promised to packages that have not started yet is not
        spare, and while they hold cases back for want of money, the block gives up what
        those cases would cost. The ring-fenced discharge funds count in the holder's budget
        as well as in its commitments (the hours they buy), so they do not crowd out what the
        budget buys."""
        holder = self.arrangement.discharge_holder
        budget = self.budgets.get(holder, 0.0)
        if holder == self.arrangement.care_holder:
            budget += self.care_grant_a_year()
        else:
            budget += self.model.params.grants.discharge_gbp
        fee = self.model.council.home_care_fee
        if fee <= 0 or budget <= 0:
            return self._block_hours
        purposes = frozenset(p for p in SOCIAL_CARE_PURPOSES if self.payer(p) == holder)
        committed = WEEKS_PER_YEAR * sum(self.streams.weekly(holder, p.value) for p in purposes)
        if holder == self.arrangement.care_holder:
            committed += self.model.council.approved_weekly * WEEKS_PER_YEAR
        spare = budget * (1.0 - self.model.params.funding.reserve_share) - committed
        if holder == self.arrangement.care_holder and self.held_for_funding:
            spare = min(spare, 0.0) - self.held_weekly_gbp * WEEKS_PER_YEAR
        return max(self._block_hours + spare / WEEKS_PER_YEAR / fee, 0.0)

    def close_books(self) -> None:
        """Settle what is owed so far and let providers pay their costs so far (at the end of
        a run, so that the accounts cover every day simulated)."""
        model = self.model
        self.settle(model.date)
        model.commissioner.settle_month()
        for agency in model.home_care.open_agencies:
            self.pay_costs(agency.account, agency.costs_this_month)
            agency.costs_this_month = 0.0
        for home in model.care_homes.open_homes:
            self.pay_costs(home.account, home.costs_this_month)
            home.costs_this_month = 0.0
        self._book_new_transactions()

    # ---------------------------------------------------------------- outputs

    def balance(self, account: str) -> float:
        """An account's balance (GBP)."""
        return self.ledger.balance_gbp(account)


def _ratio(new: float, old: float) -> float:
    return new / old if old > 0 else 1.0


__all__ = [
    "BLOCK_MONTH",
    "ECONOMY",
    "HOME_CARE",
    "HOSPITAL",
    "HOUSEHOLDS",
    "INTERMEDIATE_CARE",
    "Accounts",
]
