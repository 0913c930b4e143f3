"""Run a calibration: waves of history matching on the sweep engines, the ensemble, the
calibrated file.

Every run goes through the sweep machinery (:mod:`abm.sweep.engine`: this process, local worker
processes, or a Dask cluster) and is written the moment it finishes (:mod:`abm.sweep.store`),
one folder per wave, so an interrupted calibration resumes without redoing a run. A wave's
points are stored with its runs (``metadata.json``), so a resumed wave runs the points it
started with even if refitted emulators would now draw others. The folder:

``wave-<k>/``
    ``runs/`` (one file per run), ``points.csv`` (the wave's design), ``metadata.json``.
``top-up-<k>/``
    More points from the last non-implausible region, when the waves left fewer than
    ``ensemble_size`` simulated points non-implausible.
``verify/``
    The best non-implausible points, each run with more replications; the best goes to the
    calibrated file.
``points.csv``
    Every simulated point: parameters, wave, loss, implausibility, every target's z.
``emulator.csv``
    Each wave's emulator diagnostics per target (cross-validated error, R-squared, coverage).
``waves.csv``
    Each wave's points, the non-implausible share of the prior box after it, and the
    parameters it found without effect.
``dependencies.csv``, ``ensemble_intervals.csv``
    What each target depends on; the ensemble's predictive interval for each target.
``fit.json``
    The chosen values, their verified loss and z, the refusals, the ensemble's provenance.
``figures/``
    Loss against each parameter, z of every target at the chosen point.
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
from abm.calibration.fit import loss, z_scores
from abm.calibration.spec import CalibrationSpec
from abm.calibration.targets import Target
from abm.config import ConfigError
from abm.errors import RunError
from abm.run import _git_commit
from abm.sweep.design import Design, model_source_hash
from abm.sweep.engine import Engine, Task
from abm.sweep.store import consolidate, finished_runs, read_run, write_atomic, write_run


@dataclasses.dataclass
class Evaluated:
    """Simulated points: unit coordinates, mean KPIs, z per target and loss."""

    unit: np.ndarray
    means: pd.DataFrame
    z: pd.DataFrame  # every produced target's z (fitted and checks)
    losses: np.ndarray  # over the fitted targets
    wave: np.ndarray  # the wave (or top-up round after the last wave) that ran each point


@dataclasses.dataclass
class CalibrationOutcome:
    """What one ``care-abm calibrate`` session produced."""

    folder: Path
    output: Path
    chosen: dict[str, float]
    loss: float
    z: dict[str, float]
    ensemble: Path
    members: int
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


def stored_points(folder: Path, upstream: str) -> np.ndarray | None:
    """The points a wave started with, if it was started after the same earlier waves
    (``upstream``): a resumed wave runs them rather than a fresh draw of its region."""
    meta = folder / "metadata.json"
    if not meta.is_file():
        return None
    data = json.loads(meta.read_text())
    if data.get("upstream") != upstream or "unit" not in data:
        return None
    return np.array(data["unit"], dtype=float).reshape(len(data["unit"]), -1)


def run_points(
    spec: CalibrationSpec,
    unit: np.ndarray,
    replications: int,
    folder: Path,
    engines: _Engines,
    *,
    progress: bool,
    label: str,
    upstream: str = "",
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
            {
                "spec_hash": digest,
                "upstream": upstream,
                "points": len(unit),
                "replications": replications,
                "unit": unit.tolist(),
            }
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
    table: pd.DataFrame,
    unit: np.ndarray,
    targets: Sequence[Target],
    fitted: Sequence[Target],
    *,
    residents: int,
    wave: int,
) -> Evaluated:
    """Mean KPIs per point, every target's z and the loss over the fitted targets."""
    kpis = sorted({t.kpi for t in targets})
    means = table.groupby("point")[kpis].mean().reindex(range(len(unit)))
    z = pd.DataFrame(
        [z_scores(row, targets, residents) for row in means.to_dict("records")],
        columns=[t.target_id for t in targets],
    )
    losses = np.array([loss(row, fitted) for row in z.to_dict("records")])
    return Evaluated(unit, means.reset_index(drop=True), z, losses, np.full(len(unit), wave))


def stack(parts: Sequence[Evaluated]) -> Evaluated:
    """Every point simulated so far, as one set."""
    return Evaluated(
        np.vstack([p.unit for p in parts]),
        pd.concat([p.means for p in parts], ignore_index=True),
        pd.concat([p.z for p in parts], ignore_index=True),
        np.concatenate([p.losses for p in parts]),
        np.concatenate([p.wave for p in parts]),
    )


def _upstream(digests: Sequence[str], spec: CalibrationSpec, fitted: Sequence[Target]) -> str:
    """What a wave's points depend on: the earlier waves' runs, the implausibility's settings
    and the fitted targets' values."""
    payload = [list(digests), dataclasses.asdict(spec.uncertainty), spec.min_effect, spec.pool,
               [(t.target_id, t.comparable, t.tolerance) for t in fitted]]  # fmt: skip
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()[:16]


def run_calibration(
    spec: CalibrationSpec,
    targets: Sequence[Target],
    folder: Path,
    make_engine: Callable[[], Engine],
    *,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> CalibrationOutcome:
    """Run (or resume) every wave of history matching, the ensemble's top-ups and the
    verification, then write the calibrated file, the ensemble and the diagnostics
    (``jobs``: local processes that fit the emulators between waves).

    Raises:
        RunError: no fitted targets, a target that is an identity of a parameter, or runs
            that failed.
    """
    from abm.calibration.summary import History, finish  # noqa: PLC0415

    say = log or (lambda _text: None)
    produced = [t for t in targets if t.produced]
    fitted = [t for t in produced if t.split in spec.splits]
    if not fitted:
        raise RunError(f"{spec.source}: no targets to fit (splits {list(spec.splits)})")
    check_output_keys(spec)
    for target_id in spec.uncertainty.discrepancy_by_target:
        if target_id not in {t.target_id for t in fitted}:
            raise ConfigError(
                spec.source, f"discrepancy_by_target.{target_id}", "is not a fitted target"
            )
    d = len(spec.parameters)
    engines = _Engines(make_engine)
    started = time.perf_counter()
    history = History(spec, fitted, jobs)
    parts: list[Evaluated] = []
    digests: list[str] = []
    ran = runs = 0
    say(
        f"Calibration {spec.name}: {d} parameters, {len(fitted)} fitted targets, "
        f"{spec.area_residents:,} residents 65+, {spec.base.run.years} year(s) after "
        f"{spec.base.run.warmup_days} warm-up days; history matching, cut-off "
        f"{spec.uncertainty.cutoff:g} ({spec.uncertainty.measure})"
    )

    def simulate(unit: np.ndarray, name: str, wave: int, reps: int) -> Evaluated:
        nonlocal ran, runs
        upstream = _upstream(digests, spec, fitted)
        stored = stored_points(folder / name, upstream)
        unit = stored if stored is not None else unit
        say(f"{name}: {len(unit)} points x {reps} replications")
        table, now = run_points(spec, unit, reps, folder / name, engines, progress=progress,
                                label=name, upstream=upstream)  # fmt: skip
        digests.append(json.loads((folder / name / "metadata.json").read_text())["spec_hash"])
        ran, runs = ran + now, runs + len(table)
        return evaluate(table, unit, produced, fitted, residents=spec.area_residents, wave=wave)

    try:
        unit = sample(spec, spec.waves[0].samples, np.zeros(d), np.ones(d), spec.seed + 1)
        for w in range(1, len(spec.waves) + 1):
            if len(unit) == 0:
                say(f"  no non-implausible point left for wave {w}: stopping the waves")
                break
            parts.append(simulate(unit, f"wave-{w}", w, spec.replications))
            everything = stack(parts)
            if w == 1:
                history.refuse_identities(everything)
            nxt = spec.waves[w].samples if w < len(spec.waves) else spec.ensemble_size
            say(
                f"  wave {w}: fitting {len(fitted)} emulators to {len(everything.unit)} points, "
                "cutting the space"
            )
            fitting = time.perf_counter()
            unit = history.add_wave(everything, w, nxt)
            say(f"{history.wave_line(w)} [{time.perf_counter() - fitting:.0f} s]")
        # Top-ups: more simulated members from the last region, while a round finds some (the
        # first is always tried: the last wave's emulators drew a region no wave has run yet).
        found = -1
        for k in range(1, spec.top_ups + 1):
            everything = stack(parts)
            accepted = int(history.accepted(everything).sum())
            needed = spec.ensemble_size - accepted
            if needed <= 0 or history.region_empty or found == 0:
                break
            unit = history.top_up(everything, needed, k)
            parts.append(simulate(unit, f"top-up-{k}", len(spec.waves) + k, spec.replications))
            found = int(history.accepted(stack(parts)).sum()) - accepted
            say(f"  top-up {k}: {found} more non-implausible simulated points")
        everything = stack(parts)
        candidates = history.verification_candidates(everything, spec.verify_candidates)
        say(f"Verifying {len(candidates)} candidates with {spec.verify_replications} "
            "replications each")  # fmt: skip
        table, now = run_points(spec, candidates, spec.verify_replications, folder / "verify",
                                engines, progress=progress, label="verify")  # fmt: skip
        ran, runs = ran + now, runs + len(table)
    finally:
        engines.close()
    verified = evaluate(table, candidates, produced, fitted, residents=spec.area_residents, wave=0)
    record = {
        "runs": runs,
        "runs_this_session": ran,
        "seconds_this_session": round(time.perf_counter() - started, 1),
        "engine": engines.engine.describe() if engines.engine else "none (all runs were saved)",
        "git_commit": _git_commit(),
        "care_abm_version": abm.__version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    outcome = finish(spec, produced, history, everything, verified, folder, record)
    say(f"Ensemble: {outcome['members']} non-implausible members -> {spec.ensemble_file}")
    return CalibrationOutcome(
        folder, spec.output, outcome["chosen"], outcome["loss"], outcome["z"],
        spec.ensemble_file, outcome["members"], runs, ran, time.perf_counter() - started,
        outcome["fit"],
    )  # fmt: skip
