"""The docs site builds with warnings as errors (issue 18): a broken link, a missing page or
a docstring the API reference cannot read fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_docs_site_builds_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("index.html", "tutorial/index.html", "api/index.html", "config/index.html"):
        assert (tmp_path / page).is_file(), page
    api = (tmp_path / "api" / "index.html").read_text()
    assert "Results.load" in api or "load" in api
    assert "paired differences" in api.lower()
    tutorial = (tmp_path / "tutorial" / "index.html").read_text()
    assert "nhs_pay_parity" in tutorial
