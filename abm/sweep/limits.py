"""Limits of a sweep: how large a design may be, and every point checked before a run.

A sweep file is checked as a config is (:mod:`abm.sweep.spec`); these checks need the size
of the design or its points: a grid of 1,000 steps in three parameters is a billion runs,
and a point can break a rule that no single value does (a lower capital limit varied past
the upper one). Both stop the sweep with one message before anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from abm.config import ConfigError
from abm.validation import problems

if TYPE_CHECKING:
    from abm.sweep.spec import Parameter, SweepSpec

# Upper bounds, so a typo (steps = 1000000000) is one message, not a MemoryError.
MAX_STEPS = 1000
MAX_SAMPLES = 1_000_000
MAX_POINTS = 1_000_000
MAX_RUNS = 1_000_000
MAX_REPLICATIONS = 10_000  # as run.replications
MAX_LEVELS = 100
MAX_RESAMPLES = 100_000


def design_points(
    design: str, parameters: Sequence[Parameter], samples: int | None, second_order: bool
) -> int:
    """How many points a design has, computed without drawing them."""
    d = len(parameters)
    if design == "grid":
        return math.prod(len(p.values) for p in parameters)
    n = int(samples or 0)
    if design == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    if design == "morris":
        return n * (d + 1)
    return n


def check_size(
    source: str,
    *,
    design: str,
    parameters: Sequence[Parameter],
    samples: int | None,
    second_order: bool,
    replications: int,
) -> None:
    """Stop when the design, or its runs, would be too many to hold or run."""
    points = design_points(design, parameters, samples, second_order)
    if points > MAX_POINTS:
        key = "parameters" if design == "grid" else "samples"
        raise ConfigError(
            source, key, f"the {design} design has {points:,} points; at most {MAX_POINTS:,}"
        )
    if points * replications > MAX_RUNS:
        raise ConfigError(
            source,
            "replications",
            f"{points:,} points x {replications:,} replications = {points * replications:,} "
            f"runs; at most {MAX_RUNS:,}",
        )


def check_points(spec: SweepSpec, points: Sequence[Sequence[tuple[str, Any]]]) -> None:
    """Every point of a design checked against the scenario rules (:mod:`abm.validation`)
    before any run starts: a point whose lower capital limit passes its upper one, say.

    Raises:
        ConfigError: naming the sweep file, the parameter and the point.
    """
    for index, changes in enumerate(points):
        for problem in problems(spec.base.with_changes(changes)):
            varied = dict(changes)
            key = f"parameters.{problem.key}" if problem.key in varied else problem.key
            shown = ", ".join(
                f"{k} = {f'{v:g}' if isinstance(v, float) else str(v)}" for k, v in varied.items()
            )
            raise ConfigError(spec.source, key, f"point {index} ({shown}): {problem.message}")
