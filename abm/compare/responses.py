"""The lever response table: every lever and main capacity, one at a time, against the baseline.

A response file (``experiments/responses/levers.toml``) is TOML data naming a base config and a list
of levers. Each lever sets keys to values (``set``: a pool, a means test, a pay rule) or
multiplies the base's value of numeric keys (``scale``: a budget -10%, care-home places +10%),
and names the mechanism through which it acts. Everything is checked before anything runs; the
first problem stops with one line naming the file and the key, like every config error.

The levers are run as one paired comparison (:class:`abm.compare.runner.Comparison`): the base
once, every lever with the same replication seeds and, with a plausible ensemble, replication k
of every config with member k. Each lever's resolved config is written as a whole TOML file
(no ``extends``) into the comparison's ``sources/``, so what was run can be run again with
``care-abm compare``. :mod:`abm.compare.responses_page` turns the folder into the table.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomli_w

from abm.compare.pairing import Entry
from abm.config import (
    ConfigError,
    Scenario,
    all_keys,
    apply_area,
    coerce_value,
    load_scenario,
)

SPEC_KEYS = ("base", "note", "lever")
LEVER_KEYS = ("name", "label", "mechanism", "set", "scale")
NAME = re.compile(r"^[a-z0-9_]+$")


@dataclasses.dataclass(frozen=True)
class Lever:
    """One row of the table: what it changes, and the mechanism through which it acts."""

    name: str
    label: str
    mechanism: str
    changes: tuple[tuple[str, Any], ...]


@dataclasses.dataclass(frozen=True)
class ResponseSpec:
    """A response file resolved: the base config and its levers."""

    path: Path
    base_path: Path
    base: Scenario
    levers: tuple[Lever, ...]
    note: str = ""

    def scenario(self, lever: Lever) -> Scenario:
        """The base with the lever's changes, named after the lever."""
        changed = self.base.with_changes(lever.changes)
        return dataclasses.replace(changed, name=lever.name, description=lever.label)


def load_spec(
    path: str | Path,
    overrides: tuple[str, ...] = (),
    area: int | None = None,
    area_source: str = "--area",
) -> ResponseSpec:
    """Read and check a response file; ``overrides`` (``key=value``) apply to the base, which
    ``area`` then scales (:func:`abm.config.apply_area`) before the levers scale its values.

    Raises:
        ConfigError: naming the file and the key of the first problem.
    """
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(source, "", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}") from None
    for key in data:
        if key not in SPEC_KEYS:
            raise ConfigError(source, key, f"unknown key (expected one of {', '.join(SPEC_KEYS)})")
    if not isinstance(data.get("base"), str):
        raise ConfigError(source, "base", "must name the base config file, in quotes")
    base_path = (path.parent / data["base"]).resolve()
    if not base_path.is_file():
        raise ConfigError(source, "base", f"file not found: {base_path}")
    base = load_scenario(base_path, overrides)
    if area is not None:
        base = apply_area(base, area, area_source)
    raw = data.get("lever")
    if not isinstance(raw, list) or not raw:
        raise ConfigError(source, "lever", "needs at least one [[lever]] table")
    levers = tuple(_lever(item, k, base, source) for k, item in enumerate(raw))
    names = [lever.name for lever in levers]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(source, "lever.name", f"{name!r} is used more than once")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise ConfigError(source, "note", "must be text in quotes")
    return ResponseSpec(
        path=path, base_path=base_path, base=base, levers=levers, note=" ".join(note.split())
    )


def _lever(item: Any, k: int, base: Scenario, source: str) -> Lever:
    where = f"lever[{k}]"
    if not isinstance(item, dict):
        raise ConfigError(source, where, "must be a table")
    for key in item:
        if key not in LEVER_KEYS:
            raise ConfigError(
                source, f"{where}.{key}", f"unknown key (expected one of {', '.join(LEVER_KEYS)})"
            )
    for key in ("name", "label", "mechanism"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ConfigError(source, f"{where}.{key}", "must be a non-empty string")
    if not NAME.match(item["name"]) or item["name"] == base.name:
        raise ConfigError(
            source,
            f"{where}.name",
            f"{item['name']!r} must be lower-case letters, digits and _, and not the base's name",
        )
    changes: list[tuple[str, Any]] = []
    for key, value in _table(item, "set", where, source).items():
        changes.append((key, _checked(key, value, f"{where}.set", source)))
    for key, factor in _table(item, "scale", where, source).items():
        changes.append((key, _scaled(base, key, factor, f"{where}.scale", source)))
    if not changes:
        raise ConfigError(source, where, "changes nothing: give `set` or `scale`")
    keys = [key for key, _ in changes]
    for key in keys:
        if keys.count(key) > 1:
            raise ConfigError(source, f"{where}.{key}", "is both set and scaled")
    return Lever(
        item["name"], item["label"].strip(), " ".join(item["mechanism"].split()), tuple(changes)
    )


def _table(item: dict, name: str, where: str, source: str) -> dict[str, Any]:
    table = item.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(source, f"{where}.{name}", "must be a table of dotted keys")
    return table


def _checked(key: str, value: Any, where: str, source: str) -> Any:
    """``value`` in the key's type; a bad key or value is named where the file has it."""
    try:
        return coerce_value(key, value, source)
    except ConfigError as exc:
        raise ConfigError(source, f"{where}.{key}", exc.message) from None


def _scaled(base: Scenario, key: str, factor: Any, where: str, source: str) -> Any:
    """The base's value of ``key`` times ``factor``, in the key's type (whole numbers round)."""
    if key not in all_keys():
        _checked(key, factor, where, source)  # raises: unknown key, with the nearest known one
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0:
        raise ConfigError(
            source, f"{where}.{key}", f"factor must be a positive number, not {factor!r}"
        )
    value = base.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(source, f"{where}.{key}", f"cannot be scaled: its value is {value!r}")
    scaled = value * factor
    scaled = math.floor(scaled + 0.5) if isinstance(value, int) else round(scaled, 6)
    return _checked(key, scaled, where, source)


@contextmanager
def lever_entries(spec: ResponseSpec) -> Iterator[list[Entry]]:
    """The comparison's entries: the base, then one per lever, each lever's resolved config
    written as a whole TOML file (kept until the comparison has copied it)."""
    with tempfile.TemporaryDirectory(prefix="care-abm-levers-") as folder:
        entries = [Entry(path=spec.base_path, scenario=spec.base, name=spec.base.name)]
        for lever in spec.levers:
            scenario = spec.scenario(lever)
            path = Path(folder) / f"{lever.name}.toml"
            header = f"# {lever.label}: {lever.mechanism}\n# from {spec.path}\n"
            path.write_text(header + tomli_w.dumps(scenario.to_dict()))
            entries.append(Entry(path=path, scenario=scenario, name=lever.name))
        yield entries
