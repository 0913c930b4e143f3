"""Validation targets: published figures, turned into what one model area should show.

``seeds/targets.csv`` has one row per validation target of the evidence table
(``seeds/evidence.csv``, ``use = validation_target``): the KPI that measures it, whether it is
fitted or kept as an out-of-sample check, the comparable value and how it scales to an area,
and the tolerance within which the model counts as reproducing it, with the reason for that
tolerance, and (``known_gap``) what the model lacks where it is known not to reproduce it.
Targets the model does not produce stay in the table with ``split = not_produced`` and the
reason, so the table accounts for every target. Delays are fitted in one era, the
criteria-to-reside count (2022-24): a figure defined by an earlier count (the delayed transfers
of care of 2016-20) has ``split = other_era`` and is shown beside the model for orientation,
never fitted and never counted as a check; only a dated run of its own era could be held
against it.

The comparable value is either a rate or share, the same for any area, or an England count
(``scaling = england_count``), which becomes a local count by the one area-scaling rule
(:func:`abm.config.england_to_area`). Money targets join as one row each once the model
reports the spending they measure.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from abm.config import BASELINE_RESIDENTS_65PLUS, ConfigError, england_to_area
from abm.metrics import KPI_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
TARGETS_FILE = ROOT / "seeds" / "targets.csv"
EVIDENCE_FILE = ROOT / "seeds" / "evidence.csv"
COLUMNS = (
    "target_id",
    "kpi",
    "split",
    "comparable",
    "comparable_unit",
    "scaling",
    "tolerance",
    "tolerance_kind",
    "weight",
    "derivation",
    "tolerance_basis",
    "known_gap",
    "restates",
    "out_of_sample",
)
SPLITS = ("fit", "check", "other_era", "not_produced")
SCALINGS = ("none", "england_count")
TOLERANCE_KINDS = ("absolute", "relative")
WITHIN = 1.0 + 1e-9  # |z| at most 1, allowing for rounding in the last digit
# docs/calibration_status.csv: written by the calibration report, read by compare's report.
STATUS_COLUMNS = (
    "target_id",
    "kpi",
    "quantity",
    "published",
    "local_value",
    "model_mean",
    "ci_low",
    "ci_high",
    "tolerance",
    "within",
    "split",
)


@dataclasses.dataclass(frozen=True)
class Target:
    """One validation target and how the model is compared with it."""

    target_id: str
    kpi: str
    split: str
    comparable: float
    comparable_unit: str
    scaling: str
    tolerance: float
    tolerance_kind: str
    weight: float
    derivation: str
    tolerance_basis: str
    known_gap: str = ""
    restates: tuple[str, ...] = ()  # fitted targets a check is an arithmetic consequence of
    out_of_sample: str = ""  # why a check is (or is not) independent of the fitted targets
    quantity: str = ""
    published: float = math.nan
    published_unit: str = ""
    year: str = ""
    source: str = ""

    @property
    def produced(self) -> bool:
        """Whether the model measures this target."""
        return self.split != "not_produced"

    def local_value(self, residents_65plus: float = BASELINE_RESIDENTS_65PLUS) -> float:
        """The value one area of ``residents_65plus`` residents aged 65+ should show."""
        if self.scaling == "england_count":
            return england_to_area(self.comparable, residents_65plus)
        return self.comparable

    def tolerance_for(self, residents_65plus: float = BASELINE_RESIDENTS_65PLUS) -> float:
        """The tolerance in the KPI's unit, for an area of that size."""
        if self.tolerance_kind == "relative":
            return abs(self.local_value(residents_65plus)) * self.tolerance
        return self.tolerance

    def z(self, model_value: float, residents_65plus: float = BASELINE_RESIDENTS_65PLUS) -> float:
        """The model's distance from the target in tolerances (within tolerance: -1 to 1)."""
        local = self.local_value(residents_65plus)
        return (model_value - local) / self.tolerance_for(residents_65plus)

    def within(
        self, model_value: float, residents_65plus: float = BASELINE_RESIDENTS_65PLUS
    ) -> bool:
        """Whether the model's value lies within the tolerance of the target."""
        return math.isfinite(model_value) and abs(self.z(model_value, residents_65plus)) <= WITHIN


def _read(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ConfigError(str(path), "", "file not found")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(str(path), "", f"not a CSV table in UTF-8 ({exc})") from None


def _number(row: Mapping[str, str], column: str, source: str) -> float:
    text = (row.get(column) or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(
            source, f"{row['target_id']}.{column}", f"must be a number, got {text!r}"
        ) from None
    if not math.isfinite(value):
        raise ConfigError(source, f"{row['target_id']}.{column}", f"must be finite, got {text}")
    return value


def _choice(row: Mapping[str, str], column: str, choices: Sequence[str], source: str) -> str:
    value = (row.get(column) or "").strip()
    if value not in choices:
        raise ConfigError(
            source,
            f"{row['target_id']}.{column}",
            f"must be one of {', '.join(choices)}, got {value!r}",
        )
    return value


def _target(
    row: Mapping[str, str], evidence: Mapping[str, Mapping[str, str]], source: str
) -> Target:
    target_id = row["target_id"].strip()
    found = evidence.get(target_id)
    if found is None:
        raise ConfigError(source, target_id, "is not a row of seeds/evidence.csv")
    if found["use"] != "validation_target":
        raise ConfigError(source, target_id, f"is a {found['use']} row, not a validation target")
    split = _choice(row, "split", SPLITS, source)
    context = {
        "quantity": found["quantity"],
        "published": float(found["value"]),
        "published_unit": found["unit"],
        "year": found["year"],
        "source": found["source"],
    }
    if split == "not_produced":
        return Target(
            target_id, "-", split, math.nan, "", "none", math.nan, "absolute", 0.0,
            row["derivation"], "", row.get("known_gap", ""), **context,
        )  # fmt: skip
    kpi = row["kpi"].strip()
    if kpi not in KPI_BY_NAME:
        raise ConfigError(source, f"{target_id}.kpi", f"{kpi!r} is not a KPI in abm.metrics.KPIS")
    tolerance = _number(row, "tolerance", source)
    if tolerance <= 0:
        raise ConfigError(source, f"{target_id}.tolerance", "must be above 0")
    return Target(
        target_id=target_id,
        kpi=kpi,
        split=split,
        comparable=_number(row, "comparable", source),
        comparable_unit=row["comparable_unit"].strip(),
        scaling=_choice(row, "scaling", SCALINGS, source),
        tolerance=tolerance,
        tolerance_kind=_choice(row, "tolerance_kind", TOLERANCE_KINDS, source),
        weight=_number(row, "weight", source),
        derivation=row["derivation"].strip(),
        tolerance_basis=row["tolerance_basis"].strip(),
        known_gap=(row.get("known_gap") or "").strip(),
        restates=tuple(r.strip() for r in (row.get("restates") or "").split(";") if r.strip()),
        out_of_sample=(row.get("out_of_sample") or "").strip(),
        **context,
    )


def load_targets(
    path: Path = TARGETS_FILE, evidence_path: Path = EVIDENCE_FILE
) -> tuple[Target, ...]:
    """Every row of the targets table, checked against the evidence table.

    Raises:
        ConfigError: naming the file and the target for a bad row.
    """
    source = str(path)
    rows = _read(path)
    if rows and tuple(rows[0]) != COLUMNS:
        raise ConfigError(source, "", f"columns must be {', '.join(COLUMNS)}")
    evidence = {row["id"]: row for row in _read(evidence_path)}
    targets = tuple(_target(row, evidence, source) for row in rows)
    ids = [t.target_id for t in targets]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ConfigError(source, repeated[0], "appears more than once")
    check_out_of_sample(targets, source)
    return targets


def check_out_of_sample(targets: Sequence[Target], source: str) -> None:
    """Every check says why it is out of sample, and a check that the fitted targets fix by
    arithmetic (the same KPI, or a product of fitted ones) names them in ``restates``: it is
    reported, but not counted as an out-of-sample check.

    Raises:
        ConfigError: naming the file and the check.
    """
    fitted = {t.target_id: t for t in targets if t.split == "fit"}
    for target in targets:
        if target.split != "check":
            if target.restates:
                raise ConfigError(source, f"{target.target_id}.restates", "only checks restate")
            continue
        if not target.out_of_sample:
            raise ConfigError(
                source,
                f"{target.target_id}.out_of_sample",
                "say why this check is not an arithmetic consequence of the fitted targets "
                "(or which it restates)",
            )
        unknown = [r for r in target.restates if r not in fitted]
        if unknown:
            raise ConfigError(
                source, f"{target.target_id}.restates", f"{unknown[0]} is not a fitted target"
            )
        same = sorted(f.target_id for f in fitted.values() if f.kpi == target.kpi)
        missing = [f for f in same if f not in target.restates]
        if missing:
            raise ConfigError(
                source,
                f"{target.target_id}.restates",
                f"shares its KPI {target.kpi} with fitted target {missing[0]}: the model gives "
                "both one number, so the check restates it; list it in restates",
            )


def honest_checks(targets: Sequence[Target]) -> list[Target]:
    """The out-of-sample checks that restate no fitted target."""
    return [t for t in targets if t.split == "check" and not t.restates]


def produced(targets: Sequence[Target], split: str | None = None) -> list[Target]:
    """Targets the model measures (only one split when ``split`` is given)."""
    return [t for t in targets if t.produced and (split is None or t.split == split)]
