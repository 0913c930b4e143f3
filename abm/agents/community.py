"""Requests for support from residents living at home.

A resident whose need nobody meets may ask the council for support (and does at once when
their unpaid carer stops caring). While they wait their need is unmet, which raises their
admission hazard. They go through the same services as hospital discharges: an assessment
(with the means test), then a home-care package, or a funding decision and a care-home place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from abm.discharge import Route
from abm.domain import Care, Funder, Location, Pathway

if TYPE_CHECKING:
    from abm.model import CareSystemModel


class CommunityRequests(mesa.Agent):
    """The front door of adult social care for residents at home."""

    model: CareSystemModel

    def __init__(
        self,
        model: CareSystemModel,
        home_care_route: Route,
        care_home_route: Route,
        replacement_route: Route,
        resourcing_route: Route,
    ) -> None:
        super().__init__(model)
        self.routes = {
            Pathway.HOME_WITH_SUPPORT: home_care_route,
            Pathway.CARE_HOME: care_home_route,
        }
        self.replacement = replacement_route
        self.resourcing = resourcing_route
        self.waiting: dict[int, Pathway] = {}
        self.requests_today = 0
        self.stopped_waiting_today = 0
        self.carer_breakdowns_today = 0
        self.ic_leavers_today = self.ic_package_requests_today = 0
        self.ic_care_home_requests_today = 0

    def start_day(self) -> None:
        """Reset today's counts."""
        self.requests_today = self.stopped_waiting_today = self.carer_breakdowns_today = 0
        self.ic_leavers_today = self.ic_package_requests_today = 0
        self.ic_care_home_requests_today = 0

    def request(self, pid: int, day: int, *, care_home: bool) -> None:
        """A resident at home asks for a home-care package or a care-home place."""
        need = Pathway.CARE_HOME if care_home else Pathway.HOME_WITH_SUPPORT
        if care_home:
            self.model.residents.set_dependent(pid)
        self._wait(pid, day, need, self.routes[need])
        self.requests_today += 1

    def request_place(self, pid: int, day: int) -> None:
        """A care-home resident whose home closed and who found no other bed waits at home."""
        self._wait(pid, day, Pathway.CARE_HOME, self.replacement)

    def request_package_again(self, pid: int, day: int) -> None:
        """A resident whose agency handed their package back waits for another agency (their
        assessment still stands)."""
        self._wait(pid, day, Pathway.HOME_WITH_SUPPORT, self.resourcing)

    def after_intermediate_care(self, pid: int, day: int) -> None:
        """Home from intermediate care. A resident whose need is now unmet asks for a package
        or, as often as residents at home with their frailty do, a care-home place."""
        residents = self.model.residents
        residents.move(pid, Location.COMMUNITY)
        residents.set_care(pid, Care.NONE)
        residents.discharged(pid, day)
        self.ic_leavers_today += 1
        if not residents.has_unmet_need(pid):
            return
        frailty = int(residents.frailty[pid])
        share = self.model.params.community.care_home_request_share[frailty]
        care_home = self.model.streams["intermediate_care"].random() < share
        if care_home:
            self.ic_care_home_requests_today += 1
        else:
            self.ic_package_requests_today += 1
        self.request(pid, day, care_home=care_home)

    def _wait(self, pid: int, day: int, need: Pathway, route: Route) -> None:
        self.waiting[pid] = need
        self.model.residents.set_care(pid, Care.WAITING)
        route.start(pid, day, from_hospital=False, on_complete=self._served)

    def _served(self, pid: int, day: int) -> None:
        """A request has been dealt with: care started, or no service (not eligible)."""
        self.waiting.pop(pid, None)
        for route in self._all_routes():
            route.finish(pid)
        residents = self.model.residents
        if int(residents.care[pid]) == Care.WAITING:
            residents.set_care(pid, Care.NONE)
            residents.set_funder(pid, Funder.NONE)

    def _all_routes(self) -> tuple[Route, ...]:
        return (*self.routes.values(), self.replacement, self.resourcing)

    def leave(self, pid: int) -> int:
        """Take a resident out of every community queue; returns the pathway they needed."""
        need = self.waiting.pop(pid, None)
        if need is None:
            return Pathway.HOME
        for route in self._all_routes():
            route.withdraw(pid)
        self.model.residents.set_care(pid, Care.NONE)
        if int(self.model.residents.funder[pid]) != Funder.NHS:
            self.model.residents.set_funder(pid, Funder.NONE)
        return int(need)
