"""HQ's intake without a server: a push body parsed strictly (sync/hq/intake.py: parse_push), the limits HQ
checks entries against when it has published rules (knowledge, on a real SQLite HQ database), and which
database errors no retry cures (is_permanent, with the real driver's exceptions). Each test names the mutmut
mutants it kills; these mutants survived `make mutation` (or had "no tests": the push tests never publish
rules nor meet a permanent database error)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from pos_member.domain.reasons import Reason
from pos_member.domain.rules import default_rules_text, parse_rules_toml
from pos_member.domain.validate import CEILING_LIMITS, MAX_LOCAL_RULES_VERSIONS, EntryLimits
from sync.hq import db, intake
from sync.hq import tables as t
from sync.hq.intake import Knowledge, entry_problem, is_permanent, knowledge, parse_push

NOW = "2026-12-07T10:00:00+08:00"


def entry(**changes: Any) -> dict[str, Any]:
    return {"entry_id": str(uuid.uuid4()), "local_seq": 1, "member_uuid": str(uuid.uuid4()), "account": "points",
            "kind": "earn", "delta": 5, "rules_version": 1, "business_time": NOW} | changes


def body(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"entries": list(entries)}).encode()


def test_a_malformed_entry_is_set_aside_with_the_field_what_was_expected_and_what_came():
    # intake.x__type_problem__mutmut_13 (expected), 40, 41 (got); x_excerpt__mutmut_11 (a long input cut)
    parsed = parse_push(body(entry(delta="5"), entry(local_seq=2, delta="9" * 30), entry(local_seq=3)))
    assert len(parsed.request.entries) == 1
    problems = [(m.problem.reason, m.problem.field, m.problem.params) for m in parsed.malformed]
    assert problems == [(Reason.ENTRY_BAD_TYPE, "delta", {"expected": "a valid integer", "got": "5"}),
                        (Reason.ENTRY_BAD_TYPE, "delta", {"expected": "a valid integer", "got": "9" * 20 + "..."})]


def test_an_extra_field_with_an_empty_name_is_named_by_its_list():
    # intake.x__type_problem__mutmut_12: with nothing after the entry's index, the list names the field
    parsed = parse_push(body(entry(**{"": 1})))
    assert parsed.malformed[0].problem.field == "entries"


def test_an_entry_whose_key_is_longer_than_64_characters_fails_the_whole_request():
    # intake.x__readable_key__mutmut_6: HQ must be able to name the entry it rejects; 3 (one character), 4 (none)
    # and 7 (a NUL in it)
    assert parse_push(body(entry(entry_id="x" * 64, delta="5"))).malformed[0].problem.field == "entry_id"
    assert parse_push(body(entry(entry_id="x", delta="5"))).malformed[0].entry["entry_id"] == "x"
    for unreadable in ("x" * 65, "", "x\x00y"):
        with pytest.raises(RequestValidationError):
            parse_push(body(entry(entry_id=unreadable, delta="5")))


def test_a_malformed_entry_is_named_by_its_local_seq_up_to_the_protocols_largest():
    # intake.x_parse_push__mutmut_57 (< MAX_SEQ): the largest sequence the protocol allows still names the entry;
    # one past it, or 0, cannot be told and fails the request
    from sync.protocol import MAX_SEQ

    assert parse_push(body(entry(local_seq=MAX_SEQ, delta="5"))).malformed[0].entry["local_seq"] == MAX_SEQ
    assert parse_push(body(entry(local_seq=1, delta="5"))).malformed[0].entry["local_seq"] == 1
    for unreadable in (MAX_SEQ + 1, 0):
        with pytest.raises(RequestValidationError):
            parse_push(body(entry(local_seq=unreadable, delta="5")))


def test_a_malformed_record_is_rejected_alone_naming_the_field_inside_it():
    # intake.x__type_problem__mutmut_4: a field two levels down reads member.phone
    member = {"uuid": str(uuid.uuid4()), "member_no": "M00101000001", "home_store": "001", "name": "A", "phone": 5,
              "tier_code": "standard", "status": "active", "created_at": NOW, "updated_at": NOW}
    parsed = parse_push(json.dumps({"records": [{"kind": "member", "member": member}]}).encode())
    assert [(r.kind, r.key, r.status, r.reason, r.code) for r in parsed.refused_records] == [
        ("member", member["uuid"], "rejected", "member.phone: must be a valid string, got 5", "entry_bad_type")]


def test_a_422_echoes_only_an_excerpt_of_the_input():
    # intake.x_raise_422__mutmut_9: the excerpt must replace the input, not sit beside it
    with pytest.raises(RequestValidationError) as caught:
        parse_push(json.dumps({"entries": "y" * 200}).encode())
    assert caught.value.errors()[0]["input"] == "y" * 80 + "..."
    assert caught.value.errors()[0]["loc"] == ("body", "entries")
    # x_excerpt__mutmut_1 (a number turned into text), 3 (a float), 6 and 7 (an object: its repr), 10 (exactly 80
    # characters: whole); x_raise_422__mutmut_19 (a link to pydantic's site in each error)
    for sent, echoed in (("5", 5), ("1.5", "1.5"), ('{"a": 1}', "{'a': 1}"), (f'"{"y" * 80}"', "y" * 80)):
        with pytest.raises(RequestValidationError) as caught:
            parse_push(f'{{"entries": {sent}}}'.encode())
        assert caught.value.errors() == [{"type": "list_type", "loc": ("body", "entries"),
                                          "msg": "Input should be a valid array", "input": echoed}]


def test_an_entry_under_rules_hq_never_heard_of_names_the_rules_version():
    # intake.x_entry_problem__mutmut_42
    known = Knowledge(CEILING_LIMITS, 1000, datetime.fromisoformat(NOW))
    problem = entry_problem(entry(rules_version=1001) | {"staff_id": None, "sale_id": str(uuid.uuid4()), "ref_id": None,
                                                          "note": None, "expires_on": None}, known)
    assert problem is not None
    assert (problem.reason, problem.field, problem.params) == (Reason.ENTRY_UNKNOWN_RULES, "rules_version",
                                                               {"version": 1001})
    # x_entry_problem__mutmut_34: the highest version HQ knows is known
    assert entry_problem(entry(rules_version=1000) | {"staff_id": None, "sale_id": str(uuid.uuid4()), "ref_id": None,
                                                      "note": None, "expires_on": None}, known) is None


def test_an_entry_dated_past_a_year_after_hqs_clock_or_naming_no_member_id_is_refused():
    # intake.x_entry_problem__mutmut_10, 14 (HQ's own time not passed: any date up to 9999 accepted), 22 (field)
    known = Knowledge(CEILING_LIMITS, 1000, datetime.fromisoformat(NOW))
    optional = {"staff_id": None, "sale_id": str(uuid.uuid4()), "ref_id": None, "note": None, "expires_on": None}
    late = entry_problem(entry(business_time="2028-12-07T10:00:00+08:00") | optional, known)
    assert late is not None
    assert (late.reason, late.field, late.params["high"]) == (Reason.ENTRY_BAD_TIME, "business_time", "2027-12-08")
    nobody = entry_problem(entry(member_uuid="m-1") | optional, known)
    assert nobody is not None
    assert (nobody.reason, nobody.field, nobody.params) == (Reason.ENTRY_BAD_ID, "member_uuid", {"text": "m-1"})


def test_an_entry_with_text_no_database_can_hold_is_refused_naming_the_entry():
    # intake.x_entry_problem__mutmut_2..5: a lone surrogate (JSON allows it) is refused as bad text, by reason
    known = Knowledge(CEILING_LIMITS, 1000, datetime.fromisoformat(NOW))
    problem = entry_problem(entry(note="\ud800") | {"staff_id": None, "sale_id": str(uuid.uuid4()), "ref_id": None,
                                                   "expires_on": None}, known)
    assert problem is not None
    assert (problem.reason, problem.field, problem.params) == (Reason.ENTRY_BAD_TEXT, "entry", {})


@pytest.fixture
def hq_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_hq_checks_entries_against_the_widest_of_the_rules_it_published(hq_engine: Engine,
                                                                       monkeypatch: pytest.MonkeyPatch):
    # intake.x__limits__mutmut_1..5 (one version's limits cached for all, or none parsed), with EntryLimits.widest.
    # HQ's cache of parsed rules starts empty, as in a new HQ process (not as the tests before this one left it)
    monkeypatch.setattr(intake, "_limits_by_version", {})
    larger = default_rules_text().replace("max_sale_fen = 10000000", "max_sale_fen = 20000000", 1)
    assert larger != default_rules_text()
    with hq_engine.begin() as conn:
        assert knowledge(conn, NOW).limits == CEILING_LIMITS  # nothing published: the parser's ceilings
        conn.execute(t.rules.insert(), [{"version": 1, "label": "v1", "toml": default_rules_text(), "published_at": NOW},
                                        {"version": 2, "label": "v2", "toml": larger, "published_at": NOW}])
        known = knowledge(conn, NOW)
    assert known.max_rules_version == 2 + MAX_LOCAL_RULES_VERSIONS
    assert known.limits.max_sale_fen == 20_000_000
    assert known.limits == EntryLimits.widest([EntryLimits.of(parse_rules_toml(default_rules_text())),
                                               EntryLimits.of(parse_rules_toml(larger))])


def wrapped(kind: type[OperationalError], orig: Exception, invalidated: bool = False) -> OperationalError:
    """The exception SQLAlchemy raises around the driver's (psycopg's real error classes carry the SQLSTATE)."""
    return kind("INSERT INTO entries ...", {}, orig, connection_invalidated=invalidated)


def test_the_sqlstate_decides_whether_a_database_error_is_permanent():
    # intake.x_is_permanent__mutmut_1..12 ("no tests" in the run): the class of the SQLSTATE wins over the
    # wrapper's type, a dropped connection is never permanent
    assert is_permanent(wrapped(OperationalError, psycopg.errors.NumericValueOutOfRange("too big")))  # 22003
    assert is_permanent(wrapped(OperationalError, psycopg.errors.UniqueViolation("twice")))  # 23505
    assert not is_permanent(wrapped(IntegrityError, psycopg.errors.SerializationFailure("again")))  # 40001
    assert not is_permanent(wrapped(DataError, psycopg.errors.UniqueViolation("x"), invalidated=True))
    # no SQLSTATE (SQLite): the wrapper's type decides
    assert is_permanent(wrapped(IntegrityError, ValueError("sqlite: UNIQUE constraint failed")))
    assert not is_permanent(wrapped(OperationalError, ValueError("sqlite: database is locked")))
