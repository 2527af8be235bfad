"""The store file as sync.client sees it (the `SyncStore` protocol there): the outbox to push, the cursors,
and applying HQ's change feed.

Each method is one short transaction; none stays open across an HTTP call. Applying a pulled page (entries
of other devices, member and card snapshots, rules) and storing its cursor is one BEGIN IMMEDIATE
transaction, and pulled entries move the cached balances in it, so `verify` (balances = sum of the ledger)
holds after every page. While a page is applied the `applying_pull` row suppresses the outbox triggers, so
HQ's changes are not pushed back to it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, text

from pos_member.domain.errors import PosError
from pos_member.domain.rules import parse_rules_toml
from pos_member.storage import chain_rules
from pos_member.storage import tables as t
from pos_member.storage.documents import DOC_KINDS, document_record, sale_documents
from pos_member.storage.engine import Database
from pos_member.storage.numbering import continue_after

AuditHook = Callable[[Connection, str, str | None, dict[str, Any]], None]
_MEMBER_WIRE = ("uuid", "member_no", "home_store", "name", "phone", "birthday", "tier_code", "tier_reached_on",
                "status", "created_at", "updated_at")
_CARD_WIRE = ("card_no", "version", "card_type", "status", "issued_at", "expires_on", "replaced_by", "updated_at")
_ENTRY_WIRE = ("entry_id", "local_seq", "account", "kind", "delta", "staff_id", "sale_id", "ref_id",
               "rules_version", "business_time", "note", "expires_on")

_PENDING_ENTRIES = text(f"""
SELECT {', '.join('l.' + c for c in _ENTRY_WIRE)}, m.uuid AS member_uuid
FROM ledger l JOIN members m ON m.id = l.member_id
WHERE l.device_id = :device AND l.local_seq > :through ORDER BY l.local_seq LIMIT :limit""")

# A sale as the spend it qualifies for tiers with (the rule of services.loyalty.QUALIFYING_SPEND)
_SALE_RECORD = text("""
SELECT s.sale_id AS sale_id, m.uuid AS member_uuid, s.business_time AS business_time,
       MAX(0, s.payable_fen + s.stored_paid_fen + s.stored_bonus_fen - COALESCE((
           SELECT SUM(r.cash_refund_fen + r.clawback_fen + r.stored_paid_restored_fen + r.stored_bonus_restored_fen)
           FROM refunds r WHERE r.sale_id = s.sale_id), 0)) AS qualifying_fen
FROM sales s JOIN members m ON m.id = s.member_id WHERE s.sale_id IN :sales""").bindparams(
    bindparam("sales", expanding=True))  # a batch's sales in one query: one a row cost more than HQ's work

_ACK_RECORD = text("DELETE FROM sync_outbox WHERE kind = :kind AND key = :key AND version = :version")

# After HQ restored a backup: the records this till answers for. Its store's members, the members of the
# entries it pushes again, and the members and cards it acted on itself (its audit log names them).
_OURS = ("m.home_store = :store OR m.id IN (SELECT member_id FROM ledger WHERE device_id = :device "
         "AND local_seq > :through) OR m.member_no IN (SELECT subject FROM audit WHERE action LIKE 'member.%')")
_REQUEUE_MEMBERS = text(f"INSERT INTO sync_outbox (kind, key) SELECT 'member', m.uuid FROM members m "
                        f"WHERE {_OURS} ON CONFLICT (kind, key) DO UPDATE SET version = version + 1")
_REQUEUE_CARDS = text(f"INSERT INTO sync_outbox (kind, key) SELECT 'card', c.card_no FROM cards c "
                      f"JOIN members m ON m.id = c.member_id WHERE {_OURS} "
                      "OR c.card_no IN (SELECT subject FROM audit WHERE action LIKE 'card.%') "
                      "ON CONFLICT (kind, key) DO UPDATE SET version = version + 1")


class SqliteSyncStore:
    def __init__(self, db: Database, device_id: str, device_no: int, store_code: str, now: Callable[[], str],
                 audit: AuditHook | None = None) -> None:
        self.db = db
        self.device_id = device_id
        self.device_no = device_no
        self.store_code = store_code
        self.now = now
        self.audit = audit

    # ---- state ----------------------------------------------------------------------------------------
    @staticmethod
    def _get(conn: Connection, key: str, default: str | None = None) -> str | None:
        value = conn.execute(select(t.sync_state.c.value).where(t.sync_state.c.key == key)).scalar()
        return default if value is None else value

    @classmethod
    def _cursor(cls, conn: Connection, key: str) -> int:
        """push_through or pull_cursor (0 before the first sync)."""
        return int(cls._get(conn, key, "0") or 0)

    @staticmethod
    def _set(conn: Connection, key: str, value: str) -> None:
        conn.execute(text("INSERT INTO sync_state (key, value) VALUES (:k, :v) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value"), {"k": key, "v": value})

    def connection_info(self) -> tuple[str, str] | None:
        with self.db.read() as conn:
            url, token = self._get(conn, "hq_url"), self._get(conn, "token")
        return (url, token) if url and token else None

    def enrol_facts(self) -> dict[str, Any]:
        with self.db.read() as conn:
            key = conn.execute(select(t.settings.c.value).where(t.settings.c.key == "chain_key")).scalar_one()
            cards = conn.execute(select(func.count()).select_from(t.cards)).scalar_one()
        return {"device_id": self.device_id, "device_no": self.device_no, "store_code": self.store_code,
                "cards_issued": cards, "key_fingerprint": hashlib.sha256(key.encode()).hexdigest()}

    def save_enrolment(self, hq_url: str, reply: dict[str, Any]) -> None:
        """Keep the token and adopt the chain key. A store that already printed cards keeps its old key as a
        legacy key: those QR codes still work here (other stores know only the chain key, so such a card is
        used there by its number, or reprinted: a new print is signed with the chain key)."""
        with self.db.write() as conn:
            key = conn.execute(select(t.settings.c.value).where(t.settings.c.key == "chain_key")).scalar_one()
            adopted = key != reply["chain_key"]
            if adopted:
                legacy = conn.execute(select(t.settings.c.value).where(t.settings.c.key == "legacy_keys")).scalar()
                if conn.execute(select(func.count()).select_from(t.cards)).scalar_one():
                    keys = [k for k in (legacy or "").split(",") if k] + [key]
                    if legacy is None:
                        conn.execute(t.settings.insert().values(key="legacy_keys", value=",".join(keys)))
                    else:
                        conn.execute(t.settings.update().where(t.settings.c.key == "legacy_keys").values(
                            value=",".join(keys)))
                conn.execute(t.settings.update().where(t.settings.c.key == "chain_key").values(
                    value=reply["chain_key"]))
            self._set(conn, "hq_url", hq_url)
            self._set(conn, "token", reply["token"])
            # a till replacing a dead one continues after the numbers HQ has seen for this till number
            continue_after(conn, self.store_code, self.device_no, int(reply.get("member_seq") or 0),
                           int(reply.get("card_seq") or 0))
            conn.execute(text("INSERT INTO counters (name, value) VALUES ('receipt_seq', :v) ON CONFLICT (name) "
                              "DO UPDATE SET value = MAX(value, excluded.value)"),
                         {"v": int(reply.get("receipt_seq") or 0)})
            # HQ names the one till of the store that runs its birthday coupons and referral catch-up (an HQ
            # without this answer: till 1); HQ itself runs points expiry and tier evaluation
            store_jobs = reply.get("store_jobs")
            self._set(conn, "store_jobs", "1" if (self.device_no == 1 if store_jobs is None else store_jobs) else "0")
            if self.audit:
                self.audit(conn, "sync.enrol", reply["store_code"], {"hq_url": hq_url, "chain_key_adopted": adopted})

    def align_push_cursor(self, hq_through: int) -> None:
        """After HQ restored a backup it may hold less than we think: push again from what it holds, with
        the member and card records this till answers for (so no entry meets a member HQ forgot)."""
        with self.db.write() as conn:
            through = self._cursor(conn, "push_through")
            if through <= hq_through:
                return
            self._set(conn, "push_through", str(hq_through))
            self._requeue_records(conn, hq_through)
            if self.audit:
                self.audit(conn, "sync.hq_behind", str(hq_through), {"push_through_was": through})

    def align_pull_cursor(self, epochs: list[dict[str, Any]]) -> None:
        """HQ opens a feed epoch each time it starts (sync.protocol.FeedEpoch). One we have not seen, based
        below our cursor, means HQ was restored from a backup: the feed from that base on is not what we
        pulled, so pull again from there (entries are applied once by entry_id), and send again the records
        this till answers for, which HQ may have lost even when no entry of ours was. The first time we meet
        epochs at all, we only note them."""
        with self.db.write() as conn:
            seen_text = self._get(conn, "feed_epochs_seen")
            seen: list[str] = json.loads(seen_text or "[]")
            unseen = [e for e in epochs if e["epoch"] not in seen]  # a few dozen ids at most
            if not unseen:
                return
            cursor = self._cursor(conn, "pull_cursor")
            base = min(int(e["base"]) for e in unseen)
            if seen_text is not None and base < cursor:
                self._set(conn, "pull_cursor", str(base))
                self._requeue_records(conn, self._cursor(conn, "push_through"))
                if self.audit:
                    self.audit(conn, "sync.hq_restored", str(base), {"pull_cursor_was": cursor})
            # everything we have seen, not only HQ's current list: a restored list must not bring back old
            # epochs as unseen (their bases are far behind and would re-pull for nothing)
            self._set(conn, "feed_epochs_seen", json.dumps((seen + [e["epoch"] for e in unseen])[-500:]))

    def _requeue_records(self, conn: Connection, through: int) -> None:
        params = {"store": self.store_code, "device": self.device_id, "through": through}
        conn.execute(_REQUEUE_MEMBERS, params)
        conn.execute(_REQUEUE_CARDS, params)

    def record_outcome(self, ok: bool, error: str | None, reason: Any = None) -> None:
        """`error` is the English sentence; `reason` (a SyncError) its reason and figures, kept so the till can
        say the last error in its own language."""
        typed = json.dumps({"reason": str(reason.reason), "params": reason.params}) if reason is not None else ""
        with self.db.write() as conn:
            now = self.now()
            self._set(conn, "last_attempt", now)
            if ok:
                self._set(conn, "last_success", now)
                self._set(conn, "last_error", "")
                self._set(conn, "last_error_reason", "")
            else:
                self._set(conn, "last_error", error or "")
                self._set(conn, "last_error_reason", typed)

    def status(self) -> dict[str, Any]:
        with self.db.read() as conn:
            through = self._cursor(conn, "push_through")
            high = conn.execute(select(func.max(t.ledger.c.local_seq)).where(
                t.ledger.c.device_id == self.device_id)).scalar() or 0
            return {
                "enrolled": bool(self._get(conn, "token")), "hq_url": self._get(conn, "hq_url"),
                "device_id": self.device_id, "pending_entries": high - through,
                "pending_records": conn.execute(select(func.count()).select_from(t.sync_outbox)).scalar_one(),
                "push_through": through, "pull_cursor": self._cursor(conn, "pull_cursor"),
                "last_attempt": self._get(conn, "last_attempt"), "last_success": self._get(conn, "last_success"),
                "last_error": self._get(conn, "last_error") or None,
                "last_error_reason": _typed_error(self._get(conn, "last_error_reason")),
                "rejected_entries": conn.execute(select(func.count()).select_from(t.sync_rejections)).scalar_one(),
                "rejected_records": len(json.loads(self._get(conn, "record_rejections", "[]") or "[]")),
                "set_aside_pulled": conn.execute(select(func.count()).select_from(t.pull_quarantine)).scalar_one(),
                "hq_audit_head": json.loads(self._get(conn, "hq_audit_head") or "null"),
                "rules": chain_rules.rules_in_force(conn),
            }

    # ---- push -----------------------------------------------------------------------------------------
    def pending_records(self, limit: int, kinds: tuple[str, ...] = ("member", "card"),
                        after: tuple[str, str, int] | None = None
                        ) -> list[tuple[dict[str, Any], tuple[str, str, int]]]:
        """Queued records of `kinds`: members and cards go before the entries that name them, sales after.
        `after`: the last (kind, key, version) of a batch not acknowledged yet, to read the next one ahead."""
        outbox = t.sync_outbox.c
        beyond = [] if after is None else [
            or_(outbox.kind < after[0], and_(outbox.kind == after[0], outbox.key > after[1]))]
        with self.db.read() as conn:
            rows = conn.execute(select(t.sync_outbox).where(outbox.kind.in_(kinds), *beyond).order_by(
                outbox.kind.desc(), outbox.key).limit(limit)).all()  # members before cards
            sale_keys = [row.key for row in rows if row.kind == "sale"]
            sales = {r.sale_id: dict(r._mapping) for r in conn.execute(_SALE_RECORD, {"sales": sale_keys})
                     } if sale_keys else {}
            sale_docs = sale_documents(conn, [row.key for row in rows if row.kind == "sale_doc"])
            out = []
            for row in rows:
                record: dict[str, Any] | None = None
                if row.kind == "member":
                    member = conn.execute(select(t.members).where(t.members.c.uuid == row.key)).first()
                    if member is not None:
                        record = {"kind": "member", "member": {c: getattr(member, c) for c in _MEMBER_WIRE}}
                elif row.kind == "sale":
                    if row.key in sales:
                        record = {"kind": "sale", "sale": sales[row.key]}
                elif row.kind == "sale_doc":
                    doc = sale_docs.get(row.key)
                    record = {"kind": row.kind, row.kind: doc} if doc is not None else None
                elif row.kind in DOC_KINDS:
                    doc = document_record(conn, row.kind, row.key, self.device_id)
                    record = {"kind": row.kind, row.kind: doc} if doc is not None else None
                else:
                    card = conn.execute(select(t.cards, t.members.c.uuid).join(
                        t.members, t.members.c.id == t.cards.c.member_id).where(t.cards.c.card_no == row.key)).first()
                    if card is not None:
                        record = {"kind": "card", "card": {c: getattr(card, c) for c in _CARD_WIRE}
                                  | {"member_uuid": card.uuid}}
                out.append((record or {}, (row.kind, row.key, row.version)))
            return out

    def ack_records(self, sent: list[tuple[str, str, int]], rejected: list[dict[str, Any]]) -> None:
        with self.db.write() as conn:
            if sent:  # a row changed again since it was read stays queued; one executemany, not 500 DELETEs
                conn.execute(_ACK_RECORD, [{"kind": kind, "key": key, "version": version}
                                           for kind, key, version in sent])
            if rejected:
                kept = json.loads(self._get(conn, "record_rejections", "[]") or "[]")
                self._set(conn, "record_rejections", json.dumps((kept + rejected)[-50:], ensure_ascii=False))

    def pending_entries(self, limit: int, after: int | None = None) -> list[dict[str, Any]]:
        """This device's entries above the push cursor (or above `after`, to read ahead of HQ's reply)."""
        with self.db.read() as conn:
            through = after if after is not None else self._cursor(conn, "push_through")
            rows = conn.execute(_PENDING_ENTRIES, {"device": self.device_id, "through": through, "limit": limit})
            names = tuple(rows.keys())  # zip over plain tuples: a Row's mapping view costs ~4 us per row
            return [dict(zip(names, row, strict=True)) for row in rows]

    def ack_entries(self, contiguous_through: int, rejected: list[dict[str, Any]]) -> None:
        with self.db.write() as conn:
            self._set(conn, "push_through", str(contiguous_through))
            now = self.now()
            for item in rejected:
                conn.execute(text("INSERT OR IGNORE INTO sync_rejections (entry_id, local_seq, reason, at) "
                                  "VALUES (:e, :s, :r, :a)"),
                             {"e": item["entry_id"], "s": item["local_seq"], "r": item.get("reason") or "", "a": now})

    # ---- audit head -----------------------------------------------------------------------------------
    def audit_head(self, held: dict[str, Any] | None) -> dict[str, Any] | None:
        """The head to push (sync.protocol.AuditHead), anchored on the head HQ holds: our own hash at that
        row (None when we have no such row). None when there is nothing new to tell HQ."""
        with self.db.read() as conn:
            last = conn.execute(select(t.audit.c.id, t.audit.c.hash).order_by(t.audit.c.id.desc()).limit(1)).first()
            if last is None and held is None:
                return None
            if held is not None and last is not None and (last.id, last.hash) == (held["seq"], held["hash"]):
                return None
            anchor = None
            if held is not None:
                anchor = conn.execute(select(t.audit.c.hash).where(t.audit.c.id == held["seq"])).scalar()
        return {"seq": last.id if last else 0, "hash": last.hash if last else "0" * 64,
                "anchor_seq": held["seq"] if held else None, "anchor_hash": anchor}

    def save_hq_audit_head(self, held: dict[str, Any] | None) -> None:
        if held is None:
            return
        # `accepted` false: HQ kept its head because this file's log does not continue from it (sync status)
        value = json.dumps({"seq": held["seq"], "hash": held["hash"], "accepted": held.get("accepted", True)})
        with self.db.read() as conn:
            if self._get(conn, "hq_audit_head") == value:
                return
        with self.db.write() as conn:
            self._set(conn, "hq_audit_head", value)

    # ---- the chain's rules (pos_member.storage.chain_rules) -----------------------------------------------
    def save_local_rules(self, granted: bool) -> None:
        with self.db.write() as conn:
            if self._get(conn, chain_rules.LOCAL_RULES_KEY) != ("1" if granted else "0"):
                chain_rules.set_state(conn, chain_rules.LOCAL_RULES_KEY, "1" if granted else "0")
                if self.audit:
                    self.audit(conn, "sync.local_rules", "granted" if granted else "withdrawn", {})

    def rules_to_confirm(self) -> dict[str, Any] | None:
        with self.db.read() as conn:
            return chain_rules.to_confirm(conn)

    def rules_confirmed(self, report: dict[str, Any]) -> None:
        with self.db.write() as conn:
            chain_rules.confirmed(conn, report)

    # ---- pull -----------------------------------------------------------------------------------------
    def pull_cursor(self) -> int:
        with self.db.read() as conn:
            return self._cursor(conn, "pull_cursor")

    def apply_pull(self, changes: list[dict[str, Any]], cursor: int) -> dict[str, int]:
        from pos_member.storage.sync_apply import PageApplier

        with self.db.write() as conn:
            self._set(conn, "applying_pull", "1")  # silences the outbox triggers for this transaction only
            counts = PageApplier(conn, self.now(), self._rules_check).apply(changes)
            continue_after(conn, self.store_code, self.device_no)  # numbers of ours the page brought
            self._set(conn, "pull_cursor", str(cursor))
            if self.audit and changes:
                self.audit(conn, "sync.pull", str(cursor), counts)
            conn.execute(t.sync_state.delete().where(t.sync_state.c.key == "applying_pull"))
        return counts

    @staticmethod
    def _rules_check(toml_text: str) -> str | None:
        try:
            parse_rules_toml(toml_text)
        except PosError as exc:
            return str(exc)
        return None


def _typed_error(stored: str | None) -> dict[str, Any] | None:
    """The last error's reason and figures as recorded; None for none, or for a value from an older version."""
    try:
        typed = json.loads(stored or "null")
    except ValueError:
        return None
    return typed if isinstance(typed, dict) else None
