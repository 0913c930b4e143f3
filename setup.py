"""Build step that pyproject.toml cannot say: ship the top-level experiments in the wheel.

``experiments/`` stays at the top of the checkout (the design card's layout, one copy to edit);
a built wheel gets a copy as ``abm/experiments`` (with the calibration status the compare
report reads, and the lock file's hash for ``metadata.json``), so the installed command finds
them from any directory. Editable installs read the checkout's folder instead.
"""

import hashlib
import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithExperiments(build_py):
    """``build_py`` that also copies the experiments into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "abm"
        target = package / "experiments"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(HERE / "experiments", target)
        status = HERE / "docs" / "calibration_status.csv"
        if status.is_file():
            shutil.copy2(status, package / "calibration_status.csv")
        lock = HERE / "uv.lock"
        digest = None
        if lock.is_file():
            digest = "sha256:" + hashlib.sha256(lock.read_bytes()).hexdigest()
        (package / "_build.json").write_text(json.dumps({"lock_sha256": digest}) + "\n")


setup(cmdclass={"build_py": BuildPyWithExperiments})
