"""CareSystemModel: one local area's health and care system, one day per step."""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator

import mesa
import numpy as np

from abm.agents.accounts import WEEKS_PER_YEAR, Accounts
from abm.agents.capacity import DischargeTeam, FamilyChoice, IntermediateCare
from abm.agents.care_homes import CareHomeMarket
from abm.agents.commissioner import NhsCommissioner
from abm.agents.community import CommunityRequests
from abm.agents.council import Council
from abm.agents.council_staff import AssessmentTeam, Brokerage, FundingPanel
from abm.agents.home_care import HomeCareMarket
from abm.agents.hospital import Hospital
from abm.agents.patient import Patient
from abm.agents.population import (
    HazardTable,
    Residents,
    age_band,
    social_situation,
    synthesise,
)
from abm.agents.tallies import Tallies
from abm.agents.worker import Workforce
from abm.config import Scenario, end_date
from abm.demography import DEMOGRAPHIES, STATIONARY, Demography
from abm.discharge import Route
from abm.domain import Care, Frailty, Funder, Location, Pathway
from abm.events import CalendarEvents, DailyStepping
from abm.metrics import DAILY_COLUMNS, daily_row
from abm.reporters import MODEL_REPORTERS
from abm.rng import Streams, replication_seed
from abm.seasons import admission_factor

PHASES = (
    "apply_schedule",
    "resident_events",
    "clinical_progress",
    "services",
    "discharges",
    "admissions",
    "finance",
    "population_change",
    "redraw_hazards",
    "record",
)


@dataclasses.dataclass
class DayTally:
    """Counts of resident events today that no single agent owns."""

    deaths: int = 0
    care_home_deaths: int = 0
    arrivals_65: int = 0
    arrivals_85plus: int = 0


class CareSystemModel(mesa.Model):
    """A local area's residents 65+, its hospital and the services after it.

    Each step is one calendar day, run as these phases in this order (``PHASES``):

    1. ``apply_schedule``: lever changes from the scenario's ``[[schedule]]`` and dated
       series due today (:meth:`abm.config.Scenario.timeline`), and on the first of a month
       that month's factor on emergency admissions (``admissions.seasonality``).
    2. ``resident_events``: residents whose next event (frailty worsens, emergency admission,
       death, request for care, package ends) falls today carry it out.
    3. ``clinical_progress``: background patients leave; residents whose clinical stay ends die
       or become medically fit and start on their discharge pathway's route.
    4. ``services``: each queue serves its waiting list from its capacity (social workers'
       assessments, the funding panel on its sitting day, family choice, brokers committing the
       council's money, intermediate care, home-care agencies, care homes, and last the
       hospital's discharge work for patients whose onward care is ready).
    5. ``discharges``: the hospital asks each fit patient's route whether they can leave;
       those who cannot are delayed today, with the reason and responsible body.
    6. ``admissions``: emergencies take free beds (otherwise they wait in the corridor), then
       electives (otherwise cancelled).
    7. ``finance``: on the first of each month home-care agencies plan the staff they want;
       workers are paid, quit, move and are recruited; the council pays its staff; agencies
       hand back packages their staff cannot cover; last month's payments are settled into
       the ledger; providers pay their costs (agencies and care homes may close); what
       residents paid beyond their income comes out of their capital (self-funders who reach
       the upper limit turn to the council); budgets move (new budgets each April) and the care
       budget holder reviews its position. Every day, providers' costs and the commissioner's
       payments accrue.
    8. ``population_change``: on the first of each month, new 65-year-olds arrive, age bands
       are updated, the 85+ population is kept on its projected path and, when capacities
       grow with the population, new care homes are commissioned.
    9. ``redraw_hazards``: residents whose hazards changed today get new event times.
    10. ``record``: today's state and flows are added to the ``daily`` table.

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
        self.start_date = scenario.run.start_date
        self.day = 0
        self._date_day, self._date = 0, self.first_date
        self.tally = DayTally()
        self._schedule = {change.date: change for change in scenario.timeline()}

        self.admission_factor = admission_factor(scenario, self.first_date)
        self.hazards = HazardTable(scenario, self.admission_factor)
        self.residents = Residents(int(scenario.population.residents_65plus * 1.3) + 64)
        self.tallies = Tallies(self.residents)
        self._set_need_tables()
        self.patients: list[Patient | None] = []
        self.population_ratio = 1.0
        self._build_services()
        self.workforce.fill_initial()
        self._update_wage_bills()
        self.council.pay_staff()
        self.commissioner.start()
        self._populate()
        self.demography: Demography = DEMOGRAPHIES.create(scenario.population.demography, self)  # type: ignore[assignment]
        self.accounts.start()
        if timing == "calendar":
            self.events: CalendarEvents | DailyStepping = CalendarEvents(self)
        elif timing == "daily":
            self.events = DailyStepping(self)
        else:
            raise ValueError(f"timing must be 'calendar' or 'daily', not {timing!r}")
        self.events.redraw(self.residents.take_changed(), 0.0)
        self.datacollector = mesa.DataCollector(
            model_reporters=MODEL_REPORTERS, tables={"daily": list(DAILY_COLUMNS)}
        )
        self._collector = self.datacollector
        daily = self.datacollector.tables["daily"]
        self._daily_lists = [daily[column] for column in DAILY_COLUMNS]
        self._daily_values = operator.itemgetter(*DAILY_COLUMNS)
        self._reporter_lists = [
            (self.datacollector.model_vars[name], reporter)
            for name, reporter in MODEL_REPORTERS.items()
        ]

    # ---------------------------------------------------------------- construction

    def _build_services(self) -> None:
        self.workforce = Workforce(self)
        self.accounts = Accounts(self)
        self.council = Council(self)
        self.assessment = AssessmentTeam(self, self.council)
        self.funding_panel = FundingPanel(self, self.council)
        self.brokerage = Brokerage(self, self.council)
        self.discharge_team = DischargeTeam(self)
        self.family_choice = FamilyChoice(self)
        self.home_care = HomeCareMarket(self, self.council)
        self.care_homes = CareHomeMarket(self, self.council)
        care_home_steps = [
            self.assessment,
            self.funding_panel,
            self.family_choice,
            self.brokerage,
            self.care_homes,
        ]
        self.community = CommunityRequests(
            self,
            home_care_route=Route(
                "community home care",
                [self.assessment, self.brokerage, self.home_care],
                Location.COMMUNITY,
            ),
            care_home_route=Route("community care home", care_home_steps, Location.CARE_HOME),
            replacement_route=Route(
                "care-home re-placement", [self.care_homes], Location.CARE_HOME
            ),
            resourcing_route=Route(
                "home-care re-sourcing", [self.brokerage, self.home_care], Location.COMMUNITY
            ),
        )
        self.intermediate_care = IntermediateCare(self, self.community.after_intermediate_care)
        self.downstream = [
            self.assessment,
            self.funding_panel,
            self.family_choice,
            self.brokerage,
            self.intermediate_care,
            self.home_care,
            self.care_homes,
            self.discharge_team,
        ]
        self.queues = [
            self.assessment,
            self.funding_panel,
            self.brokerage,
            self.intermediate_care,
            self.home_care,
            self.care_homes,
            self.discharge_team,
        ]
        routes = {
            Pathway.HOME: Route("pathway 0", [self.discharge_team], Location.COMMUNITY),
            Pathway.HOME_WITH_SUPPORT: Route(
                "pathway 1",
                [self.assessment, self.brokerage, self.home_care, self.discharge_team],
                Location.COMMUNITY,
            ),
            Pathway.BEDDED_REHAB: Route(
                "pathway 2",
                [self.intermediate_care, self.discharge_team],
                Location.INTERMEDIATE_CARE,
            ),
            Pathway.CARE_HOME: Route(
                "pathway 3", [*care_home_steps, self.discharge_team], Location.CARE_HOME
            ),
        }
        self.hospital = Hospital(self, routes)
        self.commissioner = NhsCommissioner(self)

    def _set_need_tables(self) -> None:
        need = self.params.need
        self.residents.set_need_tables(
            np.asarray(need.hours_by_frailty, dtype=float), np.r_[0.0, need.carer_hours]
        )

    def _populate(self) -> None:
        """Synthesise residents, fill care homes to their starting occupancy (frailer and older
        residents likelier, and those who would pay for their own place likelier by
        ``capacity.care_home_initial_self_funder_weight``), and give home care
        to those receiving it on the first day: every self-funder whose need is eligible, and
        eligible residents the council funds as far as its first year's budget allows (in a
        random order weighted by need). The agencies are then staffed for the packages they
        have, so that the market starts at the size of the care people receive rather than at a
        size set from outside (``capacity.home_care_hours_per_week`` > 0 sets it instead)."""
        rng = self.streams["population"]
        columns = synthesise(self.params, rng)
        ids = self._add_residents(columns)
        bands = age_band(columns["age"])
        frailty = columns["frailty"]
        self._band_frailty = [_shares(frailty[bands == band]) for band in range(3)]
        self._initial_bands = np.bincount(bands, minlength=3)
        self._initial_ages = [np.sort(columns["age"][bands == band]) for band in range(3)]
        self._initial_residents = len(ids)
        capacity = self.params.capacity
        residents = self.residents
        weight = np.array([0.0005, 0.01, 0.12, 0.6])[frailty] * (1.0 + bands)
        self_funds = np.array(
            [self.council.is_self_funder(pid, care_home=True) for pid in ids.tolist()]
        )
        weight = weight * np.where(self_funds, capacity.care_home_initial_self_funder_weight, 1.0)
        self_funding = set(ids[self_funds].tolist())
        n_care_home = min(
            round(self.care_homes.beds * capacity.care_home_initial_fill),
            np.count_nonzero(weight),
        )
        chosen = rng.choice(ids, size=n_care_home, replace=False, p=weight / weight.sum())
        for pid in np.sort(chosen).tolist():
            if pid in self_funding:
                residents.set_funder(pid, Funder.SELF)
            else:
                residents.set_funder(pid, Funder.COUNCIL)
            self.care_homes.place(pid)
        at_home = ids[residents.location[ids] == Location.COMMUNITY]
        need = residents.assessed_needs(at_home)
        threshold = self.council.eligibility_threshold
        weight = np.where(need >= threshold, need, 0.0)
        order = (  # nobody above the threshold (no need at all, say): no packages to start
            rng.choice(
                at_home, size=np.count_nonzero(weight), replace=False, p=weight / weight.sum()
            )
            if weight.any()
            else at_home[:0]
        )
        accounts, fee = self.accounts, self.council.home_care_fee
        limit = accounts.first_year_care_limit()
        for pid in order.tolist():
            self_funder = self.council.is_self_funder(pid, care_home=False)
            if not self_funder:
                yearly = self.home_care.package_hours(pid) * fee * WEEKS_PER_YEAR
                if accounts.care_commitments_a_year() + yearly > limit:
                    continue
            residents.set_funder(pid, Funder.SELF if self_funder else Funder.COUNCIL)
            self.home_care.start_package(pid)
        self.home_care.staff_first_day()

    def _add_residents(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        ids = self.residents.add(columns, self.day)
        pids = ids.tolist()
        self.patients.extend([Patient(self, pid) for pid in pids])
        self.residents.mark_all_changed(pids)
        return ids

    def council_reviews(self, pid: int) -> None:
        """A review of a resident's package: resized to need, or ended if no longer eligible.

        Reablement is not reviewed (it ends on its own). Council-funded packages must still
        meet the eligibility threshold in force; self-funders keep buying regulated home care
        while their need meets the national criteria, the line at which they start buying it
        (``AssessmentTeam.enrol``): below it they make their own arrangements.
        """
        residents, home_care, council = self.residents, self.home_care, self.council
        if pid not in home_care.packages or home_care.in_reablement(pid):
            return
        need = residents.assessed_need(pid)
        council_funded = int(residents.funder[pid]) == Funder.COUNCIL
        if (
            need <= 0.0
            or (council_funded and need < council.eligibility_threshold)
            or (not council_funded and not council.meets_national_criteria(pid))
        ):
            home_care.end_package(pid)
            residents.set_care(pid, Care.NONE)
            residents.set_funder(pid, Funder.NONE)
            council.packages_ended_at_review_today += 1
        else:
            home_care.resize(pid)

    def with_population(self, capacity: float) -> float:
        """A capacity from the config, grown with the number of residents 65+ if so configured.

        With ``capacity.grows_with_population`` services keep pace with growth in the number of
        residents aged 65+ (re-measured monthly; they never shrink, so a falling population
        leaves them at their highest); otherwise capacities stay as configured.
        """
        if self.params.capacity.grows_with_population:
            return capacity * self.population_ratio
        return capacity

    # ---------------------------------------------------------------- time

    @property
    def date(self) -> dt.date:
        """Today's calendar date (worked out once a day: the services ask for it often)."""
        if self._date_day != self.day:
            self._date_day, self._date = self.day, self.first_date + dt.timedelta(days=self.day)
        return self._date

    @property
    def inputs_date(self) -> dt.date:
        """The date whose dated inputs are in force: today, but the start date during the
        warm-up.

        The warm-up brings a synthetic first day into balance with the world as it is on
        ``run.start_date``: the legal pay floor and the visa rules hold at their start-date
        values until then, so the reported years do not open with the adjustment to a rate
        that changed on the start date, and trends in them come only from what the run's own
        dates bring. Calendar effects (weekdays, months, seasons) and the schedule follow
        the calendar date (:attr:`date`). With ``run.hold_dated_inputs`` they hold at the
        start date's values for the whole run."""
        if self.params.run.hold_dated_inputs:
            return self.start_date
        return max(self.date, self.start_date)

    @property
    def reporting(self) -> bool:
        """Whether today counts towards outputs (the warm-up is over)."""
        return self.day >= self.warmup_days

    @property
    def finished(self) -> bool:
        """Whether every day of the scenario has been simulated."""
        return self.day >= self.total_days

    def step(self) -> None:
        """Simulate one day: the phases listed in the class docstring, in order; after the
        last day ``running`` turns false, so Mesa's ``run_model`` stops there."""
        self.tally = DayTally()
        self.hospital.start_day()
        self.community.start_day()
        self.accounts.start_day()
        self.council.start_day()
        self.care_homes.start_day()
        self.home_care.start_day()
        self.assessment.start_day()
        for phase in PHASES:
            getattr(self, phase)()
        self.day += 1
        if self.finished:
            self.running = False

    # ---------------------------------------------------------------- phases

    def first_day_changes(self) -> tuple[tuple[str, object], ...]:
        """The lever changes the schedule makes on the first simulated day."""
        change = self._schedule.get(self.first_date)
        return change.changes if change is not None else ()

    def apply_schedule(self) -> None:
        """Apply the lever changes due today, then this month's factor on emergency admissions.

        Residents' event times are drawn again only when the change alters their hazards or
        their need, so a lever that does neither (beds, fees, capacities) leaves every
        resident's random numbers as they were: common random numbers hold across scenarios
        that differ only in such a schedule. Likewise without seasons
        (``admissions.seasonality = "none"``) the factor is always 1 and nothing is redrawn;
        with them, every resident's next event is drawn again when the month's factor
        differs from last month's (:mod:`abm.seasons`)."""
        change = self._schedule.get(self.date)
        if change is not None:
            self._change_levers(change.changes)
        factor = admission_factor(self.params, self.date)
        if factor != self.admission_factor:
            self.admission_factor = factor
            self.hazards = HazardTable(self.params, factor)
            self.residents.mark_all_changed(self.residents.alive().tolist())

    def _change_levers(self, changes: tuple[tuple[str, object], ...]) -> None:
        old_table, old_need = self.hazards.table, self.params.need
        self.params = self.params.with_changes(changes)
        self.hazards = HazardTable(self.params, self.admission_factor)
        need_changed = self.params.need != old_need
        if need_changed:
            self._set_need_tables()
        self.council.policies_changed()
        self.accounts.arrangement.update(self.params.funding)
        if need_changed or not np.array_equal(self.hazards.table, old_table):
            self.residents.mark_all_changed(self.residents.alive().tolist())

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

    def finance(self) -> None:
        """On the first of the month: the council reviews its home-care fee, agencies plan
        the staff they want, the labour market moves, last month's payments are settled,
        providers pay their costs (care homes may close), residents' capital is drawn down, then
        budgets move (new ones each April) and the care budget is reviewed. Every
        day: providers' costs and the commissioner's payments accrue."""
        date = self.date
        if date.day == 1 and self.day > 0:
            self.council.review_home_care_fee()
            self.home_care.plan_month()
            self.council.plan_staff()
            self.workforce.month(self.inputs_date)
            self._update_wage_bills()
            self.council.pay_staff()
            self.home_care.hand_back(self.day)
            received = self.accounts.settle(date)
            self.commissioner.settle_month()
            self.home_care.settle_month(received)
            self.care_homes.settle_month(received)
            self.council.start_of_month(date)
            self.accounts.start_of_month(date)
        self.accounts.count_delays(self.hospital.today.delayed_by_body)
        self.home_care.accrue()
        self.care_homes.accrue()
        self.commissioner.accrue()

    def _update_wage_bills(self) -> None:
        wages = self.workforce.weekly_wages()
        for employer in self.workforce.employers:
            employer.weekly_wages = float(wages[employer.employer_id])

    def population_change(self) -> None:
        """Monthly: arrivals at 65, age bands, and the oldest old, by the demography
        (``population.demography``, :mod:`abm.demography`) once the warm-up is over and unless
        the population is held stationary.

        Through the warm-up each age band is held at its first-day count (the stationary
        rule), so that the area reaches its start date at the size configured, however long
        the warm-up. On the start date each band's residents take the first day's ages
        within it, in the order of their own ages, and the demography starts from there: a
        warm-up of any length hands the reported years the same age profile and the same
        growth (docs/model.md, Warm-up)."""
        if self.day == self.warmup_days and self.day > 0:
            self._end_warm_up()
        if self.date.day != 1 or self.day == 0:
            return
        rng = self.streams["arrivals"]
        if self.params.population.stationary or not self.reporting:
            STATIONARY(self).monthly(rng)
            return
        self.demography.monthly(rng)

    def _end_warm_up(self) -> None:
        residents = self.residents
        alive = residents.alive()
        bands = residents.band[alive]
        ages = residents.ages(alive, self.day)
        for band, first_day in enumerate(self._initial_ages):
            members = np.flatnonzero(bands == band)
            if len(members) == 0 or len(first_day) == 0:
                continue
            ranked = members[np.argsort(ages[members], kind="stable")]
            points = (np.arange(len(ranked)) + 0.5) / len(ranked) * len(first_day) - 0.5
            new_ages = np.interp(points, np.arange(len(first_day)), first_day)
            residents.reanchor_ages(alive[ranked], new_ages, self.day)
        self.demography.begin()

    def follow_population(self) -> np.ndarray:
        """The residents alive now; the population's growth since the start (never falling)
        and, when capacities grow with the population, care-home places with it."""
        alive = self.residents.alive()
        self.population_ratio = max(self.population_ratio, len(alive) / self._initial_residents)
        if self.params.capacity.grows_with_population:
            self.care_homes.grow_to(
                self.care_homes.places_for_older_people() * self.population_ratio
            )
        return alive

    def band_frailty(self, band: int) -> np.ndarray:
        """The starting frailty mix of an age band (0: 65-74, 2: 85+): newcomers' mix."""
        return self._band_frailty[band]

    def initial_bands(self) -> np.ndarray:
        """Residents in each age band (65-74, 75-84, 85+) on the first day."""
        return self._initial_bands

    def add_arrivals(
        self, ages: np.ndarray, frailty_shares: np.ndarray, rng: np.random.Generator
    ) -> None:
        """New residents of the given ages, frailty drawn from ``frailty_shares``."""
        n = len(ages)
        frailty = rng.choice(len(Frailty), size=n, p=frailty_shares).astype(np.int8)
        social = social_situation(self.params, frailty, self.streams["social"])
        self._add_residents({"age": ages, "frailty": frailty, **social})

    def redraw_hazards(self) -> None:
        """New event times for residents whose hazards changed today."""
        ids = self.residents.take_changed()
        living = ids[self.residents.living_outside_hospital(ids)]
        self.residents.next_time[ids] = np.inf
        self.events.redraw(living, self.day + 1.0)

    def record(self) -> None:
        """Add today's row to the ``daily`` table (and the Mesa model reporters' values).

        The row's values are appended to the table's columns directly, as
        ``DataCollector.add_table_row`` does, without its checks for missing columns (the row
        has them all), which cost as much as the appending. After the first day (when
        ``DataCollector.collect`` validates the reporters) the reporters' values are appended
        the same way, as ``collect`` would append them: it deep-copies each value, which for
        the immutable numbers and dates they return gives an equal value at many times the
        cost."""
        row = daily_row(self)
        collector = self.datacollector
        if collector is not self._collector:  # replaced by a user: its own columns and collect
            collector.add_table_row("daily", row)
            collector.collect(self)
            return
        for values, value in zip(self._daily_lists, self._daily_values(row), strict=True):
            values.append(value)
        if not collector._validated or collector.agent_reporters or collector.agenttype_reporters:
            collector.collect(self)
            return
        collector._collection_steps.append(self.time)
        for values, reporter in self._reporter_lists:
            values.append(reporter(self))


def _shares(frailty: np.ndarray) -> np.ndarray:
    counts = np.bincount(frailty, minlength=len(Frailty)).astype(float)
    if counts.sum() == 0:
        counts[Frailty.FIT] = 1.0
    return counts / counts.sum()


__all__ = ["PHASES", "CareSystemModel"]
