"""The page: the sidebar (controls, policy levers, run settings) and four named pages.

* **Hospital**: the board of beds, delayed patients by reason, who is in the beds, emergency
  admissions and corridor waits.
* **Social care**: the queues for care, care in use, unmet need.
* **Workforce and money**: vacancies, hourly pay, spending by payer, the council's budget.
* **All figures**: every KPI of the run and the baseline so far, grouped, with a CSV download,
  and every config value.

Only the page on show is drawn (the others are not rendered at all), and a chart is redrawn
only when a frame changes what it shows.
"""

from __future__ import annotations

import solara
import solara.lab

from abm.app.board import board_option, elsewhere_rows, frame_whereabouts
from abm.app.charts import CHARTS, Chart
from abm.app.controls import Controls, Session, use_session
from abm.app.echarts import chart_option
from abm.app.kpis import KpiRow, area_note, kpi_csv, kpi_rows, show
from abm.app.levers import AREA_LEVER, Lever, active_levers, lever_named
from abm.app.runs import Frame, Simulation
from abm.app.widgets import EChart, LeverInput, error_option, guarded, html_table, safely

PAGES = ("Hospital", "Social care", "Workforce and money", "All figures")
KPI_REFRESH_DAYS = 28
"""While playing, the KPI table is worked out again every four simulated weeks."""

CSS = """
.v-navigation-drawer { width: 400px !important; }
.care-abm-date { font-size: 16px; font-weight: 600; }
.care-abm-lever { padding: 6px 0 8px 0; border-bottom: 1px solid rgba(128,128,128,0.2); }
.care-abm-value, .care-abm-select { flex: 1 1 auto; }
.care-abm-help, .care-abm-running { font-size: 12px; opacity: 0.75; }
.care-abm-changed { color: #b26a00; opacity: 1; font-weight: 600; }
.care-abm-error { font-size: 12px; color: #d32f2f; font-weight: 600; }
.care-abm-grid { display: grid; gap: 12px; padding: 8px;
                 grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); }
.care-abm-wide { grid-column: 1 / -1; }
.care-abm-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.care-abm-table th, .care-abm-table td { text-align: left; padding: 3px 10px;
                                          border-bottom: 1px solid rgba(128,128,128,0.2); }
.care-abm-table td:nth-child(n+2):not(:last-child) { text-align: right;
                                                      font-variant-numeric: tabular-nums; }
.care-abm-table tr.care-abm-group th { padding-top: 14px; font-size: 14px; }
.care-abm-elsewhere td:last-child { text-align: right; font-variant-numeric: tabular-nums; }
.care-abm-note { font-size: 12px; opacity: 0.8; }
.care-abm-pages .v-window__container,
.care-abm-pages .v-window-item { transition: none !important; }
.care-abm-frame-days { margin-top: 10px; }
.care-abm-versus { font-size: 14px; padding: 8px 16px 0 16px; }
"""


# --------------------------------------------------------------------------- chart pages


@solara.component
def ChartCard(chart: Chart, frame: Frame) -> solara.Element:  # noqa: N802 (Solara: PascalCase)
    """One chart of the frame, in the page's light or dark theme."""
    dark = solara.lab.use_dark_effective()
    option = solara.use_memo(
        lambda: safely(
            lambda: chart_option(chart, frame, dark),
            error_option("This chart could not be drawn; the details are in the server's log."),
        ),
        [frame.number, dark],
    )
    with solara.Card(margin=0, classes=[f"care-abm-card-{chart.name}"]) as card:
        EChart(option, chart.name)
    return card


@solara.component
def BoardCard(frame: Frame) -> solara.Element:  # noqa: N802
    """Where every patient is: the beds, and residents 65+ elsewhere."""
    dark = solara.lab.use_dark_effective()
    option = solara.use_memo(
        lambda: safely(
            lambda: board_option(frame, dark),
            error_option("The board could not be drawn; the details are in the server's log."),
        ),
        [frame.number, dark],
    )
    here = frame_whereabouts(frame)
    with (
        solara.Card(margin=0, classes=["care-abm-board", "care-abm-wide"]) as card,
        solara.Row(gap="12px", style="align-items: flex-start; flex-wrap: wrap"),
    ):
        with solara.Column(style="flex: 3 1 560px; min-width: 420px"):
            EChart(option, "beds", height=420)
        if here is not None:
            with solara.Column(style="flex: 1 1 260px", classes=["care-abm-elsewhere-box"]):
                solara.Text("Residents 65+ elsewhere", style="font-weight: 600")
                solara.HTML(
                    unsafe_innerHTML=html_table(
                        ("Where", "People"),
                        elsewhere_rows(here),
                        classes="care-abm-table care-abm-elsewhere",
                    )
                )
                solara.Text(
                    "A care-home resident keeps their place while in hospital, so places "
                    "taken can exceed residents living in a home.",
                    classes=["care-abm-note"],
                )
    return card


@solara.component
def ChartPage(name: str, frame: Frame) -> solara.Element:  # noqa: N802
    """A page of charts (the Hospital page starts with the board)."""
    with solara.Div(classes=["care-abm-grid", f"care-abm-page-{_css(name)}"]) as page:
        if name == "Hospital":
            BoardCard(frame)
        for chart in CHARTS:
            if chart.page == name:
                ChartCard(chart, frame)
    return page


def _css(name: str) -> str:
    return name.lower().replace(" ", "-")


# --------------------------------------------------------------------------- all figures


@solara.component
def FiguresPage(session: Session, frame: Frame) -> solara.Element:  # noqa: N802
    """Every KPI of the run and the baseline so far, and every config value."""
    simulation = session.simulation
    playing = session.playing.value
    key = frame.day // KPI_REFRESH_DAYS if playing else frame.day
    values = solara.use_memo(
        lambda: safely(simulation.kpis, None) if simulation and frame.day else None,
        [simulation.generation if simulation else 0, key],
    )
    scenario = simulation.run.chosen if simulation else session.base
    period = f"{frame.start:%d %b %Y} to {frame.last_date:%d %b %Y} ({frame.day:,} days)"
    with solara.Column(classes=["care-abm-figures"], style="padding: 8px 16px") as page:
        solara.Text(f"Every KPI so far: {period}", style="font-size: 18px; font-weight: 600")
        solara.Text(area_note(frame.scale, frame.area, frame.residents), classes=["care-abm-note"])
        solara.Text(
            "So far: yearly figures are scaled up from the days shown; delays still running are "
            "not yet in the days from medically fit to discharge; money flows count the months "
            "settled so far."
            + (" While playing, the table is refreshed every four weeks." if playing else ""),
            classes=["care-abm-note"],
        )
        if values is None:
            solara.Text(
                "Press Step or Play: the table fills in once a day has been simulated."
                if frame.day == 0
                else "The KPIs could not be worked out; the details are in the server's log.",
                classes=["care-abm-kpis-empty"],
            )
        else:
            rows = kpi_rows(values[0], values[1], frame.scale, scenario)
            solara.HTML(unsafe_innerHTML=_kpi_table(rows, frame), classes=["care-abm-kpis"])

            def download() -> str:
                return kpi_csv(rows, frame.scale, frame.area, frame.residents, period)

            solara.FileDownload(
                download,
                filename=f"care-abm-kpis-{frame.last_date.isoformat()}.csv",
                label="Download the KPIs (CSV)",
                mime_type="text/csv",
            )
        with solara.Details("Every config value of this run"):
            solara.HTML(
                unsafe_innerHTML=html_table(("Key", "Value"), _config_rows(session)),
                classes=["care-abm-config"],
            )
    return page


def _kpi_table(rows: list[KpiRow], frame: Frame) -> str:
    body, groups, group = [], [], None
    for row in rows:
        if row.group != group:
            group = row.group
            groups.append(len(body))
            body.append((group,))
        baseline = "(same)" if frame.same else show(row, row.baseline)
        change = "" if frame.same else show(row, row.difference, signed=True)
        body.append((row.label, show(row, row.run), baseline, change, row.unit))
    header = ("Figure", "This run", "Baseline", "Difference", "Unit")
    return html_table(header, body, group_rows=groups)


def _config_rows(session: Session) -> list[tuple[str, str]]:
    simulation = session.simulation
    if simulation is None:
        return []
    scenario = simulation.run.params
    rows = [
        ("config file", str(simulation.config_file or "built-in defaults")),
        ("scenario", f"{scenario.name}: {scenario.description}".rstrip(": ")),
        ("residents 65+ simulated", f"{scenario.population.residents_65plus:,}"),
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


# --------------------------------------------------------------------------- the page


@solara.component
def Pages(session: Session) -> solara.Element:  # noqa: N802
    """The four named pages; only the one on show is drawn."""
    session.tick.get()  # redraw with every frame
    frame = session.frame()
    tab = solara.use_reactive(0)
    with solara.Column(classes=["care-abm-pages"]) as column:
        if frame is None:
            solara.Error(session.message.value or "The app could not start.")
            return column
        solara.Text(_versus(session, frame), classes=["care-abm-versus"])
        with solara.lab.Tabs(value=tab, lazy=True):
            for name in PAGES:
                with solara.lab.Tab(name, classes=[f"care-abm-tab-{_css(name)}"]):
                    if name == "All figures":
                        FiguresPage(session, frame)
                    else:
                        ChartPage(name, frame)
    return column


def _versus(session: Session, frame: Frame) -> str:
    """What this run changes from the baseline, in words."""
    if frame.same:
        return (
            "This run is the baseline: no policy lever differs from the config. Change one and "
            "press Reset to see it against the baseline."
        )
    running = session.running.value
    changes = [
        f"{lever.label} {lever.words(running[lever.name])} "
        f"(baseline {lever.words(session.base.get(lever.key))})"
        for lever in active_levers()
        if lever.name in running and running[lever.name] != session.base.get(lever.key)
    ]
    return (
        f"This run: {'; '.join(changes)}. Faint dashed lines: the baseline, the config as given "
        "with the same seed."
    )


@solara.component
def LeverList(session: Session, run_settings: bool) -> solara.Element:  # noqa: N802
    """The policy levers, or the run settings the baseline shares."""
    chosen, running, errors = session.chosen.value, session.running.value, session.errors.value
    simulation = session.simulation

    def set_value(name: str, value: object) -> None:
        session.chosen.set({**session.chosen.value, name: value})

    def set_error(name: str, message: str | None) -> None:
        current = {k: v for k, v in session.errors.value.items() if k != name}
        session.errors.set({**current, name: message} if message else current)

    levers = (
        [lever_named(name) for name in ("seed", "warmup_days", AREA_LEVER)]
        if run_settings
        else list(active_levers())
    )
    with solara.Column(gap="0px") as column:
        for lever in levers:
            if lever.name not in chosen:
                continue
            LeverInput(
                lever,
                value=chosen[lever.name],
                running=running.get(lever.name),
                simulated=_simulated(lever, simulation),
                error=errors.get(lever.name),
                on_value=guarded(set_value, session.say),
                on_error=set_error,
                disabled=session.busy.value,
                revision=session.revision.value,
            )
    return column


def _simulated(lever: Lever, simulation: Simulation | None) -> str:
    # Area levers also say the value the simulated area runs with ("668 beds (98 simulated)").
    if simulation is None or not lever.field.metadata.get("area"):
        return ""
    value = simulation.run.params.get(lever.key)
    number = f"{value:,.0f}" if isinstance(value, float) else f"{value:,}"
    return f" ({number} simulated)"


@solara.component
def Page() -> None:  # noqa: N802
    """The app: one session (and simulation) per browser tab."""
    session = use_session()
    base = session.base
    solara.Title(f"care-abm: {base.name}")
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(
            f"care-abm: {base.name}" + (f" · {base.description}" if base.description else "")
        )
        solara.lab.ThemeToggle()
    with solara.Sidebar():
        with solara.Card("Run", margin=0, classes=["care-abm-run"]):
            Controls(session)
        with solara.Card(
            "Policy levers",
            subtitle="For the config's whole area; they change this run, not the baseline.",
            margin=0,
        ):
            LeverList(session, run_settings=False)
        with solara.Card(
            "Run settings",
            subtitle="Shared with the baseline, so the two differ only by policy.",
            margin=0,
        ):
            LeverList(session, run_settings=True)
    Pages(session)


__all__ = ["PAGES", "BoardCard", "ChartCard", "ChartPage", "FiguresPage", "Page", "Pages"]
