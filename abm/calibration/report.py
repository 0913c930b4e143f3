"""The calibration report: every validation target against the baseline's results.

``care-abm calibrate --report`` runs the baseline experiment (or reads a results folder of it)
and writes

- ``docs/calibration_status.csv``: one row per target the model produces, with the columns
  ``target_id, kpi, quantity, published, local_value, model_mean, ci_low, ci_high, tolerance,
  within, split`` (the comparison report of ``care-abm compare`` reads this file);
- ``docs/calibration/report.md`` with its figures: every target with the published value and
  source, the model's mean and 95% interval over replications, whether the mean lies within
  the stated tolerance, fitted targets and out-of-sample checks apart, the share within
  tolerance, what the model does not reproduce and why, and the targets it does not produce.

A target is within tolerance when the model's mean over replications lies within the
tolerance of the target's local value (the interval is shown, not used for the verdict: with
many replications a narrow interval would otherwise make every small bias a failure).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from abm.calibration.figures import kpi_figure, target_figure
from abm.calibration.history_report import history_sections
from abm.calibration.targets import STATUS_COLUMNS, Target, honest_checks, produced
from abm.config import Scenario
from abm.run import ReplicationResult, _git_commit, summarise
from abm.sweep.store import write_atomic


@dataclasses.dataclass(frozen=True)
class BaselineResults:
    """What the report needs from a run of the baseline."""

    scenario: Scenario
    summary: pd.DataFrame  # metric, mean, ci_low, ci_high, n
    replications: pd.DataFrame  # replication, metric, value
    source: str

    @classmethod
    def from_results(
        cls, scenario: Scenario, results: Sequence[ReplicationResult]
    ) -> BaselineResults:
        """From replications run in this process."""
        rows = [
            {"replication": r.replication, "metric": k, "value": v}
            for r in results
            for k, v in r.kpis.items()
        ]
        return cls(
            scenario,
            summarise(list(results), scenario.prices.base),
            pd.DataFrame(rows),
            "runs made for this report",
        )

    @classmethod
    def from_folder(cls, folder: Path) -> BaselineResults:
        """From a ``care-abm run`` results folder."""
        from abm.config import load_scenario  # noqa: PLC0415
        from abm.folders import FolderError, read_table  # noqa: PLC0415

        if not folder.is_dir():
            raise FolderError(f"--results {folder}: not a folder (a care-abm run results folder)")
        scenario = load_scenario(folder / "config.toml")
        return cls(
            scenario,
            read_table(folder / "summary.csv", ("metric", "mean", "ci_low", "ci_high", "n")),
            read_table(folder / "replications.csv", ("replication", "metric", "value")),
            str(folder),
        )


def status_table(targets: Sequence[Target], results: BaselineResults) -> pd.DataFrame:
    """One row per produced target: published and local values, the model's mean and 95%
    interval, the tolerance (in the KPI's unit) and whether the mean lies within it."""
    residents = results.scenario.population.residents_65plus
    summary = results.summary.set_index("metric")
    rows = []
    for target in produced(targets):
        found = summary.loc[target.kpi]
        mean = float(found["mean"])
        rows.append(
            {
                "target_id": target.target_id,
                "kpi": target.kpi,
                "quantity": target.quantity,
                "published": target.published,
                "local_value": target.local_value(residents),
                "model_mean": mean,
                "ci_low": float(found["ci_low"]),
                "ci_high": float(found["ci_high"]),
                "tolerance": target.tolerance_for(residents),
                "within": target.within(mean, residents),
                "split": target.split,
            }
        )
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))


def _number(value: float) -> str:
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _share(status: pd.DataFrame) -> str:
    if status.empty:
        return "none"
    within = int(status["within"].sum())
    return f"{within} of {len(status)} ({within / len(status):.0%})"


def calibrated_header(path: Path) -> list[str]:
    """The comment lines at the top of the calibrated file (the fit's record)."""
    if not path.is_file():
        return []
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    return lines


def markdown(
    targets: Sequence[Target],
    status: pd.DataFrame,
    results: BaselineResults,
    figures: Sequence[str],
    calibrated: Path,
    *,
    fit_figures: Sequence[str] = (),
    fit_dir: Path | None = None,
) -> str:
    """The report's text (``fit_figures``: the calibration's own figures, if at hand;
    ``fit_dir``: the calibration's diagnostics, ``docs/calibration/fit`` by default)."""
    by_id = {t.target_id: t for t in targets}
    run = results.scenario.run
    fit = status[status["split"] == "fit"]
    honest = {t.target_id for t in honest_checks(targets)}
    check = status[status["target_id"].isin(honest)]
    restated = status[(status["split"] == "check") & ~status["target_id"].isin(honest)]
    era, other = this_era(status), status[status["split"] == "other_era"]
    lines = [
        "# Calibration report: the baseline against England's published figures",
        "",
        f"Generated by `care-abm calibrate --report` on {dt.date.today().isoformat()} "
        f"(git commit `{_git_commit()}`), from {results.source}: scenario "
        f"`{results.scenario.name}`, {int(results.summary['n'].max())} replications of "
        f"{run.years} years from {run.start_date} after {run.warmup_days} warm-up days, "
        f"{results.scenario.population.residents_65plus:,} residents aged 65+.",
        "",
        f"**Within tolerance: {_share(era)} of the validation targets the model produces** "
        f"(fitted: {_share(fit)}; honest out-of-sample checks: {_share(check)}; checks that "
        f"restate fitted targets, not counted as checks: {_share(restated)}). Figures of "
        f"another era (split `other_era`: the delayed transfers of care of 2016-20, a "
        f"different count from the criteria-to-reside count the delays are fitted to) are "
        f"shown for orientation and counted in none of these: {_share(other)} within.",
        "",
        "How targets, tolerances and the area scaling are defined, and how the fit works: "
        "[docs/calibration.md](../calibration.md). The targets table is "
        "[seeds/targets.csv](../../seeds/targets.csv); the published figures and their "
        "sources are in [seeds/evidence.csv](../../seeds/evidence.csv).",
        "",
        "## Every target",
        "",
        "Published: the figure as published (England unless stated). Local: what this area "
        "should show (shares and rates as they are; England counts scaled by the area's share "
        "of England's residents 65+). Model: mean over replications [95% interval]. Within: "
        "the mean lies within the tolerance of the local value.",
        "",
        "| target | quantity | published | local | model [95% interval] | tolerance | within "
        "| split |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in status.itertuples():
        target = by_id[row.target_id]
        published = f"{_number(target.published)} {target.published_unit} ({target.year})"
        model = f"{_number(row.model_mean)} [{_number(row.ci_low)}, {_number(row.ci_high)}]"
        lines.append(
            f"| {row.target_id} | {target.quantity} | {published} | "
            f"{_number(row.local_value)} {target.comparable_unit} | {model} | "
            f"±{_number(row.tolerance)} | {'yes' if row.within else '**no**'} | {row.split} |"
        )
    lines += ["", "Sources, comparisons and tolerances:", ""]
    for row in status.itertuples():
        target = by_id[row.target_id]
        lines.append(
            f"- **{row.target_id}** ({target.source}). Compared as `{row.kpi}`: "
            f"{target.derivation}. Tolerance: {target.tolerance_basis}."
        )
    lines += ["", "## Figures", ""]
    lines += [f"![{name}]({name})" for name in figures]
    failing = status[~status["within"]]
    lines += ["", "## What the model does not reproduce, and why", ""]
    if failing.empty:
        lines.append("Every target the model produces lies within its tolerance.")
    for row in failing.itertuples():
        target = by_id[row.target_id]
        direction = "above" if row.model_mean > row.local_value else "below"
        gap = target.known_gap or "No explanation recorded yet (seeds/targets.csv, known_gap)."
        lines.append(
            f"- **{row.target_id}** ({row.split}): the model's {_number(row.model_mean)} is "
            f"{direction} the local {_number(row.local_value)} ± {_number(row.tolerance)}. {gap}"
        )
    lines += ["", "## Targets the model does not produce", ""]
    for target in targets:
        if not target.produced:
            lines.append(f"- **{target.target_id}** ({target.quantity}): {target.derivation}.")
    if fit_dir is not None:
        lines += history_sections(targets, fit_dir)
    header = calibrated_header(calibrated)
    if header:
        lines += ["", "## The calibration behind these values", "", "```", *header, "```"]
    lines += [f"![{name}]({name})" for name in fit_figures]
    return "\n".join(lines) + "\n"


def this_era(status: pd.DataFrame) -> pd.DataFrame:
    """The rows of targets of the fitted era (every split but ``other_era``)."""
    return status[status["split"] != "other_era"]


def write_report(
    targets: Sequence[Target],
    results: BaselineResults,
    report: Path,
    status_file: Path,
    calibrated: Path,
) -> pd.DataFrame:
    """Write the status table, the report and its figures; returns the status table."""
    status = status_table(targets, results)
    status_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(status_file, status.to_csv(index=False).encode())
    figures_dir = report.parent / report.stem
    produced_kpis = results.replications[results.replications["metric"].isin(status["kpi"])]
    paths = [
        target_figure(
            figures_dir / "targets.png",
            status,
            f"Baseline against every target ({_share(this_era(status))} of this era within "
            "tolerance)",
        ),
        kpi_figure(figures_dir / "replications.png", status, produced_kpis),
    ]
    names = [str(p.relative_to(report.parent)) for p in paths]
    fit = [str(p.relative_to(report.parent)) for p in sorted((report.parent / "fit").glob("*.png"))]
    report.parent.mkdir(parents=True, exist_ok=True)
    text = markdown(
        targets, status, results, names, calibrated, fit_figures=fit, fit_dir=report.parent / "fit"
    )
    write_atomic(report, text.encode())
    return status
