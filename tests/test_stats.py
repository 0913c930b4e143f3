"""One statistics module for every interval (issue 18): bounded, containing the mean, used
everywhere."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from abm.metrics import KPIS
from abm.stats import (
    NON_NEGATIVE,
    SHARE,
    UNBOUNDED,
    band,
    difference_bounds,
    kpi_bounds,
    mean_interval,
    t_interval,
)

ROOT = Path(__file__).resolve().parents[1]

shares = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12)
counts = st.lists(st.floats(0.0, 1e6), min_size=2, max_size=12)


def test_plain_interval_is_the_textbook_t_interval():
    values = np.array([3.0, 5.0, 4.0, 8.0])
    low, high = t_interval(values)
    half = scipy_stats.t.ppf(0.975, 3) * values.std(ddof=1) / 2
    assert low == pytest.approx(values.mean() - half)
    assert high == pytest.approx(values.mean() + half)


def test_one_value_has_no_interval_and_equal_values_a_zero_width_one():
    assert all(math.isnan(x) for x in t_interval([3.0]))
    mean, low, high, _ = mean_interval([0.2, 0.2, 0.2], SHARE)
    assert low == mean == high
    assert mean_interval([1.0, np.nan, 3.0])[3] == 2, "NaN (a share of nothing) is left out"


def test_the_issue_example_a_share_at_two_replications_stays_in_zero_one():
    # delay_reason_share.awaiting_care_home was [-0.84, 1.85] at n=2 with the plain t-interval
    values = [0.2, 0.8]
    plain = t_interval(values)
    assert plain[0] < 0, "the plain t-interval leaves [0, 1] here"
    assert plain[1] > 1
    low, high = t_interval(values, SHARE)
    assert 0 < low < 0.5 < high < 1


def test_a_share_interval_is_asymmetric_near_a_bound():
    values = [0.01, 0.02, 0.015, 0.03, 0.012]
    low, high = t_interval(values, SHARE)
    mean = np.mean(values)
    assert 0 < low < mean < high
    assert high - mean > mean - low, "on the logit scale the interval stretches away from 0"


@given(shares)
def test_share_intervals_lie_within_zero_one_and_contain_the_mean(values):
    mean, low, high, _ = mean_interval(values, SHARE)
    assert 0.0 <= low <= mean <= high <= 1.0


@given(counts)
def test_count_intervals_never_go_below_zero_and_contain_the_mean(values):
    mean, low, high, _ = mean_interval(values, NON_NEGATIVE)
    assert 0.0 <= low <= mean <= high


def test_every_kpi_has_bounds_from_its_unit():
    for kpi in KPIS:
        low, high = kpi_bounds(kpi.name)
        if kpi.unit.startswith("share of posts"):
            assert (low, high) == (-math.inf, 1.0), kpi.name
        elif kpi.unit.startswith(("per 1,000", "patients", "people", "GBP a year")):
            assert (low, high) == NON_NEGATIVE, kpi.name
    assert kpi_bounds("delay_reason_share.awaiting_care_home") == SHARE
    assert kpi_bounds("care_home_market_margin") == UNBOUNDED
    assert kpi_bounds("care_hca_pay_gap_gbp") == UNBOUNDED
    assert difference_bounds("bed_occupancy") == (-1.0, 1.0)
    assert difference_bounds("delayed_patients") == UNBOUNDED


def test_band_is_row_by_row_and_truncated_at_zero():
    table = pd.DataFrame({0: [0.0, 10.0], 1: [1.0, 12.0], 2: [0.0, 11.0]})
    mean, low, high = band(table, lower=0.0)
    assert list(mean) == pytest.approx([1 / 3, 11.0])
    assert low.iloc[0] == 0.0, "a count's band stops at zero"
    assert low.iloc[1] < 11.0 < high.iloc[1]


def test_no_interval_is_computed_outside_abm_stats():
    """The 95% t-interval was written in four places; now only abm/stats.py has it."""
    pattern = re.compile(r"\bt\.ppf|\.sem\(|0\.975")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "abm").rglob("*.py")
        if path.name != "stats.py" or path.parent.name != "abm"
        if pattern.search(path.read_text())
    ]
    assert offenders == []
