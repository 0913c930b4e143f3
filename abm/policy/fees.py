"""Home-care fee setting: what a council pays agencies when it cannot find them for people.

A council sets a framework rate for home care (``council.home_care_fee_gbp_per_hour``, raised
each April by ``council.fee_uplift``). When the agencies on its framework cannot take the
packages it has approved, councils buy "spot" packages at higher rates. Each rule answers one
question, :meth:`FeeSetting.premium`: given how long the council-funded people waiting for an
agency have waited and whether the council is heading for an overspend, what premium over the
framework rate does it offer from now on.
"""

from __future__ import annotations

import dataclasses

from abm.policy import Registry

FEE_SETTINGS = Registry("home-care fee setting")


@dataclasses.dataclass(frozen=True)
class SourcingSignal:
    """What the council sees each month when it reviews its home-care fee."""

    mean_wait_days: float
    """Mean time the residents now waiting for an agency whose care the council arranges (not
    self-funders) have waited (0 when nobody waits)."""
    pressure: float
    """What the council is committed to spend a year over its budget, minus one (above zero:
    an overspend looms). The care it holds back for money is not counted here: a premium is
    paid from money, and a council whose commitments fit its budget has it, even while it
    holds people at home (that waiting list is its rationing, :mod:`abm.policy.rationing`)."""
    fees_frozen: bool
    """Whether the council's rationing response has frozen fees."""


@dataclasses.dataclass(frozen=True)
class PremiumRules:
    """The figures a fee setting uses (from ``council.*``)."""

    standard_days: float
    step: float
    most: float


class FeeSetting:
    """How the council's home-care premium over its framework rate moves each month."""

    name: str

    def __init__(self, rules: PremiumRules) -> None:
        self.rules = rules

    def premium(self, signal: SourcingSignal, premium: float) -> float:
        """The premium (share of the framework rate) from now on."""
        raise NotImplementedError


@FEE_SETTINGS.register("framework")
class Framework(FeeSetting):
    """The framework rate and nothing more: packages no agency takes at that rate wait."""

    def premium(self, signal: SourcingSignal, premium: float) -> float:
        """Never a premium."""
        return 0.0


@FEE_SETTINGS.register("spot_premium")
class SpotPremium(FeeSetting):
    """Pay more while people wait for an agency, if the budget allows.

    While the residents whose care the council arranges (its packages, and reablement for
    people leaving hospital) have waited for an agency longer than the council's sourcing
    standard on average, the premium rises by one step a month, up to its
    most (the providers' own minimum price); while they have waited less than half the
    standard it falls a step, back to the framework rate. A council heading for an overspend,
    or whose rationing response has frozen fees, does not raise it: money is what lets it pay
    agencies more, so a cut reaches the agencies' hours through this rule.
    """

    def premium(self, signal: SourcingSignal, premium: float) -> float:
        """One step up, one step down, or the same."""
        r = self.rules
        can_pay = signal.pressure <= 0.0 and not signal.fees_frozen
        if signal.mean_wait_days > r.standard_days and can_pay:
            return min(premium + r.step, r.most)
        if signal.mean_wait_days < r.standard_days / 2:
            return max(premium - r.step, 0.0)
        return premium


@FEE_SETTINGS.register("wait_linked")
class WaitLinked(FeeSetting):
    """Pay a premium that follows how long people wait for an agency, if the budget allows.

    The premium the council aims at is none while the residents whose care it arranges have
    waited half its sourcing standard or less on average, and rises in proportion beyond
    that, to its most at one and a half times the standard (at the standard itself, half its
    most). Each month it moves towards that aim by at most one step. A council heading for an
    overspend, or whose rationing response has frozen fees, does not raise it.

    Unlike :class:`SpotPremium`, which keeps stepping up for as long as waits stay long, the
    premium here is set by the wait now, not by how long waits have been long: when agencies
    have hired enough to bring waits down, the premium has already come down with them,
    instead of overshooting and leaving a market that then shrinks. Under ``spot_premium`` the
    baseline's home-care market ran in a cycle of four to five years that the warm-up never
    damped (docs/model.md, "The first day").
    """

    def premium(self, signal: SourcingSignal, premium: float) -> float:
        """A step (or less) towards the premium the present wait calls for."""
        r = self.rules
        if r.standard_days > 0:
            beyond = (signal.mean_wait_days - r.standard_days / 2) / r.standard_days
        else:
            beyond = 1.0 if signal.mean_wait_days > 0 else 0.0
        aim = min(max(r.most * beyond, 0.0), r.most)
        if signal.pressure > 0.0 or signal.fees_frozen:
            aim = min(aim, premium)
        return premium + min(max(aim - premium, -r.step), r.step)
