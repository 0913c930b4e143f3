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


def date(model: CareSystemModel) -> object:
    """Today's calendar date."""
    return _today(model, "date")


def reported(model: CareSystemModel) -> object:
    """Whether today counts towards the KPIs (the warm-up is over)."""
    return _today(model, "reported")


def delayed_patients(model: CareSystemModel) -> object:
    """Patients medically fit for discharge and still in a bed."""
    return _today(model, "delayed")


def bed_occupancy(model: CareSystemModel) -> float:
    """Occupied general and acute beds as a share of open beds."""
    open_beds = float(_today(model, "beds_open"))
    occupied = float(_today(model, "beds_occupied"))
    return occupied / open_beds if open_beds else float("nan")


def corridor_waits(model: CareSystemModel) -> object:
    """Emergencies waiting without a bed."""
    return _today(model, "corridor")


def emergency_admissions_65plus(model: CareSystemModel) -> object:
    """Residents' emergency arrivals today."""
    return _today(model, "resident_emergencies")


def waiting_for_care_at_home(model: CareSystemModel) -> object:
    """Residents at home waiting for care they asked for."""
    return _today(model, "waiting_for_care_at_home")


def unmet_need(model: CareSystemModel) -> object:
    """Residents whose care need nobody meets."""
    return _today(model, "unmet_need")


def deaths(model: CareSystemModel) -> object:
    """Residents who died today."""
    return _today(model, "deaths")


MODEL_REPORTERS: dict[str, Reporter] = {
    reporter.__name__: reporter
    for reporter in (
        date,
        reported,
        delayed_patients,
        bed_occupancy,
        corridor_waits,
        emergency_admissions_65plus,
        waiting_for_care_at_home,
        unmet_need,
        deaths,
    )
}
"""The model reporters of :class:`abm.model.CareSystemModel`'s ``DataCollector``."""
