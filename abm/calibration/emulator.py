"""Gaussian-process emulators of the model's outputs, one per target (scikit-learn).

A run of the full-size area takes seconds to minutes; history matching needs the model's
expected output at hundreds of thousands of parameter sets. An emulator stands in for the
model there, and says how sure it is: each target's distance from its published value in
tolerances (``z``, :func:`abm.calibration.fit.z_scores`) is modelled as a Gaussian process of
the parameters' unit coordinates (every prior range mapped to [0, 1], so length scales are
comparable), with the outputs standardised (``normalize_y``) so that one set of kernel bounds
serves every target.

The kernel is ``constant * Matern(nu = 2.5, one length scale per parameter) + white noise``:

- Matern 5/2 rather than the squared exponential (RBF): queues near saturation respond
  sharply, and the RBF's infinitely smooth functions over-smooth such a response;
- one length scale per parameter (automatic relevance determination): a parameter that does
  not move a target gets a long length scale, which is how the tool finds parameters with no
  effect (:mod:`abm.calibration.history`);
- the white-noise term is the model's own noise (a point's mean over a few replications
  varies with the seeds). It is estimated, not fixed: scikit-learn's ``alpha`` stays a tiny
  jitter for numerical stability, and the noise variance is reported per target.

The emulator's variance used in the implausibility is the variance of the *expected* output
(the latent function): scikit-learn's predictive standard deviation includes the white-noise
kernel, whose variance (in the target's units) is subtracted. The noise variance is added back
where a single simulated point is judged (the ensemble).

Hyperparameters that end at a bound raise scikit-learn's ``ConvergenceWarning``; a length scale
at its upper bound is expected (a parameter without effect on that target) and the warnings
are kept as a diagnostic (``at_bounds``) rather than shown.

Diagnostics: k-fold cross-validation with the fitted hyperparameters (each fold refitted
without re-optimising, which is cheap and slightly optimistic): the root-mean-square error in
tolerances, R-squared and the share of held-out points within two predictive standard
deviations (about 95% for an honest emulator).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

LENGTH_SCALE_BOUNDS = (0.02, 50.0)  # unit coordinates: a 50-wide scale is a flat response
NOISE_BOUNDS = (1e-8, 2.0)  # in standardised units: from none to twice the output's variance
JITTER = 1e-8
FOLDS = 10
RESTARTS = 1
MIN_VARIANCE = 1e-12


def kernel(dimensions: int) -> ConstantKernel:
    """The prior covariance of one target's output (see the module's docstring)."""
    return ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
        length_scale=np.full(dimensions, 0.5), length_scale_bounds=LENGTH_SCALE_BOUNDS, nu=2.5
    ) + WhiteKernel(0.1, NOISE_BOUNDS)


@dataclasses.dataclass
class TargetEmulator:
    """One target's Gaussian process over the unit coordinates of ``inputs`` (columns of the
    full parameter vector: the parameters still active when it was fitted)."""

    target_id: str
    inputs: tuple[int, ...]
    gp: GaussianProcessRegressor
    noise_variance: float  # of a simulated point's mean, in tolerances squared
    at_bounds: tuple[str, ...] = ()
    cv_rmse: float = float("nan")
    cv_r2: float = float("nan")
    cv_coverage: float = float("nan")
    points: int = 0

    def predict(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected z and the emulator's variance of it (without the model's noise) at each
        row of ``unit`` (all parameters' unit coordinates)."""
        x = np.atleast_2d(unit)[:, list(self.inputs)]
        mean, sd = self.gp.predict(x, return_std=True)
        return mean, np.maximum(sd**2 - self.noise_variance, MIN_VARIANCE)

    def length_scales(self) -> np.ndarray:
        """The fitted length scale of each input (long: the target hardly moves with it)."""
        return np.atleast_1d(self.gp.kernel_.k1.k2.length_scale)


def fit_target(
    target_id: str,
    unit: np.ndarray,
    y: np.ndarray,
    inputs: Sequence[int],
    seed: int,
    *,
    folds: int = FOLDS,
) -> TargetEmulator:
    """Fit one target's emulator to the simulated points (rows of ``unit``) and
    cross-validate it.

    Raises:
        ValueError: fewer than three simulated points with a finite output.
    """
    keep = np.isfinite(y)
    x, y = np.atleast_2d(unit)[keep][:, list(inputs)], np.asarray(y, dtype=float)[keep]
    if len(y) < 3:
        raise ValueError(f"{target_id}: {len(y)} finite outputs; an emulator needs at least 3")
    gp = GaussianProcessRegressor(
        kernel(x.shape[1]),
        alpha=JITTER,
        normalize_y=True,
        n_restarts_optimizer=RESTARTS,
        random_state=seed,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        gp.fit(x, y)
    at_bounds = tuple(
        sorted({str(w.message).split(".")[0] for w in caught if w.category is ConvergenceWarning})
    )
    scale = float(np.std(y)) or 1.0  # normalize_y divides by the training outputs' sd
    noise = float(gp.kernel_.k2.noise_level) * scale**2
    emulator = TargetEmulator(target_id, tuple(inputs), gp, noise, at_bounds, points=len(y))
    _cross_validate(emulator, x, y, folds, seed)
    return emulator


def _cross_validate(
    emulator: TargetEmulator, x: np.ndarray, y: np.ndarray, folds: int, seed: int
) -> None:
    """k-fold errors with the fitted kernel held fixed (no re-optimisation per fold)."""
    k = min(folds, len(y))
    order = np.random.default_rng(seed).permutation(len(y))
    predicted, variance = np.empty(len(y)), np.empty(len(y))
    fixed = clone(emulator.gp).set_params(kernel=emulator.gp.kernel_, optimizer=None)
    for fold in np.array_split(order, k):
        train = np.setdiff1d(order, fold)
        model = clone(fixed).fit(x[train], y[train])
        mean, sd = model.predict(x[fold], return_std=True)
        predicted[fold], variance[fold] = mean, sd**2  # held-out points carry their noise
    errors = y - predicted
    total = float(np.sum((y - y.mean()) ** 2)) or 1.0
    emulator.cv_rmse = float(np.sqrt(np.mean(errors**2)))
    emulator.cv_r2 = 1.0 - float(np.sum(errors**2)) / total
    emulator.cv_coverage = float(np.mean(np.abs(errors) <= 2.0 * np.sqrt(variance)))


def fit_emulators(  # noqa: PLR0917 - the data, what to fit, the seed and the workers
    unit: np.ndarray,
    z: pd.DataFrame,
    target_ids: Sequence[str],
    inputs: Sequence[int],
    seed: int,
    jobs: int = 1,
) -> dict[str, TargetEmulator]:
    """One emulator per target (columns of ``z``), each seeded from ``seed`` and its order,
    so a resumed calibration fits the same emulators, whatever ``jobs`` (worker processes,
    joblib's: the sweep engine's workers are idle while the emulators are fitted)."""
    from joblib import Parallel, delayed  # noqa: PLC0415 - scikit-learn's own dependency

    tasks = [
        delayed(fit_target)(target_id, unit, z[target_id].to_numpy(dtype=float), inputs, seed + i)
        for i, target_id in enumerate(target_ids)
    ]
    fitted = Parallel(n_jobs=max(1, min(jobs, len(tasks))))(tasks)
    return {emulator.target_id: emulator for emulator in fitted}


def diagnostics(emulators: dict[str, TargetEmulator], wave: int) -> pd.DataFrame:
    """One row per target: cross-validated error (tolerances), R-squared, coverage of the
    two-sd band, the model's noise sd and the hyperparameters that ended at a bound."""
    return pd.DataFrame(
        [
            {
                "wave": wave,
                "target_id": e.target_id,
                "points": e.points,
                "inputs": len(e.inputs),
                "cv_rmse": e.cv_rmse,
                "cv_r2": e.cv_r2,
                "cv_coverage": e.cv_coverage,
                "noise_sd": float(np.sqrt(e.noise_variance)),
                "at_bounds": len(e.at_bounds),
            }
            for e in emulators.values()
        ]
    )
