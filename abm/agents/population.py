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
from abm.domain import Care, EventKind, Frailty, Location, Setting
from abm.params import DAYS_PER_YEAR, per_thousand_years_to_per_day

BAND_EDGES = (75.0, 85.0)
MAX_AGE = 105.0
N_BANDS = 3
N_FRAILTY = len(Frailty)
N_SEXES = 2
FEMALE, MALE = 0, 1


class HazardTable:
    """Per-day hazards of each resident event by setting, age band, frailty and sex."""

    def __init__(self, scenario: Scenario) -> None:
        shape = (len(EventKind), len(Setting), N_BANDS, N_FRAILTY, N_SEXES)
        table = np.zeros(shape)
        fr, mo, ad, co = (
            scenario.frailty,
            scenario.mortality,
            scenario.admissions,
            scenario.community,
        )
        frailty_ratio_death = np.r_[1.0, mo.frailty_hazard_ratio]
        frailty_ratio_admission = np.r_[1.0, ad.frailty_hazard_ratio]
        sex_ratio_death = np.array([1.0, mo.male_hazard_ratio])
        for band in range(N_BANDS):
            progression = (fr.onset_per_1000py[band], *fr.progression_per_1000py, 0.0)
            for frailty in range(N_FRAILTY):
                table[EventKind.FRAILTY, :, band, frailty, :] = per_thousand_years_to_per_day(
                    progression[frailty]
                )
                admission = per_thousand_years_to_per_day(ad.fit_per_1000py[band])
                admission *= frailty_ratio_admission[frailty]
                death = per_thousand_years_to_per_day(mo.fit_per_1000py[band])
                death *= frailty_ratio_death[frailty] * sex_ratio_death
                for setting in Setting:
                    setting_admission = admission * {
                        Setting.HOME_WAITING: ad.waiting_for_care_hazard_ratio,
                        Setting.CARE_HOME: ad.care_home_hazard_ratio,
                    }.get(setting, 1.0)
                    setting_death = death * (
                        mo.care_home_hazard_ratio if setting == Setting.CARE_HOME else 1.0
                    )
                    table[EventKind.ADMISSION, setting, band, frailty, :] = setting_admission
                    table[EventKind.DEATH, setting, band, frailty, :] = setting_death
                table[EventKind.REQUEST, Setting.HOME, band, frailty, :] = (
                    per_thousand_years_to_per_day(co.request_per_1000py[frailty])
                )
                table[EventKind.STOP_WAITING, Setting.HOME_WAITING, band, frailty, :] = (
                    per_thousand_years_to_per_day(co.stop_waiting_per_1000py)
                )
                recovery = (0.0, *fr.recovery_per_1000py)[frailty]
                table[EventKind.RECOVERY, :, band, frailty, :] = per_thousand_years_to_per_day(
                    recovery
                )
                table[EventKind.PACKAGE_END, Setting.HOME_WITH_CARE, band, frailty, :] = (
                    per_thousand_years_to_per_day(co.package_end_per_1000py[frailty])
                )
        table[EventKind.FRAILTY, Setting.CARE_HOME] = 0.0
        table[EventKind.RECOVERY, Setting.CARE_HOME] = 0.0
        self.table = table
        self.nested = table.tolist()

    def rates(
        self, setting: np.ndarray, band: np.ndarray, frailty: np.ndarray, sex: np.ndarray
    ) -> np.ndarray:
        """Per-day hazards, shape (event kinds, residents)."""
        return self.table[:, setting, band, frailty, sex]

    def rate(self, kind: int, setting: int, band: int, frailty: int, sex: int) -> float:
        """One per-day hazard, for per-agent code."""
        return self.nested[kind][setting][band][frailty][sex]


class Residents:
    """The state of every resident who has lived in the area during the run."""

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self.age0 = np.zeros(capacity)
        self.sex = np.zeros(capacity, dtype=np.int8)
        self.frailty = np.zeros(capacity, dtype=np.int8)
        self.location = np.full(capacity, Location.DEAD, dtype=np.int8)
        self.care = np.zeros(capacity, dtype=np.int8)
        self.band = np.zeros(capacity, dtype=np.int8)
        self.next_time = np.full(capacity, np.inf)
        self.next_kind = np.zeros(capacity, dtype=np.int8)
        self.last_discharge_day = np.full(capacity, -(10**9), dtype=np.int64)
        self._dirty: list[int] = []

    # ------------------------------------------------------------------ growth

    def add(
        self, ages: np.ndarray, sexes: np.ndarray, frailties: np.ndarray, day: int
    ) -> np.ndarray:
        """Add residents aged ``ages`` today; returns their ids."""
        count = len(ages)
        self._reserve(self.n + count)
        ids = np.arange(self.n, self.n + count)
        self.age0[ids] = ages - day / DAYS_PER_YEAR
        self.sex[ids] = sexes
        self.frailty[ids] = frailties
        self.location[ids] = Location.COMMUNITY
        self.care[ids] = Care.NONE
        self.band[ids] = age_band(ages)
        self.next_time[ids] = np.inf
        self.n += count
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
        ):
            old = getattr(self, name)
            fill = {
                "location": Location.DEAD,
                "next_time": np.inf,
                "last_discharge_day": -(10**9),
            }.get(name, 0)
            grown = np.full(new, fill, dtype=old.dtype)
            grown[:capacity] = old
            setattr(self, name, grown)

    # ------------------------------------------------------------------ queries

    def ages(self, ids: np.ndarray, day: int) -> np.ndarray:
        """Ages in years on ``day``."""
        return self.age0[ids] + day / DAYS_PER_YEAR

    def alive(self) -> np.ndarray:
        """Ids of residents alive today."""
        return np.flatnonzero(self.location[: self.n] != Location.DEAD)

    def settings(self, ids: np.ndarray) -> np.ndarray:
        """The hazard setting of each resident."""
        care = self.care[ids]
        setting = np.full(len(ids), Setting.HOME, dtype=np.int8)
        setting[care == Care.WAITING] = Setting.HOME_WAITING
        setting[care == Care.HOME_CARE] = Setting.HOME_WITH_CARE
        setting[self.location[ids] == Location.CARE_HOME] = Setting.CARE_HOME
        return setting

    def setting(self, pid: int) -> int:
        """The hazard setting of one resident."""
        if self.location[pid] == Location.CARE_HOME:
            return Setting.CARE_HOME
        return {Care.WAITING: Setting.HOME_WAITING, Care.HOME_CARE: Setting.HOME_WITH_CARE}.get(
            int(self.care[pid]), Setting.HOME
        )

    def counts_by_location(self) -> np.ndarray:
        """Number of residents in each :class:`Location`."""
        return np.bincount(self.location[: self.n], minlength=len(Location))

    # ------------------------------------------------------------------ changes

    def mark_changed(self, pid: int) -> None:
        """Note that a resident's hazards changed, so their next event is re-drawn tonight."""
        self._dirty.append(pid)

    def take_changed(self) -> np.ndarray:
        """Ids whose hazards changed since the last call (each once)."""
        if not self._dirty:
            return np.empty(0, dtype=np.int64)
        ids = np.unique(np.asarray(self._dirty, dtype=np.int64))
        self._dirty.clear()
        return ids

    def move(self, pid: int, location: Location) -> None:
        """Move a resident to ``location``."""
        self.location[pid] = location
        self.mark_changed(pid)

    def set_care(self, pid: int, care: Care) -> None:
        """Change how a resident is cared for."""
        self.care[pid] = care
        self.mark_changed(pid)

    def recover(self, pid: int) -> None:
        """Move a resident down one frailty category (no further than fit)."""
        if self.frailty[pid] > Frailty.FIT:
            self.frailty[pid] -= 1
            self.mark_changed(pid)

    def worsen(self, pid: int) -> None:
        """Move a resident up one frailty category (no further than severe)."""
        if self.frailty[pid] < Frailty.SEVERE:
            self.frailty[pid] += 1
            self.mark_changed(pid)


def age_band(ages: np.ndarray) -> np.ndarray:
    """Age band 0 (65-74), 1 (75-84) or 2 (85+)."""
    return np.searchsorted(np.asarray(BAND_EDGES), ages, side="right").astype(np.int8)


def synthesise(scenario: Scenario, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Draw the starting residents' ages, sexes and frailty categories.

    Ages are uniform within the bands 65-74 and 75-84 and fall off exponentially above 85.
    Frailty is assigned by rank of a score that rises with age, so that the overall shares are
    exactly the configured ones and older residents are frailer.
    """
    pop = scenario.population
    n = pop.residents_65plus
    band_counts = rng.multinomial(n, pop.age_band_shares)
    ages = np.concatenate(
        [
            rng.uniform(65.0, 75.0, band_counts[0]),
            rng.uniform(75.0, 85.0, band_counts[1]),
            np.minimum(85.0 + rng.exponential(4.5, band_counts[2]), MAX_AGE - 0.01),
        ]
    )
    sexes = (rng.random(n) >= pop.female_share).astype(np.int8)
    frailty = frailty_by_rank(ages, scenario.frailty.initial_shares, rng)
    return ages, sexes, frailty


def frailty_by_rank(
    ages: np.ndarray, shares: tuple[float, ...], rng: np.random.Generator
) -> np.ndarray:
    """Frailty categories with exactly ``shares`` overall, frailer at older ages."""
    score = rng.random(len(ages)) + (ages - 65.0) / 30.0
    order = np.argsort(score, kind="stable")
    cut = np.round(np.cumsum(shares) * len(ages)).astype(int)
    frailty = np.empty(len(ages), dtype=np.int8)
    start = 0
    for category, end in enumerate(cut):
        frailty[order[start:end]] = category
        start = end
    return frailty
