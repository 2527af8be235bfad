"""HQ's flags: things an operator must look at, and can work (`pos-hq flags list|show|resolve|dismiss`).

One open flag per (kind, subject) (a partial unique index, HQ migration 0010): raising it again while it is
open updates its latest figures and appends them to its history (flag_events); once it is resolved or
dismissed, the next occurrence opens a new flag, so a later overdraft is never hidden behind an old one.
Closing records the operator and a note; a closed flag cannot be closed again.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlalchemy import Connection, Engine, select

from pos_member.domain.money import format_yuan
from sync.hq import db
from sync.hq import tables as t
from sync.hq.service import utc_now

OVERDRAFT = "overdraft"  # subject: member uuid
DUPLICATE_PHONE = "duplicate_phone"  # subject: the uuids sharing a phone, sorted, comma-separated
COUPON_DOUBLE_USE = "coupon_double_use"  # subject: coupon code
DOUBLE_REFUND = "double_refund"  # subject: sale_id
REJECTED_RECORD = "rejected_record"  # subject: device_id
AUDIT_MISMATCH = "audit_mismatch"  # subject: device_id
KINDS = (OVERDRAFT, DUPLICATE_PHONE, COUPON_DOUBLE_USE, DOUBLE_REFUND, REJECTED_RECORD, AUDIT_MISMATCH)
CLOSED = ("resolved", "dismissed")


class FlagRefused(Exception):
    """An operator's request on a flag that cannot be done; the message is the sentence to show."""


def raise_flag(conn: Connection, *, kind: str, subject: str, figures: dict[str, int | str],
               store_code: str | None = None, now: str) -> int:
    """Open a flag, or, if one is open for (kind, subject), give it these latest figures and append them to
    its history. Returns the flag's id. Runs in the caller's transaction."""
    detail = json.dumps(figures, ensure_ascii=False, sort_keys=True)
    open_flag = conn.execute(select(t.flags.c.id, t.flags.c.detail, t.flags.c.store_code).where(
        t.flags.c.kind == kind, t.flags.c.subject == subject, t.flags.c.resolved_at.is_(None))).first()
    if open_flag is None:
        flag_id = conn.execute(t.flags.insert().values(
            kind=kind, subject=subject, detail=detail, created_at=now, updated_at=now, status="open",
            store_code=store_code, times_raised=1).returning(t.flags.c.id)).scalar_one()
        event = "raised"
    else:
        flag_id = open_flag.id
        if open_flag.detail == detail:
            return flag_id  # the same figures again (a push repeated): nothing new to record
        conn.execute(t.flags.update().where(t.flags.c.id == flag_id).values(
            detail=detail, updated_at=now, times_raised=t.flags.c.times_raised + 1,
            store_code=store_code or open_flag.store_code))
        event = "updated"
    conn.execute(t.flag_events.insert().values(flag_id=flag_id, at=now, event=event, figures=detail))
    return flag_id


def close_flag(conn: Connection, flag_id: int, *, status: str, operator: str, note: str, now: str) -> None:
    """Resolve or dismiss an open flag in the caller's transaction (also used by HQ's own merges)."""
    conn.execute(t.flags.update().where(t.flags.c.id == flag_id).values(
        status=status, resolved_at=now, closed_by=operator, note=note, updated_at=now))
    detail = conn.execute(select(t.flags.c.detail).where(t.flags.c.id == flag_id)).scalar_one()
    conn.execute(t.flag_events.insert().values(flag_id=flag_id, at=now, event=status, figures=detail,
                                               operator=operator, note=note))


# ---- the operator's commands ------------------------------------------------------------------------------

def list_flags(engine: Engine, kind: str | None = None, include_closed: bool = False) -> list[dict[str, Any]]:
    if kind is not None and kind not in KINDS:
        raise FlagRefused(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    query = select(t.flags).order_by(t.flags.c.id)
    if not include_closed:
        query = query.where(t.flags.c.resolved_at.is_(None))
    if kind:
        query = query.where(t.flags.c.kind == kind)
    with db.read(engine) as conn:
        return [_flag_dict(row) for row in conn.execute(query).mappings()]


def show_flag(engine: Engine, flag_id: int) -> dict[str, Any]:
    with db.read(engine) as conn:
        row = conn.execute(select(t.flags).where(t.flags.c.id == flag_id)).mappings().first()
        if row is None:
            raise FlagRefused(f"flag: there is no flag {flag_id} at HQ")
        events = conn.execute(select(t.flag_events).where(t.flag_events.c.flag_id == flag_id)
                              .order_by(t.flag_events.c.id)).mappings().all()
    history = [{"at": e["at"], "event": e["event"], "figures": json.loads(e["figures"])}
               | ({"operator": e["operator"], "note": e["note"]} if e["operator"] else {}) for e in events]
    return _flag_dict(row) | {"history": history}


def work_flag(engine: Engine, flag_id: int, *, status: str, note: str, operator: str | None) -> dict[str, Any]:
    """`pos-hq flags resolve|dismiss ID --note TEXT [--operator NAME]`. HQ has no operator accounts yet: the
    operator is who the command says, else the OS user running it."""
    if status not in CLOSED:
        raise FlagRefused(f"status must be one of {', '.join(CLOSED)}")
    note = note.strip()
    if not note:
        raise FlagRefused("--note must say what was found or done (it is kept with the flag)")
    who = (operator or "").strip() or _os_user()
    if not who:
        raise FlagRefused("--operator must name who closes the flag")
    now = utc_now()
    with db.write(engine) as conn:
        row = conn.execute(select(t.flags).where(t.flags.c.id == flag_id).with_for_update()).first()
        if row is None:
            raise FlagRefused(f"flag: there is no flag {flag_id} at HQ")
        if row.resolved_at is not None:
            by = f" by {row.closed_by}" if row.closed_by else ""
            raise FlagRefused(f"flag {flag_id} was already {row.status}{by} at {row.resolved_at}; a flag is "
                              "closed once (a new occurrence opens a new flag)")
        close_flag(conn, flag_id, status=status, operator=who, note=note, now=now)
    return {"flag_id": flag_id, "status": status, "closed_by": who, "closed_at": now, "note": note}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return ""


def _flag_dict(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "kind": row["kind"], "subject": row["subject"], "store": row["store_code"],
            "status": row["status"], "raised_at": row["created_at"], "updated_at": row["updated_at"],
            "times_raised": row["times_raised"], "figures": json.loads(row["detail"]),
            "closed_at": row["resolved_at"], "closed_by": row["closed_by"], "note": row["note"]}


def figures_text(figures: dict[str, Any]) -> str:
    """Figures for a person: amounts in fen as yuan, the rest as they are."""
    parts = []
    for key, value in figures.items():
        if key.endswith("_fen") and isinstance(value, int):
            parts.append(f"{key.removesuffix('_fen')} {format_yuan(value)}")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts)


def flag_lines(flag: dict[str, Any]) -> list[str]:
    """One flag as text lines (`pos-hq flags list|show` without --json)."""
    closed = f" by {flag['closed_by']} at {flag['closed_at']}: {flag['note']}" if flag["closed_at"] else ""
    lines = [f"#{flag['id']} {flag['kind']} {flag['status']}{closed}",
             f"  subject: {flag['subject']}" + (f" (store {flag['store']})" if flag["store"] else ""),
             f"  raised {flag['raised_at']}, last {flag['updated_at']}, {flag['times_raised']} time(s)",
             f"  figures: {figures_text(flag['figures'])}"]
    for event in flag.get("history", []):
        who = f" by {event['operator']}: {event['note']}" if event.get("operator") else ""
        lines.append(f"  {event['at']} {event['event']}{who}: {figures_text(event['figures'])}")
    return lines
