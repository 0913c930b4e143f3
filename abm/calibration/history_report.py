"""The calibration report's sections on history matching, from the fit's diagnostics.

``care-abm calibrate`` copies its tables to ``docs/calibration/fit/``; the report reads them
back: the non-implausible share of the prior box after each wave, the emulators'
cross-validated diagnostics, the parameters found without effect, the plausible ensemble's
predictive interval for every target against its published value and tolerance, and what
every target depends on (parameters, fitted targets, and the restatements that are not
counted as out-of-sample checks).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from abm.calibration.targets import Target

FILES = ("waves.csv", "emulator.csv", "ensemble_intervals.csv", "dependencies.csv")
TOP_PARAMETERS = 5


def _number(value: float) -> str:
    if pd.isna(value):
        return "n/a"
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"


def history_sections(targets: Sequence[Target], folder: Path) -> list[str]:
    """Markdown lines of the history-matching sections (a note when the tables are absent)."""
    lines = ["", "## History matching: waves, emulators, refusals", ""]
    if not all((folder / name).is_file() for name in FILES):
        return [
            *lines,
            f"No history-matching diagnostics in `{folder}`: run `care-abm "
            "calibrate` (docs/calibration.md), which copies them there.",
        ]
    fit = json.loads((folder / "fit.json").read_text()) if (folder / "fit.json").is_file() else {}
    waves = pd.read_csv(folder / "waves.csv")
    lines += [
        "Each wave's emulators rule out part of the prior box; the share left is estimated "
        f"from {int(waves['candidates'].iloc[0]):,} Latin-hypercube points of the box.",
        "",
        "| wave | points run | non-implausible share of the prior box | simulated points "
        "non-implausible | median cross-validated R-squared | found without effect |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in waves.itertuples():
        dropped = row.dropped if isinstance(row.dropped, str) and row.dropped else "none"
        lines.append(
            f"| {row.wave} | {row.points} | {row.not_implausible_fraction:.3%} | "
            f"{row.simulated_not_implausible} | {row.median_cv_r2:.2f} | {dropped} |"
        )
    uncertainty = fit.get("uncertainty", {})
    if uncertainty:
        lines += [
            "",
            f"Implausibility cut-off {uncertainty['cutoff']:g} on the "
            f"{uncertainty['measure'].replace('_', '-')} implausibility; a tolerance is "
            f"{uncertainty['tolerance_sds']:g} observation sds; model discrepancy "
            f"{uncertainty['discrepancy']:g} tolerances"
            + "".join(f", {k} {v:g}" for k, v in uncertainty["discrepancy_by_target"].items())
            + f". Ensemble: {fit.get('ensemble_members', 0)} parameter sets.",
        ]
    quality = pd.read_csv(folder / "emulator.csv")
    last = quality[quality["wave"] == quality["wave"].max()]
    lines += [
        "",
        f"Emulators of the last wave (wave {int(last['wave'].iloc[0])}): k-fold cross-validated "
        "error in tolerances, R-squared, the share of held-out points within two predictive "
        "sds (about 95% for an honest emulator) and the model's own noise sd.",
        "",
        "| target | points | CV error | CV R-squared | within 2 sd | noise sd |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in last.itertuples():
        lines.append(
            f"| {row.target_id} | {row.points} | {row.cv_rmse:.2f} | {row.cv_r2:.2f} | "
            f"{row.cv_coverage:.0%} | {row.noise_sd:.2f} |"
        )
    return lines + _ensemble(targets, folder) + _dependencies(targets, folder)


def _ensemble(targets: Sequence[Target], folder: Path) -> list[str]:
    by_id = {t.target_id: t for t in targets}
    table = pd.read_csv(folder / "ensemble_intervals.csv")
    lines = [
        "",
        "## The plausible ensemble against every target",
        "",
        "The ensemble's predictive interval for each target (2.5%, 50%, 97.5% over its "
        "members' simulated means on the calibration's area) against the local published "
        "value and its tolerance; checks that restate fitted targets are marked.",
        "",
        "| target | split | published (local) | tolerance | ensemble 95% interval | median "
        "| members within |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in table.itertuples():
        split = row.split if not isinstance(row.restates, str) else f"{row.split} (restates)"
        unit = by_id[row.target_id].comparable_unit if row.target_id in by_id else ""
        lines.append(
            f"| {row.target_id} | {split} | {_number(row.local_value)} {unit} | "
            f"±{_number(row.tolerance)} | [{_number(row.ensemble_low)}, "
            f"{_number(row.ensemble_high)}] | {_number(row.ensemble_median)} | "
            f"{row.members_within:.0%} |"
        )
    return lines


def _dependencies(targets: Sequence[Target], folder: Path) -> list[str]:
    by_id = {t.target_id: t for t in targets}
    table = pd.read_csv(folder / "dependencies.csv", dtype=str, keep_default_na=False)
    lines = [
        "",
        "## What each target depends on",
        "",
        "Parameters: those whose emulated effect on the target (in tolerances, across the "
        f"prior range; the {TOP_PARAMETERS} largest) exceeds the model's noise. Related fitted "
        "targets: those whose simulated values move with it (rank correlation of 0.8 or "
        "more over every simulated point). A check that restates fitted targets by "
        "arithmetic is reported but not counted as an out-of-sample check.",
        "",
        "| target | split | parameters | related fitted targets | out of sample? |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in table.itertuples():
        parameters = "; ".join(row.parameters.split("; ")[:TOP_PARAMETERS]) or "none beyond noise"
        target = by_id.get(row.target_id)
        why = target.out_of_sample if target is not None and target.split == "check" else "fitted"
        lines.append(
            f"| {row.target_id} | {row.split} | {parameters} | "
            f"{row.related_fitted_targets or 'none'} | {why} |"
        )
    return lines
