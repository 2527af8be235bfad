"""Personal data at HQ: scrubbing a member from the change feed, and a member's data export (PIPL).

HQ's feed keeps every member snapshot it ever served, so a till that pulls from the start (a new or replaced
till) would receive the name, phone and birthday a member had before being anonymised. When a member is
anonymised, or merged away into another member, the personal fields of every stored snapshot of that member
are replaced by the member's current (scrubbed) values; the snapshots' order and everything else stay, so
the feed still replays to the same end state.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, or_, select

from sync.hq import db
from sync.hq import tables as t

PERSONAL_FIELDS = ("name", "phone", "birthday")


def scrub_member_feed(conn: Any, uuid: str, current: dict[str, Any], fields: tuple[str, ...] = PERSONAL_FIELDS
                      ) -> int:
    """Give every stored feed snapshot of member `uuid` the current values of `fields`; the rows rewritten."""
    rewritten = 0
    for row in conn.execute(select(t.changes.c.seq, t.changes.c.data).where(
            t.changes.c.kind == "member", t.changes.c.key == uuid)).all():
        data = json.loads(row.data)
        scrubbed = data | {name: current.get(name) for name in fields}
        if scrubbed != data:
            conn.execute(t.changes.update().where(t.changes.c.seq == row.seq).values(
                data=json.dumps(scrubbed, ensure_ascii=False)))
            rewritten += 1
    return rewritten


def export_member(engine: Engine, member_no: str) -> dict[str, Any]:
    """`pos-hq member export MEMBER_NO`: everything HQ holds about one member, as JSON-ready data."""
    with db.read(engine) as conn:
        member = conn.execute(select(t.members).where(t.members.c.member_no == member_no.strip())).mappings().first()
        if member is None:
            raise LookupError(f"member: HQ holds no member {member_no}")
        uuid = member["uuid"]
        cards = conn.execute(select(t.cards).where(t.cards.c.member_uuid == uuid)
                             .order_by(t.cards.c.card_no)).mappings().all()
        entries = conn.execute(select(t.entries).where(t.entries.c.member_uuid == uuid)
                               .order_by(t.entries.c.seq)).mappings().all()
        merged_in = conn.execute(select(t.members.c.uuid, t.members.c.member_no).where(
            t.members.c.merged_into == uuid)).mappings().all()
        flags = conn.execute(select(t.flags).where(or_(t.flags.c.subject.contains(uuid)))
                             .order_by(t.flags.c.id)).mappings().all()
        feed = conn.execute(select(t.changes.c.seq, t.changes.c.data).where(
            t.changes.c.kind == "member", t.changes.c.key == uuid).order_by(t.changes.c.seq)).all()
    return {"member": dict(member), "cards": [dict(c) for c in cards],
            "ledger": [{k: v for k, v in e.items() if k != "payload_hash"} for e in entries],
            "members_merged_into_this_one": [dict(m) for m in merged_in], "flags": [dict(f) for f in flags],
            "snapshots_in_feed": [{"seq": row.seq, "data": json.loads(row.data)} for row in feed]}
