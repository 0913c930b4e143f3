"""Parameter sweeps and sensitivity analysis (``care-abm sweep``).

The model knows nothing of sweeps: a sweep only builds scenarios with
:meth:`abm.config.Scenario.with_changes` and runs them with :func:`abm.run.run_replication`.

- :mod:`abm.sweep.spec`: sweep files, validated before any run.
- :mod:`abm.sweep.design`: grid, random, Latin hypercube, Sobol (Saltelli) and Morris points.
- :mod:`abm.sweep.engine`: where runs execute (this process, local processes, Dask).
- :mod:`abm.sweep.store`: one file per finished run, written atomically; consolidation.
- :mod:`abm.sweep.analysis`: sensitivity indices with confidence intervals (SALib).
- :mod:`abm.sweep.figures`: index charts, tornado charts, response curves and heatmaps.
- :mod:`abm.sweep.runner`: a sweep from start (or resume) to an analysed results folder.
- :mod:`abm.sweep.command`: the ``care-abm sweep`` command line.

The names below are imported on first use, so ``care-abm --help`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DESIGNS": "spec",
    "DISTRIBUTIONS": "spec",
    "Parameter": "spec",
    "SweepSpec": "spec",
    "load_sweep": "spec",
    "Design": "design",
    "make_design": "design",
    "spec_hash": "design",
    "Engine": "engine",
    "SerialEngine": "engine",
    "ProcessEngine": "engine",
    "DaskEngine": "engine",
    "parse_cluster": "engine",
    "Analysis": "runner",
    "SweepOutcome": "runner",
    "analyse_folder": "runner",
    "run_sweep": "runner",
}

__all__ = [
    "DESIGNS",
    "DISTRIBUTIONS",
    "Analysis",
    "DaskEngine",
    "Design",
    "Engine",
    "Parameter",
    "ProcessEngine",
    "SerialEngine",
    "SweepOutcome",
    "SweepSpec",
    "analyse_folder",
    "load_sweep",
    "make_design",
    "parse_cluster",
    "run_sweep",
    "spec_hash",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"abm.sweep.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'abm.sweep' has no attribute {name!r}")
