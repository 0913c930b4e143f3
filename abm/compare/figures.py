"""Side-by-side figures of a comparison: each config's level, and the paired difference.

Every time-series figure has two panels: on the left the level of the KPI under each config
(mean over replications), on the right the paired difference from the base over time with its
95% band over replications. Common random numbers make the right panel readable: the band is
the uncertainty of the policy's effect, not of the system's level. Spending is shown as bars
by payer, and a last chart puts the headline differences, as a share of the base, side by side.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from abm.compare.text import HEADLINE_KPIS, SPEND_KPIS, short_label
from abm.stats import band

if TYPE_CHECKING:
    from abm.compare.folder import CompareResults

COLOURS = ("#444444", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


@dataclasses.dataclass(frozen=True)
class Series:
    """A daily quantity drawn over time, aggregated by week or month."""

    file: str
    title: str
    ylabel: str
    columns: tuple[str, ...]
    value: Callable[[pd.DataFrame], pd.Series]
    period: str  # pandas offset: "W" (weeks) or "MS" (months)
    how: str  # "mean" or "sum" within a period


SERIES = (
    Series(
        "delays.png",
        "Patients delayed in hospital (medically fit, waiting to leave)",
        "patients a day (weekly mean)",
        ("delayed",),
        lambda d: d["delayed"],
        "W",
        "mean",
    ),
    Series(
        "admissions.png",
        "Emergency admissions of residents 65+",
        "admissions a month",
        ("resident_emergencies",),
        lambda d: d["resident_emergencies"],
        "MS",
        "sum",
    ),
    Series(
        "unmet_need.png",
        "Residents 65+ with care need that nobody meets",
        "% of residents 65+ (monthly mean)",
        ("unmet_need", "residents"),
        lambda d: 100.0 * d["unmet_need"] / d["residents"],
        "MS",
        "mean",
    ),
    Series(
        "vacancies.png",
        "Vacant care posts (home care and care homes)",
        "% of funded posts (monthly mean)",
        ("care_posts", "care_staff"),
        lambda d: 100.0 * (1.0 - d["care_staff"] / d["care_posts"]),
        "MS",
        "mean",
    ),
)
FIGURE_FILES = (*(s.file for s in SERIES), "spending.png", "differences.png")


def write_comparison_figures(results: CompareResults, names: list[str]) -> list[Path]:
    """Write the figures comparing ``names`` (the base first); returns their paths."""
    folder = results.figure_dir(names)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [_series_figure(results, names, series, folder / series.file) for series in SERIES]
    paths.append(_spending_figure(results, names, folder / "spending.png"))
    paths.append(_differences_figure(results, names, folder / "differences.png"))
    return paths


def _per_replication(results: CompareResults, name: str, series: Series) -> pd.DataFrame:
    """A period x replication table of ``series`` for one config."""
    daily = results.daily(name, list(series.columns))
    values = series.value(daily).unstack("replication")
    values.index = pd.DatetimeIndex(values.index)
    grouped = values.resample(series.period)
    return grouped.sum() if series.how == "sum" else grouped.mean()


def _series_figure(results: CompareResults, names: list[str], series: Series, path: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), sharex=True)
    tables = {name: _per_replication(results, name, series) for name in names}
    base = tables[names[0]]
    band_alpha = 0.2 if len(names) <= 3 else 0.08  # many bands overlap: keep the lines readable
    for k, name in enumerate(names):
        colour = COLOURS[k % len(COLOURS)]
        left.plot(base.index, tables[name].mean(axis=1), color=colour, label=name, lw=1.4)
        if k == 0:
            continue
        mean, low, high = band(tables[name] - base)
        right.plot(mean.index, mean, color=colour, label=f"{name} minus {names[0]}", lw=1.4)
        right.fill_between(mean.index, low, high, color=colour, alpha=band_alpha, lw=0)
    right.axhline(0.0, color="black", lw=0.8)
    replications = base.shape[1]
    left.set_title("Level under each config", fontsize=10)
    right.set_title(f"Paired difference from {names[0]} (95% band)", fontsize=10)
    for ax in (left, right):
        ax.set_ylabel(series.ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    fig.suptitle(f"{series.title}\nmeans of {replications} paired replication(s)", fontsize=11)
    fig.autofmt_xdate()
    return _save(fig, path)


def _spending_figure(results: CompareResults, names: list[str], path: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    payers = [(metric, short_label(metric)) for metric in SPEND_KPIS]
    colours = ("#1f77b4", "#ff7f0e", "#2ca02c")
    x = np.arange(len(names))
    bottom = np.zeros(len(names))
    for (metric, label), colour in zip(payers, colours, strict=True):
        heights = np.array([results.kpi_values(n, metric).mean() / 1e6 for n in names])
        left.bar(x, heights, bottom=bottom, color=colour, label=label, width=0.6)
        bottom += np.nan_to_num(heights)
    left.set_xticks(x, names, rotation=20, ha="right", fontsize=8)
    prices = results.metadata.get("price_base", "real terms")
    left.set_ylabel(f"GBP million a year (mean over replications), {prices}")
    left.set_title("Spending on care by payer", fontsize=10)
    left.set_ylim(0, 1.3 * max(float(np.nanmax(bottom)), 1e-9))
    left.legend(fontsize=8, loc="upper left", ncol=2)
    width = 0.8 / max(len(names) - 1, 1)
    for k, name in enumerate(names[1:]):
        rows = results.differences_for(name).set_index("metric").loc[list(SPEND_KPIS)]
        centre = np.arange(len(payers)) + (k - (len(names) - 2) / 2) * width
        right.bar(
            centre,
            rows["difference"] / 1e6,
            width=width,
            color=COLOURS[(k + 1) % len(COLOURS)],
            label=f"{name} minus {names[0]}",
            yerr=np.vstack(
                [rows["difference"] - rows["ci_low"], rows["ci_high"] - rows["difference"]]
            )
            / 1e6,
            capsize=3,
        )
    right.axhline(0.0, color="black", lw=0.8)
    right.set_xticks(
        np.arange(len(payers)),
        [label.removeprefix("Spending by ") for _, label in payers],
        fontsize=8,
    )
    right.set_ylabel(f"GBP million a year, {prices}")
    right.set_title(f"Paired difference from {names[0]} (95% interval)", fontsize=10)
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle("Spending by payer", fontsize=11)
    return _save(fig, path)


RELATIVE_LIMIT = 150.0  # per cent: larger relative changes are drawn at the edge and labelled


def _differences_figure(results: CompareResults, names: list[str], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(HEADLINE_KPIS) + 2.4))
    y = np.arange(len(HEADLINE_KPIS))[::-1]
    step = 0.7 / max(len(names) - 1, 1)
    limit = RELATIVE_LIMIT
    for k, name in enumerate(names[1:]):
        rows = results.differences_for(name).set_index("metric").reindex(list(HEADLINE_KPIS))
        base = rows["base_mean"].abs().replace(0.0, np.nan)
        centre = (100.0 * rows["difference"] / base).to_numpy()
        low = np.clip(100.0 * rows["ci_low"] / base, -limit, limit).to_numpy()
        high = np.clip(100.0 * rows["ci_high"] / base, -limit, limit).to_numpy()
        shown = np.clip(centre, -limit, limit)
        offset = y + (k - (len(names) - 2) / 2) * step
        colour = COLOURS[(k + 1) % len(COLOURS)]
        ax.errorbar(
            shown,
            offset,
            xerr=np.vstack([np.maximum(shown - low, 0), np.maximum(high - shown, 0)]),
            fmt="o",
            color=colour,
            capsize=3,
            label=f"{name} minus {names[0]}",
        )
        for x, yy, value in zip(shown, offset, centre, strict=True):
            if np.isfinite(value) and abs(value) > limit:
                ax.annotate(
                    f"{value:+,.0f}%",
                    (x, yy),
                    xytext=(-4 if x > 0 else 4, 4),
                    textcoords="offset points",
                    ha="right" if x > 0 else "left",
                    fontsize=7,
                    color=colour,
                )
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_xlim(-limit * 1.08, limit * 1.08)
    ax.set_yticks(y, [short_label(m) for m in HEADLINE_KPIS], fontsize=8)
    ax.set_xlabel(
        f"difference as % of the {names[0]} value, with its 95% interval\n"
        f"(beyond ±{limit:.0f}%: drawn at the edge, value labelled)"
    )
    ax.set_title("Headline differences, relative to the base", fontsize=11)
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    return _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
