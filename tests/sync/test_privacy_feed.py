"""Anonymising a member scrubs them from HQ's change feed, so a till that pulls from the start never receives
their name, phone or birthday; a member merged away loses phone and birthday from the feed too. HQ's export
gives a member everything HQ holds. Real parts: HQ on PostgreSQL over 127.0.0.1, real store files."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select, text

from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from sync.hq import admin, db
from sync.hq import tables as hqt
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import sync, sync_all

NAME, PHONE, BIRTHDAY = "周九", "13600009999", "1988-03-04"


def _feed_text(engine) -> str:
    with db.read(engine) as conn:
        return "\n".join(row[0] for row in conn.execute(select(hqt.changes.c.data)))


def _local_members(store) -> str:
    with store.db.read() as conn:
        return json.dumps([list(r) for r in conn.execute(text("SELECT name, phone, birthday FROM members"))],
                          ensure_ascii=False)


def test_a_till_pulling_from_the_start_never_sees_an_anonymised_member(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, NAME, PHONE, birthday=BIRTHDAY)
    commit_sale(a, SaleRequest(view.card_no, 10000))
    members.edit_member(a, view.card_no, name=NAME + "九")  # a second snapshot in the feed
    sync_all([a, b])
    assert PHONE in _local_members(b)  # b pulled the member while they were a member
    members.anonymise_member(a, view.card_no, MANAGER_PIN)
    sync(a)
    feed = _feed_text(hq.engine)
    assert PHONE not in feed and NAME not in feed and BIRTHDAY not in feed
    fresh = stores.enrolled(hq, "003")
    sync(fresh)
    held = _local_members(fresh)
    assert PHONE not in held and NAME not in held and BIRTHDAY not in held
    assert "(anonymised)" in held
    with fresh.db.read() as conn:
        assert conn.execute(text("SELECT status FROM members WHERE uuid = :u"), {"u": view.uuid}).scalar() == \
            "anonymised"
        assert conn.execute(text("SELECT COUNT(*) FROM ledger")).scalar() > 0  # the ledger is kept
    sync(b)
    assert PHONE not in _local_members(b)


def test_a_member_merged_away_leaves_no_phone_or_birthday_in_the_feed(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    keep = members.register_member(a, NAME, PHONE)
    other = members.register_member(b, NAME, PHONE, birthday=BIRTHDAY)
    sync_all([a, b])
    admin.merge_members(hq.engine, keep.uuid, other.uuid)
    with db.read(hq.engine) as conn:
        snapshots = [json.loads(r[0]) for r in conn.execute(select(hqt.changes.c.data).where(
            hqt.changes.c.kind == "member", hqt.changes.c.key == other.uuid))]
        record = conn.execute(select(hqt.members).where(hqt.members.c.uuid == other.uuid)).one()
    assert snapshots and all(s["phone"] is None and s["birthday"] is None for s in snapshots)
    assert record.phone is None and record.birthday is None
    fresh = stores.enrolled(hq, "003")
    sync(fresh)
    with fresh.db.read() as conn:
        row = conn.execute(text("SELECT phone, birthday, status FROM members WHERE uuid = :u"),
                           {"u": other.uuid}).one()
    assert row == (None, None, "merged")


def test_pos_hq_member_export(hq, pg_url, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, NAME, PHONE, birthday=BIRTHDAY)
    commit_sale(a, SaleRequest(view.card_no, 10000))
    sync(a)
    done = subprocess.run([sys.executable, "-m", "sync.hq.cli", "--db", pg_url, "member", "export",
                           view.member_no], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    export = json.loads(done.stdout)
    assert export["member"]["phone"] == PHONE and export["member"]["name"] == NAME
    assert [c["card_no"] for c in export["cards"]] == [view.card_no]
    assert any(e["kind"] == "earn" and e["delta"] == 100 for e in export["ledger"]), export["ledger"]
    missing = subprocess.run([sys.executable, "-m", "sync.hq.cli", "--db", pg_url, "member", "export",
                              "M99999999999"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no member" in missing.stderr


def test_the_migration_scrubs_members_anonymised_before_it(tmp_path):
    """An HQ database from before this version (0002) with an anonymised member's old snapshots in its feed."""
    from alembic import command
    from alembic.config import Config

    engine = db.make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    with db.write(engine) as conn:
        config = Config()
        config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(text("INSERT INTO members (uuid, member_no, home_store, name, phone, birthday, tier_code, "
                          "status, created_at, updated_at) VALUES ('u1', 'M00100000001', '001', '(anonymised)', "
                          "NULL, NULL, 'standard', 'anonymised', 'x', 'x')"))
        old = {"uuid": "u1", "name": NAME, "phone": PHONE, "birthday": BIRTHDAY, "status": "active"}
        conn.execute(text("INSERT INTO changes (seq, kind, key, origin_device, data) VALUES (1, 'member', 'u1', "
                          "NULL, :d)"), {"d": json.dumps(old, ensure_ascii=False)})
    db.upgrade(engine)
    feed = _feed_text(engine)
    engine.dispose()
    assert PHONE not in feed and NAME not in feed and BIRTHDAY not in feed and "(anonymised)" in feed
