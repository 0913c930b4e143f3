"""``care-abm responses``: the lever response table (docs/responses.md) on the command line."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from abm.config import AREA_HELP
from abm.packaged import ENSEMBLE_HELP, MEMBERS_HELP


def add_responses_parser(sub: Any) -> None:
    """Add the ``responses`` subcommand to ``care-abm``'s subparsers."""
    responses = sub.add_parser(
        "responses",
        help="the lever response table: every lever and capacity against the baseline",
        description="Run the baseline and every lever of a response file (default "
        "experiments/responses/levers.toml) as one paired comparison with common random numbers "
        "(and, with --ensemble, replication k running member k of the plausible ensemble), "
        "then write responses.csv and responses.md into the comparison folder: for each "
        "lever the change in delayed bed-days by responsible body and by reason, emergency "
        "admissions, unmet need, care vacancies and turnover, public and private spending, "
        "with 95%% intervals, and the mechanism through which it acts. See docs/responses.md.",
    )
    responses.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="response file (TOML; default experiments/responses/levers.toml)",
    )
    responses.add_argument(
        "--replications", "-r", type=int, help="replications of every config (run.replications)"
    )
    responses.add_argument("--seed", type=int, help="root seed of every config (run.seed)")
    responses.add_argument(
        "--jobs", "-j", type=int, default=1, help="worker processes (results are identical)"
    )
    responses.add_argument(
        "--out", "-o", type=Path, help="comparison folder (default results/responses-<time>)"
    )
    responses.add_argument(
        "--page", type=Path, metavar="MD", help="also write the page here (docs/responses.md)"
    )
    responses.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a value of the base (and so of every lever), e.g. --set run.years=2",
    )
    responses.add_argument("--area", type=int, metavar="N", help=f"every config: {AREA_HELP}")
    responses.add_argument(
        "--ensemble", nargs="?", const=True, default=None, metavar="FILE", help=ENSEMBLE_HELP
    )
    responses.add_argument("--members", type=int, metavar="N", help=MEMBERS_HELP)
    responses.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    responses.set_defaults(handler=run_responses)


def run_responses(args: argparse.Namespace) -> int:
    """Check everything, run the comparison, write the table and the page."""
    import datetime as dt  # noqa: PLC0415

    from abm.calibration.ensemble import from_option  # noqa: PLC0415
    from abm.compare.command import option_words, overrides  # noqa: PLC0415
    from abm.compare.folder import CompareResults  # noqa: PLC0415
    from abm.compare.responses import lever_entries, load_spec  # noqa: PLC0415
    from abm.compare.responses_page import write_outputs  # noqa: PLC0415
    from abm.compare.runner import Comparison  # noqa: PLC0415
    from abm.config import area_from_command_line  # noqa: PLC0415
    from abm.folders import check_new_folder  # noqa: PLC0415
    from abm.packaged import experiments_dir  # noqa: PLC0415
    from abm.validation import check_jobs  # noqa: PLC0415

    path = args.file or experiments_dir() / "responses" / "levers.toml"
    changes, area, given_by = area_from_command_line(
        overrides(args), args.area, lambda text: print(text, file=sys.stderr)
    )
    spec = load_spec(path, tuple(changes), area, given_by)
    check_jobs(spec.base, args.jobs, spec.base.run.replications)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or Path("results") / f"responses-{stamp}"
    check_new_folder(out)
    ensemble = from_option(args.ensemble, args.members)
    words = option_words(args)
    command = shlex.join(["care-abm", "responses", str(path), *words])
    run = spec.base.run
    print(
        f"Lever responses: {len(spec.levers)} levers against {spec.base.name}, "
        f"{run.replications} paired replication(s) each of {run.years} year(s) "
        f"(+{run.warmup_days} warm-up days), {spec.base.population.residents_65plus:,} "
        f"residents 65+, {args.jobs} process(es)"
        + (f", ensemble of {len(ensemble)} parameter sets" if ensemble is not None else ""),
        file=sys.stderr,
    )
    with lever_entries(spec) as entries:
        folder = Comparison(
            entries,
            out,
            jobs=args.jobs,
            progress=not args.quiet,
            options=words,
            ensemble=ensemble,
        ).run()
    results = CompareResults.load(folder)
    write_outputs(results, spec, folder / "responses.md", command)
    if args.page is not None:
        write_outputs(results, spec, args.page, command)
        print(f"Page: {args.page}")
    print(f"Results: {folder} (responses.csv, responses.md)")
    return 0
