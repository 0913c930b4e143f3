"""The NHS commissioner (integrated care board): pays the hospital and NHS-funded care.

The commissioner pays from whichever account holds the health budget under the funding
arrangement. It pays the hospital either a block contract (set each April: the health budget
less what its other commitments will cost over the year, paid in twelfths) or by activity (a
price per occupied bed-day, so the commissioner carries the risk). It pays for the
intermediate-care beds it commissions (a block: full or not), and for NHS continuing
healthcare through the care placements it funds.

Under a block contract the hospital funds only the beds it can afford: when the contract falls
short of what the hospital cost last year, it funds that share of its beds (fewer staff posts,
so fewer beds open). The hospital's costs are its ward staff's wages (from the workforce) and
the rest of the cost of an occupied bed, which is ``nhs.bed_day_cost_gbp`` less ward staff
cost per funded bed at the start.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import mesa

from abm.agents.accounts import ECONOMY, HOSPITAL, INTERMEDIATE_CARE, WEEKS_PER_YEAR
from abm.domain import Purpose
from abm.params import DAYS_PER_WEEK

if TYPE_CHECKING:
    from abm.model import CareSystemModel


class NhsCommissioner(mesa.Agent):
    """The integrated care board's purchasing of hospital and NHS community care."""

    model: CareSystemModel

    def __init__(self, model: CareSystemModel) -> None:
        super().__init__(model)
        self.contract = 0.0
        self.hospital_costs_this_month = 0.0
        self._hospital_cost_this_year = 0.0
        self._days_this_year = 0
        self.other_cost_per_bed_day = 0.0

    def start(self) -> None:
        """Work out the non-staff cost of an occupied bed from the published cost per bed-night
        and the ward staff's wages at the start."""
        hospital = self.model.hospital
        beds = max(hospital.funded_beds, 1)
        staff_per_bed_day = hospital.weekly_wages / DAYS_PER_WEEK / beds
        self.other_cost_per_bed_day = max(
            self.model.params.nhs.bed_day_cost_gbp - staff_per_bed_day, 0.0
        )

    def expected_weekly_cost(self) -> float:
        """What the hospital (every funded bed occupied) and intermediate care cost a week."""
        hospital = self.model.hospital
        nhs = self.model.params.nhs
        hospital_cost = hospital.weekly_wages + (
            self.other_cost_per_bed_day * hospital.funded_beds * DAYS_PER_WEEK
        )
        return (
            hospital_cost
            + self.model.intermediate_care.commissioned_beds * nhs.intermediate_care_gbp_per_week
        )

    def new_financial_year(self, health_budget: float) -> None:
        """April: the hospital's contract for the year, and the beds it can fund."""
        accounts = self.model.accounts
        nhs = self.model.params.nhs
        last_year = self._hospital_cost_this_year * 365.25 / max(self._days_this_year, 1)
        self._hospital_cost_this_year, self._days_this_year = 0.0, 0
        hospital = self.model.hospital
        if nhs.hospital_payment != "block":
            self.contract = 0.0
            hospital.funded_share = 1.0
            return
        chc = Purpose.CONTINUING_HEALTHCARE
        other = WEEKS_PER_YEAR * (
            accounts.streams.weekly(accounts.payer(chc), chc.value)
            + self.model.intermediate_care.commissioned_beds * nhs.intermediate_care_gbp_per_week
        )
        self.contract = max(health_budget - other, 0.0)
        if last_year > 0:
            hospital.funded_share = min(1.0, self.contract / last_year)

    def pay_contract(self, date: dt.date) -> None:
        """A twelfth of the block contract (none once payment is by activity)."""
        if self.contract > 0 and self.model.params.nhs.hospital_payment == "block":
            accounts = self.model.accounts
            payer = accounts.payer(Purpose.HOSPITAL)
            accounts.transfer(date, payer, HOSPITAL, Purpose.HOSPITAL, self.contract / 12)

    def settle_month(self) -> None:
        """The hospital pays last month's costs."""
        self.model.accounts.pay_costs(HOSPITAL, self.hospital_costs_this_month)
        self.hospital_costs_this_month = 0.0

    def accrue(self) -> None:
        """Today's hospital costs, activity payments and intermediate care."""
        accounts = self.model.accounts
        nhs = self.model.params.nhs
        hospital = self.model.hospital
        occupied = hospital.occupied
        cost = hospital.weekly_wages / DAYS_PER_WEEK + occupied * self.other_cost_per_bed_day
        self.hospital_costs_this_month += cost
        self._hospital_cost_this_year += cost
        self._days_this_year += 1
        if nhs.hospital_payment == "activity":
            accounts.owe(
                accounts.payer(Purpose.HOSPITAL),
                HOSPITAL,
                Purpose.HOSPITAL,
                occupied * nhs.bed_day_cost_gbp,
            )
        else:
            payer = accounts.payer(Purpose.HOSPITAL)
            accounts.count_today(payer, Purpose.HOSPITAL, self.contract / 365.25)
        commissioned = self.model.intermediate_care.commissioned_beds
        if commissioned:
            ic = Purpose.INTERMEDIATE_CARE
            price = commissioned * nhs.intermediate_care_gbp_per_week / DAYS_PER_WEEK
            accounts.owe(accounts.payer(ic), INTERMEDIATE_CARE, ic, price)
            accounts.owe(INTERMEDIATE_CARE, ECONOMY, Purpose.OPERATING_COSTS, price)


__all__ = ["NhsCommissioner"]
