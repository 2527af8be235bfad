"""What HQ accepts of a push: the body parsed strictly, and each entry checked against what a till could
truly have written (pos_member.domain.validate, the same checks the till applies when it writes).

An entry whose own fields are malformed (a "5" or true for a number, an extra field) is `rejected` alone,
like any other bad entry, as long as its entry_id and local_seq can be read (HQ must know which entry of the
device it refuses); anything else wrong with the body is a 422 for the whole request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from pos_member.domain.errors import InvalidInput, PosError
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import parse_rules_toml
from pos_member.domain.validate import (
    CEILING_LIMITS,
    MAX_LOCAL_RULES_VERSIONS,
    EntryLimits,
    check_entry,
    is_uuid,
)
from sync import protocol as p
from sync.hq import tables as t

MAX_ECHOED_INPUT = 80  # characters of the input a 422 repeats: enough to recognise it, never the whole body
MAX_FIELD_NAME = 40  # characters of a field's name a refusal repeats (an unknown key is the sender's text)


@dataclass(frozen=True, slots=True)
class Malformed:
    """An entry of the body that does not even have the protocol's shape: rejected alone."""

    entry: dict[str, Any]
    problem: PosError


@dataclass(frozen=True, slots=True)
class Parsed:
    """A push body: what has the protocol's shape, and the entries and records that do not (rejected)."""

    request: p.PushRequest
    malformed: list[Malformed]
    refused_records: list[p.RecordStatus]


# where each record kind keeps its key (a malformed record is rejected alone when its key can be read)
_RECORD_KEYS = {"member": "uuid", "card": "card_no", "sale_doc": "sale_id", "refund": "refund_id",
                "coupon": "code", "campaign": "campaign_key", "topup": "topup_id", "card_fee": "fee_key"}


def parse_push(raw: bytes) -> Parsed:
    """The body as a PushRequest, without the entries and records malformed on their own (set aside)."""
    try:
        return Parsed(p.PushRequest.model_validate_json(raw), [], [])
    except ValidationError as exc:
        failure = exc
    bad: dict[tuple[str, int], dict[str, Any]] = {}
    for error in failure.errors(include_url=False):
        loc = error["loc"]
        if len(loc) < 3 or loc[0] not in ("entries", "records") or not isinstance(loc[1], int):
            raise_422(failure)
        bad.setdefault((str(loc[0]), loc[1]), error)
    body = json.loads(raw)  # only field errors: the body is JSON, its lists hold objects
    malformed, refused = [], []
    for (where, index), error in sorted(bad.items()):
        item = body[where][index]
        if where == "entries":
            entry_id, local_seq = item.get("entry_id"), item.get("local_seq")
            if not (_readable_key(entry_id) and type(local_seq) is int and 1 <= local_seq <= p.MAX_SEQ):
                raise_422(failure)  # which entry this is cannot be told: the till must send it well-formed
            malformed.append(Malformed(item, _type_problem(error)))
        else:
            kind = item.get("kind")
            inner = item.get(kind) if isinstance(kind, str) and kind in _RECORD_KEYS else None
            key = inner.get(_RECORD_KEYS[kind]) if isinstance(inner, dict) else None
            if not _readable_key(key):
                raise_422(failure)
            problem = _type_problem(error)
            refused.append(p.RecordStatus(kind=kind, key=key, status="rejected", reason=str(problem),
                                          code=problem.reason.value))
    for where, drop in (("entries", {i for w, i in bad if w == "entries"}),
                        ("records", {i for w, i in bad if w == "records"})):
        if drop:
            body[where] = [item for index, item in enumerate(body[where]) if index not in drop]
    try:
        return Parsed(p.PushRequest.model_validate(body), malformed, refused)
    except ValidationError as exc:
        raise_422(exc)
    raise AssertionError("unreachable")


def _readable_key(key: Any) -> bool:
    return isinstance(key, str) and 0 < len(key) <= 64 and "\x00" not in key


def _type_problem(error: dict[str, Any]) -> PosError:
    # a field no till sends is named by its sender: cut, or a key of a megabyte would come back whole
    field = excerpt(".".join(str(part) for part in error["loc"][2:]) or str(error["loc"][0]), MAX_FIELD_NAME)
    expected = str(error["msg"]).removeprefix("Input should be ").removeprefix("Input ")[:60]
    return InvalidInput(Reason.ENTRY_BAD_TYPE, field, expected=expected, got=excerpt(error.get("input"), 20))


def raise_422(exc: ValidationError) -> None:
    """The 422 FastAPI gives for a declared body (locations under "body"), each input cut to an excerpt."""
    errors = [error | {"loc": ("body", *error["loc"]), "input": excerpt(error.get("input"), MAX_ECHOED_INPUT)}
              for error in exc.errors(include_url=False)]
    raise RequestValidationError(errors) from None


def excerpt(value: Any, length: int) -> Any:
    """A short, JSON-encodable excerpt of an input: a whole body is never echoed back."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return repr(value)  # NaN and Infinity have no JSON form
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= length else text[:length] + "..."


# ---- the entry checks, with what HQ knows ----------------------------------------------------------------

_limits_by_version: dict[tuple[int, int], EntryLimits] = {}  # (version, len(toml)) -> its limits, parsed once


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What HQ checks an entry against: the widest limits of the rules it published and their number."""

    limits: EntryLimits
    max_rules_version: int
    now: datetime


def knowledge(conn: Connection, now: str) -> Knowledge:
    """With no rules published, HQ cannot know a store's own limits: it takes the rules parser's ceilings.
    A store's rules versions are its own numbers (its own loads plus HQ's publications)."""
    versions = conn.execute(select(t.rules.c.version, t.rules.c.toml)).all()
    limits = [_limits(row.version, row.toml) for row in versions]
    return Knowledge(EntryLimits.widest(limits) if limits else CEILING_LIMITS,
                     len(versions) + MAX_LOCAL_RULES_VERSIONS, datetime.fromisoformat(now))


def _limits(version: int, toml_text: str) -> EntryLimits:
    key = (version, len(toml_text))
    if key not in _limits_by_version:
        _limits_by_version[key] = EntryLimits.of(parse_rules_toml(toml_text))
    return _limits_by_version[key]


def entry_problem(entry: dict[str, Any], known: Knowledge) -> PosError | None:
    """Why a pushed entry (an EntryIn as a dict) cannot be stored, as far as the entry alone tells, or None.
    Whether HQ knows its member is checked under the feed lock (sync.hq.push)."""
    if not utf8_ok(*(value for value in entry.values() if isinstance(value, str))):
        return InvalidInput(Reason.ENTRY_BAD_TEXT, "entry")
    try:
        check_entry(entry, known.limits, known.now, typed=True)  # EntryIn is strict
        if not is_uuid(entry["member_uuid"]):
            raise InvalidInput(Reason.ENTRY_BAD_ID, "member_uuid", text=entry["member_uuid"][:40])
        if entry["rules_version"] > known.max_rules_version:
            raise InvalidInput(Reason.ENTRY_UNKNOWN_RULES, "rules_version", version=entry["rules_version"])
    except PosError as exc:
        return exc
    return None


def utf8_ok(*values: str | None) -> bool:
    # JSON may carry lone surrogates, which no database column can store: refuse them as data, not crash.
    try:
        for value in values:
            if value is not None:
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---- database errors that no retry can cure ------------------------------------------------------------

# PostgreSQL SQLSTATE classes of a value the database refuses whatever the moment: data exception,
# integrity constraint, program limit (an index row too large). Not: connection (08), rollback (40),
# resources (53), lock (55), operator (57), system (58), or our own SQL being wrong (42): those may pass.
_PERMANENT_CLASSES = ("22", "23", "54")


def is_permanent(exc: DBAPIError) -> bool:
    """Whether the same statement with the same values would fail again on every retry."""
    if exc.connection_invalidated:
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate:
        return str(sqlstate)[:2] in _PERMANENT_CLASSES
    return isinstance(exc, IntegrityError | DataError)
