"""Counts over every resident for the daily table, kept up to date from those who changed.

Each day the model reports how many residents are alive, where they are, who waits for care,
whose need nobody meets and who pays for care. Counting every resident (dead ones included:
ids are never reused) each day cost about a third of a full-size run. Instead each resident's
contribution is kept as a row of 0/1 indicators, one per count, and the counts are their
column sums. A resident's row only changes when one of their tracked columns does, and every
such change goes through a :class:`~abm.agents.population.Residents` method that notes the
resident as touched; so each day only the touched residents' rows are recomputed and the
counts moved by the difference. Integer counts are exact whatever the order of updates.

Unmet hours are a float sum: to stay bit for bit what a full recount gives, each resident's
unmet hours are kept in a column and that column is summed (numpy's pairwise sum over the same
values in the same places gives the same result as summing a freshly built array).
"""

from __future__ import annotations

import numpy as np

from abm.agents.population import Residents
from abm.domain import Care, Funder, Location

COUNTS: tuple[str, ...] = (
    "residents",
    "residents_85plus",
    "in_community",
    "in_corridor",
    "in_hospital",
    "in_intermediate_care",
    "in_care_home",
    "waiting_for_care_at_home",
    "need_none",
    "need_met_unpaid",
    "council_funded",
    "self_funded",
    "nhs_funded",
    "unmet_need",
    "residents_with_carer",
    "care_home_self_funders",
    "care_home_council_funded",
    "care_home_nhs_funded",
)


def indicators(residents: Residents, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each resident's contribution to :data:`COUNTS` (a bool row each, in that order) and
    their unmet weekly hours at home (0 when not at home or none unmet)."""
    r = residents
    location, care, funder, carer = r.location[ids], r.care[ids], r.funder[ids], r.carer[ids]
    alive = location != Location.DEAD
    at_home = location == Location.COMMUNITY
    need = r.need_hours[r.frailty[ids]]
    unmet = need - r.carer_hours[carer] - r.package_hours[ids]
    needs_care = at_home & (need > 0.0)
    unmet_at_home = at_home & (unmet > 0.0)
    in_homes = care == Care.CARE_HOME
    has_care = (care == Care.HOME_CARE) | in_homes
    rows = np.stack(
        [
            alive,
            alive & (r.band[ids] == 2),
            at_home,
            location == Location.CORRIDOR,
            location == Location.HOSPITAL,
            location == Location.INTERMEDIATE_CARE,
            location == Location.CARE_HOME,
            care == Care.WAITING,
            at_home & ~needs_care,
            needs_care & (unmet <= 0.0) & (care != Care.HOME_CARE),
            has_care & (funder == Funder.COUNCIL),
            has_care & (funder == Funder.SELF),
            has_care & (funder == Funder.NHS),
            unmet_at_home,
            at_home & (carer > 0),
            in_homes & (funder == Funder.SELF),
            in_homes & (funder == Funder.COUNCIL),
            in_homes & (funder == Funder.NHS),
        ],
        axis=1,
    )
    return rows, np.where(unmet_at_home, unmet, 0.0)


class Tallies:
    """The :data:`COUNTS` and unmet hours over all residents, brought up to date on demand."""

    def __init__(self, residents: Residents) -> None:
        self.residents = residents
        self._rows = np.zeros((0, len(COUNTS)), dtype=bool)
        self._unmet = np.zeros(0)
        self._counts = np.zeros(len(COUNTS), dtype=np.int64)
        self._latest: dict[str, int | float] | None = None

    def counts(self) -> dict[str, int | float]:
        """Today's counts by name, and ``unmet_need_hours`` (weekly hours nobody meets)."""
        self._update()
        if self._latest is None:
            counts: dict[str, int | float] = dict(zip(COUNTS, self._counts.tolist(), strict=True))
            counts["unmet_need_hours"] = float(self._unmet[: self.residents.n].sum())
            self._latest = counts
        return dict(self._latest)

    def _update(self) -> None:
        ids = self.residents.take_touched()
        if len(ids) == 0:
            return
        self._latest = None
        self._reserve(len(self.residents.age0))
        rows, unmet = indicators(self.residents, ids)
        self._counts += rows.sum(axis=0) - self._rows[ids].sum(axis=0)
        self._rows[ids] = rows
        self._unmet[ids] = unmet

    def _reserve(self, capacity: int) -> None:
        if len(self._unmet) >= capacity:
            return
        rows = np.zeros((capacity, len(COUNTS)), dtype=bool)
        rows[: len(self._rows)] = self._rows
        unmet = np.zeros(capacity)
        unmet[: len(self._unmet)] = self._unmet
        self._rows, self._unmet = rows, unmet
