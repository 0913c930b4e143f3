"""Run a sweep into its results folder, resumably, and (re-)analyse a finished folder.

The folder is laid out before the first run (``sweep.toml`` and ``base.toml``: the resolved
spec; ``points.csv``: the design; ``metadata.json`` with the spec hash), then every finished
run is written at once to ``runs/``. ``--resume`` compares the spec hash with the folder's,
skips every run already written and runs the rest; so a sweep killed at any moment loses
at most the runs that were in flight. At the end the runs are consolidated into
``results.parquet`` and ``errors.csv``, and analysed into ``sensitivity.csv`` and ``figures/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import platform
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

import abm
from abm.errors import RunError
from abm.folders import FolderError, check_folder_path
from abm.run import _git_commit
from abm.sweep.analysis import analyse, top_lines
from abm.sweep.design import Design, make_design, spec_hash
from abm.sweep.engine import Engine, Task
from abm.sweep.limits import check_points
from abm.sweep.spec import SweepSpec, load_sweep, write_resolved
from abm.sweep.store import (
    consolidate,
    failed_runs,
    finished_runs,
    read_run,
    write_atomic,
    write_run,
    write_tables,
)


@dataclasses.dataclass
class Analysis:
    """A consolidated, analysed sweep folder."""

    folder: Path
    table: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: list[str]
    expected_runs: int
    figures: list[Path]

    @property
    def failed(self) -> int:
        """Runs recorded with an error."""
        return int((self.table["status"] != "ok").sum())

    @property
    def missing(self) -> int:
        """Runs of the design not yet written (a sweep stopped part-way)."""
        return self.expected_runs - len(self.table)


@dataclasses.dataclass
class SweepOutcome:
    """What one ``care-abm sweep`` session did."""

    folder: Path
    total_runs: int
    already_done: int
    ran: int
    run_seconds: float
    engine: str
    analysis: Analysis

    @property
    def runs_per_minute(self) -> float:
        """Runs finished a minute in this session's running phase."""
        return self.ran / self.run_seconds * 60.0 if self.run_seconds > 0 else float("nan")


def _read_metadata(folder: Path) -> dict[str, Any]:
    path = folder / "metadata.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_metadata(folder: Path, metadata: dict[str, Any]) -> None:
    write_atomic(folder / "metadata.json", (json.dumps(metadata, indent=2) + "\n").encode())


def _check_folder(folder: Path, spec: SweepSpec, digest: str, resume: bool) -> None:
    """Check, writing nothing, that ``folder`` may hold this sweep."""
    check_folder_path(folder)
    if folder.exists() and any(folder.iterdir()):
        if not resume:
            raise RunError(
                f"sweep folder {folder} already exists and is not empty; pass --resume to "
                "continue it, or choose another --out"
            )
        previous = _read_metadata(folder).get("spec_hash")
        if previous is None:
            raise RunError(f"{folder} is not a sweep folder (no metadata.json with a spec hash)")
        if previous != digest:
            raise RunError(
                f"{folder} holds a sweep of a different spec (hash {previous}; {spec.source} "
                f"gives {digest}): resume with the sweep file that started it, or choose "
                "another --out"
            )


def _prepare(folder: Path, spec: SweepSpec, design: Design, digest: str) -> None:
    """Write the resolved spec and the design into a checked folder (:func:`_check_folder`)."""
    try:
        (folder / "runs").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderError(f"--out {folder}: cannot create it: {exc.strerror or exc}") from None
    write_resolved(spec, folder)
    write_atomic(folder / "points.csv", design.table().to_csv(index=False).encode())
    metadata = _read_metadata(folder)
    metadata.update(
        care_abm_version=abm.__version__,
        git_commit=_git_commit(),
        sweep=spec.name,
        description=spec.description,
        spec_hash=digest,
        design=spec.design,
        parameters=spec.keys,
        points=len(design),
        replications=spec.replications,
        runs=len(design) * spec.replications,
        design_seed=spec.seed,
        run_seed=spec.base.run.seed,
        outputs=list(spec.outputs),
        python=sys.version.split()[0],
        platform=platform.platform(),
    )
    metadata.setdefault("created", _now())
    metadata.setdefault("sessions", [])
    _write_metadata(folder, metadata)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def run_sweep(
    spec: SweepSpec,
    folder: Path,
    make_engine: Callable[[], Engine],
    *,
    resume: bool = False,
    retry_errors: bool = False,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> SweepOutcome:
    """Run every run of ``spec`` not yet in ``folder``, then consolidate and analyse.

    ``make_engine`` is called only when there is something to run, so resuming a finished
    sweep starts no cluster. Ctrl-C stops handing out runs; every finished run is kept.
    """
    say = log or (lambda _text: None)
    design = make_design(spec)
    check_points(spec, [design.changes(point) for point in range(len(design))])
    digest = spec_hash(spec, design)
    _check_folder(folder, spec, digest, resume)
    done = finished_runs(folder)
    if retry_errors:
        for key in failed_runs(folder, done):
            del done[key]
    tasks = [
        Task(point, replication, design.changes(point))
        for point in range(len(design))
        for replication in range(spec.replications)
        if (point, replication) not in done
    ]
    total = len(design) * spec.replications
    already = total - len(tasks)
    # The engine starts before anything is said or written: a scheduler that cannot be
    # reached is one line, and leaves no skeleton folder behind.
    engine = make_engine() if tasks else None
    say(
        f"Sweep {spec.name}: {spec.design} design, {len(design)} points x "
        f"{spec.replications} replication(s) = {total} runs"
        + (f" ({already} already done)" if already else "")
    )
    for parameter in spec.parameters:
        say(f"  {parameter.describe()}")
    ran, seconds, described = 0, 0.0, "none (nothing to run)"
    try:
        _prepare(folder, spec, design, digest)
    except BaseException:
        if engine is not None:
            engine.close()
        raise
    if engine is not None:
        described = engine.describe()
        say(f"Running {len(tasks)} runs on {described}; each run is saved as it finishes")
        bar = tqdm(
            total=total,
            initial=already,
            desc=spec.name,
            unit="run",
            file=sys.stderr,
            disable=not progress,
            smoothing=0.05,
        )
        started, started_at = time.perf_counter(), _now()
        failed_now = 0
        try:
            for record in engine.run(spec.base, tasks, digest):
                write_run(folder, record)
                ran += 1
                if record["status"] != "ok":
                    failed_now += 1
                    bar.set_postfix(failed=failed_now)
                bar.update(1)
        finally:
            seconds = time.perf_counter() - started
            bar.close()
            engine.close()
            metadata = _read_metadata(folder)
            metadata["sessions"].append(
                {
                    "started": started_at,
                    "ended": _now(),
                    "engine": described,
                    "workers": engine.workers,
                    "runs": ran,
                    "failed": failed_now,
                    "run_seconds": round(seconds, 3),
                    "runs_per_minute": round(ran / seconds * 60, 2) if seconds > 0 else None,
                    "completed": ran == len(tasks),
                }
            )
            _write_metadata(folder, metadata)
    analysis = analyse_folder(folder, spec=spec, design=design)
    return SweepOutcome(folder, total, already, ran, seconds, described, analysis)


def analyse_folder(
    folder: Path, *, spec: SweepSpec | None = None, design: Design | None = None
) -> Analysis:
    """Consolidate a sweep folder's runs and (re-)write its tables, indices and figures.

    Works on a folder whose sweep stopped part-way too: what is missing is reported, and the
    indices that need every point are skipped with a note.
    """
    from abm.sweep.figures import write_figures  # noqa: PLC0415 - matplotlib only here

    if spec is None:
        resolved = folder / "sweep.toml"
        if not resolved.is_file():
            raise RunError(f"{folder} is not a sweep folder (no sweep.toml)")
        spec = load_sweep(resolved)
    if design is None:
        design = make_design(spec)
    metadata = _read_metadata(folder)
    digest = spec_hash(spec, design)
    if metadata.get("spec_hash") not in (None, digest):
        raise RunError(
            f"{folder}: its sweep.toml gives spec hash {digest} but its runs were made under "
            f"{metadata['spec_hash']}; was the folder edited by hand?"
        )
    runs = finished_runs(folder)
    table = consolidate(folder, design, spec.replications, (read_run(p) for p in runs.values()))
    write_tables(folder, table)
    sensitivity, notes = analyse(spec, design, table)
    expected = len(design) * spec.replications
    if len(table) < expected:
        notes.insert(0, f"{expected - len(table)} of {expected} runs are not finished yet")
    sensitivity.to_csv(folder / ".sensitivity.csv.tmp", index=False)
    (folder / ".sensitivity.csv.tmp").replace(folder / "sensitivity.csv")
    figures = folder / "figures"
    if figures.exists():
        shutil.rmtree(figures)
    written = write_figures(figures, spec, table, sensitivity, len(design))
    failed = int((table["status"] != "ok").sum())
    missing = expected - len(table)
    metadata.update(
        analysed=_now(),
        status="complete"
        if not failed and not missing
        else f"incomplete: {failed} runs failed, {missing} not finished",
        runs_finished=len(table),
        runs_ok=int((table["status"] == "ok").sum()),
        runs_failed=int((table["status"] != "ok").sum()),
        runs_missing=expected - len(table),
        total_run_seconds=round(float(table["seconds"].sum()), 3),
        notes=notes,
        top_indices=top_lines(sensitivity, spec),
    )
    _write_metadata(folder, metadata)
    return Analysis(folder, table, sensitivity, notes, expected, written)
