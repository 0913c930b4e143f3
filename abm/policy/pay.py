"""Pay rules: what a care worker is paid an hour this month.

Every rule answers one question, :meth:`PayRule.care_pay`, for a batch of care workers from
their tenure and the month's pay context (the legal floor, the market rate, that is the pay
each worker's employer offers of its own accord, and the NHS pay scale). NHS staff are always
paid on the NHS scale; the rules differ in how care workers are paid. A rule that pays more
than the market must be paid for: ``workforce.pay_rise_paid_by`` says by whom.

The market rate is not a parameter: employers set it month by month from their vacancies and
what their fees can pay (``abm.agents.worker``). Under a rule that pays relative to the market
(:attr:`PayRule.employers_set_pay`) they keep doing so; under a rule that puts care workers on
a pay scale they do not, and the market rate holds as the reference the scale's extra cost is
measured against.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from abm.policy import Registry

PAY_RULES = Registry("pay rule")
HOURS_PER_YEAR = 37.5 * 52.143


@dataclasses.dataclass(frozen=True)
class PayContext:
    """The figures a pay rule needs this month (GBP an hour). ``market`` is one figure for
    every worker, or an array with each worker's employer's offer."""

    legal_floor: float
    market: float | np.ndarray
    living_wage: float
    band2: float
    band3: float
    band3_experienced: float
    uplift: float


class PayRule:
    """Hourly pay of care workers."""

    name: str
    # Whether employers still set the market rate (their own offer) under this rule: true when
    # the rule pays relative to it, false when a pay scale replaces it.
    employers_set_pay: bool = True

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """Hourly pay of each care worker, never below the legal floor."""
        raise NotImplementedError


def market_rate(tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
    """Each worker's market rate, never below the legal floor."""
    market = np.maximum(context.market, context.legal_floor)
    return np.broadcast_to(market, np.shape(tenure_months)).astype(float)


def nhs_scale(tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
    """Healthcare assistants' pay: band 3, rising after two years."""
    return np.where(tenure_months >= 24, context.band3_experienced, context.band3)


@PAY_RULES.register("market")
class Market(PayRule):
    """Employers pay what they offer: set from their vacancies, above the legal floor and
    within what their fees can pay."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """The employer's offer for everyone (care pay barely rises with experience)."""
        return market_rate(tenure_months, context)


@PAY_RULES.register("living_wage")
class LivingWage(PayRule):
    """At least the voluntary Living Wage."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """The market rate, floored at the Living Wage."""
        return np.maximum(market_rate(tenure_months, context), context.living_wage)


@PAY_RULES.register("nhs_parity")
class NhsParity(PayRule):
    """Care workers paid as NHS healthcare assistants: band 2, then band 3 with experience."""

    employers_set_pay = False

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """Band 2 in the first year, band 3 after, band 3 top after two years."""
        pay = np.where(tenure_months >= 12, context.band3, context.band2)
        pay = np.where(tenure_months >= 24, context.band3_experienced, pay)
        return np.maximum(pay, context.legal_floor)


@PAY_RULES.register("uplift")
class Uplift(PayRule):
    """A percentage over market pay. Employers go on setting their own offer from their
    vacancies, so with fewer vacancies some of the uplift is offset as offers fall towards the
    floor (an uplift of 0 is the market rule)."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """Market pay times (1 + uplift)."""
        return market_rate(tenure_months, context) * (1.0 + context.uplift)


@PAY_RULES.register("national_scale")
class NationalScale(PayRule):
    """One pay scale across health and care: the NHS scale, with progression by tenure."""

    employers_set_pay = False

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """The same scale as healthcare assistants."""
        return np.maximum(nhs_scale(tenure_months, context), context.legal_floor)
