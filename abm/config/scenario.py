"""The whole scenario: its sections, its dotted keys, and its timed changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from abm.config.errors import ConfigError, _suggest
from abm.config.hospital import CapacityConfig, DischargeConfig, HospitalConfig
from abm.config.money import FundingConfig, NhsConfig
from abm.config.people import (
    AdmissionsConfig,
    CommunityConfig,
    FrailtyConfig,
    MortalityConfig,
    NeedConfig,
    PopulationConfig,
)
from abm.config.run import RunConfig
from abm.config.social_care import CareHomeMarketConfig, CouncilConfig, HomeCareMarketConfig
from abm.config.workforce import WorkforceConfig
from abm.grants import GrantsConfig
from abm.prices import PricesConfig

if TYPE_CHECKING:
    from abm.series import Series


@dataclasses.dataclass(frozen=True)
class ScheduledChange:
    """A lever change applied at the start of a calendar day."""

    date: dt.date
    changes: tuple[tuple[str, Any], ...]


FIXED_FOR_A_RUN: dict[str, str] = {
    "funding.allocation": "the allocation rule is set for the whole run; compare two runs instead",
    "workforce.wage_floor": "the wage floor rule is set for the whole run; give the rates by date",
    "prices.base": "every money figure is in one price base for the whole run",
    "prices.inflation": "the deflator is set for the whole run",
}
"""Keys a ``[[schedule]]`` entry cannot change, each with the reason."""

APRIL_ONLY = frozenset({"funding.pool"})
"""Keys that change only on 1 April, when budgets are set (docs/model.md, Funding pools)."""


SECTIONS: dict[str, type] = {
    "run": RunConfig,
    "population": PopulationConfig,
    "frailty": FrailtyConfig,
    "mortality": MortalityConfig,
    "admissions": AdmissionsConfig,
    "hospital": HospitalConfig,
    "discharge": DischargeConfig,
    "capacity": CapacityConfig,
    "community": CommunityConfig,
    "need": NeedConfig,
    "council": CouncilConfig,
    "care_homes": CareHomeMarketConfig,
    "home_care": HomeCareMarketConfig,
    "workforce": WorkforceConfig,
    "nhs": NhsConfig,
    "funding": FundingConfig,
    "grants": GrantsConfig,
    "prices": PricesConfig,
}


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A whole experiment: one frozen section per part of the system, plus timed changes."""

    name: str = "scenario"
    description: str = ""
    run: RunConfig = dataclasses.field(default_factory=RunConfig)
    population: PopulationConfig = dataclasses.field(default_factory=PopulationConfig)
    frailty: FrailtyConfig = dataclasses.field(default_factory=FrailtyConfig)
    mortality: MortalityConfig = dataclasses.field(default_factory=MortalityConfig)
    admissions: AdmissionsConfig = dataclasses.field(default_factory=AdmissionsConfig)
    hospital: HospitalConfig = dataclasses.field(default_factory=HospitalConfig)
    discharge: DischargeConfig = dataclasses.field(default_factory=DischargeConfig)
    capacity: CapacityConfig = dataclasses.field(default_factory=CapacityConfig)
    community: CommunityConfig = dataclasses.field(default_factory=CommunityConfig)
    need: NeedConfig = dataclasses.field(default_factory=NeedConfig)
    council: CouncilConfig = dataclasses.field(default_factory=CouncilConfig)
    care_homes: CareHomeMarketConfig = dataclasses.field(default_factory=CareHomeMarketConfig)
    home_care: HomeCareMarketConfig = dataclasses.field(default_factory=HomeCareMarketConfig)
    workforce: WorkforceConfig = dataclasses.field(default_factory=WorkforceConfig)
    nhs: NhsConfig = dataclasses.field(default_factory=NhsConfig)
    funding: FundingConfig = dataclasses.field(default_factory=FundingConfig)
    grants: GrantsConfig = dataclasses.field(default_factory=GrantsConfig)
    prices: PricesConfig = dataclasses.field(default_factory=PricesConfig)
    schedule: tuple[ScheduledChange, ...] = ()
    """The ``[[schedule]]`` entries as written (in date order)."""
    series: tuple[Series, ...] = ()
    """The dated series as written (by key): :mod:`abm.series`."""

    def get(self, key: str) -> Any:
        """The value at a dotted key such as ``hospital.beds``."""
        section, name = _split_key(key, "")
        return getattr(getattr(self, section), name)

    def with_changes(self, changes: Iterable[tuple[str, Any]]) -> Scenario:
        """A new scenario with already-validated values replaced at dotted keys."""
        by_section: dict[str, dict[str, Any]] = {}
        for key, value in changes:
            section, name = _split_key(key, "")
            by_section.setdefault(section, {})[name] = value
        replaced = {
            section: dataclasses.replace(getattr(self, section), **values)
            for section, values in by_section.items()
        }
        return dataclasses.replace(self, **replaced)

    def timeline(self) -> tuple[ScheduledChange, ...]:
        """Every dated lever change, one entry per date in date order: what the model applies.

        The ``[[schedule]]`` entries and the values the dated series take are merged by date,
        so changes to different keys on one date all apply that day (where two entries set
        the same key, the later one written wins, as it would applied in turn; a series and
        an entry on one key and date are refused when loading). Without series and with one
        entry a date, this is the schedule itself.
        """
        by_date: dict[dt.date, dict[str, Any]] = {}
        for change in self.schedule:
            by_date.setdefault(change.date, {}).update(change.changes)
        for one in self.series:
            for day, value in one.changes():
                by_date.setdefault(day, {})[one.key] = value
        return tuple(
            ScheduledChange(date=day, changes=tuple(by_date[day].items()))
            for day in sorted(by_date)
        )

    def to_dict(self) -> dict[str, Any]:
        """The fully resolved scenario as TOML-ready data (no ``extends``)."""
        data: dict[str, Any] = {"name": self.name, "description": self.description}
        for section in SECTIONS:
            values = dataclasses.asdict(getattr(self, section))
            data[section] = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
        if self.schedule:
            data["schedule"] = [
                {"date": change.date, "set": dict(change.changes)} for change in self.schedule
            ]
        if self.series:
            data["series"] = {one.key: one.to_toml() for one in self.series}
        return data


def all_keys() -> list[str]:
    """Every dotted key a scenario accepts."""
    return [
        f"{section}.{f.name}" for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)
    ]


def field_of(key: str) -> dataclasses.Field:
    """The declared field behind a dotted key (raises KeyError when there is none)."""
    section, name = key.split(".", 1)
    for f in dataclasses.fields(SECTIONS[section]):
        if f.name == name:
            return f
    raise KeyError(key)


def _split_key(key: str, source: str) -> tuple[str, str]:
    parts = key.split(".")
    if len(parts) != 2 or parts[0] not in SECTIONS:
        raise ConfigError(source, key, f"unknown key{_suggest(key, all_keys())}")
    return parts[0], parts[1]
