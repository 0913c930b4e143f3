"""Each policy class on its own: means tests, rationing responses and home-care fee settings."""

from __future__ import annotations

import pytest

from abm.discharge import PRIORITY_RULES, WaitingList
from abm.policy.fees import FEE_SETTINGS, PremiumRules, SourcingSignal
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


def test_staged_freezes_hiring_and_slows_the_panel_only_under_pressure():
    staged = RATIONING_RESPONSES.create("staged")
    pressed = staged.respond(0.04, Measures())
    assert pressed.hiring_freeze
    assert pressed.panel_interval_weeks == 2
    assert pressed.extra_threshold_hours == 0.0, "eligibility is left alone"
    relaxed = staged.respond(-0.01, pressed)
    assert not relaxed.hiring_freeze
    assert relaxed.panel_interval_weeks == 1


def test_graded_freezes_hiring_as_deep_as_the_shortfall():
    graded = RATIONING_RESPONSES.create("graded")
    shallow, deep = graded.respond(0.04, Measures()), graded.respond(0.15, Measures())
    assert shallow.hiring_freeze
    assert deep.hiring_freeze
    assert shallow.panel_interval_weeks == deep.panel_interval_weeks == 2, "as under staged"
    assert shallow.freeze_vacancy_share == pytest.approx(0.04)
    assert deep.freeze_vacancy_share == pytest.approx(0.15), "a deeper shortfall, fewer staff"
    relaxed = graded.respond(-0.01, deep)
    assert not relaxed.hiring_freeze
    assert relaxed.panel_interval_weeks == 1


def waiting_list(hospital: list[int], community: list[tuple[int, int]]) -> WaitingList:
    """A list where community members joined on the given days, then hospital patients on
    day 100 (so hospital patients joined last)."""
    waiting = WaitingList()
    for pid, day in community:
        waiting.join(pid, from_hospital=False, day=day)
    for pid in hospital:
        waiting.join(pid, from_hospital=True, day=100)
    return waiting


@pytest.mark.parametrize("rule", PRIORITY_RULES)
def test_every_priority_rule_serves_everyone_once(rule):
    waiting = waiting_list([10, 11, 12], [(1, 0), (2, 80), (3, 95)])
    order = list(waiting.in_order(rule, day=100, limit_days=28))
    assert sorted(order) == [1, 2, 3, 10, 11, 12]


@pytest.mark.parametrize("rule", PRIORITY_RULES)
def test_someone_waiting_at_home_who_joins_from_hospital_is_listed_once(rule):
    """A resident waiting at home for a service who is then referred to it from hospital
    moves to the hospital list: on both lists, they would be served twice."""
    waiting = waiting_list([10], [(1, 0), (2, 5)])
    waiting.join(1, from_hospital=True, day=100)
    order = list(waiting.in_order(rule, day=100, limit_days=28))
    assert sorted(order) == [1, 2, 10]
    assert waiting.joined(1) == 100
    waiting.leave(1)
    assert sorted(waiting.in_order(rule, day=100, limit_days=28)) == [2, 10]


def test_in_order_is_first_come_first_served():
    waiting = waiting_list([10, 11], [(1, 0), (2, 80)])
    assert list(waiting.in_order("in_order", day=100)) == [1, 2, 10, 11]


def test_hospital_first_puts_every_hospital_patient_ahead():
    waiting = waiting_list([10, 11], [(1, 0), (2, 80)])
    assert list(waiting.in_order("hospital_first", day=100)) == [10, 11, 1, 2]


def test_with_a_limit_people_past_it_take_turns_with_hospital_patients():
    waiting = waiting_list([10, 11, 12], [(1, 0), (2, 50), (3, 95)])
    # 1 and 2 have waited 100 and 50 days (past 28); 3 only 5.
    order = list(waiting.in_order("hospital_first_with_limit", day=100, limit_days=28))
    assert order == [10, 1, 11, 2, 12, 3]


PREMIUM = PremiumRules(standard_days=14.0, step=0.01, most=0.22)


def premium(
    name: str, wait: float, premium_now: float, *, pressure: float = -0.05, frozen: bool = False
) -> float:
    signal = SourcingSignal(mean_wait_days=wait, pressure=pressure, fees_frozen=frozen)
    return FEE_SETTINGS.create(name, PREMIUM).premium(signal, premium_now)


def test_framework_fee_setting_never_pays_a_premium():
    assert premium("framework", 60.0, 0.1) == 0.0


def test_spot_premium_rises_a_step_while_people_wait_past_the_standard_up_to_its_most():
    assert premium("spot_premium", 20.0, 0.0) == pytest.approx(0.01)
    assert premium("spot_premium", 20.0, 0.215) == pytest.approx(0.22), "capped at its most"
    assert premium("spot_premium", 10.0, 0.05) == 0.05, "between half and the whole standard"
    assert premium("spot_premium", 3.0, 0.05) == pytest.approx(0.04), "falls when waits are short"
    assert premium("spot_premium", 0.0, 0.0) == 0.0, "never below the framework rate"


def test_spot_premium_does_not_rise_when_the_council_cannot_pay():
    assert premium("spot_premium", 30.0, 0.05, pressure=0.01) == 0.05, "an overspend looms"
    assert premium("spot_premium", 30.0, 0.05, frozen=True) == 0.05, "fees frozen"
    assert premium("spot_premium", 3.0, 0.05, pressure=0.2) == pytest.approx(0.04)


def test_wait_linked_premium_aims_at_a_level_set_by_the_wait_now():
    # Aim: none at half the 14-day standard or less, 0.22 x (wait - 7) / 14 beyond, up to 0.22.
    assert premium("wait_linked", 14.0, 0.11) == pytest.approx(0.11), "at the standard: half"
    assert premium("wait_linked", 14.0, 0.0) == pytest.approx(0.01), "one step towards it"
    assert premium("wait_linked", 60.0, 0.215) == pytest.approx(0.22), "capped at its most"
    assert premium("wait_linked", 14.0, 0.2) == pytest.approx(0.19), "falls towards the aim"
    assert premium("wait_linked", 14.0, 0.105) == pytest.approx(0.11), "less than a step"
    assert premium("wait_linked", 3.0, 0.005) == 0.0, "never below the framework rate"


def test_wait_linked_premium_stops_rising_with_waits_once_it_matches_them():
    """The difference from spot_premium: a premium that already pays for today's wait holds,
    where spot_premium would go on stepping up while the wait stays past the standard."""
    assert premium("wait_linked", 21.0, 0.22) == pytest.approx(0.22)
    assert premium("wait_linked", 17.5, 0.165) == pytest.approx(0.165)
    assert premium("spot_premium", 17.5, 0.165) == pytest.approx(0.175)


def test_wait_linked_premium_does_not_rise_when_the_council_cannot_pay():
    assert premium("wait_linked", 30.0, 0.05, pressure=0.01) == 0.05, "an overspend looms"
    assert premium("wait_linked", 30.0, 0.05, frozen=True) == 0.05, "fees frozen"
    assert premium("wait_linked", 3.0, 0.05, pressure=0.2) == pytest.approx(0.04)


def choose(name: str, need: int, home_care: float, rehab: float, care_home: float) -> int:
    from abm.policy.pathway_choice import CapacityWaits, make_pathway_choice

    choice = make_pathway_choice(name, rehab_limit_days=7.0, care_home_limit_days=30.0)
    return choice.choose(need, CapacityWaits(home_care, rehab, care_home, care_home))


def test_pathway_choice_registry_names_the_valid_choices_on_a_typo():
    from abm.policy.pathway_choice import PATHWAY_CHOICES

    with pytest.raises(KeyError, match="valid: as_needed, shorter_wait"):
        PATHWAY_CHOICES.create("shortest_wait")


def test_as_needed_always_waits_for_the_needed_pathway():
    assert choose("as_needed", 2, home_care=0.0, rehab=90.0, care_home=90.0) == 2
    assert choose("as_needed", 3, home_care=0.0, rehab=90.0, care_home=90.0) == 3


def test_shorter_wait_sends_home_only_when_home_care_is_sooner():
    assert choose("shorter_wait", 2, home_care=2.0, rehab=5.0, care_home=0.0) == 1
    assert choose("shorter_wait", 2, home_care=5.0, rehab=2.0, care_home=90.0) == 2
    assert choose("shorter_wait", 3, home_care=2.0, rehab=0.0, care_home=5.0) == 1
    assert choose("shorter_wait", 3, home_care=5.0, rehab=90.0, care_home=5.0) == 3, (
        "equal waits: the patient goes where their need says"
    )
    assert choose("shorter_wait", 1, home_care=90.0, rehab=0.0, care_home=0.0) == 1, (
        "a patient who needs care at home is never sent to a bed they do not need"
    )
    assert choose("shorter_wait", 0, home_care=90.0, rehab=0.0, care_home=0.0) == 0


def test_wait_limits_substitute_only_past_their_limit_whatever_home_care_waits():
    assert choose("wait_limits", 2, home_care=50.0, rehab=8.0, care_home=0.0) == 1
    assert choose("wait_limits", 2, home_care=0.0, rehab=6.0, care_home=0.0) == 2
    assert choose("wait_limits", 3, home_care=50.0, rehab=0.0, care_home=31.0) == 1
    assert choose("wait_limits", 3, home_care=0.0, rehab=0.0, care_home=29.0) == 3


def test_the_config_offers_every_pathway_choice_and_no_other():
    import dataclasses

    from abm.config.hospital import DischargeConfig
    from abm.policy.pathway_choice import PATHWAY_CHOICES

    field = {f.name: f for f in dataclasses.fields(DischargeConfig)}["pathway_choice"]
    assert set(field.metadata["choices"]) == set(PATHWAY_CHOICES)


def test_workload_staffing_funds_the_posts_the_cases_need_plus_headroom():
    from abm.policy.staffing import Workload, make_staffing_rule, rounded_posts

    rule = make_staffing_rule("workload", headroom=0.15)
    steady = Workload(
        referred_per_week=100.0, waiting=0, cases_per_worker_week=2.5, establishment=75
    )
    assert rule.posts(steady) == pytest.approx(100.0 / 2.5 * 1.15)
    backlog = Workload(100.0, waiting=130, cases_per_worker_week=2.5, establishment=75)
    assert rule.posts(backlog) == pytest.approx((100.0 + 10.0) / 2.5 * 1.15), (
        "a waiting list is planned to be cleared over a quarter"
    )
    assert rounded_posts(40.2) == 41, "a part post is funded as a whole one"
    assert rule.panel_cases(waiting=17, decisions_per_week=8.0, weeks=2) == 17
    assert not rule.panel_limited


def test_establishment_staffing_keeps_the_fixed_posts_and_limits_the_panel():
    from abm.policy.staffing import Workload, make_staffing_rule

    rule = make_staffing_rule("establishment", headroom=0.15)
    assert rule.posts(Workload(500.0, 400, 2.5, establishment=75)) == 75
    assert rule.panel_cases(waiting=17, decisions_per_week=8.0, weeks=2) == 16.0
    assert rule.panel_limited


def test_the_config_offers_every_staffing_rule_and_no_other():
    import dataclasses

    from abm.config.social_care import CouncilConfig
    from abm.policy.staffing import STAFFING_RULES

    field = {f.name: f for f in dataclasses.fields(CouncilConfig)}["staffing"]
    assert set(field.metadata["choices"]) == set(STAFFING_RULES)
