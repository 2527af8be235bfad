"""Splitting an amount across a sale's lines in proportion, exactly (largest remainder, ties to the
earlier line), so every line carries its own share of discounts, points and stored value."""

from __future__ import annotations


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Shares of `amount` proportional to `weights`, summing exactly to `amount` (all in integers)."""
    total = sum(weights)
    if amount == 0 or total == 0:
        return [0] * len(weights) if total or amount == 0 else _even(amount, len(weights))
    floors = [amount * w // total for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for index in remainders[: amount - sum(floors)]:
        floors[index] += 1
    return floors


def _even(amount: int, count: int) -> list[int]:
    base, extra = divmod(amount, count)
    return [base + (1 if i < extra else 0) for i in range(count)]
