"""The model rules added for calibration: one lever each, the direction of its effect.

Runs use the calibrated baseline scaled to a 20,000-resident area (until 7 December 2026 some
used the uncalibrated defaults), common random numbers (the same replication seeds on both
sides) and margins well inside the effects seen, so a broken rule fails and noise does not.
"""

from __future__ import annotations

import pytest
from helpers import calibrated
from helpers import outcomes as kpis

from abm.agents.capacity import responsible_body
from abm.domain import Body, Funder


def delayed_days(k: dict[str, float], reason: str) -> float:
    return k["delayed_bed_days"] * k[f"delay_reason_share.{reason}"]


def test_the_body_that_must_act_is_responsible():
    assert responsible_body(Body.SOCIAL_CARE, Funder.COUNCIL) == Body.SOCIAL_CARE
    assert responsible_body(Body.SOCIAL_CARE, Funder.NONE) == Body.SOCIAL_CARE
    assert responsible_body(Body.SOCIAL_CARE, Funder.SELF) == Body.NHS, (
        "a self-funder arranging their own care is not waiting on the council"
    )
    assert responsible_body(Body.SOCIAL_CARE, Funder.NHS) == Body.NHS
    assert responsible_body(Body.BOTH, Funder.SELF) == Body.BOTH
    assert responsible_body(Body.NHS, Funder.COUNCIL) == Body.NHS


def test_a_raised_hazard_after_discharge_means_more_readmissions():
    base = calibrated()
    flat = base.with_changes([("admissions.post_discharge_hazard_ratio", 1.0)])
    raised = base.with_changes([("admissions.post_discharge_hazard_ratio", 8.0)])
    before, after = kpis(flat), kpis(raised)
    assert after["readmission_30d_rate"] > before["readmission_30d_rate"] + 0.05, (
        "a raised admission hazard in the weeks after a discharge should add 30-day readmissions"
    )
    assert before["readmission_30d_rate"] < 0.08, "without it readmissions are rare"


def test_self_funders_who_spend_down_become_council_funded():
    base = calibrated(years=2)
    rich = base.with_changes([("need.income_gbp_per_week", 5000.0)])
    before, after = kpis(base), kpis(rich)
    assert after["self_funder_share_care_homes"] > before["self_funder_share_care_homes"] + 0.03, (
        "self-funders whose income covers their fees never spend down, so more stay self-funded"
    )


def test_planners_avoid_a_full_rehabilitation_service():
    base = calibrated(capacity__intermediate_care_beds=1)
    patient = base.with_changes([("discharge.pathway_choice", "as_needed")])
    home_first = base.with_changes([("discharge.pathway_choice", "shorter_wait")])
    limited = base.with_changes(
        [("discharge.pathway_choice", "wait_limits"), ("discharge.rehab_wait_limit_days", 3.0)]
    )
    waits = delayed_days(kpis(patient), "awaiting_intermediate_care")
    assert delayed_days(kpis(home_first), "awaiting_intermediate_care") < 0.5 * waits, (
        "sending patients home with support when home care is sooner than the one rehab bed "
        "should cut the waits for it"
    )
    assert delayed_days(kpis(limited), "awaiting_intermediate_care") < 0.5 * waits, (
        "and so should a three-day limit on the wait planners accept"
    )


# A strict xfail from 2026-12-06 (in this uncalibrated 6,000-resident area planning five days
# ahead barely changed the patients delayed: 5.64 a day with no lead, 5.49 with five days; the
# hospital's own discharge work bound instead). It passes from 7 December (morning, the
# wait_linked home-care fee and the warm-up at the start date's floor): 9.34 a day with no
# lead, 4.81 with five days; hospital process 42.5% -> 77.7% of the delayed days, waits for
# home care 34.9% -> 7.0%.
@pytest.mark.xfail(
    strict=True,
    reason="no effect on the calibrated baseline (7 December 2026, evening; it ran the "
    "uncalibrated defaults until then, 9.34 against 4.81 a day): in this 20,000-resident area "
    "after a one-year warm-up, 34.4 patients a day are delayed with no lead, 61.7 with three "
    "days (the default) and 49.9 with five. The calibrated baseline's delays are queues for "
    "a capacity (delay_cause_share.queue 0.94 at full size), which an earlier start does "
    "not enlarge, and a place taken early is held idle until the "
    "patient is fit: the intermediate-care wait 0.65 against 7.1 days, a care home's 15.5 "
    "against 27.2. The eighth fit found discharge.referral_lead_days without effect on its "
    "targets and left it at its default (docs/calibration.md)",
)
def test_planning_ahead_means_fewer_delayed_patients():
    """Starting assessments and care before the fit day halves the patients delayed (10.5 to
    5.0 a day in this area, two replications). It used to let more patients leave on the fit
    day as well; in the default area it no longer does (discharged later than ready 0.498 to
    0.540): with care ready earlier, the hospital's own discharge work becomes the limit
    (hospital process 25% of the delayed days to 64%), and a patient it cannot finish that
    day leaves the next."""
    base = calibrated()
    late = base.with_changes([("discharge.referral_lead_days", 0)])
    early = base.with_changes([("discharge.referral_lead_days", 5)])
    before, after = kpis(late), kpis(early)
    assert after["delayed_patients"] < 0.7 * before["delayed_patients"]
    assert (
        after["delay_reason_share.hospital_process"] > before["delay_reason_share.hospital_process"]
    ), "the hospital's discharge work is what is left"


def test_longer_assessments_mean_more_waiting_for_them():
    base = calibrated(discharge__referral_lead_days=0)
    quick = base.with_changes([("capacity.assessment_mean_days", 0.0)])
    slow = base.with_changes([("capacity.assessment_mean_days", 5.0)])
    before, after = kpis(quick), kpis(slow)
    assert delayed_days(after, "awaiting_assessment") > 2 * delayed_days(
        before, "awaiting_assessment"
    ), "assessments that take days of work should keep patients waiting for them"


def test_more_brokers_shorter_waits_for_a_package():
    # Fixed posts (council.staffing = establishment): under workload staffing the council
    # funds the brokers its caseload needs at whatever a broker arranges a week, so the cases a
    # week set the posts and their cost, not the wait.
    base = calibrated(discharge__referral_lead_days=0, council__staffing="establishment")
    few = base.with_changes([("council.placements_per_broker_week", 1.0)])
    many = base.with_changes([("council.placements_per_broker_week", 30.0)])
    before, after = kpis(few), kpis(many)
    assert after["queue_wait_days.brokerage.mean"] < before["queue_wait_days.brokerage.mean"], (
        "brokers who can arrange more packages a week should keep patients waiting less"
    )
    assert delayed_days(after, "awaiting_home_care") < delayed_days(before, "awaiting_home_care"), (
        "a broker's wait is a wait for a package, so fewer delayed days awaiting home care"
    )


def test_more_discharge_work_done_means_fewer_waits_for_the_hospital():
    base = calibrated()
    slow = base.with_changes(
        [("hospital.discharges_per_weekday", base.hospital.discharges_per_weekday * 0.7)]
    )
    fast = base.with_changes(
        [("hospital.discharges_per_weekday", base.hospital.discharges_per_weekday * 1.5)]
    )
    before, after = kpis(slow), kpis(fast)
    assert delayed_days(after, "hospital_process") < delayed_days(before, "hospital_process"), (
        "ward teams that can complete more discharges a day should hold fewer fit patients"
    )
