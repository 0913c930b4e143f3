"""Requests for care from residents living at home.

A resident who asks for support waits at home (their need unmet, which raises their admission
hazard) while they go through the same services as hospital discharges: an assessment, then a
home-care package, or a funding decision and a care-home place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from abm.discharge import Route
from abm.domain import Care, Frailty, Location, Pathway

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
        package_only_route: Route,
    ) -> None:
        super().__init__(model)
        self.routes = {
            Pathway.HOME_WITH_SUPPORT: home_care_route,
            Pathway.CARE_HOME: care_home_route,
        }
        self.package_only = package_only_route
        self.waiting: dict[int, Pathway] = {}
        self.requests_today = 0
        self.stopped_waiting_today = 0

    def request(self, pid: int, day: int, *, care_home: bool) -> None:
        """A resident at home asks for a home-care package or a care-home place."""
        need = Pathway.CARE_HOME if care_home else Pathway.HOME_WITH_SUPPORT
        self._wait(pid, day, need, self.routes[need])
        self.requests_today += 1

    def after_intermediate_care(self, pid: int, day: int) -> None:
        """Home from intermediate care; the moderately or severely frail need a package."""
        residents = self.model.residents
        residents.move(pid, Location.COMMUNITY)
        residents.set_care(pid, Care.NONE)
        residents.last_discharge_day[pid] = day
        if residents.frailty[pid] >= Frailty.MODERATE:
            self._wait(pid, day, Pathway.HOME_WITH_SUPPORT, self.package_only)

    def _wait(self, pid: int, day: int, need: Pathway, route: Route) -> None:
        self.waiting[pid] = need
        self.model.residents.set_care(pid, Care.WAITING)
        route.start(pid, day, from_hospital=False, on_complete=self._served)

    def _served(self, pid: int, day: int) -> None:
        self.waiting.pop(pid, None)
        for route in (*self.routes.values(), self.package_only):
            route.finish(pid)

    def leave(self, pid: int) -> int:
        """Take a resident out of every community queue; returns the pathway they needed."""
        need = self.waiting.pop(pid, None)
        if need is None:
            return Pathway.HOME
        for route in (*self.routes.values(), self.package_only):
            route.withdraw(pid)
        self.model.residents.set_care(pid, Care.NONE)
        return int(need)
