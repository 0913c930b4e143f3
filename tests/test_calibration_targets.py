"""The targets table (seeds/targets.csv) accounts for every validation target, scales England
counts by the one area rule, and states a tolerance and its reason for every target."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from abm import config
from abm.calibration.targets import COLUMNS, TARGETS_FILE, load_targets, produced
from abm.config import ConfigError, england_to_area

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "seeds" / "evidence.csv"
ENGLAND = ROOT.parent / "shared" / "calibration" / "england.csv"
TARGETS = load_targets()
BY_ID = {t.target_id: t for t in TARGETS}
COUNT_UNITS = ("patients a day", "people", "GBP a year")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_validation_target_of_the_evidence_table_has_one_row():
    targets = [row["id"] for row in rows(EVIDENCE) if row["use"] == "validation_target"]
    assert sorted(targets) == sorted(BY_ID), (
        "seeds/targets.csv must have exactly one row per validation target of "
        "seeds/evidence.csv (split = not_produced, with the reason, when no KPI measures it)"
    )


def test_every_validation_target_of_england_csv_is_copied_in():
    if not ENGLAND.is_file():
        pytest.skip(f"{ENGLAND} is absent")
    england = {row["id"] for row in rows(ENGLAND) if row["use"] == "validation_target"}
    missing = sorted(england - set(BY_ID))
    assert not missing, f"validation targets of england.csv not in seeds/targets.csv: {missing}"


def test_the_table_has_its_columns():
    with TARGETS_FILE.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == COLUMNS


def test_informs_column_of_the_evidence_table_matches_the_targets():
    evidence = {row["id"]: row for row in rows(EVIDENCE)}
    for target in TARGETS:
        informs = evidence[target.target_id]["informs"]
        expected = target.kpi if target.produced else "-"
        assert informs == expected, (
            f"{target.target_id}: evidence.csv informs {informs!r} but targets.csv compares "
            f"{expected!r}"
        )


@pytest.mark.parametrize("target", produced(TARGETS), ids=lambda t: t.target_id)
def test_england_counts_and_only_counts_are_scaled_by_the_area_rule(target):
    is_count = target.comparable_unit in COUNT_UNITS
    assert (target.scaling == "england_count") == is_count, (
        f"{target.target_id}: an England count (unit {target.comparable_unit!r}) is scaled to "
        "the area by the one rule (scaling = england_count), and nothing else is"
    )
    if is_count:
        assert target.tolerance_kind == "relative", "a count's tolerance scales with the area"
        for residents in (config.BASELINE_RESIDENTS_65PLUS, 20000):
            assert math.isclose(
                target.local_value(residents), england_to_area(target.comparable, residents)
            )
    if target.comparable_unit == "share":
        assert 0.0 <= target.comparable <= 1.0, f"{target.target_id}: a share lies in [0, 1]"


@pytest.mark.parametrize("target", produced(TARGETS), ids=lambda t: t.target_id)
def test_plain_percentages_are_compared_as_shares(target):
    plain = target.derivation.endswith(("as a share", "delayed days"))
    if target.published_unit == "percent" and plain:
        assert math.isclose(target.comparable, target.published / 100.0), target.target_id


@pytest.mark.parametrize("target", produced(TARGETS), ids=lambda t: t.target_id)
def test_social_care_reasons_are_shares_of_the_reasons_the_model_has(target):
    """The published reasons include some the model lacks (public funding, equipment, 4%):
    a modelled reason is compared with its share of the other 96%."""
    if target.kpi.startswith("delay_reason_share_of_social_care."):
        assert "reasons the model has" in target.derivation, target.target_id
        assert math.isclose(target.comparable, target.published / 100.0 / 0.96, rel_tol=1e-3)


@pytest.mark.parametrize("target", produced(TARGETS), ids=lambda t: t.target_id)
def test_every_tolerance_is_positive_and_justified(target):
    assert target.tolerance > 0
    assert target.tolerance_basis, f"{target.target_id}: say why the tolerance is what it is"
    assert target.derivation, f"{target.target_id}: say how the comparable value is derived"
    if target.comparable_unit == "share":
        assert target.tolerance_for() >= 0.02 or target.tolerance_kind == "relative", (
            f"{target.target_id}: a share's tolerance is at least the 2.5-point floor, or the "
            "relative floor for derived values"
        )


def test_both_splits_are_used():
    fit, check = produced(TARGETS, "fit"), produced(TARGETS, "check")
    assert len(fit) >= 10, "the fit needs targets"
    assert len(check) >= 5, "some targets are kept out of the fit as out-of-sample checks"


def test_not_produced_targets_say_why():
    for target in TARGETS:
        if not target.produced:
            assert len(target.derivation) > 20, f"{target.target_id}: give the reason"


def test_a_bad_row_names_the_file_and_the_target(tmp_path):
    bad = tmp_path / "targets.csv"
    text = TARGETS_FILE.read_text().replace(
        "BED-02,bed_occupancy,fit,0.88", "BED-02,bed_occupancy,fit,lots"
    )
    bad.write_text(text)
    with pytest.raises(ConfigError, match=r"targets\.csv: BED-02\.comparable: must be a number"):
        load_targets(bad)


def test_an_unknown_kpi_is_refused(tmp_path):
    bad = tmp_path / "targets.csv"
    bad.write_text(TARGETS_FILE.read_text().replace(",bed_occupancy,", ",bed_occupency,"))
    with pytest.raises(ConfigError, match=r"BED-02\.kpi: 'bed_occupency' is not a KPI"):
        load_targets(bad)


def test_within_tolerance_is_symmetric_and_inclusive():
    target = BY_ID["BED-02"]
    assert target.within(0.88 + 0.02)
    assert target.within(0.88 - 0.02)
    assert not target.within(0.88 + 0.0201)
    assert not target.within(math.nan)


def test_checks_that_restate_fitted_targets_are_marked_and_not_counted():
    from abm.calibration.targets import honest_checks

    restating = {t.target_id: set(t.restates) for t in TARGETS if t.restates}
    assert restating == {
        "DD-01": {"DD-02", "BED-02"},
        "WF-05": {"WF-07"},
        "WF-11": {"WF-10"},
        "PAY-04": {"PAY-05"},
    }
    honest = {t.target_id for t in honest_checks(TARGETS)}
    assert honest == {t.target_id for t in produced(TARGETS, "check")} - set(restating)
    for target in produced(TARGETS, "check"):
        assert target.out_of_sample, f"{target.target_id}: say why it is out of sample"


def _edited(tmp_path: Path, target_id: str, **values: str) -> Path:
    """The targets table with one row's columns changed."""
    table = rows(TARGETS_FILE)
    for row in table:
        if row["target_id"] == target_id:
            row.update(values)
    path = tmp_path / "targets.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return path


def test_a_check_sharing_a_kpi_with_a_fitted_target_must_say_it_restates_it(tmp_path):
    with pytest.raises(ConfigError, match=r"WF-05\.restates: shares its KPI care_vacancy_rate"):
        load_targets(_edited(tmp_path, "WF-05", restates=""))
    with pytest.raises(ConfigError, match=r"ASC-06\.out_of_sample: say why"):
        load_targets(_edited(tmp_path, "ASC-06", out_of_sample=""))
    with pytest.raises(ConfigError, match=r"ASC-06\.restates: DD-01 is not a fitted target"):
        load_targets(_edited(tmp_path, "ASC-06", restates="DD-01"))


def test_delays_are_fitted_in_one_era():
    """Issue 16: the delay figures fitted are the criteria-to-reside count's (2022-24); the
    delayed transfers of care figures (2016-20) are another era's, shown but neither fitted nor
    counted as checks, and nothing restates them."""
    era = {t.target_id for t in TARGETS if t.split == "other_era"}
    assert era == {f"DTOC-0{k}" for k in range(2, 10)} | {"DTOC-12"}
    fitted_delays = [t for t in TARGETS if t.split == "fit" and t.kpi.startswith("delay")]
    assert [t.target_id for t in fitted_delays] == ["DD-02"]
    for target in TARGETS:
        if target.split == "other_era":
            assert "Another era" in target.out_of_sample
        assert not set(target.restates) & era, f"{target.target_id} restates another era"
