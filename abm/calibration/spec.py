"""Calibration files: which parameters to fit, over what ranges, against which targets.

A calibration file (``experiments/calibration/*.toml``) is TOML data, checked completely
before any run, with one-line errors naming the file and the key (as configs and sweep files
are). It names a base experiment config, the area size and horizon to calibrate on (an area
scaled down with :func:`abm.config.scale_area` and a short horizon keep hundreds of runs
practical), the parameters and their prior ranges, the first wave's design (a Latin hypercube
or a Sobol sequence), the waves of history matching (``waves = [{ samples = 150 }, ...]``),
replications, the implausibility's settings (``cutoff``, ``measure``, ``tolerance_sds``,
``discrepancy`` and ``[discrepancy_by_target]``, ``pool``, ``min_effect``), the ensemble
(``ensemble``, ``ensemble_size``) and the file the best verified member goes to
(docs/calibration.md says what each means and why its default is what it is).

A parameter is a dotted config key with a range in the config file's units (for the full-size
area: a range for ``hospital.beds`` is a range of the baseline's beds, scaled to the
calibration area for the runs), in one of three forms:

- ``"admissions.post_discharge_hazard_ratio" = { low = 2.0, high = 9.0 }``: a number (``log =
  true`` samples the range on a log scale);
- ``"hospital.clinical_los_days" = { scale = [0.7, 1.1] }``: the default list of numbers (in
  ``abm/config/``) multiplied by one factor, which keeps the shape of the list (by frailty,
  say) and fits its level;
- ``"frailty.progression_per_1000py[1]" = { low = 60, high = 170 }``: one element of the
  default list.

Lists start from the config's defaults, not from the base config's values: the base extends
the calibrated file, and a fit must not depend on the fit before it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from abm.calibration.history import MEASURES, Uncertainty
from abm.config import ConfigError, Scenario, all_keys, coerce_value, field_of
from abm.sweep.spec import base_scenario, finite_number, read_checked, whole_number

DESIGNS = ("latin_hypercube", "sobol")
TOP_LEVEL_KEYS = (
    "name",
    "description",
    "base",
    "output",
    "targets",
    "area_residents",
    "set",
    "parameters",
    "design",
    "waves",
    "replications",
    "verify_replications",
    "seed",
    "splits",
    "cluster",
    "verify_candidates",
    "ensemble",
    "ensemble_size",
    "cutoff",
    "measure",
    "tolerance_sds",
    "discrepancy",
    "discrepancy_by_target",
    "pool",
    "min_effect",
    "top_ups",
)
ELEMENT = re.compile(r"^(?P<key>[a-z_]+\.[a-z0-9_]+)\[(?P<index>\d+)\]$")
SPEC_KEYS = ("low", "high", "log", "scale")


@dataclasses.dataclass(frozen=True)
class CalibrationParameter:
    """One fitted quantity: a number, one element of a list, or a factor on a whole list."""

    name: str  # as written: "hospital.beds", "x.y[1]"
    key: str  # the config key
    kind: str  # "value", "element" or "scale"
    low: float
    high: float
    log: bool = False
    index: int | None = None
    integer: bool = False

    def from_unit(self, unit: float) -> float:
        """The parameter's value at a unit-interval coordinate."""
        u = min(max(float(unit), 0.0), 1.0)
        if self.log:
            value = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            value = self.low + u * (self.high - self.low)
        return float(round(value)) if self.integer else value

    def to_unit(self, value: float) -> float:
        """The unit-interval coordinate of a value (the inverse of :meth:`from_unit`)."""
        if self.log:
            return (math.log(value) - math.log(self.low)) / (
                math.log(self.high) - math.log(self.low)
            )
        return (value - self.low) / (self.high - self.low)


@dataclasses.dataclass(frozen=True)
class Wave:
    """One wave of history matching: ``samples`` new points, the first over the whole prior
    box, each later one from the region the earlier waves' emulators left non-implausible."""

    samples: int


@dataclasses.dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration file."""

    source: str
    name: str
    description: str
    base: Scenario  # scaled to the calibration area, with [set] applied: what runs
    full_base: Scenario  # the base config as written (the calibrated file's units)
    base_file: Path
    output: Path
    targets_file: Path | None
    area_residents: int
    parameters: tuple[CalibrationParameter, ...]
    design: str
    waves: tuple[Wave, ...]
    replications: int
    verify_replications: int
    seed: int
    splits: tuple[str, ...]
    cluster: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    verify_candidates: int = 2
    ensemble: Path | None = None  # where the plausible ensemble goes
    ensemble_size: int = 50  # at least this many non-implausible members
    uncertainty: Uncertainty = dataclasses.field(default_factory=Uncertainty)
    pool: int = 20000  # candidates drawn from the prior box to find the region
    min_effect: float = 0.1  # tolerances: a smaller effect on every target is none
    top_ups: int = 3  # rounds of runs after the last wave, while the ensemble is short

    @property
    def ensemble_file(self) -> Path:
        """The ensemble's file: as given, or ``calibrated/ensemble.parquet`` beside the
        calibrated file."""
        return self.ensemble or self.output.parent / "calibrated" / "ensemble.parquet"

    @property
    def names(self) -> list[str]:
        """Parameter names in the file's order."""
        return [p.name for p in self.parameters]

    def values(self, unit: Sequence[float]) -> dict[str, float]:
        """Parameter values at unit coordinates."""
        return {p.name: p.from_unit(u) for p, u in zip(self.parameters, unit, strict=True)}

    @property
    def area_factor(self) -> float:
        """The calibration area's size relative to the base config's area."""
        return self.area_residents / self.full_base.population.residents_65plus

    def changes(self, unit: Sequence[float]) -> tuple[tuple[str, Any], ...]:
        """The validated ``(config key, value)`` changes that run a point (given in unit
        coordinates) on the calibration area: lists are rebuilt from the base value, scaled or
        with one element set, and values proportional to the area are scaled to it."""
        return config_changes(self.base, self.parameters, unit, self.source, self.area_factor)

    def full_size_changes(self, unit: Sequence[float]) -> tuple[tuple[str, Any], ...]:
        """The same point as changes to the base config itself (the calibrated file's
        values, in the units the config file uses)."""
        return config_changes(self.full_base, self.parameters, unit, self.source)


def config_changes(
    base: Scenario,
    parameters: Sequence[CalibrationParameter],
    unit: Sequence[float],
    source: str = "",
    area_factor: float = 1.0,
) -> tuple[tuple[str, Any], ...]:
    """Config changes for unit coordinates ``unit`` of ``parameters`` on ``base``.

    Parameter ranges are in the config file's units (the full-size area); a value of a field
    declared proportional to the area (``area=True``) is multiplied by ``area_factor``."""
    values: dict[str, Any] = {}
    for parameter, u in zip(parameters, unit, strict=True):
        x = parameter.from_unit(u)
        if field_of(parameter.key).metadata.get("area") and parameter.kind != "scale":
            x *= area_factor
        if parameter.kind == "value":
            values[parameter.key] = x
            continue
        current = list(values.get(parameter.key, _default_list(parameter.key, area_factor)))
        if parameter.kind == "scale":
            current = [item * x for item in current]
        else:
            current[int(parameter.index)] = x  # type: ignore[arg-type]
        values[parameter.key] = tuple(current)
    return tuple(
        (key, coerce_value(key, _plain(key, value), source)) for key, value in values.items()
    )


def _default_list(key: str, area_factor: float) -> list[float]:
    """The list a ``scale`` or an element parameter starts from: the config's default (scaled
    to the calibration area if proportional to it), never the base config's value, which
    extends the calibrated file: a fit must not depend on the previous fit."""
    field = field_of(key)
    default = field.default if field.default is not dataclasses.MISSING else field.default_factory()
    factor = area_factor if field.metadata.get("area") else 1.0
    return [item * factor for item in default]


def _plain(key: str, value: Any) -> Any:
    if isinstance(field_of(key).default, int) and not isinstance(field_of(key).default, bool):
        return round(value)
    return list(value) if isinstance(value, tuple) else value


# --------------------------------------------------------------------------- reading


def _parameter(name: str, raw: Any, source: str) -> CalibrationParameter:
    where = f"parameters.{name}"
    match = ELEMENT.match(name)
    key, index = (match["key"], int(match["index"])) if match else (name, None)
    if key not in all_keys():
        raise ConfigError(source, where, "unknown config key")
    default = field_of(key).default
    if not isinstance(raw, Mapping):
        raise ConfigError(
            source, where, "must be a table: { low, high } or { scale = [low, high] }"
        )
    unknown = sorted(set(raw) - set(SPEC_KEYS))
    if unknown:
        raise ConfigError(
            source, f"{where}.{unknown[0]}", f"unknown option; use {', '.join(SPEC_KEYS)}"
        )
    is_list = isinstance(default, tuple)
    if "scale" in raw:
        if not is_list or index is not None:
            raise ConfigError(source, where, "scale applies to a whole list of numbers")
        if field_of(key).metadata.get("kind") == "distribution":
            raise ConfigError(source, where, "a distribution must add up to 1 and cannot be scaled")
        bounds = raw["scale"]
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ConfigError(source, f"{where}.scale", "must be [low, high]")
        low, high = (finite_number(source, f"{where}.scale", b) for b in bounds)
        kind = "scale"
    else:
        if "low" not in raw or "high" not in raw:
            raise ConfigError(source, where, "needs low and high (or scale = [low, high])")
        low = finite_number(source, f"{where}.low", raw["low"])
        high = finite_number(source, f"{where}.high", raw["high"])
        if is_list and index is None:
            raise ConfigError(
                source, where, f"is a list: give one element ({key}[0]) or scale = [low, high]"
            )
        if index is not None and (not is_list or index >= len(default)):
            raise ConfigError(source, where, f"{key} has no element {index}")
        if (not is_list and not isinstance(default, int | float)) or isinstance(default, bool):
            raise ConfigError(source, where, "is not a number")
        kind = "element" if index is not None else "value"
    if not low < high:
        raise ConfigError(source, where, f"low ({low:g}) must be below high ({high:g})")
    log = raw.get("log", False)
    if not isinstance(log, bool):
        raise ConfigError(source, f"{where}.log", "must be true or false")
    if log and low <= 0:
        raise ConfigError(source, where, "a log scale needs low above 0")
    integer = kind == "value" and isinstance(default, int)
    return CalibrationParameter(name, key, kind, low, high, log, index, integer)


def _waves(source: str, raw: Any) -> tuple[Wave, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(w, Mapping) for w in raw):
        raise ConfigError(source, "waves", "must be a list of tables, e.g. [{ samples = 200 }]")
    waves = []
    for i, wave in enumerate(raw):
        unknown = sorted(set(wave) - {"samples"})
        if unknown:
            raise ConfigError(
                source,
                f"waves[{i}].{unknown[0]}",
                "unknown option: a wave has only samples (history matching draws each later "
                "wave from the non-implausible region; docs/calibration.md)",
            )
        waves.append(Wave(whole_number(source, f"waves[{i}].samples", wave.get("samples"), 4)))
    return tuple(waves)


def _positive(source: str, key: str, raw: Any, default: float) -> float:
    value = finite_number(source, key, default if raw is None else raw)
    if value <= 0:
        raise ConfigError(source, key, f"must be above 0, got {value:g}")
    return value


def _uncertainty(source: str, data: Mapping[str, Any]) -> Uncertainty:
    """The implausibility's settings: cut-off, measure, observation and discrepancy sds."""
    measure = data.get("measure", "second_max")
    if measure not in MEASURES:
        raise ConfigError(
            source, "measure", f"must be one of {', '.join(MEASURES)}, got {measure!r}"
        )
    by_target = data.get("discrepancy_by_target", {})
    if not isinstance(by_target, Mapping):
        raise ConfigError(source, "discrepancy_by_target", "must be a table: target id = sd")
    return Uncertainty(
        tolerance_sds=_positive(source, "tolerance_sds", data.get("tolerance_sds"), 2.0),
        discrepancy=finite_number(source, "discrepancy", data.get("discrepancy", 0.5)),
        discrepancy_by_target={
            str(k): finite_number(source, f"discrepancy_by_target.{k}", v)
            for k, v in by_target.items()
        },
        cutoff=_positive(source, "cutoff", data.get("cutoff"), 3.0),
        measure=measure,
    )


def load_calibration(path: str | Path) -> CalibrationSpec:
    """Read and check a calibration file completely, before any run.

    Raises:
        ConfigError: at the first problem, naming the file and the key.
    """
    path = Path(path)
    source = str(path)
    data = read_checked(path, TOP_LEVEL_KEYS)
    for key in ("base", "output", "parameters", "waves"):
        if key not in data:
            raise ConfigError(source, key, "missing")
    base_file = (path.parent / str(data["base"])).resolve()
    output = (path.parent / str(data["output"])).resolve()
    targets_file = (path.parent / str(data["targets"])).resolve() if "targets" in data else None
    area = whole_number(source, "area_residents", data.get("area_residents", 20000), 10)
    base = base_scenario({**data, "area_residents": area}, path)
    full_base = base_scenario({k: v for k, v in data.items() if k != "area_residents"}, path)
    table = data["parameters"]
    if not isinstance(table, Mapping) or not table:
        raise ConfigError(source, "parameters", "must be a table with at least one parameter")
    parameters = tuple(_parameter(str(name), raw, source) for name, raw in table.items())
    design = data.get("design", "latin_hypercube")
    if design not in DESIGNS:
        raise ConfigError(source, "design", f"must be one of {', '.join(DESIGNS)}, got {design!r}")
    splits = tuple(data.get("splits", ["fit"]))
    if not set(splits) <= {"fit", "check"}:
        raise ConfigError(source, "splits", f"must be a list of fit and check, got {splits!r}")
    cluster = data.get("cluster", {})
    if not isinstance(cluster, Mapping) or not all(
        isinstance(v, Mapping) for v in cluster.values()
    ):
        raise ConfigError(
            source, "cluster", "must hold one table per cluster kind, e.g. [cluster.slurm]"
        )
    spec = CalibrationSpec(
        source=source,
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        base=base,
        full_base=full_base,
        base_file=base_file,
        output=output,
        targets_file=targets_file,
        area_residents=area,
        parameters=parameters,
        design=design,
        waves=_waves(source, data["waves"]),
        replications=whole_number(source, "replications", data.get("replications", 2), 1),
        verify_replications=whole_number(
            source, "verify_replications", data.get("verify_replications", 4), 1
        ),
        seed=whole_number(source, "seed", data.get("seed", 1), 0),
        splits=splits,
        cluster={k: dict(v) for k, v in cluster.items()},
        verify_candidates=whole_number(
            source, "verify_candidates", data.get("verify_candidates", 2), 2
        ),
        ensemble=(path.parent / str(data["ensemble"])).resolve() if "ensemble" in data else None,
        ensemble_size=whole_number(source, "ensemble_size", data.get("ensemble_size", 50), 1),
        uncertainty=_uncertainty(source, data),
        pool=whole_number(source, "pool", data.get("pool", 20000), 100),
        min_effect=finite_number(source, "min_effect", data.get("min_effect", 0.1)),
        top_ups=whole_number(source, "top_ups", data.get("top_ups", 3), 0),
    )
    if spec.uncertainty.discrepancy < 0 or spec.min_effect < 0:
        key = "discrepancy" if spec.uncertainty.discrepancy < 0 else "min_effect"
        raise ConfigError(source, key, "must be 0 or above")
    for corner in (np.zeros(len(parameters)), np.ones(len(parameters))):
        spec.changes(corner)  # every range's ends must be valid config values
        spec.full_size_changes(corner)
    return spec
