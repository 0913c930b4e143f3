"""A day calendar for resident events.

Residents' next events are drawn in continuous time from their hazards; the calendar only
keeps, for each future day, the residents whose next event falls on it. Entries are never
removed: when a resident's events are re-drawn a new entry is added, and the stale one is
recognised on its day because the resident's current next-event time no longer falls there.
Only residents with an event today do any work.

The calendar files only the next few weeks (:data:`WINDOW_DAYS`). A resident's next event is
usually months away and is drawn again long before it falls due (their hazards change), so
filing every draw filed mostly entries that would only be thrown away. A draw beyond the window
waits in the residents' ``next_time`` column; when a window opens, one array pass files every
resident whose current next event falls in it. Which residents are due on a day, and in what
order, is the same either way.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from abm.agents.patient import EVENT_STREAMS, HANDLERS, Patient
from abm.agents.population import unique_ids
from abm.domain import EventKind

if TYPE_CHECKING:
    from abm.model import CareSystemModel


WINDOW_DAYS = 32


class DayCalendar:
    """Residents' ids bucketed by the day of their next event.

    A bucket is a plain list of ids: most redrawn residents land on a day of their own, so
    appending Python ints beats slicing arrays per day.
    """

    def __init__(self) -> None:
        self._buckets: defaultdict[int, list[int]] = defaultdict(list)

    def add(self, ids: np.ndarray, times: np.ndarray, horizon: int) -> None:
        """File residents ``ids`` under the days of ``times`` (those before ``horizon`` only)."""
        days = np.floor(times)
        keep = days < horizon
        buckets = self._buckets
        for pid, day in zip(ids[keep].tolist(), days[keep].astype(np.int64).tolist(), strict=True):
            buckets[day].append(pid)

    def pop(self, day: int) -> np.ndarray:
        """The ids filed under ``day`` (possibly stale or repeated), removed from the calendar;
        sorted, each once."""
        bucket = self._buckets.pop(day, None)
        if not bucket:
            return np.empty(0, dtype=np.int64)
        return unique_ids(np.array(bucket, dtype=np.int64))

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets.values())


class CalendarEvents:
    """Resident events the model's way: next events drawn from hazards, filed by day.

    Each event kind has its own random stream, and every redraw takes one exponential draw per
    kind per resident, so a policy that changes one hazard does not shift any other draws.
    """

    def __init__(self, model: CareSystemModel) -> None:
        self.model = model
        self.calendar = DayCalendar()
        self._streams = [model.streams[EVENT_STREAMS[kind]] for kind in EventKind]
        self._window_end = 0  # draws before this day are filed at once, later ones wait

    def redraw(self, ids: np.ndarray, now: float) -> None:
        """Draw new next-event times for residents ``ids`` from time ``now`` (in days)."""
        if len(ids) == 0:
            return
        residents = self.model.residents
        rates = self.model.hazards.rates(*residents.hazard_cells(ids))
        waits = np.empty((len(self._streams), len(ids)))
        for stream, row in zip(self._streams, waits, strict=True):
            stream.standard_exponential(out=row)
        with np.errstate(divide="ignore", over="ignore"):  # a zero or tiny rate: never
            times = now + waits / rates
        kinds = np.argmin(times, axis=0)
        first = times[kinds, np.arange(len(ids))]
        residents.next_time[ids] = first
        residents.next_kind[ids] = kinds
        self.calendar.add(ids, first, self._window_end)

    def _open_window(self, day: int) -> None:
        """File every resident whose current next event falls in the coming window."""
        end = min(day + WINDOW_DAYS, self.model.total_days)
        times = self.model.residents.next_time[: self.model.residents.n]
        ids = np.flatnonzero((times >= day) & (times < end))
        self.calendar.add(ids, times[ids], end)
        self._window_end = end

    def process(self, day: int) -> None:
        """Carry out every event due today, in time order."""
        residents = self.model.residents
        if day >= self._window_end:
            self._open_window(day)
        ids = self.calendar.pop(day)
        if len(ids) == 0:
            return
        times = residents.next_time[ids]
        due = (np.floor(times) == day) & residents.living_outside_hospital(ids)
        ids = ids[due]
        ids = ids[np.argsort(times[due], kind="stable")]
        patients = self.model.patients
        due_ids = ids.tolist()
        residents.mark_all_changed(due_ids)
        for pid, kind in zip(due_ids, residents.next_kind[ids].tolist(), strict=True):
            HANDLERS[kind](patients[pid], day)


class DailyStepping:
    """Resident events the textbook way: every patient draws every event every day.

    Used by the benchmark as the reference the calendar is measured against.
    """

    def __init__(self, model: CareSystemModel) -> None:
        self.model = model

    def redraw(self, ids: np.ndarray, now: float) -> None:
        """Nothing to draw ahead: hazards are read afresh every day."""

    def process(self, day: int) -> None:
        """Every living patient takes one daily step."""
        self.model.agents_by_type[Patient].shuffle_do("step")
