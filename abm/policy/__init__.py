"""Policies: small classes chosen by name from the config.

Each kind of policy has one narrow signature (a means test answers "how much does this
resident contribute a week", a rationing response "what does the council change given its
budget pressure"). A new rule is one class and one ``@register`` line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Registry(dict[str, type]):
    """Policy classes of one kind, by the name a config uses."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        """Class decorator: make a policy available under ``name``."""

        def add(cls: type[T]) -> type[T]:
            self[name] = cls
            cls.name = name  # type: ignore[attr-defined]
            return cls

        return add

    def create(self, name: str, *args: object) -> object:
        """An instance of the policy called ``name``; the error lists the valid names."""
        try:
            cls = self[name]
        except KeyError:
            valid = ", ".join(sorted(self))
            raise KeyError(f"no {self.kind} called {name!r}; valid: {valid}") from None
        return cls(*args)
