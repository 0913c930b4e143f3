"""The money: the NHS commissioner and who holds the budgets (``[nhs]``, ``[funding]``)."""

from __future__ import annotations

import dataclasses

from abm.params import param


@dataclasses.dataclass(frozen=True)
class NhsConfig:
    """The NHS commissioner (integrated care board): its budget, how it pays the hospital, and
    the unit costs of hospital outcomes."""

    budget_gbp: float = param(
        151_700_000.0,
        unit="GBP a year",
        description="Government's allocation for the NHS commissioner's spending on the services "
        "in the model (the acute hospital's general and acute beds, intermediate care, NHS "
        "continuing healthcare) in the first financial year (real terms, 2025 prices)",
        source="DERIVED from unit costs, not from the model's spending: the area's beds "
        "(BED-01 x 68,000 / 10.4m = 668) a night each at DD-18 (562): 137.1m; 50 "
        "intermediate-care beds at 1,750 a week: 4.6m; and 10m for continuing healthcare "
        "(assumption)",
        kind="money",
        area=True,
    )
    budget_growth: float = param(
        0.0,
        unit="share a year (real)",
        description="Real change in the NHS commissioner's budget each April",
        source="lever",
        minimum=-0.9,
        maximum=5.0,
    )
    hospital_payment: str = param(
        "block",
        unit="policy",
        description="How the commissioner pays the hospital: block (a fixed annual contract set "
        "each April from the budget; the hospital funds fewer beds when it falls short of last "
        "year's costs) or activity (a price per occupied bed-day; the commissioner carries the "
        "risk)",
        source="lever",
        choices=("block", "activity"),
    )
    bed_day_cost_gbp: float = param(
        562.0,
        unit="GBP a bed-night",
        description="Cost of an occupied acute bed for a night at the start (ward staff are paid "
        "as the workforce is; the rest is this figure less ward staff cost per bed); also the "
        "activity price",
        source="DD-18 (NHS England estimate)",
        evidence="DD-18",
        kind="money",
    )
    delayed_bed_day_cost_gbp: float = param(
        395.0,
        unit="GBP a night",
        description="Direct cost of a night in hospital for a patient whose discharge is delayed "
        "(prices the delayed bed-days in the outputs)",
        source="DD-17 (King's Fund)",
        evidence="DD-17",
        kind="money",
    )
    corridor_day_cost_gbp: float = param(
        562.0,
        unit="GBP a day",
        description="Cost of a day of corridor care (prices corridor waits in the outputs)",
        source="assumption: at least the cost of a bed-night (DD-18)",
        kind="money",
    )
    cancelled_elective_cost_gbp: float = param(
        562.0,
        unit="GBP an operation",
        description="Cost of a cancelled planned admission (a prepared bed-night and slot lost; "
        "prices cancellations in the outputs)",
        source="assumption: one bed-night (DD-18)",
        kind="money",
    )
    intermediate_care_gbp_per_week: float = param(
        1750.0,
        unit="GBP a bed-week",
        description="What the commissioner pays for an occupied short-term rehabilitation "
        "(intermediate care) bed",
        source="assumption: a nursing-home fee plus therapy",
        kind="money",
    )


@dataclasses.dataclass(frozen=True)
class FundingConfig:
    """Who holds the money: separate budgets, a Better Care Fund style pool, or one integrated
    health and care budget."""

    pool: str = param(
        "separate",
        unit="policy",
        description="separate (the council and the NHS each hold and spend their own budget), "
        "pooled (both pay a share into a pool ring-fenced for reablement and discharge support), "
        "integrated (one health and care budget split by an allocation rule)",
        source="lever",
        choices=("separate", "pooled", "integrated"),
    )
    pool_nhs_share: float = param(
        5.614 / 190.3,
        unit="share of the NHS budget",
        description="Under pooled: the NHS commissioner's contribution to the pool",
        source="DERIVED: BCF-03 minimum NHS contribution 5.614bn / NHS-01 DHSC spending 190.3bn "
        "(years differ)",
        evidence="BCF-03",
        scale=1 / 190.3,
        kind="share",
    )
    pool_council_share: float = param(
        0.05,
        unit="share of the council budget",
        description="Under pooled: the council's contribution to the pool",
        source="assumption (councils add grant money such as the improved BCF)",
        kind="share",
    )
    pool_overspend: str = param(
        "shared",
        unit="policy",
        description="Under pooled: who tops up a pool in deficit at the year end (shared in "
        "proportion to contributions, council, or nhs)",
        source="lever",
        choices=("shared", "council", "nhs"),
    )
    allocation: str = param(
        "last_year_shares",
        unit="policy",
        description="Under integrated: how the one budget is split between health and care each "
        "April: last_year_shares (as spent last year) or shortage (last year's shares, then money "
        "moves toward the service whose shortages cost more delayed bed-days)",
        source="lever",
        choices=("last_year_shares", "shortage"),
    )
    shortage_shift: float = param(
        0.5,
        unit="share of the cost gap",
        description="Under the shortage allocation: share of the gap in the cost of delayed "
        "bed-days (social care's minus the NHS's, at nhs.delayed_bed_day_cost_gbp) moved each "
        "April",
        source="assumption",
        minimum=0,
        maximum=5,
    )
    reserve_share: float = param(
        0.03,
        unit="share of the budget",
        description="Part of its budget a social care budget holder keeps in reserve; money "
        "beyond it and beyond its commitments buys discharge support (home-care hours for "
        "hospital discharges)",
        source="assumption",
        kind="share",
    )
