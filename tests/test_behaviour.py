"""Behaviour: change one lever, run the same seeds, and check the direction of the effect.

Each comparison uses common random numbers (the same replication seeds for both runs), so
the difference is the lever's effect and not noise. Areas are small to keep the suite quick;
margins are set well inside the effects seen, so a broken rule fails and noise does not.
"""

from __future__ import annotations

from helpers import outcomes as kpis
from helpers import run_model, small

from abm.metrics import run_record


def test_more_beds_fewer_corridor_waits():
    tight = small(hospital__beds=int(small().hospital.beds * 0.8))
    roomy = tight.with_changes([("hospital.beds", int(small().hospital.beds * 1.2))])
    before, after = kpis(tight), kpis(roomy)
    assert before["corridor_waits_per_day"] > 0.3, "an 80% hospital should have corridor waits"
    assert after["corridor_waits_per_day"] < 0.5 * before["corridor_waits_per_day"], (
        "more beds should cut corridor waits"
    )
    assert after["emergencies_not_admitted_per_year"] < before["emergencies_not_admitted_per_year"]
    assert after["elective_cancellations_per_year"] < before["elective_cancellations_per_year"]


def test_fewer_care_home_beds_more_delays_awaiting_care_home():
    base = small(years=2)
    beds = base.capacity.care_home_beds
    # 60% of the beds, all full on day one: fewer places than the area's demand for them.
    fewer = base.with_changes(
        [
            ("capacity.care_home_beds", int(beds * 0.6)),
            ("capacity.care_home_initial_fill", 1.0),
        ]
    )
    before, after = kpis(base), kpis(fewer)
    days = lambda k: k["delayed_bed_days"] * k["delay_reason_share.awaiting_care_home"]  # noqa: E731
    assert days(after) > days(before) + 50, (
        "fewer care-home beds should add delayed bed days awaiting a care-home place"
    )
    assert after["waiting_for_care_at_home"] > before["waiting_for_care_at_home"], (
        "residents at home asking for a care home also wait longer"
    )


def test_older_population_more_admissions_per_1000():
    base = small(residents=15000)
    older = base.with_changes([("population.age_band_shares", (0.35, 0.40, 0.25))])
    before, after = kpis(base), kpis(older)
    # Frailty shares are the same at the start, so the effect is the age gradient alone.
    assert after["emergency_admissions_per_1000"] > 1.03 * before["emergency_admissions_per_1000"]
    assert after["deaths_per_1000"] > before["deaths_per_1000"]


def test_fewer_assessments_more_delays_awaiting_assessment():
    base = small()
    slow = base.with_changes(
        [("capacity.assessments_per_week", base.capacity.assessments_per_week * 0.6)]
    )
    before, after = kpis(base), kpis(slow)
    days = lambda k: k["delayed_bed_days"] * k["delay_reason_share.awaiting_assessment"]  # noqa: E731
    assert days(after) > days(before) + 100, "fewer assessments should lengthen assessment delays"


def test_more_home_care_fewer_waiting_at_home_and_fewer_delays():
    # Home-care hours short of demand (70% of the default), so that packages limit care.
    size = small()
    base = small(capacity__home_care_hours_per_week=size.capacity.home_care_hours_per_week * 0.7)
    more = base.with_changes(
        [("capacity.home_care_hours_per_week", base.capacity.home_care_hours_per_week * 1.3)]
    )
    before, after = kpis(base), kpis(more)
    # Most of those waiting at home wait for an assessment, which more home care does not
    # speed up; the rest wait for a package. A few percent fewer wait in this small area.
    assert after["waiting_for_care_at_home"] < 0.97 * before["waiting_for_care_at_home"], (
        "more home-care hours should leave fewer residents waiting at home for care"
    )
    home_care_days = lambda k: (  # noqa: E731
        k["delayed_bed_days"] * k["delay_reason_share.awaiting_home_care"]
    )
    assert home_care_days(after) < 0.7 * home_care_days(before), (
        "more home care should shorten delays of patients going home with a package"
    )
    assert after["delayed_bed_days"] < before["delayed_bed_days"]


def test_waiting_for_care_raises_emergencies():
    """Unmet need works on emergencies only through the hazard ratio of waiting residents."""
    size = small()
    base = small(
        capacity__home_care_hours_per_week=size.capacity.home_care_hours_per_week * 0.5,
        hospital__beds=int(size.hospital.beds * 1.5),
    )
    emergencies = lambda s: sum(  # noqa: E731
        run_record(run_model(s, k))
        .daily.query("reported")[["resident_emergencies", "resident_emergencies_not_admitted"]]
        .to_numpy()
        .sum()
        for k in range(2)
    )
    base = base.with_changes([("community.stop_waiting_per_1000py", 0.0)])
    neutral = base.with_changes([("admissions.unmet_need_hazard_ratio", 1.0)])
    linked = base.with_changes([("admissions.unmet_need_hazard_ratio", 3.0)])
    assert kpis(neutral)["waiting_for_care_at_home"] > 30, "half the home care leaves many waiting"
    assert emergencies(linked) > 1.03 * emergencies(neutral)


def test_deconditioning_makes_delayed_patients_frailer():
    tight = small(
        capacity__home_care_hours_per_week=small().capacity.home_care_hours_per_week * 0.8
    )
    none = run_model(tight.with_changes([("frailty.deconditioning_per_delayed_day", 0.0)]))
    strong = run_model(tight.with_changes([("frailty.deconditioning_per_delayed_day", 0.1)]))
    frail = lambda m: (m.residents.frailty[: m.residents.n] >= 2).mean()  # noqa: E731
    assert frail(strong) > frail(none)
