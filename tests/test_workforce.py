"""Workforce behaviour: vacancies and turnover emerge from pay, workload and recruitment.

Each test compares runs with common random numbers that differ in one lever.
"""

from __future__ import annotations

import pytest
from helpers import outcomes as kpis
from helpers import run_model, small

from abm.config import ConfigError, load_scenario

# Care-home places as the tests were set up with (every place for residents 65+), so that
# the labour market, not a shortage of places, decides the care workforce.
BASE = {"residents": 10000, "years": 2, "warmup_days": 365, "care_homes__older_people_share": 1.0}


def test_nhs_parity_cuts_turnover_vacancies_and_home_care_delays():
    # Staff short of the commissioned hours (a tight labour market), so that pay can add
    # capacity: parity fills posts, and more hours can be delivered.
    base = small(**BASE, workforce__outside_wage_gbp=14.0)
    parity = base.with_changes([("workforce.pay_rule", "nhs_parity")])
    before, after = kpis(base), kpis(parity)
    assert after["care_worker_pay_gbp"] > before["care_worker_pay_gbp"]
    assert after["care_turnover_rate"] < before["care_turnover_rate"] - 0.02, (
        "closing the pay gap to the NHS should cut quits"
    )
    assert after["care_vacancy_rate"] < before["care_vacancy_rate"] - 0.01
    delays = lambda k: k["delayed_bed_days"] * k["delay_reason_share.awaiting_home_care"]  # noqa: E731
    assert delays(after) < delays(before), "more home-care staff, fewer waits for packages"


def test_higher_outside_wage_raises_care_vacancies():
    base = small(**BASE)
    retail = base.with_changes([("workforce.outside_wage_gbp", 14.0)])
    assert kpis(retail)["care_vacancy_rate"] > kpis(base)["care_vacancy_rate"] + 0.01


def test_stopping_international_recruitment_raises_vacancies():
    base = small(**BASE)
    closed = base.with_changes([("workforce.international_recruitment", False)])
    before, after = kpis(base), kpis(closed)
    assert after["international_recruits_per_year"] == 0.0
    assert after["care_vacancy_rate"] > before["care_vacancy_rate"]


def test_pay_rise_paid_by_providers_shows_as_losses_and_exits():
    base = small(residents=10000, years=3, warmup_days=365)
    fees = base.with_changes([("workforce.pay_rule", "national_scale")])
    margins = fees.with_changes([("workforce.pay_rise_paid_by", "providers")])
    by_fees, by_providers = kpis(fees), kpis(margins)
    assert by_providers["care_home_market_margin"] < by_fees["care_home_market_margin"] - 0.01, (
        "a pay rise the providers pay for comes out of their margins (self-funders' fees "
        "make up part of it)"
    )
    assert by_fees["council_spend_gbp"] > kpis(base)["council_spend_gbp"], (
        "when fees pay for the rise, the council spends more"
    )


def test_pay_rise_that_nobody_pays_for_is_rejected(tmp_path):
    config = tmp_path / "parity.toml"
    config.write_text('[workforce]\npay_rule = "nhs_parity"\npay_rise_paid_by = "none"\n')
    with pytest.raises(ConfigError, match=r"workforce.pay_rise_paid_by: pay rule 'nhs_parity'"):
        load_scenario(config)
    config.write_text('[workforce]\npay_rule = "market"\npay_rise_paid_by = "none"\n')
    assert load_scenario(config).workforce.pay_rise_paid_by == "none"


def test_staff_shortage_closes_beds_and_undelivers_home_care():
    short = small(
        residents=6000,
        years=1,
        warmup_days=90,
        workforce__local_hire_per_month=0.0,
        workforce__nhs_hire_per_month=0.0,
        workforce__international_recruitment=False,
    )
    model = run_model(short, check=True)
    daily = model.datacollector.get_table_dataframe("daily")
    assert daily["beds_open"].iloc[-1] < daily["beds_funded"].iloc[-1], (
        "with no recruitment, leavers close beds"
    )
    assert daily["home_care_hours_capacity"].iloc[-1] < daily["home_care_hours_capacity"].iloc[0]
