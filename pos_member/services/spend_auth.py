"""Who authorises a sale's spending (ARCHITECTURE "Money across stores"): HQ online, the offline limit when
HQ does not answer within `hq_hold_timeout_ms` (config.toml, default 1500), the store's own ledger when it is
not enrolled. pos_member/domain/redemption.py applies the answer; this module only asks.

At checkout commit a sale that spends points, stored value or a coupon asks HQ for a hold on its sale_id (the
entries it pushes later carry that id and settle it). The quote asks the same question as a dry run (nothing
is held) whenever the member has something to spend, so the maximum it shows is what HQ would allow. HQ's
answer is final: a refusal is raised here with HQ's reason (each says "authorised by HQ"). No answer (down,
slow, an error status, no address) means the offline limit. The call is made between two short transactions
of the caller, never inside one, and on the caller's thread (the till's database worker, never the Qt main
thread), so it delays that sale by at most the timeout.

After HQ did not answer, quotes do not ask again for QUOTE_QUIET_S (typing a bill must not wait 1.5 s per
keystroke while HQ is down); a commit always asks.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Connection, text

from pos_member.domain.coupons import parse_coupon_code
from pos_member.domain.errors import PosError, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.redemption import HqAvailable, OfflinePosition
from pos_member.services.context import Store
from pos_member.services.lookup import resolve
from pos_member.services.sync_service import offline_position

log = logging.getLogger(__name__)
QUOTE_QUIET_S = 20.0
_SYNC_STATE = text("SELECT key, value FROM sync_state WHERE key IN ('hq_url', 'token')")
_unanswered: dict[str, float] = {}  # device_id -> monotonic time HQ last failed to answer a hold
_unanswered_lock = threading.Lock()


@dataclass(frozen=True)
class _Question:
    url: str
    token: str
    body: dict[str, object]


@dataclass(frozen=True)
class HqHold:
    """HQ granted: what it allows, and where to give the hold back if the sale is not committed."""

    available: HqAvailable
    url: str
    token: str
    sale_id: str
    held: bool  # False for a dry run


def _question(conn: Connection, store: Store, code: str, points: int, stored_fen: int, coupon: str | None,
              sale_id: str, dry_run: bool) -> _Question | None:
    """The request to send, read in the caller's short read transaction; None when there is nothing to ask
    (not enrolled, no HQ address, nothing to spend)."""
    state = dict(conn.execute(_SYNC_STATE).all())
    if not state.get("token") or not state.get("hq_url") or not (dry_run or points or stored_fen or coupon):
        return None
    member, _ = resolve(conn, store, code, for_use=True)
    if dry_run and member.points <= 0 and member.stored_paid_fen + member.stored_bonus_fen <= 0 and not coupon:
        return None
    position = offline_position(conn, store, member.id) or OfflinePosition(0, 0, 0, 0)
    coupon_code = None
    if coupon:
        try:
            coupon_code = parse_coupon_code(coupon, store.identity.verify_keys)
        except PosError:
            coupon_code = None  # the quote refuses it with its own sentence
    return _Question(state["hq_url"], state["token"], {
        "sale_id": sale_id, "member_uuid": member.uuid, "points": points, "stored_fen": stored_fen,
        "coupon_code": coupon_code, "unpushed_points": member.points - position.confirmed,
        "unpushed_stored_fen": member.stored_paid_fen + member.stored_bonus_fen - position.stored_confirmed_fen,
        "dry_run": dry_run})


def _settings(store: Store) -> tuple[float, bool | str]:
    from pathlib import Path

    from pos_member.config import Paths, load_settings

    settings = load_settings(Paths(store.db.path.parent))
    verify: bool | str = str(Path(settings.hq_ca_file).expanduser()) if settings.hq_ca_file else True
    return max(0.05, settings.hq_hold_timeout_ms / 1000), verify


def authorise(store: Store, code: str, points: int, stored_fen: int, coupon: str | None, sale_id: str,
              dry_run: bool) -> HqHold | None:
    """Ask HQ; HqHold when it granted, None for the offline limit (or a store on its own), RuleRefused with
    HQ's reason when it refused. Reading the member may raise the lookup's own refusals (a lost card...)."""
    if not (dry_run or points or stored_fen or coupon):
        return None  # a sale that spends nothing holds nothing: no read, most sales at a till
    device = store.identity.device_id
    if dry_run:
        with _unanswered_lock:
            quiet_since = _unanswered.get(device)
        if quiet_since is not None and time.monotonic() - quiet_since < QUOTE_QUIET_S:
            return None
    with store.db.read() as conn:
        question = _question(conn, store, code, points, stored_fen, coupon, sale_id, dry_run)
    if question is None:
        return None
    from sync.hold_client import ask_hold

    timeout_s, verify = _settings(store)
    reply = ask_hold(question.url, question.token, question.body, timeout_s, verify)
    if reply is None:
        with _unanswered_lock:
            _unanswered[device] = time.monotonic()
        return None
    with _unanswered_lock:
        _unanswered.pop(device, None)
    if not reply["granted"]:
        raise _refusal(reply)
    available = HqAvailable(int(reply.get("available_points", 0)), int(reply.get("available_stored_fen", 0)))
    return HqHold(available, question.url, question.token, sale_id, held=not dry_run)


def _refusal(reply: dict[str, object]) -> RuleRefused:
    reason_text = str(reply.get("reason"))
    raw = reply.get("params")
    params = {str(k): v for k, v in raw.items() if isinstance(v, int | str)} if isinstance(raw, dict) else {}
    field = str(reply.get("field") or "hq")
    if reason_text in Reason._value2member_map_:
        return RuleRefused(Reason(reason_text), field, **params)
    return RuleRefused(Reason.HQ_REFUSED, field, detail=reason_text)


def give_back(store: Store, hold: HqHold | None) -> None:
    """The sale was not committed: release its hold now rather than let it lapse (best effort)."""
    if hold is None or not hold.held:
        return
    from sync.hold_client import release_hold

    timeout_s, verify = _settings(store)
    if not release_hold(hold.url, hold.token, hold.sale_id, timeout_s, verify):
        log.info("HQ did not take back the hold of an uncommitted sale; it lapses")
