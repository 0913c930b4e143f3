"""Figures for a results folder: dates on the x-axis, titles, units and legends."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from abm.metrics import REASONS

if TYPE_CHECKING:
    from abm.config import Scenario
    from abm.run import ReplicationResult

REASON_COLOURS = {
    "awaiting_assessment": "#1f77b4",
    "awaiting_home_care": "#d62728",
    "awaiting_care_home": "#9467bd",
    "awaiting_intermediate_care": "#ff7f0e",
    "awaiting_funding_decision": "#8c564b",
    "patient_or_family_choice": "#e377c2",
    "hospital_process": "#7f7f7f",
}


def _mean_daily(results: list[ReplicationResult]) -> pd.DataFrame:
    frames = pd.concat([r.daily for r in results])
    numeric = frames.drop(columns=["date"]).astype(float)
    numeric["date"] = frames["date"].to_numpy()
    return numeric.groupby("date").mean()


def _weekly(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.resample("W").mean()


def _finish(ax: plt.Axes, title: str, ylabel: str, path: Path, subtitle: str) -> None:
    ax.set_title(f"{title}\n{subtitle}", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Date")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(alpha=0.3)
    ax.figure.autofmt_xdate()
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=110)
    plt.close(ax.figure)


def write_figures(folder: Path, results: list[ReplicationResult], scenario: Scenario) -> None:
    """Write the standard figures of a run into ``folder``."""
    daily = _mean_daily(results)
    weekly = _weekly(daily)
    subtitle = f"{scenario.name}: weekly means of {len(results)} replication(s)"
    delayed_cols = [f"delayed.{reason}" for reason in REASONS]

    _, ax = plt.subplots(figsize=(10, 5.5))
    in_treatment = weekly["beds_occupied"] - weekly["delayed"]
    layers = [in_treatment] + [weekly[col] for col in delayed_cols]
    labels = ["in treatment (not yet medically fit) and background patients"] + [
        f"delayed: {reason.replace('_', ' ')}" for reason in REASONS
    ]
    colours = ["#c7d9e8"] + [REASON_COLOURS[reason] for reason in REASONS]
    ax.stackplot(weekly.index, *layers, labels=labels, colors=colours)
    ax.plot(weekly.index, weekly["beds_open"], color="black", lw=1.5, label="open beds")
    ax.legend(loc="lower left", fontsize=8, ncol=2)
    _finish(
        ax,
        "Hospital bed occupancy, with delayed patients by reason",
        "beds",
        folder / "occupancy.png",
        subtitle,
    )

    _, ax = plt.subplots(figsize=(10, 5))
    monthly = daily[["resident_emergencies", "background_emergencies", "electives_cancelled"]]
    monthly = monthly.resample("MS").sum()
    ax.plot(
        monthly.index,
        monthly["resident_emergencies"],
        marker="o",
        label="emergency admissions of residents 65+",
    )
    ax.plot(
        monthly.index,
        monthly["background_emergencies"],
        marker="s",
        label="emergency admissions under 65 (background)",
    )
    ax.plot(
        monthly.index,
        monthly["electives_cancelled"],
        marker="x",
        label="electives cancelled (no bed)",
    )
    ax.legend(fontsize=8)
    _finish(
        ax,
        "Admissions",
        "admissions a month (mean over replications)",
        folder / "admissions.png",
        subtitle,
    )

    _, ax = plt.subplots(figsize=(10, 5))
    ax.stackplot(
        weekly.index,
        *[weekly[col] for col in delayed_cols],
        labels=[reason.replace("_", " ") for reason in REASONS],
        colors=[REASON_COLOURS[reason] for reason in REASONS],
    )
    ax.plot(
        weekly.index,
        weekly["corridor"],
        color="black",
        lw=1.2,
        ls="--",
        label="corridor waits (emergencies without a bed)",
    )
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    _finish(
        ax,
        "Delayed discharges by reason",
        "patients (daily mean)",
        folder / "delayed.png",
        subtitle,
    )

    _fig, ax = plt.subplots(figsize=(10, 5))
    ax.plot(weekly.index, weekly["care_home_residents"], label="care-home residents")
    ax.plot(weekly.index, weekly["care_home_beds"], color="black", lw=1, label="care-home beds")
    ax.plot(weekly.index, weekly["home_care_packages"], label="home-care packages")
    ax.plot(
        weekly.index, weekly["waiting_for_care_at_home"], label="residents waiting at home for care"
    )
    ax.legend(fontsize=8)
    _finish(ax, "Care after hospital and in the community", "people", folder / "care.png", subtitle)
    write_social_care_figures(folder, results, scenario)
    write_workforce_figures(folder, results, scenario)
    write_money_figure(folder, results, scenario)


def write_social_care_figures(
    folder: Path, results: list[ReplicationResult], scenario: Scenario
) -> None:
    """Figures for social care: need and arrangements, the care-home market, and spending."""
    daily = _mean_daily(results)
    monthly = daily.resample("MS").mean()
    subtitle = f"{scenario.name}: monthly means of {len(results)} replication(s)"

    _, ax = plt.subplots(figsize=(10, 5.5))
    for column, label in [
        ("unmet_need", "need nobody meets"),
        ("need_met_unpaid", "need met by an unpaid carer alone"),
        ("council_funded", "council-funded care (home or care home)"),
        ("self_funded", "self-funded care"),
        ("nhs_funded", "NHS-funded care"),
        ("waiting_for_care_at_home", "waiting for care they asked for"),
    ]:
        ax.plot(monthly.index, monthly[column], label=label)
    ax.legend(fontsize=8)
    _finish(ax, "How residents' care needs are met", "residents 65+", folder / "need.png", subtitle)

    _, ax = plt.subplots(figsize=(10, 5.5))
    ax.stackplot(
        monthly.index,
        monthly["care_home_council_funded"],
        monthly["care_home_self_funders"],
        monthly["care_home_nhs_funded"],
        labels=["council-funded residents", "self-funders", "NHS continuing healthcare"],
        colors=["#1f77b4", "#ff7f0e", "#2ca02c"],
    )
    ax.plot(
        monthly.index, monthly["care_home_beds"], color="black", lw=1.5, label="beds in open homes"
    )
    exits = daily["care_home_exits"].resample("MS").sum()
    for when in exits[exits > 0].index:
        ax.axvline(when, color="red", lw=0.8, alpha=0.6)
    ax.plot([], [], color="red", lw=0.8, label="a month with a care-home closure")
    ax.legend(fontsize=8, loc="lower left")
    _finish(
        ax,
        "Care homes: residents by who pays, beds and closures",
        "beds / residents",
        folder / "care_homes.png",
        subtitle,
    )

    _, ax = plt.subplots(figsize=(10, 5.5))
    spend = (
        daily[["council_spend_gbp", "private_spend_gbp", "nhs_spend_gbp"]].resample("MS").sum()
        / 1e6
    )
    ax.stackplot(
        spend.index,
        spend["council_spend_gbp"],
        spend["private_spend_gbp"],
        spend["nhs_spend_gbp"],
        labels=[
            "public spending on social care",
            "residents (fees and contributions)",
            "NHS (hospital, intermediate care, continuing healthcare)",
        ],
        colors=["#1f77b4", "#ff7f0e", "#2ca02c"],
    )
    budget = daily["council_budget_gbp"].resample("MS").mean() / 12 / 1e6
    ax.plot(
        budget.index,
        budget,
        color="black",
        lw=1.5,
        ls="--",
        label="social care budget (a twelfth of the year's)",
    )
    ax.legend(fontsize=8, loc="lower left")
    _finish(
        ax,
        "Spending on health and social care, by sector and payer",
        "GBP million a month",
        folder / "spending.png",
        subtitle,
    )


def write_workforce_figures(
    folder: Path, results: list[ReplicationResult], scenario: Scenario
) -> None:
    """Figures for the workforce: vacancies, turnover and flows, pay."""
    daily = _mean_daily(results)
    monthly = daily.resample("MS").mean()
    flows = daily.resample("MS").sum()
    subtitle = f"{scenario.name}: monthly means of {len(results)} replication(s)"

    _, ax = plt.subplots(figsize=(10, 5.5))
    for posts, staff, label in [
        ("care_posts", "care_staff", "care (home care and care homes)"),
        ("home_care_posts", "home_care_staff", "home care"),
        ("hca_posts", "hca_staff", "NHS healthcare assistants"),
        ("ward_nurse_posts", "ward_nurse_staff", "NHS ward nurses"),
    ]:
        ax.plot(monthly.index, 100 * (1 - monthly[staff] / monthly[posts]), label=label)
    ax.legend(fontsize=8)
    _finish(ax, "Vacancy rates", "% of funded posts vacant", folder / "vacancies.png", subtitle)

    _, ax = plt.subplots(figsize=(10, 5.5))
    for column, label in [
        ("care_leavers", "care workers leaving their employer"),
        ("care_to_care", "... moving to another care employer"),
        ("care_to_nhs", "... leaving care for NHS healthcare-assistant jobs"),
        ("care_to_outside", "... leaving care for other work"),
        ("hires_local", "hired from the local labour market (all employers)"),
        ("hires_international", "care workers recruited from abroad"),
    ]:
        ax.plot(flows.index, flows[column], label=label)
    ax.legend(fontsize=8)
    _finish(ax, "Workforce flows", "people a month", folder / "workforce_flows.png", subtitle)

    _, ax = plt.subplots(figsize=(10, 5.5))
    ax.plot(monthly.index, monthly["care_worker_pay_gbp"], label="care workers")
    ax.plot(monthly.index, monthly["hca_pay_gbp"], label="NHS healthcare assistants")
    ax.legend(fontsize=8)
    _finish(ax, "Hourly pay (real terms)", "GBP an hour (mean)", folder / "pay.png", subtitle)


def write_money_figure(folder: Path, results: list[ReplicationResult], scenario: Scenario) -> None:
    """Where the money went in the last full financial year: each payer's spending, stacked
    by purpose (mean over replications)."""
    flows = pd.concat([r.flows.assign(replication=r.replication) for r in results])
    if flows.empty:
        return
    years = sorted(flows["financial_year"].unique())
    year = years[-2] if len(years) > 1 else years[-1]
    spending = flows[
        (flows["financial_year"] == year)
        & ~flows["purpose"].isin(["allocation", "opening_balance"])
    ]
    table = (
        spending.groupby(["payer", "purpose"])["gbp"].sum().unstack(fill_value=0.0)
        / len(results)
        / 1e6
    )
    table = table.loc[table.sum(axis=1).sort_values().index]
    _, ax = plt.subplots(figsize=(10, 5.5))
    table.plot.barh(stacked=True, ax=ax, colormap="tab20", width=0.75)
    ax.legend(fontsize=8, title="purpose", loc="lower right")
    ax.set_xlabel("GBP million in the year")
    ax.set_ylabel("payer")
    subtitle = f"{scenario.name}: {scenario.funding.pool} budgets; mean of {len(results)} run(s)"
    ax.set_title(f"Money flows in financial year {year}, by payer and purpose\n{subtitle}")
    ax.grid(alpha=0.3, axis="x")
    ax.figure.tight_layout()
    ax.figure.savefig(folder / "money_flows.png", dpi=110)
    plt.close(ax.figure)
