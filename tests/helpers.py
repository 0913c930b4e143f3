"""Test helpers: small areas that run in a second, and the invariants checked every day."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from abm.agents.capacity import HELD
from abm.config import Scenario, scale_area
from abm.domain import Care, Location
from abm.model import CareSystemModel
from abm.rng import replication_seed

SMALL_AREA = 6000
# Daily columns that may be negative (everything else is a count, an amount or a rate).
SIGNED_COLUMNS = ("date", "reported", "council_budget_pressure", "care_home_market_margin")


def small(
    residents: int = SMALL_AREA, years: int = 1, warmup_days: int = 150, **changes: object
) -> Scenario:
    """The default system scaled to a small area, with dotted-key changes applied."""
    scenario = scale_area(Scenario(), residents)
    run = dataclasses.replace(scenario.run, years=years, warmup_days=warmup_days)
    scenario = dataclasses.replace(scenario, run=run)
    return scenario.with_changes((key.replace("__", "."), value) for key, value in changes.items())


def run_model(scenario: Scenario, replication: int = 0, check: bool = False) -> CareSystemModel:
    """Run a model to its end, checking the invariants every day when ``check``."""
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    while not model.finished:
        model.step()
        if check:
            assert_invariants(model)
    return model


def assert_invariants(model: CareSystemModel) -> None:
    """What must hold at the end of every day, whatever the config."""
    r, hospital = model.residents, model.hospital
    n = r.n
    location, care = r.location[:n], r.care[:n]
    counts = np.bincount(location, minlength=len(Location))
    assert counts.sum() == n, "every resident is in exactly one place"
    assert counts[Location.HOSPITAL] == len(hospital.stays), "hospital stays match residents"
    in_corridor = sum(1 for pid in hospital.corridor if pid >= 0)
    assert counts[Location.CORRIDOR] == in_corridor, "corridor matches residents in it"
    assert all(location[pid] == Location.HOSPITAL for pid in hospital.stays)
    assert hospital.occupied <= hospital.open_beds, "occupied beds never above open beds"
    assert hospital.delayed <= hospital.occupied, "delayed never above occupied"
    assert hospital.background_in_beds >= 0
    ic = model.intermediate_care
    arrived = sum(1 for end in ic.stays.values() if end != HELD)
    assert counts[Location.INTERMEDIATE_CARE] == arrived, "intermediate care matches residents"
    assert len(ic.stays) <= max(ic.beds, 0) or model.params != model.base_params
    homes = model.care_homes
    for pid in homes.residents_placed:
        assert location[pid] in (Location.CARE_HOME, Location.HOSPITAL, Location.CORRIDOR)
        assert care[pid] == Care.CARE_HOME
    assert counts[Location.CARE_HOME] <= len(homes.residents_placed)
    assert len(homes.residents_placed) <= homes.beds or model.params != model.base_params
    hc = model.home_care
    assert hc.delivered_hours <= hc.capacity_hours + 1e-6, "delivered never above staffed hours"
    assert (model.workforce.staff >= 0).all(), "headcounts are never negative"
    employed = model.workforce.employer[: model.workforce.n]
    assert (employed >= -1).all(), "a worker has one employer or none"
    assert (employed < len(model.workforce.employers)).all()
    assert abs(hc.hours_used - sum(hc.packages.values())) < 1e-6
    assert all(care[pid] == Care.HOME_CARE for pid in hc.packages)
    waiting = np.flatnonzero(care == Care.WAITING)
    assert set(waiting.tolist()) == set(model.community.waiting), "waiting = in a community queue"
    assert all(location[pid] == Location.COMMUNITY for pid in waiting)
    assert not np.any(care[location == Location.DEAD] != Care.NONE)
    row = model.datacollector.tables["daily"]
    for key, values in row.items():
        if key not in SIGNED_COLUMNS and values:
            assert values[-1] >= 0, f"{key} is negative"


BASELINE_FILE = Path(__file__).resolve().parent / "baselines" / "small_area.json"


def baseline_kpis() -> dict[str, float]:
    """KPIs of replication 0 of the default system in a 5,000-resident area over two years."""
    from abm.metrics import compute_kpis, run_record

    record = run_record(run_model(small(residents=5000, years=2, warmup_days=365)))
    return {name: round(value, 10) for name, value in compute_kpis(record).items()}
