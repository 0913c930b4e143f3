"""Pay rules: what a care worker is paid an hour this month.

Every rule answers one question, :meth:`PayRule.care_pay`, for a batch of care workers from
their tenure and the month's pay context (the legal floor, the market rate their employers'
fee income supports, and the NHS pay scale). NHS staff are always paid on the NHS scale; the
rules differ in how care workers are paid. A rule that pays more than the market must be paid
for: ``workforce.pay_rise_paid_by`` says by whom.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from abm.policy import Registry

PAY_RULES = Registry("pay rule")
HOURS_PER_YEAR = 37.5 * 52.143


@dataclasses.dataclass(frozen=True)
class PayContext:
    """The figures a pay rule needs this month (GBP an hour)."""

    legal_floor: float
    market: float
    living_wage: float
    band2: float
    band3: float
    band3_experienced: float
    uplift: float


class PayRule:
    """Hourly pay of care workers."""

    name: str

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """Hourly pay of each care worker, never below the legal floor."""
        raise NotImplementedError


def nhs_scale(tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
    """Healthcare assistants' pay: band 3, rising after two years."""
    return np.where(tenure_months >= 24, context.band3_experienced, context.band3)


@PAY_RULES.register("market")
class Market(PayRule):
    """Providers pay what their fee income supports, above the legal floor."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """The market rate for everyone (care pay barely rises with experience)."""
        return np.full(len(tenure_months), max(context.market, context.legal_floor))


@PAY_RULES.register("living_wage")
class LivingWage(PayRule):
    """At least the voluntary Living Wage."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """The market rate, floored at the Living Wage."""
        floor = max(context.living_wage, context.legal_floor)
        return np.full(len(tenure_months), max(context.market, floor))


@PAY_RULES.register("nhs_parity")
class NhsParity(PayRule):
    """Care workers paid as NHS healthcare assistants: band 2, then band 3 with experience."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """Band 2 in the first year, band 3 after, band 3 top after two years."""
        pay = np.where(tenure_months >= 12, context.band3, context.band2)
        pay = np.where(tenure_months >= 24, context.band3_experienced, pay)
        return np.maximum(pay, context.legal_floor)


@PAY_RULES.register("uplift")
class Uplift(PayRule):
    """A percentage over market pay."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """Market pay times (1 + uplift)."""
        market = max(context.market, context.legal_floor)
        return np.full(len(tenure_months), market * (1.0 + context.uplift))


@PAY_RULES.register("national_scale")
class NationalScale(PayRule):
    """One pay scale across health and care: the NHS scale, with progression by tenure."""

    def care_pay(self, tenure_months: np.ndarray, context: PayContext) -> np.ndarray:
        """The same scale as healthcare assistants."""
        return np.maximum(nhs_scale(tenure_months, context), context.legal_floor)
