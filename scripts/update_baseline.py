"""Regenerate tests/baselines/small_area.json: run deliberately when outputs are meant to change.

Any change in the model's outputs then shows up as a diff of this file in review, and the
CHANGELOG says why. Usage: ``.venv/bin/python scripts/update_baseline.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import BASELINE_FILE, baseline_kpis  # noqa: E402


def main() -> None:
    """Write the current KPIs of the small baseline area."""
    kpis = baseline_kpis()
    BASELINE_FILE.write_text(json.dumps(kpis, indent=2, sort_keys=True) + "\n")
    print(f"wrote {BASELINE_FILE.relative_to(ROOT)} ({len(kpis)} KPIs)")


if __name__ == "__main__":
    main()
