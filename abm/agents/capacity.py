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
from abm.domain import Body, DelayReason
from abm.params import per_week_to_per_day

if TYPE_CHECKING:
    from abm.model import CareSystemModel


class QueuedService(mesa.Agent):
    """A service with a waiting list; subclasses decide each day whom they can take."""

    reason: DelayReason
    responsible: Body
    model: CareSystemModel

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.waiting = WaitingList()
        self._routes: dict[int, Route] = {}
        self.served_today = 0

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Join the waiting list; served from the next tick."""
        self._routes[pid] = route
        self.waiting.join(pid, from_hospital)

    def withdraw(self, pid: int) -> None:
        """Leave the waiting list."""
        self.waiting.leave(pid)
        self._routes.pop(pid, None)

    def status(self, pid: int) -> tuple[DelayReason, Body]:
        """The delay reason and responsible body of everyone waiting here."""
        return self.reason, self.responsible

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
    """Completes up to a number of cases a week (fractions carry over to the next day)."""

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self._credit = 0.0

    def per_week(self) -> float:
        """Cases that can be completed a week."""
        raise NotImplementedError

    def tick(self, day: int) -> None:
        """Complete as many waiting cases as today's capacity allows, first come first served."""
        self.served_today = 0
        daily = per_week_to_per_day(self.per_week())
        self._credit = min(self._credit + daily, daily + 1.0)
        for pid in self.waiting.in_order(self.hospital_first):
            if self._credit < 1.0:
                break
            self._credit -= 1.0
            self._finish(pid, day)


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
        """The delay reason and responsible body while waiting."""
        return self.reason, self.responsible

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


class IntermediateCare(QueuedService):
    """Short-term bedded rehabilitation (discharge pathway 2)."""

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
        """Discharge patients whose stay ends today, then fill free beds in order."""
        for pid in self._ends.pop(day, ()):
            if self.stays.get(pid) == day:
                del self.stays[pid]
                self._on_stay_end(pid, day)
        self.served_today = 0
        rng = self.model.streams["intermediate_care"]
        mean = self.model.params.capacity.intermediate_care_mean_days
        for pid in self.waiting.in_order(self.hospital_first):
            if len(self.stays) >= self.beds:
                break
            end = day + max(1, int(np.ceil(rng.exponential(mean))))
            self.stays[pid] = end
            self._ends[end].append(pid)
            self._finish(pid, day)

    def leave(self, pid: int) -> None:
        """A patient leaves early (death or emergency admission)."""
        self.stays.pop(pid, None)
