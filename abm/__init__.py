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

# ``abm.run`` and ``abm.compare`` are modules made callable (abm.callable_module): importing
# them gives the API's run() and compare() and keeps ``from abm.run import ...`` working.
_LAZY: dict[str, str | None] = {
    "run": None,
    "compare": None,
    "scenario": "abm.api",
    "Results": "abm.results",
    "Scenario": "abm.config",
    "CareSystemModel": "abm.model",
}


def __getattr__(name: str) -> Any:
    """Import the API's names on first use (PEP 562)."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        module = _LAZY[name]
        if module is None:
            return importlib.import_module(f"abm.{name}")
        return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module 'abm' has no attribute {name!r}")


__all__ = ["CareSystemModel", "Results", "Scenario", "__version__", "compare", "run", "scenario"]
