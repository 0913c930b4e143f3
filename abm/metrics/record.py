"""A run's record: the tables one replication reports (:class:`RunRecord`), collected from
a finished or part-run model, with its financial years' accounts and money flows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from abm.agents.accounts import financial_year_start
from abm.metrics.daily import BODIES, REASONS
from abm.waits import wait_table

if TYPE_CHECKING:
    from abm.model import CareSystemModel


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
