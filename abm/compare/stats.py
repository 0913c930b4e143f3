"""Paired differences between two scenarios, KPI by KPI.

Replication k of every scenario runs from the same seed, and every random decision has its
own named stream, so replication k of the base and replication k of a policy see the same
residents, the same illnesses and the same lengths of stay wherever the policy does not change
them. The difference within a pair is then the policy's effect plus a little noise, and the
interval over pairs is far narrower than an interval from two independent sets of runs.

For each KPI: the mean paired difference (policy minus base), its 95% t-interval from
:mod:`abm.stats` (zero width when every difference is zero, as for two identical configs; a
difference of two shares kept within [-1, 1]), the difference relative to the
base mean, and the share of replications whose difference has the same sign as the mean (how
consistently the policy moves the KPI one way).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.metrics import KPI_BY_NAME, KPIS
from abm.prices import PricesConfig, money_unit
from abm.stats import UNBOUNDED, Bounds, difference_bounds, t_interval

DIFFERENCE_COLUMNS = (
    "metric",
    "label",
    "unit",
    "base_mean",
    "other_mean",
    "difference",
    "ci_low",
    "ci_high",
    "relative_difference",
    "same_sign_share",
    "n",
)


ENSEMBLE_COLUMNS = ("spread_low", "spread_high", "noise_sd", "parameter_sd")


__all__ = ["PairingError", "ensemble_spread", "is_clear", "paired_differences", "t_interval"]


class PairingError(ValueError):
    """The two sets of replications cannot be paired replication by replication."""


def paired_differences(
    base: pd.DataFrame, other: pd.DataFrame, price_base: str = PricesConfig.base
) -> pd.DataFrame:
    """One row per KPI: the paired difference ``other - base`` over replications.

    ``base`` and ``other`` are replication x metric tables (indexed by replication number);
    rows are paired by replication number, never by position, and both must hold the same
    replications. A pair where either value is missing (a share of nothing) is left out of
    that KPI's statistics. Money KPIs' units name ``price_base`` (every config compared has
    the same one: :data:`abm.compare.pairing.PAIRED_KEYS`).

    Raises:
        PairingError: when the replication numbers differ.
    """
    if sorted(base.index) != sorted(other.index) or base.index.has_duplicates:
        raise PairingError(
            f"replications {sorted(base.index)} of the base cannot be paired with "
            f"replications {sorted(other.index)}"
        )
    base = base.sort_index()
    other = other.reindex(base.index)
    names = [kpi.name for kpi in KPIS if kpi.name in base.columns and kpi.name in other.columns]
    names += [n for n in base.columns if n in other.columns and n not in KPI_BY_NAME]
    rows = []
    for name in names:
        a = base[name].to_numpy(dtype=float)
        b = other[name].to_numpy(dtype=float)
        kpi = KPI_BY_NAME.get(name)
        rows.append(
            {
                "metric": name,
                "label": kpi.label if kpi else name,
                "unit": money_unit(kpi.unit, price_base) if kpi else "",
                **_difference(a, b, difference_bounds(name)),
            }
        )
    return pd.DataFrame(rows, columns=list(DIFFERENCE_COLUMNS))


def _difference(
    base: np.ndarray, other: np.ndarray, bounds: Bounds = UNBOUNDED
) -> dict[str, float]:
    keep = ~(np.isnan(base) | np.isnan(other))
    base, other = base[keep], other[keep]
    n = len(base)
    if n == 0:
        nan = float("nan")
        return dict.fromkeys(DIFFERENCE_COLUMNS[3:10], nan) | {"n": 0}
    diffs = other - base
    mean = float(diffs.mean())
    low, high = t_interval(diffs, bounds)
    base_mean = float(base.mean())
    return {
        "base_mean": base_mean,
        "other_mean": float(other.mean()),
        "difference": mean,
        "ci_low": low,
        "ci_high": high,
        "relative_difference": mean / base_mean if base_mean != 0 else float("nan"),
        "same_sign_share": float(np.mean(np.sign(diffs) == np.sign(mean))),
        "n": n,
    }


def is_clear(row: pd.Series | dict) -> bool:
    """The 95% interval of a difference excludes zero."""
    low, high = row["ci_low"], row["ci_high"]
    if np.isnan(low) or np.isnan(high):
        return False
    return bool(low > 0 or high < 0)


def ensemble_spread(base: pd.DataFrame, other: pd.DataFrame, members: pd.Series) -> pd.DataFrame:
    """With an ensemble: how far the paired difference varies with the parameters.

    For each KPI (rows of :func:`paired_differences`): ``spread_low`` and ``spread_high``, the
    2.5% and 97.5% points of the replications' differences (each replication ran one member:
    the difference's range under the parameters' uncertainty, with the model's noise), and,
    when some member ran in more than one replication, the noise's and the parameters'
    standard deviations of a difference (one-way analysis of variance by member: the spread
    within a member is noise, the rest is the parameters). ``members`` gives each
    replication's member (indexed by replication).
    """
    base = base.sort_index()
    other = other.reindex(base.index)
    member = members.reindex(base.index).to_numpy()
    rows = []
    for name in [n for n in base.columns if n in other.columns]:
        diffs = other[name].to_numpy(dtype=float) - base[name].to_numpy(dtype=float)
        keep = np.isfinite(diffs)
        d, m = diffs[keep], member[keep]
        low, high = np.percentile(d, [2.5, 97.5]) if len(d) else (np.nan, np.nan)
        noise, parameter = _variance_components(d, m)
        rows.append(
            {
                "metric": name,
                "spread_low": low,
                "spread_high": high,
                "noise_sd": noise,
                "parameter_sd": parameter,
            }
        )
    return pd.DataFrame(rows, columns=["metric", *ENSEMBLE_COLUMNS])


def _variance_components(values: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """Within-group and between-group standard deviations (NaN when no group repeats)."""
    frame = pd.DataFrame({"v": values, "g": groups})
    sizes = frame.groupby("g")["v"].size()
    if len(frame) == 0 or sizes.max() < 2:
        return float("nan"), float("nan")
    within = float(frame.groupby("g")["v"].var(ddof=1).dropna().mean())
    between = float(frame.groupby("g")["v"].mean().var(ddof=1)) if len(sizes) > 1 else 0.0
    parameter = max(between - within / float(sizes.mean()), 0.0)
    return float(np.sqrt(within)), float(np.sqrt(parameter))
