"""Words and numbers for readers who never open the code: sections, formats, plain sentences.

One place decides how a KPI is written (a share as a percentage and its difference in
percentage points, money in pounds, counts with sensible digits) and how a difference is put
in a sentence, so the command's printout, the HTML report and the docs pages say the same
thing the same way.
"""

from __future__ import annotations

import math

import pandas as pd

from abm.compare.stats import is_clear
from abm.metrics import KPI_BY_NAME

HEADLINE_KPIS = (
    "emergency_admissions_per_1000",
    "delayed_patients",
    "mean_delay_days",
    "corridor_waits_per_day",
    "unmet_need_share_65plus",
    "waiting_for_care_at_home",
    "care_vacancy_rate",
    "care_turnover_rate",
    "council_spend_gbp",
    "private_spend_gbp",
    "nhs_spend_gbp",
    "provider_exits",
    "deaths_per_1000",
)
SPEND_KPIS = ("council_spend_gbp", "private_spend_gbp", "nhs_spend_gbp")

# The results table, grouped for a reader; a name ending in "." takes every KPI it prefixes.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Hospital",
        (
            "emergency_admissions_per_1000",
            "bed_occupancy",
            "corridor_waits_per_day",
            "emergencies_not_admitted_per_year",
            "elective_cancellations_per_year",
            "readmission_30d_rate",
            "readmission_30d_rate_75plus",
            "resident_share_of_emergency_bed_days",
        ),
    ),
    (
        "Delayed discharges",
        (
            "delayed_patients",
            "delayed_bed_days",
            "delayed_share_of_occupied_beds",
            "mean_delay_days",
            "delay_reason_share.",
            "delay_attribution_share.",
            "delay_reason_share_of_nhs.",
            "delay_reason_share_of_social_care.",
            "discharged_later_than_ready_share",
            "long_stay_delayed_for_care_at_home",
        ),
    ),
    (
        "Queues and the capacities behind them",
        (
            "delay_cause_share.",
            "queue_wait_days.",
            "community_wait_days.",
            "held_for_funding",
            "social_workers_in_post",
            "brokers_in_post",
            "home_care_agencies",
            "home_care_agency_exits_per_year",
            "home_care_packages_handed_back_per_year",
            "intermediate_care_beds_usable",
        ),
    ),
    (
        "Social care and unmet need",
        (
            "unmet_need_share_65plus",
            "waiting_for_care_at_home",
            "care_requests_per_1000",
            "assessment_queue",
            "assessment_wait_days",
            "not_eligible_share",
            "home_care_utilisation",
            "home_care_hours_undelivered_share",
            "care_home_occupancy",
            "self_funder_share_care_homes",
            "care_home_private_fee_premium",
            "care_home_market_margin",
            "provider_exits",
            "care_home_share_65plus",
            "home_care_users",
            "council_long_term_care_users",
            "reablement_per_1000",
        ),
    ),
    (
        "Workforce",
        (
            "care_vacancy_rate",
            "home_care_vacancy_rate",
            "care_turnover_rate",
            "nhs_hca_vacancy_rate",
            "care_to_nhs_per_year",
            "care_leave_sector_share",
            "care_leavers_to_nhs_share",
            "nhs_to_care_per_year",
            "international_recruits_per_year",
            "care_worker_pay_gbp",
            "care_hca_pay_gap_gbp",
            "care_pay_premium_over_legal_floor",
        ),
    ),
    (
        "Money",
        (
            *SPEND_KPIS,
            "public_spend_gbp",
            "spend_per_resident_65plus_gbp",
            "self_funder_fees_gbp",
            "long_term_support_spend_gbp",
            "capital_drawn_gbp",
            "spent_down_to_council",
            "council_budget_pressure",
            "discharge_support_hours",
            "pool_from_council_gbp",
            "pool_from_nhs_gbp",
            "hospital_funded_share",
            "delayed_bed_day_cost_gbp",
            "corridor_cost_gbp",
            "cancelled_elective_cost_gbp",
        ),
    ),
    ("Population", ("deaths_per_1000", "care_home_deaths_per_resident_year")),
)

SHORT_LABELS = {
    "council_spend_gbp": "Public spending on social care",
    "private_spend_gbp": "Spending by residents (fees and contributions)",
    "nhs_spend_gbp": "Spending by the NHS",
}


def sections(metrics: list[str]) -> list[tuple[str, list[str]]]:
    """``metrics`` grouped by :data:`SECTIONS`, in that order; the rest under "Other outputs"."""
    placed: set[str] = set()
    grouped = []
    for title, patterns in SECTIONS:
        members = []
        for pattern in patterns:
            for metric in metrics:
                hit = metric.startswith(pattern) if pattern.endswith(".") else metric == pattern
                if hit and metric not in placed:
                    members.append(metric)
                    placed.add(metric)
        if members:
            grouped.append((title, members))
    rest = [m for m in metrics if m not in placed]
    if rest:
        grouped.append(("Other outputs", rest))
    return grouped


def label(metric: str) -> str:
    """The KPI's label (its name when the KPI is not declared)."""
    kpi = KPI_BY_NAME.get(metric)
    return kpi.label if kpi else metric


def short_label(metric: str) -> str:
    """A label short enough for a chart axis."""
    return SHORT_LABELS.get(metric, label(metric))


def unit(metric: str) -> str:
    """The KPI's unit, in words."""
    kpi = KPI_BY_NAME.get(metric)
    return kpi.unit if kpi else ""


def _kind(metric: str) -> str:
    words = unit(metric)
    if words.startswith("share"):
        return "share"
    if words.startswith("GBP a year"):
        return "money_year"
    if words.startswith("GBP"):
        return "money"
    return "number"


def _number(value: float) -> str:
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    if size == 0:
        return "0"
    return f"{value:.3g}"


def fmt_number(value: object) -> str:
    """A plain number with sensible digits (text that is not a number is shown as it is)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return "n/a" if math.isnan(number) else _number(number)


def fmt_kpi(metric: str, value: object) -> str:
    """:func:`fmt_value` for a value read from a table (text that is not a number as it is)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return fmt_value(metric, number)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _size(metric: str, size: float, *, difference: bool) -> str:
    """A non-negative amount in the KPI's unit; a share's difference is in percentage points."""
    kind = _kind(metric)
    if kind == "share":
        return f"{100 * size:.2f} pp" if difference else f"{100 * size:.1f}%"
    if kind == "money_year":
        return f"£{size / 1e6:,.2f}m"
    if kind == "money":
        return f"£{size:,.2f}"
    return _number(size)


def fmt_value(metric: str, value: float) -> str:
    """A KPI value as a reader expects it: 4.1%, £12.3m, £11.20, 28.1."""
    if _missing(value):
        return "n/a"
    return ("-" if value < 0 else "") + _size(metric, abs(value), difference=False)


def fmt_difference(metric: str, value: float) -> str:
    """A difference with its sign: +1.2 pp for shares (percentage points), -£0.40m, +3.1."""
    if _missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    return sign + _size(metric, abs(value), difference=True)


def fmt_relative(value: float) -> str:
    """A relative difference as a signed percentage."""
    if _missing(value):
        return "n/a"
    return f"{100 * value:+.1f}%"


def fmt_interval(metric: str, low: float, high: float) -> str:
    """A 95% interval of a difference: [-1.20, +0.40]."""
    if math.isnan(low) or math.isnan(high):
        return "(one replication)"
    return f"[{fmt_difference(metric, low)}, {fmt_difference(metric, high)}]"


def sentence(row: pd.Series | dict, base: str, other: str) -> str:
    """One plain sentence saying what the difference in one KPI is and how sure it is."""
    metric = row["metric"]
    name = label(metric)
    levels = (
        f"{fmt_value(metric, row['base_mean'])} under {base}, "
        f"{fmt_value(metric, row['other_mean'])} under {other}"
    )
    n = int(row["n"])
    if n == 0:
        return f"{name}: no values to compare."
    interval = fmt_interval(metric, row["ci_low"], row["ci_high"])
    if row["difference"] == 0 and row["ci_low"] == row["ci_high"]:
        return f"{name}: {levels}; identical in every replication."
    if not is_clear(row):
        return (
            f"{name}: {levels}; no clear difference "
            f"({fmt_difference(metric, row['difference'])}, 95% interval {interval} "
            "includes zero)."
        )
    direction = "higher" if row["difference"] > 0 else "lower"
    agreeing = round(row["same_sign_share"] * n)
    return (
        f"{name}: {levels}; {direction} by {fmt_difference(metric, row['difference'])[1:]} "
        f"({fmt_relative(row['relative_difference'])}; 95% interval {interval}), "
        f"{direction} in {agreeing} of {n} paired replications."
    )


def cautions(rows: pd.DataFrame) -> list[str]:
    """Warnings for readers where a headline difference means something other than it seems.

    Each rule names a pattern of clear differences that the model's known behaviour explains
    (docs/model.md), so that a fall in admissions or deaths is not read as a benefit when it
    comes from a hospital too full to admit or from a gap in the model.
    """
    by_metric = rows.set_index("metric")

    def moved(metric: str, sign: int) -> bool:
        if metric not in by_metric.index:
            return False
        row = by_metric.loc[metric]
        return is_clear(row) and (row["difference"] > 0) == (sign > 0)

    notes = []
    if moved("emergency_admissions_per_1000", -1) and moved(
        "emergencies_not_admitted_per_year", +1
    ):
        notes.append(
            "Emergency admissions fall here while more emergencies are turned away because the "
            "hospital is full (emergencies_not_admitted_per_year): fewer admissions are not "
            "fewer people falling ill."
        )
    if moved("emergency_admissions_per_1000", +1) and moved(
        "emergencies_not_admitted_per_year", -1
    ):
        notes.append(
            "Emergency admissions rise here while fewer emergencies are turned away: a less "
            "congested hospital admits more of the people who come, not more people falling ill."
        )
    if moved("deaths_per_1000", -1) and moved("delayed_patients", +1):
        notes.append(
            "Deaths fall while delays rise: in this model patients do not die while delayed in "
            "hospital, so part of the fall is an artefact of longer stays, not a benefit."
        )
    return notes
