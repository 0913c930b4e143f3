"""The patient: one resident aged 65+, as a Mesa agent.

A patient's state is a row of :class:`~abm.agents.population.Residents`; this agent holds the
behaviours that change it: frailty worsens, an emergency admission, death, a request for care,
the end of a home-care package, settling after a discharge. In the model these are called when
the event calendar says a patient's next event is due; :meth:`Patient.step` instead draws each
event every day from the same hazards, the textbook per-agent stepping that the benchmark
compares against.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.domain import Care, EventKind, Funder, Location

if TYPE_CHECKING:
    from abm.model import CareSystemModel

EVENT_STREAMS = {
    EventKind.FRAILTY: "frailty",
    EventKind.ADMISSION: "admission",
    EventKind.DEATH: "death",
    EventKind.REQUEST: "request",
    EventKind.REVIEW: "review",
    EventKind.RECOVERY: "recovery",
    EventKind.STOP_WAITING: "stop_waiting",
    EventKind.CARER_BREAKDOWN: "carer_breakdown",
    EventKind.CARER_GAIN: "carer_gain",
    EventKind.SETTLED: "settled",
}
LIVING_OUTSIDE_HOSPITAL = (Location.COMMUNITY, Location.CARE_HOME)


class Patient(mesa.Agent):
    """A resident aged 65+ of the local area."""

    model: CareSystemModel

    def __init__(self, model: CareSystemModel, pid: int) -> None:
        super().__init__(model)
        self.pid = pid

    def __repr__(self) -> str:
        r = self.model.residents
        return (
            f"Patient({self.pid}, frailty={int(r.frailty[self.pid])}, "
            f"location={Location(r.location[self.pid]).name})"
        )

    # ---------------------------------------------------------------- events

    def handle(self, kind: int, day: int) -> None:
        """Carry out a due event (its method looked up by kind in one step: this is the
        model's most frequent call)."""
        HANDLERS[kind](self, day)

    def worsen(self) -> None:
        """Frailty moves up one category; a care-home resident who becomes severely frail is
        assessed for NHS continuing healthcare."""
        model, pid = self.model, self.pid
        model.residents.worsen(pid)
        if pid in model.care_homes.home_of and int(model.residents.funder[pid]) != Funder.NHS:
            model.council.consider_continuing_healthcare(pid)
            if int(model.residents.funder[pid]) == Funder.NHS:
                model.care_homes.recharge(pid)

    def fall_ill(self, day: int) -> None:
        """An emergency: leave home-care and community queues and wait for a hospital bed.

        A care-home resident keeps their bed while in hospital; a home-care package is
        released, so the patient needs a new one to go home. When the hospital's corridor is
        full the patient is seen in the emergency department and stays where they are.
        """
        hospital = self.model.hospital
        if hospital.corridor_full:
            hospital.arrive(self.pid, day)
            return
        residents, pid = self.model.residents, self.pid
        need = self.model.community.leave(pid)
        if int(residents.care[pid]) == Care.HOME_CARE:
            self.model.home_care.suspend(pid)
            residents.set_care(pid, Care.NONE)
            need = max(need, 1)
        hospital.wait_in_corridor(pid, day, minimum_pathway=need)

    def die(self, day: int) -> None:
        """Death: every place and package the patient held is freed."""
        model, pid = self.model, self.pid
        if pid in model.care_homes.home_of:
            model.tally.care_home_deaths += 1
        model.community.leave(pid)
        model.home_care.forget(pid)
        model.care_homes.vacate(pid)
        model.council.release(pid)
        model.intermediate_care.leave(pid)
        model.residents.move(pid, Location.DEAD)
        model.residents.set_care(pid, Care.NONE)
        model.tally.deaths += 1
        model.patients[pid] = None
        self.remove()

    def ask_for_care(self, day: int) -> None:
        """A resident at home whose need nobody meets asks the council for support."""
        residents, pid = self.model.residents, self.pid
        if (
            int(residents.location[pid]) != Location.COMMUNITY
            or int(residents.care[pid]) != Care.NONE
        ):
            return
        frailty = int(residents.frailty[pid])
        share = self.model.params.community.care_home_request_share[frailty]
        wants_care_home = self.model.streams["request"].random() < share
        self.model.community.request(pid, day, care_home=wants_care_home)

    def stop_waiting(self) -> None:
        """A resident waiting for care stops waiting: others care for them, or nobody does."""
        self.model.community.leave(self.pid)
        self.model.community.stopped_waiting_today += 1

    def lose_carer(self, day: int) -> None:
        """The unpaid carer stops caring; a package is reviewed, or the resident asks for help."""
        residents, pid = self.model.residents, self.pid
        residents.set_carer(pid, 0)
        self.model.community.carer_breakdowns_today += 1
        if int(residents.care[pid]) == Care.HOME_CARE:
            self.model.council_reviews(pid)
        elif residents.has_unmet_need(pid):
            self.ask_for_care(day)

    def gain_carer(self) -> None:
        """Family or a friend starts caring; a package is reviewed against the new need."""
        model, pid = self.model, self.pid
        cdf = _choice_cdf(tuple(model.params.need.carer_intensity_shares))
        draw = model.streams["carer_gain"].random()
        model.residents.set_carer(pid, 1 + int(cdf.searchsorted(draw, side="right")))
        if int(model.residents.care[pid]) == Care.HOME_CARE:
            model.council_reviews(pid)

    # ---------------------------------------------------------------- reference stepping

    def step(self) -> None:
        """Draw today's events one by one from the per-day hazards (benchmark reference)."""
        model, r, pid = self.model, self.model.residents, self.pid
        if r.location[pid] not in LIVING_OUTSIDE_HOSPITAL:
            return
        cell = (
            r.setting(pid),
            int(r.band[pid]),
            int(r.frailty[pid]),
            int(r.sex[pid]),
            int(r.carer[pid]),
            int(r.recent[pid]),
            int(r.dependent[pid]),
        )
        for kind, stream in EVENT_STREAMS.items():
            hazard = model.hazards.rate(kind, cell)
            if hazard > 0.0 and model.streams[stream].random() < -math.expm1(-hazard):
                self.handle(kind, model.day)
                return


HANDLERS: tuple[Callable[[Patient, int], None], ...] = tuple(
    {
        EventKind.FRAILTY: lambda patient, _day: patient.worsen(),
        EventKind.ADMISSION: Patient.fall_ill,
        EventKind.DEATH: Patient.die,
        EventKind.REQUEST: Patient.ask_for_care,
        EventKind.REVIEW: lambda patient, _day: patient.model.council_reviews(patient.pid),
        EventKind.RECOVERY: lambda patient, _day: patient.model.residents.recover(patient.pid),
        EventKind.STOP_WAITING: lambda patient, _day: patient.stop_waiting(),
        EventKind.CARER_BREAKDOWN: Patient.lose_carer,
        EventKind.CARER_GAIN: lambda patient, _day: patient.gain_carer(),
        EventKind.SETTLED: lambda patient, _day: patient.model.residents.settle(patient.pid),
    }[kind]
    for kind in EventKind
)
"""Each event kind's behaviour, indexed by kind: the event calendar calls these directly (one
call fewer than :meth:`Patient.handle` for each of the run's half a million events)."""


@functools.cache
def _choice_cdf(shares: tuple[float, ...]) -> np.ndarray:
    """The cumulative shares ``Generator.choice(n, p=shares)`` searches: built the way numpy
    builds them, so one ``random()`` draw searched here picks what ``choice`` would pick from
    the same draw, without ``choice``'s checks on every call (once per config here)."""
    cdf = np.asarray(shares, dtype=float).cumsum()
    cdf /= cdf[-1]
    return cdf
