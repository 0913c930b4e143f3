"""Social care: the council, the care-home market and the home-care market (``[council]``,
``[care_homes]``, ``[home_care]``)."""

from __future__ import annotations

import dataclasses

from abm.params import param


@dataclasses.dataclass(frozen=True)
class CouncilConfig:
    """The council's adult social care: eligibility, means test, fees, budget and rationing."""

    eligibility_threshold: float = param(
        4.0,
        unit="hours a week",
        description="Smallest need, after what an unpaid carer gives, that the council meets",
        source="assumption (a stand-in for the Care Act eligibility criteria)",
        minimum=0,
    )
    means_test: str = param(
        "care_act",
        unit="policy",
        description="How residents contribute: care_act (capital limits), cap (lifetime cap on "
        "care costs), free_personal_care, universal (no means test)",
        source="lever",
        choices=("care_act", "cap", "free_personal_care", "universal"),
    )
    upper_capital_limit_gbp: float = param(
        23250.0,
        unit="GBP",
        description="Above this capital a resident pays the full cost of their care",
        source="MT-01",
        evidence="MT-01",
        kind="money",
    )
    lower_capital_limit_gbp: float = param(
        14250.0,
        unit="GBP",
        description="Below this capital a resident's capital is ignored",
        source="MT-02",
        evidence="MT-02",
        kind="money",
    )
    tariff_gbp_per_250: float = param(
        1.0,
        unit="GBP a week per 250 GBP",
        description="Weekly contribution from capital between the limits",
        source="MT-03",
        evidence="MT-03",
        kind="money",
    )
    lifetime_cap_gbp: float = param(
        86000.0,
        unit="GBP",
        description="Under the cap means test: what a resident pays over their lifetime before "
        "the council pays for their care",
        source="assumption (the cap legislated in 2021 and not implemented)",
        kind="money",
    )
    personal_care_share: float = param(
        0.35,
        unit="share of the care-home fee",
        description="Part of a care-home fee that is personal care (paid by the council under "
        "free_personal_care; the rest is accommodation)",
        source="assumption",
        kind="share",
    )
    home_care_fee_gbp_per_hour: float = param(
        23.26,
        unit="GBP an hour",
        description="Fee the council pays home-care agencies",
        source="HC-02 (UK average 2024-25)",
        evidence="HC-02",
        kind="money",
    )
    nursing_home_fee_gbp_per_week: float = param(
        1225.0,
        unit="GBP a week",
        description="Fee the council pays nursing homes",
        source="CH-11 note (LaingBuisson: council nursing fee)",
        kind="money",
    )
    care_home_fee_gbp_per_week: float = param(
        908.0,
        unit="GBP a week",
        description="Fee the council pays residential care homes",
        source="CH-11 (LaingBuisson, residential)",
        evidence="CH-11",
        kind="money",
    )
    fee_uplift: float = param(
        0.0,
        unit="share a year (real)",
        description="Real rise in the council's fee rates each April",
        source="lever",
        minimum=-0.5,
        maximum=1.0,
    )
    home_care_fee_setting: str = param(
        "wait_linked",
        unit="policy",
        description="What the council pays agencies when it cannot find one for the packages "
        "it has approved: wait_linked (a premium over the framework rate that follows how long "
        "the residents whose care the council arranges (not self-funders) have waited for an "
        "agency: none at half the sourcing standard or less, its most at one and a half times "
        "the standard, moving at most a step a month, and never raised while the budget is "
        "overcommitted or fees are frozen), spot_premium (a premium that rises a step a month "
        "while they wait longer than the standard, if the budget allows, and falls when they "
        "wait less than half of it), framework (the framework rate only)",
        source="lever",
        choices=("wait_linked", "spot_premium", "framework"),
    )
    sourcing_standard_days: float = param(
        14.0,
        unit="days",
        description="Under wait_linked and spot_premium: the mean wait for an agency the "
        "council aims to source packages within (wait_linked pays half its most premium at this "
        "wait; spot_premium raises its premium above it and lowers it below half of it)",
        source="assumption (a council's brokerage standard of two weeks to source a package)",
        minimum=0,
    )
    spot_premium_step: float = param(
        0.01,
        unit="share of the framework rate a month",
        description="Under wait_linked and spot_premium: the most the premium moves in a month",
        source="assumption",
        minimum=0,
        maximum=1.0,
    )
    spot_premium_max: float = param(
        0.22,
        unit="share of the framework rate",
        description="Under wait_linked and spot_premium: the most the council pays over its "
        "framework rate",
        source="HC-01 note: the Homecare Association's minimum price for 2022-23 (23.20 an "
        "hour) over councils' average fee then (19.01): 23.20 / 19.01 - 1",
        minimum=0,
        maximum=5.0,
    )
    budget_gbp: float = param(
        100_200_000.0,
        unit="GBP a year",
        description="Government's allocation for the council's adult social care for residents "
        "65+ in the first financial year (real terms, 2025 prices): what the council's staff "
        "and the care it buys must live within",
        source="DERIVED from England spending per resident 65+: councils' gross current "
        "expenditure on adult social care 2022-23 (23.65bn, ASC-15) x the 65+ share of "
        "long-term support spending (50.4%, ASC-16), uprated to 2025 by the National Living "
        "Wage (12.21 / 9.50, PAY-08 / PAY-12), x 68,000 / 10.4m",
        kind="money",
        area=True,
    )
    budget_change: float = param(
        0.0,
        unit="share a year (real)",
        description="Real change in the council's adult social care budget each April after "
        "the first financial year (-0.053 for the PAC's cut over 2010-2017, spread as the "
        "experiment chooses)",
        source="lever",
        minimum=-0.9,
        maximum=5.0,
    )
    rationing_response: str = param(
        "graded",
        unit="policy",
        description="What the council does when demand outruns its budget: graded (freeze "
        "hiring of social workers and brokers, leaving vacant at most the shortfall's share "
        "of posts, and the funding panel sits fortnightly), staged (as graded, but the freeze "
        "leaves every post that falls vacant empty, up to the vacancy limit, whatever the "
        "shortfall), tighten_eligibility, freeze_fees, slow_assessments, none",
        source="lever: graded by default since 8 December 2026 (a council asks each budget "
        "line for its share of the savings; under staged the freeze switched on the sign of "
        "the shortfall, and assessment delays came in bursts, docs/model.md)",
        choices=(
            "staged",
            "graded",
            "tighten_eligibility",
            "freeze_fees",
            "slow_assessments",
            "none",
        ),
    )
    review_per_1000py: float = param(
        1000.0,
        unit="per 1,000 package-years",
        description="Reviews of council-funded packages a year (a review re-applies the current "
        "eligibility threshold and resizes the package to need)",
        source="assumption (Care Act: reviews at least yearly)",
        minimum=0,
    )
    chc_probability_severe: float = param(
        0.12,
        unit="probability",
        description="Chance that a severely frail resident placed in a care home is found "
        "eligible for NHS continuing healthcare (the NHS pays)",
        source="assumption",
        kind="share",
    )
    staffing: str = param(
        "workload",
        unit="policy",
        description="How the council sizes its social work and brokerage teams and its funding "
        "panel: workload (each month, posts for the cases referred a week over the last "
        "quarter plus the waiting list cleared over a quarter, at assessments_per_social_"
        "worker_week and placements_per_broker_week, plus staffing_headroom; the panel decides "
        "every case before it at a sitting) or establishment (fixed posts social_workers and "
        "brokers; the panel decides up to panel_decisions_per_sitting a week). Either way a "
        "hiring freeze under budget pressure leaves leavers' posts vacant and the labour "
        "market fills the posts",
        source="lever; default workload (councils plan teams to their caseload; what limits "
        "them is money and recruitment). Under establishment the staff's capacity is posts x "
        "cases a worker takes on, a number that must not be fitted to the delays in front of "
        "it (docs/calibration.md, The fit)",
        choices=("workload", "establishment"),
    )
    staffing_headroom: float = param(
        0.15,
        unit="share of the posts the work needs",
        description="Under staffing = workload: posts funded beyond those the cases need, for "
        "leave, sickness, training and the ups and downs of referrals",
        source="assumption (NHS workforce planning allows about 20% of contracted time for "
        "leave, sickness and training; a little less here, as cases a worker takes on a week "
        "already average over the year)",
        minimum=-0.5,
        maximum=2.0,
    )
    social_workers: int = param(
        75,
        unit="posts",
        description="Social worker posts for older people the council funds (assessments and "
        "reviews), filled and emptied by the labour market: fixed under staffing = "
        "establishment, the first day's posts under staffing = workload",
        source="assumption (about 17,000 social workers in councils' adult services in England, "
        "about two thirds of them working with older people, shared by 152 areas)",
        minimum=0,
        kind="count",
        area=True,
    )
    hiring_freeze_vacancy_limit: float = param(
        0.2,
        unit="share of posts",
        description="Most of its funded social worker and broker posts a council leaves vacant "
        "under a hiring freeze (a rationing measure); beyond it, leavers are replaced",
        source="assumption (a council cannot leave its statutory assessment and brokerage "
        "duties unstaffed; adult social care vacancy rates in councils run at 7-12%, Skills "
        "for Care)",
        kind="share",
    )
    assessments_per_social_worker_week: float = param(
        2.5,
        unit="assessments a week",
        description="Needs assessments one social worker in post can take on a week, besides "
        "reviews and other casework",
        source="assumption (about two and a half a week). Not fitted: under staffing = "
        "workload it sets how many posts the work needs (their number and cost), not the "
        "queue; under establishment it makes, with the posts, the team's capacity, and a "
        "capacity fitted to the delays in front of it sets them",
        minimum=0,
    )
    brokers: int = param(
        10,
        unit="posts",
        description="Brokerage officer posts the council funds (finding agencies for packages "
        "and homes for placements of the residents it funds)",
        source="assumption",
        minimum=0,
        kind="count",
        area=True,
    )
    placements_per_broker_week: float = param(
        6.0,
        unit="packages or placements a week",
        description="Packages and placements one broker in post can arrange a week",
        source="assumption (not fitted, like assessments_per_social_worker_week)",
        minimum=0,
    )
    panel_weekday: int = param(
        2,
        unit="day of the week (0 Monday)",
        description="The day the funding panel sits each week",
        source="assumption (panels typically meet weekly)",
        minimum=0,
        maximum=6,
    )
    panel_decisions_per_sitting: float = param(
        8.0,
        unit="decisions a sitting",
        description="Under staffing = establishment: care-home funding decisions (council "
        "funding, NHS continuing healthcare) the panel can make a week of sittings",
        source="assumption (not fitted, like assessments_per_social_worker_week)",
        minimum=0,
        area=True,
    )
    referral_priority: str = param(
        "hospital_first_with_limit",
        unit="policy",
        description="Order in which every queue (assessments, panel, brokers, agencies, care "
        "homes, intermediate care) serves hospital discharges and people at home: in_order "
        "(first come first served), hospital_first (hospital discharges always first), "
        "hospital_first_with_limit (hospital first, but people at home who have waited "
        "community_wait_limit_days take turns with hospital discharges, one for one, so nobody "
        "waits indefinitely)",
        source="lever",
        choices=("in_order", "hospital_first", "hospital_first_with_limit"),
    )
    community_wait_limit_days: float = param(
        28.0,
        unit="days",
        description="Under hospital_first_with_limit: the wait after which a person at home "
        "takes turns with hospital discharges",
        source="lever (assumption: four weeks)",
        minimum=0,
    )


@dataclasses.dataclass(frozen=True)
class CareHomeMarketConfig:
    """Care-home providers: their size, costs, private fees, reserves, exits and entries."""

    older_people_share: float = param(
        0.821,
        unit="share of places",
        description="Share of the area's care-home places (capacity.care_home_beds) used by "
        "residents 65+; younger adults, whom the model does not have, use the rest",
        source="POP-06 (Census 2021: 82.1% of care-home residents were aged 65+)",
        evidence="POP-06",
        scale=0.01,
        kind="share",
    )

    nursing_share: float = param(
        0.49,
        unit="share of beds",
        description="Share of care-home beds in nursing homes (the severely frail need one; "
        "others need a residential home)",
        source="CH-02",
        evidence="CH-02",
        scale=0.01,
        kind="share",
    )
    nursing_extra_cost_gbp_per_week: float = param(
        60.0,
        unit="GBP a week",
        description="Extra non-staff cost of a nursing-home resident (clinical supplies); the "
        "nurses are on the wage bill",
        source="assumption",
        kind="money",
    )
    beds_per_home: int = param(
        45,
        unit="beds",
        description="Beds in a typical care home (the area's beds are split into homes)",
        source="assumption (about 455,000 places in about 10,000 homes in England)",
        minimum=1,
    )
    cost_per_resident_gbp_per_week: float = param(
        300.0,
        unit="GBP a week",
        description="Costs that follow residents other than staff (food, consumables, "
        "laundry); staff are paid from the wage bill of the home's workers",
        source="assumption",
        kind="money",
    )
    cost_per_bed_gbp_per_week: float = param(
        190.0,
        unit="GBP a week",
        description="Costs of a bed whether filled or not (building, capital, management)",
        source="assumption",
        kind="money",
    )
    target_margin: float = param(
        0.08,
        unit="share of costs",
        description="Margin a home aims for when it sets its private fee",
        source="assumption",
        minimum=-0.5,
        maximum=2.0,
    )
    max_private_premium: float = param(
        0.8,
        unit="share over the council fee",
        description="Most a home can charge self-funders above the council fee",
        source="assumption",
        minimum=0,
        maximum=5.0,
    )
    self_funder_reserve_beds: int = param(
        1,
        unit="beds",
        description="Free beds a home keeps for self-funders rather than offer to residents "
        "the council or the NHS pays for",
        source="assumption (CMA care homes market study: homes prefer self-funders, who pay more)",
        minimum=0,
    )
    initial_reserves_months: float = param(
        6.0,
        unit="months of costs",
        description="Reserves a home starts with",
        source="assumption",
        minimum=0,
    )
    entry_margin: float = param(
        0.04,
        unit="share of revenue",
        description="Margin on revenue a provider asks of a new home: one opens when the "
        "residents waiting beyond the market's empty beds, on average over the last 12 months, "
        "would fill enough of it to earn this at the fee the market was paid per resident and "
        "today's pay for a full staff",
        source="assumption: half the margin on revenue that homes aim for (a target of 8% of "
        "costs is 7.4% of revenue), as an owner building a home expects it to fill over its "
        "first years",
        minimum=-1.0,
        maximum=1.0,
    )
    entry_lag_months: int = param(
        18,
        unit="months",
        description="Time from the decision to open a home to its opening",
        source="assumption (planning and building)",
        minimum=0,
    )
    nhs_fee_gbp_per_week: float = param(
        1225.0,
        unit="GBP a week",
        description="Fee the NHS pays for a continuing-healthcare placement",
        source="CH-11 note (council nursing fee, LaingBuisson)",
        kind="money",
    )


@dataclasses.dataclass(frozen=True)
class HomeCareMarketConfig:
    """Home-care agencies."""

    agencies: int = param(
        12,
        unit="agencies",
        description="Agencies in the area on the first day (they may exit and others enter)",
        source="assumption",
        minimum=1,
    )
    overhead_gbp_per_hour: float = param(
        3.0,
        unit="GBP an hour",
        description="An agency's non-wage cost of an hour of care delivered (management, "
        "mileage, training); wages come from its workers' pay",
        source="assumption (HC-01 note: direct staff cost about 16.57 of a 19.01 fee in 2022)",
        kind="money",
    )
    private_margin: float = param(
        0.3,
        unit="share of cost",
        description="Margin agencies add to their cost for self-funders' hourly rate",
        source="assumption",
        minimum=0,
        maximum=5.0,
    )
    initial_reserves_months: float = param(
        3.0,
        unit="months of costs",
        description="Reserves an agency starts with",
        source="assumption",
        minimum=0,
    )
    growth_margin: float = param(
        0.0,
        unit="share of revenue",
        description="Margin over the last three months at which an agency plans for all the "
        "work it does not yet staff for; below it, for a share in proportion to its margin "
        "(none at break-even)",
        source="calibrated (care-abm calibrate); the default: agencies grow fully while they "
        "make money",
        minimum=-1.0,
        maximum=1.0,
    )
    spare_capacity_share: float = param(
        0.05,
        unit="share of planned hours",
        description="Hours an agency staffs for beyond its packages and the work waiting "
        "(cover for sickness, holidays and new packages)",
        source="assumption",
        minimum=0,
        maximum=1.0,
    )
    entry_margin: float = param(
        0.05,
        unit="share of revenue",
        description="Market margin over the last 12 months above which a new agency opens "
        "(while people are waiting for packages)",
        source="assumption",
        minimum=-1.0,
        maximum=1.0,
    )
    entry_lag_months: int = param(
        3,
        unit="months",
        description="Time from the decision to open an agency to its opening (registration)",
        source="assumption",
        minimum=0,
    )
    new_agency_hours: float = param(
        400.0,
        unit="hours a week",
        description="Hours a new agency first staffs for",
        source="assumption",
        minimum=0,
    )
