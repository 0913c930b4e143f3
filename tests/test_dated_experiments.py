"""The dated experiments (issue 17): the England 2010-2019 replay and the projections to 2040
load, their generated inputs are up to date, they run a short horizon, and their pages
exist and say how to reproduce them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_model

from abm.config import load_scenario, scale_area
from abm.metrics import compute_kpis, run_record

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "experiments" / "history" / "england_2010_2019.toml"
PROJECTIONS = [
    ROOT / "experiments" / "projection_2025_2040.toml",
    ROOT / "experiments" / "projection_2025_2040_demand_funded.toml",
]
SHARED = ROOT.parent / "shared" / "history" / "inputs.csv"


def test_the_replay_covers_april_2010_to_march_2019_with_the_dated_levers() -> None:
    scenario = load_scenario(HISTORY)
    assert scenario.run.start_date == dt.date(2010, 4, 1)
    assert scenario.run.years == 9
    assert scenario.workforce.wage_floor == "by_date"
    assert scenario.population.demography == "projection"
    assert scenario.population.residents_65plus == 57237, "England / 152 (8.7m / 152)"
    keys = {one.key for one in scenario.series}
    assert {"council.budget_gbp", "hospital.beds", "grants.social_care_gbp"} <= keys
    pools = [c for c in scenario.schedule if ("funding.pool", "pooled") in c.changes]
    assert [c.date for c in pools] == [dt.date(2015, 4, 1)], "the Better Care Fund pools in 2015"


@pytest.mark.skipif(not SHARED.is_file(), reason="../shared/history is not beside the project")
def test_the_replay_inputs_are_what_the_script_makes_of_the_shared_series() -> None:
    script = ROOT / "scripts" / "history_inputs.py"
    command = [sys.executable, str(script), "--check"]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("path", [HISTORY, *PROJECTIONS], ids=lambda p: p.stem)
def test_dated_experiment_runs_a_short_horizon(path: Path) -> None:
    """Validated with its own dates, then cut short in a small area (its later dates are
    simply not reached)."""
    scenario = scale_area(load_scenario(path), 2000)
    run = dataclasses.replace(scenario.run, years=1, warmup_days=60)
    kpis = compute_kpis(run_record(run_model(dataclasses.replace(scenario, run=run))))
    assert kpis["emergency_admissions_per_1000"] > 0
    assert kpis["deaths_per_1000"] > 0


@pytest.mark.parametrize("path", [HISTORY, *PROJECTIONS[:1]], ids=lambda p: p.stem)
def test_dated_experiment_has_a_page_that_says_how_to_reproduce_it(path: Path) -> None:
    page = ROOT / "docs" / "experiments" / f"{path.stem}.md"
    assert page.is_file()
    assert str(path.relative_to(ROOT)) in page.read_text()
