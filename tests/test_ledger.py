"""The ledger and payment streams on their own: pence, conservation and settlement."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.ledger import Ledger, LedgerError, PaymentStreams, to_pence

DAY = dt.date(2025, 4, 1)
ACCOUNTS = ("council", "nhs", "pool", "provider")


def ledger_with_accounts() -> Ledger:
    ledger = Ledger()
    for account in ACCOUNTS:
        ledger.open_account(account, DAY)
    return ledger


transfers = st.lists(
    st.tuples(
        st.sampled_from((*ACCOUNTS, "government", "households", "economy")),
        st.sampled_from((*ACCOUNTS, "government", "households", "economy")),
        st.integers(min_value=0, max_value=10**9),
        st.integers(min_value=0, max_value=400),
    ).filter(lambda t: t[0] != t[1]),
    max_size=60,
)


@given(transfers)
@settings(max_examples=60, deadline=None)
def test_random_transfers_conserve_money_for_every_account_and_in_total(moves):
    ledger = ledger_with_accounts()
    for payer, payee, pence, days in moves:
        ledger.transfer(
            DAY + dt.timedelta(days=days), payer, payee, pool="p", purpose="x", pence=pence
        )
    ledger.check(full=True)
    assert sum(ledger.balance(a) for a in ledger.accounts) == 0
    mid, end = DAY + dt.timedelta(days=200), DAY + dt.timedelta(days=401)
    for start, stop in ((DAY, mid), (mid, end)):
        table = ledger.accounts_table(start, stop)
        assert table["balanced"].all()
    closing = ledger.accounts_table(DAY, end).set_index("account")["closing_gbp"]
    for account in ledger.accounts:
        assert round(closing[account] * 100) == ledger.balance(account)


def test_a_tampered_balance_is_caught():
    ledger = ledger_with_accounts()
    ledger.transfer(DAY, "government", "council", pool="public", purpose="allocation", pence=500)
    ledger._balance["council"] += 1
    with pytest.raises(LedgerError, match="council"):
        ledger.check(full=True)


@pytest.mark.parametrize("pence", [-1, 1.5])
def test_only_whole_non_negative_pence_move(pence):
    ledger = ledger_with_accounts()
    with pytest.raises(LedgerError, match="whole, non-negative"):
        ledger.transfer(DAY, "council", "provider", pool="council", purpose="x", pence=pence)


def test_unknown_accounts_and_self_payments_are_refused():
    ledger = ledger_with_accounts()
    with pytest.raises(LedgerError, match="no account"):
        ledger.transfer(DAY, "council", "nobody", pool="council", purpose="x", pence=1)
    with pytest.raises(LedgerError, match="cannot pay itself"):
        ledger.transfer(DAY, "council", "council", pool="council", purpose="x", pence=1)


def test_opening_balances_come_from_somewhere():
    ledger = Ledger()
    ledger.open_account("care_home:1", DAY, opening_gbp=1234.565)
    assert ledger.balance("care_home:1") == 123457
    ledger.check(full=True)


def test_to_pence_rounds_half_away_from_zero():
    assert to_pence(0.005) == 1
    assert to_pence(-0.005) == -1
    assert to_pence(10.0) == 1000


def test_a_weekly_rate_is_owed_for_each_day_it_is_in_force():
    ledger = ledger_with_accounts()
    streams = PaymentStreams(ledger)
    key = ("council", "provider", "council", "home_care")
    streams.add_rate(key, 70.0, day=0)
    streams.add_rate(key, 70.0, day=7)  # doubled from day 7
    streams.settle(DAY, day=14)
    assert ledger.balance("provider") == (70 + 140) * 100
    assert streams.weekly("council") == 140.0


@given(
    st.lists(st.floats(min_value=0.0, max_value=5000.0), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=40),
)
@settings(max_examples=80, deadline=None)
def test_settlements_lose_less_than_a_penny_to_rounding(rates, days_between):
    ledger = ledger_with_accounts()
    streams = PaymentStreams(ledger)
    key = ("nhs", "provider", "nhs", "continuing_healthcare")
    owed = 0.0
    day = 0
    for rate in rates:
        streams.set_rate(key, rate, day)
        owed += rate * days_between / 7.0
        day += days_between
        streams.settle(DAY, day)
    assert 0 <= owed * 100 - ledger.balance("provider") < 1.0 + 1e-6 * owed
    ledger.check(full=True)
