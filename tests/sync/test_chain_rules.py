"""Chain rules win (issue 11, point 7): once a store is enrolled, `pos-member rules apply` is refused with a
sentence, unless HQ grants that store local rules; HQ-published rules still apply through the pull; the
version in force is confirmed to HQ and shown per store and till. Real HQ on PostgreSQL, real tills."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_member import cli as till_cli
from pos_member.domain.errors import RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import default_rules_text
from pos_member.services import sync_service
from pos_member.services.rules_admin import apply_rules, current_rules
from sync.hq import admin
from sync.hq import cli as hq_cli
from sync.hq.store_rules import rules_by_store
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import sync


def _rules_file(tmp_path: Path, label: str) -> Path:
    path = tmp_path / f"{label}.toml"
    path.write_text(default_rules_text().replace('label = "', f'label = "{label} ', 1), encoding="utf-8")
    return path


def _tills(hq, store_code: str) -> list[dict]:
    [store] = [s for s in rules_by_store(hq.engine)["stores"] if s["store_code"] == store_code]
    return store["tills"]


def test_an_unenrolled_store_applies_its_own_rules(stores, tmp_path):
    a = stores.make("001")
    assert apply_rules(a, _rules_file(tmp_path, "own"), MANAGER_PIN).version == 2


def test_an_enrolled_store_takes_hqs_rules_unless_hq_grants_it_local_rules(hq, stores, tmp_path, capsys):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    sync(a)
    with pytest.raises(RuleRefused) as refused:
        apply_rules(a, _rules_file(tmp_path, "own"), MANAGER_PIN)
    assert refused.value.reason == Reason.RULES_FROM_HQ
    assert str(refused.value) == ("rules: this store is enrolled with HQ, so its rules come from HQ (rules version 1 "
                                  "is in force); HQ can grant it rules of its own with `pos-hq store local-rules 001 "
                                  "on`")
    assert current_rules(a).version == 1  # nothing was written
    assert [(t["device_no"], t["rules_version"], t["hq_version"]) for t in _tills(hq, "001")] == [(1, 1, None)]

    published = admin.publish_rules(hq.engine, _rules_file(tmp_path, "HQ").read_text(encoding="utf-8"))
    sync(a)  # HQ's rules still arrive by the pull, and the till confirms them
    assert current_rules(a).label == published["label"] and current_rules(a).version == 2
    [till] = _tills(hq, "001")
    assert (till["rules_version"], till["hq_version"], till["current"]) == (2, published["version"], True)
    assert till["in_force"] == f"HQ version {published['version']}"
    assert sync_service.sync_status(a)["rules"] | {"label": None} == {
        "version": 2, "label": None, "hq_version": published["version"], "enrolled": True, "local_rules": False}

    url = hq.engine.url.render_as_string(hide_password=False)
    assert hq_cli.main(["--db", url, "--json", "store", "local-rules", "001", "on", "--operator", "finance"]) == 0
    assert json.loads(capsys.readouterr().out)["changed_by"] == "finance"
    sync(a)
    sync(b)
    assert apply_rules(a, _rules_file(tmp_path, "own"), MANAGER_PIN).version == 3  # granted: its own rules
    with pytest.raises(RuleRefused):  # the grant is the store's, not the chain's
        apply_rules(b, _rules_file(tmp_path, "own"), MANAGER_PIN)
    sync(a)
    [till] = _tills(hq, "001")
    assert (till["rules_version"], till["hq_version"], till["current"]) == (3, None, False)
    assert till["in_force"] == "the store's own rules"
    assert hq_cli.main(["--db", url, "store", "list"]) == 0
    listing = capsys.readouterr().out
    assert "local_rules: True" in listing and "till 1: the store's own rules (local version 3" in listing
    assert hq_cli.main(["--db", url, "rules", "show"]) == 0
    shown = capsys.readouterr().out
    assert f"HQ's latest rules version: {published['version']}" in shown
    assert "store 001 Store 001: its own rules allowed (by finance at " in shown
    assert f"store 002 Store 002: HQ's rules\n  till 1: HQ version {published['version']} (current)" in shown

    assert hq_cli.main(["--db", url, "store", "local-rules", "001", "off"]) == 0
    capsys.readouterr()
    sync(a)
    with pytest.raises(RuleRefused):
        apply_rules(a, _rules_file(tmp_path, "again"), MANAGER_PIN)
    assert [s["local_rules"] for s in rules_by_store(hq.engine)["stores"]] == [False, False]


def test_pos_member_rules_apply_says_the_sentence_and_exits_1(hq, stores, tmp_path, capsys):
    a = stores.enrolled(hq, "001")
    sync(a)
    code = till_cli.main(["--home", str(a.db.path.parent), "rules", "apply", str(_rules_file(tmp_path, "own")),
                          "--manager-pin", MANAGER_PIN])
    err = capsys.readouterr().err
    assert code == 1 and "its rules come from HQ" in err and "Traceback" not in err
