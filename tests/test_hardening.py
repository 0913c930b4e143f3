"""The corpus of issue 20: each bad input a new user tried that was not handled as promised,
one test each (the SIGKILL faults are in tests/test_hardening_faults.py, the fuzz test from
the schema in tests/test_fuzz_config.py).

The promise: bad input is one line naming the file (or option) and the key, exit status 2,
before any work starts and with nothing written; degenerate but legal values run; nothing
the tool did not make is deleted; child processes die with the command.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import abm.run
from abm import cli
from abm.compare.folder import CompareResults
from abm.config import load_scenario, scale_area
from abm.folders import MARKER
from abm.limits import FALLBACK, ceiling, value_range
from abm.metrics import compute_kpis, run_record
from abm.validation import memory_problem

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments" / "baseline.toml"
TINY = ["--area", "300", "--set", "run.years=1", "--set", "run.warmup_days=0", "-r", "1", "-q"]


def care_abm(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``care-abm ARGS`` in this process: (exit status, stdout, stderr)."""
    status = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"one line, got {lines}"
    assert lines[0].startswith("care-abm: error: ")
    return lines[0].removeprefix("care-abm: error: ")


def config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{BASELINE.as_posix()}"\n{body}\n')
    return path


def refused(capsys, tmp_path: Path, body: str, key: str, *words: str) -> str:
    """Run a config with ``body``: exit 2, one line naming the file and ``key``, nothing
    written. Returns the message."""
    path = config(tmp_path, body)
    out = tmp_path / "out"
    status, _, err = care_abm(capsys, "run", path, "--out", out, *TINY)
    message = one_error(err)
    assert status == 2
    assert message.startswith(f"{path.resolve()}: {key}: "), message
    for word in words:
        assert word in message
    assert not out.exists()
    assert not (tmp_path / "out.partial").exists(), "nothing written"
    return message


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if any replication starts (for errors that must come first)."""

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a replication started before the error")

    monkeypatch.setattr(abm.run, "run_replications", forbidden)
    monkeypatch.setattr(abm.run, "run_replication", forbidden)


# ------------------------------------------------------------------ accepted and run


def test_reversed_capital_limits_are_refused(capsys, tmp_path, no_runs):
    refused(
        capsys,
        tmp_path,
        "[council]\nupper_capital_limit_gbp = 14250\nlower_capital_limit_gbp = 23250",
        "council.upper_capital_limit_gbp",
        "lower <= upper",
    )


def test_infinite_home_values_are_refused(capsys, tmp_path, no_runs):
    refused(
        capsys,
        tmp_path,
        "[need]\nhouse_value_median_gbp = 1e308",
        "need.house_value_median_gbp",
        "must be at most 1,000,000,000",
    )


def test_a_start_date_with_a_time_of_day_is_refused(capsys, tmp_path, no_runs):
    refused(
        capsys, tmp_path, "[run]\nstart_date = 2025-04-01T10:00:00", "run.start_date", "time of day"
    )


def test_a_name_that_would_leave_the_results_folder_is_refused(capsys, tmp_path, no_runs):
    """Found while hardening: the default results folder is results/<name>-<time>, so a name
    with '/' would write elsewhere."""
    refused(capsys, tmp_path, 'name = "../../elsewhere"', "name", "cannot contain '/'")


# ------------------------------------------------------------------ tracebacks after Running...


def test_a_start_date_in_year_1_is_refused(capsys, tmp_path, no_runs):
    refused(capsys, tmp_path, "[run]\nstart_date = 0001-01-01", "run.start_date", "1900 to 2200")


def test_a_start_date_in_year_9999_is_refused(capsys, tmp_path, no_runs):
    refused(capsys, tmp_path, "[run]\nstart_date = 9999-01-01", "run.start_date", "1900 to 2200")


def test_zero_beds_run_to_the_end(capsys, tmp_path):
    out = tmp_path / "out"
    status, _, err = care_abm(
        capsys, "run", BASELINE, "--out", out, *TINY, "--set", "hospital.beds=0"
    )
    assert status == 0, err
    summary = pd.read_csv(out / "summary.csv").set_index("metric")
    assert summary.loc["emergency_admissions_per_1000", "mean"] == 0, "nobody can be admitted"
    assert summary.loc["deaths_per_1000", "mean"] > 0
    assert pd.read_parquet(out / "delays.parquet").empty, "no beds, no delayed discharges"


def test_kpis_are_nan_not_errors_when_their_denominator_is_zero():
    """No care staff, residents, fees or legal floor to divide by (no care-home beds, no
    home care): each such KPI is NaN (undefined), never a ZeroDivisionError or infinity."""
    from helpers import run_model

    scenario = scale_area(load_scenario(BASELINE), 300).with_changes(
        [
            ("capacity.care_home_beds", 0),
            ("capacity.home_care_hours_per_week", 0.0),
            ("run.years", 1),
            ("run.warmup_days", 0),
        ]
    )
    model = run_model(scenario)
    record = run_record(model)
    daily = record.daily
    for column in ("residents", "care_staff", "legal_floor_gbp", "council_care_home_fee_gbp"):
        daily[column] = 0
    daily["care_home_private_fee_gbp"] = 100.0
    kpis = compute_kpis(record)
    for name in (
        "care_turnover_rate",
        "spend_per_resident_65plus_gbp",
        "deaths_per_1000",
        "care_pay_premium_over_legal_floor",
        "care_home_private_fee_premium",
    ):
        assert np.isnan(kpis[name]), f"{name} has no denominator: NaN, got {kpis[name]}"
    assert not any(np.isinf(v) for v in kpis.values()), "no KPI is infinite"


def test_no_need_for_care_at_all_runs(capsys, tmp_path):
    """Found by the fuzz test: with no need for care nobody is eligible for a package, and
    the first day's package draw divided by a zero weight."""
    out = tmp_path / "out"
    status, _, err = care_abm(
        capsys, "run", BASELINE, "--out", out, *TINY, "--set", "need.hours_by_frailty=[0,0,0,0]"
    )
    assert status == 0, err


def test_a_trillion_residents_are_refused(capsys, tmp_path, no_runs):
    refused(
        capsys,
        tmp_path,
        "[population]\nresidents_65plus = 1e12",
        "population.residents_65plus",
        "England's residents 65+",
    )


def test_fifty_million_residents_are_refused(capsys, tmp_path, no_runs):
    refused(
        capsys,
        tmp_path,
        "[population]\nresidents_65plus = 50000000",
        "population.residents_65plus",
        "at most 10,400,000",
    )


def test_memory_estimate_refuses_an_area_too_large_for_the_machine():
    """Within the ceilings, an area is refused when one replication's estimated memory is
    more than the machine has (here a machine of 4 GB, so the test does not depend on this
    one's), and too many processes at once are refused with the number that fits."""
    baseline = load_scenario(BASELINE)
    assert memory_problem(baseline, available=4 * 2**30) is None
    big = scale_area(baseline, 3_000_000)
    problem = memory_problem(big, available=4 * 2**30)
    assert problem is not None
    assert problem.key == "population.residents_65plus"
    assert "run a smaller area" in problem.message
    middle = scale_area(baseline, 400_000)
    assert memory_problem(middle, processes=1, available=4 * 2**30) is None
    jobs = memory_problem(middle, processes=8, available=4 * 2**30)
    assert jobs is not None
    assert jobs.key == "--jobs"
    assert "use --jobs" in jobs.message


def test_a_sweep_of_a_billion_steps_is_refused(capsys, tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(
        f'base = "{BASELINE.as_posix()}"\n[parameters]\n'
        '"hospital.beds" = { low = 100, high = 900, steps = 1000000000 }\n'
    )
    status, _, err = care_abm(capsys, "sweep", path, "--out", tmp_path / "out")
    assert status == 2
    assert one_error(err).startswith(f"{path}: parameters.hospital.beds.steps: must be at most")
    assert not (tmp_path / "out").exists()


def test_a_sweep_grid_of_too_many_points_is_refused(capsys, tmp_path):
    path = tmp_path / "huge.toml"
    ranges = "\n".join(
        f'"{key}" = {{ low = 1, high = 900, steps = 500 }}'
        for key in ("hospital.beds", "council.brokers", "council.social_workers")
    )
    path.write_text(f'base = "{BASELINE.as_posix()}"\n[parameters]\n{ranges}\n')
    status, _, err = care_abm(capsys, "sweep", path, "--out", tmp_path / "out")
    assert status == 2
    assert "the grid design has 125,000,000 points" in one_error(err)


# ------------------------------------------------------------------ output paths checked late


def test_run_out_naming_a_file_is_refused(capsys, tmp_path, no_runs):
    file = tmp_path / "taken"
    file.write_text("mine")
    status, _, err = care_abm(capsys, "run", BASELINE, "--out", file, *TINY)
    assert status == 2
    assert one_error(err) == f"--out {file}: exists and is not a folder; choose another --out"
    assert file.read_text() == "mine"


def test_compare_out_naming_a_file_is_refused(capsys, tmp_path, no_runs):
    file = tmp_path / "taken"
    file.write_text("mine")
    status, _, err = care_abm(capsys, "compare", BASELINE, BASELINE, "--out", file, *TINY)
    assert status == 2
    assert one_error(err).startswith(f"--out {file}: exists and is not a folder")


def test_sweep_out_naming_a_file_is_refused(capsys, tmp_path):
    file = tmp_path / "taken"
    file.write_text("mine")
    sweep = tmp_path / "s.toml"
    sweep.write_text(f'base = "{BASELINE.as_posix()}"\n[parameters]\n"hospital.beds" = [1, 2]\n')
    status, _, err = care_abm(capsys, "sweep", sweep, "--out", file, "--jobs", "1")
    assert status == 2
    assert one_error(err).startswith(f"--out {file}: exists and is not a folder")
    assert file.read_text() == "mine"


def test_an_unwritable_out_stops_before_the_first_replication(capsys, no_runs):
    status, _, err = care_abm(capsys, "run", BASELINE, "--out", "/proc/care-abm-x", *TINY)
    assert status == 2
    assert one_error(err).startswith("--out /proc/care-abm-x: cannot create")


def test_an_unrelated_partial_folder_is_never_deleted(capsys, tmp_path, no_runs):
    partial = tmp_path / "out.partial"
    partial.mkdir()
    (partial / "thesis.tex").write_text("years of work")
    status, _, err = care_abm(capsys, "run", BASELINE, "--out", tmp_path / "out", *TINY)
    assert status == 2
    assert "was not made by care-abm" in one_error(err)
    assert (partial / "thesis.tex").read_text() == "years of work"


def test_a_partial_folder_left_by_a_killed_run_is_reclaimed(capsys, tmp_path):
    """The other side of the marker: a partial folder of ours whose process is gone is the
    tool's to remove and start again."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    partial = tmp_path / "out.partial"
    partial.mkdir()
    marker = {"tool": "care-abm", "pid": int(dead.stdout), "host": socket.gethostname()}
    (partial / MARKER).write_text(json.dumps(marker))
    (partial / "summary.csv").write_text("half")
    status, _, err = care_abm(capsys, "run", BASELINE, "--out", tmp_path / "out", *TINY)
    assert status == 0, err
    assert not partial.exists()
    assert not (tmp_path / "out" / MARKER).exists(), "a finished folder carries no marker"


# ------------------------------------------------------------------ report, compare, calibrate


def comparison_folder(tmp_path: Path) -> Path:
    """A comparison folder as compare writes it, without its runs (enough for these checks)."""
    folder = tmp_path / "cmp"
    folder.mkdir()
    meta = {"base": "a", "others": ["b"], "scenarios": {"a": {"file": "a"}, "b": {"file": "b"}}}
    meta |= {"replications": 1, "years": 1, "start_date": "2025-04-01", "warmup_days": 0}
    (folder / "compare.json").write_text(json.dumps(meta | {"seed": 1}))
    columns = "comparison,metric,base_mean,other_mean,difference,ci_low,ci_high,same_sign_share,n"
    (folder / "differences.csv").write_text(columns + "\n")
    (folder / "replications.csv").write_text("scenario,replication,metric,value\n")
    return folder


def test_report_on_a_truncated_compare_json(capsys, tmp_path):
    folder = comparison_folder(tmp_path)
    text = (folder / "compare.json").read_text()
    (folder / "compare.json").write_text(text[: len(text) // 2])
    status, _, err = care_abm(capsys, "report", folder)
    assert status == 2
    assert one_error(err).startswith(f"{folder / 'compare.json'}: cannot be read")
    assert not list(folder.glob("report-*")), "nothing written"


def test_report_on_a_folder_without_differences_csv(capsys, tmp_path):
    folder = comparison_folder(tmp_path)
    (folder / "differences.csv").unlink()
    status, _, err = care_abm(capsys, "report", folder)
    assert status == 2
    assert one_error(err) == f"{folder / 'differences.csv'}: missing; the folder is incomplete"


def test_report_on_a_folder_without_its_runs(capsys, tmp_path):
    folder = comparison_folder(tmp_path)
    status, _, err = care_abm(capsys, "report", folder)
    assert status == 2
    assert "runs/a/config.toml: missing" in one_error(err)
    with pytest.raises(abm.run.RunError):
        CompareResults.load(folder, complete=True)


def test_compare_refuses_a_missing_calibration_file_before_running(capsys, tmp_path, no_runs):
    out = tmp_path / "out"
    status, _, err = care_abm(
        capsys, "compare", BASELINE, BASELINE, "--calibration", "nope.csv", "--out", out, *TINY
    )
    assert status == 2
    assert one_error(err) == "--calibration nope.csv: file not found"
    assert not out.exists()


def test_report_refuses_a_missing_calibration_file(capsys, tmp_path):
    folder = comparison_folder(tmp_path)
    status, _, err = care_abm(capsys, "report", folder, "--calibration", "nope.csv")
    assert status == 2
    assert one_error(err) == "--calibration nope.csv: file not found"


def test_calibrate_refuses_a_garbage_targets_file(capsys, tmp_path, no_runs):
    garbage = tmp_path / "targets.csv"
    garbage.write_bytes(bytes(range(256)) * 4)
    status, _, err = care_abm(capsys, "calibrate", "--report", "--targets", garbage)
    assert status == 2
    assert one_error(err).startswith(f"{garbage}: not a CSV table in UTF-8")


def test_calibrate_refuses_zero_replications(capsys, no_runs):
    status, _, err = care_abm(capsys, "calibrate", "--report", "--replications", "0")
    assert status == 2
    assert one_error(err).endswith("run.replications: must be at least 1, got 0")
    status, _, err = care_abm(capsys, "calibrate", "--replications", "3")
    assert status == 2
    assert "--replications applies to --report" in one_error(err)


def test_calibrate_report_checks_its_folder_and_files_first(capsys, tmp_path, no_runs):
    status, _, err = care_abm(capsys, "calibrate", "--report", "--results", tmp_path / "none")
    assert status == 2
    assert one_error(err).startswith(f"--results {tmp_path / 'none'}: not a folder")
    status, _, err = care_abm(capsys, "calibrate", "--report", "--report-file", tmp_path)
    assert status == 2
    assert one_error(err) == f"--report-file {tmp_path}: is a folder; name a file"


def test_calibrate_never_replaces_a_diagnostics_folder_it_did_not_write(capsys, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    status, _, err = care_abm(capsys, "calibrate", "--diagnostics", mine, "--out", tmp_path / "o")
    assert status == 2
    assert "--diagnostics" in one_error(err)
    assert (mine / "notes.txt").read_text() == "keep"


# ------------------------------------------------------------------ sweep


def sweep_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(
        f'base = "{BASELINE.as_posix()}"\narea_residents = 300\noutputs = ["bed_occupancy"]\n'
        '[set]\n"run.years" = 1\n"run.warmup_days" = 0\n'
        '[parameters]\n"hospital.beds" = [2, 3]\n'
    )
    return path


def test_sweep_scheduler_that_is_not_an_address(capsys, tmp_path):
    out = tmp_path / "out"
    status, _, err = care_abm(
        capsys, "sweep", sweep_file(tmp_path), "--scheduler", "not a url", "--out", out
    )
    assert status == 2
    assert one_error(err).startswith("--scheduler not a url: expected a Dask scheduler address")
    assert not out.exists(), "no skeleton folder"


def test_sweep_scheduler_on_a_port_that_never_answers(capsys, tmp_path):
    """Another kind of server listens there and says nothing: stopped by the probe, not left
    waiting on Dask's client for minutes. Nothing is written."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    out = tmp_path / "out"
    try:
        status, _, err = care_abm(
            capsys, "sweep", sweep_file(tmp_path), "--scheduler", f"tcp://127.0.0.1:{port}",
            "--out", out,
        )  # fmt: skip
    finally:
        listener.close()
        for conn in accepted:
            conn.close()
    assert status == 2
    assert "no Dask scheduler answered" in one_error(err)
    assert not out.exists()


def test_a_sweep_with_failed_runs_exits_non_zero_and_says_so_even_quietly(
    capsys, tmp_path, monkeypatch
):
    from abm.sweep import engine

    real = engine.run_replication

    def fail_small_hospitals(scenario, replication):
        if scenario.hospital.beds == 2:
            raise RuntimeError("a point whose runs all fail")
        return real(scenario, replication)

    monkeypatch.setattr(engine, "run_replication", fail_small_hospitals)
    out = tmp_path / "out"
    status, _, err = care_abm(capsys, "sweep", sweep_file(tmp_path), "--out", out, "-j", "1", "-q")
    assert status == 1
    assert err.strip().splitlines() == [
        f"care-abm: 1 of 2 runs failed (errors in {out / 'errors.csv'}); fix the cause and "
        "run again with --resume --retry-errors"
    ], "one line on stderr, even with --quiet"
    assert json.loads((out / "metadata.json").read_text())["status"].startswith("incomplete")


# ------------------------------------------------------------------ serve


@pytest.mark.parametrize("port", ["-1", "70000"])
def test_serve_refuses_a_port_out_of_range(capsys, port):
    status, _, err = care_abm(capsys, "serve", BASELINE, "--port", port)
    assert status == 2
    assert one_error(err) == f"--port: must be a TCP port from 0 to 65535, got {port}"


def test_serve_blames_the_host_for_a_bad_host(capsys):
    status, _, err = care_abm(capsys, "serve", BASELINE, "--host", "no such host.invalid")
    assert status == 2
    assert one_error(err).startswith("--host: 'no such host.invalid' is not an address")
    status, _, err = care_abm(capsys, "serve", BASELINE, "--host", "192.0.2.1", "--port", "0")
    assert status == 2
    assert one_error(err).startswith("--host: 192.0.2.1 is not an address of this machine")


# ------------------------------------------------------------------ the ceilings themselves


def test_every_declared_unit_has_a_ceiling():
    """A new field with a new unit must be given a physical ceiling (abm/limits.py) or a
    declared maximum, so no number of the schema is unbounded."""
    from abm.config import all_keys, field_of

    for key in all_keys():
        f = field_of(key)
        if isinstance(f.default, bool | str | dt.date):
            continue
        meta = f.metadata
        assert ceiling(key, meta) is not FALLBACK, f"{key} ({meta['unit']}): no ceiling"
        low, high = value_range(key, meta)
        assert low <= high
