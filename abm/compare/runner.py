"""Run a comparison: every config's replications, then paired differences and figures.

Each config is run with :func:`abm.run.run_replications` and written as a complete results
folder of the contract (``runs/<name>/``, by :func:`abm.run.write_results`), so a comparison
holds everything ``care-abm run`` would have written for each config. The base is run once
however many configs it is compared with. The comparison folder is built under
``<out>.partial`` and renamed only when everything is written, so a folder with the final name
is always complete.

With a plausible ensemble (``--ensemble``), replication k of every config runs with the
ensemble's member k (mod its size) and replication k's seed: the pairs still share their
residents and their parameters, so a pair's difference is the policy's effect under one
plausible parameter set, and the spread of the differences over the ensemble
(``spread_low``/``spread_high`` in ``differences.csv``, :func:`abm.compare.stats.
ensemble_spread`) shows what the parameters' uncertainty does to it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shlex
import shutil
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from tqdm import tqdm

import abm
from abm.compare.figures import write_comparison_figures
from abm.compare.folder import CompareResults
from abm.compare.pairing import Entry, check_pairable
from abm.compare.stats import ensemble_spread, paired_differences
from abm.prices import price_label
from abm.run import (
    RunError,
    _git_commit,
    partial_folder,
    refuse_existing,
    run_replications,
    worker_pool,
    write_results,
)

if TYPE_CHECKING:
    from abm.calibration.ensemble import Ensemble


def default_compare_dir(base: str, root: Path = Path("results")) -> Path:
    """``results/compare-<base name>-<timestamp>``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / f"compare-{base}-{stamp}"


@dataclasses.dataclass
class Comparison:
    """A base config and the configs compared with it, and how to run them."""

    entries: list[Entry]
    out: Path
    jobs: int = 1
    progress: bool = True
    options: tuple[str, ...] = ()  # the command-line options that shaped the configs
    ensemble: Ensemble | None = None  # replication k of every config runs member k

    def __post_init__(self) -> None:
        if len(self.entries) < 2:
            raise RunError("a comparison needs a base config and at least one other")
        check_pairable(self.entries)
        if self.ensemble is not None:
            from abm.calibration.ensemble import check_ensemble_keys  # noqa: PLC0415

            check_ensemble_keys(
                self.ensemble,
                self.entries[0].scenario,
                [e.scenario for e in self.entries[1:]],
                [str(e.path) for e in self.entries[1:]],
            )

    @property
    def replications(self) -> int:
        """Replications of every config (the same for all: they are paired)."""
        return self.entries[0].scenario.run.replications

    def run(self) -> Path:
        """Run every config, write the comparison folder and return its path."""
        refuse_existing(self.out)
        started = time.perf_counter()
        with partial_folder(self.out) as partial:
            (partial / "runs").mkdir()
            tables = self._run_all(partial)
            self._write_tables(partial, tables)
            self._write_sources(partial)
            self._write_metadata(partial, time.perf_counter() - started)
            results = CompareResults.load(partial)
            for other in results.others:
                write_comparison_figures(results, [results.base, other])
            if len(results.others) > 1:
                write_comparison_figures(results, results.names)
        return self.out

    def _run_all(self, folder: Path) -> dict[str, pd.DataFrame]:
        """Run each config in turn (its replications in parallel) and write its folder."""
        tables: dict[str, pd.DataFrame] = {}
        bar = tqdm(
            total=len(self.entries) * self.replications,
            desc="replications",
            unit="run",
            file=sys.stderr,
            disable=not self.progress,
        )
        parallel = self.jobs > 1 and self.replications > 1
        pool = worker_pool(min(self.jobs, self.replications)) if parallel else nullcontext()
        with bar, pool as executor:
            for entry in self.entries:
                bar.set_postfix_str(entry.name)
                started = time.perf_counter()
                variants = (
                    self.ensemble.scenarios(entry.scenario, self.replications)
                    if self.ensemble is not None
                    else None
                )
                results = run_replications(
                    entry.scenario,
                    self.replications,
                    self.jobs,
                    lambda _: bar.update(1),
                    pool=executor,
                    variants=variants,
                )
                run_folder = folder / "runs" / entry.name
                run_folder.mkdir()
                extra = {
                    "jobs": self.jobs,
                    "wall_seconds": round(time.perf_counter() - started, 3),
                    "replication_seconds": [round(r.seconds, 3) for r in results],
                    "config_file": str(entry.path),
                }
                if self.ensemble is not None:
                    extra["ensemble"] = self.ensemble.describe(self.replications)
                write_results(run_folder, entry.scenario, results, extra)
                tables[entry.name] = pd.DataFrame(
                    [r.kpis for r in results], index=[r.replication for r in results]
                )
        return tables

    def _write_tables(self, folder: Path, tables: dict[str, pd.DataFrame]) -> None:
        long = pd.concat(
            [
                table.rename_axis(index="replication", columns="metric")
                .stack(future_stack=True)
                .rename("value")
                .reset_index()
                .assign(scenario=name)
                for name, table in tables.items()
            ],
            ignore_index=True,
        )
        long[["scenario", "replication", "metric", "value"]].to_csv(
            folder / "replications.csv", index=False
        )
        base = tables[self.entries[0].name]
        table = pd.concat(
            [
                self._differences(base, tables[entry.name]).assign(comparison=entry.name)
                for entry in self.entries[1:]
            ],
            ignore_index=True,
        )
        table = table[["comparison", *table.columns.drop("comparison")]]
        table.to_csv(folder / "differences.csv", index=False)

    def _differences(self, base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
        """Paired differences, with the spread over the ensemble when there is one."""
        table = paired_differences(base, other, self.entries[0].scenario.prices.base)
        if self.ensemble is None:
            return table
        members = pd.Series({k: self.ensemble.member_of(k) for k in base.index})
        return table.merge(ensemble_spread(base, other, members), on="metric", how="left")

    def _write_sources(self, folder: Path) -> None:
        sources = folder / "sources"
        sources.mkdir()
        for entry in self.entries:
            shutil.copyfile(entry.path, sources / f"{entry.name}.toml")

    def _write_metadata(self, folder: Path, seconds: float) -> None:
        run = self.entries[0].scenario.run
        metadata = {
            "care_abm_version": abm.__version__,
            "git_commit": _git_commit(),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": shlex.join(
                ["care-abm", "compare", *(str(e.path) for e in self.entries), *self.options]
            ),
            "options": list(self.options),
            "base": self.entries[0].name,
            "others": [entry.name for entry in self.entries[1:]],
            "scenarios": {
                entry.name: {
                    "file": str(entry.path),
                    "name": entry.scenario.name,
                    "description": entry.scenario.description,
                }
                for entry in self.entries
            },
            "seed": run.seed,
            "replications": run.replications,
            "start_date": run.start_date.isoformat(),
            "years": run.years,
            "warmup_days": run.warmup_days,
            "residents_65plus": self.entries[0].scenario.population.residents_65plus,
            "price_base": price_label(self.entries[0].scenario.prices.base),
            "jobs": self.jobs,
            "wall_seconds": round(seconds, 3),
        }
        if self.ensemble is not None:
            metadata["ensemble"] = self.ensemble.describe(self.replications)
        (folder / "compare.json").write_text(json.dumps(metadata, indent=2) + "\n")
