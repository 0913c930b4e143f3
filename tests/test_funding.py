"""Funding arrangements: each class on its own, money conserved in the model, and behaviour.

Behaviour tests compare runs with the same seeds (common random numbers) that differ in one
lever, and say why the direction is expected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from helpers import calibrated, outcomes, run_model, small
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.config import FundingConfig
from abm.domain import HEALTH_PURPOSES, SOCIAL_CARE_PURPOSES, Purpose
from abm.metrics import run_record
from abm.model import CareSystemModel
from abm.policy.funding import (
    ALLOCATION_RULES,
    FUNDING_POOLS,
    Allocations,
    LastYear,
)
from abm.rng import replication_seed
from abm.run import Experiment

ALLOCATIONS = Allocations(council=30e6, nhs=70e6)
LAST_YEAR = LastYear(care_spend=30e6, health_spend=70e6)


def arrangement(name: str, **changes: object):
    return FUNDING_POOLS.create(name, dataclasses.replace(FundingConfig(), **changes))


# --------------------------------------------------------------------------- the classes


@pytest.mark.parametrize("name", ["separate", "pooled", "integrated"])
def test_every_arrangement_holds_the_same_total_money(name):
    funding = arrangement(name)
    budgets = funding.budgets(ALLOCATIONS, LAST_YEAR)
    holders = [a for a in budgets if a != "integrated"]
    assert sum(budgets[a] for a in holders) == pytest.approx(ALLOCATIONS.total)
    into_system = sum(
        gbp
        for payer, _, _, gbp in funding.monthly_transfers(ALLOCATIONS, budgets)
        if payer == "government"
    )
    assert into_system == pytest.approx(ALLOCATIONS.total / 12)


@pytest.mark.parametrize("name", ["separate", "pooled", "integrated"])
def test_every_purpose_has_a_payer_that_holds_a_budget(name):
    funding = arrangement(name)
    budgets = funding.budgets(ALLOCATIONS, LAST_YEAR)
    for purpose in SOCIAL_CARE_PURPOSES | HEALTH_PURPOSES:
        assert funding.payer(purpose) in budgets
    with pytest.raises(ValueError, match="not paid for"):
        funding.payer(Purpose.OPERATING_COSTS)


def test_separate_budgets_are_the_allocations():
    funding = arrangement("separate")
    assert funding.budgets(ALLOCATIONS, LAST_YEAR) == {"council": 30e6, "nhs": 70e6}
    assert funding.payer(Purpose.REABLEMENT) == "council"
    assert funding.payer(Purpose.HOSPITAL) == "nhs"


def test_pooled_takes_the_configured_shares_and_pays_for_reablement():
    funding = arrangement("pooled", pool_council_share=0.1, pool_nhs_share=0.05)
    budgets = funding.budgets(ALLOCATIONS, LAST_YEAR)
    assert budgets["pool"] == pytest.approx(0.1 * 30e6 + 0.05 * 70e6)
    assert budgets["council"] == pytest.approx(27e6)
    assert funding.payer(Purpose.REABLEMENT) == "pool"
    assert funding.payer(Purpose.HOME_CARE) == "council"
    assert funding.discharge_holder == "pool"


@pytest.mark.parametrize(
    ("rule", "council_part"), [("shared", 0.1 / 0.15), ("council", 1.0), ("nhs", 0.0)]
)
def test_a_pool_deficit_is_covered_by_the_overspend_rule(rule, council_part):
    funding = arrangement(
        "pooled", pool_council_share=0.1, pool_nhs_share=0.05, pool_overspend=rule
    )
    transfers = funding.year_end_transfers({"pool": -1000.0})
    paid = {payer: gbp for payer, _, _, gbp in transfers}
    assert paid["council"] == pytest.approx(1000.0 * council_part)
    assert paid["council"] + paid["nhs"] == pytest.approx(1000.0)
    assert funding.year_end_transfers({"pool": 50.0}) == []


def test_integrated_splits_one_budget_by_last_years_shares():
    funding = arrangement("integrated")
    budgets = funding.budgets(ALLOCATIONS, LastYear(care_spend=40.0, health_spend=60.0))
    assert budgets["integrated.care"] == pytest.approx(0.4 * ALLOCATIONS.total)
    assert funding.payer(Purpose.CARE_HOME) == "integrated.care"
    assert funding.payer(Purpose.CONTINUING_HEALTHCARE) == "integrated.health"


def test_the_shortage_rule_moves_money_toward_the_costlier_shortage():
    rule = ALLOCATION_RULES.create("shortage", FundingConfig(shortage_shift=0.5))
    care_short = LastYear(30e6, 70e6, care_delay_cost=10e6, health_delay_cost=2e6)
    health_short = LastYear(30e6, 70e6, care_delay_cost=2e6, health_delay_cost=10e6)
    assert rule.care_share(care_short, 100e6) == pytest.approx(0.3 + 0.5 * 8e6 / 100e6)
    assert rule.care_share(health_short, 100e6) < 0.3
    extreme = LastYear(30e6, 70e6, care_delay_cost=1e12)
    assert rule.care_share(extreme, 100e6) == pytest.approx(0.95)
    last = ALLOCATION_RULES.create("last_year_shares", FundingConfig())
    assert last.care_share(care_short, 100e6) == pytest.approx(0.3)


def test_unknown_arrangement_names_list_the_valid_ones():
    with pytest.raises(KeyError, match="valid: integrated, pooled, separate"):
        FUNDING_POOLS.create("merged", FundingConfig())


# --------------------------------------------------------------------------- conservation


@st.composite
def money_configs(draw):
    return small(
        residents=2500,
        years=1,
        warmup_days=draw(st.sampled_from([0, 45, 200])),
        funding__pool=draw(st.sampled_from(["separate", "pooled", "integrated"])),
        funding__allocation=draw(st.sampled_from(["last_year_shares", "shortage"])),
        funding__pool_overspend=draw(st.sampled_from(["shared", "council", "nhs"])),
        funding__pool_council_share=draw(st.floats(0.0, 0.3)),
        funding__reserve_share=draw(st.floats(0.0, 0.2)),
        council__means_test=draw(
            st.sampled_from(["care_act", "cap", "free_personal_care", "universal"])
        ),
        council__budget_change=draw(st.floats(-0.3, 0.1)),
        nhs__budget_growth=draw(st.floats(-0.3, 0.1)),
        nhs__hospital_payment=draw(st.sampled_from(["block", "activity"])),
        workforce__pay_rule=draw(st.sampled_from(["market", "nhs_parity"])),
        workforce__pay_rise_paid_by=draw(st.sampled_from(["fees", "providers"])),
        run__start_date=draw(st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    )


@given(money_configs(), st.integers(0, 3))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_money_is_conserved_every_month_for_every_body(scenario, replication):
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    ledger = model.accounts.ledger
    while not model.finished:
        model.step()
        if model.date.day == 2:
            ledger.check(full=True)
            assert sum(ledger.balance(a) for a in ledger.accounts) == 0
    record = run_record(model)
    assert record.accounts["balanced"].all()
    by_year = record.accounts.groupby("financial_year")
    assert (by_year["closing_gbp"].sum().abs() < 0.005).all(), "every year sums to zero"


def test_ledger_spending_matches_the_spend_outputs():
    """The daily spend outputs and the ledger count the same money (to within the part of a
    month not yet settled at the edges of the reported period)."""
    scenario = small(residents=3000, years=2, warmup_days=0)
    record = run_record(run_model(scenario))
    flows = record.flows
    public = ~flows["payer"].isin(["households", "government", "economy", "opening balances"])
    care = flows[public & flows["purpose"].isin([p.value for p in SOCIAL_CARE_PURPOSES])]
    health = flows[public & flows["purpose"].isin([p.value for p in HEALTH_PURPOSES])]
    private = flows[(flows["payer"] == "households")]
    daily = record.daily
    assert care["gbp"].sum() == pytest.approx(daily["council_spend_gbp"].sum(), rel=0.01)
    assert health["gbp"].sum() == pytest.approx(daily["nhs_spend_gbp"].sum(), rel=0.01)
    assert private["gbp"].sum() == pytest.approx(daily["private_spend_gbp"].sum(), rel=0.01)


# --------------------------------------------------------------------------- behaviour


def test_a_pool_buys_discharge_support_with_money_taken_from_the_council_and_the_nhs():
    """Same allocations; the council and the NHS each pay a share of theirs into a pool that
    can only buy discharge support (a block of home-care hours for hospital discharges), which
    it does. The council's share leaves its own budget: money moved into the pool is money
    taken from somewhere."""
    base = calibrated()
    pooled = base.with_changes([("funding.pool", "pooled")])
    before, after = outcomes(base), outcomes(pooled)
    assert after["pool_from_council_gbp"] > 0
    assert after["pool_from_nhs_gbp"] > 0
    assert before["pool_from_council_gbp"] == 0
    assert after["discharge_support_hours"] > before["discharge_support_hours"] + 50, (
        "the pool should spend its money on a block of home-care hours for discharges"
    )
    assert after["council_budget_gbp"] < before["council_budget_gbp"], (
        "the council's own budget is smaller by what it pays into the pool"
    )


def test_shortage_allocation_moves_money_toward_the_costlier_shortage():
    """The shortage rule starts from last year's shares and moves funding.shortage_shift of the
    gap between the sectors' delay costs (as a share of the total budget) toward the costlier
    one. (An integrated run checked this before; since every wait became a queue, issue 15,
    which sector's delays cost more in a small area varies from run to run, so the rule is
    tested on its own here; integrated runs are checked in
    test_money_is_conserved_every_month_for_every_body)."""
    from abm.config import FundingConfig
    from abm.policy.funding import ALLOCATION_RULES, LastYear

    rule = ALLOCATION_RULES.create("shortage", FundingConfig(allocation="shortage"))
    care_costlier = LastYear(40.0, 60.0, care_delay_cost=10.0, health_delay_cost=2.0)
    health_costlier = LastYear(40.0, 60.0, care_delay_cost=2.0, health_delay_cost=10.0)
    assert rule.care_share(care_costlier, 100.0) == pytest.approx(0.4 + 0.5 * 8.0 / 100.0)
    assert rule.care_share(health_costlier, 100.0) == pytest.approx(0.4 - 0.5 * 8.0 / 100.0)
    squeezed = LastYear(1.0, 99.0, care_delay_cost=0.0, health_delay_cost=100.0)
    assert rule.care_share(squeezed, 100.0) == pytest.approx(0.05), "kept within 5-95%"


def test_universal_care_without_new_money_moves_fees_to_a_budget_that_cannot_pay_them():
    """Budgets are given: removing the means test moves what residents paid onto the
    council, whose budget does not grow, so its brokers hold back more care for want of
    money (before budgets were given, the council's budget was rebased on its spending and
    the same change simply spent more public money)."""
    base = small(residents=6000, years=2)
    universal = base.with_changes([("council.means_test", "universal")])
    before, after = outcomes(base), outcomes(universal)
    assert before["self_funder_fees_gbp"] > 0
    assert (
        after["private_spend_gbp"] <= before["private_spend_gbp"] - before["self_funder_fees_gbp"]
    )
    assert after["capital_drawn_gbp"] < 0.05 * before["capital_drawn_gbp"]
    # The first limit the former self-funders meet in this area is the council's social
    # workers: everyone now needs an assessment, so the assessment queue goes from 2.6 waiting
    # to 45 (2.4 days to 21.6); home-care users fall from 304 to 128 and unmet need rises
    # (17.5% -> 20.7%). Those who get through meet the money: more are held for it (1.3 ->
    # 5.2; re-measured once the first day was balanced, 6 December 2026, after a version in
    # which fewer reached the brokers at all, 5.3 -> 3.5, and this assertion was dropped).
    assert after["held_for_funding"] > before["held_for_funding"], (
        "with everyone's care to pay from the same budget, more people wait for money"
    )
    assert after["assessment_queue"] > before["assessment_queue"], "everyone now needs one"
    assert after["unmet_need_share_65plus"] > before["unmet_need_share_65plus"], (
        "with everyone's care to pay from the same budget and staff, more need goes unmet"
    )


def _measures_over_run(scenario):
    """The council's rationing measures on every day of a run."""
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    measures = []
    while not model.finished:
        model.step()
        measures.append(model.council.measures)
    return measures


def test_a_council_budget_cut_brings_rationing():
    """The measures are read over the whole run, not on its last day: the council rations
    while it is over budget and stops when it is back within it. Since care-home residents
    die at the rate of the mean stay (CH-LOS1), a council's commitments fall back within a
    cut budget sooner, and the measures had ended by the last day of the third year."""
    base = small(residents=6000, years=3)
    cut = base.with_changes([("council.budget_change", -0.15)])
    before, after = outcomes(base), outcomes(cut)
    assert after["council_budget_pressure"] > before["council_budget_pressure"]
    assert after["discharge_support_hours"] <= before["discharge_support_hours"]
    graded = _measures_over_run(cut)
    frozen = sum(m.hiring_freeze for m in graded)
    assert frozen > sum(m.hiring_freeze for m in _measures_over_run(base)), (
        "the default (graded) response freezes hiring for longer under a cut"
    )
    assert any(m.panel_interval_weeks == 2 for m in graded), "and the panel sits fortnightly"
    tightened = _measures_over_run(
        cut.with_changes([("council.rationing_response", "tighten_eligibility")])
    )
    assert max(m.extra_threshold_hours for m in tightened) > 0, "eligibility was tightened"


def test_the_pressure_counts_the_care_held_back_for_money():
    """The brokers keep the council's commitments within its budget by holding cases back, so
    commitments alone never showed a cut: a 10% cut left the pressure below zero (-0.035,
    68,000 residents, ten replications, 2026-12-06) and the rationing measures never came in.
    The pressure the rationing response reads counts what the held cases would cost (as
    docs/model.md says); whether the council can pay agencies a premium follows what it is
    committed to spend (the spending pressure)."""
    scenario = small(residents=6000)
    scenario = scenario.with_changes([("council.budget_gbp", scenario.council.budget_gbp * 0.7)])
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    accounts = model.accounts
    while not accounts.held_for_funding and not model.finished:
        model.step()
    assert accounts.held_for_funding > 0, "the test needs cases held for money"
    accounts.review(model.date)
    budget = accounts.care_spending_limit() / (1.0 - model.params.funding.reserve_share)
    committed = accounts.care_commitments_a_year()
    held = accounts.held_weekly_gbp * 365.25 / 7
    assert held > 0
    assert model.council.pressure == pytest.approx((committed + held) / budget - 1.0)
    assert model.council.spending_pressure == pytest.approx(committed / budget - 1.0)


def test_a_block_contract_short_of_costs_funds_fewer_hospital_beds():
    """An NHS budget cut leaves the hospital's contract short of last year's costs."""
    base = small(residents=6000, years=2)
    cut = base.with_changes([("nhs.budget_growth", -0.2)])
    model = run_model(cut)
    assert model.hospital.funded_share < 0.95
    assert run_model(base).hospital.funded_share == 1.0
    activity = cut.with_changes([("nhs.hospital_payment", "activity")])
    assert run_model(activity).hospital.funded_share == 1.0


def test_results_folder_holds_annual_accounts(tmp_path):
    scenario = small(residents=2000, years=1, warmup_days=30)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, replications=2))
    folder = Experiment(scenario, tmp_path / "out", jobs=1, progress=False).run()

    accounts = pd.read_csv(folder / "accounts.csv")
    flows = pd.read_csv(folder / "money_flows.csv")
    assert set(accounts["replication"]) == {0, 1}
    assert accounts["balanced"].all()
    assert {"council", "nhs", "hospital", "households"} <= set(accounts["account"])
    assert {"payer", "payee", "pool", "purpose", "gbp", "financial_year"} <= set(flows.columns)
    assert (folder / "figures" / "money_flows.png").exists()
    assert np.isfinite(flows["gbp"]).all()
