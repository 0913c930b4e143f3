"""What the model reports: the daily table and the summary KPIs, declared up front.

Every day the model adds one row of :data:`DAILY_COLUMNS` to its ``daily`` table (stocks at
the end of the day and flows during it). The KPIs of the contract are computed from the
reported days (after the warm-up) of that table and from the typed delay rows; each is
declared as a :class:`Kpi` with its label, unit and how it is aggregated, so outputs, docs and
figures all read from one list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from abm.agents import tallies
from abm.agents.accounts import financial_year_start
from abm.agents.worker import MonthFlows, Role
from abm.domain import Body, Cause, DelayReason
from abm.params import DAYS_PER_YEAR
from abm.waits import (
    CAPACITY_COLUMNS,
    QUEUES,
    STATISTICS,
    capacity_row,
    wait_statistic,
    wait_table,
)

if TYPE_CHECKING:
    from abm.model import CareSystemModel

REASONS = [reason.label for reason in DelayReason]
FLOW_COLUMNS = tuple(f.name for f in dataclasses.fields(MonthFlows))
BODIES = [body.label for body in Body]
CAUSES = [cause.label for cause in Cause]
# Delayed days by reason within one responsible body (delayed transfers of care were published
# as reason shares of each body's delays).
BODIES_BY_REASON = (Body.NHS, Body.SOCIAL_CARE)

# The names of the columns filled from arrays, made once (the daily row is built every day).
_DELAYED_COLUMNS = tuple(f"delayed.{reason}" for reason in REASONS)
_DELAYED_BY_COLUMNS = tuple(f"delayed_by.{body}" for body in BODIES)
_DELAYED_CAUSE_COLUMNS = tuple(f"delayed_cause.{cause}" for cause in CAUSES)
_DELAYED_WITHIN_BODY_COLUMNS = {
    body: tuple(f"delayed_{body.label}.{reason}" for reason in REASONS) for body in BODIES_BY_REASON
}

DAILY_COLUMNS: tuple[str, ...] = (
    "day",
    "date",
    "reported",
    *tallies.PEOPLE,
    "beds_open",
    "beds_occupied",
    "beds_occupied_by_residents",
    "delayed",
    *_DELAYED_COLUMNS,
    *_DELAYED_BY_COLUMNS,
    *_DELAYED_CAUSE_COLUMNS,
    "corridor",
    "resident_emergencies",
    "resident_emergencies_not_admitted",
    "background_emergencies",
    "background_emergencies_not_admitted",
    "readmissions_30d",
    "electives_booked",
    "electives_cancelled",
    "discharges",
    "deaths",
    "care_home_deaths",
    "inpatient_deaths",
    "arrivals_65",
    "arrivals_85plus",
    "care_requests",
    "stopped_waiting",
    "care_home_beds",
    "care_home_residents",
    "home_care_hours_capacity",
    "home_care_hours_used",
    "home_care_packages",
    "intermediate_care_beds",
    "intermediate_care_occupied",
    "assessment_queue",
    "home_care_queue",
    "care_home_queue",
    *tallies.CARE,
    "carer_breakdowns",
    "stopped_waiting_for_care",
    "not_eligible",
    "assessments_completed",
    "self_funders_arranging_care",
    "self_funders_below_threshold",
    "packages_started",
    "packages_ended_at_review",
    *tallies.CARE_HOME_FUNDERS,
    "care_homes_open",
    "care_home_exits",
    "care_home_entries",
    "care_home_residents_moved",
    "care_home_residents_unplaced",
    "care_home_private_fee_gbp",
    "council_care_home_fee_gbp",
    "care_home_market_margin",
    "assessment_waits_completed",
    "assessment_wait_days",
    "intermediate_care_leavers",
    "intermediate_care_to_package_request",
    "intermediate_care_to_care_home_request",
    "council_home_care_fee_gbp",
    "care_home_reserves_gbp",
    "council_spend_gbp",
    "private_spend_gbp",
    "self_funder_fees_gbp",
    "long_term_support_spend_gbp",
    "nhs_spend_gbp",
    "council_budget_gbp",
    "council_budget_pressure",
    "discharge_support_hours",
    "reablement_hours",
    "capital_drawn_gbp",
    "spent_down_to_council",
    "hospital_funded_share",
    "eligibility_threshold_hours",
    "care_posts",
    "care_staff",
    "home_care_posts",
    "home_care_staff",
    "hca_posts",
    "hca_staff",
    "ward_nurse_posts",
    "ward_nurse_staff",
    *FLOW_COLUMNS,
    "care_worker_pay_gbp",
    "hca_pay_gbp",
    "home_care_hours_delivered",
    "beds_funded",
    "background_emergency_beds",
    "resident_emergencies_75plus",
    "readmissions_30d_75plus",
    "reablement_discharges",
    "reablement_packages",
    "long_stay_delayed_for_care_at_home",
    "legal_floor_gbp",
    *(name for columns in _DELAYED_WITHIN_BODY_COLUMNS.values() for name in columns),
    *CAPACITY_COLUMNS,
)


def daily_row(model: CareSystemModel) -> dict[str, object]:
    """Today's row of the daily table."""
    hospital, today = model.hospital, model.hospital.today
    row: dict[str, object] = {
        "day": model.day,
        "date": model.date,
        "reported": model.reporting,
        **model.tallies.counts(),
        "beds_open": hospital.open_beds,
        "beds_occupied": hospital.occupied,
        "beds_occupied_by_residents": len(hospital.stays),
        "delayed": hospital.delayed,
        "corridor": len(hospital.corridor),
        "resident_emergencies": today.resident_emergencies,
        "resident_emergencies_not_admitted": today.resident_emergencies_not_admitted,
        "background_emergencies": today.background_emergencies,
        "background_emergencies_not_admitted": today.background_emergencies_not_admitted,
        "readmissions_30d": today.readmissions_30d,
        "electives_booked": today.electives_booked,
        "electives_cancelled": today.electives_cancelled,
        "discharges": today.discharges,
        "deaths": model.tally.deaths,
        "care_home_deaths": model.tally.care_home_deaths,
        "inpatient_deaths": today.inpatient_deaths,
        "arrivals_65": model.tally.arrivals_65,
        "arrivals_85plus": model.tally.arrivals_85plus,
        "care_requests": model.community.requests_today,
        "stopped_waiting": model.community.stopped_waiting_today,
        "care_home_beds": model.care_homes.beds,
        "care_home_residents": len(model.care_homes.residents_placed),
        "home_care_hours_capacity": model.home_care.capacity_hours,
        "home_care_hours_used": model.home_care.hours_used,
        "home_care_packages": len(model.home_care.packages),
        "intermediate_care_beds": model.intermediate_care.beds,
        "intermediate_care_occupied": len(model.intermediate_care.stays),
        "assessment_queue": len(model.assessment.waiting),
        "home_care_queue": len(model.home_care.waiting),
        "care_home_queue": len(model.care_homes.waiting),
    }
    row.update(social_care_row(model))
    row.update(workforce_row(model))
    row.update(calibration_row(model))
    row.update(capacity_row(model))
    row.update(zip(_DELAYED_COLUMNS, today.delayed_by_reason.tolist(), strict=True))
    row.update(zip(_DELAYED_BY_COLUMNS, today.delayed_by_body.tolist(), strict=True))
    row.update(zip(_DELAYED_CAUSE_COLUMNS, today.delayed_by_cause.tolist(), strict=True))
    return row


def calibration_row(model: CareSystemModel) -> dict[str, object]:
    """Counts that published figures are measured on: emergency bed days of people under 65,
    readmissions of residents 75+, reablement, long waits for care at home, the legal pay
    floor, and delayed days by reason within each responsible body."""
    hospital, today = model.hospital, model.hospital.today
    row: dict[str, object] = {
        "background_emergency_beds": hospital.background_emergencies_in_beds,
        "resident_emergencies_75plus": today.resident_emergencies_75plus,
        "readmissions_30d_75plus": today.readmissions_30d_75plus,
        "reablement_discharges": today.reablement_discharges,
        "reablement_packages": model.home_care.reablement_packages,
        "long_stay_delayed_for_care_at_home": today.long_stay_delayed_for_care_at_home,
        "legal_floor_gbp": model.workforce.legal_floor(model.date),
    }
    for body, columns in _DELAYED_WITHIN_BODY_COLUMNS.items():
        row.update(zip(columns, today.delayed_by_body_and_reason[body].tolist(), strict=True))
    return row


def workforce_row(model: CareSystemModel) -> dict[str, object]:
    """Posts, staff, monthly flows and pay."""
    workforce = model.workforce
    care_posts, care_staff = workforce.posts_and_staff(
        (Role.HOME_CARE_WORKER, Role.CARE_HOME_WORKER, Role.CARE_HOME_NURSE)
    )
    home_posts, home_staff = workforce.posts_and_staff((Role.HOME_CARE_WORKER,))
    hca_posts, hca_staff = workforce.posts_and_staff((Role.HEALTHCARE_ASSISTANT,))
    nurse_posts, nurse_staff = workforce.posts_and_staff((Role.WARD_NURSE,))
    month_start = model.date.day == 1 and model.day > 0
    flows = dataclasses.asdict(workforce.flows) if month_start else {}
    return {
        "care_posts": care_posts,
        "care_staff": care_staff,
        "home_care_posts": home_posts,
        "home_care_staff": home_staff,
        "hca_posts": hca_posts,
        "hca_staff": hca_staff,
        "ward_nurse_posts": nurse_posts,
        "ward_nurse_staff": nurse_staff,
        **{name: flows.get(name, 0) for name in FLOW_COLUMNS},
        "care_worker_pay_gbp": workforce.mean_pay((Role.HOME_CARE_WORKER, Role.CARE_HOME_WORKER)),
        "hca_pay_gbp": workforce.mean_pay((Role.HEALTHCARE_ASSISTANT,)),
        "home_care_hours_delivered": model.home_care.delivered_hours,
        "beds_funded": model.hospital.funded_beds,
    }


def social_care_row(model: CareSystemModel) -> dict[str, object]:
    """Care arrangements, the care-home market and spending, today (counts of residents by
    need, care and funder come from ``model.tallies``, with the other counts of residents)."""
    council, homes = model.council, model.care_homes
    open_homes = homes.open_homes
    fees = [home.private_fee for home in open_homes]
    return {
        "carer_breakdowns": model.community.carer_breakdowns_today,
        "stopped_waiting_for_care": model.community.stopped_waiting_today,
        "not_eligible": council.not_eligible_today,
        "assessments_completed": model.assessment.served_today,
        "self_funders_arranging_care": model.assessment.self_funders_today,
        "self_funders_below_threshold": model.assessment.self_funders_below_threshold_today,
        "packages_started": model.home_care.started_today,
        "packages_ended_at_review": council.packages_ended_at_review_today,
        "care_homes_open": len(open_homes),
        "care_home_exits": homes.exits_today,
        "care_home_entries": homes.entries_today,
        "care_home_residents_moved": homes.moved_today,
        "care_home_residents_unplaced": homes.unplaced_today,
        "care_home_private_fee_gbp": float(np.mean(fees)) if fees else 0.0,
        "council_care_home_fee_gbp": council.care_home_fee(nursing=False),
        "care_home_market_margin": homes.market_margin(),
        "assessment_waits_completed": len(model.assessment.waits_completed_today),
        "assessment_wait_days": float(sum(model.assessment.waits_completed_today)),
        "intermediate_care_leavers": model.community.ic_leavers_today,
        "intermediate_care_to_package_request": model.community.ic_package_requests_today,
        "intermediate_care_to_care_home_request": model.community.ic_care_home_requests_today,
        "council_home_care_fee_gbp": council.home_care_fee,
        "care_home_reserves_gbp": float(sum(home.reserves for home in open_homes)),
        **money_row(model),
        "eligibility_threshold_hours": council.eligibility_threshold,
    }


def money_row(model: CareSystemModel) -> dict[str, object]:
    """Today's spending by sector, the care budget, discharge support and capital drawn."""
    accounts, council = model.accounts, model.council
    spend = accounts.today_by_sector
    return {
        "council_spend_gbp": spend["care"],
        "private_spend_gbp": spend["private"],
        "self_funder_fees_gbp": max(council.self_funder_weekly, 0.0) / 7.0,
        "long_term_support_spend_gbp": accounts.long_term_support_weekly(council.self_funder_weekly)
        / 7.0,
        "nhs_spend_gbp": spend["health"],
        "council_budget_gbp": accounts.budgets.get(accounts.arrangement.care_holder, 0.0),
        "council_budget_pressure": council.pressure,
        "discharge_support_hours": model.home_care.discharge_support_hours,
        "reablement_hours": model.home_care.reablement_hours,
        "capital_drawn_gbp": council.capital_drawn_today,
        "spent_down_to_council": council.spent_down_today,
        "hospital_funded_share": model.hospital.funded_share,
    }


@dataclasses.dataclass(frozen=True)
class RunRecord:
    """Everything one replication reports, as tables."""

    daily: pd.DataFrame
    delays: pd.DataFrame
    fit_to_discharge: np.ndarray
    accounts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    unit_costs: dict[str, float] = dataclasses.field(default_factory=dict)
    waits: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


def run_record(model: CareSystemModel, *, close_books: bool = True) -> RunRecord:
    """Collect a finished (or part-run) model's tables.

    ``close_books=False`` reads a run still in progress without changing it: the accounts
    then hold the months settled so far (closing the books settles today's debts early, and
    the run would go on differently; the visual server looks at its runs this way).
    """
    daily = model.datacollector.get_table_dataframe("daily")
    daily["date"] = pd.to_datetime(daily["date"])
    segments = model.hospital.delay_segments
    delays = pd.DataFrame(
        {
            "patient": [s.patient for s in segments],
            "pathway": [s.pathway for s in segments],
            "start_date": pd.to_datetime([model.first_date for _ in segments])
            + pd.to_timedelta([s.start_day for s in segments], unit="D"),
            "days": [s.end_day - s.start_day for s in segments],
            "reason": [REASONS[s.reason] for s in segments],
            "responsible": [BODIES[s.responsible] for s in segments],
        }
    )
    # A bool column even when there are no delays (an empty list would be an object column,
    # and indexing by it would select columns instead of rows).
    delays["reported"] = np.array([s.start_day >= model.warmup_days for s in segments], bool)
    pairs = np.asarray(model.hospital.fit_to_discharge, dtype=np.int64).reshape(-1, 2)
    fit = pairs[pairs[:, 0] >= model.warmup_days]
    nhs = model.params.nhs
    accounts, flows = annual_accounts(model, close_books=close_books)
    return RunRecord(
        daily=daily,
        delays=delays,
        fit_to_discharge=fit[:, 1] - fit[:, 0],
        accounts=accounts,
        flows=flows,
        waits=wait_table(model),
        unit_costs={
            "delayed_bed_day": nhs.delayed_bed_day_cost_gbp,
            "corridor_day": nhs.corridor_day_cost_gbp,
            "cancelled_elective": nhs.cancelled_elective_cost_gbp,
        },
    )


def annual_accounts(
    model: CareSystemModel, *, close_books: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each financial year's accounts by body (opening, income, spending, closing) and its
    money flows by payer, payee, pool and purpose, from the ledger (settled months only;
    ``close_books`` first settles what is owed so far, as at the end of a run)."""
    if close_books:
        model.accounts.close_books()
    ledger = model.accounts.ledger
    ledger.check(full=True)
    last = model.date + dt.timedelta(days=1)
    start = financial_year_start(model.first_date)
    accounts, flows = [], []
    while start < last:
        end = min(dt.date(start.year + 1, 4, 1), last)
        label = f"{start.year}-{str(start.year + 1)[2:]}"
        accounts.append(ledger.accounts_table(start, end).assign(financial_year=label))
        flows.append(ledger.flows_table(start, end).assign(financial_year=label))
        start = end
    if not accounts:
        return pd.DataFrame(), pd.DataFrame()
    return pd.concat(accounts, ignore_index=True), pd.concat(flows, ignore_index=True)


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


# Waits reported for hospital patients in every queue, and for people at home in theirs.
WAIT_KPIS = (
    ("queue_wait_days", "hospital patients", True, QUEUES),
    ("community_wait_days", "people at home", False, QUEUES[:5]),
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "emergency_admissions_per_1000",
        "Emergency admissions of residents 65+",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "resident_emergencies"),
    ),
    Kpi(
        "bed_occupancy",
        "General and acute bed occupancy",
        "share of open beds",
        _ratio_of_sums("beds_occupied", "beds_open"),
    ),
    Kpi(
        "delayed_patients",
        "Patients delayed in hospital",
        "patients a day (mean)",
        _mean("delayed"),
    ),
    Kpi(
        "delayed_bed_days", "Delayed bed days", "bed days a year", lambda r: _per_year(r, "delayed")
    ),
    Kpi(
        "delayed_share_of_occupied_beds",
        "Delayed patients as a share of occupied beds",
        "share",
        _ratio_of_sums("delayed", "beds_occupied"),
    ),
    Kpi(
        "mean_delay_days",
        "Days from medically fit to discharge",
        "days (mean over patients becoming fit)",
        _mean_delay,
    ),
    *(
        Kpi(
            f"delay_reason_share.{reason}",
            f"Delayed bed days: {reason.replace('_', ' ')}",
            "share of delayed bed days",
            _share_of_delayed(f"delayed.{reason}"),
        )
        for reason in REASONS
    ),
    *(
        Kpi(
            f"delay_attribution_share.{body}",
            f"Delayed bed days attributed to {body}",
            "share of delayed bed days",
            _share_of_delayed(f"delayed_by.{body}"),
        )
        for body in BODIES
    ),
    *(
        Kpi(
            f"delay_reason_share_of_{body.label}.{reason}",
            f"Delayed bed days attributed to {body.label.replace('_', ' ')}: "
            f"{reason.replace('_', ' ')}",
            f"share of delayed bed days attributed to {body.label.replace('_', ' ')}",
            _share_within_body(body, reason),
        )
        for body in BODIES_BY_REASON
        for reason in REASONS
    ),
    *(
        Kpi(
            f"delay_cause_share.{cause}",
            "Delayed bed days spent "
            + ("waiting for a capacity (a queue)" if cause == "queue" else "in fixed process time"),
            "share of delayed bed days",
            _share_of_delayed(f"delayed_cause.{cause}"),
        )
        for cause in CAUSES
    ),
    *(
        Kpi(
            f"{prefix}.{queue}.{statistic}",
            f"Wait of {who} for {queue.replace('_', ' ')}: {statistic}",
            f"days ({who} served after the warm-up)",
            _queue_wait(queue, statistic, from_hospital=from_hospital),
        )
        for prefix, who, from_hospital, queues in WAIT_KPIS
        for queue in queues
        for statistic in STATISTICS
    ),
    Kpi(
        "held_for_funding",
        "People the council's brokers hold back for want of money",
        "people (mean of the monthly counts)",
        _mean("held_for_funding"),
    ),
    Kpi(
        "social_workers_in_post",
        "Council social workers in post",
        "people (mean)",
        _mean("social_workers_in_post"),
    ),
    Kpi(
        "brokers_in_post",
        "Council brokers in post",
        "people (mean)",
        _mean("brokers_in_post"),
    ),
    Kpi(
        "home_care_agencies",
        "Home-care agencies trading",
        "agencies (mean)",
        _mean("home_care_agencies"),
    ),
    Kpi(
        "home_care_agency_exits_per_year",
        "Home-care agencies leaving the market",
        "agencies a year",
        lambda r: _per_year(r, "home_care_agency_exits"),
    ),
    Kpi(
        "home_care_packages_handed_back_per_year",
        "Home-care packages handed back by agencies that cannot staff them",
        "packages a year",
        lambda r: _per_year(r, "home_care_packages_handed_back"),
    ),
    Kpi(
        "intermediate_care_beds_usable",
        "Intermediate-care beds usable (commissioned and staffed)",
        "beds (mean)",
        _mean("intermediate_care_beds_usable"),
    ),
    Kpi(
        "pool_from_council_gbp",
        "Money the council moved into a pooled or integrated budget",
        "GBP a year",
        lambda r: _transfers_a_year(r, "council"),
    ),
    Kpi(
        "pool_from_nhs_gbp",
        "Money the NHS moved into a pooled or integrated budget",
        "GBP a year",
        lambda r: _transfers_a_year(r, "nhs"),
    ),
    Kpi(
        "discharged_later_than_ready_share",
        "Residents not discharged on the day they became medically fit",
        "share of residents becoming fit (and discharged alive)",
        _later_than_ready,
    ),
    Kpi(
        "long_stay_delayed_for_care_at_home",
        "Residents in hospital 14+ days delayed awaiting an assessment or care at home",
        "patients a day (mean)",
        _mean("long_stay_delayed_for_care_at_home"),
    ),
    Kpi(
        "resident_share_of_emergency_bed_days",
        "Share of emergency bed days used by residents 65+",
        "share of emergency bed days (residents and under-65 emergencies)",
        _resident_share_of_emergency_beds,
    ),
    Kpi(
        "corridor_waits_per_day",
        "Emergency patients waiting for a bed (corridor care)",
        "patients a day (mean)",
        _mean("corridor"),
    ),
    Kpi(
        "emergencies_not_admitted_per_year",
        "Emergencies sent home from the emergency department because the hospital was full",
        "patients a year (residents and under-65s)",
        lambda r: (
            _per_year(r, "resident_emergencies_not_admitted")
            + _per_year(r, "background_emergencies_not_admitted")
        ),
    ),
    Kpi(
        "care_home_occupancy",
        "Care-home occupancy",
        "share of beds",
        _ratio_of_sums("care_home_residents", "care_home_beds"),
    ),
    Kpi(
        "unmet_need_share_65plus",
        "Residents 65+ with care need that nobody meets",
        "share of residents 65+",
        _ratio_of_sums("unmet_need", "residents"),
    ),
    Kpi(
        "self_funder_share_care_homes",
        "Care-home residents paying the whole fee themselves",
        "share of care-home residents",
        _ratio_of_sums("care_home_self_funders", "care_home_residents"),
    ),
    Kpi(
        "council_spend_gbp",
        "Public spending on social care for residents 65+ (by the council, or the pool or "
        "integrated budget in its place)",
        "GBP a year",
        lambda r: _per_year(r, "council_spend_gbp"),
    ),
    Kpi(
        "long_term_support_spend_gbp",
        "Spending on long-term care arranged by the council for residents 65+ (packages and "
        "placements, with residents' means-tested contributions; gross, as councils report "
        "it)",
        "GBP a year",
        lambda r: _per_year(r, "long_term_support_spend_gbp"),
    ),
    Kpi(
        "private_spend_gbp",
        "Residents' own spending on care (self-funders' fees and means-tested contributions)",
        "GBP a year",
        lambda r: _per_year(r, "private_spend_gbp"),
    ),
    Kpi(
        "self_funder_fees_gbp",
        "Self-funders' fees (part of residents' own spending)",
        "GBP a year",
        lambda r: _per_year(r, "self_funder_fees_gbp"),
    ),
    Kpi(
        "nhs_spend_gbp",
        "NHS spending: the hospital, intermediate care and continuing healthcare",
        "GBP a year",
        lambda r: _per_year(r, "nhs_spend_gbp"),
    ),
    Kpi(
        "public_spend_gbp",
        "Public spending on health and social care (the two above)",
        "GBP a year",
        lambda r: _per_year(r, "council_spend_gbp") + _per_year(r, "nhs_spend_gbp"),
    ),
    Kpi(
        "spend_per_resident_65plus_gbp",
        "Public and private spending per resident 65+",
        "GBP a year",
        lambda r: _divide(
            sum(
                _per_year(r, c) for c in ("council_spend_gbp", "nhs_spend_gbp", "private_spend_gbp")
            ),
            float(_reported(r)["residents"].mean()),
        ),
    ),
    Kpi(
        "delayed_bed_day_cost_gbp",
        "Cost of delayed bed days (at nhs.delayed_bed_day_cost_gbp a night)",
        "GBP a year",
        lambda r: _per_year(r, "delayed") * r.unit_costs["delayed_bed_day"],
    ),
    Kpi(
        "corridor_cost_gbp",
        "Cost of corridor care (at nhs.corridor_day_cost_gbp a day)",
        "GBP a year",
        lambda r: _per_year(r, "corridor") * r.unit_costs["corridor_day"],
    ),
    Kpi(
        "cancelled_elective_cost_gbp",
        "Cost of cancelled planned admissions (at nhs.cancelled_elective_cost_gbp each)",
        "GBP a year",
        lambda r: _per_year(r, "electives_cancelled") * r.unit_costs["cancelled_elective"],
    ),
    Kpi(
        "capital_drawn_gbp",
        "Residents' capital spent on care",
        "GBP a year",
        lambda r: _per_year(r, "capital_drawn_gbp"),
    ),
    Kpi(
        "spent_down_to_council",
        "Self-funders whose capital fell to the upper limit, so the council pays",
        "residents a year",
        lambda r: _per_year(r, "spent_down_to_council"),
    ),
    Kpi(
        "discharge_support_hours",
        "Home-care hours a week bought for hospital discharges with spare care money",
        "hours a week (mean over days)",
        _mean("discharge_support_hours"),
    ),
    Kpi(
        "hospital_funded_share",
        "Share of the hospital's beds its contract pays for",
        "share (mean over days)",
        _mean("hospital_funded_share"),
    ),
    Kpi(
        "provider_exits",
        "Care homes closing because their reserves ran out",
        "homes a year",
        lambda r: _per_year(r, "care_home_exits"),
    ),
    Kpi(
        "care_home_private_fee_premium",
        "Self-funders' fee above the council's care-home fee",
        "share of the council fee (mean over days)",
        _fee_premium,
    ),
    Kpi(
        "assessment_queue",
        "Residents waiting for a needs assessment",
        "people a day (mean)",
        _mean("assessment_queue"),
    ),
    Kpi(
        "assessment_wait_days",
        "Wait from joining the queue to a completed needs assessment",
        "days (mean over completed assessments)",
        _ratio_of_sums("assessment_wait_days", "assessment_waits_completed"),
    ),
    Kpi(
        "care_home_market_margin",
        "Care homes' margin over the previous twelve months",
        "share of revenue (mean over days)",
        _mean("care_home_market_margin"),
    ),
    Kpi(
        "not_eligible_share",
        "Completed needs assessments that found the resident not eligible (self-funders "
        "below the threshold, who are not assessed, are in neither count)",
        "share of completed assessments",
        _ratio_of_sums("not_eligible", "assessments_completed"),
    ),
    Kpi(
        "council_budget_pressure",
        "Council's budget pressure: what its commitments and the care it holds back for money cost a year, over (+) or under (-) its budget",
        "share of budget (mean over days)",
        _mean("council_budget_pressure"),
    ),
    Kpi(
        "care_vacancy_rate",
        "Vacant care posts (home care and care homes, care workers and nurses)",
        "share of posts",
        _vacancy("care_posts", "care_staff"),
    ),
    Kpi(
        "home_care_vacancy_rate",
        "Vacant home-care worker posts",
        "share of posts",
        _vacancy("home_care_posts", "home_care_staff"),
    ),
    Kpi(
        "care_turnover_rate",
        "Care workers leaving their employer",
        "share of care staff a year",
        lambda r: _divide(_per_year(r, "care_leavers"), float(_reported(r)["care_staff"].mean())),
    ),
    Kpi(
        "nhs_hca_vacancy_rate",
        "Vacant NHS healthcare-assistant posts",
        "share of posts",
        _vacancy("hca_posts", "hca_staff"),
    ),
    Kpi(
        "care_to_nhs_per_year",
        "Care workers leaving care for NHS healthcare-assistant jobs",
        "people a year",
        lambda r: _per_year(r, "care_to_nhs"),
    ),
    Kpi(
        "care_leave_sector_share",
        "Care workers leaving their employer who leave social care (for the NHS or other work)",
        "share of care leavers",
        _share_of_flows(("care_to_nhs", "care_to_outside"), ("care_leavers",)),
    ),
    Kpi(
        "care_leavers_to_nhs_share",
        "Care workers leaving social care who take NHS healthcare-assistant posts",
        "share of those leaving social care",
        _share_of_flows(("care_to_nhs",), ("care_to_nhs", "care_to_outside")),
    ),
    Kpi(
        "nhs_to_care_per_year",
        "NHS healthcare assistants leaving for social care",
        "people a year",
        lambda r: _per_year(r, "nhs_to_care"),
    ),
    Kpi(
        "international_recruits_per_year",
        "Care workers recruited from abroad",
        "people a year",
        lambda r: _per_year(r, "hires_international"),
    ),
    Kpi(
        "care_worker_pay_gbp",
        "Care workers' hourly pay",
        "GBP an hour (mean)",
        _mean("care_worker_pay_gbp"),
    ),
    Kpi(
        "care_hca_pay_gap_gbp",
        "NHS healthcare assistants' pay above care workers'",
        "GBP an hour (mean)",
        lambda r: float((_reported(r)["hca_pay_gbp"] - _reported(r)["care_worker_pay_gbp"]).mean()),
    ),
    Kpi(
        "home_care_hours_undelivered_share",
        "Commissioned home-care hours not delivered for lack of staff",
        "share of commissioned hours",
        lambda r: 1.0 - _ratio_of_sums("home_care_hours_delivered", "home_care_hours_used")(r),
    ),
    Kpi(
        "deaths_per_1000",
        "Deaths of residents 65+",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "deaths"),
    ),
    Kpi(
        "care_home_deaths_per_resident_year",
        "Deaths of care-home residents",
        "per resident-year in a care home",
        lambda r: _divide(
            _per_year(r, "care_home_deaths"), float(_reported(r)["care_home_residents"].mean())
        ),
    ),
    Kpi(
        "elective_cancellations_per_year",
        "Elective admissions cancelled for lack of a bed",
        "admissions a year",
        lambda r: _per_year(r, "electives_cancelled"),
    ),
    Kpi(
        "readmission_30d_rate",
        "Emergency admissions within 30 days of a discharge",
        "share of resident emergency admissions",
        _ratio_of_sums("readmissions_30d", "resident_emergencies"),
    ),
    Kpi(
        "readmission_30d_rate_75plus",
        "Emergency admissions of residents 75+ within 30 days of a discharge",
        "share of emergency admissions of residents 75+",
        _ratio_of_sums("readmissions_30d_75plus", "resident_emergencies_75plus"),
    ),
    Kpi(
        "care_home_share_65plus",
        "Residents 65+ living in a care home",
        "share of residents 65+",
        _ratio_of_sums("care_home_residents", "residents"),
    ),
    Kpi(
        "home_care_users",
        "Residents 65+ receiving home care (council-funded, self-funded and reablement)",
        "people a day (mean)",
        _mean("home_care_packages"),
    ),
    Kpi(
        "council_long_term_care_users",
        "Residents 65+ in council-funded long-term care (home care or a care home; "
        "reablement excluded)",
        "people a day (mean)",
        _long_term_council_care,
    ),
    Kpi(
        "reablement_per_1000",
        "Hospital discharges home with reablement",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "reablement_discharges"),
    ),
    Kpi(
        "care_pay_premium_over_legal_floor",
        "Care workers' hourly pay above the National Living Wage",
        "share of the National Living Wage (mean over days)",
        lambda r: float(
            _mean_ratio(_reported(r)["care_worker_pay_gbp"], _reported(r)["legal_floor_gbp"]) - 1.0
        ),
    ),
    Kpi(
        "home_care_utilisation",
        "Home-care hours in use",
        "share of hours",
        _ratio_of_sums("home_care_hours_used", "home_care_hours_capacity"),
    ),
    Kpi(
        "waiting_for_care_at_home",
        "Residents waiting at home for care they asked for",
        "people a day (mean)",
        _mean("waiting_for_care_at_home"),
    ),
    Kpi(
        "care_requests_per_1000",
        "Requests for care from residents at home",
        "per 1,000 residents 65+ a year",
        lambda r: _per_1000_residents_year(r, "care_requests"),
    ),
)

KPI_BY_NAME = {kpi.name: kpi for kpi in KPIS}


def compute_kpis(record: RunRecord) -> dict[str, float]:
    """Every KPI for one replication."""
    return {kpi.name: kpi.compute(record) for kpi in KPIS}
