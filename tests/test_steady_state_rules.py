"""Rules behind a steady baseline: each once drifted a run that had no trend configured."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
from helpers import calibrated, small

from abm.agents.worker import Role
from abm.domain import Frailty, Funder, Location
from abm.model import CareSystemModel
from abm.policy.rationing import Measures
from abm.rng import replication_seed


def test_first_day_self_funders_pay_the_agencies_rate_at_the_pay_of_their_staff():
    """Self-funders' hourly rate is cost plus margin, and cost follows the care workers' pay.
    The first day's packages were charged before any agency had staff, at overheads alone
    (about 4 GBP an hour), so agencies lost money and shrank through the first year."""
    model = CareSystemModel(small(residents=4000))
    self_funded = [
        pid for pid in model.home_care.packages if int(model.residents.funder[pid]) == Funder.SELF
    ]
    assert self_funded, "some first-day packages are self-funded"
    for pid in self_funded:
        agency = model.home_care.agency_of[pid]
        expected = model.home_care.packages[pid] * agency.private_rate
        assert math.isclose(model.council.commitments[pid].private, expected, rel_tol=1e-9)
        assert agency.private_rate > model.council.home_care_fee


def test_a_care_home_resident_who_becomes_severely_frail_is_assessed_for_nhs_funding():
    """Continuing healthcare is assessed when needs change, not only at placement: otherwise
    the first day's share of NHS-funded residents (drawn for everyone severely frail) fades as
    they die and nobody replaces them."""
    scenario = small(residents=4000).with_changes([("council.chc_probability_severe", 1.0)])
    model = CareSystemModel(scenario)
    residents = model.residents
    in_homes = [
        pid
        for pid in model.care_homes.home_of
        if int(residents.frailty[pid]) == Frailty.MODERATE
        and int(residents.funder[pid]) == Funder.COUNCIL
    ]
    pid = in_homes[0]
    assert model.council.commitments[pid].council > 0
    model.patients[pid].worsen()
    assert int(residents.frailty[pid]) == Frailty.SEVERE
    assert int(residents.funder[pid]) == Funder.NHS
    assert model.council.commitments[pid].council == 0
    assert model.council.commitments[pid].nhs > 0


def test_first_day_nhs_funded_residents_follow_the_same_rule_as_later_placements():
    """Every severely frail care-home resident has had one continuing-healthcare assessment,
    self-funders included (it is not means-tested); nobody less frail is NHS-funded."""
    scenario = small(residents=4000).with_changes([("council.chc_probability_severe", 1.0)])
    model = CareSystemModel(scenario)
    residents = model.residents
    placed = np.fromiter(model.care_homes.home_of, dtype=np.int64)
    severe = residents.frailty[placed] == Frailty.SEVERE
    assert severe.any()
    assert (residents.funder[placed[severe]] == Funder.NHS).all()
    assert (residents.funder[placed[~severe]] != Funder.NHS).all()


def test_a_hiring_freeze_leaves_no_more_than_the_limit_of_posts_vacant():
    """A freeze that outlasts a year would otherwise empty the council's teams: the limit
    keeps assessments going."""
    model = CareSystemModel(small(residents=20000))
    council = model.council
    model.workforce.shed(council, Role.SOCIAL_WORKER, council.staff(Role.SOCIAL_WORKER))
    council.measures = Measures(hiring_freeze=True)
    funded = council.funded_posts(Role.SOCIAL_WORKER)
    limit = model.params.council.hiring_freeze_vacancy_limit
    assert council.posts(Role.SOCIAL_WORKER) == math.ceil(funded * (1 - limit) - 1e-9)
    assert council.posts(Role.SOCIAL_WORKER) < funded
    council.measures = Measures()
    assert council.posts(Role.SOCIAL_WORKER) == funded


def test_a_graded_freeze_leaves_vacant_only_the_shortfall_s_share_of_posts():
    """Under the graded response a shallow overspend leaves fewer posts vacant than the full
    freeze, and a deeper one more (never beyond the limit): how far a cut reaches the teams
    follows its size, not only its sign."""
    model = CareSystemModel(small(residents=20000))
    council = model.council
    model.workforce.shed(council, Role.SOCIAL_WORKER, council.staff(Role.SOCIAL_WORKER))
    funded = council.funded_posts(Role.SOCIAL_WORKER)
    limit = model.params.council.hiring_freeze_vacancy_limit
    posts = {}
    for shortfall in (0.05, 0.15, 0.6):
        council.measures = Measures(hiring_freeze=True, freeze_vacancy_share=shortfall)
        posts[shortfall] = council.posts(Role.SOCIAL_WORKER)
        assert posts[shortfall] == math.ceil(funded * (1 - min(shortfall, limit)) - 1e-9)
    assert posts[0.05] > posts[0.15] > posts[0.6]
    council.measures = Measures(hiring_freeze=True)
    assert council.posts(Role.SOCIAL_WORKER) == posts[0.6], "the full freeze: the limit"


def test_self_funders_are_held_to_the_national_threshold_not_the_councils_rationing():
    """A council that tightens eligibility to save money rations what it pays for; a
    self-funder whose need meets the national criteria still buys regulated care."""
    model = CareSystemModel(small(residents=4000))
    council = model.council
    council.measures = Measures(extra_threshold_hours=100.0)
    at_home = np.flatnonzero(model.residents.location == Location.COMMUNITY)
    need = model.residents.assessed_needs(at_home)
    pid = int(at_home[np.argmax(need >= model.params.council.eligibility_threshold)])
    assert council.meets_national_criteria(pid)
    assert not council.is_eligible(pid)


def test_a_stationary_population_keeps_every_age_band_at_its_starting_size():
    """Each month the deaths of a band are made up from the band below, and the youngest
    band's by newcomers at 65: the bands keep their size, and residents still move up (with
    bands frozen, residents aged 65-74 never grew older and gathered frailty there)."""
    scenario = small(residents=3000, years=2).with_changes([("population.stationary", True)])
    model = CareSystemModel(scenario)
    residents = model.residents
    first = residents.alive()
    start = np.bincount(residents.band[first], minlength=3)
    start_band = residents.band[first].copy()
    while not model.finished:
        first_of_month = model.date.day == 1 and model.day > 0
        model.step()
        if first_of_month:
            now = np.bincount(residents.band[residents.alive()], minlength=3)
            assert (now == start).all(), f"bands {now.tolist()} on day {model.day}"
    assert (residents.band[first] > start_band).any(), "some residents moved up a band"
    assert (residents.band[first] >= start_band).all(), "nobody moves down a band"


# Was a strict xfail (2026-12-06, afternoon): the severely frail rose 27.5% in four years in
# this area, as delayed patients deconditioned in a gridlocked hospital. It passes on the
# evening's model and recalibration, with the frailty rates unchanged.
def test_the_starting_frailty_mix_holds_in_a_stationary_population():
    """Recovery and the progression into severe frailty balance onset, deconditioning and
    deaths at the starting mix (FRL-01), and each band starts with the mix the model carries
    there, so with no demographic growth the number moderately or severely frail stays put.
    With recovery balanced for frozen bands and one progression rate at every age, once
    residents moved up through the bands the severely frail fell by 40% in four years; with
    the first recovery guesses (220, 120, 60) and frozen bands the moderately or severely
    frail rose by 58% in four years."""
    scenario = calibrated(years=3).with_changes([("population.stationary", True)])
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    frailty = model.residents.frailty[model.residents.alive()]
    start = np.bincount(frailty, minlength=4)
    while not model.finished:
        model.step()
    end = np.bincount(model.residents.frailty[model.residents.alive()], minlength=4)
    frail = end[Frailty.MODERATE :].sum() / start[Frailty.MODERATE :].sum()
    assert abs(frail - 1.0) < 0.1, f"moderately or severely frail: {start} to {end}"
    severe = end[Frailty.SEVERE] / start[Frailty.SEVERE]
    assert abs(severe - 1.0) < 0.25, f"severely frail: {start} to {end}"


def test_a_self_funder_whose_need_falls_below_the_national_criteria_stops_buying_care():
    """Self-funders start buying regulated home care only at the national criteria
    (``AssessmentTeam.enrol``) and the first day gives packages only to those who meet them;
    a review kept every self-funded package whose need had fallen below them (after a
    recovery, or a carer who moved in), so those packages piled up year after year (about 200
    to 290 in a 30,000 area over ten stationary years)."""
    model = CareSystemModel(small(residents=4000))
    residents, home_care = model.residents, model.home_care
    self_funded = [
        pid
        for pid in home_care.packages
        if int(residents.funder[pid]) == Funder.SELF and not home_care.in_reablement(pid)
    ]
    assert self_funded, "some first-day packages are self-funded"
    pid = self_funded[0]
    while model.council.meets_national_criteria(pid):
        if int(residents.frailty[pid]) == Frailty.FIT:
            break
        residents.recover(pid)
    if model.council.meets_national_criteria(pid):
        residents.set_carer(pid, 3)
    assert not model.council.meets_national_criteria(pid)
    model.council_reviews(pid)
    assert pid not in home_care.packages
    assert int(residents.funder[pid]) == Funder.NONE


def test_an_agency_that_is_not_growing_replaces_staff_who_leave(monkeypatch):
    """An agency at break-even does not grow, but keeps recruiting to the size it planned
    for. It
    planned for the hours its staff covered, so each month that more care workers left than
    joined cut its plan for good: over ten stationary years the market's hours fell by 8%
    with people waiting for packages, and no rule could bring them back."""
    scenario = small(residents=4000).with_changes([("home_care.growth_margin", 1.0)])
    model = CareSystemModel(scenario)
    market, workforce = model.home_care, model.workforce
    monkeypatch.setattr(market, "waiting_hours", lambda: 10_000.0)
    agency = max(market.open_agencies, key=lambda a: a.hours)
    monkeypatch.setattr(agency, "margin", lambda: 0.0)
    planned = agency.target_hours
    workforce.shed(agency, Role.HOME_CARE_WORKER, 3)
    market.hand_back(model.day)
    assert agency.hours <= agency.staffed_hours < planned
    market.plan_month()
    assert agency.target_hours == planned, "staff who left are to be replaced"
    assert agency.posts(Role.HOME_CARE_WORKER) > workforce.staff_of(agency, Role.HOME_CARE_WORKER)


def test_discharge_support_gives_way_to_care_the_council_is_holding_back_for_money():
    """Spare money buys a block of discharge-support hours, but care for eligible needs comes
    first: while brokers hold cases back for want of money, the block shrinks by what those
    cases would cost. It only stopped growing, so a block bought in a year of spare money
    crowded out care at home for good (council home care fell from 29.8 to 22.9 million a
    year over ten stationary years while the block stayed near 19.6 million)."""
    model = CareSystemModel(small(residents=4000))
    accounts, market = model.accounts, model.home_care
    april = dt.date(2026, 4, 1)
    market.commission_discharge_support(500.0)
    accounts._block_hours = 500.0
    accounts.held_for_funding, accounts.held_weekly_gbp = 0, 0.0
    accounts._buy_discharge_support(april)
    unheld = market.discharge_support_hours
    market.commission_discharge_support(500.0)
    accounts._block_hours = 500.0
    accounts.held_for_funding, accounts.held_weekly_gbp = 3, 3 * 10 * model.council.home_care_fee
    accounts._buy_discharge_support(april)
    assert market.discharge_support_hours < min(unheld, 500.0)


def test_the_discharge_support_block_is_bought_for_the_year():
    """The block is bought each April for the financial year and held to the next April, as
    councils commission discharge capacity. Moved a third of the way each month toward what
    the month's spare money bought, it chased that money: in months when nobody was held it
    took all of it (2,500-2,600 hours a week, 9% of the market at 60,000 residents), which
    left the brokers no headroom, so people were held again and the block fell to nothing for
    years; residents waiting at home dipped from 243 to 137-150 and delayed patients reached
    47-85 a day in those years against 12-20 otherwise (one stationary replication, docs/
    model.md, Known limitations)."""
    model = CareSystemModel(small(residents=4000))
    accounts, market = model.accounts, model.home_care
    accounts.held_for_funding, accounts.held_weekly_gbp = 0, 0.0
    accounts._buy_discharge_support(dt.date(2026, 4, 1))
    bought = market.discharge_support_hours
    assert bought > 0, "this small area has money to spare in its first April"
    accounts.held_for_funding = 5
    accounts.held_weekly_gbp = 5 * 10 * model.council.home_care_fee
    for year, month in ((2026, 5), (2026, 9), (2026, 12), (2027, 1), (2027, 3)):
        accounts._buy_discharge_support(dt.date(year, month, 1))
        assert market.discharge_support_hours == bought, (year, month)
    accounts._buy_discharge_support(dt.date(2027, 4, 1))
    assert market.discharge_support_hours < bought, "next April's block gives way to held care"


def test_deaths_of_care_home_residents_count_wherever_they_die():
    """CH-LOS1 compares deaths per resident-year in a care home with one over the mean stay,
    which ends at death wherever it happens: a resident who dies in hospital keeps their
    place until then, and counts."""
    model = CareSystemModel(small(residents=4000))
    placed = list(model.care_homes.home_of)
    model.patients[placed[0]].die(model.day)
    assert model.tally.care_home_deaths == 1
    pid = placed[1]
    model.residents.move(pid, Location.HOSPITAL)
    model.patients[pid].die(model.day)
    assert model.tally.care_home_deaths == 2
    at_home = int(np.flatnonzero(model.residents.location == Location.COMMUNITY)[0])
    model.patients[at_home].die(model.day)
    assert model.tally.care_home_deaths == 2


def test_a_council_pays_more_for_home_care_while_its_residents_wait_for_an_agency():
    """Under the default wait_linked rule the fee rises while council-funded residents wait
    long for an agency (30 days, past the 14-day standard) and the budget allows, so that
    money can reach the agencies' hours: at the framework rate alone the market only ever
    shrank (above)."""
    model = CareSystemModel(small(residents=4000))
    council, market, residents = model.council, model.home_care, model.residents
    framework = council.home_care_fee
    at_home = np.flatnonzero(residents.location == Location.COMMUNITY)[:5].tolist()
    for pid in at_home:
        residents.set_funder(pid, Funder.COUNCIL)
        market.waiting.join(pid, False, model.day - 30)
    council.spending_pressure = -0.05
    council.review_home_care_fee()
    assert council.home_care_premium == model.params.council.spot_premium_step
    assert council.home_care_fee > framework
    council.spending_pressure = 0.05
    council.review_home_care_fee()
    assert council.home_care_premium == model.params.council.spot_premium_step, "no money"
    for pid in at_home:
        market.waiting.leave(pid)
    council.review_home_care_fee()
    assert council.home_care_premium == 0.0


def test_an_agency_grows_into_waiting_work_in_proportion_to_its_margin(monkeypatch):
    """Growth is graded by margin (none at break-even, all the work waiting at
    ``home_care.growth_margin``). The all-or-nothing rule made the market a relaxation
    oscillator: in a stationary ten-year run (12 replications, 60,000 residents) delayed
    patients' annual means ran 18-51 a day, with bursts of 200-290 in single replications
    while agencies sat just under the threshold; graded, they ran 8.0-8.5 a day
    (scripts/check_steady_state.py)."""
    scenario = small(residents=4000).with_changes([("home_care.growth_margin", 0.08)])
    planned = {}
    for margin in (0.0, 0.04, 0.08, 0.2):
        model = CareSystemModel(scenario)
        market = model.home_care
        monkeypatch.setattr(market, "waiting_hours", lambda: 2_000.0)
        agency = max(market.open_agencies, key=lambda a: a.hours)
        monkeypatch.setattr(agency, "margin", lambda margin=margin: margin)
        before = agency.target_hours
        market.plan_month()
        planned[margin] = agency.target_hours - before
    assert planned[0.0] == 0.0
    assert 0.0 < planned[0.04] < planned[0.08]
    assert math.isclose(planned[0.04], planned[0.08] / 2, rel_tol=1e-9)
    assert planned[0.2] == planned[0.08], "no more than all the work waiting"


def test_idle_agencies_take_on_the_waiting_work_with_their_owners_reserves(monkeypatch):
    """An agency with no packages, no plan and no books has no margin to judge growth by. It
    used to count as break-even and plan for nothing, so a market that had no work on the
    first day (no means test, and a budget spent on care homes) stayed empty for ever while
    hospital patients filled the beds (763 delayed a day, docs/experiments/
    universal_social_care.md before 7 December 2026). Now idle agencies plan for their share
    of the waiting work, and those with no reserves left get a new agency's from their
    owners."""
    model = CareSystemModel(small(residents=4000))
    market = model.home_care
    for agency in market.open_agencies:
        for pid in list(agency.packages):
            market.end_package(pid)
        agency.target_hours = 0.0
        agency.margins.clear()
        model.accounts.pay_costs(agency.account, agency.reserves)
        assert agency.is_idle()
        assert agency.reserves == 0.0
    monkeypatch.setattr(market, "waiting_hours", lambda: 2_000.0)
    market.plan_month()
    for agency in market.open_agencies:
        assert agency.target_hours > 0.0, "an idle agency plans for its share of the work"
        assert agency.reserves > 0.0, "its owners put in a new agency's reserves"
        assert not agency.is_idle()


def test_an_empty_market_draws_an_agency_when_the_councils_fee_pays(monkeypatch):
    """With no agency left there is no market margin to observe; an entrant judges by the
    margin the council's fee leaves on an hour of care, so a market emptied once fills again
    when the fee pays, and stays empty while it does not."""
    for premium in (-0.5, 1.0):
        model = CareSystemModel(small(residents=4000))
        market = model.home_care
        for agency in list(market.open_agencies):
            market.close(agency)
        monkeypatch.setattr(market, "waiting", [1])
        model.council.home_care_premium = premium
        margin = market.margin_at_council_fee()
        market._consider_entry()
        pays = margin > model.params.home_care.entry_margin
        assert pays is (premium > 0), f"the fee pays at premium {premium}: margin {margin}"
        assert market._opening is pays


def test_the_settling_year_is_where_each_measure_stays_near_its_level():
    """scripts/check_steady_state.py --from-first-day reports when the system settles from
    its first day (what the warm-up must cover): here a measure that climbs for five years,
    one flat from the start, and one still moving in its last year."""
    import importlib.util

    import pandas as pd

    path = Path(__file__).resolve().parents[1] / "scripts" / "check_steady_state.py"
    spec = importlib.util.spec_from_file_location("check_steady_state", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    years = pd.Index(range(1, 13), name="year")
    means = pd.DataFrame(
        {
            "climbs": [50, 60, 70, 80, 90, 99, 100, 101, 100, 99, 100, 101],
            "flat": [100.0] * 12,
            "moving": [100.0] * 11 + [130.0],
        },
        index=years,
    )
    settled = script.settled_from(means)
    assert settled["climbs"] == 6  # 90 (year 5) is over 5% below the last five years' 100.2
    assert settled["flat"] == 1
    assert math.isnan(settled["moving"])


def test_a_monthly_trace_reads_the_same_run_the_model_makes():
    """scripts/trace_months.py, behind the traces docs/model.md quotes: one row a month from
    the first day, the warm-up's years numbered below 1, and the same figures the run's own
    daily record gives on those days."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / "trace_months.py"
    spec = importlib.util.spec_from_file_location("trace_months", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    config = Path(__file__).resolve().parents[1] / "experiments" / "baseline.toml"
    table = script.trace(config, 3000, 0, ["run.warmup_days=60", "run.years=1"])
    assert len(table) == 14, "a row on the 15th of each month, February 2025 to March 2026"
    assert table["year"].iloc[0] == 0
    assert table["year"].iloc[-1] == 1
    scenario = calibrated(residents=3000, years=1, warmup_days=60)
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0))
    delayed, staffed = {}, {}
    while not model.finished:
        model.step()
        delayed[model.day] = int(model.hospital.today.delayed_by_reason.sum())
        staffed[model.day] = model.home_care.capacity_hours
    for row in table.itertuples():
        assert row.delayed_patients == delayed[row.day]
        assert row.home_care_hours_staffed == staffed[row.day]
