"""CareSystemModel: one local area's health and care system, one day per step."""

from __future__ import annotations

import dataclasses
import datetime as dt

import mesa
import numpy as np

from abm.agents.capacity import (
    AssessmentTeam,
    CareHomes,
    FamilyChoice,
    FundingPanel,
    HomeCareCapacity,
    HospitalProcess,
    IntermediateCare,
)
from abm.agents.community import CommunityRequests
from abm.agents.hospital import Hospital
from abm.agents.patient import LIVING_OUTSIDE_HOSPITAL, Patient
from abm.agents.population import HazardTable, Residents, age_band, synthesise
from abm.config import Scenario, end_date
from abm.discharge import Route
from abm.domain import Frailty, Location, Pathway
from abm.events import CalendarEvents, DailyStepping
from abm.metrics import DAILY_COLUMNS, daily_row
from abm.params import DAYS_PER_YEAR
from abm.rng import Streams, replication_seed

PHASES = (
    "apply_schedule",
    "resident_events",
    "clinical_progress",
    "services",
    "discharges",
    "admissions",
    "population_change",
    "redraw_hazards",
    "record",
)


@dataclasses.dataclass
class DayTally:
    """Counts of resident events today that no single agent owns."""

    deaths: int = 0
    arrivals_65: int = 0
    arrivals_85plus: int = 0


class CareSystemModel(mesa.Model):
    """A local area's residents 65+, its hospital and the services after it.

    Each step is one calendar day, run as these phases in this order (``PHASES``):

    1. ``apply_schedule``: lever changes from the scenario's ``[[schedule]]`` due today.
    2. ``resident_events``: residents whose next event (frailty worsens, emergency admission,
       death, request for care, package ends) falls today carry it out.
    3. ``clinical_progress``: background patients leave; residents whose clinical stay ends die
       or become medically fit and start on their discharge pathway's route.
    4. ``services``: each downstream service serves its waiting list (hospital processes,
       assessments, funding decisions, family choice, intermediate care, home care, care homes).
    5. ``discharges``: the hospital asks each fit patient's route whether they can leave;
       those who cannot are delayed today, with the reason and responsible body.
    6. ``admissions``: emergencies take free beds (otherwise they wait in the corridor), then
       electives (otherwise cancelled).
    7. ``population_change``: on the first of each month, new 65-year-olds arrive, age bands
       are updated and the 85+ population is kept on its projected path.
    8. ``redraw_hazards``: residents whose hazards changed today get new event times.
    9. ``record``: today's state and flows are added to the ``daily`` table.

    Args:
        scenario: the validated scenario.
        seed: a replication's seed sequence (or an integer, for replication 0 of that seed).
        timing: ``"calendar"`` (events drawn in continuous time, the model's way) or
            ``"daily"`` (every patient draws every event every day: the benchmark reference).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: np.random.SeedSequence | int | None = None,
        *,
        timing: str = "calendar",
    ) -> None:
        if seed is None:
            seed = scenario.run.seed
        if not isinstance(seed, np.random.SeedSequence):
            seed = replication_seed(int(seed), 0)
        streams = Streams(seed)
        super().__init__(rng=streams["mesa"])
        self.streams = streams
        self.params = scenario
        self.base_params = scenario
        self.first_date = scenario.run.start_date - dt.timedelta(days=scenario.run.warmup_days)
        self.total_days = (end_date(scenario.run) - self.first_date).days
        self.warmup_days = scenario.run.warmup_days
        self.day = 0
        self.tally = DayTally()
        self._schedule = {change.date: change for change in scenario.schedule}

        self.hazards = HazardTable(scenario)
        self.residents = Residents(int(scenario.population.residents_65plus * 1.3) + 64)
        self.patients: list[Patient | None] = []
        self._build_services()
        self._populate()
        if timing == "calendar":
            self.events: CalendarEvents | DailyStepping = CalendarEvents(self)
        elif timing == "daily":
            self.events = DailyStepping(self)
        else:
            raise ValueError(f"timing must be 'calendar' or 'daily', not {timing!r}")
        self.events.redraw(self.residents.take_changed(), 0.0)
        self.datacollector = mesa.DataCollector(tables={"daily": list(DAILY_COLUMNS)})

    # ---------------------------------------------------------------- construction

    def _build_services(self) -> None:
        self.assessment = AssessmentTeam(self)
        self.funding_panel = FundingPanel(self)
        self.hospital_process = HospitalProcess(self)
        self.family_choice = FamilyChoice(self)
        self.home_care = HomeCareCapacity(self)
        self.care_homes = CareHomes(self)
        self.downstream = [
            self.hospital_process,
            self.assessment,
            self.funding_panel,
            self.family_choice,
        ]
        community_package = Route(
            "home care after intermediate care", [self.home_care], Location.COMMUNITY
        )
        self.community = CommunityRequests(
            self,
            home_care_route=Route(
                "community home care", [self.assessment, self.home_care], Location.COMMUNITY
            ),
            care_home_route=Route(
                "community care home",
                [self.assessment, self.funding_panel, self.family_choice, self.care_homes],
                Location.CARE_HOME,
            ),
            package_only_route=community_package,
        )
        self.intermediate_care = IntermediateCare(self, self.community.after_intermediate_care)
        self.downstream += [self.intermediate_care, self.home_care, self.care_homes]
        routes = {
            Pathway.HOME: Route("pathway 0", [self.hospital_process], Location.COMMUNITY),
            Pathway.HOME_WITH_SUPPORT: Route(
                "pathway 1",
                [self.hospital_process, self.assessment, self.home_care],
                Location.COMMUNITY,
            ),
            Pathway.BEDDED_REHAB: Route(
                "pathway 2",
                [self.hospital_process, self.intermediate_care],
                Location.INTERMEDIATE_CARE,
            ),
            Pathway.CARE_HOME: Route(
                "pathway 3",
                [
                    self.hospital_process,
                    self.assessment,
                    self.funding_panel,
                    self.family_choice,
                    self.care_homes,
                ],
                Location.CARE_HOME,
            ),
        }
        self.hospital = Hospital(self, routes)

    def _populate(self) -> None:
        """Synthesise residents and fill care homes and home care to their starting levels."""
        rng = self.streams["population"]
        ages, sexes, frailty = synthesise(self.params, rng)
        ids = self._add_residents(ages, sexes, frailty)
        bands = age_band(ages)
        self._arrival_frailty = _shares(frailty[bands == 0])
        self._oldest_frailty = _shares(frailty[bands == 2])
        self._initial_85plus = int(np.count_nonzero(bands == 2))
        self._initial_residents = len(ids)
        self.population_ratio = 1.0
        capacity = self.params.capacity
        weight = np.array([0.0005, 0.01, 0.12, 0.6])[frailty] * (1.0 + bands)
        n_care_home = min(
            round(capacity.care_home_beds * capacity.care_home_initial_fill),
            np.count_nonzero(weight),
        )
        chosen = rng.choice(ids, size=n_care_home, replace=False, p=weight / weight.sum())
        for pid in np.sort(chosen):
            self.care_homes.place(int(pid))
        at_home = ids[self.residents.location[ids] == Location.COMMUNITY]
        weight = np.array([0.0, 0.03, 0.3, 0.6])[self.residents.frailty[at_home]]
        order = rng.choice(
            at_home, size=np.count_nonzero(weight), replace=False, p=weight / weight.sum()
        )
        target = capacity.home_care_hours_per_week * capacity.home_care_initial_fill
        for pid in order:
            if self.home_care.hours_used + self.home_care.package_hours(int(pid)) > target:
                break
            self.home_care.start_package(int(pid))

    def _add_residents(
        self, ages: np.ndarray, sexes: np.ndarray, frailty: np.ndarray
    ) -> np.ndarray:
        ids = self.residents.add(ages, sexes, frailty, self.day)
        self.patients.extend(Patient(self, int(pid)) for pid in ids)
        for pid in ids:
            self.residents.mark_changed(int(pid))
        return ids

    def with_population(self, capacity: float) -> float:
        """A capacity from the config, grown with the number of residents 65+ if so configured.

        With ``capacity.grows_with_population`` services keep pace with growth in the number of
        residents aged 65+ (re-measured monthly; they never shrink below the configured
        capacity); otherwise capacities stay as configured.
        """
        if self.params.capacity.grows_with_population:
            return capacity * self.population_ratio
        return capacity

    # ---------------------------------------------------------------- time

    @property
    def date(self) -> dt.date:
        """Today's calendar date."""
        return self.first_date + dt.timedelta(days=self.day)

    @property
    def reporting(self) -> bool:
        """Whether today counts towards outputs (the warm-up is over)."""
        return self.day >= self.warmup_days

    @property
    def finished(self) -> bool:
        """Whether every day of the scenario has been simulated."""
        return self.day >= self.total_days

    def step(self) -> None:
        """Simulate one day: the phases listed in the class docstring, in order."""
        self.tally = DayTally()
        self.hospital.start_day()
        self.community.requests_today = 0
        self.community.stopped_waiting_today = 0
        for phase in PHASES:
            getattr(self, phase)()
        self.day += 1

    # ---------------------------------------------------------------- phases

    def apply_schedule(self) -> None:
        """Apply the lever changes due today."""
        change = self._schedule.get(self.date)
        if change is not None:
            self.params = self.params.with_changes(change.changes)
            self.hazards = HazardTable(self.params)
            for pid in self.residents.alive():
                self.residents.mark_changed(int(pid))

    def resident_events(self) -> None:
        """Residents whose next event is due today carry it out."""
        self.events.process(self.day)

    def clinical_progress(self) -> None:
        """Clinical stays that end today."""
        self.hospital.clinical_progress(self.day)

    def services(self) -> None:
        """Every downstream service serves its waiting list."""
        for service in self.downstream:
            service.tick(self.day)

    def discharges(self) -> None:
        """Medically fit patients leave or are delayed."""
        self.hospital.discharge(self.day)

    def admissions(self) -> None:
        """Emergencies and electives take free beds."""
        self.hospital.admit(self.day)

    def population_change(self) -> None:
        """Monthly: arrivals at 65, age bands, and the 85+ projection."""
        if self.date.day != 1 or self.day == 0:
            return
        pop = self.params.population
        rng = self.streams["arrivals"]
        n = int(rng.poisson(pop.arrivals_65_per_1000 * pop.residents_65plus / 1000 / 12))
        ages = 65.0 + rng.uniform(0.0, 1.0 / 12.0, n)
        self._add_arrivals(ages, self._arrival_frailty, rng)
        self.tally.arrivals_65 = n
        alive = self.residents.alive()
        self.population_ratio = max(1.0, len(alive) / self._initial_residents)
        ages_now = self.residents.ages(alive, self.day)
        bands = age_band(ages_now)
        changed = alive[bands != self.residents.band[alive]]
        self.residents.band[alive] = bands
        for pid in changed:
            self.residents.mark_changed(int(pid))
        target = self._initial_85plus * (1.0 + pop.growth_85plus) ** (self.day / self.total_days)
        shortfall = round(target) - int(np.count_nonzero(bands == 2))
        if shortfall > 0:
            self._add_arrivals(85.0 + rng.uniform(0.0, 5.0, shortfall), self._oldest_frailty, rng)
            self.tally.arrivals_85plus = shortfall

    def _add_arrivals(
        self, ages: np.ndarray, frailty_shares: np.ndarray, rng: np.random.Generator
    ) -> None:
        n = len(ages)
        sexes = (rng.random(n) >= self.params.population.female_share).astype(np.int8)
        frailty = rng.choice(len(Frailty), size=n, p=frailty_shares).astype(np.int8)
        self._add_residents(ages, sexes, frailty)

    def redraw_hazards(self) -> None:
        """New event times for residents whose hazards changed today."""
        ids = self.residents.take_changed()
        living = ids[np.isin(self.residents.location[ids], LIVING_OUTSIDE_HOSPITAL)]
        self.residents.next_time[ids] = np.inf
        self.events.redraw(living, self.day + 1.0)

    def record(self) -> None:
        """Add today's row to the ``daily`` table."""
        self.datacollector.add_table_row("daily", daily_row(self))


def _shares(frailty: np.ndarray) -> np.ndarray:
    counts = np.bincount(frailty, minlength=len(Frailty)).astype(float)
    if counts.sum() == 0:
        counts[Frailty.FIT] = 1.0
    return counts / counts.sum()


__all__ = ["DAYS_PER_YEAR", "PHASES", "CareSystemModel"]
