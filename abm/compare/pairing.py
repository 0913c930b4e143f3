"""Which configs can be compared replication by replication, and under which names.

Pairing rests on replication k of every config drawing from the same seed streams over the
same days in the same area. So these must be equal in every config compared:

- ``run.seed`` and ``run.replications``: replication k's seed is derived from the root seed,
  and every replication of the base needs its partner;
- ``run.start_date``, ``run.years`` and ``run.warmup_days``: the same calendar (budgets are set
  each April, figures are per reported year) and the same days drawn from each stream;
- ``population.residents_65plus``: the same synthetic residents. Two areas of different sizes
  are different people, so replication k of one would not be the partner of replication k of
  the other, and counts (delayed patients, spending) would mix the policy with the size.
  Compare policies in one area; ``--area N`` scales every config to the same size.

Everything else (beds, capacities, every policy lever, a ``[[schedule]]``) may differ: that is
what a comparison is for.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from abm.config import ConfigError, Scenario

PAIRED_KEYS = (
    "run.seed",
    "run.replications",
    "run.start_date",
    "run.years",
    "run.warmup_days",
    "population.residents_65plus",
    "prices.base",
)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One config of a comparison: the file it came from and its resolved scenario."""

    path: Path
    scenario: Scenario
    name: str


def check_pairable(entries: list[Entry]) -> None:
    """Stop, naming the file and the key, when a config cannot be paired with the base.

    Raises:
        ConfigError: for the first key (of :data:`PAIRED_KEYS`) that differs from the base.
    """
    base = entries[0]
    for entry in entries[1:]:
        for key in PAIRED_KEYS:
            mine, theirs = entry.scenario.get(key), base.scenario.get(key)
            if mine != theirs:
                fix = (
                    "--area N scales every config to one area"
                    if key == "population.residents_65plus"
                    else f"--set {key}=... applies one value to every config"
                )
                raise ConfigError(
                    str(entry.path),
                    key,
                    f"is {mine} here but {theirs} in the base {base.path}; paired "
                    f"replications need the same {key} in every config compared ({fix})",
                )


def unique_names(paths: list[Path], scenarios: list[Scenario]) -> list[str]:
    """A file-safe name for each config: its ``name``, with ``-2``, ``-3`` added to repeats."""
    names: list[str] = []
    for path, scenario in zip(paths, scenarios, strict=True):
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario.name or path.stem).strip("-.")
        name, k = stem or "scenario", 2
        while name in names:
            name, k = f"{stem}-{k}", k + 1
        names.append(name)
    return names
