"""Steady state: with no demographic growth and no schedule, the calibrated baseline does not
drift. Trends in a run must come from configured demography or schedules, never from the model
settling."""

from __future__ import annotations

from helpers import calibrated, run_model

from abm.metrics import run_record

STEADY = ("delayed", "waiting_for_care_at_home", "home_care_hours_used", "care_home_occupancy")


def test_the_baseline_is_stationary_without_demographic_growth():
    scenario = calibrated(years=10, population__stationary=True)
    daily = run_record(run_model(scenario)).daily.query("reported")
    year = (daily["day"] - scenario.run.warmup_days) // 365
    means = daily.groupby(year)[list(STEADY)].mean()
    first, last = means.iloc[0], means.iloc[9]
    change = (last - first).abs() / first
    assert (change < 0.05).all(), (
        "annual means in year 10 should be within 5% of year 1 (no trend without demography):\n"
        f"{means.round(2).to_string()}"
    )
