"""The size of an area: the baseline area, and England counts turned into an area's.

Scaling a whole scenario to an area's size is :mod:`abm.config.scaling`.
"""

from __future__ import annotations

from abm.limits import ENGLAND_RESIDENTS_65PLUS

# The area-scaling rule (seeds/README.md): an England count (beds, places, patients, posts,
# spending) is turned into a local authority's by the area's share of England's residents aged
# 65+, Census 2021 (DEM-01 note: 10.4 million). The baseline area has 68,000 (DEM-12).
BASELINE_RESIDENTS_65PLUS = 68_000
BASELINE_AREA_SHARE = BASELINE_RESIDENTS_65PLUS / ENGLAND_RESIDENTS_65PLUS
AREA_KEY = "population.residents_65plus"
"""The size of the area: :func:`apply_area` scales every capacity with it."""
AREA_HELP = (
    "run the system in an area of N residents 65+ (at least 10): beds, capacities and "
    "background load scale in proportion, [[schedule]] changes too (docs/config.md, Area size)"
)
"""The start of every command's ``--area`` help; each command says what else it scales."""


def england_to_area(count: float, residents_65plus: float = BASELINE_RESIDENTS_65PLUS) -> float:
    """An England count scaled to an area with ``residents_65plus`` residents aged 65+."""
    return count * residents_65plus / ENGLAND_RESIDENTS_65PLUS
