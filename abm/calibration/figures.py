"""Figures of the fit (loss against each parameter, z at the chosen point) and of the report
(every target: the published value, its tolerance band and the model's 95% interval)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.calibration.targets import Target

if TYPE_CHECKING:
    from abm.calibration.runner import Evaluated
    from abm.calibration.spec import CalibrationSpec

WITHIN, OUTSIDE, BAND = "#2b8a3e", "#c92a2a", "#d0ebff"


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def fit_figures(
    folder: Path,
    spec: CalibrationSpec,
    fitted: Sequence[Target],
    everything: Evaluated,
    z_chosen: pd.Series,
) -> list[Path]:
    """``loss_by_parameter.png`` and ``z_at_chosen.png``."""
    d = len(spec.parameters)
    cols = 4
    rows = math.ceil(d / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    losses = np.log10(np.maximum(everything.losses, 1e-3))
    for j, parameter in enumerate(spec.parameters):
        ax = axes[j // cols][j % cols]
        x = [parameter.from_unit(u) for u in everything.unit[:, j]]
        ax.scatter(x, losses, s=6, alpha=0.5, color="#1c7ed6")
        ax.set_title(parameter.name, fontsize=7)
        ax.tick_params(labelsize=6)
        if j % cols == 0:
            ax.set_ylabel("log10 loss", fontsize=7)
    for j in range(d, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("Loss of every simulated point against each parameter", fontsize=9)
    paths = [_save(fig, folder / "loss_by_parameter.png")]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(fitted) + 1))
    ids = [t.target_id for t in fitted]
    values = [float(z_chosen[i]) for i in ids]
    colours = [WITHIN if abs(v) <= 1 else OUTSIDE for v in values]
    ax.barh(ids, values, color=colours)
    ax.axvspan(-1, 1, color=BAND, zorder=0)
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel("model - target, in tolerances (z)")
    ax.set_title("Fitted targets at the chosen point (band: within tolerance)", fontsize=9)
    paths.append(_save(fig, folder / "z_at_chosen.png"))
    return paths


def target_figure(path: Path, status: pd.DataFrame, title: str) -> Path:
    """Every produced target: published (local) value and tolerance band, and the model's
    mean with its 95% interval, on one row each, scaled by the tolerance."""
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(status) + 1.2))
    for i, row in enumerate(status.itertuples()):
        tol = row.tolerance
        z = (row.model_mean - row.local_value) / tol
        low = (row.ci_low - row.local_value) / tol
        high = (row.ci_high - row.local_value) / tol
        colour = WITHIN if row.within else OUTSIDE
        ax.plot([low, high], [i, i], color=colour, lw=2)
        ax.plot([z], [i], "o", color=colour, ms=4)
    ax.axvspan(-1, 1, color=BAND, zorder=0)
    ax.axvline(0, color="black", lw=0.8)
    labels = [f"{r.target_id} ({r.split})" for r in status.itertuples()]
    ax.set_yticks(range(len(status)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(-6, 6)
    ax.set_xlabel("model - published, in tolerances (clipped at ±6); band: within tolerance")
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


def kpi_figure(path: Path, status: pd.DataFrame, kpi_rows: pd.DataFrame) -> Path:
    """Model values and targets in their own units, one small panel per target."""
    n = len(status)
    cols = 4
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 1.7 * rows), squeeze=False)
    for i, row in enumerate(status.itertuples()):
        ax = axes[i // cols][i % cols]
        ax.axhspan(row.local_value - row.tolerance, row.local_value + row.tolerance, color=BAND)
        ax.axhline(row.local_value, color="black", lw=0.8)
        values = kpi_rows.loc[kpi_rows["metric"] == row.kpi, "value"].to_numpy()
        ax.plot(np.zeros(len(values)) + 0.0, values, "o", ms=3, alpha=0.6,
                color=WITHIN if row.within else OUTSIDE)  # fmt: skip
        ax.set_xticks([])
        ax.set_title(row.target_id, fontsize=7)
        ax.tick_params(labelsize=6)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle("Replications (dots) against each target (line) and its tolerance (band)",
                 fontsize=9)  # fmt: skip
    return _save(fig, path)
