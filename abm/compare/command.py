"""``care-abm compare`` and ``care-abm report`` on the command line.

User errors (a bad config, configs that cannot be paired, a folder that is not a comparison)
raise ConfigError or RunError, which the top-level command turns into one line and exit
status 2. Heavy imports wait until a command runs, so ``care-abm --help`` stays quick.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from abm.config import AREA_HELP
from abm.packaged import ENSEMBLE_HELP, MEMBERS_HELP


def add_compare_parsers(sub: Any) -> None:
    """Add the ``compare`` and ``report`` subcommands to ``care-abm``'s subparsers."""
    compare = sub.add_parser(
        "compare",
        help="paired comparison of configs with common random numbers",
        description="Run a base config and one or more others with the same replication "
        "seeds (common random numbers) and report, for every KPI, the paired difference from "
        "the base with a 95%% interval and the share of replications in which its sign holds. "
        "Writes a comparison folder (and, with --report, one HTML report per comparison). "
        "See docs/compare.md.",
    )
    compare.add_argument("base", type=Path, help="the base config (TOML)")
    compare.add_argument("others", type=Path, nargs="+", help="configs to compare with the base")
    compare.add_argument(
        "--replications", "-r", type=int, help="replications of every config (run.replications)"
    )
    compare.add_argument("--seed", type=int, help="root seed of every config (run.seed)")
    compare.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        help="worker processes (results are identical for any number)",
    )
    compare.add_argument(
        "--out", "-o", type=Path, help="comparison folder (default results/compare-<base>-<time>)"
    )
    compare.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a config value in every config, e.g. --set run.years=2 (repeatable)",
    )
    compare.add_argument(
        "--area",
        type=int,
        metavar="N",
        help=f"every config: {AREA_HELP}; values given with --set are for the configs' area "
        "and scale too. --set population.residents_65plus=N means --area N",
    )
    compare.add_argument(
        "--report", action="store_true", help="also write the HTML report of each comparison"
    )
    compare.add_argument(
        "--calibration",
        type=Path,
        metavar="CSV",
        help="calibration status for the report (default docs/calibration_status.csv)",
    )
    compare.add_argument(
        "--ensemble", nargs="?", const=True, default=None, metavar="FILE", help=ENSEMBLE_HELP
    )
    compare.add_argument("--members", type=int, metavar="N", help=MEMBERS_HELP)
    compare.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    compare.set_defaults(handler=run_compare)

    report = sub.add_parser(
        "report",
        help="write the HTML report of each comparison in a comparison folder",
        description="Write one self-contained HTML report (figures embedded, no JavaScript) "
        "for each config compared in a folder made by care-abm compare: what was run, the "
        "results table, the figures, the assumptions behind them and the calibration status "
        "of the baseline. Nothing is run again.",
    )
    report.add_argument("folder", type=Path, help="a comparison folder (care-abm compare)")
    report.add_argument(
        "--calibration",
        type=Path,
        metavar="CSV",
        help="calibration status (default docs/calibration_status.csv)",
    )
    report.set_defaults(handler=run_report)


def overrides(args: argparse.Namespace) -> list[str]:
    """The ``key=value`` overrides the arguments apply to every config."""
    changes = list(args.set or [])
    if args.replications is not None:
        changes.append(f"run.replications={args.replications}")
    if args.seed is not None:
        changes.append(f"run.seed={args.seed}")
    return changes


def option_words(args: argparse.Namespace) -> tuple[str, ...]:
    """The options that change the configs, to run the comparison again (not ``--jobs``,
    which never changes results)."""
    words: list[str] = []
    if args.replications is not None:
        words += ["--replications", str(args.replications)]
    if args.seed is not None:
        words += ["--seed", str(args.seed)]
    for change in args.set or []:
        words += ["--set", change]
    if args.area is not None:
        words += ["--area", str(args.area)]
    if getattr(args, "ensemble", None) is not None:
        words += ["--ensemble"] + ([] if args.ensemble is True else [str(args.ensemble)])
    if getattr(args, "members", None) is not None:
        words += ["--members", str(args.members)]
    return tuple(words)


def load_entries(
    paths: list[Path], changes: list[str], area: int | None, area_source: str = "--area"
) -> list[Any]:
    """Load and validate every config (before anything runs), named uniquely; with ``area``,
    each is scaled to that many residents 65+ (:func:`abm.config.apply_area`)."""
    from abm.compare.pairing import Entry, unique_names  # noqa: PLC0415
    from abm.config import apply_area, load_scenario  # noqa: PLC0415
    from abm.packaged import resolve_config  # noqa: PLC0415

    paths = [resolve_config(path) for path in paths]  # a packaged experiment's name works too
    scenarios = [load_scenario(path, changes) for path in paths]
    if area is not None:
        scenarios = [apply_area(scenario, area, area_source) for scenario in scenarios]
    names = unique_names(paths, scenarios)
    return [
        Entry(path=path, scenario=scenario, name=name)
        for path, scenario, name in zip(paths, scenarios, names, strict=True)
    ]


def run_compare(args: argparse.Namespace) -> int:
    """``care-abm compare``: run, write the folder, print the headline differences."""
    from abm.compare.calibration import CalibrationStatus  # noqa: PLC0415
    from abm.compare.folder import CompareResults  # noqa: PLC0415
    from abm.compare.report import write_reports  # noqa: PLC0415
    from abm.compare.runner import Comparison, default_compare_dir  # noqa: PLC0415
    from abm.config import area_from_command_line  # noqa: PLC0415
    from abm.folders import check_new_folder  # noqa: PLC0415
    from abm.validation import check_jobs  # noqa: PLC0415

    changes, area, given_by = area_from_command_line(
        overrides(args), args.area, lambda text: print(text, file=sys.stderr)
    )
    entries = load_entries([args.base, *args.others], changes, area, given_by)
    for entry in entries:
        check_jobs(entry.scenario, args.jobs, entry.scenario.run.replications)
    out = args.out or default_compare_dir(entries[0].name)
    check_new_folder(out)
    calibration = CalibrationStatus.read(args.calibration, given=args.calibration is not None)
    from abm.calibration.ensemble import from_option  # noqa: PLC0415

    ensemble = from_option(args.ensemble, args.members)
    comparison = Comparison(
        entries,
        out,
        jobs=args.jobs,
        progress=not args.quiet,
        options=option_words(args),
        ensemble=ensemble,
    )
    run = entries[0].scenario.run
    print(
        f"Comparing {len(entries) - 1} config(s) with {entries[0].name}: "
        f"{run.replications} paired replication(s) each of {run.years} year(s) from "
        f"{run.start_date} (+{run.warmup_days} warm-up days), "
        f"{entries[0].scenario.population.residents_65plus:,} residents 65+, "
        f"{args.jobs} process(es)"
        + (f", ensemble of {len(ensemble)} parameter sets" if ensemble is not None else ""),
        file=sys.stderr,
    )
    folder = comparison.run()
    results = CompareResults.load(folder)
    if not args.quiet:
        for line in summary_lines(results):
            print(line)
    if args.report:
        for path in write_reports(results, calibration):
            print(f"Report: {path}")
    print(f"Results: {folder}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """``care-abm report``: write the reports of a finished comparison folder."""
    from abm.compare.calibration import CalibrationStatus  # noqa: PLC0415
    from abm.compare.folder import CompareResults  # noqa: PLC0415
    from abm.compare.report import write_reports  # noqa: PLC0415

    calibration = CalibrationStatus.read(args.calibration, given=args.calibration is not None)
    results = CompareResults.load(args.folder, complete=True)
    for path in write_reports(results, calibration):
        print(f"Report: {path}")
    return 0


def summary_lines(results: Any) -> list[str]:
    """The headline differences of every comparison, as aligned text lines."""
    from abm.compare.stats import is_clear  # noqa: PLC0415
    from abm.compare.text import (  # noqa: PLC0415
        HEADLINE_KPIS,
        fmt_difference,
        fmt_interval,
        fmt_value,
    )

    lines = []
    for other in results.others:
        rows = results.differences_for(other).set_index("metric")
        n = int(rows["n"].max()) if len(rows) else 0
        lines.append(f"\n{other} minus {results.base} ({n} paired replications; * = clear):")
        lines.append(
            f"  {'KPI':<31} {results.base[:12]:>12} {other[:12]:>12} {'difference':>12}  "
            f"{'95% interval':<28} same sign"
        )
        for metric in HEADLINE_KPIS:
            if metric not in rows.index:
                continue
            r = rows.loc[metric]
            mark = "*" if is_clear(r) else " "
            lines.append(
                f"  {metric:<31} {fmt_value(metric, r['base_mean']):>12} "
                f"{fmt_value(metric, r['other_mean']):>12} "
                f"{fmt_difference(metric, r['difference']):>12}{mark} "
                f"{fmt_interval(metric, r['ci_low'], r['ci_high']):<28} "
                f"{round(r['same_sign_share'] * r['n'])}/{int(r['n'])}"
            )
    lines.append(f"\nEvery KPI: {results.folder / 'differences.csv'}")
    return lines
