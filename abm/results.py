"""The results of one experiment as pandas tables: what :func:`abm.run` returns, what a
results folder holds, and the one place that writes and reads that folder.

``care-abm run`` and the Python API share this class, so a folder written by either loads
the same way (:meth:`Results.load`) and a results object saves the same folder
(:meth:`Results.save`), built under a marked partial name (:mod:`abm.folders`) so that
nothing half-written looks complete.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import platform
import sys
from importlib import metadata as package_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import tomli_w

import abm
from abm.config import ConfigError, Scenario, load_scenario
from abm.errors import RunError
from abm.folders import check_new_folder, partial_folder, read_table
from abm.metrics import KPIS
from abm.packaged import lock_hash
from abm.prices import money_unit, price_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from abm.run import ReplicationResult

RECORDED_PACKAGES = ("numpy", "pandas", "scipy", "mesa", "matplotlib", "pyarrow")
"""Packages whose installed versions ``metadata.json`` records, beside the lock's hash."""

SUMMARY_COLUMNS = ("metric", "mean", "ci_low", "ci_high", "n")


def package_versions() -> dict[str, str | None]:
    """The installed version of each of :data:`RECORDED_PACKAGES` (``None`` if missing)."""
    versions: dict[str, str | None] = {}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def flag_warmup(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """``table`` (accounts or money flows, one ``financial_year`` a row) with a ``warmup``
    column: true for a financial year that holds any warm-up day. Those rows are kept (the
    ledger's balances carry over from them) but are not comparable with the KPIs, which
    count only the reported days."""
    if table.empty or "financial_year" not in table.columns:
        return table
    start = scenario.run.start_date
    first_year = table["financial_year"].str.slice(0, 4).astype(int)
    begins = pd.to_datetime(first_year.astype(str) + "-04-01").dt.date
    return table.assign(warmup=(begins < start) & (scenario.run.warmup_days > 0))


@dataclasses.dataclass
class Results:
    """Everything one experiment reports, as pandas DataFrames.

    Attributes:
        scenario: the fully resolved scenario that was run.
        summary: one row per KPI: ``metric, mean, ci_low, ci_high, n, label, unit``.
        replications: one row per replication, one column per KPI (index ``replication``).
        timeseries: every daily output after the warm-up: ``date, replication, metric, value``.
        delays: one row per run of delayed days (patient, pathway, start, days, reason, ...).
        accounts: each body's accounts by financial year, ``warmup`` flagging warm-up years.
        flows: money by payer, payee, pool, purpose and financial year, flagged the same way.
        metadata: versions, seed, timings (what ``metadata.json`` holds).
        folder: where the results were saved or loaded from, if anywhere.
    """

    scenario: Scenario
    summary: pd.DataFrame
    replications: pd.DataFrame
    timeseries: pd.DataFrame
    delays: pd.DataFrame
    accounts: pd.DataFrame
    flows: pd.DataFrame
    metadata: dict[str, Any]
    folder: Path | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def from_replications(
        cls, scenario: Scenario, results: list[ReplicationResult], extra: dict[str, Any]
    ) -> Results:
        """Gather the replications of one run (``extra`` goes into the metadata)."""
        from abm.run import summarise, tidy_timeseries  # noqa: PLC0415 - run imports this module

        def stacked(attribute: str) -> pd.DataFrame:
            frames = [getattr(r, attribute).assign(replication=r.replication) for r in results]
            return flag_warmup(pd.concat(frames, ignore_index=True), scenario)

        return cls(
            scenario=scenario,
            summary=summarise(results, scenario.prices.base),
            replications=pd.DataFrame(
                [r.kpis for r in results], index=pd.Index([r.replication for r in results])
            ).rename_axis("replication"),
            timeseries=tidy_timeseries(results),
            delays=pd.concat(
                [r.delays.assign(replication=r.replication) for r in results], ignore_index=True
            ),
            accounts=stacked("accounts"),
            flows=stacked("flows"),
            metadata=run_metadata(scenario, len(results), extra),
        )

    # ------------------------------------------------------------------ reading

    def daily(self) -> pd.DataFrame:
        """The time series wide: one row per date and replication, one column per output."""
        wide = self.timeseries.pivot_table(
            index=["date", "replication"], columns="metric", values="value", sort=True
        )
        return wide.reset_index().rename_axis(columns=None)

    def kpi(self, metric: str) -> pd.Series:
        """One KPI's value in every replication."""
        if metric not in self.replications.columns:
            raise KeyError(f"{metric!r} is not a KPI of these results")
        return self.replications[metric]

    def plot(self, metric: str, ax: Axes | None = None) -> Axes:
        """Plot one output: a daily output over time (weekly mean over replications with its
        95% band), or a KPI's value in each replication with its mean and interval."""
        from abm.figures import plot_metric  # noqa: PLC0415 - matplotlib only when plotting

        return plot_metric(self, metric, ax)

    # ------------------------------------------------------------------ saving

    def save(self, folder: str | Path, *, report: bool = False) -> Path:
        """Write the results folder (config, summary, tables, figures, metadata) to ``folder``,
        a new or empty folder, built under ``<folder>.partial`` and renamed when complete.

        Raises:
            FolderError: when ``folder`` cannot be a new results folder.
        """
        out = Path(folder)
        check_new_folder(out, "folder")
        with partial_folder(out, "folder") as partial:
            self.write_into(partial, report=report)
        self.folder = out
        return out

    def write_into(self, folder: Path, *, report: bool = False) -> None:
        """Write every file of the results folder into ``folder`` (which exists)."""
        from abm.figures import write_figures  # noqa: PLC0415 - matplotlib only when writing

        with (folder / "config.toml").open("wb") as handle:
            tomli_w.dump(self.scenario.to_dict(), handle)
        self.summary.to_csv(folder / "summary.csv", index=False)
        self.replications.rename_axis(index="replication", columns="metric").stack(
            future_stack=True
        ).rename("value").reset_index().to_csv(folder / "replications.csv", index=False)
        self.timeseries.to_parquet(folder / "timeseries.parquet", index=False)
        tidy = self.timeseries
        monthly = (
            tidy.assign(month=tidy["date"].dt.to_period("M").dt.to_timestamp())
            .groupby(["month", "replication", "metric"], as_index=False)["value"]
            .mean()
            .rename(columns={"month": "date"})
        )
        monthly.to_csv(folder / "timeseries_monthly.csv", index=False)
        self.delays.to_parquet(folder / "delays.parquet", index=False)
        prices = price_label(self.scenario.prices.base)
        self.accounts.assign(prices=prices).to_csv(folder / "accounts.csv", index=False)
        self.flows.assign(prices=prices).to_csv(folder / "money_flows.csv", index=False)
        figures = folder / "figures"
        figures.mkdir()
        write_figures(figures, self)
        (folder / "metadata.json").write_text(json.dumps(self.metadata, indent=2) + "\n")
        if report:
            from abm.run_report import write_run_report  # noqa: PLC0415

            write_run_report(folder, self)

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        """Read a results folder written by ``care-abm run`` or :meth:`save`.

        Raises:
            RunError: when ``folder`` is not a complete results folder, naming the file.
        """
        folder = Path(folder)
        meta = folder / "metadata.json"
        if not meta.is_file():
            raise RunError(f"{folder} is not a results folder (no metadata.json)")
        try:
            metadata = json.loads(meta.read_text(encoding="utf-8"))
            scenario = load_scenario(folder / "config.toml")
            long = read_table(folder / "replications.csv", ("replication", "metric", "value"))
            timeseries = pd.read_parquet(folder / "timeseries.parquet")
            delays = pd.read_parquet(folder / "delays.parquet")
        except (OSError, ValueError) as exc:
            raise RunError(f"{folder}: cannot be read ({exc})") from None
        except ConfigError as exc:
            raise RunError(f"{folder}: {exc}") from None
        replications = long.pivot(index="replication", columns="metric", values="value")
        names = [kpi.name for kpi in KPIS if kpi.name in replications.columns]
        return cls(
            scenario=scenario,
            summary=read_table(folder / "summary.csv", SUMMARY_COLUMNS),
            replications=replications[names].rename_axis(columns=None),
            timeseries=timeseries,
            delays=delays,
            accounts=_optional_csv(folder / "accounts.csv"),
            flows=_optional_csv(folder / "money_flows.csv"),
            metadata=metadata,
            folder=folder,
        )

    def __repr__(self) -> str:
        n = len(self.replications)
        where = f", folder={str(self.folder)!r}" if self.folder else ""
        return f"Results({self.scenario.name!r}, replications={n}, kpis={len(self.summary)}{where})"


def _optional_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path) if path.is_file() and path.stat().st_size else pd.DataFrame()


def run_metadata(scenario: Scenario, replications: int, extra: dict[str, Any]) -> dict[str, Any]:
    """What ``metadata.json`` records: versions (the package, the lock file's hash, the
    numerical packages), git commit, seed, dates, platform, the KPIs' labels and units."""
    from abm.run import _git_commit  # noqa: PLC0415 - run imports this module

    return {
        "care_abm_version": abm.__version__,
        "git_commit": _git_commit(),
        "lock_sha256": lock_hash(),
        "packages": package_versions(),
        "scenario": scenario.name,
        "seed": scenario.run.seed,
        "replications": replications,
        "start_date": scenario.run.start_date.isoformat(),
        "years": scenario.run.years,
        "warmup_days": scenario.run.warmup_days,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "price_base": price_label(scenario.prices.base),
        "kpis": {
            kpi.name: {"label": kpi.label, "unit": money_unit(kpi.unit, scenario.prices.base)}
            for kpi in KPIS
        },
        **extra,
    }


__all__ = ["Results", "flag_warmup", "package_versions", "run_metadata"]
