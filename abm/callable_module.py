"""Let ``from abm import run, compare`` give functions while ``abm.run`` and ``abm.compare``
stay the modules they have always been.

``abm/run.py`` and the package ``abm/compare/`` predate the Python API, and code imports from
them (``from abm.run import Experiment``, ``abm.compare.stats``). Python makes a submodule an
attribute of its package, so ``abm.run`` is always the module; rather than rename modules
(and break every import), the two modules are made callable: ``abm.run(...)`` calls
:func:`abm.api.run` and ``abm.compare(...)`` calls :func:`abm.api.compare`, with those
functions' signatures, so help, Jupyter's ``run?`` and ``inspect.signature`` show them.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import types
from typing import Any


def make_callable(module_name: str, function: str) -> None:
    """Make the module ``module_name`` call :mod:`abm.api`'s ``function`` when called."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module("abm.api"), function)(*args, **kwargs)

        @property
        def __signature__(self) -> inspect.Signature:
            return inspect.signature(getattr(importlib.import_module("abm.api"), function))

    CallableModule.__name__ = CallableModule.__qualname__ = f"callable module ({function})"
    sys.modules[module_name].__class__ = CallableModule
