"""The visual Mesa server: policy levers, live charts and where every patient is.

``care-abm serve [CONFIG]`` runs this module with ``solara run`` (see :mod:`abm.server`). The
page is Mesa's :func:`~mesa.visualization.SolaraViz` with custom components; the model is not
spatial, so there is no grid. What the page shows is declared in two lists:

* :data:`LEVERS`: the sliders and selects, each mapped to a dotted config key. Lever values
  are in the units of the config file (the full-size area: ``hospital.beds = 668``); the
  "residents 65+ simulated" slider then shrinks the whole system in proportion with
  :func:`abm.config.scale_area`, so that a step is fast without changing what a lever means.
* :data:`CHARTS`: the time-series charts, each a function drawing the ``daily`` table on one
  matplotlib axes (dates on the x-axis; only days after the warm-up are shown).

Adding a lever or a chart is one entry in one of these lists. The app reads the model; the
model knows nothing of the app.

The warm-up (``run.warmup_days``) is simulated when the model is built, so the page opens on
``run.start_date`` with beds, queues and care homes already in a working state; Mesa's step
count ("Time" in the sidebar) counts the days shown since then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
import os
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import solara
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from abm.config import (
    SECTIONS,
    ConfigError,
    Scenario,
    all_keys,
    apply_area,
    coerce_value,
    field_of,
    load_scenario,
)
from abm.domain import DelayReason
from abm.figures import REASON_COLOURS
from abm.metrics import KPIS, REASONS, compute_kpis, run_record
from abm.model import CareSystemModel
from abm.server import AREA_ENV, CONFIG_ENV

DEFAULT_CONFIG = Path("experiments/baseline.toml")
DEFAULT_RESIDENTS = 10_000
"""Residents 65+ simulated by default: a small area, so that a day takes milliseconds."""

SOURCE = "app"
"""How lever errors name their origin (``app: hospital.beds: must be ...``)."""


# --------------------------------------------------------------------------- levers


@dataclasses.dataclass(frozen=True)
class Lever:
    """One input on the page, mapped to one dotted config key.

    Args:
        name: the keyword :class:`AppModel` takes and Mesa's ``model_params`` key.
        key: the dotted config key the value is written to (as with ``--set``).
        label: what the input says, with its unit.
        widget: ``SliderInt``, ``SliderFloat``, ``Select``, ``Checkbox`` or ``InputText``.
        minimum, maximum, step: the slider's range (widened to include the config's value).
        values: the options of a ``Select``; by default the field's declared choices.
    """

    name: str
    key: str
    label: str
    widget: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    values: tuple[str, ...] = ()

    def coerce(self, value: object) -> object:
        """Check a value from the page against the config field and return it typed.

        Text boxes hand over strings (Mesa 3.5.1 passes an edited seed box as ``"42"``), so a
        string for a number field is read as a number first.
        """
        hint = typing.get_type_hints(_section_class(self.key))[self.key.split(".")[1]]
        if isinstance(value, str) and hint in (int, float):
            text = value.strip().replace(",", "").replace("_", "")
            try:
                value = int(text) if hint is int else float(text)
            except ValueError:
                kind = "a whole number" if hint is int else "a number"
                raise ConfigError(SOURCE, self.key, f"must be {kind}, got {value!r}") from None
        return coerce_value(self.key, value, SOURCE)

    def param(self, scenario: Scenario) -> dict[str, Any]:
        """Mesa's ``model_params`` entry, starting at the scenario's value."""
        value = scenario.get(self.key)
        spec: dict[str, Any] = {"type": self.widget, "label": self.label, "value": value}
        if self.widget in ("SliderInt", "SliderFloat"):
            spec["min"] = min(self.minimum, value) if self.minimum is not None else value
            spec["max"] = max(self.maximum, value) if self.maximum is not None else value
            spec["step"] = self.step
        elif self.widget == "Select":
            spec["values"] = list(self.values or field_of(self.key).metadata["choices"])
        elif self.widget == "InputText":
            spec["value"] = str(value)
        return spec


def _section_class(key: str) -> type:
    return SECTIONS[key.split(".", maxsplit=1)[0]]


LEVERS: tuple[Lever, ...] = (
    Lever("seed", "run.seed", "Seed", "InputText"),
    Lever("hospital_beds", "hospital.beds", "Hospital beds", "SliderInt", 300, 1200, 1),
    Lever(
        "growth_85plus",
        "population.growth_85plus",
        "85+ growth over the run",
        "SliderFloat",
        0,
        1.5,
        0.05,
    ),
    Lever(
        "social_workers",
        "council.social_workers",
        "Council social workers (posts)",
        "SliderInt",
        0,
        300,
        1,
    ),
    Lever(
        "home_care_hours_per_week",
        "capacity.home_care_hours_per_week",
        "Home-care hours a week at the start (0: sized to demand)",
        "SliderInt",
        0,
        60_000,
        500,
    ),
    Lever(
        "care_home_beds",
        "capacity.care_home_beds",
        "Care-home places (all ages)",
        "SliderInt",
        1000,
        5000,
        25,
    ),
    Lever(
        "intermediate_care_beds",
        "capacity.intermediate_care_beds",
        "Intermediate-care beds",
        "SliderInt",
        0,
        200,
        1,
    ),
    Lever(
        "referral_priority",
        "council.referral_priority",
        "Who goes first in queues",
        "Select",
    ),
    Lever("warmup_days", "run.warmup_days", "Warm-up days", "SliderInt", 0, 730, 5),
    # The contract's levers of councils, pooled funding and pay. Each shows on the page as soon
    # as the config has its key (issues 4-6 add the keys and the rules that read them); a new
    # lever is one more entry here.
    Lever(
        "budget_change",
        "council.budget_change",
        "Council budget change a year",
        "SliderFloat",
        -0.1,
        0.1,
        0.005,
    ),
    Lever(
        "eligibility_threshold",
        "council.eligibility_threshold",
        "Eligibility threshold (hours a week)",
        "SliderFloat",
        0,
        20,
        0.5,
    ),
    Lever("means_test", "council.means_test", "Means test", "Select"),
    Lever("funding_pool", "funding.pool", "Funding pool", "Select"),
    Lever("pay_rule", "workforce.pay_rule", "Pay rule", "Select"),
)

RESIDENTS = Lever(
    "simulated_residents",
    "population.residents_65plus",
    "Residents 65+ simulated",
    "SliderInt",
    2_000,
    68_000,
    1_000,
)
"""The size of the simulated area: the whole system is scaled to it (smaller is faster)."""


def active_levers() -> tuple[Lever, ...]:
    """The levers whose config key exists in this version of the model (shown on the page)."""
    keys = set(all_keys())
    return tuple(lever for lever in LEVERS if lever.key in keys)


def config_path() -> Path | None:
    """The config file the app shows: ``$CARE_ABM_APP_CONFIG``, else the baseline if present."""
    given = os.environ.get(CONFIG_ENV)
    if given:
        return Path(given)
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def load_base(config: str | Path | None = None) -> Scenario:
    """The scenario the levers start from (the built-in defaults when there is no file)."""
    path = Path(config) if config is not None else config_path()
    return load_scenario(path) if path is not None else Scenario(name="defaults")


def start_residents(base: Scenario) -> int:
    """Residents 65+ the page starts with: ``care-abm serve --area N`` (``$CARE_ABM_APP_AREA``),
    else ``DEFAULT_RESIDENTS`` or the config's own area if that is smaller."""
    given = os.environ.get(AREA_ENV)
    if given:
        return int(RESIDENTS.coerce(given))  # type: ignore[call-overload]
    return min(DEFAULT_RESIDENTS, base.population.residents_65plus)


def apply_levers(base: Scenario, levers: Mapping[str, object]) -> Scenario:
    """The scenario with lever values written at their config keys (full-size area).

    Raises:
        ConfigError: an unknown lever, or a value its config field does not allow.
    """
    changes = []
    by_name = {lever.name: lever for lever in active_levers()}
    for name, value in levers.items():
        lever = by_name.get(name)
        if lever is None:
            valid = ", ".join([*by_name, RESIDENTS.name])
            raise ConfigError(SOURCE, name, f"unknown lever; the levers are {valid}")
        changes.append((lever.key, lever.coerce(value)))
    return base.with_changes(changes) if changes else base


class AppModel(CareSystemModel):
    """The care system as the page builds it: a config file, lever values and an area size.

    Mesa's Reset calls the class with every ``model_params`` entry as a keyword. The config
    is the file given to ``care-abm serve`` unless ``config`` is passed. The warm-up is run
    here, so the model starts on ``run.start_date``; ``running`` turns false on the last day.

    Args:
        config: a config file (default: ``$CARE_ABM_APP_CONFIG`` or the baseline).
        simulated_residents: residents 65+ in the simulated area (capacities scale with it;
            default :func:`start_residents`).
        **levers: lever values by :attr:`Lever.name`, in the config's (full-size) units.

    Attributes:
        chosen: the scenario with the levers applied, before it is scaled to the simulated
            area (what the levers read; ``params`` is what the model runs).
    """

    def __init__(
        self,
        *,
        config: str | Path | None = None,
        simulated_residents: object = None,
        **levers: object,
    ) -> None:
        # Mesa's Reset adds ``scenario`` (a blank Mesa scenario) for models that take keyword
        # arguments; this model's scenario is built from the config file instead.
        levers.pop("scenario", None)
        self.config_file = Path(config) if config is not None else config_path()
        self.chosen = apply_levers(load_base(self.config_file), levers)
        if simulated_residents is None:
            simulated_residents = start_residents(self.chosen)
        residents = RESIDENTS.coerce(simulated_residents)
        scenario = apply_area(self.chosen, residents, SOURCE)
        super().__init__(scenario, scenario.run.seed)
        for _ in range(self.warmup_days):
            # The unwrapped step: warm-up days do not count as Mesa steps (Time stays 0).
            CareSystemModel.step(self)

    @property
    def days_shown(self) -> int:
        """Days simulated since ``run.start_date``."""
        return self.day - self.warmup_days


# --------------------------------------------------------------------------- data


def reported_days(model: CareSystemModel) -> pd.DataFrame:
    """The ``daily`` table from ``run.start_date`` on, indexed by date."""
    daily = model.datacollector.get_table_dataframe("daily")
    if daily.empty:
        return daily
    daily = daily[daily["reported"].astype(bool)].copy()
    daily.index = pd.to_datetime(daily["date"])
    return daily


TREATMENT_COLOUR = "#2ca02c"
BACKGROUND_COLOUR = "#c7c7c7"

BED_STATES: tuple[tuple[str, str, str], ...] = (
    *(
        (reason, f"Delayed: {reason.replace('_', ' ')}", REASON_COLOURS[reason])
        for reason in REASONS
    ),
    ("treatment", "65+ resident in treatment", TREATMENT_COLOUR),
    ("background", "Under 65 or elective patient", BACKGROUND_COLOUR),
    ("empty", "Empty bed", "#ffffff"),
)
"""Each state a bed can be in, with its legend text and colour, in the board's order."""


@dataclasses.dataclass(frozen=True)
class Whereabouts:
    """Where everyone is at the end of the day: the hospital bed by bed, and counts elsewhere."""

    date: dt.date
    beds: dict[str, int]
    corridor: int
    intermediate_care: int
    intermediate_care_beds: int
    care_home_residents: int
    in_care_home: int
    care_home_beds: int
    at_home: int
    home_care_packages: int
    waiting_for_care_at_home: int

    @property
    def open_beds(self) -> int:
        """Beds open tonight (every bed is in exactly one state)."""
        return sum(self.beds.values())

    @property
    def delayed(self) -> int:
        """Medically fit patients still in a bed."""
        return sum(self.beds[reason] for reason in REASONS)


def whereabouts(model: CareSystemModel) -> Whereabouts:
    """Count every bed by state and every resident by place, from the model as it is now.

    A patient is delayed if they are medically fit and still in a bed (``hospital.fit``); their
    colour is the reason recorded for today.
    """
    hospital = model.hospital
    beds = dict.fromkeys((state for state, _, _ in BED_STATES), 0)
    for pid, stay in hospital.stays.items():
        if pid in hospital.fit and stay.delay_reason >= 0:
            beds[DelayReason(stay.delay_reason).label] += 1
        else:
            beds["treatment"] += 1
    beds["background"] = hospital.background_in_beds
    beds["empty"] = max(hospital.open_beds - hospital.occupied, 0)
    rows = model.datacollector.tables["daily"]
    last = {key: values[-1] for key, values in rows.items() if values}

    def latest(column: str) -> int:
        return int(last.get(column, 0))

    return Whereabouts(
        date=model.date,
        beds=beds,
        corridor=sum(1 for pid in hospital.corridor if pid >= 0),
        intermediate_care=latest("in_intermediate_care"),
        intermediate_care_beds=latest("intermediate_care_beds"),
        care_home_residents=latest("care_home_residents"),
        in_care_home=latest("in_care_home"),
        care_home_beds=latest("care_home_beds"),
        at_home=latest("in_community"),
        home_care_packages=latest("home_care_packages"),
        waiting_for_care_at_home=latest("waiting_for_care_at_home"),
    )


# --------------------------------------------------------------------------- charts


@dataclasses.dataclass(frozen=True)
class Chart:
    """A time-series chart of the ``daily`` table.

    Args:
        name: a short id (used in tests and the page's element ids).
        title: the chart's title.
        ylabel: the y-axis label, with its unit.
        draw: draws the reported days (a DataFrame indexed by date) on an axes.
    """

    name: str
    title: str
    ylabel: str
    draw: Callable[[Axes, pd.DataFrame], None]


def _draw_occupancy(ax: Axes, days: pd.DataFrame) -> None:
    background = days["beds_occupied"] - days["beds_occupied_by_residents"]
    treatment = days["beds_occupied_by_residents"] - days["delayed"]
    layers = [
        (days[f"delayed.{reason}"], f"Delayed: {reason.replace('_', ' ')}", REASON_COLOURS[reason])
        for reason in REASONS
        if days[f"delayed.{reason}"].any()
    ]
    layers.append((treatment, "65+ residents in treatment", TREATMENT_COLOUR))
    layers.append((background, "Under 65 or elective", BACKGROUND_COLOUR))
    ax.stackplot(
        days.index,
        *[values for values, _, _ in layers],
        labels=[label for _, label, _ in layers],
        colors=[colour for _, _, colour in layers],
        step="post",
        linewidth=0,
    )
    ax.step(days.index, days["beds_open"], where="post", color="black", lw=1.2, label="Beds open")
    ax.set_ylim(0, max(float(days["beds_open"].max()), 1.0) * 1.05)


def _draw_admissions(ax: Axes, days: pd.DataFrame) -> None:
    not_admitted = (
        days["resident_emergencies_not_admitted"] + days["background_emergencies_not_admitted"]
    )
    ax.plot(
        days.index,
        days["resident_emergencies"],
        color="#1f77b4",
        label="Emergency admissions, 65+ residents",
    )
    ax.plot(
        days.index,
        days["corridor"],
        color="#d62728",
        label="Waiting for a bed overnight (corridor)",
    )
    ax.plot(
        days.index, not_admitted, color="#ff7f0e", label="Emergencies not admitted (hospital full)"
    )


def _draw_queues(ax: Axes, days: pd.DataFrame) -> None:
    ax.plot(
        days.index,
        days["assessment_queue"],
        color="#1f77b4",
        label="Waiting for a needs assessment",
    )
    ax.plot(
        days.index,
        days["home_care_queue"],
        color="#d62728",
        label="Waiting for a home-care package",
    )
    ax.plot(
        days.index, days["care_home_queue"], color="#9467bd", label="Waiting for a care-home place"
    )
    ax.plot(
        days.index,
        days["waiting_for_care_at_home"],
        color="black",
        ls="--",
        label="Residents at home waiting for care they asked for",
    )


def _draw_unmet_need(ax: Axes, days: pd.DataFrame) -> None:
    share = _share(days["unmet_need"], days["residents"])
    ax.plot(days.index, share, color="black", label="Residents 65+ with need nobody meets")
    ax.plot(
        days.index,
        _share(days["need_met_unpaid"], days["residents"]),
        color="#2ca02c",
        label="Need met by an unpaid carer alone",
    )
    ax.set_ylim(bottom=0)


def _draw_workforce(ax: Axes, days: pd.DataFrame) -> None:
    ax.plot(
        days.index,
        _share(days["care_posts"] - days["care_staff"], days["care_posts"]),
        color="#d62728",
        label="Care posts vacant (%)",
    )
    ax.plot(
        days.index,
        _share(days["hca_posts"] - days["hca_staff"], days["hca_posts"]),
        color="#1f77b4",
        label="NHS healthcare-assistant posts vacant (%)",
    )
    leavers = days["care_leavers"].resample("MS").sum()
    ax.step(
        leavers.index,
        leavers,
        where="post",
        color="black",
        ls="--",
        label="Care workers leaving their employer (a month)",
    )
    ax.set_ylim(bottom=0)


def _draw_spend(ax: Axes, days: pd.DataFrame) -> None:
    weekly = days[["council_spend_gbp", "private_spend_gbp", "nhs_spend_gbp"]] * 7 / 1000
    ax.stackplot(
        days.index,
        weekly["council_spend_gbp"],
        weekly["private_spend_gbp"],
        weekly["nhs_spend_gbp"],
        labels=[
            "Public social care",
            "Residents (fees and contributions)",
            "NHS (hospital, intermediate care, continuing healthcare)",
        ],
        colors=["#1f77b4", "#ff7f0e", "#2ca02c"],
        step="post",
        linewidth=0,
    )


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return 100.0 * numerator / denominator.where(denominator > 0)


def _draw_care_in_use(ax: Axes, days: pd.DataFrame) -> None:
    ax.plot(
        days.index,
        _share(days["care_home_residents"], days["care_home_beds"]),
        color="#9467bd",
        label="Care-home beds taken",
    )
    ax.plot(
        days.index,
        _share(days["home_care_hours_used"], days["home_care_hours_capacity"]),
        color="#d62728",
        label="Home-care hours in use",
    )
    ax.plot(
        days.index,
        _share(days["intermediate_care_occupied"], days["intermediate_care_beds"]),
        color="#ff7f0e",
        ls="--",
        label="Intermediate-care beds taken",
    )
    ax.set_ylim(0, 105)


CHARTS: tuple[Chart, ...] = (
    Chart("occupancy", "Hospital beds: who is in them", "beds", _draw_occupancy),
    Chart(
        "admissions", "Emergency admissions and corridor waits", "patients a day", _draw_admissions
    ),
    Chart("queues", "Waiting for social care", "people waiting", _draw_queues),
    Chart("care_in_use", "Care in use", "% of capacity", _draw_care_in_use),
    Chart("unmet_need", "Unmet need", "% of residents 65+", _draw_unmet_need),
    Chart("spend", "Spending on social care by payer", "GBP thousand a week", _draw_spend),
    Chart("workforce", "Care workforce", "% of posts vacant / leavers a month", _draw_workforce),
    # Issue 6 adds the hospital's costs here.
)

FIGSIZE = (6.0, 4.2)
DPI = 90


def chart_figure(chart: Chart, model: CareSystemModel) -> Figure:
    """One chart of the model's reported days so far, as a matplotlib figure."""
    # A fixed layout (not "constrained"): it halves the time to draw, which sets how fast
    # the page can play.
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.subplots_adjust(left=0.11, right=0.97, top=0.87, bottom=0.33)
    ax = fig.add_subplot()
    days = reported_days(model)
    ax.set_title(f"{chart.title}\nto {model.date:%d %b %Y}", fontsize=10)
    ax.set_ylabel(chart.ylabel)
    if days.empty:
        ax.text(
            0.5,
            0.5,
            f"{model.date:%d %B %Y}: press Step or ▶ to start",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#555555",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        return fig
    chart.draw(ax, days)
    if len(days) == 1:
        day = days.index[0]
        ax.set_xlim(day - pd.Timedelta(days=1), day + pd.Timedelta(days=1))
    if days.index[-1] - days.index[0] < pd.Timedelta(days=8):
        locator: mdates.DateLocator = mdates.DayLocator()
    else:
        locator = mdates.AutoDateLocator(maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    fig.legend(loc="lower center", ncols=2, fontsize=7, frameon=False, bbox_to_anchor=(0.5, 0.0))
    return fig


def board_figure(model: CareSystemModel) -> Figure:
    """Where every patient is: the hospital's beds as dots by state, and counts elsewhere."""
    here = whereabouts(model)
    fig = Figure(figsize=(FIGSIZE[0] * 1.1, FIGSIZE[1] * 1.1), dpi=DPI)
    board = fig.add_axes((0.02, 0.30, 0.56, 0.58))
    states = [state for state, _, _ in BED_STATES for _ in range(here.beds[state])]
    colours = {state: colour for state, _, colour in BED_STATES}
    n = max(len(states), 1)
    columns = max(10, math.ceil(math.sqrt(n * 1.6)))
    rows = math.ceil(n / columns)
    index = np.arange(len(states))
    board.scatter(
        index % columns,
        -(index // columns),
        s=float(np.clip(4000.0 / n, 5.0, 80.0)),
        c=[colours[state] for state in states],
        edgecolors="#7f7f7f",
        linewidths=0.4,
    )
    board.set_xlim(-1, columns)
    board.set_ylim(-max(rows, columns * 0.6), 1)
    board.set_aspect("equal", anchor="N")
    board.axis("off")
    fig.text(
        0.30,
        0.97,
        f"Hospital on {here.date:%d %b %Y}: {here.open_beds} beds open, {here.delayed} delayed",
        ha="center",
        va="top",
        fontsize=10,
    )
    fig.legend(
        handles=[
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                markerfacecolor=colour,
                markeredgecolor="#7f7f7f",
                label=f"{label} ({here.beds[state]})",
            )
            for state, label, colour in BED_STATES
            if here.beds[state]
        ],
        loc="lower left",
        bbox_to_anchor=(0.01, 0.01),
        fontsize=7,
        ncols=2,
        frameon=False,
    )
    fig.text(0.64, 0.97, "Residents 65+ elsewhere", fontsize=10, va="top")
    lines = [
        ("Corridor (no bed yet)", f"{here.corridor:,}"),
        ("Intermediate care", f"{here.intermediate_care:,}/{here.intermediate_care_beds:,}"),
        ("In a care home", f"{here.in_care_home:,}"),
        ("Care-home places", f"{here.care_home_residents:,}/{here.care_home_beds:,}"),
        ("At home", f"{here.at_home:,}"),
        ("  with home care", f"{here.home_care_packages:,}"),
        ("  waiting for care", f"{here.waiting_for_care_at_home:,}"),
    ]
    for i, (label, value) in enumerate(lines):
        y = 0.86 - i * 0.075
        fig.text(0.64, y, label, fontsize=8, va="center")
        fig.text(0.98, y, value, fontsize=8, va="center", ha="right")
    fig.text(
        0.64,
        0.30,
        "x/y: places taken / places.\nA care-home resident keeps\ntheir place while in hospital.",
        fontsize=7,
        color="#555555",
        va="top",
    )
    return fig


# --------------------------------------------------------------------------- tables


def kpi_rows(model: AppModel) -> list[tuple[str, str, str]]:
    """Every KPI over the days shown so far: (label, value, unit)."""
    days = model.days_shown
    if days <= 0:
        return [(kpi.label, "–", kpi.unit) for kpi in KPIS]
    with np.errstate(all="ignore"):
        values = compute_kpis(run_record(model))
    return [(kpi.label, _number(values[kpi.name]), kpi.unit) for kpi in KPIS]


def _number(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.3f}"


def config_rows(model: AppModel) -> list[tuple[str, str]]:
    """The page's settings and the scenario's every value: (key, value)."""
    scenario = model.params
    rows = [
        ("config file", str(model.config_file) if model.config_file else "built-in defaults"),
        ("scenario", f"{scenario.name}: {scenario.description}".rstrip(": ")),
        ("residents 65+ simulated", f"{scenario.population.residents_65plus:,}"),
        ("first date shown (run.start_date)", str(scenario.run.start_date)),
        ("today", f"{model.date:%A %d %B %Y} (day {model.days_shown} shown)"),
    ]
    for section, values in scenario.to_dict().items():
        if isinstance(values, dict):
            rows += [(f"{section}.{key}", _value(value)) for key, value in values.items()]
    return rows


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _html_table(caption: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    head = "".join(
        f"<th style='text-align:left;padding:2px 8px'>{html.escape(h)}</th>" for h in header
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td style='padding:1px 8px'>{html.escape(cell)}</td>" for cell in row)
        + "</tr>"
        for row in rows
    )
    caption_style = "text-align:left;font-weight:bold;padding:4px 8px"
    return (
        "<table style='font-size:13px;border-collapse:collapse'>"
        f"<caption style='{caption_style}'>{html.escape(caption)}</caption>"
        f"<tr>{head}</tr>{body}</table>"
    )


# --------------------------------------------------------------------------- components
# Solara components are named in PascalCase, as Solara and Mesa name theirs (hence the N802s).


def _dependencies(model: CareSystemModel) -> list[object]:
    return [id(model), model.day, update_counter.value]


@solara.component
def ChartView(chart: Chart, model: CareSystemModel) -> solara.Element:  # noqa: N802
    """One chart, redrawn after every step."""
    update_counter.get()
    with solara.Column(classes=[f"care-abm-chart-{chart.name}"]) as column:
        solara.FigureMatplotlib(
            chart_figure(chart, model), format="png", dependencies=_dependencies(model)
        )
    return column


@solara.component
def BoardView(model: CareSystemModel) -> solara.Element:  # noqa: N802
    """Where every patient is, redrawn after every step."""
    update_counter.get()
    with solara.Column(classes=["care-abm-board"]) as column:
        solara.FigureMatplotlib(
            board_figure(model), format="png", dependencies=_dependencies(model)
        )
    return column


@solara.component
def SummaryView(model: AppModel) -> solara.Element:  # noqa: N802
    """The page of the current config and the KPIs so far."""
    update_counter.get()
    with solara.Column(
        classes=["care-abm-summary"], style="height: 100%; overflow-y: auto"
    ) as column:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=_html_table(
                f"KPIs from {model.params.run.start_date} to {model.date} "
                f"({model.days_shown} days)",
                ("KPI", "value", "unit"),
                kpi_rows(model),
            ),
        )
        solara.Text(
            "So far: yearly figures are scaled up from the days shown, and delays still running "
            "are not yet in the days from medically fit to discharge.",
            style="font-size: 12px; color: #555",
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=_html_table("Config", ("key", "value"), config_rows(model)),
        )
    return column


def _chart_component(chart: Chart) -> Callable[[CareSystemModel], solara.Element]:
    def component(model: CareSystemModel) -> solara.Element:
        return ChartView(chart, model)

    component.__name__ = f"{chart.name.title().replace('_', '')}Chart"
    return component


CHART_COMPONENTS = tuple(_chart_component(chart) for chart in CHARTS)
"""One component function per chart (Mesa wraps each to redraw after every step)."""


def components() -> list[tuple[Callable[[CareSystemModel], solara.Element], int]]:
    """Mesa's ``components``: the board and the charts on page 0, config and KPIs on page 1."""
    return [
        (BoardView, 0),
        *((component, 0) for component in CHART_COMPONENTS),
        (SummaryView, 1),
    ]


def model_params(base: Scenario) -> dict[str, Any]:
    """Mesa's ``model_params``: every lever, starting at the config's values, and the area."""
    params = {lever.name: lever.param(base) for lever in active_levers()}
    area = RESIDENTS.param(base)
    area["value"] = start_residents(base)
    area["min"], area["max"] = min(area["min"], area["value"]), max(area["max"], area["value"])
    params[RESIDENTS.name] = area
    return params


def run_lines(model: AppModel) -> list[tuple[str, str]]:
    """What the sidebar says about the running model: (css class, text)."""
    total = model.total_days - model.warmup_days
    scenario, chosen = model.params, model.chosen
    lines = [
        ("care-abm-date", f"{model.date:%a %d %b %Y} · day {model.days_shown:,} of {total:,}"),
        (
            "care-abm-area",
            f"{scenario.population.residents_65plus:,} residents 65+ simulated; levers are for "
            f"the config's area of {chosen.population.residents_65plus:,}",
        ),
    ]
    for lever in active_levers():
        text = f"{lever.label}: {_short(chosen.get(lever.key), lever.key != 'run.seed')}"
        if field_of(lever.key).metadata.get("area"):
            text += f" ({_short(scenario.get(lever.key))} simulated)"
        lines.append((f"care-abm-lever-{lever.name}", text))
    return lines


def _short(value: object, separators: bool = True) -> str:
    """A lever value as the sidebar shows it: 30,500; 20.6; 0.05; yes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if separators else str(value)
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


@solara.component
def RunCard(model: AppModel) -> solara.Element:  # noqa: N802
    """The date and the lever values of the running model (Reset applies new ones)."""
    update_counter.get()
    with solara.Column(gap="2px") as column:
        for css, text in run_lines(model):
            solara.Text(text, classes=[css])
    return column


@solara.component
def Page() -> None:  # noqa: N802
    """The app: one model per browser session, so that two tabs never share a simulation."""
    base = solara.use_memo(load_base, [])
    first = solara.use_memo(AppModel, [])
    model = solara.use_reactive(first)
    with solara.Sidebar(), solara.Card("This run"):
        RunCard(model.value)
    SolaraViz(
        model,
        components=components(),
        model_params=model_params(base),
        name=f"care-abm: {base.name}",
        play_interval=150,
    )


__all__ = [
    "CHARTS",
    "LEVERS",
    "AppModel",
    "Chart",
    "Lever",
    "Page",
    "Whereabouts",
    "active_levers",
    "apply_levers",
    "board_figure",
    "chart_figure",
    "components",
    "config_rows",
    "kpi_rows",
    "model_params",
    "reported_days",
    "run_lines",
    "whereabouts",
]
