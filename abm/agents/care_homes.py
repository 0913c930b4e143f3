"""Care homes: beds, residents, fees, costs and reserves, and the market they make.

Each home has beds, residents, a council fee (the council's rate), a private fee it sets
itself each month to cover its costs and margin from what the council and the NHS pay, and
reserves. A home whose reserves run out closes: every resident is moved to another home with
a free bed, or recorded as unplaced and returned to the community queue. A new home opens, after
a lag, when the shortage of beds over the last year would fill enough of it to earn its owner's
margin at the fees the market was paid and the pay it would have to offer.

The market is a :class:`~abm.agents.capacity.QueuedService`, as home care is
(:mod:`abm.agents.home_care`), so discharges and community requests wait on it the same way.
"""

from __future__ import annotations

import collections
import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.agents.capacity import QueuedService, margin_of
from abm.agents.worker import Role
from abm.domain import Body, Care, DelayReason, Frailty, Funder, Location
from abm.params import DAYS_PER_WEEK

if TYPE_CHECKING:
    from abm.agents.council import Council
    from abm.model import CareSystemModel


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
        return self._places_under((self.model.workforce.version, self.model.params))

    def _places_under(self, key: tuple[int, object]) -> int:
        """:attr:`staffed_places` for ``key``, the workforce's version and the levers."""
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
        self_funded, nhs = int(Funder.SELF), int(Funder.NHS)
        n_self = funders.count(self_funded)
        from_public = sum(nhs_fee if f == nhs else council_fee for f in funders if f != self_funded)
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
        self._shortages: collections.deque[int] = collections.deque(maxlen=12)
        self._resident_days: collections.deque[int] = collections.deque(maxlen=12)
        self._resident_days_this_month = 0
        self._homes_coming = 0
        self._closures = 0
        self._open_key: tuple[int, int] = (-1, -1)
        self._open_homes: list[CareHome] = []
        self._settlements = 0
        self._fees: tuple[object, float] = (None, 0.0)
        self._reserves: tuple[object, float] = (None, 0.0)

    def start_day(self) -> None:
        """Reset today's counts. Homes open between two days (Mesa's event queue), so today's
        entries are those opened since the last day ended."""
        self.exits_today = self.unplaced_today = self.moved_today = 0
        self.entries_today, self.entries_since_last_day = self.entries_since_last_day, 0

    @property
    def open_homes(self) -> list[CareHome]:
        """Homes still trading (not to be changed by the caller). The list is made again only
        when a home has opened or closed since it was last made: the daily costs and outputs
        ask for it every day, and homes open and close a few times a decade."""
        key = (len(self.homes), self._closures)
        if key != self._open_key:
            self._open_key, self._open_homes = key, [home for home in self.homes if home.open]
        return self._open_homes

    def mean_private_fee(self) -> float:
        """Open homes' mean private fee, GBP a week (0 with none open). Fees are set when homes
        open and once a month, so the mean is worked out again only then (with numpy's sum,
        as before)."""
        open_homes = self.open_homes
        key = (self._open_key, self._settlements)
        if key != self._fees[0]:
            fees = [home.private_fee for home in open_homes]
            self._fees = (key, float(np.mean(fees)) if fees else 0.0)
        return self._fees[1]

    def total_reserves(self) -> float:
        """Open homes' reserves, GBP, added up home by home. Balances move only by the
        ledger's transactions, so the total is worked out again only when there are new ones
        (or homes open or close)."""
        open_homes = self.open_homes
        key = (self._open_key, len(self.model.accounts.ledger.transactions))
        if key != self._reserves[0]:
            self._reserves = (key, float(sum(home.reserves for home in open_homes)))
        return self._reserves[1]

    @property
    def beds(self) -> int:
        """Beds in open homes."""
        return sum(home.beds for home in self.open_homes)

    @property
    def empty_beds(self) -> int:
        """Beds in open homes with no resident, staffed or not."""
        return sum(home.beds - len(home.residents) for home in self.open_homes)

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
        key = (self.model.workforce.version, self.model.params)
        for home in self.open_homes:
            if home.nursing == nursing:
                free = home._places_under(key) - len(home.residents)
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
            self._resident_days_this_month += len(home.residents)

    def settle_month(self, received: dict[str, float]) -> None:
        """Homes close their books: they pay last month's costs from what they were paid;
        then exits, private fees, and entry decisions."""
        self._settlements += 1
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
            # the residents' funders in one look-up (in the set's order, as a loop would)
            placed = np.fromiter(home.residents, dtype=np.int64, count=len(home.residents))
            paying = funders[placed].tolist()
            home.set_private_fee(
                self.council.care_home_fee(nursing=home.nursing),
                self.model.params.care_homes.nhs_fee_gbp_per_week * self.council.pay_fee_factor,
                paying,
            )
            fee, self_funded = home.private_fee, int(Funder.SELF)
            for pid, funder in zip(placed.tolist(), paying, strict=True):
                if funder == self_funded:
                    self.council.reprice_self_funder(pid, fee)
        self._margins.append((revenue, costs))
        self._settlements += 1  # and again with every fee set: a mean taken midway is dropped
        self._resident_days.append(self._resident_days_this_month)
        self._resident_days_this_month = 0
        self._shortages.append(len(self.waiting) - self.empty_beds)
        self._consider_entry()

    def market_margin(self) -> float:
        """The market's margin over the last twelve months (share of revenue)."""
        return margin_of(self._margins)

    def _consider_entry(self) -> None:
        """A provider decides to open a home when the shortage of beds over the last twelve
        months (residents waiting less the market's empty beds, month by month) would fill
        enough of a new home to earn it ``care_homes.entry_margin``
        (:meth:`break_even_residents`).

        Why a year's shortage and a break-even: a home is a building and a staff for decades,
        and an owner commits to it on a shortage that lasts, at fees that pay for it. On one
        month's waiting list (the rule before) entries followed the list's chance peaks, and
        since a home that makes money never leaves, each peak added beds for good: in an area
        with no growth the market grew by a home every few years for as long as it ran
        (docs/model.md, "Steady state"). Empty beds count against the shortage whether or not
        they are staffed: while beds stand empty for want of staff, a new home adds no place a
        worker is not already wanted for. Homes already being built (decided, not yet open)
        count against it too, as an owner can see them in planning."""
        m = self.model.params.care_homes
        if len(self._shortages) < 12:
            return
        shortage = sum(self._shortages) / len(self._shortages)
        shortage -= self._homes_coming * m.beds_per_home
        if shortage < self.break_even_residents(self._entrant_is_nursing()):
            return
        self._homes_coming += 1
        lag_days = m.entry_lag_months * 365.25 / 12.0
        self.model.schedule_event(self.open_new_home, after=lag_days)

    def break_even_residents(self, nursing: bool) -> float:
        """Residents a new home of ``care_homes.beds_per_home`` beds needs to keep
        ``care_homes.entry_margin`` of its revenue, at the fee the market was paid per resident
        over the last year and the pay it would offer to staff all its beds (infinite where no
        number of residents would do).

        Its costs are the beds' upkeep and a full staff, whatever its occupancy, and a cost per
        resident; each resident brings the market's mean fee, so a home breaks even at
        ``fixed / (fee x (1 - margin) - cost per resident)`` residents."""
        m, w = self.model.params.care_homes, self.model.params.workforce
        resident_weeks = sum(self._resident_days) / DAYS_PER_WEEK
        if resident_weeks <= 0:
            return math.inf
        fee = sum(revenue for revenue, _ in self._margins) / resident_weeks
        workforce = self.model.workforce
        floor = workforce.legal_floor(self.model.inputs_date)
        week = w.hours_per_week * (1.0 + w.on_cost_share)
        beds = m.beds_per_home
        fixed = beds * m.cost_per_bed_gbp_per_week + math.ceil(
            beds * w.care_home_staff_per_bed
        ) * week * (workforce.mean_pay((Role.CARE_HOME_WORKER,)) or floor)
        per_resident = m.cost_per_resident_gbp_per_week
        if nursing:
            fixed += (
                math.ceil(beds * w.nursing_home_nurses_per_bed)
                * week
                * (workforce.mean_pay((Role.CARE_HOME_NURSE,)) or floor)
            )
            per_resident += m.nursing_extra_cost_gbp_per_week
        net = fee * (1.0 - m.entry_margin) - per_resident
        return fixed / net if net > 0 else math.inf

    def _entrant_is_nursing(self) -> bool:
        """A new home is a nursing home if more of those waiting need nursing care."""
        waiting = list(self.waiting.in_order())
        return sum(self.needs_nursing(pid) for pid in waiting) * 2 > len(waiting)

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
        beds = self.model.params.care_homes.beds_per_home
        self.homes.append(CareHome(self.model, beds, nursing=self._entrant_is_nursing()))
        self.entries_since_last_day += 1
        self._homes_coming -= 1
        self._shortages = collections.deque((s - beds for s in self._shortages), maxlen=12)

    def close(self, home: CareHome) -> None:
        """A home whose reserves have run out leaves the market; its residents are moved."""
        home.open = False
        self._closures += 1
        self.exits_today += 1
        self._shortages = collections.deque((s + home.beds for s in self._shortages), maxlen=12)
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
