"""The lever response table (``care-abm responses``, docs/responses.md): its file is checked
before anything runs, it covers every lever of the contract, and its figures are the paired
differences of real runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.cli import main
from abm.compare.folder import CompareResults
from abm.compare.responses import load_spec
from abm.compare.responses_page import BODIES, REASONS, per_replication
from abm.config import ConfigError, load_scenario
from abm.policy.funding import FUNDING_POOLS
from abm.policy.means_test import MEANS_TESTS
from abm.policy.pay import PAY_RULES

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "experiments" / "responses" / "levers.toml"
BASELINE = ROOT / "experiments" / "baseline.toml"


def _spec(tmp_path: Path, levers: str, top: str = "") -> Path:
    path = tmp_path / "responses.toml"
    path.write_text(f'base = "{BASELINE}"\n{top}\n{levers}')
    return path


LEVER = """
[[lever]]
name = "{name}"
label = "A lever"
mechanism = "Through something"
{body}
"""


def test_the_packaged_table_covers_every_pool_means_test_and_pay_rule():
    """Issue 16's list: every funding pool, every means test (the cap included) and every pay
    rule other than the baseline's own is a row, and the capacities and budgets are there."""
    spec = load_spec(SPEC)
    base = load_scenario(BASELINE)
    changed: dict[str, set] = {}
    for lever in spec.levers:
        for key, value in lever.changes:
            changed.setdefault(key, set()).add(value)
    for key, registry in (
        ("funding.pool", FUNDING_POOLS),
        ("council.means_test", MEANS_TESTS),
        ("workforce.pay_rule", PAY_RULES),
    ):
        missing = set(registry) - {base.get(key)} - changed.get(key, set())
        assert not missing, f"{key}: no row for {sorted(missing)}"
    for key in (
        "capacity.care_home_beds",
        "capacity.home_care_start_factor",
        "capacity.intermediate_care_beds",
        "council.staffing_headroom",
        "council.budget_gbp",
        "nhs.budget_gbp",
    ):
        assert key in changed, key
    assert len(changed["council.budget_gbp"]) == 2
    assert len(changed["nhs.budget_gbp"]) == 2
    assert all(len(lever.mechanism) > 40 for lever in spec.levers)


def test_scale_multiplies_the_bases_value_and_keeps_whole_numbers_whole(tmp_path):
    body = 'scale = { "capacity.care_home_beds" = 1.1, "council.budget_gbp" = 0.9 }'
    spec = load_spec(_spec(tmp_path, LEVER.format(name="more", body=body)))
    base = load_scenario(BASELINE)
    changes = dict(spec.levers[0].changes)
    assert changes["capacity.care_home_beds"] == round(base.capacity.care_home_beds * 1.1)
    assert isinstance(changes["capacity.care_home_beds"], int)
    assert changes["council.budget_gbp"] == pytest.approx(base.council.budget_gbp * 0.9)


def test_scale_follows_the_area_the_base_is_scaled_to(tmp_path):
    """With --area, a lever scales the small area's places, not the full-size count."""
    body = 'scale = { "capacity.care_home_beds" = 1.1 }'
    spec = load_spec(_spec(tmp_path, LEVER.format(name="more", body=body)), area=6800)
    places = spec.base.capacity.care_home_beds
    assert places < load_scenario(BASELINE).capacity.care_home_beds
    assert dict(spec.levers[0].changes)["capacity.care_home_beds"] == round(places * 1.1)


def _one(body: str, name: str = "a") -> str:
    return LEVER.format(name=name, body=body)


BAD = [
    (_one('set = { "council.budgett" = 1.0 }'), "", "lever[0].set.council.budgett", "unknown key"),
    (_one('scale = { "hospital.bedz" = 1.1 }'), "", "lever[0].scale.hospital.bedz", "unknown key"),
    (_one('set = { "funding.pool" = "merged" }'), "", "lever[0].set.funding.pool", "merged"),
    (_one('scale = { "funding.pool" = 1.1 }'), "", "lever[0].scale.funding.pool", "cannot be"),
    (_one('scale = { "hospital.beds" = -1 }'), "", "lever[0].scale.hospital.beds", "positive"),
    (_one(""), "", "lever[0]", "changes nothing"),
    (_one('set = { "hospital.beds" = 700 }') * 2, "", "lever.name", "more than once"),
    (_one('set = { "hospital.beds" = 700 }', "A b"), "", "lever[0].name", "lower-case"),
    (_one('sett = { "hospital.beds" = 700 }'), "", "lever[0].sett", "unknown key"),
    ("", "", "lever", "at least one"),
    (_one('set = { "hospital.beds" = 700 }'), "levers = 1", "levers", "unknown key"),
    (_one('set = { "hospital.beds" = 700 }'), "note = 1", "note", "text"),
]


@pytest.mark.parametrize(("levers", "top", "key", "words"), BAD)
def test_a_bad_response_file_stops_with_one_line_naming_file_and_key(
    tmp_path, levers, top, key, words
):
    path = _spec(tmp_path, levers, top)
    with pytest.raises(ConfigError) as caught:
        load_spec(path)
    assert caught.value.key == key
    assert str(path) in str(caught.value)
    assert words in caught.value.message
    assert "\n" not in str(caught.value)


def test_a_missing_base_is_named(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('base = "nowhere.toml"\n' + LEVER.format(name="a", body=""))
    with pytest.raises(ConfigError, match="base: file not found"):
        load_spec(path)


@pytest.fixture(scope="module")
def small_table(tmp_path_factory):
    """Two levers against the baseline in a small area: a real comparison folder."""
    folder = tmp_path_factory.mktemp("responses")
    spec = folder / "responses.toml"
    spec.write_text(
        f'base = "{BASELINE}"\n'
        + LEVER.format(name="fewer_places", body='scale = { "capacity.care_home_beds" = 0.7 }')
        + LEVER.format(name="universal", body='set = { "council.means_test" = "universal" }')
    )
    out = folder / "out"
    page = folder / "page.md"
    args = [
        "responses", str(spec), "--area", "2000", "--set", "run.years=1",
        "--set", "run.warmup_days=30", "-r", "2", "-j", "1", "-q", "--out", str(out),
        "--page", str(page),
    ]  # fmt: skip
    assert main(args) == 0
    return out, page


def test_bed_days_by_body_and_by_reason_add_up_to_the_total(small_table):
    """The breakdowns are the total times each replication's shares, so they add up."""
    out, _ = small_table
    results = CompareResults.load(out)
    for name in results.names:
        table = per_replication(results, name)
        total = table["delayed_bed_days"]
        by_body = table[[f"delayed_bed_days.{b}" for b in BODIES]].sum(axis=1)
        by_reason = table[[f"delayed_bed_days.{r}" for r in REASONS]].sum(axis=1)
        busy = total > 0
        np.testing.assert_allclose(by_body[busy], total[busy], rtol=1e-9)
        np.testing.assert_allclose(by_reason[busy], total[busy], rtol=1e-9)


def test_the_table_holds_the_paired_differences_of_the_runs(small_table):
    """Each row's difference is the mean of the pairs' differences, recomputed here from the
    replications; the universal-care row moves private spending down (nobody pays for their own
    care), a direction that could fail."""
    out, page = small_table
    results = CompareResults.load(out)
    table = pd.read_csv(out / "responses.csv")
    assert set(table["lever"]) == {"fewer_places", "universal"}
    base = per_replication(results, "baseline")
    for lever in ("fewer_places", "universal"):
        other = per_replication(results, lever)
        expected = (other["delayed_bed_days"] - base["delayed_bed_days"]).mean()
        row = table[(table["lever"] == lever) & (table["metric"] == "delayed_bed_days")]
        assert row["difference"].item() == pytest.approx(expected)
    private = table[(table["lever"] == "universal") & (table["metric"] == "private_spend_gbp")]
    assert private["difference"].item() < 0
    text = page.read_text()
    assert "A lever" in text
    assert "Through something" in text
    assert "No ensemble was used" in text
    assert (out / "responses.md").read_text() == text
    assert (out / "sources" / "universal.toml").read_text().startswith("# A lever")


def test_a_larger_starting_home_care_market_starts_with_more_care_workers():
    """capacity.home_care_start_factor (the table's 'home-care starting size +10%') staffs the
    demand-sized agencies for their first-day packages times the factor."""
    from helpers import small

    from abm.agents.worker import Role
    from abm.model import CareSystemModel

    def first_day(factor: float) -> tuple[int, float]:
        model = CareSystemModel(small(capacity__home_care_start_factor=factor), 1)
        agencies = model.home_care.agencies
        staff = sum(model.workforce.staff_of(a, Role.HOME_CARE_WORKER) for a in agencies)
        return staff, sum(a.hours for a in agencies)

    (staff, hours), (more, same_hours) = first_day(1.0), first_day(1.5)
    assert same_hours == hours  # the same packages on the first day
    assert more >= staff * 1.4  # half as many staff again, give or take a worker per agency
