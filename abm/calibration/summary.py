"""The state of a history match across waves, and what a calibration leaves behind.

:class:`History` keeps each wave's emulators, the parameters found without effect, the
non-implausible region and the wave-by-wave record; :func:`finish` turns the simulated points
into the ensemble, the calibrated file (the verified best non-implausible point), the tables
of dependencies and predictive intervals, ``fit.json`` and the figures.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from abm.calibration.emulator import TargetEmulator, diagnostics, fit_emulators
from abm.calibration.ensemble import write_ensemble
from abm.calibration.history import (
    effects,
    identities,
    implausibility,
    measure,
    not_implausible,
    sample_region,
    without_effect,
)
from abm.calibration.output import write_calibrated
from abm.calibration.targets import Target
from abm.errors import RunError
from abm.sweep.store import write_atomic

if TYPE_CHECKING:
    from abm.calibration.runner import Evaluated
    from abm.calibration.spec import CalibrationSpec

RELATED = 0.8  # |rank correlation| over the simulated points that ties a target to another
MAX_TRAIN = 400  # points an emulator learns from at most
MIN_TRAIN = 30  # fewer points in the region than this: learn from every point


class History:
    """Waves of emulators and the cuts they make (see :mod:`abm.calibration.history`)."""

    def __init__(self, spec: CalibrationSpec, fitted: Sequence[Target], jobs: int = 1) -> None:
        self.spec = spec
        self.jobs = jobs  # worker processes that fit the emulators
        self.ids = [t.target_id for t in fitted]
        self.waves: list[dict[str, TargetEmulator]] = []
        self.active = list(range(len(spec.parameters)))
        self.dropped: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []
        self.quality: list[pd.DataFrame] = []
        self.region_empty = False

    def refuse_identities(self, everything: Evaluated) -> None:
        """Stop when a fitted target only reports a parameter back (the first wave's points
        span the prior box, so an identity shows there).

        Raises:
            RunError: naming the target and the parameter.
        """
        found = identities(
            everything.unit, everything.z[self.ids].to_numpy(dtype=float), self.ids, self.spec.names
        )
        if found:
            target, name, r2 = found[0]
            raise RunError(
                f"{self.spec.source}: target {target} is an identity of parameter {name} "
                f"(a cubic in {name} alone explains {r2:.4f} of it over the first wave): the "
                "model reports the input back, which is no evidence about it. Make the target "
                "a check or not_produced in the targets table, or stop fitting the parameter"
            )

    def training(self, everything: Evaluated) -> np.ndarray:
        """The points a new wave's emulators learn from: those in the region the earlier
        waves left (as history matching does: each wave's emulators are only asked about
        that region, and are sharper for not modelling the rest), the latest ``MAX_TRAIN``
        of them (a Gaussian process's cost grows with the cube of its points); every point
        when the region holds too few to learn from."""
        keep = np.ones(len(everything.unit), dtype=bool)
        if self.waves:
            keep = not_implausible(self.waves, everything.unit, self.spec.uncertainty)
            if keep.sum() < max(MIN_TRAIN, 2 * len(self.active)):
                keep[:] = True
        return np.flatnonzero(keep)[-MAX_TRAIN:]

    def add_wave(self, everything: Evaluated, wave: int, samples: int) -> np.ndarray:
        """Fit this wave's emulators to the points in the current region, drop the
        parameters without effect (first wave: its emulators span the whole prior box), cut
        the space and return ``samples`` points of what is left."""
        spec = self.spec
        rows = self.training(everything)
        emulators = fit_emulators(
            everything.unit[rows],
            everything.z.iloc[rows].reset_index(drop=True),
            self.ids,
            self.active,
            spec.seed + 1000 * wave,
            self.jobs,
        )
        self.waves.append(emulators)
        self.quality.append(diagnostics(emulators, wave))
        d = len(spec.parameters)
        dropped = (
            [
                j
                for j in without_effect(emulators, d, spec.seed + wave, spec.min_effect)
                if j in self.active
            ]
            if wave == 1
            else []
        )
        if len(dropped) == len(self.active):
            dropped = dropped[:-1]  # an emulator needs an input
        for j in dropped:
            self.active.remove(j)
            self.dropped[spec.parameters[j].name] = wave
        region = sample_region(
            self.waves, spec.uncertainty, samples, d, seed=spec.seed + 100 * wave, pool=spec.pool
        )
        self.region_empty = len(region.points) == 0
        self.rows.append(
            {
                "wave": wave,
                "points": int(np.sum(everything.wave == wave)),
                "points_so_far": len(everything.unit),
                "not_implausible_fraction": region.fraction,
                "candidates": region.candidates,
                "simulated_not_implausible": int(self.accepted(everything).sum()),
                "best_loss": float(np.nanmin(everything.losses)),
                "median_cv_r2": float(self.quality[-1]["cv_r2"].median()),
                "dropped": ";".join(spec.parameters[j].name for j in dropped),
            }
        )
        return region.points

    def wave_line(self, wave: int) -> str:
        """One line of progress for a finished wave."""
        row = self.rows[wave - 1]
        dropped = f"; without effect: {row['dropped']}" if row["dropped"] else ""
        return (
            f"  wave {wave}: {row['not_implausible_fraction']:.2%} of the prior box left "
            f"non-implausible; {row['simulated_not_implausible']} simulated points "
            f"non-implausible; emulators' median cross-validated R-squared "
            f"{row['median_cv_r2']:.2f}{dropped}"
        )

    def noise_variance(self) -> np.ndarray:
        """The model's noise variance of a point's mean, per fitted target (last wave)."""
        return np.array([e.noise_variance for e in self.waves[-1].values()])

    def simulated_measure(self, everything: Evaluated) -> np.ndarray:
        """The implausibility measure of each simulated point from its own outputs (no
        emulator: the model's noise stands in for the emulator's variance)."""
        z = everything.z[self.ids].to_numpy(dtype=float)
        noise = np.broadcast_to(self.noise_variance(), z.shape)
        values = implausibility(z, noise, self.ids, self.spec.uncertainty)
        return measure(values, self.spec.uncertainty.measure)

    def accepted(self, everything: Evaluated) -> np.ndarray:
        """Simulated points that are non-implausible on their own outputs."""
        if not self.waves:
            return np.zeros(len(everything.unit), dtype=bool)
        return self.simulated_measure(everything) < self.spec.uncertainty.cutoff

    def top_up(self, everything: Evaluated, needed: int, round_: int) -> np.ndarray:
        """Points of the last region for another round of runs: enough, at the last wave's
        rate of acceptance (at least one in five), to find ``needed`` more members."""
        last = everything.wave == everything.wave.max()
        rate = max(float(self.accepted(everything)[last].mean()), 0.2)
        n = min(math.ceil(needed / rate * 1.25), 4 * self.spec.ensemble_size)
        region = sample_region(
            self.waves,
            self.spec.uncertainty,
            n,
            len(self.spec.parameters),
            seed=self.spec.seed + 7000 + round_,
            pool=self.spec.pool,
        )
        return region.points

    def verification_candidates(self, everything: Evaluated, n: int) -> np.ndarray:
        """The ``n`` non-implausible simulated points with the smallest loss (the best points
        overall when none is non-implausible): each is run again with more replications."""
        accepted = self.accepted(everything)
        pool = np.flatnonzero(accepted) if accepted.any() else np.arange(len(everything.unit))
        return everything.unit[pool[np.argsort(everything.losses[pool])[:n]]]


def dependencies(
    spec: CalibrationSpec, produced: Sequence[Target], history: History, everything: Evaluated
) -> pd.DataFrame:
    """For each target: the parameters that move it beyond noise (by emulated effect, largest
    first), the fitted targets that move with it over the simulated points (rank correlation
    of at least ``RELATED``) and the fitted targets it restates by arithmetic."""
    d = len(spec.parameters)
    ids = [t.target_id for t in produced]
    rows = np.random.default_rng(spec.seed).permutation(len(everything.unit))[:MAX_TRAIN]
    z = everything.z.iloc[rows].reset_index(drop=True)
    emulators = fit_emulators(
        everything.unit[rows], z, ids, list(range(d)), spec.seed, history.jobs
    )
    effect = effects(emulators, d, spec.seed)
    ranks = everything.z[ids].rank().corr()
    rows = []
    for t, target in enumerate(produced):
        noise = max(math.sqrt(emulators[target.target_id].noise_variance), spec.min_effect)
        order = np.argsort(-effect[:, t])
        moved = [
            f"{spec.parameters[j].name} ({effect[j, t]:.1f})"
            for j in order
            if effect[j, t] >= noise
        ]
        related = [
            other
            for other in history.ids
            if other != target.target_id and abs(ranks.loc[target.target_id, other]) >= RELATED
        ]
        rows.append(
            {
                "target_id": target.target_id,
                "split": target.split,
                "parameters": "; ".join(moved),
                "related_fitted_targets": "; ".join(related),
                "restates": "; ".join(target.restates),
                "honest_check": target.split == "check" and not target.restates,
            }
        )
    return pd.DataFrame(rows)


def intervals(
    produced: Sequence[Target], everything: Evaluated, members: np.ndarray, residents: int
) -> pd.DataFrame:
    """For each target, the ensemble's predictive interval (2.5%, 50%, 97.5% over members'
    simulated means, in the target's unit, on the calibration area) against the local
    published value and tolerance, and the share of members within tolerance."""
    rows = []
    for target in produced:
        values = everything.means.loc[members, target.kpi].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        low, mid, high = np.percentile(values, [2.5, 50, 97.5]) if len(values) else [np.nan] * 3
        rows.append(
            {
                "target_id": target.target_id,
                "split": target.split,
                "kpi": target.kpi,
                "local_value": target.local_value(residents),
                "tolerance": target.tolerance_for(residents),
                "ensemble_low": low,
                "ensemble_median": mid,
                "ensemble_high": high,
                "members_within": float(np.mean([target.within(v, residents) for v in values]))
                if len(values)
                else np.nan,
                "restates": "; ".join(target.restates),
            }
        )
    return pd.DataFrame(rows)


def finish(  # noqa: PLR0917 - the pieces of one calibration, named at the call
    spec: CalibrationSpec,
    produced: Sequence[Target],
    history: History,
    everything: Evaluated,
    verified: Evaluated,
    folder: Path,
    record: dict[str, Any],
) -> dict[str, Any]:
    """Write the calibrated file, the ensemble, the tables, ``fit.json`` and the figures."""
    fitted_ids = history.ids
    pick = int(np.nanargmin(verified.losses))
    chosen_unit = verified.unit[pick]
    z = {k: float(verified.z.iloc[pick][k]) for k in fitted_ids}
    accepted = np.flatnonzero(history.accepted(everything))
    members = np.random.default_rng(spec.seed).permutation(accepted)
    simulated = history.simulated_measure(everything)
    fit: dict[str, Any] = {
        "spec": spec.source,
        "name": spec.name,
        "method": "history matching with Gaussian-process emulators",
        "area_residents": spec.area_residents,
        "years": spec.base.run.years,
        "warmup_days": spec.base.run.warmup_days,
        "design": spec.design,
        "waves": [dataclasses.asdict(w) for w in spec.waves],
        "replications": spec.replications,
        "verify_replications": spec.verify_replications,
        "uncertainty": dataclasses.asdict(spec.uncertainty),
        "fitted_targets": fitted_ids,
        "chosen": "best verified non-implausible point" if accepted.size else "best point",
        "values": spec.values(chosen_unit),
        "loss": float(verified.losses[pick]),
        "within_tolerance": int(sum(abs(v) <= 1.0 for v in z.values())),
        "z": z,
        "candidates": [
            {"loss": float(verified.losses[i]), "values": spec.values(u)}
            for i, u in enumerate(verified.unit)
        ],
        "simulated_points": len(everything.unit),
        "best_simulated_loss": float(np.nanmin(everything.losses)),
        "not_implausible_fraction_by_wave": [r["not_implausible_fraction"] for r in history.rows],
        "parameters_without_effect": history.dropped,
        "ensemble_file": str(spec.ensemble_file),
        "ensemble_members": int(members.size),
        "ensemble_short": bool(members.size < spec.ensemble_size),
        "not_implausible_ranges": {
            p.name: [
                p.from_unit(everything.unit[members, j].min()),
                p.from_unit(everything.unit[members, j].max()),
            ]
            if members.size
            else None
            for j, p in enumerate(spec.parameters)
        },
        "emulator_cv_r2": {k: float(e.cv_r2) for k, e in history.waves[-1].items()},
        **record,
    }
    if members.size:
        table = pd.DataFrame(
            {
                "member": np.arange(members.size),
                "wave": everything.wave[members],
                "implausibility": simulated[members],
                "loss": everything.losses[members],
            }
        )
        values = pd.DataFrame([spec.values(everything.unit[i]) for i in members])
        provenance = {
            k: fit[k]
            for k in (
                "spec",
                "name",
                "method",
                "area_residents",
                "years",
                "warmup_days",
                "uncertainty",
                "fitted_targets",
                "git_commit",
                "care_abm_version",
                "created",
            )
        }
        provenance["residents_65plus"] = spec.full_base.population.residents_65plus
        write_ensemble(
            spec.ensemble_file,
            pd.concat([table, values], axis=1),
            [spec.full_size_changes(everything.unit[i]) for i in members],
            provenance,
        )
    write_tables(folder, spec, everything, history, simulated)
    write_atomic(
        folder / "dependencies.csv",
        dependencies(spec, produced, history, everything).to_csv(index=False).encode(),
    )
    write_atomic(
        folder / "ensemble_intervals.csv",
        intervals(produced, everything, members, spec.area_residents).to_csv(index=False).encode(),
    )
    write_atomic(folder / "fit.json", (json.dumps(fit, indent=2, default=float) + "\n").encode())
    from abm.calibration.figures import fit_figures  # noqa: PLC0415 - matplotlib only here

    fitted = [t for t in produced if t.target_id in fitted_ids]
    fit_figures(folder / "figures", spec, fitted, everything, verified.z.iloc[pick])
    write_calibrated(spec, spec.full_size_changes(chosen_unit), fit, spec.output)
    return {
        "chosen": spec.values(chosen_unit),
        "loss": fit["loss"],
        "z": z,
        "members": int(members.size),
        "fit": fit,
    }


def write_tables(
    folder: Path,
    spec: CalibrationSpec,
    everything: Evaluated,
    history: History,
    simulated: np.ndarray,
) -> None:
    """``points.csv`` (every simulated point), ``emulator.csv`` (diagnostics by wave) and
    ``waves.csv`` (the region left after each wave)."""
    values = pd.DataFrame([spec.values(u) for u in everything.unit])
    points = pd.concat(
        [
            values,
            pd.DataFrame(
                {"wave": everything.wave, "loss": everything.losses, "implausibility": simulated}
            ),
            everything.z.add_prefix("z."),
        ],
        axis=1,
    )
    write_atomic(folder / "points.csv", points.to_csv(index=False).encode())
    emulator = pd.concat(history.quality, ignore_index=True)
    write_atomic(folder / "emulator.csv", emulator.to_csv(index=False).encode())
    write_atomic(folder / "waves.csv", pd.DataFrame(history.rows).to_csv(index=False).encode())
