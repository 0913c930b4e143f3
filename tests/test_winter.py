"""Winter (``admissions.seasonality``): England's monthly factors, no change to any run without
them, more emergencies in winter with them, and a bad value named with its key and file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import calibrated, run_model, small

from abm.agents.population import HazardTable
from abm.config import AdmissionsConfig, ConfigError, load_scenario
from abm.domain import EventKind
from abm.model import CareSystemModel
from abm.rng import replication_seed
from abm.seasons import (
    DAYS_IN_MONTH,
    SUMMER_MONTHS,
    WINTER_MONTHS,
    admission_factor,
    monthly_factors,
    winters,
)

ENGLAND = AdmissionsConfig(seasonality="england")


def year_mean(factors: tuple[float, ...]) -> float:
    """The mean factor over the days of a 365-day year."""
    return sum(f * days for f, days in zip(factors, DAYS_IN_MONTH, strict=True)) / 365


def daily(model: CareSystemModel) -> pd.DataFrame:
    table = model.datacollector.get_table_dataframe("daily")
    return table[table["reported"]].assign(month=pd.to_datetime(table["date"]).dt.month)


def winter_over_summer(table: pd.DataFrame, column: str) -> float:
    """Mean a day in December to February over the mean a day in June to August."""
    winter = table.loc[table["month"].isin(WINTER_MONTHS), column].mean()
    summer = table.loc[table["month"].isin(SUMMER_MONTHS), column].mean()
    return winter / summer


def test_englands_factors_average_one_over_a_year():
    """SEA-01 to SEA-12 as stored (rounded to three places) average 1 over a year to within
    rounding, and the factors used average exactly 1, so a year's expected admissions are
    those of a run without seasons."""
    stored = ENGLAND.england_monthly_factors
    assert abs(year_mean(stored) - 1.0) < 1e-4
    assert math.isclose(year_mean(monthly_factors(ENGLAND)), 1.0, rel_tol=1e-12)
    assert monthly_factors(AdmissionsConfig()) == (1.0,) * 12, "none: every month is 1"
    # England's series: November's days are the busiest, August's the quietest.
    assert stored.index(max(stored)) == 10
    assert stored.index(min(stored)) == 7


def test_any_factors_are_scaled_to_average_one():
    lopsided = dataclasses.replace(ENGLAND, england_monthly_factors=(2.0,) * 6 + (1.0,) * 6)
    assert math.isclose(year_mean(monthly_factors(lopsided)), 1.0, rel_tol=1e-12)


def test_the_factor_is_the_months_and_only_under_england():
    scenario = small(residents=500)
    assert admission_factor(scenario, dt.date(2025, 11, 15)) == 1.0
    seasonal = scenario.with_changes([("admissions.seasonality", "england")])
    used = monthly_factors(seasonal.admissions)
    assert admission_factor(seasonal, dt.date(2025, 11, 15)) == used[10]
    assert admission_factor(seasonal, dt.date(2026, 8, 1)) == used[7]


def test_without_seasons_a_run_is_bit_for_bit_as_before():
    """``none`` is the default and draws nothing: a run that names it, and a run under
    ``england`` whose factors are all 1 (the month's turnover then changes no hazard, so no
    resident's events are drawn again), give the default run's daily table exactly."""
    scenario = small(residents=2000)
    default = daily(run_model(scenario))
    named = daily(run_model(scenario.with_changes([("admissions.seasonality", "none")])))
    flat = scenario.with_changes(
        [("admissions.seasonality", "england"), ("admissions.england_monthly_factors", (1.0,) * 12)]
    )
    pd.testing.assert_frame_equal(default, named)
    pd.testing.assert_frame_equal(default, daily(run_model(flat)))


def test_each_month_scales_every_admission_hazard_by_its_factor():
    """Under ``england`` the hazard table the residents draw from is the stationary one times
    the month's factor, turned over on the first of the month, and the hospital's background
    emergencies follow the same factor."""
    scenario = small(residents=500, warmup_days=60).with_changes(
        [("admissions.seasonality", "england")]
    )
    used = monthly_factors(scenario.admissions)
    stationary = HazardTable(scenario).table[EventKind.ADMISSION]
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    seen = set()
    while not model.finished and len(seen) < 12:
        model.step()
        month = model.date.month  # the step just run was the 1st of this month
        if model.date.day == 2:
            factor = used[month - 1]
            assert model.admission_factor == factor
            np.testing.assert_allclose(
                model.hazards.table[EventKind.ADMISSION], stationary * factor, rtol=1e-12
            )
            other = model.hazards.table[EventKind.DEATH]
            np.testing.assert_array_equal(other, HazardTable(scenario).table[EventKind.DEATH])
            seen.add(month)
    assert len(seen) == 12


def test_winter_brings_more_emergency_admissions():
    """More emergencies a day in December to February than in June to August, residents' and
    the hospital's under-65 ones alike, against the same seed without seasons.

    England's own factors move a winter day only 1.9% above a summer day (Dec-Feb 1.005, Jun-Aug
    0.986; SEA rows): too little to see in a run this small, whose two winters bring about 750
    resident emergencies, a noise of about 5% on the ratio. So this test gives the model an
    exaggerated winter (x1.5 in Dec-Feb, x0.5 in Jun-Aug, a ratio of 3) and checks the direction
    end to end, through residents' hazards, their event calendar and the hospital's arrivals.
    Seen: residents' winter-over-summer ratio 2.07 (0.985 without seasons), background 2.94
    (1.02). Residents' ratio is below 3 because the column counts the emergencies that wait
    for a bed, and a full hospital sends more of winter's home from the emergency department:
    with those counted the ratio is 3.06 (1.03). Residents' emergencies over the two years:
    3,095 against 3,039. England's factors are checked exactly by the test above.

    Since the evening recalibration of 2026-12-06 the hospital runs at the published 88-89%
    occupancy (BED-02; it was 81.5%), so the exaggerated winter fills it and most of winter's
    extra residents are turned away: admitted residents' ratio 1.41 (0.87 without seasons),
    and the year's admissions fall 16% (2,846 against 3,388). The test therefore counts
    residents' emergencies whether admitted or not, the arrivals the seasons act on: ratio
    2.94 (0.97), 3,920 against 4,022 over the two years."""
    exaggerated = (1.5, 1.5, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.5)
    base = calibrated(residents=8000, years=2)
    seasonal = base.with_changes(
        [("admissions.seasonality", "england"), ("admissions.england_monthly_factors", exaggerated)]
    )
    flat, winter = daily(run_model(base)), daily(run_model(seasonal))
    for table in (flat, winter):
        table["all_resident_emergencies"] = (
            table["resident_emergencies"] + table["resident_emergencies_not_admitted"]
        )
    for column in ("all_resident_emergencies", "background_emergencies"):
        assert winter_over_summer(winter, column) > 1.5, (
            f"{column}: a winter day should bring well over 1.5 times a summer day's emergencies"
        )
        assert winter_over_summer(winter, column) > winter_over_summer(flat, column) + 0.5, (
            f"{column}: seasons, not the run's own drift, should make winter the busier season"
        )
    total = winter["all_resident_emergencies"].sum()
    total_flat = flat["all_resident_emergencies"].sum()
    assert abs(total / total_flat - 1.0) < 0.15, "winter moves emergencies within the year"


def test_winters_are_december_to_february_cut_to_the_period():
    spans = winters(dt.date(2025, 1, 15), dt.date(2026, 12, 20))
    assert spans == [
        (dt.date(2025, 1, 15), dt.date(2025, 3, 1)),
        (dt.date(2025, 12, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 20)),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('seasonality = "winter"', "must be one of none, england"),
        ("england_monthly_factors = [1.0, 1.0]", "12"),
        ("england_monthly_factors = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1]", "at least 0"),
    ],
)
def test_a_bad_value_is_one_line_naming_key_and_file(
    tmp_path: Path, line: str, expected: str
) -> None:
    path = tmp_path / "winter.toml"
    path.write_text(f"[admissions]\n{line}\n", encoding="utf-8")
    key = f"admissions.{line.split(' =', maxsplit=1)[0]}"
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path.resolve()}: {key}: "), message
    assert expected in message
    assert "\n" not in message
