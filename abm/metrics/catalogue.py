"""The KPIs of the contract, declared in order (:data:`KPIS`; the outputs list them in this
order), each with its label, unit and how it is computed, and :func:`compute_kpis`, which
computes them all for one replication."""

from __future__ import annotations

from abm.metrics.daily import BODIES, BODIES_BY_REASON, CAUSES, REASONS
from abm.metrics.kpis import (
    Kpi,
    _divide,
    _fee_premium,
    _later_than_ready,
    _long_term_council_care,
    _mean,
    _mean_delay,
    _mean_ratio,
    _per_1000_residents_year,
    _per_year,
    _queue_wait,
    _ratio_of_sums,
    _reported,
    _resident_share_of_emergency_beds,
    _share_not,
    _share_of_delayed,
    _share_of_flows,
    _share_within_body,
    _transfers_a_year,
    _vacancy,
)
from abm.metrics.record import RunRecord
from abm.waits import QUEUES, STATISTICS

# Waits reported for hospital patients in every queue, and for people at home in theirs.
WAIT_KPIS = (
    ("queue_wait_days", "hospital patients", True, QUEUES),
    ("community_wait_days", "people at home", False, QUEUES[:5]),
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "emergency_admissions_per_1000",
        "Emergency admissions of residents 65+",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "resident_emergencies"),
    ),
    Kpi(
        "bed_occupancy",
        "General and acute bed occupancy",
        "share of open beds",
        _ratio_of_sums("beds_occupied", "beds_open"),
    ),
    Kpi(
        "delayed_patients",
        "Patients delayed in hospital",
        "patients a day (mean)",
        _mean("delayed"),
    ),
    Kpi(
        "delayed_bed_days", "Delayed bed days", "bed days a year", lambda r: _per_year(r, "delayed")
    ),
    Kpi(
        "delayed_share_of_occupied_beds",
        "Delayed patients as a share of occupied beds",
        "share",
        _ratio_of_sums("delayed", "beds_occupied"),
    ),
    Kpi(
        "mean_delay_days",
        "Days from medically fit to discharge",
        "days (mean over patients becoming fit)",
        _mean_delay,
    ),
    *(
        Kpi(
            f"delay_reason_share.{reason}",
            f"Delayed bed days: {reason.replace('_', ' ')}",
            "share of delayed bed days",
            _share_of_delayed(f"delayed.{reason}"),
        )
        for reason in REASONS
    ),
    *(
        Kpi(
            f"delay_attribution_share.{body}",
            f"Delayed bed days attributed to {body}",
            "share of delayed bed days",
            _share_of_delayed(f"delayed_by.{body}"),
        )
        for body in BODIES
    ),
    *(
        Kpi(
            f"delay_reason_share_of_{body.label}.{reason}",
            f"Delayed bed days attributed to {body.label.replace('_', ' ')}: "
            f"{reason.replace('_', ' ')}",
            f"share of delayed bed days attributed to {body.label.replace('_', ' ')}",
            _share_within_body(body, reason),
        )
        for body in BODIES_BY_REASON
        for reason in REASONS
    ),
    *(
        Kpi(
            f"delay_cause_share.{cause}",
            "Delayed bed days spent "
            + ("waiting for a capacity (a queue)" if cause == "queue" else "in fixed process time"),
            "share of delayed bed days",
            _share_of_delayed(f"delayed_cause.{cause}"),
        )
        for cause in CAUSES
    ),
    *(
        Kpi(
            f"{prefix}.{queue}.{statistic}",
            f"Wait of {who} for {queue.replace('_', ' ')}: {statistic}",
            f"days ({who} served after the warm-up)",
            _queue_wait(queue, statistic, from_hospital=from_hospital),
        )
        for prefix, who, from_hospital, queues in WAIT_KPIS
        for queue in queues
        for statistic in STATISTICS
    ),
    Kpi(
        "held_for_funding",
        "People the council's brokers hold back for want of money",
        "people (mean of the monthly counts)",
        _mean("held_for_funding"),
    ),
    Kpi(
        "social_workers_in_post",
        "Council social workers in post",
        "people (mean)",
        _mean("social_workers_in_post"),
    ),
    Kpi(
        "brokers_in_post",
        "Council brokers in post",
        "people (mean)",
        _mean("brokers_in_post"),
    ),
    Kpi(
        "home_care_agencies",
        "Home-care agencies trading",
        "agencies (mean)",
        _mean("home_care_agencies"),
    ),
    Kpi(
        "home_care_agency_exits_per_year",
        "Home-care agencies leaving the market",
        "agencies a year",
        lambda r: _per_year(r, "home_care_agency_exits"),
    ),
    Kpi(
        "home_care_packages_handed_back_per_year",
        "Home-care packages handed back by agencies that cannot staff them",
        "packages a year",
        lambda r: _per_year(r, "home_care_packages_handed_back"),
    ),
    Kpi(
        "intermediate_care_beds_usable",
        "Intermediate-care beds usable (commissioned and staffed)",
        "beds (mean)",
        _mean("intermediate_care_beds_usable"),
    ),
    Kpi(
        "pool_from_council_gbp",
        "Money the council moved into a pooled or integrated budget",
        "GBP a year",
        lambda r: _transfers_a_year(r, "council"),
    ),
    Kpi(
        "pool_from_nhs_gbp",
        "Money the NHS moved into a pooled or integrated budget",
        "GBP a year",
        lambda r: _transfers_a_year(r, "nhs"),
    ),
    Kpi(
        "discharged_later_than_ready_share",
        "Residents not discharged on the day they became medically fit",
        "share of residents becoming fit (and discharged alive)",
        _later_than_ready,
    ),
    Kpi(
        "long_stay_delayed_for_care_at_home",
        "Residents in hospital 14+ days delayed awaiting an assessment or care at home",
        "patients a day (mean)",
        _mean("long_stay_delayed_for_care_at_home"),
    ),
    Kpi(
        "resident_share_of_emergency_bed_days",
        "Share of emergency bed days used by residents 65+",
        "share of emergency bed days (residents and under-65 emergencies)",
        _resident_share_of_emergency_beds,
    ),
    Kpi(
        "corridor_waits_per_day",
        "Emergency patients waiting for a bed (corridor care)",
        "patients a day (mean)",
        _mean("corridor"),
    ),
    Kpi(
        "emergencies_not_admitted_per_year",
        "Emergencies sent home from the emergency department because the hospital was full",
        "patients a year (residents and under-65s)",
        lambda r: (
            _per_year(r, "resident_emergencies_not_admitted")
            + _per_year(r, "background_emergencies_not_admitted")
        ),
    ),
    Kpi(
        "care_home_occupancy",
        "Care-home occupancy",
        "share of beds",
        _ratio_of_sums("care_home_residents", "care_home_beds"),
    ),
    Kpi(
        "unmet_need_share_65plus",
        "Residents 65+ with care need that nobody meets",
        "share of residents 65+",
        _ratio_of_sums("unmet_need", "residents"),
    ),
    Kpi(
        "self_funder_share_care_homes",
        "Care-home residents paying the whole fee themselves",
        "share of care-home residents",
        _ratio_of_sums("care_home_self_funders", "care_home_residents"),
    ),
    Kpi(
        "council_spend_gbp",
        "Public spending on social care for residents 65+ (by the council, or the pool or "
        "integrated budget in its place)",
        "GBP a year",
        lambda r: _per_year(r, "council_spend_gbp"),
    ),
    Kpi(
        "long_term_support_spend_gbp",
        "Spending on long-term care arranged by the council for residents 65+ (packages and "
        "placements, with residents' means-tested contributions; gross, as councils report "
        "it)",
        "GBP a year",
        lambda r: _per_year(r, "long_term_support_spend_gbp"),
    ),
    Kpi(
        "private_spend_gbp",
        "Residents' own spending on care (self-funders' fees and means-tested contributions)",
        "GBP a year",
        lambda r: _per_year(r, "private_spend_gbp"),
    ),
    Kpi(
        "self_funder_fees_gbp",
        "Self-funders' fees (part of residents' own spending)",
        "GBP a year",
        lambda r: _per_year(r, "self_funder_fees_gbp"),
    ),
    Kpi(
        "nhs_spend_gbp",
        "NHS spending: the hospital, intermediate care and continuing healthcare",
        "GBP a year",
        lambda r: _per_year(r, "nhs_spend_gbp"),
    ),
    Kpi(
        "public_spend_gbp",
        "Public spending on health and social care (the two above)",
        "GBP a year",
        lambda r: _per_year(r, "council_spend_gbp") + _per_year(r, "nhs_spend_gbp"),
    ),
    Kpi(
        "spend_per_resident_65plus_gbp",
        "Public and private spending per resident 65+",
        "GBP per resident 65+ a year",
        lambda r: _divide(
            sum(
                _per_year(r, c) for c in ("council_spend_gbp", "nhs_spend_gbp", "private_spend_gbp")
            ),
            float(_reported(r)["residents"].mean()),
        ),
    ),
    Kpi(
        "delayed_bed_day_cost_gbp",
        "Cost of delayed bed days (at nhs.delayed_bed_day_cost_gbp a night)",
        "GBP a year",
        lambda r: _per_year(r, "delayed") * r.unit_costs["delayed_bed_day"],
    ),
    Kpi(
        "corridor_cost_gbp",
        "Cost of corridor care (at nhs.corridor_day_cost_gbp a day)",
        "GBP a year",
        lambda r: _per_year(r, "corridor") * r.unit_costs["corridor_day"],
    ),
    Kpi(
        "cancelled_elective_cost_gbp",
        "Cost of cancelled planned admissions (at nhs.cancelled_elective_cost_gbp each)",
        "GBP a year",
        lambda r: _per_year(r, "electives_cancelled") * r.unit_costs["cancelled_elective"],
    ),
    Kpi(
        "capital_drawn_gbp",
        "Residents' capital spent on care",
        "GBP a year",
        lambda r: _per_year(r, "capital_drawn_gbp"),
    ),
    Kpi(
        "spent_down_to_council",
        "Self-funders whose capital fell to the upper limit, so the council pays",
        "residents a year",
        lambda r: _per_year(r, "spent_down_to_council"),
    ),
    Kpi(
        "discharge_support_hours",
        "Home-care hours a week bought for hospital discharges with spare care money",
        "hours a week (mean over days)",
        _mean("discharge_support_hours"),
    ),
    Kpi(
        "hospital_funded_share",
        "Share of the hospital's beds its contract pays for",
        "share (mean over days)",
        _mean("hospital_funded_share"),
    ),
    Kpi(
        "provider_exits",
        "Care homes closing because their reserves ran out",
        "homes a year",
        lambda r: _per_year(r, "care_home_exits"),
    ),
    Kpi(
        "care_home_private_fee_premium",
        "Self-funders' fee above the council's care-home fee",
        "share of the council fee (mean over days)",
        _fee_premium,
    ),
    Kpi(
        "assessment_queue",
        "Residents waiting for a needs assessment",
        "people a day (mean)",
        _mean("assessment_queue"),
    ),
    Kpi(
        "assessment_wait_days",
        "Wait from joining the queue to a completed needs assessment",
        "days (mean over completed assessments)",
        _ratio_of_sums("assessment_wait_days", "assessment_waits_completed"),
    ),
    Kpi(
        "care_home_market_margin",
        "Care homes' margin over the previous twelve months",
        "share of revenue (mean over days)",
        _mean("care_home_market_margin"),
    ),
    Kpi(
        "not_eligible_share",
        "Completed needs assessments that found the resident not eligible (self-funders "
        "below the threshold, who are not assessed, are in neither count)",
        "share of completed assessments",
        _ratio_of_sums("not_eligible", "assessments_completed"),
    ),
    Kpi(
        "council_budget_pressure",
        "Council's budget pressure: what its commitments and the care it holds back for money "
        "cost a year, over (+) or under (-) its budget",
        "share of budget (mean over days)",
        _mean("council_budget_pressure"),
    ),
    Kpi(
        "care_vacancy_rate",
        "Vacant care posts (home care and care homes, care workers and nurses)",
        "share of posts",
        _vacancy("care_posts", "care_staff"),
    ),
    Kpi(
        "home_care_vacancy_rate",
        "Vacant home-care worker posts",
        "share of posts",
        _vacancy("home_care_posts", "home_care_staff"),
    ),
    Kpi(
        "care_turnover_rate",
        "Care workers leaving their employer",
        "share of care staff a year",
        lambda r: _divide(_per_year(r, "care_leavers"), float(_reported(r)["care_staff"].mean())),
    ),
    Kpi(
        "nhs_hca_vacancy_rate",
        "Vacant NHS healthcare-assistant posts",
        "share of posts",
        _vacancy("hca_posts", "hca_staff"),
    ),
    Kpi(
        "care_to_nhs_per_year",
        "Care workers leaving care for NHS healthcare-assistant jobs",
        "people a year",
        lambda r: _per_year(r, "care_to_nhs"),
    ),
    Kpi(
        "care_leave_sector_share",
        "Care workers leaving their employer who leave social care (for the NHS or other work)",
        "share of care leavers",
        _share_of_flows(("care_to_nhs", "care_to_outside"), ("care_leavers",)),
    ),
    Kpi(
        "care_leavers_to_nhs_share",
        "Care workers leaving social care who take NHS healthcare-assistant posts",
        "share of those leaving social care",
        _share_of_flows(("care_to_nhs",), ("care_to_nhs", "care_to_outside")),
    ),
    Kpi(
        "nhs_to_care_per_year",
        "NHS healthcare assistants leaving for social care",
        "people a year",
        lambda r: _per_year(r, "nhs_to_care"),
    ),
    Kpi(
        "international_recruits_per_year",
        "Care workers recruited from abroad",
        "people a year",
        lambda r: _per_year(r, "hires_international"),
    ),
    Kpi(
        "care_worker_pay_gbp",
        "Care workers' hourly pay",
        "GBP an hour (mean)",
        _mean("care_worker_pay_gbp"),
    ),
    Kpi(
        "care_hca_pay_gap_gbp",
        "NHS healthcare assistants' pay above care workers'",
        "GBP an hour (mean)",
        lambda r: float((_reported(r)["hca_pay_gbp"] - _reported(r)["care_worker_pay_gbp"]).mean()),
    ),
    Kpi(
        "home_care_hours_undelivered_share",
        "Commissioned home-care hours not delivered for lack of staff",
        "share of commissioned hours",
        _share_not("home_care_hours_delivered", "home_care_hours_used"),
    ),
    Kpi(
        "deaths_per_1000",
        "Deaths of residents 65+",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "deaths"),
    ),
    Kpi(
        "care_home_deaths_per_resident_year",
        "Deaths of care-home residents",
        "per resident-year in a care home",
        lambda r: _divide(
            _per_year(r, "care_home_deaths"), float(_reported(r)["care_home_residents"].mean())
        ),
    ),
    Kpi(
        "elective_cancellations_per_year",
        "Elective admissions cancelled for lack of a bed",
        "admissions a year",
        lambda r: _per_year(r, "electives_cancelled"),
    ),
    Kpi(
        "readmission_30d_rate",
        "Emergency admissions within 30 days of a discharge",
        "share of resident emergency admissions",
        _ratio_of_sums("readmissions_30d", "resident_emergencies"),
    ),
    Kpi(
        "readmission_30d_rate_75plus",
        "Emergency admissions of residents 75+ within 30 days of a discharge",
        "share of emergency admissions of residents 75+",
        _ratio_of_sums("readmissions_30d_75plus", "resident_emergencies_75plus"),
    ),
    Kpi(
        "care_home_share_65plus",
        "Residents 65+ living in a care home",
        "share of residents 65+",
        _ratio_of_sums("care_home_residents", "residents"),
    ),
    Kpi(
        "home_care_users",
        "Residents 65+ receiving home care (council-funded, self-funded and reablement)",
        "people a day (mean)",
        _mean("home_care_packages"),
    ),
    Kpi(
        "council_long_term_care_users",
        "Residents 65+ in council-funded long-term care (home care or a care home; "
        "reablement excluded)",
        "people a day (mean)",
        _long_term_council_care,
    ),
    Kpi(
        "reablement_per_1000",
        "Hospital discharges home with reablement",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "reablement_discharges"),
    ),
    Kpi(
        "care_pay_premium_over_legal_floor",
        "Care workers' hourly pay above the National Living Wage",
        "share of the National Living Wage (mean over days)",
        lambda r: float(
            _mean_ratio(_reported(r)["care_worker_pay_gbp"], _reported(r)["legal_floor_gbp"]) - 1.0
        ),
    ),
    Kpi(
        "home_care_utilisation",
        "Home-care hours in use",
        "share of hours",
        _ratio_of_sums("home_care_hours_used", "home_care_hours_capacity"),
    ),
    Kpi(
        "waiting_for_care_at_home",
        "Residents waiting at home for care they asked for",
        "people a day (mean)",
        _mean("waiting_for_care_at_home"),
    ),
    Kpi(
        "care_requests_per_1000",
        "Requests for care from residents at home",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "care_requests"),
    ),
)

KPI_BY_NAME = {kpi.name: kpi for kpi in KPIS}


def compute_kpis(record: RunRecord) -> dict[str, float]:
    """Every KPI for one replication."""
    return {kpi.name: kpi.compute(record) for kpi in KPIS}
