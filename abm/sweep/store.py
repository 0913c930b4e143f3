"""The results folder of a sweep: one file per finished run, then consolidated tables.

Each run is written the moment it finishes, to ``runs/p<point>-r<replication>.json``, through
a temporary file and ``os.replace``: a crash leaves either the whole file or none, never half
of one, so ``--resume`` trusts every file it finds. Only the process that drives the sweep
writes (workers return results to it), so the files need no locking and the workers need no
shared file system.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from abm.metrics import KPIS
from abm.sweep.design import Design

RUN_FILE = re.compile(r"^p(\d+)-r(\d+)\.json$")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def run_path(folder: Path, point: int, replication: int) -> Path:
    """Where run ``(point, replication)`` is written."""
    return folder / "runs" / f"p{point:06d}-r{replication:04d}.json"


def write_run(folder: Path, record: Mapping[str, Any]) -> Path:
    """Write one finished run (successful or failed) atomically; returns its path."""
    path = run_path(folder, int(record["point"]), int(record["replication"]))
    text = json.dumps(record, indent=1, default=str, allow_nan=True)
    write_atomic(path, text.encode())
    return path


def finished_runs(folder: Path) -> dict[tuple[int, int], Path]:
    """Runs already written in ``folder/runs``, by ``(point, replication)``.

    Temporary files left by a crash mid-write are removed: their run is simply done again.
    """
    runs = folder / "runs"
    found: dict[tuple[int, int], Path] = {}
    if not runs.is_dir():
        return found
    for path in runs.iterdir():
        match = RUN_FILE.match(path.name)
        if match:
            found[(int(match[1]), int(match[2]))] = path
        elif path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
    return found


def read_run(path: Path) -> dict[str, Any]:
    """One run file."""
    return json.loads(path.read_text())


def failed_runs(folder: Path, runs: Mapping[tuple[int, int], Path]) -> set[tuple[int, int]]:
    """The runs among ``runs`` that were recorded with an error."""
    return {key for key, path in runs.items() if read_run(path).get("status") != "ok"}


def consolidate(
    folder: Path, design: Design, replications: int, records: Iterable[Mapping[str, Any]]
) -> pd.DataFrame:
    """The tidy table of the sweep: one row per run, inputs x replication x KPIs.

    Columns: ``point, replication``, one column per varied config key, ``status`` (``ok`` or
    ``error``), ``error``, ``seconds``, then every KPI. Rows are sorted by point and
    replication, so the table is the same whatever engine or number of workers wrote it.
    Runs beyond ``replications`` (from an earlier, larger sweep) are left out.
    """
    inputs = design.table().set_index("point")
    kpi_names = [kpi.name for kpi in KPIS]
    rows = []
    for record in records:
        point, replication = int(record["point"]), int(record["replication"])
        if replication >= replications or point >= len(design):
            continue
        kpis = record.get("kpis") or {}
        rows.append(
            {
                "point": point,
                "replication": replication,
                "status": record.get("status", "error"),
                "error": record.get("error"),
                "seconds": float(record.get("seconds", float("nan"))),
                **{name: float(kpis.get(name, float("nan"))) for name in kpi_names},
            }
        )
    columns = ["point", "replication", "status", "error", "seconds", *kpi_names]
    table = pd.DataFrame(rows, columns=columns)
    table = table.join(inputs, on="point")
    table = table[["point", "replication", *design.keys, *columns[2:]]]
    table = table.sort_values(["point", "replication"], ignore_index=True)
    table["point"] = table["point"].astype("int64")
    table["replication"] = table["replication"].astype("int64")
    table["error"] = table["error"].astype("string")
    return table


def write_tables(folder: Path, table: pd.DataFrame) -> None:
    """``results.parquet`` (every run) and ``errors.csv`` (the runs that raised)."""
    tmp = folder / f".results.parquet.{os.getpid()}.tmp"
    table.to_parquet(tmp, index=False)
    os.replace(tmp, folder / "results.parquet")
    errors = table.loc[table["status"] != "ok", ["point", "replication", "error"]]
    write_atomic(folder / "errors.csv", errors.to_csv(index=False).encode())
