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

import bisect
import heapq
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Protocol

from abm.domain import Body, Cause, DelayReason, Location

IN_ORDER = "in_order"
HOSPITAL_FIRST = "hospital_first"
HOSPITAL_FIRST_WITH_LIMIT = "hospital_first_with_limit"
PRIORITY_RULES = (IN_ORDER, HOSPITAL_FIRST, HOSPITAL_FIRST_WITH_LIMIT)
Delay = tuple[DelayReason, Body, Cause]


class Step(Protocol):
    """One service a patient must get through before leaving hospital (or being cared for)."""

    def enrol(self, pid: int, day: int, from_hospital: bool, route: Route) -> None:
        """Put the patient on this service's waiting list (or finish them at once)."""

    def withdraw(self, pid: int) -> None:
        """Take the patient off the waiting list (they died, were admitted or moved)."""

    def status(self, pid: int) -> Delay:
        """Why a patient on this step is waiting, whose responsibility that is, and whether
        they wait for a capacity or in a fixed process time."""


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
        no service from the remaining steps, except a last step that every leaver goes through
        whatever came before (the hospital's own discharge work, marked ``closing``)."""
        self.stopped.add(pid)
        last = len(self.steps) - 1
        if last > self._position[pid] and getattr(self.steps[last], "closing", False):
            self._position[pid] = last
        else:
            self._position[pid] = len(self.steps)
        self._enter(pid, day)

    def ask(self, pid: int) -> Delay | None:
        """Can the patient leave today? ``None`` if so, else the reason, the responsible
        body and the cause (a plain tuple: the hospital asks about every delayed patient every
        day)."""
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

    Served in the order the council's referral priority rule says
    (``council.referral_priority``, :data:`PRIORITY_RULES`): everyone in order of joining;
    hospital discharges first; or hospital discharges first except that people at home who have
    waited ``council.community_wait_limit_days`` take turns with them, one for one, so that
    nobody waits indefinitely behind a stream of hospital referrals and a shortage is shared.
    """

    def __init__(self) -> None:
        self._hospital: dict[int, int] = {}
        self._community: dict[int, int] = {}
        self._joined: dict[int, int] = {}
        self._counter = itertools.count()
        # Whether the people at home joined on non-decreasing days in queue order, so that
        # those who have waited past a limit are the front of the queue (found by bisection
        # instead of a look at everyone waiting, every service, every day).
        self._community_by_day = True
        self._last_community_day = -math.inf

    def join(self, pid: int, from_hospital: bool, day: int = 0) -> bool:
        """Add a patient at the back of their queue. Someone already waiting from the other
        side (at home, then from hospital) moves: nobody is on both lists to be served twice.
        Returns whether the patient was not waiting before."""
        new = pid not in self._joined  # (everyone waiting, on either list, has a joining day)
        if pid in (self._community if from_hospital else self._hospital):
            self.leave(pid)
        if pid in self._community:  # keeps its place with a new day: not in day order
            self._community_by_day = False
        (self._hospital if from_hospital else self._community)[pid] = next(self._counter)
        self._joined[pid] = day
        if not from_hospital:
            if day < self._last_community_day:
                self._community_by_day = False
            self._last_community_day = day
        return new

    def leave(self, pid: int) -> None:
        """Remove a patient wherever they are."""
        self._hospital.pop(pid, None)
        self._joined.pop(pid, None)
        if self._community.pop(pid, None) is not None and not self._community:
            self._community_by_day, self._last_community_day = True, -math.inf

    def joined(self, pid: int) -> int:
        """The day a waiting patient joined."""
        return self._joined[pid]

    def joined_on(self, pid: int) -> int | None:
        """The day a patient joined, or ``None`` if they are not waiting."""
        return self._joined.get(pid)

    def in_order(
        self, rule: str = HOSPITAL_FIRST, day: int = 0, limit_days: float = 0.0
    ) -> Iterator[int]:
        """Waiting patients in the order they are to be served (a snapshot)."""
        return iter(self.ordered(rule, day, limit_days))

    def ordered(
        self, rule: str = HOSPITAL_FIRST, day: int = 0, limit_days: float = 0.0
    ) -> list[int]:
        """:meth:`in_order` as a new list (the services serve from a list)."""
        if not self._community:  # one queue: what any rule, and merging, gives
            return list(self._hospital)
        if not self._hospital:
            return list(self._community)
        if rule == IN_ORDER:
            merged = heapq.merge(
                ((seq, pid) for pid, seq in self._hospital.items()),
                ((seq, pid) for pid, seq in self._community.items()),
            )
            return [pid for _, pid in merged]
        if rule == HOSPITAL_FIRST:
            return [*self._hospital, *self._community]
        community = list(self._community)
        joined = self._joined
        if self._community_by_day:
            cut = bisect.bisect_left(community, True, key=lambda p: day - joined[p] < limit_days)
            overdue, rest = community[:cut], community[cut:]
        else:
            overdue = [pid for pid in community if day - joined[pid] >= limit_days]
            late = set(overdue)
            rest = [pid for pid in community if pid not in late]
        if not overdue:
            return [*self._hospital, *community]
        hospital = list(self._hospital)
        # one for one while both last, then the rest of the longer (slices, not a loop)
        pairs = min(len(hospital), len(overdue))
        alternating = [0] * (2 * pairs)
        alternating[0::2] = hospital[:pairs]
        alternating[1::2] = overdue[:pairs]
        return [*alternating, *hospital[pairs:], *overdue[pairs:], *rest]

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
