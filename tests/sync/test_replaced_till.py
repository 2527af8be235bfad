"""Tills can be replaced (issue 10, point 2), on the real HQ over PostgreSQL and real store files.

- The replaced-till story with the README's own steps: `pos-hq device revoke`, a new code, `pos-member init
  --device-no 1` on a new data dir, `enrol`, members registered on the new till. The new till continues
  after the numbers the dead one gave out; every till syncs cleanly and every member owns their own card.
- A code never takes over a live till (its till number or its device id): refused with a typed reason.
- A crafted record from a real token that reuses another member's number, or re-points another member's
  card, is rejected with a typed reason, never stored or fed; every other till's pull keeps working.
- A pulled row a till cannot apply is set aside (pull_quarantine) and the rows after it are applied; a sync
  that fails on the till itself shows in `sync status`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from uuid import uuid4

import pytest
import requests
from sqlalchemy import func, select

from pos_member import cli as till_cli
from pos_member.services import members, sync_service
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.context import Store, open_store
from pos_member.services.lookup import show_member
from pos_member.services.stored_value import top_up
from sync.hq import admin, db
from sync.hq import cli as hq_cli
from sync.hq import tables as hqt
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import assert_invariants, sync, sync_all


def _cli(main, argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def _hq(hq, capsys, *argv: str) -> dict:
    return _cli(hq_cli.main, ["--db", hq.engine.url.render_as_string(hide_password=False), "--json", *argv], capsys)


def _till(home: Path, capsys, *argv: str) -> dict:
    return _cli(till_cli.main, ["--home", str(home), "--json", *argv], capsys)


def _token(store: Store) -> str:
    with store.db.read() as conn:
        return conn.exec_driver_sql("SELECT value FROM sync_state WHERE key = 'token'").scalar()


def _owners(hq) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """HQ's members by number (a list: a number held twice shows), cards -> member uuid, uuid -> number."""
    with db.read(hq.engine) as conn:
        by_no: dict[str, list[str]] = {}
        numbers = {}
        for row in conn.execute(select(hqt.members.c.member_no, hqt.members.c.uuid)):
            by_no.setdefault(row.member_no, []).append(row.uuid)
            numbers[row.uuid] = row.member_no
        cards = {r.card_no: r.member_uuid for r in conn.execute(select(hqt.cards.c.card_no, hqt.cards.c.member_uuid))}
    return by_no, cards, numbers


def _clean(store: Store) -> None:
    status = sync_service.sync_status(store)
    assert status["last_error"] is None and status["last_error_reason"] is None, status
    assert status["set_aside_pulled"] == 0 and status["rejected_records"] == 0, status


def test_a_replaced_till_continues_numbering_and_every_till_keeps_syncing(hq, stores, tmp_path, capsys):
    old = stores.enrolled(hq, "001")  # till 1 of store 001: it will die
    second = stores.make("001", device_no=2)
    sync_service.enrol(second, hq.url, hq.enrolment_code("001"))
    other = stores.enrolled(hq, "002")
    first = members.register_member(old, "张三", "13800000001")
    top_up(old, first.card_no, 10_000)  # 100 yuan of stored value on the card
    lost = members.register_member(old, "李四", "13800000002")
    from pos_member.services import cards

    replacement_card = cards.replace(old, lost.card_no, MANAGER_PIN)  # the dead till's third card number
    at_second = members.register_member(second, "王五", "13800000003")
    sync_all([old, second, other])
    dead_id = old.identity.device_id

    # the till dies. The README's steps: revoke it, a new code, init --device-no 1 on new hardware, enrol
    assert _hq(hq, capsys, "device", "revoke", dead_id)["revoked"] is True
    code = _hq(hq, capsys, "store", "code", "001")["enrolment_code"]
    home = tmp_path / "new-till"
    _till(home, capsys, "init", "--store-code", "001", "--store-name", "Store 001", "--manager-pin", MANAGER_PIN,
          "--device-no", "1")
    assert _till(home, capsys, "enrol", hq.url, code)["store_code"] == "001"
    made = [_till(home, capsys, "member", "add", "--name", name, "--phone", phone)
            for name, phone in (("赵六", "13800000004"), ("钱七", "13800000005"))]
    # it continues after the dead till's numbers (members 1-2, cards 1-3), never giving one out again
    assert [m["member_no"] for m in made] == ["M00101000003", "M00101000004"]
    assert [m["card_no"][5:12] for m in made] == ["0000004", "0000005"]
    new = open_store(home / "store.sqlite3", clock=old.clock)
    stores.opened.append(new)
    commit_sale(new, SaleRequest(made[0]["card_no"], 5000))

    live = [new, second, other]
    sync_all(live)
    for till in live:
        _clean(till)
    by_no, card_owner, numbers = _owners(hq)
    assert all(len(uuids) == 1 for uuids in by_no.values()), by_no
    # every member owns their own card, the stored value stays on the first member's card
    registered = [(v.uuid, v.card_no) for v in (first, at_second)] + [(m["uuid"], m["card_no"]) for m in made]
    for uuid, card_no in registered:
        assert card_owner[card_no] == uuid
    assert card_owner[lost.card_no] == lost.uuid
    assert card_owner[replacement_card.card_no] == lost.uuid
    for till in live:
        assert show_member(till, first.card_no).uuid == first.uuid
        assert show_member(till, first.card_no).stored_value_fen == 10_000
        assert show_member(till, made[1]["card_no"]).member_no == "M00101000004"
        assert numbers[show_member(till, made[0]["card_no"]).uuid] == "M00101000003"
    # the other tills can still register: nothing they pulled blocks their own numbers
    members.register_member(second, "孙八", "13800000006")
    members.register_member(other, "周九", "13800000007")
    sync_all(live)
    for till in live:
        _clean(till)
    assert_invariants(hq.engine, live)


def test_a_till_that_pulled_its_own_numbers_continues_after_them(hq, stores):
    """A replacement enrolled before HQ handed out sequences (its counters at 0) had pulled the dead till's
    numbers and could register nobody: its next sync raises the counters past every number of its own."""
    old = stores.enrolled(hq, "001")
    dead = [members.register_member(old, name, phone) for name, phone in (("张三", "13800000051"),
                                                                          ("李四", "13800000052"))]
    sync(old)
    admin.revoke_device(hq.engine, old.identity.device_id)
    new = stores.make("001", folder="new-hardware")
    sync_service.enrol(new, hq.url, hq.enrolment_code("001"))
    with new.db.write() as conn:  # what an enrolment without HQ's sequences left
        conn.exec_driver_sql("UPDATE counters SET value = 0 WHERE name IN ('member_seq', 'card_seq')")
    sync(new)
    assert show_member(new, dead[1].card_no).uuid == dead[1].uuid
    view = members.register_member(new, "王五", "13800000053")
    assert view.member_no == "M00101000003" and view.card_no[5:12] == "0000003"
    sync(new)
    _clean(new)


def test_a_code_never_takes_over_a_live_till(hq, stores):
    live = stores.enrolled(hq, "001")
    twin = stores.make("001", folder="twin")  # new hardware for till 1 while till 1 still works
    with pytest.raises(sync_service.SyncFailed) as refused:
        sync_service.enrol(twin, hq.url, hq.enrolment_code("001"))
    assert refused.value.params["why"] == "till_number_live"
    assert refused.value.params["device"] == live.identity.device_id
    # taking over the live till's device id (other tills see it in the feed) under another till number
    reply = requests.post(f"{hq.url}/v1/enrol", timeout=10, json={
        "code": hq.enrolment_code("001"), "device_id": live.identity.device_id, "device_no": 7,
        "store_code": "001", "cards_issued": 0, "key_fingerprint": "0" * 64})
    assert reply.status_code == 409 and reply.json()["reason"] == "device_live"
    sync(live)  # the live till's token still works
    code = hq.enrolment_code("001")
    hq_cli.main(["--db", hq.engine.url.render_as_string(hide_password=False), "device", "revoke",
                 live.identity.device_id])
    sync_service.enrol(twin, hq.url, code)  # revoked: now the code enrols the new till
    sync(twin)
    _clean(twin)


def test_a_crafted_record_reusing_a_number_is_rejected_and_every_pull_keeps_working(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    victim = members.register_member(a, "张三", "13800000011")
    top_up(a, victim.card_no, 20_000)
    sync_all([a, b])
    thief_uuid = str(uuid4())
    now = "2026-11-24T10:00:00+08:00"
    member = {"uuid": thief_uuid, "member_no": victim.member_no, "home_store": "002", "name": "X",
              "phone": "13800000099", "birthday": None, "tier_code": "standard", "tier_reached_on": None,
              "status": "active", "created_at": now, "updated_at": now}
    card = {"card_no": victim.card_no, "member_uuid": thief_uuid, "version": 1, "card_type": "standard",
            "status": "active", "issued_at": now, "expires_on": None, "replaced_by": None, "updated_at": now}
    headers = {"Authorization": f"Bearer {_token(b)}"}
    reply = requests.post(f"{hq.url}/v1/push", headers=headers, timeout=10, json={
        "protocol": 1, "records": [{"kind": "member", "member": member}, {"kind": "card", "card": card}]})
    assert reply.status_code == 200
    statuses = {r["kind"]: r for r in reply.json()["records"]}
    assert statuses["member"]["status"] == "rejected" and statuses["member"]["code"] == "member_no_taken"
    assert statuses["member"]["params"] == {"member_no": victim.member_no}
    assert statuses["card"]["status"] == "rejected"  # its member was refused: HQ does not know it
    # a real member of store 002 re-pointing the victim's card at itself: refused, typed
    own = members.register_member(b, "李四", "13800000012")
    sync(b)
    reply = requests.post(f"{hq.url}/v1/push", headers=headers, timeout=10, json={
        "protocol": 1, "records": [{"kind": "card", "card": card | {"member_uuid": own.uuid}}]})
    assert reply.json()["records"][0]["code"] == "card_no_taken"
    # a member record giving the victim a new number: refused too (a number never changes)
    reply = requests.post(f"{hq.url}/v1/push", headers=headers, timeout=10, json={
        "protocol": 1, "records": [{"kind": "member", "member": member | {
            "uuid": victim.uuid, "member_no": "M00201999999"}}]})
    assert reply.json()["records"][0]["code"] == "member_no_changed"
    by_no, card_owner, _ = _owners(hq)
    assert by_no[victim.member_no] == [victim.uuid] and card_owner[victim.card_no] == victim.uuid
    assert "M00201999999" not in by_no
    c = stores.enrolled(hq, "003")  # a till pulling the whole feed from the start
    sync_all([a, b, c])
    for till in (a, b, c):
        _clean(till)
        assert show_member(till, victim.card_no).uuid == victim.uuid
        assert show_member(till, victim.card_no).stored_value_fen == 20_000
    commit_sale(c, SaleRequest(victim.card_no, 10_000, stored_value_fen=1_000))
    members.register_member(c, "王五", "13800000013")
    sync_all([a, b, c])
    assert_invariants(hq.engine, [a, b, c])


def _feed(hq, *rows: tuple[str, str, dict]) -> None:
    """Rows in HQ's change feed as a database from before the identity checks may hold them."""
    with db.write(hq.engine) as conn:
        head = db.lock_feed(conn)
        for kind, key, data in rows:
            head += 1
            conn.execute(hqt.changes.insert().values(seq=head, kind=kind, key=key, origin_device=None,
                                                     data=json.dumps(data, ensure_ascii=False)))
        db.set_feed_head(conn, head)


def test_a_pulled_row_the_till_cannot_apply_is_set_aside_and_the_rest_applied(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    held = members.register_member(a, "张三", "13800000021")
    sync_all([a, b])
    twin_uuid = str(uuid4())
    now = "2026-11-24T10:00:00+08:00"
    twin = {"uuid": twin_uuid, "member_no": held.member_no, "home_store": "001", "name": "X", "phone": None,
            "birthday": None, "tier_code": "standard", "tier_reached_on": None, "status": "active",
            "created_at": now, "updated_at": now, "merged_into": None}
    twin_card = {"card_no": "0010199999994", "member_uuid": twin_uuid, "version": 1, "card_type": "standard",
                 "status": "active", "issued_at": now, "expires_on": None, "replaced_by": None, "updated_at": now}
    _feed(hq, ("member", twin_uuid, twin), ("card", twin_card["card_no"], twin_card))
    later = members.register_member(a, "李四", "13800000022")  # rows after the bad ones
    commit_sale(a, SaleRequest(later.card_no, 20_000))
    sync(a)
    report = sync(b)  # no exception: the page goes on
    assert report["applied"]["set_aside"] == 2
    status = sync_service.sync_status(b)
    assert status["last_error"] is None and status["set_aside_pulled"] == 2
    assert [(r["kind"], r["key"], r["reason"]) for r in status["set_aside"]] == [
        ("card", "0010199999994", "pull_no_member"), ("member", held.member_no, "pull_number_taken")]
    assert show_member(b, later.card_no).points == 200  # the later member and entry were applied
    assert show_member(b, held.card_no).uuid == held.uuid
    sync(b)  # the cursor moved past them: nothing is set aside twice
    assert sync_service.sync_status(b)["set_aside_pulled"] == 2


def test_a_sync_that_fails_on_the_till_shows_in_sync_status(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    sync(b)
    members.register_member(a, "张三", "13800000031")
    sync(a)
    # a fault of the till's own file while it stores a pulled page (a real SQLite refusal, not a stand-in)
    with sqlite3.connect(b.db.path) as raw:
        raw.execute("CREATE TRIGGER refuse_cursor BEFORE UPDATE ON sync_state WHEN NEW.key = 'pull_cursor' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    with pytest.raises(sync_service.SyncFailed) as failed:
        sync(b)
    assert failed.value.params["why"] == "sync_local_error"
    status = sync_service.sync_status(b)
    assert status["last_error_reason"]["reason"] == "sync_local_error"
    assert "could not finish the sync" in status["last_error"]
    with sqlite3.connect(b.db.path) as raw:
        raw.execute("DROP TRIGGER refuse_cursor")
    sync(b)
    _clean(b)


def test_hq_refusals_carry_their_reason_count_in_the_record_status(hq, stores):
    """The count of HQ's record refusals shows in `sync status` (the reasons stay in the store file)."""
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "张三", "13800000041")
    sync_all([a, b])
    with db.write(hq.engine) as conn:  # HQ's own record of the member now says another number
        conn.execute(hqt.members.update().where(hqt.members.c.uuid == view.uuid).values(member_no="M00101999998"))
    members.edit_member(a, view.card_no, name="张三三")
    sync(a)
    status = sync_service.sync_status(a)
    assert status["rejected_records"] == 1
    with db.read(hq.engine) as conn:
        assert conn.execute(select(func.count()).select_from(hqt.members).where(
            hqt.members.c.member_no == view.member_no)).scalar_one() == 0


def _set_aside_data(store: Store) -> list[dict]:
    with sqlite3.connect(store.db.path) as raw:
        return [json.loads(data) for (data,) in raw.execute(
            "SELECT data FROM pull_quarantine WHERE kind = 'member' ORDER BY id")]


def test_a_set_aside_snapshot_of_an_anonymised_member_keeps_no_name_phone_or_birthday(hq, stores):
    # issue 10 point 7 at the till: a pulled snapshot it could not apply is kept for `sync status`; once its
    # member is anonymised (at HQ and pulled, or here), that copy is scrubbed as the member row is
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    held = members.register_member(a, "张三", "13800000031")
    sync_all([a, b])
    twin_uuid, now = str(uuid4()), "2026-11-24T10:00:00+08:00"
    twin = {"uuid": twin_uuid, "member_no": held.member_no, "home_store": "001", "name": "赵六",
            "phone": "13900000031", "birthday": "1990-05-06", "tier_code": "standard", "tier_reached_on": None,
            "status": "active", "created_at": now, "updated_at": now, "merged_into": None}
    _feed(hq, ("member", twin_uuid, twin))
    sync(b)
    assert [(d["uuid"], d["name"], d["phone"]) for d in _set_aside_data(b)] == [(twin_uuid, "赵六", "13900000031")]

    gone = twin | {"name": "(anonymised)", "phone": None, "birthday": None, "status": "anonymised"}
    _feed(hq, ("member", twin_uuid, gone))  # what HQ's feed carries once the member is anonymised there
    sync(b)
    kept = _set_aside_data(b)
    assert len(kept) == 2 and all((d["name"], d["phone"], d["birthday"]) == ("(anonymised)", None, None)
                                  for d in kept)
    with sqlite3.connect(b.db.path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM pull_quarantine WHERE data LIKE '%13900000031%' "
                           "OR data LIKE '%赵六%' OR data LIKE '%1990-05-06%'").fetchone() == (0,)


def test_anonymising_a_member_here_scrubs_their_snapshot_set_aside_here(hq, stores):
    a = stores.enrolled(hq, "001")
    held = members.register_member(a, "张三", "13800000041")
    other = members.register_member(a, "李四", "13800000042")
    sync(a)
    stale = {"uuid": held.uuid, "member_no": other.member_no, "home_store": "001", "name": "张三",
             "phone": "13800000041", "birthday": "1985-01-02", "tier_code": "standard", "tier_reached_on": None,
             "status": "active", "created_at": "2026-11-24T10:00:00+08:00",
             "updated_at": "2026-11-24T10:00:00+08:00", "merged_into": None}
    _feed(hq, ("member", held.uuid, stale))  # another member's number: set aside at the till
    sync(a)
    assert [d["phone"] for d in _set_aside_data(a)] == ["13800000041"]

    members.anonymise_member(a, held.card_no, MANAGER_PIN)

    assert [(d["name"], d["phone"], d["birthday"]) for d in _set_aside_data(a)] == [("(anonymised)", None, None)]
