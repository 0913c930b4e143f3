"""Are a speed-up's outputs bit-identical to a reference commit's? Every daily series, every
output table, compared exactly.

A speed-up must leave every random draw where it was, so the model's outputs must not move by
a bit. This script runs a set of configurations (the baseline at a small and the full area
size, the pooled and integrated budgets, a council cut, the pay rules, an ageing and a
stationary population, a schedule of lever changes, and the daily-stepping reference) twice:
once on a reference commit (checked out as a detached worktree) and once on this working
tree, each in its own Python process. It then compares, exactly, the model's whole ``daily``
table (warm-up days included, day by day), every table ``run_record`` returns (delays,
accounts, money flows, the per-patient fit-to-discharge pairs' KPIs) and every file of the
results folder ``write_results`` writes, except ``metadata.json`` (times and a timestamp) and,
unless ``--figures``, the PNG figures. The reference's outputs are cached by commit, so
checking each further step costs only this tree's runs.

It never times anything; it exits non-zero when an output differs, naming the first differing
day and column. Run ``python benchmarks/check_identical.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL, FULL = 10_000, 60_000

# name: (experiment file, area size, years, extra dotted-key changes)
CONFIGS: dict[str, tuple[str, int, int, tuple[tuple[str, object], ...]]] = {
    "baseline-small": ("baseline.toml", SMALL, 3, ()),
    "pooled": ("better_care_fund.toml", SMALL, 3, ()),
    "integrated": ("integrated_budget_only.toml", SMALL, 3, ()),
    "council-cut": ("council_funding_cut.toml", SMALL, 3, ()),
    "pay-nhs-parity": ("nhs_pay_parity.toml", SMALL, 3, ()),
    "national-care-service": ("national_care_service.toml", SMALL, 2, ()),
    "fund-social-care": ("fund_social_care.toml", SMALL, 2, ()),
    "ageing": ("ageing_85plus.toml", SMALL, 3, ()),
    "stationary": ("baseline.toml", SMALL, 2, (("population.stationary", True),)),
    "schedule": ("SCHEDULE", SMALL, 2, ()),
    "daily-stepping": ("baseline.toml", 2_000, 1, ()),
    "baseline-full": ("baseline.toml", FULL, 10, ()),
}
QUICK = ("baseline-small", "pooled", "council-cut", "pay-nhs-parity", "schedule")

# Lever changes part-way through a run: a hazard (every resident's events are redrawn), the
# need tables, the eligibility threshold and beds.
SCHEDULE_TOML = """extends = "{base}"
name = "schedule_check"

[[schedule]]
date = 2026-01-01
set = {{ "hospital.beds" = 150, "council.eligibility_threshold" = 10.0 }}

[[schedule]]
date = 2026-06-01
set = {{ "admissions.post_discharge_hazard_ratio" = 8.0, "need.carer_hours" = [5.0, 15.0, 30.0] }}
"""


def worker(config: str, residents: int, years: int, changes: str, out: Path) -> None:
    """Run one replication in this process (with whichever ``abm`` is first on the path) and
    write everything it produces into ``out``."""
    import abm.figures
    from abm.config import load_scenario, scale_area
    from abm.metrics import compute_kpis, run_record
    from abm.model import CareSystemModel
    from abm.rng import replication_seed
    from abm.run import ReplicationResult, write_results

    scenario = scale_area(load_scenario(config), residents)
    sets = [("run.years", years), ("run.replications", 1), *json.loads(changes)]
    scenario = scenario.with_changes([tuple(pair) for pair in sets])
    timing = "daily" if os.environ.get("CHECK_IDENTICAL_TIMING") == "daily" else "calendar"
    if timing == "daily":
        scenario = scenario.with_changes([("run.warmup_days", 30)])
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, 0), timing=timing)
    if timing == "daily":
        while model.day < 90:
            model.step()
    else:
        while not model.finished:
            model.step()
    record = run_record(model)
    out.mkdir(parents=True)
    tables = out / "tables"
    tables.mkdir()
    record.daily.to_pickle(tables / "daily_all_days.pkl")
    record.delays.to_pickle(tables / "delays_all.pkl")
    record.accounts.to_pickle(tables / "accounts.pkl")
    record.flows.to_pickle(tables / "flows.pkl")
    kpis = compute_kpis(record)
    (tables / "kpis.json").write_text(json.dumps(kpis, sort_keys=True, default=repr))
    daily = record.daily[record.daily["reported"]].drop(columns=["reported", "day"])
    delays = record.delays[record.delays["reported"]].drop(columns=["reported"])
    result = ReplicationResult(
        replication=0,
        kpis=kpis,
        daily=daily.reset_index(drop=True),
        delays=delays.reset_index(drop=True),
        seconds=0.0,
        accounts=record.accounts,
        flows=record.flows,
    )
    if not os.environ.get("CHECK_IDENTICAL_FIGURES"):
        abm.figures.write_figures = lambda *args: None
    folder = out / "results"
    folder.mkdir()
    write_results(folder, scenario, [result], {})


def run_one(root: Path, name: str, out: Path, work: Path, figures: bool) -> None:
    """Run configuration ``name`` on the checkout ``root`` (a separate process)."""
    experiment, residents, years, changes = CONFIGS[name]
    if experiment == "SCHEDULE":
        config = work / f"schedule-{abs(hash(str(root)))}.toml"
        config.write_text(SCHEDULE_TOML.format(base=root / "experiments" / "baseline.toml"))
    else:
        config = root / "experiments" / experiment
    # A fixed hash seed: the accounts table's row order follows a set's (string hashes), which
    # differs between processes on any commit; fixing it compares like with like.
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": "0"}
    env.pop("CHECK_IDENTICAL_TIMING", None)
    if name == "daily-stepping":
        env["CHECK_IDENTICAL_TIMING"] = "daily"
    if figures:
        env["CHECK_IDENTICAL_FIGURES"] = "1"
    args = [str(config), str(residents), str(years), json.dumps(changes), str(out)]
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    subprocess.run(command, cwd=root, env=env, check=True)


def compare(reference: Path, current: Path, labels: bool = False) -> list[str]:
    """Every difference between two runs' outputs, as lines (empty: identical).

    With ``labels``, text that only labels the numbers may differ: a CSV file is compared on
    the reference's columns other than ``unit`` (a new column, such as the price base, is
    allowed), and ``config.toml`` on the reference's keys (a new key, at a default that
    reproduces the reference, is allowed). Every number must still be identical."""
    import pandas as pd

    problems = []
    ref_files = {p.relative_to(reference) for p in reference.rglob("*") if p.is_file()}
    cur_files = {p.relative_to(current) for p in current.rglob("*") if p.is_file()}
    ignored = {Path("results/metadata.json")}
    for missing in sorted((ref_files ^ cur_files) - ignored):
        side = "reference" if missing in ref_files else "this tree"
        problems.append(f"{missing}: only in {side}")
    for rel in sorted((ref_files & cur_files) - ignored):
        a, b = reference / rel, current / rel
        if rel.suffix in {".pkl", ".parquet"}:
            read = pd.read_pickle if rel.suffix == ".pkl" else pd.read_parquet
            left, right = read(a), read(b)
            difference = first_difference(left, right)
            if difference:
                problems.append(f"{rel}: {difference}")
        elif labels and rel.suffix == ".csv":
            left, right = pd.read_csv(a), pd.read_csv(b)
            keep = [c for c in left.columns if c != "unit"]
            missing = [c for c in keep if c not in right.columns]
            difference = (
                f"columns {missing} missing"
                if missing
                else first_difference(left[keep], right[keep])
            )
            if difference:
                problems.append(f"{rel}: {difference}")
        elif labels and rel.suffix == ".toml":
            import tomllib

            old, new = (tomllib.loads(p.read_text()) for p in (a, b))
            changed = [
                f"{section}.{key}"
                for section, table in old.items()
                for key, value in (table.items() if isinstance(table, dict) else [("", table)])
                if (new.get(section, {}).get(key) if isinstance(table, dict) else new.get(section))
                != value
            ]
            if changed:
                problems.append(f"{rel}: values differ at {changed[:5]}")
        elif not filecmp.cmp(a, b, shallow=False):
            problems.append(f"{rel}: files differ")
    return problems


def first_difference(left: object, right: object) -> str | None:
    """Where two tables first differ (columns, dtypes, then the first row and column), or
    ``None`` when they are identical to the bit (NaN equal to NaN)."""
    import numpy as np
    import pandas as pd

    if list(left.columns) != list(right.columns):
        return f"columns differ: {list(left.columns)} vs {list(right.columns)}"
    if len(left) != len(right):
        return f"{len(left)} rows vs {len(right)}"
    for column in left.columns:
        a, b = left[column].to_numpy(), right[column].to_numpy()
        if a.dtype != b.dtype:
            return f"column {column}: dtype {a.dtype} vs {b.dtype}"
        if a.dtype.kind == "f":
            same = (a.view(np.uint64) == b.view(np.uint64)) if a.itemsize == 8 else (a == b)
        else:
            same = np.array(
                [x == y or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b, strict=True)]
            )
        if not same.all():
            row = int(np.flatnonzero(~same)[0])
            where = f"date {left['date'].iloc[row]}" if "date" in left.columns else f"row {row}"
            return f"first difference at {where}, column {column}: {a[row]!r} vs {b[row]!r}"
    return None


def reference_tree(rev: str, cache: Path) -> tuple[Path, str]:
    """A detached worktree of ``rev`` (made once), and the commit it is."""
    commit = subprocess.run(
        ["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = cache / f"tree-{commit[:12]}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return tree, commit


def main() -> None:
    """Run the configurations on both trees and compare; exit 1 on any difference."""
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        config, residents, years, changes, out = sys.argv[2:7]
        worker(config, int(residents), int(years), changes, Path(out))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        default=None,
        help="reference revision (default: where this branch left main, git merge-base HEAD main)",
    )
    parser.add_argument("--configs", default="all", help=f"comma-separated of {list(CONFIGS)}")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--figures", action="store_true", help="also compare the PNG figures")
    parser.add_argument(
        "--labels",
        action="store_true",
        help="let text that only labels numbers differ (a unit, a new column or config key)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "care-abm-identical",
        help="where the reference's worktree and outputs are kept",
    )
    args = parser.parse_args()
    names = list(QUICK) if args.quick else list(CONFIGS)
    if args.configs != "all":
        names = args.configs.split(",")
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.base is None:
        args.base = (
            subprocess.run(
                ["git", "merge-base", "HEAD", "main"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or "main"
        )
    base_tree, commit = reference_tree(args.base, args.cache)
    suffix = "-figures" if args.figures else ""
    reference_dir = args.cache / f"outputs-{commit[:12]}{suffix}"
    current_dir = Path(tempfile.mkdtemp(prefix="care-abm-current-"))
    jobs = []
    for name in names:
        if not (reference_dir / name).exists():
            jobs.append((base_tree, name, reference_dir / f"{name}.partial"))
        jobs.append((ROOT, name, current_dir / name))

    def run(job: tuple[Path, str, Path]) -> None:
        root, name, out = job
        shutil.rmtree(out, ignore_errors=True)
        run_one(root, name, out, args.cache, args.figures)
        if out.name.endswith(".partial"):
            out.rename(out.with_name(name))
        print(f"ran {name} on {'reference' if root == base_tree else 'this tree'}", flush=True)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(run, jobs))
    failed = False
    for name in names:
        problems = compare(reference_dir / name, current_dir / name, labels=args.labels)
        failed |= bool(problems)
        print(f"{name}: {'IDENTICAL' if not problems else 'DIFFERENT'}")
        for line in problems[:10]:
            print(f"    {line}")
    shutil.rmtree(current_dir, ignore_errors=True)
    print(f"reference {args.base} ({commit[:12]}); {len(names)} configurations")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
