"""History matching on a cheap analytic "model" whose non-implausible region is known.

Two targets, three parameters: z1 = 10 (x0 - 0.3) and z2 = 10 (x1 - 0.7) in tolerances, with a
little noise, and x2 moving nothing. With a tolerance read as two observation sds and a model
discrepancy of half a tolerance, the fixed variance is 0.25 + 0.25 = 0.5, so a point is
non-implausible (cut-off 3, largest implausibility) where |z| < 3 sqrt(0.5) = 2.12 on both
targets: the square |x0 - 0.3| < 0.212, |x1 - 0.7| < 0.212 (any x2), 18% of the box.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.calibration.emulator import fit_emulators
from abm.calibration.history import (
    Uncertainty,
    identities,
    implausibility,
    latin_hypercube,
    maximin,
    measure,
    not_implausible,
    sample_region,
    without_effect,
)

IDS = ["T1", "T2"]
HALF_WIDTH = 3.0 * np.sqrt(0.5) / 10.0  # 0.212
UNCERTAINTY = Uncertainty(tolerance_sds=2.0, discrepancy=0.5, cutoff=3.0, measure="max")


def model(unit: np.ndarray, seed: int = 0) -> pd.DataFrame:
    noise = np.random.default_rng(seed).normal(0.0, 0.05, (len(unit), 2))
    return pd.DataFrame(
        {"T1": 10 * (unit[:, 0] - 0.3) + noise[:, 0], "T2": 10 * (unit[:, 1] - 0.7) + noise[:, 1]}
    )


def truly_plausible(unit: np.ndarray, slack: float = 0.0) -> np.ndarray:
    return (np.abs(unit[:, 0] - 0.3) < HALF_WIDTH + slack) & (
        np.abs(unit[:, 1] - 0.7) < HALF_WIDTH + slack
    )


@pytest.fixture(scope="module")
def wave_one():
    unit = latin_hypercube(60, 3, seed=1)
    return unit, fit_emulators(unit, model(unit), IDS, [0, 1, 2], seed=3)


def test_implausibility_adds_the_variances_and_the_measures_order_them():
    mean = np.array([[3.0, -1.0]])
    variance = np.array([[0.5, 0.0]])
    values = implausibility(mean, variance, IDS, UNCERTAINTY)
    assert values[0] == pytest.approx([3.0 / np.sqrt(1.0), 1.0 / np.sqrt(0.5)])
    assert measure(values, "max")[0] == pytest.approx(3.0)
    assert measure(values, "second_max")[0] == pytest.approx(1.0 / np.sqrt(0.5))
    own = Uncertainty(discrepancy_by_target={"T1": 1.0})
    assert own.fixed_variance("T1") == pytest.approx(0.25 + 1.0)
    assert own.fixed_variance("T2") == pytest.approx(0.25 + 0.25)
    assert measure(np.array([[np.nan, 0.1]]), "max")[0] == np.inf, "a missing output rules out"


def test_the_emulators_learn_the_function_and_say_so(wave_one):
    _, emulators = wave_one
    for emulator in emulators.values():
        assert emulator.cv_r2 > 0.98, f"{emulator.target_id}: cross-validated R2 {emulator.cv_r2}"
        assert emulator.cv_rmse < 0.3, "in tolerances, against a range of 10"
        assert emulator.cv_coverage >= 0.8, "held-out points mostly within two sds"
        assert np.sqrt(emulator.noise_variance) < 0.3, "the noise (sd 0.05) is found small"
    mean, variance = emulators["T1"].predict(np.array([[0.3, 0.5, 0.5], [0.9, 0.5, 0.5]]))
    assert mean == pytest.approx([0.0, 6.0], abs=0.3)
    assert np.all(variance > 0)
    assert np.all(variance < 0.1)


def test_the_non_implausible_region_is_the_known_square(wave_one):
    _, emulators = wave_one
    grid = latin_hypercube(4000, 3, seed=9)
    kept = not_implausible([emulators], grid, UNCERTAINTY)
    assert kept.mean() == pytest.approx(0.18, abs=0.04), "the region is 18% of the box"
    assert not np.any(kept & ~truly_plausible(grid, slack=0.04)), "nothing far outside is kept"
    assert np.all(kept[truly_plausible(grid, slack=-0.04)]), "everything well inside is kept"
    assert not_implausible([emulators], np.array([[0.3, 0.7, 0.0]]), UNCERTAINTY)[0]
    assert not not_implausible([emulators], np.array([[0.9, 0.7, 0.5]]), UNCERTAINTY)[0]


def test_a_wider_discrepancy_leaves_more_and_second_max_forgives_one_target(wave_one):
    _, emulators = wave_one
    grid = latin_hypercube(4000, 3, seed=9)
    base = not_implausible([emulators], grid, UNCERTAINTY).mean()
    wide = Uncertainty(discrepancy=1.5, cutoff=3.0, measure="max")
    assert not_implausible([emulators], grid, wide).mean() > base + 0.2
    second = Uncertainty(discrepancy=0.5, cutoff=3.0, measure="second_max")
    # with two targets, second-max keeps a point if either target fits: a cross, 1 - 0.58^2
    assert not_implausible([emulators], grid, second).mean() == pytest.approx(0.66, abs=0.05)


def test_waves_cut_the_space_and_draw_from_what_is_left(wave_one):
    unit, emulators = wave_one
    region = sample_region([emulators], UNCERTAINTY, 30, 3, seed=4, pool=5000)
    assert len(region.points) == 30
    assert region.fraction == pytest.approx(0.18, abs=0.04)
    assert truly_plausible(region.points, slack=0.04).all(), "the next wave is in the region"
    spread = region.points[:, 2]
    assert spread.max() - spread.min() > 0.7, "the parameter without effect still spans its range"
    both = np.vstack([unit, region.points])
    second = fit_emulators(both, model(both, seed=1), IDS, [0, 1], seed=5)
    grid = latin_hypercube(4000, 3, seed=9)
    after = not_implausible([emulators, second], grid, UNCERTAINTY)
    assert after.mean() <= not_implausible([emulators], grid, UNCERTAINTY).mean() + 1e-12
    assert not np.any(after & ~truly_plausible(grid, slack=0.03))


def test_an_empty_region_gives_no_points(wave_one):
    _, emulators = wave_one
    strict = Uncertainty(tolerance_sds=2.0, discrepancy=0.0, cutoff=0.01, measure="max")
    region = sample_region([emulators], strict, 10, 3, seed=4, pool=2000)
    assert region.fraction < 0.01
    assert len(region.points) < 10


def test_a_parameter_without_effect_is_found(wave_one):
    _, emulators = wave_one
    assert without_effect(emulators, 3, seed=2, min_effect=0.1) == [2]


def test_a_target_that_reports_a_parameter_back_is_an_identity():
    unit = latin_hypercube(40, 3, seed=1)
    values = np.column_stack([2.0 + 5.0 * unit[:, 1] ** 2, model(unit)["T1"] + unit[:, 2]])
    found = identities(unit, values, ["ECHO", "T1"], ["a", "b", "c"])
    assert [(t, p) for t, p, _ in found] == [("ECHO", "b")]


def test_maximin_spreads_the_chosen_points():
    points = latin_hypercube(500, 2, seed=3)
    chosen = maximin(points, 10, seed=1)
    assert len(chosen) == 10
    gaps = [
        np.min(np.linalg.norm(np.delete(chosen, i, 0) - c, axis=1)) for i, c in enumerate(chosen)
    ]
    assert min(gaps) > 0.15, "no two of ten space-filling points in the unit square are close"


def test_emulators_fitted_in_two_processes_are_the_same(wave_one):
    unit, emulators = wave_one
    again = fit_emulators(unit, model(unit), IDS, [0, 1, 2], seed=3, jobs=2)
    grid = latin_hypercube(50, 3, seed=5)
    for target_id, emulator in emulators.items():
        mean, variance = emulator.predict(grid)
        other_mean, other_variance = again[target_id].predict(grid)
        np.testing.assert_array_equal(mean, other_mean)
        np.testing.assert_array_equal(variance, other_variance)
