"""The monthly tier evaluation's decisions, shared by the till (a store not in a chain) and HQ (every
enrolled store): the same rules, the same window, the same retention, whoever runs it."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date

from pos_member.domain.calendar import retained_until
from pos_member.domain.rules import Rules

# (member key, old tier, new tier, reached_on, reason)
TierDecision = tuple[Hashable, str, str, str, str]


def tier_decisions(rules: Rules, members: Iterable[tuple[Hashable, str, str | None]], qualifying: dict[Hashable, int],
                   day: date, window_end: date) -> list[TierDecision]:
    """For each (member, tier, reached_on), the move the evaluation on `day` makes, if any: up to the tier
    the window's total reaches, a re-qualification (restarts retention), or down once retention ends."""
    requalified_on = (date.fromordinal(window_end.toordinal() - 1) if rules.qualification.window == "calendar_year"
                      else day).isoformat()
    changes: list[TierDecision] = []
    for member, current, reached_on in members:
        target = rules.tier_for(qualifying.get(member, 0))
        target_rank, current_rank = rules.tier_rank(target.code), rules.tier_rank(current)
        if not rules.has_tier(current):
            changes.append((member, current, target.code, requalified_on, "tier not in the new rules"))
        elif target_rank > current_rank:
            changes.append((member, current, target.code, requalified_on, "evaluation: qualified"))
        elif target_rank == current_rank and current_rank > 0 and (reached_on or "") < requalified_on:
            changes.append((member, current, current, requalified_on, "evaluation: re-qualified"))
        elif target_rank < current_rank:
            kept = retained_until(rules.qualification, date.fromisoformat(reached_on) if reached_on else None)
            if kept is None or day > kept:
                changes.append((member, current, target.code, day.isoformat(), "evaluation: below threshold"))
    return changes


def evaluation_skipped(rules: Rules, day: date) -> str | None:
    """Why the evaluation does nothing on `day` (it runs on the rules' evaluation day only), or None."""
    if day.day != rules.qualification.evaluation_day:
        return f"evaluations run on day {rules.qualification.evaluation_day} of the month"
    return None
