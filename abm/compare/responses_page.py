"""The lever response table from a finished response comparison: ``responses.csv`` and the
page ``docs/responses.md``.

Delayed bed-days by responsible body and by reason are worked out per replication (delayed
bed-days times the replication's share for that body or reason) before differencing, so each
pair's difference is the change in that replication's bed-days and the interval is a paired
interval like every other (:func:`abm.compare.stats.paired_differences`). With an ensemble, the
2.5% and 97.5% points of the pairs' differences (:func:`abm.compare.stats.ensemble_spread`)
show what the parameters' uncertainty does to each effect.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from abm.compare.folder import CompareResults
from abm.compare.responses import ResponseSpec
from abm.compare.stats import ensemble_spread, is_clear, paired_differences
from abm.sweep.store import write_atomic

BODIES = ("nhs", "social_care", "both")
BODY_LABELS = {"nhs": "the NHS", "social_care": "social care", "both": "both"}
REASONS = (
    "awaiting_assessment",
    "awaiting_funding_decision",
    "awaiting_home_care",
    "awaiting_care_home",
    "awaiting_intermediate_care",
    "patient_or_family_choice",
    "hospital_process",
)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One column of the table: how to show a change in it."""

    name: str
    label: str
    unit: str
    show: Callable[[float], str]
    level: Callable[[float], str] = lambda value: f"{value:,.0f}"


def _count(value: float) -> str:
    return f"{value:+,.0f}"


def _rate(value: float) -> str:
    return f"{value:+.1f}"


def _points(value: float) -> str:
    return f"{100 * value:+.1f}"


def _millions(value: float) -> str:
    return f"{value / 1e6:+,.1f}"


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _pounds(value: float) -> str:
    return f"£{value / 1e6:,.1f}m"


def outcomes() -> tuple[Outcome, ...]:
    """The table's outcomes, in order: delays, admissions, need, workforce, money."""
    bed_days = "bed-days a year"
    return (
        Outcome("delayed_bed_days", "Delayed bed-days", bed_days, _count),
        *(
            Outcome(f"delayed_bed_days.{b}", f"… attributed to {BODY_LABELS[b]}", bed_days, _count)
            for b in BODIES
        ),
        *(
            Outcome(f"delayed_bed_days.{r}", f"… {r.replace('_', ' ')}", bed_days, _count)
            for r in REASONS
        ),
        Outcome(
            "emergency_admissions_per_1000",
            "Emergency admissions",
            "per 1,000 residents 65+ a year",
            _rate,
            lambda value: f"{value:.1f}",
        ),
        Outcome(
            "unmet_need_share_65plus",
            "Unmet need",
            "percentage points of residents 65+",
            _points,
            _percent,
        ),
        Outcome(
            "care_vacancy_rate", "Care vacancies", "percentage points of posts", _points, _percent
        ),
        Outcome(
            "care_turnover_rate", "Care turnover", "percentage points a year", _points, _percent
        ),
        Outcome("public_spend_gbp", "Public spending", "£m a year", _millions, _pounds),
        Outcome("private_spend_gbp", "Private spending", "£m a year", _millions, _pounds),
    )


def per_replication(results: CompareResults, name: str) -> pd.DataFrame:
    """One config's replication x outcome table, with bed-days by body and by reason."""
    rows = results.replications[results.replications["scenario"] == name]
    table = rows.pivot_table(index="replication", columns="metric", values="value", aggfunc="first")
    bed_days = table["delayed_bed_days"]
    derived = {
        **{
            f"delayed_bed_days.{b}": bed_days * table[f"delay_attribution_share.{b}"].fillna(0.0)
            for b in BODIES
        },
        **{
            f"delayed_bed_days.{r}": bed_days * table[f"delay_reason_share.{r}"].fillna(0.0)
            for r in REASONS
        },
    }
    names = [o.name for o in outcomes()]
    return table.assign(**derived).reindex(columns=names)


def response_table(results: CompareResults) -> pd.DataFrame:
    """Long table: one row per lever and outcome, with the paired difference, its interval
    and (with an ensemble) the spread of the pairs' differences."""
    base = per_replication(results, results.base)
    members = _members(results)
    frames = []
    for lever in results.others:
        other = per_replication(results, lever)
        table = paired_differences(base, other, results.metadata.get("price_base", ""))
        if members is not None:
            table = table.merge(ensemble_spread(base, other, members), on="metric", how="left")
        frames.append(table.assign(lever=lever))
    long = pd.concat(frames, ignore_index=True)
    return long[["lever", *long.columns.drop("lever")]]


def _members(results: CompareResults) -> pd.Series | None:
    """The ensemble member each replication ran (None without an ensemble)."""
    ensemble = results.metadata.get("ensemble")
    if not ensemble:
        return None
    return pd.Series(dict(enumerate(ensemble["members_by_replication"])))


def _cell(row: pd.Series, outcome: Outcome) -> str:
    if not np.isfinite(row["difference"]):
        return "–"
    low, high = outcome.show(row["ci_low"]), outcome.show(row["ci_high"])
    text = f"{outcome.show(row['difference'])} [{low}, {high}]"
    return f"**{text}**" if is_clear(row) else text


def _matrix(
    table: pd.DataFrame, levers: Sequence[str], labels: dict[str, str], chosen: Sequence[Outcome]
) -> str:
    """One row per lever, one column per outcome; units in the header when they differ."""
    one_unit = len({o.unit for o in chosen}) == 1
    head = [o.label if one_unit else f"{o.label} ({o.unit})" for o in chosen]
    lines = ["| lever | " + " | ".join(head) + " |", "|---|" + "---:|" * len(chosen)]
    for lever in levers:
        rows = table[table["lever"] == lever].set_index("metric")
        cells = [_cell(rows.loc[o.name], o) if o.name in rows.index else "–" for o in chosen]
        lines.append(f"| {labels.get(lever, lever)} | " + " | ".join(cells) + " |")
    if one_unit:
        lines += ["", f"All in {chosen[0].unit}."]
    return "\n".join(lines)


def _baseline_line(table: pd.DataFrame, chosen: Sequence[Outcome]) -> str:
    rows = table.drop_duplicates("metric").set_index("metric")
    parts = []
    for o in chosen:
        if o.name in rows.index:
            parts.append(f"{o.label.lstrip('… ')} {o.level(rows.loc[o.name, 'base_mean'])}")
    return "; ".join(parts)


def render(table: pd.DataFrame, spec: ResponseSpec, results: CompareResults, command: str) -> str:
    """The page: what was run, the tables, and each lever's mechanism."""
    meta = results.metadata
    levers = [lever.name for lever in spec.levers if lever.name in results.others]
    labels = {lever.name: lever.label for lever in spec.levers}
    all_outcomes = outcomes()
    by_name = {o.name: o for o in all_outcomes}
    headline = [
        by_name[n] for n in ("delayed_bed_days", *(f"delayed_bed_days.{b}" for b in BODIES))
    ]
    reasons = [by_name[f"delayed_bed_days.{r}"] for r in REASONS]
    others = [o for o in all_outcomes if not o.name.startswith("delayed_bed_days")]
    ensemble = meta.get("ensemble")
    uncertainty = (
        f"Replication k of every config ran member k of the plausible ensemble "
        f"({ensemble.get('size')} members, `{_shown_path(ensemble.get('file', ''))}`), so each "
        "interval holds "
        "the parameters' uncertainty as well as the model's noise."
        if ensemble
        else "**No ensemble was used**: every replication ran the calibrated point, so the "
        "intervals hold the model's noise only, not the parameters' uncertainty."
    )
    lines = [
        "# How the model responds to each lever",
        "",
        f"<!-- Written by `{command}` on {dt.date.today().isoformat()}; do not edit by hand: "
        "run `make responses` again. -->",
        "",
        "Each row changes one lever or capacity of the calibrated baseline "
        f"(`{spec.path.name}`: {len(levers)} levers) and gives the paired change from the "
        f"baseline: {meta['replications']} replications with common random numbers, "
        f"{meta['residents_65plus']:,} residents 65+, {meta['years']} reported years from "
        f"{meta['start_date']} after {meta['warmup_days']} warm-up days, money in "
        f"{meta.get('price_base', 'the price base')}. {uncertainty} A cell is the mean change "
        "over the pairs with its 95% interval; **bold** where the interval excludes zero.",
        "",
        *([f"> **Read this first.** {spec.note}", ""] if spec.note else []),
        "This table is what reviewers hold against published estimates of these effects, which "
        "the project keeps out of its inputs on purpose: nothing in the model was tuned to them. "
        "Each lever's mechanism, the chain through which it acts, is listed below the tables; "
        "docs/model.md describes every queue, who pays for its capacity and which lever "
        "changes it.",
        "",
        f"Git commit {meta.get('git_commit') or 'unknown'}; the comparison folder: "
        f"`{results.folder}`.",
        "",
        "## Delayed bed-days, by responsible body",
        "",
        f"Baseline: {_baseline_line(table, headline)}.",
        "",
        _matrix(table, levers, labels, headline),
        "",
        "## Delayed bed-days, by reason",
        "",
        f"Baseline: {_baseline_line(table, reasons)}.",
        "",
        _matrix(table, levers, labels, reasons),
        "",
        "## Admissions, unmet need, the care workforce and spending",
        "",
        f"Baseline: {_baseline_line(table, others)}.",
        "",
        _matrix(table, levers, labels, others),
        "",
    ]
    if ensemble and "spread_low" in table.columns:
        lines += [
            "## What the parameters' uncertainty does",
            "",
            "The 2.5% and 97.5% points of the pairs' differences in delayed bed-days and in "
            "public spending: each pair ran one member of the ensemble, so this range is the "
            "effect under the parameter sets the calibration could not rule out (with the "
            "model's noise), wider than the interval of the mean.",
            "",
            "| lever | delayed bed-days: mean [95% interval] | range over the ensemble "
            "| public spending £m: mean | range |",
            "|---|---:|---:|---:|---:|",
        ]
        for lever in levers:
            rows = table[table["lever"] == lever].set_index("metric")
            bd, ps = rows.loc["delayed_bed_days"], rows.loc["public_spend_gbp"]
            lines.append(
                f"| {labels[lever]} | {_cell(bd, by_name['delayed_bed_days'])} | "
                f"{_count(bd['spread_low'])} to {_count(bd['spread_high'])} | "
                f"{_millions(ps['difference'])} | "
                f"{_millions(ps['spread_low'])} to {_millions(ps['spread_high'])} |"
            )
        lines.append("")
    lines += ["## Mechanisms", ""]
    for lever in spec.levers:
        if lever.name not in levers:
            continue
        changed = ", ".join(
            f"`{key}` {_show(spec.base.get(key))} → {_show(value)}" for key, value in lever.changes
        )
        lines += [f"**{lever.label}** ({changed}). {lever.mechanism}.", ""]
    lines += [
        "## Running it again",
        "",
        "`make responses` runs `care-abm responses --ensemble --jobs 2` and rewrites this page "
        "and `responses.csv` in the comparison folder. Any one row can be run again alone, "
        "with the same numbers: `care-abm compare experiments/baseline.toml "
        "<folder>/sources/<lever>.toml` with the same options (a pair's replications do not "
        "depend on the other configs compared alongside).",
        "",
    ]
    return "\n".join(lines)


def _shown_path(path: str) -> str:
    """A path relative to the working folder when it lies inside it (no machine's layout)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def write_outputs(
    results: CompareResults, spec: ResponseSpec, page: Path | None, command: str
) -> pd.DataFrame:
    """Write ``responses.csv`` into the comparison folder and, unless ``page`` is None, the page."""
    table = response_table(results)
    write_atomic(results.folder / "responses.csv", table.to_csv(index=False).encode())
    if page is not None:
        page.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(page, render(table, spec, results, command).encode())
    return table
