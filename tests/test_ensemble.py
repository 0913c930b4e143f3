"""The plausible ensemble in ``run`` and ``compare``: replication k runs member k (mod size)
from replication k's seed, so results are bit-reproducible with any number of processes and
common random numbers hold across the configs compared.

The ensemble here is written with the calibration's own writer (two members that differ in
the readmission hazard after a discharge and in the hospital's other emergencies, a value
proportional to the area), on a 2,000-resident area over a few months.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from abm import api
from abm.calibration.ensemble import read_ensemble, write_ensemble
from abm.cli import main
from abm.config import BASELINE_RESIDENTS_65PLUS, ConfigError

ROOT = Path(__file__).resolve().parents[1]
AREA = 2000
# 34 brokers in the full-size area are one in 2,000 residents (the area rule rounds the
# baseline's own to none, and a council that cannot place anyone fills the hospital).
QUICK = {"run.years": 1, "run.warmup_days": 30, "council.brokers": 34}
QUICK_SET = [word for key, value in QUICK.items() for word in ("--set", f"{key}={value}")]
MEMBERS = [
    {
        "admissions.post_discharge_hazard_ratio": 2.0,
        "hospital.background_emergencies_per_day": 40.0,
    },
    {
        "admissions.post_discharge_hazard_ratio": 12.0,
        "hospital.background_emergencies_per_day": 60.0,
    },
]


@pytest.fixture(scope="module")
def ensemble_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ensemble") / "ensemble.parquet"
    table = pd.DataFrame(
        {
            "member": [0, 1],
            "wave": [1, 2],
            "implausibility": [1.2, 2.5],
            "loss": [0.8, 1.9],
            "admissions.post_discharge_hazard_ratio": [2.0, 12.0],
        }
    )
    changes = [tuple(member.items()) for member in MEMBERS]
    provenance = {"spec": "test", "residents_65plus": BASELINE_RESIDENTS_65PLUS}
    write_ensemble(path, table, changes, provenance)
    return path


def quick(**extra: object) -> dict[str, object]:
    return {**QUICK, **extra}


def test_the_ensemble_reads_back_and_scales_area_values(ensemble_file):
    ensemble = read_ensemble(ensemble_file)
    assert len(ensemble) == 2
    assert ensemble.keys == sorted(MEMBERS[0])
    assert [ensemble.member_of(k) for k in range(5)] == [0, 1, 0, 1, 0]
    scenario = api.scenario("baseline", quick(), area=AREA)
    second = ensemble.scenario(scenario, 3)
    assert second.admissions.post_discharge_hazard_ratio == 12.0
    assert second.hospital.background_emergencies_per_day == pytest.approx(
        60.0 * AREA / BASELINE_RESIDENTS_65PLUS
    ), "a value proportional to the area is scaled from the ensemble's area to the run's"
    assert second.run.seed == scenario.run.seed, "the seed is the run's, not the member's"
    meta = json.loads(ensemble_file.with_suffix(".json").read_text())
    assert meta["members"] == 2
    assert meta["sha256"] == ensemble.digest


def test_replication_k_runs_member_k_from_its_own_seed(ensemble_file):
    with_ensemble = api.run("baseline", 3, quick(), area=AREA, ensemble=ensemble_file)
    for member in (0, 1):
        # overrides are in the config's (full-size) units and scaled to the area, as the
        # ensemble's values are
        alone = api.run("baseline", 3, quick(**MEMBERS[member]), area=AREA)
        for k in range(member, 3, 2):
            pd.testing.assert_series_equal(
                with_ensemble.replications.loc[k], alone.replications.loc[k], check_names=False
            )
    assert with_ensemble.metadata["ensemble"]["members_by_replication"] == [0, 1, 0]
    assert with_ensemble.metadata["ensemble"]["size"] == 2
    differs = with_ensemble.replications["readmission_30d_rate"]
    assert differs.loc[1] > differs.loc[0] + 0.03, "member 1's raised hazard readmits more"


def test_one_or_two_processes_give_identical_results(ensemble_file, tmp_path):
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        args = [
            "run",
            "baseline",
            "-r",
            "2",
            "--area",
            str(AREA),
            *QUICK_SET,
            "-q",
            "--jobs",
            str(jobs),
            "--out",
            str(out),
            "--ensemble",
            str(ensemble_file),
        ]
        assert main(args) == 0
        outs.append(pd.read_csv(out / "replications.csv"))
        meta = json.loads((out / "metadata.json").read_text())
        assert meta["ensemble"]["file"] == str(ensemble_file)
    pd.testing.assert_frame_equal(outs[0], outs[1])


def test_compare_with_an_ensemble_keeps_common_random_numbers(ensemble_file, tmp_path):
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "baseline.toml").write_text((ROOT / "experiments" / "baseline.toml").read_text())
    (configs / "calibrated.toml").write_text((ROOT / "experiments" / "calibrated.toml").read_text())
    (configs / "same.toml").write_text('extends = "baseline.toml"\nname = "same"\n')
    (configs / "pay.toml").write_text(
        'extends = "baseline.toml"\nname = "pay"\n[workforce]\npay_rule = "nhs_parity"\n'
    )
    out = tmp_path / "cmp"
    args = [
        "compare",
        str(configs / "baseline.toml"),
        str(configs / "same.toml"),
        str(configs / "pay.toml"),
        "-r",
        "4",
        "--area",
        str(AREA),
        *QUICK_SET,
        "-q",
        "--jobs",
        "2",
        "--out",
        str(out),
        "--report",
        "--ensemble",
        str(ensemble_file),
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "differences.csv")
    same = table[(table["comparison"] == "same") & (table["n"] > 0)]
    assert (same["difference"] == 0).all(), "one member and one seed per pair: no difference"
    assert (same["spread_low"] == 0).all()
    assert (same["spread_high"] == 0).all()
    pay = table[table["comparison"] == "pay"].set_index("metric")
    row = pay.loc["care_worker_pay_gbp"]
    assert row["spread_low"] > 0, "NHS parity raises pay under every member"
    assert row["spread_low"] <= row["difference"] <= row["spread_high"]
    assert pd.notna(pay.loc["readmission_30d_rate", "noise_sd"]), "members ran twice each"
    meta = json.loads((out / "compare.json").read_text())
    assert meta["ensemble"]["members_by_replication"] == [0, 1, 0, 1]
    assert "--ensemble" in meta["command"]
    page = (out / "report-pay.html").read_text()
    assert "Over the ensemble" in page
    assert "plausible ensemble" in page
    replications = pd.read_csv(out / "replications.csv")
    rates = replications[
        (replications["metric"] == "readmission_30d_rate")
        & (replications["scenario"] == "baseline")
    ].set_index("replication")
    assert rates.loc[1, "value"] > rates.loc[0, "value"], "member 1 in replication 1"


def test_a_compared_config_may_not_change_what_the_ensemble_sets(ensemble_file, tmp_path):
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "baseline.toml").write_text((ROOT / "experiments" / "baseline.toml").read_text())
    (configs / "calibrated.toml").write_text((ROOT / "experiments" / "calibrated.toml").read_text())
    (configs / "hazard.toml").write_text(
        'extends = "baseline.toml"\nname = "hazard"\n'
        "[admissions]\npost_discharge_hazard_ratio = 3.0\n"
    )
    from abm.compare.command import load_entries
    from abm.compare.runner import Comparison

    entries = load_entries([configs / "baseline.toml", configs / "hazard.toml"], [], AREA)
    with pytest.raises(ConfigError, match=r"hazard\.toml: admissions\.post_discharge_hazard"):
        Comparison(entries, tmp_path / "out", ensemble=read_ensemble(ensemble_file))


def test_a_missing_ensemble_is_one_clear_line(tmp_path, capsys):
    missing = tmp_path / "nowhere.parquet"
    status = main(
        [
            "run",
            "baseline",
            "-r",
            "1",
            "--area",
            str(AREA),
            *QUICK_SET,
            "-q",
            "--out",
            str(tmp_path / "out"),
            "--ensemble",
            str(missing),
        ]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "nowhere.parquet" in err
    assert "care-abm calibrate" in err
    assert not (tmp_path / "out").exists()


def test_members_keeps_the_first_n_so_each_runs_more_than_once(ensemble_file):
    """--members N: the first N members (a random draw, the calibration shuffles them); with
    more replications than N every member repeats, which splits noise from parameters."""
    from abm.calibration.ensemble import from_option

    one = from_option(str(ensemble_file), 1)
    assert len(one) == 1
    assert [one.member_of(k) for k in range(3)] == [0, 0, 0]
    assert one.members[0] == read_ensemble(ensemble_file).members[0]
    assert one.describe(2)["size"] == 1
    with pytest.raises(ConfigError, match=r"--members: must be 1 to 2"):
        from_option(str(ensemble_file), 3)
    with pytest.raises(ConfigError, match=r"--members: needs --ensemble"):
        from_option(None, 2)
