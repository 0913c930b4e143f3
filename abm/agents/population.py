"""Residents aged 65+: their state as arrays, their synthesis, and their hazards.

Residents' state lives in numpy arrays (one row per resident, ids are row numbers) so that
population-wide work (synthesis, ageing, re-drawing hazards) is vectorised; each resident
also has a :class:`~abm.agents.patient.Patient` Mesa agent whose behaviours change that state.
The hazards of every resident event are one table indexed by setting, age band, frailty and
sex, used both by the event calendar and by the plain per-agent daily stepping that the
benchmark compares it with, so the two run the same rules.
"""

from __future__ import annotations

import numpy as np

from abm.config import Scenario
from abm.domain import Care, EventKind, Frailty, Funder, Location, Setting
from abm.params import DAYS_PER_YEAR, per_thousand_years_to_per_day

BAND_EDGES = (75.0, 85.0)
MAX_AGE = 105.0
N_BANDS = 3
N_FRAILTY = len(Frailty)
N_SEXES = 2
N_CARER = 4
N_RECENT = 2
N_DEPENDENT = 2
FEMALE, MALE = 0, 1
# Columns that the daily tallies (abm.agents.tallies) count over: read-only to everyone else,
# changed only through Residents' methods, which note who changed.
TRACKED = ("frailty", "location", "care", "band", "carer", "funder", "package_hours")


class HazardTable:
    """Per-day hazards of each resident event by setting, age band, frailty, sex, carer,
    whether the resident was recently discharged and whether their dependency calls for a care
    home.

    Carer is the intensity band of a resident's unpaid carer: 0 none, 1 up to 19 hours a
    week, 2 20-49 hours, 3 50 hours or more. A recently discharged resident (1) has a raised
    admission hazard until they settle, which happens at rate 1 / the mean settling time.

    A resident whose dependency calls for a care home (1: they have lived in one, or asked or
    been assessed for a place) has ``mortality.care_home_need_excess_per_1000py`` added to
    their death hazard, wherever they are: it stands for the dependency behind a place, which
    the frailty categories do not hold, so someone who cannot get a place is no less likely to
    die than someone who does. (An excess rather than a ratio: a ratio large enough for the
    mean stay would give the oldest, most frail residents a stay of weeks.)

    ``admission_factor`` multiplies every admission hazard: the month's factor under
    ``admissions.seasonality`` (:mod:`abm.seasons`; 1.0 leaves the table as it was).
    """

    def __init__(self, scenario: Scenario, admission_factor: float = 1.0) -> None:
        shape = (
            len(EventKind),
            len(Setting),
            N_BANDS,
            N_FRAILTY,
            N_SEXES,
            N_CARER,
            N_RECENT,
            N_DEPENDENT,
        )
        table = np.zeros(shape)
        fr, mo, ad, co, ne, cn = (
            scenario.frailty,
            scenario.mortality,
            scenario.admissions,
            scenario.community,
            scenario.need,
            scenario.council,
        )
        per_day = per_thousand_years_to_per_day
        unmet = (Setting.HOME_UNMET, Setting.HOME_WAITING)
        for band in range(N_BANDS):
            by_age = (
                fr.onset_per_1000py[band] / fr.onset_per_1000py[1]
                if fr.onset_per_1000py[1] > 0
                else 1.0
            )
            progression = (
                fr.onset_per_1000py[band],
                *(rate * by_age for rate in fr.progression_per_1000py),
                0.0,
            )
            for frailty in range(N_FRAILTY):
                ratio_admission = (1.0, *ad.frailty_hazard_ratio)[frailty]
                ratio_death = (1.0, *mo.frailty_hazard_ratio)[frailty]
                admission = per_day(ad.fit_per_1000py[band]) * ratio_admission
                death = per_day(mo.fit_per_1000py[band]) * ratio_death
                cell = table[:, :, band, frailty]
                cell[EventKind.FRAILTY] = per_day(progression[frailty])
                cell[EventKind.RECOVERY] = per_day((0.0, *fr.recovery_per_1000py)[frailty])
                cell[EventKind.ADMISSION] = admission
                cell[EventKind.DEATH, :, FEMALE] = death
                cell[EventKind.DEATH, :, MALE] = death * mo.male_hazard_ratio
                for setting in unmet:
                    cell[EventKind.ADMISSION, setting] *= ad.unmet_need_hazard_ratio
                cell[EventKind.REQUEST, Setting.HOME_UNMET] = per_day(
                    co.request_per_1000py[frailty]
                )
                cell[EventKind.STOP_WAITING, Setting.HOME_WAITING] = per_day(
                    co.stop_waiting_per_1000py
                )
                cell[EventKind.REVIEW, Setting.HOME_WITH_CARE] = per_day(cn.review_per_1000py)
        for carer in range(1, N_CARER):
            breakdown = per_day(ne.carer_breakdown_per_1000py[carer - 1])
            home = table[EventKind.CARER_BREAKDOWN, : Setting.CARE_HOME, ..., carer, :, :]
            home[...] = breakdown
            for setting in unmet:
                table[EventKind.CARER_BREAKDOWN, setting, ..., carer, :, :] *= (
                    ne.carer_strain_hazard_ratio
                )
        table[EventKind.CARER_GAIN, : Setting.CARE_HOME, ..., 0, :, :] = per_day(
            ne.carer_gain_per_1000py
        )
        care_home = table[:, Setting.CARE_HOME]
        care_home[EventKind.ADMISSION] *= ad.care_home_hazard_ratio
        care_home[EventKind.FRAILTY] = 0.0
        care_home[EventKind.RECOVERY] = 0.0
        care_home[EventKind.CARER_GAIN] = 0.0
        recent = table[..., 1, :]
        recent[EventKind.ADMISSION] *= ad.post_discharge_hazard_ratio
        recent[EventKind.SETTLED] = 1.0 / ad.post_discharge_mean_days
        table[EventKind.DEATH, ..., 1] += per_day(mo.care_home_need_excess_per_1000py)
        table[EventKind.ADMISSION] *= admission_factor
        self.table = table
        self.nested = table.tolist()
        # one column per cell: a resident's rates are one column, found by the cell's flat
        # index (one gather instead of indexing seven axes with seven arrays)
        self._columns = table.reshape(len(EventKind), -1)

    def rates(  # noqa: PLR0917 - one index array per axis of the table
        self,
        setting: np.ndarray,
        band: np.ndarray,
        frailty: np.ndarray,
        sex: np.ndarray,
        carer: np.ndarray,
        recent: np.ndarray,
        dependent: np.ndarray,
    ) -> np.ndarray:
        """Per-day hazards, shape (event kinds, residents)."""
        cells = np.ravel_multi_index(
            (setting, band, frailty, sex, carer, recent, dependent), self.table.shape[1:]
        )
        return np.take(self._columns, cells, axis=1)

    def rate(self, kind: int, cell: tuple[int, int, int, int, int, int, int]) -> float:
        """One per-day hazard, for per-agent code; ``cell`` is (setting, band, frailty, sex,
        carer, recent, dependent)."""
        setting, band, frailty, sex, carer, recent, dependent = cell
        return self.nested[kind][setting][band][frailty][sex][carer][recent][dependent]


class Residents:
    """The state of every resident who has lived in the area during the run.

    The :data:`TRACKED` columns (``frailty``, ``location``, ``care``, ``band``, ``carer``,
    ``funder``, ``package_hours``) are read-only arrays: they change only through the methods
    below (``move``, ``set_care``, ``set_funder``...), which note the resident as touched, so
    that the daily counts over every resident (:class:`~abm.agents.tallies.Tallies`) are
    brought up to date from the few residents who changed instead of recounted each day.

    One resident's value is compared with an enum as ``int(residents.care[pid]) ==
    Care.HOME_CARE``: numpy 2 compares its scalars with an ``IntEnum`` member (any ``int``
    subclass) about 15 times more slowly than with an ``int``, which added up to a tenth of a
    full-size run.
    """

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self.age0 = np.zeros(capacity)
        self.sex = np.zeros(capacity, dtype=np.int8)
        self.next_time = np.full(capacity, np.inf)
        self.next_kind = np.zeros(capacity, dtype=np.int8)
        self.last_discharge_day = np.full(capacity, -(10**9), dtype=np.int64)
        self.recent = np.zeros(capacity, dtype=np.int8)
        self.dependent = np.zeros(capacity, dtype=np.int8)
        self.savings = np.zeros(capacity)
        self.home_value = np.zeros(capacity)
        self.paid_towards_care = np.zeros(capacity)
        for name in TRACKED:
            fill = Location.DEAD if name == "location" else 0
            dtype = float if name == "package_hours" else np.int8
            self._store(name, np.full(capacity, fill, dtype=dtype))
        self.need_hours = np.zeros(4)
        self.carer_hours = np.zeros(4)
        self._need_list, self._carer_list = [0.0] * 4, [0.0] * 4
        self._dirty: list[int] = []
        self._touched: list[int] = []
        self._touched_many: list[np.ndarray] = []

    def __setstate__(self, state: dict[str, object]) -> None:
        """After unpickling (or a deep copy) make the read-only columns views again: pickling
        copies a view, which would cut it loose from the array the methods write to."""
        self.__dict__.update(state)
        for name in TRACKED:
            self._store(name, getattr(self, f"_{name}"))

    def _store(self, name: str, column: np.ndarray) -> None:
        """Keep a column; a tracked one as a private writable array and a public read-only
        view of it (a direct write then fails instead of slipping past the tallies)."""
        if name not in TRACKED:
            setattr(self, name, column)
            return
        setattr(self, f"_{name}", column)
        view = column.view()
        view.flags.writeable = False
        setattr(self, name, view)

    # ------------------------------------------------------------------ growth

    def add(self, columns: dict[str, np.ndarray], day: int) -> np.ndarray:
        """Add residents whose ``age``, ``sex``, ``frailty``, ``carer``, ``savings`` and
        ``home_value`` are given; returns their ids."""
        ages = columns["age"]
        count = len(ages)
        self._reserve(self.n + count)
        ids = np.arange(self.n, self.n + count)
        self.age0[ids] = ages - day / DAYS_PER_YEAR
        for name in ("sex", "savings", "home_value"):
            getattr(self, name)[ids] = columns[name]
        self._frailty[ids] = columns["frailty"]
        self._carer[ids] = columns["carer"]
        self._location[ids] = Location.COMMUNITY
        self._care[ids] = Care.NONE
        self._funder[ids] = Funder.NONE
        self._package_hours[ids] = 0.0
        self.paid_towards_care[ids] = 0.0
        self.recent[ids] = 0
        self.dependent[ids] = 0
        self._band[ids] = age_band(ages)
        self.next_time[ids] = np.inf
        self.n += count
        self._touched_many.append(ids)
        return ids

    def _reserve(self, size: int) -> None:
        capacity = len(self.age0)
        if size <= capacity:
            return
        new = max(size, int(capacity * 1.5) + 16)
        for name in (
            "age0",
            "sex",
            "frailty",
            "location",
            "care",
            "band",
            "next_time",
            "next_kind",
            "last_discharge_day",
            "carer",
            "recent",
            "dependent",
            "savings",
            "home_value",
            "funder",
            "package_hours",
            "paid_towards_care",
        ):
            old = getattr(self, name)
            fill = {
                "location": Location.DEAD,
                "next_time": np.inf,
                "last_discharge_day": -(10**9),
            }.get(name, 0)
            grown = np.full(new, fill, dtype=old.dtype)
            grown[:capacity] = old
            self._store(name, grown)

    # ------------------------------------------------------------------ queries

    def ages(self, ids: np.ndarray, day: int) -> np.ndarray:
        """Ages in years on ``day``."""
        return self.age0[ids] + day / DAYS_PER_YEAR

    def reanchor_ages(self, ids: np.ndarray, ages: np.ndarray, day: int) -> None:
        """Give residents ``ids`` the ages ``ages`` on ``day``, within their age bands (so
        their bands and hazards stay as they are): the end of the warm-up's held bands."""
        self.age0[ids] = ages - day / DAYS_PER_YEAR

    def alive(self) -> np.ndarray:
        """Ids of residents alive today."""
        return np.flatnonzero(self.location[: self.n] != Location.DEAD)

    def unmet_hours(self, ids: np.ndarray) -> np.ndarray:
        """Weekly hours of need that nobody meets, for residents at home (0 elsewhere).

        Need comes from frailty; an unpaid carer and a home-care package meet part of it.
        """
        return self._unmet_hours(ids, self.frailty[ids], self.carer[ids], self.location[ids])

    def _unmet_hours(
        self, ids: np.ndarray, frailty: np.ndarray, carer: np.ndarray, location: np.ndarray
    ) -> np.ndarray:
        """:meth:`unmet_hours`, given the residents' frailty, carer and location."""
        unmet = self.need_hours[frailty] - self.carer_hours[carer] - self.package_hours[ids]
        unmet[location != Location.COMMUNITY] = 0.0
        return np.maximum(unmet, 0.0)

    def has_unmet_need(self, pid: int) -> bool:
        """Whether :meth:`unmet_hours` of one resident is above 0 (without building arrays)."""
        if int(self.location[pid]) != Location.COMMUNITY:
            return False
        need = self._need_list[self.frailty[pid]] - self._carer_list[self.carer[pid]]
        return need - float(self.package_hours[pid]) > 0.0

    def settings(self, ids: np.ndarray) -> np.ndarray:
        """The hazard setting of each resident."""
        return self._settings(ids, self.frailty[ids], self.carer[ids], self.location[ids])

    def _settings(
        self, ids: np.ndarray, frailty: np.ndarray, carer: np.ndarray, location: np.ndarray
    ) -> np.ndarray:
        """:meth:`settings`, given the residents' frailty, carer and location."""
        care = self.care[ids]
        setting = np.full(len(ids), Setting.HOME, dtype=np.int8)
        setting[self._unmet_hours(ids, frailty, carer, location) > 0.0] = Setting.HOME_UNMET
        setting[care == Care.WAITING] = Setting.HOME_WAITING
        setting[care == Care.HOME_CARE] = Setting.HOME_WITH_CARE
        setting[location == Location.CARE_HOME] = Setting.CARE_HOME
        return setting

    def hazard_cells(self, ids: np.ndarray) -> tuple[np.ndarray, ...]:
        """Residents' cells of the hazard table: their setting, age band, frailty, sex,
        carer, recent discharge and dependency (:meth:`HazardTable.rates`), each column read
        once (the redraw of the day's changed residents reads these every day)."""
        frailty, carer = self.frailty[ids], self.carer[ids]
        setting = self._settings(ids, frailty, carer, self.location[ids])
        return (
            setting,
            self.band[ids],
            frailty,
            self.sex[ids],
            carer,
            self.recent[ids],
            self.dependent[ids],
        )

    def setting(self, pid: int) -> int:
        """The hazard setting of one resident (scalar code for the per-agent reference)."""
        if int(self.location[pid]) == Location.CARE_HOME:
            return Setting.CARE_HOME
        care = self.care[pid]
        if care == Care.HOME_CARE:
            return Setting.HOME_WITH_CARE
        if care == Care.WAITING:
            return Setting.HOME_WAITING
        unmet = self.need_hours[self.frailty[pid]] - self.carer_hours[self.carer[pid]]
        return Setting.HOME_UNMET if unmet > self.package_hours[pid] else Setting.HOME

    def assessed_need(self, pid: int) -> float:
        """Weekly hours of care a resident needs beyond what their unpaid carer gives."""
        return max(self._need_list[self.frailty[pid]] - self._carer_list[self.carer[pid]], 0.0)

    def assessed_needs(self, ids: np.ndarray) -> np.ndarray:
        """:meth:`assessed_need` of many residents at once."""
        need = self.need_hours[self.frailty[ids]] - self.carer_hours[self.carer[ids]]
        return np.maximum(need, 0.0)

    def capital(self, pid: int, *, care_home: bool) -> float:
        """Capital counted by the means test: the home counts for a care home, unless a carer
        (a spouse or relative) still lives in it. What residents spend on care beyond their
        income comes out of savings first, then a counted home (``Council.start_of_month``)."""
        counted = self.savings[pid]
        if care_home and self.carer[pid] == 0:
            counted += self.home_value[pid]
        return float(counted)

    def living_outside_hospital(self, ids: np.ndarray) -> np.ndarray:
        """Which of ``ids`` live at home or in a care home (the residents with events)."""
        location = self.location[ids]
        return (location == Location.COMMUNITY) | (location == Location.CARE_HOME)

    # ------------------------------------------------------------------ changes

    def mark_changed(self, pid: int) -> None:
        """Note that a resident's hazards changed, so their next event is re-drawn tonight.

        (The methods below that change hazards note it the same way, inline: they run over a
        million times in a full-size run.)"""
        self._dirty.append(pid)

    def mark_all_changed(self, ids: list[int]) -> None:
        """:meth:`mark_changed` for each of ``ids``."""
        self._dirty.extend(ids)

    def take_changed(self) -> np.ndarray:
        """Ids whose hazards changed since the last call (each once)."""
        if not self._dirty:
            return np.empty(0, dtype=np.int64)
        ids = unique_ids(np.asarray(self._dirty, dtype=np.int64))
        self._dirty.clear()
        return ids

    def set_need_tables(self, need_hours: np.ndarray, carer_hours: np.ndarray) -> None:
        """Set weekly hours of need by frailty and of unpaid care by carer band (index 0: no
        carer); everyone's unmet need may change."""
        self.need_hours, self.carer_hours = need_hours, carer_hours
        # the same tables as Python floats, for one resident at a time (same values, and the
        # same IEEE arithmetic, without numpy's cost per scalar)
        self._need_list, self._carer_list = need_hours.tolist(), carer_hours.tolist()
        self._touched_many.append(np.arange(self.n))

    def take_touched(self) -> np.ndarray:
        """Ids whose tracked columns may have changed since the last call (each once)."""
        if not self._touched and not self._touched_many:
            return np.empty(0, dtype=np.int64)
        chunks = [np.asarray(self._touched, dtype=np.int64), *self._touched_many]
        self._touched.clear()
        self._touched_many.clear()
        return unique_ids(np.concatenate(chunks))

    def move(self, pid: int, location: Location) -> None:
        """Move a resident to ``location``."""
        self._location[pid] = location
        self._touched.append(pid)
        self._dirty.append(pid)

    def set_care(self, pid: int, care: Care) -> None:
        """Change how a resident is cared for."""
        self._care[pid] = care
        self._touched.append(pid)
        self._dirty.append(pid)

    def set_funder(self, pid: int, funder: Funder) -> None:
        """Change who pays for a resident's care (hazards do not depend on it)."""
        self._funder[pid] = funder
        self._touched.append(pid)

    def set_package_hours(self, pid: int, hours: float) -> None:
        """Record the weekly hours of a resident's home-care package (0 for none)."""
        self._package_hours[pid] = hours
        self._touched.append(pid)

    def set_carer(self, pid: int, carer: int) -> None:
        """Change the intensity band of a resident's unpaid carer (0 for none)."""
        self._carer[pid] = carer
        self._touched.append(pid)
        self._dirty.append(pid)

    def set_bands(self, ids: np.ndarray, bands: np.ndarray) -> np.ndarray:
        """Set residents' age bands; returns the ids whose band changed (their hazards did)."""
        changed = ids[bands != self.band[ids]]
        self._band[ids] = bands
        self._touched_many.append(changed)
        return changed

    def discharged(self, pid: int, day: int) -> None:
        """A resident leaves hospital (or intermediate care) today: their readmission risk is
        raised until they settle, and 30-day readmissions are counted from today."""
        self.last_discharge_day[pid] = day
        self.recent[pid] = 1
        self._dirty.append(pid)

    def set_dependent(self, pid: int) -> None:
        """A resident's dependency calls for a care home (they asked or were assessed for a
        place, or were placed): for good, since it does not go away if no place is found."""
        if not self.dependent[pid]:
            self.dependent[pid] = 1
            self._dirty.append(pid)

    def settle(self, pid: int) -> None:
        """The raised risk after a discharge is over."""
        self.recent[pid] = 0
        self._dirty.append(pid)

    def recover(self, pid: int) -> None:
        """Move a resident down one frailty category (no further than fit)."""
        if int(self.frailty[pid]) > Frailty.FIT:
            self._frailty[pid] -= 1
            self._touched.append(pid)
            self._dirty.append(pid)

    def worsen(self, pid: int) -> None:
        """Move a resident up one frailty category (no further than severe)."""
        if int(self.frailty[pid]) < Frailty.SEVERE:
            self._frailty[pid] += 1
            self._touched.append(pid)
            self._dirty.append(pid)


def unique_ids(ids: np.ndarray) -> np.ndarray:
    """``np.unique(ids)`` for integer ids, by sorting: numpy 2.3+ finds unique integers with a
    hash table, several times slower for the few hundred ids of a day."""
    ids = np.sort(ids)
    keep = np.empty(len(ids), dtype=bool)
    keep[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=keep[1:])
    return ids[keep]


def age_band(ages: np.ndarray) -> np.ndarray:
    """Age band 0 (65-74), 1 (75-84) or 2 (85+)."""
    return np.searchsorted(np.asarray(BAND_EDGES), ages, side="right").astype(np.int8)


def synthesise(scenario: Scenario, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the starting residents' ages, sexes, frailty, carers and capital.

    Ages within the bands 65-74 and 75-84 follow a life table: each band's count falls off
    with its death rate (:func:`band_death_rate`), as in a population whose cohorts arrive at
    the same rate. Uniform ages would put as many residents at 84 as at 75, and the 85+
    count would surge in the first years as they age into it. Above 85 ages fall off
    exponentially. Frailty is assigned by rank of a score that rises with the age band
    (``frailty.initial_age_shift``), so that the overall shares are exactly the configured
    ones and older residents are frailer.
    """
    pop = scenario.population
    n = pop.residents_65plus
    band_counts = rng.multinomial(n, pop.age_band_shares)
    ages = np.concatenate(
        [
            _life_table_ages(65.0, 75.0, band_death_rate(scenario, 0), band_counts[0], rng),
            _life_table_ages(75.0, 85.0, band_death_rate(scenario, 1), band_counts[1], rng),
            np.minimum(85.0 + rng.exponential(4.5, band_counts[2]), MAX_AGE - 0.01),
        ]
    )
    frailty = frailty_by_rank(
        age_band(ages), scenario.frailty.initial_shares, scenario.frailty.initial_age_shift, rng
    )
    return {"age": ages, "frailty": frailty, **social_situation(scenario, frailty, rng)}


def band_death_rate(scenario: Scenario, band: int) -> float:
    """An age band's death rate outside hospital, a year: fit women's rate
    (``mortality.fit_per_1000py``) times the frailty hazard ratios averaged over the
    starting frailty mix (``frailty.initial_shares``) and the men's ratio over the sex mix."""
    mortality = scenario.mortality
    ratios = np.array((1.0, *mortality.frailty_hazard_ratio))
    frailty = float(np.dot(ratios, scenario.frailty.initial_shares))
    women = scenario.population.female_share
    sex = women + (1.0 - women) * mortality.male_hazard_ratio
    return mortality.fit_per_1000py[band] / 1000.0 * frailty * sex


def _life_table_ages(
    low: float, high: float, rate: float, count: int, rng: np.random.Generator
) -> np.ndarray:
    """``count`` ages in ``[low, high)`` with density falling as ``exp(-rate * (age - low))``,
    drawn by inverting its distribution function."""
    if rate <= 0:
        return rng.uniform(low, high, count)
    tail = -np.expm1(-rate * (high - low))
    ages = low - np.log1p(-rng.random(count) * tail) / rate
    return np.minimum(ages, np.nextafter(high, low))


def social_situation(
    scenario: Scenario, frailty: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Sex, unpaid carers and capital of new residents with frailty ``frailty``.

    Frailer residents are less likely to own their home (the health-wealth gradient)."""
    n = len(frailty)
    need = scenario.need
    sexes = (rng.random(n) >= scenario.population.female_share).astype(np.int8)
    has_carer = rng.random(n) < need.carer_probability
    intensity = rng.choice(3, size=n, p=need.carer_intensity_shares) + 1
    carer = np.where(has_carer, intensity, 0).astype(np.int8)
    savings = need.savings_median_gbp * np.exp(need.savings_spread * rng.standard_normal(n))
    savings *= 1.0 - need.wealth_frailty_gradient * frailty / 3.0
    owner = rng.random(n) < need.owner_share * (1.0 - need.wealth_frailty_gradient * frailty / 3.0)
    home = need.house_value_median_gbp * np.exp(0.5 * rng.standard_normal(n))
    return {
        "sex": sexes,
        "carer": carer,
        "savings": savings,
        "home_value": np.where(owner, home, 0.0),
    }


def frailty_by_rank(
    bands: np.ndarray,
    shares: tuple[float, ...],
    shift: tuple[float, ...],
    rng: np.random.Generator,
) -> np.ndarray:
    """Frailty categories with exactly ``shares`` overall, frailer in the bands with a larger
    ``shift``: residents are ranked by a standard normal draw plus their band's shift and the
    categories handed out down the ranking.

    A normal draw rather than a uniform one: with a uniform draw the bands barely overlap at
    the ranking's ends, so most of the severely frail start at 85+ and almost none at 65-74, which
    the model's own transitions do not keep (it carries severe frailty in every band); the
    model then drifts towards more severe frailty, and fuller hospitals, for years after the
    start (docs/model.md, "Frailty in balance")."""
    score = rng.standard_normal(len(bands)) + np.asarray(shift, dtype=float)[bands]
    order = np.argsort(score, kind="stable")
    cut = np.round(np.cumsum(shares) * len(bands)).astype(int)
    frailty = np.empty(len(bands), dtype=np.int8)
    start = 0
    for category, end in enumerate(cut):
        frailty[order[start:end]] = category
        start = end
    return frailty
