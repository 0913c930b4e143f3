"""Prices: one stated price base, the deflator, the dated wage floor, and money outputs that
name their price base (issue 17, part 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from helpers import run_model, small

from abm.config import ConfigError, Scenario, build_scenario
from abm.metrics import compute_kpis, run_record
from abm.policy.wage_floor import MINIMUM_WAGE_DATES, WAGE_FLOORS, ByDate, From2024
from abm.prices import FINANCIAL_YEARS, PricesConfig, deflate, money_unit, price_index
from abm.run import ReplicationResult, summarise


def test_price_index_is_one_in_the_base_year_and_lower_before_it() -> None:
    prices = PricesConfig()
    assert price_index(prices, 2025) == 1.0
    assert price_index(prices, 2010) < price_index(prices, 2018) < 1.0, (
        "prices rose every year of the table, so earlier years' index is lower"
    )
    rebased = dataclasses.replace(prices, base="2010-11")
    assert price_index(rebased, 2010) == 1.0
    assert price_index(rebased, 2025) == pytest.approx(1 / price_index(prices, 2010))


def test_deflating_a_past_cash_amount_raises_it_into_later_prices() -> None:
    """£100 paid in 2012 bought more than £100 buys in 2025-26."""
    real = deflate(PricesConfig(), 100.0, dt.date(2012, 6, 1))
    assert real > 100.0
    assert real == pytest.approx(100.0 / price_index(PricesConfig(), 2012))


def test_money_units_name_the_price_base_and_others_do_not_change() -> None:
    assert money_unit("GBP a year", "2025-26") == "GBP a year, 2025-26 prices"
    assert money_unit("GBP an hour (mean)", "2018-19") == "GBP an hour (mean), 2018-19 prices"
    assert money_unit("beds (mean)", "2025-26") == "beds (mean)"


def test_price_base_outside_the_table_stops_naming_the_key() -> None:
    with pytest.raises(ConfigError) as error:
        build_scenario({"prices.base": ("2031-32", "bad.toml")}, source="bad.toml")
    assert "prices.base" in str(error.value)
    assert "bad.toml" in str(error.value)
    assert FINANCIAL_YEARS[0] == "2010-11"
    assert FINANCIAL_YEARS[-1] == "2025-26"


def test_prices_cannot_change_mid_run() -> None:
    entry = {"date": dt.date(2026, 4, 1), "set": {"prices.base": "2018-19"}}
    with pytest.raises(ConfigError, match=r"prices\.base"):
        build_scenario({}, schedule=[(entry, "x.toml")], source="x.toml")


# --------------------------------------------------------------------------- wage floors


def test_from_2024_is_the_original_rule() -> None:
    """The default floor must give what the model gave before issue 17 on every date, so the
    calibrated baseline is unchanged."""
    scenario = Scenario()
    floor = From2024()
    series = scenario.workforce.national_living_wage_gbp
    day = dt.date(2022, 1, 1)
    while day < dt.date(2031, 1, 1):
        old = series[min(max((day - dt.timedelta(days=90)).year - 2024, 0), len(series) - 1)]
        assert floor.rate(day, scenario) == old
        day += dt.timedelta(days=13)


def test_by_date_changes_on_the_day_each_rate_came_into_force() -> None:
    scenario = Scenario()
    floor = ByDate()
    for when, cash in zip(
        MINIMUM_WAGE_DATES, scenario.workforce.minimum_wage_history_gbp, strict=True
    ):
        before, on = floor.rate(when - dt.timedelta(days=1), scenario), floor.rate(when, scenario)
        assert on == pytest.approx(deflate(scenario.prices, cash, when))
        if when.month == 10 and when.year > 2009:  # same deflator both days: only the rate moves
            assert on > before, f"the rate from {when} is higher than the one before"
    assert floor.rate(dt.date(2025, 4, 1), scenario) == pytest.approx(12.21), (
        "April 2025's rate is cash in the base year 2025-26: no deflation"
    )


def test_wage_floors_are_chosen_by_name_with_the_valid_names_in_the_error() -> None:
    assert isinstance(WAGE_FLOORS.create("by_date"), ByDate)
    with pytest.raises(KeyError, match="by_date, from_2024"):
        WAGE_FLOORS.create("nlw")


def test_a_2010_run_pays_less_under_the_floor_of_the_day() -> None:
    """Behaviour: two runs starting April 2010, the same but for the wage floor. By date, the
    floor is about £8.40 an hour in 2025-26 prices instead of £11.44, so employers that pay
    a premium over the floor pay less: care workers' mean pay must be lower."""
    changes = {"run__start_date": dt.date(2010, 4, 1), "run__warmup_days": 90}
    today = run_model(small(residents=3000, **changes))
    dated = run_model(small(residents=3000, workforce__wage_floor="by_date", **changes))
    pay = {
        name: compute_kpis(run_record(model))["care_worker_pay_gbp"]
        for name, model in (("today", today), ("dated", dated))
    }
    assert pay["dated"] < pay["today"] - 1.0, f"care pay should fall with the floor: {pay}"


def test_summary_units_say_the_price_base() -> None:
    result = ReplicationResult(replication=0, kpis={}, daily=None, delays=None, seconds=0.0)
    from abm.metrics import KPIS

    result = dataclasses.replace(result, kpis={kpi.name: 1.0 for kpi in KPIS})
    summary = summarise([result], "2018-19").set_index("metric")
    assert summary.loc["council_spend_gbp", "unit"] == "GBP a year, 2018-19 prices"
    assert "prices" not in summary.loc["bed_occupancy", "unit"]


def test_the_warm_up_runs_under_the_start_dates_floor_and_visa_rules() -> None:
    """The warm-up brings the first day into balance with the world on the start date, so
    dated inputs hold at their start-date values until then: a run starting 1 April 2025
    with a year and a half of warm-up pays the April 2025 floor (£12.21) from its first day,
    not the £11.44 in force before, and recruits abroad at the post-visa-change rate on every
    warm-up day when the visa change came before the start."""
    from abm.model import CareSystemModel

    scenario = small(
        residents=3000, warmup_days=540, workforce__visa_change_date=dt.date(2025, 1, 1)
    )
    model = CareSystemModel(scenario)
    assert model.date < dt.date(2024, 4, 1)
    assert model.inputs_date == dt.date(2025, 4, 1)
    assert model.workforce.legal_floor(model.inputs_date) == pytest.approx(12.21)
    while not model.reporting:
        model.step()
    daily = run_record(model).daily
    assert daily["legal_floor_gbp"].tolist() == pytest.approx([12.21] * len(daily))
    hires = {}
    for name, change in (("closed", dt.date(2025, 1, 1)), ("open", dt.date(2026, 1, 1))):
        model = CareSystemModel(
            small(residents=3000, warmup_days=540, workforce__visa_change_date=change)
        )
        while not model.reporting:
            model.step()
        hires[name] = int(run_record(model).daily["hires_international"].sum())
    assert hires["closed"] < 0.5 * hires["open"], hires


def test_held_dated_inputs_keep_the_start_dates_visa_rules_for_the_whole_run() -> None:
    """``run.hold_dated_inputs`` holds the dated inputs at the start date's values after it
    too: the baseline's July 2025 visa closure cut international recruitment by four fifths
    four months into its reported years (about 160 a year to 30 at 60,000 residents), a trend
    from a dated input that a steady-state check has to hold apart from the model's own."""
    from abm.model import CareSystemModel

    hires = {}
    for hold in (False, True):
        scenario = small(
            residents=3000,
            warmup_days=0,
            years=1,
            workforce__visa_change_date=dt.date(2025, 6, 1),
            run__hold_dated_inputs=hold,
        )
        model = CareSystemModel(scenario)
        while not model.finished:
            model.step()
        assert (model.inputs_date == dt.date(2025, 4, 1)) is hold
        hires[hold] = int(run_record(model).daily["hires_international"].sum())
    assert hires[False] < 0.6 * hires[True], hires
