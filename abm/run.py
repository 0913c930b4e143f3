"""One experiment: replications of a scenario, in parallel, written to a results folder.

The folder is built under a temporary name and renamed only when everything is written, so
a folder with the final name is always complete. Replication k uses the seed
``replication_seed(seed, k)`` whatever the number of worker processes, so ``--jobs 1`` and
``--jobs 4`` give identical results. With a plausible ensemble (``--ensemble``), replication k
also runs with the ensemble's member k (mod its size), from the same seed
(:mod:`abm.calibration.ensemble`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from tqdm import tqdm

from abm.callable_module import make_callable
from abm.children import die_with_parent
from abm.config import Scenario
from abm.errors import RunError
from abm.folders import check_new_folder, partial_folder
from abm.metrics import KPI_BY_NAME, KPIS, compute_kpis, run_record
from abm.model import CareSystemModel
from abm.prices import PricesConfig, money_unit
from abm.results import Results
from abm.rng import replication_seed
from abm.stats import kpi_bounds, mean_interval

if TYPE_CHECKING:
    from abm.calibration.ensemble import Ensemble


@dataclasses.dataclass(frozen=True)
class ReplicationResult:
    """What one replication returns to the experiment."""

    replication: int
    kpis: dict[str, float]
    daily: pd.DataFrame
    delays: pd.DataFrame
    seconds: float
    accounts: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


def run_replication(scenario: Scenario, replication: int) -> ReplicationResult:
    """Run replication ``replication`` of ``scenario`` to its end."""
    start = time.perf_counter()
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    while not model.finished:
        model.step()
    record = run_record(model)
    daily = record.daily[record.daily["reported"]].drop(columns=["reported", "day"])
    delays = record.delays[record.delays["reported"]].drop(columns=["reported"])
    return ReplicationResult(
        replication=replication,
        kpis=compute_kpis(record),
        daily=daily.reset_index(drop=True),
        delays=delays.reset_index(drop=True),
        seconds=time.perf_counter() - start,
        accounts=record.accounts,
        flows=record.flows,
    )


def run_replications(  # noqa: PLR0917 - the first four are the long-standing call
    scenario: Scenario,
    replications: int,
    jobs: int = 1,
    on_done: Callable[[ReplicationResult], None] | None = None,
    pool: Executor | None = None,
    variants: Sequence[Scenario] | None = None,
) -> list[ReplicationResult]:
    """Run replications 0..n-1, in ``jobs`` worker processes; results in replication order.

    ``pool``, when given, is an open executor to run them in (and is left open), so that a
    caller running several scenarios starts its worker processes once. ``variants``, when
    given, is the scenario of each replication (an ensemble member's parameters on
    ``scenario``); the seed is replication k's either way.
    """
    if variants is not None and len(variants) < replications:
        raise RunError(f"{len(variants)} scenarios for {replications} replications")
    chosen = list(variants) if variants is not None else [scenario] * replications
    results: list[ReplicationResult] = []
    if pool is None and (jobs <= 1 or replications == 1):
        for k in range(replications):
            results.append(run_replication(chosen[k], k))
            if on_done:
                on_done(results[-1])
    else:
        with nullcontext(pool) if pool else worker_pool(min(jobs, replications)) as executor:
            futures = [executor.submit(run_replication, chosen[k], k) for k in range(replications)]
            for future in as_completed(futures):
                results.append(future.result())
                if on_done:
                    on_done(results[-1])
    return sorted(results, key=lambda r: r.replication)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes started afresh (spawn), so a run never inherits the parent's state,
    and killed with it (:func:`abm.children.die_with_parent`), so none outlives a SIGKILL."""
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def summarise(
    results: list[ReplicationResult], price_base: str = PricesConfig.base
) -> pd.DataFrame:
    """Mean and 95% interval over replications for every KPI (columns of the contract), kept
    within the KPI's bounds (:mod:`abm.stats`); a money KPI's unit names the run's price base
    (``prices.base``), so a table read on its own says which prices it is in."""
    rows = []
    for kpi in KPIS:
        values = np.array([r.kpis[kpi.name] for r in results], dtype=float)
        mean, low, high, n = mean_interval(values, kpi_bounds(kpi.name))
        rows.append(
            {
                "metric": kpi.name,
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
                "n": n,
                "label": kpi.label,
                "unit": money_unit(kpi.unit, price_base),
            }
        )
    return pd.DataFrame(rows)


def tidy_timeseries(results: list[ReplicationResult]) -> pd.DataFrame:
    """Daily outputs as ``date, replication, metric, value`` rows."""
    frames = []
    for result in results:
        long = result.daily.melt(id_vars=["date"], var_name="metric", value_name="value")
        long.insert(1, "replication", result.replication)
        frames.append(long)
    tidy = pd.concat(frames, ignore_index=True)
    tidy["value"] = tidy["value"].astype(float)
    return tidy


def default_results_dir(scenario: Scenario, root: Path = Path("results")) -> Path:
    """``results/<scenario name>-<timestamp>``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / f"{scenario.name}-{stamp}"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


@dataclasses.dataclass
class Experiment:
    """An experiment to run: a scenario and how many replications, seeds and workers."""

    scenario: Scenario
    out: Path
    jobs: int = 1
    progress: bool = True
    on_start: Callable[[], object] | None = None  # called once the folder is claimed
    report: bool = False  # also write report.html (a one-run HTML report)
    ensemble: Ensemble | None = None  # replication k runs with member k (mod size)

    results: Results | None = dataclasses.field(default=None, init=False, repr=False)

    @property
    def replications(self) -> int:
        """Replications to run (``run.replications``)."""
        return self.scenario.run.replications

    def run(self) -> Path:
        """Run every replication and write the results folder; returns its path.

        The folder is claimed (``<out>.partial``, with the tool's marker) before the first
        replication, so an unusable ``--out`` stops at once and a killed run leaves only a
        marked partial folder (:mod:`abm.folders`).
        """
        started = time.perf_counter()
        with partial_folder(self.out) as partial:
            if self.on_start is not None:
                self.on_start()
            bar = tqdm(
                total=self.replications,
                desc="replications",
                unit="run",
                file=sys.stderr,
                disable=not self.progress,
            )
            variants = (
                self.ensemble.scenarios(self.scenario, self.replications)
                if self.ensemble is not None
                else None
            )
            with bar:
                results = run_replications(
                    self.scenario,
                    self.replications,
                    self.jobs,
                    lambda _: bar.update(1),
                    variants=variants,
                )
            extra: dict = {
                "jobs": self.jobs,
                "wall_seconds": round(time.perf_counter() - started, 3),
                "replication_seconds": [round(r.seconds, 3) for r in results],
            }
            if self.ensemble is not None:
                extra["ensemble"] = self.ensemble.describe(self.replications)
            gathered = Results.from_replications(self.scenario, results, extra)
            gathered.write_into(partial, report=self.report)
        gathered.folder = self.out
        self.results = gathered
        return self.out


def refuse_existing(out: Path) -> None:
    """Stop before any work when ``out`` cannot be a new results folder
    (:func:`abm.folders.check_new_folder`)."""
    check_new_folder(out)


def write_results(
    folder: Path, scenario: Scenario, results: list[ReplicationResult], extra: dict
) -> Results:
    """Write the contract's results folder into ``folder`` (:meth:`Results.write_into`)."""
    gathered = Results.from_replications(scenario, results, extra)
    gathered.write_into(folder)
    return gathered


def iter_summary_lines(summary: pd.DataFrame, names: list[str] | None = None) -> Iterator[str]:
    """Human-readable summary rows: ``metric  mean  [low, high]  unit``."""
    rows = summary if names is None else summary[summary["metric"].isin(names)]
    width = max(len(m) for m in rows["metric"])
    for row in rows.itertuples():
        interval = (
            f"[{row.ci_low:,.4g}, {row.ci_high:,.4g}]"
            if not np.isnan(row.ci_low)
            else "(one replication)"
        )
        unit = getattr(row, "unit", None) or KPI_BY_NAME[row.metric].unit
        yield f"{row.metric:<{width}}  {row.mean:>12,.4g}  {interval:<24}  {unit}"


__all__ = [
    "Experiment",
    "ReplicationResult",
    "RunError",
    "iter_summary_lines",
    "run_replication",
    "run_replications",
    "summarise",
    "tidy_timeseries",
    "worker_pool",
    "write_results",
]

make_callable(__name__, "run")  # abm.run(...) is abm.api.run(...): see abm.callable_module
