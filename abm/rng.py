"""Named random streams, one per decision, all derived from the run's seed.

Each process that draws random numbers (frailty, admissions, deaths, length of stay, ...)
has its own generator spawned from the replication's ``SeedSequence``. A policy that changes
how often one process draws does not shift the numbers any other process sees, so two
scenarios run with the same seed differ by their policies and not by noise (common random
numbers), and a replication gives the same numbers in any worker process.
"""

from __future__ import annotations

import numpy as np

STREAMS = (
    "population",
    "frailty",
    "admission",
    "death",
    "request",
    "review",
    "recovery",
    "stop_waiting",
    "carer_breakdown",
    "carer_gain",
    "funding",
    "social",
    "workforce",
    "length_of_stay",
    "inpatient_death",
    "background",
    "pathway",
    "hospital_process",
    "family_choice",
    "intermediate_care",
    "reablement",
    "deconditioning",
    "arrivals",
    "mesa",
    # Added after the first release: new streams go last, so the ones above keep their seeds.
    "settled",
    "service_time",
    "priority",
    "sourcing",
)


class Streams(dict[str, np.random.Generator]):
    """A fixed set of independent generators, looked up by name.

    A dict, so that looking a stream up (which most draws in the model do) costs a dict's
    look-up rather than a Python method's call."""

    def __init__(self, seed: np.random.SeedSequence) -> None:
        children = seed.spawn(len(STREAMS))
        super().__init__(
            (name, np.random.default_rng(child))
            for name, child in zip(STREAMS, children, strict=True)
        )

    def __missing__(self, name: str) -> np.random.Generator:
        raise KeyError(f"no random stream named {name!r}; streams are {STREAMS}")


def replication_seed(root_seed: int, replication: int) -> np.random.SeedSequence:
    """The seed of replication ``replication`` (0-based) of a run with ``root_seed``.

    Replication k of every scenario and every sweep point gets the same seed, whatever the
    number of workers, which is what makes paired comparisons possible.
    """
    return np.random.SeedSequence(entropy=root_seed, spawn_key=(replication,))
