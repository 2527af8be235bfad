"""What HQ answers for an entry it has seen before, and for a stale card snapshot: each test here was written
against a hand-applied mutation of sync/hq/push.py or sync/hq/merge.py that the rest of the suite let
through (issue 10, point 11), and fails on it.

- The same entry_id with another payload is a conflict: rejected and quarantined, never a `duplicate`
  (a till that rewrote an entry it had pushed must not be told HQ holds it).
- The same entry twice in one batch is stored once and moves the balance once.
- A card's version never goes down at HQ: a stale snapshot would revive an old print's QR chain-wide.
- A card's status moves along its lifecycle at HQ (frozen and back, then replaced for good): a stale snapshot
  never revives a replaced card nor forgets its replacement.
- A late offline push for a member HQ has merged is stored as sent and forwarded to the member kept.
- The rules a till confirms are recorded for that till alone; a push with rejected entries or records raises
  one flag for its device naming the first of each.
- A quarantined entry keeps exactly what the till sent, readable (not escaped to ASCII), and why it was refused.
- An entry the database refuses for good is rejected alone (the push is stored again entry by entry), and
  HQ's log names it with the database's own error.
- A till's contiguous_through counts only that till's entries HQ holds: a gap holds it back until the missing
  entry comes, and another till's entry at its next local_seq never fills it."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
import requests
from sqlalchemy import func, select, text

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.services import cards, members, sync_service
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.context import Store
from pos_member.services.lookup import show_member
from pos_member.services.stored_value import adjust_points
from pos_member.services.verify import verify_store
from pos_member.storage import tables as t
from sync.hq import admin, db
from sync.hq import tables as hqt
from sync.hq.chain_ledger import ENTRY_FIELDS
from sync.hq.merge import merge_card
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import HQ, Stores, assert_invariants, sync, sync_all
from tests.sync.test_merge import PHONE, hq_member, local_member, twins  # noqa: F401 - twins: a pytest fixture


def post_push(hq: HQ, store: Store, entries: list[dict[str, Any]] | None = None,
              records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """POST /v1/push with the till's own token, as its sync client would."""
    _, token = sync_service.sync_store(store).connection_info()
    reply = requests.post(f"{hq.url}/v1/push", json={"entries": entries or [], "records": records or []},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()


def hq_member_points(hq: HQ, uuid: str) -> tuple[int, int]:
    """(the member's points balance at HQ, the sum of its points entries at HQ)."""
    with db.read(hq.engine) as conn:
        balance = conn.execute(select(hqt.members.c.points).where(hqt.members.c.uuid == uuid)).scalar_one()
        total = conn.execute(select(func.coalesce(func.sum(hqt.entries.c.delta), 0)).where(
            hqt.entries.c.member_uuid == uuid, hqt.entries.c.account == "points")).scalar_one()
    return balance, total


def quarantined(hq: HQ, entry_id: str) -> list[str]:
    with db.read(hq.engine) as conn:
        return [r[0] for r in conn.execute(select(hqt.quarantine.c.reason).where(
            hqt.quarantine.c.entry_id == entry_id))]


def synced_adjustment(a: Store, name: str, phone: str, points: int, note: str = "goodwill"
                      ) -> tuple[members.MemberView, dict[str, Any]]:
    """A member with a manager's points adjustment, pushed: (the member, the adjustment entry as the till
    sent it)."""
    view = members.register_member(a, name, phone)
    adjust_points(a, view.card_no, points, note, MANAGER_PIN)
    entry = sync_service.sync_store(a).pending_entries(500)[-1]
    sync(a)
    return view, entry


def test_a_held_entry_id_sent_again_with_another_payload_is_quarantined_not_a_duplicate(hq, stores):
    a = stores.enrolled(hq, "001")
    view, entry = synced_adjustment(a, "张三", "13900001111", 40)
    before = hq_member_points(hq, view.uuid)

    rewritten = entry | {"delta": 4000}  # the till's copy of an entry HQ holds, changed afterwards
    reply = post_push(hq, a, [rewritten])

    status = reply["entries"][0]
    assert (status["status"], status["code"]) == ("rejected", Reason.ENTRY_CONFLICT.value)
    assert "different payload" in status["reason"]
    assert len(quarantined(hq, entry["entry_id"])) == 1
    assert hq_member_points(hq, view.uuid) == before == (40, 40)  # HQ keeps what it held
    assert post_push(hq, a, [entry])["entries"][0]["status"] == "duplicate"  # the true copy still is one


def test_one_entry_id_twice_in_a_batch_with_two_payloads_rejects_the_second(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "李四", "13900002222")
    sync(a)
    adjust_points(a, view.card_no, 30, "goodwill", MANAGER_PIN)
    entry = sync_service.sync_store(a).pending_entries(500)[-1]

    reply = post_push(hq, a, [entry, entry | {"delta": 3000}])

    assert [s["status"] for s in reply["entries"]] == ["ok", "rejected"]
    assert reply["entries"][1]["code"] == Reason.ENTRY_CONFLICT.value
    assert "twice in one batch" in reply["entries"][1]["reason"]
    assert len(quarantined(hq, entry["entry_id"])) == 1
    assert hq_member_points(hq, view.uuid) == (30, 30)


def test_the_same_entry_twice_in_one_batch_is_stored_once_and_moves_the_balance_once(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "王五", "13900003333")
    sync(a)
    adjust_points(a, view.card_no, 25, "goodwill", MANAGER_PIN)
    entry = sync_service.sync_store(a).pending_entries(500)[-1]

    reply = post_push(hq, a, [entry, entry])  # a client that resent a slice inside one body

    assert [s["status"] for s in reply["entries"]] == ["ok", "duplicate"]
    with db.read(hq.engine) as conn:
        held = conn.execute(select(func.count()).select_from(hqt.entries).where(
            hqt.entries.c.entry_id == entry["entry_id"])).scalar_one()
    assert held == 1
    assert hq_member_points(hq, view.uuid) == (25, 25)  # the balance is the sum of the entries HQ holds
    assert quarantined(hq, entry["entry_id"]) == []
    sync(a)  # the till's own push of it is a duplicate too, and everything still adds up
    assert_invariants(hq.engine, [a])


def test_a_stale_card_snapshot_never_takes_the_version_down_at_hq_or_at_other_tills(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "赵六", "13900004444")
    first_print = next(record for record, _ in sync_service.sync_store(a).pending_records(50)
                       if record.get("kind") == "card")
    assert first_print["card"]["version"] == 1
    sync(a)
    cards.reprint(a, view.card_no, MANAGER_PIN)  # version 2: the first print's QR is refused from now on
    sync(a)

    reply = post_push(hq, a, records=[first_print])  # the version-1 snapshot arrives late (a resend)

    assert [r["status"] for r in reply["records"]] == ["ok"]  # merged, not refused: HQ's state stands
    with db.read(hq.engine) as conn:
        version = conn.execute(select(hqt.cards.c.version).where(
            hqt.cards.c.card_no == view.card_no)).scalar_one()
    assert version == 2
    b = stores.enrolled(hq, "002")
    sync(b)
    with b.db.read() as conn:
        assert conn.execute(select(t.cards.c.version).where(t.cards.c.card_no == view.card_no)).scalar_one() == 2


def test_an_entry_the_database_refuses_for_good_is_rejected_alone_and_the_rest_is_stored(
        hq, stores, caplog: pytest.LogCaptureFixture):
    a = stores.enrolled(hq, "001")
    view, held = synced_adjustment(a, "孙七", "13900005555", 5)
    for points in (10, 20, 30):
        adjust_points(a, view.card_no, points, "goodwill", MANAGER_PIN)
    first, refused, last = sync_service.sync_store(a).pending_entries(500)[-3:]
    assert refused["delta"] == 20
    with hq.engine.begin() as conn:  # HQ's database now refuses that one value for good, as a too narrow type would
        conn.execute(text("ALTER TABLE entries ADD CONSTRAINT refuses_twenty CHECK (delta <> 20)"))

    with caplog.at_level(logging.ERROR, logger="sync.hq"):
        reply = post_push(hq, a, [held, first, refused, last])  # the batch fails, then goes entry by entry

    assert [(s["entry_id"], s["status"], s["code"]) for s in reply["entries"]] == [
        (held["entry_id"], "duplicate", None), (first["entry_id"], "ok", None),
        (refused["entry_id"], "rejected", Reason.HQ_NOT_STORED.value), (last["entry_id"], "ok", None)]
    assert [s["reason"] is None for s in reply["entries"]] == [True, True, False, True]  # push.x__status__mutmut_10
    # push.x__settle__mutmut_42, 48 (the refusal's field left out, or in capitals)
    not_stored = str(InvalidInput(Reason.HQ_NOT_STORED, "entry", what="entry"))
    assert reply["entries"][2]["reason"] == not_stored == "entry: HQ could not store this entry; its log says why"
    assert quarantined(hq, refused["entry_id"]) == [not_stored]
    assert hq_member_points(hq, view.uuid) == (45, 45)  # 5 + 10 + 30: every entry but the refused one, once
    logged = {r.getMessage(): r.exc_info for r in caplog.records}
    batch = logged["a push from one device failed on a permanent database error; storing it record by record"]
    alone = logged[f"HQ could not store entry {refused['entry_id']} from device {a.identity.device_id}"]
    assert batch and alone and "refuses_twenty" in str(alone[1]) and "refuses_twenty" in str(batch[1])


def hq_card(hq: HQ, card_no: str) -> tuple[str, str | None]:
    with db.read(hq.engine) as conn:
        row = conn.execute(select(hqt.cards.c.status, hqt.cards.c.replaced_by).where(
            hqt.cards.c.card_no == card_no)).one()
    return row.status, row.replaced_by


def test_a_card_moves_along_its_lifecycle_at_hq_and_a_stale_snapshot_never_revives_it(hq, stores):
    # merge.x_merge_card__mutmut_2 (HQ's copy never updated), 9 (frozen never thawed), 12-17 (a replaced card
    # revived by its first snapshot, or its replacement forgotten)
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "周八", "13900006666")
    first_print = next(record for record, _ in sync_service.sync_store(a).pending_records(50)
                       if record.get("kind") == "card")
    sync(a)
    cards.freeze(a, view.card_no, MANAGER_PIN)
    sync(a)
    assert hq_card(hq, view.card_no) == ("frozen", None)
    cards.unfreeze(a, view.card_no, MANAGER_PIN)
    sync(a)
    assert hq_card(hq, view.card_no) == ("active", None)
    new_card = cards.replace(a, view.card_no, MANAGER_PIN).card_no
    sync(a)
    assert hq_card(hq, view.card_no) == ("replaced", new_card)

    reply = post_push(hq, a, records=[first_print])  # the active first snapshot arrives late (a resend)

    assert [r["status"] for r in reply["records"]] == ["ok"]
    assert hq_card(hq, view.card_no) == ("replaced", new_card)
    assert hq_card(hq, new_card) == ("active", None)


def test_a_quarantined_entry_keeps_what_the_till_sent_and_why(hq, stores):
    # push.x__quarantined__mutmut_1, 2, 15, 18 (payload or reason lost), 22 and 24 (the note escaped to ASCII)
    a = stores.enrolled(hq, "001")
    view, entry = synced_adjustment(a, "吴九", "13900007777", 40, "开业酬宾")
    rewritten = entry | {"delta": 4000}

    status = post_push(hq, a, [rewritten])["entries"][0]

    with db.read(hq.engine) as conn:
        row = conn.execute(select(hqt.quarantine.c.reason, hqt.quarantine.c.payload).where(
            hqt.quarantine.c.entry_id == entry["entry_id"])).one()
    assert status == {"entry_id": entry["entry_id"], "local_seq": entry["local_seq"], "status": "rejected",
                      "reason": row.reason, "code": Reason.ENTRY_CONFLICT.value}  # push.x__status__mutmut_3
    assert "different payload" in row.reason
    assert row.payload == json.dumps({name: rewritten[name] for name in ENTRY_FIELDS}, ensure_ascii=False)
    assert "开业酬宾" in row.payload


def test_a_replacement_named_by_either_copy_of_a_card_is_kept():
    # merge.x_merge_card__mutmut_23-25: HQ's copy is lost with no replacement yet, the snapshot (lower in the
    # lifecycle) names one: the terminal status stays and the replacement is not dropped
    card = {"card_no": "0010100000016", "member_uuid": "m", "version": 2, "card_type": "standard", "status": "lost",
            "issued_at": "2026-11-24T10:00:00+08:00", "expires_on": None, "replaced_by": None,
            "updated_at": "2026-11-25T10:00:00+08:00"}
    snapshot = card | {"status": "frozen", "version": 1, "replaced_by": "0010100000024"}
    assert merge_card(card, snapshot) == snapshot | {"status": "lost", "version": 2}


def test_the_rules_a_till_confirms_are_recorded_for_that_till_alone(hq, stores):
    # push.x__record_rules__mutmut_* (a figure dropped, or every other device updated instead)
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    _, token = sync_service.sync_store(a).connection_info()
    rules = {"version": 7, "hq_version": 3, "label": "冬季规则 2026"}
    reply = requests.post(f"{hq.url}/v1/push", json={"entries": [], "records": [], "rules": rules},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert reply.status_code == 200, reply.text
    with db.read(hq.engine) as conn:
        rows = {r.device_id: r for r in conn.execute(select(
            hqt.devices.c.device_id, hqt.devices.c.rules_version, hqt.devices.c.rules_hq_version,
            hqt.devices.c.rules_label, hqt.devices.c.rules_confirmed_at))}
    mine, other = rows[a.identity.device_id], rows[b.identity.device_id]
    assert (mine.rules_version, mine.rules_hq_version, mine.rules_label) == (7, 3, "冬季规则 2026")
    assert mine.rules_confirmed_at is not None
    assert (other.rules_version, other.rules_hq_version, other.rules_label, other.rules_confirmed_at) == (
        None, None, None, None)


def test_a_push_with_rejections_raises_one_flag_for_its_device_naming_the_first_of_each(hq, stores):
    # push.x__flag_rejections__mutmut_* (the flag's subject, store and figures)
    a = stores.enrolled(hq, "001")
    view, entry = synced_adjustment(a, "郑十", "13900008888", 10)
    stranger = str(uuid.uuid4())
    forged = [entry | {"entry_id": str(uuid.uuid4()), "local_seq": 9000 + n, "member_uuid": stranger}
              for n in (1, 2)]
    with db.read(hq.engine) as conn:
        row = conn.execute(select(hqt.members).where(hqt.members.c.uuid == view.uuid)).one()
    record = {"kind": "member", "member": {name: getattr(row, name) for name in (
        "uuid", "member_no", "home_store", "name", "phone", "birthday", "tier_code", "tier_reached_on", "status",
        "created_at", "updated_at")} | {"phone": "555"}}

    reply = post_push(hq, a, forged, [record])

    assert [s["status"] for s in reply["entries"]] == ["rejected", "rejected"]
    assert [r["code"] for r in reply["records"]] == ["not_a_phone"]
    with db.read(hq.engine) as conn:
        flags = conn.execute(select(hqt.flags.c.subject, hqt.flags.c.store_code, hqt.flags.c.detail).where(
            hqt.flags.c.kind == "rejected_record")).all()
    assert [(f.subject, f.store_code) for f in flags] == [(a.identity.device_id, "001")]
    assert json.loads(flags[0].detail) == {
        "entries_rejected": 2, "records_rejected": 1, "first_entry_id": forged[0]["entry_id"],
        "first_entry_local_seq": 9001, "first_entry_reason": reply["entries"][0]["reason"],
        "first_record": f"member {view.uuid}", "first_record_reason": "not_a_phone"}


def test_an_unknown_field_is_named_in_40_characters_in_the_reply_the_quarantine_and_the_flag(hq: HQ, stores: Stores):
    # a field no till sends is named by its sender: a 300-character key comes back cut, never whole
    a = stores.enrolled(hq, "001")
    _, entry = synced_adjustment(a, "冯一", "13900009990", 10)
    odd = entry | {"entry_id": str(uuid.uuid4()), "local_seq": entry["local_seq"] + 1, "x" * 300: 1}

    [status] = post_push(hq, a, [odd])["entries"]

    assert (status["status"], status["code"]) == ("rejected", Reason.ENTRY_BAD_TYPE.value)
    assert status["reason"].startswith(f"{'x' * 40}...: ") and "x" * 41 not in status["reason"]
    assert quarantined(hq, odd["entry_id"]) == [status["reason"]]
    with db.read(hq.engine) as conn:
        detail = json.loads(conn.execute(select(hqt.flags.c.detail).where(
            hqt.flags.c.kind == "rejected_record")).scalar_one())
    assert detail["first_entry_reason"] == status["reason"]


def test_contiguous_through_waits_for_a_gap_and_counts_only_the_tills_own_entries(hq: HQ, stores: Stores):
    # push.x__advance__mutmut_2 (the walk over the batch jumped a gap), x__received_above__mutmut_15 (another
    # till's quarantined entries counted as this till's)
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    view, entry = synced_adjustment(a, "陈二", "13900009991", 10)
    through = entry["local_seq"]
    assert post_push(hq, a)["contiguous_through"] == through
    for points in (20, 30):
        adjust_points(a, view.card_no, points, "goodwill", MANAGER_PIN)
    first, second = sync_service.sync_store(a).pending_entries(500)[-2:]
    assert (first["local_seq"], second["local_seq"]) == (through + 1, through + 2)
    stranger = {"entry_id": str(uuid.uuid4()), "local_seq": through + 3, "member_uuid": str(uuid.uuid4())}

    late = post_push(hq, a, [second])  # the second arrives first: HQ lacks through + 1
    other = post_push(hq, b, [entry | stranger])  # rejected (nobody HQ knows), quarantined as B's
    filled = post_push(hq, a, [first])

    assert [s["status"] for s in (*late["entries"], *other["entries"], *filled["entries"])] == [
        "ok", "rejected", "ok"]
    assert late["contiguous_through"] == through
    assert filled["contiguous_through"] == through + 2  # the held second counts, B's through + 3 does not
    with db.read(hq.engine) as conn:
        held = conn.execute(select(hqt.devices.c.contiguous_through).where(
            hqt.devices.c.device_id == a.identity.device_id)).scalar_one()
    assert held == through + 2


def test_a_late_offline_push_for_the_merged_member_lands_on_keep(hq, twins):  # noqa: F811 - the fixture
    a, b, keep, other = twins
    admin.merge_members(hq.engine, keep.uuid, other.uuid)
    # B has not pulled the merge: it sells on OTHER's card, renames OTHER, and issues nothing else
    late = commit_sale(b, SaleRequest(other.card_no, 5000))  # 50 points, on OTHER in B's ledger
    members.edit_member(b, other.card_no, name="孙八八")  # a stale snapshot of OTHER (status active)
    new_card = cards.replace(b, other.card_no, MANAGER_PIN)  # a card issued offline for OTHER
    assert late.member_no == other.member_no
    sync(b)  # push: HQ stores B's entry on OTHER as sent and forwards it to KEEP
    merged = hq_member(hq.engine, other.uuid)
    assert (merged.status, merged.merged_into, merged.phone, merged.points) == ("merged", keep.uuid, None, 0)
    assert hq_member(hq.engine, keep.uuid).points == 550
    with db.read(hq.engine) as conn:
        late_entry = conn.execute(select(hqt.entries).where(hqt.entries.c.sale_id == late.sale_id,
                                                            hqt.entries.c.kind == "earn")).one()
        forwarded = conn.execute(select(hqt.entries.c.member_uuid, hqt.entries.c.delta).where(
            hqt.entries.c.ref_id == late_entry.entry_id, hqt.entries.c.device_id == "HQ")).all()
    assert late_entry.member_uuid == other.uuid  # stored exactly as the till sent it
    assert sorted(forwarded) == sorted([(other.uuid, -50), (keep.uuid, 50)])
    with db.read(hq.engine) as conn:
        owners = dict(conn.execute(select(hqt.cards.c.card_no, hqt.cards.c.member_uuid).where(
            hqt.cards.c.card_no.in_([other.card_no, new_card.card_no]))).all())
    assert owners == {other.card_no: keep.uuid, new_card.card_no: keep.uuid}
    sync_all([a, b])
    for store in (a, b):
        assert show_member(store, PHONE).points == 550
        assert show_member(store, other.card_no).uuid == keep.uuid
        assert show_member(store, new_card.card_no).uuid == keep.uuid
        assert show_member(store, other.card_no).card_status == "replaced"
        assert local_member(store, other.uuid).status == "merged"
        assert verify_store(store).ok, verify_store(store).problems
    sync(b)  # pushing again changes nothing: the late entry is a duplicate, not a conflict
    assert hq_member(hq.engine, keep.uuid).points == 550
    assert_invariants(hq.engine, [a, b])
