"""The distance of the model from the fitted targets: z in tolerances, and the loss.

**z.** For each target, the model's mean over replications is compared with the target's
local value in units of its tolerance, ``z = (model - target) / tolerance``. The emulators of
history matching model each target's z (:mod:`abm.calibration.emulator`), so the published
value is 0 and a tolerance is 1 on every target's scale.

**Loss.** A point's loss is the weighted mean of ``z**2`` over the fitted targets. History
matching does not minimise it (it rules out what is implausible); it ranks the non-implausible
points for the one parameter set the calibrated file holds (the verified best).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from abm.calibration.targets import Target


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
