"""The page's inputs: each lever is one dotted config key, shown in plain words and units.

A lever reads and writes the config's own value (``hospital.beds = 668``, for the area the
config describes), so a lever nobody touched gives back the config's exact value on Reset. The
page shows a value in display units: a share as a percentage (``population.growth_85plus =
0.9`` is 90%), everything else as the config holds it. Help texts come from the config's own
field descriptions (their first clause; the whole description is the tooltip), and a select
shows plain-English choices with the code names in its tooltip.

Levers fall in two kinds: *policy levers*, which make a run differ from the baseline drawn
beside it, and *run settings* (seed, warm-up, size of the simulated area), which both runs
share so that they differ only by policy (common random numbers).
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from typing import Any

from abm.config import SECTIONS, ConfigError, Scenario, all_keys, coerce_value, field_of

SOURCE = "app"
"""How lever errors name their origin in the server's log (``app: hospital.beds: ...``)."""

AREA_LEVER = "simulated_residents"


@dataclasses.dataclass(frozen=True)
class Lever:
    """One input on the page, mapped to one dotted config key.

    Args:
        name: the lever's id (the keyword :class:`abm.app.runs.AppModel` takes).
        key: the dotted config key the value is written to (as with ``--set``).
        label: what the input is called on the page, in plain words.
        minimum, maximum, step: the slider's range and step, in display units (widened to
            include the config's value). A lever without a step is a text box or a select.
        percent: the config value is a share, shown (and typed) as a percentage.
        unit: the unit shown beside the value (default: the config field's unit).
        choices: plain-English names of a select's options, by code name (default: the
            code name in words).
        help: a short help text (default: the first clause of the field's description).
        run_setting: shared by the run and its baseline (seed, warm-up, area).
    """

    name: str
    key: str
    label: str
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    percent: bool = False
    unit: str | None = None
    choices: Mapping[str, str] = dataclasses.field(default_factory=dict)
    help: str | None = None
    run_setting: bool = False

    # ------------------------------------------------------------------ what it is

    @property
    def field(self) -> dataclasses.Field:
        """The config field the lever writes."""
        return field_of(self.key)

    @property
    def kind(self) -> str:
        """``select`` (a field with declared choices), ``slider`` or ``text``."""
        if self.field.metadata.get("choices"):
            return "select"
        return "slider" if self.step is not None else "text"

    @property
    def whole(self) -> bool:
        """Whether the config value is a whole number."""
        return _hint(self.key) is int

    @property
    def shown_unit(self) -> str:
        """The unit beside the value on the page."""
        if self.unit is not None:
            return self.unit
        unit = str(self.field.metadata.get("unit", ""))
        return "" if unit in ("integer", "policy") else unit

    @property
    def description(self) -> str:
        """The config field's whole description (the lever's tooltip)."""
        return str(self.field.metadata.get("description", ""))

    @property
    def short_help(self) -> str:
        """One short line saying what the lever means."""
        if self.help is not None:
            return self.help
        text = self.description.split(";")[0].split(": ")[0].strip()
        return text if text.endswith(".") else f"{text}."

    def options(self) -> list[tuple[str, str]]:
        """A select's options: (code name, plain English)."""
        codes = self.field.metadata.get("choices") or ()
        return [
            (code, self.choices.get(code, code.replace("_", " ").capitalize())) for code in codes
        ]

    def choice_tooltip(self) -> str:
        """The code names behind a select's plain-English options, as the config writes them."""
        names = "; ".join(f"{code} = {plain}" for code, plain in self.options())
        return f"{self.key} in a config file: {names}"

    # ------------------------------------------------------------------ values

    def shown(self, value: object) -> float | str:
        """A config value in display units (a share as a percentage)."""
        if isinstance(value, int | float) and not isinstance(value, bool) and self.percent:
            return round(float(value) * 100.0, 10)
        return value  # type: ignore[return-value]

    def text(self, value: object) -> str:
        """A config value as the box beside the slider shows it: 668, 22268, 90, -5.3."""
        if self.kind == "select":
            return dict(self.options()).get(str(value), str(value))
        shown = self.shown(value)
        if isinstance(shown, float):
            return f"{shown:.10g}"
        return str(shown)

    def words(self, value: object) -> str:
        """A config value in words for sentences: 22,268 hours a week; 90%; Free personal care."""
        if self.kind == "select":
            return self.text(value)
        shown = self.shown(value)
        if self.name == "seed" or not isinstance(shown, int | float):
            return str(shown)
        number = f"{shown:,.10g}" if isinstance(shown, float) else f"{shown:,}"
        if self.percent:
            return f"{'+' if shown > 0 else ''}{number}%"
        return f"{number} {self.shown_unit}".strip()

    def check(self, value: object) -> object:
        """A value in the config's units (text read as a number: ``"42"``, ``"1,200"``)
        checked against the config field, as the config holds it.

        Raises:
            ConfigError: naming the lever's key ("run.seed: must be a whole number, got 'x'").
        """
        if self.kind != "select" and isinstance(value, str):
            value = self._number(value, whole=self.whole)
        if self.whole and isinstance(value, float) and value.is_integer():
            value = int(value)
        return coerce_value(self.key, value, SOURCE)

    def parse(self, entry: object) -> object:
        """A value from the page, in display units (typed text, a slider's position or a
        select's code), checked and returned in the config's units (90% -> 0.9).

        Raises:
            ConfigError: naming the lever's key, in the page's units ("must be at most 500%").
        """
        if not self.percent:
            return self.check(entry)
        shown = self._number(entry, whole=False) if isinstance(entry, str) else entry
        if isinstance(shown, bool) or not isinstance(shown, int | float):
            raise ConfigError(SOURCE, self.key, f"must be a number, got {entry!r}")
        self._check_percent(float(shown))
        return self.check(float(shown) / 100.0)

    def _number(self, text: str, *, whole: bool) -> float | int:
        cleaned = text.strip().replace(",", "").replace("_", "").replace("%", "").strip()
        kind = "a whole number" if whole else "a number"
        try:
            number = float(cleaned)
        except ValueError:
            raise ConfigError(SOURCE, self.key, f"must be {kind}, got {text!r}") from None
        if not math.isfinite(number):
            raise ConfigError(SOURCE, self.key, f"must be a finite number, got {text!r}")
        if whole:
            if not number.is_integer():
                raise ConfigError(SOURCE, self.key, f"must be {kind}, got {text!r}")
            return int(number)
        return number

    def _check_percent(self, shown: float) -> None:
        meta = self.field.metadata
        low, high = meta.get("minimum"), meta.get("maximum")
        if low is not None and shown < low * 100:
            raise ConfigError(SOURCE, self.key, f"must be at least {low * 100:g}%, got {shown:g}%")
        if high is not None and shown > high * 100:
            raise ConfigError(SOURCE, self.key, f"must be at most {high * 100:g}%, got {shown:g}%")

    # ------------------------------------------------------------------ the slider

    def slider_range(self, value: object) -> tuple[float, float]:
        """The slider's ends in display units, widened to include ``value``."""
        shown = float(self.shown(value))  # type: ignore[arg-type]
        low = self.minimum if self.minimum is not None else shown
        high = self.maximum if self.maximum is not None else shown
        return min(low, shown), max(high, shown)

    def snapped(self, shown: float, low: float) -> float:
        """Where the slider puts ``shown``: the nearest step from its left end (as Vuetify
        rounds a value it is given, and reports back)."""
        step = self.step or 0.0
        if step <= 0:
            return shown
        offset = low % step
        decimals = len(f"{step:g}".partition(".")[2])
        return round(round((shown - offset) / step) * step + offset, decimals)

    def from_slider(self, position: float, current: object, low: float) -> object | None:
        """The config value for a slider moved to ``position``; None when the slider only
        reported the current value rounded to its step (Vuetify does that when it is drawn,
        and after a value is typed in the box), so an untouched lever keeps its exact value."""
        shown = float(self.shown(current))  # type: ignore[arg-type]
        if math.isclose(position, self.snapped(shown, low), rel_tol=0, abs_tol=1e-9):
            return None
        return self.parse(position)


def _hint(key: str) -> Any:
    section, name = key.split(".", maxsplit=1)
    return typing.get_type_hints(SECTIONS[section])[name]


POLICY_LEVERS: tuple[Lever, ...] = (
    Lever(
        "hospital_beds",
        "hospital.beds",
        "Hospital beds",
        300,
        1200,
        1,
        help="General and acute overnight beds; each day the hospital opens those it is funded "
        "and staffed for.",
    ),
    Lever(
        "growth_85plus",
        "population.growth_85plus",
        "Growth of the 85+ population",
        -50,
        150,
        5,
        percent=True,
        unit="% over the run",
        help="How much the number of residents aged 85+ grows by the last day (90% is the "
        "Public Accounts Committee's projection).",
    ),
    Lever(
        "staffing_headroom",
        "council.staffing_headroom",
        "Council staff beyond their caseload",
        -50,
        200,
        5,
        percent=True,
        help="Social workers and brokers the council employs beyond what its caseload needs: "
        "each month it sets its posts to its referrals and waiting list, plus this share, pays "
        "them from its budget and recruits them in the labour market (15% in the baseline).",
    ),
    Lever(
        "home_care_hours_per_week",
        "capacity.home_care_hours_per_week",
        "Home-care hours a week at the start",
        0,
        60_000,
        500,
        help="The agencies' size on the first day (0: sized to the care residents receive "
        "then); after that the market grows and shrinks by itself.",
    ),
    Lever(
        "care_home_beds",
        "capacity.care_home_beds",
        "Care-home places (all ages)",
        1000,
        5000,
        25,
        unit="places",
        help="Residential and nursing care-home places in the area, for all ages (most are "
        "for residents 65+).",
    ),
    Lever(
        "intermediate_care_beds",
        "capacity.intermediate_care_beds",
        "Intermediate-care beds",
        0,
        200,
        1,
        help="Short-term rehabilitation beds after hospital (discharge pathway 2).",
    ),
    Lever(
        "referral_priority",
        "council.referral_priority",
        "Who goes first in the queues",
        choices={
            "in_order": "First come, first served",
            "hospital_first": "Hospital discharges first",
            "hospital_first_with_limit": "Hospital first, long waits at home take turns",
        },
        help="The order in which assessments, brokers, agencies and care homes serve "
        "people leaving hospital and people at home.",
    ),
    Lever(
        "budget_change",
        "council.budget_change",
        "Council budget change",
        -10,
        10,
        0.5,
        percent=True,
        unit="% a year (real)",
        help="Real change in the council's adult social care budget each April.",
    ),
    Lever(
        "eligibility_threshold",
        "council.eligibility_threshold",
        "Eligibility threshold",
        0,
        20,
        0.5,
    ),
    Lever(
        "means_test",
        "council.means_test",
        "Means test",
        choices={
            "care_act": "Care Act means test (capital limits)",
            "cap": "A lifetime cap on care costs",
            "free_personal_care": "Free personal care",
            "universal": "Free social care for everyone",
        },
        help="How much residents pay towards their own care.",
    ),
    Lever(
        "funding_pool",
        "funding.pool",
        "Funding pool",
        choices={
            "separate": "Separate council and NHS budgets",
            "pooled": "A pooled budget for discharge and reablement",
            "integrated": "One integrated health and care budget",
        },
        help="Who holds the money for care after hospital.",
    ),
    Lever(
        "pay_rule",
        "workforce.pay_rule",
        "Care workers' pay",
        choices={
            "market": "Set by employers (the market)",
            "living_wage": "At least the Real Living Wage",
            "nhs_parity": "Parity with NHS healthcare assistants",
            "uplift": "A percentage over market pay",
            "national_scale": "One national health and care pay scale",
        },
        help="How care workers are paid an hour.",
    ),
)
"""The policy levers, in the order the page shows them. A new lever is one entry here; it shows
as soon as the config has its key."""

RUN_SETTINGS: tuple[Lever, ...] = (
    Lever(
        "seed",
        "run.seed",
        "Seed",
        unit="",
        help="The same seed and levers give the same run; the baseline uses the same seed.",
        run_setting=True,
    ),
    Lever(
        "warmup_days",
        "run.warmup_days",
        "Warm-up",
        0,
        9125,
        5,
        help="Days simulated before the first day shown, so that beds, queues, care homes and "
        "the home-care market start in a working state (the baseline's fifteen years take "
        "several seconds a model to build).",
        run_setting=True,
    ),
    Lever(
        AREA_LEVER,
        "population.residents_65plus",
        "Residents 65+ simulated",
        2_000,
        68_000,
        1_000,
        unit="residents",
        help="The whole system in proportion (beds, places, staff): smaller plays faster. "
        "Levers stay in the config area's units.",
        run_setting=True,
    ),
)
"""Settings the run and its baseline share: they change what is simulated, not the policy."""


def active_levers() -> tuple[Lever, ...]:
    """The policy levers whose config key exists in this version of the model."""
    keys = set(all_keys())
    return tuple(lever for lever in POLICY_LEVERS if lever.key in keys)


def all_levers() -> tuple[Lever, ...]:
    """Every input on the page: the policy levers, then the run settings."""
    return (*active_levers(), *RUN_SETTINGS)


def lever_named(name: str) -> Lever:
    """The lever with this name.

    Raises:
        ConfigError: there is none (the message lists the levers).
    """
    for lever in all_levers():
        if lever.name == name:
            return lever
    valid = ", ".join(lever.name for lever in all_levers())
    raise ConfigError(SOURCE, name, f"unknown lever; the levers are {valid}")


def config_values(base: Scenario, residents: int) -> dict[str, object]:
    """Every lever at the config's own value (the simulated area at ``residents``)."""
    values = {lever.name: base.get(lever.key) for lever in all_levers()}
    values[AREA_LEVER] = residents
    return values


def policy_changes(values: Mapping[str, object], base: Scenario) -> dict[str, object]:
    """The policy levers whose value differs from the config's: what makes a run differ
    from its baseline."""
    return {
        lever.name: values[lever.name]
        for lever in active_levers()
        if lever.name in values and values[lever.name] != base.get(lever.key)
    }


__all__ = [
    "AREA_LEVER",
    "POLICY_LEVERS",
    "RUN_SETTINGS",
    "SOURCE",
    "Lever",
    "active_levers",
    "all_levers",
    "config_values",
    "lever_named",
    "policy_changes",
]
