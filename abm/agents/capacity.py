"""Building blocks of the services after hospital, and the services that are not the
council's or the care providers'.

:class:`QueuedService` and :class:`ThroughputService` are the waiting-list machinery that the
council (``abm.agents.council``) and the providers (``abm.agents.home_care``,
``abm.agents.care_homes``) build on. Every wait a delayed patient spends in one of them is a
queue for a capacity that someone funds.
Defined here: the hospital's own discharge work (:class:`DischargeTeam`, the hospital's), the
intermediate-care unit (:class:`IntermediateCare`, commissioned by the NHS or the pool), and
the one fixed process time, a family choosing a home (:class:`FamilyChoice`). Capacities are
read from the scenario every day, so a ``[[schedule]]`` change takes effect at once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.agents.worker import Role
from abm.discharge import IN_ORDER, Delay, Route, WaitingList
from abm.domain import Body, Cause, DelayReason, Funder
from abm.params import per_week_to_per_day

if TYPE_CHECKING:
    from abm.agents.population import Residents
    from abm.model import CareSystemModel


def responsible_body(step_body: Body, funder: int) -> Body:
    """The body responsible for a patient's delay on a step, as delayed transfers of care were
    attributed: a social-care step delays the council only for care the council assesses and
    arranges. A resident whose care the NHS funds (continuing healthcare) or who pays for and
    arranges their own care (a self-funder) is not waiting on the council, so their wait for a
    package, a care-home place or a family's choice of home is the NHS's, which still holds the
    patient in its bed."""
    if step_body is Body.SOCIAL_CARE and int(funder) in _NOT_THE_COUNCILS:
        return Body.NHS
    return step_body


_NOT_THE_COUNCILS = frozenset({int(Funder.NHS), int(Funder.SELF)})


def responsible_for(step_body: Body, residents: Residents, pid: int) -> Body:
    """:func:`responsible_body` for resident ``pid``, reading their funder only for a
    social-care step (a delayed patient's step is asked every day)."""
    if step_body is Body.SOCIAL_CARE and residents.funder.item(pid) in _NOT_THE_COUNCILS:
        return Body.NHS
    return step_body


def margin_of(books: Iterable[tuple[float, float]]) -> float:
    """A market's margin over months of ``(revenue, costs)`` books: a share of revenue (0
    without revenue)."""
    months = list(books)
    revenue = sum(r for r, _ in months)
    costs = sum(c for _, c in months)
    return (revenue - costs) / revenue if revenue > 0 else 0.0


class QueuedService(mesa.Agent):
    """A service with a waiting list; subclasses decide each day whom they can take.

    Everyone waiting here waits for this service's capacity (a queue). The order in which
    hospital referrals and people at home are served is the council's referral priority rule
    (``council.referral_priority``). Every wait that ends in service is logged
    (:attr:`wait_log`: the day served, the days waited, and whether from hospital), so that
    each queue's mean, 99th percentile and longest wait can be reported.
    """

    reason: DelayReason
    responsible: Body
    model: CareSystemModel
    queue_name: str = ""

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.waiting = WaitingList()
        self._routes: dict[int, Route] = {}
        self.served_today = 0
        self.wait_log: list[tuple[int, int, bool]] = []
        self.taken = 0
        self.referred = 0
        self._from_hospital: set[int] = set()

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Join the waiting list; served from the next tick."""
        self._routes[pid] = route
        if self.waiting.join(pid, from_hospital, day):
            self.referred += 1
        if from_hospital:
            self._from_hospital.add(pid)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list."""
        self.waiting.leave(pid)
        self._routes.pop(pid, None)
        self._from_hospital.discard(pid)

    def status(self, pid: int) -> Delay:
        """The delay reason, and the responsible body for this patient (who funds their care
        decides whether a social-care wait is the council's: :func:`responsible_body`)."""
        return (
            self.reason,
            responsible_for(self.responsible, self.model.residents, pid),
            Cause.QUEUE,
        )

    def _log_wait(self, pid: int, day: int) -> None:
        joined = self.waiting.joined_on(pid)
        if joined is not None:
            self.taken += 1
            self.wait_log.append((day, day - joined, pid in self._from_hospital))

    def _finish(self, pid: int, day: int) -> None:
        self._log_wait(pid, day)
        self.waiting.leave(pid)
        self._from_hospital.discard(pid)
        self.served_today += 1
        self._routes.pop(pid).step_done(pid, day)

    def ahead_of_a_hospital_referral(self) -> int:
        """How many on the list a patient referred from hospital today would wait behind:
        the hospital referrals, or everyone when the council serves in order of referral."""
        if self.model.params.council.referral_priority == IN_ORDER:
            return len(self.waiting)
        return self.waiting.from_hospital

    def in_order(self, day: int) -> list[int]:
        """The waiting list in the order the council's referral priority rule serves it."""
        c = self.model.params.council
        return self.waiting.ordered(c.referral_priority, day, c.community_wait_limit_days)

    def tick(self, day: int) -> None:
        """Serve the waiting list for one day."""
        raise NotImplementedError


class ThroughputService(QueuedService):
    """Takes on up to a number of cases a week (fractions carry over to the next day), in the
    referral priority order; a case taken on is finished after a random working time.

    A subclass says how many cases its staff can take on (:meth:`per_week`) and the mean
    working time of a case (:meth:`mean_duration_days`; none: a case is finished the day it is
    taken on). Waiting to be taken on is a queue; while a case is worked on the patient is still
    on this step, with its delay reason, in a fixed process time (a visit and a care plan take
    days even when nobody is queueing).
    """

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self._credit = 0.0
        self._in_progress: dict[int, int] = {}
        self._due: defaultdict[int, list[int]] = defaultdict(list)

    def per_week(self) -> float:
        """Cases that can be taken on a week."""
        raise NotImplementedError

    def mean_duration_days(self) -> float:
        """Mean working time of a case, in days."""
        return 0.0

    def status(self, pid: int) -> Delay:
        """As :meth:`QueuedService.status`, in process time once the case is taken on."""
        body = responsible_for(self.responsible, self.model.residents, pid)
        return self.reason, body, Cause.PROCESS if pid in self._in_progress else Cause.QUEUE

    def tick(self, day: int) -> None:
        """Finish the cases due today, then take on as many waiting cases as today's capacity
        allows, in the referral priority order."""
        self.served_today = 0
        for pid in self._due.pop(day, ()):
            if self._in_progress.get(pid) == day:
                del self._in_progress[pid]
                self._complete(pid, day)
        daily = per_week_to_per_day(self.per_week())
        self._credit = min(self._credit + daily, daily + 1.0)
        if self._credit < 1.0 or not len(self.waiting):
            return
        for pid in self.in_order(day):
            if self._credit < 1.0:
                break
            self._credit -= 1.0
            self._take_on(pid, day)

    def _take_on(self, pid: int, day: int) -> None:
        mean = self.mean_duration_days()
        if mean <= 0.0:
            self._finish(pid, day)
            return
        self._log_wait(pid, day)
        self.waiting.leave(pid)
        due = day + int(self.model.streams["service_time"].geometric(1.0 / max(mean, 1.0)))
        self._in_progress[pid] = due
        self._due[due].append(pid)

    def _complete(self, pid: int, day: int) -> None:
        """The work on a case is done: on to the next step."""
        self._from_hospital.discard(pid)
        self.served_today += 1
        self._routes.pop(pid).step_done(pid, day)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list, or stop the work on this patient's case."""
        self._in_progress.pop(pid, None)
        super().withdraw(pid)

    @property
    def in_progress(self) -> int:
        """Cases being worked on."""
        return len(self._in_progress)


class TimedWait(mesa.Agent):
    """A fixed process time that needs no capacity: some patients wait a random number of
    days whatever the services can do (a family visiting homes)."""

    reason: DelayReason
    responsible: Body
    stream: str

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self._due: defaultdict[int, list[int]] = defaultdict(list)
        self._routes: dict[int, Route] = {}

    def chance_and_mean_days(self) -> tuple[float, float]:
        """The chance a patient waits at all, and the mean wait in days if they do."""
        raise NotImplementedError

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Draw whether and how long this patient waits; finish at once if not."""
        chance, mean_days = self.chance_and_mean_days()
        rng = self.model.streams[self.stream]
        waits, draw = rng.random() < chance, rng.geometric(1.0 / max(mean_days, 1.0))
        if not waits or mean_days <= 0:
            route.step_done(pid, day)
            return
        self._routes[pid] = route
        self._due[day + int(draw)].append(pid)

    def withdraw(self, pid: int) -> None:
        """Forget the patient (their due day entry is skipped)."""
        self._routes.pop(pid, None)

    def status(self, pid: int) -> Delay:
        """The delay reason and responsible body while waiting (:func:`responsible_body`), in
        process time."""
        body = responsible_for(self.responsible, self.model.residents, pid)
        return self.reason, body, Cause.PROCESS

    def tick(self, day: int) -> None:
        """Release the patients whose wait ends today."""
        for pid in self._due.pop(day, ()):
            route = self._routes.pop(pid, None)
            if route is not None:
                route.step_done(pid, day)

    def __len__(self) -> int:
        return len(self._routes)


class DischargeTeam(QueuedService):
    """The hospital's own discharge work: discharge summaries, medicines to take home,
    transport and therapy sign-off, done by the ward teams the hospital funds.

    It can complete ``hospital.discharges_per_weekday`` residents' discharges a weekday (grown
    with the population, and cut with the beds the hospital's contract funds), and
    ``hospital.weekend_discharge_share`` of that on Saturdays and Sundays, when fewer pharmacists,
    therapists and senior doctors are at work. Only patients who are medically fit can be
    discharged; those who cannot be done today wait for the next day's capacity, first come
    first served. A fraction of a discharge's work carries over to the next day, never a whole
    one (a day with no capacity discharges nobody).
    """

    reason = DelayReason.HOSPITAL_PROCESS
    responsible = Body.NHS
    queue_name = "hospital_discharge"
    closing = True

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self._credit = 0.0

    def capacity_today(self) -> float:
        """Discharges the ward teams can complete today."""
        h = self.model.params.hospital
        hospital = self.model.hospital
        per_day = self.model.with_population(h.discharges_per_weekday) * hospital.funded_share
        if self.model.date.weekday() >= 5:
            per_day *= h.weekend_discharge_share
        return per_day

    def tick(self, day: int) -> None:
        """Complete today's discharges, medically fit patients first come first served."""
        self.served_today = 0
        self._credit = min(self._credit, 0.999) + self.capacity_today()
        if not len(self.waiting):
            return
        fit = self.model.hospital.fit
        for pid in self.waiting.in_order(IN_ORDER):
            if self._credit < 1.0:
                break
            if pid not in fit:
                continue
            self._credit -= 1.0
            self._finish(pid, day)

    def _log_wait(self, pid: int, day: int) -> None:
        """A discharge's wait counts from the later of joining and becoming fit."""
        stay = self.model.hospital.fit.get(pid)
        if stay is not None and pid in self.waiting:
            start = max(self.waiting.joined(pid), stay.fit_day)
            self.wait_log.append((day, day - start, True))


class FamilyChoice(TimedWait):
    """A patient or family choosing a care home: visits and a decision that take time whatever
    the services can do (a fixed process time, not fitted to the delays it causes)."""

    reason = DelayReason.PATIENT_OR_FAMILY_CHOICE
    responsible = Body.SOCIAL_CARE
    stream = "family_choice"

    def chance_and_mean_days(self) -> tuple[float, float]:
        """From ``capacity.choice_*``."""
        c = self.model.params.capacity
        return c.choice_probability, c.choice_mean_days


HELD = -1


class IntermediateCare(QueuedService):
    """Short-term bedded rehabilitation (discharge pathway 2), commissioned by whoever pays for
    intermediate care under the funding arrangement (the NHS, unless pooled or integrated)
    and staffed by rehabilitation staff it employs.

    The commissioner pays for ``capacity.intermediate_care_beds`` beds whether or not they are
    full (a block contract); a bed can be used only while the unit has the staff for it
    (``workforce.intermediate_care_staff_per_bed``), who are recruited and leave as NHS
    healthcare assistants do. Beds are offered only to patients ready to move: a hospital
    patient once medically fit (planning may have started earlier). A bed is held for a patient
    from the day it is offered; their stay (and its end) starts when they arrive from hospital
    (:meth:`arrive`)."""

    reason = DelayReason.AWAITING_INTERMEDIATE_CARE
    responsible = Body.NHS
    queue_name = "intermediate_care"
    employer_id: int

    def __init__(self, model: CareSystemModel, on_stay_end: Callable[[int, int], None]) -> None:
        super().__init__(model)
        self.stays: dict[int, int] = {}
        self._ends: defaultdict[int, list[int]] = defaultdict(list)
        self._on_stay_end = on_stay_end
        self.weekly_wages = 0.0
        model.workforce.register(self)

    @property
    def commissioned_beds(self) -> int:
        """Beds the commissioner pays for."""
        return round(self.model.with_population(self.model.params.capacity.intermediate_care_beds))

    def posts(self, role: Role) -> int:
        """Rehabilitation staff for every commissioned bed."""
        if role != Role.HEALTHCARE_ASSISTANT:
            return 0
        per_bed = self.model.params.workforce.intermediate_care_staff_per_bed
        return math.ceil(self.commissioned_beds * per_bed)

    @property
    def beds(self) -> int:
        """Beds that can be used today: commissioned beds, as far as the staff allow."""
        per_bed = self.model.params.workforce.intermediate_care_staff_per_bed
        beds = self.commissioned_beds
        if per_bed > 0:
            staff = self.model.workforce.staff_of(self, Role.HEALTHCARE_ASSISTANT)
            beds = min(beds, math.floor(staff / per_bed + 1e-9))
        return beds

    def tick(self, day: int) -> None:
        """Discharge patients whose stay ends today, then offer free beds in order."""
        for pid in self._ends.pop(day, ()):
            if self.stays.get(pid) == day:
                del self.stays[pid]
                self._on_stay_end(pid, day)
        self.served_today = 0
        if not len(self.waiting):
            return
        hospital = self.model.hospital
        beds = self.beds
        for pid in self.in_order(day):
            if len(self.stays) >= beds:
                break
            if pid in hospital.stays and pid not in hospital.fit:
                continue
            self.stays[pid] = HELD
            self._finish(pid, day)

    def expected_wait_days(self) -> float:
        """Days the waiting list would take to clear at the beds' throughput."""
        throughput = self.beds / max(self.model.params.capacity.intermediate_care_mean_days, 0.1)
        if throughput <= 0.0:
            return float("inf")
        return len(self.waiting) / throughput

    def arrive(self, pid: int, day: int) -> None:
        """A patient comes from hospital to the bed held for them: their stay starts."""
        mean = self.model.params.capacity.intermediate_care_mean_days
        rng = self.model.streams["intermediate_care"]
        end = day + max(1, int(np.ceil(rng.exponential(mean))))
        self.stays[pid] = end
        self._ends[end].append(pid)

    def leave(self, pid: int) -> None:
        """A patient leaves early (death or emergency admission)."""
        self.stays.pop(pid, None)
