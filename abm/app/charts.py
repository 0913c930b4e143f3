"""The time-series charts: what each one draws, as ECharts options built from a frame.

Each chart is declared once in :data:`CHARTS`: a title, the unit of its y-axis, the page it
is on and its lines, each a function of the ``daily`` table's columns. The browser draws
them (ECharts, served from the virtual environment like the rest of the page's scripts), so
a new frame costs the server a few milliseconds of arithmetic rather than a picture; every
chart has a tooltip and a PNG download of its own (the icon at its top right).

Every chart shows the baseline beside the run: the same lines, faint and dashed (the total
only, on a stacked chart), so a committee sees "this policy against today" as the run plays.
Flows that jump from day to day (admissions, corridor waits) are drawn as 7-day averages;
counts of people and beds are drawn as they are each day. Counts are for the simulated area;
money is for the config's area, as the levers are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import numpy as np

from abm.figures import REASON_COLOURS
from abm.metrics import REASONS

Columns = Mapping[str, np.ndarray]
AVERAGE_DAYS = 7

TREATMENT_COLOUR = "#2ca02c"
DELAYED_COLOUR = "#393b79"
BACKGROUND_COLOUR = "#b0b0b0"
REASON_WORDS = {
    "awaiting_assessment": "Awaiting a needs assessment",
    "awaiting_home_care": "Awaiting home care",
    "awaiting_care_home": "Awaiting a care-home place",
    "awaiting_intermediate_care": "Awaiting intermediate care",
    "awaiting_funding_decision": "Awaiting a funding decision",
    "patient_or_family_choice": "Patient or family choice",
    "hospital_process": "The hospital's own discharge work",
}
"""Delay reasons in plain words (the contract's names are in the KPI table and the CSV)."""


def reason_words(reason: str) -> str:
    """A delay reason in plain words."""
    return REASON_WORDS.get(reason, reason.replace("_", " ").capitalize())


@dataclasses.dataclass(frozen=True)
class Line:
    """One line (or stacked layer) of a chart.

    Args:
        label: the legend's words.
        values: the line's values from the shown days' columns.
        colour: its colour.
        stack: a layer of the chart's stacked area (layers stack in the order given).
        average: drawn as a trailing 7-day average.
        dashed: a dashed line.
        baseline: the baseline's twin is drawn (faint and dashed).
        thin: a thin line (a noisy daily figure behind an average).
        whole_area: the values are for the simulated area and are scaled up to the config's
            area (money, as the levers are).
    """

    label: str
    values: Callable[[Columns], np.ndarray]
    colour: str
    stack: bool = False
    average: bool = False
    dashed: bool = False
    baseline: bool = True
    thin: bool = False
    whole_area: bool = False


@dataclasses.dataclass(frozen=True)
class Chart:
    """A chart of the shown days.

    Args:
        name: a short id (the element's CSS class is ``care-abm-chart-<name>``).
        title: the chart's title.
        unit: the y-axis unit.
        page: the page it is on (one of :data:`abm.app.page.PAGES`).
        lines: its lines, stacked layers first.
        note: one line under the title saying what is drawn how.
        baseline_total: for a stacked chart, the baseline's total drawn over the layers.
        percent: the axis runs from 0 to 100.
        negative: values may fall below 0 (the axis is not held at 0 from below).
    """

    name: str
    title: str
    unit: str
    page: str
    lines: tuple[Line, ...]
    note: str = ""
    baseline_total: Line | None = None
    percent: bool = False
    negative: bool = False


# --------------------------------------------------------------------------- column arithmetic


def column(name: str) -> Callable[[Columns], np.ndarray]:
    """A column as it is."""
    return lambda days: days[name]


def share(numerator: Callable[[Columns], np.ndarray], denominator: str) -> Callable:
    """A column as a percentage of another (blank where the other is 0)."""

    def values(days: Columns) -> np.ndarray:
        whole = days[denominator]
        with np.errstate(all="ignore"):
            return np.where(whole > 0, 100.0 * numerator(days) / whole, np.nan)

    return values


def difference(minuend: str, subtrahend: str) -> Callable[[Columns], np.ndarray]:
    """One column less another."""
    return lambda days: days[minuend] - days[subtrahend]


def total(*names: str) -> Callable[[Columns], np.ndarray]:
    """The sum of columns."""
    return lambda days: sum((days[n] for n in names), start=np.zeros(len(days[names[0]])))


def million_a_year(name: str) -> Callable[[Columns], np.ndarray]:
    """A daily amount in pounds as £ million a year."""
    return lambda days: days[name] * 365.25 / 1e6


def trailing_mean(values: np.ndarray, days: int = AVERAGE_DAYS) -> np.ndarray:
    """The mean of each day and the ``days - 1`` before it (fewer at the start)."""
    if len(values) == 0:
        return values
    sums = np.cumsum(np.nan_to_num(values, nan=0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), days)
    lagged = np.concatenate([np.zeros(days), sums[:-days]]) if len(values) > days else None
    if lagged is None:
        return sums / counts
    return (sums - lagged[: len(values)]) / counts


# --------------------------------------------------------------------------- the charts

DELAYS = Chart(
    "delays",
    "Patients delayed in hospital, by reason",
    "patients",
    "Hospital",
    (
        *(
            Line(
                reason_words(reason),
                column(f"delayed.{reason}"),
                REASON_COLOURS[reason],
                stack=True,
                average=True,
            )
            for reason in REASONS
        ),
        Line("All delayed, each day", column("delayed"), "#555555", baseline=False, thin=True),
    ),
    note="Medically fit patients still in a bed: 7-day averages by reason, and each day's total",
    baseline_total=Line("Baseline", column("delayed"), "#000000", average=True),
)

CHARTS: tuple[Chart, ...] = (
    DELAYS,
    Chart(
        "occupancy",
        "Hospital beds: who is in them",
        "beds",
        "Hospital",
        (
            Line(
                "Delayed (medically fit)",
                column("delayed"),
                DELAYED_COLOUR,
                stack=True,
                average=True,
            ),
            Line(
                "Residents 65+ in treatment",
                difference("beds_occupied_by_residents", "delayed"),
                TREATMENT_COLOUR,
                stack=True,
                average=True,
            ),
            Line(
                "Under 65 or elective",
                difference("beds_occupied", "beds_occupied_by_residents"),
                BACKGROUND_COLOUR,
                stack=True,
                average=True,
            ),
            Line("Beds open", column("beds_open"), "#000000", baseline=False),
        ),
        note="Beds occupied: 7-day averages; beds open: funded and staffed that day",
        baseline_total=Line("Baseline", column("beds_occupied"), "#000000", average=True),
    ),
    Chart(
        "admissions",
        "Emergency admissions and corridor waits",
        "patients a day",
        "Hospital",
        (
            Line(
                "Emergency admissions, 65+", column("resident_emergencies"), "#1f77b4", average=True
            ),
            Line("Waiting overnight for a bed", column("corridor"), "#d62728", average=True),
            Line(
                "Sent home: hospital full",
                total("resident_emergencies_not_admitted", "background_emergencies_not_admitted"),
                "#ff7f0e",
                average=True,
            ),
        ),
        note="7-day averages",
    ),
    Chart(
        "queues",
        "Waiting for social care",
        "people waiting",
        "Social care",
        (
            Line("For a needs assessment", column("assessment_queue"), "#1f77b4"),
            Line("For a home-care package", column("home_care_queue"), "#d62728"),
            Line("For a care-home place", column("care_home_queue"), "#9467bd"),
            Line(
                "At home, for care they asked for",
                column("waiting_for_care_at_home"),
                "#000000",
            ),
        ),
        note="People in hospital or at home, each day",
    ),
    Chart(
        "care_in_use",
        "Care in use",
        "% of capacity",
        "Social care",
        (
            Line(
                "Care-home places taken",
                share(column("care_home_residents"), "care_home_beds"),
                "#9467bd",
                average=True,
            ),
            Line(
                "Home-care hours in use",
                share(column("home_care_hours_used"), "home_care_hours_capacity"),
                "#d62728",
                average=True,
            ),
            Line(
                "Intermediate-care beds taken",
                share(column("intermediate_care_occupied"), "intermediate_care_beds"),
                "#ff7f0e",
                average=True,
            ),
        ),
        note="7-day averages (a small area has few intermediate-care beds)",
        percent=True,
    ),
    Chart(
        "unmet_need",
        "Unmet need",
        "% of residents 65+",
        "Social care",
        (
            Line("With need nobody meets", share(column("unmet_need"), "residents"), "#000000"),
            Line(
                "Cared for by an unpaid carer alone",
                share(column("need_met_unpaid"), "residents"),
                "#2ca02c",
            ),
        ),
    ),
    Chart(
        "vacancies",
        "Vacant posts",
        "% of posts",
        "Workforce and money",
        (
            Line(
                "Care posts", share(difference("care_posts", "care_staff"), "care_posts"), "#d62728"
            ),
            Line(
                "Home-care worker posts",
                share(difference("home_care_posts", "home_care_staff"), "home_care_posts"),
                "#9467bd",
            ),
            Line(
                "NHS healthcare-assistant posts",
                share(difference("hca_posts", "hca_staff"), "hca_posts"),
                "#1f77b4",
            ),
        ),
    ),
    Chart(
        "pay",
        "Hourly pay",
        "£ an hour",
        "Workforce and money",
        (
            Line("Care workers", column("care_worker_pay_gbp"), "#d62728"),
            Line("NHS healthcare assistants", column("hca_pay_gbp"), "#1f77b4"),
            Line(
                "Legal minimum", column("legal_floor_gbp"), "#7f7f7f", dashed=True, baseline=False
            ),
        ),
        note="Mean pay of those in post",
    ),
    Chart(
        "spend",
        "Spending by payer",
        "£ million a year",
        "Workforce and money",
        (
            Line(
                "NHS: hospital, intermediate care, continuing care",
                million_a_year("nhs_spend_gbp"),
                "#2ca02c",
                whole_area=True,
            ),
            Line(
                "Public social care",
                million_a_year("council_spend_gbp"),
                "#1f77b4",
                whole_area=True,
            ),
            Line(
                "Residents' own money",
                million_a_year("private_spend_gbp"),
                "#ff7f0e",
                whole_area=True,
            ),
        ),
        note="Each day's spending at a yearly rate",
    ),
    Chart(
        "budget",
        "The council's care budget: projected year-end position",
        "% of budget",
        "Workforce and money",
        (
            Line(
                "Overspend (+) or underspend (-)",
                lambda d: 100.0 * d["council_budget_pressure"],
                "#8c564b",
            ),
        ),
        note="As the council projects it each month",
        negative=True,
    ),
)
"""Every chart, in page order."""

CHART_BY_NAME = {chart.name: chart for chart in CHARTS}


__all__ = [
    "CHARTS",
    "CHART_BY_NAME",
    "REASON_WORDS",
    "Chart",
    "Line",
    "reason_words",
    "trailing_mean",
]
