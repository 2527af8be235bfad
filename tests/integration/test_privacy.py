"""Privacy at the till: logs never carry a full phone (SQL parameters hidden, every record masked), and
`member export` hands a member everything held about them."""

from __future__ import annotations

import json
import logging
from logging.handlers import RotatingFileHandler

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pos_member.cli import main
from pos_member.cli_commands import setup_logging
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.member_export import export_member
from pos_member.services.stored_value import top_up

PHONE = "13800001234"


@pytest.fixture
def till_log(tmp_path):
    """The till's own log file, as `pos-member` sets it up (other tests' handlers set aside)."""
    root = logging.getLogger()
    kept = [h for h in root.handlers if isinstance(h, RotatingFileHandler)]
    for handler in kept:
        root.removeHandler(handler)
    paths = setup_logging(str(tmp_path / "home"))
    yield paths.logs / "pos-member.log"
    for handler in [h for h in root.handlers if isinstance(h, RotatingFileHandler)]:
        root.removeHandler(handler)
        handler.close()
    for handler in kept:
        root.addHandler(handler)


def _duplicate_phone_insert(store) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, store.db.write() as conn:
        conn.execute(text("INSERT INTO members (uuid, member_no, home_store, name, phone, tier_code, created_at, "
                          "updated_at) VALUES ('u-2', 'M00000000099', '001', :name, :phone, 'standard', 'x', 'x')"),
                     {"name": "李四", "phone": PHONE})
    return caught.value


def test_a_failing_insert_carries_no_phone_in_its_text(store):
    members.register_member(store, "张三", PHONE)
    error = _duplicate_phone_insert(store)
    assert PHONE not in str(error) and "李四" not in str(error)


def test_the_log_after_a_failing_insert_has_no_full_phone(store, till_log):
    members.register_member(store, "张三", PHONE)
    log = logging.getLogger("pos_member.test")
    try:
        raise RuntimeError(f"while registering {PHONE}") from _duplicate_phone_insert(store)
    except RuntimeError:
        log.exception("internal error registering phone %s", PHONE)
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = till_log.read_text(encoding="utf-8")
    assert "IntegrityError" in written and "internal error registering phone" in written
    assert PHONE not in written
    assert "138****1234" in written


def test_export_holds_the_members_sales_ledger_and_audit(store):
    view = members.register_member(store, "张三", PHONE, birthday="1990-05-06")
    top_up(store, view.card_no, 20000)
    sale = commit_sale(store, SaleRequest(view.card_no, 12000, stored_value_fen=3000))
    other = members.register_member(store, "李四", "13900009999")
    commit_sale(store, SaleRequest(other.card_no, 5000))
    export = export_member(store, view.card_no)
    assert export["member"]["phone"] == PHONE and export["member"]["birthday"] == "1990-05-06"
    assert [s["sale_id"] for s in export["sales"]] == [sale.sale_id]
    assert export["sales"][0]["lines"]
    kinds = sorted(e["kind"] for e in export["ledger"])
    assert "topup" in kinds and "earn" in kinds and "spend" in kinds
    assert {e["member_id"] for e in export["ledger"]} == {view.id}
    assert [c["card_no"] for c in export["cards"]] == [view.card_no]
    assert {"member.register", "stored_value.topup"} <= {a["action"] for a in export["audit"]}
    assert all("李四" not in json.dumps(a, ensure_ascii=False) for a in export["audit"])


def test_member_export_on_the_command_line(tmp_path, capsys):
    home = str(tmp_path)
    assert main(["--home", home, "init", "--store-code", "001", "--store-name", "CLI", "--manager-pin", "2468"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "--json", "member", "add", "--name", "张三", "--phone", PHONE]) == 0
    card_no = json.loads(capsys.readouterr().out)["card_no"]
    assert main(["--home", home, "sale", "--member", card_no, "--amount", "88.00"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "member", "export", card_no]) == 0
    export = json.loads(capsys.readouterr().out)
    assert export["member"]["name"] == "张三" and len(export["sales"]) == 1 and export["ledger"]
