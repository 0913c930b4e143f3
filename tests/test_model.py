"""The model's shape: phases, determinism, schedules, the calendar vs daily stepping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from helpers import run_model, small

from abm.agents.population import band_death_rate, synthesise
from abm.config import Scenario, ScheduledChange
from abm.config.scaling import scale_area
from abm.model import PHASES, CareSystemModel
from abm.run import run_replications


def test_step_runs_the_documented_phases_in_order(monkeypatch):
    scenario = small(residents=500)
    model = CareSystemModel(scenario, 1)
    called: list[str] = []
    for phase in PHASES:
        original = getattr(model, phase)
        monkeypatch.setattr(model, phase, lambda o=original, p=phase: (called.append(p), o()))
    model.step()
    assert called == list(PHASES)
    doc = CareSystemModel.__doc__
    positions = [doc.index(f"``{phase}``") for phase in PHASES]
    assert positions == sorted(positions), "the docstring lists the phases in the order run"


def test_same_seed_same_results_bit_for_bit():
    scenario = small(residents=2000)
    a = run_model(scenario).datacollector.get_table_dataframe("daily")
    b = run_model(scenario).datacollector.get_table_dataframe("daily")
    pd.testing.assert_frame_equal(a, b)
    c = run_model(scenario, replication=1).datacollector.get_table_dataframe("daily")
    assert not a.equals(c), "another replication must differ"


def test_jobs_1_and_2_identical():
    scenario = small(residents=1500)
    serial = run_replications(scenario, 3, jobs=1)
    parallel = run_replications(scenario, 3, jobs=2)
    for s, p in zip(serial, parallel, strict=True):
        # Bit for bit: equal values, and NaN (a queue nobody was served from) in the same
        # places.
        pd.testing.assert_series_equal(pd.Series(s.kpis), pd.Series(p.kpis), rtol=0, atol=0)
        pd.testing.assert_frame_equal(s.daily, p.daily)


def test_scheduled_change_applies_on_its_date():
    scenario = small(residents=1500)
    when = scenario.run.start_date + dt.timedelta(days=100)
    scenario = scenario.with_changes([])
    scenario = type(scenario)(
        **{
            **scenario.__dict__,
            "schedule": (ScheduledChange(when, (("hospital.beds", scenario.hospital.beds + 40),)),),
        }
    )
    model = run_model(scenario)
    daily = model.datacollector.get_table_dataframe("daily").set_index("date")
    day_before = when - dt.timedelta(days=1)
    assert daily.loc[when, "beds_funded"] >= daily.loc[day_before, "beds_funded"] + 40
    # New beds open as the hospital recruits the staff for them, over the following months.
    later = daily.loc[when + dt.timedelta(days=150), "beds_open"]
    assert later >= daily.loc[day_before, "beds_open"] + 25
    assert model.base_params.hospital.beds == scenario.hospital.beds, "the scenario is not mutated"


def with_schedule(scenario, when, *changes):
    return dataclasses.replace(scenario, schedule=(ScheduledChange(when, tuple(changes)),))


def test_a_scheduled_change_that_changes_nothing_leaves_the_run_bit_for_bit():
    """Only a change to residents' hazards or need redraws their event times, so a schedule
    that leaves them alone keeps common random numbers with the run without it."""
    scenario = small(residents=1500)
    when = scenario.run.start_date + dt.timedelta(days=60)
    same = with_schedule(scenario, when, ("hospital.beds", scenario.hospital.beds))
    plain = run_model(scenario).datacollector.get_table_dataframe("daily")
    scheduled = run_model(same).datacollector.get_table_dataframe("daily")
    pd.testing.assert_frame_equal(plain, scheduled)
    # A change to hazards redraws event times, so its effect must stand out of the noise: in a
    # 1,500-resident area about 40 care-home residents die at twice the rate for ten months,
    # which after the causal-delays change came out as 32 deaths against 36 without it (the
    # redraw's noise); 5,000 residents and a tripled hazard made the effect clear (191 deaths
    # against 171). Since each age band starts with the frailty mix the model carries there
    # (frailty.initial_age_shift), more care-home residents are younger, with a lower death
    # hazard, and a tripled hazard gave 180 against 190: ten times the hazard gives 231.
    bigger = small(residents=5000)
    when = bigger.run.start_date + dt.timedelta(days=60)
    plain = run_model(bigger).datacollector.get_table_dataframe("daily")
    hazards = with_schedule(
        bigger,
        when,
        (
            "mortality.care_home_need_excess_per_1000py",
            bigger.mortality.care_home_need_excess_per_1000py + 3000.0,
        ),
    )
    changed = run_model(hazards).datacollector.get_table_dataframe("daily")
    after = changed["date"] > when
    assert changed.loc[after, "deaths"].sum() > plain.loc[after, "deaths"].sum()


def test_population_is_synthesised_to_the_config():
    scenario = small(residents=20000)
    model = CareSystemModel(scenario, 3)
    r = model.residents
    alive = r.alive()
    assert r.n == 20000
    frailty = np.bincount(r.frailty[alive], minlength=4) / len(alive)
    np.testing.assert_allclose(frailty, scenario.frailty.initial_shares, atol=0.002)
    ages = r.ages(alive, 0)
    assert ages.min() >= 65
    assert ages.max() < 106
    assert abs((ages >= 85).mean() - scenario.population.age_band_shares[2]) < 0.01
    assert (r.frailty[alive][ages >= 85] >= 2).mean() > (r.frailty[alive][ages < 75] >= 2).mean()


def test_ages_within_a_band_fall_off_with_its_death_rate():
    """Ages within 75-84 follow a life table: as many residents at 84 as at 75 (uniform
    ages) made the 85+ count surge by a fifth in the first four years as they aged into it,
    where a population whose cohorts arrive at the same rate thins out with age."""
    scenario = scale_area(Scenario(), 40000)
    ages = synthesise(scenario, np.random.default_rng(11))["age"]
    youngest = np.count_nonzero((ages >= 75) & (ages < 76))
    oldest = np.count_nonzero((ages >= 84) & (ages < 85))
    expected = math.exp(-band_death_rate(scenario, 1) * 9.0)
    assert expected < 0.9, "the 75-84 band's deaths thin it out over nine years"
    assert oldest / youngest == pytest.approx(expected, rel=0.1)
    assert ages[(ages >= 65) & (ages < 75)].mean() < 70.0


def test_85plus_growth_lever_grows_the_85plus_population():
    flat = run_model(small(residents=4000, years=2))
    grown = run_model(small(residents=4000, years=2, population__growth_85plus=0.9))
    n85 = lambda m: m.datacollector.get_table_dataframe("daily")["residents_85plus"].iloc[-1]  # noqa: E731
    first = grown.datacollector.get_table_dataframe("daily")["residents_85plus"].iloc[0]
    assert n85(grown) > 1.6 * first, "85+ should be near 1.9x its start by the end of the run"
    assert n85(grown) > n85(flat)


def test_daily_stepping_reference_gives_similar_rates():
    """The benchmark's reference (every patient every day) runs the same rules."""
    scenario = small(residents=6000, years=1, warmup_days=60)
    calendar = CareSystemModel(scenario, 5)
    daily = CareSystemModel(scenario, 5, timing="daily")
    for model in (calendar, daily):
        while not model.finished:
            model.step()

    def total(model: CareSystemModel, *columns: str) -> float:
        return float(model.datacollector.get_table_dataframe("daily")[list(columns)].sum().sum())

    # Emergencies whether admitted or not: what the hazards produce, before hospital capacity.
    for columns in (("resident_emergencies", "resident_emergencies_not_admitted"), ("deaths",)):
        a, b = total(calendar, *columns), total(daily, *columns)
        assert abs(a - b) < 0.15 * max(a, b), f"{columns}: calendar {a} vs daily stepping {b}"


def test_run_model_stops_after_the_last_day():
    """Mesa's ``run_model`` steps while ``running``: the model must stop itself at the end."""
    model = CareSystemModel(small(residents=500, warmup_days=10), 1)
    mesa_step = model.step

    def step() -> None:
        assert not model.finished, "run_model went on after the last day"
        mesa_step()

    model.step = step
    model.run_model()
    assert model.day == model.total_days
    assert not model.running


def test_no_discharge_work_at_weekends_means_no_discharges_at_weekends():
    """The hospital's discharge work is a capacity with a weekday pattern: with none at
    weekends, nobody leaves on a Saturday or Sunday, and patients fit at the weekend wait for
    Monday (delayed on the hospital's own process)."""
    scenario = small(residents=4000, hospital__weekend_discharge_share=0.0)
    daily = run_model(scenario).datacollector.get_table_dataframe("daily")
    weekend = pd.to_datetime(daily["date"]).dt.day_of_week >= 5
    assert daily.loc[weekend, "discharges"].sum() == 0
    assert daily.loc[~weekend, "discharges"].sum() > 100
    assert daily.loc[weekend, "delayed.hospital_process"].sum() > 0
