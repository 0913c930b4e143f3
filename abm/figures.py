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
