"""Mesa ``DataCollector`` model reporters: the daily headline measures, for Mesa users.

``model.run_model()`` then ``model.datacollector.get_model_vars_dataframe()`` gives one row a
day with these columns, as Mesa users expect. Each reporter reads today's row of the model's
own ``daily`` table (:mod:`abm.metrics`), so the two always agree and nothing is counted
twice; the run's KPIs come from :func:`abm.metrics.compute_kpis` of
:func:`abm.metrics.run_record`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from abm.model import CareSystemModel

Reporter = Callable[["CareSystemModel"], object]


def _today(model: CareSystemModel, column: str) -> Any:
    return model.datacollector.tables["daily"][column][-1]


def _column(column: str, doc: str) -> Reporter:
    def report(model: CareSystemModel) -> Any:
        return _today(model, column)

    report.__doc__ = doc
    return report


def bed_occupancy(model: CareSystemModel) -> float:
    """Occupied general and acute beds as a share of open beds."""
    open_beds = float(_today(model, "beds_open"))
    occupied = float(_today(model, "beds_occupied"))
    return occupied / open_beds if open_beds else float("nan")


# reporter name: (column of the daily table, what it is)
COLUMNS = {
    "date": ("date", "Today's calendar date."),
    "reported": ("reported", "Whether today counts towards the KPIs (the warm-up is over)."),
    "delayed_patients": ("delayed", "Patients medically fit for discharge and still in a bed."),
    "corridor_waits": ("corridor", "Emergencies waiting without a bed."),
    "emergency_admissions_65plus": ("resident_emergencies", "Residents' emergency arrivals."),
    "waiting_for_care_at_home": ("waiting_for_care_at_home", "Residents waiting for care."),
    "unmet_need": ("unmet_need", "Residents whose care need nobody meets."),
    "deaths": ("deaths", "Residents who died today."),
}

MODEL_REPORTERS: dict[str, Reporter] = {
    name: _column(column, doc) for name, (column, doc) in COLUMNS.items()
} | {"bed_occupancy": bed_occupancy}
"""The model reporters of :class:`abm.model.CareSystemModel`'s ``DataCollector``."""
