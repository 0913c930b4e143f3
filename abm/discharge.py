"""The seam between the hospital and the services a patient is discharged to.

The hospital knows nothing of who provides care after it. When a patient is medically fit it
starts the patient on the :class:`Route` of their discharge pathway and asks the route every
day "can this patient leave today, and if not, why?". A route is an ordered list of
:class:`Step` s (an assessment, a funding decision, a home-care package, a care-home place...);
each step is a service with a waiting list that it serves in its own daily tick, and the
answer to the hospital is the reason and the responsible body of the step the patient is
waiting on. The same routes serve residents asking for care from home.

In the core model the steps are plain capacities (``abm.agents.capacity``); the social-care,
workforce and funding parts replace them with councils, providers and staff without touching
the hospital, because they only have to honour :class:`Step`.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from typing import Protocol

from abm.domain import Body, DelayReason, Location


class Step(Protocol):
    """One service a patient must get through before leaving hospital (or being cared for)."""

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Put the patient on this service's waiting list (or finish them at once)."""

    def withdraw(self, pid: int) -> None:
        """Take the patient off the waiting list (they died, were admitted or moved)."""

    def status(self, pid: int) -> tuple[DelayReason, Body]:
        """Why a patient on this step is waiting, and whose responsibility that is."""


class Route:
    """The steps of one discharge pathway (or community request), in order."""

    def __init__(self, name: str, steps: list[Step], destination: Location) -> None:
        self.name = name
        self.steps = steps
        self.destination = destination
        self._position: dict[int, int] = {}
        self._on_complete: dict[int, Callable[[int, int], None] | None] = {}
        self._from_hospital: dict[int, bool] = {}
        self._complete: set[int] = set()
        self.stopped: set[int] = set()

    def start(
        self,
        pid: int,
        day: int,
        from_hospital: bool,
        on_complete: Callable[[int, int], None] | None = None,
    ) -> None:
        """Start a patient on the first step."""
        self._position[pid] = 0
        self._on_complete[pid] = on_complete
        self._from_hospital[pid] = from_hospital
        self._enter(pid, day)

    def _enter(self, pid: int, day: int) -> None:
        position = self._position[pid]
        if position == len(self.steps):
            self._complete.add(pid)
            del self._position[pid]
            callback = self._on_complete.pop(pid)
            self._from_hospital.pop(pid)
            if callback is not None:
                callback(pid, day)
            return
        self.steps[position].enrol(pid, day, self._from_hospital[pid], self)

    def step_done(self, pid: int, day: int) -> None:
        """Called by a step when it has finished with a patient: move on to the next step."""
        self._position[pid] += 1
        self._enter(pid, day)

    def stop(self, pid: int, day: int) -> None:
        """Called by a step that ends the patient's route early (not eligible, nothing needed):
        the route is complete, with no service from the remaining steps."""
        self._position[pid] = len(self.steps)
        self.stopped.add(pid)
        self._enter(pid, day)

    def ask(self, pid: int) -> tuple[DelayReason, Body] | None:
        """Can the patient leave today? ``None`` if so, else the reason and the responsible
        body (a plain tuple: the hospital asks about every delayed patient every day)."""
        if pid in self._complete:
            return None
        return self.steps[self._position[pid]].status(pid)

    def finish(self, pid: int) -> None:
        """Forget a patient who has left by this route."""
        self._complete.discard(pid)
        self.stopped.discard(pid)

    def withdraw(self, pid: int) -> None:
        """Take a patient off whatever step they are on."""
        position = self._position.pop(pid, None)
        if position is not None:
            self.steps[position].withdraw(pid)
            self._on_complete.pop(pid, None)
            self._from_hospital.pop(pid, None)
        self._complete.discard(pid)
        self.stopped.discard(pid)

    def __contains__(self, pid: int) -> bool:
        return pid in self._position or pid in self._complete


class WaitingList:
    """Patients waiting for one service: hospital discharges and community requests.

    Served in order of joining, except that expedited hospital discharges go first when
    ``hospital_first``. A hospital discharge is expedited unless the service says otherwise
    (``priority=False``): a council does not put every hospital referral ahead of everyone.
    """

    def __init__(self) -> None:
        self._hospital: dict[int, int] = {}
        self._community: dict[int, int] = {}
        self._expedited: set[int] = set()
        self._counter = itertools.count()

    def join(self, pid: int, from_hospital: bool, priority: bool | None = None) -> None:
        """Add a patient at the back of their queue."""
        (self._hospital if from_hospital else self._community)[pid] = next(self._counter)
        if from_hospital and (priority is None or priority):
            self._expedited.add(pid)

    def leave(self, pid: int) -> None:
        """Remove a patient wherever they are."""
        self._hospital.pop(pid, None)
        self._community.pop(pid, None)
        self._expedited.discard(pid)

    def in_order(self, hospital_first: bool) -> Iterator[int]:
        """Waiting patients in the order they are to be served (a snapshot)."""
        if hospital_first and len(self._expedited) == len(self._hospital):
            return iter([*self._hospital, *self._community])
        first = [pid for pid in self._hospital if pid in self._expedited] if hospital_first else []
        skip = set(first)
        merged = heapq.merge(
            ((seq, pid) for pid, seq in self._hospital.items() if pid not in skip),
            ((seq, pid) for pid, seq in self._community.items()),
        )
        return iter([*first, *(pid for _, pid in merged)])

    def __contains__(self, pid: int) -> bool:
        return pid in self._hospital or pid in self._community

    def __len__(self) -> int:
        return len(self._hospital) + len(self._community)

    @property
    def from_hospital(self) -> int:
        """How many waiting patients are in hospital."""
        return len(self._hospital)

    @property
    def from_community(self) -> int:
        """How many waiting patients are at home."""
        return len(self._community)
