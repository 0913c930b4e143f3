"""Rules on a whole scenario, checked before anything runs.

Each value is checked against its own field by the loader (:mod:`abm.limits`); the rules here
need several values at once: limits that must be ordered, a simulated period inside the
supported calendar, and a rough estimate of the memory one replication needs, so that a
config asking for fifty million residents is refused with one line instead of allocating
gigabytes and dying. Every rule names the key a user should change.

The loader (:func:`abm.config.build_scenario`) applies the rules to the scenario and to every
step of its ``[[schedule]]``; :func:`abm.config.apply_area` to a scaled area; a sweep to each
of its points; commands that start worker processes check the memory of all of them at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import TYPE_CHECKING

from abm.limits import FIRST_DATE, LAST_DATE

if TYPE_CHECKING:
    from abm.config import Scenario

AREA_KEY = "population.residents_65plus"
DAYS_PER_YEAR = 365.25
# Measured (CHANGELOG, hardening): building an area takes about 760 bytes per resident,
# workers included, and a ten-year run adds little; the estimate allows for twice as much so
# it refuses only what clearly cannot run.
BYTES_PER_RESIDENT = 2_000
BYTES_PER_WORKER = 2_000
BYTES_PER_RECORDED_DAY = 25_000  # about 300 daily outputs kept as Python objects
BYTES_BASE = 300 * 2**20  # the interpreter, numpy, pandas and Mesa
MEMORY_SHARE = 0.8  # of the machine's physical memory
HELD_REPLACEMENT_PER_1000 = 100.0
"""Newcomers a year per 1,000 residents while the age bands are held (the warm-up, and a
stationary population): they replace the dead, about 40-50 per 1,000 a year; the estimate
takes twice that, to stay on the high side."""
UNKNOWN_MEMORY = 8 * 2**30


@dataclasses.dataclass(frozen=True)
class Problem:
    """One broken rule: the key to change and what is wrong."""

    key: str
    message: str


def problems(scenario: Scenario) -> list[Problem]:
    """Every rule ``scenario`` breaks (memory for one process included), in a fixed order."""
    rules = (_capital_limits, _period, _contact_hours)
    found = [p for rule in rules if (p := rule(scenario)) is not None]
    memory = memory_problem(scenario)
    if memory is not None:
        found.append(memory)
    return found


def _capital_limits(scenario: Scenario) -> Problem | None:
    council = scenario.council
    upper, lower = council.upper_capital_limit_gbp, council.lower_capital_limit_gbp
    if upper < lower:
        return Problem(
            "council.upper_capital_limit_gbp",
            f"the upper capital limit ({upper:,.0f} GBP) is below the lower one "
            f"(council.lower_capital_limit_gbp = {lower:,.0f} GBP): the means test needs "
            "lower <= upper",
        )
    return None


MIN_CONTACT_SHARE = 0.01
"""Below this share of paid hours with residents, home care would need more care workers
than any area has people (at 1e-10, ten thousand billion for one area's packages)."""


def _contact_hours(scenario: Scenario) -> Problem | None:
    if scenario.workforce.home_care_contact_share < MIN_CONTACT_SHARE:
        return Problem(
            "workforce.home_care_contact_share",
            f"must be at least {MIN_CONTACT_SHARE}: care workers who spend (almost) none of "
            "their paid hours with residents deliver no home care, however many are hired",
        )
    return None


def simulated_period(scenario: Scenario) -> tuple[dt.date, dt.date]:
    """The first warm-up day and the last reported day (inclusive), clipped to Python's
    calendar (years 1 to 9999) so that a period off it can still be reported."""
    run = scenario.run
    start = run.start_date
    first = dt.date.fromordinal(max(start.toordinal() - run.warmup_days, 1))
    year = start.year + run.years
    if year > dt.MAXYEAR:
        return first, dt.date.max
    day = min(start.day, 28) if (start.month, start.day) == (2, 29) else start.day
    return first, dt.date(year, start.month, day) - dt.timedelta(days=1)


def _period(scenario: Scenario) -> Problem | None:
    first, last = simulated_period(scenario)
    if first < FIRST_DATE or last > LAST_DATE:
        return Problem(
            "run.start_date",
            f"the simulated period, warm-up included, runs from {first} to {last}: it must "
            f"lie within the supported years {FIRST_DATE.year} to {LAST_DATE.year}",
        )
    return None


@dataclasses.dataclass(frozen=True)
class MemoryEstimate:
    """A rough upper estimate of one replication's memory, and the key that drives it."""

    bytes: float
    key: str
    residents: float
    workers: float

    def describe(self) -> str:
        """``about 12.0 GB (6,100,000 residents over the run, 40,000 workers)``."""
        return (
            f"about {_gb(self.bytes)} ({self.residents:,.0f} residents over the run, "
            f"{self.workers:,.0f} care and NHS workers)"
        )


def memory_estimate(scenario: Scenario) -> MemoryEstimate:
    """What one replication of ``scenario`` needs, from the people it will hold.

    Residents are kept for the whole run (the dead too), so newcomers add to them: through the
    warm-up those who replace the dead, then arrivals at 65 and 85+ growth; workers are the
    posts that beds, places and home-care hours need, renewed as they quit. Neither is exact:
    the estimate is meant to be on the high side.
    """
    run, pop, cap, wf = scenario.run, scenario.population, scenario.capacity, scenario.workforce
    warmup_years = run.warmup_days / DAYS_PER_YEAR
    years = run.years + warmup_years
    held = HELD_REPLACEMENT_PER_1000 / 1000.0
    arrivals = max(pop.arrivals_65_per_1000 / 1000.0, held if pop.stationary else 0.0)
    added = held * warmup_years + arrivals * run.years
    residents = pop.residents_65plus * (1.0 + added + max(pop.growth_85plus, 0.0))
    care_home = cap.care_home_beds * (wf.care_home_staff_per_bed + wf.nursing_home_nurses_per_bed)
    hospital = scenario.hospital.beds * (wf.hospital_hcas_per_bed + wf.hospital_nurses_per_bed)
    intermediate = cap.intermediate_care_beds * wf.intermediate_care_staff_per_bed
    home_care = (cap.home_care_hours_per_week + 0.2 * pop.residents_65plus) / wf.hours_per_week
    council = scenario.council.social_workers + scenario.council.brokers
    staff = {
        "capacity.care_home_beds": care_home,
        "hospital.beds": hospital,
        "capacity.intermediate_care_beds": intermediate,
        "capacity.home_care_hours_per_week": home_care,
        "council.social_workers": council,
    }
    turnover = 1.0 + max(wf.care_quit_per_1000py, wf.nhs_quit_per_1000py) / 1000.0 * years
    workers = sum(staff.values()) * turnover
    days = years * DAYS_PER_YEAR
    total = (
        BYTES_BASE
        + residents * BYTES_PER_RESIDENT
        + workers * BYTES_PER_WORKER
        + days * BYTES_PER_RECORDED_DAY
    )
    if residents * BYTES_PER_RESIDENT >= workers * BYTES_PER_WORKER:
        key = AREA_KEY if arrivals * run.years <= 1.0 else "population.arrivals_65_per_1000"
    else:
        key = max(staff, key=lambda k: staff[k])
    return MemoryEstimate(total, key, residents, workers)


def memory_available() -> float:
    """The memory a run may use: most of the machine's physical memory."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not Linux or macOS
        physical = UNKNOWN_MEMORY
    return physical * MEMORY_SHARE


def memory_problem(
    scenario: Scenario, processes: int = 1, available: float | None = None
) -> Problem | None:
    """A Problem when ``processes`` replications at once would not fit in memory."""
    estimate = memory_estimate(scenario)
    limit = memory_available() if available is None else available
    if estimate.bytes <= limit / max(processes, 1):
        return None
    if processes > 1 and estimate.bytes <= limit:
        fit = max(int(limit // estimate.bytes), 1)
        return Problem(
            "--jobs",
            f"{processes} processes each need {estimate.describe()}, more than this "
            f"machine's {_gb(limit)}: use --jobs {fit}",
        )
    return Problem(
        estimate.key,
        f"one replication would need {estimate.describe()}, more than this machine's "
        f"{_gb(limit)}: run a smaller area (--area N) or fewer years",
    )


def _gb(amount: float) -> str:
    return f"{amount / 2**30:,.1f} GB"


def check_jobs(scenario: Scenario, jobs: int, replications: int | None = None) -> None:
    """Stop before any work when ``jobs`` is not a number of processes, or when that many
    replications at once would not fit in memory.

    Raises:
        ConfigError: keyed by ``--jobs`` (or the key that makes one replication too large).
    """
    from abm.config import ConfigError  # noqa: PLC0415 - abm.config imports this module

    if jobs < 1:
        raise ConfigError("--jobs", "jobs", f"must be at least 1, got {jobs}")
    at_once = min(jobs, replications if replications is not None else jobs)
    problem = memory_problem(scenario, at_once)
    if problem is not None:
        source, key = ("--jobs", "") if problem.key == "--jobs" else ("", problem.key)
        raise ConfigError(source, key, problem.message)
