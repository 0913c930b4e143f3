"""Dated series: a numeric lever given as values on dates, compiled into timed changes.

Issue 17 asks for budgets, grants, wages and capacities that move over a run the way they
moved in a real area: a council budget that is cut a little each April, hospital beds that
open over a winter. A ``[[schedule]]`` entry can say one of those steps; a series says all of
them at once, from points written in the config or from a CSV file beside it::

    [series."council.budget_gbp"]
    interpolation = "step"      # or "linear"; no default: the config says which
    unit = "GBP a year"         # optional; checked against the key's declared unit
    points = [{date = 2026-04-01, value = 98_000_000.0}, {date = 2027-04-01, value = 96e6}]
    # or: file = "budget.csv"   (columns date,value; read relative to this config file)

A series is checked as completely as the lever itself (every value as if set directly, dates
in increasing order and inside the simulated period) before any run, and each problem stops
with one line naming the file and the key. It is then kept as written (:class:`Series`), so a
results folder's ``config.toml`` records the series itself rather than its compiled steps,
and compiled into dated values (:meth:`Series.changes`) that the model applies with the
``[[schedule]]`` (:meth:`abm.config.Scenario.timeline`): ``step`` holds each value from its
date to the next; ``linear`` moves on the first of every month between two points, by the
straight line between them. Before the first point the lever keeps its configured value;
after the last it keeps the last.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from abm.config import (
    FIXED_FOR_A_RUN,
    SECTIONS,
    ConfigError,
    Scenario,
    ScheduledChange,
    all_keys,
    coerce_date,
    coerce_value,
    field_of,
)
from abm.validation import simulated_period

INTERPOLATIONS = ("step", "linear")
FIELDS = ("interpolation", "unit", "points", "file")
CSV_HEADER = ("date", "value")

Number = int | float


@dataclasses.dataclass(frozen=True)
class Series:
    """One lever's dated values, as the config gave them (a CSV file's rows included).

    ``points`` are in increasing date order and already in the lever's type (a whole number
    for an integer key), so two scenarios with the same series compare equal whether the
    points were written inline or read from a file.
    """

    key: str
    interpolation: str
    points: tuple[tuple[dt.date, Number], ...]

    def changes(self) -> list[tuple[dt.date, Number]]:
        """The value the lever takes on each date it changes, in date order.

        ``step``: one change per point. ``linear``: each point's own date, and the first of
        every month strictly between two points, at the value on the straight line between
        them by days (rounded to a whole number for an integer key). A month is fine enough for
        the levers this model reads monthly or yearly, and keeps the schedule short.
        """
        if self.interpolation == "step":
            return list(self.points)
        integer = _is_integer(self.key)
        out: list[tuple[dt.date, Number]] = []
        for (start, low), (end, high) in zip(self.points, self.points[1:], strict=False):
            out.append((start, low))
            span = (end - start).days
            for day in _month_starts(start, end):
                value = low + (high - low) * ((day - start).days / span)
                out.append((day, round(value) if integer else value))
        out.append(self.points[-1])
        return out

    def to_toml(self) -> dict[str, Any]:
        """The series as a config table, points written inline (a file's rows too), so a
        results folder's ``config.toml`` reproduces the run without the file."""
        return {
            "interpolation": self.interpolation,
            "unit": field_of(self.key).metadata["unit"],
            "points": [{"date": day, "value": value} for day, value in self.points],
        }


def _is_integer(key: str) -> bool:
    default = field_of(key).default
    return isinstance(default, int) and not isinstance(default, bool)


def _month_starts(after: dt.date, before: dt.date) -> list[dt.date]:
    """The first days of months strictly after ``after`` and strictly before ``before``."""
    days = []
    year, month = after.year, after.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        day = dt.date(year, month, 1)
        if day >= before:
            return days
        days.append(day)


# --------------------------------------------------------------------------- reading


def tables(raw: Any, source: str) -> dict[str, Mapping[str, Any]]:
    """The ``[series]`` tables of one config file, by the dotted key each is for.

    ``[series."council.budget_gbp"]`` is the documented form; ``[series.council.budget_gbp]``
    (TOML nests it) is read the same way, as ``[[schedule]]`` reads both forms of a key.
    """
    if not isinstance(raw, Mapping):
        raise ConfigError(
            source, "series", 'must be tables of dated values, e.g. [series."council.budget_gbp"]'
        )
    found: dict[str, Mapping[str, Any]] = {}
    for name, table in raw.items():
        if not isinstance(table, Mapping):
            raise ConfigError(
                source, f"series.{name}", f'must be a table: [series."{name}"] with points or file'
            )
        nested = "." not in name and name in SECTIONS and not set(table) & set(FIELDS)
        if nested:
            for inner, value in table.items():
                found[f"{name}.{inner}"] = value
        else:
            found[name] = table
    return found


def build(key: str, table: Any, source: str, scenario: Scenario) -> Series:
    """Check one series table against its lever and the run's dates, and read its points.

    ``source`` is the config file that holds the table; a ``file`` is read relative to it.

    Raises:
        ConfigError: at the first problem, naming the file (the CSV file for a problem in one
            of its rows) and ``series.<key>``.
    """
    label = f"series.{key}"
    _check_lever(key, label, source)
    if not isinstance(table, Mapping):
        raise ConfigError(source, label, f'must be a table: [series."{key}"] with points or file')
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ConfigError(
            source,
            f"{label}.{unknown[0]}",
            "unknown field (a series has interpolation, an optional unit, and points or file)",
        )
    interpolation = table.get("interpolation")
    if interpolation is None:
        raise ConfigError(
            source,
            f"{label}.interpolation",
            'missing: say how the value moves between dates, "step" or "linear"',
        )
    if interpolation not in INTERPOLATIONS:
        raise ConfigError(
            source, f"{label}.interpolation", f'must be "step" or "linear", got {interpolation!r}'
        )
    declared = field_of(key).metadata["unit"]
    if "unit" in table and table["unit"] != declared:
        raise ConfigError(
            source, f"{label}.unit", f"unit {table['unit']!r} is not the key's unit {declared!r}"
        )
    if "points" in table and "file" in table:
        raise ConfigError(
            source, label, "give points (inline) or file (a CSV file of date,value), not both"
        )
    if "points" not in table and "file" not in table:
        raise ConfigError(
            source, label, "missing: give points (inline) or file (a CSV file of date,value)"
        )
    if "points" in table:
        rows = _inline_rows(table["points"], f"{label}.points", source)
        where, name, what = source, f"{label}.points", "point"
    else:
        path = _csv_path(table["file"], f"{label}.file", source)
        rows = _csv_rows(path, label)
        where, name, what = str(path), label, "line"
    points = _points(key, rows, scenario, where=where, name=name, what=what)
    return Series(key=key, interpolation=interpolation, points=points)


def _check_lever(key: str, label: str, source: str) -> None:
    try:
        f = field_of(key)
    except (KeyError, ValueError):
        close = difflib.get_close_matches(key, all_keys(), n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ConfigError(source, label, f"unknown key{hint}") from None
    if key.startswith("run."):
        raise ConfigError(source, label, "run settings cannot change mid-run")
    if key in FIXED_FOR_A_RUN:  # pragma: no cover - none is a number, refused below too
        raise ConfigError(source, label, FIXED_FOR_A_RUN[key])
    default = f.default
    if isinstance(default, bool) or not isinstance(default, int | float):
        kind = {bool: "true or false", str: "text", tuple: "a list", dt.date: "a date"}.get(
            type(default), type(default).__name__
        )
        raise ConfigError(source, label, f"only a number can be a dated series; {key} is {kind}")


def _inline_rows(points: Any, name: str, source: str) -> list[tuple[int, Any, Any]]:
    example = "e.g. points = [{date = 2026-04-01, value = 650}]"
    if not isinstance(points, list) or not points:
        raise ConfigError(source, name, f"must be a list of dated values, {example}")
    rows = []
    for number, point in enumerate(points, start=1):
        if not isinstance(point, Mapping) or set(point) != {"date", "value"}:
            raise ConfigError(
                source,
                name,
                f"point {number} must have a date and a value and nothing else, {example}",
            )
        rows.append((number, point["date"], point["value"]))
    return rows


def _csv_path(file: Any, name: str, source: str) -> Path:
    if not isinstance(file, str) or not file:
        raise ConfigError(source, name, 'must be a file path in quotes, e.g. file = "beds.csv"')
    path = (Path(source).parent / file).resolve()
    if not path.is_file():
        raise ConfigError(source, name, f"file not found: {path}")
    return path


def _csv_rows(path: Path, label: str) -> list[tuple[int, Any, Any]]:
    """The rows of a ``date,value`` CSV file as (line number, date text, number)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(where, label, f"cannot be read: {exc}") from None
    lines = [
        (number, row)
        for number, row in enumerate(csv.reader(text.splitlines()), start=1)
        if any(cell.strip() for cell in row)
    ]
    if not lines or tuple(cell.strip().lower() for cell in lines[0][1]) != CSV_HEADER:
        raise ConfigError(where, label, "the first line must be the header date,value")
    rows = []
    for number, row in lines[1:]:
        if len(row) != len(CSV_HEADER):
            raise ConfigError(where, label, f"line {number}: expected date,value, got {row}")
        day, value = (cell.strip() for cell in row)
        rows.append((number, day, _number(value, where, label, number)))
    if not rows:
        raise ConfigError(where, label, "no dated values below the header")
    return rows


def _number(text: str, where: str, label: str, line: int) -> Any:
    """A CSV cell as a number (an int when written as one), never evaluated."""
    cleaned = text.replace("_", "")
    for kind in (int, float):
        try:
            return kind(cleaned)
        except ValueError:
            continue
    raise ConfigError(where, label, f"line {line}: value must be a number, got {text!r}")


def _points(
    key: str,
    rows: list[tuple[int, Any, Any]],
    scenario: Scenario,
    *,
    where: str,
    name: str,
    what: str,
) -> tuple[tuple[dt.date, Number], ...]:
    """Each row's date and value checked as the lever's own (type, range) and the dates in
    increasing order within the simulated period, warm-up included."""
    first, last = simulated_period(scenario)
    points: list[tuple[dt.date, Number]] = []
    previous: tuple[int, dt.date] | None = None
    for number, raw_day, raw_value in rows:
        at = f"{what} {number}"
        try:
            day = coerce_date(name, raw_day, where)
        except ConfigError as error:
            raise ConfigError(where, name, f"{at}: {error.message}") from None
        if previous is not None and day <= previous[1]:
            raise ConfigError(
                where,
                name,
                f"dates must be in increasing order: {day} ({at}) is not after {previous[1]} "
                f"({what} {previous[0]})",
            )
        if not first <= day <= last:
            raise ConfigError(
                where,
                name,
                f"{day} ({at}) is outside the simulated period {first} to {last} "
                "(warm-up included)",
            )
        try:
            value = coerce_value(key, raw_value, where)
        except ConfigError as error:
            raise ConfigError(where, name, f"{at} ({day}): {error.message}") from None
        points.append((day, value))
        previous = (number, day)
    return tuple(points)


# --------------------------------------------------------------------------- the timeline


def check_clashes(
    series: list[tuple[Series, str]], schedule: list[tuple[ScheduledChange, str]]
) -> None:
    """Stop when a series and a ``[[schedule]]`` entry set the same key on the same date:
    which value holds that day would depend on an order nobody wrote down.

    Raises:
        ConfigError: naming the series' file and key, and the date.
    """
    scheduled = {
        (change.date, key): origin for change, origin in schedule for key, _ in change.changes
    }
    for one, origin in series:
        for day, _ in one.changes():
            other = scheduled.get((day, one.key))
            if other is not None:
                raise ConfigError(
                    origin,
                    f"series.{one.key}",
                    f"a [[schedule]] entry in {other} also sets {one.key} on {day}: give the "
                    "value in one place",
                )
