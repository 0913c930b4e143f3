"""ECharts options: a chart of :mod:`abm.app.charts` as the browser draws it, for one frame.

The server sends the browser each chart's option (data and styling, a few tens of kilobytes)
and ECharts draws it on a canvas, with a tooltip, its legend and a PNG download of its own.
The baseline's lines are the run's, faint and dashed, under one legend entry. Runs longer
than two years are sent every second (third, ...) day: more points than a chart has pixels.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from abm.app.charts import Chart, Columns, Line, trailing_mean
from abm.app.runs import Frame

MOST_POINTS = 730
"""Longer runs are drawn from every second (third, ...) day."""


@dataclasses.dataclass(frozen=True)
class Theme:
    """Colours of text and grid lines (the page's light or dark theme)."""

    text: str
    faint: str
    grid: str
    background: str
    ink: dict[str, str] = dataclasses.field(default_factory=dict)
    """Line colours swapped for this theme (black lines are drawn light on a dark page)."""


LIGHT = Theme(text="#222222", faint="#666666", grid="#e4e4e4", background="#ffffff")
DARK = Theme(
    text="#e8e8e8",
    faint="#aaaaaa",
    grid="#3a3a3a",
    background="#1e1e1e",
    ink={"#000000": "#f0f0f0", "#555555": "#bbbbbb"},
)


def theme(dark: bool) -> Theme:
    """The light or dark theme."""
    return DARK if dark else LIGHT


def base_option(name: str, frame: Frame, colours: Theme) -> dict:
    """What every chart's option starts with: no animation, a transparent background (the
    card's, light or dark), and the PNG download named after the chart and the day."""
    return {
        "animation": False,
        "backgroundColor": "transparent",
        "toolbox": {
            "right": 8,
            "top": 4,
            "feature": {
                "saveAsImage": {
                    "title": "PNG",
                    "name": f"care-abm-{name}-{frame.last_date.isoformat()}",
                    "backgroundColor": colours.background,
                    "pixelRatio": 2,
                }
            },
            "iconStyle": {"borderColor": colours.faint},
        },
    }


def numbers(values: np.ndarray, keep: np.ndarray) -> list[float | None]:
    """Values for JSON: the kept days, rounded to 2 decimals, blanks as null."""
    picked = np.round(np.asarray(values, dtype=float)[keep], 2)
    return [None if np.isnan(v) else v for v in picked.tolist()]


def kept_days(days: int) -> np.ndarray:
    """The days drawn: every day, or every k-th (ending on the last day) past MOST_POINTS."""
    stride = max(1, -(-days // MOST_POINTS))
    return np.arange(days - 1, -1, -stride)[::-1]


def _values(line: Line, days: Columns, scale: float) -> np.ndarray:
    values = np.asarray(line.values(days), dtype=float)
    if line.whole_area:
        values = values * scale
    return trailing_mean(values) if line.average else values


def chart_option(chart: Chart, frame: Frame, dark: bool = False) -> dict:
    """The chart's ECharts option for this frame."""
    colours = theme(dark)
    title = {
        "text": chart.title,
        "subtext": _subtitle(chart, frame),
        "left": 8,
        "top": 4,
        "textStyle": {"color": colours.text, "fontSize": 15},
        "subtextStyle": {"color": colours.faint, "fontSize": 11, "lineHeight": 15},
        "itemGap": 4,
    }
    option = base_option(chart.name, frame, colours)
    option.update({"title": title, "textStyle": {"color": colours.text}})
    if frame.day == 0:
        option["graphic"] = [
            {
                "type": "text",
                "left": "center",
                "top": "middle",
                "style": {
                    "text": f"{frame.start:%d %B %Y}: press Step or Play to start",
                    "fill": colours.faint,
                    "fontSize": 14,
                },
            }
        ]
        return option
    keep = kept_days(frame.day)
    source: dict[str, list] = {"date": [str(d) for d in frame.dates[keep]]}
    series: list[dict] = []
    legend: list[str | dict] = []
    for i, line in enumerate(chart.lines):
        source[f"run{i}"] = numbers(_values(line, frame.run, frame.scale), keep)
        series.append(_series(line, f"run{i}", colours, faint=False))
        legend.append(line.label)
        if line.baseline and not line.stack and not frame.same:
            source[f"base{i}"] = numbers(_values(line, frame.baseline, frame.scale), keep)
            series.append(_series(line, f"base{i}", colours, faint=True))
    if chart.baseline_total is not None and not frame.same:
        source["base_total"] = numbers(
            _values(chart.baseline_total, frame.baseline, frame.scale), keep
        )
        series.append(_series(chart.baseline_total, "base_total", colours, faint=True))
    if len(series) > len(legend):
        legend.append({"name": BASELINE, "itemStyle": {"color": colours.faint}})
    option.update(
        {
            "tooltip": {"trigger": "axis", "confine": True},
            "legend": {
                "bottom": 0,
                "left": 8,
                "right": 8,
                "data": legend,
                "textStyle": {"color": colours.text, "fontSize": 11},
                "itemHeight": 10,
                "itemGap": 10,
                "icon": "roundRect",
            },
            "grid": {"left": 52, "right": 20, "top": 84, "bottom": 30 + 18 * _legend_rows(legend)},
            "xAxis": {
                "type": "time",
                "axisLabel": {"color": colours.faint, "hideOverlap": True},
                "axisLine": {"lineStyle": {"color": colours.faint}},
            },
            "yAxis": _y_axis(chart, colours),
            "dataset": {"source": source},
            "series": series,
        }
    )
    return option


def _y_axis(chart: Chart, colours: Theme) -> dict:
    axis: dict = {
        "type": "value",
        "name": chart.unit,
        "nameTextStyle": {"color": colours.faint, "align": "left"},
        "axisLabel": {"color": colours.faint},
        "splitLine": {"lineStyle": {"color": colours.grid}},
    }
    if not chart.negative:
        axis["min"] = 0
    if chart.percent:
        axis["max"] = 100
    return axis


BASELINE = "Baseline (faint)"
"""The legend entry of every baseline line: the config as given, with the same seed."""


def _series(line: Line, dimension: str, colours: Theme, *, faint: bool) -> dict:
    series: dict = {
        "type": "line",
        "name": BASELINE if faint else line.label,
        "encode": {"x": "date", "y": dimension},
        "showSymbol": False,
        "connectNulls": False,
        "color": colours.ink.get(line.colour, line.colour),
        "lineStyle": {
            "width": 1.5 if faint else (1 if line.thin else 2),
            "type": "dashed" if faint or line.dashed else "solid",
            "opacity": 0.45 if faint else 1,
        },
        "emphasis": {"disabled": True},
    }
    if line.stack and not faint:
        series.update(
            {
                "stack": "total",
                "areaStyle": {"opacity": 0.85},
                "lineStyle": {"width": 0},
            }
        )
    return series


def _legend_rows(legend: list[str | dict]) -> int:
    # About 70 characters fit on a row of a chart half the page wide.
    rows, width = 1, 0
    for entry in legend:
        need = len(entry["name"] if isinstance(entry, dict) else entry) + 4
        if width and width + need > 70:
            rows, width = rows + 1, 0
        width += need
    return rows


def _subtitle(chart: Chart, frame: Frame) -> str:
    period = (
        f"{frame.start:%d %b %Y} to {frame.last_date:%d %b %Y}"
        if frame.day
        else f"from {frame.start:%d %b %Y}"
    )
    area = (
        f"for the config's area of {frame.area:,} residents 65+"
        if any(line.whole_area for line in chart.lines)
        else f"{frame.residents:,} residents 65+ simulated"
    )
    return f"{period} · {area}" + (f"\n{chart.note}" if chart.note else "")


__all__ = [
    "BASELINE",
    "DARK",
    "LIGHT",
    "Theme",
    "base_option",
    "chart_option",
    "kept_days",
    "numbers",
    "theme",
]
