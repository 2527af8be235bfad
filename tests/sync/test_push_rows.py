"""What HQ stores for an entry is exactly what the till sent, and its fingerprint never changes definition
(a changed definition would turn every re-push after an upgrade into a conflict)."""

from __future__ import annotations

import hashlib
import json
import uuid

import requests
from sqlalchemy import select

from pos_member.services import members, sync_service
from pos_member.services.stored_value import adjust_points
from sync.hq import db
from sync.hq import tables as hqt
from sync.hq.chain_ledger import ENTRY_FIELDS, entry_hash
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import assert_invariants, own_entry_ids, sync
from tests.sync.test_hq_edge import _member_record
from tests.sync.test_push_conflicts import post_push
from tests.sync.test_sale_docs_bulk import _sale

AWKWARD_NOTE = 'say "hi" \\ back\\slash, 中文, emoji 🎉, 10%, \\u0041'


def test_the_fingerprint_is_sha256_of_the_compact_json_of_device_and_values():
    entry = {"entry_id": "0192f0e4-0000-7000-8000-000000000001", "local_seq": 7, "member_uuid": "m-1",
             "account": "points", "kind": "adjust", "delta": -12, "staff_id": None, "sale_id": None,
             "ref_id": "r", "rules_version": 3, "business_time": "2026-11-24T10:00:00+08:00",
             "note": AWKWARD_NOTE, "expires_on": None}
    text = json.dumps(["device-1", [entry[name] for name in ENTRY_FIELDS]], separators=(",", ":"))
    assert entry_hash(entry, "device-1") == hashlib.sha256(text.encode()).hexdigest()
    assert entry_hash(entry, "device-2") != entry_hash(entry, "device-1")
    # The digest HQ has stored for this entry since protocol 1: a reordered EntryIn or another JSON form
    # would change it (and turn every re-push into a conflict), which the lines above alone cannot see.
    assert entry_hash(entry, "device-1") == "20c29abf85ab47c191f8340fe1ab49f3711a79c4fab9855945265aa0fc548508"


def test_hq_stores_awkward_text_and_the_largest_amounts_exactly_as_sent(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "张三", "13900001111")
    adjust_points(a, view.card_no, 10_000_000, AWKWARD_NOTE, MANAGER_PIN)  # the largest a manager may post
    adjust_points(a, view.card_no, -9_999_999, "back", MANAGER_PIN)
    sent = {e["entry_id"]: e for e in sync_service.sync_store(a).pending_entries(500)}
    report = sync(a)
    assert report["entries_ok"] == len(sent) == len(own_entry_ids(a))
    with db.read(hq.engine) as conn:
        held = {r["entry_id"]: r for r in conn.execute(select(hqt.entries)).mappings()}
    for entry_id, entry in sent.items():
        stored = held[entry_id]
        assert {name: stored[name] for name in ENTRY_FIELDS} == {name: entry[name] for name in ENTRY_FIELDS}
        assert stored["payload_hash"] == entry_hash(entry, stored["device_id"])
    assert AWKWARD_NOTE in {r["note"] for r in held.values()}
    assert_invariants(hq.engine, [a])


def test_a_re_push_of_stored_entries_is_all_duplicates(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "李四", "13900002222")
    adjust_points(a, view.card_no, 5, AWKWARD_NOTE, MANAGER_PIN)
    entries = sync_service.sync_store(a).pending_entries(500)
    sync(a)
    _, token = sync_service.sync_store(a).connection_info()
    reply = requests.post(f"{hq.url}/v1/push", json={"entries": entries}, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}).json()
    assert [s["status"] for s in reply["entries"]] == ["duplicate"] * len(entries)


def test_a_malformed_push_is_a_422_naming_the_field_and_nothing_is_written(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "王五", "13900003333")
    adjust_points(a, view.card_no, 5, "x", MANAGER_PIN)
    sync(a)
    _, token = sync_service.sync_store(a).connection_info()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with db.read(hq.engine) as conn:
        before = conn.execute(select(hqt.entries.c.entry_id)).all()

    not_json = requests.post(f"{hq.url}/v1/push", data=b"\xe2\x04j", headers=headers, timeout=30)
    assert not_json.status_code == 422 and not_json.json()["detail"][0]["type"] == "json_invalid"
    bad = {"entry_id": "0192f0e4-0000-7000-8000-00000000beef", "member_uuid": view.uuid, "local_seq": "seven",
           "account": "points", "kind": "adjust", "delta": 1, "rules_version": 1,
           "business_time": "2026-11-24T10:00:00+08:00"}
    wrong_type = requests.post(f"{hq.url}/v1/push", json={"entries": [bad]}, headers=headers, timeout=30)
    assert wrong_type.status_code == 422
    assert ["body", "entries", 0, "local_seq"] in [d["loc"] for d in wrong_type.json()["detail"]]
    not_finite = requests.post(f"{hq.url}/v1/push", data=b'{"entries": [{"local_seq": NaN}]}', headers=headers,
                               timeout=30)
    assert not_finite.status_code == 422  # NaN in a body once made the 422 itself unprintable: a 500
    no_token = requests.post(f"{hq.url}/v1/push", json={"entries": [bad]}, timeout=30)
    assert no_token.status_code == 401
    with db.read(hq.engine) as conn:
        assert conn.execute(select(hqt.entries.c.entry_id)).all() == before


def test_sale_documents_of_a_member_registered_in_the_same_push_get_a_status_each(hq, stores):
    """A new member's first sales reach HQ in the push that registers the member: stored with the batch of
    sale documents after the member (not before the feed lock), each with its own status in the reply."""
    a = stores.enrolled(hq, "001")
    member = _member_record("001", "13900008888", 1)
    newcomer, stranger = member["member"]["uuid"], str(uuid.uuid4())
    sale = _sale(1, member_uuid=newcomer, sale_id=str(uuid.uuid4())).model_dump(mode="json")
    unknown = _sale(2, member_uuid=stranger, sale_id=str(uuid.uuid4())).model_dump(mode="json")

    reply = post_push(hq, a, records=[member, *({"kind": "sale_doc", "sale_doc": doc} for doc in (sale, sale, unknown))])

    none: dict[str, object] = {"reason": None, "code": None, "params": {}}
    assert reply["records"] == [
        {"kind": "member", "key": newcomer, "status": "ok"} | none,
        {"kind": "sale_doc", "key": sale["sale_id"], "status": "ok"} | none,
        {"kind": "sale_doc", "key": sale["sale_id"], "status": "duplicate"} | none,  # sent twice in one push
        {"kind": "sale_doc", "key": unknown["sale_id"], "status": "rejected",
         "reason": f"member_uuid: unknown member {stranger}", "code": "entry_unknown_member",
         "params": {"member": stranger}}]
    with db.read(hq.engine) as conn:
        assert conn.execute(select(hqt.sales.c.sale_id)).scalars().all() == [sale["sale_id"]]
