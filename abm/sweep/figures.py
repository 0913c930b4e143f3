"""Figures of a sweep, one set per analysed KPI, written to ``figures/``.

- ``sobol_<kpi>.png``, ``morris_<kpi>.png``, ``rbd_fast_<kpi>.png``: the sensitivity indices with
  their confidence intervals, parameters sorted by importance.
- ``tornado_<kpi>.png`` (grid designs): the KPI at each parameter's lowest and highest level,
  averaged over the other parameters, around the overall mean.
- ``response_<kpi>.png`` (one parameter): the KPI against the parameter, every run and the
  mean with its 95% interval.
- ``heatmap_<kpi>.png`` (two parameters on a grid): the mean KPI in every cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.metrics import KPI_BY_NAME
from abm.prices import money_unit
from abm.stats import mean_interval
from abm.sweep.spec import SweepSpec


def _label(output: str, spec: SweepSpec) -> str:
    kpi = KPI_BY_NAME[output]
    return f"{kpi.label} ({money_unit(kpi.unit, spec.base.prices.base)})"


def _subtitle(spec: SweepSpec, n_points: int) -> str:
    return (
        f"{spec.name}: {spec.design} design, {n_points} points x {spec.replications} "
        f"replication(s); bars show {spec.conf_level:.0%} intervals"
    )


def _save(fig: plt.Figure, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_figures(
    folder: Path, spec: SweepSpec, table: pd.DataFrame, sensitivity: pd.DataFrame, n_points: int
) -> list[Path]:
    """Write every figure that fits the design; returns the files written."""
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    ok = table[table["status"] == "ok"]
    for output in spec.outputs:
        rows = sensitivity[sensitivity["output"] == output]
        # With one parameter a tornado has one bar: the response curve below says more.
        if not rows.empty and not (len(spec.parameters) == 1 and spec.design == "grid"):
            method = rows["method"].iloc[0]
            path = folder / f"{'tornado' if method == 'main_effect' else method}_{output}.png"
            if method == "main_effect":
                _tornado(rows, ok, spec, output, path=path, n_points=n_points)
            else:
                _indices(rows, spec, output, method, path=path, n_points=n_points)
            written.append(path)
        if ok[output].notna().sum() == 0:
            continue
        if len(spec.parameters) == 1:
            path = folder / f"response_{output}.png"
            _response(ok, spec, output, path, n_points)
            written.append(path)
        elif len(spec.parameters) == 2:
            path = folder / f"heatmap_{output}.png"
            _heatmap(ok, spec, output, path, n_points)
            written.append(path)
    return written


def _indices(
    rows: pd.DataFrame, spec: SweepSpec, output: str, method: str, *, path: Path, n_points: int
) -> None:
    shown = {
        "sobol": [("S1", "first order (S1)"), ("ST", "total order (ST)")],
        "morris": [("mu_star", "mu* (mean |effect|)"), ("sigma", "sigma (spread of effects)")],
        "rbd_fast": [("S1", "first order (S1)")],
    }[method]
    params = [p for p in spec.keys if p in set(rows["parameter"])]
    lead = rows[rows["index"] == {"sobol": "ST", "morris": "mu_star", "rbd_fast": "S1"}[method]]
    order = lead.set_index("parameter").reindex(params)["value"].fillna(0).sort_values().index
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.55 * len(params) * len(shown) / 1.5))
    height = 0.8 / len(shown)
    y = np.arange(len(order))
    for i, (index, label) in enumerate(shown):
        part = rows[rows["index"] == index].set_index("parameter").reindex(order)
        values = part["value"].to_numpy(dtype=float)
        err = np.vstack(
            [values - part["conf_low"].to_numpy(float), part["conf_high"].to_numpy(float) - values]
        )
        err = np.where(np.isfinite(err), err, 0.0)
        ax.barh(
            y + (i - (len(shown) - 1) / 2) * height,
            values,
            height,
            xerr=err,
            label=label,
            capsize=3,
        )
    ax.set_yticks(y, list(order))
    ax.axvline(0, color="black", lw=0.8)
    if method in ("sobol", "rbd_fast"):
        # Shares of variance live in [0, 1]; wide intervals (few samples) are cut at the edge.
        values = rows.loc[rows["index"].isin([i for i, _ in shown]), "value"].to_numpy(float)
        finite = values[np.isfinite(values)]
        low = min(-0.05, float(finite.min(initial=0.0)) - 0.05)
        ax.set_xlim(low, max(1.05, float(finite.max(initial=0.0)) + 0.05))
    unit = (
        "share of variance"
        if method in ("sobol", "rbd_fast")
        else money_unit(KPI_BY_NAME[output].unit, spec.base.prices.base)
    )
    ax.set_xlabel(f"index ({unit})")
    title = {"sobol": "Sobol indices", "morris": "Morris screening", "rbd_fast": "RBD-FAST indices"}
    ax.set_title(
        f"{title[method]}: {_label(output, spec)}\n{_subtitle(spec, n_points)}", fontsize=10
    )
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    _save(fig, path)


def _tornado(
    rows: pd.DataFrame, ok: pd.DataFrame, spec: SweepSpec, output: str, *, path: Path, n_points: int
) -> None:
    wide = rows.pivot(index="parameter", columns="index", values="value")
    wide = wide.reindex(wide["effect"].abs().sort_values().index)
    centre = float(ok.groupby("point")[output].mean().mean())
    fig, ax = plt.subplots(figsize=(10, 1.6 + 0.6 * len(wide)))
    y = np.arange(len(wide))
    lows, highs = wide["at_lowest"].to_numpy(float), wide["at_highest"].to_numpy(float)
    ax.barh(y, lows - centre, left=centre, color="#1f77b4", label="at the lowest value")
    ax.barh(y, highs - centre, left=centre, color="#d62728", label="at the highest value")
    by_key = {p.key: p for p in spec.parameters}
    labels = []
    for key in wide.index:
        values = by_key[key].values
        labels.append(
            f"{key}\n{_fmt(min(values, default=None))} to {_fmt(max(values, default=None))}"
        )
    ax.set_yticks(y, labels, fontsize=8)
    ax.axvline(centre, color="black", lw=1)
    ax.set_xlabel(_label(output, spec))
    ax.set_title(
        f"Effect of each parameter, others averaged: {KPI_BY_NAME[output].label}\n"
        f"{spec.name}: grid of {n_points} points x {spec.replications} replication(s); "
        "line = mean over the grid",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    _save(fig, path)


def _fmt(value: Any) -> str:
    return f"{value:,.4g}" if isinstance(value, int | float) else str(value)


def _mean_ci(values: pd.Series) -> tuple[float, float, float]:
    mean, low, high, n = mean_interval(values)
    return (mean, mean, mean) if n < 2 else (mean, low, high)


def _response(ok: pd.DataFrame, spec: SweepSpec, output: str, path: Path, n_points: int) -> None:
    key = spec.keys[0]
    frame = ok[[key, output]].dropna()
    fig, ax = plt.subplots(figsize=(9, 5.5))
    numeric = pd.api.types.is_numeric_dtype(frame[key])
    if numeric and frame[key].nunique() > 40:
        bins = pd.qcut(frame[key], 20, duplicates="drop")
        groups = frame.groupby(bins, observed=True)
        xs = groups[key].mean().to_numpy()
        stats_ = [_mean_ci(g[output]) for _, g in groups]
        ax.scatter(frame[key], frame[output], s=8, alpha=0.3, color="grey", label="runs")
    else:
        groups = frame.groupby(key, sort=True)
        xs = np.array(list(groups.groups.keys())) if numeric else np.arange(len(groups))
        stats_ = [_mean_ci(g[output]) for _, g in groups]
        positions = (
            frame[key] if numeric else frame[key].map(dict(zip(groups.groups, xs, strict=True)))
        )
        ax.scatter(positions, frame[output], s=12, alpha=0.4, color="grey", label="runs")
        if not numeric:
            ax.set_xticks(xs, [str(v) for v in groups.groups])
    means, lows, highs = (np.array(v) for v in zip(*stats_, strict=True))
    ax.plot(xs, means, marker="o", color="#d62728", label="mean")
    ax.fill_between(xs, lows, highs, color="#d62728", alpha=0.2, label="95% interval of the mean")
    ax.set_xlabel(key)
    ax.set_ylabel(_label(output, spec))
    ax.set_title(
        f"{KPI_BY_NAME[output].label} against {key}\n{spec.name}: {n_points} points x "
        f"{spec.replications} replication(s)",
        fontsize=10,
    )
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    _save(fig, path)


def _heatmap(ok: pd.DataFrame, spec: SweepSpec, output: str, path: Path, n_points: int) -> None:
    first, second = spec.keys
    fig, ax = plt.subplots(figsize=(9, 6.5))
    if spec.design == "grid":
        cells = ok.groupby([second, first])[output].mean().unstack(first)
        image = ax.imshow(cells.to_numpy(float), origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(cells.shape[1]), [_fmt(v) for v in cells.columns], rotation=45)
        ax.set_yticks(range(cells.shape[0]), [_fmt(v) for v in cells.index])
        if cells.size <= 144:
            values = cells.to_numpy(float)
            middle = np.nanmean(values)
            for (i, j), value in np.ndenumerate(values):
                ax.text(
                    j,
                    i,
                    _fmt(value),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value < middle else "black",
                )
        subtitle = f"mean of {spec.replications} replication(s) in each cell"
    else:
        means = ok.groupby("point")[[first, second, output]].mean()
        image = ax.scatter(means[first], means[second], c=means[output], cmap="viridis", s=30)
        subtitle = f"each dot a point, mean of {spec.replications} replication(s)"
    fig.colorbar(image, ax=ax, label=_label(output, spec))
    ax.set_xlabel(first)
    ax.set_ylabel(second)
    ax.set_title(
        f"{KPI_BY_NAME[output].label}\n{spec.name}: {n_points} points; {subtitle}", fontsize=10
    )
    _save(fig, path)
