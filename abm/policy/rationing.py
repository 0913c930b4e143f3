"""Rationing responses: what a council changes when it heads for an overspend.

Each month the council compares what its commitments and the care its brokers are holding
back for want of money would cost a year with its budget; ``pressure`` is that over the budget,
minus one (positive means the needs it has assessed outrun its money). A response answers one
question, :meth:`RationingResponse.respond`: given the pressure and the current measures, what
are the measures now.
"""

from __future__ import annotations

import dataclasses

from abm.policy import Registry

RATIONING_RESPONSES = Registry("rationing response")


@dataclasses.dataclass(frozen=True)
class Measures:
    """What the council has done to stay within budget."""

    extra_threshold_hours: float = 0.0
    fees_frozen: bool = False
    assessment_factor: float = 1.0
    hiring_freeze: bool = False
    panel_interval_weeks: int = 1
    freeze_vacancy_share: float | None = None
    """Under a hiring freeze, the most of its funded posts the council leaves vacant (``None``:
    ``council.hiring_freeze_vacancy_limit``; never more than it)."""


class RationingResponse:
    """How a council reacts to budget pressure."""

    name: str

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """The measures in force from now on."""
        raise NotImplementedError


@RATIONING_RESPONSES.register("none")
class NoRationing(RationingResponse):
    """Spend what care costs, whatever the budget."""

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """No measures, ever."""
        return Measures()


@RATIONING_RESPONSES.register("tighten_eligibility")
class TightenEligibility(RationingResponse):
    """Raise the eligibility threshold an hour a week at a time while an overspend looms;
    lower it again when spending is comfortably within budget."""

    step_hours = 1.0
    max_extra_hours = 12.0
    relax_below = -0.03

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """One step tighter or looser."""
        extra = measures.extra_threshold_hours
        if pressure > 0.0:
            extra = min(extra + self.step_hours, self.max_extra_hours)
        elif pressure < self.relax_below:
            extra = max(extra - self.step_hours, 0.0)
        return dataclasses.replace(measures, extra_threshold_hours=extra)


@RATIONING_RESPONSES.register("freeze_fees")
class FreezeFees(RationingResponse):
    """Hold provider fees at this year's rates while an overspend looms."""

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """Freeze next April's fee uplift when under pressure."""
        return dataclasses.replace(measures, fees_frozen=pressure > 0.0)


@RATIONING_RESPONSES.register("staged")
class Staged(RationingResponse):
    """What councils report doing first when the care they have assessed people as needing
    outruns the budget (their commitments and the care their brokers hold back for money):
    freeze hiring (social workers and brokers who leave are not replaced) and let the funding
    panel sit only every other week. Eligibility is not changed: the brokers already hold back
    care for people at home that the council cannot afford, and that waiting list, from which
    people give up or die, is the rationing, as councils' own waiting lists show. Both
    measures end when that demand fits within the budget again.

    The measures fall on hospital patients as well as people at home: fewer staff and fewer
    panel sittings mean longer waits for assessments, packages and decisions.
    """

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """Freeze hiring and slow the panel while under pressure."""
        under_pressure = pressure > 0.0
        return dataclasses.replace(
            measures,
            hiring_freeze=under_pressure,
            panel_interval_weeks=2 if under_pressure else 1,
        )


@RATIONING_RESPONSES.register("graded")
class Graded(RationingResponse):
    """The staged measures, with the hiring freeze as deep as the shortfall: while the care
    the council has assessed outruns its budget by a share ``pressure``, it leaves vacant at
    most that share of its social worker and broker posts (and never more than
    ``council.hiring_freeze_vacancy_limit``), as a council asks each budget line for its
    share of the savings; the funding panel sits fortnightly, as under ``staged``.

    Why: under ``staged`` every measure is switched by the sign of the pressure alone, and a
    council whose brokers hold people at home for money is over its budget by that measure
    most of the time, so a deeper cut changed no measure (docs/model.md, Known limitations).
    Here a deeper shortfall means fewer staff in post, and longer waits for assessments and
    for the brokers who source packages, for hospital patients as for people at home.
    """

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """Freeze hiring to the shortfall's share of posts and slow the panel while under
        pressure."""
        under_pressure = pressure > 0.0
        return dataclasses.replace(
            measures,
            hiring_freeze=under_pressure,
            panel_interval_weeks=2 if under_pressure else 1,
            freeze_vacancy_share=max(pressure, 0.0),
        )


@RATIONING_RESPONSES.register("slow_assessments")
class SlowAssessments(RationingResponse):
    """Complete fewer assessments (a hiring freeze on social workers) while under pressure."""

    slowed = 0.7

    def respond(self, pressure: float, measures: Measures) -> Measures:
        """Assessment capacity at 70% while an overspend looms."""
        factor = self.slowed if pressure > 0.0 else 1.0
        return dataclasses.replace(measures, assessment_factor=factor)
