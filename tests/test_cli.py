"""End to end through the command line: the results folder of the contract, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from abm.config import load_scenario
from abm.metrics import KPIS

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "abm.cli"]


def care_abm(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )


SHORT = ["--set", "run.years=1", "--set", "run.warmup_days=60"]


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "baseline"
    done = care_abm(
        "run",
        "experiments/baseline.toml",
        "--replications",
        "2",
        "--jobs",
        "2",
        "--out",
        str(out),
        *SHORT,
        "--set",
        "hospital.beds=700",
    )
    assert done.returncode == 0, done.stderr
    assert f"Results: {out}" in done.stdout
    return out


def test_results_folder_is_complete(results):
    names = {p.name for p in results.iterdir()}
    assert {
        "config.toml",
        "summary.csv",
        "timeseries.parquet",
        "timeseries_monthly.csv",
        "delays.parquet",
        "replications.csv",
        "metadata.json",
        "figures",
    } <= names
    figures = {p.name for p in (results / "figures").iterdir()}
    assert {"occupancy.png", "admissions.png", "delayed.png", "care.png"} <= figures
    assert all((results / "figures" / f).stat().st_size > 10_000 for f in figures)
    assert not list(results.parent.glob("*.partial"))


def test_summary_has_every_kpi_with_intervals(results):
    summary = pd.read_csv(results / "summary.csv")
    assert list(summary.columns[:5]) == ["metric", "mean", "ci_low", "ci_high", "n"]
    assert set(summary["metric"]) == {kpi.name for kpi in KPIS}
    assert (summary["n"] == 2).all() or summary["mean"].isna().any()
    full = summary.dropna()
    assert (full["ci_low"] <= full["mean"]).all()
    assert (full["mean"] <= full["ci_high"]).all()
    occupancy = summary.set_index("metric").loc["bed_occupancy", "mean"]
    assert 0.3 < occupancy <= 1.0


def test_timeseries_is_tidy_and_dated(results):
    series = pd.read_parquet(results / "timeseries.parquet")
    assert list(series.columns) == ["date", "replication", "metric", "value"]
    assert set(series["replication"]) == {0, 1}
    assert series["date"].min() == pd.Timestamp("2025-04-01"), "warm-up days are not reported"
    assert series["date"].max() == pd.Timestamp("2026-03-31")


def test_resolved_config_reproduces_the_run(results, tmp_path):
    config = tomllib.loads((results / "config.toml").read_text())
    assert config["hospital"]["beds"] == 700, "--set is in the resolved config"
    assert config["run"]["replications"] == 2
    again = tmp_path / "again"
    done = care_abm(
        "run", str(results / "config.toml"), "--jobs", "1", "--out", str(again), "--quiet"
    )
    assert done.returncode == 0, done.stderr
    first = pd.read_csv(results / "summary.csv")
    second = pd.read_csv(again / "summary.csv")
    pd.testing.assert_frame_equal(first, second)


def test_metadata(results):
    meta = json.loads((results / "metadata.json").read_text())
    for key in (
        "care_abm_version",
        "git_commit",
        "seed",
        "wall_seconds",
        "platform",
        "replications",
    ):
        assert key in meta
    assert meta["replications"] == 2


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[hospital]\nbedz = 3\n", "hospital.bedz: unknown key (did you mean 'hospital.beds'?)"),
        ("[hospital]\nbeds = -3\n", "hospital.beds: cannot be negative"),
        ('extends = "missing.toml"\n', "extends: file not found"),
        ("[run]\nstart_date = 2025-02-30\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_line_and_writes_nothing(tmp_path, toml, expected):
    config = tmp_path / "bad.toml"
    config.write_text(toml)
    out = tmp_path / "out"
    done = care_abm("run", str(config), "--out", str(out))
    assert done.returncode == 2
    assert expected in done.stderr
    assert str(config) in done.stderr or "missing.toml" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_override_names_set(tmp_path):
    done = care_abm(
        "run",
        "experiments/baseline.toml",
        "--set",
        "hospital.beds=lots",
        "--out",
        str(tmp_path / "o"),
    )
    assert done.returncode == 2
    assert "--set: hospital.beds: must be a whole number" in done.stderr


def test_existing_results_folder_is_refused(results):
    done = care_abm("run", "experiments/baseline.toml", "--out", str(results), *SHORT)
    assert done.returncode == 2
    assert "already exists" in done.stderr


@pytest.mark.parametrize(
    "path", sorted((ROOT / "experiments").glob("*.toml")), ids=lambda p: p.name
)
def test_every_experiment_loads_and_runs_briefly(path):
    import dataclasses

    from abm.config import scale_area
    from abm.run import run_replication

    scenario = load_scenario(path)
    if scenario.series:
        # A dated series must lie within the run it is loaded for: load it as written, then
        # cut it short (its later dates are not reached).
        run = dataclasses.replace(scenario.run, years=1, warmup_days=30)
        scenario = dataclasses.replace(scenario, run=run)
    else:
        scenario = load_scenario(path, ["run.years=1", "run.warmup_days=30"])
    result = run_replication(scale_area(scenario, 2000), 0)
    assert result.kpis["emergency_admissions_per_1000"] > 0


def test_area_scales_the_run_and_its_resolved_config_reproduces_it(tmp_path):
    out = tmp_path / "area"
    done = care_abm(
        "run",
        "experiments/baseline.toml",
        "--area",
        "2000",
        "-r",
        "1",
        "--out",
        str(out),
        *SHORT,
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    config = tomllib.loads((out / "config.toml").read_text())
    full = load_scenario(ROOT / "experiments" / "baseline.toml")
    assert config["population"]["residents_65plus"] == 2000
    assert config["hospital"]["beds"] == round(full.hospital.beds * 2000 / 68000), (
        "--area scales the hospital with the area, in the resolved config too"
    )
    again = tmp_path / "again"
    done = care_abm("run", str(out / "config.toml"), "--out", str(again), "--quiet")
    assert done.returncode == 0, done.stderr
    assert (again / "config.toml").read_text() == (out / "config.toml").read_text()
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "summary.csv"), pd.read_csv(again / "summary.csv")
    )


def test_setting_the_residents_on_the_command_line_scales_the_area(tmp_path):
    """``--set population.residents_65plus=N`` is ``--area N``: the same resolved config, and
    one line saying so (the residents alone would keep a full-size hospital)."""
    folders = {}
    for name, option in (
        ("area", ["--area", "2000"]),
        ("set", ["--set", "population.residents_65plus=2000"]),
    ):
        folders[name] = tmp_path / name
        done = care_abm(
            "run",
            "experiments/baseline.toml",
            *option,
            "-r",
            "1",
            "--out",
            str(folders[name]),
            *SHORT,
            "--quiet",
        )
        assert done.returncode == 0, done.stderr
        said = [line for line in done.stderr.splitlines() if "as --area 2000" in line]
        assert len(said) == (name == "set"), done.stderr
    assert (folders["set"] / "config.toml").read_text() == (
        folders["area"] / "config.toml"
    ).read_text()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--area", "2000", "--set", "population.residents_65plus=3000"],
            "--area: population.residents_65plus: given twice",
        ),
        (["--area", "5"], "--area: population.residents_65plus: must be at least 10, got 5"),
        (
            ["--set", "population.residents_65plus=5"],
            "--set: population.residents_65plus: must be at least 10, got 5",
        ),
    ],
)
def test_a_bad_area_is_one_clear_line_and_writes_nothing(tmp_path, options, expected):
    out = tmp_path / "out"
    done = care_abm("run", "experiments/baseline.toml", *options, "--out", str(out))
    assert done.returncode == 2
    assert expected in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", [[], ["run"], ["sweep"], ["compare"], ["calibrate"]])
def test_help_imports_no_numerical_or_plotting_package(command):
    """``care-abm ... --help`` only parses arguments, so it must not import the packages that
    make starting a run slow (about 2 s between them): that is what keeps it well under half a
    second, without timing anything here."""
    heavy = ("numpy", "pandas", "scipy", "matplotlib", "mesa", "pyarrow", "solara", "dask")
    script = (
        "import sys\n"
        "from abm.cli import main\n"
        "try:\n"
        f"    main({[*command, '--help']!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", (
        f"care-abm {' '.join(command)} --help imported {done.stdout.strip().splitlines()[-1]}"
    )
