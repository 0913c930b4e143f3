"""The figure of a run driven by dated inputs: monthly outcomes with the policy dates marked.

A run whose levers change on dates (a ``[[schedule]]``, step series such as a budget set each
April, the minimum wage by date) gets ``figures/dated.png``: four panels of monthly figures
(delayed bed-days by responsible body, emergency admissions of residents 65+, the care
vacancy rate, residents with long-term care arranged by the council), each with a vertical
line on every date a policy changed, named at the top. The history replay's page is built
on it (docs/experiments/england_2010_2019.md). A run without dated changes has no such
figure, so the figures of every other run are as they were. When emergency admissions vary by
month (``admissions.seasonality``) every winter, December to February, is shaded, here and on
the run's hospital figures (:func:`shade_winters`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from abm.config import field_of
from abm.policy.wage_floor import MINIMUM_WAGE_DATES
from abm.seasons import is_seasonal, winters

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from abm.figures import Daily
    from abm.results import Results

NLW_INTRODUCED = MINIMUM_WAGE_DATES[7]
"""1 April 2016, when the National Living Wage replaced the top adult minimum wage."""
BODY_COLOURS = {"nhs": "#1f77b4", "social_care": "#d62728", "both": "#9467bd"}
WINTER_COLOUR = "#9ecae1"
WINTER_NOTE = "winters (December to February) shaded"


def shade_winters(ax: Axes) -> None:
    """Shade every winter, 1 December to 1 March, across a date axis already drawn (its limits
    are kept)."""
    low, high = ax.get_xlim()
    first, last = (mdates.num2date(x).date() for x in (low, high))
    for start, end in winters(first, last):
        ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color=WINTER_COLOUR, alpha=0.3,
                   lw=0, zorder=1.5)  # fmt: skip
    ax.set_xlim(low, high)


def policy_dates(results: Results) -> list[tuple[dt.date, str]]:
    """Every date in the reported period on which a policy lever changed, with a short name:
    ``[[schedule]]`` entries, the points of step series of levers (keys whose source says
    "lever"; linear series move every month and are left out), and the National Living Wage's
    introduction under the dated wage floor. Step series of prices that follow the floor or
    the calendar (pay outside care, the NHS pay scale) and of budgets are inputs, not policy
    dates: marking every one of their steps buried the policy dates of the 2010-2019 replay."""
    scenario = results.scenario
    first = scenario.run.start_date
    dates: dict[dt.date, list[str]] = {}
    for change in scenario.schedule:
        for key, value in change.changes:
            dates.setdefault(change.date, []).append(f"{key} = {value}")
    for one in scenario.series:
        if one.interpolation == "step" and _is_lever(one.key):
            for day, _ in one.points:
                dates.setdefault(day, []).append(one.key)
    if scenario.workforce.wage_floor == "by_date":
        dates.setdefault(NLW_INTRODUCED, []).append("National Living Wage")
    return sorted((day, ", ".join(names)) for day, names in dates.items() if day >= first)


def _is_lever(key: str) -> bool:
    return str(field_of(key).metadata.get("source", "")).startswith("lever")


def write_dated_figure(folder: Path, results: Results, daily: Daily) -> Path | None:
    """``dated.png`` for a run with dated policy changes (``None`` without any)."""
    marks = policy_dates(results)
    if not marks:
        return None
    fig, axes = plt.subplots(4, 1, figsize=(11, 13), sharex=True)
    delayed, admissions, vacancies, supported = axes
    for body, colour in BODY_COLOURS.items():
        series = daily.mean(f"delayed_by.{body}", "MS", "sum")
        delayed.plot(series.index, series, color=colour, label=body.replace("_", " "))
    delayed.set_ylabel("delayed bed-days a month")
    delayed.set_title("Delayed bed-days by responsible body", fontsize=10)
    delayed.legend(fontsize=8, loc="upper left")
    series = daily.mean("resident_emergencies", "MS", "sum")
    admissions.plot(series.index, series, color="black")
    admissions.set_ylabel("admissions a month")
    admissions.set_title("Emergency admissions of residents 65+", fontsize=10)
    staff = daily.table("care_staff", "MS")
    posts = daily.table("care_posts", "MS")
    rate = (1.0 - staff / posts.where(posts > 0)).mean(axis=1) * 100
    vacancies.plot(rate.index, rate, color="#ff7f0e")
    vacancies.set_ylabel("% of care posts vacant")
    vacancies.set_title("Care vacancy rate (home care and care homes)", fontsize=10)
    people = daily.table("council_funded", "MS") - daily.table("reablement_packages", "MS")
    people = people.mean(axis=1)
    supported.plot(people.index, people, color="#2ca02c")
    supported.set_ylabel("residents (monthly mean)")
    supported.set_title(
        "People supported: residents with long-term care arranged by the council", fontsize=10
    )
    seasonal = is_seasonal(results.scenario)
    for ax in axes:
        ax.grid(alpha=0.3)
        if seasonal:
            shade_winters(ax)
        for day, _ in marks:
            ax.axvline(pd.Timestamp(day), color="0.3", lw=0.8, ls="--")
    top = delayed.get_ylim()[1]
    for day, name in marks:
        delayed.text(pd.Timestamp(day), top, f" {day:%b %Y}: {name}", rotation=90, fontsize=7,
                     va="top", ha="right")  # fmt: skip
    n = daily.replications
    fig.suptitle(
        f"{results.scenario.name}: monthly figures after the warm-up, mean of {n} "
        "replication(s); dashed lines mark policy dates" + (f"\n{WINTER_NOTE}" if seasonal else ""),
        fontsize=11,
    )
    fig.tight_layout()
    path = folder / "dated.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = ["WINTER_NOTE", "policy_dates", "shade_winters", "write_dated_figure"]
