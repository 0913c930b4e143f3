"""Building blocks of the services after hospital, and the ones that are plain capacities.

:class:`QueuedService` and :class:`ThroughputService` are the waiting-list machinery that the
council (``abm.agents.council``) and the providers (``abm.agents.provider``) build on. The
services defined here have no organisation behind them yet: intermediate care (an NHS bed
capacity), the hospital's own discharge processes and a family choosing a home. Capacities
are read from the scenario every day, so a ``[[schedule]]`` change takes effect at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.discharge import Route, WaitingList
from abm.domain import Body, DelayReason, Funder
from abm.params import per_week_to_per_day

if TYPE_CHECKING:
    from abm.model import CareSystemModel


def responsible_body(step_body: Body, funder: int) -> Body:
    """The body responsible for a patient's delay on a step, as delayed transfers of care were
    attributed: a social-care step delays the council only for care the council assesses and
    arranges. A resident whose care the NHS funds (continuing healthcare) or who pays for and
    arranges their own care (a self-funder) is not waiting on the council, so their wait for a
    package, a care-home place or a family's choice of home is the NHS's, which still holds the
    patient in its bed."""
    if step_body == Body.SOCIAL_CARE and funder in (Funder.NHS, Funder.SELF):
        return Body.NHS
    return step_body


class QueuedService(mesa.Agent):
    """A service with a waiting list; subclasses decide each day whom they can take."""

    reason: DelayReason
    responsible: Body
    model: CareSystemModel
    # Places found through providers (packages, beds) put only some hospital referrals first;
    # statutory work (assessments, funding decisions) puts every hospital referral first.
    brokered = True

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.waiting = WaitingList()
        self._routes: dict[int, Route] = {}
        self.served_today = 0

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Join the waiting list; served from the next tick. A brokered service puts a hospital
        discharge ahead of community requests with probability
        ``capacity.hospital_priority_share``."""
        self._routes[pid] = route
        share = self.model.params.capacity.hospital_priority_share if self.brokered else 1.0
        priority = from_hospital and (
            share >= 1.0 or self.model.streams["priority"].random() < share
        )
        self.waiting.join(pid, from_hospital, priority)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list."""
        self.waiting.leave(pid)
        self._routes.pop(pid, None)

    def status(self, pid: int) -> tuple[DelayReason, Body]:
        """The delay reason, and the responsible body for this patient (who funds their care
        decides whether a social-care wait is the council's: :func:`responsible_body`)."""
        return self.reason, responsible_body(self.responsible, self.model.residents.funder[pid])

    def _finish(self, pid: int, day: int) -> None:
        self.waiting.leave(pid)
        self.served_today += 1
        self._routes.pop(pid).step_done(pid, day)

    @property
    def hospital_first(self) -> bool:
        """Whether hospital discharges are served before community requests."""
        return self.model.params.capacity.hospital_priority

    def tick(self, day: int) -> None:
        """Serve the waiting list for one day."""
        raise NotImplementedError


class ThroughputService(QueuedService):
    """Takes on up to a number of cases a week (fractions carry over to the next day), first
    come first served; a case taken on is finished after a random working time.

    A subclass names the ``capacity`` field with the mean working time in ``duration_field``
    (none: a case is finished the day it is taken on). While a case is worked on the patient
    is still waiting on this step, with its delay reason: an assessment or a funding decision
    takes days of work even when nobody is queueing for it.
    """

    duration_field: str | None = None
    brokered = False

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self._credit = 0.0
        self._in_progress: dict[int, int] = {}
        self._due: defaultdict[int, list[int]] = defaultdict(list)

    def per_week(self) -> float:
        """Cases that can be taken on a week."""
        raise NotImplementedError

    def mean_duration_days(self) -> float:
        """Mean working time of a case, in days (from ``capacity.<duration_field>``)."""
        if self.duration_field is None:
            return 0.0
        return float(getattr(self.model.params.capacity, self.duration_field))

    def tick(self, day: int) -> None:
        """Finish the cases due today, then take on as many waiting cases as today's capacity
        allows, first come first served."""
        self.served_today = 0
        for pid in self._due.pop(day, ()):
            if self._in_progress.get(pid) == day:
                del self._in_progress[pid]
                self._finish(pid, day)
        daily = per_week_to_per_day(self.per_week())
        self._credit = min(self._credit + daily, daily + 1.0)
        for pid in self.waiting.in_order(self.hospital_first):
            if self._credit < 1.0:
                break
            self._credit -= 1.0
            self._take_on(pid, day)

    def _take_on(self, pid: int, day: int) -> None:
        mean = self.mean_duration_days()
        if mean <= 0.0:
            self._finish(pid, day)
            return
        self.waiting.leave(pid)
        due = day + int(self.model.streams["service_time"].geometric(1.0 / max(mean, 1.0)))
        self._in_progress[pid] = due
        self._due[due].append(pid)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list, or stop the work on this patient's case."""
        self._in_progress.pop(pid, None)
        super().withdraw(pid)

    @property
    def in_progress(self) -> int:
        """Cases being worked on."""
        return len(self._in_progress)


class TimedWait(mesa.Agent):
    """A wait that needs no capacity: some patients wait a random number of days."""

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

    def status(self, pid: int) -> tuple[DelayReason, Body]:
        """The delay reason and responsible body while waiting (:func:`responsible_body`)."""
        return self.reason, responsible_body(self.responsible, self.model.residents.funder[pid])

    def tick(self, day: int) -> None:
        """Release the patients whose wait ends today."""
        for pid in self._due.pop(day, ()):
            route = self._routes.pop(pid, None)
            if route is not None:
                route.step_done(pid, day)

    def __len__(self) -> int:
        return len(self._routes)


class HospitalProcess(TimedWait):
    """The hospital's own discharge processes: medicines, transport, paperwork."""

    reason = DelayReason.HOSPITAL_PROCESS
    responsible = Body.NHS
    stream = "hospital_process"

    def chance_and_mean_days(self) -> tuple[float, float]:
        """From ``hospital.hospital_process_*``."""
        h = self.model.params.hospital
        return h.hospital_process_probability, h.hospital_process_mean_days


class FamilyChoice(TimedWait):
    """A patient or family choosing a care home."""

    reason = DelayReason.PATIENT_OR_FAMILY_CHOICE
    responsible = Body.SOCIAL_CARE
    stream = "family_choice"

    def chance_and_mean_days(self) -> tuple[float, float]:
        """From ``capacity.choice_*``."""
        c = self.model.params.capacity
        return c.choice_probability, c.choice_mean_days


class PackageSourcing(TimedWait):
    """A broker finding an agency that can take on a package (visits at the right times, in
    the right place) before the hours are allocated: a wait even when hours are free."""

    reason = DelayReason.AWAITING_HOME_CARE
    responsible = Body.SOCIAL_CARE
    stream = "sourcing"

    def chance_and_mean_days(self) -> tuple[float, float]:
        """Every package is sourced, taking ``capacity.package_sourcing_mean_days``."""
        return 1.0, self.model.params.capacity.package_sourcing_mean_days


HELD = -1


class IntermediateCare(QueuedService):
    """Short-term bedded rehabilitation (discharge pathway 2).

    Beds are offered only to patients ready to move: a hospital patient once medically fit
    (planning may have started earlier). A bed is held for a patient from the day it is
    offered; their stay (and its end) starts when they arrive from hospital
    (:meth:`arrive`)."""

    reason = DelayReason.AWAITING_INTERMEDIATE_CARE
    responsible = Body.NHS

    def __init__(self, model: CareSystemModel, on_stay_end: Callable[[int, int], None]) -> None:
        super().__init__(model)
        self.stays: dict[int, int] = {}
        self._ends: defaultdict[int, list[int]] = defaultdict(list)
        self._on_stay_end = on_stay_end

    @property
    def beds(self) -> int:
        """Intermediate-care beds today."""
        return round(self.model.with_population(self.model.params.capacity.intermediate_care_beds))

    def tick(self, day: int) -> None:
        """Discharge patients whose stay ends today, then offer free beds in order."""
        for pid in self._ends.pop(day, ()):
            if self.stays.get(pid) == day:
                del self.stays[pid]
                self._on_stay_end(pid, day)
        self.served_today = 0
        hospital = self.model.hospital
        for pid in self.waiting.in_order(self.hospital_first):
            if len(self.stays) >= self.beds:
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
