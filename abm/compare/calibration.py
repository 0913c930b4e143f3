"""The baseline's calibration status, as the calibration work commits it, for the report.

``docs/calibration_status.csv`` (columns ``target_id, kpi, quantity, published, local_value,
model_mean, ci_low, ci_high, tolerance, within, split``) says for each published target
whether the baseline reproduces it within tolerance. A report summarises it (n of m targets
within tolerance, and the misses) so a reader can judge how far to trust the levels, and
says plainly when the file is absent: no calibration status is ever made up here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from abm.calibration.targets import STATUS_COLUMNS as COLUMNS
from abm.errors import RunError

TRUE_WORDS = {"true", "1", "yes", "y", "1.0"}


def default_status_path() -> Path:
    """``docs/calibration_status.csv`` of the checkout, or the copy a built wheel carries."""
    from abm.packaged import calibration_status_file  # noqa: PLC0415

    return calibration_status_file()


@dataclasses.dataclass(frozen=True)
class CalibrationStatus:
    """What is known about the baseline's calibration (nothing, when ``table`` is None)."""

    path: Path
    table: pd.DataFrame | None
    problem: str = ""

    @classmethod
    def read(cls, path: Path | None = None, *, given: bool = False) -> CalibrationStatus:
        """Read the status file; a missing or unreadable default file gives an empty status
        (the report says so), but a file the user ``given`` (``--calibration``) must be
        read, before anything runs.

        Raises:
            RunError: ``given`` and the file is missing or not a status table.
        """
        path = path or default_status_path()
        if given and not path.is_file():
            raise RunError(f"--calibration {path}: file not found")
        status = cls._read(path)
        if given and not status.available:
            raise RunError(
                f"--calibration {path}: {status.problem.removeprefix('not available: ')}"
            )
        return status

    @classmethod
    def _read(cls, path: Path) -> CalibrationStatus:
        if not path.is_file():
            return cls(path, None, "not available: no calibration status has been committed")
        try:
            table = pd.read_csv(path, dtype={"within": str})
        except (OSError, ValueError) as exc:
            return cls(path, None, f"not available: {path.name} cannot be read ({exc})")
        missing = [c for c in COLUMNS if c not in table.columns]
        if missing:
            return cls(
                path, None, f"not available: {path.name} lacks the columns {', '.join(missing)}"
            )
        table = table.assign(
            within=table["within"].astype(str).str.strip().str.lower().isin(TRUE_WORDS)
        )
        return cls(path, table)

    @property
    def available(self) -> bool:
        """A status file was read."""
        return self.table is not None

    @property
    def within(self) -> int:
        """Targets reproduced within tolerance."""
        return int(self.table["within"].sum()) if self.table is not None else 0

    @property
    def total(self) -> int:
        """Targets checked."""
        return len(self.table) if self.table is not None else 0

    @property
    def misses(self) -> pd.DataFrame:
        """The targets outside tolerance."""
        if self.table is None:
            return pd.DataFrame(columns=list(COLUMNS))
        return self.table[~self.table["within"]]

    def by_split(self) -> list[tuple[str, int, int]]:
        """``(split, within, total)`` for each split (calibration, validation, ...)."""
        if self.table is None:
            return []
        groups = self.table.groupby(self.table["split"].fillna("unsplit").astype(str), sort=True)
        return [(str(split), int(rows["within"].sum()), len(rows)) for split, rows in groups]

    def headline(self) -> str:
        """One sentence: how many targets the baseline reproduces."""
        if not self.available:
            return f"Calibration status of the baseline: {self.problem}."
        parts = ", ".join(f"{split}: {w} of {n}" for split, w, n in self.by_split())
        return (
            f"The baseline reproduces {self.within} of {self.total} published targets within "
            f"tolerance ({parts})."
        )
