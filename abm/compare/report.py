"""One self-contained HTML report per comparison, for a reader who never opens the code.

The report is built from a finished comparison folder (:class:`CompareResults`) and says, in
this order: the result in brief, the claim tested (the config file's comment block), what was
run and how to run it again, the table of every KPI, the figures, the assumptions that drive
the numbers, the calibration status of the baseline, and how the comparison works. Figures
are embedded as base64 PNG, the style sheet is inline, and there is no JavaScript, so the file
reads the same offline, attached to an email or printed.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
from pathlib import Path

import pandas as pd

import abm
from abm.compare.assumptions import describe, general_assumptions, lever_assumptions, show
from abm.compare.calibration import CalibrationStatus
from abm.compare.figures import FIGURE_FILES, write_comparison_figures
from abm.compare.folder import CompareResults
from abm.compare.stats import is_clear
from abm.compare.text import (
    HEADLINE_KPIS,
    cautions,
    fmt_difference,
    fmt_interval,
    fmt_kpi,
    fmt_number,
    fmt_relative,
    fmt_value,
    label,
    sections,
    sentence,
    unit,
)
from abm.config import SECTIONS, Scenario

CAPTIONS = {
    "delays.png": "Patients delayed in hospital after they are medically fit. Left: each "
    "config's weekly mean; right: the paired difference from the base with its 95% band.",
    "admissions.png": "Emergency admissions of residents aged 65+ a month. Fewer admissions can "
    "mean better prevention or a hospital too full to admit: read with corridor waits and "
    "emergencies not admitted in the table.",
    "unmet_need.png": "Residents aged 65+ at home whose care need nobody meets (not the "
    "council, not themselves, not an unpaid carer).",
    "vacancies.png": "Vacant care posts (care workers and nurses in home care and care homes) "
    "as a share of funded posts.",
    "spending.png": "Spending on care for residents 65+ by who pays: the council, residents "
    "themselves (fees and contributions) and the NHS.",
    "differences.png": "The headline differences as a share of the base value, with their 95% "
    "intervals: a bar crossing zero is no clear difference.",
}

STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: .2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .88rem; width: 100%;
        display: block; overflow-x: auto; max-width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .45rem; text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
td code { word-break: break-all; font-size: .8rem; }
th { background: #f3f3f3; font-family: Helvetica, Arial, sans-serif; }
td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
tr.clear td { background: #fff7e0; }
code, pre { font-family: Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f6f6f6; padding: .7rem; overflow-x: auto; white-space: pre-wrap; }
.meta, .note { color: #555; font-size: .9rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9rem; color: #444; }
nav ol { columns: 2; font-size: .92rem; }
"""


def report_path(results: CompareResults, other: str) -> Path:
    """Where the report of ``other`` against the base is written."""
    return results.folder / f"report-{other}.html"


def write_reports(
    results: CompareResults, calibration: CalibrationStatus | None = None
) -> list[Path]:
    """Write one report per compared config; returns their paths. Every page is rendered
    before the first is written, so a problem leaves no report half-renewed."""
    calibration = calibration or CalibrationStatus.read()
    pages = {other: render(results, other, calibration) for other in results.others}
    return [_write_page(report_path(results, other), page) for other, page in pages.items()]


def write_report(
    results: CompareResults, other: str, calibration: CalibrationStatus | None = None
) -> Path:
    """Write the report of ``other`` against the base (atomically) and return its path."""
    calibration = calibration or CalibrationStatus.read()
    return _write_page(report_path(results, other), render(results, other, calibration))


def _write_page(path: Path, page: str) -> Path:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)
    return path


def render(results: CompareResults, other: str, calibration: CalibrationStatus) -> str:
    """The whole HTML document."""
    base = results.base
    base_scenario, other_scenario = results.scenario(base), results.scenario(other)
    changed = changed_keys(base_scenario, other_scenario)
    rows = results.differences_for(other)
    meta = results.metadata
    title = f"{other} compared with {base}"
    parts = [
        _head(title),
        f"<h1>{_e(title)}</h1>",
        f"<p class='meta'>care-abm {_e(meta.get('care_abm_version', abm.__version__))}"
        f"{_commit(meta)}; comparison run {_e(meta.get('created', ''))}; report written "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}.</p>",
        _contents(),
        _brief(rows, base, other, other_scenario, meta),
        _claim(results.source_text(other)),
        _what_was_run(results, other, base_scenario, other_scenario, changed),
        _results_table(rows, base, other),
        _figures(results, [base, other]),
        _assumptions(changed, other_scenario, base_scenario),
        _calibration(calibration, base),
        _method(meta),
        "</body></html>\n",
    ]
    return "\n".join(parts)


# ------------------------------------------------------------------------ helpers


def _e(text: object) -> str:
    return html.escape(str(text))


def _commit(meta: dict) -> str:
    commit = meta.get("git_commit")
    return f" (commit {_e(commit[:10])})" if commit else ""


def _head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
    )


def _contents() -> str:
    items = [
        ("brief", "In brief"),
        ("claim", "The claim tested"),
        ("run", "What was run"),
        ("results", "Results for every output"),
        ("figures", "Figures"),
        ("assumptions", "Assumptions that drive these results"),
        ("calibration", "Calibration status of the baseline"),
        ("method", "How the comparison works"),
    ]
    links = "".join(f"<li><a href='#{key}'>{_e(text)}</a></li>" for key, text in items)
    return f"<nav><ol>{links}</ol></nav>"


def _table(
    header: list[str],
    body: list[list[str]],
    numeric: frozenset[int] = frozenset(),
    highlight: list[bool] | None = None,
) -> str:
    """An HTML table; cells are HTML already, ``highlight`` marks rows of clear differences."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    marks = highlight or [False] * len(body)
    rows = []
    for cells, marked in zip(body, marks, strict=True):
        tds = "".join(
            f"<td class='num'>{c}</td>" if k in numeric else f"<td>{c}</td>"
            for k, c in enumerate(cells)
        )
        rows.append(f"<tr class='clear'>{tds}</tr>" if marked else f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def changed_keys(base: Scenario, other: Scenario) -> list[str]:
    """Dotted config keys whose values differ between two scenarios."""
    return [
        f"{section}.{key}"
        for section in SECTIONS
        for key, value in base.to_dict()[section].items()
        if other.to_dict()[section][key] != value
    ]


def comment_block(source: str) -> str:
    """The leading ``#`` comment lines of a config file, without the ``#``."""
    lines = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lines.append(stripped[1:].removeprefix(" "))
        elif stripped or lines:
            break
    return "\n".join(lines).strip()


# ------------------------------------------------------------------------ sections


def _brief(rows: pd.DataFrame, base: str, other: str, scenario: Scenario, meta: dict) -> str:
    indexed = rows.set_index("metric", drop=False)
    sentences = "".join(
        f"<li>{_e(sentence(indexed.loc[m], base, other))}</li>"
        for m in HEADLINE_KPIS
        if m in indexed.index
    )
    clear = sum(is_clear(r) for _, r in rows.iterrows())
    notes = "".join(f"<li>{_e(note)}</li>" for note in cautions(rows))
    warnings = f"<p><strong>Read with care:</strong></p><ul>{notes}</ul>" if notes else ""
    description = scenario.description or "(no description in the config)"
    return (
        "<section id='brief'><h2>In brief</h2>"
        f"<p><strong>{_e(other)}</strong>: {_e(description)}</p>"
        f"<p>Both configs were run for {meta['replications']} paired replications of "
        f"{meta['years']} year(s) from {_e(meta['start_date'])} in an area of "
        f"{meta['residents_65plus']:,} residents aged 65+. Of {len(rows)} outputs, "
        f"{clear} differ clearly (their 95% interval excludes zero). The headline outputs:</p>"
        f"<ul>{sentences}</ul>{warnings}"
        "<p class='note'>A difference is <em>other minus base</em>. The interval is a 95% "
        "interval of the mean paired difference; “in k of n paired replications” counts the "
        "replications in which the policy moved the output the same way as on average.</p>"
        "</section>"
    )


def _claim(source: str) -> str:
    block = comment_block(source)
    body = (
        f"<pre>{_e(block)}</pre>"
        if block
        else "<p>The config file has no comment block saying which claim it tests.</p>"
    )
    return (
        "<section id='claim'><h2>The claim tested</h2>"
        "<p>From the comment block of the compared config file:</p>"
        f"{body}</section>"
    )


def _what_was_run(
    results: CompareResults, name: str, base: Scenario, other: Scenario, changed: list[str]
) -> str:
    meta = results.metadata
    files = meta["scenarios"]
    settings = [
        ["Base config", f"<code>{_e(files[results.base]['file'])}</code>"],
        ["Compared config", f"<code>{_e(files[name]['file'])}</code>"],
        ["Area", f"{meta['residents_65plus']:,} residents aged 65+ at the start"],
        [
            "Period",
            f"{meta['years']} year(s) reported from {_e(meta['start_date'])}, after "
            f"{meta['warmup_days']} warm-up days that are simulated and discarded",
        ],
        ["Replications", f"{meta['replications']} of each config, paired by seed"],
        ["Root seed", _e(meta["seed"])],
    ]
    rows = [
        [
            f"<code>{_e(key)}</code>",
            _e(describe(key)),
            _e(show(base.get(key))),
            _e(show(other.get(key))),
        ]
        for key in changed
    ]
    differences = (
        _table(["Config key", "What it is", f"{results.base}", "compared config"], rows)
        if rows
        else "<p>None: the two configs have the same values everywhere.</p>"
    )
    schedule = ""
    if base.schedule != other.schedule:
        items = "".join(
            f"<li>{_e(change.date)}: "
            + ", ".join(f"<code>{_e(k)}</code> = {_e(show(v))}" for k, v in change.changes)
            + "</li>"
            for change in other.schedule
        )
        schedule = (
            "<p>Timed changes in the compared config (<code>[[schedule]]</code>):</p>"
            f"<ul>{items or '<li>none</li>'}</ul>"
        )
    command = results.pair_command(name)
    return (
        "<section id='run'><h2>What was run</h2>"
        + _table(["Setting", "Value"], settings)
        + "<h3>How the compared config differs from the base</h3>"
        + differences
        + schedule
        + "<h3>To run it again</h3>"
        "<p>From the project folder (the same seed gives the same numbers, bit for bit, with "
        "any number of <code>--jobs</code>):</p>"
        f"<pre>{_e(command)}</pre></section>"
    )


def _results_table(rows: pd.DataFrame, base: str, other: str) -> str:
    indexed = rows.set_index("metric", drop=False)
    ensemble = "spread_low" in indexed.columns
    header = [
        "Output",
        "Unit",
        base,
        other,
        "Difference",
        "95% interval",
        "Change",
        "Same sign",
    ]
    if ensemble:
        header += ["Over the ensemble (95%)", "Noise sd", "Parameters sd"]
    parts = [
        "<section id='results'><h2>Results for every output</h2>",
        "<p>Means over replications; the difference is the mean paired difference "
        f"(<em>{_e(other)} minus {_e(base)}</em>). Shares are shown as percentages and their "
        "differences in percentage points (pp). Highlighted rows differ clearly: their 95% "
        "interval excludes zero. “Same sign” counts the replications whose difference has "
        "the sign of the mean.</p>",
    ]
    if ensemble:
        parts.append(
            "<p>Each replication ran with one member of the calibration's plausible ensemble "
            "(parameter sets the published figures could not rule out). The 95% interval is "
            "the mean difference's: it narrows with more replications. <em>Over the "
            "ensemble</em> is the range of the replications' own differences (2.5% to 97.5%): "
            "what the effect could be under any plausible parameter set, with the model's "
            "noise. When members repeat, the noise and the parameters' standard deviations "
            "of a difference are shown apart (n/a when each member ran once).</p>"
        )
    for title, metrics in sections(list(indexed.index)):
        body = []
        for metric in metrics:
            r = indexed.loc[metric]
            cells = [
                f"{_e(label(metric))}<br><code>{_e(metric)}</code>",
                _e(unit(metric)),
                _e(fmt_value(metric, r["base_mean"])),
                _e(fmt_value(metric, r["other_mean"])),
                _e(fmt_difference(metric, r["difference"])),
                _e(fmt_interval(metric, r["ci_low"], r["ci_high"])),
                _e(fmt_relative(r["relative_difference"])),
                _e(f"{round(r['same_sign_share'] * r['n'])} of {int(r['n'])}") if r["n"] else "n/a",
            ]
            if ensemble:
                cells += [
                    _e(fmt_interval(metric, r["spread_low"], r["spread_high"])),
                    _e(_sd(metric, r["noise_sd"])),
                    _e(_sd(metric, r["parameter_sd"])),
                ]
            body.append((is_clear(r), cells))
        table = _table(
            header,
            [cells for _, cells in body],
            numeric=frozenset(range(2, len(header))),
            highlight=[clear for clear, _ in body],
        )
        parts.append(f"<h3>{_e(title)}</h3>{table}")
    parts.append("</section>")
    return "".join(parts)


def _sd(metric: str, value: float) -> str:
    """A standard deviation of a difference, in the difference's units (n/a when unknown)."""
    return "n/a" if pd.isna(value) else fmt_difference(metric, value).lstrip("+")


def _figures(results: CompareResults, names: list[str]) -> str:
    folder = results.figure_dir(names)
    if not all((folder / f).is_file() for f in FIGURE_FILES):
        write_comparison_figures(results, names)
    figures = []
    for file in FIGURE_FILES:
        data = base64.b64encode((folder / file).read_bytes()).decode("ascii")
        figures.append(
            f"<figure><img alt='{_e(CAPTIONS[file])}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{_e(CAPTIONS[file])}</figcaption></figure>"
        )
    return "<section id='figures'><h2>Figures</h2>" + "".join(figures) + "</section>"


def _assumptions(changed: list[str], other: Scenario, base: Scenario) -> str:
    levers = lever_assumptions(changed, other)
    lever_html = (
        "<h3>The levers this comparison changes</h3><ul>"
        + "".join(f"<li>{_e(text)}</li>" for text in levers)
        + "</ul>"
        if levers
        else ""
    )
    general = "".join(f"<li>{_e(text)}</li>" for text in general_assumptions(base))
    return (
        "<section id='assumptions'><h2>Assumptions that drive these results</h2>"
        "<p>Every rule, parameter and source is in the project's <code>docs/model.md</code> and "
        "<code>docs/config.md</code>; these are the ones a reader most needs to weigh.</p>"
        f"{lever_html}<h3>Behind every comparison</h3><ul>{general}</ul></section>"
    )


def _calibration(status: CalibrationStatus, base: str) -> str:
    parts = [
        "<section id='calibration'><h2>Calibration status of the baseline</h2>",
        f"<p>{_e(status.headline())}</p>",
    ]
    if status.available:
        misses = status.misses
        if len(misses):
            rows = [
                [
                    _e(m["target_id"]),
                    f"{_e(m['quantity'])}<br><code>{_e(m['kpi'])}</code>",
                    _e(fmt_kpi(m["kpi"], m["local_value"])),
                    _e(
                        f"{fmt_kpi(m['kpi'], m['model_mean'])} "
                        f"[{fmt_kpi(m['kpi'], m['ci_low'])}, {fmt_kpi(m['kpi'], m['ci_high'])}]"
                    ),
                    _e(fmt_number(m["tolerance"])),
                    _e(m["split"]),
                ]
                for _, m in misses.iterrows()
            ]
            parts.append("<p>Targets the baseline misses:</p>")
            parts.append(
                _table(
                    [
                        "Target",
                        "Quantity",
                        "Published (for the area)",
                        "Model [95% interval]",
                        "Tolerance",
                        "Split",
                    ],
                    rows,
                )
            )
        parts.append(
            f"<p class='note'>Read from <code>{_e(status.path.name)}</code>. It describes "
            "<code>experiments/baseline.toml</code> at its full size"
            + ("" if base == "baseline" else f"; this comparison's base is {_e(base)}")
            + ". Where the baseline misses a target, levels of that output are uncertain; "
            "paired differences are less affected, but not immune.</p>"
        )
    else:
        parts.append(
            "<p>Without a calibration status, treat the levels in this report as "
            "illustrative: the model's base hazards and capacities are assumptions that have "
            "not yet been checked against published figures for an English area. The paired "
            "differences show the direction and rough size of each effect in the model.</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _method(meta: dict) -> str:
    return (
        "<section id='method'><h2>How the comparison works</h2>"
        f"<p>Each config is run {meta['replications']} times. Replication k of every config "
        "uses the same seed, and each random decision in the model (who falls ill, how long "
        "they stay, who dies, who quits a job, ...) draws from its own random stream. So "
        "replication k of the base and replication k of the compared config see the same "
        "residents and the same chance events wherever the policy does not change them: "
        "<em>common random numbers</em>. The difference between the two is then mostly the "
        "policy's effect, and differences are taken pair by pair.</p>"
        "<p>For each output the report gives the mean of the paired differences, a 95% "
        "t-interval for that mean (zero width when every pair differs by the same amount, "
        "as for two identical configs), the difference relative to the base mean, and the "
        "number of replications whose difference has the same sign as the mean.</p>"
        + (
            f"<p>With the plausible ensemble ({_e(meta['ensemble']['size'])} parameter sets, "
            f"<code>{_e(meta['ensemble']['file'])}</code>), replication k of every config "
            "also runs with member k (modulo the ensemble's size), so both configs of a pair "
            "share their parameters as well as their random numbers.</p>"
            if meta.get("ensemble")
            else ""
        )
        + "<p>Configs are compared only when their seed, replications, start date, years, "
        "warm-up and area size agree: otherwise replication k of one would not be the "
        "partner of replication k of the other. Each config's full results (summary, time "
        "series, delays, figures) are in the comparison folder under <code>runs/</code>.</p>"
        "</section>"
    )
