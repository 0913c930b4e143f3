"""``care-abm run --report``: one self-contained HTML page for one run, like compare's report.

The page says what was run, gives every KPI formatted by its unit (a share as a percentage,
money in pounds, counts with sensible digits) with its 95% interval and how that interval is
made, and embeds the run's figures as base64 PNG, so it reads the same offline or printed.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING

from abm.compare.report import _e, _head, _table, _write_page
from abm.compare.text import fmt_value, label, sections, unit
from abm.stats import kpi_bounds

if TYPE_CHECKING:
    from abm.results import Results

FIGURES = (
    ("occupancy.png", "Hospital beds: patients in treatment and delayed patients by reason."),
    ("delayed.png", "Delayed discharges by reason, and corridor waits."),
    ("admissions.png", "Emergency admissions and cancelled electives, monthly totals."),
    ("care.png", "Care after hospital and in the community."),
    ("need.png", "How residents' care needs are met."),
    ("vacancies.png", "Vacant posts as a share of funded posts."),
    ("money_flows.png", "Where the money went in a reported financial year."),
)


def fmt_interval_value(metric: str, low: float, high: float) -> str:
    """A 95% interval of a level, in the KPI's unit: [3.1%, 4.2%]."""
    if math.isnan(low) or math.isnan(high):
        return "(one replication)"
    return f"[{fmt_value(metric, low)}, {fmt_value(metric, high)}]"


def _method_of(metric: str) -> str:
    low, high = kpi_bounds(metric)
    if (low, high) == (0.0, 1.0):
        return "logit"
    return "t, ≥ 0" if low == 0.0 else "t"


def render(results: Results) -> str:
    """The whole HTML document for ``results``."""
    scenario, meta = results.scenario, results.metadata
    run = scenario.run
    title = f"Results of {scenario.name}"
    settings = [
        ["Experiment", _e(scenario.name)],
        ["Replications", _e(len(results.replications))],
        ["Reported period", _e(f"{run.years} year(s) from {run.start_date}")],
        ["Warm-up", _e(f"{run.warmup_days} days (not reported)")],
        ["Residents 65+", _e(f"{scenario.population.residents_65plus:,}")],
        ["Seed", _e(run.seed)],
        ["Funding pool / pay rule", _e(f"{scenario.funding.pool} / {scenario.workforce.pay_rule}")],
    ]
    summary = results.summary.set_index("metric")
    tables = []
    for heading, metrics in sections(list(summary.index)):
        body = [
            [
                f"{_e(label(m))}<br><code>{_e(m)}</code>",
                _e(unit(m)),
                _e(fmt_value(m, summary.loc[m, "mean"])),
                _e(fmt_interval_value(m, summary.loc[m, "ci_low"], summary.loc[m, "ci_high"])),
                _e(_method_of(m)),
            ]
            for m in metrics
        ]
        header = ["Output", "Unit", "Mean", "95% interval", "Interval"]
        tables.append(f"<h3>{_e(heading)}</h3>{_table(header, body, frozenset({2, 3}))}")
    figures = []
    folder = results.folder
    for file, caption in FIGURES:
        path = folder / "figures" / file if folder else None
        if path is not None and path.is_file():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            figures.append(
                f"<figure><img alt='{_e(caption)}' src='data:image/png;base64,{data}'>"
                f"<figcaption>{_e(caption)}</figcaption></figure>"
            )
    return "\n".join(
        [
            _head(title),
            f"<h1>{_e(title)}</h1>",
            f"<p class='meta'>care-abm {_e(meta.get('care_abm_version', ''))}; run "
            f"{_e(meta.get('created', ''))}; report written "
            f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}.</p>",
            "<section id='run'><h2>What was run</h2>" + _table(["Setting", "Value"], settings),
            "</section><section id='results'><h2>Every output</h2>",
            "<p>Means over replications with 95% intervals. Shares are percentages; their "
            "interval is a t-interval on the logit scale (“logit”), so it stays within 0% and "
            "100% (the t-interval cut to [0%, 100%] when a replication is exactly 0% or 100%); "
            "counts, rates and money use the t-interval truncated at zero (“t, ≥ 0”); "
            "the rest the plain t-interval (“t”). Warm-up days are left out.</p>",
            *tables,
            "</section><section id='figures'><h2>Figures</h2>",
            *figures,
            "</section></body></html>\n",
        ]
    )


def write_run_report(folder: Path, results: Results) -> Path:
    """Write ``report.html`` into the results folder ``folder`` (its figures written)."""
    previous, results.folder = results.folder, folder
    try:
        page = render(results)
    finally:
        results.folder = previous
    return _write_page(folder / "report.html", page)
