"""Demography (issue 17, part 4): arrivals and the oldest old following a population series,
the default growth rule unchanged, and demographies chosen by name."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from helpers import run_model, small

from abm.config import ScheduledChange
from abm.demography import DEMOGRAPHIES, Growth, Projection
from abm.metrics import run_record
from abm.model import CareSystemModel
from abm.rng import replication_seed


def _counts(model: CareSystemModel) -> tuple[int, int, int]:
    alive = model.residents.alive()
    ages = model.residents.ages(alive, model.day)
    return len(alive), int(np.count_nonzero(ages >= 85)), int(np.count_nonzero(ages >= 90))


def test_demographies_are_chosen_by_name_with_the_valid_names_in_the_error() -> None:
    model = CareSystemModel(small(residents=500), replication_seed(1, 0))
    assert isinstance(model.demography, Growth)
    assert isinstance(DEMOGRAPHIES.create("projection", model), Projection)
    with pytest.raises(KeyError, match="growth, projection"):
        DEMOGRAPHIES.create("ons", model)


def test_a_flat_series_keeps_each_group_at_least_at_its_start() -> None:
    """Projection with England's counts unchanged: the floors are the start date's counts, so
    after a year every group is at or above them (arrivals replace the dead)."""
    model = CareSystemModel(small(residents=3000, years=2, population__demography="projection"), 7)
    while model.day <= model.warmup_days:
        model.step()
    start = _counts(model)
    months = 0
    while not model.finished:
        model.step()
        if model.date.day == 2:  # the day after the monthly arrivals: a day's deaths since
            months += 1
            now = _counts(model)
            assert all(n >= 0.995 * s for n, s in zip(now, start, strict=True)), (start, now)
    # Every month of the reported years after the start date's own (whose arrivals are
    # counted in the floors): the checks before the start date covered the warm-up, whose
    # bands the stationary rule holds instead.
    assert months >= 23


def test_the_warm_up_holds_the_area_s_size_and_growth_counts_from_the_start_date() -> None:
    """Through the warm-up each age band stays at its first-day count, however long the
    warm-up; on the start date each band's residents take the first day's ages within it, so
    the 85+ path of ``growth_85plus`` runs over the reported years from the start-date count.
    When the demography ran from the first day, a fifteen-year warm-up made the baseline's
    area about 11% larger than configured (68,420 -> 72,616 residents 65+) and spent most of
    the 85+ growth before the reported years."""
    scenario = small(residents=3000, years=1, warmup_days=1095, population__growth_85plus=0.5)
    model = CareSystemModel(scenario, replication_seed(3, 0))
    first = _counts(model)
    first_bands = model.initial_bands().copy()
    first_ages = model.residents.ages(model.residents.alive(), 0)
    while model.day <= model.warmup_days:
        model.step()
    at_start = _counts(model)
    alive = model.residents.alive()
    bands = np.bincount(model.residents.band[alive], minlength=3)
    ages = model.residents.ages(alive, model.day)
    assert abs(at_start[0] - first[0]) <= 0.01 * first[0], (first, at_start)
    assert np.all(np.abs(bands - first_bands) <= 0.02 * first_bands), (first_bands, bands)
    assert abs(at_start[1] - first[1]) <= 0.03 * first[1], "85+ starts where the first day did"
    for low, high in ((65.0, 75.0), (75.0, 85.0)):
        then = first_ages[(first_ages >= low) & (first_ages < high)].mean()
        now = ages[(ages >= low) & (ages < high)].mean()
        assert abs(now - then) < 0.25, (low, then, now)
    while not model.finished:
        model.step()
    assert _counts(model)[1] >= 1.4 * at_start[1], "the 85+ path runs over the reported year"


def _projected(growth_85: float, years: int = 2):
    """A small area whose England 85+ count grows by ``growth_85`` over the run (linear
    monthly steps from a schedule standing in for a series)."""
    scenario = small(
        residents=3000, years=years, warmup_days=60, population__demography="projection"
    )
    first = scenario.run.start_date - dt.timedelta(days=scenario.run.warmup_days)
    changes = []
    for month in range(1, 12 * years + 2):
        day = (first.replace(day=1) + dt.timedelta(days=31 * month)).replace(day=1)
        share = min(month / (12 * years + 2), 1.0)
        value = 1_300_000.0 * (1.0 + growth_85 * share)
        changes.append(ScheduledChange(date=day, changes=(("population.england_85plus", value),)))
    return dataclasses.replace(scenario, schedule=tuple(changes))


# Was a strict xfail (2026-12-06): this 3,000-resident area of the uncalibrated system was
# gridlocked, so more 85+ residents brought fewer admissions (321 -> 292). It passed once care
# homes opened only for a shortage of beds and the council's pressure counted held care. A
# strict xfail again on 7 December (the pathway choice and workload staffing as defaults: the
# growing area congested, delayed patients 6.8 -> 12.6 a day, and admitted fewer residents'
# emergencies, 1,344 -> 1,088). It passes from that evening, with the wait_linked home-care
# fee and the warm-up at the start date's floor: 85+ 449 -> 532 at the end, emergencies
# 1,335 -> 1,500, delayed patients 7.0 -> 4.5 a day (why the growing area now delays fewer
# is not traced).
def test_a_growing_85plus_series_raises_the_oldest_old_and_admissions() -> None:
    """Behaviour: the same area with England's 85+ count flat and growing by 40% over two
    years. The area's 85+ residents must follow (more of them at the end) and, as the oldest
    are the most frail, emergency admissions must rise with them."""
    flat = run_model(_projected(0.0))
    growing = run_model(_projected(0.4))
    # By the last month the series has grown by about 37%; the flat run's 85+ drifts up by
    # ageing alone (about 10%), so the growing run must be well above it.
    assert _counts(growing)[1] > 1.15 * _counts(flat)[1], "85+ follows the series"
    admissions = {
        name: run_record(model).daily["resident_emergencies"].sum()
        for name, model in (("flat", flat), ("growing", growing))
    }
    assert admissions["growing"] > admissions["flat"], admissions
