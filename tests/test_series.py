"""Dated series (issue 17): a numeric lever given as values on dates, inline or from a CSV file.

What a modeller relies on: a bad series stops with one line naming the file and the key before
anything runs; ``step`` and ``linear`` give the values they promise on the days they promise;
a child file's series replaces its parent's; ``--area`` scales a series as it scales the
lever; a results folder's ``config.toml`` reproduces the run; and a series is nothing more
than the ``[[schedule]]`` it stands for (one point is one entry, bit for bit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import tomli_w
from helpers import small

from abm import api
from abm.config import ConfigError, Scenario, ScheduledChange, load_scenario, scale_area
from abm.metrics import run_record
from abm.model import CareSystemModel
from abm.rng import replication_seed
from abm.series import Series

ROOT = Path(__file__).resolve().parents[1]
D = dt.date
# One reported year from 1 April 2025 after 30 warm-up days: the period is 2025-03-02 to
# 2026-03-31, the same as helpers.small(2000, 1, 30).
RUN = "[run]\nstart_date = 2025-04-01\nyears = 1\nwarmup_days = 30\n"
TINY = {"residents": 2000, "years": 1, "warmup_days": 30}


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def config(directory: Path, body: str, name: str = "s.toml") -> Path:
    """A config of ``body`` over the one-year run (top-level keys in ``body`` stay top-level)."""
    return write(directory, name, body + RUN)


def load_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    return info.value


def on_small_area(loaded: Scenario) -> Scenario:
    """The series and schedule of ``loaded`` (written in a small area's units) on the
    default system scaled to a 2,000-resident area: a run of about a second."""
    return dataclasses.replace(small(**TINY), schedule=loaded.schedule, series=loaded.series)


def values_by_day(scenario: Scenario, key: str) -> dict[dt.date, object]:
    """The lever's value in force on each simulated day (after that day's changes)."""
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    seen = {}
    while not model.finished:
        today = model.date
        model.step()
        seen[today] = model.params.get(key)
    return seen


def daily(scenario: Scenario) -> pd.DataFrame:
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    while not model.finished:
        model.step()
    return run_record(model).daily


# --------------------------------------------------------------------------- step and linear


def test_step_series_holds_each_value_from_its_date_to_the_next(tmp_path):
    path = config(
        tmp_path,
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16}, {date = 2025-09-01, value = 24}]\n",
    )
    loaded = load_scenario(path)
    assert loaded.series == (
        Series("hospital.beds", "step", ((D(2025, 6, 1), 16), (D(2025, 9, 1), 24))),
    )
    assert loaded.timeline() == (
        ScheduledChange(D(2025, 6, 1), (("hospital.beds", 16),)),
        ScheduledChange(D(2025, 9, 1), (("hospital.beds", 24),)),
    )
    scenario = on_small_area(loaded)
    beds = values_by_day(scenario, "hospital.beds")
    configured = scenario.hospital.beds
    assert configured not in (16, 24), "the test needs a configured value the series moves"
    assert beds[D(2025, 5, 31)] == configured, "before the first point: the configured value"
    assert beds[D(2025, 6, 1)] == 16
    assert beds[D(2025, 8, 31)] == 16, "a step holds its value until the next point"
    assert beds[D(2025, 9, 1)] == 24
    assert beds[D(2026, 3, 31)] == 24, "after the last point: the last value"


def test_linear_series_moves_on_the_first_of_each_month_along_the_line(tmp_path):
    key = "council.home_care_fee_gbp_per_hour"
    path = config(
        tmp_path,
        f'[series."{key}"]\ninterpolation = "linear"\nunit = "GBP an hour"\n'
        "points = [{date = 2025-06-15, value = 20.0}, {date = 2025-09-15, value = 29.2}]\n",
    )
    loaded = load_scenario(path)
    span = (D(2025, 9, 15) - D(2025, 6, 15)).days  # 92 days

    def line(day: dt.date) -> float:
        return 20.0 + (29.2 - 20.0) * ((day - D(2025, 6, 15)).days / span)

    expected = [
        (D(2025, 6, 15), 20.0),
        (D(2025, 7, 1), line(D(2025, 7, 1))),
        (D(2025, 8, 1), line(D(2025, 8, 1))),
        (D(2025, 9, 1), line(D(2025, 9, 1))),
        (D(2025, 9, 15), 29.2),
    ]
    assert loaded.series[0].changes() == expected
    fees = values_by_day(on_small_area(loaded), key)
    assert fees[D(2025, 6, 14)] == small(**TINY).council.home_care_fee_gbp_per_hour
    assert fees[D(2025, 6, 30)] == 20.0
    assert fees[D(2025, 7, 20)] == pytest.approx(20.0 + 9.2 * 16 / 92), "the value on 1 July"
    assert fees[D(2025, 9, 14)] == pytest.approx(20.0 + 9.2 * 78 / 92), "the value on 1 Sept"
    assert fees[D(2026, 3, 31)] == 29.2


def test_linear_series_rounds_a_whole_number_key_and_never_repeats_a_date():
    beds = Series("hospital.beds", "linear", ((D(2025, 5, 1), 10), (D(2025, 8, 1), 13)))
    # 1 May and 1 August are points and firsts of months: each appears once
    assert beds.changes() == [
        (D(2025, 5, 1), 10),
        (D(2025, 6, 1), round(10 + 3 * 31 / 92)),
        (D(2025, 7, 1), round(10 + 3 * 61 / 92)),
        (D(2025, 8, 1), 13),
    ]
    assert all(isinstance(value, int) for _, value in beds.changes())


def test_linear_series_crosses_a_year_end():
    fee = Series(
        "council.home_care_fee_gbp_per_hour",
        "linear",
        ((D(2025, 11, 20), 20.0), (D(2026, 2, 10), 24.0)),
    )
    assert [day for day, _ in fee.changes()] == [
        D(2025, 11, 20),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
        D(2026, 2, 10),
    ]


def test_a_single_point_series_is_a_schedule_entry_bit_for_bit(tmp_path):
    as_series = load_scenario(
        config(
            tmp_path,
            '[series."hospital.beds"]\ninterpolation = "linear"\n'
            "points = [{date = 2025-06-01, value = 14}]\n"
            '[series."council.budget_gbp"]\ninterpolation = "step"\n'
            "points = [{date = 2025-06-01, value = 2000000.0}]\n",
            "series.toml",
        )
    )
    as_schedule = load_scenario(
        config(
            tmp_path,
            '[[schedule]]\ndate = 2025-06-01\nset = { "hospital.beds" = 14, '
            '"council.budget_gbp" = 2000000.0 }\n',
            "schedule.toml",
        )
    )
    assert [(c.date, dict(c.changes)) for c in as_series.timeline()] == [
        (c.date, dict(c.changes)) for c in as_schedule.timeline()
    ]
    with_series, with_schedule = daily(on_small_area(as_series)), daily(on_small_area(as_schedule))
    pd.testing.assert_frame_equal(with_series, with_schedule)
    unchanged = daily(small(**TINY))
    assert not with_series["beds_open"].equals(unchanged["beds_open"]), (
        "the change must reach the model for the comparison to mean anything"
    )


# --------------------------------------------------------------------------- files and layers


def test_a_csv_file_gives_the_same_series_as_inline_points(tmp_path):
    write(tmp_path, "beds.csv", "date,value\n2025-06-01,16\n\n2025-09-01,24.0\n")
    from_file = load_scenario(
        config(tmp_path, '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n')
    )
    inline = load_scenario(
        config(
            tmp_path,
            '[series."hospital.beds"]\ninterpolation = "step"\n'
            "points = [{date = 2025-06-01, value = 16}, {date = 2025-09-01, value = 24}]\n",
            "inline.toml",
        )
    )
    assert from_file.series == inline.series
    assert all(isinstance(value, int) for _, value in from_file.series[0].points)


def test_nested_table_form_reads_as_the_quoted_key(tmp_path):
    quoted = '[series."hospital.beds"]\ninterpolation = "step"\n'
    nested = "[series.hospital.beds]\ninterpolation = 'step'\n"
    points = "points = [{date = 2025-06-01, value = 16}]\n"
    a = load_scenario(config(tmp_path, quoted + points, "a.toml"))
    b = load_scenario(config(tmp_path, nested + points, "b.toml"))
    assert a.series == b.series


def test_a_childs_series_replaces_its_parents_and_files_are_read_beside_their_config(tmp_path):
    write(tmp_path, "common/fees.csv", "date,value\n2025-05-01,21.0\n")
    write(
        tmp_path,
        "common/parent.toml",
        RUN + '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16}]\n"
        '[series."council.home_care_fee_gbp_per_hour"]\ninterpolation = "step"\n'
        'file = "fees.csv"\n',
    )
    child = write(
        tmp_path,
        "deep/child.toml",
        'extends = "../common/parent.toml"\n'
        '[series."hospital.beds"]\ninterpolation = "linear"\n'
        "points = [{date = 2025-07-01, value = 18}, {date = 2025-08-01, value = 22}]\n",
    )
    scenario = load_scenario(child)
    assert scenario.series == (
        Series("council.home_care_fee_gbp_per_hour", "step", ((D(2025, 5, 1), 21.0),)),
        Series("hospital.beds", "linear", ((D(2025, 7, 1), 18), (D(2025, 8, 1), 22))),
    ), "the parent's fee series is kept (its CSV read beside it); its beds series replaced"


def test_a_replaced_bad_series_in_the_parent_never_reaches_validation(tmp_path):
    write(
        tmp_path,
        "parent.toml",
        RUN + '[series."hospital.beds"]\ninterpolation = "step"\nfile = "missing.csv"\n',
    )
    child = write(
        tmp_path,
        "child.toml",
        'extends = "parent.toml"\n[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16}]\n",
    )
    assert load_scenario(child).series[0].points == ((D(2025, 6, 1), 16),)


# --------------------------------------------------------------------------- with [[schedule]]


def test_series_and_schedule_changes_on_one_date_all_apply(tmp_path):
    loaded = load_scenario(
        config(
            tmp_path,
            '[series."hospital.beds"]\ninterpolation = "step"\n'
            "points = [{date = 2025-06-01, value = 16}]\n"
            '[[schedule]]\ndate = 2025-06-01\nset = { "capacity.care_home_beds" = 50 }\n'
            '[[schedule]]\ndate = 2025-06-01\nset = { "council.social_workers" = 5 }\n',
        )
    )
    (change,) = loaded.timeline()
    assert dict(change.changes) == {
        "capacity.care_home_beds": 50,
        "council.social_workers": 5,
        "hospital.beds": 16,
    }
    model = CareSystemModel(on_small_area(loaded), replication_seed(1, 0))
    while model.date <= D(2025, 6, 1):
        model.step()
    params = model.params
    assert params.hospital.beds == 16
    assert (params.capacity.care_home_beds, params.council.social_workers) == (50, 5), (
        "two [[schedule]] entries on one date both apply (the model once kept only the last)"
    )


def test_a_series_and_a_schedule_entry_for_one_key_on_one_date_are_refused(tmp_path):
    path = config(
        tmp_path,
        '[series."hospital.beds"]\ninterpolation = "linear"\n'
        "points = [{date = 2025-05-15, value = 16}, {date = 2025-08-15, value = 20}]\n"
        '[[schedule]]\ndate = 2025-07-01\nset = { "hospital.beds" = 30 }\n',
    )
    error = load_error(path)
    assert error.source == str(path.resolve())
    assert error.key == "series.hospital.beds"
    assert "2025-07-01" in error.message, "a monthly step of a linear series clashes too"
    assert "\n" not in str(error)


def test_a_schedule_entry_for_the_key_on_another_date_is_kept(tmp_path):
    loaded = load_scenario(
        config(
            tmp_path,
            '[series."hospital.beds"]\ninterpolation = "step"\n'
            "points = [{date = 2025-06-01, value = 16}, {date = 2025-09-01, value = 24}]\n"
            '[[schedule]]\ndate = 2025-07-01\nset = { "hospital.beds" = 30 }\n',
        )
    )
    beds = [dict(change.changes)["hospital.beds"] for change in loaded.timeline()]
    assert beds == [16, 30, 24]


# --------------------------------------------------------------------------- bad series

# (body of the config, files beside it, file named: "config" or a CSV's name, key, words)
BAD = {
    "unsorted dates": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-09-01, value = 16}, {date = 2025-06-01, value = 24}]\n",
        {},
        "config",
        "series.hospital.beds.points",
        "increasing order",
    ),
    "a repeated date": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16}, {date = 2025-06-01, value = 24}]\n",
        {},
        "config",
        "series.hospital.beds.points",
        "increasing order",
    ),
    "unsorted dates in a file": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "date,value\n2025-09-01,16\n2025-06-01,24\n"},
        "beds.csv",
        "series.hospital.beds",
        "2025-06-01 (line 3) is not after 2025-09-01 (line 2)",
    ),
    "a date before the warm-up": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-03-01, value = 16}]\n",
        {},
        "config",
        "series.hospital.beds.points",
        "outside the simulated period 2025-03-02 to 2026-03-31",
    ),
    "a date after the run": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "date,value\n2025-06-01,16\n2026-04-01,24\n"},
        "beds.csv",
        "series.hospital.beds",
        "2026-04-01 (line 3) is outside the simulated period",
    ),
    "a wrong unit": (
        '[series."council.budget_gbp"]\ninterpolation = "step"\nunit = "GBP a week"\n'
        "points = [{date = 2025-06-01, value = 1.0}]\n",
        {},
        "config",
        "series.council.budget_gbp.unit",
        "unit 'GBP a week' is not the key's unit 'GBP a year'",
    ),
    "a missing file": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "nowhere/beds.csv"\n',
        {},
        "config",
        "series.hospital.beds.file",
        "file not found: ",
    ),
    "points and a file": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n'
        "points = [{date = 2025-06-01, value = 16}]\n",
        {"beds.csv": "date,value\n2025-06-01,16\n"},
        "config",
        "series.hospital.beds",
        "not both",
    ),
    "neither points nor a file": (
        '[series."hospital.beds"]\ninterpolation = "step"\n',
        {},
        "config",
        "series.hospital.beds",
        "missing: give points",
    ),
    "no interpolation": (
        '[series."hospital.beds"]\npoints = [{date = 2025-06-01, value = 16}]\n',
        {},
        "config",
        "series.hospital.beds.interpolation",
        "missing",
    ),
    "an unknown interpolation": (
        '[series."hospital.beds"]\ninterpolation = "cubic"\n'
        "points = [{date = 2025-06-01, value = 16}]\n",
        {},
        "config",
        "series.hospital.beds.interpolation",
        "'cubic'",
    ),
    "a value out of range": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16}, {date = 2025-07-01, value = -3}]\n",
        {},
        "config",
        "series.hospital.beds.points",
        "point 2 (2025-07-01): cannot be negative",
    ),
    "a value out of range in a file": (
        '[series."council.social_workers"]\ninterpolation = "linear"\nfile = "sw.csv"\n',
        {"sw.csv": "date,value\n2025-06-01,3\n2025-07-01,-1\n"},
        "sw.csv",
        "series.council.social_workers",
        "line 3 (2025-07-01): cannot be negative",
    ),
    "a fraction for a whole-number key": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16.5}]\n",
        {},
        "config",
        "series.hospital.beds.points",
        "must be a whole number",
    ),
    "text for a value": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        'points = [{date = 2025-06-01, value = "many"}]\n',
        {},
        "config",
        "series.hospital.beds.points",
        "must be a whole number",
    ),
    "a point with a stray field": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16, note = 1}]\n",
        {},
        "config",
        "series.hospital.beds.points",
        "point 1 must have a date and a value",
    ),
    "a bad date in a file": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "date,value\n2025-13-01,16\n"},
        "beds.csv",
        "series.hospital.beds",
        "line 2: not a valid date",
    ),
    "a word for a number in a file": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "date,value\n2025-06-01,lots\n"},
        "beds.csv",
        "series.hospital.beds",
        "line 2: value must be a number",
    ),
    "a file without its header": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "2025-06-01,16\n"},
        "beds.csv",
        "series.hospital.beds",
        "header date,value",
    ),
    "a file with only its header": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "date,value\n"},
        "beds.csv",
        "series.hospital.beds",
        "no dated values",
    ),
    "a file with a third column": (
        '[series."hospital.beds"]\ninterpolation = "step"\nfile = "beds.csv"\n',
        {"beds.csv": "date,value\n2025-06-01,16,17\n"},
        "beds.csv",
        "series.hospital.beds",
        "line 2: expected date,value",
    ),
    "a text lever": (
        '[series."workforce.pay_rule"]\ninterpolation = "step"\n'
        'points = [{date = 2025-06-01, value = "market"}]\n',
        {},
        "config",
        "series.workforce.pay_rule",
        "only a number can be a dated series; workforce.pay_rule is text",
    ),
    "a list lever": (
        '[series."population.age_band_shares"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 1.0}]\n",
        {},
        "config",
        "series.population.age_band_shares",
        "is a list",
    ),
    "a true/false lever": (
        '[series."capacity.grows_with_population"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 1}]\n",
        {},
        "config",
        "series.capacity.grows_with_population",
        "is true or false",
    ),
    "a run setting": (
        '[series."run.seed"]\ninterpolation = "step"\npoints = [{date = 2025-06-01, value = 1}]\n',
        {},
        "config",
        "series.run.seed",
        "run settings cannot change mid-run",
    ),
    "an unknown key": (
        '[series."hospital.bedz"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 16}]\n",
        {},
        "config",
        "series.hospital.bedz",
        "did you mean 'hospital.beds'?",
    ),
    "an unknown field": (
        '[series."hospital.beds"]\ninterpolation = "step"\n'
        "values = [{date = 2025-06-01, value = 16}]\n",
        {},
        "config",
        "series.hospital.beds.values",
        "unknown field",
    ),
    "a series that is not a table": (
        'series = "beds.csv"\n',
        {},
        "config",
        "series",
        "must be tables",
    ),
    "a value breaking a rule on several keys": (
        '[series."council.lower_capital_limit_gbp"]\ninterpolation = "step"\n'
        "points = [{date = 2025-06-01, value = 30000.0}]\n"
        "[council]\nupper_capital_limit_gbp = 23250.0\nlower_capital_limit_gbp = 14250.0\n",
        {},
        "config",
        "council.upper_capital_limit_gbp",
        "the upper capital limit (23,250 GBP) is below the lower one",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_series_stops_with_one_line_naming_the_file_and_the_key(tmp_path, case):
    body, files, named, key, words = BAD[case]
    for name, text in files.items():
        write(tmp_path, name, text)
    path = config(tmp_path, body)
    error = load_error(path)
    source = str(path.resolve()) if named == "config" else str((tmp_path / named).resolve())
    assert (error.source, error.key) == (source, key), str(error)
    assert str(error).startswith(f"{source}: {key}: "), str(error)
    assert words in error.message, str(error)
    assert "\n" not in str(error), "one line"


def test_a_missing_file_is_named_with_its_full_path(tmp_path):
    path = config(
        tmp_path, '[series."hospital.beds"]\ninterpolation = "step"\nfile = "nowhere/b.csv"\n'
    )
    assert str((tmp_path / "nowhere" / "b.csv").resolve()) in load_error(path).message


def test_the_command_refuses_a_bad_series_before_any_run(tmp_path):
    path = config(
        tmp_path, '[series."hospital.beds"]\ninterpolation = "step"\nfile = "missing.csv"\n'
    )
    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "-m", "abm.cli", "run", str(path), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(path.resolve()) in lines[0]
    assert "series.hospital.beds.file" in lines[0]
    assert not out.exists(), "nothing is written when the config is refused"


# --------------------------------------------------------------------------- area and round trip


def test_area_scaling_scales_a_series_as_it_scales_the_lever_and_the_schedule(tmp_path):
    dates = ("2025-06-01", "2025-09-01")
    beds, budget, fee = (600, 700), (90e6, 80e6), (21.0, 23.0)
    series = "".join(
        f'[series."{key}"]\ninterpolation = "step"\npoints = ['
        + ", ".join(f"{{date = {d}, value = {v}}}" for d, v in zip(dates, values, strict=True))
        + "]\n"
        for key, values in (
            ("hospital.beds", beds),
            ("council.budget_gbp", budget),
            ("council.home_care_fee_gbp_per_hour", fee),
        )
    )
    schedule = "".join(
        f'[[schedule]]\ndate = {d}\nset = {{ "hospital.beds" = {b}, "council.budget_gbp" = {m}, '
        f'"council.home_care_fee_gbp_per_hour" = {f} }}\n'
        for d, b, m, f in zip(dates, beds, budget, fee, strict=True)
    )
    as_series = scale_area(load_scenario(config(tmp_path, series, "a.toml")), 2000)
    as_schedule = scale_area(load_scenario(config(tmp_path, schedule, "b.toml")), 2000)
    assert [(c.date, dict(c.changes)) for c in as_series.timeline()] == [
        (c.date, dict(c.changes)) for c in as_schedule.timeline()
    ]
    scaled = {one.key: [value for _, value in one.points] for one in as_series.series}
    factor = 2000 / 68000
    assert scaled["hospital.beds"] == [round(600 * factor), round(700 * factor)]
    assert scaled["council.budget_gbp"] == [90e6 * factor, 80e6 * factor]
    assert scaled["council.home_care_fee_gbp_per_hour"] == [21.0, 23.0], "a price is not scaled"


def test_the_resolved_config_records_the_series_and_reproduces_the_run(tmp_path):
    write(tmp_path, "budget.csv", "date,value\n2025-04-01,95000000\n2025-10-01,90000000\n")
    path = config(
        tmp_path,
        '[series."council.budget_gbp"]\ninterpolation = "step"\nfile = "budget.csv"\n'
        '[series."hospital.beds"]\ninterpolation = "linear"\nunit = "beds"\n'
        "points = [{date = 2025-05-10, value = 600}, {date = 2025-08-20, value = 720}]\n"
        '[[schedule]]\ndate = 2025-07-01\nset = { "council.social_workers" = 70 }\n',
    )
    first = api.run(path, replications=1, area=2000)
    folder = first.save(tmp_path / "first")
    written = tomllib.loads((folder / "config.toml").read_text())
    assert written["series"]["hospital.beds"]["interpolation"] == "linear"
    assert "file" not in written["series"]["council.budget_gbp"], "the file's rows are inlined"
    assert [p["value"] for p in written["series"]["council.budget_gbp"]["points"]] == [
        95e6 * 2000 / 68000,
        90e6 * 2000 / 68000,
    ], "the points of the scaled area"
    again = load_scenario(folder / "config.toml")
    assert again == first.scenario
    assert again.timeline() == first.scenario.timeline()
    second = api.run(folder / "config.toml", replications=1)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    pd.testing.assert_frame_equal(first.timeseries, second.timeseries)


def test_api_overrides_keep_a_scenarios_series(tmp_path):
    loaded = load_scenario(
        config(
            tmp_path,
            '[series."hospital.beds"]\ninterpolation = "step"\n'
            "points = [{date = 2025-06-01, value = 16}]\n",
        )
    )
    changed = api.scenario(loaded, {"hospital.los_shape": 2.0})
    assert changed.series == loaded.series
    assert changed.hospital.los_shape == 2.0


def test_without_series_nothing_changes():
    """Configs without series keep their resolved form (sweep hashes, results folders) and
    their timeline is their schedule."""
    scenario = small(**TINY)
    assert "series" not in scenario.to_dict()
    entries = (
        ScheduledChange(D(2025, 6, 1), (("hospital.beds", 16),)),
        ScheduledChange(D(2025, 7, 1), (("capacity.care_home_beds", 50), ("hospital.beds", 18))),
    )
    with_schedule = dataclasses.replace(scenario, schedule=entries)
    assert with_schedule.timeline() == entries
    data = with_schedule.to_dict()
    assert "series" not in data
    assert tomllib.loads(tomli_w.dumps(data))["schedule"][1]["set"] == {
        "capacity.care_home_beds": 50,
        "hospital.beds": 18,
    }
