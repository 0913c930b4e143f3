"""Sensitivity indices from a sweep's results, with confidence intervals, via SALib.

Each point's KPI is first averaged over its replications (the model is stochastic; the
indices describe how the expected KPI responds to the inputs). Then, by design:

- ``sobol``: Sobol first-order (S1) and total-order (ST) indices, and second-order (S2) when
  the design has them: the share of the KPI's variance explained by each input alone, and
  with its interactions. Intervals from SALib's bootstrap.
- ``morris``: Morris mu* (mean absolute elementary effect, in the KPI's unit, for a step of
  2/3 of the parameter's range with 4 levels), mu and sigma (spread: non-linearity or
  interactions). Interval on mu* from SALib's bootstrap.
- ``random`` and ``latin_hypercube``: first-order S1 estimated by RBD-FAST (SALib's
  ``rbd_fast``, which works on any sample), with bootstrap intervals. It needs a sample well
  above 2 x 10 harmonics: from about 100 points; a note says so below that.
- ``grid``: main effects: the KPI averaged over every other parameter at each parameter's
  lowest and highest level, and their difference (what a tornado chart shows).

Rows go to ``sensitivity.csv`` as ``output, parameter, method, index, value, conf_low,
conf_high, conf_level``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from abm.sweep.design import Design, problem
from abm.sweep.spec import SweepSpec

COLUMNS = ["output", "parameter", "method", "index", "value", "conf_low", "conf_high"]


def point_means(table: pd.DataFrame, outputs: list[str], n_points: int) -> pd.DataFrame:
    """Mean KPI over successful replications, one row per point (NaN where none succeeded)."""
    ok = table[table["status"] == "ok"]
    means = ok.groupby("point")[outputs].mean()
    return means.reindex(range(n_points))


def analyse(spec: SweepSpec, design: Design, table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity rows for every output, and notes on what could not be computed."""
    outputs = list(spec.outputs)
    means = point_means(table, outputs, len(design))
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for output in outputs:
        y = means[output].to_numpy(dtype=float)
        missing = int(np.isnan(y).sum())
        if spec.design == "grid":
            rows += _main_effects(spec, design, means, output)
            continue
        unit = design.unit
        if missing and spec.design in ("random", "latin_hypercube"):
            # Any subset of a random sample is a random sample: analyse the points there are.
            notes.append(f"{output}: {missing} of {len(y)} points have no value; left out")
            keep = ~np.isnan(y)
            unit, y = unit[keep], y[keep]  # type: ignore[index]
        elif missing:
            notes.append(
                f"{output}: {missing} of {len(y)} points have no value (runs failed, are not "
                "finished, or the KPI is undefined there); "
                f"{spec.design} indices need every point"
            )
            continue
        if len(y) < 2:
            notes.append(f"{output}: fewer than two points have a value; no indices")
            continue
        if float(np.ptp(y)) == 0.0:
            notes.append(f"{output}: the same at every point, so it has no sensitivity")
            continue
        if spec.design in ("random", "latin_hypercube") and len(y) < 100:
            notes.append(
                f"{output}: RBD-FAST indices from {len(y)} points are rough; use 100 or more"
            )
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                rows += _salib(spec, unit, output, y)
            except Exception as exc:  # an analysis failure is a note, not a crash
                notes.append(f"{output}: {spec.design} analysis failed: {exc}")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["conf_level"] = spec.conf_level
    return frame, notes


def _row(output: str, parameter: str, method: str, index: str, estimate: tuple) -> dict:
    """One tidy row; ``estimate`` is (value, half-width of its interval or NaN)."""
    value, conf = (float(x) for x in estimate)
    finite = np.isfinite(conf)
    return {
        "output": output,
        "parameter": parameter,
        "method": method,
        "index": index,
        "value": value,
        "conf_low": value - conf if finite else float("nan"),
        "conf_high": value + conf if finite else float("nan"),
    }


def _salib(spec: SweepSpec, unit: np.ndarray | None, output: str, y: np.ndarray) -> list[dict]:
    from SALib.analyze import morris, rbd_fast, sobol  # noqa: PLC0415 - only when analysing

    names = spec.keys
    nan = float("nan")
    common = {"num_resamples": spec.resamples, "conf_level": spec.conf_level, "seed": spec.seed}
    if spec.design == "sobol":
        method = "sobol"
        result = sobol.analyze(problem(spec), y, calc_second_order=spec.second_order, **common)
        shown = [("S1", "S1", "S1_conf"), ("ST", "ST", "ST_conf")]
    elif spec.design == "morris":
        method = "morris"
        result = morris.analyze(problem(spec), unit, y, num_levels=spec.levels, **common)
        shown = [
            ("mu_star", "mu_star", "mu_star_conf"),
            ("mu", "mu", None),
            ("sigma", "sigma", None),
        ]
    else:
        # RBD-FAST works on any sample and takes a second for thousands of points (SALib's
        # delta method, the other candidate, takes minutes a KPI with bootstrap intervals).
        method = "rbd_fast"
        result = rbd_fast.analyze(problem(spec), unit, y, **common)
        shown = [("S1", "S1", "S1_conf")]
    rows = [
        _row(output, name, method, index, (result[key][j], result[conf][j] if conf else nan))
        for j, name in enumerate(names)
        for index, key, conf in shown
    ]
    if method == "sobol" and spec.second_order:
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                pair = f"{names[i]} x {names[j]}"
                estimate = (result["S2"][i, j], result["S2_conf"][i, j])
                rows.append(_row(output, pair, "sobol", "S2", estimate))
    return rows


def _main_effects(spec: SweepSpec, design: Design, means: pd.DataFrame, output: str) -> list[dict]:
    points = design.table()
    rows = []
    nan = float("nan")
    for p in spec.parameters:
        if len(p.values) < 2:
            continue
        frame = points[["point", p.key]].assign(y=means[output].to_numpy())
        lowest, highest = _extremes(p.values)
        at_low = frame.loc[frame[p.key].apply(lambda v, x=lowest: v == x), "y"].mean()
        at_high = frame.loc[frame[p.key].apply(lambda v, x=highest: v == x), "y"].mean()
        rows.append(_row(output, p.key, "main_effect", "at_lowest", (at_low, nan)))
        rows.append(_row(output, p.key, "main_effect", "at_highest", (at_high, nan)))
        rows.append(_row(output, p.key, "main_effect", "effect", (at_high - at_low, nan)))
    return rows


def _extremes(values: tuple[Any, ...]) -> tuple[Any, Any]:
    """The lowest and highest of a parameter's values (first and last when not numbers)."""
    try:
        return min(values), max(values)
    except TypeError:
        return values[0], values[-1]


def top_lines(sensitivity: pd.DataFrame, spec: SweepSpec, limit: int = 5) -> list[str]:
    """Human-readable top indices per output, for the end of a sweep."""
    lead = {"sobol": "ST", "morris": "mu_star", "rbd_fast": "S1", "main_effect": "effect"}
    lines = []
    for output in spec.outputs:
        rows = sensitivity[sensitivity["output"] == output]
        if rows.empty:
            continue
        method = rows["method"].iloc[0]
        main = rows[rows["index"] == lead[method]].copy()
        main = main.reindex(main["value"].abs().sort_values(ascending=False).index).head(limit)
        lines.append(f"{output} ({method} {lead[method]}):")
        for row in main.itertuples():
            interval = (
                f"[{row.conf_low:.3g}, {row.conf_high:.3g}]" if np.isfinite(row.conf_low) else ""
            )
            extra = ""
            if method == "sobol":
                s1 = rows[(rows["parameter"] == row.parameter) & (rows["index"] == "S1")]
                if not s1.empty:
                    extra = f"  S1 {s1['value'].iloc[0]:.3g}"
            lines.append(f"  {row.parameter:<40} {row.value:>10.4g} {interval}{extra}")
    return lines
