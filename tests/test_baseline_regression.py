"""Outputs change only on purpose: a stored baseline that scripts/update_baseline.py rewrites."""

from __future__ import annotations

import json
import math

from helpers import BASELINE_FILE, baseline_kpis


def test_outputs_match_the_stored_baseline():
    stored = json.loads(BASELINE_FILE.read_text())
    current = baseline_kpis()
    assert set(current) == set(stored), "KPIs were added or removed: update the baseline"
    changed = {
        name: (stored[name], value)
        for name, value in current.items()
        if not (
            math.isclose(value, stored[name], rel_tol=1e-9, abs_tol=1e-12)
            or (math.isnan(value) and math.isnan(stored[name]))
        )
    }
    assert not changed, (
        f"outputs changed {changed}; if this is intended, run "
        "`.venv/bin/python scripts/update_baseline.py` and say why in CHANGELOG.md"
    )
