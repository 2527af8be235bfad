"""sync.hq.merge called in-process on an embedded SQLite HQ (no server): each refusal of a member or card record
pinned to its exact Reason, field and params, each boundary (a birthday two days ahead, a time a year ahead)
just at and just past it, and what HQ keeps when a snapshot arrives on top of what it holds.

A status's `reason` is `str(InvalidInput)`, "field: sentence", so comparing it with the expected error's
text pins the field too; `code` and `params` pin the Reason and every figure."""

from __future__ import annotations

import functools
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import DBAPIError

from pos_member.domain.cardno import make_card_no
from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from sync import protocol as p
from sync.hq import db, merge
from sync.hq import tables as t
from sync.hq.documents import KIND_ORDER
from sync.hq.service import Device
from tests.sync.test_sale_docs_bulk import _sale as sale_doc_of

NOW = "2026-11-24T02:00:00+00:00"  # HQ's clock: its date is 2026-11-24
MOMENT = datetime.fromisoformat(NOW)
A = Device("dev-a", "001")  # the home store of the members below
B = Device("dev-b", "002")
UUID_1 = "11111111-1111-4111-8111-111111111111"
UUID_2 = "22222222-2222-4222-8222-222222222222"
UUID_3 = "33333333-3333-4333-8333-333333333333"
CARD_1 = make_card_no("001", 1, 1)
CARD_2 = make_card_no("001", 1, 2)
YEAR_AHEAD = (MOMENT + timedelta(days=366)).date().isoformat()  # aware_time's `high` for HQ's clock


_TEMPLATE = tempfile.TemporaryDirectory(prefix="hq-merge-template-")  # removed when the process ends


@functools.cache
def template() -> Path:
    """One migrated HQ file per process (a migration takes ~1 s; a copy ~1 ms): also across the repeated
    pytest runs of one process, as when checking mutants."""
    path = Path(_TEMPLATE.name) / "hq.sqlite3"
    engine = db.make_engine(f"sqlite+pysqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


def _no_fsync(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")  # a throwaway file: durability is not under test


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "hq.sqlite3"
    shutil.copy(template(), path)
    made = db.make_engine(f"sqlite+pysqlite:///{path}")
    event.listen(made, "connect", _no_fsync)
    yield made
    made.dispose()


def member(**fields: Any) -> p.RecordIn:
    values = {"uuid": UUID_1, "member_no": "M00101000001", "home_store": "001", "name": "Alice",
              "phone": "13900001111", "birthday": "1990-05-06", "tier_code": "base", "tier_reached_on": None,
              "status": "active", "created_at": "2026-11-20T10:00:00+08:00",
              "updated_at": "2026-11-24T10:00:00+08:00"} | fields
    return p.RecordIn(kind="member", member=p.MemberRecord.model_construct(**values))


def card(**fields: Any) -> p.RecordIn:
    values = {"card_no": CARD_1, "member_uuid": UUID_1, "version": 1, "card_type": "standard",
              "status": "active", "issued_at": "2026-11-20T10:00:00+08:00", "expires_on": None,
              "replaced_by": None, "updated_at": "2026-11-24T10:00:00+08:00"} | fields
    return p.RecordIn(kind="card", card=p.CardRecord.model_construct(**values))


def push(engine: Engine, *records: p.RecordIn, device: Device = A, careful: bool = False
         ) -> tuple[list[p.RecordStatus], list[dict[str, Any]]]:
    with db.write(engine) as conn:
        return merge.apply_records(conn, device, list(records), NOW, careful)


def one(engine: Engine, record: p.RecordIn, device: Device = A) -> p.RecordStatus:
    statuses, _ = push(engine, record, device=device)
    [status] = statuses
    return status


def assert_refused(status: p.RecordStatus, expected: InvalidInput) -> None:
    assert (status.status, status.code, status.reason, status.params) == (
        "rejected", expected.reason.value, str(expected), expected.params)


def assert_ok(status: p.RecordStatus) -> None:
    assert (status.status, status.code, status.reason, status.params) == ("ok", None, None, {}), status.reason


def hq_member(engine: Engine, uuid: str = UUID_1) -> Any:
    with db.read(engine) as conn:
        return conn.execute(select(t.members).where(t.members.c.uuid == uuid)).one()


def hq_card(engine: Engine, card_no: str = CARD_1) -> Any:
    with db.read(engine) as conn:
        return conn.execute(select(t.cards).where(t.cards.c.card_no == card_no)).one()


def set_member(engine: Engine, uuid: str = UUID_1, **values: Any) -> None:
    """What HQ itself did since (a tier evaluation, a merge, an anonymisation)."""
    with db.write(engine) as conn:
        conn.execute(t.members.update().where(t.members.c.uuid == uuid).values(**values))


# ---- member records: the field checks ----------------------------------------------------------------------


def test_a_member_with_a_lone_surrogate_in_a_text_is_refused_as_bad_text(engine: Engine):
    # in the phone, which no later check reads as text: only the utf-8 check refuses it so
    status = one(engine, member(phone="1390000\ud800"))
    assert_refused(status, InvalidInput(Reason.ENTRY_BAD_TEXT, "member"))
    assert status.key == UUID_1 and status.kind == "member"


def test_a_member_whose_uuid_is_not_one_is_refused_naming_it(engine: Engine):
    status = one(engine, member(uuid="not-a-uuid"))
    assert_refused(status, InvalidInput(Reason.ENTRY_BAD_ID, "uuid", text="not-a-uuid"))
    assert status.key == "not-a-uuid"


def test_a_member_status_outside_the_three_is_refused_listing_them(engine: Engine):
    assert_refused(one(engine, member(status="frozen")),
                   InvalidInput(Reason.NOT_ONE_OF, "status", choices="active, anonymised, merged"))


@pytest.mark.parametrize("status", ["active", "anonymised"])
def test_a_new_member_in_either_status_a_till_sends_is_stored(engine: Engine, status: str):
    assert_ok(one(engine, member(status=status)))
    assert hq_member(engine).status == status


def test_a_member_with_an_empty_name_is_refused(engine: Engine):
    assert_refused(one(engine, member(name="  ")), InvalidInput(Reason.EMPTY, "name"))


def test_a_member_with_a_phone_that_is_not_a_mobile_is_refused_with_the_text(engine: Engine):
    assert_refused(one(engine, member(phone="12345")), InvalidInput(Reason.NOT_A_PHONE, "phone", text="12345"))


def test_a_member_without_a_phone_is_stored_without_one(engine: Engine):
    assert_ok(one(engine, member(phone=None)))
    assert hq_member(engine).phone is None


def test_a_birthday_up_to_two_days_past_hqs_date_is_accepted_a_third_is_not(engine: Engine):
    # a till's date may run ahead of HQ's: HQ allows two days of slack, no more
    assert_ok(one(engine, member(birthday="2026-11-26")))
    assert hq_member(engine).birthday == "2026-11-26"
    assert_refused(one(engine, member(birthday="2026-11-27")),
                   InvalidInput(Reason.IMPLAUSIBLE_BIRTHDAY, "birthday", text="2026-11-27"))


def test_a_member_with_an_unreadable_birthday_is_refused(engine: Engine):
    assert_refused(one(engine, member(birthday="1990-13-01")),
                   InvalidInput(Reason.NOT_A_DATE, "birthday", text="1990-13-01"))


def test_a_member_with_a_bad_tier_code_is_refused(engine: Engine):
    assert_refused(one(engine, member(tier_code="gold!")), InvalidInput(Reason.NO_SUCH_TIER, "tier_code", tier="gold!"))


def test_a_tier_reached_on_that_is_no_date_is_refused_naming_that_field(engine: Engine):
    assert_refused(one(engine, member(tier_reached_on="soon")),
                   InvalidInput(Reason.NOT_A_DATE, "tier_reached_on", text="soon"))


def test_a_tier_reached_on_that_is_a_date_is_stored(engine: Engine):
    assert_ok(one(engine, member(tier_reached_on="2026-11-01")))
    assert hq_member(engine).tier_reached_on == "2026-11-01"


# a member record's times on an empty HQ, a card's on an HQ holding its member (alice)
RECORD_TIMES = [("engine", member, "created_at"), ("engine", member, "updated_at"),
                ("alice", card, "issued_at"), ("alice", card, "updated_at")]


@pytest.mark.parametrize(("hq", "record", "field"), RECORD_TIMES)
def test_a_record_time_without_a_zone_is_refused_with_hqs_bounds(request: pytest.FixtureRequest, hq: str,
                                                                  record: Callable[..., p.RecordIn], field: str):
    assert_refused(one(request.getfixturevalue(hq), record(**{field: "2026-11-24T10:00:00"})),
                   InvalidInput(Reason.ENTRY_BAD_TIME, field, text="2026-11-24T10:00:00", low="2000-01-01",
                                high=YEAR_AHEAD))


@pytest.mark.parametrize(("hq", "record", "field"), RECORD_TIMES)
def test_a_record_time_more_than_a_year_past_hqs_clock_is_refused(request: pytest.FixtureRequest, hq: str,
                                                                   record: Callable[..., p.RecordIn], field: str):
    # checked against HQ's clock, not only the far-future bound used without one
    late = (MOMENT + timedelta(days=366, seconds=1)).isoformat()
    assert_refused(one(request.getfixturevalue(hq), record(**{field: late})),
                   InvalidInput(Reason.ENTRY_BAD_TIME, field, text=late, low="2000-01-01", high=YEAR_AHEAD))


# ---- member records: what HQ holds decides -----------------------------------------------------------------


def test_a_till_cannot_send_a_new_member_as_merged(engine: Engine):
    assert_refused(one(engine, member(status="merged")), InvalidInput(Reason.ONLY_HQ_MERGES, "status"))


def test_a_till_cannot_merge_a_member_hq_holds_as_active(engine: Engine):
    assert_ok(one(engine, member()))
    assert_refused(one(engine, member(status="merged")), InvalidInput(Reason.ONLY_HQ_MERGES, "status"))
    assert hq_member(engine).status == "active"


def test_a_member_number_never_changes(engine: Engine):
    assert_ok(one(engine, member()))
    assert_refused(one(engine, member(member_no="M00101000009")),
                   InvalidInput(Reason.MEMBER_NO_CHANGED, "member_no", held="M00101000001"))


def test_a_member_number_held_by_another_member_is_refused_for_a_new_one(engine: Engine):
    assert_ok(one(engine, member()))
    status = one(engine, member(uuid=UUID_2, phone="13900002222"))
    assert_refused(status, InvalidInput(Reason.MEMBER_NO_TAKEN, "member_no", member_no="M00101000001"))
    assert status.key == UUID_2


def test_another_member_number_for_a_new_member_is_stored(engine: Engine):
    assert_ok(one(engine, member()))
    assert_ok(one(engine, member(uuid=UUID_2, member_no="M00101000002", phone="13900002222")))


@pytest.mark.parametrize(("field", "value"), [("home_store", "002"), ("created_at", "2026-11-21T10:00:00+08:00")])
def test_a_members_home_store_and_creation_time_never_change(engine: Engine, field: str, value: str):
    assert_ok(one(engine, member()))
    assert_refused(one(engine, member(**{field: value})),
                   InvalidInput(Reason.MEMBER_FIELD_FIXED, field, member="M00101000001"))


def test_only_the_home_store_anonymises_a_member(engine: Engine):
    assert_ok(one(engine, member()))
    assert_refused(one(engine, member(status="anonymised"), device=B),
                   InvalidInput(Reason.ANONYMISE_HOME_ONLY, "status", store="001"))
    assert hq_member(engine).status == "active"


def test_a_new_member_sent_anonymised_by_another_store_is_refused_naming_its_home(engine: Engine):
    assert_refused(one(engine, member(status="anonymised", home_store="003"), device=B),
                   InvalidInput(Reason.ANONYMISE_HOME_ONLY, "status", store="003"))


def test_the_home_store_anonymises_and_hq_records_which_device_did(engine: Engine):
    assert_ok(one(engine, member()))
    with db.write(engine) as conn:  # an older feed snapshot carrying the phone
        conn.execute(t.changes.insert().values(seq=1, kind="member", key=UUID_1, origin_device="dev-a",
                                               data=json.dumps({"uuid": UUID_1, "phone": "13900001111"})))
    assert_ok(one(engine, member(status="anonymised", name="Anonymous", phone=None, birthday=None)))
    held = hq_member(engine)
    assert (held.status, held.anonymised_by, held.changed_by, held.phone) == ("anonymised", "dev-a", "dev-a", None)
    with db.read(engine) as conn:
        [data] = [json.loads(r.data) for r in conn.execute(select(t.changes.c.data))]
    assert data["phone"] is None  # the old snapshot is scrubbed too



def test_another_store_edits_contact_fields_but_not_the_tier(engine: Engine):
    assert_ok(one(engine, member(tier_code="gold", tier_reached_on="2026-11-01")))
    statuses, [change] = push(engine, member(name="Alicia", tier_code="base", tier_reached_on="2026-11-02"),
                              device=B)
    assert_ok(statuses[0])
    held = hq_member(engine)
    assert (held.name, held.tier_code, held.tier_reached_on, held.changed_by) == (
        "Alicia", "gold", "2026-11-01", "dev-b")
    # HQ kept what B did not send: B is fed the merged state back (no origin: every device applies it)
    assert change["origin_device"] is None and json.loads(change["data"])["tier_code"] == "gold"


def test_the_home_store_sets_the_tier_and_its_snapshot_is_not_fed_back_to_it(engine: Engine):
    assert_ok(one(engine, member()))
    statuses, [change] = push(engine, member(tier_code="gold", tier_reached_on="2026-11-02"))
    assert_ok(statuses[0])
    assert (hq_member(engine).tier_code, hq_member(engine).tier_reached_on) == ("gold", "2026-11-02")
    assert (change["kind"], change["key"], change["origin_device"]) == ("member", UUID_1, "dev-a")
    assert json.loads(change["data"])["tier_code"] == "gold"


def test_a_tier_hq_evaluated_later_stays_against_a_stale_home_snapshot(engine: Engine):
    assert_ok(one(engine, member(tier_code="base", tier_reached_on="2026-11-01")))
    set_member(engine, tier_code="gold", tier_reached_on="2026-11-10")
    assert_ok(one(engine, member(tier_code="silver", tier_reached_on="2026-11-09")))
    assert (hq_member(engine).tier_code, hq_member(engine).tier_reached_on) == ("gold", "2026-11-10")


def test_a_home_snapshot_of_the_same_tier_day_sets_its_tier(engine: Engine):
    # only an HQ evaluation strictly later than the snapshot's stays
    assert_ok(one(engine, member(tier_code="base", tier_reached_on="2026-11-10")))
    assert_ok(one(engine, member(tier_code="silver", tier_reached_on="2026-11-10")))
    assert hq_member(engine).tier_code == "silver"


def test_a_home_snapshot_with_a_tier_date_sets_it_over_hqs_none(engine: Engine):
    assert_ok(one(engine, member(tier_code="base", tier_reached_on=None)))
    assert_ok(one(engine, member(tier_code="silver", tier_reached_on="2026-11-10")))
    assert (hq_member(engine).tier_code, hq_member(engine).tier_reached_on) == ("silver", "2026-11-10")


def test_a_home_snapshot_without_a_tier_date_keeps_hqs_dated_tier(engine: Engine):
    assert_ok(one(engine, member(tier_code="gold", tier_reached_on="2026-11-10")))
    assert_ok(one(engine, member(tier_code="base", tier_reached_on=None)))
    assert (hq_member(engine).tier_code, hq_member(engine).tier_reached_on) == ("gold", "2026-11-10")


def test_an_anonymised_member_stays_anonymised_against_a_stale_snapshot(engine: Engine):
    assert_ok(one(engine, member()))
    assert_ok(one(engine, member(status="anonymised", name="Anonymous", phone=None, birthday=None)))
    statuses, [change] = push(engine, member(name="Alice", phone="13900001111", birthday="1990-05-06"),
                              device=B)
    assert_ok(statuses[0])
    held = hq_member(engine)
    assert (held.status, held.name, held.phone, held.birthday) == ("anonymised", "Anonymous", None, None)
    data = json.loads(change["data"])
    assert (data["status"], data["name"], data["phone"], data["birthday"]) == ("anonymised", "Anonymous", None, None)
    assert held.anonymised_by == "dev-a"  # not re-anonymised by B's stale snapshot


def test_a_merged_member_stays_merged_against_a_stale_snapshot(engine: Engine):
    assert_ok(one(engine, member(uuid=UUID_2, member_no="M00101000002", phone="13900002222")))
    assert_ok(one(engine, member()))
    set_member(engine, status="merged", merged_into=UUID_2, phone=None, birthday=None)
    assert_ok(one(engine, member(name="Alicia")))
    held = hq_member(engine)
    assert (held.status, held.merged_into, held.phone, held.birthday, held.name) == (
        "merged", UUID_2, None, None, "Alicia")
    # sent as merged by a till that pulled the merge: still merged, not refused
    assert_ok(one(engine, member(status="merged", phone=None, birthday=None)))


def test_a_member_record_stores_every_field_sent_and_the_device(engine: Engine):
    # merge.x__feed_row__mutmut_18: the feed's snapshot keeps the name readable, not escaped to ASCII
    record = member(name="张三", tier_reached_on="2026-11-01")
    statuses, [change] = push(engine, record)
    assert_ok(statuses[0])
    held = hq_member(engine)
    assert {name: getattr(held, name) for name in record.member.model_dump()} == record.member.model_dump()
    assert (held.changed_by, held.anonymised_by, held.merged_into) == ("dev-a", None, None)
    assert change == {"kind": "member", "key": UUID_1, "origin_device": "dev-a",
                      "data": json.dumps(record.member.model_dump(), ensure_ascii=False)}
    assert '"name": "张三"' in change["data"]


# ---- duplicate phones --------------------------------------------------------------------------------------


def flags(engine: Engine) -> list[Any]:
    with db.read(engine) as conn:
        return conn.execute(select(t.flags).order_by(t.flags.c.id)).all()


def test_a_phone_another_member_holds_raises_one_masked_flag_for_the_pair(engine: Engine):
    assert_ok(one(engine, member(uuid=UUID_2, member_no="M00101000002")))
    assert flags(engine) == []  # one member alone: nothing to flag
    assert_ok(one(engine, member(), device=B))
    [flag] = flags(engine)
    assert (flag.kind, flag.subject, flag.store_code, flag.created_at) == (
        "duplicate_phone", f"{UUID_1},{UUID_2}", "002", NOW)
    assert json.loads(flag.detail) == {"phone": "139****1111", "members": 2}
    assert_ok(one(engine, member(name="Alicia"), device=B))  # the phone unchanged: not raised again
    assert_ok(one(engine, member(uuid=UUID_3, member_no="M00101000003")))
    [_, third] = flags(engine)  # a third member joining is a new set
    assert third.subject == f"{UUID_1},{UUID_2},{UUID_3}"
    assert json.loads(third.detail) == {"phone": "139****1111", "members": 3}


def test_a_pair_already_flagged_and_closed_is_not_flagged_again(engine: Engine):
    assert_ok(one(engine, member(uuid=UUID_2, member_no="M00101000002")))
    assert_ok(one(engine, member()))
    with db.write(engine) as conn:
        conn.execute(t.flags.update().values(resolved_at=NOW, status="dismissed"))
    assert_ok(one(engine, member(phone="13900009999")))
    assert_ok(one(engine, member()))  # back to the shared phone: HQ was told about this pair already
    assert len(flags(engine)) == 1


# ---- card records ------------------------------------------------------------------------------------------


@pytest.fixture
def alice(engine: Engine) -> Engine:
    assert_ok(one(engine, member()))
    return engine


def test_a_card_with_a_lone_surrogate_is_refused_as_bad_text(alice: Engine):
    status = one(alice, card(card_type="std\ud800"))
    assert_refused(status, InvalidInput(Reason.ENTRY_BAD_TEXT, "card"))
    assert (status.kind, status.key) == ("card", CARD_1)


@pytest.mark.parametrize("card_no", ["123", "12345678901234", "001010000001x"])
def test_a_card_number_not_of_thirteen_digits_is_refused_with_its_text(alice: Engine, card_no: str):
    assert_refused(one(alice, card(card_no=card_no)),
                   InvalidInput(Reason.UNKNOWN_CODE_FORMAT, "card_no", text=card_no))


def test_a_bad_replacement_number_is_refused_naming_the_field_and_quoting_it(alice: Engine):
    assert_refused(one(alice, card(status="replaced", replaced_by="nope")),
                   InvalidInput(Reason.UNKNOWN_CODE_FORMAT, "replaced_by", text="nope"))
    long = "9" * 36  # the longest the protocol lets through (Text36), quoted whole
    assert_refused(one(alice, card(status="replaced", replaced_by=long)),
                   InvalidInput(Reason.UNKNOWN_CODE_FORMAT, "replaced_by", text=long))


def test_a_card_replaced_by_a_good_number_is_stored(alice: Engine):
    assert_ok(one(alice, card(status="replaced", replaced_by=CARD_2)))
    assert (hq_card(alice).status, hq_card(alice).replaced_by) == ("replaced", CARD_2)


def test_a_card_expiry_that_is_no_date_is_refused(alice: Engine):
    assert_refused(one(alice, card(expires_on="2027-02-30")),
                   InvalidInput(Reason.NOT_A_DATE, "expires_on", text="2027-02-30"))


def test_a_card_expiry_that_is_a_date_is_stored(alice: Engine):
    assert_ok(one(alice, card(expires_on="2027-02-28")))
    assert hq_card(alice).expires_on == "2027-02-28"


def test_a_card_of_a_member_hq_does_not_know_is_refused(alice: Engine):
    assert_refused(one(alice, card(member_uuid=UUID_2)),
                   InvalidInput(Reason.ENTRY_UNKNOWN_MEMBER, "member_uuid", member=UUID_2))


def test_a_card_number_another_member_holds_is_refused(alice: Engine):
    assert_ok(one(alice, card()))
    assert_ok(one(alice, member(uuid=UUID_2, member_no="M00101000002", phone="13900002222")))
    assert_refused(one(alice, card(member_uuid=UUID_2)),
                   InvalidInput(Reason.CARD_NO_TAKEN, "member_uuid", card=CARD_1))
    assert hq_card(alice).member_uuid == UUID_1


def test_a_new_card_is_stored_as_sent_and_fed_with_its_device(alice: Engine):
    record = card(expires_on="2027-11-20")
    statuses, [change] = push(alice, record)
    assert_ok(statuses[0])
    assert statuses[0].key == CARD_1
    assert hq_card(alice)._asdict() == record.card.model_dump()
    assert change == {"kind": "card", "key": CARD_1, "origin_device": "dev-a",
                      "data": json.dumps(record.card.model_dump(), ensure_ascii=False)}


def test_a_card_sent_for_a_merged_member_lands_on_the_member_kept_after_every_hop(alice: Engine):
    assert_ok(one(alice, member(uuid=UUID_2, member_no="M00101000002", phone=None)))
    assert_ok(one(alice, member(uuid=UUID_3, member_no="M00101000003", phone=None)))
    set_member(alice, UUID_1, status="merged", merged_into=UUID_2)
    set_member(alice, UUID_2, status="merged", merged_into=UUID_3)
    statuses, [change] = push(alice, card())
    assert_ok(statuses[0])
    assert hq_card(alice).member_uuid == UUID_3
    assert change["origin_device"] is None  # HQ changed the member: the till that sent it is fed too
    # the same card sent again for the first member is the same holder's card, not another's
    assert_ok(one(alice, card(version=2)))
    assert (hq_card(alice).member_uuid, hq_card(alice).version) == (UUID_3, 2)


def test_final_members_follows_each_merge_and_leaves_out_members_never_merged(alice: Engine):
    assert_ok(one(alice, member(uuid=UUID_2, member_no="M00101000002", phone=None)))
    assert_ok(one(alice, member(uuid=UUID_3, member_no="M00101000003", phone=None)))
    set_member(alice, UUID_1, status="merged", merged_into=UUID_2)
    set_member(alice, UUID_2, status="merged", merged_into=UUID_3)
    with db.read(alice) as conn:
        assert merge.final_members(conn, {UUID_1, UUID_2, UUID_3}) == {UUID_1: UUID_3, UUID_2: UUID_3}
        assert merge.final_members(conn, {UUID_3}) == {}
        assert merge.final_members(conn, set()) == {}


def test_final_members_stops_after_fifty_hops_on_a_cycle(alice: Engine):
    # a loop of merges (never made by HQ, but a row could be edited so) must not hang a push
    assert_ok(one(alice, member(uuid=UUID_2, member_no="M00101000002", phone=None)))
    set_member(alice, UUID_1, status="merged", merged_into=UUID_2)
    set_member(alice, UUID_2, status="merged", merged_into=UUID_1)
    with db.read(alice) as conn:
        # 50 hops from UUID_2 (UUID_1's first target) land back on UUID_2: an even number of steps
        assert merge.final_members(conn, {UUID_1}) == {UUID_1: UUID_2}


# ---- a card snapshot on top of HQ's copy (merge_card) -----------------------------------------------------


def held_card(**fields: Any) -> dict[str, Any]:
    return card(**fields).card.model_dump()


@pytest.mark.parametrize(("old", "new", "kept"), [
    ("lost", "active", "lost"), ("replaced", "lost", "replaced"), ("replaced", "frozen", "replaced"),
    ("active", "lost", "lost"), ("lost", "replaced", "replaced"), ("active", "frozen", "frozen"),
    ("frozen", "active", "active")])
def test_a_terminal_status_wins_and_active_and_frozen_follow_the_snapshot(old: str, new: str, kept: str):
    assert merge.merge_card(held_card(status=old), held_card(status=new))["status"] == kept


def test_a_lost_card_keeps_its_replacement_against_a_stale_active_snapshot():
    merged = merge.merge_card(held_card(status="replaced", replaced_by=CARD_2),
                              held_card(status="active", replaced_by=None, card_type="gold"))
    assert merged == held_card(status="replaced", replaced_by=CARD_2, card_type="gold")


def test_the_version_is_the_higher_of_the_two_either_way():
    assert merge.merge_card(held_card(version=5), held_card(version=3))["version"] == 5
    assert merge.merge_card(held_card(version=3), held_card(version=5))["version"] == 5


def test_a_field_the_snapshot_lacks_comes_from_hqs_copy():
    new = held_card(expires_on="2030-01-01")
    del new["card_type"]
    assert merge.merge_card(held_card(card_type="gold"), new) == held_card(card_type="gold", expires_on="2030-01-01")


def test_a_stale_card_snapshot_is_merged_at_hq_not_refused(alice: Engine):
    assert_ok(one(alice, card(status="lost", version=3)))
    statuses, [change] = push(alice, card(status="active", version=2))
    assert_ok(statuses[0])
    assert (hq_card(alice).status, hq_card(alice).version) == ("lost", 3)
    assert change["origin_device"] is None and json.loads(change["data"])["status"] == "lost"


# ---- sales and the statuses of a push ----------------------------------------------------------------------


def sale(sale_id: str = "S-1", member_uuid: str = UUID_1, fen: int = 1000) -> p.RecordIn:
    return p.RecordIn(kind="sale", sale=p.SaleRecord(sale_id=sale_id, member_uuid=member_uuid,
                                                     business_time="2026-11-24T10:00:00+08:00",
                                                     qualifying_fen=fen))


@pytest.mark.parametrize("careful", [False, True])
def test_a_sale_another_till_recorded_is_refused_naming_it(alice: Engine, careful: bool):
    statuses, changes = push(alice, sale(), careful=careful)
    assert_ok(statuses[0])
    assert (statuses[0].kind, statuses[0].key, changes) == ("sale", "S-1", [])
    statuses, _ = push(alice, sale(fen=500), sale("S-2"), device=B, careful=careful)
    assert [(s.kind, s.key) for s in statuses] == [("sale", "S-1"), ("sale", "S-2")]
    assert_refused(statuses[0], InvalidInput(Reason.SALE_NOT_YOURS, "sale_id", sale="S-1"))
    assert_ok(statuses[1])


def test_every_kind_a_push_may_carry_has_its_place_in_the_order():
    # why merge.x_apply_records__mutmut_13 (no default place) is equivalent: the default is never taken
    assert set(KIND_ORDER) == set(get_args(p.RecordIn.model_fields["kind"].annotation))


def statements(engine: Engine, work: Callable[[], object]) -> int:
    """How many statements `work` sends the database (an executemany counts once)."""
    sent = 0

    def count(*_: object) -> None:
        nonlocal sent
        sent += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return sent


def test_a_push_of_five_sales_takes_as_many_statements_as_one(alice: Engine):
    # merge.x_apply_records__mutmut_21 (the sales stored one by one: two round trips each, under the feed lock)
    one_sale = statements(alice, lambda: push(alice, sale("S-0")))
    five_sales = statements(alice, lambda: push(alice, *(sale(f"S-{n}") for n in range(1, 6))))
    assert five_sales == one_sale
    with db.read(alice) as conn:
        assert sorted(conn.execute(select(t.member_sales.c.sale_id)).scalars()) == [f"S-{n}" for n in range(6)]


def test_members_are_merged_before_cards_whatever_the_order_sent(engine: Engine):
    statuses, changes = push(engine, card(), member())
    assert [(s.kind, s.key, s.status) for s in statuses] == [("member", UUID_1, "ok"), ("card", CARD_1, "ok")]
    assert [c["kind"] for c in changes] == ["member", "card"]


def test_a_refused_record_beside_good_ones_is_refused_alone(engine: Engine):
    statuses, changes = push(engine, member(), card(card_no="bad"), card(card_no=CARD_2), careful=True)
    assert [(s.key, s.status) for s in statuses] == [(UUID_1, "ok"), ("bad", "rejected"), (CARD_2, "ok")]
    assert [c["key"] for c in changes] == [UUID_1, CARD_2]


def test_a_member_kind_without_its_member_is_refused_as_the_wrong_type(engine: Engine):
    assert_refused(one(engine, p.RecordIn(kind="member")),
                   InvalidInput(Reason.ENTRY_BAD_TYPE, "member", expected="a member", got="nothing"))


def test_a_sale_kind_without_its_sale_is_refused_as_the_wrong_type(engine: Engine):
    status = one(engine, p.RecordIn(kind="sale"))
    assert_refused(status, InvalidInput(Reason.ENTRY_BAD_TYPE, "sale", expected="a sale", got="nothing"))
    assert status.key == ""


def test_a_sale_riding_on_a_member_record_is_not_stored(engine: Engine):
    # only a record of kind "sale" carries a sale: a stray one beside a member is ignored, the member stored
    record = p.RecordIn(kind="member", member=member().member, sale=sale().sale)
    statuses, _ = push(engine, record)
    assert [(s.kind, s.key, s.status) for s in statuses] == [("member", UUID_1, "ok")]
    with db.read(engine) as conn:
        assert conn.execute(select(t.member_sales)).all() == []


def broken_sale() -> p.RecordIn:
    """A sale the database cannot hold (no business time: NOT NULL), past the schema only in a test."""
    return p.RecordIn(kind="sale", sale=p.SaleRecord.model_construct(
        sale_id="S-9", member_uuid=UUID_1, business_time=None, qualifying_fen=100))


def test_a_record_the_database_refuses_is_rejected_alone_when_careful(engine: Engine):
    no_number = member(uuid=UUID_2, member_no=None, phone=None)
    statuses, changes = push(engine, member(), no_number, broken_sale(), sale("S-1"), careful=True)
    assert [(s.kind, s.key) for s in statuses] == [
        ("member", UUID_1), ("member", UUID_2), ("sale", "S-9"), ("sale", "S-1")]
    assert_ok(statuses[0])
    assert_refused(statuses[1], InvalidInput(Reason.HQ_NOT_STORED, "member", what="member record"))
    assert_refused(statuses[2], InvalidInput(Reason.HQ_NOT_STORED, "sale", what="sale record"))
    assert_ok(statuses[3])
    assert [c["key"] for c in changes] == [UUID_1]
    with db.read(engine) as conn:
        assert [r.sale_id for r in conn.execute(select(t.member_sales))] == ["S-1"]


@pytest.mark.parametrize("record", [broken_sale(), member(member_no=None)], ids=["sale", "member"])
def test_by_default_a_database_error_fails_the_whole_push(engine: Engine, record: p.RecordIn):
    # sync.hq.push retries a failed push once with careful=True; the first try must not hide the error
    with pytest.raises(DBAPIError), db.write(engine) as conn:
        merge.apply_records(conn, A, [record], NOW)


def sale_doc(n: int, **changes: Any) -> p.RecordIn:
    return p.RecordIn(kind="sale_doc", sale_doc=sale_doc_of(n, **{"member_uuid": UUID_1} | changes))


@pytest.mark.parametrize("careful", [False, True])
def test_sale_documents_get_a_status_each_after_members_and_cards_stored_at_once_or_one_by_one(
        engine: Engine, careful: bool):
    first, second, bad = sale_doc(1), sale_doc(2), sale_doc(4, total_fen=9999)  # 4: its lines do not add up
    statuses, changes = push(engine, first, card(), second, member(), sale_doc(1), bad, careful=careful)
    ids = [doc.sale_doc.sale_id for doc in (first, second, bad)]
    assert [(s.kind, s.key, s.status) for s in statuses] == [
        ("member", UUID_1, "ok"), ("card", CARD_1, "ok"), ("sale_doc", ids[0], "ok"), ("sale_doc", ids[1], "ok"),
        ("sale_doc", ids[0], "duplicate"), ("sale_doc", ids[2], "rejected")]
    assert all((s.reason, s.code, s.params) == (None, None, {}) for s in statuses[:5])
    assert statuses[5].code and statuses[5].reason and statuses[5].params
    assert [c["kind"] for c in changes] == ["member", "card"]
    with db.read(engine) as conn:
        assert sorted(r.sale_id for r in conn.execute(select(t.sales.c.sale_id))) == sorted(ids[:2])


def refund_of(doc: p.RecordIn) -> p.RecordIn:
    """A cash refund of the first line of the sale document `doc`."""
    assert doc.sale_doc is not None
    fen = doc.sale_doc.lines[0].amount_fen
    line = {"line_no": 1, "amount_fen": fen, "cash_fen": fen, "points_reversed": 0, "points_restored": 0,
            "stored_paid_fen": 0, "stored_bonus_fen": 0}
    return p.RecordIn(kind="refund", refund=p.RefundDoc(
        refund_id="44444444-4444-4444-8444-444444444444", sale_id=doc.sale_doc.sale_id,
        business_time="2026-11-24T11:00:00+08:00", amount_fen=fen, cash_refund_fen=fen, points_reversed=0,
        points_restored=0, stored_paid_restored_fen=0, stored_bonus_restored_fen=0, clawback_points=0,
        clawback_fen=0, negative_points=0, lines=[p.RefundLineDoc(**line)]))


@pytest.mark.parametrize("docs", [1, 2])
def test_a_refund_finds_the_sale_documents_sent_in_its_own_push_stored_before_it(engine: Engine, docs: int):
    # merge.x_apply_records__mutmut_38 (the documents stored where the second of them comes: a lone one
    # never), 63 (every record after the second document left without a status)
    sales = [sale_doc(n) for n in range(1, docs + 1)]
    refund = refund_of(sales[0])
    statuses, _ = push(engine, refund, *sales, member())
    assert [(s.kind, s.key, s.status, s.code) for s in statuses] == [
        ("member", UUID_1, "ok", None), *(("sale_doc", doc.sale_doc.sale_id, "ok", None) for doc in sales),
        ("refund", refund.refund.refund_id, "ok", None)]
    with db.read(engine) as conn:
        assert conn.execute(select(t.refunds.c.sale_id)).scalars().all() == [sales[0].sale_doc.sale_id]
