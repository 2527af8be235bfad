"""Flags can be worked (issue 11, point 6): one open flag per kind and subject carries its latest figures and
a history; `pos-hq flags resolve|dismiss` close it once with the operator and a note; a later occurrence
opens a new flag; rejected records raise a flag per device. Real HQ on PostgreSQL, real tills pushing."""

from __future__ import annotations

import getpass
import json
import uuid
from typing import Any

import pytest
import requests
from sqlalchemy import select

from pos_member.services import members, sync_service
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.stored_value import adjust_points
from sync.hq import cli as hq_cli
from sync.hq import db
from sync.hq import flags as hq_flags
from sync.hq import tables as hqt
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import HQ, sync, sync_all


def _hq_cli(hq: HQ, capsys: pytest.CaptureFixture[str], *argv: str, json_out: bool = True) -> tuple[int, str, str]:
    url = hq.engine.url.render_as_string(hide_password=False)
    code = hq_cli.main(["--db", url, *(["--json"] if json_out else []), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _hq_points(hq: HQ, member_uuid: str) -> int:
    with db.read(hq.engine) as conn:
        return conn.execute(select(hqt.members.c.points).where(hqt.members.c.uuid == member_uuid)).scalar_one()


def _redeem_offline(hq: HQ, store: Any, card_no: str, points: int) -> None:
    """A redemption while HQ does not answer: the till's offline limit (what HQ last confirmed) lets it through;
    with HQ up, HQ's hold would refuse what other stores already spent."""
    hq.down()
    try:
        commit_sale(store, SaleRequest(card_no, 10000, redeem_points=points))
    finally:
        hq.up()


def test_an_overdraft_flag_keeps_its_history_is_resolved_once_and_a_later_overdraft_opens_a_new_one(
        hq, stores, capsys):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    c = stores.enrolled(hq, "003")
    d = stores.enrolled(hq, "004")
    view = members.register_member(a, "赵六", "13800001111")
    adjust_points(a, view.card_no, 1000, "welcome", MANAGER_PIN)
    sync_all([a, b, c, d])
    for store in (a, b):  # offline, each within what HQ last confirmed
        _redeem_offline(hq, store, view.card_no, 800)
    sync(a)
    sync(b)
    [flag] = hq_flags.list_flags(hq.engine, "overdraft")
    assert flag["subject"] == view.uuid and flag["store"] == "002" and flag["status"] == "open"
    first = _hq_points(hq, view.uuid)
    assert first < 0 and flag["figures"] == {"points": first, "stored_paid_fen": 0, "stored_bonus_fen": 0}

    _redeem_offline(hq, c, view.card_no, 800)  # a third store, offline since before the overdraft
    sync(c)
    [flag] = hq_flags.list_flags(hq.engine, "overdraft")  # the same flag, with the latest figures
    second = _hq_points(hq, view.uuid)
    assert second < first and flag["figures"]["points"] == second and flag["store"] == "003"
    assert flag["times_raised"] == 2
    code, out, _ = _hq_cli(hq, capsys, "flags", "show", str(flag["id"]))
    shown = json.loads(out)
    assert code == 0 and [(e["event"], e["figures"]["points"]) for e in shown["history"]] == [
        ("raised", first), ("updated", second)]

    code, out, _ = _hq_cli(hq, capsys, "flags", "resolve", str(flag["id"]), "--note", "member called, will top up",
                           "--operator", "ann")
    assert code == 0 and json.loads(out)["closed_by"] == "ann"
    assert hq_flags.list_flags(hq.engine, "overdraft") == []
    code, _, err = _hq_cli(hq, capsys, "flags", "dismiss", str(flag["id"]), "--note", "again", json_out=False)
    assert code == 1 and err.strip() == (f"error: flag {flag['id']} was already resolved by ann at "
                                         f"{hq_flags.show_flag(hq.engine, flag['id'])['closed_at']}; a flag is "
                                         "closed once (a new occurrence opens a new flag)")

    commit_sale(a, SaleRequest(view.card_no, 5000))  # an earn: the balance rises, still below zero
    sync(a)
    assert hq_flags.list_flags(hq.engine, "overdraft") == []  # no new overdraft
    _redeem_offline(hq, d, view.card_no, 300)  # a fourth store, offline all along: a new overdraft
    sync(d)
    [new] = hq_flags.list_flags(hq.engine, "overdraft")
    third = _hq_points(hq, view.uuid)
    assert third < second + 50 and new["figures"]["points"] == third
    assert new["id"] != flag["id"] and new["times_raised"] == 1
    everything = hq_flags.list_flags(hq.engine, "overdraft", include_closed=True)
    assert [(f["id"], f["status"]) for f in everything] == [(flag["id"], "resolved"), (new["id"], "open")]
    closed = hq_flags.show_flag(hq.engine, flag["id"])
    assert closed["history"][-1] | {"at": None} == {
        "at": None, "event": "resolved", "figures": closed["figures"], "operator": "ann",
        "note": "member called, will top up"}

    code, out, _ = _hq_cli(hq, capsys, "flags", "list", "--all", json_out=False)
    assert code == 0 and f"#{flag['id']} overdraft resolved by ann" in out and f"points {third}" in out
    assert "stored_paid 0.00" in out and "stored_paid_fen" not in out  # fen shown as yuan, never raw


def test_a_duplicate_phone_is_dismissed_by_the_os_user_and_not_raised_again_for_the_same_members(
        hq, stores, capsys):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    first = members.register_member(a, "孙八", "13900001234")
    members.register_member(b, "孙八", "13900001234")
    sync_all([a, b])
    [flag] = hq_flags.list_flags(hq.engine, "duplicate_phone")
    code, _, err = _hq_cli(hq, capsys, "flags", "dismiss", str(flag["id"]), "--note", "  ", json_out=False)
    assert code == 1 and "--note" in err
    code, out, _ = _hq_cli(hq, capsys, "flags", "dismiss", str(flag["id"]), "--note", "mother and son")
    assert code == 0 and json.loads(out)["closed_by"] == getpass.getuser()
    members.edit_member(a, first.card_no, name="孙八一")  # the same phone sent again: the same two members
    sync_all([a, b])
    assert hq_flags.list_flags(hq.engine, "duplicate_phone") == []
    code, _, err = _hq_cli(hq, capsys, "flags", "resolve", "999", "--note", "x", json_out=False)
    assert code == 1 and err.strip() == "error: flag: there is no flag 999 at HQ"


def test_forged_entries_and_records_raise_one_rejected_record_flag_per_device_with_figures(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "Alice", "13900005555")
    sync(a)
    info = sync_service.sync_store(a).connection_info()
    assert info is not None

    def push(body: dict[str, Any]) -> None:
        reply = requests.post(f"{hq.url}/v1/push", json=body, headers={"Authorization": f"Bearer {info[1]}"},
                              timeout=30)
        assert reply.status_code == 200, reply.text

    def forged(seq: int, **fields: Any) -> dict[str, Any]:
        return {"entry_id": str(uuid.uuid4()), "local_seq": seq, "member_uuid": view.uuid, "account": "points",
                "kind": "adjust", "delta": 10**12, "staff_id": None, "sale_id": None, "ref_id": None,
                "rules_version": 1, "business_time": "2026-11-24T10:00:00+08:00", "note": None,
                "expires_on": None} | fields

    push({"entries": [forged(1_000_001), forged(1_000_002)]})
    [flag] = hq_flags.list_flags(hq.engine, "rejected_record")
    assert flag["subject"] == a.identity.device_id and flag["store"] == "001"
    assert flag["figures"]["entries_rejected"] == 2 and flag["figures"]["records_rejected"] == 0
    assert flag["figures"]["first_entry_local_seq"] == 1_000_001
    member = {"uuid": str(uuid.uuid4()), "member_no": view.member_no, "home_store": "001", "name": "Eve",
              "phone": None, "birthday": None, "tier_code": "standard", "tier_reached_on": None,
              "status": "active", "created_at": "2026-11-24T10:00:00+08:00",
              "updated_at": "2026-11-24T10:00:00+08:00"}
    push({"records": [{"kind": "member", "member": member}]})  # another member's number: rejected
    [flag] = hq_flags.list_flags(hq.engine, "rejected_record")
    assert flag["figures"]["records_rejected"] == 1 and flag["figures"]["first_record_reason"] == "member_no_taken"
    assert [e["event"] for e in hq_flags.show_flag(hq.engine, flag["id"])["history"]] == ["raised", "updated"]
    sync(a)  # the till's own pushes are clean: nothing more
    assert hq_flags.show_flag(hq.engine, flag["id"])["times_raised"] == 2
