"""Reading a scenario: TOML files and their ``extends`` chain, ``--set`` overrides, the
``[[schedule]]``, and the rules across keys."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abm import validation
from abm.config.errors import ConfigError, _suggest
from abm.config.run import _add_years
from abm.config.scenario import (
    APRIL_ONLY,
    FIXED_FOR_A_RUN,
    SECTIONS,
    Scenario,
    ScheduledChange,
    _split_key,
)
from abm.config.values import _coerce_type, coerce_value
from abm.limits import folder_name_problem

if TYPE_CHECKING:
    from abm.series import Series


def _read_toml(path: Path, source: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            source, "extends" if source != str(path) else "", (f"file not found: {path}")
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"not valid TOML: {exc}") from None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


@dataclasses.dataclass
class _Layer:
    """Raw values from one file, with the file each came from."""

    values: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)
    schedule: list[tuple[dict[str, Any], str]] = dataclasses.field(default_factory=list)
    series: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)
    meta: dict[str, tuple[Any, str]] = dataclasses.field(default_factory=dict)


def _load_layers(path: Path, chain: tuple[Path, ...] = ()) -> _Layer:
    path = path.resolve()
    source = str(path)
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ConfigError(str(chain[-1]), "extends", f"extends cycle: {cycle}")
    data = _read_toml(path, str(chain[-1]) if chain else source)
    layer = _Layer()
    if "extends" in data:
        parent = data.pop("extends")
        if not isinstance(parent, str):
            raise ConfigError(source, "extends", "must be a file path in quotes")
        parent_path = (path.parent / parent).resolve()
        if not parent_path.is_file():
            raise ConfigError(source, "extends", f"file not found: {parent_path}")
        layer = _load_layers(parent_path, (*chain, path))
    for key in ("name", "description"):
        if key in data:
            value = data.pop(key)
            if not isinstance(value, str):
                raise ConfigError(source, key, f"must be text, got {value!r}")
            problem = folder_name_problem(value) if key == "name" else None
            if problem is not None:
                raise ConfigError(source, key, problem)
            layer.meta[key] = (value, source)
    if "schedule" in data:
        entries = data.pop("schedule")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ConfigError(source, "schedule", "must be a list of [[schedule]] tables")
        layer.schedule = layer.schedule + [(entry, source) for entry in entries]
    if "series" in data:
        from abm import series  # noqa: PLC0415 - abm.series imports this module

        # a file's series for a key replaces the one it extends
        for key, table in series.tables(data.pop("series"), source).items():
            layer.series[key] = (table, source)
    for section, table in data.items():
        if section not in SECTIONS:
            allowed = [*SECTIONS, "extends", "name", "description", "schedule", "series"]
            raise ConfigError(source, section, f"unknown section{_suggest(section, allowed)}")
        if not isinstance(table, dict):
            raise ConfigError(source, section, "must be a table ([section])")
        for key, value in _flatten(table).items():
            layer.values[f"{section}.{key}"] = (value, source)
    return layer


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` from the command line and read the value as TOML data.

    ``850`` is a number, ``true`` a boolean, ``2027-04-01`` a date, ``[0.5, 0.5]`` a list and
    anything that is not valid TOML is taken as text. Nothing is evaluated.
    """
    if "=" not in text:
        raise ConfigError("--set", text, "must look like key=value (e.g. hospital.beds=850)")
    key, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Read, merge and validate a scenario file and command-line overrides.

    Raises:
        ConfigError: at the first problem, naming the file (or ``--set``) and the key.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(str(path), "", "file not found")
    layer = _load_layers(path)
    values = dict(layer.values)
    for text in overrides:
        key, value = parse_override(text)
        values[key] = (value, "--set")
    return build_scenario(
        values,
        layer.schedule,
        layer.series,
        name=layer.meta.get("name", (path.stem, ""))[0],
        description=layer.meta.get("description", ("", ""))[0],
        source=str(path.resolve()),
    )


def build_scenario(
    values: Mapping[str, tuple[Any, str]],
    schedule: Iterable[tuple[Mapping[str, Any], str]] = (),
    series: Mapping[str, tuple[Any, str]] | None = None,
    *,
    name: str = "scenario",
    description: str = "",
    source: str = "",
) -> Scenario:
    """Validate raw values (each with the file it came from) into a frozen scenario.

    Each value is checked against its field, then the whole scenario and every date of its
    timeline (``[[schedule]]`` and ``[series]``, :meth:`Scenario.timeline`) against the rules
    of :mod:`abm.validation`; ``source`` is named for a broken rule whose key no file set.
    ``series`` maps a dotted key to its raw ``[series]`` table and the file that holds it.
    """
    sections: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for key, (value, origin) in values.items():
        section, field_name = _split_key(key, origin)
        sections[section][field_name] = coerce_value(key, value, origin)
    built = {section: SECTIONS[section](**fields) for section, fields in sections.items()}
    scenario = Scenario(name=name, description=description, **built)
    workforce = scenario.workforce
    if workforce.pay_rule != "market" and workforce.pay_rise_paid_by == "none":
        origin = values.get(
            "workforce.pay_rise_paid_by", values.get("workforce.pay_rule", (None, ""))
        )[1]
        raise ConfigError(
            origin,
            "workforce.pay_rise_paid_by",
            f"pay rule {workforce.pay_rule!r} raises care pay, so someone must pay for it: "
            "set pay_rise_paid_by to 'fees' or 'providers'",
        )
    given = {key: origin for key, (_, origin) in values.items()}
    check_rules(scenario, given, source)
    steps = [(_build_change(entry, origin, scenario), origin) for entry, origin in schedule]
    steps.sort(key=lambda step: step[0].date)
    built: list[tuple[Series, str]] = []
    if series:
        from abm import series as dated  # noqa: PLC0415 - abm.series imports this module

        built = [
            (dated.build(key, table, origin, scenario), origin)
            for key, (table, origin) in sorted(series.items())
        ]
        dated.check_clashes(built, steps)
    origins = {(change.date, key): origin for change, origin in steps for key, _ in change.changes}
    for one, origin in built:
        origins |= {(day, one.key): origin for day, _ in one.changes()}
    resolved = dataclasses.replace(
        scenario,
        schedule=tuple(change for change, _ in steps),
        series=tuple(one for one, _ in built),
    )
    current = scenario
    for change in resolved.timeline():
        current = current.with_changes(change.changes)
        setters = {key: origins[change.date, key] for key, _ in change.changes}
        check_rules(current, given | setters, source)
    return resolved


def check_rules(scenario: Scenario, given: Mapping[str, str], source: str) -> None:
    """Stop at the first rule of :mod:`abm.validation` that ``scenario`` breaks, naming the
    file that set its key (``given``: key -> file) or else ``source``."""
    for problem in validation.problems(scenario):
        raise ConfigError(given.get(problem.key, source), problem.key, problem.message)


def _build_change(entry: Mapping[str, Any], source: str, scenario: Scenario) -> ScheduledChange:
    unknown = set(entry) - {"date", "set"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(
            source, f"schedule.{key}", "unknown key (a [[schedule]] entry has 'date' and 'set')"
        )
    if "date" not in entry:
        raise ConfigError(source, "schedule.date", "missing: every [[schedule]] entry needs a date")
    when = _coerce_type("schedule.date", entry["date"], dt.date, source)
    sets = entry.get("set")
    if not isinstance(sets, Mapping) or not sets:
        raise ConfigError(
            source,
            "schedule.set",
            'must be a table of lever changes, e.g. set = { "hospital.beds" = 700 }',
        )
    changes = []
    for key, value in _flatten(sets).items():
        if key.startswith("run."):
            raise ConfigError(source, f"schedule.set.{key}", "run settings cannot change mid-run")
        if key in FIXED_FOR_A_RUN:
            raise ConfigError(source, f"schedule.set.{key}", FIXED_FOR_A_RUN[key])
        _split_key(key, source)
        changes.append((key, coerce_value(key, value, source)))
    first = scenario.run.start_date - dt.timedelta(days=scenario.run.warmup_days)
    for key, _ in changes:
        if key in APRIL_ONLY and ((when.month, when.day) != (4, 1) or when <= first):
            raise ConfigError(
                source,
                f"schedule.set.{key}",
                f"changes only on a 1 April after the first simulated day {first}, when "
                f"budgets are set (got {when}); give the first value as {key} itself",
            )
    last = _add_years(scenario.run.start_date, scenario.run.years)
    if not first <= when < last:
        raise ConfigError(
            source, "schedule.date", f"{when} is outside the simulated period {first} to {last}"
        )
    return ScheduledChange(date=when, changes=tuple(changes))
