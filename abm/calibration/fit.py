"""The fit: a weighted loss in tolerances, a quadratic emulator of it, and its minimum.

**Loss.** For each fitted target, the model's mean over replications is compared with the
target's local value in units of its tolerance, ``z = (model - target) / tolerance``; a point's
loss is the weighted mean of ``z**2``. A loss of 1 or less means the targets lie within their
tolerances on average; a target with ``|z| <= 1`` is within its own.

**Emulator.** Simulated points are few and noisy, so the search does not simply keep the best
point it has seen. Each target's ``z`` is modelled as a quadratic function of the unit
coordinates of the parameters over every point so far (ridge regression; the ridge penalty
chosen by leave-one-out cross-validation, whose R-squared is reported per target), or, in a
``linear`` wave, as a linear function fitted to the points inside the wave's box only (a local
model, as in trust-region methods: d + 1 coefficients need far fewer runs than a quadratic's
(d + 1)(d + 2) / 2). The emulated loss is minimised (L-BFGS-B from the best simulated points)
inside the current search box; the next wave samples a smaller box around that minimum, in the
manner of history matching.

**Implausibility.** A point is implausible when any fitted target's emulated ``|z|`` exceeds
3 (the usual history-matching cut-off); the share of simulated points that are not
implausible, and the ranges of the parameters among them, are part of the fit's diagnostics.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize

from abm.calibration.targets import Target

RIDGE_GRID = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)
IMPLAUSIBLE = 3.0


def z_scores(
    means: Mapping[str, float], targets: Sequence[Target], residents_65plus: float
) -> dict[str, float]:
    """Each target's distance from the model in tolerances (NaN when the KPI is missing)."""
    out = {}
    for target in targets:
        value = float(means.get(target.kpi, np.nan))
        out[target.target_id] = target.z(value, residents_65plus) if np.isfinite(value) else np.nan
    return out


def loss(z: Mapping[str, float], targets: Sequence[Target]) -> float:
    """Weighted mean of squared z over ``targets`` (a missing value counts as z = 10)."""
    weights = np.array([t.weight for t in targets], dtype=float)
    values = np.array([z.get(t.target_id, np.nan) for t in targets], dtype=float)
    values = np.where(np.isfinite(values), values, 10.0)
    return float(np.sum(weights * values**2) / np.sum(weights))


def features(unit: np.ndarray, degree: int = 2) -> np.ndarray:
    """Polynomial features of unit coordinates: 1 and each coordinate, and for degree 2 each
    product of two."""
    unit = np.atleast_2d(unit)
    columns = [np.ones(len(unit)), *unit.T]
    if degree == 2:
        columns += [unit[:, i] * unit[:, j] for i, j in itertools.combinations_with_replacement(
            range(unit.shape[1]), 2
        )]  # fmt: skip
    return np.column_stack(columns)


@dataclasses.dataclass
class Polynomial:
    """A ridge-regressed linear or quadratic function of one target's z on the unit
    coordinates."""

    coefficients: np.ndarray
    ridge: float
    cv_r2: float
    degree: int = 2

    def predict(self, unit: np.ndarray) -> np.ndarray:
        """Predicted z at unit coordinates (one row per point)."""
        return features(unit, self.degree) @ self.coefficients


def fit_polynomial(unit: np.ndarray, y: np.ndarray, degree: int = 2) -> Polynomial:
    """Fit a polynomial with the ridge penalty that minimises leave-one-out error."""
    x = features(unit, degree)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    penalty = np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # never shrink the intercept
    best: Polynomial | None = None
    best_error = np.inf
    total = float(np.sum((y - y.mean()) ** 2)) or 1.0
    for ridge in RIDGE_GRID:
        inverse = np.linalg.pinv(x.T @ x + ridge * len(y) * penalty)
        coefficients = inverse @ x.T @ y
        hat = np.einsum("ij,jk,ik->i", x, inverse, x)
        residuals = (y - x @ coefficients) / np.maximum(1.0 - hat, 1e-6)
        error = float(np.sum(residuals**2))
        if error < best_error:
            best_error = error
            best = Polynomial(coefficients, ridge, 1.0 - error / total, degree)
    assert best is not None
    return best


@dataclasses.dataclass
class Emulator:
    """One polynomial per fitted target, and the emulated loss."""

    targets: tuple[Target, ...]
    models: dict[str, Polynomial]

    def z(self, unit: np.ndarray) -> np.ndarray:
        """Emulated z, shape (points, targets)."""
        return np.column_stack([self.models[t.target_id].predict(unit) for t in self.targets])

    def loss(self, unit: np.ndarray) -> np.ndarray:
        """Emulated loss at each point."""
        weights = np.array([t.weight for t in self.targets])
        return (self.z(unit) ** 2 @ weights) / weights.sum()

    def implausible(self, unit: np.ndarray) -> np.ndarray:
        """Whether any target's emulated |z| exceeds the history-matching cut-off."""
        return np.max(np.abs(self.z(unit)), axis=1) > IMPLAUSIBLE

    def quality(self) -> pd.DataFrame:
        """Leave-one-out R-squared and ridge penalty per target."""
        return pd.DataFrame(
            [
                {"target_id": t.target_id, "cv_r2": m.cv_r2, "ridge": m.ridge}
                for t, m in ((t, self.models[t.target_id]) for t in self.targets)
            ]
        )


def fit_emulator(
    unit: np.ndarray, z: pd.DataFrame, targets: Sequence[Target], degree: int = 2
) -> Emulator:
    """Fit one polynomial per target to the simulated points' z (columns: target ids)."""
    models = {t.target_id: fit_polynomial(unit, z[t.target_id].to_numpy(), degree) for t in targets}
    return Emulator(tuple(targets), models)


def minimise(
    emulator: Emulator, starts: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """The unit coordinates in the box [low, high] with the smallest emulated loss, searched
    from each start (clipped into the box)."""
    bounds = list(zip(low, high, strict=True))
    best, best_value = None, np.inf
    for start in np.atleast_2d(starts):
        result = optimize.minimize(
            lambda u: float(emulator.loss(u[None, :])[0]),
            np.clip(start, low, high),
            method="L-BFGS-B",
            bounds=bounds,
        )
        if result.fun < best_value:
            best, best_value = result.x, float(result.fun)
    assert best is not None
    return np.clip(best, low, high)


def box_around(centre: np.ndarray, shrink: float) -> tuple[np.ndarray, np.ndarray]:
    """A box of width ``shrink`` (in unit coordinates) around ``centre``, kept inside [0, 1]
    without losing width at the edges."""
    half = shrink / 2.0
    low = np.clip(centre - half, 0.0, 1.0 - shrink)
    return low, low + shrink
