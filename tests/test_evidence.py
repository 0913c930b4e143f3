"""The evidence table (seeds/evidence.csv) and the config defaults agree.

A config field whose default comes from a published figure names the row in ``evidence=`` and
the unit change or area scaling in ``scale=``, so that ``default == value x scale``. A tuple
field names one row per element, separated by commas (``"FRL-02, FRL-03, FRL-04"``).
Validation targets are outcomes the model must reproduce; they are never inputs, so no field
cites one, and a field's source names one only to say the field is calibrated to it.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from abm import config
from abm.metrics import KPI_BY_NAME

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "seeds" / "evidence.csv"
ENGLAND = ROOT.parent / "shared" / "calibration" / "england.csv"

COLUMNS = [
    "id",
    "quantity",
    "value",
    "unit",
    "year",
    "geography",
    "source",
    "source_address",
    "use",
    "informs",
    "note",
]
USES = {"parameter", "validation_target", "context"}
REQUIRED = ("id", "quantity", "value", "unit", "source", "use", "informs")

EXACT = 1e-9
# Area-scaled figures (an England total x 68,000 / 10.4m) and figures the source says were
# rounded may differ from value x scale by the rounding: hospital.beds is 680 for 668.2 (+1.8%).
ROUNDED = 0.02

# Defaults that equal a validation target's value (in its unit or x 0.01) by coincidence:
# (config key, target id) -> why it is not the target used as an input.

# Rows copied from england.csv whose use the model has changed -> why.
USE_CHANGED = {
    "WF-16": "leavers choose where to go by pay, so the share leaving care is an outcome",
    "WF-23": "leavers choose where to go by pay, so the share going to the NHS is an outcome",
}


# --------------------------------------------------------------------------- helpers


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = read_rows(EVIDENCE)
BY_ID = {row["id"]: row for row in ROWS}


def england_rows() -> dict[str, dict[str, str]]:
    if not ENGLAND.is_file():
        pytest.skip(f"{ENGLAND} is absent (shared/ sits beside the project in CI)")
    return {row["id"]: row for row in read_rows(ENGLAND)}


def fields() -> Iterator[tuple[str, dataclasses.Field]]:
    for key in config.all_keys():
        yield key, config.field_of(key)


def evidence_ids(field: dataclasses.Field) -> list[str]:
    """The row ids a field cites: one, or one per element of a tuple field."""
    evidence = field.metadata.get("evidence")
    return [part.strip() for part in evidence.split(",")] if evidence else []


EVIDENCED = [key for key, field in fields() if field.metadata.get("evidence")]


def numbers(value: Any) -> tuple[float, ...]:
    """The numbers in a default (none for text, dates and yes/no)."""
    items = value if isinstance(value, tuple) else (value,)
    return tuple(
        float(item)
        for item in items
        if isinstance(item, int | float) and not isinstance(item, bool)
    )


def validation_targets() -> dict[str, dict[str, str]]:
    """Validation targets of the evidence table, and of england.csv when it is present."""
    targets = {row["id"]: row for row in ROWS if row["use"] == "validation_target"}
    if ENGLAND.is_file():
        for row in read_rows(ENGLAND):
            if row["use"] == "validation_target":
                targets.setdefault(row["id"], row)
    return targets


# --------------------------------------------------------------------------- the table


def test_evidence_table_has_the_columns() -> None:
    with EVIDENCE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == COLUMNS


def test_ids_are_unique() -> None:
    ids = [row["id"] for row in ROWS]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate ids in seeds/evidence.csv: {duplicates}"


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_row_is_well_formed(row: dict[str, str]) -> None:
    empty = [column for column in REQUIRED if not (row[column] or "").strip()]
    assert not empty, f"{row['id']}: empty {empty}"
    value = float(row["value"])  # raises if the value is not a plain number
    assert math.isfinite(value), f"{row['id']}: value {row['value']!r} is not finite"
    assert row["use"] in USES, f"{row['id']}: use {row['use']!r} is not one of {sorted(USES)}"


def test_copied_rows_match_england() -> None:
    """A row copied from the shared England table keeps its value, unit and use."""
    england = england_rows()
    copied = [row for row in ROWS if row["id"] in england]
    assert copied, "no row of seeds/evidence.csv is copied from england.csv"
    for row in copied:
        source = england[row["id"]]
        assert float(row["value"]) == float(source["value"]), (
            f"{row['id']}: value {row['value']} differs from england.csv's {source['value']}"
        )
        assert row["unit"] == source["unit"], f"{row['id']}: unit differs from england.csv"
        assert row["use"] == source["use"] or row["id"] in USE_CHANGED, (
            f"{row['id']}: use {row['use']!r} differs from england.csv's {source['use']!r}"
        )


def test_validation_targets_inform_a_kpi() -> None:
    for row in ROWS:
        if row["use"] != "validation_target":
            continue
        for name in (part.strip() for part in row["informs"].split(";")):
            assert name == "-" or name in KPI_BY_NAME, (
                f"{row['id']}: informs {name!r}, which is not a KPI in abm.metrics.KPIS "
                "(use '-' when no KPI measures it yet)"
            )


def test_parameter_rows_inform_config_keys_that_cite_them() -> None:
    keys = set(config.all_keys())
    for row in ROWS:
        if row["use"] != "parameter":
            continue
        for key in (part.strip() for part in row["informs"].split(";")):
            if key == "-":
                continue
            assert key in keys, f"{row['id']}: informs {key!r}, which is not a config key"
            assert row["id"] in evidence_ids(config.field_of(key)), (
                f"{row['id']}: informs {key} but {key} does not cite it in evidence="
            )


# --------------------------------------------------------------------------- the defaults


def test_some_fields_cite_evidence() -> None:
    assert "population.residents_65plus" in EVIDENCED
    assert "hospital.beds" in EVIDENCED


@pytest.mark.parametrize("key", EVIDENCED)
def test_evidence_ids_are_parameter_rows(key: str) -> None:
    field = config.field_of(key)
    ids = evidence_ids(field)
    expected = len(field.default) if isinstance(field.default, tuple) else 1
    assert len(ids) == expected, (
        f"{key}: cites {len(ids)} evidence rows for {expected} value(s); a tuple field names "
        "one row per element, separated by commas"
    )
    for row_id in ids:
        assert row_id in BY_ID, f"{key}: evidence {row_id!r} is not in seeds/evidence.csv"
        use = BY_ID[row_id]["use"]
        assert use == "parameter", (
            f"{key}: evidence {row_id} is a {use} row; only parameter rows are inputs"
        )


@pytest.mark.parametrize("key", EVIDENCED)
def test_default_is_evidence_times_scale(key: str) -> None:
    field = config.field_of(key)
    meta = field.metadata
    scale = meta.get("scale", 1.0)
    rounded = meta.get("area") or "rounded" in meta.get("source", "")
    tolerance = ROUNDED if rounded else EXACT
    defaults = field.default if isinstance(field.default, tuple) else (field.default,)
    for row_id, default in zip(evidence_ids(field), defaults, strict=True):
        expected = float(BY_ID[row_id]["value"]) * scale
        assert math.isclose(default, expected, rel_tol=tolerance), (
            f"{key}: default {default} is not {row_id}'s {BY_ID[row_id]['value']} x {scale:g} = "
            f"{expected:g} (relative tolerance {tolerance:g})"
        )


def test_no_field_cites_a_validation_target() -> None:
    targets = validation_targets()
    for key, field in fields():
        cited = [row_id for row_id in evidence_ids(field) if row_id in targets]
        assert not cited, f"{key}: cites validation targets {cited}; outcomes are never inputs"


def test_sources_name_validation_targets_only_as_targets() -> None:
    """A field's source may mention a validation target only to say it is calibrated to it."""
    targets = validation_targets()
    for key, field in fields():
        source = field.metadata.get("source", "")
        named = [row_id for row_id in re.findall(r"[A-Z]{2,4}-\d{2}", source) if row_id in targets]
        if named:
            assert re.search(r"calibrat|validation|not an input", source), (
                f"{key}: its source names validation target(s) {named} as if they were inputs: "
                f"{source!r}"
            )
