"""The command line over the same services: output, exit codes, and refusals that write nothing."""

import json
import shutil
import subprocess
import sys

import pytest

from pos_member.cli import main
from pos_member.services.context import open_store
from tests.integration.helpers import table_counts

PIN = "2468"


def cli(capsys, home, *args):
    code = main(["--home", str(home), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


@pytest.fixture
def home(tmp_path, capsys):
    assert cli(capsys, tmp_path, "init", "--store-code", "001", "--store-name", "CLI", "--manager-pin", PIN)[0] == 0
    return tmp_path


@pytest.fixture
def member(home, capsys):
    code, out, _ = cli(capsys, home, "member", "add", "--name", "张三", "--phone", "13800001234")
    assert code == 0
    assert cli(capsys, home, "topup", "--member", out["card_no"], "--amount", "500")[0] == 0
    return out


def test_a_day_at_the_till(home, member, capsys, tmp_path):
    code, shown, _ = cli(capsys, home, "member", "show", member["qr"])
    assert code == 0 and shown["phone"] == "138****1234" and shown["stored_value_fen"] == 55000
    code, sale, _ = cli(capsys, home, "sale", "--member", "13800001234", "--amount", "128.50",
                        "--line", "food=100", "--line", "tobacco=28.50", "--stored-value", "28.50")
    assert code == 0
    # tobacco earns nothing under the default rules: 100 points from the food line only
    assert (sale["total_fen"], sale["stored_value_fen"], sale["payable_fen"], sale["points_earned"]) == (
        12850, 2850, 10000, 100)
    code, refund, _ = cli(capsys, home, "refund", sale["sale_id"], "--line", "2")
    # line 2's share of the 28.50 stored value (25.91 paid + 2.59 bonus, split 100:28.5 by largest remainder)
    assert code == 0 and (refund["amount_fen"], refund["points_reversed"]) == (2850, 0)
    assert (refund["stored_value_restored_fen"], refund["cash_refund_fen"]) == (575 + 57, 2850 - 632)
    code, new_card, _ = cli(capsys, home, "card", "replace", member["card_no"], "--manager-pin", PIN,
                            "--qr-out", str(tmp_path / "new.png"))
    assert code == 0 and (tmp_path / "new.png").stat().st_size > 0
    code, shown, _ = cli(capsys, home, "member", "show", member["qr"])
    assert code == 0 and shown["card_status"] == "replaced" and "replaced" in shown["card_problem"]
    code, out, err = cli(capsys, home, "sale", "--member", member["qr"], "--amount", "10")
    assert code == 1 and out["error"].startswith("code: card") and "replaced" in err
    code, entries, _ = cli(capsys, home, "ledger", new_card["qr"])
    # the refunded tobacco line earned nothing, so nothing is reversed: only its stored value comes back
    assert [e["kind"] for e in entries] == ["topup", "bonus", "spend", "spend", "earn", "refund", "refund"]
    code, report, _ = cli(capsys, home, "verify")
    assert code == 0 and report["ok"] and report["problems"] == []


def _bad_cases(member):
    card = member["card_no"]
    return [
        (["sale", "--member", card, "--amount", "-5"], "amount"),
        (["sale", "--member", card, "--amount", "12.345"], "amount"),
        (["sale", "--member", card, "--amount", "abc"], "amount"),
        (["sale", "--member", card, "--amount", "99999999"], "amount"),
        (["sale", "--member", card, "--amount", "10", "--redeem-points", "999999"], "redeem_points"),
        (["sale", "--member", card, "--amount", "10", "--redeem-points", "-3"], "redeem_points"),
        (["sale", "--member", card, "--amount", "10", "--stored-value", "20"], "stored_value"),
        (["sale", "--member", card, "--amount", "1000", "--stored-value", "900"], "stored_value"),
        (["sale", "--member", card, "--amount", "10", "--line", "food"], "line"),
        (["sale", "--member", "13912345678", "--amount", "10"], "code"),
        (["sale", "--member", "PM1.0010100000016.1.AAAAAAAAAAAAAAAA", "--amount", "10"], "code"),
        (["sale", "--member", card[:-1] + str((int(card[-1]) + 1) % 10), "--amount", "10"], "code"),
        (["topup", "--member", card, "--amount", "0"], "amount"),
        (["member", "add", "--name", "李四", "--phone", "13800001234"], "phone"),
        (["member", "add", "--name", "李四", "--phone", "12"], "phone"),
        (["refund", "00000000-0000-0000-0000-000000000000"], "sale_id"),
        (["card", "lost", card, "--manager-pin", "0000"], "manager_pin"),
        (["card", "replace", card], "manager_pin"),
        (["points", "adjust", card, "--delta", "-10", "--reason", "x", "--manager-pin", PIN], "points"),
    ]


def test_every_refusal_is_one_line_exit_1_and_writes_nothing(home, member, capsys):
    store = open_store(home / "store.sqlite3")
    try:
        before = table_counts(store)
        for args, field in _bad_cases(member):
            code, out, err = cli(capsys, home, *args)
            assert code == 1, args
            assert out["error"].startswith(f"{field}:"), (args, out)
            assert err.count("\n") == 1 and err.startswith("error: "), (args, err)
            assert table_counts(store) == before, args
    finally:
        store.close()


def test_lost_and_frozen_cards_refused(home, member, capsys):
    assert cli(capsys, home, "card", "freeze", member["card_no"], "--manager-pin", PIN)[0] == 0
    code, out, _ = cli(capsys, home, "sale", "--member", member["card_no"], "--amount", "10")
    assert code == 1 and "frozen" in out["error"]
    assert cli(capsys, home, "card", "lost", member["card_no"], "--manager-pin", PIN)[0] == 0
    code, out, _ = cli(capsys, home, "sale", "--member", member["qr"], "--amount", "10")
    assert code == 1 and "reported lost" in out["error"]
    code, out, _ = cli(capsys, home, "card", "unfreeze", member["card_no"], "--manager-pin", PIN)
    assert code == 1 and "lost" in out["error"]


def test_refunding_a_refunded_sale(home, member, capsys):
    _, sale, _ = cli(capsys, home, "sale", "--member", member["card_no"], "--amount", "20")
    assert cli(capsys, home, "refund", sale["sale_id"])[0] == 0
    code, out, _ = cli(capsys, home, "refund", sale["sale_id"])
    assert code == 1 and "fully refunded" in out["error"]


def test_usage_errors_exit_2(home, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--home", str(home), "sale", "--amount", "10"])
    assert caught.value.code == 2


def test_console_script_end_to_end(tmp_path):
    exe = shutil.which("pos-member", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "the pos-member console script is installed with the package"
    run = subprocess.run([exe, "--home", str(tmp_path), "init", "--store-code", "002", "--store-name", "S",
                          "--manager-pin", PIN, "--json"], capture_output=True, text=True)
    assert run.returncode == 0 and json.loads(run.stdout)["store_code"] == "002"
    run = subprocess.run([exe, "--home", str(tmp_path), "member", "show", "nonsense"], capture_output=True, text=True)
    assert run.returncode == 1 and run.stderr.startswith("error: code:") and "Traceback" not in run.stderr


def test_a_sale_in_text_says_which_rule_bounded_its_spending_in_words(home, member, capsys):
    assert main(["--home", str(home), "sale", "--member", member["card_no"], "--amount", "30",
                 "--stored-value", "10"]) == 0
    out = capsys.readouterr().out
    assert "spend_rule: this store's own ledger" in out  # a store on its own; never the raw "local"
    assert "stored_value: 10.00" in out
