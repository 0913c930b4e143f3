"""What the model reports: the daily table and the summary KPIs, declared up front.

Every day the model adds one row of :data:`DAILY_COLUMNS` to its ``daily`` table (stocks at
the end of the day and flows during it). The KPIs of the contract are computed from the
reported days (after the warm-up) of that table and from the typed delay rows; each is
declared as a :class:`Kpi` with its label, unit and how it is aggregated, so outputs, docs and
figures all read from one list.
"""

from abm.metrics.catalogue import KPI_BY_NAME, KPIS, WAIT_KPIS, compute_kpis
from abm.metrics.daily import (
    BODIES,
    BODIES_BY_REASON,
    CAUSES,
    DAILY_COLUMNS,
    FLOW_COLUMNS,
    REASONS,
    calibration_row,
    daily_row,
    money_row,
    social_care_row,
    workforce_row,
)
from abm.metrics.kpis import Kpi
from abm.metrics.record import RunRecord, annual_accounts, run_record

__all__ = [
    "BODIES",
    "BODIES_BY_REASON",
    "CAUSES",
    "DAILY_COLUMNS",
    "FLOW_COLUMNS",
    "KPIS",
    "KPI_BY_NAME",
    "REASONS",
    "WAIT_KPIS",
    "Kpi",
    "RunRecord",
    "annual_accounts",
    "calibration_row",
    "compute_kpis",
    "daily_row",
    "money_row",
    "run_record",
    "social_care_row",
    "workforce_row",
]
