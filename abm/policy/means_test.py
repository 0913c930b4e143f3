"""Means tests: how much a resident contributes a week towards the care they are given.

A resident whose contribution covers the whole cost is a self-funder: they arrange and buy
their care themselves, at the provider's private rate. Every means test answers one question,
:meth:`MeansTest.contribution`, from the resident's counted capital, the weekly cost of the
care at the council's rate, and what they have paid towards care so far (for the cap).
"""

from __future__ import annotations

import dataclasses
import math

from abm.policy import Registry

MEANS_TESTS = Registry("means test")


@dataclasses.dataclass(frozen=True)
class MeansTestRules:
    """The figures a means test uses (from ``council.*``)."""

    upper_capital_limit: float
    lower_capital_limit: float
    tariff_per_250: float
    lifetime_cap: float
    personal_care_share: float


class MeansTest:
    """How much a resident pays a week towards care costing ``weekly_cost`` to the council."""

    name: str

    def __init__(self, rules: MeansTestRules) -> None:
        self.rules = rules

    def contribution(
        self, capital: float, weekly_cost: float, *, care_home: bool, paid_so_far: float
    ) -> float:
        """The resident's weekly contribution, between 0 and ``weekly_cost``."""
        raise NotImplementedError

    def _care_act(self, capital: float, weekly_cost: float) -> float:
        r = self.rules
        if capital > r.upper_capital_limit:
            return weekly_cost
        if capital <= r.lower_capital_limit:
            return 0.0
        tariff = math.ceil((capital - r.lower_capital_limit) / 250.0) * r.tariff_per_250
        return min(tariff, weekly_cost)


@MEANS_TESTS.register("care_act")
class CareAct(MeansTest):
    """Today's rules: full cost above the upper capital limit, a tariff between the limits."""

    def contribution(
        self, capital: float, weekly_cost: float, *, care_home: bool, paid_so_far: float
    ) -> float:
        """Care Act charging on capital."""
        return self._care_act(capital, weekly_cost)


@MEANS_TESTS.register("cap")
class LifetimeCap(MeansTest):
    """Care Act charging until a resident has paid the lifetime cap; then the council pays."""

    def contribution(
        self, capital: float, weekly_cost: float, *, care_home: bool, paid_so_far: float
    ) -> float:
        """Nothing once ``paid_so_far`` reaches the cap."""
        if paid_so_far >= self.rules.lifetime_cap:
            return 0.0
        return self._care_act(capital, weekly_cost)


@MEANS_TESTS.register("free_personal_care")
class FreePersonalCare(MeansTest):
    """Personal care is free: home care costs nothing; in a care home the resident pays only
    the accommodation part of the fee, means-tested as today."""

    def contribution(
        self, capital: float, weekly_cost: float, *, care_home: bool, paid_so_far: float
    ) -> float:
        """Zero at home; the means-tested accommodation part in a care home."""
        if not care_home:
            return 0.0
        accommodation = weekly_cost * (1.0 - self.rules.personal_care_share)
        return self._care_act(capital, accommodation)


@MEANS_TESTS.register("universal")
class Universal(MeansTest):
    """Universal free social care: no means test, the council pays for everything."""

    def contribution(
        self, capital: float, weekly_cost: float, *, care_home: bool, paid_so_far: float
    ) -> float:
        """Always zero."""
        return 0.0
