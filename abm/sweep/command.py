"""``care-abm sweep``: run a sweep file (locally or on Dask), resume it, or re-analyse it.

User errors (a bad sweep file, a folder of another sweep, a bad ``--cluster``) raise
ConfigError or RunError, which the top-level command turns into one line and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from abm.config import AREA_HELP

SWEEPS_ROOT = Path("results") / "sweeps"


def add_sweep_parser(sub: Any) -> None:
    """Add the ``sweep`` subcommand to ``care-abm``'s subparsers."""
    sweep = sub.add_parser(
        "sweep",
        help="run a parameter sweep and sensitivity analysis (local processes or Dask)",
        description="Run every point of a sweep file (experiments/sweeps/*.toml) and analyse "
        "the results: a tidy table of inputs x replication x KPIs, sensitivity indices with "
        "intervals, figures. Every run is saved as it finishes; --resume continues a sweep "
        "that stopped. See docs/sweeps.md.",
    )
    sweep.add_argument("sweep_file", type=Path, nargs="?", help="sweep TOML file")
    sweep.add_argument(
        "--analyse",
        "--analyze",
        dest="analyse",
        type=Path,
        metavar="DIR",
        help="re-consolidate and re-analyse the sweep folder DIR without running anything",
    )
    add_engine_arguments(sweep, "sweep")
    sweep.add_argument(
        "--area",
        type=int,
        metavar="N",
        help=f"the base config: {AREA_HELP}; replaces the sweep file's area_residents, and the "
        "file's [set] values and parameters are for the scaled area",
    )
    sweep.add_argument(
        "--out", "-o", type=Path, help="sweep folder (default results/sweeps/<name>)"
    )
    sweep.add_argument(
        "--resume",
        action="store_true",
        help="continue the sweep in --out: skip runs already saved, run the rest",
    )
    sweep.add_argument(
        "--retry-errors",
        action="store_true",
        help="with --resume, run again the runs that were recorded with an error",
    )
    sweep.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    sweep.set_defaults(handler=run_command)


def add_engine_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """``--jobs``, ``--cluster`` and ``--scheduler``: where the runs of a ``what`` execute."""
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        help="local worker processes (default: one per CPU; results are identical for any number)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--cluster",
        metavar="KIND:N",
        help="run on Dask: local:N starts a LocalCluster of N worker processes; slurm:N, "
        f"pbs:N, sge:N, lsf:N, htcondor:N start N dask-jobqueue workers with the {what} "
        "file's [cluster.KIND] settings",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786",
    )


def engine_factory(args: argparse.Namespace, spec: Any) -> Any:
    """A function that starts the engine the arguments ask for (only when there are runs).

    ``spec`` needs a ``cluster`` mapping (dask-jobqueue settings by cluster kind)."""
    from abm.run import RunError  # noqa: PLC0415
    from abm.sweep.engine import (  # noqa: PLC0415
        DaskEngine,
        ProcessEngine,
        SerialEngine,
        parse_cluster,
        parse_scheduler,
    )
    from abm.validation import check_jobs  # noqa: PLC0415

    if args.scheduler:
        parse_scheduler(args.scheduler)  # a malformed address stops here, before any work
        return lambda: DaskEngine(scheduler=args.scheduler)
    if args.cluster:
        kind, workers = parse_cluster(args.cluster)
        if kind == "local":
            return lambda: DaskEngine(local_workers=workers)
        try:
            import dask_jobqueue  # noqa: F401, PLC0415
        except ImportError:
            raise RunError(
                f"--cluster {args.cluster}: needs dask-jobqueue (pip install 'care-abm[cluster]')"
            ) from None
        options = dict(spec.cluster.get(kind, {}))
        return lambda: DaskEngine(jobqueue=(kind, workers, options))
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    check_jobs(spec.base, jobs)
    if jobs == 1:
        return SerialEngine
    return lambda: ProcessEngine(jobs)


def _print_analysis(analysis: Any, spec: Any) -> None:
    from abm.sweep.analysis import top_lines  # noqa: PLC0415

    lines = top_lines(analysis.sensitivity, spec)
    if lines:
        print("\nTop sensitivity indices (all in sensitivity.csv):")
        for line in lines:
            print("  " + line)
    for note in analysis.notes:
        print(f"Note: {note}")


def run_command(args: argparse.Namespace) -> int:
    """Run, resume or re-analyse a sweep; print where the results are."""
    from abm.run import RunError  # noqa: PLC0415
    from abm.sweep.runner import analyse_folder, run_sweep  # noqa: PLC0415
    from abm.sweep.spec import load_sweep  # noqa: PLC0415

    if args.analyse is not None:
        if args.sweep_file is not None:
            raise RunError("give a sweep file to run, or --analyse DIR, not both")
        if args.area is not None:
            raise RunError("--area scales a sweep to run; --analyse DIR runs nothing")
        analysis = analyse_folder(args.analyse)
        spec = load_sweep(args.analyse / "sweep.toml")
        if not args.quiet:
            print(
                f"Analysed {len(analysis.table)} runs ({analysis.failed} failed, "
                f"{analysis.missing} not finished) of {spec.name}"
            )
            _print_analysis(analysis, spec)
        print(f"Results: {args.analyse}")
        return _failed_runs_status(analysis, args.analyse)
    if args.sweep_file is None:
        raise RunError("give a sweep file to run (care-abm sweep FILE), or --analyse DIR")
    if args.retry_errors and not args.resume:
        raise RunError("--retry-errors only applies with --resume")
    spec = load_sweep(args.sweep_file, args.area)
    make_engine = engine_factory(args, spec)
    out = args.out if args.out is not None else SWEEPS_ROOT / spec.name
    log = None if args.quiet else (lambda text: print(text, file=sys.stderr))
    try:
        outcome = run_sweep(
            spec,
            out,
            make_engine,
            resume=args.resume,
            retry_errors=args.retry_errors,
            progress=not args.quiet,
            log=log,
        )
    except KeyboardInterrupt:
        saved = len(list((out / "runs").glob("p*-r*.json"))) if (out / "runs").is_dir() else 0
        print(
            f"care-abm: interrupted; {saved} finished runs are saved in {out}: run the same "
            "command with --resume to finish the sweep",
            file=sys.stderr,
        )
        return 130
    analysis = outcome.analysis
    if not args.quiet:
        if outcome.ran:
            print(
                f"\n{outcome.ran} runs in {outcome.run_seconds:,.1f} s "
                f"({outcome.runs_per_minute:,.0f} runs a minute) on {outcome.engine}; "
                f"{analysis.failed} failed (see errors.csv)"
            )
        _print_analysis(analysis, spec)
    print(f"Results: {out}")
    return _failed_runs_status(analysis, out)


def _failed_runs_status(analysis: Any, out: Path) -> int:
    """Exit status 1, and one line on stderr even with --quiet, when any run of the sweep
    failed: a sweep with holes must not pass for a finished one."""
    if not analysis.failed:
        return 0
    print(
        f"care-abm: {analysis.failed} of {analysis.expected_runs} runs failed (errors in "
        f"{out / 'errors.csv'}); fix the cause and run again with --resume --retry-errors",
        file=sys.stderr,
    )
    return 1
