"""The dated figure: policy dates from a run's schedule, step series and wage floor, and no
figure (so no change) for a run without dated changes; winters shaded when admissions vary by
month."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from helpers import small

from abm.api import run_experiment
from abm.config import Scenario, ScheduledChange
from abm.figures import write_figures
from abm.figures_dated import policy_dates, shade_winters
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
    wage = Series("workforce.outside_wage_gbp", "step", ((dt.date(2016, 10, 1), 9.5),))
    scenario = dataclasses.replace(scenario, run=run, schedule=(pool,), series=(grant, beds, wage))
    marks = dict(policy_dates(_results(scenario)))
    assert marks[dt.date(2015, 4, 1)] == "funding.pool = pooled"
    assert marks[dt.date(2016, 4, 1)] == "National Living Wage"
    assert marks[dt.date(2017, 4, 1)] == "grants.social_care_gbp"
    assert dt.date(2015, 1, 1) not in marks, "a linear series moves monthly: not a policy date"
    assert dt.date(2016, 10, 1) not in marks, "pay outside care is a price, not a lever"


def test_winters_are_shaded_and_the_axis_kept() -> None:
    """Each winter across the axis is one shaded span, December to March, and the axis keeps
    its dates."""
    _, ax = plt.subplots()
    days = pd.date_range("2025-01-01", "2026-12-31", freq="D")
    ax.plot(days, range(len(days)))
    ax.set_xlim(pd.Timestamp("2025-01-15"), pd.Timestamp("2026-12-20"))
    limits = ax.get_xlim()
    shade_winters(ax)
    assert ax.get_xlim() == limits
    starts = sorted(mdates.num2date(p.get_x()).date() for p in ax.patches)
    assert starts == [dt.date(2025, 1, 15), dt.date(2025, 12, 1), dt.date(2026, 12, 1)]
    plt.close(ax.figure)


def test_a_seasonal_run_writes_its_figures_with_winters_marked(tmp_path: Path) -> None:
    """A run with seasons and a dated change: the hospital figures and the dated figure are
    drawn (winters shaded), so seasons break no figure."""
    scenario = small(residents=800, years=1, warmup_days=30).with_changes(
        [("admissions.seasonality", "england")]
    )
    when = scenario.run.start_date + dt.timedelta(days=90)
    change = ScheduledChange(when, (("hospital.beds", scenario.hospital.beds + 5),))
    scenario = dataclasses.replace(scenario, schedule=(change,))
    write_figures(tmp_path, run_experiment(scenario, jobs=1))
    for name in ("occupancy.png", "admissions.png", "delayed.png", "dated.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name
