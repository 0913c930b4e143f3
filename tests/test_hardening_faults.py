"""Faults of issue 20: a command killed with SIGKILL leaves no child process behind (pool
workers, the resource tracker, the Solara server) and nothing that looks complete.

Each command runs in its own session so the test can kill it alone; the waits are bounds
against a hang, never timing assertions.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from abm.folders import MARKER

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "experiments" / "baseline.toml"


def start(*args: str, cwd: Path = ROOT) -> subprocess.Popen:
    """A care-abm command in its own session (so the test can kill it alone)."""
    return subprocess.Popen(
        [sys.executable, "-m", "abm.cli", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(condition, what: str, limit: float = 120.0) -> None:
    """Poll until ``condition()`` holds (a bound against a hang, not a timing assertion)."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.2)


def children_of(process: subprocess.Popen) -> list[psutil.Process]:
    try:
        return psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def gone(processes: list[psutil.Process]) -> bool:
    for p in processes:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            continue
    return True


def kill_and_check(process: subprocess.Popen, workers: list[psutil.Process]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    try:
        wait_for(lambda: gone(workers), "the children of the killed command to end", 30.0)
    finally:
        for p in workers:  # never leave them behind, whatever the assertion said
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()


def test_killed_run_leaves_no_workers_and_nothing_that_looks_complete(tmp_path):
    out = tmp_path / "out"
    process = start("run", str(BASELINE), "--area", "3000", "-r", "4", "-j", "2", "-q",
                    "--set", "run.years=3", "--out", str(out))  # fmt: skip
    wait_for(lambda: len([p for p in children_of(process) if "spawn_main" in " ".join(
        p.cmdline())]) >= 2, "two pool workers")  # fmt: skip
    workers = children_of(process)
    kill_and_check(process, workers)
    assert not out.exists(), "nothing with the final name"
    assert (tmp_path / "out.partial" / MARKER).is_file(), "only a partial folder, marked ours"


def test_killed_sweep_leaves_no_workers(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        f'base = "{BASELINE.as_posix()}"\narea_residents = 3000\n'
        '[set]\n"run.years" = 3\n[parameters]\n"hospital.beds" = [20, 30, 40, 50]\n'
    )
    process = start("sweep", str(path), "--out", str(tmp_path / "out"), "-j", "2", "-q")
    wait_for(lambda: len([p for p in children_of(process) if "spawn_main" in " ".join(
        p.cmdline())]) >= 2, "two pool workers")  # fmt: skip
    kill_and_check(process, children_of(process))


def test_killed_serve_takes_the_solara_server_with_it():
    process = start("serve", str(BASELINE), "--port", "0")
    wait_for(lambda: any("solara" in " ".join(p.cmdline()) for p in children_of(process)),
             "the Solara server")  # fmt: skip
    kill_and_check(process, children_of(process))
