"""The errors a command reports as one line (exit status 2) rather than a traceback.

Kept apart from :mod:`abm.run` so the command line can name them without importing numpy,
pandas or the model before it has parsed its arguments.
"""

from __future__ import annotations


class RunError(RuntimeError):
    """A problem with how a run was asked for (not with the model)."""


__all__ = ["RunError"]
