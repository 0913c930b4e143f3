"""Home care: a market of agencies, with fees, costs and entry and exit.

Each agency's hours come from its care workers (a worker's paid hours less travel and admin,
``workforce.home_care_contact_share``); each month it sets the staff it wants from the work it
has and the work waiting, grows as far as its recent margin allows
(``home_care.growth_margin``), lets staff go when work falls away, hands back packages its
staff cannot cover, and leaves the market when losses exhaust its reserves. New agencies
enter, after a lag, when the market's margin over the last year is high enough. On the first
day the market is the size of the care residents receive then (or
``capacity.home_care_hours_per_week``, when set); after that its size is an outcome.

The market is a :class:`~abm.agents.capacity.QueuedService`, as the care homes are
(:mod:`abm.agents.care_homes`), so discharges and community requests wait on it the same way.
"""

from __future__ import annotations

import collections
import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.agents.accounts import HOME_CARE, pool_of
from abm.agents.capacity import QueuedService, margin_of
from abm.agents.worker import Role
from abm.domain import Body, Care, DelayReason, Funder, Location, Purpose
from abm.params import DAYS_PER_WEEK

if TYPE_CHECKING:
    from abm.agents.council import Council
    from abm.model import CareSystemModel

MIN_PACKAGE_HOURS = 0.5
MONTHS_OF_MARGIN = 3
# The most of its hours a loss-making agency plans to cut in a month.
MAX_CUT = 0.1


def growth_appetite(margin: float, growth_margin: float) -> float:
    """Share of the work it does not yet staff for that an agency plans to take on.

    It rises in proportion to the agency's recent margin, from none at break-even to all of
    it at ``growth_margin`` (a step at ``growth_margin`` when that is not positive). An
    all-or-nothing rule (grow fully above the margin, not at all below it) made the market a
    relaxation oscillator: with margins just below the threshold agencies stood still for
    years while waits built up, then the council's wait-linked premium lifted every agency
    over it at once and the market overshot. A graded appetite is also closer to how
    providers behave: thin margins make them cautious, not blind to demand."""
    if growth_margin <= 0.0:
        return 1.0 if margin >= growth_margin else 0.0
    return min(max(margin / growth_margin, 0.0), 1.0)


def going_pay(model: CareSystemModel) -> float:
    """Home-care workers' mean pay now (the legal floor while there are none), GBP an hour."""
    workforce = model.workforce
    return workforce.mean_pay((Role.HOME_CARE_WORKER,)) or workforce.legal_floor(model.inputs_date)


def cost_of_a_contact_hour(model: CareSystemModel, pay: float) -> float:
    """What an hour with a resident costs an agency paying ``pay`` an hour: the wage with
    on-costs over the share of paid time spent with residents (the rest is travel and
    admin), plus ``home_care.overhead_gbp_per_hour``."""
    w, h = model.params.workforce, model.params.home_care
    return pay * (1.0 + w.on_cost_share) / w.home_care_contact_share + h.overhead_gbp_per_hour


class HomeCareAgency(mesa.Agent):
    """One home-care agency: its packages, its care workers and its books."""

    model: CareSystemModel
    employer_id: int

    def __init__(self, model: CareSystemModel, market: HomeCareMarket, target_hours: float) -> None:
        super().__init__(model)
        self.market = market
        self.packages: dict[int, float] = {}
        self.hours = 0.0
        self.target_hours = target_hours
        self.weekly_wages = 0.0
        self.costs_this_month = 0.0
        self.open = True
        self.margins: collections.deque[tuple[float, float]] = collections.deque(
            maxlen=MONTHS_OF_MARGIN
        )
        self._staffed_key: tuple[int, object] | None = None
        self._staffed = 0.0
        self.account = f"home_care:{self.unique_id}"
        model.workforce.register(self)
        if target_hours > 0:
            self.open_books()

    def open_books(self) -> None:
        """Open the agency's account with ``home_care.initial_reserves_months`` of the costs
        of the hours it plans for."""
        self.model.accounts.open_provider(self.account, self.starting_reserves())

    def starting_reserves(self) -> float:
        """``home_care.initial_reserves_months`` of the costs of the hours it plans for (GBP)."""
        months = self.model.params.home_care.initial_reserves_months
        return self.expected_weekly_costs() * months * 365.25 / 12 / 7

    def productive_hours_per_worker(self) -> float:
        """Contact hours a week one care worker delivers (paid hours less travel and admin)."""
        w = self.model.params.workforce
        return w.hours_per_week * w.home_care_contact_share

    def expected_weekly_costs(self) -> float:
        """Wages and overheads a week for its target hours at today's pay."""
        return self.target_hours * cost_of_a_contact_hour(self.model, going_pay(self.model))

    def posts(self, role: Role) -> int:
        """Care workers for the hours it plans to deliver."""
        if role != Role.HOME_CARE_WORKER or not self.open:
            return 0
        return math.ceil(self.target_hours / self.productive_hours_per_worker() - 1e-9)

    @property
    def staffed_hours(self) -> float:
        """Contact hours a week its care workers can deliver (worked out again only when staff
        or levers change)."""
        return self._staffed_under((self.model.workforce.version, self.model.params))

    def _staffed_under(self, key: tuple[int, object]) -> float:
        """:attr:`staffed_hours` for ``key``, the workforce's version and the levers."""
        if key != self._staffed_key:
            staff = self.model.workforce.staff_of(self, Role.HOME_CARE_WORKER)
            self._staffed_key, self._staffed = key, staff * self.productive_hours_per_worker()
        return self._staffed

    @property
    def free_hours(self) -> float:
        """Staffed hours not yet given to packages."""
        return self.staffed_hours - self.hours

    @property
    def delivered_hours(self) -> float:
        """Hours a week actually delivered: the packages, as far as staff allow."""
        return min(self.hours, self.staffed_hours)

    @property
    def reserves(self) -> float:
        """The agency's money (its ledger balance, GBP)."""
        return self.model.accounts.balance(self.account)

    @property
    def private_rate(self) -> float:
        """Hourly rate charged to self-funders: cost of an hour plus the agency's margin."""
        pay = self.model.workforce.mean_pay((Role.HOME_CARE_WORKER,)) or 0.0
        margin = self.model.params.home_care.private_margin
        return cost_of_a_contact_hour(self.model, pay) * (1.0 + margin)

    def margin(self) -> float:
        """Its margin over the last few months (share of revenue; 0 before it has a month of
        books or any revenue)."""
        revenue = sum(r for r, _ in self.margins)
        costs = sum(c for _, c in self.margins)
        scale = max(revenue, costs)
        return (revenue - costs) / scale if scale > 0 else 0.0

    def is_idle(self) -> bool:
        """Whether it is open with nothing to do: no packages, no plan and no revenue or costs
        over the last few months (an agency that had no work on the first day, or that shrank
        to nothing), so that it has no margin to judge growth by."""
        return (
            self.hours <= 0.0
            and self.target_hours <= 0.0
            and not any(r > 0 or c > 0 for r, c in self.margins)
        )

    def accrue(self) -> None:
        """Today's costs: wages and the overheads of the hours delivered."""
        overhead = self.delivered_hours * self.model.params.home_care.overhead_gbp_per_hour
        self.costs_this_month += (self.weekly_wages + overhead) / DAYS_PER_WEEK


class HomeCareMarket(QueuedService):
    """The area's home-care agencies, as one service with a waiting list.

    A package goes to the agency with the most free staffed hours. A package started for a
    hospital discharge who had no care before is reablement: free, and ending after
    ``capacity.reablement_weeks`` unless it turns into ongoing care. Reablement is paid for in
    bulk (to ``HOME_CARE``, passed on to the agencies that deliver it) by whoever pays for it
    under the funding arrangement: the hours in use, or the block of discharge-support hours
    that body has commissioned, whichever is more. Agencies staff up for their share of that
    block, so money spent on discharge support buys care workers.
    """

    reason = DelayReason.AWAITING_HOME_CARE
    responsible = Body.SOCIAL_CARE
    queue_name = "home_care"

    def __init__(self, model: CareSystemModel, council: Council) -> None:
        super().__init__(model)
        self.council = council
        n = model.params.home_care.agencies
        start = model.with_population(model.params.capacity.home_care_hours_per_week)
        start *= model.params.capacity.home_care_start_factor
        self.agencies = [HomeCareAgency(model, self, start / n) for _ in range(n)]
        self._sized_by_demand = start <= 0.0
        self.agency_of: dict[int, HomeCareAgency] = {}
        self.packages: dict[int, float] = {}
        self.hours_used = 0.0
        self.started_today = 0
        self.handed_back_today = 0
        self.exits_today = 0
        self.entries_today = 0
        self._restart: set[int] = set()
        self._reablement_end: dict[int, int] = {}
        self._ends: collections.defaultdict[int, list[int]] = collections.defaultdict(list)
        self._continues: dict[int, bool] = {}
        self.reablement_hours = 0.0
        self.discharge_support_hours = 0.0
        self._market_margins: collections.deque[tuple[float, float]] = collections.deque(maxlen=12)
        self._opening = False
        self._closures = 0
        self._open_key: tuple[int, int] = (-1, -1)
        self._open_agencies: list[HomeCareAgency] = []

    def start_day(self) -> None:
        """Reset today's counts."""
        self.handed_back_today = self.exits_today = self.entries_today = 0

    @property
    def open_agencies(self) -> list[HomeCareAgency]:
        """Agencies still trading (not to be changed by the caller). The list is made again
        only when an agency has opened or closed since it was last made: every package started
        asks for it, and agencies open and close a few times a decade."""
        key = (len(self.agencies), self._closures)
        if key != self._open_key:
            self._open_key = key
            self._open_agencies = [agency for agency in self.agencies if agency.open]
        return self._open_agencies

    def commission_discharge_support(self, hours: float) -> None:
        """Set the block of home-care hours a week bought for people leaving hospital."""
        self.discharge_support_hours = hours
        self._price_reablement()

    def _price_reablement(self) -> None:
        accounts = self.model.accounts
        payer = accounts.payer(Purpose.REABLEMENT)
        hours = max(self.reablement_hours, self.discharge_support_hours)
        key = (payer, HOME_CARE, pool_of(payer), Purpose.REABLEMENT.value)
        accounts.streams.set_rate(key, hours * self.council.home_care_fee, self.model.day)

    @property
    def capacity_hours(self) -> float:
        """Hours a week the agencies' care workers can deliver."""
        return sum(agency.staffed_hours for agency in self.open_agencies)

    @property
    def delivered_hours(self) -> float:
        """Hours a week delivered: packages as far as staff allow."""
        return sum(agency.delivered_hours for agency in self.open_agencies)

    @property
    def target_hours(self) -> float:
        """Hours a week the agencies are staffing up (or down) for."""
        return sum(agency.target_hours for agency in self.open_agencies)

    def package_hours(self, pid: int) -> float:
        """Hours a week a resident's package needs: their need beyond unpaid care."""
        return self.model.residents.assessed_need(pid)

    def _roomiest(self) -> HomeCareAgency | None:
        """The first open agency with the most free hours (as ``max`` by free hours picks)."""
        best, most = None, 0.0
        key = (self.model.workforce.version, self.model.params)
        for agency in self.open_agencies:
            free = agency._staffed_under(key) - agency.hours
            if best is None or free > most:
                best, most = agency, free
        return best

    def staff_first_day(self) -> None:
        """When the market is sized by demand (``capacity.home_care_hours_per_week`` = 0),
        each agency plans for its first-day packages plus its spare share and is staffed to
        deliver its packages, both times ``capacity.home_care_start_factor``: its vacancies
        start at the spare share. The first-day packages are then charged again, since
        self-funders' hourly rate follows the pay of the care workers just hired."""
        if not self._sized_by_demand:
            return
        spare = self.model.params.home_care.spare_capacity_share
        factor = self.model.params.capacity.home_care_start_factor
        workforce = self.model.workforce
        for agency in self.agencies:
            agency.target_hours = agency.hours * (1.0 + spare) * factor
            needed = math.ceil(agency.hours * factor / agency.productive_hours_per_worker() - 1e-9)
            workforce.top_up(agency, Role.HOME_CARE_WORKER, needed)
            agency.open_books()
        for pid in list(self.packages):
            self.recharge(pid)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list; money the council set aside for the package is released."""
        self.council.drop_approval(pid)
        super().withdraw(pid)

    def start_package(self, pid: int, day: int = 0, *, reablement: bool = False) -> None:
        """Give a resident a package now, from the agency with the most free hours."""
        self.council.drop_approval(pid)
        hours = self.package_hours(pid)
        agency = self._roomiest()
        assert agency is not None, "a package needs an agency"
        agency.packages[pid] = hours
        agency.hours += hours
        self.agency_of[pid] = agency
        self.packages[pid] = hours
        self.hours_used += hours
        residents = self.model.residents
        residents.set_package_hours(pid, hours)
        residents.set_care(pid, Care.HOME_CARE)
        c = self.model.params.capacity
        continues = self.model.streams["reablement"].random() < c.reablement_continue_probability
        if reablement:
            self.council.release(pid)
            end = day + round(c.reablement_weeks * 7)
            self._reablement_end[pid] = end
            self._ends[end].append(pid)
            self._continues[pid] = continues
            self._add_reablement(hours)
            return
        self._charge(pid, hours, agency)

    def _add_reablement(self, hours: float) -> None:
        self.reablement_hours = max(self.reablement_hours + hours, 0.0)
        self._price_reablement()

    def _charge(self, pid: int, hours: float, agency: HomeCareAgency) -> None:
        self.council.commit(
            pid,
            council_rate_cost=hours * self.council.home_care_fee,
            private_rate_cost=hours * agency.private_rate,
            nhs_cost=0.0,
            care_home=False,
            payee=agency.account,
        )

    def will_be_reablement(self, pid: int) -> bool:
        """Whether a package started now would be reablement: a hospital patient who had no
        package before admission."""
        return (
            int(self.model.residents.location[pid]) == Location.HOSPITAL
            and pid not in self._restart
        )

    @property
    def restarting(self) -> set[int]:
        """Hospital patients whose package from before admission restarts (not reablement)."""
        return self._restart

    def in_reablement(self, pid: int) -> bool:
        """Whether a resident's package is still reablement."""
        return pid in self._reablement_end

    def recharge(self, pid: int) -> None:
        """Charge a resident's ongoing package again after who pays has changed."""
        if pid in self.packages and not self.in_reablement(pid):
            self._charge(pid, self.packages[pid], self.agency_of[pid])

    @property
    def reablement_packages(self) -> int:
        """Packages that are still reablement (short-term, not long-term care)."""
        return len(self._reablement_end)

    def suspend(self, pid: int) -> None:
        """A package holder is admitted: the hours are released, the need is remembered."""
        if pid in self.packages:
            self.end_package(pid)
            self._restart.add(pid)

    def end_package(self, pid: int) -> None:
        """Release a resident's package (death, admission, a care home, a review)."""
        hours = self.packages.pop(pid, None)
        in_reablement = self._reablement_end.pop(pid, None) is not None
        self._continues.pop(pid, None)
        if hours is None:
            return
        self.hours_used -= hours
        agency = self.agency_of.pop(pid)
        del agency.packages[pid]
        agency.hours -= hours
        self.model.residents.set_package_hours(pid, 0.0)
        if in_reablement:
            self._add_reablement(-hours)
        self.council.release(pid)

    def forget(self, pid: int) -> None:
        """Drop everything known about a resident (death)."""
        self.end_package(pid)
        self._restart.discard(pid)

    def resize(self, pid: int) -> None:
        """A review: the package is resized to current need; it grows only into its agency's
        free hours (none are free when staff are short of the hours already committed)."""
        old = self.packages[pid]
        agency = self.agency_of[pid]
        new = min(self.package_hours(pid), old + max(agency.free_hours, 0.0))
        self.packages[pid] = new
        agency.packages[pid] = new
        self.hours_used += new - old
        agency.hours += new - old
        self.model.residents.set_package_hours(pid, new)
        self._charge(pid, new, agency)

    def tick(self, day: int) -> None:
        """End reablement due today, then start packages, in order, where the hours fit."""
        self.started_today = 0
        residents = self.model.residents
        for pid in self._ends.pop(day, ()):
            if self._reablement_end.get(pid) != day:
                continue
            del self._reablement_end[pid]
            self._add_reablement(-self.packages[pid])
            if self._continues.pop(pid, False) and self.package_hours(pid) > 0:
                self._charge(pid, self.packages[pid], self.agency_of[pid])
            else:
                self.end_package(pid)
                residents.set_care(pid, Care.NONE)
                residents.set_funder(pid, Funder.NONE)
        self.served_today = 0
        self._start_packages(day)

    def _start_packages(self, day: int) -> None:
        """Start packages for those waiting, in order, where some agency's free hours fit.

        A hospital patient's package, arranged ahead of the day they are medically fit
        (``discharge.referral_lead_days``), starts on that day, not before: until then the
        agency's hours go to those who can use them, and the patient keeps their place.

        Free hours only fall as packages start, so whoever needs more than any agency has free
        now cannot start one later today: the list is read once, from the front, for the next
        resident whose need (the vector form of :meth:`package_hours`, worked out for the whole
        list at once) fits, instead of asking everyone down a queue that can be a thousand long
        while less than a package is free. Free hours are kept as a list of floats: the same
        arithmetic as numpy's, without its cost for each of a few values.
        """
        if not len(self.waiting):
            return
        agencies = self.open_agencies
        if not agencies:
            return
        free = [agency.free_hours for agency in agencies]
        most = max(free)
        if most < MIN_PACKAGE_HOURS:
            return
        residents = self.model.residents
        order = self.in_order(day)
        if self._from_hospital:
            stays = self.model.hospital.stays
            early = {
                pid for pid in self._from_hospital if pid in stays and stays[pid].fit_day > day
            }
            if early:
                order = [pid for pid in order if pid not in early]
            if not order:
                return
        needs = residents.assessed_needs(np.array(order, dtype=np.int64)).tolist()
        waiting, i = len(order), -1
        while most >= MIN_PACKAGE_HOURS:
            i += 1
            while i < waiting and not needs[i] <= most:
                i += 1
            if i == waiting:
                break
            pid = order[i]
            hours = self.package_hours(pid)
            if hours <= 0.0:
                route = self._routes.pop(pid)
                self.waiting.leave(pid)
                self._from_hospital.discard(pid)
                self.council.drop_approval(pid)
                route.stop(pid, day)
                continue
            best = free.index(most)
            if hours <= free[best]:
                free[best] -= hours
                most = max(free)
                reablement = self.will_be_reablement(pid)
                self._restart.discard(pid)
                self.start_package(pid, day, reablement=reablement)
                self.started_today += 1
                self._finish(pid, day)

    def accrue(self) -> None:
        """Agencies' costs today."""
        for agency in self.open_agencies:
            agency.accrue()

    # ---------------------------------------------------------------- the month

    def waiting_hours(self) -> float:
        """Hours a week of the packages people are waiting for."""
        if not len(self.waiting):
            return 0.0
        order = np.fromiter(self.waiting.in_order(), dtype=np.int64)
        return float(self.model.residents.assessed_needs(order).sum())

    def plan_month(self) -> None:
        """Before the labour market moves: each agency sets the hours it staffs for.

        An agency plans for the packages it has, its share of the discharge-support block and
        its share (by size) of the hours people are waiting for, plus
        ``home_care.spare_capacity_share``. Beyond its last plan it plans for a share of that
        growth set by its margin over the last three months (:func:`growth_appetite`: none at
        break-even, all of it at ``home_care.growth_margin``; all of it for an idle agency,
        :meth:`HomeCareAgency.is_idle`, which has no margin and nothing to lose: otherwise a
        market with no staff on the first day, as when the council's budget cannot fund a
        package then, stays empty for ever; one with no reserves left is recapitalised by its
        owners as a new agency would be); short
        of growing it keeps recruiting to the size it planned for (staff who leave are
        replaced, not written off), and it lets go the staff beyond its plan."""
        agencies = self.open_agencies
        if not agencies:
            return
        h = self.model.params.home_care
        waiting = self.waiting_hours()
        size = np.array([agency.target_hours for agency in agencies])
        weights = (
            size / size.sum() if size.sum() > 0 else np.full(len(agencies), 1.0 / len(agencies))
        )
        block = max(self.discharge_support_hours - self.reablement_hours, 0.0) / len(agencies)
        workforce = self.model.workforce
        for agency, share in zip(agencies, weights.tolist(), strict=True):
            wanted = (agency.hours + block + waiting * share) * (1.0 + h.spare_capacity_share)
            margin = agency.margin()
            kept = max(agency.target_hours, agency.hours)
            idle = agency.is_idle()
            appetite = 1.0 if idle else growth_appetite(margin, h.growth_margin)
            growth = appetite * max(wanted - kept, 0.0)
            demand = min(wanted, kept) + growth
            if margin < 0.0:
                demand = min(demand, agency.staffed_hours) * (1.0 + max(margin, -MAX_CUT))
            agency.target_hours = demand
            if idle and demand > 0.0 and agency.reserves <= 0.0:
                self.model.accounts.capitalise_provider(agency.account, agency.starting_reserves())
            surplus = workforce.staff_of(agency, Role.HOME_CARE_WORKER) - agency.posts(
                Role.HOME_CARE_WORKER
            )
            workforce.shed(agency, Role.HOME_CARE_WORKER, surplus)

    def hand_back(self, day: int) -> None:
        """After the labour market moves: an agency whose staff can no longer cover its
        packages hands back the newest until they can; the residents wait for another agency
        (from home; in hospital a package is suspended, not handed back)."""
        for agency in self.open_agencies:
            excess = agency.hours - agency.staffed_hours
            for pid in reversed(list(agency.packages)):
                if excess <= 1e-9:
                    break
                if pid in self._reablement_end:
                    continue
                excess -= agency.packages[pid]
                self._hand_back(pid, day)

    def _hand_back(self, pid: int, day: int) -> None:
        self.end_package(pid)
        self._restart.add(pid)
        self.handed_back_today += 1
        residents = self.model.residents
        residents.set_care(pid, Care.NONE)
        if int(residents.location[pid]) == Location.COMMUNITY:
            self.model.community.request_package_again(pid, day)

    def settle_month(self, received: dict[str, float]) -> None:
        """The agencies close their books: the reablement money is passed on to them in
        proportion to the hours they staff for it, they pay last month's costs, those whose
        reserves have run out leave the market, and a new agency may be on its way."""
        accounts = self.model.accounts
        agencies = self.open_agencies
        date = self.model.date
        pot = accounts.balance(HOME_CARE)
        shares = np.array([agency.target_hours for agency in agencies], dtype=float)
        revenue_total = costs_total = 0.0
        for agency, share in zip(agencies, shares.tolist(), strict=True):
            passed = pot * share / shares.sum() if pot > 0 and shares.sum() > 0 else 0.0
            if passed > 0:
                accounts.transfer(
                    date, HOME_CARE, agency.account, Purpose.PROVIDER_TRANSFER, passed
                )
            revenue = received.get(agency.account, 0.0) + passed
            costs = agency.costs_this_month
            accounts.pay_costs(agency.account, costs)
            agency.costs_this_month = 0.0
            agency.margins.append((revenue, costs))
            revenue_total += revenue
            costs_total += costs
            if agency.reserves < 0.0:
                self.close(agency)
        self._market_margins.append((revenue_total, costs_total))
        self._consider_entry()

    def margin_at_council_fee(self) -> float:
        """The margin an hour of care at the council's fee now would leave an agency paying
        the going rate (share of the fee): the fee less wages per contact hour (with on-costs
        and travel) and overheads."""
        cost = cost_of_a_contact_hour(self.model, going_pay(self.model))
        fee = self.council.home_care_fee
        return (fee - cost) / fee if fee > 0 else 0.0

    def market_margin(self) -> float:
        """The market's margin over the last twelve months (share of revenue)."""
        return margin_of(self._market_margins)

    def _consider_entry(self) -> None:
        """A new agency sets out to open when the market's margin over the last twelve
        months beats ``home_care.entry_margin`` while people wait. A market with no agency
        left has no margin to observe, so an entrant judges by the margin the council's fee
        now would leave it on an hour of care (:meth:`margin_at_council_fee`): without that,
        a market emptied once stayed empty while the council raised its fee."""
        h = self.model.params.home_care
        if self._opening or not len(self.waiting):
            return
        if self.open_agencies:
            if len(self._market_margins) < 12 or self.market_margin() <= h.entry_margin:
                return
        elif self.margin_at_council_fee() <= h.entry_margin:
            return
        self._opening = True
        self.model.schedule_event(self.open_agency, after=h.entry_lag_months * 365.25 / 12.0)

    def open_agency(self) -> None:
        """A new agency opens (decided a lag earlier, when margins allowed)."""
        self.agencies.append(
            HomeCareAgency(self.model, self, self.model.params.home_care.new_agency_hours)
        )
        self.entries_today += 1
        self._opening = False
        self._market_margins.clear()

    def close(self, agency: HomeCareAgency) -> None:
        """An agency whose reserves have run out leaves: its packages are handed back and its
        staff look for other jobs."""
        agency.open = False
        self._closures += 1
        self.exits_today += 1
        day = self.model.day
        for pid in list(agency.packages):
            if pid in self._reablement_end:
                self._move_reablement(pid, agency)
                continue
            self._hand_back(pid, day)
        self.model.workforce.release(agency)
        agency.target_hours = 0.0
        agency.remove()

    def _move_reablement(self, pid: int, old: HomeCareAgency) -> None:
        """Reablement in progress moves to another agency (it is short and paid in bulk)."""
        new = self._roomiest()
        if new is None:
            self.end_package(pid)
            return
        hours = old.packages.pop(pid)
        old.hours -= hours
        new.packages[pid] = hours
        new.hours += hours
        self.agency_of[pid] = new
