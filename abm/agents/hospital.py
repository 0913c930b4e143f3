"""The local acute hospital: beds, emergency and elective admissions, discharge and delays.

Residents' emergencies arrive from the event calendar; people under 65 and planned
(elective) patients arrive as a background load that is not modelled as residents. Beds are
filled first come first served from the emergency queue; when none is free, emergencies wait
in the corridor and the day's electives are cancelled. A resident's clinical stay is drawn
from a gamma distribution by frailty; at its end the patient dies or becomes medically fit,
and the hospital chooses a discharge pathway from their need. From then on the hospital asks
the pathway's :class:`~abm.discharge.Route` every day whether the patient can leave; every
day the answer is no is a delayed day, recorded with the route's reason and responsible body.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import math
from collections import Counter, defaultdict, deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.agents.worker import Role
from abm.discharge import Route
from abm.domain import Body, Care, Cause, DelayReason, Location, Pathway
from abm.policy.pathway_choice import CapacityWaits, PathwayChoice, make_pathway_choice

if TYPE_CHECKING:
    from abm.agents.capacity import QueuedService
    from abm.model import CareSystemModel

BACKGROUND = -1
LONG_STAY_DAYS = 14
# Weight of each day's work in the discharge planners' running estimate of how many patients a
# queue takes on a day (about a month's memory).
PACE_SMOOTHING = 1.0 / 30.0
# Waits that keep a patient from going home with care (NHS England counts those in hospital 14+
# days "waiting for resources to assess and start care at home").
CARE_AT_HOME_WAITS = (DelayReason.AWAITING_ASSESSMENT, DelayReason.AWAITING_HOME_CARE)


@dataclasses.dataclass(slots=True)
class Stay:
    """A resident's time in a hospital bed."""

    pid: int
    admitted: int
    fit_day: int
    minimum_pathway: int
    pathway: int = -1
    delay_reason: int = -1
    delay_body: int = -1
    delay_start: int = -1


@dataclasses.dataclass(slots=True)
class DelaySegment:
    """A run of delayed days with one reason: a typed event row for the outputs."""

    patient: int
    pathway: int
    start_day: int
    end_day: int
    reason: int
    responsible: int


@dataclasses.dataclass
class HospitalDay:
    """What happened in the hospital today."""

    resident_emergencies: int = 0
    resident_emergencies_not_admitted: int = 0
    background_emergencies: int = 0
    background_emergencies_not_admitted: int = 0
    admitted_from_corridor: int = 0
    electives_booked: int = 0
    electives_cancelled: int = 0
    inpatient_deaths: int = 0
    discharges: int = 0
    readmissions_30d: int = 0
    resident_emergencies_75plus: int = 0
    readmissions_30d_75plus: int = 0
    reablement_discharges: int = 0
    long_stay_delayed_for_care_at_home: int = 0
    delayed_by_reason: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros(len(DelayReason), dtype=np.int64)
    )
    delayed_by_body: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros(len(Body), dtype=np.int64)
    )
    delayed_by_body_and_reason: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros((len(Body), len(DelayReason)), dtype=np.int64)
    )
    delayed_by_cause: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros(len(Cause), dtype=np.int64)
    )


class Hospital(mesa.Agent):
    """General and acute beds of the local acute trust."""

    model: CareSystemModel
    employer_id: int

    def __init__(self, model: CareSystemModel, routes: dict[int, Route]) -> None:
        super().__init__(model)
        self.routes = routes
        self.stays: dict[int, Stay] = {}
        self.fit: dict[int, Stay] = {}
        self.corridor: deque[int] = deque()
        self.background_in_beds = 0
        self.background_emergencies_in_beds = 0
        self.weekly_wages = 0.0
        self._beds_day, self._beds_today = -1, 0
        model.workforce.register(self)
        self.open_beds = model.params.hospital.beds
        self.funded_share = 1.0
        self._fit_due: defaultdict[int, list[int]] = defaultdict(list)
        self._referral_due: defaultdict[int, list[int]] = defaultdict(list)
        self._background_out: defaultdict[int, int] = defaultdict(int)
        self._background_emergencies_out: defaultdict[int, int] = defaultdict(int)
        self._pending_minimum: dict[int, int] = {}
        self._pathway_params: object = None
        self._pathway_cumulative: list[tuple[float, ...]] = []
        self.waiting_overnight = 0
        self._pace: dict[str, list[float]] = {}
        self.care_home_placements_per_day = 1.0
        self._choice_params: object = None
        self._choice: PathwayChoice | None = None
        self.today = HospitalDay()
        self.delay_segments: list[DelaySegment] = []
        self.fit_to_discharge: list[tuple[int, int]] = []

    # ---------------------------------------------------------------- state

    @property
    def funded_beds(self) -> int:
        """Beds the hospital is funded for today: ``hospital.beds``, less the share its
        contract does not cover (set each April by the commissioner)."""
        beds = self.model.with_population(self.model.params.hospital.beds)
        return round(beds * self.funded_share)

    def posts(self, role: Role) -> int:
        """Healthcare assistants and nurses for every funded bed."""
        w = self.model.params.workforce
        per_bed = {
            Role.HEALTHCARE_ASSISTANT: w.hospital_hcas_per_bed,
            Role.WARD_NURSE: w.hospital_nurses_per_bed,
        }.get(role, 0.0)
        return math.ceil(self.funded_beds * per_bed)

    @property
    def beds(self) -> int:
        """Beds the hospital can open today: funded beds, as far as its staff allow.

        Staff change monthly and levers at the start of a day, so this is worked out once a
        day."""
        if self._beds_day != self.model.day:
            self._beds_day, self._beds_today = self.model.day, self._staffed_beds()
        return self._beds_today

    def _staffed_beds(self) -> int:
        w = self.model.params.workforce
        workforce = self.model.workforce
        staffed = self.funded_beds
        if w.hospital_hcas_per_bed > 0:
            hcas = workforce.staff_of(self, Role.HEALTHCARE_ASSISTANT)
            staffed = min(staffed, math.floor(hcas / w.hospital_hcas_per_bed + 1e-9))
        if w.hospital_nurses_per_bed > 0:
            nurses = workforce.staff_of(self, Role.WARD_NURSE)
            staffed = min(staffed, math.floor(nurses / w.hospital_nurses_per_bed + 1e-9))
        return staffed

    @property
    def occupied(self) -> int:
        """Beds in use (residents and background patients)."""
        return len(self.stays) + self.background_in_beds

    @property
    def delayed(self) -> int:
        """Patients medically fit but still in a bed tonight."""
        return int(self.today.delayed_by_reason.sum())

    @property
    def corridor_full(self) -> bool:
        """Whether last night's corridor was at its limit, so emergencies are not admitted."""
        limit = self.model.params.hospital.corridor_limit_share * self.beds
        return self.waiting_overnight >= limit

    def arrive(self, pid: int, day: int, minimum_pathway: int = Pathway.HOME) -> bool:
        """A resident's emergency arrives and waits in the corridor until a bed is free.

        Returns False when the corridor is full: the patient is treated in the emergency
        department and goes back where they came from without being admitted.
        """
        if self.corridor_full:
            self.today.resident_emergencies_not_admitted += 1
            return False
        self.wait_in_corridor(pid, day, minimum_pathway)
        return True

    def wait_in_corridor(self, pid: int, day: int, minimum_pathway: int = Pathway.HOME) -> None:
        """:meth:`arrive` for a caller that has just found the corridor not full (an emergency
        from home asks first, to know whether to give up its care)."""
        residents, today = self.model.residents, self.today
        residents.move(pid, Location.CORRIDOR)
        self.corridor.append(pid)
        self._pending_minimum[pid] = minimum_pathway
        today.resident_emergencies += 1
        readmission = day - residents.last_discharge_day[pid] <= 30
        today.readmissions_30d += readmission
        if residents.band[pid] >= 1:
            today.resident_emergencies_75plus += 1
            today.readmissions_30d_75plus += readmission

    def start_day(self) -> None:
        """Reset today's counts."""
        self.today = HospitalDay()

    # ---------------------------------------------------------------- phases

    def clinical_progress(self, day: int) -> None:
        """Background patients leave; discharge planning starts for residents expected to be
        fit soon; residents whose clinical stay ends die or become fit.

        Planning starts ``discharge.referral_lead_days`` before the expected fit day: the
        discharge pathway is chosen and the onward services (assessment, funding, care) are
        asked for then, so they can be ready on the day. Only a patient going home without
        new support (pathway 0) starts at the fit day, since their route is the hospital's
        own discharge process.
        """
        self.background_in_beds -= self._background_out.pop(day, 0)
        self.background_emergencies_in_beds -= self._background_emergencies_out.pop(day, 0)
        self.care_home_placements_per_day += PACE_SMOOTHING * (
            self.model.care_homes.served_today - self.care_home_placements_per_day
        )
        self._watch_queues()
        h = self.model.params.hospital
        death_rng = self.model.streams["inpatient_death"]
        for pid in self._referral_due.pop(day, ()):
            stay = self.stays.get(pid)
            if stay is not None and stay.pathway < 0:
                self._plan_discharge(stay, day, at_fit_day=False)
        residents = self.model.residents
        for pid in self._fit_due.pop(day, ()):
            stay = self.stays[pid]
            frailty = int(residents.frailty[pid])
            if death_rng.random() < h.inpatient_death_probability[frailty]:
                if stay.pathway >= 0:
                    route = self.routes[stay.pathway]
                    route.withdraw(pid)
                    route.finish(pid)
                del self.stays[pid]
                self.today.inpatient_deaths += 1
                self.model.patients[pid].die(day)
                continue
            if stay.pathway < 0:
                self._plan_discharge(stay, day, at_fit_day=True)
            stay.delay_start = day
            self.fit[pid] = stay

    def _plan_discharge(self, stay: Stay, day: int, *, at_fit_day: bool) -> None:
        """Choose the pathway and start its route (pathway 0 only on the fit day)."""
        draw = self.model.streams["pathway"].random()
        need = self.needed_pathway(stay.pid, draw, stay.minimum_pathway)
        if need == Pathway.CARE_HOME:
            self.model.residents.set_dependent(stay.pid)
        pathway = self.available_pathway(need)
        if pathway == Pathway.HOME and not at_fit_day:
            return
        stay.pathway = pathway
        self.routes[pathway].start(stay.pid, day, from_hospital=True)

    def needed_pathway(self, pid: int, draw: float, minimum: int) -> int:
        """The pathway a medically fit patient needs.

        A care-home resident returns to their own bed (pathway 0). Otherwise the pathway is
        drawn from the shares for the patient's frailty, and is never lower than what they
        needed before admission (a package they had, or care they were waiting for).
        """
        residents = self.model.residents
        if int(residents.care[pid]) == Care.CARE_HOME:
            return Pathway.HOME
        d = self.model.params.discharge
        if d is not self._pathway_params:  # worked out again only when a lever changes them
            self._pathway_params = d
            self._pathway_cumulative = [
                cumulative(tuple(shares))
                for shares in (
                    d.pathway_shares_fit,
                    d.pathway_shares_mild,
                    d.pathway_shares_moderate,
                    d.pathway_shares_severe,
                )
            ]
        drawn = bisect.bisect_right(self._pathway_cumulative[int(residents.frailty[pid])], draw)
        return max(min(drawn, Pathway.CARE_HOME), minimum)

    def available_pathway(self, pathway: int) -> int:
        """The pathway the planners use for a patient who needs ``pathway``: the
        ``discharge.pathway_choice`` rule, given each capacity's expected wait."""
        if pathway not in (Pathway.BEDDED_REHAB, Pathway.CARE_HOME):
            return pathway
        d = self.model.params.discharge
        if d is not self._choice_params:
            self._choice_params = d
            self._choice = make_pathway_choice(
                d.pathway_choice, d.rehab_wait_limit_days, d.care_home_wait_limit_days
            )
        assert self._choice is not None
        return self._choice.choose(pathway, self.capacity_waits())

    def capacity_waits(self) -> CapacityWaits:
        """Days each pathway's queues would take to reach a patient referred today: home care
        after an assessment and a broker (pathway 1), a rehabilitation bed (pathway 2), a
        care-home place after an assessment, the funding panel (while its decisions are
        limited) and a broker (pathway 3). Working and process times are left out: the choice
        is between capacities."""
        m = self.model
        shared = self.queue_wait_days(m.assessment) + self.queue_wait_days(m.brokerage)
        panel = self.queue_wait_days(m.funding_panel) if m.council.staffing.panel_limited else 0.0
        return CapacityWaits(
            home_care=shared + self.queue_wait_days(m.home_care),
            intermediate_care=m.intermediate_care.expected_wait_days(),
            care_home=shared + panel + self.queue_wait_days(m.care_homes),
            care_home_place=self.care_home_wait_days(),
        )

    def care_home_wait_days(self) -> float:
        """Days the hospital's patients waiting for a care-home place would take to place at
        the recent rate of placements (the place alone, as ``wait_limits`` reads it)."""
        waiting = self.model.care_homes.waiting.from_hospital
        return waiting / max(self.care_home_placements_per_day, 0.05)

    def queue_wait_days(self, queue: QueuedService) -> float:
        """Days the patients a hospital referral would wait behind in ``queue`` take to be
        taken on at the pace the queue has kept over about the last month."""
        pace = self._pace.get(queue.queue_name)
        per_day = pace[1] if pace is not None else 1.0
        return queue.ahead_of_a_hospital_referral() / max(per_day, 0.05)

    def _watch_queues(self) -> None:
        """Update the planners' estimate of each queue's pace from yesterday's work."""
        m = self.model
        for queue in (m.assessment, m.brokerage, m.funding_panel, m.home_care, m.care_homes):
            pace = self._pace.setdefault(queue.queue_name, [float(queue.taken), 1.0])
            pace[1] += PACE_SMOOTHING * ((queue.taken - pace[0]) - pace[1])
            pace[0] = float(queue.taken)

    def discharge(self, day: int) -> None:
        """Ask each medically fit patient's route whether they can leave; record delays."""
        delayed: list[int] = []
        by_reason, by_body, by_cause = [0] * len(DelayReason), [0] * len(Body), [0] * len(Cause)
        by_body_and_reason = [[0] * len(DelayReason) for _ in Body]
        routes = self.routes
        long_stays = 0
        with_support, long_admitted = int(Pathway.HOME_WITH_SUPPORT), day - LONG_STAY_DAYS
        for pid, stay in list(self.fit.items()):
            delay = routes[stay.pathway].ask(pid)
            if delay is None:
                self._leave(pid, stay, day)
                continue
            reason, body, cause = delay
            if reason != stay.delay_reason:
                self._close_segment(stay, day)
                stay.delay_reason, stay.delay_body, stay.delay_start = int(reason), int(body), day
            by_reason[reason] += 1
            by_body[body] += 1
            by_cause[cause] += 1
            by_body_and_reason[body][reason] += 1
            if (
                stay.pathway == with_support
                and stay.admitted <= long_admitted
                and reason in CARE_AT_HOME_WAITS
            ):
                long_stays += 1
            delayed.append(pid)
        self.today.long_stay_delayed_for_care_at_home += long_stays
        self.today.delayed_by_reason += by_reason
        self.today.delayed_by_body += by_body
        self.today.delayed_by_cause += by_cause
        self.today.delayed_by_body_and_reason += by_body_and_reason
        self._decondition(delayed)
        self.open_beds = max(self.beds, self.occupied)

    def _decondition(self, delayed: list[int]) -> None:
        chance = self.model.params.frailty.deconditioning_per_delayed_day
        draws = self.model.streams["deconditioning"].random(len(delayed))
        for i in np.flatnonzero(draws < chance).tolist():
            self.model.residents.worsen(delayed[i])

    def _close_segment(self, stay: Stay, day: int) -> None:
        if stay.delay_reason >= 0 and day > stay.delay_start:
            self.delay_segments.append(
                DelaySegment(
                    stay.pid,
                    stay.pathway,
                    stay.delay_start,
                    day,
                    stay.delay_reason,
                    stay.delay_body,
                )
            )

    def _leave(self, pid: int, stay: Stay, day: int) -> None:
        route = self.routes[stay.pathway]
        route.finish(pid)
        self._close_segment(stay, day)
        self.fit_to_discharge.append((stay.fit_day, day))
        del self.fit[pid]
        del self.stays[pid]
        residents = self.model.residents
        if stay.pathway == Pathway.BEDDED_REHAB:
            destination = Location.INTERMEDIATE_CARE
            self.model.intermediate_care.arrive(pid, day)
        elif int(residents.care[pid]) == Care.CARE_HOME:
            destination = Location.CARE_HOME
        else:
            destination = Location.COMMUNITY
        residents.move(pid, destination)
        residents.discharged(pid, day)
        self.today.discharges += 1
        if stay.pathway == Pathway.HOME_WITH_SUPPORT and self.model.home_care.in_reablement(pid):
            self.today.reablement_discharges += 1

    def admit(self, day: int) -> None:
        """Emergencies take free beds first come first served; then the day's electives."""
        h = self.model.params.hospital
        rng = self.model.streams["background"]
        los_rng = self.model.streams["length_of_stay"]
        arrivals = int(rng.poisson(h.background_emergencies_per_day * self.model.admission_factor))
        room = arrivals if not self.corridor_full else 0
        self.corridor.extend([BACKGROUND] * room)
        self.today.background_emergencies = arrivals
        self.today.background_emergencies_not_admitted = max(0, arrivals - room)
        free = self.open_beds - self.occupied
        taken = [self.corridor.popleft() for _ in range(min(len(self.corridor), max(free, 0)))]
        free -= len(taken)
        frailty = self.model.residents.frailty
        means = [
            h.background_mean_los_days if pid == BACKGROUND else h.clinical_los_days[frailty[pid]]
            for pid in taken
        ]
        background: list[int] = []
        lead_days = round(self.model.params.discharge.referral_lead_days)
        for pid, los in zip(taken, self._lengths_of_stay(means, los_rng), strict=True):
            if pid == BACKGROUND:
                background.append(los)
            else:
                self._admit_resident(pid, day, los, lead_days)
        self._admit_background(day, background, emergency=True)
        self.today.admitted_from_corridor += len(taken)
        self.waiting_overnight = len(self.corridor)
        weekday = self.model.date.weekday() < 5
        booked = int(rng.poisson(h.electives_per_weekday)) if weekday else 0
        admitted = min(booked, max(free, 0))
        self._admit_background(
            day, self._lengths_of_stay([h.elective_mean_los_days] * admitted, los_rng)
        )
        self.today.electives_booked = booked
        self.today.electives_cancelled = booked - admitted

    def _admit_background(self, day: int, lengths: list[int], *, emergency: bool = False) -> None:
        """Background patients (not residents) take beds for these lengths of stay: only
        how many leave on each day is kept."""
        if not lengths:
            return
        self.background_in_beds += len(lengths)
        if emergency:
            self.background_emergencies_in_beds += len(lengths)
        for los, count in Counter(lengths).items():
            self._background_out[day + los] += count
            if emergency:
                self._background_emergencies_out[day + los] += count

    def _admit_resident(self, pid: int, day: int, los: int, lead_days: int) -> None:
        fit_day = day + los
        minimum = self._pending_minimum.pop(pid, Pathway.HOME)
        self.stays[pid] = Stay(pid, day, fit_day, minimum)
        self._fit_due[fit_day].append(pid)
        referral_day = fit_day - lead_days
        if referral_day < fit_day:
            self._referral_due[max(referral_day, day + 1)].append(pid)
        self.model.residents.move(pid, Location.HOSPITAL)

    def _lengths_of_stay(self, means: list[float], rng: np.random.Generator) -> list[int]:
        """Whole days in hospital for stays of these mean lengths, one gamma draw each in
        order: one array call takes the same draws from the stream as a call per stay (numpy
        fills an array draw by draw), at a fraction of the cost. The draws are scaled
        standard gammas, which is what ``Generator.gamma`` computes (``scale *
        standard_gamma(shape)``, the same draws and the same products), without the cost of
        broadcasting an array of scales (a third of the time)."""
        if not means:
            return []
        shape = self.model.params.hospital.los_shape
        scales = np.asarray(means, dtype=float) / shape
        days = np.ceil(rng.standard_gamma(shape, len(means)) * scales)
        return np.maximum(days, 1.0).astype(np.int64).tolist()


@functools.cache
def cumulative(shares: tuple[float, ...]) -> tuple[float, ...]:
    """Running totals of ``shares`` (as ``np.cumsum`` adds them), worked out once per config."""
    return tuple(itertools.accumulate(shares))
