"""Test-wide settings.

Hypothesis's per-example deadline is a timed assertion: on a loaded two-core machine an
example that usually takes 70 ms can take 300 ms and fail a test about correctness. Tests here
never assert on time (performance lives in benchmarks/), so the deadline is off everywhere.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("care-abm", deadline=None)
settings.load_profile("care-abm")
