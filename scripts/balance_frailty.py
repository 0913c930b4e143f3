"""Frailty in balance: the rates and starting mix by age that make frailty a steady state.

Onset, progression and deconditioning in hospital move residents up the frailty categories;
recovery at home and deaths move them down or out; with ``population.stationary`` the bands
keep their size while residents move up through them, and newcomers join at 65. The published
onset rates alone do not hold a mix (docs/model.md, "Frailty in balance"), and nothing is known
of recovery at home, so ``frailty.recovery_per_1000py`` (and, with ``--hold-severe-recovery``,
the progression into severe frailty) is set to balance the others at the starting mix
(``frailty.initial_shares``), and ``frailty.initial_age_shift`` so that each band starts with
the mix the model carries there. This script finds them: it runs the calibrated baseline with
a stationary population, counts per category the person-years lived (and at home), the moves
up, the deaths and the newcomers, turns them into rates per person-year, and solves the
balance of each category at the starting mix from the most severe down::

    severe:    up(moderate) N2 + new3 = deaths3 N3 + r3 home3 N3
    moderate:  up(mild) N1 + new2 + r3 home3 N3 = (deaths2 + up2) N2 + r2 home2 N2
    mild:      up(fit) N0 + new1 + r2 home2 N2 = (deaths1 + up1) N1 + r1 home1 N1

It then fits the bands' shifts to the mix by band at the end of the run. Deconditioning
depends on delays, which depend on frailty, and the mix by band on the rates, so all are
iterated: each round runs the model with the last round's values. Usage::

    .venv/bin/python scripts/balance_frailty.py [--residents N] [--years Y]
        [--replications R] [--rounds K] [--hold-severe-recovery] [--set key=value ...]

It prints each round's values; the share severely frail moves a lot with the progression
into it (2.6% to 3.7% as it goes from 42 to 63 per 1,000), so take the value the last rounds
settle around, not the last round's alone, and put them into the defaults in
abm/config/people.py when the calibration changes what drives delays.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_steady_state import _scenario, replicate, stationary_run_arguments

CATEGORIES = 4


def flows(residents: int, years: int, replication: int, changes: list) -> dict[str, np.ndarray]:
    """Person-years, person-years at home, moves up, deaths and newcomers, by category."""
    from abm.agents.patient import Patient  # noqa: PLC0415
    from abm.agents.population import Residents  # noqa: PLC0415
    from abm.domain import Location  # noqa: PLC0415
    from abm.model import CareSystemModel  # noqa: PLC0415
    from abm.rng import replication_seed  # noqa: PLC0415

    counts = {k: np.zeros(CATEGORIES) for k in ("py", "home", "up", "deaths", "new")}
    worsen, die, add = Residents.worsen, Patient.die, Residents.add

    def counted_worsen(self: Residents, pid: int) -> None:
        before = int(self.frailty[pid])
        worsen(self, pid)
        if int(self.frailty[pid]) > before:
            counts["up"][before] += 1

    def counted_die(self: Patient, day: int) -> None:
        counts["deaths"][int(self.model.residents.frailty[self.pid])] += 1
        die(self, day)

    def counted_add(self: Residents, columns: dict, day: int) -> np.ndarray:
        counts["new"] += np.bincount(columns["frailty"], minlength=CATEGORIES)
        return add(self, columns, day)

    Residents.worsen, Patient.die, Residents.add = counted_worsen, counted_die, counted_add
    scenario = _scenario(residents, years, changes)
    model = CareSystemModel(scenario, replication_seed(scenario.run.seed, replication))
    counts["new"][:] = 0.0
    r = model.residents
    while not model.finished:
        model.step()
        alive = r.location[: r.n] != Location.DEAD
        frailty = r.frailty[: r.n]
        counts["py"] += np.bincount(frailty[alive], minlength=CATEGORIES) / 365.0
        home = r.location[: r.n] == Location.COMMUNITY
        counts["home"] += np.bincount(frailty[home], minlength=CATEGORIES) / 365.0
    Residents.worsen, Patient.die, Residents.add = worsen, die, add
    alive = r.location[: r.n] != Location.DEAD
    end = np.zeros((3, CATEGORIES))
    np.add.at(end, (r.band[: r.n][alive], r.frailty[: r.n][alive]), 1.0)
    counts["end"] = end
    return counts


def age_shift(target: np.ndarray, shares: np.ndarray, band_shares: np.ndarray) -> tuple:
    """The shifts of bands 75-84 and 85+ (65-74 is 0) with which the starting ranking
    (``frailty_by_rank``) gives each band the mix closest to ``target`` (rows: bands)."""
    from scipy.optimize import minimize  # noqa: PLC0415

    from abm.agents.population import frailty_by_rank  # noqa: PLC0415

    size = 200_000
    bands = np.repeat(np.arange(3), np.round(band_shares * size).astype(int))
    target = target / target.sum(axis=1, keepdims=True)

    def distance(shift: np.ndarray) -> float:
        frailty = frailty_by_rank(bands, shares, (0.0, *shift), np.random.default_rng(1))
        mix = np.zeros((3, CATEGORIES))
        np.add.at(mix, (bands, frailty), 1.0)
        mix /= mix.sum(axis=1, keepdims=True)
        return float(((mix - target) ** 2).sum())

    best = minimize(distance, np.array([0.3, 0.6]), method="Nelder-Mead", options={"xatol": 1e-3})
    return tuple(round(float(x), 3) for x in (0.0, *best.x))


def balance(
    counts: dict[str, np.ndarray],
    shares: np.ndarray,
    progression: float,
    severe_recovery: float | None,
) -> tuple[float, tuple[float, float, float]]:
    """Moderate-to-severe progression and the recoveries (mild, moderate, severe) per 1,000
    person-years at home that balance each category at ``shares`` of the population, from the
    measured per-capita rates. ``progression`` is the rate the run used: it is kept, and all
    three recoveries solved, unless ``severe_recovery`` is given, which is then held and the
    progression into severe solved instead."""
    py = counts["py"]
    up = counts["up"] / py
    deaths = counts["deaths"] / py
    new = counts["new"] / py.sum()
    home = counts["home"] / py
    n = shares
    p = progression / 1000.0
    if severe_recovery is None:
        r3 = max(up[2] * n[2] + new[3] - deaths[3] * n[3], 0.0) / (home[3] * n[3])
    else:
        r3 = severe_recovery / 1000.0
        deconditioning = up[2] - p * home[2]
        needed = deaths[3] * n[3] + r3 * home[3] * n[3] - new[3]
        p = max(needed / n[2] - deconditioning, 0.0) / home[2]
        up = up.copy()
        up[2] = p * home[2] + deconditioning
    recovery = np.zeros(CATEGORIES)
    recovery[3] = r3
    inflow_from_above = r3 * home[3] * n[3]
    for k in (2, 1):
        inflow = up[k - 1] * n[k - 1] + new[k] + inflow_from_above
        outflow = (deaths[k] + up[k]) * n[k]
        recovery[k] = max(inflow - outflow, 0.0) / (home[k] * n[k])
        inflow_from_above = recovery[k] * home[k] * n[k]
    return p * 1000.0, tuple(round(float(x) * 1000.0, 1) for x in recovery[1:])


def main() -> int:
    """Iterate the balance and print each round's rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    stationary_run_arguments(parser, years=15, replications=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--hold-severe-recovery",
        action="store_true",
        help="keep severe-to-moderate recovery as configured and solve the progression into "
        "severe frailty instead",
    )
    args = parser.parse_args()
    changes = list(args.changes)
    scenario = _scenario(args.residents, args.years, changes)
    frailty = scenario.frailty
    band_shares = np.asarray(scenario.population.age_band_shares)
    shares = np.asarray(frailty.initial_shares)
    mild_to_moderate, progression = frailty.progression_per_1000py
    severe_recovery = frailty.recovery_per_1000py[2] if args.hold_severe_recovery else None
    tuned = (
        "frailty.recovery_per_1000py",
        "frailty.progression_per_1000py",
        "frailty.initial_age_shift",
    )
    for round_ in range(1, args.rounds + 1):
        runs = replicate(flows, args, changes)
        total = {k: sum(run[k] for run in runs) for k in runs[0]}
        mix = total["py"] / total["py"].sum()
        progression, recovery = balance(total, shares, progression, severe_recovery)
        shift = age_shift(total["end"], shares, band_shares)
        progression = round(progression, 2)
        print(
            f"round {round_}: mix lived {np.round(mix, 4).tolist()}, "
            f"progression ({mild_to_moderate}, {progression}), recovery {recovery}, "
            f"age shift {shift}; mix by band at the end "
            f"{np.round(total['end'] / total['end'].sum(axis=1, keepdims=True), 3).tolist()}",
            flush=True,
        )
        changes = [c for c in changes if c[0] not in tuned]
        changes.append(("frailty.initial_age_shift", shift))
        changes.append(("frailty.recovery_per_1000py", recovery))
        changes.append(("frailty.progression_per_1000py", (mild_to_moderate, progression)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
