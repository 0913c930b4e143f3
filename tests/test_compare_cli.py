"""``care-abm compare`` and ``care-abm report`` end to end, in a tiny area over one year.

One comparison (a base, an identical copy of it and a pay policy; three replications in two
processes) is shared by the tests below: its folder, its pairing, the report and the pages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from abm.cli import main
from abm.compare.folder import CompareResults
from abm.compare.pages import END, START, update_pages
from abm.metrics import KPIS

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "abm.cli"]
QUICK = ["--area", "2000", "--set", "run.years=1", "--set", "run.warmup_days=60", "-r", "3"]

# The KPIs of the public contract (DESIGN.md): the report must show every one of them.
CONTRACT_KPIS = (
    "emergency_admissions_per_1000",
    "bed_occupancy",
    "delayed_patients",
    "delayed_bed_days",
    "delayed_share_of_occupied_beds",
    "mean_delay_days",
    *(
        f"delay_reason_share.{reason}"
        for reason in (
            "awaiting_assessment",
            "awaiting_home_care",
            "awaiting_care_home",
            "awaiting_intermediate_care",
            "awaiting_funding_decision",
            "patient_or_family_choice",
            "hospital_process",
        )
    ),
    *(f"delay_attribution_share.{body}" for body in ("nhs", "social_care", "both")),
    "corridor_waits_per_day",
    "unmet_need_share_65plus",
    "care_home_occupancy",
    "self_funder_share_care_homes",
    "care_vacancy_rate",
    "home_care_vacancy_rate",
    "care_turnover_rate",
    "nhs_hca_vacancy_rate",
    "council_spend_gbp",
    "nhs_spend_gbp",
    "private_spend_gbp",
    "provider_exits",
    "deaths_per_1000",
)

CALIBRATION = ROOT / "tests" / "fixtures" / "calibration_status.csv"


def care_abm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=900, check=False
    )


@pytest.fixture(scope="module")
def configs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("configs")
    base = folder / "baseline.toml"
    base.write_text((ROOT / "experiments" / "baseline.toml").read_text())
    calibrated = ROOT / "experiments" / "calibrated.toml"
    (folder / calibrated.name).write_text(calibrated.read_text())  # the baseline extends it
    same = folder / "same.toml"
    same.write_text('extends = "baseline.toml"\nname = "same"\n')
    pay = folder / "pay.toml"
    pay.write_text(
        "# Claim: paying care workers like the NHS keeps them.\n# Source: a test.\n"
        'extends = "baseline.toml"\nname = "pay"\ndescription = "NHS pay parity"\n\n'
        '[workforce]\npay_rule = "nhs_parity"\n'
    )
    return {"base": base, "same": same, "pay": pay}


@pytest.fixture(scope="module")
def compared(configs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare") / "cmp"
    done = care_abm(
        "compare",
        str(configs["base"]),
        str(configs["same"]),
        str(configs["pay"]),
        *QUICK,
        "--jobs",
        "2",
        "--out",
        str(out),
        "--report",
        "--calibration",
        str(CALIBRATION),
    )
    assert done.returncode == 0, done.stderr
    assert f"Results: {out}" in done.stdout
    return out


def test_folder_is_complete(compared):
    names = {p.name for p in compared.iterdir()}
    assert {
        "compare.json",
        "differences.csv",
        "replications.csv",
        "runs",
        "sources",
        "figures",
        "report-same.html",
        "report-pay.html",
    } <= names
    assert {p.name for p in (compared / "runs").iterdir()} == {"baseline", "same", "pay"}
    for run in (compared / "runs").iterdir():
        assert (run / "summary.csv").is_file(), "each config has a full results folder"
    for figures in ("same", "pay", "all"):
        pngs = list((compared / "figures" / figures).glob("*.png"))
        assert len(pngs) == 6
        assert all(p.stat().st_size > 10_000 for p in pngs)
    assert not list(compared.parent.glob("*.partial"))
    meta = json.loads((compared / "compare.json").read_text())
    assert meta["base"] == "baseline"
    assert meta["others"] == ["same", "pay"]
    assert meta["replications"] == 3


def test_identical_configs_differ_by_exactly_zero(compared):
    table = pd.read_csv(compared / "differences.csv")
    same = table[(table["comparison"] == "same") & (table["n"] > 0)]
    assert set(same["metric"]) >= {"delayed_patients", "council_spend_gbp"}
    assert (same["difference"] == 0).all(), "the same config with the same seeds is identical"
    assert (same["base_mean"] == same["other_mean"]).all()
    # A measure defined in one replication only (care-home waits of hospital patients: in this
    # 2,000-resident year only one replication places one) has no interval: NaN, not 0.
    paired = same[same["n"] > 1]
    assert (paired["ci_low"] == 0).all()
    assert (paired["ci_high"] == 0).all()
    assert same.loc[same["n"] == 1, "ci_low"].isna().all()


def test_replication_k_of_the_base_is_paired_with_replication_k(compared):
    results = CompareResults.load(compared)
    for metric in ("care_worker_pay_gbp", "delayed_patients", "council_spend_gbp"):
        base = results.kpi_values("baseline", metric)
        pay = results.kpi_values("pay", metric)
        row = results.differences_for("pay").set_index("metric").loc[metric]
        assert list(base.index) == [0, 1, 2]
        assert row["difference"] == pytest.approx((pay - base).mean())
    pay_rise = results.differences_for("pay").set_index("metric").loc["care_worker_pay_gbp"]
    assert pay_rise["difference"] > 1.0, "NHS parity should raise care workers' pay"
    assert pay_rise["same_sign_share"] == 1.0


def test_jobs_do_not_change_results(compared, configs, tmp_path):
    out = tmp_path / "serial"
    status = main(
        ["compare", str(configs["base"]), str(configs["pay"]), *QUICK, "--out", str(out), "-q"]
    )
    assert status == 0
    parallel = pd.read_csv(compared / "differences.csv")
    parallel = parallel[parallel["comparison"] == "pay"].reset_index(drop=True)
    serial = pd.read_csv(out / "differences.csv")
    pd.testing.assert_frame_equal(parallel, serial)


def test_report_is_self_contained_and_has_every_kpi(compared):
    page = (compared / "report-pay.html").read_text()
    for metric in CONTRACT_KPIS:
        assert f"<code>{metric}</code>" in page, f"{metric} is missing from the report"
    for kpi in KPIS:
        assert f"<code>{kpi.name}</code>" in page
    assert "<script" not in page.lower(), "no JavaScript"
    assert not re.search(r"src=['\"](?!data:)", page), "every image is embedded"
    assert page.count("data:image/png;base64,") == 6
    for section in (
        "In brief",
        "The claim tested",
        "What was run",
        "Results for every output",
        "Assumptions that drive these results",
        "Calibration status of the baseline",
    ):
        assert section in page
    assert "Claim: paying care workers like the NHS keeps them." in page
    assert "workforce.pay_rule" in page
    assert "1 of 3 published targets" in page, "calibration summary from the status file"
    assert "BED-02" in page, "the misses are listed"
    assert "care-abm compare" in page
    assert "pay.toml" in page


def test_report_command_rewrites_reports_and_says_when_calibration_is_absent(
    compared, tmp_path, monkeypatch
):
    # No status committed: the report says so. (A --calibration file that does not exist is
    # refused instead: tests/test_hardening.py.)
    import abm.compare.calibration

    monkeypatch.setattr(abm.compare.calibration, "default_status_path", lambda: tmp_path / "no")
    status = main(["report", str(compared)])
    assert status == 0
    page = (compared / "report-same.html").read_text()
    assert "Calibration status of the baseline: not available" in page
    assert "identical in every replication" in page


def test_pages_are_written_from_the_folder(compared, tmp_path):
    docs = tmp_path / "experiments"
    docs.mkdir()
    (docs / "pay.md").write_text("# Pay\n\nHand-written.\n")
    written = update_pages(CompareResults.load(compared), docs)
    assert {p.name for p in written} == {"same.md", "pay.md", "README.md"}
    page = (docs / "pay.md").read_text()
    assert page.startswith("# Pay\n\nHand-written.\n")
    assert START in page
    assert END in page
    assert "care-abm compare" in page
    assert "care_worker_pay_gbp" in page or "delayed_patients" in page
    assert "[pay](pay.md)" in (docs / "README.md").read_text()


def test_configs_that_cannot_be_paired_are_refused(configs, tmp_path):
    other = tmp_path / "seeded.toml"
    other.write_text(f'extends = "{configs["base"].as_posix()}"\n[run]\nseed = 1\n')
    out = tmp_path / "out"
    done = care_abm("compare", str(configs["base"]), str(other), "--out", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert f"{other}: run.seed: is 1 here but 20251125 in the base" in done.stderr
    assert not out.exists()


def test_bad_input_is_one_clear_line(configs, tmp_path):
    done = care_abm(
        "compare", str(configs["base"]), str(configs["pay"]), "--set", "hospital.bedz=3"
    )
    assert done.returncode == 2
    assert "--set: hospital.bedz: unknown key" in done.stderr
    done = care_abm("report", str(tmp_path))
    assert done.returncode == 2
    assert "not a comparison folder" in done.stderr


def test_the_area_is_given_once_and_by_the_one_rule(configs):
    both = ["--area", "2000", "--set", "population.residents_65plus=2000"]
    done = care_abm("compare", str(configs["base"]), str(configs["pay"]), *both)
    assert done.returncode == 2
    assert "--area: population.residents_65plus: given twice" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = care_abm("compare", str(configs["base"]), str(configs["pay"]), "--area", "5")
    assert done.returncode == 2
    assert "--area: population.residents_65plus: must be at least 10, got 5" in done.stderr
