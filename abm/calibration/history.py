"""History matching: implausibility, the non-implausible region, and the parameters and
targets the tool refuses.

For a fitted target *t* and a parameter set *x* the implausibility is

    I_t(x) = |z_obs - E[f_t(x)]| / sqrt(Var_emulator(x) + Var_obs + Var_discrepancy)

in tolerances (so ``z_obs = 0``: the target itself). ``Var_obs`` comes from the target's
tolerance, read as ``tolerance_sds`` standard deviations of the observation (2 by default: a
tolerance is about a 95% range of what the published figure could have been, given the
spread of published values it was set from); ``Var_discrepancy`` is the model's structural
error, one standard deviation in tolerances for every target unless the calibration file
gives a target its own. A parameter set is *non-implausible* when the largest (``measure =
"max"``) or second-largest (``"second_max"``: one target may be missed, as with 20 targets a
3-sd miss is not rare) implausibility is below the cut-off (3, Pukelsheim's three-sigma rule
for any unimodal distribution).

Waves cut the space: a point must be non-implausible under every wave's emulators, and the
next wave's points are drawn from that region (rejection from a large Latin hypercube over the
prior box, topped up by jittering accepted points when the region is small, then thinned to a
space-filling subset by greedy maximin).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from abm.calibration.emulator import TargetEmulator

MEASURES = ("max", "second_max")
GRID = np.linspace(0.0, 1.0, 5)
EFFECT_POINTS = 200
MAXIMIN_POOL = 4000
IDENTITY_R2 = 0.999


@dataclasses.dataclass(frozen=True)
class Uncertainty:
    """The variances beside the emulator's, in tolerances squared, and the cut-off."""

    tolerance_sds: float = 2.0
    discrepancy: float = 0.5
    discrepancy_by_target: Mapping[str, float] = dataclasses.field(default_factory=dict)
    cutoff: float = 3.0
    measure: str = "second_max"

    def fixed_variance(self, target_id: str) -> float:
        """Var_obs + Var_discrepancy of one target."""
        sd = self.discrepancy_by_target.get(target_id, self.discrepancy)
        return (1.0 / self.tolerance_sds) ** 2 + sd**2


def implausibility(
    mean: np.ndarray, variance: np.ndarray, target_ids: Sequence[str], uncertainty: Uncertainty
) -> np.ndarray:
    """I for each point (rows) and target (columns) from emulated z and its variance (or a
    simulated z and the model's noise variance)."""
    fixed = np.array([uncertainty.fixed_variance(t) for t in target_ids])
    return np.abs(mean) / np.sqrt(variance + fixed)


def measure(values: np.ndarray, which: str) -> np.ndarray:
    """The largest or second-largest implausibility of each point (a missing target's value,
    NaN, counts as implausible)."""
    values = np.where(np.isfinite(values), values, np.inf)
    ordered = -np.sort(-values, axis=1)
    column = 1 if which == "second_max" and values.shape[1] > 1 else 0
    return ordered[:, column]


def emulated(
    emulators: Mapping[str, TargetEmulator], unit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Emulated z and its variance, shape (points, targets), in ``emulators``' order."""
    predictions = [e.predict(unit) for e in emulators.values()]
    return (
        np.column_stack([p[0] for p in predictions]),
        np.column_stack([p[1] for p in predictions]),
    )


def wave_measure(
    emulators: Mapping[str, TargetEmulator], unit: np.ndarray, uncertainty: Uncertainty
) -> np.ndarray:
    """The implausibility measure of each point under one wave's emulators."""
    mean, variance = emulated(emulators, unit)
    return measure(
        implausibility(mean, variance, list(emulators), uncertainty), uncertainty.measure
    )


def not_implausible(
    waves: Sequence[Mapping[str, TargetEmulator]], unit: np.ndarray, uncertainty: Uncertainty
) -> np.ndarray:
    """Whether each point is non-implausible under every wave's emulators (the region left
    after all the cuts so far)."""
    keep = np.ones(len(unit), dtype=bool)
    for emulators in waves:
        if keep.any():
            keep[keep] = wave_measure(emulators, unit[keep], uncertainty) < uncertainty.cutoff
    return keep


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points of a Latin hypercube in the unit box."""
    from scipy.stats import qmc  # noqa: PLC0415

    return qmc.LatinHypercube(d, seed=np.random.default_rng(seed)).random(n)


@dataclasses.dataclass(frozen=True)
class Region:
    """What a draw from the non-implausible region found."""

    points: np.ndarray  # the next wave's design, unit coordinates
    fraction: float  # share of the prior box's candidates that were non-implausible
    candidates: int


def sample_region(
    waves: Sequence[Mapping[str, TargetEmulator]],
    uncertainty: Uncertainty,
    n: int,
    d: int,
    *,
    seed: int,
    pool: int,
) -> Region:
    """``n`` space-filling points of the non-implausible region (fewer, or none, when the
    region is too small to find), and the region's share of the prior box."""
    candidates = latin_hypercube(pool, d, seed)
    keep = not_implausible(waves, candidates, uncertainty)
    accepted = candidates[keep]
    fraction = float(keep.mean())
    rng = np.random.default_rng(seed + 1)
    spread = 0.1
    for _ in range(20):  # a small region: search around the points found
        if len(accepted) >= n or len(accepted) == 0:
            break
        parents = accepted[rng.integers(len(accepted), size=pool // 4)]
        children = np.clip(parents + rng.normal(0.0, spread, parents.shape), 0.0, 1.0)
        accepted = np.vstack([accepted, children[not_implausible(waves, children, uncertainty)]])
        spread *= 0.8
    return Region(maximin(accepted, n, seed), fraction, pool)


def maximin(points: np.ndarray, n: int, seed: int) -> np.ndarray:
    """A space-filling subset of ``n`` rows: greedily the point farthest from those chosen."""
    if len(points) <= n:
        return points
    rng = np.random.default_rng(seed)
    if len(points) > MAXIMIN_POOL:
        points = points[rng.choice(len(points), MAXIMIN_POOL, replace=False)]
    chosen = [int(rng.integers(len(points)))]
    distance = np.linalg.norm(points - points[chosen[0]], axis=1)
    for _ in range(n - 1):
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(points - points[nxt], axis=1))
    return points[chosen]


def effects(emulators: Mapping[str, TargetEmulator], d: int, seed: int) -> np.ndarray:
    """The emulated effect of each parameter on each target, shape (parameters, targets): the
    mean, over points of the prior box, of the range of the expected z as that parameter
    alone moves across its prior range (in tolerances)."""
    base = latin_hypercube(EFFECT_POINTS, d, seed)
    out = np.zeros((d, len(emulators)))
    for t, emulator in enumerate(emulators.values()):
        for j in emulator.inputs:
            grid = np.repeat(base, len(GRID), axis=0)
            grid[:, j] = np.tile(GRID, len(base))
            mean, _ = emulator.predict(grid)
            values = mean.reshape(len(base), len(GRID))
            out[j, t] = float(np.mean(values.max(axis=1) - values.min(axis=1)))
    return out


def without_effect(
    emulators: Mapping[str, TargetEmulator], d: int, seed: int, min_effect: float
) -> list[int]:
    """Parameters whose emulated effect on every target is within noise: below the target's
    noise sd (a simulated point's own variation) or ``min_effect`` tolerances, whichever is
    larger. Such a parameter is not identified by these targets; the tool reports it and
    leaves it out of later emulators."""
    effect = effects(emulators, d, seed)
    noise = np.array([max(np.sqrt(e.noise_variance), min_effect) for e in emulators.values()])
    return [j for j in range(d) if np.all(effect[j] < noise)]


def identities(
    unit: np.ndarray, values: np.ndarray, target_ids: Sequence[str], names: Sequence[str]
) -> list[tuple[str, str, float]]:
    """Targets that are an identity of one parameter: a cubic in that parameter alone explains
    the simulated values up to ``IDENTITY_R2``. A model that reports an input back is no
    evidence about it (``(target, parameter, R-squared)`` for each such pair)."""
    found = []
    for t, target_id in enumerate(target_ids):
        y = values[:, t]
        keep = np.isfinite(y)
        if keep.sum() < 8 or np.ptp(y[keep]) == 0:
            continue
        total = float(np.sum((y[keep] - y[keep].mean()) ** 2))
        for j, name in enumerate(names):
            x = unit[keep, j]
            fitted = np.polyval(np.polyfit(x, y[keep], 3), x)
            r2 = 1.0 - float(np.sum((y[keep] - fitted) ** 2)) / total
            if r2 >= IDENTITY_R2:
                found.append((target_id, name, r2))
    return found
