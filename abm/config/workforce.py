"""The workforce (``[workforce]``): pay, quitting, recruitment and staffing ratios."""

from __future__ import annotations

import dataclasses
import datetime as dt

from abm.params import param


@dataclasses.dataclass(frozen=True)
class WorkforceConfig:
    """Care workers, nurses and NHS healthcare assistants: pay, quitting and recruitment.

    Money is in real terms, at the price base (``prices.base``). Staffing ratios turn posts
    into capacity: home-care hours, care-home places and hospital beds can only be used with
    the staff to provide them.
    """

    pay_rule: str = param(
        "market",
        unit="policy",
        description="How care workers are paid: market, living_wage, nhs_parity, uplift, "
        "national_scale",
        source="lever",
        choices=("market", "living_wage", "nhs_parity", "uplift", "national_scale"),
    )
    pay_rise_paid_by: str = param(
        "fees",
        unit="policy",
        description="Who pays for a pay rule that raises care pay above the market: fees (the "
        "council and self-funders pay higher fees), providers (their margins; losses and exits "
        "follow), none (rejected unless the pay rule is market)",
        source="lever",
        choices=("fees", "providers", "none"),
    )
    national_living_wage_gbp: tuple[float, ...] = param(
        (11.44, 12.21),
        unit="GBP an hour",
        description="National Living Wage from April of each year from 2024 (the last value "
        "holds after)",
        source="PAY-07, PAY-08",
        evidence="PAY-07, PAY-08",
        kind="money",
        length=2,
    )
    wage_floor: str = param(
        "from_2024",
        unit="policy",
        description="The legal minimum pay: from_2024 (national_living_wage_gbp from each April "
        "from 2024, the first also before, as in the price base) or by_date (every National "
        "Minimum Wage and National Living Wage rate from the date it came into force since "
        "October 2009, in cash, deflated into the price base by prices.inflation; for runs "
        "before 2024)",
        source="lever",
        choices=("from_2024", "by_date"),
    )
    minimum_wage_history_gbp: tuple[float, ...] = param(
        (5.80, 5.93, 6.08, 6.19, 6.31, 6.50, 6.70, 7.20, 7.50, 7.83, 8.21, 8.72, 8.91, 9.50, 10.42),
        unit="GBP an hour (cash)",
        description="Under wage_floor = by_date: the top adult minimum wage in cash from 1 "
        "October 2009 to 2015 each October, then the National Living Wage each April from 2016 "
        "to 2023 (national_living_wage_gbp follows from April 2024)",
        source="Minimum wage by date in force, history inputs (MW-01 to MW-15)",
        evidence=", ".join(f"MW-{n:02d}" for n in range(1, 16)),
        kind="money",
        length=15,
    )
    real_living_wage_gbp: float = param(
        12.60,
        unit="GBP an hour",
        description="The voluntary Living Wage (floor under the living_wage pay rule)",
        source="assumption (Living Wage Foundation rate outside London, 2024-25)",
        kind="money",
    )
    initial_pay_premium: float = param(
        0.05,
        unit="share over the legal floor",
        description="Care employers' pay offer on the first simulated day, above the National "
        "Living Wage then in force (initial condition only: from then on each employer sets its "
        "own offer from its vacancies and fee income; under the nhs_parity and national_scale "
        "rules offers keep their premium over the floor, as the market rate that fees pay the "
        "difference from)",
        source="assumption (initial condition, about where employers' offers settle in the "
        "baseline; the warm-up lets them move)",
        minimum=0,
        maximum=1.0,
    )
    pay_response_to_vacancies: float = param(
        0.6,
        unit="share of the legal floor per unit of vacancy rate",
        description="Pay premium over the legal floor a care employer aims for per unit of its "
        "own vacancy rate (0.6: one post in ten vacant, 6% over the floor); an employer pays "
        "more while its vacancies are above what its present premium would justify, less while "
        "below, within the legal floor and what its fees can pay",
        source="calibrated (care-abm calibrate) to PAY-05 (a validation target, not an input); "
        "the default is an uncalibrated starting value",
        minimum=0,
        maximum=10.0,
    )
    pay_adjustment_speed: float = param(
        0.1,
        unit="share of the gap a month",
        description="Share of the gap between a care employer's offer and the pay its vacancies "
        "call for that it closes each month",
        source="assumption (pay is reviewed about once a year: 0.1 a month closes about "
        "two-thirds of a gap in a year)",
        kind="share",
    )
    nhs_band2_gbp: float = param(
        23615.0,
        unit="GBP a year",
        description="Agenda for Change band 2 (healthcare assistant)",
        source="PAY-09",
        evidence="PAY-09",
        kind="money",
    )
    nhs_band3_gbp: float = param(
        24071.0,
        unit="GBP a year",
        description="Agenda for Change band 3, under two years",
        source="PAY-10",
        evidence="PAY-10",
        kind="money",
    )
    nhs_band3_experienced_gbp: float = param(
        25674.0,
        unit="GBP a year",
        description="Agenda for Change band 3, two years or more",
        source="PAY-10 note",
        kind="money",
    )
    nhs_allowances_share: float = param(
        0.23,
        unit="share of basic pay",
        description="Unsocial-hours and other allowances on top of Agenda for Change basic pay "
        "for healthcare assistants (counted in the NHS scale that parity matches)",
        source="PAY-11 note: band 3 average total pay 14.12 an hour against basic 11.48 "
        "(derived: 14.12 / 11.48 - 1)",
        minimum=0,
    )
    nhs_nurse_gbp_per_hour: float = param(
        18.5,
        unit="GBP an hour",
        description="Pay of registered nurses (band 5, in the NHS and in nursing homes)",
        source="assumption (Agenda for Change band 5, 2024-25)",
        kind="money",
    )
    uplift: float = param(
        0.10,
        unit="share",
        description="Rise over market pay under the uplift pay rule",
        source="lever",
        minimum=0,
        maximum=2.0,
    )
    outside_wage_gbp: float = param(
        12.40,
        unit="GBP an hour",
        description="Pay in the best jobs outside health and care open to care workers and "
        "healthcare assistants (retail, hospitality): a leaver's option outside the sectors",
        source="assumption (a little above the National Living Wage)",
        kind="money",
    )
    hours_per_week: float = param(
        33.0,
        unit="hours a week",
        description="Contracted hours of a care worker or healthcare assistant",
        source="assumption",
        minimum=1,
    )
    home_care_contact_share: float = param(
        0.7,
        unit="share of paid hours",
        description="Share of a home-care worker's paid hours spent with clients (the rest is "
        "travel between visits and admin): an agency's hours are its workers' paid hours times "
        "this",
        source="assumption (travel and admin take about 30% of a home-care worker's paid hours)",
        kind="share",
    )
    care_home_staff_per_bed: float = param(
        0.95,
        unit="workers per occupied bed",
        description="Care workers a care home needs per resident",
        source="assumption",
        minimum=0,
    )
    nursing_home_nurses_per_bed: float = param(
        0.14,
        unit="nurses per occupied bed",
        description="Registered nurses a nursing home needs per resident",
        source="assumption",
        minimum=0,
    )
    hospital_hcas_per_bed: float = param(
        0.55,
        unit="healthcare assistants per bed",
        description="Healthcare assistants a general and acute bed needs",
        source="assumption",
        minimum=0,
    )
    hospital_nurses_per_bed: float = param(
        1.1,
        unit="nurses per bed",
        description="Registered nurses a general and acute bed needs",
        source="assumption",
        minimum=0,
    )
    care_quit_per_1000py: float = param(
        140.0,
        unit="per 1,000 worker-years",
        description="Quit hazard of an established care worker paid the same as their best "
        "outside option, with no vacancies around them",
        source="calibrated (care-abm calibrate) to WF-10 (a validation target, not an input); "
        "uncalibrated default 140: with the baseline's pay gaps and vacancies, care turnover near "
        "the 25-30% a year Skills for Care reports",
        minimum=0,
    )
    nhs_quit_per_1000py: float = param(
        110.0,
        unit="per 1,000 worker-years",
        description="Leaver rate of NHS staff",
        source="WF-22",
        evidence="WF-22",
        scale=10.0,
        minimum=0,
    )
    pay_gap_sensitivity: float = param(
        2.0,
        unit="per unit of relative pay gap",
        description="How strongly workers respond to relative pay: the quit hazard rises as "
        "exp(sensitivity x gap to the best outside pay), a leaver weighs each job on offer by "
        "exp(sensitivity x its pay relative to theirs), and a vacancy is filled faster when it "
        "pays more than the outside option",
        source="calibrated (care-abm calibrate); uncalibrated default 2: a job paying 10% more "
        "is chosen about 1.2 times as often, no published elasticity of care workers' quits or "
        "moves to pay gives it",
        minimum=0,
    )
    workload_sensitivity: float = param(
        1.5,
        unit="per unit of vacancy rate",
        description="How steeply the quit hazard rises with the employer's vacancy rate "
        "(more hours each for those who stay)",
        source="calibrated (care-abm calibrate); uncalibrated default 1.5: a tenth of posts "
        "vacant raises the hazard by 15%, a guess with no published figure behind it",
        minimum=0,
    )
    new_starter_hazard_ratio: float = param(
        1.8,
        unit="ratio",
        description="Quit hazard of workers in their first year",
        source="assumption (WF-12: turnover of domestic recruits well above the average)",
        minimum=0,
    )
    stay_in_sector_preference: float = param(
        3.3,
        unit="utility (log odds)",
        description="How much a leaver prefers another job in their own sector (social care, or "
        "the NHS) to one in the other sector at the same pay: familiar work, no retraining or "
        "new checks",
        source="calibrated (care-abm calibrate) to WF-16 and WF-23 (validation targets, not "
        "inputs); uncalibrated default: about two-thirds of care leavers stay in "
        "care when every option has vacancies at baseline pay",
        minimum=-20.0,
        maximum=20.0,
    )
    outside_preference: float = param(
        2.5,
        unit="utility (log odds)",
        description="How much a leaver prefers a job outside health and care (retail, "
        "hospitality) to one in the other sector at the same pay: more such jobs, regular hours, "
        "no care work",
        source="calibrated (care-abm calibrate) to WF-16 and WF-23 (validation targets, not "
        "inputs); uncalibrated default: about one in ten care workers leaving care "
        "goes to the NHS when it has vacancies at baseline pay",
        minimum=-20.0,
        maximum=20.0,
    )
    local_hire_per_month: float = param(
        0.07,
        unit="probability a vacancy is filled a month",
        description="Chance a vacancy is filled from the local labour market in a month, at "
        "pay equal to the outside option",
        source="assumption",
        kind="share",
    )
    nhs_hire_per_month: float = param(
        0.25,
        unit="probability a vacancy is filled a month",
        description="Chance an NHS vacancy (healthcare assistant or nurse) is filled in a month",
        source="assumption",
        kind="share",
    )
    international_recruitment: bool = param(
        True,
        unit="yes/no",
        description="Care employers recruit from abroad",
        source="lever",
    )
    international_per_1000_posts_month: float = param(
        4.0,
        unit="recruits a month per 1,000 care posts",
        description="International recruits arriving a month (into vacancies)",
        source="assumption",
        minimum=0,
    )
    visa_change_date: dt.date = param(
        dt.date(2025, 7, 22),
        unit="date",
        description="From this date international recruitment of care workers falls to "
        "visa_change_factor of its rate (the 2025 closure of the care worker visa route)",
        source="assumption (UK immigration rules, July 2025)",
    )
    visa_change_factor: float = param(
        0.2,
        unit="share",
        description="International recruitment after the visa change, as a share of before",
        source="assumption",
        kind="share",
    )
    international_quit_ratio: float = param(
        0.73,
        unit="ratio",
        description="Quit hazard of international recruits relative to domestic ones",
        source="WF-12 note (30% vs 41.1% turnover)",
        minimum=0,
    )
    on_cost_share: float = param(
        0.2,
        unit="share of pay",
        description="Employer's costs on top of pay (national insurance, pension, holiday)",
        source="assumption",
        minimum=0,
    )
    labour_cost_share: float = param(
        0.65,
        unit="share of fees",
        description="Share of a care fee that pays for care staff: with pay_rise_paid_by = "
        "fees, fees rise by this share of any rise in care pay above the market rate",
        source="assumption",
        kind="share",
    )
    intermediate_care_staff_per_bed: float = param(
        1.0,
        unit="workers per bed",
        description="Rehabilitation staff (therapy assistants and healthcare assistants, on NHS "
        "pay) an intermediate-care bed needs",
        source="assumption",
        minimum=0,
    )
    social_worker_pay_gbp: float = param(
        41000.0,
        unit="GBP a year",
        description="Salary of a council social worker (pay is set by the council's pay scale, "
        "not by the care pay rule)",
        source="assumption (about the middle of councils' social worker pay scales, 2024-25)",
        kind="money",
    )
    broker_pay_gbp: float = param(
        30000.0,
        unit="GBP a year",
        description="Salary of a council brokerage officer (finds home-care agencies and care "
        "homes for the people the council funds)",
        source="assumption (a council officer grade, 2024-25)",
        kind="money",
    )
    council_staff_quit_per_1000py: float = param(
        150.0,
        unit="per 1,000 worker-years",
        description="Leaver rate of council social workers and brokers (before the workload "
        "effect of vacancies)",
        source="assumption (council social worker turnover is reported in the mid-teens per "
        "cent a year)",
        minimum=0,
    )
    council_staff_hire_per_month: float = param(
        0.15,
        unit="probability a vacancy is filled a month",
        description="Chance a vacant council social worker or broker post is filled in a month "
        "(none while the council freezes hiring)",
        source="assumption",
        kind="share",
    )
    initial_fill: float = param(
        0.93,
        unit="share of posts",
        description="Posts filled on the first simulated day (initial condition only)",
        source="assumption",
        kind="share",
    )
