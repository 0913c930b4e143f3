"""``care-abm calibrate``: fit the baseline's unsourced parameters, or report on the baseline.

User errors (a bad calibration file or targets table, a folder of another calibration) raise
ConfigError or RunError, which the top-level command turns into one line and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from abm.folders import FolderError, check_folder_path, check_output_file, replaceable_folder
from abm.sweep.command import add_engine_arguments, engine_factory

DEFAULT_SPEC = Path("experiments/calibration/baseline.toml")
DEFAULT_BASELINE = Path("experiments/baseline.toml")
DEFAULT_CALIBRATED = Path("experiments/calibrated.toml")
DEFAULT_REPORT = Path("docs/calibration/report.md")
DEFAULT_STATUS = Path("docs/calibration_status.csv")
DEFAULT_DIAGNOSTICS = Path("docs/calibration/fit")
ROOT = Path("results") / "calibration"


def add_calibrate_parser(sub: Any) -> None:
    """Add the ``calibrate`` subcommand to ``care-abm``'s subparsers."""
    calibrate = sub.add_parser(
        "calibrate",
        help="fit unsourced parameters to the validation targets, or report on the baseline",
        description="History-match the parameters a calibration file names (experiments/"
        "calibration/*.toml) to the fitted validation targets in seeds/targets.csv: waves of "
        "runs on the sweep engines, a Gaussian-process emulator per target, and an "
        "implausibility with the emulator's, the observation's and the model discrepancy's "
        "variance that rules out parameter sets wave by wave. Writes the plausible ensemble "
        "(experiments/calibrated/ensemble.parquet, for run and compare --ensemble) and the best "
        "verified member to the file the baseline extends. An interrupted calibration carries "
        "on where it stopped. With --report, run the baseline and write the calibration report "
        "and status table instead. See docs/calibration.md.",
    )
    calibrate.add_argument(
        "calibration_file",
        type=Path,
        nargs="?",
        default=DEFAULT_SPEC,
        help=f"calibration TOML file (default {DEFAULT_SPEC})",
    )
    add_engine_arguments(calibrate, "calibration")
    calibrate.add_argument(
        "--out", "-o", type=Path, help="calibration folder (default results/calibration/<name>)"
    )
    calibrate.add_argument(
        "--diagnostics",
        type=Path,
        default=DEFAULT_DIAGNOSTICS,
        help=f"where a copy of the fit's diagnostics goes (default {DEFAULT_DIAGNOSTICS})",
    )
    report = calibrate.add_argument_group("report (--report)")
    report.add_argument(
        "--report",
        action="store_true",
        help="run the baseline and write the calibration report and status table",
    )
    report.add_argument(
        "--config", type=Path, default=DEFAULT_BASELINE, help="experiment to report on"
    )
    report.add_argument("--replications", "-r", type=int, help="replications (run.replications)")
    report.add_argument(
        "--results", type=Path, metavar="DIR", help="report on this `care-abm run` folder instead"
    )
    report.add_argument("--report-file", type=Path, default=DEFAULT_REPORT, help="report file")
    report.add_argument("--status-file", type=Path, default=DEFAULT_STATUS, help="status table")
    report.add_argument(
        "--calibrated", type=Path, default=DEFAULT_CALIBRATED, help="calibrated file to cite"
    )
    report.add_argument("--targets", type=Path, help="targets table (default seeds/targets.csv)")
    calibrate.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    calibrate.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Run a calibration or write the report."""
    if args.report:
        return _report(args)
    from abm.calibration.runner import run_calibration  # noqa: PLC0415
    from abm.calibration.spec import load_calibration  # noqa: PLC0415
    from abm.calibration.targets import load_targets  # noqa: PLC0415
    from abm.run import RunError  # noqa: PLC0415

    if args.replications is not None:
        raise RunError(
            "--replications applies to --report; a fit's replications are set in the "
            "calibration file"
        )
    spec = load_calibration(args.calibration_file)
    targets = load_targets(spec.targets_file) if spec.targets_file else load_targets()
    out = args.out if args.out is not None else ROOT / spec.name
    check_folders(out, args.diagnostics)
    log = None if args.quiet else (lambda text: print(text, file=sys.stderr))
    try:
        outcome = run_calibration(
            spec,
            targets,
            out,
            engine_factory(args, spec),
            progress=not args.quiet,
            log=log,
            jobs=args.jobs or os.cpu_count() or 1,
        )
    except KeyboardInterrupt:
        print(
            f"care-abm: interrupted; finished runs are saved in {out}: run the same command "
            "again to carry on",
            file=sys.stderr,
        )
        return 130
    copy_diagnostics(out, args.diagnostics)
    within = sum(abs(z) <= 1 for z in outcome.z.values())
    print(
        f"Fitted {len(outcome.chosen)} parameters: loss {outcome.loss:.2f}, {within} of "
        f"{len(outcome.z)} fitted targets within tolerance ({outcome.ran} runs now, "
        f"{outcome.runs} in all, {outcome.seconds:,.0f} s)"
    )
    for name, value in outcome.chosen.items():
        print(f"  {name} = {value:.4g}")
    print(f"Calibrated values: {outcome.output}")
    print(f"Ensemble: {outcome.members} non-implausible parameter sets in {outcome.ensemble}")
    if outcome.members < spec.ensemble_size:
        print(
            f"  fewer than the {spec.ensemble_size} asked for (ensemble_size): see waves.csv "
            "and docs/calibration.md, 'When the region is small'"
        )
    print(f"Diagnostics: {out} (a copy in {args.diagnostics})")
    return 0


DIAGNOSTIC_FILES = {
    "fit.json",
    "points.csv",
    "emulator.csv",
    "waves.csv",
    "dependencies.csv",
    "ensemble_intervals.csv",
}


def check_folders(out: Path, diagnostics: Path) -> None:
    """Before any run: ``--out`` is a folder (or can be made), and ``--diagnostics`` holds
    nothing but an earlier copy of the diagnostics, since it is replaced at the end.

    Raises:
        FolderError: naming the option and the path.
    """
    check_folder_path(out)
    if not replaceable_folder(diagnostics, DIAGNOSTIC_FILES, ("*.png",)):
        raise FolderError(
            f"--diagnostics {diagnostics}: holds files that are not care-abm's diagnostics, "
            "and the folder is replaced at the end; choose an empty or new folder"
        )


def copy_diagnostics(folder: Path, to: Path) -> None:
    """Copy the fit's tables and figures (not the runs) to ``to``, replacing an earlier copy
    (and never a folder holding anything else: :func:`check_folders`)."""
    check_folders(folder, to)
    if to.exists():
        shutil.rmtree(to)
    to.mkdir(parents=True)
    for name in sorted(DIAGNOSTIC_FILES):
        shutil.copy2(folder / name, to / name)
    for figure in sorted((folder / "figures").glob("*.png")):
        shutil.copy2(figure, to / figure.name)


def _report(args: argparse.Namespace) -> int:
    from abm.calibration.report import BaselineResults, write_report  # noqa: PLC0415
    from abm.calibration.targets import load_targets  # noqa: PLC0415
    from abm.config import load_scenario  # noqa: PLC0415
    from abm.run import run_replications  # noqa: PLC0415
    from abm.sweep.engine import ProcessEngine  # noqa: F401, PLC0415
    from abm.validation import check_jobs  # noqa: PLC0415

    targets = load_targets(args.targets) if args.targets else load_targets()
    check_output_file(args.report_file, "--report-file")
    check_output_file(args.status_file, "--status-file")
    if args.results is not None:
        results = BaselineResults.from_folder(args.results)
    else:
        replications = args.replications
        overrides = [] if replications is None else [f"run.replications={replications}"]
        scenario = load_scenario(args.config, overrides)
        jobs = args.jobs if args.jobs is not None else 1
        check_jobs(scenario, jobs, scenario.run.replications)
        if not args.quiet:
            print(
                f"Running {scenario.name}: {scenario.run.replications} replications of "
                f"{scenario.run.years} years, {jobs} process(es)",
                file=sys.stderr,
            )
        replicated = run_replications(scenario, scenario.run.replications, jobs)
        results = BaselineResults.from_results(scenario, replicated)
    status = write_report(targets, results, args.report_file, args.status_file, args.calibrated)
    within = int(status["within"].sum())
    print(f"Within tolerance: {within} of {len(status)} targets ({within / len(status):.0%})")
    for row in status[~status["within"]].itertuples():
        print(f"  outside: {row.target_id} ({row.split}) {row.kpi}: model {row.model_mean:.4g}, "
              f"target {row.local_value:.4g} ± {row.tolerance:.3g}")  # fmt: skip
    print(f"Report: {args.report_file}")
    print(f"Status table: {args.status_file}")
    return 0
