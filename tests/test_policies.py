"""Each policy class on its own: means tests and rationing responses."""

from __future__ import annotations

import pytest

from abm.policy.means_test import MEANS_TESTS, MeansTestRules
from abm.policy.rationing import RATIONING_RESPONSES, Measures

RULES = MeansTestRules(
    upper_capital_limit=23250.0,
    lower_capital_limit=14250.0,
    tariff_per_250=1.0,
    lifetime_cap=86000.0,
    personal_care_share=0.35,
)
COST = 900.0


def contribution(name: str, capital: float, *, care_home: bool = True, paid: float = 0.0):
    return MEANS_TESTS.create(name, RULES).contribution(
        capital, COST, care_home=care_home, paid_so_far=paid
    )


def test_registry_lists_valid_names_on_a_typo():
    with pytest.raises(KeyError, match="valid: cap, care_act, free_personal_care, universal"):
        MEANS_TESTS.create("care-act", RULES)


def test_care_act_full_cost_above_upper_limit_tariff_between_nothing_below():
    assert contribution("care_act", 50000.0) == COST
    assert contribution("care_act", 10000.0) == 0.0
    # 18,250 is 4,000 above the lower limit: 16 lots of 250, £1 a week each
    assert contribution("care_act", 18250.0) == 16.0
    assert contribution("care_act", 14251.0) == 1.0, "a part of 250 counts as a whole one"


def test_cap_stops_charging_once_the_cap_is_paid():
    assert contribution("cap", 50000.0, paid=85999.0) == COST
    assert contribution("cap", 50000.0, paid=86000.0) == 0.0


def test_free_personal_care_is_free_at_home_and_charges_accommodation_in_a_care_home():
    assert contribution("free_personal_care", 50000.0, care_home=False) == 0.0
    assert contribution("free_personal_care", 50000.0, care_home=True) == pytest.approx(COST * 0.65)
    assert contribution("free_personal_care", 1000.0, care_home=True) == 0.0


def test_universal_never_charges():
    assert contribution("universal", 1e7) == 0.0


def test_no_rationing_keeps_no_measures():
    response = RATIONING_RESPONSES.create("none")
    assert response.respond(0.5, Measures(extra_threshold_hours=3.0)) == Measures()


def test_tighten_eligibility_steps_up_under_pressure_and_back_down_when_slack():
    response = RATIONING_RESPONSES.create("tighten_eligibility")
    tighter = response.respond(0.05, Measures())
    assert tighter.extra_threshold_hours == 1.0
    assert response.respond(0.05, tighter).extra_threshold_hours == 2.0
    assert response.respond(-0.01, tighter).extra_threshold_hours == 1.0, "no change near balance"
    assert response.respond(-0.10, tighter).extra_threshold_hours == 0.0
    capped = Measures(extra_threshold_hours=response.max_extra_hours)
    assert response.respond(1.0, capped).extra_threshold_hours == response.max_extra_hours


def test_freeze_fees_freezes_only_under_pressure():
    response = RATIONING_RESPONSES.create("freeze_fees")
    assert response.respond(0.02, Measures()).fees_frozen
    assert not response.respond(-0.02, Measures(fees_frozen=True)).fees_frozen


def test_slow_assessments_cuts_capacity_under_pressure():
    response = RATIONING_RESPONSES.create("slow_assessments")
    assert response.respond(0.02, Measures()).assessment_factor == pytest.approx(0.7)
    assert response.respond(-0.02, Measures(assessment_factor=0.7)).assessment_factor == 1.0
