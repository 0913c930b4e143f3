"""Every interval the project reports, in one place: KPI summaries, paired differences, the
bands in figures and the sweep's response curves.

The interval is the 95% t-interval of the mean over replications (replications are
independent draws of the same scenario; the t-distribution allows for their small number),
with the bounds of the quantity respected:

* **Shares** (a quantity in [0, 1]: occupancy, a share of delayed bed days, a readmission
  rate) get a **logit-scale t-interval**: the t-interval of the mean of ``logit(x)`` over
  replications, transformed back, so both ends lie inside (0, 1) and the interval is
  asymmetric near a bound, as it should be. When a replication's value is exactly 0 or 1
  (no logit), the ordinary t-interval is used, **truncated to [0, 1]**. Either way the
  interval is widened, if need be, to contain the reported mean.
* **Counts, rates and money** that cannot be negative (patients a day, admissions per 1,000,
  GBP spent) get the t-interval **truncated at zero**: truncating at a bound the true value
  cannot cross never lowers the coverage of the interval.
* **Anything else** (a margin, a pay gap, a difference between two scenarios) gets the plain
  t-interval, with a difference of two shares truncated to [-1, 1].

An interval is ``nan`` with fewer than two replications, and has zero width when every
replication gives the same value (two identical configs differ by exactly zero).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from abm.metrics import KPI_BY_NAME

LEVEL = 0.95
"""The confidence level of every interval the project reports."""

Bounds = tuple[float, float]
UNBOUNDED: Bounds = (-math.inf, math.inf)
NON_NEGATIVE: Bounds = (0.0, math.inf)
SHARE: Bounds = (0.0, 1.0)

# KPIs whose unit says "share" but which can leave [0, 1]: a margin or a budget pressure
# can be negative, a premium can exceed 1, more staff than posts is a negative vacancy rate
# and more leavers than staff a turnover above 1.
_SHARE_LIKE: dict[str, Bounds] = {
    "care_home_market_margin": UNBOUNDED,
    "council_budget_pressure": UNBOUNDED,
    "care_home_private_fee_premium": UNBOUNDED,
    "care_pay_premium_over_legal_floor": UNBOUNDED,
    "care_vacancy_rate": (-math.inf, 1.0),
    "home_care_vacancy_rate": (-math.inf, 1.0),
    "nhs_hca_vacancy_rate": (-math.inf, 1.0),
    "care_turnover_rate": NON_NEGATIVE,
}
_SIGNED = ("care_hca_pay_gap_gbp",)


def kpi_bounds(metric: str) -> Bounds:
    """The values ``metric`` can take, from its declared unit: [0, 1] for a share, [0, inf)
    for a count, rate or amount, unbounded for a gap or a margin (and an unknown name)."""
    if metric in _SHARE_LIKE:
        return _SHARE_LIKE[metric]
    kpi = KPI_BY_NAME.get(metric)
    if kpi is None or metric in _SIGNED:
        return UNBOUNDED
    return SHARE if kpi.unit.startswith("share") else NON_NEGATIVE


def difference_bounds(metric: str) -> Bounds:
    """The values a difference of ``metric`` between two scenarios can take."""
    low, high = kpi_bounds(metric)
    return (low - high, high - low) if math.isfinite(low) and math.isfinite(high) else UNBOUNDED


def _half_width(spread: np.ndarray | float, n: int, level: float) -> np.ndarray | float:
    from scipy import stats  # noqa: PLC0415 - scipy.stats costs 0.3 s to import: only when needed

    return stats.t.ppf(0.5 + level / 2, n - 1) * spread / np.sqrt(n)


def t_interval(
    values: np.ndarray | pd.Series, bounds: Bounds = UNBOUNDED, level: float = LEVEL
) -> tuple[float, float]:
    """The ``level`` interval of the mean of ``values`` (NaNs left out) within ``bounds``:
    logit-scale for a share, truncated for a one-sided bound (module docstring)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if n < 2:
        return math.nan, math.nan
    mean = float(values.mean())
    if np.ptp(values) == 0.0:  # every replication the same (exactly: no rounding noise)
        return mean, mean
    spread = float(values.std(ddof=1))
    low_bound, high_bound = bounds
    if (low_bound, high_bound) == SHARE and np.all((values > 0.0) & (values < 1.0)):
        from scipy import special  # noqa: PLC0415 - see _half_width

        logits = special.logit(values)
        centre = float(logits.mean())
        half = float(_half_width(float(logits.std(ddof=1)), n, level))
        low, high = float(special.expit(centre - half)), float(special.expit(centre + half))
        return min(low, mean), max(high, mean)
    half = float(_half_width(spread, n, level))
    # min/max with the mean: a share of -2e-16 (rounding in 1 - a/b) keeps its interval
    return min(max(mean - half, low_bound), mean), max(min(mean + half, high_bound), mean)


def mean_interval(
    values: np.ndarray | pd.Series, bounds: Bounds = UNBOUNDED, level: float = LEVEL
) -> tuple[float, float, float, int]:
    """``(mean, low, high, n)`` over the values that are not NaN."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    mean = float(values.mean()) if len(values) else math.nan
    low, high = t_interval(values, bounds, level)
    return mean, low, high, len(values)


def band(
    table: pd.DataFrame, lower: float = -math.inf, level: float = LEVEL
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Mean over replications (the columns of ``table``) and its t-band, row by row (a date
    a row), truncated at ``lower``; with one replication the band is the mean itself."""
    n = table.shape[1]
    mean = table.mean(axis=1)
    if n < 2:
        return mean, mean, mean
    half = _half_width(table.std(axis=1, ddof=1), n, level)
    return mean, (mean - half).clip(lower=lower), mean + half


__all__ = [
    "LEVEL",
    "band",
    "difference_bounds",
    "kpi_bounds",
    "mean_interval",
    "t_interval",
]
