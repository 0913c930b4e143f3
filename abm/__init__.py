"""care-abm: an agent-based model of a local English health and social care system.

The Python API (:mod:`abm.api`), imported on first use so that ``import abm`` and the command
line stay fast::

    from abm import Scenario, run, compare, Results
    results = run("baseline", replications=10, overrides={"hospital.beds": 850})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    from abm.api import compare, run, scenario
    from abm.config import Scenario
    from abm.model import CareSystemModel
    from abm.results import Results

_LAZY = {
    "run": "abm.api",
    "compare": "abm.api",
    "scenario": "abm.api",
    "Results": "abm.results",
    "Scenario": "abm.config",
    "CareSystemModel": "abm.model",
}


def __getattr__(name: str) -> Any:
    """Import the API's names on first use (PEP 562)."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'abm' has no attribute {name!r}")


__all__ = ["CareSystemModel", "Results", "Scenario", "__version__", "compare", "run", "scenario"]
