"""Sweep files: which config values to vary, how to sample them, and what to analyse.

A sweep file is TOML data (nothing in it is evaluated). It names a base experiment config,
the parameters to vary by their dotted config keys, a design and the KPIs to analyse. It is
checked completely before any run starts, and the first problem stops the sweep with one
message naming the file and the key (:class:`abm.config.ConfigError`), as configs are.

The spec is resolved to a :class:`SweepSpec`: the base scenario with ``[set]`` and
``area_residents`` applied, and every parameter in one canonical form (a list of values, or
a continuous distribution with bounds). :func:`write_resolved` writes that form back as TOML
so a results folder holds a sweep file that reproduces it exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w
from scipy import stats

from abm.config import (
    ConfigError,
    Scenario,
    all_keys,
    apply_area,
    coerce_value,
    field_of,
    load_scenario,
)
from abm.metrics import KPI_BY_NAME
from abm.sweep.limits import (
    MAX_LEVELS,
    MAX_REPLICATIONS,
    MAX_RESAMPLES,
    MAX_SAMPLES,
    MAX_STEPS,
    check_size,
)

DESIGNS = ("grid", "random", "latin_hypercube", "sobol", "morris")
DISTRIBUTIONS = ("uniform", "log_uniform", "normal")
DEFAULT_OUTPUTS = (
    "delayed_bed_days",
    "delayed_patients",
    "bed_occupancy",
    "corridor_waits_per_day",
    "emergency_admissions_per_1000",
)
TOP_LEVEL_KEYS = (
    "name",
    "description",
    "base",
    "area_residents",
    "set",
    "parameters",
    "design",
    "samples",
    "replications",
    "seed",
    "outputs",
    "second_order",
    "levels",
    "conf_level",
    "resamples",
    "cluster",
)
SPEC_KEYS = ("values", "low", "high", "steps", "log", "distribution", "mean", "sd")
# run.seed is the root of the common random numbers and replications are the sweep's own.
FORBIDDEN_PARAMETERS = {
    "run.seed": "the root seed gives every point the same random streams (common random "
    "numbers); set it in [set] or the base config, not as a parameter",
    "run.replications": "replications per point are the sweep's own 'replications' key",
}
CLUSTER_KINDS = ("slurm", "pbs", "sge", "lsf", "htcondor", "moab", "oar")


def suggest(word: str, candidates: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or nothing."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One varied config value: a list of values, or a continuous distribution with bounds.

    Every design draws points in the unit hypercube; :meth:`from_unit` maps a column of it to
    config values (the inverse cumulative distribution), so one mapping serves every design
    and the SALib analyses can work on the unit coordinates.
    """

    key: str
    kind: str  # "values", "uniform", "log_uniform" or "normal"
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None
    integer: bool = False

    @property
    def discrete(self) -> bool:
        """True when the parameter takes only the listed values (what a grid needs)."""
        return self.kind == "values"

    def from_unit(self, unit: np.ndarray) -> list[Any]:
        """Config values for unit-interval coordinates ``unit`` (one per point)."""
        unit = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        if self.kind == "values":
            n = len(self.values)
            index = np.minimum((unit * n).astype(np.int64), n - 1)
            return [self.values[i] for i in index.tolist()]
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.kind == "uniform" and self.integer:
            # Every whole number in [low, high] equally likely (rounding would halve the ends).
            x = np.minimum(np.floor(low + unit * (high - low + 1.0)), high)
        elif self.kind == "uniform":
            x = low + unit * (high - low)
        elif self.kind == "log_uniform":
            x = np.exp(math.log(low) + unit * (math.log(high) - math.log(low)))
        else:
            sd = float(self.sd)  # type: ignore[arg-type]
            mean = float(self.mean)  # type: ignore[arg-type]
            x = stats.truncnorm.ppf(unit, (low - mean) / sd, (high - mean) / sd, mean, sd)
        x = np.clip(x, low, high)
        if self.integer:
            return [int(v) for v in np.rint(x).tolist()]
        return [float(v) for v in x.tolist()]

    def to_toml(self) -> Any:
        """The resolved form written to a results folder's ``sweep.toml``."""
        if self.kind == "values":
            return {"values": [_toml_value(v) for v in self.values]}
        low, high = (int(b) if self.integer else b for b in (self.low, self.high))
        out: dict[str, Any] = {"distribution": self.kind, "low": low, "high": high}
        if self.kind == "normal":
            out.update(mean=self.mean, sd=self.sd)
        return out

    def describe(self) -> str:
        """A short human description, for progress lines and figure captions."""
        if self.kind == "values":
            shown = ", ".join(_short(v) for v in self.values[:6])
            more = ", ..." if len(self.values) > 6 else ""
            return f"{self.key} in {{{shown}{more}}}"
        if self.kind == "normal":
            return (
                f"{self.key} ~ normal({self.mean:g}, {self.sd:g}) in [{self.low:g}, {self.high:g}]"
            )
        return f"{self.key} ~ {self.kind}[{self.low:g}, {self.high:g}]"


def _short(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _toml_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclasses.dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the base scenario, the parameters, the design and the analysis."""

    source: str
    name: str
    description: str
    base: Scenario
    parameters: tuple[Parameter, ...]
    design: str
    samples: int | None
    replications: int
    seed: int
    outputs: tuple[str, ...]
    second_order: bool = False
    levels: int = 4
    conf_level: float = 0.95
    resamples: int = 1000
    cluster: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """The varied dotted config keys, in the file's order."""
        return [p.key for p in self.parameters]


# --------------------------------------------------------------------------- small checks


def whole_number(
    source: str, key: str, value: Any, minimum: int, maximum: int | None = None
) -> int:
    """``value`` checked to be a whole number from ``minimum`` to ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(source, key, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise ConfigError(source, key, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(source, key, f"must be at most {maximum:,}, got {value:,}")
    return value


def finite_number(source: str, key: str, value: Any) -> float:
    """``value`` checked to be a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(source, key, f"must be a finite number, got {value!r}")
    return float(value)


def _text(source: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(source, key, f"must be text in quotes, got {value!r}")
    return value


def read_checked(path: Path, allowed: Sequence[str]) -> dict[str, Any]:
    """A spec file's data, every top-level key checked against ``allowed``."""
    data = read_toml(path)
    for key in data:
        if key not in allowed:
            raise ConfigError(str(path), key, f"unknown key{suggest(key, allowed)}")
    return data


def read_toml(path: Path) -> dict[str, Any]:
    """A sweep (or calibration) file's data; a missing or malformed file is a ConfigError."""
    source = str(path)
    if not path.is_file():
        raise ConfigError(source, "", "file not found")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}") from None


# --------------------------------------------------------------------------- parameters


def _flatten_parameters(table: Mapping[str, Any], source: str, prefix: str = "") -> dict:
    """Dotted key -> raw spec, accepting ``"hospital.beds" = ...`` and ``hospital.beds = ...``.

    TOML turns a bare dotted key into nested tables; a table is a parameter's spec once the
    path so far is a config key, so a misspelt option inside a spec is reported as such and
    not as an unknown config key.
    """
    keys = set(all_keys())
    flat: dict[str, Any] = {}
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if dotted not in keys and isinstance(value, Mapping) and not set(value) & set(SPEC_KEYS):
            flat.update(_flatten_parameters(value, source, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _field_kind(key: str) -> str:
    default = field_of(key).default
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, tuple):
        return "list"
    if isinstance(default, dt.date):
        return "date"
    return "text"


def _coerce(key: str, value: Any, source: str) -> Any:
    """``coerce_value`` with the error keyed ``parameters.<key>`` so it is easy to find."""
    try:
        return coerce_value(key, value, source)
    except ConfigError as exc:
        raise ConfigError(source, f"parameters.{key}", exc.message) from None


def _parse_parameter(key: str, raw: Any, source: str) -> Parameter:
    where = f"parameters.{key}"
    if key not in all_keys():
        raise ConfigError(source, where, f"unknown config key{suggest(key, all_keys())}")
    if key in FORBIDDEN_PARAMETERS:
        raise ConfigError(source, where, f"cannot be varied: {FORBIDDEN_PARAMETERS[key]}")
    kind = _field_kind(key)
    integer = kind == "int"
    if isinstance(raw, list):
        raw = {"values": raw}
    if not isinstance(raw, Mapping):
        raise ConfigError(
            source,
            where,
            "must be a list of values, a range {low, high[, steps]} or a distribution "
            f"{{distribution, low, high[, mean, sd]}}; got {raw!r}",
        )
    unknown = sorted(set(raw) - set(SPEC_KEYS))
    if unknown:
        raise ConfigError(
            source,
            f"{where}.{unknown[0]}",
            f"unknown option{suggest(unknown[0], SPEC_KEYS)}; a parameter takes "
            "values, or low/high with steps or log, or distribution/low/high/mean/sd",
        )
    if "values" in raw:
        extra = sorted(set(raw) - {"values"})
        if extra:
            raise ConfigError(source, f"{where}.{extra[0]}", "cannot be combined with 'values'")
        values = raw["values"]
        if not isinstance(values, list) or not values:
            raise ConfigError(source, f"{where}.values", "must be a non-empty list")
        return Parameter(
            key, "values", tuple(_coerce(key, v, source) for v in values), integer=integer
        )
    if kind not in ("int", "float"):
        raise ConfigError(
            source,
            where,
            f"is not a single number ({kind}); give its values as a list, e.g. values = [...]",
        )
    distribution = raw.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise ConfigError(
            source,
            f"{where}.distribution",
            f"unknown distribution {distribution!r}{suggest(str(distribution), DISTRIBUTIONS)}"
            f"; valid distributions: {', '.join(DISTRIBUTIONS)}",
        )
    for bound in ("low", "high"):
        if bound not in raw:
            raise ConfigError(source, where, f"needs '{bound}' (every range has bounds)")
    low = finite_number(source, f"{where}.low", raw["low"])
    high = finite_number(source, f"{where}.high", raw["high"])
    if not low < high:
        raise ConfigError(source, where, f"low ({low:g}) must be below high ({high:g})")
    low, high = (float(_coerce(key, bound, source)) for bound in (low, high))
    log = raw.get("log", False)
    if not isinstance(log, bool):
        raise ConfigError(source, f"{where}.log", f"must be true or false, got {log!r}")
    if (log or distribution == "log_uniform") and low <= 0:
        raise ConfigError(source, where, f"a log scale needs low above 0, got {low:g}")
    if "steps" in raw:
        if "distribution" in raw:
            raise ConfigError(
                source, f"{where}.steps", "steps gives fixed levels; drop 'distribution'"
            )
        steps = whole_number(source, f"{where}.steps", raw["steps"], 2, MAX_STEPS)
        levels = np.geomspace(low, high, steps) if log else np.linspace(low, high, steps)
        if integer:
            whole = [int(v) for v in np.rint(levels).tolist()]
            if len(set(whole)) < len(whole):
                raise ConfigError(
                    source,
                    f"{where}.steps",
                    f"{key} is a whole number: {steps} steps from {low:g} to {high:g} "
                    "repeat values; use fewer steps",
                )
            values = tuple(_coerce(key, v, source) for v in whole)
        else:
            values = tuple(_coerce(key, float(v), source) for v in levels.tolist())
        return Parameter(key, "values", values, integer=integer)
    if distribution == "normal":
        for name in ("mean", "sd"):
            if name not in raw:
                raise ConfigError(source, where, f"a normal distribution needs '{name}'")
        mean = finite_number(source, f"{where}.mean", raw["mean"])
        sd = finite_number(source, f"{where}.sd", raw["sd"])
        if sd <= 0:
            raise ConfigError(source, f"{where}.sd", f"must be above 0, got {sd:g}")
        return Parameter(key, "normal", low=low, high=high, mean=mean, sd=sd, integer=integer)
    for name in ("mean", "sd"):
        if name in raw:
            raise ConfigError(
                source, f"{where}.{name}", "only a normal distribution takes mean and sd"
            )
    if log and distribution == "uniform":
        distribution = "log_uniform"
    return Parameter(key, distribution, low=low, high=high, integer=integer)


# --------------------------------------------------------------------------- the file


def base_scenario(data: Mapping[str, Any], path: Path, area: int | None = None) -> Scenario:
    """The ``base`` config of a sweep (or calibration) file with its ``area_residents`` (or
    ``area``, the command line's ``--area``, in its place) and then its ``[set]`` values
    applied."""
    source = str(path)
    if "base" not in data:
        raise ConfigError(
            source,
            "base",
            'missing: name the experiment config to vary, e.g. base = "../baseline.toml"',
        )
    base_path = (path.parent / _text(source, "base", data["base"])).resolve()
    if not base_path.is_file():
        raise ConfigError(source, "base", f"file not found: {base_path}")
    sets = data.get("set", {})
    if not isinstance(sets, Mapping):
        raise ConfigError(source, "set", 'must be a table of config values, e.g. "run.years" = 2')
    flat: dict[str, Any] = {}
    for key, value in _flatten_parameters(sets, source).items():
        try:
            flat[key] = coerce_value(key, value, source)
        except ConfigError as exc:
            raise ConfigError(source, f"set.{key}", exc.message) from None
    # Load through the config loader too, so cross-checks (schedule dates within the run)
    # see the [set] values; values are passed as TOML text, which is exact.
    overrides = [f"{key}={_toml_literal(value)}" for key, value in flat.items()]
    load_scenario(base_path, overrides)
    scenario = load_scenario(base_path)
    if area is not None:
        scenario = apply_area(scenario, area, "--area")
    elif "area_residents" in data:
        scenario = apply_area(scenario, data["area_residents"], source, "area_residents")
    return scenario.with_changes(flat.items())


def _toml_literal(value: Any) -> str:
    text = tomli_w.dumps({"v": _toml_value(value)})
    return text.split("=", 1)[1].strip()


def load_sweep(path: str | Path, area: int | None = None) -> SweepSpec:
    """Read and check a sweep file completely, before any run; ``area`` (``--area``) replaces
    the file's ``area_residents``.

    Raises:
        ConfigError: at the first problem, naming the file and the key.
    """
    path = Path(path)
    source = str(path)
    data = read_checked(path, TOP_LEVEL_KEYS)
    name = _text(source, "name", data.get("name", path.stem))
    description = _text(source, "description", data.get("description", ""))
    base = base_scenario(data, path, area)

    design = data.get("design", "grid")
    if design not in DESIGNS:
        raise ConfigError(
            source,
            "design",
            f"unknown design {design!r}{suggest(str(design), DESIGNS)}; "
            f"valid designs: {', '.join(DESIGNS)}",
        )
    table = data.get("parameters")
    if not isinstance(table, Mapping) or not table:
        raise ConfigError(
            source, "parameters", "missing: a [parameters] table with at least one config key"
        )
    parameters = tuple(
        _parse_parameter(key, raw, source)
        for key, raw in _flatten_parameters(table, source).items()
    )
    if design == "grid":
        for p in parameters:
            if not p.discrete:
                raise ConfigError(
                    source,
                    f"parameters.{p.key}",
                    "a grid needs listed values or a range with steps, not a distribution",
                )
    samples = data.get("samples")
    if design == "grid":
        if samples is not None:
            raise ConfigError(source, "samples", "a grid runs every combination; drop 'samples'")
    else:
        if samples is None:
            raise ConfigError(source, "samples", f"missing: the {design} design needs samples")
        samples = whole_number(source, "samples", samples, 2, MAX_SAMPLES)
        if design == "sobol" and samples & (samples - 1):
            raise ConfigError(
                source,
                "samples",
                f"Saltelli's Sobol design needs a power of two (e.g. {_power_of_two(samples)}), "
                f"got {samples}",
            )
    if design in ("sobol", "morris") and len(parameters) < 2:
        raise ConfigError(
            source, "parameters", f"the {design} design needs at least two parameters"
        )
    replications = whole_number(
        source, "replications", data.get("replications", 1), 1, MAX_REPLICATIONS
    )
    seed = whole_number(source, "seed", data.get("seed", 1), 0)
    outputs = data.get("outputs", list(DEFAULT_OUTPUTS))
    if not isinstance(outputs, list) or not outputs:
        raise ConfigError(source, "outputs", "must be a non-empty list of KPI names")
    for output in outputs:
        if output not in KPI_BY_NAME:
            raise ConfigError(
                source,
                "outputs",
                f"unknown KPI {output!r}{suggest(str(output), list(KPI_BY_NAME))}; "
                "KPI names are listed in docs/model.md (Outputs)",
            )
    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        raise ConfigError(source, "second_order", f"must be true or false, got {second_order!r}")
    levels = whole_number(source, "levels", data.get("levels", 4), 2, MAX_LEVELS)
    if levels % 2:
        raise ConfigError(source, "levels", f"Morris needs an even number of levels, got {levels}")
    conf_level = finite_number(source, "conf_level", data.get("conf_level", 0.95))
    if not 0 < conf_level < 1:
        raise ConfigError(source, "conf_level", f"must lie strictly between 0 and 1: {conf_level}")
    resamples = whole_number(source, "resamples", data.get("resamples", 1000), 10, MAX_RESAMPLES)
    cluster = data.get("cluster", {})
    if not isinstance(cluster, Mapping) or not all(
        isinstance(v, Mapping) for v in cluster.values()
    ):
        raise ConfigError(
            source, "cluster", "must hold one table per cluster kind, e.g. [cluster.slurm]"
        )
    for kind in cluster:
        if kind not in CLUSTER_KINDS:
            raise ConfigError(
                source,
                f"cluster.{kind}",
                f"unknown cluster kind{suggest(kind, CLUSTER_KINDS)}; "
                f"dask-jobqueue kinds: {', '.join(CLUSTER_KINDS)}",
            )
    check_size(
        source,
        design=design,
        parameters=parameters,
        samples=samples,
        second_order=second_order,
        replications=replications,
    )
    return SweepSpec(
        source=source,
        name=name,
        description=description,
        base=base,
        parameters=parameters,
        design=design,
        samples=samples,
        replications=replications,
        seed=seed,
        outputs=tuple(outputs),
        second_order=second_order,
        levels=levels,
        conf_level=conf_level,
        resamples=resamples,
        cluster={k: dict(v) for k, v in cluster.items()},
    )


def _power_of_two(n: int) -> int:
    return 1 << max(1, round(math.log2(n)))


def write_resolved(spec: SweepSpec, folder: Path) -> None:
    """Write ``sweep.toml`` and ``base.toml``: the sweep file that reproduces this sweep.

    The base is written fully resolved (``[set]`` and ``area_residents`` applied) and the
    parameters in canonical form, so reading the folder's ``sweep.toml`` gives the same
    points and the same spec hash.
    """
    _write_toml(folder / "base.toml", spec.base.to_dict())
    data: dict[str, Any] = {
        "name": spec.name,
        "description": spec.description,
        "base": "base.toml",
        "design": spec.design,
    }
    if spec.samples is not None:
        data["samples"] = spec.samples
    data.update(
        replications=spec.replications,
        seed=spec.seed,
        outputs=list(spec.outputs),
        second_order=spec.second_order,
        levels=spec.levels,
        conf_level=spec.conf_level,
        resamples=spec.resamples,
        parameters={p.key: p.to_toml() for p in spec.parameters},
    )
    if spec.cluster:
        data["cluster"] = {k: dict(v) for k, v in spec.cluster.items()}
    _write_toml(folder / "sweep.toml", data)


def _write_toml(path: Path, data: Mapping[str, Any]) -> None:
    from abm.sweep.store import write_atomic  # noqa: PLC0415 - avoids an import cycle

    write_atomic(path, tomli_w.dumps(data).encode())
