"""Invariants checked every day, on random and extreme configs."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import run_model, small


def random_scenario(seed: int):
    """A small area with levers drawn at random, extremes included."""
    rng = np.random.default_rng(seed)
    residents = int(rng.integers(300, 3000))
    base = small(residents=residents, years=1, warmup_days=int(rng.integers(0, 90)))
    factor = lambda: float(rng.choice([0.0, 0.3, 1.0, 3.0]))  # noqa: E731
    return base.with_changes(
        [
            ("hospital.beds", int(base.hospital.beds * factor())),
            ("capacity.assessments_per_week", base.capacity.assessments_per_week * factor()),
            (
                "capacity.funding_decisions_per_week",
                base.capacity.funding_decisions_per_week * factor(),
            ),
            (
                "capacity.home_care_hours_per_week",
                base.capacity.home_care_hours_per_week * factor(),
            ),
            (
                "capacity.intermediate_care_beds",
                int(base.capacity.intermediate_care_beds * factor()),
            ),
            ("capacity.care_home_beds", int(base.capacity.care_home_beds * factor())),
            ("capacity.hospital_priority", bool(rng.integers(2))),
            ("population.growth_85plus", float(rng.uniform(0, 2))),
            ("hospital.corridor_limit_share", float(rng.choice([0.0, 0.05, 1.0]))),
            ("admissions.fit_per_1000py", tuple(rng.uniform(0, 600, 3))),
            ("hospital.hospital_process_probability", float(rng.uniform())),
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
        capacity__assessments_per_week=0.0,
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
