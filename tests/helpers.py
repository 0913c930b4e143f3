"""Test helpers: small areas that run in a second, and the invariants checked every day."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from abm.agents.capacity import HELD
from abm.agents.worker import Role
from abm.config import Scenario, scale_area
from abm.domain import Care, Funder, Location
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


BASELINE_CONFIG = Path(__file__).resolve().parents[1] / "experiments" / "baseline.toml"
BEHAVIOUR_AREA = 20000


def calibrated(
    residents: int = BEHAVIOUR_AREA, years: int = 2, warmup_days: int = 365, **changes: object
) -> Scenario:
    """The calibrated baseline (experiments/baseline.toml) scaled to a smaller area by the
    project's area rule, with dotted-key changes (in the scaled area's units) applied: what
    behaviour tests compare, so that they test the model users run. The warm-up is one year,
    not the baseline's two, to keep the suite's time: the second year settles the care-home
    population from its first-day state, which both runs of a paired comparison share."""
    from abm.config import load_scenario

    scenario = scale_area(load_scenario(BASELINE_CONFIG), residents)
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
    # Beds are usable only while staffed, but staff who leave do not end the stays already
    # under way: stays are bounded by the beds commissioned, and are offered only while staffed.
    assert len(ic.stays) <= max(ic.commissioned_beds, 0) or model.params != model.base_params
    model.accounts.ledger.check()
    assert all(rate >= 0.0 for rate in model.accounts.streams.rates().values()), (
        "no negative payment"
    )
    homes = model.care_homes
    for pid in homes.residents_placed:
        assert location[pid] in (Location.CARE_HOME, Location.HOSPITAL, Location.CORRIDOR)
        assert care[pid] == Care.CARE_HOME
    assert counts[Location.CARE_HOME] <= len(homes.residents_placed)
    assert len(homes.residents_placed) <= homes.beds or model.params != model.base_params
    hc = model.home_care
    assert hc.delivered_hours <= hc.capacity_hours + 1e-6, "delivered never above staffed hours"
    assert (model.workforce.staff >= 0).all(), "headcounts are never negative"
    assert_staff_figures_current(model)
    employed = model.workforce.employer[: model.workforce.n]
    assert (employed >= -1).all(), "a worker has one employer or none"
    assert (employed < len(model.workforce.employers)).all()
    assert abs(hc.hours_used - sum(hc.packages.values())) < 1e-6
    assert all(hours >= 0.0 for hours in hc.packages.values()), "no package has negative hours"
    assert all(care[pid] == Care.HOME_CARE for pid in hc.packages)
    waiting = np.flatnonzero(care == Care.WAITING)
    assert set(waiting.tolist()) == set(model.community.waiting), "waiting = in a community queue"
    assert all(location[pid] == Location.COMMUNITY for pid in waiting)
    assert not np.any(care[location == Location.DEAD] != Care.NONE)
    assert model.tallies.counts() == recount(model), "kept counts equal a full recount"
    row = model.datacollector.tables["daily"]
    for key, values in row.items():
        if key not in SIGNED_COLUMNS and values:
            assert values[-1] >= 0, f"{key} is negative"


def assert_staff_figures_current(model: CareSystemModel) -> None:
    """Figures kept until staff change (``Workforce.version``) equal their fresh values."""
    workforce = model.workforce
    for home in model.care_homes.open_homes:
        assert home.staffed_places == home._places_for_staff(), "staffed places are current"
    rows = min(len(workforce.posts_cache), len(workforce.staff))
    for role in Role:
        fresh = (
            int(workforce.posts_cache[:rows, role].sum()),
            int(workforce.staff[:, role].sum()),
        )
        assert workforce.posts_and_staff((role,)) == fresh, "posts and staff are current"


def recount(model: CareSystemModel) -> dict[str, int | float]:
    """The counts that ``model.tallies`` keeps up to date, counted afresh over every resident."""
    r = model.residents
    n = r.n
    location, care, funded, carer = r.location[:n], r.care[:n], r.funder[:n], r.carer[:n]
    where = np.bincount(location, minlength=len(Location))
    alive = location != Location.DEAD
    at_home = location == Location.COMMUNITY
    need = np.take(r.need_hours, r.frailty[:n])
    unmet = need - np.take(r.carer_hours, carer) - r.package_hours[:n]
    unmet_at_home = np.where(at_home & (unmet > 0.0), unmet, 0.0)
    in_homes = care == Care.CARE_HOME
    has_care = (care == Care.HOME_CARE) | in_homes
    by_funder = np.bincount(funded[has_care], minlength=len(Funder))
    home_funders = funded[in_homes]
    needs_care = at_home & (need > 0.0)
    return {
        "residents": int(alive.sum()),
        "residents_85plus": int(np.count_nonzero(r.band[:n][alive] == 2)),
        "in_community": int(where[Location.COMMUNITY]),
        "in_corridor": int(where[Location.CORRIDOR]),
        "in_hospital": int(where[Location.HOSPITAL]),
        "in_intermediate_care": int(where[Location.INTERMEDIATE_CARE]),
        "in_care_home": int(where[Location.CARE_HOME]),
        "waiting_for_care_at_home": int(np.count_nonzero(care == Care.WAITING)),
        "need_none": int(np.count_nonzero(at_home) - np.count_nonzero(needs_care)),
        "need_met_unpaid": int(
            np.count_nonzero(needs_care & (unmet <= 0.0) & (care != Care.HOME_CARE))
        ),
        "council_funded": int(by_funder[Funder.COUNCIL]),
        "self_funded": int(by_funder[Funder.SELF]),
        "nhs_funded": int(by_funder[Funder.NHS]),
        "unmet_need": int(np.count_nonzero(unmet_at_home)),
        "residents_with_carer": int(np.count_nonzero(at_home & (carer > 0))),
        "care_home_self_funders": int(np.count_nonzero(home_funders == Funder.SELF)),
        "care_home_council_funded": int(np.count_nonzero(home_funders == Funder.COUNCIL)),
        "care_home_nhs_funded": int(np.count_nonzero(home_funders == Funder.NHS)),
        "unmet_need_hours": float(unmet_at_home.sum()),
    }


BASELINE_FILE = Path(__file__).resolve().parent / "baselines" / "small_area.json"


def baseline_kpis() -> dict[str, float]:
    """KPIs of replication 0 of the calibrated baseline in a 10,000-resident area (by the
    area rule) over two years after a warm-up year: the model users run."""
    from abm.metrics import compute_kpis, run_record

    record = run_record(run_model(calibrated(residents=10000, years=2, warmup_days=365)))
    return {name: round(value, 10) for name, value in compute_kpis(record).items()}


def outcomes(scenario: Scenario, replications: int = 2) -> dict[str, float]:
    """KPIs averaged over replications (common random numbers), plus a few daily totals:
    all emergencies (admitted or not), mean unmet hours, and days awaiting home care."""
    from abm.metrics import compute_kpis, run_record

    totals: dict[str, float] = {}
    for k in range(replications):
        record = run_record(run_model(scenario, k))
        values = compute_kpis(record)
        reported = record.daily[record.daily["reported"]]
        values["emergencies"] = float(
            reported[["resident_emergencies", "resident_emergencies_not_admitted"]].sum().sum()
        )
        values["unmet_hours"] = float(reported["unmet_need_hours"].mean())
        values["awaiting_home_care_days"] = float(reported["delayed.awaiting_home_care"].sum())
        values["council_budget_gbp"] = float(reported["council_budget_gbp"].mean())
        for name, value in values.items():
            totals[name] = totals.get(name, 0.0) + value / replications
    return totals
