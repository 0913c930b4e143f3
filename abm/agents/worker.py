"""The workforce: care workers, nurses and NHS healthcare assistants, and their employers.

Capacity in this system is people. Each worker has an employer, a role, hourly pay, tenure and
whether they were recruited from abroad; their state lives in arrays (one row per worker) and
each is also a Mesa :class:`Worker` agent. Once a month, vectorised:

1. each care employer sets the pay it offers: towards a premium over the legal floor that rises
   with its own vacancy rate, never below the floor nor above what its fees can pay (so the
   market rate is an outcome of vacancies and fees, not a parameter);
2. everyone is paid under the pay rule (NHS staff on the NHS scale);
3. each worker quits with a hazard that rises with the gap between their pay and their best
   outside option (retail and hospitality; the NHS for care workers) and with their employer's
   vacancy rate (more work for those who stay), higher in the first year;
4. a care worker or healthcare assistant who quits chooses where to go, by a multinomial logit
   on the pay of each option against their own: another employer in their sector, a job in
   the other sector (care and NHS healthcare-assistant posts), or work outside both; an
   option with no vacancy is closed (:func:`choice_probabilities`);
5. employers fill vacancies from the local labour market (more easily when they pay more than
   the outside option) and, for care employers, from abroad.

Vacancies, turnover, the pay premium and the flows between sectors are never inputs: they
emerge. Employers turn staff into capacity with staffing ratios (``abm.agents.home_care``,
``abm.agents.care_homes``, ``abm.agents.hospital``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import IntEnum
from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np

from abm.domain import Funder
from abm.policy.pay import HOURS_PER_YEAR, PAY_RULES, PayContext, PayRule, nhs_scale
from abm.policy.wage_floor import WAGE_FLOORS, WageFloor

if TYPE_CHECKING:
    from abm.model import CareSystemModel

MONTHS_PER_YEAR = 12.0
GONE = -1
# A leaver's options, in the columns of :func:`choice_probabilities`.
OWN_SECTOR, OTHER_SECTOR, OUTSIDE = 0, 1, 2
# Rounds of placing leavers into vacancies: a leaver who drew a post that others took, or one
# at the employer they are leaving, draws again among the posts still open.
PLACEMENT_ROUNDS = 4


class Role(IntEnum):
    """What a worker does, and so who can employ them."""

    HOME_CARE_WORKER = 0
    CARE_HOME_WORKER = 1
    CARE_HOME_NURSE = 2
    HEALTHCARE_ASSISTANT = 3
    WARD_NURSE = 4
    SOCIAL_WORKER = 5
    BROKER = 6


ROLES = tuple(Role)
CARE_ROLES = (Role.HOME_CARE_WORKER, Role.CARE_HOME_WORKER)
NURSE_ROLES = (Role.CARE_HOME_NURSE, Role.WARD_NURSE)
COUNCIL_ROLES = (Role.SOCIAL_WORKER, Role.BROKER)
# The two sectors between which leavers choose: social care and NHS healthcare assistants.
CARE_SECTOR = list(CARE_ROLES)
NHS_SECTOR = [Role.HEALTHCARE_ASSISTANT]


class Employer(Protocol):
    """Anything that employs staff: it says how many posts of each role it funds."""

    employer_id: int

    def posts(self, role: Role) -> int:
        """Funded posts of ``role`` now."""


@dataclasses.dataclass
class MonthFlows:
    """What happened to the workforce this month (a care home's closure counts its care
    workers as leavers)."""

    care_leavers: int = 0
    care_to_care: int = 0
    care_to_nhs: int = 0
    care_to_outside: int = 0
    nhs_leavers: int = 0
    hca_leavers: int = 0
    nhs_to_care: int = 0
    hires_local: int = 0
    hires_international: int = 0


class Worker(mesa.Agent):
    """One member of staff; their state is a row of :class:`Workforce`."""

    def __init__(self, model: mesa.Model, wid: int) -> None:
        super().__init__(model)
        self.wid = wid


def choice_probabilities(
    pay: np.ndarray,
    option_pay: np.ndarray,
    available: np.ndarray,
    preferences: np.ndarray,
    sensitivity: float,
) -> np.ndarray:
    """Each leaver's chance of taking each option: a multinomial logit.

    Option ``k`` of leaver ``i`` has utility ``preferences[k] + sensitivity x (option_pay[i, k]
    - pay[i]) / pay[i]``: a constant for its conditions and the cost of switching, and its
    pay relative to what the leaver earns now (so a rise in one sector's pay draws leavers
    from both the other sector and outside). Options not ``available`` (no vacancy) have
    chance 0; every row needs one that is.
    """
    relative = (option_pay - pay[:, None]) / pay[:, None]
    utility = np.where(available, preferences + sensitivity * relative, -np.inf)
    weight = np.exp(utility - utility.max(axis=1, keepdims=True))
    return weight / weight.sum(axis=1, keepdims=True)


def draw_choices(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One option per row, drawn with the row's probabilities."""
    below = probabilities.cumsum(axis=1) < rng.random(len(probabilities))[:, None]
    return np.minimum(below.sum(axis=1), probabilities.shape[1] - 1)


def rank_within(groups: np.ndarray) -> np.ndarray:
    """Each element's position among the elements with the same value, in order."""
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - first
    return rank


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
        # Each employer's own hourly pay offer for care workers (the market rate), GBP; NaN
        # until the employer's first month.
        self.offer = np.zeros(0)
        self._floor = 0.0
        self.flows = MonthFlows()
        self.care_pay_ratio = 1.0
        self._market_mean = 0.0
        self._mean_pay: dict[tuple[Role, ...], float] = {}
        self.posts_cache = np.zeros((0, len(Role)), dtype=np.int64)
        # Bumped whenever staff or posts_cache change, so that figures derived from them
        # (employers' staffed capacity, the daily posts and staff) are worked out only then.
        self.version = 0
        self._totals: dict[tuple[Role, ...], tuple[int, int]] = {}
        self._totals_version = -1
        self.pay_rule: PayRule = PAY_RULES.create(model.params.workforce.pay_rule)  # type: ignore[assignment]
        self.wage_floor: WageFloor = WAGE_FLOORS.create(model.params.workforce.wage_floor)  # type: ignore[assignment]

    # ---------------------------------------------------------------- employers

    def register(self, employer: Employer) -> None:
        """Give an employer an id; it hires from the next month, offering the going rate."""
        employer.employer_id = len(self.employers)
        self.employers.append(employer)
        self.staff = np.vstack([self.staff, np.zeros((1, len(Role)), dtype=np.int64)])
        self.offer = np.append(self.offer, self._going_rate())
        self.version += 1

    def _going_rate(self) -> float:
        """The mean offer of the employers with care posts (NaN before any has one)."""
        rows = min(len(self.posts_cache), len(self.offer))
        care = self.posts_cache[:rows, CARE_SECTOR].sum(axis=1) > 0
        offers = self.offer[:rows][care]
        offers = offers[np.isfinite(offers)]
        return float(offers.mean()) if len(offers) else np.nan

    def staff_of(self, employer: Employer, role: Role) -> int:
        """Staff of ``role`` working for ``employer``."""
        return int(self.staff[employer.employer_id, role])

    def posts_table(self) -> np.ndarray:
        """Funded posts by employer and role."""
        table = np.zeros((len(self.employers), len(Role)), dtype=np.int64)
        for e, employer in enumerate(self.employers):
            table[e] = [employer.posts(role) for role in ROLES]
        return table

    def posts_of(self, role: Role) -> np.ndarray:
        """Funded posts of ``role`` by employer: a column of :meth:`posts_table`, asking the
        employers about that role alone."""
        column = np.zeros(len(self.employers), dtype=np.int64)
        for e, employer in enumerate(self.employers):
            column[e] = employer.posts(role)
        return column

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

    def _vacate(self, ids: np.ndarray) -> np.ndarray:
        """Workers leave their posts; returns the employers they left."""
        left = self.employer[ids].copy()
        np.add.at(self.staff, (left, self.role[ids]), -1)
        self.employer[ids] = GONE
        self.version += 1
        return left

    def _take_up(self, ids: np.ndarray, employer_ids: np.ndarray, roles: np.ndarray) -> None:
        """Workers who left a post start in another (tenure 0)."""
        self.employer[ids] = employer_ids
        self.role[ids] = roles
        self.tenure[ids] = 0.0
        np.add.at(self.staff, (employer_ids, roles), 1)
        self.version += 1

    def _remove(self, ids: np.ndarray) -> None:
        """Workers who left their posts leave the area's health and care workforce."""
        for wid in ids.tolist():
            agent = self.agents[wid]
            if agent is not None:
                agent.remove()
                self.agents[wid] = None

    def release(self, employer: Employer) -> None:
        """An employer closes: its staff look for other jobs now, as leavers do."""
        ids = np.flatnonzero(self.employer[: self.n] == employer.employer_id)
        care = np.isin(self.role[ids], CARE_ROLES)
        self.flows.care_leavers += int(care.sum())
        context = self.pay_context(self.model.inputs_date)
        self._relocate(ids, self.posts_table(), context, self.model.streams["workforce"])

    def shed(self, employer: Employer, role: Role, count: int) -> None:
        """An employer with more staff than it has work for lets ``count`` of them go (the
        most recently hired first, as zero-hours contracts run out of hours): they look for
        other jobs now, as leavers do."""
        if count <= 0:
            return
        ids = np.flatnonzero(
            (self.employer[: self.n] == employer.employer_id) & (self.role[: self.n] == role)
        )[::-1][:count]
        self.flows.care_leavers += int(np.isin(self.role[ids], CARE_ROLES).sum())
        context = self.pay_context(self.model.inputs_date)
        self._relocate(ids, self.posts_table(), context, self.model.streams["workforce"])

    # ---------------------------------------------------------------- pay

    def legal_floor(self, date: dt.date) -> float:
        """The legal minimum pay in force on ``date``, GBP an hour in the price base, by the
        wage floor rule (``workforce.wage_floor``, :mod:`abm.policy.wage_floor`)."""
        return self.wage_floor.rate(date, self.model.params)

    def pay_context(self, date: dt.date) -> PayContext:
        """This month's legal floor, market rate (each employer's offer, indexed by employer
        id) and NHS scale, in GBP an hour."""
        w = self.model.params.workforce
        allowances = (1.0 + w.nhs_allowances_share) / HOURS_PER_YEAR
        return PayContext(
            legal_floor=self.legal_floor(date),
            market=self.offer.copy(),
            living_wage=w.real_living_wage_gbp,
            band2=w.nhs_band2_gbp * allowances,
            band3=w.nhs_band3_gbp * allowances,
            band3_experienced=w.nhs_band3_experienced_gbp * allowances,
            uplift=w.uplift,
        )

    def set_offers(self, posts: np.ndarray, floor: float) -> None:
        """Care employers set the pay they offer this month.

        Each aims at a premium over the legal floor of ``workforce.pay_response_to_vacancies``
        x its own vacancy rate among care workers, and closes ``workforce.pay_adjustment_speed``
        of the gap: so it pays more while its vacancies are above what its present premium
        would justify and less while below. A fixed tolerable vacancy rate would make that rate
        the model's vacancy rate in the long run (the offer would move until vacancies reached
        it); here vacancies and the premium settle together, with quits and hires. Under a pay
        scale (:attr:`PayRule.employers_set_pay` false) the offer holds its premium over the
        floor. Either way it stays between the legal floor and what the employer's fees can pay
        (:meth:`fee_ceilings`); the floor wins where fees cannot pay it.
        """
        w = self.model.params.workforce
        care_posts = posts[:, CARE_SECTOR].sum(axis=1)
        unset = np.isnan(self.offer)
        if unset.any():
            going = self._going_rate()
            self.offer[unset] = floor * (1 + w.initial_pay_premium) if np.isnan(going) else going
        if self.pay_rule.employers_set_pay:
            care_staff = self.staff[: len(posts), CARE_SECTOR].sum(axis=1)
            vacancy = np.clip(1.0 - care_staff / np.maximum(care_posts, 1), 0.0, 1.0)
            target = floor * (1.0 + w.pay_response_to_vacancies * vacancy)
            step = w.pay_adjustment_speed * (target - self.offer)
            self.offer += np.where(care_posts > 0, step, 0.0)
        elif self._floor > 0.0:
            self.offer *= floor / self._floor
        self._floor = floor
        self.offer = np.clip(self.offer, floor, np.maximum(self.fee_ceilings(posts), floor))

    def fee_ceilings(self, posts: np.ndarray) -> np.ndarray:
        """The most each care employer's fees can pay a care worker an hour (infinite for
        employers without care workers), before any fee rise that pays for a pay rule:
        ``workforce.labour_cost_share`` of its fee income per hour of care.

        A home-care agency's is the council's rate per contact hour (what self-funders pay
        follows the agency's costs, so it is the council's rate that limits pay). A care home's
        is its residents' mean weekly fee (the council's, self-funders' and the NHS's) less its
        nurses' pay in a nursing home, over its care workers' hours per resident. The ceiling is
        loose: it charges an agency nothing for travel time or on-costs, with which the
        council's default rate would not pay the legal floor (docs/model.md).
        """
        w = self.model.params.workforce
        council = self.model.council
        factor = council.pay_fee_factor
        ceiling = np.full(len(posts), np.inf)
        agency = posts[:, Role.HOME_CARE_WORKER] > 0
        ceiling[agency] = council.home_care_fee / factor * w.labour_cost_share
        hours = w.care_home_staff_per_bed * w.hours_per_week
        nurse_pay = w.nursing_home_nurses_per_bed * w.nhs_nurse_gbp_per_hour * w.hours_per_week
        for e in np.flatnonzero(posts[:, Role.CARE_HOME_WORKER] > 0).tolist():
            nursing = bool(posts[e, Role.CARE_HOME_NURSE] > 0)
            weekly = self._weekly_fee_per_resident(self.employers[e], nursing) / factor
            nurses = nurse_pay if nursing else 0.0
            ceiling[e] = (weekly * w.labour_cost_share - nurses) / hours
        return ceiling

    def _weekly_fee_per_resident(self, home: Employer, nursing: bool) -> float:
        """A care home's mean weekly fee over its residents (the council's fee when empty)."""
        council = self.model.council
        council_fee = council.care_home_fee(nursing=nursing)
        placed = getattr(home, "residents", ())
        if not placed:
            return council_fee
        residents = np.fromiter(placed, dtype=np.int64, count=len(placed))
        funder = self.model.residents.funder[residents]
        nhs_fee = self.model.params.care_homes.nhs_fee_gbp_per_week * council.pay_fee_factor
        private_fee = getattr(home, "private_fee", council_fee)
        fees = np.where(funder == Funder.SELF, private_fee, council_fee)
        return float(np.where(funder == Funder.NHS, nhs_fee, fees).mean())

    def set_pay(self, context: PayContext) -> None:
        """Everyone's hourly pay this month."""
        self._mean_pay.clear()
        ids = self.active()
        role, tenure, employer = self.role[ids], self.tenure[ids], self.employer[ids]
        care = np.isin(role, CARE_ROLES)
        pay = np.full(len(ids), self.model.params.workforce.nhs_nurse_gbp_per_hour)
        own = dataclasses.replace(context, market=context.market[employer[care]])
        pay[care] = self.pay_rule.care_pay(tenure[care], own)
        hca = role == Role.HEALTHCARE_ASSISTANT
        pay[hca] = nhs_scale(tenure[hca], context)
        w = self.model.params.workforce
        pay[role == Role.SOCIAL_WORKER] = w.social_worker_pay_gbp / HOURS_PER_YEAR
        pay[role == Role.BROKER] = w.broker_pay_gbp / HOURS_PER_YEAR
        self.pay[ids] = pay
        market = np.maximum(own.market, context.legal_floor)
        self._market_mean = float(market.mean()) if care.any() else 0.0

    def starter_pay(self, context: PayContext) -> np.ndarray:
        """What each employer pays a new starter, by employer and role (care workers and
        healthcare assistants; 0 in other roles), GBP an hour."""
        table = np.zeros((len(self.employers), len(Role)))
        starters = np.zeros(len(self.employers))
        care = self.pay_rule.care_pay(starters, context)
        table[:, CARE_SECTOR] = care[:, None]
        table[:, Role.HEALTHCARE_ASSISTANT] = nhs_scale(starters, context)
        return table

    # ---------------------------------------------------------------- the month

    def month(self, date: dt.date) -> None:
        """Employers' offers, pay, quits, moves and recruitment for one month."""
        w = self.model.params.workforce
        if w.pay_rule != self.pay_rule.name:
            self.pay_rule = PAY_RULES.create(w.pay_rule)  # type: ignore[assignment]
        rng = self.model.streams["workforce"]
        self.flows = MonthFlows()
        posts = self.posts_table()
        self.posts_cache = posts
        self.version += 1
        self.set_offers(posts, self.legal_floor(date))
        context = self.pay_context(date)
        self.set_pay(context)
        self._quits(context, posts, rng)
        self._recruit(context, posts, date, rng)
        ids = self.active()
        self.tenure[ids] += 1.0
        self.set_pay(context)
        self._update_care_pay_ratio()

    def _update_care_pay_ratio(self) -> None:
        """Care pay over the market rate (1 with no care workers)."""
        care_pay = self.mean_pay(CARE_ROLES)
        self.care_pay_ratio = care_pay / self._market_mean if self._market_mean > 0 else 1.0

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
        leaver_role = self.role[leavers]
        self.flows.care_leavers += int(np.isin(leaver_role, CARE_ROLES).sum())
        self.flows.nhs_leavers += int((~np.isin(leaver_role, CARE_ROLES)).sum())
        self.flows.hca_leavers += int((leaver_role == Role.HEALTHCARE_ASSISTANT).sum())
        self._relocate(leavers, posts, context, rng)

    def _relocate(
        self, ids: np.ndarray, posts: np.ndarray, context: PayContext, rng: np.random.Generator
    ) -> None:
        """Workers who have left their posts choose where to go.

        Care workers and healthcare assistants choose by :func:`choice_probabilities` among
        another employer in their sector (``workforce.stay_in_sector_preference``), the other
        sector (care and NHS healthcare-assistant posts; care workers may move between home
        care and care homes), and work outside both (``workforce.outside_wage_gbp``,
        ``workforce.outside_preference``), each at a new starter's pay; within a sector they
        are placed into open posts, more often where pay is higher. Nurses move to an open
        post in their role; anyone else, and anyone left without a post, leaves.
        """
        if len(ids) == 0:
            return
        w = self.model.params.workforce
        pay = np.where(self.pay[ids] > 0.0, self.pay[ids], context.legal_floor)
        role = self.role[ids]
        left = self._vacate(ids)
        funded = np.zeros_like(self.staff)
        rows = min(len(posts), len(funded))
        funded[:rows] = posts[:rows]
        open_posts = np.maximum(funded - self.staff, 0)
        starter = self.starter_pay(context)
        in_care = np.isin(role, CARE_ROLES)
        chooses = in_care | (role == Role.HEALTHCARE_ASSISTANT)
        care_option = self._sector_option(open_posts, starter, CARE_SECTOR, left)
        nhs_option = self._sector_option(open_posts, starter, NHS_SECTOR, left)
        own = np.where(in_care, care_option, nhs_option)
        other = np.where(in_care, nhs_option, care_option)
        option_pay = np.stack([own[0], other[0], np.full(len(ids), w.outside_wage_gbp)], axis=1)
        available = np.stack([own[1] > 0, other[1] > 0, np.ones(len(ids), dtype=bool)], axis=1)
        preferences = np.array([w.stay_in_sector_preference, 0.0, w.outside_preference])
        probabilities = choice_probabilities(
            pay, option_pay, available, preferences, w.pay_gap_sensitivity
        )
        choice = np.where(chooses, draw_choices(probabilities, rng), OUTSIDE)
        to_care = chooses & (choice == np.where(in_care, OWN_SECTOR, OTHER_SECTOR))
        to_nhs = chooses & (choice == np.where(in_care, OTHER_SECTOR, OWN_SECTOR))
        moves = [(to_care, CARE_SECTOR), (to_nhs, NHS_SECTOR)]
        moves += [(role == nurse, [nurse]) for nurse in NURSE_ROLES]
        placed = np.zeros(len(ids), dtype=bool)
        for movers, roles in moves:
            placed |= self._place(
                ids, movers, roles, left=left, open_posts=open_posts, starter=starter, rng=rng
            )
        moved_role = self.role[ids]
        care_now = np.isin(moved_role, CARE_ROLES)
        self.flows.care_to_care += int((placed & in_care & care_now).sum())
        self.flows.care_to_nhs += int((placed & in_care & ~care_now).sum())
        self.flows.care_to_outside += int((~placed & in_care).sum())
        self.flows.nhs_to_care += int((placed & ~in_care & care_now).sum())
        self._remove(ids[~placed])

    @staticmethod
    def _sector_option(
        open_posts: np.ndarray, starter: np.ndarray, roles: list[Role], left: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each leaver, the mean starting pay of a sector's open posts and how many there
        are, leaving out the employer the leaver has just left."""
        posts = open_posts[:, roles].sum(axis=1)
        paid = (open_posts[:, roles] * starter[:, roles]).sum(axis=1)
        count = posts.sum() - posts[left]
        mean = (paid.sum() - paid[left]) / np.maximum(count, 1)
        return mean, count

    def _place(
        self,
        ids: np.ndarray,
        movers: np.ndarray,
        roles: list[Role],
        *,
        left: np.ndarray,
        open_posts: np.ndarray,
        starter: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Place ``ids[movers]`` into open posts of ``roles`` (never with the employer they
        left), each post drawn with weight exp(sensitivity x its pay relative to the mean);
        takes the posts from ``open_posts`` and returns who was placed."""
        placed = np.zeros(len(ids), dtype=bool)
        pending = rng.permutation(np.flatnonzero(movers))
        remaining = open_posts[:, roles].ravel()
        if len(pending) == 0 or remaining.sum() == 0:
            return placed
        pay = starter[:, roles].ravel()
        mean = (pay * remaining).sum() / remaining.sum()
        relative = pay / mean - 1.0 if mean > 0.0 else np.zeros(len(pay))
        appeal = np.exp(self.model.params.workforce.pay_gap_sensitivity * relative)
        post_employer = np.repeat(np.arange(len(open_posts)), len(roles))
        post_role = np.tile(np.asarray(roles, dtype=np.int64), len(open_posts))
        for _ in range(PLACEMENT_ROUNDS):
            cumulative = np.cumsum(appeal * remaining)
            if len(pending) == 0 or cumulative[-1] <= 0.0:
                break
            draws = rng.random(len(pending)) * cumulative[-1]
            pick = np.minimum(np.searchsorted(cumulative, draws, side="right"), len(remaining) - 1)
            fresh = post_employer[pick] != left[pending]
            rank = np.full(len(pending), np.iinfo(np.int64).max)
            rank[fresh] = rank_within(pick[fresh])
            taken = fresh & (rank < remaining[pick])
            remaining -= np.bincount(pick[taken], minlength=len(remaining))
            chosen = pending[taken]
            placed[chosen] = True
            self._take_up(ids[chosen], post_employer[pick[taken]], post_role[pick[taken]])
            pending = pending[~taken]
        open_posts[:, roles] = remaining.reshape(len(open_posts), len(roles))
        return placed

    def _fill(self, count: int, role: Role, *, international: bool) -> int:
        """Hire up to ``count`` workers of ``role`` into the employers with most vacancies."""
        posts = self.posts_of(role)
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
        starter = self.starter_pay(context)
        for role in Role:
            open_posts = np.maximum(posts[:, role] - self.staff[:, role], 0)
            if open_posts.sum() == 0:
                continue
            if role in CARE_ROLES or role == Role.HEALTHCARE_ASSISTANT:
                offered = starter[:, role]
            elif role in COUNCIL_ROLES:
                offered = np.ones(len(open_posts))
            else:
                offered = np.full(len(open_posts), w.nhs_nurse_gbp_per_hour)
            nhs = role in (Role.HEALTHCARE_ASSISTANT, Role.WARD_NURSE)
            own_market = role in NURSE_ROLES or role in COUNCIL_ROLES
            outside = offered if own_market else w.outside_wage_gbp
            attraction = np.exp(w.pay_gap_sensitivity * (offered - outside) / outside)
            base = w.nhs_hire_per_month if nhs else w.local_hire_per_month
            if role in COUNCIL_ROLES:
                base = w.council_staff_hire_per_month
            chance = np.minimum(1.0, base * attraction)
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
        """Fill ``workforce.initial_fill`` of every employer's posts on the first day; care
        employers start offering ``workforce.initial_pay_premium`` over the legal floor."""
        w = self.model.params.workforce
        posts = self.posts_table()
        self.posts_cache = posts
        self.version += 1
        rng = self.model.streams["workforce"]
        for role in Role:
            filled = np.round(posts[:, role] * w.initial_fill).astype(np.int64)
            targets = np.repeat(np.arange(len(filled)), filled)
            self.hire(targets, np.full(len(targets), role), international=False)
        ids = self.active()
        self.tenure[ids] = rng.exponential(36.0, len(ids))
        floor = self.legal_floor(self.model.inputs_date)
        self.offer[:] = floor * (1.0 + w.initial_pay_premium)
        self._floor = floor
        self.offer = np.clip(self.offer, floor, np.maximum(self.fee_ceilings(posts), floor))
        self.set_pay(self.pay_context(self.model.inputs_date))
        self._update_care_pay_ratio()

    def top_up(self, employer: Employer, role: Role, count: int) -> None:
        """On the first day: hire into ``employer`` until it has ``count`` staff of ``role``,
        with tenures drawn as everyone's first-day tenures are."""
        missing = count - self.staff_of(employer, role)
        if missing <= 0:
            return
        first = self.n
        self.hire(
            np.full(missing, employer.employer_id), np.full(missing, role), international=False
        )
        ids = np.arange(first, self.n)
        self.tenure[ids] = self.model.streams["workforce"].exponential(36.0, len(ids))
        self.posts_cache = self.posts_table()
        self.set_pay(self.pay_context(self.model.inputs_date))
        self._update_care_pay_ratio()

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


__all__ = [
    "CARE_ROLES",
    "COUNCIL_ROLES",
    "Employer",
    "Role",
    "Worker",
    "Workforce",
    "choice_probabilities",
    "draw_choices",
]
