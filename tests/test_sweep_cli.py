"""``care-abm sweep`` from the command line: a real kill and resume, errors, re-analysis."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from abm.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments" / "baseline.toml"
CLI = [sys.executable, "-m", "abm.cli"]

# 24 points x 2 replications of a 2,000-resident area: about 0.2 s a run, so ten seconds of
# work on two processes, and a kill a few runs in lands well before the end.
KILLABLE = f"""
name = "killable"
base = "{BASELINE.as_posix()}"
area_residents = 2000
design = "latin_hypercube"
samples = 24
seed = 5
replications = 2
outputs = ["delayed_bed_days"]
[set]
"run.years" = 1
"run.warmup_days" = 60
[parameters]
"hospital.beds" = {{ low = 16, high = 24 }}
"capacity.home_care_hours_per_week" = {{ low = 700, high = 1100 }}
"""


def test_killed_sweep_resumes_with_every_run_exactly_once(tmp_path):
    sweep = tmp_path / "killable.toml"
    sweep.write_text(KILLABLE)
    out = tmp_path / "out"
    runs = out / "runs"
    args = [*CLI, "sweep", str(sweep), "--out", str(out), "--jobs", "2", "--quiet"]
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if runs.is_dir() and len(list(runs.glob("p*-r*.json"))) >= 4:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the sweep ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:  # pragma: no cover - only if an assertion failed above
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in runs.glob("p*-r*.json")}
    assert 4 <= len(before) < 48, "killed part-way"
    assert not (out / "results.parquet").exists(), "the killed sweep never consolidated"

    refused = subprocess.run(
        [*CLI, "sweep", str(sweep), "--out", str(out), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert "pass --resume" in refused.stderr

    resumed = subprocess.run(
        [*args, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    files = sorted(p.name for p in runs.glob("p*-r*.json"))
    expected = sorted(f"p{p:06d}-r{r:04d}.json" for p in range(24) for r in range(2))
    assert files == expected, "every (point, replication) exactly once"
    for name, (mtime, content) in before.items():
        path = runs / name
        assert path.stat().st_mtime_ns == mtime, f"{name} was rewritten on resume"
        assert path.read_bytes() == content
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 48
    assert not table.duplicated(["point", "replication"]).any()
    assert (table["status"] == "ok").all()
    assert not list(runs.glob("*.tmp")), "no half-written files remain"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[parameters]\n"hospital.bedz" = [1, 2]',
            "parameters.hospital.bedz: unknown config key (did you mean 'hospital.beds'?)",
        ),
        (
            'design = "latin"\nsamples = 4\n[parameters]\n"hospital.beds" = [1, 2]',
            "design: unknown design 'latin'",
        ),
        (
            '[parameters]\n"hospital.beds" = { low = 900, high = 800, steps = 3 }',
            "parameters.hospital.beds: low (900) must be below high (800)",
        ),
    ],
)
def test_bad_sweep_file_is_one_line_and_exit_2(tmp_path, capsys, body, expected):
    path = tmp_path / "bad.toml"
    path.write_text(f'base = "{BASELINE.as_posix()}"\n{body}\n')
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"care-abm: error: {path}: {expected}")
    assert not out.exists(), "nothing is written before the file is valid"


def test_missing_sweep_file_and_bad_cluster(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml")]) == 2
    assert f"care-abm: error: {tmp_path / 'nope.toml'}: file not found" in capsys.readouterr().err
    good = tmp_path / "good.toml"
    good.write_text(f'base = "{BASELINE.as_posix()}"\n[parameters]\n"hospital.beds" = [1, 2]\n')
    out = str(tmp_path / "out")
    assert main(["sweep", str(good), "--cluster", "local", "--out", out]) == 2
    assert "--cluster local: expected KIND:WORKERS" in capsys.readouterr().err
    assert main(["sweep", "--analyse", str(tmp_path)]) == 2
    assert "is not a sweep folder" in capsys.readouterr().err
    if importlib.util.find_spec("dask_jobqueue") is None:  # optional: only on cluster machines
        assert main(["sweep", str(good), "--cluster", "slurm:4", "--out", out]) == 2
        assert "needs dask-jobqueue (pip install 'care-abm[cluster]')" in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "nothing is written before the engine is known"


def test_sweep_then_analyse_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "one.toml"
    path.write_text(
        f'base = "{BASELINE.as_posix()}"\narea_residents = 1000\nreplications = 2\n'
        'outputs = ["delayed_bed_days", "bed_occupancy"]\n'
        '[set]\n"run.years" = 1\n"run.warmup_days" = 30\n'
        '[parameters]\n"capacity.care_home_beds" = { low = 36, high = 52, steps = 3 }\n'
    )
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "6 runs in" in printed
    assert "delayed_bed_days (main_effect effect):" in printed
    assert printed.strip().endswith(f"Results: {out}")
    (out / "sensitivity.csv").unlink()
    assert main(["sweep", "--analyse", str(out)]) == 0
    assert "Analysed 6 runs (0 failed, 0 not finished)" in capsys.readouterr().out
    assert (out / "sensitivity.csv").is_file()
    assert (out / "figures" / "response_bed_occupancy.png").stat().st_size > 10_000
