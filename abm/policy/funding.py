"""Funding arrangements: who holds the money, and what it may be spent on.

Government gives the council and the NHS the same allocations under every arrangement (so a
comparison is at the same total money). An arrangement decides three things:

- which ledger accounts hold budgets, and each one's budget for the financial year
  (:meth:`FundingArrangement.budgets`, each April);
- who pays for each purpose (:meth:`FundingArrangement.payer`);
- the monthly transfers that carry the allocations into those accounts
  (:meth:`FundingArrangement.monthly_transfers`) and what happens to a deficit at the year end
  (:meth:`FundingArrangement.year_end_transfers`).

Decisions then follow the budget a body actually faces: the council's rationing response and
its purchases of discharge support look at the account that pays for social care, and the
hospital's block contract comes out of the account that pays for health care.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from abm.domain import HEALTH_PURPOSES, SOCIAL_CARE_PURPOSES, Purpose
from abm.policy import Registry

if TYPE_CHECKING:
    from abm.config import FundingConfig

FUNDING_POOLS = Registry("funding pool")
ALLOCATION_RULES = Registry("allocation rule")

GOVERNMENT = "government"
COUNCIL = "council"
NHS = "nhs"
POOL = "pool"
INTEGRATED = "integrated"
INTEGRATED_CARE = "integrated.care"
INTEGRATED_HEALTH = "integrated.health"
MIN_SHARE = 0.05


@dataclasses.dataclass(frozen=True)
class Allocations:
    """What government gives each body for a financial year (GBP)."""

    council: float
    nhs: float

    @property
    def total(self) -> float:
        """Both together."""
        return self.council + self.nhs


@dataclasses.dataclass(frozen=True)
class LastYear:
    """What the last financial year cost, by sector (GBP), as allocation rules see it."""

    care_spend: float
    health_spend: float
    care_delay_cost: float = 0.0
    health_delay_cost: float = 0.0

    @property
    def care_share(self) -> float:
        """Social care's share of public spending (half when nothing was spent)."""
        total = self.care_spend + self.health_spend
        return self.care_spend / total if total > 0 else 0.5


Transfer = tuple[str, str, Purpose, float]


class FundingArrangement:
    """Who holds which budget and who pays for what."""

    name: str
    accounts: tuple[str, ...] = ()
    care_holder = COUNCIL
    health_holder = NHS
    discharge_holder = COUNCIL

    def __init__(self, params: FundingConfig) -> None:
        self.params = params

    def update(self, params: FundingConfig) -> None:
        """New parameter values after a scheduled change (the arrangement itself is fixed)."""
        self.params = params

    def payer(self, purpose: Purpose) -> str:
        """The account that pays for ``purpose``."""
        if purpose in SOCIAL_CARE_PURPOSES:
            return self.care_holder
        if purpose in HEALTH_PURPOSES:
            return self.health_holder
        raise ValueError(f"{purpose} is not paid for by a budget holder")

    def budgets(self, allocations: Allocations, last_year: LastYear) -> dict[str, float]:
        """Each budget-holding account's budget for the year (GBP)."""
        raise NotImplementedError

    def monthly_transfers(
        self, allocations: Allocations, budgets: dict[str, float]
    ) -> list[Transfer]:
        """One month's movements of allocated money: ``(payer, payee, purpose, gbp)``."""
        raise NotImplementedError

    def year_end_transfers(self, balances: dict[str, float]) -> list[Transfer]:
        """Transfers that close a budget's deficit at the year end (none by default: a body
        in deficit carries it, as a council draws on its reserves)."""
        return []


@FUNDING_POOLS.register("separate")
class Separate(FundingArrangement):
    """The council and the NHS each hold and spend their own budget."""

    accounts = (COUNCIL, NHS)

    def budgets(self, allocations: Allocations, last_year: LastYear) -> dict[str, float]:
        """Each body's allocation."""
        return {COUNCIL: allocations.council, NHS: allocations.nhs}

    def monthly_transfers(
        self, allocations: Allocations, budgets: dict[str, float]
    ) -> list[Transfer]:
        """A twelfth of each allocation."""
        return [
            (GOVERNMENT, COUNCIL, Purpose.ALLOCATION, allocations.council / 12),
            (GOVERNMENT, NHS, Purpose.ALLOCATION, allocations.nhs / 12),
        ]


@FUNDING_POOLS.register("pooled")
class Pooled(Separate):
    """A Better Care Fund style pool: the NHS and the council each pay a share of their
    allocation into a pool ring-fenced for discharge support (reablement after a hospital
    stay, on home-care hours the pool commissions); a deficit at the
    year end is covered as ``funding.pool_overspend`` says."""

    accounts = (COUNCIL, NHS, POOL)
    discharge_holder = POOL
    ring_fenced = frozenset({Purpose.REABLEMENT})

    def payer(self, purpose: Purpose) -> str:
        """The pool pays for its ring-fenced purposes."""
        if purpose in self.ring_fenced:
            return POOL
        return super().payer(purpose)

    def contributions(self, allocations: Allocations) -> tuple[float, float]:
        """The council's and the NHS's yearly contributions to the pool."""
        p = self.params
        return allocations.council * p.pool_council_share, allocations.nhs * p.pool_nhs_share

    def budgets(self, allocations: Allocations, last_year: LastYear) -> dict[str, float]:
        """Allocations less contributions, and the pool."""
        from_council, from_nhs = self.contributions(allocations)
        return {
            COUNCIL: allocations.council - from_council,
            NHS: allocations.nhs - from_nhs,
            POOL: from_council + from_nhs,
        }

    def monthly_transfers(
        self, allocations: Allocations, budgets: dict[str, float]
    ) -> list[Transfer]:
        """Allocations in, then a twelfth of each contribution into the pool."""
        from_council, from_nhs = self.contributions(allocations)
        return [
            *super().monthly_transfers(allocations, budgets),
            (COUNCIL, POOL, Purpose.POOL_CONTRIBUTION, from_council / 12),
            (NHS, POOL, Purpose.POOL_CONTRIBUTION, from_nhs / 12),
        ]

    def year_end_transfers(self, balances: dict[str, float]) -> list[Transfer]:
        """Contributors top up a pool in deficit."""
        deficit = -balances.get(POOL, 0.0)
        if deficit <= 0:
            return []
        rule = self.params.pool_overspend
        council_part = {
            "council": 1.0,
            "nhs": 0.0,
            "shared": self.params.pool_council_share
            / max(self.params.pool_council_share + self.params.pool_nhs_share, 1e-12),
        }[rule]
        return [
            (COUNCIL, POOL, Purpose.DEFICIT_COVER, deficit * council_part),
            (NHS, POOL, Purpose.DEFICIT_COVER, deficit * (1.0 - council_part)),
        ]


@FUNDING_POOLS.register("integrated")
class Integrated(FundingArrangement):
    """One health and care budget: both allocations go to one body, which splits them between
    care and health each April by its allocation rule (``funding.allocation``)."""

    accounts = (INTEGRATED, INTEGRATED_CARE, INTEGRATED_HEALTH)
    care_holder = INTEGRATED_CARE
    health_holder = INTEGRATED_HEALTH
    discharge_holder = INTEGRATED_CARE

    def __init__(self, params: FundingConfig) -> None:
        super().__init__(params)
        self.rule: AllocationRule = ALLOCATION_RULES.create(params.allocation, params)  # type: ignore[assignment]
        self.care_share = 0.5

    def update(self, params: FundingConfig) -> None:
        """New parameter values for the arrangement and its allocation rule."""
        super().update(params)
        self.rule.params = params

    def budgets(self, allocations: Allocations, last_year: LastYear) -> dict[str, float]:
        """The one budget, split by the allocation rule."""
        self.care_share = self.rule.care_share(last_year, allocations.total)
        return {
            INTEGRATED: allocations.total,
            INTEGRATED_CARE: allocations.total * self.care_share,
            INTEGRATED_HEALTH: allocations.total * (1.0 - self.care_share),
        }

    def monthly_transfers(
        self, allocations: Allocations, budgets: dict[str, float]
    ) -> list[Transfer]:
        """The allocations into the one budget, then its split."""
        return [
            (GOVERNMENT, INTEGRATED, Purpose.ALLOCATION, allocations.total / 12),
            (INTEGRATED, INTEGRATED_CARE, Purpose.BUDGET_SPLIT, budgets[INTEGRATED_CARE] / 12),
            (INTEGRATED, INTEGRATED_HEALTH, Purpose.BUDGET_SPLIT, budgets[INTEGRATED_HEALTH] / 12),
        ]


class AllocationRule:
    """How an integrated budget is split between social care and health each April."""

    name: str

    def __init__(self, params: FundingConfig) -> None:
        self.params = params

    def care_share(self, last_year: LastYear, total: float) -> float:
        """Social care's share of the budget for the coming year."""
        raise NotImplementedError


@ALLOCATION_RULES.register("last_year_shares")
class LastYearShares(AllocationRule):
    """As the money was spent last year: integration without reallocation."""

    def care_share(self, last_year: LastYear, total: float) -> float:
        """Last year's share of public spending that went on social care."""
        return last_year.care_share


@ALLOCATION_RULES.register("shortage")
class Shortage(AllocationRule):
    """Last year's shares, then money moves toward the service whose shortages cost more
    delayed bed-days: ``funding.shortage_shift`` of the gap in their cost each year."""

    def care_share(self, last_year: LastYear, total: float) -> float:
        """Last year's care share plus the shift, kept between 5% and 95%."""
        if total <= 0:
            return last_year.care_share
        gap = last_year.care_delay_cost - last_year.health_delay_cost
        share = last_year.care_share + self.params.shortage_shift * gap / total
        return min(max(share, MIN_SHARE), 1.0 - MIN_SHARE)


__all__ = [
    "ALLOCATION_RULES",
    "FUNDING_POOLS",
    "AllocationRule",
    "Allocations",
    "FundingArrangement",
    "LastYear",
]
