"""Designs: the points of a sweep, drawn reproducibly from the sweep file's seed.

Every design except the grid draws coordinates in the unit hypercube (SALib's samplers for
Latin hypercube, Saltelli-Sobol and Morris; numpy for plain random), and each parameter maps
its column to config values (:meth:`abm.sweep.spec.Parameter.from_unit`). The same spec and
seed give the same points on any machine with the same library versions, and the spec hash
(:func:`spec_hash`) covers the points themselves, so a resume can never mix two designs.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import abm
from abm.config import coerce_value
from abm.sweep.spec import SweepSpec


@dataclasses.dataclass(frozen=True)
class Design:
    """The points of a sweep: config values per point, and unit coordinates where sampled."""

    keys: tuple[str, ...]
    points: tuple[tuple[Any, ...], ...]
    unit: np.ndarray | None  # (points, parameters) in [0, 1]; None for a grid

    def __len__(self) -> int:
        return len(self.points)

    def changes(self, point: int) -> tuple[tuple[str, Any], ...]:
        """The ``(dotted key, value)`` changes that turn the base scenario into ``point``."""
        return tuple(zip(self.keys, self.points[point], strict=True))

    def table(self) -> pd.DataFrame:
        """One row per point: ``point`` and a column per parameter (``points.csv``)."""
        frame = pd.DataFrame(
            [[_plain(v) for v in row] for row in self.points], columns=list(self.keys)
        )
        frame.insert(0, "point", range(len(self.points)))
        return frame


def problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem: every parameter on [0, 1] (values are mapped afterwards)."""
    return {
        "num_vars": len(spec.parameters),
        "names": spec.keys,
        "bounds": [[0.0, 1.0]] * len(spec.parameters),
    }


def unit_sample(spec: SweepSpec) -> np.ndarray:
    """Unit-hypercube coordinates of a sampled design (SALib where it has the sampler)."""
    from SALib.sample import latin, morris, sobol  # noqa: PLC0415 - only sampled designs

    n = int(spec.samples or 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's advice on N; the spec already checked it
        if spec.design == "random":
            return np.random.default_rng(spec.seed).random((n, len(spec.parameters)))
        if spec.design == "latin_hypercube":
            return latin.sample(problem(spec), n, seed=spec.seed)
        if spec.design == "sobol":
            return sobol.sample(
                problem(spec), n, calc_second_order=spec.second_order, seed=spec.seed
            )
        if spec.design == "morris":
            return morris.sample(problem(spec), n, num_levels=spec.levels, seed=spec.seed)
    raise ValueError(f"not a sampled design: {spec.design}")  # pragma: no cover


def make_design(spec: SweepSpec) -> Design:
    """The points of ``spec``: every combination for a grid, else a sample from its seed."""
    keys = tuple(spec.keys)
    if spec.design == "grid":
        points = tuple(itertools.product(*(p.values for p in spec.parameters)))
        return Design(keys, points, None)
    unit = unit_sample(spec)
    columns = [p.from_unit(unit[:, j]) for j, p in enumerate(spec.parameters)]
    points = tuple(
        tuple(coerce_value(key, value, spec.source) for key, value in zip(keys, row, strict=True))
        for row in zip(*columns, strict=True)
    )
    return Design(keys, points, unit)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


# The parts of the package that decide what a run computes (the rest draws, reports or runs).
MODEL_SOURCES = (
    "agents",
    "policy",
    "config",
    "demography.py",
    "discharge.py",
    "domain.py",
    "events.py",
    "grants.py",
    "ledger.py",
    "metrics",
    "model.py",
    "params.py",
    "prices.py",
    "reporters.py",
    "rng.py",
    "run.py",
    "seasons.py",
    "series.py",
    "stats.py",
    "waits.py",
)
"""The model's code, whose hash keys resumed runs: every module a run imports that can change
what it computes (``tests/test_sweep.py`` checks that none is missing)."""
NOT_MODEL_SOURCES = (
    "callable_module.py",
    "children.py",
    "errors.py",
    "folders.py",
    "limits.py",
    "packaged.py",
    "results.py",
    "validation.py",
)
"""Modules a run imports that cannot change its numbers: errors, folders, child processes,
packaged files, the refusal of runs too large, and writing the results folder."""


@functools.cache
def model_source_hash() -> str:
    """A hash of the model's source code, so that runs written before a change to the model
    are never mixed with runs after it when a sweep or calibration resumes."""
    root = Path(abm.__file__).parent
    digest = hashlib.sha256()
    for part in MODEL_SOURCES:
        where = root / part
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def spec_hash(spec: SweepSpec, design: Design) -> str:
    """A hash of everything that decides what the runs compute.

    The resolved base scenario, the varied keys, every point's values, the model version and
    its source code: runs written under one hash are never mixed with runs of another.
    Replications are left out on purpose, so raising them and resuming adds runs to a finished
    sweep.
    """
    payload = {
        "care_abm_version": abm.__version__,
        "model_source": model_source_hash(),
        "base": spec.base.to_dict(),
        "keys": list(design.keys),
        "points": [[_plain(v) for v in row] for row in design.points],
    }
    text = json.dumps(payload, sort_keys=True, default=str, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
