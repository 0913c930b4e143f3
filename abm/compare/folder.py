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
from abm.run import RunError


@dataclasses.dataclass
class CompareResults:
    """The contents of a comparison folder."""

    folder: Path
    metadata: dict[str, Any]
    differences: pd.DataFrame
    replications: pd.DataFrame

    @classmethod
    def load(cls, folder: Path) -> CompareResults:
        """Read a comparison folder.

        Raises:
            RunError: when ``folder`` is not a comparison folder.
        """
        meta = folder / "compare.json"
        if not meta.is_file():
            raise RunError(
                f"{folder} is not a comparison folder (no compare.json); "
                "make one with care-abm compare"
            )
        return cls(
            folder=folder,
            metadata=json.loads(meta.read_text()),
            differences=pd.read_csv(folder / "differences.csv"),
            replications=pd.read_csv(folder / "replications.csv"),
        )

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
