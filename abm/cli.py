"""The ``care-abm`` command line.

User errors (a bad config, a results folder that exists) are one line on stderr and exit
status 2, with no traceback; everything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from abm.calibration.command import add_calibrate_parser
from abm.compare.command import add_compare_parsers
from abm.compare.responses_command import add_responses_parser
from abm.config import (
    AREA_HELP,
    ConfigError,
    Scenario,
    apply_area,
    area_from_command_line,
    load_scenario,
)
from abm.errors import RunError
from abm.folders import FolderError, check_new_folder
from abm.packaged import (
    ENSEMBLE_HELP,
    MEMBERS_HELP,
    copy_experiments,
    experiment_names,
    resolve_config,
)
from abm.sweep.command import add_sweep_parser
from abm.validation import check_jobs

HEADLINE_KPIS = [
    "emergency_admissions_per_1000",
    "bed_occupancy",
    "delayed_patients",
    "delayed_share_of_occupied_beds",
    "mean_delay_days",
    "delay_reason_share.awaiting_home_care",
    "delay_reason_share.awaiting_care_home",
    "delay_attribution_share.nhs",
    "delay_attribution_share.social_care",
    "corridor_waits_per_day",
    "care_home_occupancy",
    "deaths_per_1000",
]


def _scenario_for_run(args: argparse.Namespace) -> Scenario:
    overrides = list(args.set or [])
    if args.replications is not None:
        overrides.append(f"run.replications={args.replications}")
    if args.seed is not None:
        overrides.append(f"run.seed={args.seed}")
    overrides, area, given_by = area_from_command_line(overrides, args.area, _say)
    scenario = load_scenario(resolve_config(args.config), overrides)
    return scenario if area is None else apply_area(scenario, area, given_by)


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = _scenario_for_run(args)
    check_jobs(scenario, args.jobs, scenario.run.replications)
    out = Path(args.out) if args.out else _default_results_dir(scenario)
    check_new_folder(out)  # again when claimed, just before the first replication
    from abm.api import run_experiment  # noqa: PLC0415 - numpy, pandas, the model: after parsing
    from abm.calibration.ensemble import from_option  # noqa: PLC0415
    from abm.run import iter_summary_lines  # noqa: PLC0415

    ensemble = from_option(args.ensemble, args.members)

    run = scenario.run
    line = (
        f"Running {scenario.name}: {run.replications} replication(s) of {run.years} year(s) "
        f"from {run.start_date} (+{run.warmup_days} warm-up days), "
        f"{scenario.population.residents_65plus:,} residents 65+, {args.jobs} process(es)"
        + (f", ensemble of {len(ensemble)} parameter sets" if ensemble is not None else "")
    )
    results = run_experiment(
        scenario,
        jobs=args.jobs,
        progress=not args.quiet,
        out=out,
        report=args.report,
        on_start=lambda: print(line, file=sys.stderr),
        ensemble=ensemble,
    )
    summary = results.summary
    if not args.quiet:
        print("\nSummary (mean and 95% interval over replications):")
        for text in iter_summary_lines(summary, HEADLINE_KPIS):
            print("  " + text)
        print(f"\nAll {len(summary)} KPIs: {out / 'summary.csv'}")
        if args.report:
            print(f"Report: {out / 'report.html'}")
    print(f"Results: {out}")
    return 0


def _default_results_dir(scenario: Scenario) -> Path:
    import datetime as dt  # noqa: PLC0415

    return Path("results") / f"{scenario.name}-{dt.datetime.now():%Y%m%d-%H%M%S}"


def _cmd_init(args: argparse.Namespace) -> int:
    folder = copy_experiments(args.folder)
    print(f"Copied the experiments to {folder}; run one with: care-abm run {folder}/baseline.toml")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``care-abm``."""
    parser = argparse.ArgumentParser(
        prog="care-abm",
        description="Agent-based model of a local English health and social care system.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run an experiment config and write a results folder",
        description="Run the replications of an experiment config and write a "
        "results folder (config.toml, summary.csv, time series, figures).",
    )
    run.add_argument(
        "config",
        help="experiment TOML file, or the name of a packaged experiment "
        f"({', '.join(experiment_names())})",
    )
    run.add_argument("--replications", "-r", type=int, help="replications (run.replications)")
    run.add_argument("--seed", type=int, help="root seed (run.seed)")
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        help="worker processes (results are identical for any number)",
    )
    run.add_argument("--out", "-o", help="results folder (default results/<name>-<time>)")
    run.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set hospital.beds=850 (repeatable); "
        "--set population.residents_65plus=N means --area N",
    )
    run.add_argument(
        "--area",
        type=int,
        metavar="N",
        help=f"{AREA_HELP}; values given with --set are for the config's area and scale too. "
        "The results folder's config.toml holds the scaled values",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    run.add_argument(
        "--ensemble", nargs="?", const=True, default=None, metavar="FILE", help=ENSEMBLE_HELP
    )
    run.add_argument("--members", type=int, metavar="N", help=MEMBERS_HELP)
    run.add_argument(
        "--report",
        action="store_true",
        help="also write report.html: the KPIs with their intervals and the figures, one page",
    )
    run.set_defaults(handler=_cmd_run)
    init = sub.add_parser(
        "init",
        help="copy the packaged experiments into a folder to edit",
        description="Copy the experiments that ship with care-abm (baseline.toml, the policy "
        "experiments, sweeps/) into FOLDER, a new or empty folder, to edit and run.",
    )
    init.add_argument("folder", type=Path, help="new or empty folder")
    init.set_defaults(handler=_cmd_init)
    add_sweep_parser(sub)
    add_compare_parsers(sub)
    add_responses_parser(sub)
    add_calibrate_parser(sub)
    serve = sub.add_parser(
        "serve",
        help="start the visual server (Solara) in the browser",
        description="Start the visual Mesa server: policy levers, live charts and where every "
        "patient is. Works offline. Stop it with Ctrl-C.",
    )
    serve.add_argument(
        "config",
        nargs="?",
        default="baseline",
        help="experiment TOML file or packaged experiment name (default baseline)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=8765, help="port, 0 to 65535 (8765; 0 for any free port)"
    )
    serve.add_argument(
        "--area",
        type=int,
        metavar="N",
        help=f"{AREA_HELP}: the page's 'Residents 65+ simulated' starts at N (default 10,000, "
        "or the config's area if smaller); lever values stay in the config's units",
    )
    serve.set_defaults(handler=_cmd_serve)
    return parser


def _cmd_serve(args: argparse.Namespace) -> int:
    import importlib.util  # noqa: PLC0415

    if importlib.util.find_spec("solara") is None:
        raise RunError(
            "care-abm serve needs the visual server's packages: pip install 'care-abm[app]'"
        )
    from abm.server import serve  # noqa: PLC0415

    return serve(resolve_config(args.config), host=args.host, port=args.port, area=args.area)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``care-abm`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ConfigError, RunError, FolderError) as exc:
        print(f"care-abm: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("care-abm: interrupted; no results folder was written", file=sys.stderr)
        return 130


__all__ = ["main"]


if __name__ == "__main__":
    sys.exit(main())
