"""Grants: money from government for a purpose, on top of the allocations, with conditions.

Issue 17 asks for dated grants (the improved Better Care Fund, the Spring Budget 2017 money,
the 2022-25 discharge funds) to arrive as money with their conditions. Each grant stream is
one numeric lever of the ``[grants]`` section, an amount a year in the price base, so that it
is given by date as any lever is (``[series."grants.social_care_gbp"]`` with one point each
April, or a ``[[schedule]]`` entry) and is checked, recorded and scaled to the area like
every other lever. A stream fixes the grant's recipient and its conditions:

- ``social_care_gbp``: paid to the council for adult social care, not ring-fenced within it
  (the improved Better Care Fund, the Spring Budget 2017 grant, the winter pressures grant):
  it adds to the social care budget holder's budget, so it buys care packages, placements
  or, when nobody waits for council money, discharge support, as the budget does.
- ``discharge_council_gbp`` and ``discharge_nhs_gbp``: the two halves of a discharge fund
  (the Adult Social Care Discharge Fund of 2022-25: part to councils, part to integrated care
  boards), ring-fenced for discharge support: each buys home-care hours for people leaving
  hospital, on top of whatever the budget buys, and nothing else.

The money moves monthly through the ledger (:meth:`abm.agents.accounts.Accounts`): a twelfth
of the yearly amount in force from ``government`` to the recipient (purpose ``grant``), then,
where the funding arrangement gives the purpose to another account (a pool, an integrated
budget), on from the recipient to that account.
"""

from __future__ import annotations

import dataclasses

from abm.params import param


@dataclasses.dataclass(frozen=True)
class GrantsConfig:
    """Grants on top of the allocations, each an amount a year (in the price base) with a
    recipient and a purpose; give them by date with ``[series]`` (docs/model.md, Grants)."""

    social_care_gbp: float = param(
        0.0,
        unit="GBP a year",
        description="Grant to the council for adult social care (improved Better Care Fund, "
        "Spring Budget 2017 money): adds to the social care budget holder's budget",
        source="lever (history inputs: ibcf_grant, spring_budget_2017_asc_grant, scaled to "
        "the area)",
        kind="money",
        area=True,
    )
    discharge_council_gbp: float = param(
        0.0,
        unit="GBP a year",
        description="Discharge fund paid to the council, ring-fenced for discharge support "
        "(home-care hours for people leaving hospital, bought by whoever pays for reablement)",
        source="lever (history inputs: asc_discharge_fund, councils' part)",
        kind="money",
        area=True,
    )
    discharge_nhs_gbp: float = param(
        0.0,
        unit="GBP a year",
        description="Discharge fund paid to the NHS commissioner (the integrated care board), "
        "ring-fenced for discharge support as discharge_council_gbp",
        source="lever (history inputs: asc_discharge_fund, integrated care boards' part)",
        kind="money",
        area=True,
    )

    @property
    def discharge_gbp(self) -> float:
        """Both ring-fenced discharge grants, GBP a year."""
        return self.discharge_council_gbp + self.discharge_nhs_gbp


__all__ = ["GrantsConfig"]
