"""The daily table: its columns, in order, and the functions that build one day's row.

Every day the model adds one row of :data:`DAILY_COLUMNS` to its ``daily`` table (stocks at
the end of the day and flows during it); the order of the columns is the order of the outputs.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from abm.agents import tallies
from abm.agents.worker import MonthFlows, Role
from abm.domain import Body, Cause, DelayReason
from abm.waits import CAPACITY_COLUMNS, capacity_row

if TYPE_CHECKING:
    from abm.model import CareSystemModel

REASONS = [reason.label for reason in DelayReason]
FLOW_COLUMNS = tuple(f.name for f in dataclasses.fields(MonthFlows))
BODIES = [body.label for body in Body]
CAUSES = [cause.label for cause in Cause]
# Delayed days by reason within one responsible body (delayed transfers of care were published
# as reason shares of each body's delays).
BODIES_BY_REASON = (Body.NHS, Body.SOCIAL_CARE)

# The names of the columns filled from arrays, made once (the daily row is built every day).
_DELAYED_COLUMNS = tuple(f"delayed.{reason}" for reason in REASONS)
_DELAYED_BY_COLUMNS = tuple(f"delayed_by.{body}" for body in BODIES)
_DELAYED_CAUSE_COLUMNS = tuple(f"delayed_cause.{cause}" for cause in CAUSES)
_DELAYED_WITHIN_BODY_COLUMNS = {
    body: tuple(f"delayed_{body.label}.{reason}" for reason in REASONS) for body in BODIES_BY_REASON
}

DAILY_COLUMNS: tuple[str, ...] = (
    "day",
    "date",
    "reported",
    *tallies.PEOPLE,
    "beds_open",
    "beds_occupied",
    "beds_occupied_by_residents",
    "delayed",
    *_DELAYED_COLUMNS,
    *_DELAYED_BY_COLUMNS,
    *_DELAYED_CAUSE_COLUMNS,
    "corridor",
    "resident_emergencies",
    "resident_emergencies_not_admitted",
    "background_emergencies",
    "background_emergencies_not_admitted",
    "readmissions_30d",
    "electives_booked",
    "electives_cancelled",
    "discharges",
    "deaths",
    "care_home_deaths",
    "inpatient_deaths",
    "arrivals_65",
    "arrivals_85plus",
    "care_requests",
    "stopped_waiting",
    "care_home_beds",
    "care_home_residents",
    "home_care_hours_capacity",
    "home_care_hours_used",
    "home_care_packages",
    "intermediate_care_beds",
    "intermediate_care_occupied",
    "assessment_queue",
    "home_care_queue",
    "care_home_queue",
    *tallies.CARE,
    "carer_breakdowns",
    "stopped_waiting_for_care",
    "not_eligible",
    "assessments_completed",
    "self_funders_arranging_care",
    "self_funders_below_threshold",
    "packages_started",
    "packages_ended_at_review",
    *tallies.CARE_HOME_FUNDERS,
    "care_homes_open",
    "care_home_exits",
    "care_home_entries",
    "care_home_residents_moved",
    "care_home_residents_unplaced",
    "care_home_private_fee_gbp",
    "council_care_home_fee_gbp",
    "care_home_market_margin",
    "assessment_waits_completed",
    "assessment_wait_days",
    "intermediate_care_leavers",
    "intermediate_care_to_package_request",
    "intermediate_care_to_care_home_request",
    "council_home_care_fee_gbp",
    "care_home_reserves_gbp",
    "council_spend_gbp",
    "private_spend_gbp",
    "self_funder_fees_gbp",
    "long_term_support_spend_gbp",
    "nhs_spend_gbp",
    "council_budget_gbp",
    "council_budget_pressure",
    "discharge_support_hours",
    "reablement_hours",
    "capital_drawn_gbp",
    "spent_down_to_council",
    "hospital_funded_share",
    "eligibility_threshold_hours",
    "care_posts",
    "care_staff",
    "home_care_posts",
    "home_care_staff",
    "hca_posts",
    "hca_staff",
    "ward_nurse_posts",
    "ward_nurse_staff",
    *FLOW_COLUMNS,
    "care_worker_pay_gbp",
    "hca_pay_gbp",
    "home_care_hours_delivered",
    "beds_funded",
    "background_emergency_beds",
    "resident_emergencies_75plus",
    "readmissions_30d_75plus",
    "reablement_discharges",
    "reablement_packages",
    "long_stay_delayed_for_care_at_home",
    "legal_floor_gbp",
    *(name for columns in _DELAYED_WITHIN_BODY_COLUMNS.values() for name in columns),
    *CAPACITY_COLUMNS,
)


def daily_row(model: CareSystemModel) -> dict[str, object]:
    """Today's row of the daily table."""
    hospital, today = model.hospital, model.hospital.today
    row: dict[str, object] = {
        "day": model.day,
        "date": model.date,
        "reported": model.reporting,
        **model.tallies.counts(),
        "beds_open": hospital.open_beds,
        "beds_occupied": hospital.occupied,
        "beds_occupied_by_residents": len(hospital.stays),
        "delayed": hospital.delayed,
        "corridor": len(hospital.corridor),
        "resident_emergencies": today.resident_emergencies,
        "resident_emergencies_not_admitted": today.resident_emergencies_not_admitted,
        "background_emergencies": today.background_emergencies,
        "background_emergencies_not_admitted": today.background_emergencies_not_admitted,
        "readmissions_30d": today.readmissions_30d,
        "electives_booked": today.electives_booked,
        "electives_cancelled": today.electives_cancelled,
        "discharges": today.discharges,
        "deaths": model.tally.deaths,
        "care_home_deaths": model.tally.care_home_deaths,
        "inpatient_deaths": today.inpatient_deaths,
        "arrivals_65": model.tally.arrivals_65,
        "arrivals_85plus": model.tally.arrivals_85plus,
        "care_requests": model.community.requests_today,
        "stopped_waiting": model.community.stopped_waiting_today,
        "care_home_beds": model.care_homes.beds,
        "care_home_residents": len(model.care_homes.residents_placed),
        "home_care_hours_capacity": model.home_care.capacity_hours,
        "home_care_hours_used": model.home_care.hours_used,
        "home_care_packages": len(model.home_care.packages),
        "intermediate_care_beds": model.intermediate_care.beds,
        "intermediate_care_occupied": len(model.intermediate_care.stays),
        "assessment_queue": len(model.assessment.waiting),
        "home_care_queue": len(model.home_care.waiting),
        "care_home_queue": len(model.care_homes.waiting),
    }
    row.update(social_care_row(model))
    row.update(workforce_row(model))
    row.update(calibration_row(model))
    row.update(capacity_row(model))
    row.update(zip(_DELAYED_COLUMNS, today.delayed_by_reason.tolist(), strict=True))
    row.update(zip(_DELAYED_BY_COLUMNS, today.delayed_by_body.tolist(), strict=True))
    row.update(zip(_DELAYED_CAUSE_COLUMNS, today.delayed_by_cause.tolist(), strict=True))
    return row


def calibration_row(model: CareSystemModel) -> dict[str, object]:
    """Counts that published figures are measured on: emergency bed days of people under 65,
    readmissions of residents 75+, reablement, long waits for care at home, the legal pay
    floor, and delayed days by reason within each responsible body."""
    hospital, today = model.hospital, model.hospital.today
    row: dict[str, object] = {
        "background_emergency_beds": hospital.background_emergencies_in_beds,
        "resident_emergencies_75plus": today.resident_emergencies_75plus,
        "readmissions_30d_75plus": today.readmissions_30d_75plus,
        "reablement_discharges": today.reablement_discharges,
        "reablement_packages": model.home_care.reablement_packages,
        "long_stay_delayed_for_care_at_home": today.long_stay_delayed_for_care_at_home,
        "legal_floor_gbp": model.workforce.legal_floor(model.inputs_date),
    }
    for body, columns in _DELAYED_WITHIN_BODY_COLUMNS.items():
        row.update(zip(columns, today.delayed_by_body_and_reason[body].tolist(), strict=True))
    return row


def workforce_row(model: CareSystemModel) -> dict[str, object]:
    """Posts, staff, monthly flows and pay."""
    workforce = model.workforce
    care_posts, care_staff = workforce.posts_and_staff(
        (Role.HOME_CARE_WORKER, Role.CARE_HOME_WORKER, Role.CARE_HOME_NURSE)
    )
    home_posts, home_staff = workforce.posts_and_staff((Role.HOME_CARE_WORKER,))
    hca_posts, hca_staff = workforce.posts_and_staff((Role.HEALTHCARE_ASSISTANT,))
    nurse_posts, nurse_staff = workforce.posts_and_staff((Role.WARD_NURSE,))
    month_start = model.date.day == 1 and model.day > 0
    flows = dataclasses.asdict(workforce.flows) if month_start else {}
    return {
        "care_posts": care_posts,
        "care_staff": care_staff,
        "home_care_posts": home_posts,
        "home_care_staff": home_staff,
        "hca_posts": hca_posts,
        "hca_staff": hca_staff,
        "ward_nurse_posts": nurse_posts,
        "ward_nurse_staff": nurse_staff,
        **{name: flows.get(name, 0) for name in FLOW_COLUMNS},
        "care_worker_pay_gbp": workforce.mean_pay((Role.HOME_CARE_WORKER, Role.CARE_HOME_WORKER)),
        "hca_pay_gbp": workforce.mean_pay((Role.HEALTHCARE_ASSISTANT,)),
        "home_care_hours_delivered": model.home_care.delivered_hours,
        "beds_funded": model.hospital.funded_beds,
    }


def social_care_row(model: CareSystemModel) -> dict[str, object]:
    """Care arrangements, the care-home market and spending, today (counts of residents by
    need, care and funder come from ``model.tallies``, with the other counts of residents)."""
    council, homes = model.council, model.care_homes
    open_homes = homes.open_homes
    return {
        "carer_breakdowns": model.community.carer_breakdowns_today,
        "stopped_waiting_for_care": model.community.stopped_waiting_today,
        "not_eligible": council.not_eligible_today,
        "assessments_completed": model.assessment.served_today,
        "self_funders_arranging_care": model.assessment.self_funders_today,
        "self_funders_below_threshold": model.assessment.self_funders_below_threshold_today,
        "packages_started": model.home_care.started_today,
        "packages_ended_at_review": council.packages_ended_at_review_today,
        "care_homes_open": len(open_homes),
        "care_home_exits": homes.exits_today,
        "care_home_entries": homes.entries_today,
        "care_home_residents_moved": homes.moved_today,
        "care_home_residents_unplaced": homes.unplaced_today,
        "care_home_private_fee_gbp": homes.mean_private_fee(),
        "council_care_home_fee_gbp": council.care_home_fee(nursing=False),
        "care_home_market_margin": homes.market_margin(),
        "assessment_waits_completed": len(model.assessment.waits_completed_today),
        "assessment_wait_days": float(sum(model.assessment.waits_completed_today)),
        "intermediate_care_leavers": model.community.ic_leavers_today,
        "intermediate_care_to_package_request": model.community.ic_package_requests_today,
        "intermediate_care_to_care_home_request": model.community.ic_care_home_requests_today,
        "council_home_care_fee_gbp": council.home_care_fee,
        "care_home_reserves_gbp": homes.total_reserves(),
        **money_row(model),
        "eligibility_threshold_hours": council.eligibility_threshold,
    }


def money_row(model: CareSystemModel) -> dict[str, object]:
    """Today's spending by sector, the care budget, discharge support and capital drawn."""
    accounts, council = model.accounts, model.council
    spend = accounts.today_by_sector
    return {
        "council_spend_gbp": spend["care"],
        "private_spend_gbp": spend["private"],
        "self_funder_fees_gbp": max(council.self_funder_weekly, 0.0) / 7.0,
        "long_term_support_spend_gbp": accounts.long_term_support_weekly(council.self_funder_weekly)
        / 7.0,
        "nhs_spend_gbp": spend["health"],
        "council_budget_gbp": accounts.budgets.get(accounts.arrangement.care_holder, 0.0),
        "council_budget_pressure": council.pressure,
        "discharge_support_hours": model.home_care.discharge_support_hours,
        "reablement_hours": model.home_care.reablement_hours,
        "capital_drawn_gbp": council.capital_drawn_today,
        "spent_down_to_council": council.spent_down_today,
        "hospital_funded_share": model.hospital.funded_share,
    }
