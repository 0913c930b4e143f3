"""The page's building blocks: a lever's input, a chart, an HTML table, and a guard that keeps
every error off the page.

Solara shows a Python traceback in place of the page when a render or an event handler
raises; :func:`guarded` and :func:`safely` catch everything, write the traceback to the
server's log, and give the page one plain sentence instead.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

import ipyvuetify
import solara
import traitlets

from abm.app.levers import Lever
from abm.config import ConfigError

LOG = logging.getLogger("abm.app")

SERVER_LOG = "the details are in the server's log"


def guarded(handler: Callable[..., None], say: Callable[[str], None]) -> Callable[..., None]:
    """``handler`` with any error logged and told to the page through ``say``, never raised."""

    def run(*args: Any) -> None:
        try:
            handler(*args)
        except ConfigError as error:
            say(error.message)
        except Exception:
            LOG.exception("care-abm app: an action failed")
            say(f"That did not work: {SERVER_LOG}.")

    return run


def safely[T](compute: Callable[[], T], fallback: T) -> T:
    """``compute()``, or ``fallback`` (with the traceback in the server's log) if it fails."""
    try:
        return compute()
    except Exception:
        LOG.exception("care-abm app: drawing failed")
        return fallback


# --------------------------------------------------------------------------- a lever


class ValueBox(ipyvuetify.VuetifyTemplate):
    """A text box that sends what was typed with its Enter (or leaving the box) event.

    Solara's ``InputText`` reads the box's synced value when Enter arrives, but the browser
    holds back a value while an earlier one of the same box is unanswered, so Enter and a
    Reset pressed at once could overtake the digits typed. Here the text travels in the event
    itself, in order with every click.
    """

    template = traitlets.Unicode(
        """
<template>
  <v-text-field :key="revision" :label="label" :value="text" :suffix="suffix" :error="error"
    :disabled="disabled" dense hide-details class="care-abm-value"
    @keyup.enter="commit($event.target.value)" @blur="commit($event.target.value)"
  ></v-text-field>
</template>
"""
    ).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    suffix = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    """Changing it redraws the box with ``text``, dropping what was typed (Undo, Reset)."""
    on_commit = traitlets.Callable(None, allow_none=True)

    def vue_commit(self, value: object) -> None:
        """Enter or leaving the box: hand the text over."""
        if self.on_commit is not None:
            self.on_commit(str(value))


@solara.component
def LeverInput(  # noqa: N802 (Solara components are PascalCase)
    lever: Lever,
    *,
    value: object,
    running: object,
    simulated: str,
    error: str | None,
    on_value: Callable[[str, object], None],
    on_error: Callable[[str, str | None], None],
    disabled: bool = False,
    revision: int = 0,
) -> solara.Element:
    """One lever: its name, a slider or a select, the value and unit (editable), a short help
    text, any problem with what was typed, and the value the running model has."""

    def accept(entry: object) -> None:
        try:
            on_value(lever.name, lever.parse(entry))
            on_error(lever.name, None)
        except ConfigError as problem:
            on_error(lever.name, f"{lever.label}: {problem.message}")

    def slide(position: float) -> None:
        low, _ = lever.slider_range(value)
        try:
            moved = lever.from_slider(position, value, low)
        except ConfigError as problem:
            on_error(lever.name, f"{lever.label}: {problem.message}")
            return
        if moved is not None:
            on_value(lever.name, moved)
            on_error(lever.name, None)

    changed = value != running
    with solara.Column(
        gap="0px", classes=["care-abm-lever", f"care-abm-input-{lever.name}"]
    ) as column:
        with solara.Row(gap="4px", style="align-items: center"):
            if lever.kind == "select":
                with solara.Tooltip(lever.choice_tooltip()):
                    solara.v.Select(
                        label=lever.label,
                        items=[{"text": plain, "value": code} for code, plain in lever.options()],
                        v_model=value,
                        on_v_model=guarded(accept, lambda m: on_error(lever.name, m)),
                        dense=True,
                        hide_details=True,
                        disabled=disabled,
                        class_="care-abm-select",
                    )
            else:
                ValueBox.element(
                    label=lever.label,
                    text=lever.text(value),
                    suffix=lever.shown_unit,
                    error=bool(error),
                    disabled=disabled,
                    revision=revision,
                    on_commit=guarded(accept, lambda m: on_error(lever.name, m)),
                )
            with solara.Tooltip(lever.description or lever.short_help):
                solara.v.Icon(children=["mdi-information-outline"], small=True)
        if lever.kind == "slider":
            low, high = lever.slider_range(value)
            solara.v.Slider(
                v_model=lever.shown(value),
                min=low,
                max=high,
                step=lever.step,
                on_v_model=guarded(slide, lambda m: on_error(lever.name, m)),
                dense=True,
                hide_details=True,
                disabled=disabled,
                class_="care-abm-slider",
            )
        if error:
            solara.Text(error, classes=["care-abm-error", f"care-abm-error-{lever.name}"])
        solara.Text(lever.short_help, classes=["care-abm-help"])
        now = f"Running: {lever.words(running)}{simulated}"
        if changed:
            now += f" → {lever.words(value)} after Reset"
        solara.Text(
            now,
            classes=[
                "care-abm-running",
                f"care-abm-lever-{lever.name}",
                *(["care-abm-changed"] if changed else []),
            ],
        )
    return column


# --------------------------------------------------------------------------- a chart


@solara.component
def EChart(option: dict, name: str, height: int = 380) -> solara.Element:  # noqa: N802
    """A chart drawn by ECharts in the browser (updated in place from its option)."""
    return solara.FigureEcharts(
        option=option,
        attributes={
            "style": f"height: {height}px; width: 100%;",
            "class": f"care-abm-chart care-abm-chart-{name}",
        },
        responsive=True,
    )


def error_option(text: str) -> dict:
    """A chart option that says, in words, why there is no chart."""
    return {
        "backgroundColor": "transparent",
        "graphic": [
            {
                "type": "text",
                "left": "center",
                "top": "middle",
                "style": {"text": text, "fill": "#b00020", "fontSize": 13},
            }
        ],
    }


# --------------------------------------------------------------------------- tables


def html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    classes: str = "care-abm-table",
    group_rows: Sequence[int] = (),
    row_classes: Sequence[str] = (),
) -> str:
    """An HTML table (every cell escaped). Rows listed in ``group_rows`` are headings that
    span the table."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        css = row_classes[i] if i < len(row_classes) else ""
        if i in group_rows:
            body.append(
                f"<tr class='care-abm-group'><th colspan='{len(header)}'>"
                f"{html.escape(row[0])}</th></tr>"
            )
            continue
        cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
        body.append(f"<tr class='{css}'>{cells}</tr>")
    return (
        f"<table class='{classes}'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


__all__ = ["EChart", "LeverInput", "ValueBox", "error_option", "guarded", "html_table", "safely"]
