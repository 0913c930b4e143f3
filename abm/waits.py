"""Queues and the capacities behind them: who waited how long, and what was there to serve.

Every queue in the model (:class:`~abm.agents.capacity.QueuedService`) logs each wait that ends
in service: the day served, the days waited and whether the patient was in hospital. These
functions turn the logs into a tidy table and into per-queue summary figures (mean, 99th
percentile and longest wait, for hospital patients and for people at home), so that a reader
can see which queue a delay comes from, and that nobody waits indefinitely; and they record,
day by day, the capacities the queues wait for and who pays for them (the council's staff and
money, the home-care agencies, intermediate care, the hospital's discharge work).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from abm.model import CareSystemModel

QUEUES = (
    "assessment",
    "funding_panel",
    "brokerage",
    "home_care",
    "care_home",
    "intermediate_care",
    "hospital_discharge",
)
STATISTICS = ("mean", "p99", "max")
CAPACITY_COLUMNS = (
    "social_workers_in_post",
    "social_worker_posts",
    "brokers_in_post",
    "held_for_funding",
    "council_commitments_gbp_a_year",
    "council_spending_limit_gbp",
    "home_care_agencies",
    "home_care_agency_exits",
    "home_care_agency_entries",
    "home_care_packages_handed_back",
    "home_care_hours_planned",
    "intermediate_care_beds_usable",
    "hospital_discharge_capacity",
    "panel_sitting",
    "pool_budget_gbp",
)


def capacity_row(model: CareSystemModel) -> dict[str, object]:
    """Today's capacities behind the queues, and the money behind them."""
    from abm.agents.worker import Role  # noqa: PLC0415

    council, home_care, accounts = model.council, model.home_care, model.accounts
    pool = accounts.budgets.get(accounts.arrangement.discharge_holder, 0.0)
    return {
        "social_workers_in_post": council.staff(Role.SOCIAL_WORKER),
        "social_worker_posts": council.funded_posts(Role.SOCIAL_WORKER),
        "brokers_in_post": council.staff(Role.BROKER),
        "held_for_funding": accounts.held_for_funding,
        "council_commitments_gbp_a_year": accounts.care_commitments_a_year(),
        "council_spending_limit_gbp": accounts.care_spending_limit(),
        "home_care_agencies": len(home_care.open_agencies),
        "home_care_agency_exits": home_care.exits_today,
        "home_care_agency_entries": home_care.entries_today,
        "home_care_packages_handed_back": home_care.handed_back_today,
        "home_care_hours_planned": home_care.target_hours,
        "intermediate_care_beds_usable": model.intermediate_care.beds,
        "hospital_discharge_capacity": model.discharge_team.capacity_today(),
        "panel_sitting": int(model.funding_panel.sits_today()),
        "pool_budget_gbp": pool if accounts.arrangement.discharge_holder != "council" else 0.0,
    }


def wait_table(model: CareSystemModel) -> pd.DataFrame:
    """Every logged wait of the reported period: queue, day served, days waited, whether the
    patient was in hospital."""
    frames = []
    for service in model.queues:
        log = np.asarray(service.wait_log, dtype=np.int64).reshape(-1, 3)
        log = log[log[:, 0] >= model.warmup_days]
        frames.append(
            pd.DataFrame(
                {
                    "queue": service.queue_name,
                    "day": log[:, 0],
                    "days": log[:, 1],
                    "from_hospital": log[:, 2].astype(bool),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def wait_statistic(waits: pd.DataFrame, queue: str, statistic: str, from_hospital: bool) -> float:
    """One queue's ``statistic`` (mean, p99 or max) of days waited, for hospital patients or
    people at home (NaN when nobody of that kind was served)."""
    if waits.empty:
        return float("nan")
    days = waits.loc[
        (waits["queue"] == queue) & (waits["from_hospital"] == from_hospital), "days"
    ].to_numpy(dtype=float)
    if len(days) == 0:
        return float("nan")
    if statistic == "mean":
        return float(days.mean())
    if statistic == "p99":
        return float(np.percentile(days, 99))
    return float(days.max())


__all__ = [
    "CAPACITY_COLUMNS",
    "QUEUES",
    "STATISTICS",
    "capacity_row",
    "wait_statistic",
    "wait_table",
]
