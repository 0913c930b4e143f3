"""The calibrated file: fitted values as a config layer that the baseline extends.

``experiments/baseline.toml`` starts with ``extends = "calibrated.toml"``, so every experiment
built on the baseline runs with the fitted values. The file is written by ``care-abm
calibrate`` only: its header records the run that produced it (the calibration file, the git
commit, the area and horizon, the loss and every fitted target's distance in tolerances), and
the calibration folder's ``fit.json`` has the rest of the fit's diagnostics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from abm.calibration.spec import CalibrationSpec
from abm.sweep.store import write_atomic

SIGNIFICANT = 4


def rounded(value: Any) -> Any:
    """A value rounded to a few significant figures (lists element by element)."""
    if isinstance(value, tuple | list):
        return [rounded(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, float) or value == 0.0:
        return value
    digits = SIGNIFICANT - 1 - math.floor(math.log10(abs(value)))
    return round(value, max(digits, 0))


def header(spec: CalibrationSpec, fit: Mapping[str, Any]) -> list[str]:
    """Comment lines recording the run and its diagnostics."""
    z = fit["z"]
    lines = [
        "# Calibrated values: written by `care-abm calibrate`; do not edit by hand, run the",
        "# calibration again (docs/calibration.md). experiments/baseline.toml extends this file.",
        "#",
        f"# Calibration file: {Path(spec.source).name}   created: {fit['created']}",
        f"# git commit: {fit['git_commit']}   care-abm {fit['care_abm_version']}",
        f"# Area: {fit['area_residents']:,} residents 65+, {fit['years']} year(s) after "
        f"{fit['warmup_days']} warm-up days; history matching, waves of "
        + ", ".join(str(w["samples"]) for w in fit["waves"])
        + f" points, {fit['replications']} replications each; {fit['runs']} runs",
        "# Non-implausible share of the prior box after each wave: "
        + ", ".join(f"{share:.3g}" for share in fit["not_implausible_fraction_by_wave"]),
        f"# Ensemble: {fit['ensemble_members']} non-implausible parameter sets "
        f"({Path(fit['ensemble_file']).name}); this file holds the best of them:",
        f"# Chosen: {fit['chosen']}, verified with {fit['verify_replications']} replications: "
        f"loss {fit['loss']:.2f} (mean squared distance in tolerances), "
        f"{fit['within_tolerance']} of {len(z)} fitted targets within tolerance",
        "# Distance from each fitted target in tolerances (z; within tolerance: -1 to 1):",
    ]
    items = [f"{k} {v:+.2f}" for k, v in z.items()]
    for start in range(0, len(items), 5):
        lines.append("#   " + ", ".join(items[start : start + 5]))
    lines.append("")
    return lines


def write_calibrated(
    spec: CalibrationSpec,
    changes: Sequence[tuple[str, Any]],
    fit: Mapping[str, Any],
    path: Path,
) -> None:
    """Write the fitted config values (with the run record in the header) to ``path``."""
    sections: dict[str, dict[str, Any]] = {}
    for key, value in changes:
        section, name = key.split(".", 1)
        sections.setdefault(section, {})[name] = rounded(value)
    body = tomli_w.dumps({s: dict(sorted(v.items())) for s, v in sorted(sections.items())})
    text = "\n".join(header(spec, fit)) + "\n" + body
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode())
