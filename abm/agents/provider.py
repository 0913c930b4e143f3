"""Care providers: home-care agencies and care homes, with fees, costs and markets.

Home care is a market of agencies. Each agency's hours come from its care workers (a worker's
paid hours less travel and admin, ``workforce.home_care_contact_share``); each month it sets
the staff it wants from the work it has and the work waiting, grows only while its recent
margin allows (``home_care.growth_margin``), lets staff go when work falls away, hands back
packages its staff cannot cover, and leaves the market when losses exhaust its reserves. New
agencies enter, after a lag, when the market's margin over the last year is high enough.
On the first day the market is the size of the care residents receive then (or
``capacity.home_care_hours_per_week``, when set); after that its size is an outcome.

Care homes each have beds, residents, a council fee (the council's rate), a private fee they
set themselves each month to cover their costs and margin from what the council and the NHS
pay, and reserves. A home whose reserves run out closes: every resident is moved to another
home with a free bed, or recorded as unplaced and returned to the community queue. New homes
open, after a lag, when the market's margin over the last year is high enough.

Both markets are :class:`~abm.discharge.Step` s, so discharges and community requests wait on
them the same way.
"""

from __future__ import annotations

import collections
import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.agents.accounts import HOME_CARE, pool_of
from abm.agents.capacity import QueuedService
from abm.agents.worker import Role
from abm.domain import Body, Care, DelayReason, Frailty, Funder, Location, Purpose
from abm.params import DAYS_PER_WEEK

if TYPE_CHECKING:
    from abm.agents.council import Council
    from abm.model import CareSystemModel

MIN_PACKAGE_HOURS = 0.5
MONTHS_OF_MARGIN = 3
# The most of its hours a loss-making agency plans to cut in a month.
MAX_CUT = 0.1


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
        months = self.model.params.home_care.initial_reserves_months
        reserves = self.expected_weekly_costs() * months * 365.25 / 12 / 7
        self.model.accounts.open_provider(self.account, reserves)

    def productive_hours_per_worker(self) -> float:
        """Contact hours a week one care worker delivers (paid hours less travel and admin)."""
        w = self.model.params.workforce
        return w.hours_per_week * w.home_care_contact_share

    def expected_weekly_costs(self) -> float:
        """Wages and overheads a week for its target hours at today's pay."""
        w, h = self.model.params.workforce, self.model.params.home_care
        workforce = self.model.workforce
        pay = workforce.mean_pay((Role.HOME_CARE_WORKER,)) or workforce.legal_floor(self.model.date)
        wage = pay * (1.0 + w.on_cost_share) / max(w.home_care_contact_share, 1e-9)
        return self.target_hours * (wage + h.overhead_gbp_per_hour)

    def posts(self, role: Role) -> int:
        """Care workers for the hours it plans to deliver."""
        if role != Role.HOME_CARE_WORKER or not self.open:
            return 0
        return math.ceil(self.target_hours / self.productive_hours_per_worker() - 1e-9)

    @property
    def staffed_hours(self) -> float:
        """Contact hours a week its care workers can deliver (worked out again only when staff
        or levers change)."""
        key = (self.model.workforce.version, self.model.params)
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
        h, w = self.model.params.home_care, self.model.params.workforce
        pay = self.model.workforce.mean_pay((Role.HOME_CARE_WORKER,)) or 0.0
        wage_per_contact_hour = pay * (1.0 + w.on_cost_share) / w.home_care_contact_share
        return (wage_per_contact_hour + h.overhead_gbp_per_hour) * (1.0 + h.private_margin)

    def margin(self) -> float:
        """Its margin over the last few months (share of revenue; 0 before it has a month of
        books or any revenue: a new agency plans to grow)."""
        revenue = sum(r for r, _ in self.margins)
        costs = sum(c for _, c in self.margins)
        scale = max(revenue, costs)
        return (revenue - costs) / scale if scale > 0 else 0.0

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

    def start_day(self) -> None:
        """Reset today's counts."""
        self.handed_back_today = self.exits_today = self.entries_today = 0

    @property
    def open_agencies(self) -> list[HomeCareAgency]:
        """Agencies still trading."""
        return [agency for agency in self.agencies if agency.open]

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
        open_agencies = self.open_agencies
        if not open_agencies:
            return None
        return max(open_agencies, key=lambda a: a.free_hours)

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
        now cannot start one later today: the next resident whose need fits is found with numpy
        (the vector form of :meth:`package_hours`) instead of asking everyone down a queue that
        can be a thousand long while less than a package is free.
        """
        if not len(self.waiting):
            return
        agencies = self.open_agencies
        if not agencies:
            return
        free = np.array([agency.free_hours for agency in agencies])
        if free.max() < MIN_PACKAGE_HOURS:
            return
        residents = self.model.residents
        order = self.in_order(day)
        if self._from_hospital:
            stays = self.model.hospital.stays
            order = [
                pid
                for pid in order
                if pid not in self._from_hospital or pid not in stays or stays[pid].fit_day <= day
            ]
            if not order:
                return
        needs = residents.assessed_needs(np.array(order, dtype=np.int64))
        i = -1
        while free.max() >= MIN_PACKAGE_HOURS:
            fits = np.flatnonzero(needs[i + 1 :] <= free.max())
            if len(fits) == 0:
                break
            i += 1 + int(fits[0])
            pid = order[i]
            hours = self.package_hours(pid)
            if hours <= 0.0:
                route = self._routes.pop(pid)
                self.waiting.leave(pid)
                self._from_hospital.discard(pid)
                self.council.drop_approval(pid)
                route.stop(pid, day)
                continue
            best = int(np.argmax(free))
            if hours <= free[best]:
                free[best] -= hours
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
        ``home_care.spare_capacity_share``; it plans beyond its last plan only while its margin
        over the last three months is at least ``home_care.growth_margin`` (below that it keeps
        recruiting to the size it planned for: staff who leave are replaced, not written off),
        and lets go the staff beyond its plan."""
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
            demand = (agency.hours + block + waiting * share) * (1.0 + h.spare_capacity_share)
            margin = agency.margin()
            if margin < h.growth_margin:
                demand = min(demand, max(agency.target_hours, agency.hours))
            if margin < 0.0:
                demand = min(demand, agency.staffed_hours) * (1.0 + max(margin, -MAX_CUT))
            agency.target_hours = demand
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

    def market_margin(self) -> float:
        """The market's margin over the last twelve months (share of revenue)."""
        revenue = sum(r for r, _ in self._market_margins)
        costs = sum(c for _, c in self._market_margins)
        return (revenue - costs) / revenue if revenue > 0 else 0.0

    def _consider_entry(self) -> None:
        h = self.model.params.home_care
        if (
            self._opening
            or len(self._market_margins) < 12
            or self.market_margin() <= h.entry_margin
            or not len(self.waiting)
        ):
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


class CareHome(mesa.Agent):
    """One care home: beds, residents, fees, costs and reserves."""

    model: CareSystemModel

    employer_id: int

    def __init__(self, model: CareSystemModel, beds: int, *, nursing: bool) -> None:
        super().__init__(model)
        m = model.params.care_homes
        self.beds = beds
        self.nursing = nursing
        self.weekly_wages = 0.0
        model.workforce.register(self)
        self._staffed_key: tuple[int, object] | None = None
        self._staffed_places = 0
        self.residents: set[int] = set()
        self.open = True
        self.private_fee = model.council.care_home_fee(nursing=nursing) * 1.4
        self.costs_this_month = 0.0
        self.account = f"care_home:{self.unique_id}"
        reserves = self.monthly_costs(int(beds * 0.9)) * m.initial_reserves_months
        model.accounts.open_provider(self.account, reserves)

    @property
    def reserves(self) -> float:
        """The home's money (its ledger balance, GBP)."""
        return self.model.accounts.balance(self.account)

    def posts(self, role: Role) -> int:
        """Care workers (and nurses, in a nursing home) for a full home."""
        if not self.open:
            return 0
        w = self.model.params.workforce
        if role == Role.CARE_HOME_WORKER:
            return math.ceil(self.beds * w.care_home_staff_per_bed)
        if role == Role.CARE_HOME_NURSE and self.nursing:
            return math.ceil(self.beds * w.nursing_home_nurses_per_bed)
        return 0

    @property
    def staffed_places(self) -> int:
        """Residents the home's staff can look after (it admits only below this); worked out
        again only when staff or levers have changed, as placing residents asks often."""
        key = (self.model.workforce.version, self.model.params)
        if key != self._staffed_key:
            self._staffed_key, self._staffed_places = key, self._places_for_staff()
        return self._staffed_places

    def _places_for_staff(self) -> int:
        w = self.model.params.workforce
        workforce = self.model.workforce
        places = float(self.beds)  # a ratio of 0: beds need no such staff (as the hospital's)
        if w.care_home_staff_per_bed > 0:
            places = workforce.staff_of(self, Role.CARE_HOME_WORKER) / w.care_home_staff_per_bed
        if self.nursing and w.nursing_home_nurses_per_bed > 0:
            nurses = workforce.staff_of(self, Role.CARE_HOME_NURSE)
            places = min(places, nurses / w.nursing_home_nurses_per_bed)
        # places is infinite only for a ratio too small to divide by: no staff limit then.
        return min(self.beds, math.floor(min(places, self.beds) + 1e-9))

    def weekly_costs(self, residents: int) -> float:
        """Costs a week with ``residents`` residents: staff, and what follows residents and
        beds."""
        m = self.model.params.care_homes
        per_resident = m.cost_per_resident_gbp_per_week
        if self.nursing:
            per_resident += m.nursing_extra_cost_gbp_per_week
        return (
            residents * per_resident + self.beds * m.cost_per_bed_gbp_per_week + (self.weekly_wages)
        )

    def monthly_costs(self, residents: int) -> float:
        """Costs of an average month."""
        return self.weekly_costs(residents) * 365.25 / 12.0 / DAYS_PER_WEEK

    @property
    def free_beds(self) -> int:
        """Empty beds the staff can look after."""
        return self.staffed_places - len(self.residents)

    def accrue(self) -> None:
        """Today's costs."""
        self.costs_this_month += self.weekly_costs(len(self.residents)) / DAYS_PER_WEEK

    def set_private_fee(self, council_fee: float, nhs_fee: float, funders: list[int]) -> None:
        """Price self-funders' places so that the home covers its costs and margin."""
        m = self.model.params.care_homes
        n_self = sum(1 for f in funders if f == Funder.SELF)
        from_public = sum(
            nhs_fee if f == Funder.NHS else council_fee for f in funders if f != Funder.SELF
        )
        target = self.weekly_costs(len(funders)) * (1.0 + m.target_margin)
        ceiling = council_fee * (1.0 + m.max_private_premium)
        if n_self == 0:
            self.private_fee = ceiling
            return
        self.private_fee = min(max((target - from_public) / n_self, council_fee), ceiling)


class CareHomeMarket(QueuedService):
    """The area's care homes, as one service with a waiting list."""

    reason = DelayReason.AWAITING_CARE_HOME
    responsible = Body.SOCIAL_CARE
    queue_name = "care_home"

    def __init__(self, model: CareSystemModel, council: Council) -> None:
        super().__init__(model)
        self.council = council
        m = model.params.care_homes
        total = round(self.places_for_older_people())
        n_homes = max(1, round(total / m.beds_per_home)) if total > 0 else 0
        sizes = [total // n_homes + (1 if i < total % n_homes else 0) for i in range(n_homes)]
        n_nursing = round(n_homes * m.nursing_share)
        self.homes = [CareHome(model, size, nursing=i < n_nursing) for i, size in enumerate(sizes)]
        self.commissioned_beds = total
        self.home_of: dict[int, CareHome] = {}
        self.residents_placed: set[int] = set()
        self.exits_today = 0
        self.entries_today = 0
        self.entries_since_last_day = 0
        self.unplaced_today = 0
        self.moved_today = 0
        self._margins: collections.deque[tuple[float, float]] = collections.deque(maxlen=12)
        self._opening = False

    def start_day(self) -> None:
        """Reset today's counts. Homes open between two days (Mesa's event queue), so today's
        entries are those opened since the last day ended."""
        self.exits_today = self.unplaced_today = self.moved_today = 0
        self.entries_today, self.entries_since_last_day = self.entries_since_last_day, 0

    @property
    def open_homes(self) -> list[CareHome]:
        """Homes still trading."""
        return [home for home in self.homes if home.open]

    @property
    def beds(self) -> int:
        """Beds in open homes."""
        return sum(home.beds for home in self.open_homes)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list; money the council set aside for the place is released."""
        self.council.drop_approval(pid)
        super().withdraw(pid)

    def place(self, pid: int) -> bool:
        """Give a resident a bed in the home with the most free beds; False if none is free.

        Homes keep their last ``care_homes.self_funder_reserve_beds`` free beds for
        self-funders, who pay more: publicly funded residents wait for a home with more room.
        """
        reserve = 0
        if int(self.model.residents.funder[pid]) != Funder.SELF:
            reserve = self.model.params.care_homes.self_funder_reserve_beds
        home = self._roomiest(self.needs_nursing(pid), reserve)
        if home is None:
            return False
        home.residents.add(pid)
        self.home_of[pid] = home
        self.residents_placed.add(pid)
        self.council.consider_continuing_healthcare(pid)
        residents = self.model.residents
        residents.set_dependent(pid)
        residents.set_care(pid, Care.CARE_HOME)
        if int(residents.location[pid]) == Location.COMMUNITY:
            self.model.home_care.end_package(pid)
            residents.move(pid, Location.CARE_HOME)
        self._charge(pid, home)
        return True

    def _roomiest(self, nursing: bool, reserve: int) -> CareHome | None:
        """The first open home of the kind with the most free beds, if more than ``reserve``
        (one pass: staffed places are worked out from staff on every call)."""
        best, most = None, reserve
        for home in self.homes:
            if home.open and home.nursing == nursing:
                free = home.free_beds
                if free > most:
                    best, most = home, free
        return best

    def needs_nursing(self, pid: int) -> bool:
        """The severely frail need a nursing home; others a residential home."""
        return int(self.model.residents.frailty[pid]) == Frailty.SEVERE

    def _charge(self, pid: int, home: CareHome) -> None:
        self.council.commit(
            pid,
            council_rate_cost=self.council.care_home_fee(nursing=home.nursing),
            private_rate_cost=home.private_fee,
            nhs_cost=self.model.params.care_homes.nhs_fee_gbp_per_week
            * self.council.pay_fee_factor,
            care_home=True,
            payee=home.account,
        )

    def recharge(self, pid: int) -> None:
        """Charge a resident's place again after who pays has changed."""
        home = self.home_of.get(pid)
        if home is not None:
            self._charge(pid, home)

    def vacate(self, pid: int) -> None:
        """Free a resident's bed (death)."""
        home = self.home_of.pop(pid, None)
        if home is None:
            return
        home.residents.discard(pid)
        self.residents_placed.discard(pid)
        self.council.release(pid)

    def tick(self, day: int) -> None:
        """Fill free beds in order. Nursing and residential places are separate markets, and
        homes keep beds back for self-funders: a resident who finds no bed open to them does not
        hold up those behind who need the other kind of home or pay for themselves."""
        self.served_today = 0
        order = self.in_order(day)
        if not order:
            return
        # Each waiting resident's kind (nursing or not, self-funder or not), worked out for
        # the whole list at once: placing one resident changes no one else's frailty or funder.
        residents, ids = self.model.residents, np.array(order)
        nursing = residents.frailty[ids] == Frailty.SEVERE
        kinds = (2 * nursing + (residents.funder[ids] == Funder.SELF)).tolist()
        full = [False] * 4
        left = 4
        for pid, kind in zip(order, kinds, strict=True):
            if full[kind]:
                continue
            if not self.place(pid):
                full[kind] = True
                left -= 1
                if left == 0:
                    break
                continue
            self._finish(pid, day)

    def accrue(self) -> None:
        """Homes' income and costs today."""
        for home in self.open_homes:
            home.accrue()

    def settle_month(self, received: dict[str, float]) -> None:
        """Homes close their books: they pay last month's costs from what they were paid;
        then exits, private fees, and entry decisions."""
        revenue = costs = 0.0
        funders = self.model.residents.funder
        accounts = self.model.accounts
        for home in self.open_homes:
            revenue += received.get(home.account, 0.0)
            costs += home.costs_this_month
            accounts.pay_costs(home.account, home.costs_this_month)
            home.costs_this_month = 0.0
            if home.reserves < 0.0:
                self.close(home)
                continue
            home.set_private_fee(
                self.council.care_home_fee(nursing=home.nursing),
                self.model.params.care_homes.nhs_fee_gbp_per_week * self.council.pay_fee_factor,
                [int(funders[pid]) for pid in home.residents],
            )
            for pid in home.residents:
                if int(funders[pid]) == Funder.SELF:
                    self.council.reprice_self_funder(pid, home.private_fee)
        self._margins.append((revenue, costs))
        self._consider_entry()

    def market_margin(self) -> float:
        """The market's margin over the last twelve months (share of revenue)."""
        revenue = sum(r for r, _ in self._margins)
        costs = sum(c for _, c in self._margins)
        return (revenue - costs) / revenue if revenue > 0 else 0.0

    def _consider_entry(self) -> None:
        """A provider decides to open a home when the market has earned more than
        ``care_homes.entry_margin`` over the last year and at least half a home's worth of
        residents are waiting for a place: a shortage it can fill at a profit. (Margin alone is
        not enough: homes price self-funders to reach their target margin, so a market at its
        target would draw new homes for ever.)"""
        m = self.model.params.care_homes
        if (
            self._opening
            or len(self._margins) < 12
            or self.market_margin() <= m.entry_margin
            or len(self.waiting) < m.beds_per_home / 2
        ):
            return
        self._opening = True
        lag_days = m.entry_lag_months * 365.25 / 12.0
        self.model.schedule_event(self.open_new_home, after=lag_days)

    def places_for_older_people(self) -> float:
        """The area's care-home places that residents 65+ use: ``capacity.care_home_beds``
        counts every place, and younger adults, whom the model does not have, use the rest."""
        params = self.model.params
        return params.capacity.care_home_beds * params.care_homes.older_people_share

    def grow_to(self, beds: float) -> None:
        """Commission new homes while the beds commissioned so far fall a whole home short of
        ``beds`` (capacity growing with the population; market entries come on top). Each new
        home keeps the configured mix of nursing and residential beds."""
        m = self.model.params.care_homes
        while beds - self.commissioned_beds >= m.beds_per_home:
            nursing_beds = sum(home.beds for home in self.homes if home.nursing)
            total = sum(home.beds for home in self.homes)
            nursing = nursing_beds < m.nursing_share * (total + m.beds_per_home)
            self.homes.append(CareHome(self.model, m.beds_per_home, nursing=nursing))
            self.commissioned_beds += m.beds_per_home

    def open_new_home(self) -> None:
        """A new home opens (scheduled when margins allowed, a lag earlier): a nursing home if
        more of those waiting need nursing care, else a residential home."""
        waiting = list(self.waiting.in_order())
        nursing = sum(self.needs_nursing(pid) for pid in waiting) * 2 > len(waiting)
        beds = self.model.params.care_homes.beds_per_home
        self.homes.append(CareHome(self.model, beds, nursing=nursing))
        self.entries_since_last_day += 1
        self._opening = False
        self._margins.clear()

    def close(self, home: CareHome) -> None:
        """A home whose reserves have run out leaves the market; its residents are moved."""
        home.open = False
        self.exits_today += 1
        residents = self.model.residents
        for pid in sorted(home.residents):
            self.home_of.pop(pid, None)
            self.residents_placed.discard(pid)
            self.council.release(pid)
            if self.place(pid):
                self.moved_today += 1
                continue
            self.unplaced_today += 1
            residents.set_care(pid, Care.NONE)
            if int(residents.location[pid]) == Location.CARE_HOME:
                residents.move(pid, Location.COMMUNITY)
                self.model.community.request_place(pid, self.model.day)
        home.residents.clear()
        self.model.workforce.release(home)
        home.remove()
