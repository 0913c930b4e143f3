"""Invariants checked every day, on random and extreme configs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from helpers import run_model, small

from abm.agents.population import TRACKED
from abm.config import ScheduledChange
from abm.model import CareSystemModel


def random_scenario(seed: int):
    """A small area with levers drawn at random, extremes included."""
    rng = np.random.default_rng(seed)
    residents = int(rng.integers(300, 3000))
    base = small(residents=residents, years=1, warmup_days=int(rng.integers(0, 90)))
    factor = lambda: float(rng.choice([0.0, 0.3, 1.0, 3.0]))  # noqa: E731
    return base.with_changes(
        [
            ("hospital.beds", int(base.hospital.beds * factor())),
            ("council.social_workers", int(base.council.social_workers * factor())),
            ("council.brokers", int(base.council.brokers * factor())),
            (
                "council.panel_decisions_per_sitting",
                base.council.panel_decisions_per_sitting * factor(),
            ),
            ("council.budget_gbp", base.council.budget_gbp * factor()),
            (
                "capacity.home_care_hours_per_week",
                base.capacity.home_care_hours_per_week * factor(),
            ),
            (
                "capacity.intermediate_care_beds",
                int(base.capacity.intermediate_care_beds * factor()),
            ),
            ("capacity.care_home_beds", int(base.capacity.care_home_beds * factor())),
            (
                "council.referral_priority",
                str(rng.choice(["in_order", "hospital_first", "hospital_first_with_limit"])),
            ),
            ("population.growth_85plus", float(rng.uniform(0, 2))),
            ("hospital.corridor_limit_share", float(rng.choice([0.0, 0.05, 1.0]))),
            ("admissions.fit_per_1000py", tuple(rng.uniform(0, 600, 3))),
            ("hospital.discharges_per_weekday", base.hospital.discharges_per_weekday * factor()),
            ("hospital.weekend_discharge_share", float(rng.uniform())),
        ]
    ).with_changes([("run.seed", int(rng.integers(1, 10**6)))])


@pytest.mark.parametrize("seed", range(6))
def test_invariants_hold_every_day_on_random_configs(seed):
    model = run_model(random_scenario(seed), check=True)
    assert model.finished


def test_invariants_with_zero_beds_and_no_services():
    scenario = small(
        residents=800,
        hospital__beds=0,
        capacity__home_care_hours_per_week=0.0,
        capacity__care_home_beds=0,
        capacity__intermediate_care_beds=0,
        council__social_workers=0,
        council__brokers=0,
    )
    model = run_model(scenario, check=True)
    daily = model.datacollector.get_table_dataframe("daily")
    assert daily["beds_occupied"].max() == 0
    assert daily["resident_emergencies_not_admitted"].sum() > 0, "with no beds nobody is admitted"


def test_invariants_with_huge_demand():
    scenario = small(
        residents=1500,
        admissions__fit_per_1000py=(2000.0, 2000.0, 2000.0),
        community__request_per_1000py=(500.0, 500.0, 1000.0, 2000.0),
    )
    model = run_model(scenario, check=True)
    daily = model.datacollector.get_table_dataframe("daily")
    assert daily["corridor"].max() > 0, "huge demand must fill the corridor"


def test_invariants_when_a_schedule_changes_need_and_carers():
    """A scheduled change of the need tables changes everyone's unmet need at once: the counts
    kept for the daily table must follow (checked against a full recount every day)."""
    base = small(residents=1200, warmup_days=20)
    start = base.run.start_date
    scenario = dataclasses.replace(
        base,
        schedule=(
            ScheduledChange(
                start + dt.timedelta(days=60),
                (
                    ("need.hours_by_frailty", (0.0, 6.0, 14.0, 30.0)),
                    ("council.eligibility_threshold", 4.0),
                ),
            ),
            ScheduledChange(
                start + dt.timedelta(days=200), (("need.carer_hours", (5.0, 20.0, 40.0)),)
            ),
        ),
    )
    model = run_model(scenario, check=True)
    daily = model.datacollector.get_table_dataframe("daily").set_index("date")
    first = start + dt.timedelta(days=60)
    assert (
        daily.loc[first, "unmet_need_hours"]
        > daily.loc[first - dt.timedelta(days=1), "unmet_need_hours"]
    )


@pytest.mark.parametrize("column", TRACKED)
def test_tracked_columns_change_only_through_residents_methods(column):
    """A direct write would slip past the counts kept for the daily table, so it must fail."""
    model = CareSystemModel(small(residents=300), 1)
    with pytest.raises(ValueError, match="read-only"):
        getattr(model.residents, column)[0] = 1
