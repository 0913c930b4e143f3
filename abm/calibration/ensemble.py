"""The plausible ensemble: parameter sets the calibration could not rule out, and how runs use
them.

A calibration ends with simulated points whose own outputs are non-implausible (every fitted
target, or all but one with ``measure = "second_max"``, within the cut-off once the
observation's uncertainty, the model discrepancy and the model's noise are allowed for). They
are written, shuffled with the calibration's seed so that any first k members are a random
draw, to ``experiments/calibrated/ensemble.parquet``:

``member``, ``wave`` (the wave that simulated it; top-up rounds after the last wave count on),
``implausibility`` (its measure), ``loss``, one column per fitted parameter (the value as the
calibration file names it: a factor for a ``scale``), ``changes`` (the config changes as JSON,
in the base config's units: lists whole) and ``calibration`` (the spec and the commit).
``ensemble.json`` beside it records the rest of the provenance.

``care-abm run --ensemble`` and ``care-abm compare --ensemble`` run replication k with member
``k mod size``: the replication's seed is unchanged, so common random numbers hold across the
configs compared, and the spread over replications then holds the parameters' uncertainty
with the model's noise.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.config import ConfigError, Scenario, coerce_value, field_of
from abm.sweep.store import write_atomic

ENSEMBLE_COLUMNS = ("member", "wave", "implausibility", "loss")


@dataclasses.dataclass(frozen=True)
class Ensemble:
    """An ensemble read back: each member's config changes, in the units of an area of
    ``residents_65plus`` residents 65+ (the calibration's base config)."""

    path: Path
    members: tuple[tuple[tuple[str, Any], ...], ...]
    residents_65plus: int
    table: pd.DataFrame
    digest: str

    def __len__(self) -> int:
        return len(self.members)

    @property
    def keys(self) -> list[str]:
        """The config keys the members set."""
        return sorted({key for member in self.members for key, _ in member})

    def first(self, members: int, source: str = "--members") -> Ensemble:
        """The first ``members`` members (a random draw: the calibration shuffles them). With
        more replications than members each member runs more than once, so a comparison can
        split the spread of its differences into the model's noise and the parameters'.

        Raises:
            ConfigError: ``members`` is not between 1 and the ensemble's size.
        """
        if not 1 <= members <= len(self.members):
            raise ConfigError(
                source, "", f"must be 1 to {len(self.members)} (the members in {self.path})"
            )
        return dataclasses.replace(self, members=self.members[:members])

    def member_of(self, replication: int) -> int:
        """The member replication ``replication`` runs with."""
        return replication % len(self.members)

    def scenario(self, scenario: Scenario, replication: int) -> Scenario:
        """``scenario`` with replication ``replication``'s member: values proportional to
        the area are scaled from the ensemble's area to the scenario's."""
        factor = scenario.population.residents_65plus / self.residents_65plus
        changes = []
        for key, written in self.members[self.member_of(replication)]:
            field = field_of(key)
            value = written
            if field.metadata.get("area") and factor != 1.0:
                value = _scaled(written, factor, isinstance(field.default, int))
            changes.append((key, coerce_value(key, value, str(self.path))))
        return scenario.with_changes(changes)

    def scenarios(self, scenario: Scenario, replications: int) -> list[Scenario]:
        """One scenario per replication, 0 to ``replications - 1``."""
        return [self.scenario(scenario, k) for k in range(replications)]

    def describe(self, replications: int) -> dict[str, Any]:
        """What a results folder's metadata records of the ensemble."""
        return {
            "file": str(self.path),
            "sha256": self.digest,
            "size": len(self),
            "members_by_replication": [self.member_of(k) for k in range(replications)],
        }


def _scaled(value: Any, factor: float, integer: bool) -> Any:
    if isinstance(value, list | tuple):
        return [_scaled(v, factor, integer) for v in value]
    return round(value * factor) if integer else value * factor


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_ensemble(
    path: Path,
    table: pd.DataFrame,
    changes: Sequence[tuple[tuple[str, Any], ...]],
    provenance: dict[str, Any],
) -> None:
    """Write the members (``table``: the columns of :data:`ENSEMBLE_COLUMNS` and one per
    parameter) with their config changes, and ``ensemble.json`` beside them."""
    out = table.copy()
    out["changes"] = [json.dumps({k: _plain(v) for k, v in c}, sort_keys=True) for c in changes]
    out["calibration"] = f"{provenance['spec']} @ {provenance.get('git_commit') or 'unknown'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    out.to_parquet(tmp, index=False)
    tmp.replace(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    record = {**provenance, "file": path.name, "sha256": digest, "members": len(out)}
    write_atomic(
        path.with_suffix(".json"), (json.dumps(record, indent=2, default=str) + "\n").encode()
    )


def read_ensemble(path: Path) -> Ensemble:
    """Read an ensemble written by ``care-abm calibrate``.

    Raises:
        ConfigError: naming the file, when it is missing or not an ensemble.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            str(path), "", "no ensemble here: `care-abm calibrate` writes it (docs/calibration.md)"
        )
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # any reader error means "not an ensemble"
        raise ConfigError(str(path), "", f"not a parquet table ({exc})") from None
    if "changes" not in table.columns or not len(table):
        raise ConfigError(str(path), "changes", "not an ensemble: no members' config changes")
    sidecar = path.with_suffix(".json")
    meta = json.loads(sidecar.read_text()) if sidecar.is_file() else {}
    residents = int(meta.get("residents_65plus", 0))
    if residents <= 0:
        raise ConfigError(str(sidecar), "residents_65plus", "missing: the members' area is unknown")
    members = tuple(
        tuple((key, value) for key, value in json.loads(text).items()) for text in table["changes"]
    )
    for member in members:
        for key, value in member:
            coerce_value(key, value, str(path))  # every value valid before any run
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Ensemble(path, members, residents, table.drop(columns=["changes"]), digest)


def from_option(given: object, members: int | None = None) -> Ensemble | None:
    """The ensemble ``--ensemble`` names: ``True`` (the option without a file) is the one the
    calibration writes, ``experiments/calibrated/ensemble.parquet``; None without the option.
    ``members`` (``--members``) keeps only the first that many.

    Raises:
        ConfigError: ``--members`` without ``--ensemble``, or more members than it holds.
    """
    if given is None:
        if members is not None:
            raise ConfigError("--members", "", "needs --ensemble: it chooses members of one")
        return None
    from abm.packaged import ensemble_file  # noqa: PLC0415

    ensemble = read_ensemble(ensemble_file() if given is True else Path(str(given)))
    return ensemble if members is None else ensemble.first(members)


def check_ensemble_keys(
    ensemble: Ensemble, base: Scenario, others: Sequence[Scenario], names: Sequence[str]
) -> None:
    """A compared config may not set a key the ensemble varies to another value than the
    base: the member's value would silently replace the lever being compared.

    Raises:
        ConfigError: naming the config and the key.
    """
    for scenario, name in zip(others, names, strict=True):
        for key in ensemble.keys:
            if scenario.get(key) != base.get(key):
                raise ConfigError(
                    name,
                    key,
                    "differs from the base, but the ensemble sets it in every replication: "
                    "compare this lever without --ensemble, or calibrate without it",
                )
