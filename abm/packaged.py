"""Files that ship inside the package: the experiments, the calibration status, the lock hash.

The experiments live at the top of the checkout (``experiments/``, where the design card puts
them) and are copied into the package when a wheel is built (``setup.py``), so an installed
``care-abm`` finds them from any directory: ``care-abm run baseline`` works outside the
checkout, and ``care-abm init DIR`` copies them out to edit. In an editable install or a
checkout the top-level folder itself is used, so there is one copy to edit.

This module imports nothing heavy: the command line uses it before parsing its arguments.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import resources
from pathlib import Path

from abm.config import ConfigError

CHECKOUT = Path(__file__).resolve().parents[1]
"""The folder above the package: the checkout in an editable install."""

BUILD_INFO = "_build.json"
"""Written into a built wheel: the hash of the lock file it was built beside."""

LOCK_FILE = "uv.lock"


def _packaged(name: str) -> Path | None:
    path = Path(str(resources.files("abm"))) / name
    return path if path.exists() else None


def experiments_dir() -> Path:
    """The experiments folder: the packaged copy when installed, else the checkout's."""
    return _packaged("experiments") or CHECKOUT / "experiments"


def calibration_status_file() -> Path:
    """``docs/calibration_status.csv`` (packaged beside the experiments when installed)."""
    return _packaged("calibration_status.csv") or CHECKOUT / "docs" / "calibration_status.csv"


def ensemble_file() -> Path:
    """The plausible ensemble ``care-abm calibrate`` writes (``experiments/calibrated/
    ensemble.parquet``), which ``--ensemble`` without a file name reads."""
    return experiments_dir() / "calibrated" / "ensemble.parquet"


MEMBERS_HELP = (
    "with --ensemble: use only its first N members (a random draw); with more replications "
    "than N each member runs several times and the spread is split into the model's noise and "
    "the parameters' uncertainty"
)

ENSEMBLE_HELP = (
    "run replication k with member k (mod its size) of a plausible ensemble written by care-abm "
    "calibrate (default experiments/calibrated/ensemble.parquet), from replication k's seed: "
    "the intervals then hold the parameters' uncertainty as well as the model's noise"
)


def experiment_names() -> list[str]:
    """Names that ``care-abm run NAME`` accepts: the experiments that ship with the package."""
    return sorted(path.stem for path in experiments_dir().glob("*.toml"))


def resolve_config(config: str | Path) -> Path:
    """The config file ``config`` names: a path when one exists, else a packaged experiment
    (``baseline`` or ``baseline.toml``), so a command works from any directory.

    Raises:
        ConfigError: naming ``config`` and the packaged names, when it is neither.
    """
    path = Path(config)
    if path.exists() or path.parent != Path():
        return path
    candidate = experiments_dir() / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    if candidate.is_file():
        return candidate
    names = ", ".join(experiment_names())
    raise ConfigError(
        str(config), "", f"file not found, and not a packaged experiment (one of: {names})"
    )


def copy_experiments(destination: Path) -> Path:
    """Copy the packaged experiments into ``destination`` (a new or empty folder) to edit.

    Raises:
        ConfigError: when ``destination`` exists and holds anything (never overwritten).
    """
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ConfigError(
            str(destination), "", "exists and is not an empty folder; choose another DIR"
        )
    shutil.copytree(
        experiments_dir(),
        destination,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return destination


def lock_hash() -> str | None:
    """``sha256:<hex>`` of the lock file the installed versions come from (``uv.lock``), or
    ``None`` when neither the build nor the checkout has one."""
    info = _packaged(BUILD_INFO)
    if info is not None:
        return json.loads(info.read_text()).get("lock_sha256")
    lock = CHECKOUT / LOCK_FILE
    if lock.is_file():
        return "sha256:" + hashlib.sha256(lock.read_bytes()).hexdigest()
    return None
