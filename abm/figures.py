"""Figures for a results folder: dates on the x-axis, titles, units and legends.

Every line is the mean over replications with its 95% band (:func:`abm.stats.band`, never
below zero for counts); a stacked chart shows the band of its total. Weekly figures average
the daily values of each week, monthly ones the days of each month (or sum them, for flows
such as admissions), replication by replication, before the mean and band are taken.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

if "ipykernel" not in sys.modules:  # a notebook keeps its inline backend for Results.plot
    mpl.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from abm.figures_dated import WINTER_NOTE, shade_winters, write_dated_figure
from abm.figures_money import write_money_figure
from abm.metrics import REASONS
from abm.prices import price_label
from abm.seasons import is_seasonal
from abm.stats import band, kpi_bounds

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from abm.results import Results

REASON_COLOURS = {
    "awaiting_assessment": "#1f77b4",
    "awaiting_home_care": "#d62728",
    "awaiting_care_home": "#9467bd",
    "awaiting_intermediate_care": "#ff7f0e",
    "awaiting_funding_decision": "#8c564b",
    "patient_or_family_choice": "#e377c2",
    "hospital_process": "#7f7f7f",
}
BAND_NOTE = "95% band over replications shaded (dotted for a stacked total)"


class Daily:
    """The daily outputs of every replication, resampled to weeks or months on demand."""

    def __init__(self, wide: pd.DataFrame) -> None:
        self.replications = int(wide["replication"].nunique())
        # one unstack for every figure: columns (output, replication), a date a row
        self.by_replication = (
            wide.set_index(["date", "replication"]).astype(float).unstack("replication")
        )
        self.by_replication.index = pd.DatetimeIndex(self.by_replication.index)
        self._resampled: dict[tuple[str, str], pd.DataFrame] = {}

    def table(self, column: str | list[str], period: str, how: str = "mean") -> pd.DataFrame:
        """A period x replication table of ``column`` (or the sum of several columns).

        One column is cut from every output resampled at once (the figures ask for sixty,
        and a resample costs about as much for one column as for all)."""
        columns = [column] if isinstance(column, str) else column
        if len(columns) == 1:
            if (period, how) not in self._resampled:
                grouped = self.by_replication.resample(period)
                self._resampled[period, how] = grouped.sum() if how == "sum" else grouped.mean()
            return self._resampled[period, how][columns[0]]
        table = self.by_replication[columns[0]]
        for other in columns[1:]:
            table = table + self.by_replication[other]
        grouped = table.resample(period)
        return grouped.sum() if how == "sum" else grouped.mean()

    def mean(self, column: str | list[str], period: str, how: str = "mean") -> pd.Series:
        """The mean over replications of :meth:`table`."""
        return self.table(column, period, how).mean(axis=1)


def line(ax: Axes, table: pd.DataFrame, label: str, **style: object) -> None:
    """The mean of ``table`` (period x replication) as a line, with its 95% band."""
    mean, low, high = band(table, lower=0.0)
    (drawn,) = ax.plot(mean.index, mean, label=label, **style)
    if table.shape[1] > 1:
        ax.fill_between(mean.index, low, high, color=drawn.get_color(), alpha=0.2, lw=0)


def total_band(ax: Axes, table: pd.DataFrame) -> None:
    """The 95% band of a stacked chart's total, as dotted lines at its two edges (a filled
    band would hide the layers)."""
    if table.shape[1] < 2:
        return
    _, low, high = band(table, lower=0.0)
    ax.plot(low.index, low, color="black", ls=":", lw=0.9, label="95% band of the total")
    ax.plot(high.index, high, color="black", ls=":", lw=0.9)


def finish(
    ax: Axes, title: str, ylabel: str, path: Path, subtitle: str, *, winters: bool = False
) -> None:
    """Titles, date axis, grid, winters shaded when ``winters`` (emergency admissions vary by
    month, so a winter peak is read against its winter); save and close."""
    if winters:
        shade_winters(ax)
        subtitle = f"{subtitle}\n{WINTER_NOTE}"
    ax.set_title(f"{title}\n{subtitle}", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Date")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(alpha=0.3)
    ax.figure.autofmt_xdate()
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=110)
    plt.close(ax.figure)


def _subtitle(results: Results, daily: Daily, what: str) -> str:
    note = f"; {BAND_NOTE}" if daily.replications > 1 else ""
    return f"{results.scenario.name}: {what} of {daily.replications} replication(s){note}"


def write_figures(folder: Path, results: Results) -> None:
    """Write the standard figures of a run into ``folder``."""
    daily = Daily(results.daily())
    weekly = _subtitle(results, daily, "weekly means")
    winters = is_seasonal(results.scenario)
    delayed_cols = [f"delayed.{reason}" for reason in REASONS]

    _, ax = plt.subplots(figsize=(10, 5.5))
    occupied, open_beds = daily.mean("beds_occupied", "W"), daily.mean("beds_open", "W")
    layers = [occupied - daily.mean("delayed", "W")] + [daily.mean(c, "W") for c in delayed_cols]
    labels = ["in treatment (not yet medically fit) and background patients"] + [
        f"delayed: {reason.replace('_', ' ')}" for reason in REASONS
    ]
    colours = ["#c7d9e8"] + [REASON_COLOURS[reason] for reason in REASONS]
    ax.stackplot(occupied.index, *layers, labels=labels, colors=colours)
    total_band(ax, daily.table("beds_occupied", "W"))
    ax.plot(open_beds.index, open_beds, color="black", lw=1.5, label="open beds")
    ax.legend(loc="lower left", fontsize=8, ncol=2)
    finish(ax, "Hospital bed occupancy, with delayed patients by reason", "beds",
           folder / "occupancy.png", weekly, winters=winters)  # fmt: skip

    _, ax = plt.subplots(figsize=(10, 5))
    for column, marker, label in [
        ("resident_emergencies", "o", "emergency admissions of residents 65+"),
        ("background_emergencies", "s", "emergency admissions under 65 (background)"),
        ("electives_cancelled", "x", "electives cancelled (no bed)"),
    ]:
        line(ax, daily.table(column, "MS", "sum"), label, marker=marker)
    ax.legend(fontsize=8)
    finish(ax, "Admissions", "admissions a month", folder / "admissions.png",
           _subtitle(results, daily, "monthly totals, mean"), winters=winters)  # fmt: skip

    _, ax = plt.subplots(figsize=(10, 5))
    reasons = [daily.mean(c, "W") for c in delayed_cols]
    ax.stackplot(
        reasons[0].index,
        *reasons,
        labels=[reason.replace("_", " ") for reason in REASONS],
        colors=[REASON_COLOURS[reason] for reason in REASONS],
    )
    total_band(ax, daily.table("delayed", "W"))
    line(ax, daily.table("corridor", "W"), "corridor waits (emergencies without a bed)",
         color="black", lw=1.2, ls="--")  # fmt: skip
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    finish(ax, "Delayed discharges by reason", "patients (daily mean)", folder / "delayed.png",
           weekly, winters=winters)  # fmt: skip

    _, ax = plt.subplots(figsize=(10, 5))
    for column, label in [
        ("care_home_residents", "care-home residents"),
        ("care_home_beds", "care-home beds"),
        ("home_care_packages", "home-care packages"),
        ("waiting_for_care_at_home", "residents waiting at home for care"),
    ]:
        line(ax, daily.table(column, "W"), label)
    ax.legend(fontsize=8)
    finish(ax, "Care after hospital and in the community", "people", folder / "care.png", weekly)
    write_social_care_figures(folder, results, daily)
    write_workforce_figures(folder, results, daily)
    write_money_figure(folder, results)
    write_dated_figure(folder, results, daily)


def write_social_care_figures(folder: Path, results: Results, daily: Daily) -> None:
    """Figures for social care: need and arrangements, the care-home market, and spending."""
    subtitle = _subtitle(results, daily, "monthly means")

    _, ax = plt.subplots(figsize=(10, 5.5))
    for column, label in [
        ("unmet_need", "need nobody meets"),
        ("need_met_unpaid", "need met by an unpaid carer alone"),
        ("council_funded", "council-funded care (home or care home)"),
        ("self_funded", "self-funded care"),
        ("nhs_funded", "NHS-funded care"),
        ("waiting_for_care_at_home", "waiting for care they asked for"),
    ]:
        line(ax, daily.table(column, "MS"), label)
    ax.legend(fontsize=8)
    finish(ax, "How residents' care needs are met", "residents 65+", folder / "need.png", subtitle)

    _, ax = plt.subplots(figsize=(10, 5.5))
    funders = ["care_home_council_funded", "care_home_self_funders", "care_home_nhs_funded"]
    stacks = [daily.mean(c, "MS") for c in funders]
    ax.stackplot(
        stacks[0].index,
        *stacks,
        labels=["council-funded residents", "self-funders", "NHS continuing healthcare"],
        colors=["#1f77b4", "#ff7f0e", "#2ca02c"],
    )
    total_band(ax, daily.table(funders, "MS"))
    beds = daily.mean("care_home_beds", "MS")
    ax.plot(beds.index, beds, color="black", lw=1.5, label="beds in open homes")
    exits = daily.mean("care_home_exits", "MS", "sum")
    for when in exits[exits > 0].index:
        ax.axvline(when, color="red", lw=0.8, alpha=0.6)
    ax.plot([], [], color="red", lw=0.8, label="a month with a care-home closure (any run)")
    ax.legend(fontsize=8, loc="lower left")
    finish(ax, "Care homes: residents by who pays, beds and closures", "beds / residents",
           folder / "care_homes.png", subtitle)  # fmt: skip

    _, ax = plt.subplots(figsize=(10, 5.5))
    payers = ["council_spend_gbp", "private_spend_gbp", "nhs_spend_gbp"]
    spend = [daily.mean(c, "MS", "sum") / 1e6 for c in payers]
    ax.stackplot(
        spend[0].index,
        *spend,
        labels=[
            "public spending on social care",
            "residents (fees and contributions)",
            "NHS (hospital, intermediate care, continuing healthcare)",
        ],
        colors=["#1f77b4", "#ff7f0e", "#2ca02c"],
    )
    total_band(ax, daily.table(payers, "MS", "sum") / 1e6)
    budget = daily.mean("council_budget_gbp", "MS") / 12 / 1e6
    ax.plot(budget.index, budget, color="black", lw=1.5, ls="--",
            label="social care budget (a twelfth of the year's)")  # fmt: skip
    ax.legend(fontsize=8, loc="lower left")
    finish(ax, "Spending on health and social care, by sector and payer",
           f"GBP million a month, {price_label(results.scenario.prices.base)}",
           folder / "spending.png", _subtitle(results, daily, "monthly totals, mean"))  # fmt: skip


def write_workforce_figures(folder: Path, results: Results, daily: Daily) -> None:
    """Figures for the workforce: vacancies, turnover and flows, pay."""
    subtitle = _subtitle(results, daily, "monthly means")

    _, ax = plt.subplots(figsize=(10, 5.5))
    for posts, staff, label in [
        ("care_posts", "care_staff", "care (home care and care homes)"),
        ("home_care_posts", "home_care_staff", "home care"),
        ("hca_posts", "hca_staff", "NHS healthcare assistants"),
        ("ward_nurse_posts", "ward_nurse_staff", "NHS ward nurses"),
    ]:
        rate = 100 * (1 - daily.table(staff, "MS") / daily.table(posts, "MS"))
        mean, low, high = band(rate)
        (drawn,) = ax.plot(mean.index, mean, label=label)
        if rate.shape[1] > 1:
            ax.fill_between(mean.index, low, high, color=drawn.get_color(), alpha=0.2, lw=0)
    ax.legend(fontsize=8)
    finish(ax, "Vacancy rates", "% of funded posts vacant", folder / "vacancies.png", subtitle)

    _, ax = plt.subplots(figsize=(10, 5.5))
    for column, label in [
        ("care_leavers", "care workers leaving their employer"),
        ("care_to_care", "... moving to another care employer"),
        ("care_to_nhs", "... leaving care for NHS healthcare-assistant jobs"),
        ("care_to_outside", "... leaving care for other work"),
        ("hires_local", "hired from the local labour market (all employers)"),
        ("hires_international", "care workers recruited from abroad"),
    ]:
        line(ax, daily.table(column, "MS", "sum"), label)
    ax.legend(fontsize=8)
    finish(ax, "Workforce flows", "people a month", folder / "workforce_flows.png",
           _subtitle(results, daily, "monthly totals, mean"))  # fmt: skip

    _, ax = plt.subplots(figsize=(10, 5.5))
    line(ax, daily.table("care_worker_pay_gbp", "MS"), "care workers")
    line(ax, daily.table("hca_pay_gbp", "MS"), "NHS healthcare assistants")
    ax.legend(fontsize=8)
    finish(ax, "Hourly pay (real terms)",
           f"GBP an hour (mean), {price_label(results.scenario.prices.base)}",
           folder / "pay.png", subtitle)  # fmt: skip


def plot_metric(results: Results, metric: str, ax: Axes | None = None) -> Axes:
    """One output of ``results`` on ``ax`` (a new figure if none): a daily output over time,
    weekly means with the 95% band, or a KPI replication by replication with its interval."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    if metric in results.replications.columns:
        row = results.summary.set_index("metric").loc[metric]
        values = results.replications[metric]
        ax.scatter(values.index, values, color="grey", label="replications", zorder=3)
        ax.axhline(row["mean"], color="C0", label="mean")
        ax.axhspan(row["ci_low"], row["ci_high"], color="C0", alpha=0.2, label="95% interval")
        ax.set_xlabel("replication")
        ax.set_ylabel(str(row.get("unit", "")))
        ax.set_title(f"{row.get('label', metric)} ({metric})", fontsize=10)
    elif metric in set(results.timeseries["metric"].unique()):
        daily = Daily(results.daily())
        lower = kpi_bounds(metric)[0]
        mean, low, high = band(daily.table(metric, "W"), lower=lower)
        ax.plot(mean.index, mean, label=f"{metric} (weekly mean)")
        ax.fill_between(mean.index, low, high, alpha=0.2, lw=0, label="95% band")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.set_xlabel("Date")
        ax.set_title(f"{metric}: weekly means of {daily.replications} replication(s)", fontsize=10)
    else:
        raise KeyError(f"{metric!r} is neither a KPI nor a daily output of these results")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax
