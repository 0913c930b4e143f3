"""One value checked against its declared field and returned in the field's type."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any

from abm.config.errors import ConfigError, _suggest
from abm.config.scenario import SECTIONS, all_keys, field_of
from abm.limits import range_problem


def coerce_value(key: str, value: Any, source: str) -> Any:
    """Check one value against its declared field and return it in the field's type."""
    try:
        f = field_of(key)
    except (KeyError, ValueError):
        raise ConfigError(source, key, f"unknown key{_suggest(key, all_keys())}") from None
    meta = f.metadata
    hint = _field_types(f)
    value = _coerce_type(key, value, hint, source)
    _check_range(key, value, meta, source)
    return value


@functools.cache  # resolving type hints is most of the cost of loading a config
def _field_types(f: dataclasses.Field) -> Any:
    owner = next(cls for cls in SECTIONS.values() if f in dataclasses.fields(cls))
    return typing.get_type_hints(owner)[f.name]


def coerce_date(key: str, value: Any, source: str) -> dt.date:
    """A date from TOML (a local date, or text YYYY-MM-DD), checked as a config date is."""
    return _coerce_type(key, value, dt.date, source)


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        return "a list of numbers"
    return {
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        str: "text",
        dt.date: "a date (YYYY-MM-DD)",
    }.get(hint, str(hint))


def _coerce_type(key: str, value: Any, hint: Any, source: str) -> Any:
    wrong = ConfigError(source, key, f"must be {_type_name(hint)}, got {value!r}")
    if hint is bool:
        if not isinstance(value, bool):
            raise wrong
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise wrong
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise wrong
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            if value.timetz() != dt.time(0):  # a time of day would be silently dropped
                raise ConfigError(
                    source, key, f"must be a date (YYYY-MM-DD) without a time of day, got {value}"
                )
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ConfigError(
                    source, key, f"not a valid date (YYYY-MM-DD): {value!r}"
                ) from None
        raise wrong
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list | tuple):
            raise wrong
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise wrong
            items.append(float(item))
        return tuple(items)
    if isinstance(hint, types.UnionType):  # pragma: no cover - no optional fields yet
        return value
    raise wrong  # pragma: no cover


def _check_range(key: str, value: Any, meta: Mapping[str, Any], source: str) -> None:
    choices = meta.get("choices")
    if choices and value not in choices:
        raise ConfigError(
            source,
            key,
            f"must be one of {', '.join(choices)}; got {value!r}{_suggest(str(value), choices)}",
        )
    problem = range_problem(key, value, meta)
    if problem is not None:
        raise ConfigError(source, key, problem)
