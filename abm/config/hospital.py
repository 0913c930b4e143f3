"""The hospital, how it plans discharges, and the services after it as plain capacities
(``[hospital]``, ``[discharge]``, ``[capacity]``)."""

from __future__ import annotations

import dataclasses

from abm.config.area import BASELINE_AREA_SHARE
from abm.params import param


@dataclasses.dataclass(frozen=True)
class HospitalConfig:
    """The local acute hospital's general and acute beds and their non-resident load."""

    beds: int = param(
        668,
        unit="beds",
        description="General and acute overnight beds",
        source="BED-01 England beds scaled to the area by its share of England's 65+ (x 68,000 "
        "/ 10.4m), rounded",
        evidence="BED-01",
        scale=BASELINE_AREA_SHARE,
        minimum=0,
        kind="count",
        area=True,
    )
    background_emergencies_per_day: float = param(
        38.0,
        unit="admissions a day",
        description="Emergency admissions of people under 65 (not modelled as residents)",
        source="calibrated (care-abm calibrate); uncalibrated default about 3.3m under-65 "
        "emergency admissions a year in England / 152 areas (HES)",
        minimum=0,
        area=True,
    )
    background_mean_los_days: float = param(
        3.2,
        unit="days",
        description="Mean length of stay of under-65 emergency admissions",
        source="assumption (HES)",
        minimum=0.1,
    )
    electives_per_weekday: float = param(
        30.0,
        unit="admissions a weekday",
        description="Planned overnight admissions booked each weekday (cancelled if no bed)",
        source="assumption (HES ordinary elective admissions scaled to the area)",
        minimum=0,
        area=True,
    )
    elective_mean_los_days: float = param(
        3.0,
        unit="days",
        description="Mean length of stay of elective admissions",
        source="assumption (HES)",
        minimum=0.1,
    )
    corridor_limit_share: float = param(
        0.05,
        unit="share of beds",
        description="Emergencies left waiting for a bed overnight (as a share of beds) above "
        "which the next day's emergencies are treated in the emergency department and sent "
        "home without admission",
        source="assumption (admission thresholds rise when a hospital is full)",
        minimum=0,
        maximum=1,
    )
    clinical_los_days: tuple[float, ...] = param(
        (4.5, 6.5, 9.0, 11.0),
        unit="days",
        description="Mean clinical length of stay of residents by frailty (admission to "
        "medically fit)",
        source="calibrated (care-abm calibrate); LOS-01 (4.9 days, all ages and admissions) is "
        "context",
        minimum=0.1,
        length=4,
    )
    los_shape: float = param(
        1.5,
        unit="gamma shape",
        description="Shape of the gamma clinical length-of-stay "
        "distribution (1 = exponential; larger = less spread)",
        source="assumption",
        minimum=0.1,
    )
    inpatient_death_probability: tuple[float, ...] = param(
        (0.02, 0.04, 0.07, 0.11),
        unit="probability a stay",
        description="Chance a resident's stay ends in death, by frailty",
        source="assumption",
        kind="share",
        length=4,
    )
    discharges_per_weekday: float = param(
        55.0,
        unit="discharges a day",
        description="Residents' discharges the hospital's ward teams can complete on a weekday "
        "(discharge summaries, medicines to take home, transport, therapy sign-off), for the "
        "beds its contract funds; a medically fit patient beyond it waits for the next day",
        source="calibrated (care-abm calibrate); the default is an uncalibrated starting value "
        "(about 1.25 times the baseline's residents' discharges a day)",
        minimum=0,
        area=True,
    )
    weekend_discharge_share: float = param(
        0.5,
        unit="share of a weekday's discharges",
        description="Discharges the ward teams can complete on a Saturday or Sunday, as a share "
        "of a weekday's (fewer pharmacists, therapists and senior doctors at weekends)",
        source="assumption (hospitals discharge roughly half as many patients a day at weekends "
        "as on weekdays)",
        kind="share",
    )


@dataclasses.dataclass(frozen=True)
class DischargeConfig:
    """How the hospital plans discharges and chooses a pathway from a patient's need."""

    referral_lead_days: int = param(
        3,
        unit="days",
        description="Days before a resident's expected medically-fit day that discharge "
        "planning starts: the pathway is chosen and assessments, funding decisions and care "
        "are asked for, so they can be ready on the day (0: only once fit)",
        source="calibrated (care-abm calibrate); uncalibrated default 3 days (the Care Act 2014 "
        "discharge rules ask hospitals to notify the council of a patient's care needs at "
        "least two days before the proposed discharge date)",
        minimum=0,
        maximum=30,
    )
    pathway_choice: str = param(
        "shorter_wait",
        unit="policy",
        description="What discharge planners do when the service a patient needs is full: "
        "shorter_wait (a patient who needs a rehabilitation bed or a care home goes home with "
        "care when home care would reach them sooner), as_needed (everyone waits for the "
        "pathway they need), wait_limits (home with care once the bed's or place's expected "
        "wait passes rehab_wait_limit_days or care_home_wait_limit_days)",
        source="lever; default shorter_wait ('home first': the hospital discharge guidance of "
        "2020-22 asks that patients go home with support wherever possible, and planners "
        "compare what each service can offer). It has no threshold to fit",
        choices=("shorter_wait", "as_needed", "wait_limits"),
    )
    rehab_wait_limit_days: float = param(
        7.0,
        unit="days",
        description="Under pathway_choice = wait_limits: the longest expected wait for an "
        "intermediate-care bed that planners accept; beyond it a patient who would go to "
        "bedded rehabilitation (pathway 2) goes home with support (pathway 1) instead",
        source="assumption, a week (the National Audit of Intermediate Care found a mean wait "
        "of 3 days for bed-based intermediate care in 2014/15). Never fitted: while the beds "
        "are full the waiting list settles at this limit times the beds' throughput, so the "
        "limit sets the delays awaiting intermediate care almost directly (the fit of 6 "
        "December 2026 put it at 35 days, and 77% of delayed days awaited intermediate care; "
        "docs/calibration.md, The fit)",
        minimum=0,
    )
    care_home_wait_limit_days: float = param(
        30.0,
        unit="days",
        description="Under pathway_choice = wait_limits: the longest expected wait for a "
        "care-home place that planners accept for a patient in hospital; beyond it a patient "
        "who would go to a care home (pathway 3) goes home with support first (pathway 1, "
        "'home first'), and may ask for a place from home",
        source="assumption, a month (discharge to assess: long-term care decisions are best "
        "made outside hospital). Never fitted, for the same reason as rehab_wait_limit_days",
        minimum=0,
    )

    pathway_shares_fit: tuple[float, ...] = param(
        (0.93, 0.06, 0.01, 0.0),
        unit="share of discharges",
        description="Pathways 0-3 for fit patients living at home",
        source="assumption, in line with the PATH-01..04 planning shares",
        kind="distribution",
        length=4,
    )
    pathway_shares_mild: tuple[float, ...] = param(
        (0.72, 0.24, 0.03, 0.01),
        unit="share of discharges",
        description="Pathways 0-3 for mildly frail patients living at home",
        source="assumption",
        kind="distribution",
        length=4,
    )
    pathway_shares_moderate: tuple[float, ...] = param(
        (0.45, 0.44, 0.07, 0.04),
        unit="share of discharges",
        description="Pathways 0-3 for moderately frail patients living at home",
        source="assumption",
        kind="distribution",
        length=4,
    )
    pathway_shares_severe: tuple[float, ...] = param(
        (0.28, 0.45, 0.12, 0.15),
        unit="share of discharges",
        description="Pathways 0-3 for severely frail patients living at home",
        source="assumption",
        kind="distribution",
        length=4,
    )


@dataclasses.dataclass(frozen=True)
class CapacityConfig:
    """Downstream services as plain capacities (councils, providers and staff replace them)."""

    assessment_mean_days: float = param(
        1.0,
        unit="days",
        description="Mean time from a social worker taking on a needs assessment to its "
        "completion (seeing the resident and family, the care plan): a fixed process time "
        "(the wait to be taken on is the queue for social workers)",
        source="assumption (a visit and a care plan take about a day of elapsed time once a "
        "social worker has the case; not fitted to delays)",
        minimum=0,
    )
    home_care_hours_per_week: float = param(
        0.0,
        unit="hours a week",
        description="Home-care hours the area's agencies are staffed for on the first day: the "
        "market's starting size, not a ceiling (agencies then hire, shed staff, exit and enter "
        "by demand, margins and the labour market); 0 sizes the agencies to the packages "
        "residents receive on the first day (every self-funder with eligible need, and those "
        "the council can fund within its budget), so the market starts near its steady state",
        source="assumption (an initial condition; HC-08's users are a validation target, not "
        "an input)",
        minimum=0,
        area=True,
    )
    home_care_start_factor: float = param(
        1.0,
        unit="ratio",
        description="Multiplies the home-care market's starting size (its care workers on the "
        "first day, sized by demand or by capacity.home_care_hours_per_week): 1.1 starts the "
        "agencies with 10% more staff than their packages need; after the first day the market "
        "sizes itself",
        source="lever (the lever response table's 'home-care starting size +10%')",
        minimum=0.1,
        maximum=10.0,
    )
    reablement_weeks: float = param(
        6.0,
        unit="weeks",
        description="Length of reablement: the package a hospital discharge with no previous "
        "care starts with",
        source="assumption (reablement is offered for up to six weeks, Care Act guidance)",
        minimum=0,
    )
    reablement_continue_probability: float = param(
        0.35,
        unit="probability",
        description="Chance that reablement turns into an ongoing home-care package",
        source="assumption (ASC-06, short-term support episodes, is a validation target to "
        "calibrate against, not an input)",
        kind="share",
    )
    intermediate_care_beds: int = param(
        50,
        unit="beds",
        description="Short-term bedded rehabilitation beds (pathway 2) commissioned by whoever "
        "pays for intermediate care (the NHS, or the pool or integrated budget): paid for "
        "whether full or not, usable as far as their staff allow",
        source="assumption (about 21 per 100,000 population, NAIC)",
        minimum=0,
        kind="count",
        area=True,
    )
    intermediate_care_mean_days: float = param(
        24.0,
        unit="days",
        description="Mean stay in intermediate care",
        source="assumption (NAIC)",
        minimum=0.1,
    )
    care_home_beds: int = param(
        2975,
        unit="beds",
        description="Residential and nursing care-home places in the area, for all ages "
        "(care_homes.older_people_share of them are for residents 65+)",
        source="CH-01 England places scaled by the area's share of England's 65+ (x 68,000 / "
        "10.4m), rounded",
        evidence="CH-01",
        scale=BASELINE_AREA_SHARE,
        minimum=0,
        kind="count",
        area=True,
    )
    care_home_initial_fill: float = param(
        0.88,
        unit="share of beds",
        description="Beds occupied on the first simulated day (an initial condition only; "
        "occupancy after that emerges)",
        source="assumption",
        kind="share",
    )
    care_home_initial_self_funder_weight: float = param(
        3.6,
        unit="ratio",
        description="How much likelier a resident the means test would make pay for their own "
        "care home is to be among the first day's care-home residents than one the council "
        "would fund, at the same frailty and age (an initial condition only: self-funders "
        "arrange their own places without waiting for the council's rationing, so they are "
        "over-represented among residents; after the first day the mix emerges)",
        source="assumption: set so that the first day's mix of funders is the calibrated "
        "baseline's own steady state with no demographic growth (population.stationary), "
        "found by fixed-point iteration (scripts/balance_first_day.py; docs/model.md, The "
        "first day)",
        minimum=0,
    )
    choice_probability: float = param(
        0.25,
        unit="probability a placement",
        description="Chance a care-home placement waits on the patient's or family's choice "
        "of home (a fixed process time: visits and a decision)",
        source="assumption (not fitted: the share of delays it causes is an outcome)",
        kind="share",
    )
    choice_mean_days: float = param(
        5.0,
        unit="days",
        description="Mean extra wait when the patient or family chooses (visiting homes)",
        source="assumption (about a working week to visit homes and decide)",
        minimum=0,
    )
    grows_with_population: bool = param(
        True,
        unit="yes/no",
        description="Beds and service capacities grow in step with the number of residents 65+ "
        "(re-measured monthly, never below the configured values); false keeps them as "
        "configured while demand grows",
        source="assumption (a baseline in which services keep pace with demography)",
    )
