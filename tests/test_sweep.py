"""Sweeps: sweep files and their errors, designs, engines, storage and analysis.

Every sweep here runs a tiny area (1,000 residents, one year after a 30-day warm-up: about a
tenth of a second a run), so the real engines (local processes and a real Dask LocalCluster)
can be compared end to end within seconds.
"""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.config import ConfigError, load_scenario
from abm.errors import RunError
from abm.run import run_replication
from abm.sweep import engine as engine_module
from abm.sweep.design import make_design, spec_hash
from abm.sweep.engine import DaskEngine, ProcessEngine, SerialEngine, parse_cluster
from abm.sweep.runner import analyse_folder, run_sweep
from abm.sweep.spec import load_sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments" / "baseline.toml"

TOP = f'base = "{BASELINE.as_posix()}"\narea_residents = 1000\n'
SET = '\n[set]\n"run.years" = 1\n"run.warmup_days" = 30\n'


def sweep_file(tmp_path: Path, body: str, name: str = "sweep.toml") -> Path:
    """A sweep file of ``body`` (keys, then tables) on the tiny baseline."""
    path = tmp_path / name
    path.write_text(TOP + body + SET)
    return path


SOBOL = """
name = "tiny_sobol"
design = "sobol"
samples = 4
seed = 11
replications = 1
outputs = ["delayed_bed_days", "bed_occupancy"]
[parameters]
"hospital.beds" = { low = 8, high = 14 }
"capacity.home_care_hours_per_week" = { low = 300, high = 600 }
"""


# --------------------------------------------------------------------------- sweep files


@pytest.mark.parametrize(
    ("body", "key", "expected"),
    [
        (
            '[parameters]\n"hospital.bedz" = [10, 12]',
            "parameters.hospital.bedz",
            "unknown config key (did you mean 'hospital.beds'?)",
        ),
        (
            '[parameters]\n"hospital.beds" = { low = 14, high = 8 }',
            "parameters.hospital.beds",
            "low (14) must be below high (8)",
        ),
        (
            'design = "sobel"\nsamples = 4\n[parameters]\n"hospital.beds" = [10, 12]',
            "design",
            "unknown design 'sobel' (did you mean 'sobol'?); valid designs: grid, random, "
            "latin_hypercube, sobol, morris",
        ),
        (
            'outputs = ["delayed_beddays"]\n[parameters]\n"hospital.beds" = [10, 12]',
            "outputs",
            "unknown KPI 'delayed_beddays' (did you mean 'delayed_bed_days'?)",
        ),
        (
            '[parameters]\n"hospital.beds" = { low = 8, high = 14 }',
            "parameters.hospital.beds",
            "a grid needs listed values or a range with steps",
        ),
        (
            'design = "sobol"\nsamples = 6\n[parameters]\n"hospital.beds" = { low = 8, '
            'high = 14 }\n"capacity.care_home_beds" = { low = 40, high = 50 }',
            "samples",
            "needs a power of two (e.g. 8), got 6",
        ),
        (
            '[parameters]\n"hospital.beds" = [10, -1]',
            "parameters.hospital.beds",
            "cannot be negative",
        ),
        (
            '[parameters]\n"run.seed" = [1, 2]',
            "parameters.run.seed",
            "cannot be varied",
        ),
        (
            'replicates = 3\n[parameters]\n"hospital.beds" = [10, 12]',
            "replicates",
            "unknown key (did you mean 'replications'?)",
        ),
        (
            '[parameters]\n"hospital.beds" = { low = 8, hi = 14 }',
            "parameters.hospital.beds.hi",
            "unknown option (did you mean 'high'?)",
        ),
        (
            'design = "random"\nsamples = 4\n[parameters]\n"population.growth_85plus" = '
            '{ distribution = "normal", low = 0, high = 0.5 }',
            "parameters.population.growth_85plus",
            "a normal distribution needs 'mean'",
        ),
    ],
)
def test_bad_sweep_file_is_one_clear_error_naming_file_and_key(tmp_path, body, key, expected):
    path = sweep_file(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_sweep(path)
    assert caught.value.source == str(path)
    assert caught.value.key == key
    assert expected in caught.value.message


def test_missing_base_file_is_named(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text('base = "nowhere.toml"\n[parameters]\n"hospital.beds" = [10, 12]\n')
    with pytest.raises(ConfigError) as caught:
        load_sweep(path)
    assert caught.value.key == "base"
    assert f"file not found: {tmp_path / 'nowhere.toml'}" in caught.value.message


def test_bad_set_value_names_the_sweep_file(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        f'base = "{BASELINE.as_posix()}"\n[set]\n"run.years" = 0\n'
        '[parameters]\n"hospital.beds" = [10, 12]\n'
    )
    with pytest.raises(ConfigError, match=r"set\.run\.years: must be at least 1"):
        load_sweep(path)


def test_every_example_sweep_loads_and_builds_its_design():
    examples = sorted((ROOT / "experiments" / "sweeps").glob("*.toml"))
    assert len(examples) >= 3, "a capacity sweep, a two-lever grid and a Sobol analysis"
    designs = set()
    for path in examples:
        spec = load_sweep(path)
        design = make_design(spec)
        assert len(design) >= 2, path.name
        designs.add(spec.design)
        # The first point runs: a short horizon in the same area, to keep this test quick.
        short = dataclasses.replace(spec.base.run, years=1, warmup_days=30)
        scenario = dataclasses.replace(spec.base, run=short).with_changes(design.changes(0))
        assert run_replication(scenario, 0).kpis["delayed_bed_days"] >= 0, path.name
    assert {"grid", "sobol"} <= designs


# --------------------------------------------------------------------------- designs


def test_designs_are_reproducible_from_the_seed_and_respect_bounds(tmp_path):
    body = """
design = "{design}"
samples = {samples}
seed = {seed}
[parameters]
"hospital.beds" = {{ low = 8, high = 14 }}
"capacity.home_care_hours_per_week" = {{ distribution = "log_uniform", low = 300, high = 600 }}
"population.growth_85plus" = {{ distribution = "normal", mean = 0.3, sd = 0.2, low = 0, \
    high = 0.9 }}
"capacity.grows_with_population" = [true, false]
"""
    for design, samples, rows in [
        ("random", 10, 10),
        ("latin_hypercube", 10, 10),
        ("sobol", 8, 8 * (4 + 2)),
        ("morris", 5, 5 * (4 + 1)),
    ]:
        first = make_design(
            load_sweep(sweep_file(tmp_path, body.format(design=design, samples=samples, seed=1)))
        )
        again = make_design(
            load_sweep(sweep_file(tmp_path, body.format(design=design, samples=samples, seed=1)))
        )
        other = make_design(
            load_sweep(sweep_file(tmp_path, body.format(design=design, samples=samples, seed=2)))
        )
        assert len(first) == rows, design
        assert first.points == again.points, f"{design}: same seed, same points"
        assert first.points != other.points, f"{design}: another seed, other points"
        beds = [p[0] for p in first.points]
        hours = [p[1] for p in first.points]
        growth = [p[2] for p in first.points]
        assert all(isinstance(b, int) and 8 <= b <= 14 for b in beds), "whole beds in range"
        assert all(300 <= h <= 600 for h in hours)
        assert all(0 <= g <= 0.9 for g in growth)
        assert {p[3] for p in first.points} <= {True, False}


def test_grid_is_every_combination_in_file_order(tmp_path):
    spec = load_sweep(
        sweep_file(
            tmp_path,
            '[parameters]\n"hospital.beds" = { low = 8, high = 14, steps = 4 }\n'
            '"capacity.care_home_beds" = [40, 50]',
        )
    )
    design = make_design(spec)
    assert design.points == (
        (8, 40),
        (8, 50),
        (10, 40),
        (10, 50),
        (12, 40),
        (12, 50),
        (14, 40),
        (14, 50),
    )


def test_spec_hash_follows_points_not_replications(tmp_path):
    base = '[parameters]\n"hospital.beds" = [10, 12]'
    one = load_sweep(sweep_file(tmp_path, "replications = 1\n" + base, "a.toml"))
    three = load_sweep(sweep_file(tmp_path, "replications = 3\n" + base, "b.toml"))
    other = load_sweep(sweep_file(tmp_path, '[parameters]\n"hospital.beds" = [10, 13]', "c.toml"))
    assert spec_hash(one, make_design(one)) == spec_hash(three, make_design(three))
    assert spec_hash(one, make_design(one)) != spec_hash(other, make_design(other))


def test_spec_hash_follows_the_model_source(tmp_path, monkeypatch):
    """Runs written before a change to the model's code are never resumed into after it."""
    from abm.sweep import design

    spec = load_sweep(sweep_file(tmp_path, '[parameters]\n"hospital.beds" = [10, 12]'))
    before = spec_hash(spec, make_design(spec))
    root = Path(design.abm.__file__).parent
    model_py = root / "model.py"
    changed = model_py.read_bytes() + b"\n# a change\n"
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: changed if p == model_py else real_read(p))
    design.model_source_hash.cache_clear()
    try:
        assert spec_hash(spec, make_design(spec)) != before
    finally:
        monkeypatch.undo()
        design.model_source_hash.cache_clear()
    assert spec_hash(spec, make_design(spec)) == before


def test_the_model_source_hash_covers_every_module_a_run_imports():
    """Every module of the package that a run imports is either hashed (a change to it keys
    new runs) or named as one that cannot change a run's numbers. Before 7 December 2026 the
    demography, seasons, prices, grants, queue waits, reporters, statistics and the series were
    not hashed, so a sweep or a calibration resumed after a change to them would have mixed runs
    of two models."""
    code = (
        "import sys, abm.model, abm.run\n"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
        "if n.startswith('abm') and getattr(m, '__file__', None)))"
    )
    from abm.sweep import design

    root = Path(design.abm.__file__).parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    imported = {Path(line).resolve().relative_to(root.resolve()) for line in out.splitlines()}
    covered = set()
    for part in (*design.MODEL_SOURCES, *design.NOT_MODEL_SOURCES):
        where = root / part
        paths = where.rglob("*.py") if where.is_dir() else [where]
        covered |= {path.resolve().relative_to(root.resolve()) for path in paths}
    missing = sorted(str(path) for path in imported - covered if path.name != "__init__.py")
    assert not missing, f"add to MODEL_SOURCES or NOT_MODEL_SOURCES: {missing}"


# --------------------------------------------------------------------------- engines


def comparable(folder: Path) -> pd.DataFrame:
    """The consolidated table without timings, sorted."""
    table = pd.read_parquet(folder / "results.parquet")
    return table.drop(columns=["seconds"]).sort_values(["point", "replication"], ignore_index=True)


@pytest.fixture(scope="module")
def sobol_on_local_cluster(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny Sobol sweep end to end on a real Dask LocalCluster with two worker processes."""
    folder = tmp_path_factory.mktemp("sweeps")
    path = sweep_file(folder, SOBOL)
    out = folder / "dask"
    outcome = run_sweep(load_sweep(path), out, lambda: DaskEngine(local_workers=2), progress=False)
    assert outcome.engine.startswith("dask (LocalCluster tcp://127.0.0.1:")
    assert outcome.ran == 16
    return path, out


def test_sobol_sweep_on_a_local_cluster_writes_the_whole_folder(sobol_on_local_cluster):
    _, out = sobol_on_local_cluster
    names = {p.name for p in out.iterdir()}
    assert {
        "sweep.toml",
        "base.toml",
        "points.csv",
        "runs",
        "results.parquet",
        "errors.csv",
        "sensitivity.csv",
        "figures",
        "metadata.json",
    } <= names
    assert len(list((out / "runs").glob("p*-r*.json"))) == 16
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 16
    assert (table["status"] == "ok").all()
    assert list(table.columns[:4]) == [
        "point",
        "replication",
        "hospital.beds",
        "capacity.home_care_hours_per_week",
    ]
    sensitivity = pd.read_csv(out / "sensitivity.csv")
    rows = sensitivity[sensitivity["output"] == "delayed_bed_days"]
    assert set(rows["index"]) == {"S1", "ST"}
    assert set(rows["parameter"]) == {"hospital.beds", "capacity.home_care_hours_per_week"}
    assert (rows["conf_low"] <= rows["value"]).all()
    assert (rows["value"] <= rows["conf_high"]).all()
    figures = {p.name for p in (out / "figures").iterdir()}
    assert {"sobol_delayed_bed_days.png", "heatmap_delayed_bed_days.png"} <= figures
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["runs_ok"] == 16
    assert meta["sessions"][0]["workers"] == 2


def test_same_results_serial_processes_and_dask(sobol_on_local_cluster, tmp_path):
    path, dask_out = sobol_on_local_cluster
    spec = load_sweep(path)
    run_sweep(spec, tmp_path / "one", SerialEngine, progress=False)
    run_sweep(spec, tmp_path / "two", lambda: ProcessEngine(2), progress=False)
    reference = comparable(tmp_path / "one")
    pd.testing.assert_frame_equal(reference, comparable(tmp_path / "two"))
    pd.testing.assert_frame_equal(reference, comparable(dask_out))
    first = pd.read_csv(tmp_path / "one" / "sensitivity.csv")
    pd.testing.assert_frame_equal(first, pd.read_csv(dask_out / "sensitivity.csv"))


def test_replication_k_of_every_point_uses_the_same_random_streams(tmp_path):
    spec = load_sweep(
        sweep_file(
            tmp_path,
            'replications = 2\noutputs = ["delayed_bed_days"]\n'
            '[parameters]\n"hospital.beds" = [10, 12, 10]',
        )
    )
    run_sweep(spec, tmp_path / "out", SerialEngine, progress=False)
    table = comparable(tmp_path / "out").set_index(["point", "replication"])
    kpis = table.drop(columns=["hospital.beds", "status", "error"])
    for k in (0, 1):
        assert kpis.loc[(0, k)].equals(kpis.loc[(2, k)]), "same inputs, same replication: same run"
    assert not kpis.loc[(0, 0)].equals(kpis.loc[(0, 1)]), "replications differ"


def test_parse_cluster():
    assert parse_cluster("local:2") == ("local", 2)
    assert parse_cluster("slurm:20") == ("slurm", 20)
    for bad in ("local", "local:0", "kubernetes:3", "local:two"):
        with pytest.raises(RunError, match="expected KIND:WORKERS"):
            parse_cluster(bad)


# --------------------------------------------------------------------------- resume and errors


GRID = """
name = "tiny_grid"
replications = 2
outputs = ["delayed_bed_days"]
[parameters]
"hospital.beds" = [9, 12]
"""


def test_failed_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    real = engine_module.run_replication

    def flaky(scenario, replication):
        if scenario.hospital.beds == 12 and replication == 1:
            raise ZeroDivisionError("a corner of parameter space the model cannot handle")
        return real(scenario, replication)

    monkeypatch.setattr(engine_module, "run_replication", flaky)
    spec = load_sweep(sweep_file(tmp_path, GRID))
    outcome = run_sweep(spec, tmp_path / "out", SerialEngine, progress=False)
    assert outcome.ran == 4
    assert outcome.analysis.failed == 1
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert errors[["point", "replication"]].to_numpy().tolist() == [[1, 1]]
    assert "ZeroDivisionError: a corner" in errors["error"].iloc[0]
    record = json.loads((tmp_path / "out" / "runs" / "p000001-r0001.json").read_text())
    assert record["status"] == "error"
    assert "Traceback" in record["traceback"]

    monkeypatch.setattr(engine_module, "run_replication", real)
    again = run_sweep(spec, tmp_path / "out", SerialEngine, resume=True, progress=False)
    assert again.ran == 0, "a recorded error is a finished run"
    retried = run_sweep(
        spec, tmp_path / "out", SerialEngine, resume=True, retry_errors=True, progress=False
    )
    assert retried.ran == 1
    assert retried.analysis.failed == 0


def test_resume_adds_replications_and_refuses_another_spec(tmp_path):
    spec = load_sweep(sweep_file(tmp_path, GRID))
    out = tmp_path / "out"
    run_sweep(spec, out, SerialEngine, progress=False)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    with pytest.raises(RunError, match="already exists and is not empty; pass --resume"):
        run_sweep(spec, out, SerialEngine, progress=False)
    more = load_sweep(sweep_file(tmp_path, GRID.replace("replications = 2", "replications = 3")))
    outcome = run_sweep(more, out, SerialEngine, resume=True, progress=False)
    assert (outcome.already_done, outcome.ran) == (4, 2)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    assert all(after[name] == stamp for name, stamp in before.items()), "old runs untouched"
    other = load_sweep(sweep_file(tmp_path, GRID.replace("[9, 12]", "[9, 13]"), "other.toml"))
    with pytest.raises(RunError, match="holds a sweep of a different spec"):
        run_sweep(other, out, SerialEngine, resume=True, progress=False)


def test_analyse_rewrites_tables_from_the_run_files(tmp_path):
    spec = load_sweep(sweep_file(tmp_path, GRID))
    out = tmp_path / "out"
    run_sweep(spec, out, SerialEngine, progress=False)
    first = comparable(out)
    for name in ("results.parquet", "sensitivity.csv"):
        (out / name).unlink()
    analysis = analyse_folder(out)
    pd.testing.assert_frame_equal(first, comparable(out))
    assert (out / "figures" / "response_delayed_bed_days.png").is_file()
    effect = analysis.sensitivity.query("index == 'effect'")["value"].iloc[0]
    assert math.isfinite(effect)


def test_analyse_a_sweep_stopped_part_way_reports_what_is_missing(tmp_path):
    spec = load_sweep(sweep_file(tmp_path, SOBOL))
    out = tmp_path / "out"
    run_sweep(spec, out, SerialEngine, progress=False)
    for path in sorted((out / "runs").iterdir())[:3]:
        path.unlink()
    analysis = analyse_folder(out)
    assert analysis.missing == 3
    assert analysis.notes[0] == "3 of 16 runs are not finished yet"
    assert analysis.sensitivity.empty, "Sobol indices need every point"
    assert np.isfinite(pd.read_parquet(out / "results.parquet")["delayed_bed_days"]).all()


def test_area_option_replaces_the_sweep_files_area(tmp_path):
    """``care-abm sweep --area N`` scales the base as the file's ``area_residents`` does (the
    one rule, :func:`abm.config.apply_area`), in its place."""
    from abm.cli import build_parser

    path = sweep_file(tmp_path, '[parameters]\n"hospital.beds" = [10, 12]')
    assert build_parser().parse_args(["sweep", str(path), "--area", "2000"]).area == 2000
    full = load_scenario(BASELINE)
    base = load_sweep(path, area=2000).base
    assert base.population.residents_65plus == 2000
    assert base.hospital.beds == round(full.hospital.beds * 2000 / full.population.residents_65plus)
    assert base.run.years == 1, "[set] still applies"
    with pytest.raises(ConfigError) as caught:
        load_sweep(path, area=5)
    assert str(caught.value) == "--area: population.residents_65plus: must be at least 10, got 5"
