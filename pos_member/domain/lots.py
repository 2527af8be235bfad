"""Points lots and their expiry, FIFO: the rule the till's expiry job, HQ's expiry job and HQ's merge share.

A member's points ledger splits into lot credits (entries with an expires_on: earnings, and reversals taken
from the lot they were earned in) and a flow (everything else: redemptions, earlier expiries, refunds of
redeemed points), which consumes the oldest lots first."""

from __future__ import annotations


def lapsing_points(lapsed: int, flow: int, balance: int) -> int:
    """Points that lapse: the lots dated on or before the day (`lapsed`, their net sum) less what the flow
    consumed of them, never more than the balance and never below zero."""
    return max(0, min(lapsed - max(0, -flow), balance))
