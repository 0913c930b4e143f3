"""Run a calibration: waves of designed points on the sweep engines, the fit, the output file.

Every run goes through the sweep machinery (:mod:`abm.sweep.engine`: this process, local worker
processes, or a Dask cluster) and is written the moment it finishes (:mod:`abm.sweep.store`),
one folder per wave, so an interrupted calibration resumes without redoing a run. The folder:

``wave-<k>/``
    ``runs/`` (one file per run), ``points.csv`` (the wave's design), ``metadata.json``.
``verify/``
    The candidate optima, each run with more replications.
``points.csv``
    Every simulated point of every wave: parameters, loss, every target's z.
``emulator.csv``
    Leave-one-out R-squared of each target's emulator, by wave.
``fit.json``
    The chosen values, their verified loss and z, the candidates, the plausible ranges.
``figures/``
    Loss by wave, loss against each parameter, z of every target at the chosen point.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
import time
import tomllib
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

import abm
from abm.calibration.fit import (
    Emulator,
    box_around,
    fit_emulator,
    loss,
    minimise,
    z_scores,
)
from abm.calibration.output import write_calibrated
from abm.calibration.spec import CalibrationSpec, Wave
from abm.calibration.targets import Target
from abm.config import ConfigError
from abm.errors import RunError
from abm.run import _git_commit
from abm.sweep.design import Design, model_source_hash
from abm.sweep.engine import Engine, Task
from abm.sweep.store import consolidate, finished_runs, read_run, write_atomic, write_run

STARTS = 8


@dataclasses.dataclass
class Evaluated:
    """Simulated points: unit coordinates, mean KPIs, z per target and loss."""

    unit: np.ndarray
    means: pd.DataFrame
    z: pd.DataFrame
    losses: np.ndarray


@dataclasses.dataclass
class CalibrationOutcome:
    """What one ``care-abm calibrate`` session produced."""

    folder: Path
    output: Path
    chosen: dict[str, float]
    loss: float
    z: dict[str, float]
    runs: int
    ran: int
    seconds: float
    fit: dict[str, Any]


class _Engines:
    """Starts the engine on first use and keeps it for every wave."""

    def __init__(self, make_engine: Callable[[], Engine]) -> None:
        self._make = make_engine
        self.engine: Engine | None = None

    def get(self) -> Engine:
        if self.engine is None:
            self.engine = self._make()
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()


def sample(
    spec: CalibrationSpec, n: int, low: np.ndarray, high: np.ndarray, seed: int
) -> np.ndarray:
    """``n`` points of the spec's design in the box [low, high] of unit coordinates."""
    from SALib.sample import latin  # noqa: PLC0415 - only when sampling
    from scipy.stats import qmc  # noqa: PLC0415

    d = len(spec.parameters)
    if spec.design == "latin_hypercube":
        problem = {"num_vars": d, "names": spec.names, "bounds": [[0.0, 1.0]] * d}
        unit = latin.sample(problem, n, seed=seed)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # balance properties want a power of two
            unit = qmc.Sobol(d, scramble=True, seed=seed).random(n)
    return low + unit * (high - low)


def check_output_keys(spec: CalibrationSpec) -> None:
    """Refuse to calibrate when the output file sets keys this calibration does not vary:
    the base config extends the output file, so such values would leak into the fit."""
    if not spec.output.is_file():
        return
    with spec.output.open("rb") as handle:
        data = tomllib.load(handle)
    varied = {p.key for p in spec.parameters}
    for section, table in data.items():
        for name in table if isinstance(table, dict) else ():
            key = f"{section}.{name}"
            if key not in varied:
                raise ConfigError(
                    str(spec.output),
                    key,
                    f"is set by the calibrated file but not varied by {spec.source}; "
                    "remove it from the file, or add it to the calibration's parameters",
                )


def _digest(spec: CalibrationSpec, changes: Sequence[tuple[tuple[str, Any], ...]]) -> str:
    payload = {
        "care_abm_version": abm.__version__,
        "model_source": model_source_hash(),
        "base": spec.base.to_dict(),
        "points": [[[k, list(v) if isinstance(v, tuple) else v] for k, v in c] for c in changes],
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_points(
    spec: CalibrationSpec,
    unit: np.ndarray,
    replications: int,
    folder: Path,
    engines: _Engines,
    *,
    progress: bool,
    label: str,
) -> tuple[pd.DataFrame, int]:
    """Run every point of ``unit`` (unless already written in ``folder``); returns one row per
    run (point, replication, inputs, status, every KPI) and how many ran now."""
    changes = [spec.changes(u) for u in unit]
    digest = _digest(spec, changes)
    values = [tuple(spec.values(u).values()) for u in unit]
    design = Design(tuple(spec.names), tuple(values), unit)
    meta_path = folder / "metadata.json"
    if meta_path.is_file() and json.loads(meta_path.read_text()).get("spec_hash") != digest:
        raise RunError(
            f"{folder} holds runs of different points (the spec, base config or model "
            "changed): choose another --out, or delete the folder"
        )
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "points.csv", design.table().to_csv(index=False).encode())
    write_atomic(
        meta_path,
        json.dumps(
            {"spec_hash": digest, "points": len(unit), "replications": replications}
        ).encode(),
    )
    done = finished_runs(folder)
    tasks = [
        Task(point, replication, changes[point])
        for point in range(len(unit))
        for replication in range(replications)
        if (point, replication) not in done
    ]
    total = len(unit) * replications
    if tasks:
        bar = tqdm(total=total, initial=total - len(tasks), desc=label, unit="run",
                   file=sys.stderr, disable=not progress, smoothing=0.05)  # fmt: skip
        with bar:
            for record in engines.get().run(spec.base, tasks, digest):
                write_run(folder, record)
                bar.update(1)
    runs = finished_runs(folder)
    table = consolidate(folder, design, replications, (read_run(p) for p in runs.values()))
    failed = table[table["status"] != "ok"]
    if len(failed):
        first = failed.iloc[0]
        raise RunError(
            f"{len(failed)} calibration runs failed in {folder} (first: point {first['point']}, "
            f"{first['error']}); see runs/*.json"
        )
    return table, len(tasks)


def evaluate(
    table: pd.DataFrame, unit: np.ndarray, targets: Sequence[Target], residents: int
) -> Evaluated:
    """Mean KPIs per point, each target's z and the loss."""
    kpis = sorted({t.kpi for t in targets})
    means = table.groupby("point")[kpis].mean().reindex(range(len(unit)))
    z = pd.DataFrame(
        [z_scores(row, targets, residents) for row in means.to_dict("records")],
        columns=[t.target_id for t in targets],
    )
    losses = np.array([loss(row, targets) for row in z.to_dict("records")])
    return Evaluated(unit, means.reset_index(drop=True), z, losses)


def _stack(parts: Sequence[Evaluated]) -> Evaluated:
    return Evaluated(
        np.vstack([p.unit for p in parts]),
        pd.concat([p.means for p in parts], ignore_index=True),
        pd.concat([p.z for p in parts], ignore_index=True),
        np.concatenate([p.losses for p in parts]),
    )


def _starts(
    evaluated: Evaluated, low: np.ndarray, high: np.ndarray, extra: np.ndarray
) -> np.ndarray:
    inside = _inside(evaluated.unit, low, high)
    order = np.argsort(np.where(inside, evaluated.losses, np.inf))[:STARTS]
    return np.vstack([evaluated.unit[order], extra])


def _inside(unit: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.all((unit >= low - 1e-12) & (unit <= high + 1e-12), axis=1)


def wave_emulator(
    everything: Evaluated, fitted: Sequence[Target], wave: Wave, low: np.ndarray, high: np.ndarray
) -> Emulator:
    """The emulator a wave steps with: a quadratic of every point so far, or a linear model
    of the points inside the wave's box."""
    if wave.emulator == "linear":
        keep = _inside(everything.unit, low, high)
        return fit_emulator(
            everything.unit[keep], everything.z[keep].reset_index(drop=True), fitted, degree=1
        )
    return fit_emulator(everything.unit, everything.z, fitted)


def verification_candidates(everything: Evaluated, centre: np.ndarray, n: int) -> np.ndarray:
    """The emulator's minimum and the ``n - 1`` best simulated points: a few replications a
    point rank simulated points only roughly, so the best few are each run again with more."""
    order = np.argsort(everything.losses)[: max(n - 1, 1)]
    return np.vstack([centre, everything.unit[order]])


def candidate_names(n: int) -> list[str]:
    """How the diagnostics name the candidates of :func:`verification_candidates`."""
    return ["emulator minimum"] + [
        "best simulated point" if rank == 1 else f"simulated point ranked {rank}"
        for rank in range(1, n)
    ]


def run_calibration(
    spec: CalibrationSpec,
    targets: Sequence[Target],
    folder: Path,
    make_engine: Callable[[], Engine],
    *,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> CalibrationOutcome:
    """Run (or resume) every wave, verify the candidates, write the calibrated file."""
    say = log or (lambda _text: None)
    fitted = [t for t in targets if t.produced and t.split in spec.splits]
    if not fitted:
        raise RunError(f"{spec.source}: no targets to fit (splits {list(spec.splits)})")
    check_output_keys(spec)
    d = len(spec.parameters)
    engines = _Engines(make_engine)
    started = time.perf_counter()
    parts: list[Evaluated] = []
    quality: list[pd.DataFrame] = []
    centre = spec.calibrated_unit() if spec.start == "calibrated" else np.full(d, 0.5)
    ran = runs = 0
    emulator: Emulator | None = None
    say(
        f"Calibration {spec.name}: {d} parameters, {len(fitted)} fitted targets, "
        f"{spec.area_residents:,} residents 65+, {spec.base.run.years} year(s) after "
        f"{spec.base.run.warmup_days} warm-up days"
    )
    try:
        for w, wave in enumerate(spec.waves, start=1):
            low, high = box_around(centre, wave.shrink)
            unit = sample(spec, wave.samples, low, high, spec.seed + w)
            say(f"Wave {w}: {wave.samples} points x {spec.replications} replications")
            table, now = run_points(
                spec, unit, spec.replications, folder / f"wave-{w}", engines,
                progress=progress, label=f"wave {w}",
            )  # fmt: skip
            ran, runs = ran + now, runs + len(table)
            parts.append(evaluate(table, unit, fitted, spec.area_residents))
            everything = _stack(parts)
            emulator = wave_emulator(everything, fitted, wave, low, high)
            quality.append(emulator.quality().assign(wave=w))
            centre = minimise(emulator, _starts(everything, low, high, centre), low, high)
            say(
                f"  best simulated loss {everything.losses.min():.2f}; emulated minimum "
                f"{float(emulator.loss(centre[None, :])[0]):.2f}"
            )
        everything = _stack(parts)
        candidates = verification_candidates(everything, centre, spec.verify_candidates)
        say(
            f"Verifying {len(candidates)} candidates with {spec.verify_replications} "
            "replications each"
        )
        table, now = run_points(
            spec, candidates, spec.verify_replications, folder / "verify", engines,
            progress=progress, label="verify",
        )  # fmt: skip
        ran, runs = ran + now, runs + len(table)
    finally:
        engines.close()
    verified = evaluate(table, candidates, fitted, spec.area_residents)
    pick = int(np.argmin(verified.losses))
    chosen_unit = candidates[pick]
    chosen = spec.values(chosen_unit)
    z = {k: float(v) for k, v in verified.z.iloc[pick].items()}
    assert emulator is not None
    fit = diagnostics(spec, fitted, everything, emulator, verified, pick, quality)
    fit.update(
        runs=runs,
        runs_this_session=ran,
        seconds_this_session=round(time.perf_counter() - started, 1),
        engine=engines.engine.describe() if engines.engine else "none (all runs were saved)",
        git_commit=_git_commit(),
        care_abm_version=abm.__version__,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    write_tables(folder, spec, everything, quality)
    write_atomic(folder / "fit.json", (json.dumps(fit, indent=2, default=float) + "\n").encode())
    from abm.calibration.figures import fit_figures  # noqa: PLC0415 - matplotlib only here

    fit_figures(folder / "figures", spec, fitted, everything, verified.z.iloc[pick])
    write_calibrated(spec, spec.full_size_changes(chosen_unit), fit, spec.output)
    return CalibrationOutcome(
        folder, spec.output, chosen, float(verified.losses[pick]), z, runs, ran,
        time.perf_counter() - started, fit,
    )  # fmt: skip


def diagnostics(  # noqa: PLR0917 - the pieces of one fit, named at the call
    spec: CalibrationSpec,
    fitted: Sequence[Target],
    everything: Evaluated,
    emulator: Emulator,
    verified: Evaluated,
    pick: int,
    quality: Sequence[pd.DataFrame],
) -> dict[str, Any]:
    """The fit's own diagnostics, as data (``fit.json`` and the calibrated file's header)."""
    plausible = ~emulator.implausible(everything.unit)
    ranges = {}
    for j, parameter in enumerate(spec.parameters):
        column = everything.unit[plausible, j] if plausible.any() else everything.unit[:, j]
        ranges[parameter.name] = [
            parameter.from_unit(column.min()),
            parameter.from_unit(column.max()),
        ]
    names = candidate_names(len(verified.unit))
    last = quality[-1]
    return {
        "spec": spec.source,
        "name": spec.name,
        "area_residents": spec.area_residents,
        "years": spec.base.run.years,
        "warmup_days": spec.base.run.warmup_days,
        "design": spec.design,
        "waves": [dataclasses.asdict(w) for w in spec.waves],
        "replications": spec.replications,
        "verify_replications": spec.verify_replications,
        "fitted_targets": [t.target_id for t in fitted],
        "chosen": names[pick],
        "values": spec.values(verified.unit[pick]),
        "loss": float(verified.losses[pick]),
        "within_tolerance": int(np.sum(np.abs(verified.z.iloc[pick].to_numpy()) <= 1.0)),
        "z": {k: float(v) for k, v in verified.z.iloc[pick].items()},
        "candidates": [
            {"candidate": names[i], "loss": float(verified.losses[i]), "values": spec.values(u)}
            for i, u in enumerate(verified.unit)
        ],
        "simulated_points": len(everything.losses),
        "best_simulated_loss": float(everything.losses.min()),
        "median_simulated_loss": float(np.median(everything.losses)),
        "not_implausible_share": float(plausible.mean()),
        "not_implausible_ranges": ranges,
        "emulator_cv_r2": {r.target_id: float(r.cv_r2) for r in last.itertuples()},
    }


def write_tables(
    folder: Path, spec: CalibrationSpec, everything: Evaluated, quality: Sequence[pd.DataFrame]
) -> None:
    """``points.csv`` (every simulated point) and ``emulator.csv`` (fit quality by wave)."""
    values = pd.DataFrame([spec.values(u) for u in everything.unit])
    z = everything.z.add_prefix("z.")
    points = pd.concat([values, pd.Series(everything.losses, name="loss"), z], axis=1)
    write_atomic(folder / "points.csv", points.to_csv(index=False).encode())
    emulator = pd.concat(quality, ignore_index=True)
    write_atomic(folder / "emulator.csv", emulator.to_csv(index=False).encode())
