"""Counts over every resident for the daily table, kept up to date from those who changed.

Each day the model reports how many residents are alive, where they are, who waits for care,
whose need nobody meets and who pays for care. Counting every resident (dead ones included:
ids are never reused) each day cost about a third of a full-size run. Instead each resident's
state, as far as the counts go, is kept as a small code (:data:`FACETS`), and the counts are
kept as sums over residents of their code's row of 0/1 contributions (:data:`TABLE`). A
resident's code only changes when one of their tracked columns does, and every such change
goes through a :class:`~abm.agents.population.Residents` method that notes the resident as
touched; so each day only the touched residents' codes are recomputed and the counts moved by
the difference. Integer counts are exact whatever the order of updates.

Unmet hours are a float sum: to stay bit for bit what a full recount gives, each resident's
unmet hours are kept in a column and that column is summed (numpy's pairwise sum over the same
values in the same places gives the same result as summing a freshly built array).
"""

from __future__ import annotations

import numpy as np

from abm.agents.population import Residents
from abm.domain import Care, Funder, Location

# The daily table's columns that these counts fill, in three runs as the table lists them.
PEOPLE: tuple[str, ...] = (
    "residents",
    "residents_85plus",
    "in_community",
    "in_corridor",
    "in_hospital",
    "in_intermediate_care",
    "in_care_home",
    "waiting_for_care_at_home",
)
CARE: tuple[str, ...] = (
    "need_none",
    "need_met_unpaid",
    "council_funded",
    "self_funded",
    "nhs_funded",
    "unmet_need",
    "unmet_need_hours",
    "residents_with_carer",
)
CARE_HOME_FUNDERS: tuple[str, ...] = (
    "care_home_self_funders",
    "care_home_council_funded",
    "care_home_nhs_funded",
)
UNMET_HOURS = "unmet_need_hours"
COUNTS: tuple[str, ...] = tuple(
    name for name in (*PEOPLE, *CARE, *CARE_HOME_FUNDERS) if name != UNMET_HOURS
)


# What a resident's contribution to the counts depends on, each a small integer: location,
# care, funder, aged 85+, needs care (by frailty), unmet need, has a carer. A resident's
# state is kept as one code over these (1,536 possible), and each code's contribution is a
# row of a table made once.
FACETS = (len(Location), len(Care), len(Funder), 2, 2, 2, 2)


def contributions(facets: tuple[np.ndarray, ...]) -> np.ndarray:
    """Whether residents in these states count in each of :data:`COUNTS` (a row each).

    ``facets``: arrays of location, care, funder, aged 85+, needs (their frailty brings a
    need for care), unmet (that need beyond their carer and any package is above 0) and
    carer (they have an unpaid carer), in the order of :data:`FACETS`."""
    location, care, funder, aged_85, needs, unmet, carer = facets
    alive = location != Location.DEAD
    at_home = location == Location.COMMUNITY
    needs_care = at_home & needs
    in_homes = care == Care.CARE_HOME
    has_care = (care == Care.HOME_CARE) | in_homes
    return np.stack(
        [
            alive,
            alive & aged_85,
            at_home,
            location == Location.CORRIDOR,
            location == Location.HOSPITAL,
            location == Location.INTERMEDIATE_CARE,
            location == Location.CARE_HOME,
            care == Care.WAITING,
            at_home & ~needs_care,
            needs_care & ~unmet & (care != Care.HOME_CARE),
            has_care & (funder == Funder.COUNCIL),
            has_care & (funder == Funder.SELF),
            has_care & (funder == Funder.NHS),
            at_home & unmet,
            at_home & carer,
            in_homes & (funder == Funder.SELF),
            in_homes & (funder == Funder.COUNCIL),
            in_homes & (funder == Funder.NHS),
        ],
        axis=1,
    )


_ALL_STATES = np.unravel_index(np.arange(np.prod(FACETS)), FACETS)
TABLE = contributions(
    tuple(f.astype(bool) if n == 2 else f for f, n in zip(_ALL_STATES, FACETS, strict=True))
).astype(np.int64)
NOBODY = int(np.ravel_multi_index((Location.DEAD, 0, 0, 0, 0, 0, 0), FACETS))


def state_codes(residents: Residents, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Residents' state codes (see :data:`FACETS`) and their unmet weekly hours at home (0
    when not at home or none unmet)."""
    r = residents
    location, carer = r.location[ids], r.carer[ids]
    need = r.need_hours[r.frailty[ids]]
    unmet = need - r.carer_hours[carer] - r.package_hours[ids]
    facets = (location, r.care[ids], r.funder[ids], r.band[ids] == 2, need > 0.0, unmet > 0.0)
    codes = np.ravel_multi_index((*facets, carer > 0), FACETS)
    unmet_at_home = (location == Location.COMMUNITY) & (unmet > 0.0)
    return codes, np.where(unmet_at_home, unmet, 0.0)


class Tallies:
    """The :data:`COUNTS` and unmet hours over all residents, brought up to date on demand."""

    def __init__(self, residents: Residents) -> None:
        self.residents = residents
        self._codes = np.zeros(0, dtype=np.int16)
        self._unmet = np.zeros(0)
        self._counts = np.zeros(len(COUNTS), dtype=np.int64)

    def counts(self) -> dict[str, int | float]:
        """Today's :data:`COUNTS` by name, and ``unmet_need_hours`` (weekly hours nobody
        meets)."""
        self._update()
        counts: dict[str, int | float] = dict(zip(COUNTS, self._counts.tolist(), strict=True))
        counts[UNMET_HOURS] = float(self._unmet[: self.residents.n].sum())
        return counts

    def _update(self) -> None:
        ids = self.residents.take_touched()
        if len(ids) == 0:
            return
        self._reserve(len(self.residents.age0))
        codes, unmet = state_codes(self.residents, ids)
        old = self._codes[ids]
        moved = codes != old
        self._counts += TABLE[codes[moved]].sum(axis=0) - TABLE[old[moved]].sum(axis=0)
        self._codes[ids] = codes
        self._unmet[ids] = unmet

    def _reserve(self, capacity: int) -> None:
        if len(self._unmet) >= capacity:
            return
        codes = np.full(capacity, NOBODY, dtype=np.int16)
        codes[: len(self._codes)] = self._codes
        unmet = np.zeros(capacity)
        unmet[: len(self._unmet)] = self._unmet
        self._codes, self._unmet = codes, unmet
