"""Step, Play and Reset: one browser tab's session and the loop that plays it.

Play runs in a background thread that steps the run and its baseline a frame at a time (a
week by default) and then tells the page a new frame is ready. Every step and every read of
the models happens under the simulation's lock (:mod:`abm.app.runs`), and the page draws only
the frame it reads after the step, so there is one way to play and it is safe: Mesa's "Use
Threads" mode, which let the charts read a table the model was appending to, is gone.

Reset builds new models from the levers; a value the config does not allow never gets that
far (the lever shows its message and keeps its last good value), and anything else that goes
wrong is one plain sentence on the page, with the traceback in the server's log.
"""

from __future__ import annotations

import dataclasses
import time

import solara
import solara.lab

from abm.app.levers import AREA_LEVER, all_levers, config_values
from abm.app.runs import Frame, Simulation, load_base, start_residents
from abm.app.widgets import LOG, SERVER_LOG, guarded
from abm.config import ConfigError, Scenario

FRAME_DAYS = {1: "a day", 7: "a week", 28: "four weeks"}
"""Days simulated per frame (per press of Step, per redraw while playing): the choices."""
DEFAULT_FRAME_DAYS = 7
MIN_FRAME_S = 0.2
"""Shortest time between frames while playing, so the browser keeps up with the server."""


@dataclasses.dataclass(frozen=True)
class Session:
    """One browser tab's state. Each tab has its own simulation.

    Attributes:
        simulation: the run and its baseline (None if the config could not be built).
        base: the config as given.
        chosen: lever values as set on the page (config units), applied on Reset.
        running: lever values the running models were built with.
        errors: a message for each lever whose typed value was refused.
        tick: the number of the latest frame (setting it redraws what depends on it).
        playing: whether Play is on.
        frame_days: days a frame.
        message: one sentence about what went wrong, if anything did.
        busy: a Reset is building the models.
        revision: counts the times the levers were set from outside their inputs (Reset,
            Undo, Config values), so the text boxes drop what was typed and show the values.
    """

    simulation: Simulation | None
    base: Scenario
    chosen: solara.Reactive[dict]
    running: solara.Reactive[dict]
    errors: solara.Reactive[dict]
    tick: solara.Reactive[int]
    playing: solara.Reactive[bool]
    frame_days: solara.Reactive[int]
    message: solara.Reactive[str | None]
    busy: solara.Reactive[bool]
    revision: solara.Reactive[int]

    def frame(self) -> Frame | None:
        """The latest frame (None without a simulation)."""
        return self.simulation.frame() if self.simulation is not None else None

    def publish(self, frame: Frame) -> None:
        """Tell the page a new frame is ready."""
        self.tick.set(frame.number)

    def say(self, text: str | None) -> None:
        """Show one sentence on the page (None clears it)."""
        self.message.set(text)

    def set_levers(self, values: dict[str, object]) -> None:
        """Set every lever's value (Reset, Undo, Config values) and clear refused entries."""
        self.chosen.set(dict(values))
        self.errors.set({})
        self.revision.set(self.revision.value + 1)


def _start(base: Scenario) -> tuple[dict[str, object], Simulation | None, str | None]:
    try:
        values = config_values(base, start_residents(base))
        return values, Simulation(values), None
    except ConfigError as error:
        return {}, None, f"The app cannot start: {error}"
    except Exception:
        LOG.exception("care-abm app: the first model could not be built")
        return {}, None, f"The app cannot start: {SERVER_LOG}."


def use_session() -> Session:
    """The tab's session, built on its first render (the models take about a second)."""
    base = solara.use_memo(load_base, [])
    values, simulation, problem = solara.use_memo(lambda: _start(base), [])
    return Session(
        simulation=simulation,
        base=base,
        chosen=solara.use_reactive(values),
        running=solara.use_reactive(values),
        errors=solara.use_reactive({}),
        tick=solara.use_reactive(0),
        playing=solara.use_reactive(False),
        frame_days=solara.use_reactive(DEFAULT_FRAME_DAYS),
        message=solara.use_reactive(problem),
        busy=solara.use_reactive(False),
        revision=solara.use_reactive(0),
    )


def pending_changes(session: Session) -> list[str]:
    """The levers set on the page but not yet in the running model, in words."""
    chosen, running = session.chosen.value, session.running.value
    return [
        f"{lever.label}: {lever.words(running.get(lever.name))} → "
        f"{lever.words(chosen.get(lever.name))}"
        for lever in all_levers()
        if chosen.get(lever.name) != running.get(lever.name)
    ]


def date_line(frame: Frame) -> str:
    """Where the run is: the last day simulated and how many of the run's days that is."""
    if frame.day == 0:
        return f"{frame.start:%a %d %b %Y} · day 0 of {frame.total:,}"
    return f"{frame.last_date:%a %d %b %Y} · day {frame.day:,} of {frame.total:,}"


@solara.component
def Controls(session: Session) -> solara.Element:  # noqa: N802 (Solara components are PascalCase)
    """The date, Step / Play / Reset, the days a frame, and what is waiting for Reset."""
    simulation = session.simulation
    session.tick.get()  # redraw with every frame
    playing = session.playing.value
    task_ref = solara.use_ref(None)

    def play() -> None:
        if simulation is None or not session.playing.value:
            return
        generation = simulation.generation
        try:
            while session.playing.value and _current(task_ref.current):
                started = time.perf_counter()
                frame = simulation.advance(session.frame_days.value, generation)
                if frame is None:  # Reset built new runs
                    return
                session.publish(frame)
                if frame.finished:
                    session.playing.set(False)
                    return
                time.sleep(max(0.0, MIN_FRAME_S - (time.perf_counter() - started)))
        except Exception:
            LOG.exception("care-abm app: playing failed")
            session.playing.set(False)
            session.say(f"The run stopped: {SERVER_LOG}.")

    task_ref.current = solara.lab.use_task(
        play, dependencies=[playing], prefer_threaded=True, raise_error=False
    )

    def step() -> None:
        if simulation is None:
            return
        frame = simulation.advance(session.frame_days.value, simulation.generation)
        if frame is not None:
            session.publish(frame)

    def reset() -> None:
        session.playing.set(False)
        session.say(None)
        if simulation is None:
            return
        session.busy.set(True)
        try:
            simulation.build(session.chosen.value)
        except ConfigError as error:
            label = next((lever.label for lever in all_levers() if lever.key == error.key), "")
            session.say(f"Not reset: {label or error.key}: {error.message}")
            return
        finally:
            session.busy.set(False)
        session.running.set(dict(simulation.values))
        session.set_levers(simulation.values)
        session.publish(simulation.frame())

    def toggle() -> None:
        session.playing.set(not session.playing.value)

    frame = session.frame()
    finished = frame is None or frame.finished
    busy = session.busy.value
    with solara.Column(gap="6px", classes=["care-abm-controls"]) as column:
        if frame is not None:
            solara.Text(date_line(frame), classes=["care-abm-date"])
        with solara.Row(gap="6px"):
            solara.Button(
                "Step",
                on_click=guarded(step, session.say),
                disabled=playing or finished or busy,
                color="primary",
            )
            solara.Button(
                "❚❚ Pause" if playing else "▶ Play",
                on_click=guarded(toggle, session.say),
                disabled=finished or busy,
                color="primary",
            )
            solara.Button(
                "Reset", on_click=guarded(reset, session.say), disabled=busy, color="primary"
            )
        solara.v.Select(
            label="Days a frame",
            items=[{"text": words, "value": days} for days, words in FRAME_DAYS.items()],
            v_model=session.frame_days.value,
            on_v_model=guarded(session.frame_days.set, session.say),
            dense=True,
            hide_details=True,
            class_="care-abm-frame-days",
        )
        solara.Text(
            "How far one Step goes, and how often the charts are redrawn while playing.",
            classes=["care-abm-help"],
        )
        if busy:
            solara.Text("Building the run and its baseline…", classes=["care-abm-busy"])
        if frame is not None and frame.finished:
            solara.Text(
                f"The run has reached its last day ({frame.last_date:%d %B %Y}); "
                "press Reset to start again.",
                classes=["care-abm-finished"],
            )
        if session.message.value:
            solara.Error(session.message.value, classes=["care-abm-message"], dense=True)
        Pending(session)
    return column


def _current(task: object) -> bool:
    # The play loop stops as soon as its task is cancelled (a new Play, or the tab closed).
    return task is None or bool(task.is_current())  # type: ignore[attr-defined]


@solara.component
def Pending(session: Session) -> solara.Element:  # noqa: N802
    """The changes waiting for Reset, and buttons to drop them or go back to the config."""
    changes = pending_changes(session)
    refused = [message for message in session.errors.value.values() if message]

    def undo() -> None:
        session.set_levers(session.running.value)

    def config() -> None:
        residents = session.running.value.get(AREA_LEVER) or start_residents(session.base)
        session.set_levers(config_values(session.base, int(residents)))  # type: ignore[call-overload]

    with solara.Column(gap="2px", classes=["care-abm-pending-box"]) as column:
        if changes:
            with solara.Warning(dense=True, classes=["care-abm-pending"]):
                solara.Text("Changes waiting: press Reset", style="font-weight: 600")
                for change in changes:
                    solara.Div(children=[change], classes=["care-abm-change"])
        if refused:
            solara.Text(
                f"{len(refused)} value(s) refused: see the levers marked in red.",
                classes=["care-abm-refused"],
            )
        with solara.Row(gap="6px"):
            solara.Button(
                "Undo changes",
                on_click=guarded(undo, session.say),
                disabled=not changes and not refused,
                text=True,
                small=True,
            )
            solara.Button(
                "Config values",
                on_click=guarded(config, session.say),
                text=True,
                small=True,
            )
    return column


__all__ = [
    "DEFAULT_FRAME_DAYS",
    "FRAME_DAYS",
    "Controls",
    "Pending",
    "Session",
    "date_line",
    "pending_changes",
    "use_session",
]
