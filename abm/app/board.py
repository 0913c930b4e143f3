"""The board: the hospital's beds as dots coloured by who is in them, and residents elsewhere.

It is drawn from the last simulated day's row of the ``daily`` table (every count it shows is
a column there), so it shows exactly what the charts end on, for any frame, without touching
the model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping

from abm.app.charts import BACKGROUND_COLOUR, TREATMENT_COLOUR, reason_words
from abm.app.echarts import base_option, theme
from abm.app.runs import Frame
from abm.figures import REASON_COLOURS
from abm.metrics import REASONS

BED_STATES: tuple[tuple[str, str, str], ...] = (
    *(
        (reason, f"Delayed: {reason_words(reason).lower()}", REASON_COLOURS[reason])
        for reason in REASONS
    ),
    ("treatment", "65+ resident in treatment", TREATMENT_COLOUR),
    ("background", "Under 65 or elective patient", BACKGROUND_COLOUR),
    ("empty", "Empty bed", "#ffffff"),
)
"""Each state a bed can be in, with its legend words and colour, in the board's order."""


@dataclasses.dataclass(frozen=True)
class Whereabouts:
    """Where everyone is at the end of a day: the hospital bed by bed, and counts elsewhere."""

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
        """Beds open that night (every open bed is in exactly one state)."""
        return sum(self.beds.values())

    @property
    def delayed(self) -> int:
        """Medically fit patients still in a bed."""
        return sum(self.beds[reason] for reason in REASONS)


def whereabouts(row: Mapping[str, float], date: dt.date) -> Whereabouts:
    """Count every bed by state and every resident by place from one day's row."""

    def count(name: str) -> int:
        return int(row.get(name, 0))

    beds = {reason: count(f"delayed.{reason}") for reason in REASONS}
    beds["treatment"] = count("beds_occupied_by_residents") - count("delayed")
    beds["background"] = count("beds_occupied") - count("beds_occupied_by_residents")
    beds["empty"] = max(count("beds_open") - count("beds_occupied"), 0)
    return Whereabouts(
        date=date,
        beds=beds,
        corridor=count("in_corridor"),
        intermediate_care=count("in_intermediate_care"),
        intermediate_care_beds=count("intermediate_care_beds"),
        care_home_residents=count("care_home_residents"),
        in_care_home=count("in_care_home"),
        care_home_beds=count("care_home_beds"),
        at_home=count("in_community"),
        home_care_packages=count("home_care_packages"),
        waiting_for_care_at_home=count("waiting_for_care_at_home"),
    )


def frame_whereabouts(frame: Frame) -> Whereabouts | None:
    """Where everyone was on the frame's last day (None before anything was simulated)."""
    if not frame.today:
        return None
    last = frame.last_date if frame.day else frame.start - dt.timedelta(days=1)
    return whereabouts(frame.today, last)


def board_option(frame: Frame, dark: bool = False) -> dict:
    """The beds as dots (one ECharts scatter series a state, so the legend counts them)."""
    colours = theme(dark)
    here = frame_whereabouts(frame)
    option = base_option("beds", frame, colours)
    if here is None:
        option["title"] = {"text": "No day simulated yet", "textStyle": {"color": colours.text}}
        return option
    states = [state for state, _, _ in BED_STATES for _ in range(here.beds[state])]
    n = max(len(states), 1)
    columns = max(10, math.ceil(math.sqrt(n * 1.6)))
    rows = math.ceil(n / columns)
    positions: dict[str, list[list[int]]] = {state: [] for state, _, _ in BED_STATES}
    for i, state in enumerate(states):
        positions[state].append([i % columns, -(i // columns)])
    size = float(min(22.0, max(5.0, 340.0 / max(columns, rows * 1.2))))
    series = [
        {
            "type": "scatter",
            "name": f"{label} ({here.beds[state]:,})",
            "data": positions[state],
            "symbolSize": size,
            "itemStyle": {"color": colour, "borderColor": "#7f7f7f", "borderWidth": 0.6},
            "emphasis": {"disabled": True},
        }
        for state, label, colour in BED_STATES
        if here.beds[state]
    ]
    option.update(
        {
            "title": {
                "text": f"The hospital at the end of {here.date:%a %d %b %Y}",
                "subtext": f"{here.open_beds:,} beds open (funded and staffed), "
                f"{here.delayed:,} patients delayed · {frame.residents:,} residents 65+ simulated",
                "left": 8,
                "top": 4,
                "textStyle": {"color": colours.text, "fontSize": 15},
                "subtextStyle": {"color": colours.faint, "fontSize": 11},
            },
            "tooltip": {"trigger": "item", "formatter": "{a}"},
            "legend": {
                "orient": "vertical",
                "right": 4,
                "top": 64,
                "textStyle": {"color": colours.text, "fontSize": 11},
                "itemHeight": 9,
                "selectedMode": False,
            },
            "grid": {"left": 8, "right": 250, "top": 64, "bottom": 8},
            "xAxis": {"type": "value", "show": False, "min": -1, "max": columns},
            "yAxis": {"type": "value", "show": False, "min": -max(rows, 1), "max": 1},
            "series": series,
        }
    )
    return option


def elsewhere_rows(here: Whereabouts) -> list[tuple[str, str]]:
    """Residents 65+ outside the hospital: (where, how many)."""
    return [
        ("Waiting in the corridor for a bed", f"{here.corridor:,}"),
        (
            "In intermediate care (beds taken / beds)",
            f"{here.intermediate_care:,} / {here.intermediate_care_beds:,}",
        ),
        ("Living in a care home", f"{here.in_care_home:,}"),
        (
            "Care-home places taken / places",
            f"{here.care_home_residents:,} / {here.care_home_beds:,}",
        ),
        ("At home", f"{here.at_home:,}"),
        ("at home with home care", f"{here.home_care_packages:,}"),
        ("at home waiting for care", f"{here.waiting_for_care_at_home:,}"),
    ]


__all__ = [
    "BED_STATES",
    "Whereabouts",
    "board_option",
    "elsewhere_rows",
    "frame_whereabouts",
    "whereabouts",
]
