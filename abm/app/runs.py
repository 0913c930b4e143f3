"""The runs a page shows: the run its levers chose and the baseline beside it, stepped together.

A browser tab owns one :class:`Simulation`. It holds the *run* (the config with the page's
lever values) and the *baseline* (the config as given, with the same run settings: seed,
warm-up and simulated area, so the two differ only by policy), steps both by the same days,
and copies each new day of their ``daily`` tables into arrays under one lock. The page only
ever reads :class:`Frame` snapshots made under that lock, so nothing it draws can see a table
half-way through a day (the crash of Mesa's threaded mode: "Length of values (368) does not
match length of index (367)"). When no policy lever differs from the config, the run *is* the
baseline: one model, stepped once.

The model knows nothing of the app: this module reads its ``daily`` table, its KPIs and its
config, and never changes a model except by stepping it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from abm.app.levers import (
    AREA_LEVER,
    SOURCE,
    all_levers,
    lever_named,
    policy_changes,
)
from abm.config import Scenario, apply_area, load_scenario
from abm.metrics import DAILY_COLUMNS, compute_kpis, run_record
from abm.model import CareSystemModel
from abm.server import AREA_ENV, CONFIG_ENV

DEFAULT_CONFIG = Path("experiments/baseline.toml")
DEFAULT_RESIDENTS = 10_000
"""Residents 65+ simulated by default: a small area, so that a day takes about a millisecond."""

NOT_NUMBERS = frozenset({"date"})


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
        return int(lever_named(AREA_LEVER).check(given))  # type: ignore[call-overload]
    return min(DEFAULT_RESIDENTS, base.population.residents_65plus)


def apply_levers(base: Scenario, levers: Mapping[str, object]) -> Scenario:
    """The scenario with lever values written at their config keys (the config's area; the
    number of residents simulated is applied after, by :func:`abm.config.apply_area`).

    Raises:
        ConfigError: an unknown lever, or a value its config field does not allow.
    """
    changes = []
    for name, value in levers.items():
        lever = lever_named(name)
        if lever.name != AREA_LEVER:
            changes.append((lever.key, lever.check(value)))
    return base.with_changes(changes) if changes else base


class AppModel(CareSystemModel):
    """The care system as the page builds it: a config file, lever values and an area size.

    The warm-up is run here, so the model starts on ``run.start_date``.

    Args:
        config: a config file (default: ``$CARE_ABM_APP_CONFIG`` or the baseline).
        simulated_residents: residents 65+ in the simulated area (capacities scale with it;
            default :func:`start_residents`).
        **levers: lever values by :attr:`Lever.name`, in the config's (full-size) units; text
            is read as the page's boxes read it ("42", "1,200").

    Attributes:
        chosen: the scenario with the levers applied, before it is scaled to the simulated
            area (what the levers read; ``params`` is what the model runs).

    Raises:
        ConfigError: an unknown lever or a value its config field does not allow.
    """

    def __init__(
        self,
        *,
        config: str | Path | None = None,
        simulated_residents: object = None,
        **levers: object,
    ) -> None:
        self.config_file = Path(config) if config is not None else config_path()
        self.chosen = apply_levers(load_base(self.config_file), levers)
        if simulated_residents is None:
            simulated_residents = start_residents(self.chosen)
        residents = lever_named(AREA_LEVER).check(simulated_residents)
        scenario = apply_area(self.chosen, residents, SOURCE)
        super().__init__(scenario, scenario.run.seed)
        for _ in range(self.warmup_days):
            # The unwrapped step: warm-up days are not Mesa steps (``time`` counts days shown).
            CareSystemModel.step(self)

    @property
    def days_shown(self) -> int:
        """Days simulated since ``run.start_date``."""
        return self.day - self.warmup_days


def build_model(values: Mapping[str, object], residents: int) -> AppModel:
    """A model from lever values (missing levers keep the config's values)."""
    return AppModel(**{**values, AREA_LEVER: residents})


class Recorder:
    """A model's ``daily`` table as numpy columns, one preallocated array a column.

    Rows already copied never change, so a view of the first ``n`` rows is a snapshot that
    stays true while the model runs on.
    """

    def __init__(self, model: CareSystemModel) -> None:
        self.model = model
        self.columns = [c for c in DAILY_COLUMNS if c not in NOT_NUMBERS]
        self.arrays = {c: np.zeros(model.total_days, dtype=float) for c in self.columns}
        self.rows = 0
        self.catch_up()

    def catch_up(self) -> None:
        """Copy the days simulated since the last call."""
        table = self.model.datacollector.tables["daily"]
        end = len(table["day"])
        if end == self.rows:
            return
        for column in self.columns:
            self.arrays[column][self.rows : end] = table[column][self.rows : end]
        self.rows = end

    def shown(self, days: int) -> dict[str, np.ndarray]:
        """The first ``days`` reported days of every column (views, not copies)."""
        start = self.model.warmup_days
        return {c: a[start : start + days] for c, a in self.arrays.items()}

    def last(self, days: int) -> dict[str, float]:
        """The row of the last day simulated by day ``days`` shown (the warm-up's last day at
        day 0; empty when nothing has been simulated)."""
        row = self.model.warmup_days + days - 1
        if row < 0 or row >= self.rows:
            return {}
        return {c: float(a[row]) for c, a in self.arrays.items()}


@dataclasses.dataclass(frozen=True)
class Frame:
    """What the page draws: both runs' shown days, copied under the simulation's lock.

    Attributes:
        start: ``run.start_date``, the first day shown.
        day: days shown so far (0 before the first step).
        total: days in the run after the warm-up.
        run, baseline: the shown days of every column of the ``daily`` table.
        today, baseline_today: the last simulated day's row (the warm-up's last day at 0).
        residents: residents 65+ simulated; area: residents 65+ of the config's area.
        same: the run is the baseline (no policy lever differs from the config).
        number: counts the frames a simulation has made (a key for caches).
    """

    start: dt.date
    day: int
    total: int
    run: Mapping[str, np.ndarray]
    baseline: Mapping[str, np.ndarray]
    today: Mapping[str, float]
    baseline_today: Mapping[str, float]
    residents: int
    area: int
    same: bool
    number: int

    @property
    def dates(self) -> np.ndarray:
        """The dates of the shown days."""
        return np.datetime64(self.start, "D") + np.arange(self.day)

    @property
    def last_date(self) -> dt.date:
        """The last day with data (the start date before the first step)."""
        return self.start + dt.timedelta(days=max(self.day - 1, 0))

    @property
    def finished(self) -> bool:
        """Whether the run has reached its last day."""
        return self.day >= self.total

    @property
    def scale(self) -> float:
        """The config's area over the simulated area: counts and money times this are for
        the config's area (the rule that scaled the levers down, turned round)."""
        return self.area / self.residents


class Simulation:
    """One browser tab's run and baseline, and the lock every reader and stepper takes.

    Args:
        values: every lever's value (config units), as :func:`abm.app.levers.config_values`.
        config: the config file (default: the app's).
    """

    def __init__(self, values: Mapping[str, object], config: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self.config_file = Path(config) if config is not None else config_path()
        self.base = load_base(self.config_file)
        self.frames = 0
        self.generation = 0  # counts the builds (each Reset adds one)
        self.build(values)

    def build(self, values: Mapping[str, object]) -> None:
        """Build the run (and its baseline) from lever values, starting on ``run.start_date``.

        Nothing is replaced unless both build: a bad value leaves the running models as they
        were.

        Raises:
            ConfigError: a value its config field does not allow (naming the lever's key).
        """
        values = {
            lever.name: lever.check(values[lever.name])
            for lever in all_levers()
            if lever.name in values
        }
        residents = int(values.get(AREA_LEVER) or start_residents(self.base))  # type: ignore[call-overload]
        policy = policy_changes(values, self.base)
        run = AppModel(config=self.config_file, **{**values, AREA_LEVER: residents})
        if policy:
            shared = {k: v for k, v in values.items() if lever_named(k).run_setting}
            baseline = AppModel(config=self.config_file, **{**shared, AREA_LEVER: residents})
        else:
            baseline = run
        with self.lock:
            self.generation += 1
            self.values = dict(values)
            self.run, self.baseline = run, baseline
            self.run_rows, self.baseline_rows = Recorder(run), Recorder(baseline)
            if baseline is run:
                self.baseline_rows = self.run_rows

    @property
    def same(self) -> bool:
        """Whether the run is the baseline."""
        return self.baseline is self.run

    def advance(self, days: int, generation: int | None = None) -> Frame | None:
        """Simulate up to ``days`` more days of the run and the baseline; the new frame.

        ``generation`` is the :attr:`generation` the caller meant to advance: if a Reset has
        built new runs since, nothing is simulated and the answer is None (so a frame of Play
        that was under way never runs on into the new runs).
        """
        with self.lock:
            if generation is not None and generation != self.generation:
                return None
            for _ in range(days):
                if self.run.finished:
                    break
                self.run.step()
                if not self.same:
                    self.baseline.step()
            self.run_rows.catch_up()
            if not self.same:
                self.baseline_rows.catch_up()
            return self._frame()

    def frame(self) -> Frame:
        """The frame of the days simulated so far."""
        with self.lock:
            return self._frame()

    def _frame(self) -> Frame:
        self.frames += 1
        day = self.run.days_shown
        return Frame(
            start=self.run.params.run.start_date,
            day=day,
            total=self.run.total_days - self.run.warmup_days,
            run=self.run_rows.shown(day),
            baseline=self.baseline_rows.shown(day),
            today=self.run_rows.last(day),
            baseline_today=self.baseline_rows.last(day),
            residents=self.run.params.population.residents_65plus,
            area=self.run.chosen.population.residents_65plus,
            same=self.same,
            number=self.frames,
        )

    def kpis(self) -> tuple[dict[str, float], dict[str, float]]:
        """Every KPI of the run and of the baseline over the days shown so far.

        The books are not closed (that would settle today's debts early and change the
        run): money flows count the months settled so far.
        """
        with self.lock, np.errstate(all="ignore"):
            run = compute_kpis(run_record(self.run, close_books=False))
            if self.same:
                return run, dict(run)
            return run, compute_kpis(run_record(self.baseline, close_books=False))


__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_RESIDENTS",
    "AppModel",
    "Frame",
    "Recorder",
    "Simulation",
    "apply_levers",
    "build_model",
    "config_path",
    "load_base",
    "start_residents",
]
