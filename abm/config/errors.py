"""The error every problem with a scenario is reported as, and the "did you mean" hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ConfigError(ValueError):
    """A problem with a scenario file, reported as ``file: key: what is wrong``."""

    def __init__(self, source: str, key: str, message: str) -> None:
        self.source = source
        self.key = key
        self.message = message
        where = f"{source}: " if source else ""
        keypart = f"{key}: " if key else ""
        super().__init__(f"{where}{keypart}{message}")

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        """Pickle by its three parts, so an error raised in a worker process reaches the
        caller intact."""
        return (type(self), (self.source, self.key, self.message))


def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""
