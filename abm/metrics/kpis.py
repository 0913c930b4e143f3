"""What a KPI is (:class:`Kpi`: name, label, unit and how it is computed from a
:class:`~abm.metrics.record.RunRecord`) and the helpers the declared KPIs are computed with
(per year, means, ratios of sums and shares over the reported days, waits, money moved into
a pool). The KPIs themselves are declared in :mod:`abm.metrics.catalogue`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from abm.agents.accounts import financial_year_start
from abm.domain import Body
from abm.metrics.record import RunRecord
from abm.params import DAYS_PER_YEAR
from abm.waits import wait_statistic


@dataclasses.dataclass(frozen=True)
class Kpi:
    """A summary figure of one replication."""

    name: str
    label: str
    unit: str
    compute: Callable[[RunRecord], float]


def _reported(record: RunRecord) -> pd.DataFrame:
    return record.daily[record.daily["reported"]]


def _per_year(record: RunRecord, column: str) -> float:
    days = _reported(record)
    return float(days[column].sum()) * DAYS_PER_YEAR / max(len(days), 1)


def _per_1000_residents_year(record: RunRecord, column: str) -> float:
    days = _reported(record)
    return _divide(_per_year(record, column), float(days["residents"].mean())) * 1000.0


def _divide(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or NaN when the denominator is zero (no residents, staff
    or fee to divide by): the KPI is undefined, not infinite (docs/hardening.md)."""
    return numerator / denominator if denominator > 0 else float("nan")


def _mean_ratio(numerator: pd.Series, denominator: pd.Series) -> float:
    """The mean over days of ``numerator / denominator``, over the days it is defined."""
    defined = denominator > 0
    return (
        float((numerator[defined] / denominator[defined]).mean()) if defined.any() else float("nan")
    )


def _mean(column: str) -> Callable[[RunRecord], float]:
    return lambda record: float(_reported(record)[column].mean())


def _ratio_of_sums(numerator: str, denominator: str) -> Callable[[RunRecord], float]:
    def compute(record: RunRecord) -> float:
        days = _reported(record)
        total = float(days[denominator].sum())
        return float(days[numerator].sum()) / total if total > 0 else float("nan")

    return compute


def _share_not(numerator: str, denominator: str) -> Callable[[RunRecord], float]:
    """One less the ratio of sums, never below 0: 1 - a/b rounds to -1e-16 when a is b."""
    ratio = _ratio_of_sums(numerator, denominator)

    def compute(record: RunRecord) -> float:
        share = ratio(record)
        return share if np.isnan(share) else max(1.0 - share, 0.0)

    return compute


def _share_of_delayed(column: str) -> Callable[[RunRecord], float]:
    return _ratio_of_sums(column, "delayed")


def _share_within_body(body: Body, reason: str) -> Callable[[RunRecord], float]:
    return _ratio_of_sums(f"delayed_{body.label}.{reason}", f"delayed_by.{body.label}")


def _resident_share_of_emergency_beds(record: RunRecord) -> float:
    days = _reported(record)
    residents = float(days["beds_occupied_by_residents"].sum())
    total = residents + float(days["background_emergency_beds"].sum())
    return residents / total if total > 0 else float("nan")


def _queue_wait(queue: str, statistic: str, *, from_hospital: bool) -> Callable[[RunRecord], float]:
    def compute(record: RunRecord) -> float:
        return wait_statistic(record.waits, queue, statistic, from_hospital)

    return compute


def _transfers_a_year(record: RunRecord, payer: str) -> float:
    """What ``payer`` paid into a pool a year over the reported financial years (contributions
    and deficit cover; for an integrated budget the allocation it would otherwise have held)."""
    flows = record.flows
    if flows.empty:
        return 0.0
    reported = flows[~flows["financial_year"].isin(_warmup_years(record))]
    into_pool = reported["purpose"].isin(["pool_contribution", "deficit_cover"]) & (
        reported["payer"] == payer
    )
    years = max(reported["financial_year"].nunique(), 1)
    return float(reported.loc[into_pool, "gbp"].sum()) / years


def _warmup_years(record: RunRecord) -> set[str]:
    days = record.daily
    warm = days.loc[~days["reported"], "date"]
    if warm.empty:
        return set()
    labels = {financial_year_start(d.date()).year for d in warm}
    first_reported = days.loc[days["reported"], "date"]
    reported = {financial_year_start(d.date()).year for d in first_reported}
    return {f"{y}-{str(y + 1)[2:]}" for y in labels - reported}


def _later_than_ready(record: RunRecord) -> float:
    delays = record.fit_to_discharge
    return float(np.mean(delays > 0)) if len(delays) else float("nan")


def _long_term_council_care(record: RunRecord) -> float:
    days = _reported(record)
    return float((days["council_funded"] - days["reablement_packages"]).mean())


def _fee_premium(record: RunRecord) -> float:
    days = _reported(record)
    priced = days[days["care_home_private_fee_gbp"] > 0]
    if priced.empty:
        return float("nan")
    return float(
        _mean_ratio(priced["care_home_private_fee_gbp"], priced["council_care_home_fee_gbp"]) - 1.0
    )


def _vacancy(posts: str, staff: str) -> Callable[[RunRecord], float]:
    def compute(record: RunRecord) -> float:
        days = _reported(record)
        total = float(days[posts].sum())
        return 1.0 - float(days[staff].sum()) / total if total > 0 else float("nan")

    return compute


def _share_of_flows(parts: tuple[str, ...], whole: tuple[str, ...]) -> Callable[[RunRecord], float]:
    def compute(record: RunRecord) -> float:
        days = _reported(record)
        total = float(days[list(whole)].to_numpy().sum())
        return float(days[list(parts)].to_numpy().sum()) / total if total > 0 else float("nan")

    return compute


def _mean_delay(record: RunRecord) -> float:
    delays = record.fit_to_discharge
    return float(delays.mean()) if len(delays) else float("nan")
