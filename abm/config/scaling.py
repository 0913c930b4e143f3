"""A scenario scaled to an area's size: the rule of ``run``, ``compare``, ``sweep`` and
``serve`` (``--area``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from abm import validation
from abm.config.area import AREA_KEY
from abm.config.errors import ConfigError
from abm.config.loading import parse_override
from abm.config.scenario import Scenario, all_keys, field_of
from abm.config.values import coerce_value


def scale_area(scenario: Scenario, residents_65plus: int) -> Scenario:
    """The same system for an area of ``residents_65plus`` residents.

    Every field declared ``area=True`` (beds, capacities, background hospital load) is scaled
    in proportion, in the scenario, in its ``[[schedule]]`` (winter beds open in proportion
    too) and in its dated series (each point; a linear series then runs between the scaled
    points, so a results folder's ``config.toml`` compiles to the same steps). A small area
    is then the default area in miniature: handy for quick runs, tests and the visual server.
    Commands go through :func:`apply_area`, which checks the number first.
    """
    factor = residents_65plus / scenario.population.residents_65plus

    def scaled(key: str, value: Any) -> Any:
        f = field_of(key)
        if not f.metadata.get("area"):
            return value
        return round(value * factor) if isinstance(f.default, int) else value * factor

    changes: list[tuple[str, Any]] = [(AREA_KEY, residents_65plus)]
    changes += [
        (key, scaled(key, scenario.get(key)))
        for key in all_keys()
        if field_of(key).metadata.get("area")
    ]
    schedule = tuple(
        dataclasses.replace(
            change, changes=tuple((key, scaled(key, value)) for key, value in change.changes)
        )
        for change in scenario.schedule
    )
    series = tuple(
        dataclasses.replace(
            one, points=tuple((day, scaled(one.key, value)) for day, value in one.points)
        )
        for one in scenario.series
    )
    return dataclasses.replace(scenario.with_changes(changes), schedule=schedule, series=series)


def apply_area(
    scenario: Scenario, residents_65plus: object, source: str, key: str = AREA_KEY
) -> Scenario:
    """The area-scaling rule of ``run``, ``compare``, ``sweep`` and ``serve``: the scenario's
    system in an area of ``residents_65plus`` residents 65+ (:func:`scale_area`).

    The number is checked as ``population.residents_65plus`` is (a whole number, at least 10);
    a bad one stops with one message naming ``source`` (``--area``, ``--set``, a sweep file)
    and ``key`` (how that source calls it).

    Raises:
        ConfigError: the number is not a whole number of at least 10.
    """
    try:
        residents = coerce_value(AREA_KEY, residents_65plus, source)
    except ConfigError as error:
        raise ConfigError(source, key, error.message) from None
    scaled = scale_area(scenario, residents)
    for problem in validation.problems(scaled):
        name = key if problem.key == AREA_KEY else problem.key
        raise ConfigError(source, name, problem.message)
    return scaled


def area_from_command_line(
    overrides: Iterable[str], area: int | None, say: Callable[[str], object]
) -> tuple[list[str], int | None, str]:
    """The area asked for on the command line, and the other ``--set`` overrides.

    On the command line ``--set population.residents_65plus=N`` means ``--area N``: changing
    the number of residents alone would leave a full-size hospital and full-size services in
    a small area, so the whole area is scaled instead (``say`` is told so in one line). Given
    with ``--area`` as well, it is refused: two answers to one question.

    Returns:
        The overrides without the number of residents, the residents (None: the config's own
        area) and where they were given (``--area`` or ``--set``).

    Raises:
        ConfigError: both ``--area`` and ``--set population.residents_65plus`` were given, or
            the number is not a whole number of at least 10.
    """
    rest: list[str] = []
    residents: int | None = None
    for text in overrides:
        key, value = parse_override(text)
        if key == AREA_KEY:
            residents = coerce_value(AREA_KEY, value, "--set")
        else:
            rest.append(text)
    if residents is None:
        if area is not None:
            coerce_value(AREA_KEY, area, "--area")
        return rest, area, "--area"
    if area is not None:
        raise ConfigError(
            "--area",
            AREA_KEY,
            f"given twice (--area {area} and --set {AREA_KEY}={residents}); "
            "both scale the area: give one",
        )
    say(
        f"care-abm: --set {AREA_KEY}={residents} scales the whole area, as --area {residents} "
        "does (beds and capacities in proportion)"
    )
    return rest, residents, "--set"
