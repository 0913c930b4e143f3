"""The Python API (issue 18): run, compare, Results, the packaged experiments and Mesa habits."""

from __future__ import annotations

import json
import math
import re

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

mpl.use("Agg")

import abm
from abm import CareSystemModel, Results, compare, run, scenario
from abm.config import ConfigError
from abm.errors import RunError
from abm.folders import FolderError, partial_path
from abm.metrics import KPIS
from abm.packaged import copy_experiments, experiment_names, resolve_config
from abm.reporters import MODEL_REPORTERS
from abm.stats import kpi_bounds

AREA = 3000
SHORT = {"run.years": 1, "run.warmup_days": 60}


@pytest.fixture(scope="module")
def base() -> Results:
    return run("baseline", replications=2, overrides=SHORT, area=AREA)


@pytest.fixture(scope="module")
def saved(base, tmp_path_factory) -> tuple[Results, Results]:
    folder = tmp_path_factory.mktemp("api") / "base"
    base.save(folder, report=True)
    return base, Results.load(folder)


def test_run_returns_pandas_tables_of_the_contract(base):
    assert list(base.summary.columns[:5]) == ["metric", "mean", "ci_low", "ci_high", "n"]
    assert set(base.summary["metric"]) == {kpi.name for kpi in KPIS}
    assert list(base.replications.index) == [0, 1]
    assert list(base.timeseries.columns) == ["date", "replication", "metric", "value"]
    assert base.timeseries["date"].min() >= pd.Timestamp(base.scenario.run.start_date)
    assert {"patient", "days", "reason", "responsible", "replication"} <= set(base.delays.columns)
    assert (base.delays["days"] > 0).all()
    assert {"account", "financial_year", "warmup"} <= set(base.accounts.columns)
    assert base.accounts["warmup"].any(), "the warm-up year should be flagged"
    assert (~base.accounts["warmup"]).any(), "a reported year should not be flagged"
    assert base.scenario.population.residents_65plus == AREA
    assert base.metadata["packages"]["numpy"] == np.__version__


def test_summary_means_are_the_replications_means(base):
    means = base.summary.set_index("metric")["mean"]
    for name in ("delayed_patients", "bed_occupancy", "council_spend_gbp"):
        assert means[name] == pytest.approx(base.replications[name].mean())


def test_every_interval_contains_its_mean_and_stays_in_bounds(base):
    for row in base.summary.dropna(subset=["ci_low"]).itertuples():
        low, high = kpi_bounds(row.metric)
        assert row.ci_low <= row.mean <= row.ci_high, row.metric
        assert low <= row.ci_low, (row.metric, row.ci_low)
        assert row.ci_high <= high, (row.metric, row.ci_high)


def test_same_call_same_numbers_and_overrides_by_mapping_or_text(base):
    again = run("baseline", replications=2, overrides=[f"{k}={v}" for k, v in SHORT.items()],
                area=AREA)  # fmt: skip
    pd.testing.assert_frame_equal(again.replications, base.replications)


def test_save_and_load_round_trip(saved, tmp_path):
    base, loaded = saved
    folder = loaded.folder
    assert not partial_path(folder).exists()
    pd.testing.assert_frame_equal(loaded.summary, base.summary, check_dtype=False)
    pd.testing.assert_frame_equal(
        loaded.replications, base.replications, check_dtype=False, check_names=False
    )
    assert len(loaded.timeseries) == len(base.timeseries)
    assert len(loaded.delays) == len(base.delays)
    assert loaded.accounts["warmup"].tolist() == base.accounts["warmup"].tolist()
    assert loaded.scenario == base.scenario
    meta = json.loads((folder / "metadata.json").read_text())
    assert set(meta["packages"]) >= {"numpy", "pandas", "scipy", "mesa"}
    assert "lock_sha256" in meta
    assert (folder / "figures" / "money_flows.png").is_file()
    with pytest.raises(FolderError, match="already exists"):
        base.save(folder)


def test_compare_pairs_replications(base):
    same = compare(base, base)
    assert (same["difference"].dropna() == 0).all()
    fewer_beds = run("baseline", replications=2, overrides={**SHORT, "hospital.beds": 500},
                     area=AREA)  # fmt: skip
    table = compare(base, fewer_beds).set_index("metric")
    assert table.loc["bed_occupancy", "n"] == 2
    assert table.loc["delayed_patients", "difference"] != 0


# Was part of the pairing test until 7 December 2026. On the fit of that day this 3,000-resident
# area after 60 warm-up days had 32% of its occupied beds delayed, waiting mostly for home care,
# so more beds (29 -> 40) filled with more delayed patients (8.3 -> 18.6 a day) and occupancy
# rose (89.8% -> 91.3%).
# On 7 December (morning) fewer beds lowered this congested area's occupancy by 1.7 points
# (delayed patients -8.9 a day): the smaller hospital left a regime of long home-care queues.
# Those regimes were the bursts of an all-or-nothing growth rule for agencies; since growth is
# graded by margin (abm/agents/home_care.py, growth_appetite) the test passes again.
def test_fewer_beds_raise_occupancy(base):
    fewer_beds = run("baseline", replications=2, overrides={**SHORT, "hospital.beds": 500},
                     area=AREA)  # fmt: skip
    table = compare(base, fewer_beds).set_index("metric")
    assert table.loc["bed_occupancy", "difference"] > 0, "fewer beds should raise occupancy"


def test_compare_refuses_unpaired_results(base):
    other = run("baseline", replications=2, overrides={**SHORT, "run.seed": 99}, area=AREA)
    with pytest.raises(RunError, match="seed"):
        compare(base, other)


def test_a_bad_override_names_the_key_before_any_run():
    with pytest.raises(ConfigError, match=r"hospital\.bedz"):
        run("baseline", overrides={"hospital.bedz": 5})
    with pytest.raises(ConfigError, match="not a packaged experiment"):
        run("no_such_experiment")


def test_plot_a_daily_output_and_a_kpi(base):
    ax = base.plot("delayed")
    assert ax.lines, "a line"
    assert ax.collections, "and its band"
    ax = base.plot("mean_delay_days")
    assert len(ax.collections[0].get_offsets()) == 2, "one point per replication"
    with pytest.raises(KeyError, match="neither"):
        base.plot("no_such_output")


def test_run_report_formats_numbers_by_unit(saved):
    _, loaded = saved
    page = (loaded.folder / "report.html").read_text()
    assert "Delayed patients" in page
    assert "data:image/png;base64," in page
    text = page.split("<section id='results'>")[1].split("<section id='figures'>")[0]
    assert "%" in text
    assert "£" in text
    for cell in pd.Series(text.split("<td class='num'>")[1:]).str.split("<").str[0]:
        assert not re.search(r"\de-\d", cell), f"a raw float: {cell}"
        for whole, decimals in re.findall(r"(\d[\d,]*)\.(\d+)", cell):
            significant = (whole.replace(",", "") + decimals).lstrip("0")
            raw = len(decimals) > 4 and len(significant) > 4
            assert not raw, f"a raw float: {cell} (0.00616 and 1,234.56 are fine)"


def test_mesa_habits_run_model_stops_and_reporters_give_the_headlines():
    chosen = scenario("baseline", SHORT, area=AREA)
    model = CareSystemModel(chosen, 1)
    model.run_model()  # must stop by itself at the end of the scenario
    assert model.finished
    assert not model.running
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(MODEL_REPORTERS)
    assert len(frame) == model.total_days
    daily = model.datacollector.get_table_dataframe("daily")
    assert frame["delayed_patients"].tolist() == daily["delayed"].tolist()
    assert frame["bed_occupancy"].between(0, 1).all()


def test_packaged_experiments_resolve_by_name_and_copy_out(tmp_path):
    names = experiment_names()
    assert {"baseline", "nhs_pay_parity", "calibrated"} <= set(names)
    assert resolve_config("baseline").name == "baseline.toml"
    assert resolve_config("baseline.toml").is_file()
    folder = copy_experiments(tmp_path / "mine")
    assert (folder / "baseline.toml").is_file()
    assert (folder / "sweeps").is_dir()
    with pytest.raises(ConfigError, match="not an empty folder"):
        copy_experiments(folder)


def test_import_abm_is_light_and_names_the_api():
    assert abm.__version__
    assert callable(abm.run)
    assert callable(abm.compare)
    with pytest.raises(AttributeError):
        _ = abm.no_such_name
    assert math.isfinite(len(abm.__all__))
