"""The tutorial notebook runs, cell by cell, as a notebook (issue 18)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial" / "tutorial.py"


@pytest.mark.slow
def test_tutorial_notebook_runs(tmp_path):
    notebook = jupytext.read(TUTORIAL)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    outputs = "\n".join(
        str(output.get("data", {}).get("text/plain", output.get("text", "")))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    for shown in ("emergency_admissions_per_1000", "same_sign_share", "awaiting_", "warmup"):
        assert shown in outputs, f"the tutorial should show {shown}"
    images = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert len(images) >= 2, "the two plots are shown"
