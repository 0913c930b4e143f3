"""The scenario: a typed, validated, frozen description of one experiment.

A scenario is read from TOML (data only: nothing in a config is evaluated), may ``extends``
another file, may be overridden by dotted keys (``--set hospital.beds=850``), and may carry a
``[[schedule]]`` of timed lever changes and ``[series]`` of dated values (:mod:`abm.series`).
Every field is declared with its unit, description and source (:func:`abm.params.param`); the
loader checks every key and value against those declarations and stops at the first problem
with one message naming the file and the key.

The sections are frozen dataclasses; a scheduled change produces a new scenario with
:meth:`Scenario.with_changes` rather than mutating the one the model was built from.

The package, one idea a module:

- :mod:`abm.config.errors`: :class:`ConfigError`, the one error every problem is reported as.
- :mod:`abm.config.area`: the baseline area and the England-to-area rule
  (:func:`england_to_area`).
- The sections, each a frozen dataclass of declared fields: :mod:`abm.config.run` (``[run]``,
  and the dates that follow from it), :mod:`abm.config.people` (population, frailty,
  mortality, admissions, community, need), :mod:`abm.config.hospital` (hospital, discharge,
  capacity), :mod:`abm.config.social_care` (council, care homes, home care),
  :mod:`abm.config.workforce` and :mod:`abm.config.money` (nhs, funding); ``[grants]`` and
  ``[prices]`` are declared in :mod:`abm.grants` and :mod:`abm.prices`.
- :mod:`abm.config.scenario`: :class:`Scenario`, :data:`SECTIONS`, the dotted keys
  (:func:`all_keys`, :func:`field_of`) and :class:`ScheduledChange`.
- :mod:`abm.config.values`: one value checked against its field (:func:`coerce_value`).
- :mod:`abm.config.loading`: files, ``extends``, ``--set``, ``[[schedule]]`` and the rules
  across keys (:func:`load_scenario`, :func:`build_scenario`).
- :mod:`abm.config.scaling`: a scenario scaled to an area's size (:func:`apply_area`).

Everything is imported from ``abm.config`` itself, as when it was one module.
"""

from __future__ import annotations

# Every public name, and (as ``_name as _name``) the private helpers of the one module
# abm/config.py that this package replaced, so that abm.config.<name> still finds them
# (tests/test_config.py uses _field_types).
from abm.config.area import (
    AREA_HELP,
    AREA_KEY,
    BASELINE_AREA_SHARE,
    BASELINE_RESIDENTS_65PLUS,
    england_to_area,
)
from abm.config.errors import ConfigError
from abm.config.errors import _suggest as _suggest
from abm.config.hospital import CapacityConfig, DischargeConfig, HospitalConfig
from abm.config.loading import _build_change as _build_change
from abm.config.loading import _flatten as _flatten
from abm.config.loading import _Layer as _Layer
from abm.config.loading import _load_layers as _load_layers
from abm.config.loading import _read_toml as _read_toml
from abm.config.loading import build_scenario, check_rules, load_scenario, parse_override
from abm.config.money import FundingConfig, NhsConfig
from abm.config.people import (
    AGE_BANDS,
    FRAILTY_LEVELS,
    AdmissionsConfig,
    CommunityConfig,
    FrailtyConfig,
    MortalityConfig,
    NeedConfig,
    PopulationConfig,
)
from abm.config.run import RunConfig, end_date
from abm.config.run import _add_years as _add_years
from abm.config.scaling import apply_area, area_from_command_line, scale_area
from abm.config.scenario import (
    APRIL_ONLY,
    FIXED_FOR_A_RUN,
    SECTIONS,
    Scenario,
    ScheduledChange,
    all_keys,
    field_of,
)
from abm.config.scenario import _split_key as _split_key
from abm.config.social_care import CareHomeMarketConfig, CouncilConfig, HomeCareMarketConfig
from abm.config.values import _check_range as _check_range
from abm.config.values import _coerce_type as _coerce_type
from abm.config.values import _field_types as _field_types
from abm.config.values import _type_name as _type_name
from abm.config.values import coerce_date, coerce_value
from abm.config.workforce import WorkforceConfig
from abm.grants import GrantsConfig
from abm.prices import PricesConfig

__all__ = [
    "AGE_BANDS",
    "APRIL_ONLY",
    "AREA_HELP",
    "AREA_KEY",
    "BASELINE_AREA_SHARE",
    "BASELINE_RESIDENTS_65PLUS",
    "FIXED_FOR_A_RUN",
    "FRAILTY_LEVELS",
    "SECTIONS",
    "AdmissionsConfig",
    "CapacityConfig",
    "CareHomeMarketConfig",
    "CommunityConfig",
    "ConfigError",
    "CouncilConfig",
    "DischargeConfig",
    "FrailtyConfig",
    "FundingConfig",
    "GrantsConfig",
    "HomeCareMarketConfig",
    "HospitalConfig",
    "MortalityConfig",
    "NeedConfig",
    "NhsConfig",
    "PopulationConfig",
    "PricesConfig",
    "RunConfig",
    "Scenario",
    "ScheduledChange",
    "WorkforceConfig",
    "all_keys",
    "apply_area",
    "area_from_command_line",
    "build_scenario",
    "check_rules",
    "coerce_date",
    "coerce_value",
    "end_date",
    "england_to_area",
    "field_of",
    "load_scenario",
    "parse_override",
    "scale_area",
]
