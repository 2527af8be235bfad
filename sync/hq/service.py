"""HQ's use cases behind the HTTP endpoints: enrol, authenticate, pull, status (push: sync.hq.push).

Each runs in one transaction, the device's token checked inside it. Every write transaction first takes the
feed lock (sync.hq.db.lock_feed), so feed sequence numbers are handed out in commit order.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, or_, select, text

from pos_member.domain.cardno import card_seq_of, member_seq_of, number_ranges
from pos_member.domain.documents import receipt_number
from pos_member.domain.reasons import Reason, english
from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.feed_epoch import FEED_EPOCHS_KEY


class HQRefused(Exception):
    """A request HQ understood and declines; `status` is the HTTP status to answer with. A typed refusal
    gives its reason and figures (the message is then made from them), and the client says it in its
    language."""

    def __init__(self, status: int, message: str | None = None, reason: Reason | None = None,
                 **params: int | str) -> None:
        message = message if message is not None else english(reason, params) if reason else ""
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.params = params

    def body(self) -> dict[str, object]:
        typed = {"reason": self.reason.value, "params": self.params} if self.reason else {}
        return {"detail": self.message} | typed


@dataclass(frozen=True)
class Device:
    device_id: str
    store_code: str


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- enrolment and auth -------------------------------------------------------------------------------

def enrol(engine: Engine, request: p.EnrolRequest, token: str) -> p.EnrolResponse:
    """Trade a one-time code for `token` (made by the caller); HQ keeps only hashes of both."""
    now = utc_now()
    with db.write(engine) as conn:
        db.lock_feed(conn)
        code = conn.execute(select(t.enrol_codes).where(
            t.enrol_codes.c.code_hash == sha256(request.code.strip().upper()))).first()
        if code is None or code.used_at is not None or code.expires_at < now:
            raise HQRefused(403, "this enrolment code is unknown, used or expired; ask HQ for a new one")
        store = conn.execute(select(t.stores).where(t.stores.c.code == code.store_code)).one()
        if request.store_code != store.code:
            raise HQRefused(409, f"this code is for store {store.code}, but this till is set up as store "
                                 f"{request.store_code}")
        chain_key = db.get_setting(conn, "chain_key")
        assert chain_key is not None
        # A store that printed cards with its own key before joining keeps that key for them (see the
        # store's save_enrolment); HQ only ever hands out the chain key.
        existing = conn.execute(select(t.devices).where(t.devices.c.device_id == request.device_id)).first()
        if existing is not None and existing.store_code != store.code:
            raise HQRefused(409, "this device is enrolled for another store")
        # A code never takes over a live till: not its device id (which other tills see in the feed), not its
        # till number (the numbers it mints). HQ revokes the old till first (`pos-hq device revoke`).
        if existing is not None and existing.revoked_at is None:
            raise HQRefused(409, reason=Reason.DEVICE_LIVE, device=request.device_id)
        twin = conn.execute(select(t.devices.c.device_id).where(
            t.devices.c.store_code == store.code, t.devices.c.device_no == request.device_no,
            t.devices.c.device_id != request.device_id, t.devices.c.revoked_at.is_(None))).first()
        if twin is not None:
            raise HQRefused(409, reason=Reason.TILL_NUMBER_LIVE, device_no=request.device_no, store=store.code,
                            device=twin.device_id)
        if existing is None:
            conn.execute(t.devices.insert().values(
                device_id=request.device_id, store_code=store.code, device_no=request.device_no,
                token_hash=sha256(token), enrolled_at=now))
        else:  # re-enrolment (e.g. after a revocation): a new token, the same device and its history
            conn.execute(t.devices.update().where(t.devices.c.device_id == request.device_id).values(
                token_hash=sha256(token), revoked_at=None, device_no=request.device_no, enrolled_at=now))
        conn.execute(t.enrol_codes.update().where(t.enrol_codes.c.code_hash == code.code_hash).values(
            used_at=now, used_by=request.device_id))
        member_seq, card_seq = highest_sequences(conn, store.code, request.device_no)
        receipt_seq = highest_receipt(conn, store.code, request.device_no)
        lower = conn.execute(select(t.devices.c.device_id).where(
            t.devices.c.store_code == store.code, t.devices.c.device_no < request.device_no,
            t.devices.c.revoked_at.is_(None))).first()
    # the store's birthday coupons and referral catch-up need its coupons, which live in one till's file
    # (coupons do not travel yet): the lowest live till number at enrolment runs them, no other till
    return p.EnrolResponse(token=token, store_code=store.code, store_name=store.name,
                           device_id=request.device_id, chain_key=chain_key, member_seq=member_seq, card_seq=card_seq,
                           receipt_seq=receipt_seq, store_jobs=lower is None)


def highest_receipt(conn: Connection, store_code: str, device_no: int) -> int:
    """The highest receipt sequence HQ holds for till `device_no` of `store_code` (receipt numbers are
    store-till-sequence, pos_member.domain.documents): a replacement till continues after it. Numbers are
    not fixed-width, so the longest sort first."""
    prefix = receipt_number(store_code, device_no, 0)[:-1]
    rows = conn.execute(select(t.sales.c.receipt_no).where(
        t.sales.c.store_code == store_code, t.sales.c.receipt_no.like(prefix + "%")).order_by(
        func.length(t.sales.c.receipt_no).desc(), t.sales.c.receipt_no.desc()).limit(20)).scalars()
    return max((int(no[len(prefix):]) for no in rows if no[len(prefix):].isdigit()), default=0)


def highest_sequences(conn: Connection, store_code: str, device_no: int) -> tuple[int, int]:
    """The highest member and card sequence HQ holds for till `device_no` of `store_code` (0 for none): the
    till that takes this number (a replacement) continues after them, so it never mints a number the dead
    till gave out. One index range lookup each (fixed-width numbers sort like their sequences)."""
    (low_m, high_m), (low_c, high_c) = number_ranges(store_code, device_no)
    member_nos = conn.execute(select(t.members.c.member_no).where(
        t.members.c.member_no.between(low_m, high_m)).order_by(t.members.c.member_no.desc()).limit(20)).scalars()
    card_nos = conn.execute(select(t.cards.c.card_no).where(
        t.cards.c.card_no.between(low_c, high_c)).order_by(t.cards.c.card_no.desc()).limit(20)).scalars()
    # the top few, not only the first: a malformed number in the range (not minted by a till) is skipped
    members = [seq for no in member_nos if (seq := member_seq_of(no, store_code, device_no)) is not None]
    cards = [seq for no in card_nos if (seq := card_seq_of(no, store_code, device_no)) is not None]
    return max(members, default=0), max(cards, default=0)


# every request asks it first: written out once rather than built per request
_DEVICE_OF_TOKEN = text("SELECT device_id, store_code, revoked_at FROM devices WHERE token_hash = :hash")


def authenticate(conn: Connection, token: str | None) -> Device:
    """The device a token belongs to, checked inside the caller's transaction (no second connection)."""
    if not token:
        raise HQRefused(401, "missing device token")
    row = conn.execute(_DEVICE_OF_TOKEN, {"hash": sha256(token)}).first()
    if row is None or row.revoked_at is not None:
        raise HQRefused(401, "this device token is unknown or revoked; enrol the till again")
    return Device(row.device_id, row.store_code)


# ---- pull and status ----------------------------------------------------------------------------------

_ENTRY_FEED_COLUMNS = [c for c in t.entries.c if c.name not in ("payload_hash", "received_at", "staff_id")]


def pull(engine: Engine, token: str | None, since: int, limit: int) -> p.PullResponse:
    with db.read(engine) as conn:
        device = authenticate(conn, token)
        head = conn.execute(select(t.feed_counter.c.value).where(t.feed_counter.c.id == 1)).scalar_one()
        if since > head:  # the feed never shrinks, unless HQ was restored from a backup
            raise HQRefused(409, f"since: {since} is ahead of HQ's change feed, which ends at {head} (HQ was "
                                 "restored from a backup?); pull from that point (GET /v1/status gives feed_head)")
        entry_rows = conn.execute(select(*_ENTRY_FEED_COLUMNS).where(
            t.entries.c.seq > since, t.entries.c.seq <= head, t.entries.c.device_id != device.device_id)
            .order_by(t.entries.c.seq).limit(limit)).mappings().all()
        change_rows = conn.execute(select(t.changes).where(
            t.changes.c.seq > since, t.changes.c.seq <= head,
            or_(t.changes.c.origin_device.is_(None), t.changes.c.origin_device != device.device_id))
            .order_by(t.changes.c.seq).limit(limit)).mappings().all()
    entries = (p.Change(seq=r["seq"], kind="entry", data={k: v for k, v in r.items() if k != "seq"})
               for r in entry_rows)
    others = (p.Change(seq=r["seq"], kind=r["kind"], data=json.loads(r["data"])) for r in change_rows)
    merged = list(heapq.merge(entries, others, key=lambda c: c.seq))
    if len(entry_rows) < limit and len(change_rows) < limit and len(merged) <= limit:
        return p.PullResponse(changes=merged, cursor=max(head, since), more=False)
    page = merged[:limit]
    return p.PullResponse(changes=page, cursor=page[-1].seq, more=True)


def status(engine: Engine, token: str | None) -> p.StatusResponse:
    with db.read(engine) as conn:
        device = authenticate(conn, token)
        through = conn.execute(select(t.devices.c.contiguous_through).where(
            t.devices.c.device_id == device.device_id)).scalar_one()
        held = conn.execute(select(func.count()).select_from(t.entries).where(
            t.entries.c.device_id == device.device_id)).scalar_one()
        quarantined = conn.execute(select(func.count()).select_from(t.quarantine).where(
            t.quarantine.c.device_id == device.device_id)).scalar_one()
        head = conn.execute(select(t.feed_counter.c.value)).scalar_one()
        epochs = json.loads(db.get_setting(conn, FEED_EPOCHS_KEY) or "[]")
        audit = conn.execute(select(t.audit_heads.c.seq, t.audit_heads.c.hash).where(
            t.audit_heads.c.device_id == device.device_id)).first()
        local_rules = conn.execute(select(t.stores.c.local_rules).where(
            t.stores.c.code == device.store_code)).scalar()
    return p.StatusResponse(store_code=device.store_code, device_id=device.device_id, contiguous_through=through,
                            entries_held=held, quarantined=quarantined, feed_head=head, server_time=utc_now(),
                            feed_epochs=[p.FeedEpoch(**epoch) for epoch in epochs],
                            audit_head=None if audit is None else p.HeldAuditHead(seq=audit.seq, hash=audit.hash),
                            local_rules=bool(local_rules))


def new_enrol_code_expiry(days: int = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
