"""Waits in each queue: how long patients waited for a capacity before it served them.

Every queue in the model (:class:`~abm.agents.capacity.QueuedService`) logs each wait that ends
in service: the day served, the days waited and whether the patient was in hospital. These
functions turn the logs into a tidy table and into per-queue summary figures (mean, 99th
percentile and longest wait, for hospital patients and for people at home), so that a reader
can see which queue a delay comes from, and that nobody waits indefinitely.
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
WAIT_COLUMNS = ("queue", "day", "days", "from_hospital")


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
    if not frames:
        return pd.DataFrame({column: [] for column in WAIT_COLUMNS})
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


__all__ = ["QUEUES", "STATISTICS", "wait_statistic", "wait_table"]
