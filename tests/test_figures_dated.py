"""The dated figure: policy dates from a run's schedule, step series and wage floor, and no
figure (so no change) for a run without dated changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

from abm.config import Scenario, ScheduledChange
from abm.figures_dated import policy_dates
from abm.series import Series


def _results(scenario: Scenario) -> SimpleNamespace:
    return SimpleNamespace(scenario=scenario)


def test_a_run_without_dated_changes_has_no_policy_dates() -> None:
    assert policy_dates(_results(Scenario())) == []


def test_schedule_step_series_and_the_living_wage_are_marked_linear_series_are_not() -> None:
    scenario = Scenario().with_changes([("workforce.wage_floor", "by_date")])
    run = dataclasses.replace(scenario.run, start_date=dt.date(2014, 4, 1), years=5)
    pool = ScheduledChange(date=dt.date(2015, 4, 1), changes=(("funding.pool", "pooled"),))
    grant = Series("grants.social_care_gbp", "step", ((dt.date(2017, 4, 1), 1e6),))
    beds = Series(
        "hospital.beds", "linear", ((dt.date(2015, 1, 1), 600), (dt.date(2016, 1, 1), 650))
    )
    scenario = dataclasses.replace(scenario, run=run, schedule=(pool,), series=(grant, beds))
    marks = dict(policy_dates(_results(scenario)))
    assert marks[dt.date(2015, 4, 1)] == "funding.pool = pooled"
    assert marks[dt.date(2016, 4, 1)] == "National Living Wage"
    assert marks[dt.date(2017, 4, 1)] == "grants.social_care_gbp"
    assert dt.date(2015, 1, 1) not in marks, "a linear series moves monthly: not a policy date"
