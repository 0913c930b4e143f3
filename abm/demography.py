"""Demography: how the area's residents 65+ change from month to month.

A demography answers one question each month (:meth:`Demography.monthly`): who arrives (at
65, and the oldest old the path needs), given the residents alive today. Deaths are never
set here: they follow the residents' mortality hazards. Through the warm-up, and for the
whole run with ``population.stationary``, the model holds each age band at its first-day
count instead (:class:`Stationary`); on the start date each band's residents take the first
day's ages within it and the demography starts from there (:meth:`Demography.begin`). Two
demographies, chosen by ``population.demography``:

- ``growth`` (the default, the model's original rule): newcomers at 65 at
  ``population.arrivals_65_per_1000`` a year, and with ``population.growth_85plus`` above
  zero the 85+ count kept at least on a path from its start-date count to
  ``1 + growth_85plus`` times it by the last day.
- ``projection``: the area follows a population series, England's residents 65+, 85+ and 90+
  (``population.england_65plus``, ``england_85plus``, ``england_90plus``, people), each given
  by date with ``[series]`` (a linear series of mid-year estimates or a projection). The
  area's count in each group is kept at least at its start-date count times the series'
  growth since the start date: residents aged 90-95 join when 90+ falls short, then 85-90 when
  85+ does, then newcomers at 65 make up what the 65+ total still lacks (deaths and ageing
  included). So arrivals at 65 and the share of the oldest old follow the series, and deaths,
  which still come from the hazards, are what the arrivals replace; a population that dies
  more slowly than the series implies stays above it (nothing removes residents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from abm.agents.population import age_band
from abm.policy import Registry

if TYPE_CHECKING:
    from abm.model import CareSystemModel

DEMOGRAPHIES = Registry("demography")
OLDEST = 90.0
"""The age from which ``england_90plus`` counts residents."""


class Demography:
    """Arrivals each month, from the residents alive today, from the start date on (the
    warm-up holds each age band at its first-day count)."""

    name: str

    def __init__(self, model: CareSystemModel) -> None:
        self.model = model

    def begin(self) -> None:
        """Take the start date's residents as the demography's starting point (called on
        the start date when there is a warm-up)."""

    def monthly(self, rng: np.random.Generator) -> None:
        """Add this month's arrivals."""
        raise NotImplementedError


@DEMOGRAPHIES.register("growth")
class Growth(Demography):
    """Arrivals at 65 at a fixed rate, and the 85+ count on a path to a total growth."""

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.start_85plus = int(model.initial_bands()[2])

    def begin(self) -> None:
        """The 85+ path starts from the start date's 85+ count."""
        residents = self.model.residents
        self.start_85plus = int(np.count_nonzero(residents.band[residents.alive()] == 2))

    def monthly(self, rng: np.random.Generator) -> None:
        """Newcomers at 65 at ``population.arrivals_65_per_1000`` a year, and, when
        ``growth_85plus`` is above zero, the 85+ count kept at least on a path from its
        start-date count to ``1 + growth_85plus`` times it by the last day (the reported
        years; without growth the 85+ count is what ageing and deaths make it)."""
        model = self.model
        pop = model.params.population
        n = int(rng.poisson(pop.arrivals_65_per_1000 * pop.residents_65plus / 1000 / 12))
        ages = 65.0 + rng.uniform(0.0, 1.0 / 12.0, n)
        model.add_arrivals(ages, model.band_frailty(0), rng)
        model.tally.arrivals_65 = n
        alive = model.follow_population()
        ages_now = model.residents.ages(alive, model.day)
        bands = age_band(ages_now)
        changed = model.residents.set_bands(alive, bands)
        model.residents.mark_all_changed(changed.tolist())
        if pop.growth_85plus <= 0:
            return
        reported = max(model.total_days - model.warmup_days, 1)
        growth = (1.0 + pop.growth_85plus) ** ((model.day - model.warmup_days) / reported)
        target = self.start_85plus * growth
        shortfall = round(target) - int(np.count_nonzero(bands == 2))
        if shortfall > 0:
            model.add_arrivals(85.0 + rng.uniform(0.0, 5.0, shortfall), model.band_frailty(2), rng)
            model.tally.arrivals_85plus = shortfall


class Stationary(Demography):
    """A population with no demographic growth (``population.stationary``, which overrides
    ``population.demography``)."""

    def monthly(self, rng: np.random.Generator) -> None:
        """The number in each age band stays as at the start while residents still move up
        through the bands. Each month the deaths in an older band are made up by the oldest
        residents of the band below moving up into it, from 85+ down, and the youngest band's
        by newcomers at 65 with the first band's starting frailty mix. Residents therefore
        spend a lifetime's share of years in each band, carrying their frailty with them,
        rather than (with bands frozen) staying 65-74 until they die and accumulating frailty
        there."""
        model = self.model
        residents = model.residents
        initial = model.initial_bands()
        alive = residents.alive()
        bands = residents.band[alive].copy()
        order = np.argsort(-residents.ages(alive, model.day), kind="stable")
        for band in (2, 1):
            shortfall = int(initial[band] - np.count_nonzero(bands == band))
            if shortfall <= 0:
                continue
            below = order[bands[order] == band - 1][:shortfall]
            bands[below] = band
            moved = alive[below]
            residents.set_bands(moved, np.full(len(moved), band, dtype=residents.band.dtype))
            residents.mark_all_changed(moved.tolist())
        shortfall = int(initial[0] - np.count_nonzero(bands == 0))
        if shortfall > 0:
            ages = 65.0 + rng.uniform(0.0, 1.0 / 12.0, shortfall)
            model.add_arrivals(ages, model.band_frailty(0), rng)
            model.tally.arrivals_65 = shortfall


STATIONARY = Stationary
"""The demography ``population.stationary`` chooses."""


@DEMOGRAPHIES.register("projection")
class Projection(Demography):
    """Arrivals that keep the 65+, 85+ and 90+ counts on England's series."""

    KEYS = (
        "population.england_65plus",
        "population.england_85plus",
        "population.england_90plus",
    )

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        first_day = dict(model.first_day_changes())
        self.reference = tuple(first_day.get(key, model.params.get(key)) for key in self.KEYS)
        self.start = self._counts()

    def _counts(self) -> tuple[int, int, int]:
        model = self.model
        alive = model.residents.alive()
        ages = model.residents.ages(alive, model.day)
        return (
            len(alive),
            int(np.count_nonzero(ages >= 85.0)),
            int(np.count_nonzero(ages >= OLDEST)),
        )

    def begin(self) -> None:
        """The floors grow from the start date's counts by England's growth since then."""
        self.reference = tuple(self.model.params.get(key) for key in self.KEYS)
        self.start = self._counts()

    def targets(self) -> tuple[int, int, int]:
        """Today's floors for the area's 65+, 85+ and 90+ counts: the start date's counts
        times England's growth since the start date (the first day's without a warm-up)."""
        pop = self.model.params.population
        now = (pop.england_65plus, pop.england_85plus, pop.england_90plus)
        return tuple(  # type: ignore[return-value]
            round(start * value / ref)
            for start, value, ref in zip(self.start, now, self.reference, strict=True)
        )

    def monthly(self, rng: np.random.Generator) -> None:
        """Top up 90+, then 85+, then the 65+ total with newcomers at 65."""
        model = self.model
        residents = model.residents
        alive = residents.alive()
        ages = residents.ages(alive, model.day)
        changed = residents.set_bands(alive, age_band(ages))
        residents.mark_all_changed(changed.tolist())
        all_65, all_85, all_90 = self.targets()
        oldest = max(all_90 - int(np.count_nonzero(ages >= OLDEST)), 0)
        old = max(all_85 - int(np.count_nonzero(ages >= 85.0)) - oldest, 0)
        frail_old = model.band_frailty(2)
        if oldest:
            model.add_arrivals(OLDEST + rng.uniform(0.0, 5.0, oldest), frail_old, rng)
        if old:
            model.add_arrivals(85.0 + rng.uniform(0.0, 5.0, old), frail_old, rng)
        model.tally.arrivals_85plus = oldest + old
        young = max(all_65 - len(alive) - oldest - old, 0)
        if young:
            model.add_arrivals(
                65.0 + rng.uniform(0.0, 1.0 / 12.0, young), model.band_frailty(0), rng
            )
        model.tally.arrivals_65 = young
        model.follow_population()


__all__ = ["DEMOGRAPHIES", "STATIONARY", "Demography", "Growth", "Projection", "Stationary"]
