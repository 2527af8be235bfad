"""What a till can truly have written: one set of checks for a ledger entry and a member's fields, used by the
till when it writes (services/ledger.py `post`, services/members.py) and by HQ when it receives a push
(sync/hq/push.py, sync/hq/merge.py). Standard library only.

An entry is checked alone: its types (strict: no "5" or true for a number), its ids, the kind/account
pairs the till's services produce and the sign of each kind, a sale id where a sale made it, an aware time
within sane bounds, and its amount within the till's own limits (from the rules, `EntryLimits`). Its member
(a UUID HQ knows; the till's rows name it by local id) and whether HQ knows its rules version are for HQ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules

ACCOUNTS = ("points", "stored_paid", "stored_bonus")
KINDS = ("earn", "redeem", "reverse", "expire", "adjust", "topup", "bonus", "spend", "refund", "transfer")

# kind -> (the accounts a till writes it on, the sign of its delta: +1, -1, or 0 for either)
TILL_KINDS: dict[str, tuple[tuple[str, ...], int]] = {
    "earn": (("points",), +1),
    "redeem": (("points",), -1),
    "reverse": (("points",), -1),
    "expire": (("points",), -1),
    "adjust": (("points",), 0),
    "topup": (("stored_paid",), +1),
    "bonus": (("stored_bonus",), +1),
    "spend": (("stored_paid", "stored_bonus"), -1),
    "refund": (("points", "stored_paid", "stored_bonus"), +1),
}
# `transfer` is HQ's own kind (member merges): no till writes it.
SALE_KINDS = ("earn", "redeem", "spend")  # made by a sale: the sale id travels with them (a referral: ref_id)

MAX_ADJUST_POINTS = 10_000_000  # the largest manual points adjustment a manager may post
MAX_POINTS_BALANCE = 10**10  # far above any member's balance: the bound on an expiry of a whole balance
MAX_LOCAL_RULES_VERSIONS = 1000  # rules versions a store may load itself on top of those HQ published
EARLIEST_BUSINESS_TIME = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
LATEST_AHEAD = timedelta(days=366)  # how far a till's clock may run ahead of HQ's
_TEXT_FIELDS = ("entry_id", "account", "kind", "business_time")
_OPTIONAL_TEXT = ("sale_id", "ref_id", "note", "expires_on")
_INT_FIELDS = ("local_seq", "delta", "rules_version")
_TIER_CODE = re.compile(r"[A-Za-z0-9_\-]{1,36}")


@dataclass(frozen=True, slots=True)
class EntryLimits:
    """The largest amount of one entry of each kind, as the till's rules allow it."""

    max_sale_fen: int
    max_topup_fen: int
    max_bonus_fen: int
    max_earn_points: int
    max_redeem_points: int

    @classmethod
    def of(cls, rules: Rules) -> EntryLimits:
        earning = rules.earning
        multiplier = (max(t.points_multiplier_percent for t in rules.tiers)
                      * max([100, *(p.multiplier_percent for p in earning.promotions)])
                      * max(100, earning.birthday_month_multiplier_percent))
        rate = max([100, *earning.categories.values()]) * max([100, *earning.stores.values()])
        sale_points = rules.max_sale_fen * rate * multiplier // (earning.fen_per_point * 10_000_000_000)
        return cls(max_sale_fen=rules.max_sale_fen, max_topup_fen=rules.max_topup_fen,
                   max_bonus_fen=max([0, *(s.bonus_fen for s in rules.topup_steps)]),
                   max_earn_points=max(sale_points, rules.referrer_points),
                   max_redeem_points=rules.max_sale_fen * rules.max_bill_percent * rules.points_per_yuan // 10_000)

    @classmethod
    def widest(cls, limits: Iterable[EntryLimits]) -> EntryLimits:
        """What any of several rules versions allows (HQ checks against every version it published)."""
        items = list(limits)
        return cls(*(max(getattr(item, name) for item in items) for name in cls.__slots__))

    def largest(self, kind: str, account: str) -> int:
        if account == "points":
            if kind in ("earn", "reverse"):
                return self.max_earn_points
            if kind in ("redeem", "refund"):
                return self.max_redeem_points
            return max(MAX_ADJUST_POINTS, self.max_earn_points) if kind == "adjust" else MAX_POINTS_BALANCE
        if kind == "topup":
            return self.max_topup_fen
        return self.max_bonus_fen if kind == "bonus" else self.max_sale_fen


# The ceilings of the rules parser: what a till with any valid rules could allow (HQ without published rules).
CEILING_LIMITS = EntryLimits(max_sale_fen=100_000_000, max_topup_fen=100_000_000, max_bonus_fen=100_000_000,
                             max_earn_points=MAX_POINTS_BALANCE, max_redeem_points=MAX_POINTS_BALANCE)


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)


def is_uuid(text: Any) -> bool:
    """A UUID in its canonical 36-character text form (what new_id and uuid4 make)."""
    return isinstance(text, str) and _UUID.fullmatch(text) is not None


def aware_time(text: Any, field: str, now: datetime | None = None) -> datetime:
    """An ISO time with its zone, not before 2000 nor more than a year ahead of `now` (if given)."""
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    high = (now + LATEST_AHEAD) if now is not None else _FAR_FUTURE
    if moment is None or moment.tzinfo is None or not (EARLIEST_BUSINESS_TIME <= moment <= high):
        raise InvalidInput(Reason.ENTRY_BAD_TIME, field, text=str(text)[:40], low=EARLIEST_BUSINESS_TIME.date().isoformat(),
                           high=high.date().isoformat())
    return moment


def check_entry_types(entry: Mapping[str, Any]) -> None:
    """Strict types: a number is a JSON integer (not "5", not true), a text is a text."""
    for name in _INT_FIELDS:
        value = entry.get(name)
        if type(value) is not int:
            raise InvalidInput(Reason.ENTRY_BAD_TYPE, name, expected="a whole number", got=repr(value)[:20])
    if entry.get("staff_id") is not None and type(entry["staff_id"]) is not int:
        raise InvalidInput(Reason.ENTRY_BAD_TYPE, "staff_id", expected="a whole number", got=repr(entry["staff_id"])[:20])
    for name in _TEXT_FIELDS:
        if not isinstance(entry.get(name), str):
            raise InvalidInput(Reason.ENTRY_BAD_TYPE, name, expected="a text", got=repr(entry.get(name))[:20])
    for name in _OPTIONAL_TEXT:
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise InvalidInput(Reason.ENTRY_BAD_TYPE, name, expected="a text", got=repr(entry[name])[:20])


def check_entry(entry: Mapping[str, Any], limits: EntryLimits, now: datetime | None = None,
                typed: bool = False) -> None:
    """Raise InvalidInput (a typed Reason naming the field) unless a till could have written `entry`.
    `typed`: the caller has checked the types strictly already (HQ's pydantic model, strict)."""
    if not typed:
        check_entry_types(entry)
    if not is_uuid(entry["entry_id"]):
        raise InvalidInput(Reason.ENTRY_BAD_ID, "entry_id", text=entry["entry_id"][:40])
    kind, account, delta = entry["kind"], entry["account"], entry["delta"]
    accounts, sign = TILL_KINDS.get(kind, ((), 0))
    if account not in accounts:
        raise InvalidInput(Reason.ENTRY_BAD_PAIR, "kind", kind=kind[:16], account=account[:16])
    if delta == 0 or (sign > 0 and delta < 0) or (sign < 0 and delta > 0):
        raise InvalidInput(Reason.ENTRY_BAD_SIGN, "delta", kind=kind,
                           sign={1: "positive", -1: "negative", 0: "not zero"}[sign])
    largest = limits.largest(kind, account)
    if abs(delta) > largest:
        raise InvalidInput(Reason.ENTRY_TOO_LARGE, "delta", kind=kind, amount=abs(delta), limit=largest)
    if kind in SALE_KINDS and not (entry.get("sale_id") or (kind == "earn" and entry.get("ref_id"))):
        raise InvalidInput(Reason.ENTRY_NO_SALE, "sale_id", kind=kind)
    if entry["rules_version"] < 1:
        raise InvalidInput(Reason.ENTRY_UNKNOWN_RULES, "rules_version", version=entry["rules_version"])
    aware_time(entry["business_time"], "business_time", now)
    if entry.get("expires_on") is not None:
        try:
            date.fromisoformat(entry["expires_on"])
        except ValueError as exc:
            raise InvalidInput(Reason.NOT_A_DATE, "expires_on", text=entry["expires_on"][:40]) from exc


# ---- a member's fields, as the till checks them when they are typed ----------------------------------------

MAX_NAME_LENGTH = 40


def check_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput(Reason.EMPTY, "name")
    if len(cleaned) > MAX_NAME_LENGTH or not cleaned.isprintable():
        raise InvalidInput(Reason.NAME_TOO_LONG, "name", max=MAX_NAME_LENGTH)
    return cleaned


def check_birthday(text: str | None, today: date) -> str | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(Reason.NOT_A_DATE, "birthday", text=str(text)[:40]) from exc
    if day > today or day.year < 1900:
        raise InvalidInput(Reason.IMPLAUSIBLE_BIRTHDAY, "birthday", text=str(text))
    return day.isoformat()


def check_tier_code(code: str) -> str:
    if not _TIER_CODE.fullmatch(code or ""):
        raise InvalidInput(Reason.NO_SUCH_TIER, "tier_code", tier=str(code)[:36])
    return code
