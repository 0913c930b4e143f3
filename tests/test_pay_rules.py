"""Each pay rule on its own, and what the rules do to fees."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import run_model, small

from abm.domain import Purpose
from abm.policy.pay import PAY_RULES, PayContext, nhs_scale

CONTEXT = PayContext(
    legal_floor=12.21,
    market=12.70,
    living_wage=12.60,
    band2=12.08,
    band3=12.31,
    band3_experienced=13.13,
    uplift=0.10,
)
TENURE = np.array([0.0, 6.0, 13.0, 30.0])


def pay(name: str, context: PayContext = CONTEXT) -> np.ndarray:
    return PAY_RULES.create(name).care_pay(TENURE, context)


def test_market_pays_the_market_rate_and_never_below_the_floor():
    np.testing.assert_allclose(pay("market"), 12.70)
    low = PayContext(**{**CONTEXT.__dict__, "market": 11.0})
    np.testing.assert_allclose(pay("market", low), 12.21)


def test_living_wage_floors_at_the_living_wage():
    low = PayContext(**{**CONTEXT.__dict__, "market": 12.30})
    np.testing.assert_allclose(pay("living_wage", low), 12.60)
    np.testing.assert_allclose(pay("living_wage"), 12.70, err_msg="market above the floor stays")


def test_nhs_parity_follows_band_2_then_band_3_with_progression():
    np.testing.assert_allclose(
        pay("nhs_parity"),
        [12.21, 12.21, 12.31, 13.13],
        err_msg="band 2 is below the legal floor here, so the floor holds",
    )


def test_uplift_is_a_percentage_over_market():
    np.testing.assert_allclose(pay("uplift"), 12.70 * 1.10)


def test_national_scale_is_the_nhs_scale_for_everyone():
    np.testing.assert_allclose(pay("national_scale"), nhs_scale(TENURE, CONTEXT))
    assert pay("national_scale")[-1] > pay("national_scale")[0], "progression with tenure"


def test_unknown_rule_lists_the_valid_ones():
    with pytest.raises(KeyError, match="living_wage, market, national_scale, nhs_parity, uplift"):
        PAY_RULES.create("parity")


def test_rules_pay_each_worker_their_own_employers_offer():
    offers = np.array([12.0, 12.7, 13.5, 14.0])
    context = dataclasses.replace(CONTEXT, market=offers)
    np.testing.assert_allclose(pay("market", context), [12.21, 12.7, 13.5, 14.0])
    np.testing.assert_allclose(pay("uplift", context), np.maximum(offers, 12.21) * 1.10)
    np.testing.assert_allclose(pay("living_wage", context), [12.6, 12.7, 13.5, 14.0])


def test_only_pay_scales_take_pay_setting_from_employers():
    setting = {name: PAY_RULES.create(name).employers_set_pay for name in PAY_RULES}
    assert setting == {
        "market": True,
        "living_wage": True,
        "uplift": True,
        "nhs_parity": False,
        "national_scale": False,
    }, "rules paid relative to the market leave employers setting it; pay scales replace it"


def _chc_payment_per_placement(**changes: object) -> float:
    model = run_model(small(residents=6000, years=1, warmup_days=90, **changes))
    payments = [
        c.nhs
        for c in model.council.commitments.values()
        if c.purpose == Purpose.CARE_HOME and c.nhs > 0
    ]
    assert payments, "some care-home residents are funded by continuing healthcare"
    return float(np.mean(payments))


def test_nhs_parity_paid_by_fees_raises_the_nhs_continuing_healthcare_fee():
    market = _chc_payment_per_placement()
    parity = _chc_payment_per_placement(workforce__pay_rule="nhs_parity")
    by_providers = _chc_payment_per_placement(
        workforce__pay_rule="nhs_parity", workforce__pay_rise_paid_by="providers"
    )
    assert parity > market * 1.05, (
        "the NHS pays care homes for a continuing-healthcare placement as the council does, so "
        "its fee should rise with the pay rule when fees pay for it"
    )
    assert by_providers == pytest.approx(market), "not when the providers pay for the rise"


def test_market_pay_ratio_is_one_and_parity_above_it():
    market = run_model(small(residents=6000, years=1, warmup_days=90))
    parity = run_model(
        small(residents=6000, years=1, warmup_days=90, workforce__pay_rule="nhs_parity")
    )
    assert market.workforce.care_pay_ratio == pytest.approx(1.0), "market pay is the market rate"
    assert parity.workforce.care_pay_ratio > 1.1, (
        "under parity care pay is compared with employers' offers, which keep their premium "
        "over the floor"
    )
