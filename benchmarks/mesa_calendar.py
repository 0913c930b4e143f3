"""A reference for the benchmark: the residents' events on Mesa's own event calendar.

The model files each resident's next event in its own day calendar (:class:`abm.events.
CalendarEvents`). The obvious Mesa way is one Mesa ``Event`` a resident, made with
``Model.schedule_event`` and cancelled when the resident's hazards change. This class does
exactly that, with the same hazards and the same draws per redraw, so the benchmark can say what
the model's calendar saves over Mesa's for the same rules. It is a reference, not the model: its
results are close to the model's but not identical (Mesa runs each resident's event as it comes,
where the model first collects everyone due today).

Mesa runs the model's day ``d`` at Mesa time ``d + 1`` (its step events start at 1.0), so a
resident event at model time ``t`` is scheduled at Mesa time ``t + 1`` and, in the
``resident_events`` phase of day ``d``, every resident event before Mesa time ``d + 2`` is
taken off Mesa's event list and run in time order.
"""

from __future__ import annotations

import numpy as np
from mesa.time.events import Event

from abm.events import CalendarEvents
from abm.model import CareSystemModel


def _ignore(*_: object) -> None:
    """Stands in for the day calendar's ``add``."""


class _Due:
    """One resident's callback on Mesa's calendar (Mesa keeps a weak reference to it)."""

    __slots__ = ("__weakref__", "owner", "pid")

    def __init__(self, owner: MesaScheduleEvents, pid: int) -> None:
        self.owner, self.pid = owner, pid

    def fire(self) -> None:
        """The resident's next event is due."""
        self.owner.fire(self.pid)


class MesaScheduleEvents(CalendarEvents):
    """Resident events scheduled with ``Model.schedule_event``, one Mesa event a resident."""

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.calendar.add = _ignore  # the draws are filed on Mesa's calendar instead
        self._due: list[_Due] = []
        self._events: dict[int, Event] = {}
        self._day = 0

    @classmethod
    def install(cls, model: CareSystemModel) -> MesaScheduleEvents:
        """Replace a freshly built model's calendar with Mesa's, keeping the first draws."""
        events = cls(model)
        residents = model.residents
        ids = np.flatnonzero(np.isfinite(residents.next_time[: residents.n]))
        events._schedule(ids, residents.next_time[ids])
        model.events = events
        return events

    def _schedule(self, ids: np.ndarray, times: np.ndarray) -> None:
        model, horizon = self.model, self.model.total_days
        while len(self._due) < self.model.residents.n:
            self._due.append(_Due(self, len(self._due)))
        for pid, time in zip(ids.tolist(), times.tolist(), strict=True):
            old = self._events.pop(pid, None)
            if old is not None:
                old.cancel()
            if time < horizon:
                self._events[pid] = model.schedule_event(self._due[pid].fire, at=time + 1.0)

    def redraw(self, ids: np.ndarray, now: float) -> None:
        """The model's draws, filed on Mesa's calendar instead of the day calendar."""
        if len(ids) == 0:
            return
        super().redraw(ids, now)  # draws and sets next_time / next_kind as the model does
        self._schedule(ids, self.model.residents.next_time[ids])

    def process(self, day: int) -> None:
        """Run every resident event due before the end of ``day`` from Mesa's event list."""
        self._day = day
        event_list = self.model._event_list
        others = []
        while True:
            try:
                event = event_list.pop_event()
            except IndexError:
                break
            if event.time >= day + 2.0:
                event_list.add_event(event)
                break
            callback = event.fn()
            if getattr(callback, "__self__", None).__class__ is _Due:
                event.execute()
            else:
                others.append(event)
        for event in others:
            event_list.add_event(event)

    def fire(self, pid: int) -> None:
        """A resident's event: carried out if they still live at home or in a care home."""
        self._events.pop(pid, None)
        residents = self.model.residents
        if not residents.living_outside_hospital(np.array([pid]))[0]:
            return
        if int(np.floor(residents.next_time[pid])) != self._day:
            return
        residents.mark_changed(pid)
        self.model.patients[pid].handle(int(residents.next_kind[pid]), self._day)
