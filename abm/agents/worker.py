"""The workforce: care workers, nurses and NHS healthcare assistants, and their employers.

Capacity in this system is people. Each worker has an employer, a role, hourly pay, tenure and
whether they were recruited from abroad; their state lives in arrays (one row per worker) and
each is also a Mesa :class:`Worker` agent. Once a month, vectorised:

1. everyone is paid under the pay rule (NHS staff on the NHS scale);
2. each worker quits with a hazard that rises with the gap between their pay and their best
   outside option (retail and hospitality; the NHS for care workers) and with their employer's
   vacancy rate (more work for those who stay), higher in the first year;
3. a care worker who quits moves to another care employer with a vacancy, or leaves care (some
   to NHS healthcare-assistant posts);
4. employers fill vacancies from the local labour market (more easily when they pay more than
   the outside option) and, for care employers, from abroad.

Vacancies and turnover are never inputs: they emerge. Employers turn staff into capacity with
staffing ratios (``abm.agents.provider``, ``abm.agents.hospital``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import IntEnum
from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np

from abm.policy.pay import HOURS_PER_YEAR, PAY_RULES, PayContext, PayRule, nhs_scale

if TYPE_CHECKING:
    from abm.model import CareSystemModel

MONTHS_PER_YEAR = 12.0
GONE = -1


class Role(IntEnum):
    """What a worker does, and so who can employ them."""

    HOME_CARE_WORKER = 0
    CARE_HOME_WORKER = 1
    CARE_HOME_NURSE = 2
    HEALTHCARE_ASSISTANT = 3
    WARD_NURSE = 4
    SOCIAL_WORKER = 5
    BROKER = 6


CARE_ROLES = (Role.HOME_CARE_WORKER, Role.CARE_HOME_WORKER)
NURSE_ROLES = (Role.CARE_HOME_NURSE, Role.WARD_NURSE)
COUNCIL_ROLES = (Role.SOCIAL_WORKER, Role.BROKER)


class Employer(Protocol):
    """Anything that employs staff: it says how many posts of each role it funds."""

    employer_id: int

    def posts(self, role: Role) -> int:
        """Funded posts of ``role`` now."""


@dataclasses.dataclass
class MonthFlows:
    """What happened to the workforce this month."""

    care_leavers: int = 0
    care_to_care: int = 0
    care_to_nhs: int = 0
    care_to_outside: int = 0
    nhs_leavers: int = 0
    hires_local: int = 0
    hires_international: int = 0


class Worker(mesa.Agent):
    """One member of staff; their state is a row of :class:`Workforce`."""

    def __init__(self, model: mesa.Model, wid: int) -> None:
        super().__init__(model)
        self.wid = wid


class Workforce:
    """Every worker who has worked in the area during the run, and the monthly labour market."""

    def __init__(self, model: CareSystemModel) -> None:
        self.model = model
        self.employers: list[Employer] = []
        self.n = 0
        size = 1024
        self.role = np.zeros(size, dtype=np.int8)
        self.employer = np.full(size, GONE, dtype=np.int64)
        self.pay = np.zeros(size)
        self.tenure = np.zeros(size)
        self.international = np.zeros(size, dtype=bool)
        self.agents: list[Worker | None] = []
        self.staff = np.zeros((0, len(Role)), dtype=np.int64)
        self.flows = MonthFlows()
        self.care_pay_ratio = 1.0
        self._mean_pay: dict[tuple[Role, ...], float] = {}
        self.posts_cache = np.zeros((0, len(Role)), dtype=np.int64)
        # Bumped whenever staff or posts_cache change, so that figures derived from them
        # (employers' staffed capacity, the daily posts and staff) are worked out only then.
        self.version = 0
        self._totals: dict[tuple[Role, ...], tuple[int, int]] = {}
        self._totals_version = -1
        self.pay_rule: PayRule = PAY_RULES.create(model.params.workforce.pay_rule)  # type: ignore[assignment]

    # ---------------------------------------------------------------- employers

    def register(self, employer: Employer) -> None:
        """Give an employer an id; it hires from the next month."""
        employer.employer_id = len(self.employers)
        self.employers.append(employer)
        self.staff = np.vstack([self.staff, np.zeros((1, len(Role)), dtype=np.int64)])
        self.version += 1

    def staff_of(self, employer: Employer, role: Role) -> int:
        """Staff of ``role`` working for ``employer``."""
        return int(self.staff[employer.employer_id, role])

    def posts_table(self) -> np.ndarray:
        """Funded posts by employer and role."""
        table = np.zeros((len(self.employers), len(Role)), dtype=np.int64)
        for e, employer in enumerate(self.employers):
            for role in Role:
                table[e, role] = employer.posts(role)
        return table

    # ---------------------------------------------------------------- workers

    def hire(self, employer_ids: np.ndarray, roles: np.ndarray, *, international: bool) -> None:
        """New workers start (tenure 0)."""
        count = len(employer_ids)
        if count == 0:
            return
        self._reserve(self.n + count)
        ids = np.arange(self.n, self.n + count)
        self.role[ids] = roles
        self.employer[ids] = employer_ids
        self.tenure[ids] = 0.0
        self.international[ids] = international
        self.n += count
        self.agents.extend(Worker(self.model, int(wid)) for wid in ids)
        np.add.at(self.staff, (employer_ids, roles), 1)
        self.version += 1

    def _reserve(self, size: int) -> None:
        capacity = len(self.role)
        if size <= capacity:
            return
        new = max(size, capacity * 2)
        for name, fill in (
            ("role", 0),
            ("employer", GONE),
            ("pay", 0.0),
            ("tenure", 0.0),
            ("international", False),
        ):
            old = getattr(self, name)
            grown = np.full(new, fill, dtype=old.dtype)
            grown[:capacity] = old
            setattr(self, name, grown)

    def active(self) -> np.ndarray:
        """Ids of workers in a job."""
        return np.flatnonzero(self.employer[: self.n] != GONE)

    def _leave(self, ids: np.ndarray) -> None:
        np.add.at(self.staff, (self.employer[ids], self.role[ids]), -1)
        self.version += 1
        self.employer[ids] = GONE
        for wid in ids.tolist():
            agent = self.agents[wid]
            if agent is not None:
                agent.remove()
                self.agents[wid] = None

    def _move(self, ids: np.ndarray, employer_ids: np.ndarray) -> None:
        np.add.at(self.staff, (self.employer[ids], self.role[ids]), -1)
        self.employer[ids] = employer_ids
        self.tenure[ids] = 0.0
        np.add.at(self.staff, (employer_ids, self.role[ids]), 1)
        self.version += 1

    def release(self, employer: Employer) -> None:
        """An employer closes: its staff look for other care jobs now, or leave care."""
        ids = np.flatnonzero(self.employer[: self.n] == employer.employer_id)
        self._place_or_lose(ids, self.model.streams["workforce"])

    def shed(self, employer: Employer, role: Role, count: int) -> None:
        """An employer with more staff than it has work for lets ``count`` of them go (the
        most recently hired first, as zero-hours contracts run out of hours): they look for
        other care jobs now, or leave care."""
        if count <= 0:
            return
        ids = np.flatnonzero(
            (self.employer[: self.n] == employer.employer_id) & (self.role[: self.n] == role)
        )
        self._place_or_lose(ids[::-1][:count], self.model.streams["workforce"])

    # ---------------------------------------------------------------- the month

    def legal_floor(self, date: dt.date) -> float:
        """The National Living Wage in force on ``date`` (new rates each April), GBP an hour."""
        series = self.model.params.workforce.national_living_wage_gbp
        index = min(max((date - dt.timedelta(days=90)).year - 2024, 0), len(series) - 1)
        return series[index]

    def pay_context(self, date: dt.date) -> PayContext:
        """This month's legal floor, market rate and NHS scale, in GBP an hour."""
        w = self.model.params.workforce
        floor = self.legal_floor(date)
        fee_index = self.model.council.fee_index
        return PayContext(
            legal_floor=floor,
            market=floor * (1.0 + w.market_premium) * fee_index,
            living_wage=w.real_living_wage_gbp,
            band2=w.nhs_band2_gbp / HOURS_PER_YEAR * (1.0 + w.nhs_allowances_share),
            band3=w.nhs_band3_gbp / HOURS_PER_YEAR * (1.0 + w.nhs_allowances_share),
            band3_experienced=w.nhs_band3_experienced_gbp
            / HOURS_PER_YEAR
            * (1.0 + w.nhs_allowances_share),
            uplift=w.uplift,
        )

    def set_pay(self, context: PayContext) -> None:
        """Everyone's hourly pay this month."""
        self._mean_pay.clear()
        ids = self.active()
        role, tenure = self.role[ids], self.tenure[ids]
        care = np.isin(role, CARE_ROLES)
        pay = np.full(len(ids), self.model.params.workforce.nhs_nurse_gbp_per_hour)
        pay[care] = self.pay_rule.care_pay(tenure[care], context)
        hca = role == Role.HEALTHCARE_ASSISTANT
        pay[hca] = nhs_scale(tenure[hca], context)
        w = self.model.params.workforce
        pay[role == Role.SOCIAL_WORKER] = w.social_worker_pay_gbp / HOURS_PER_YEAR
        pay[role == Role.BROKER] = w.broker_pay_gbp / HOURS_PER_YEAR
        self.pay[ids] = pay

    def market_pay(self, context: PayContext) -> float:
        """What care workers would be paid under the market rule."""
        return max(context.market, context.legal_floor)

    def month(self, date: dt.date) -> None:
        """Pay, quits, moves and recruitment for one month."""
        w = self.model.params.workforce
        if w.pay_rule != self.pay_rule.name:
            self.pay_rule = PAY_RULES.create(w.pay_rule)  # type: ignore[assignment]
        rng = self.model.streams["workforce"]
        self.flows = MonthFlows()
        context = self.pay_context(date)
        self.set_pay(context)
        posts = self.posts_table()
        self.posts_cache = posts
        self.version += 1
        self._quits(context, posts, rng)
        self._recruit(context, posts, date, rng)
        ids = self.active()
        self.tenure[ids] += 1.0
        self.set_pay(context)
        self.care_pay_ratio = self.mean_pay(CARE_ROLES) / self.market_pay(context)

    def weekly_wages(self) -> np.ndarray:
        """Each employer's wage bill a week, with employer's on-costs."""
        w = self.model.params.workforce
        ids = self.active()
        bill = self.pay[ids] * w.hours_per_week * (1.0 + w.on_cost_share)
        return np.bincount(self.employer[ids], weights=bill, minlength=len(self.employers))

    def _quits(self, context: PayContext, posts: np.ndarray, rng: np.random.Generator) -> None:
        w = self.model.params.workforce
        ids = self.active()
        role, employer, pay = self.role[ids], self.employer[ids], self.pay[ids]
        vacancy = 1.0 - self.staff / np.maximum(posts, 1)
        workload = np.clip(vacancy[employer, role], 0.0, 1.0)
        care = np.isin(role, CARE_ROLES)
        nhs_option = nhs_scale(self.tenure[ids], context)
        outside = np.where(care, np.maximum(w.outside_wage_gbp, nhs_option), w.outside_wage_gbp)
        council = np.isin(role, COUNCIL_ROLES)
        gap = np.where(council, 0.0, np.maximum((outside - pay) / pay, -0.5))
        base = (
            np.select(
                [care, council],
                [w.care_quit_per_1000py, w.council_staff_quit_per_1000py],
                w.nhs_quit_per_1000py,
            )
            / 1000.0
        )
        hazard = (
            base * np.exp(w.pay_gap_sensitivity * gap) * (1.0 + w.workload_sensitivity * workload)
        )
        hazard = np.where(self.tenure[ids] < 12, hazard * w.new_starter_hazard_ratio, hazard)
        hazard = np.where(self.international[ids], hazard * w.international_quit_ratio, hazard)
        quit = rng.random(len(ids)) < -np.expm1(-hazard / MONTHS_PER_YEAR)
        leavers = ids[quit]
        care_leavers = leavers[np.isin(self.role[leavers], CARE_ROLES)]
        self.flows.care_leavers = len(care_leavers)
        self.flows.nhs_leavers = len(leavers) - len(care_leavers)
        self._leave(leavers[~np.isin(self.role[leavers], CARE_ROLES)])
        self._place_or_lose(care_leavers, rng)

    def _place_or_lose(self, ids: np.ndarray, rng: np.random.Generator) -> None:
        """Care workers leaving a job: some stay in care (into vacancies), the rest leave."""
        w = self.model.params.workforce
        if len(ids) == 0:
            return
        stays = rng.random(len(ids)) >= w.leave_sector_share
        movers, exits = ids[stays], ids[~stays]
        posts = self.posts_table()
        moved = []
        for wid in movers.tolist():
            role = int(self.role[wid])
            open_posts = posts[:, role] - self.staff[:, role]
            open_posts[self.employer[wid]] = 0
            if open_posts.max() <= 0:
                continue
            target = int(np.argmax(open_posts))
            self._move(np.array([wid]), np.array([target]))
            moved.append(wid)
        self.flows.care_to_care += len(moved)
        stranded = np.setdiff1d(movers, np.asarray(moved, dtype=np.int64))
        exits = np.concatenate([exits, stranded])
        to_nhs = exits[rng.random(len(exits)) < w.to_nhs_share]
        self._leave(exits)
        self.flows.care_to_outside += len(exits) - len(to_nhs)
        hired = self._fill(to_nhs.size, Role.HEALTHCARE_ASSISTANT, international=False)
        self.flows.care_to_nhs += hired
        self.flows.care_to_outside += len(to_nhs) - hired

    def _fill(self, count: int, role: Role, *, international: bool) -> int:
        """Hire up to ``count`` workers of ``role`` into the employers with most vacancies."""
        posts = self.posts_table()[:, role]
        open_posts = np.maximum(posts - self.staff[:, role], 0)
        count = int(min(count, open_posts.sum()))
        if count == 0:
            return 0
        targets = np.repeat(np.arange(len(open_posts)), open_posts)[:count]
        self.hire(targets, np.full(count, role), international=international)
        return count

    def _recruit(
        self, context: PayContext, posts: np.ndarray, date: dt.date, rng: np.random.Generator
    ) -> None:
        w = self.model.params.workforce
        for role in Role:
            open_posts = np.maximum(posts[:, role] - self.staff[:, role], 0)
            if open_posts.sum() == 0:
                continue
            if role in CARE_ROLES:
                offered = float(self.pay_rule.care_pay(np.zeros(1), context)[0])
            elif role in COUNCIL_ROLES:
                offered = 1.0
            elif role == Role.HEALTHCARE_ASSISTANT:
                offered = context.band3
            else:
                offered = w.nhs_nurse_gbp_per_hour
            nhs = role in (Role.HEALTHCARE_ASSISTANT, Role.WARD_NURSE)
            own_market = role in NURSE_ROLES or role in COUNCIL_ROLES
            outside = offered if own_market else w.outside_wage_gbp
            attraction = np.exp(w.pay_gap_sensitivity * (offered - outside) / outside)
            base = w.nhs_hire_per_month if nhs else w.local_hire_per_month
            if role in COUNCIL_ROLES:
                base = w.council_staff_hire_per_month
            chance = min(1.0, base * attraction)
            hires = rng.binomial(open_posts, chance)
            targets = np.repeat(np.arange(len(hires)), hires)
            self.hire(targets, np.full(len(targets), role), international=False)
            self.flows.hires_local += len(targets)
        if w.international_recruitment:
            care_posts = int(posts[:, list(CARE_ROLES)].sum())
            rate = w.international_per_1000_posts_month * care_posts / 1000.0
            if date >= w.visa_change_date:
                rate *= w.visa_change_factor
            arrivals = int(rng.poisson(rate))
            for role in CARE_ROLES:
                hired = self._fill(arrivals, role, international=True)
                self.flows.hires_international += hired
                arrivals -= hired

    # ---------------------------------------------------------------- start

    def fill_initial(self) -> None:
        """Fill ``workforce.initial_fill`` of every employer's posts on the first day."""
        share = self.model.params.workforce.initial_fill
        posts = self.posts_table()
        self.posts_cache = posts
        self.version += 1
        rng = self.model.streams["workforce"]
        for role in Role:
            filled = np.round(posts[:, role] * share).astype(np.int64)
            targets = np.repeat(np.arange(len(filled)), filled)
            self.hire(targets, np.full(len(targets), role), international=False)
        ids = self.active()
        self.tenure[ids] = rng.exponential(36.0, len(ids))
        context = self.pay_context(self.model.date)
        self.set_pay(context)
        self.care_pay_ratio = self.mean_pay(CARE_ROLES) / self.market_pay(context)

    def posts_and_staff(self, roles: tuple[Role, ...]) -> tuple[int, int]:
        """Funded posts (as at the start of the month) and staff now, in ``roles``."""
        if self._totals_version != self.version:
            self._totals.clear()
            self._totals_version = self.version
        if roles not in self._totals:
            cols = list(roles)
            rows = min(len(self.posts_cache), len(self.staff))
            posts, staff = self.posts_cache[:rows, cols].sum(), self.staff[:, cols].sum()
            self._totals[roles] = int(posts), int(staff)
        return self._totals[roles]

    def mean_pay(self, roles: tuple[Role, ...]) -> float:
        """Mean hourly pay of active workers in ``roles`` (as set at the start of the month)."""
        key = tuple(sorted(roles))
        if key not in self._mean_pay:
            ids = self.active()
            mask = np.isin(self.role[ids], roles)
            self._mean_pay[key] = float(self.pay[ids][mask].mean()) if mask.any() else 0.0
        return self._mean_pay[key]


__all__ = ["CARE_ROLES", "COUNCIL_ROLES", "Employer", "Role", "Worker", "Workforce"]
