"""Regenerate the results on every docs/experiments/ page: one comparison, all experiments.

Runs ``care-abm compare experiments/baseline.toml <every other experiment> --report`` (the
base is run once) and rewrites the generated block of each page and of the index from the
comparison folder; the hand-written text of the pages is kept. Run it deliberately whenever
the model's outputs change (after the money and calibration work, say)::

    .venv/bin/python scripts/update_experiment_pages.py                 # 10 replications, 2 jobs
    .venv/bin/python scripts/update_experiment_pages.py --replications 4 --jobs 2
    .venv/bin/python scripts/update_experiment_pages.py --from results/experiment-pages-...

``make experiments`` runs the first form.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def paired_experiments() -> list[str]:
    """Every experiment beside the baseline that can be paired with it: the same horizon
    (``run.years``, ``run.start_date``). Dated runs over their own horizon (the 2025-2040
    projections) have pages of their own, written from their own commands; they are skipped,
    and named."""
    from abm.config import load_scenario  # noqa: PLC0415

    base = load_scenario(Path("experiments") / "baseline.toml").run
    chosen = []
    for path in sorted(Path("experiments").glob("*.toml")):
        if path.name in ("baseline.toml", "calibrated.toml"):
            continue
        run = load_scenario(path).run
        if (run.years, run.start_date) != (base.years, base.start_date):
            print(f"skipped {path}: its own horizon ({run.years} years from {run.start_date})")
            continue
        chosen.append(str(path))
    return chosen


def main(argv: list[str] | None = None) -> int:
    """Run the comparison (unless --from) and refresh the pages; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", "-r", type=int, default=10)
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--from", dest="folder", type=Path, help="use this comparison folder")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    from abm.cli import main as care_abm  # noqa: PLC0415 - after chdir, for relative paths
    from abm.compare.folder import CompareResults  # noqa: PLC0415
    from abm.compare.pages import update_pages  # noqa: PLC0415

    folder = args.folder
    if folder is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = Path("results") / f"experiment-pages-{stamp}"
        experiments = paired_experiments()
        overrides = [word for change in args.set for word in ("--set", change)]
        status = care_abm(
            [
                "compare",
                "experiments/baseline.toml",
                *experiments,
                "--replications",
                str(args.replications),
                "--jobs",
                str(args.jobs),
                "--out",
                str(folder),
                "--report",
                *overrides,
            ]
        )
        if status:
            return status
    for path in update_pages(CompareResults.load(folder), Path("docs") / "experiments"):
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
