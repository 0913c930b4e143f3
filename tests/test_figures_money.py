"""money_flows.png reads right (issue 18): providers grouped, top payers and purposes, the
rest as "other", a reported year (never the warm-up)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pandas as pd

from abm.config import Scenario
from abm.figures_money import OTHER, payer_group, reported_year, top_and_other
from abm.results import flag_warmup


def _scenario(start: dt.date, years: int, warmup_days: int) -> Scenario:
    scenario = Scenario()
    run = dataclasses.replace(scenario.run, start_date=start, years=years, warmup_days=warmup_days)
    return dataclasses.replace(scenario, run=run)


def test_named_providers_are_grouped_by_kind():
    assert payer_group("care_home:23") == "care_homes"
    assert payer_group("home_care:9") == "home_care_agencies"
    assert payer_group("council") == "council"


def test_the_smallest_rows_and_columns_are_summed_as_other():
    table = pd.DataFrame(
        {"a": [10.0, 1.0, 2.0, 0.5], "b": [1.0, 0.5, 0.0, 0.25]},
        index=["p", "q", "r", "s"],
    )
    rows = top_and_other(table, keep=2, axis=0)
    assert list(rows.index) == ["p", "r", OTHER]
    assert rows.loc[OTHER].tolist() == [1.5, 0.75]
    assert rows.to_numpy().sum() == table.to_numpy().sum(), "nothing is lost"
    cols = top_and_other(table, keep=1, axis=1)
    assert list(cols.columns) == ["a", "b"], "two columns need no 'other'"


def test_warmup_years_are_flagged_and_never_shown():
    scenario = _scenario(dt.date(2025, 4, 1), years=1, warmup_days=365)
    flows = pd.DataFrame(
        {"financial_year": ["2024-25", "2025-26"], "payer": ["nhs", "nhs"], "gbp": [1.0, 2.0]}
    )
    flagged = flag_warmup(flows, scenario)
    assert flagged["warmup"].tolist() == [True, False]
    # With one reported year the last year is the reported one, not the warm-up (it used to
    # show the second-to-last year, which here is the warm-up).
    assert reported_year(flagged, SimpleNamespace(scenario=scenario)) == "2025-26"


def test_a_part_year_at_the_end_is_not_the_year_shown():
    scenario = _scenario(dt.date(2025, 4, 1), years=2, warmup_days=0)
    flows = flag_warmup(
        pd.DataFrame({"financial_year": ["2025-26", "2026-27", "2027-28"], "gbp": [1.0] * 3}),
        scenario,
    )
    assert not flows["warmup"].any(), "no warm-up, nothing flagged"
    assert reported_year(flows, SimpleNamespace(scenario=scenario)) == "2026-27"
