"""A finished comparison folder, read back for figures, reports and docs pages.

Reports and pages are built from the folder alone, never from a live run, so a report can be
rewritten (with a newer calibration status, say) without running anything again::

    compare.json        what was run: configs, seed, replications, period, command
    differences.csv     one row per compared config and KPI (see abm.compare.stats)
    replications.csv    scenario, replication, metric, value: every KPI of every replication
    runs/<name>/        a complete results folder of the contract for each config
    sources/<name>.toml each config file as written (with its comment block)
    figures/<name>/     side-by-side figures of each comparison (figures/all/ for all configs)
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from pathlib import Path
from typing import Any

import pandas as pd

from abm.config import ConfigError, Scenario, load_scenario
from abm.errors import RunError
from abm.folders import read_table

DIFFERENCES_NEEDED = (
    "comparison",
    "metric",
    "base_mean",
    "other_mean",
    "difference",
    "ci_low",
    "ci_high",
    "same_sign_share",
    "n",
)
REPLICATIONS_NEEDED = ("scenario", "replication", "metric", "value")
METADATA_NEEDED = ("base", "others", "scenarios")
REPORT_METADATA_NEEDED = ("replications", "years", "start_date", "warmup_days", "seed")


def _check_metadata(path: Path, metadata: Any, complete: bool) -> None:
    if not isinstance(metadata, dict):
        raise RunError(f"{path}: not a comparison's metadata (a JSON object)")
    needed = METADATA_NEEDED + (REPORT_METADATA_NEEDED if complete else ())
    missing = [key for key in needed if key not in metadata]
    if missing:
        raise RunError(f"{path}: {', '.join(missing)} missing; run the comparison again")
    others, scenarios = metadata["others"], metadata["scenarios"]
    names = [metadata["base"], *others] if isinstance(others, list) else []
    if not names or not all(isinstance(n, str) for n in names):
        raise RunError(f"{path}: base and others must name the configs compared")
    if not isinstance(scenarios, dict) or not all(
        isinstance(scenarios.get(n), dict) and "file" in scenarios[n] for n in names
    ):
        raise RunError(f"{path}: scenarios must give the file of every config compared")


@dataclasses.dataclass
class CompareResults:
    """The contents of a comparison folder."""

    folder: Path
    metadata: dict[str, Any]
    differences: pd.DataFrame
    replications: pd.DataFrame

    @classmethod
    def load(cls, folder: Path, *, complete: bool = False) -> CompareResults:
        """Read a comparison folder, checking what it holds before anything uses it.

        With ``complete``, also check everything a report reads (each config's resolved
        config and daily table), so ``care-abm report`` on a damaged folder stops with one
        line before it writes anything.

        Raises:
            RunError: ``folder`` is not a comparison folder, or a file in it is damaged.
        """
        meta = folder / "compare.json"
        if not meta.is_file():
            raise RunError(
                f"{folder} is not a comparison folder (no compare.json); "
                "make one with care-abm compare"
            )
        try:
            metadata = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunError(f"{meta}: cannot be read ({exc}); run the comparison again") from None
        _check_metadata(meta, metadata, complete)
        results = cls(
            folder=folder,
            metadata=metadata,
            differences=read_table(folder / "differences.csv", DIFFERENCES_NEEDED),
            replications=read_table(folder / "replications.csv", REPLICATIONS_NEEDED),
        )
        if complete:
            for name in results.names:
                results.scenario(name)
                daily = folder / "runs" / name / "timeseries.parquet"
                try:
                    pd.read_parquet(daily, columns=["metric"])
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    raise RunError(f"{daily}: cannot be read ({exc})") from None
        return results

    @property
    def base(self) -> str:
        """Name of the base config."""
        return self.metadata["base"]

    @property
    def others(self) -> list[str]:
        """Names of the configs compared with the base, in the order given."""
        return list(self.metadata["others"])

    @property
    def names(self) -> list[str]:
        """The base and then the others."""
        return [self.base, *self.others]

    def differences_for(self, other: str) -> pd.DataFrame:
        """The rows of ``differences.csv`` for one compared config."""
        rows = self.differences[self.differences["comparison"] == other]
        return rows.drop(columns="comparison").reset_index(drop=True)

    def scenario(self, name: str) -> Scenario:
        """The fully resolved scenario of one config (its ``runs/<name>/config.toml``)."""
        path = self.folder / "runs" / name / "config.toml"
        if not path.is_file():
            raise RunError(f"{path}: missing; the comparison folder is incomplete")
        try:
            return load_scenario(path)
        except ConfigError as exc:
            raise RunError(f"cannot read the config of {name!r} in {self.folder}: {exc}") from None

    def source_text(self, name: str) -> str:
        """The config file of ``name`` as its author wrote it."""
        path = self.folder / "sources" / f"{name}.toml"
        return path.read_text() if path.is_file() else ""

    def kpi_values(self, name: str, metric: str) -> pd.Series:
        """One KPI of one config, by replication."""
        rows = self.replications
        rows = rows[(rows["scenario"] == name) & (rows["metric"] == metric)]
        return rows.set_index("replication")["value"].sort_index()

    def daily(self, name: str, columns: list[str]) -> pd.DataFrame:
        """Daily values of ``columns`` for one config: a (date, replication) x column table."""
        path = self.folder / "runs" / name / "timeseries.parquet"
        tidy = pd.read_parquet(path, filters=[("metric", "in", columns)])
        tidy = tidy[tidy["metric"].isin(columns)]  # fastparquet filters row groups, not rows
        table = tidy.pivot_table(
            index=["date", "replication"], columns="metric", values="value", aggfunc="first"
        )
        return table.reindex(columns=columns)

    def pair_command(self, other: str) -> str:
        """The command that runs just the base and ``other`` again: the same numbers, since a
        pair's replications do not depend on the other configs compared alongside."""
        files = self.metadata["scenarios"]
        words = [
            "care-abm",
            "compare",
            files[self.base]["file"],
            files[other]["file"],
            *self.metadata.get("options", []),
        ]
        return shlex.join(words)

    def figure_dir(self, names: list[str]) -> Path:
        """Where the side-by-side figures of ``names`` go."""
        label = names[1] if len(names) == 2 else "all"
        return self.folder / "figures" / label
