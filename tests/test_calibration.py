"""care-abm calibrate: a tiny calibration end to end, the loss on a synthetic target, the
report, the calibrated file the baseline extends, and clear errors for bad input."""

from __future__ import annotations

import csv
import dataclasses
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm import config
from abm.calibration.fit import fit_polynomial, loss, z_scores
from abm.calibration.report import STATUS_COLUMNS, BaselineResults, write_report
from abm.calibration.runner import run_calibration
from abm.calibration.spec import load_calibration
from abm.calibration.targets import load_targets, produced
from abm.config import ConfigError, load_scenario, scale_area
from abm.run import run_replication
from abm.sweep.engine import SerialEngine

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "seeds" / "evidence.csv"
CALIBRATED = ROOT / "experiments" / "calibrated.toml"
AREA = 2000


def tiny_spec(tmp_path: Path, parameters: str, waves: str = "[{ samples = 6 }]") -> Path:
    """A calibration file for a 2,000-resident area over a few months."""
    spec = tmp_path / "tiny.toml"
    spec.write_text(
        f"""
name = "tiny"
base = "{ROOT / "experiments" / "baseline.toml"}"
output = "{tmp_path / "calibrated.toml"}"
targets = "{tmp_path / "targets.csv"}"
area_residents = {AREA}
replications = 1
verify_replications = 1
seed = 7
waves = {waves}
[set]
"run.years" = 1
"run.warmup_days" = 30
[parameters]
{parameters}
"""
    )
    return spec


def synthetic_targets(tmp_path: Path, kpis: dict[str, float], tolerance: float) -> None:
    """A targets table whose fitted targets are the given KPI values (on evidence rows)."""
    ids = ["ADM-01", "BED-02", "READ-01", "DD-02"]
    with (tmp_path / "targets.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(load_targets_columns())
        for target_id, (kpi, value) in zip(ids, kpis.items(), strict=False):
            writer.writerow(
                [target_id, kpi, "fit", value, "x", "none", tolerance, "relative", 1, "synthetic",
                 "synthetic", ""]
            )  # fmt: skip


def load_targets_columns() -> tuple[str, ...]:
    from abm.calibration.targets import COLUMNS

    return COLUMNS


def kpis_at(scale: float, replications: range) -> dict[str, float]:
    """Mean KPIs of the tiny area with the residents' admission hazards scaled by ``scale``.

    The area rule rounds the council's 10 broker posts to none in 2,000 residents, so nobody
    the council funds can be placed, the hospital fills (occupancy 0.97-0.99) and admissions
    are set by beds, not hazards (59 a year per 1,000 at x1.2 against 68 at x0.8). One broker
    keeps the tiny area a working system (occupancy 0.74-0.88; 155 against 219)."""
    base = scale_area(load_scenario(ROOT / "experiments" / "baseline.toml"), AREA)
    run = dataclasses.replace(base.run, years=1, warmup_days=30)
    hazards = tuple(v * scale for v in base.admissions.fit_per_1000py)
    scenario = dataclasses.replace(base, run=run).with_changes(
        [("admissions.fit_per_1000py", hazards), ("council.brokers", 1)]
    )
    runs = [run_replication(scenario, k).kpis for k in replications]
    return {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}


def test_the_loss_prefers_the_parameter_that_made_the_targets(tmp_path):
    """Synthetic check: targets made by the model at a known parameter (and other seeds) are
    closer, by the loss, to that parameter than to a wrong one. A 2,000-resident area over a
    year has a few hundred admissions, and the mean of three replications varies by about 5%
    from seed to seed: a tolerance of 15% holds the truth, and 0.8 against 1.2 (50% apart)
    still tests the preference."""
    truth = kpis_at(0.8, range(10, 13))
    kpis = {"emergency_admissions_per_1000": truth["emergency_admissions_per_1000"]}
    synthetic_targets(tmp_path, kpis, 0.15)
    targets = load_targets(tmp_path / "targets.csv", EVIDENCE)
    losses = {
        scale: loss(z_scores(kpis_at(scale, range(3)), targets, AREA), targets)
        for scale in (0.8, 1.2)
    }
    assert losses[0.8] < losses[1.2], f"the loss should prefer the true parameter: {losses}"
    assert losses[0.8] < 1.0, "the true parameter lies within the targets' tolerance"


def test_a_quadratic_emulator_recovers_a_quadratic():
    rng = np.random.default_rng(1)
    unit = rng.random((40, 2))
    y = 1.0 + 2.0 * unit[:, 0] - 3.0 * unit[:, 1] ** 2 + 0.01 * rng.standard_normal(40)
    model = fit_polynomial(unit, y)
    assert model.cv_r2 > 0.99
    assert np.allclose(model.predict(np.array([[0.5, 0.5]])), 1.0 + 1.0 - 0.75, atol=0.05)


def test_a_tiny_calibration_runs_end_to_end_and_resumes(tmp_path):
    truth = kpis_at(0.8, range(10, 12))
    synthetic_targets(
        tmp_path, {"emergency_admissions_per_1000": truth["emergency_admissions_per_1000"]}, 0.1
    )
    spec = load_calibration(
        tiny_spec(
            tmp_path,
            '"admissions.fit_per_1000py" = { scale = [0.5, 1.3] }\n'
            '"hospital.background_emergencies_per_day" = { low = 30.0, high = 60.0 }',
            "[{ samples = 6 }, { samples = 3, shrink = 0.5 }]",
        )
    )
    targets = load_targets(tmp_path / "targets.csv", EVIDENCE)
    folder = tmp_path / "out"
    outcome = run_calibration(spec, targets, folder, SerialEngine, progress=False)
    assert outcome.ran == 6 + 3 + 2
    assert 0.5 <= outcome.chosen["admissions.fit_per_1000py"] <= 1.3
    for name in ("fit.json", "points.csv", "emulator.csv", "figures/z_at_chosen.png"):
        assert (folder / name).is_file(), name
    written = tomllib.loads(spec.output.read_text())
    assert set(written) == {"admissions", "hospital"}
    assert len(written["admissions"]["fit_per_1000py"]) == 3
    assert "# Calibrated values: written by `care-abm calibrate`" in spec.output.read_text()
    layer = tmp_path / "uses.toml"
    layer.write_text(f'extends = "{spec.output}"\n')
    assert load_scenario(layer).hospital.background_emergencies_per_day == pytest.approx(
        written["hospital"]["background_emergencies_per_day"]
    )
    again = run_calibration(spec, targets, folder, SerialEngine, progress=False)
    assert again.ran == 0, "a finished calibration resumes without running anything"
    assert again.chosen == outcome.chosen


def test_area_proportional_parameters_are_scaled_to_the_calibration_area(tmp_path):
    spec = load_calibration(
        tiny_spec(
            tmp_path, '"hospital.background_emergencies_per_day" = { low = 34.0, high = 68.0 }'
        )
    )
    ((key, run_value),) = spec.changes([1.0])
    ((_, file_value),) = spec.full_size_changes([1.0])
    assert key == "hospital.background_emergencies_per_day"
    assert file_value == 68.0, "the calibrated file is in the config's (full-size) units"
    assert run_value == pytest.approx(68.0 * AREA / config.BASELINE_RESIDENTS_65PLUS)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ('"hospital.bedz" = { low = 1, high = 2 }', "parameters.hospital.bedz: unknown config key"),
        ('"hospital.beds" = { low = 9, high = 2 }', "low \\(9\\) must be below high \\(2\\)"),
        (
            '"discharge.pathway_shares_fit" = { scale = [0.5, 1.0] }',
            "a distribution must add up to 1 and cannot be scaled",
        ),
        ('"hospital.clinical_los_days" = { low = 1, high = 2 }', "is a list: give one element"),
        ('"hospital.clinical_los_days[7]" = { low = 1, high = 2 }', "has no element 7"),
        ('"hospital.beds" = { lo = 1, high = 2 }', "parameters.hospital.beds.lo: unknown option"),
    ],
)
def test_bad_calibration_files_name_the_file_and_key(tmp_path, parameters, message):
    with pytest.raises(ConfigError, match=message) as error:
        load_calibration(tiny_spec(tmp_path, parameters))
    assert "tiny.toml" in str(error.value)


def test_a_bad_wave_emulator_or_start_names_the_file_and_key(tmp_path):
    with pytest.raises(ConfigError, match=r"tiny.toml: waves\[0\].emulator: must be one of"):
        load_calibration(
            tiny_spec(tmp_path, '"hospital.beds" = { low = 200, high = 300 }',
                      '[{ samples = 6, emulator = "cubic" }]')
        )  # fmt: skip
    spec = tiny_spec(tmp_path, '"hospital.beds" = { low = 200, high = 300 }')
    spec.write_text(spec.read_text().replace('name = "tiny"', 'name = "tiny"\nstart = "best"'))
    with pytest.raises(ConfigError, match=r"tiny\.toml: start: must be one of"):
        load_calibration(spec)


def test_a_scale_multiplies_the_default_list_not_the_previous_fit(tmp_path):
    """The base config extends the calibrated file; a scale of 1 must give the config's default
    list whatever the previous fit wrote, or each fit would drift from the one before."""
    spec = load_calibration(
        tiny_spec(tmp_path, '"admissions.fit_per_1000py" = { scale = [0.5, 1.5] }')
    )
    previous = spec.base.admissions.fit_per_1000py
    default = config.field_of("admissions.fit_per_1000py").default
    assert previous != default, "the baseline's calibrated values differ from the defaults"
    ((_, at_one),) = spec.changes([0.5])
    assert at_one == pytest.approx(default)


def test_a_calibration_can_start_from_the_previous_fit(tmp_path):
    parameters = (
        '"admissions.post_discharge_hazard_ratio" = { low = 2.0, high = 12.0 }\n'
        '"hospital.clinical_los_days" = { scale = [0.5, 1.5] }\n'
        '"frailty.progression_per_1000py[1]" = { low = 60.0, high = 160.0 }\n'
        '"hospital.beds" = { low = 200, high = 300 }'
    )
    file = tiny_spec(tmp_path, parameters)
    text = file.read_text().replace('name = "tiny"', 'name = "tiny"\nstart = "calibrated"')
    file.write_text(text)
    los = [v * 1.25 for v in config.field_of("hospital.clinical_los_days").default]
    (tmp_path / "calibrated.toml").write_text(
        f"[admissions]\npost_discharge_hazard_ratio = 4.5\n[hospital]\nclinical_los_days = {los}\n"
        "[frailty]\nprogression_per_1000py = [150.0, 135.0]\n"
    )
    spec = load_calibration(file)
    assert spec.start == "calibrated"
    assert spec.calibrated_unit() == pytest.approx([0.25, 0.75, 0.75, 0.5]), (
        "values of the previous fit, and the prior centre for a parameter it did not set"
    )


def test_a_linear_wave_models_only_the_points_in_its_box():
    from abm.calibration.runner import Evaluated, wave_emulator
    from abm.calibration.spec import Wave

    targets = load_targets()
    target = next(t for t in targets if t.produced and t.split == "fit")
    rng = np.random.default_rng(3)
    inside = 0.4 + 0.2 * rng.random((30, 3))
    outside = rng.random((30, 3)) * 0.3
    unit = np.vstack([inside, outside])
    z = np.where(
        np.all((unit >= 0.4) & (unit <= 0.6), axis=1),
        1.0 + 2.0 * unit[:, 0] - 4.0 * unit[:, 2],
        50.0,  # far away, the surface looks nothing like the local plane
    )
    evaluated = Evaluated(unit, pd.DataFrame(), pd.DataFrame({target.target_id: z}),
                          np.zeros(len(z)))  # fmt: skip
    low, high = np.full(3, 0.4), np.full(3, 0.6)
    local = wave_emulator(evaluated, [target], Wave(30, 0.2, "linear"), low, high)
    point = np.array([[0.5, 0.45, 0.55]])
    assert local.z(point)[0, 0] == pytest.approx(1.0 + 1.0 - 2.2, abs=0.02)
    assert local.models[target.target_id].cv_r2 > 0.99
    everywhere = wave_emulator(evaluated, [target], Wave(30, 0.2, "quadratic"), low, high)
    assert abs(everywhere.z(point)[0, 0] - (1.0 + 1.0 - 2.2)) > 0.1, (
        "a quadratic of every point is pulled by the far points: the local model is not"
    )


def test_verification_takes_the_emulator_minimum_and_the_best_simulated_points():
    from abm.calibration.runner import Evaluated, candidate_names, verification_candidates

    unit = np.arange(10, dtype=float).reshape(5, 2) / 10
    losses = np.array([3.0, 0.5, 2.0, 0.1, 1.0])
    evaluated = Evaluated(unit, pd.DataFrame(), pd.DataFrame(), losses)
    centre = np.array([0.33, 0.66])
    candidates = verification_candidates(evaluated, centre, 4)
    assert candidates.tolist() == [centre.tolist(), unit[3].tolist(), unit[1].tolist(),
                                   unit[4].tolist()]  # fmt: skip
    assert candidate_names(4) == [
        "emulator minimum", "best simulated point", "simulated point ranked 2",
        "simulated point ranked 3",
    ]  # fmt: skip
    assert len(verification_candidates(evaluated, centre, 2)) == 2, "the default: two"


def test_verify_candidates_must_be_at_least_two(tmp_path):
    spec = tiny_spec(tmp_path, '"hospital.beds" = { low = 200, high = 300 }')
    spec.write_text(
        spec.read_text().replace('name = "tiny"', 'name = "tiny"\nverify_candidates = 1')
    )
    with pytest.raises(ConfigError, match=r"tiny\.toml: verify_candidates: must be at least 2"):
        load_calibration(spec)


def test_a_config_error_raised_in_a_worker_process_arrives_whole():
    import pickle

    error = pickle.loads(pickle.dumps(ConfigError("x.toml", "hospital.beds", "must be > 0")))
    assert (error.source, error.key, error.message) == ("x.toml", "hospital.beds", "must be > 0")
    assert str(error) == "x.toml: hospital.beds: must be > 0"


def test_the_report_lists_every_target_and_writes_the_status_table(tmp_path):
    targets = load_targets()
    scenario = load_scenario(ROOT / "experiments" / "baseline.toml")
    residents = scenario.population.residents_65plus
    rows, replications = [], []
    for target in produced(targets):
        value = target.local_value(residents) + 0.5 * target.tolerance_for(residents)
        rows.append(
            {"metric": target.kpi, "mean": value, "ci_low": value, "ci_high": value, "n": 3}
        )
        replications += [{"replication": k, "metric": target.kpi, "value": value} for k in range(3)]
    summary = pd.DataFrame(rows).drop_duplicates("metric")
    results = BaselineResults(scenario, summary, pd.DataFrame(replications), "a test")
    report, status_file = tmp_path / "report.md", tmp_path / "status.csv"
    status = write_report(targets, results, report, status_file, CALIBRATED)
    text = report.read_text()
    for target in targets:
        assert f"**{target.target_id}**" in text, f"{target.target_id} is missing from the report"
    assert tuple(pd.read_csv(status_file).columns) == STATUS_COLUMNS
    assert len(status) == len(produced(targets))
    first = status.drop_duplicates("kpi")
    assert first["within"].all(), "a mean half a tolerance from the target is within it"
    assert (tmp_path / "report" / "targets.png").is_file()
    assert "What the model does not reproduce" in text


def test_the_baseline_extends_the_calibrated_file():
    baseline = tomllib.loads((ROOT / "experiments" / "baseline.toml").read_text())
    assert baseline.get("extends") == "calibrated.toml"
    assert CALIBRATED.is_file()


def test_calibrated_values_are_declared_as_calibrated():
    """Every value in the calibrated file is a field whose source says it is calibrated, and
    every such field is in the file (or the calibration's parameters)."""
    written = tomllib.loads(CALIBRATED.read_text())
    keys = {f"{section}.{name}" for section, table in written.items() for name in table}
    declared = {
        key
        for key in config.all_keys()
        if "calibrated (care-abm calibrate)" in config.field_of(key).metadata["source"]
    }
    assert keys == declared, (
        f"in the file only: {sorted(keys - declared)}; declared calibrated but not fitted: "
        f"{sorted(declared - keys)}"
    )
    spec = load_calibration(ROOT / "experiments" / "calibration" / "baseline.toml")
    assert {p.key for p in spec.parameters} == keys


def test_the_calibrate_command_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('base = "nowhere.toml"\n')
    done = subprocess.run(
        [sys.executable, "-m", "abm.cli", "calibrate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "bad.toml" in done.stderr
    assert "missing" in done.stderr
