"""The first day in balance: starting states that the model's own flows keep.

Two parts of the first day are set from the model's steady state, not from outside, so that a
run does not spend its first years drifting from an arbitrary start (docs/model.md, "The first
day"):

- who has an unpaid carer: ``need.carer_probability`` of residents start with one, and
  ``need.carer_gain_per_1000py`` (residents without a carer who gain one; nothing is known of
  it) is set so that the share of residents at home with a carer stays where it starts;
- who pays for the first day's care-home residents: the means test decides, but those who
  would pay for themselves are likelier to be among the residents by
  ``capacity.care_home_initial_self_funder_weight``, set so that the first day's mix of
  self-funders and council-funded residents is the mix the market settles at. Self-funders
  arrange their own places without waiting for the council's rationing, so they are
  over-represented among residents at any one time; starting from the means test alone put
  the council's whole budget into care homes on the first day and left home care to grow for
  four years.

Each round runs the calibrated baseline with a stationary population (``population.
stationary``) for ``--years`` years with no warm-up, compares each share on the first day with
its mean over the last half of the run, and moves each value by the ratio of the odds (at a
balance the odds of having a carer are proportional to the gain rate; the odds of a resident
being a self-funder, to the weight). Usage::

    .venv/bin/python scripts/balance_first_day.py [--residents N] [--years Y]
        [--replications R] [--rounds K] [--set key=value ...]

Put the values the last rounds settle around into the defaults in abm/config/ (the weight in
hospital.py, the carer gain in people.py) whenever the calibration changes what drives
care-home entry or carer strain.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_steady_state import _scenario, replicate, stationary_run_arguments

GAIN = "need.carer_gain_per_1000py"
WEIGHT = "capacity.care_home_initial_self_funder_weight"


def shares(residents: int, years: int, replication: int, changes: list) -> dict[str, float]:
    """The share of residents at home with a carer and the self-funders' share of care-home
    residents the council or they themselves pay for: on the first day and over the last half
    of the run."""
    from abm.metrics import run_record  # noqa: PLC0415
    from abm.model import CareSystemModel  # noqa: PLC0415
    from abm.rng import replication_seed  # noqa: PLC0415

    scenario = _scenario(residents, years, changes)
    scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, warmup_days=0))
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    while not model.finished:
        model.step()
    daily = run_record(model).daily
    carer = daily["residents_with_carer"] / daily["in_community"]
    self_funded = daily["care_home_self_funders"] / (
        daily["care_home_self_funders"] + daily["care_home_council_funded"]
    )
    late = daily["day"] >= daily["day"].max() / 2
    return {
        "carer_start": float(carer.iloc[0]),
        "carer_late": float(carer[late].mean()),
        "self_start": float(self_funded.iloc[0]),
        "self_late": float(self_funded[late].mean()),
    }


def odds(share: float) -> float:
    """The odds of a share."""
    return share / (1.0 - share)


def main() -> int:
    """Iterate the two values and print each round's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    stationary_run_arguments(parser, years=8, replications=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    changes = list(args.changes)
    scenario = _scenario(args.residents, args.years, changes)
    gain = scenario.need.carer_gain_per_1000py
    weight = scenario.capacity.care_home_initial_self_funder_weight
    for round_ in range(1, args.rounds + 1):
        runs = replicate(shares, args, changes)
        mean = {k: float(np.mean([run[k] for run in runs])) for k in runs[0]}
        print(
            f"round {round_}: with {GAIN} = {gain}, {WEIGHT} = {weight}: "
            f"with a carer {mean['carer_start']:.4f} on the first day, "
            f"{mean['carer_late']:.4f} late; self-funders {mean['self_start']:.4f} on the "
            f"first day, {mean['self_late']:.4f} late",
            flush=True,
        )
        gain = round(gain * odds(mean["carer_start"]) / odds(mean["carer_late"]), 2)
        weight = round(weight * odds(mean["self_late"]) / odds(mean["self_start"]), 3)
        changes = [c for c in changes if c[0] not in (GAIN, WEIGHT)]
        changes += [(GAIN, gain), (WEIGHT, weight)]
    print(f"next values: {GAIN} = {gain}, {WEIGHT} = {weight}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
