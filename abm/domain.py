"""The domain's vocabulary: places, care arrangements, delay reasons and responsible bodies.

Values are small integers so that residents' state can live in numpy arrays; the names are
the ones used in outputs and in the contract (``delay_reason_share.awaiting_care_home``).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Location(IntEnum):
    """Where a resident is. Every resident is in exactly one place."""

    COMMUNITY = 0
    CORRIDOR = 1
    HOSPITAL = 2
    INTERMEDIATE_CARE = 3
    CARE_HOME = 4
    DEAD = 5


class Care(IntEnum):
    """How a resident living at home is cared for."""

    NONE = 0
    WAITING = 1
    HOME_CARE = 2
    CARE_HOME = 3


class Funder(IntEnum):
    """Who pays for a resident's package or care-home place."""

    NONE = 0
    COUNCIL = 1
    SELF = 2
    NHS = 3

    @property
    def label(self) -> str:
        """The name used in outputs."""
        return self.name.lower()


class Frailty(IntEnum):
    """Electronic Frailty Index categories."""

    FIT = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3


class EventKind(IntEnum):
    """Resident events drawn in continuous time from hazards."""

    FRAILTY = 0
    ADMISSION = 1
    DEATH = 2
    REQUEST = 3
    REVIEW = 4
    RECOVERY = 5
    STOP_WAITING = 6
    CARER_BREAKDOWN = 7
    CARER_GAIN = 8
    SETTLED = 9


class Setting(IntEnum):
    """The circumstances that set a resident's hazards."""

    HOME = 0
    HOME_UNMET = 1
    HOME_WAITING = 2
    HOME_WITH_CARE = 3
    CARE_HOME = 4


class Body(IntEnum):
    """The organisation responsible for a delayed discharge (DToC attribution)."""

    NHS = 0
    SOCIAL_CARE = 1
    BOTH = 2

    @property
    def label(self) -> str:
        """The name used in outputs."""
        return self.name.lower()


class DelayReason(IntEnum):
    """Why a medically fit patient is still in a hospital bed."""

    AWAITING_ASSESSMENT = 0
    AWAITING_HOME_CARE = 1
    AWAITING_CARE_HOME = 2
    AWAITING_INTERMEDIATE_CARE = 3
    AWAITING_FUNDING_DECISION = 4
    PATIENT_OR_FAMILY_CHOICE = 5
    HOSPITAL_PROCESS = 6

    @property
    def label(self) -> str:
        """The name used in outputs."""
        return self.name.lower()


class Cause(IntEnum):
    """What a delayed patient is waiting for: a capacity (a queue for staff, beds or hours that
    someone funds) or a fixed process time (a real step that takes time whatever the capacity,
    such as a family visiting homes)."""

    QUEUE = 0
    PROCESS = 1

    @property
    def label(self) -> str:
        """The name used in outputs."""
        return self.name.lower()


class Pathway(IntEnum):
    """Discharge pathways of the discharge to assess model."""

    HOME = 0
    HOME_WITH_SUPPORT = 1
    BEDDED_REHAB = 2
    CARE_HOME = 3


class Purpose(StrEnum):
    """What a payment is for: every pound in the ledger has one."""

    ALLOCATION = "allocation"
    POOL_CONTRIBUTION = "pool_contribution"
    BUDGET_SPLIT = "budget_split"
    DEFICIT_COVER = "deficit_cover"
    HOSPITAL = "hospital"
    CONTINUING_HEALTHCARE = "continuing_healthcare"
    INTERMEDIATE_CARE = "intermediate_care"
    REABLEMENT = "reablement"
    HOME_CARE = "home_care"
    CARE_HOME = "care_home"
    SOCIAL_WORK = "social_work"
    PROVIDER_TRANSFER = "provider_transfer"
    OPERATING_COSTS = "operating_costs"
    GRANT = "grant"
    BALANCE_TRANSFER = "balance_transfer"


HEALTH_PURPOSES = frozenset(
    {Purpose.HOSPITAL, Purpose.CONTINUING_HEALTHCARE, Purpose.INTERMEDIATE_CARE}
)
SOCIAL_CARE_PURPOSES = frozenset(
    {Purpose.REABLEMENT, Purpose.HOME_CARE, Purpose.CARE_HOME, Purpose.SOCIAL_WORK}
)
