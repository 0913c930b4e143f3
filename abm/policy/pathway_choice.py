"""Pathway choice: what discharge planners do when the service a patient needs is full.

A patient's need sets the pathway they should go to: home with support (pathway 1, home care),
a bed for rehabilitation (pathway 2, intermediate care) or a care home (pathway 3). When a
bed or a place is not to be had for weeks, planners in England send many of these patients
home with care instead ("home first", discharge to assess at home), and a care home can be
asked for from home. A choice answers one question, :meth:`PathwayChoice.choose`: given the
pathway a patient needs and how long each service's capacity would take to reach them, which
pathway do the planners use.

The waits are the planners' view of each capacity's waiting list: how long the patients
already waiting for it would take to be served at the rate it has been serving them
(:class:`CapacityWaits`). None of the choices has a threshold to fit: a threshold on a wait is
a dial for the length of that wait (a waiting list capped at L days of throughput settles
at L days), so the default compares one capacity's wait with another's.
"""

from __future__ import annotations

import dataclasses

from abm.domain import Pathway
from abm.policy import Registry

PATHWAY_CHOICES = Registry("pathway choice")


@dataclasses.dataclass(frozen=True, slots=True)
class CapacityWaits:
    """Expected days until each capacity could take a patient referred from hospital today."""

    home_care: float
    intermediate_care: float
    care_home: float
    care_home_place: float = 0.0


class PathwayChoice:
    """How discharge planners pick a pathway from a patient's need and the services' waits."""

    name: str

    def choose(self, need: int, waits: CapacityWaits) -> int:
        """The pathway the patient is sent to."""
        raise NotImplementedError


@PATHWAY_CHOICES.register("as_needed")
class AsNeeded(PathwayChoice):
    """Every patient waits in hospital for the pathway they need, however long it takes."""

    def choose(self, need: int, waits: CapacityWaits) -> int:
        """The needed pathway."""
        return need


@PATHWAY_CHOICES.register("shorter_wait")
class ShorterWait(PathwayChoice):
    """Home first when it is sooner: a patient who needs a rehabilitation bed or a care home
    goes home with care instead when home care would reach them sooner than the bed or the
    place would. Each substitution adds to the home-care waiting list, so the waits balance
    where the two capacities (the NHS's beds, the care homes' places, the agencies' hours)
    put them; neither wait is a parameter."""

    def choose(self, need: int, waits: CapacityWaits) -> int:
        """Pathway 1 for a pathway 2 or 3 patient whose own capacity is further off."""
        if need == Pathway.BEDDED_REHAB and waits.home_care < waits.intermediate_care:
            return Pathway.HOME_WITH_SUPPORT
        if need == Pathway.CARE_HOME and waits.home_care < waits.care_home:
            return Pathway.HOME_WITH_SUPPORT
        return need


@PATHWAY_CHOICES.register("wait_limits")
class WaitLimits(PathwayChoice):
    """Planners accept a wait up to a fixed number of days for a bed
    (``discharge.rehab_wait_limit_days``) or a place (``discharge.care_home_wait_limit_days``:
    the list for a place alone, ``CapacityWaits.care_home_place``) and send the patient home
    with care beyond it. While the service is full its waiting list
    settles at the limit's days of throughput, so the limits set those waits: they are
    assumptions a user chooses, never fitted."""

    def __init__(self, rehab_limit_days: float, care_home_limit_days: float) -> None:
        self.rehab_limit_days = rehab_limit_days
        self.care_home_limit_days = care_home_limit_days

    def choose(self, need: int, waits: CapacityWaits) -> int:
        """Pathway 1 when the needed service's wait is beyond its limit."""
        if need == Pathway.BEDDED_REHAB and waits.intermediate_care > self.rehab_limit_days:
            return Pathway.HOME_WITH_SUPPORT
        if need == Pathway.CARE_HOME and waits.care_home_place > self.care_home_limit_days:
            return Pathway.HOME_WITH_SUPPORT
        return need


def make_pathway_choice(
    name: str, rehab_limit_days: float, care_home_limit_days: float
) -> PathwayChoice:
    """The choice called ``name`` (the limits are used by ``wait_limits`` only)."""
    if name == "wait_limits":
        return WaitLimits(rehab_limit_days, care_home_limit_days)
    return PATHWAY_CHOICES.create(name)  # type: ignore[return-value]
