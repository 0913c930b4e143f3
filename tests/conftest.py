"""Test-wide settings.

Hypothesis's per-example deadline is a timed assertion: on a loaded two-core machine an
example that usually takes 70 ms can take 300 ms and fail a test about correctness. Tests here
never assert on time (performance lives in benchmarks/), so the deadline is off everywhere.
In CI (``CI`` set) examples are drawn from a fixed seed so that a run is repeatable; locally
they are random, so each run explores new cases.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("care-abm", deadline=None)
settings.register_profile("care-abm-ci", deadline=None, derandomize=True)
settings.load_profile("care-abm-ci" if os.environ.get("CI") else "care-abm")
