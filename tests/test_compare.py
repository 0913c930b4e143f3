"""Paired comparisons, unit by unit: statistics, pairing rules, wording, calibration, pages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import small

from abm.compare.calibration import CalibrationStatus
from abm.compare.pages import END, START, replace_block
from abm.compare.pairing import Entry, check_pairable, unique_names
from abm.compare.report import changed_keys, comment_block
from abm.compare.stats import PairingError, paired_differences, t_interval
from abm.compare.text import cautions, fmt_difference, fmt_value, sections, sentence
from abm.config import ConfigError
from abm.metrics import KPIS


def table(values: dict[str, list[float]], replications: list[int] | None = None) -> pd.DataFrame:
    first = next(iter(values.values()))
    return pd.DataFrame(values, index=replications or list(range(len(first))))


def test_identical_replications_give_zero_difference_and_zero_width():
    base = table({"delayed_patients": [10.0, 12.5, 9.0, 14.0]})
    row = paired_differences(base, base.copy()).iloc[0]
    assert row["difference"] == 0.0
    assert row["ci_low"] == 0.0
    assert row["ci_high"] == 0.0
    assert row["same_sign_share"] == 1.0
    assert row["n"] == 4


def test_pairs_by_replication_number_not_by_position():
    base = table({"delayed_patients": [10.0, 20.0, 30.0, 40.0]})
    # The policy adds exactly 1 in every replication, but its rows arrive in another order:
    # paired correctly the difference is 1 with a zero-width interval; paired by position it
    # would be a wide interval around 1.
    other = table({"delayed_patients": [41.0, 11.0, 31.0, 21.0]}, replications=[3, 0, 2, 1])
    row = paired_differences(base, other).iloc[0]
    assert row["difference"] == pytest.approx(1.0)
    assert row["ci_high"] - row["ci_low"] == pytest.approx(0.0)


def test_replications_that_do_not_match_cannot_be_paired():
    base = table({"delayed_patients": [1.0, 2.0, 3.0]})
    other = table({"delayed_patients": [1.0, 2.0, 3.0]}, replications=[0, 1, 5])
    with pytest.raises(PairingError, match="cannot be paired"):
        paired_differences(base, other)


def test_interval_sign_share_and_relative_difference():
    base = table({"delayed_patients": [10.0, 10.0, 10.0, 10.0, 10.0]})
    other = table({"delayed_patients": [12.0, 11.0, 13.0, 9.0, 15.0]})
    row = paired_differences(base, other).iloc[0]
    diffs = np.array([2.0, 1.0, 3.0, -1.0, 5.0])
    low, high = t_interval(diffs)
    assert row["difference"] == pytest.approx(2.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert low == pytest.approx(2.0 - 2.776 * diffs.std(ddof=1) / np.sqrt(5), rel=1e-3)
    assert row["same_sign_share"] == pytest.approx(0.8), "four of five replications rise"
    assert row["relative_difference"] == pytest.approx(0.2)


def test_missing_values_leave_their_pair_out():
    base = table({"mean_delay_days": [1.0, np.nan, 2.0]})
    other = table({"mean_delay_days": [2.0, 5.0, 3.0]})
    row = paired_differences(base, other).iloc[0]
    assert row["n"] == 2
    assert row["difference"] == pytest.approx(1.0)


def test_one_replication_has_no_interval():
    assert all(np.isnan(t_interval(np.array([3.0]))))


def test_every_kpi_gets_a_row_in_declared_order():
    names = [kpi.name for kpi in KPIS]
    base = table({name: [1.0, 2.0] for name in names})
    assert list(paired_differences(base, base)["metric"]) == names


def entry(name: str, **changes: object) -> Entry:
    return Entry(Path(f"experiments/{name}.toml"), small(**changes), name)


def test_configs_that_differ_only_in_policy_can_be_paired():
    check_pairable(
        [
            entry("base"),
            entry("beds", hospital__beds=40),
            entry("pay", workforce__pay_rule="nhs_parity"),
        ]
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("run__seed", 7),
        ("run__replications", 3),
        ("run__years", 2),
        ("run__warmup_days", 10),
        ("population__residents_65plus", 5000),
    ],
)
def test_configs_that_break_pairing_are_refused_naming_file_and_key(key, value):
    with pytest.raises(ConfigError) as error:
        check_pairable([entry("base"), entry("other", **{key: value})])
    message = str(error.value)
    assert message.startswith("experiments/other.toml: " + key.replace("__", "."))
    assert "experiments/base.toml" in message
    assert ("--area" if "population" in key else "--set") in message


def test_names_are_unique_and_file_safe():
    scenarios = [small(), small(), small()]
    paths = [Path("a.toml"), Path("b.toml"), Path("c.toml")]
    assert unique_names(paths, scenarios) == ["scenario", "scenario-2", "scenario-3"]


def test_changed_keys_lists_exactly_the_levers_that_differ():
    base = small()
    other = small(workforce__pay_rule="nhs_parity", hospital__beds=31)
    assert changed_keys(base, other) == ["hospital.beds", "workforce.pay_rule"]
    assert changed_keys(base, base) == []


def test_comment_block_is_the_leading_comments_only():
    text = "# Claim: pay matters.\n#   more words\n\nextends = 'baseline.toml'\n# later\n"
    assert comment_block(text) == "Claim: pay matters.\n  more words"
    assert comment_block("extends = 'x.toml'\n") == ""


def test_shares_are_percentages_and_their_differences_percentage_points():
    assert fmt_value("bed_occupancy", 0.9123) == "91.2%"
    assert fmt_difference("bed_occupancy", -0.0125) == "-1.25 pp"
    assert fmt_value("council_spend_gbp", 41_230_000.0) == "£41.23m"
    assert fmt_difference("delayed_patients", 3.456) == "+3.46"
    assert fmt_value("delayed_patients", float("nan")) == "n/a"


def test_spending_per_resident_is_in_pounds_not_millions():
    """A year's spending per resident is a few thousand pounds: in millions every experiment
    page showed it as £0.00m."""
    assert fmt_value("spend_per_resident_65plus_gbp", 4_123.4) == "£4,123.40"
    assert fmt_difference("spend_per_resident_65plus_gbp", -95.0) == "-£95.00"


def test_sentences_say_clear_or_not():
    row = {
        "metric": "delayed_patients",
        "base_mean": 30.0,
        "other_mean": 27.0,
        "difference": -3.0,
        "ci_low": -4.0,
        "ci_high": -2.0,
        "relative_difference": -0.1,
        "same_sign_share": 0.9,
        "n": 10,
    }
    assert "lower by 3.00" in sentence(row, "baseline", "policy")
    assert "9 of 10" in sentence(row, "baseline", "policy")
    unclear = row | {"ci_high": 1.0}
    assert "no clear difference" in sentence(unclear, "baseline", "policy")


def test_every_kpi_has_a_section():
    names = [kpi.name for kpi in KPIS]
    grouped = sections([*names, "a_new_kpi"])
    placed = [m for _, members in grouped for m in members]
    assert sorted(placed) == sorted([*names, "a_new_kpi"])
    assert grouped[-1] == ("Other outputs", ["a_new_kpi"])


STATUS = Path(__file__).resolve().parent / "fixtures" / "calibration_status.csv"


def test_calibration_status_is_summarised_with_its_misses():
    status = CalibrationStatus.read(STATUS)
    assert status.available
    assert (status.within, status.total) == (1, 3)
    assert list(status.misses["target_id"]) == ["BED-02", "DTOC-12"]
    assert status.by_split() == [("calibration", 1, 2), ("validation", 0, 1)]
    assert "1 of 3" in status.headline()


def test_missing_calibration_status_says_so(tmp_path):
    status = CalibrationStatus.read(tmp_path / "absent.csv")
    assert not status.available
    assert "not available" in status.headline()
    broken = tmp_path / "broken.csv"
    broken.write_text("target_id,kpi\nX,y\n")
    assert "lacks the columns" in CalibrationStatus.read(broken).headline()


def test_generated_block_is_replaced_and_hand_written_text_kept():
    page = "# Title\n\nHand-written claim.\n\n## How to read it\n\nMore prose.\n"
    once = replace_block(page, "numbers v1")
    assert once.startswith(page.rstrip())
    assert START in once
    assert END in once
    twice = replace_block(once, "numbers v2")
    assert "numbers v1" not in twice
    assert "numbers v2" in twice
    assert twice.count(START) == 1
    middle = page.replace("## How to read it", f"{START}\nold\n{END}\n\n## How to read it")
    assert replace_block(middle, "new").endswith("## How to read it\n\nMore prose.\n")


def test_cautions_explain_admissions_that_fall_because_the_hospital_is_full():
    def row(metric, difference):
        return {
            "metric": metric,
            "difference": difference,
            "ci_low": difference - 0.1,
            "ci_high": difference + 0.1,
        }

    full = pd.DataFrame(
        [
            row("emergency_admissions_per_1000", -50.0),
            row("emergencies_not_admitted_per_year", 9000.0),
            row("deaths_per_1000", -3.0),
            row("delayed_patients", 200.0),
        ]
    )
    notes = cautions(full)
    assert len(notes) == 2
    assert "turned away" in notes[0]
    assert "artefact" in notes[1]
    assert cautions(full.assign(ci_low=-1e9, ci_high=1e9)) == [], "no caution without clear moves"
