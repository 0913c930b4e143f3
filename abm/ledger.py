"""A double-entry ledger in integer pence, and weekly payment streams settled into it.

Every pound in the model moves by :meth:`Ledger.transfer`: from a payer's account to a
payee's, out of a named pool (whose budget it counts against), for a purpose, on a date. Money
enters and leaves the modelled system only through external accounts (``government`` for tax
money, ``households`` for residents' own money, ``economy`` for wages and suppliers), which may
go negative; so the sum of all balances is zero at all times, and for every account and every
period ``opening + income = spending + closing``. :meth:`Ledger.check` verifies both, to the
penny, against the transaction log itself.

Care is paid for at weekly rates that change whenever a package or placement starts, ends or is
re-priced. :class:`PaymentStreams` integrates those rates over days (work only when a rate
changes, not every day) and, at settlement, turns what is owed into whole-penny transactions,
carrying the fraction of a penny to the next settlement so that nothing is lost to rounding.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

import pandas as pd

PENCE_PER_POUND = 100
EXTERNAL_ACCOUNTS = ("government", "households", "economy")
OPENING = "opening balances"


class LedgerError(RuntimeError):
    """The books do not balance: a bug, never a user error."""


@dataclasses.dataclass(frozen=True, slots=True)
class Transaction:
    """One movement of money."""

    date: dt.date
    payer: str
    payee: str
    pool: str
    purpose: str
    pence: int


def to_pence(gbp: float) -> int:
    """Pounds to whole pence, rounded half away from zero."""
    pence = abs(gbp) * PENCE_PER_POUND + 0.5
    return int(pence) if gbp >= 0 else -int(pence)


class Ledger:
    """Accounts with integer-pence balances and the log of every transaction between them."""

    def __init__(self, external: Iterable[str] = EXTERNAL_ACCOUNTS) -> None:
        self.external = frozenset((*external, OPENING))
        self._balance: dict[str, int] = dict.fromkeys(self.external, 0)
        self._received: defaultdict[str, int] = defaultdict(int)
        self._paid: defaultdict[str, int] = defaultdict(int)
        self.transactions: list[Transaction] = []
        self._replayed_received: defaultdict[str, int] = defaultdict(int)
        self._replayed_paid: defaultdict[str, int] = defaultdict(int)
        self._checked = 0

    def open_account(self, account: str, date: dt.date, opening_gbp: float = 0.0) -> None:
        """Add an account, with an opening balance booked from ``opening balances``."""
        if account in self._balance:
            raise LedgerError(f"account {account!r} already exists")
        self._balance[account] = 0
        pence = to_pence(opening_gbp)
        if pence:
            self.transfer(
                date, OPENING, account, pool="none", purpose="opening_balance", pence=pence
            )

    def has(self, account: str) -> bool:
        """Whether ``account`` exists."""
        return account in self._balance

    @property
    def accounts(self) -> list[str]:
        """Every account, external ones included."""
        return list(self._balance)

    def transfer(
        self, date: dt.date, payer: str, payee: str, *, pool: str, purpose: str, pence: int
    ) -> None:
        """Move ``pence`` (a non-negative whole number) from ``payer`` to ``payee``."""
        if not isinstance(pence, int) or pence < 0:
            raise LedgerError(f"a transfer must be a whole, non-negative number of pence: {pence}")
        if payer == payee:
            raise LedgerError(f"{payer!r} cannot pay itself")
        for account in (payer, payee):
            if account not in self._balance:
                raise LedgerError(f"no account {account!r}")
        if pence == 0:
            return
        self._balance[payer] -= pence
        self._balance[payee] += pence
        self._paid[payer] += pence
        self._received[payee] += pence
        self.transactions.append(Transaction(date, payer, payee, pool, purpose, pence))

    def balance(self, account: str) -> int:
        """The account's balance in pence."""
        return self._balance[account]

    def balance_gbp(self, account: str) -> float:
        """The account's balance in pounds."""
        return self._balance[account] / PENCE_PER_POUND

    def between(self, start: dt.date, end: dt.date) -> Iterator[Transaction]:
        """Transactions dated in ``[start, end)``."""
        return (t for t in self.transactions if start <= t.date < end)

    def check(self, *, full: bool = False) -> None:
        """Raise :class:`LedgerError` unless the books balance to the penny.

        Three things must hold: every account's balance equals what its transactions say
        (received minus paid); the running totals of received and paid agree with the log;
        and the balances of all accounts, external ones included, sum to zero. The log is
        replayed from where the last check stopped (from the start with ``full``).
        """
        if full:
            self._replayed_received.clear()
            self._replayed_paid.clear()
            self._checked = 0
        received, paid = self._replayed_received, self._replayed_paid
        for t in self.transactions[self._checked :]:
            received[t.payee] += t.pence
            paid[t.payer] += t.pence
        self._checked = len(self.transactions)
        for account, balance in self._balance.items():
            if received[account] != self._received[account] or paid[account] != self._paid[account]:
                raise LedgerError(f"{account}: running totals disagree with the transaction log")
            if balance != received[account] - paid[account]:
                raise LedgerError(
                    f"{account}: balance {balance} p, but transactions give "
                    f"{received[account] - paid[account]} p"
                )
        total = sum(self._balance.values())
        if total != 0:
            raise LedgerError(f"money is not conserved: balances sum to {total} p")

    def accounts_table(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Each account's opening balance, income, spending and closing balance (GBP) for the
        period ``[start, end)``, with ``balanced`` saying whether opening + income = spending +
        closing holds to the penny."""
        opening: defaultdict[str, int] = defaultdict(int)
        income: defaultdict[str, int] = defaultdict(int)
        spending: defaultdict[str, int] = defaultdict(int)
        closing: defaultdict[str, int] = defaultdict(int)
        for t in self.transactions:
            if t.date < start:
                opening[t.payee] += t.pence
                opening[t.payer] -= t.pence
            elif t.date < end:
                income[t.payee] += t.pence
                spending[t.payer] += t.pence
            if t.date < end:
                closing[t.payee] += t.pence
                closing[t.payer] -= t.pence
        rows = [
            {
                "account": account,
                "opening_gbp": opening[account] / PENCE_PER_POUND,
                "income_gbp": income[account] / PENCE_PER_POUND,
                "spending_gbp": spending[account] / PENCE_PER_POUND,
                "closing_gbp": closing[account] / PENCE_PER_POUND,
                "balanced": opening[account] + income[account]
                == spending[account] + closing[account],
            }
            for account in self._balance
        ]
        return pd.DataFrame(rows)

    def flows_table(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """Money moved in ``[start, end)`` by payer, payee, pool and purpose (GBP)."""
        totals: defaultdict[tuple[str, str, str, str], int] = defaultdict(int)
        for t in self.between(start, end):
            totals[t.payer, t.payee, t.pool, t.purpose] += t.pence
        rows = [
            {"payer": k[0], "payee": k[1], "pool": k[2], "purpose": k[3], "gbp": v / 100}
            for k, v in sorted(totals.items())
        ]
        return pd.DataFrame(rows, columns=["payer", "payee", "pool", "purpose", "gbp"])


StreamKey = tuple[str, str, str, str]


@dataclasses.dataclass(slots=True)
class _Stream:
    weekly_gbp: float = 0.0
    since_day: int = 0
    owed_gbp: float = 0.0


class PaymentStreams:
    """Money owed at weekly rates (and one-off amounts), settled into a ledger in pence.

    A stream is keyed by ``(payer, payee, pool, purpose)``. Changing a rate first adds what the
    old rate earned since the last change; a rate in force on day ``d`` counts for day ``d``.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._streams: dict[StreamKey, _Stream] = {}
        self._rate_by_payer: defaultdict[str, float] = defaultdict(float)
        self._rate_by_purpose: defaultdict[tuple[str, str], float] = defaultdict(float)

    def _stream(self, key: StreamKey, day: int) -> _Stream:
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream(since_day=day)
        return stream

    def add_rate(self, key: StreamKey, weekly_gbp: float, day: int) -> None:
        """Change the weekly rate of a stream by ``weekly_gbp`` (negative to reduce it)."""
        if weekly_gbp == 0.0:
            return
        stream = self._streams.get(key)  # (self._stream, inline: rates change very often)
        if stream is None:
            stream = self._streams[key] = _Stream(since_day=day)
        stream.owed_gbp += stream.weekly_gbp * (day - stream.since_day) / 7.0
        stream.since_day = day
        rate = stream.weekly_gbp + weekly_gbp
        stream.weekly_gbp = 0.0 if abs(rate) < 1e-6 else rate
        self._rate_by_payer[key[0]] += weekly_gbp
        self._rate_by_purpose[key[0], key[3]] += weekly_gbp

    def set_rate(self, key: StreamKey, weekly_gbp: float, day: int) -> None:
        """Set a stream's weekly rate."""
        current = self._streams[key].weekly_gbp if key in self._streams else 0.0
        self.add_rate(key, weekly_gbp - current, day)

    def add_amount(self, key: StreamKey, gbp: float, day: int) -> None:
        """Owe a one-off amount (settled with the streams)."""
        self._stream(key, day).owed_gbp += gbp

    def weekly(self, payer: str, purpose: str | None = None) -> float:
        """The weekly rate a payer is paying now (for one purpose, or in all)."""
        if purpose is None:
            return max(self._rate_by_payer[payer], 0.0)
        return max(self._rate_by_purpose[payer, purpose], 0.0)

    def rate(self, key: StreamKey) -> float:
        """One stream's weekly rate now."""
        stream = self._streams.get(key)
        return stream.weekly_gbp if stream is not None else 0.0

    def rates(self) -> dict[StreamKey, float]:
        """Every stream's weekly rate now."""
        return {key: stream.weekly_gbp for key, stream in self._streams.items()}

    def settle(self, date: dt.date, day: int) -> None:
        """Book everything owed up to (not including) ``day`` as transactions dated ``date``;
        fractions of a penny wait for the next settlement."""
        for key, stream in self._streams.items():
            stream.owed_gbp += stream.weekly_gbp * (day - stream.since_day) / 7.0
            stream.since_day = day
            pence = int(stream.owed_gbp * PENCE_PER_POUND)
            if pence > 0:
                payer, payee, pool, purpose = key
                self.ledger.transfer(date, payer, payee, pool=pool, purpose=purpose, pence=pence)
                stream.owed_gbp -= pence / PENCE_PER_POUND


__all__ = [
    "EXTERNAL_ACCOUNTS",
    "Ledger",
    "LedgerError",
    "PaymentStreams",
    "Transaction",
    "to_pence",
]
