"""The Python API: run an experiment and compare two, with pandas tables back.

    >>> from abm import run, compare
    >>> base = run("baseline", replications=2, overrides={"run.years": 1}, area=10_000)
    >>> base.summary.head()                      # metric, mean, ci_low, ci_high, n, label, unit
    >>> beds = run("baseline", replications=2, overrides={"run.years": 1, "hospital.beds": 120},
    ...            area=10_000)
    >>> compare(base, beds)                      # paired differences, KPI by KPI

This sits above the model, beside the command line: ``care-abm run`` is a thin layer over
:func:`run_experiment`. A bad config or override stops with one line naming the key and the
file (:class:`abm.config.ConfigError`) before any replication starts.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import tomli_w

from abm.compare.stats import paired_differences
from abm.config import ConfigError, Scenario, apply_area, load_scenario
from abm.errors import RunError
from abm.packaged import resolve_config
from abm.results import Results
from abm.run import Experiment, run_replications
from abm.validation import check_jobs

if TYPE_CHECKING:
    from abm.calibration.ensemble import Ensemble

ConfigLike = str | Path | Scenario


def _override_text(key: str, value: object) -> str:
    """``key=value`` as ``--set`` takes it (the value written as TOML data)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value)
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_override_text("", v)[1:] for v in value) + "]"
    else:
        text = str(value)
    return f"{key}={text}"


def _with_overrides(chosen: Scenario, texts: list[str]) -> Scenario:
    """``chosen`` with ``--set``-style overrides, validated as a config file's values are."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{chosen.name}.toml"
        with path.open("wb") as handle:
            tomli_w.dump(chosen.to_dict(), handle)
        return load_scenario(path, texts)


def scenario(
    config: ConfigLike = "baseline",
    overrides: Mapping[str, object] | Iterable[str] | None = None,
    area: int | None = None,
) -> Scenario:
    """The scenario to run: a packaged experiment's name (``"baseline"``), a TOML path, or a
    :class:`Scenario`, with ``overrides`` (``{"hospital.beds": 850}`` or ``["hospital.beds=850"]``)
    and an area of ``area`` residents 65+ (:func:`abm.config.apply_area`).

    Raises:
        ConfigError: naming the file (or ``--set``) and the key, before anything runs.
    """
    if isinstance(overrides, Mapping):
        texts = [_override_text(key, value) for key, value in overrides.items()]
    else:
        texts = list(overrides or [])
    if isinstance(config, Scenario):
        chosen = _with_overrides(config, texts) if texts else config
    else:
        chosen = load_scenario(resolve_config(config), texts)
    return chosen if area is None else apply_area(chosen, area, "area")


def run(
    config: ConfigLike = "baseline",
    replications: int | None = None,
    overrides: Mapping[str, object] | Iterable[str] | None = None,
    *,
    area: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    progress: bool = False,
    ensemble: str | Path | None = None,
) -> Results:
    """Run ``replications`` replications of an experiment and return its :class:`Results`
    (in memory; :meth:`Results.save` writes the results folder).

    Replication k runs from the seed derived from ``seed`` (``run.seed``) and k, so the
    same call gives the same numbers, whatever ``jobs``, and two configs run with the same
    seed are paired for :func:`compare`. With ``ensemble`` (a file written by ``care-abm
    calibrate``), replication k also runs with the ensemble's member k (mod its size), so the
    spread over replications holds the parameters' uncertainty.
    """
    extra: dict[str, object] = dict(overrides) if isinstance(overrides, Mapping) else {}
    texts = [] if isinstance(overrides, Mapping) else list(overrides or [])
    if replications is not None:
        extra["run.replications"] = replications
    if seed is not None:
        extra["run.seed"] = seed
    chosen = scenario(config, [*texts, *(_override_text(k, v) for k, v in extra.items())], area)
    members = None
    if ensemble is not None:
        from abm.calibration.ensemble import read_ensemble  # noqa: PLC0415

        members = read_ensemble(Path(ensemble))
    return run_experiment(chosen, jobs=jobs, progress=progress, ensemble=members)


def run_experiment(
    chosen: Scenario,
    *,
    jobs: int = 1,
    progress: bool = False,
    out: Path | None = None,
    report: bool = False,
    on_start: Callable[[], object] | None = None,
    ensemble: Ensemble | None = None,
) -> Results:
    """Run a resolved scenario; with ``out``, write its results folder as the runs go (the
    folder is claimed before the first replication, as ``care-abm run`` does); with
    ``ensemble``, replication k runs with its member k (mod its size)."""
    check_jobs(chosen, jobs, chosen.run.replications)
    if out is not None:
        experiment = Experiment(
            chosen,
            out,
            jobs=jobs,
            progress=progress,
            on_start=on_start,
            report=report,
            ensemble=ensemble,
        )
        experiment.run()
        assert experiment.results is not None
        return experiment.results
    if on_start is not None:
        on_start()
    import time  # noqa: PLC0415

    started = time.perf_counter()
    n = chosen.run.replications
    variants = ensemble.scenarios(chosen, n) if ensemble is not None else None
    results = run_replications(chosen, n, jobs, variants=variants)
    extra: dict[str, object] = {
        "jobs": jobs,
        "wall_seconds": round(time.perf_counter() - started, 3),
        "replication_seconds": [round(r.seconds, 3) for r in results],
    }
    if ensemble is not None:
        extra["ensemble"] = ensemble.describe(n)
    return Results.from_replications(chosen, results, extra)


def compare(base: Results, other: Results) -> pd.DataFrame:
    """Paired differences ``other - base`` for every KPI: mean difference, 95% interval,
    relative difference and the share of replications with the same sign.

    Raises:
        RunError: when the two were not run with the same seed and replications, so that
            replication k of each saw the same residents (common random numbers).
    """
    for key in ("seed", "start_date", "years", "warmup_days"):
        mine, theirs = base.metadata.get(key), other.metadata.get(key)
        if mine != theirs:
            raise RunError(
                f"cannot pair these results: {key} is {mine} in the base and {theirs} in the "
                "other; run both with the same run.seed, run.start_date, run.years and warm-up"
            )
    return paired_differences(base.replications, other.replications)


__all__ = ["ConfigError", "Results", "RunError", "Scenario", "compare", "run", "scenario"]
