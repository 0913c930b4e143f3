"""``money_flows.png``: where the money went in one reported financial year.

The ledger names every provider (``care_home:23``, ``home_care:9``), so a chart of raw payers
has dozens of bars. Here providers are grouped by kind, the largest payers and purposes keep
their own bar and colour, and the rest are summed as "other". The year shown is the last full
financial year after the warm-up (or the last reported part-year when the run has none).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

if "ipykernel" not in sys.modules:  # a notebook keeps its inline backend for Results.plot
    mpl.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from abm.config import end_date
from abm.prices import price_label

if TYPE_CHECKING:
    from abm.results import Results

TOP_PAYERS = 7
TOP_PURPOSES = 7
OTHER = "other"
NOT_SPENDING = ("allocation", "opening_balance")
PROVIDER_GROUPS = {"care_home": "care_homes", "home_care": "home_care_agencies"}


def payer_group(payer: str) -> str:
    """A provider's kind for a named provider (``care_home:23`` -> ``care_homes``)."""
    kind = payer.split(":", 1)[0]
    return PROVIDER_GROUPS.get(kind, payer) if ":" in payer else payer


def reported_year(flows: pd.DataFrame, results: Results) -> str | None:
    """The financial year to show: the last full year after the warm-up, else the last year
    after it, else ``None`` (no reported year has any flow)."""
    years = sorted(flows.loc[~flows.get("warmup", False), "financial_year"].unique())
    if not years:
        return None
    last_day = end_date(results.scenario.run)
    full = [y for y in years if dt.date(int(y[:4]) + 1, 4, 1) <= last_day]
    return (full or years)[-1]


def top_and_other(table: pd.DataFrame, keep: int, axis: int) -> pd.DataFrame:
    """``table`` with only its ``keep`` largest rows (axis 0) or columns (axis 1), the rest
    summed into one called "other"."""
    totals = table.sum(axis=1 - axis).sort_values(ascending=False)
    if len(totals) <= keep + 1:
        return table
    kept, rest = list(totals.index[:keep]), list(totals.index[keep:])
    if axis == 0:
        return pd.concat([table.loc[kept], table.loc[rest].sum().to_frame(OTHER).T])
    return pd.concat([table[kept], table[rest].sum(axis=1).rename(OTHER)], axis=1)


def write_money_figure(folder: Path, results: Results) -> Path | None:
    """Each payer's spending in the reported year, stacked by purpose (mean over replications,
    GBP million); nothing when the run has no flows."""
    flows = results.flows
    if flows.empty:
        return None
    year = reported_year(flows, results)
    if year is None:
        return None
    spending = flows[(flows["financial_year"] == year) & ~flows["purpose"].isin(NOT_SPENDING)]
    replications = max(int(flows["replication"].nunique()), 1)
    table = (
        spending.assign(payer=spending["payer"].map(payer_group))
        .groupby(["payer", "purpose"])["gbp"]
        .sum()
        .unstack(fill_value=0.0)
        / replications
        / 1e6
    )
    table = top_and_other(top_and_other(table, TOP_PAYERS, axis=0), TOP_PURPOSES, axis=1)
    ascending = [p for p in table.sum(axis=1).sort_values().index if p != OTHER]
    table = table.loc[([OTHER] if OTHER in table.index else []) + ascending]  # other at the foot
    table.index = [name.replace("_", " ") for name in table.index]
    table.columns = [name.replace("_", " ") for name in table.columns]
    fig, ax = plt.subplots(figsize=(10, 5.5))
    table.plot.barh(stacked=True, ax=ax, colormap="tab10", width=0.7)
    ax.legend(fontsize=8, title="purpose", loc="lower right")
    ax.set_xlabel(
        "GBP million in the year (mean over replications), "
        + price_label(results.scenario.prices.base)
    )
    ax.set_ylabel("payer")
    scenario = results.scenario
    ax.set_title(
        f"Money flows in financial year {year} (after the warm-up), by payer and purpose\n"
        f"{scenario.name}: {scenario.funding.pool} budgets; mean of {replications} run(s); "
        "providers grouped by kind",
        fontsize=11,
    )
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    path = folder / "money_flows.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
