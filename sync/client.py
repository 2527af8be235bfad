"""The store's side of sync: enrol, push the outbox, pull the change feed. Qt-free and database-free: it
reaches the store file only through the `SyncStore` protocol (pos_member.storage.sync_store implements it).

One cycle (`SyncClient.sync_once`): GET /v1/status (lower the cursors if HQ restored a backup), push
member/card records until none are left, then ledger entries in batches of 500 and the documents (sales,
refunds, coupons, ...) in batches of 500 side by side until both queues are empty, then pull pages until HQ
says there is no more. Every local step is its own short transaction and none spans an
HTTP call, so the till keeps selling during a sync. If the client dies anywhere, the next cycle re-sends
what was not acknowledged and HQ answers `duplicate`: at-least-once delivery + idempotent HQ = exactly once.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

import requests

from pos_member.domain.reasons import Reason, english
from sync import protocol as p

log = logging.getLogger(__name__)


# "sale": the qualifying-spend records of a till before issue 11 still queued; then the documents
_DOCUMENT_ORDER = (("sale",), ("campaign",), ("coupon",), ("sale_doc",), ("refund",), ("topup", "card_fee"))


class SyncStore(Protocol):
    def connection_info(self) -> tuple[str, str] | None: ...
    def enrol_facts(self) -> dict[str, Any]: ...
    def save_enrolment(self, hq_url: str, reply: dict[str, Any]) -> None: ...
    def align_push_cursor(self, hq_through: int) -> None: ...
    def align_pull_cursor(self, epochs: list[dict[str, Any]]) -> None: ...
    def record_outcome(self, ok: bool, error: str | None, reason: SyncError | None = None) -> None: ...
    def pending_records(self, limit: int, kinds: tuple[str, ...] = ("member", "card"),
                        after: tuple[str, str, int] | None = None
                        ) -> list[tuple[dict[str, Any], tuple[str, str, int]]]: ...
    def ack_records(self, sent: list[tuple[str, str, int]], rejected: list[dict[str, Any]]) -> None: ...
    def pending_entries(self, limit: int, after: int | None = None) -> list[dict[str, Any]]: ...
    def ack_entries(self, contiguous_through: int, rejected: list[dict[str, Any]]) -> None: ...
    def pull_cursor(self) -> int: ...
    def apply_pull(self, changes: list[dict[str, Any]], cursor: int) -> dict[str, int]: ...
    def audit_head(self, held: dict[str, Any] | None) -> dict[str, Any] | None: ...
    def save_hq_audit_head(self, held: dict[str, Any] | None) -> None: ...
    def save_local_rules(self, granted: bool) -> None: ...
    def rules_to_confirm(self) -> dict[str, Any] | None: ...
    def rules_confirmed(self, report: dict[str, Any]) -> None: ...


class SyncError(Exception):
    """Transient: network down, HQ 5xx, timeout. Retry with backoff. Typed like a PosError: a reason and its
    figures, the English sentence made from them (pos_member/domain/reasons.py)."""

    def __init__(self, reason: Reason, **params: int | str) -> None:
        self.reason, self.params = reason, params
        self.message = english(reason, params)
        super().__init__(self.message)


class AuthError(SyncError):
    """The token is unknown or revoked (401), or enrolment was refused: retrying will not help."""


class NotEnrolled(SyncError):
    pass


class LocalSyncError(SyncError):
    """The till itself failed during a sync (its store file, a bug): retrying at once will not help."""


@dataclass
class SyncReport:
    records_pushed: int = 0
    entries_pushed: int = 0
    entries_ok: int = 0
    entries_duplicate: int = 0
    entries_rejected: int = 0
    changes_pulled: int = 0
    pages_pulled: int = 0
    applied: dict[str, int] = field(default_factory=dict)


@dataclass
class Backoff:
    """Capped exponential backoff with full jitter: wait uniform(0, min(cap, base * 2**attempt))."""

    base: float = 1.0
    cap: float = 300.0
    attempt: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        delay = self.rng.uniform(0, min(self.cap, self.base * 2 ** min(self.attempt, 30)))
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


class SyncClient:
    def __init__(self, store: SyncStore, timeout: float = 30.0, session: requests.Session | None = None,
                 verify: bool | str = True) -> None:
        """`verify`: HQ's HTTPS certificate is checked against the system's CAs (True) or a CA file (a path)."""
        self.store = store
        self.timeout = timeout
        self.session = session or requests.Session()
        self.verify = verify  # passed with each request: REQUESTS_CA_BUNDLE would override a session's own

    # ---- HTTP -----------------------------------------------------------------------------------------
    def _call(self, method: str, url: str, token: str | None = None, headers: dict[str, str] | None = None,
              **kwargs: Any) -> dict[str, Any]:
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                            verify=self.verify, **kwargs)
        except OSError as exc:  # refused, reset, timeout, truncated body, an untrusted certificate, no CA file
            raise SyncError(Reason.HQ_UNREACHABLE, error=type(exc).__name__) from exc
        if response.status_code == 401:
            raise AuthError(Reason.HQ_TOKEN_REFUSED)
        if response.status_code in (403, 409):
            typed = _typed_refusal(response)
            if typed is not None:
                raise AuthError(typed[0], **typed[1])
            raise AuthError(Reason.HQ_REFUSED, status=response.status_code, detail=_detail(response))
        if response.status_code >= 500 or response.status_code == 429:
            raise SyncError(Reason.HQ_SERVER_ERROR, status=response.status_code, detail=_detail(response))
        if response.status_code != 200:
            # a 4xx other than the above means we sent something HQ cannot read: a bug, not a fault to retry
            raise AuthError(Reason.HQ_BAD_REQUEST, status=response.status_code, detail=_detail(response))
        try:
            return response.json()
        except ValueError as exc:
            raise SyncError(Reason.HQ_NOT_JSON) from exc

    # ---- enrolment ------------------------------------------------------------------------------------
    def enrol(self, hq_url: str, code: str) -> dict[str, Any]:
        hq_url = hq_url.rstrip("/")
        body = {"code": code} | self.store.enrol_facts()
        reply = self._call("POST", f"{hq_url}/v1/enrol", json=body)
        self.store.save_enrolment(hq_url, reply)
        return {k: v for k, v in reply.items() if k not in ("token", "chain_key")}

    # ---- a sale of the chain ---------------------------------------------------------------------------
    def fetch_sale(self, key: str) -> dict[str, Any] | None:
        """HQ's copy of a sale (sync.protocol.SaleLookup) by sale_id or receipt number; None if HQ holds no
        such sale. Raises SyncError when HQ does not answer, NotEnrolled before enrolment."""
        info = self.store.connection_info()
        if info is None:
            raise NotEnrolled(Reason.NOT_ENROLLED)
        url, token = info
        try:
            return self._call("GET", f"{url}/v1/sales/{quote(key.strip(), safe='')}", token)
        except AuthError as exc:
            if exc.reason == Reason.HQ_BAD_REQUEST and exc.params.get("status") == 404:
                return None
            raise

    # ---- one cycle ------------------------------------------------------------------------------------
    def sync_once(self, pull: bool = True) -> SyncReport:
        info = self.store.connection_info()
        if info is None:
            raise NotEnrolled(Reason.NOT_ENROLLED)
        url, token = info
        report = SyncReport()
        try:
            status = self._call("GET", f"{url}/v1/status", token)
            self.store.align_push_cursor(int(status["contiguous_through"]))
            self.store.align_pull_cursor(status.get("feed_epochs", []))
            if status.get("local_rules") is not None:  # an HQ from before issue 11 does not say
                self.store.save_local_rules(bool(status["local_rules"]))
            self._push_records(url, token, report)  # members and cards before the entries and documents
            self._push_entries_and_documents(url, token, report)
            if pull:
                self._pull(url, token, report)
            if "audit_head" in status:  # an HQ from before issue 10 neither sends nor accepts it
                self._push_audit_head(url, token, status["audit_head"])
            if "local_rules" in status:  # nor one before issue 11 the rules in force
                self._confirm_rules(url, token)
        except SyncError as exc:
            self.store.record_outcome(False, str(exc), exc)
            raise
        except Exception as exc:
            # a fault on the till's side (its database, a bug): it shows in `sync status` like any other
            log.exception("sync failed on the till")
            failure = LocalSyncError(Reason.SYNC_LOCAL_ERROR, error=type(exc).__name__)
            try:
                self.store.record_outcome(False, str(failure), failure)
            except Exception:
                log.exception("could not record the failed sync")
            raise failure from exc
        self.store.record_outcome(True, None)
        return report

    def _push_records(self, url: str, token: str, report: SyncReport,
                      kinds: tuple[str, ...] = ("member", "card")) -> None:
        """Batches of queued records of `kinds`, one request in flight; like _push_entries, the till reads and
        encodes the next batch while HQ stores this one, and acknowledges a batch while HQ stores the next."""
        pending = self.store.pending_records(p.MAX_PUSH_RECORDS, kinds)
        if not pending:
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hq-push") as pool:
            call = self._send(pool, url, token, _records_body(pending))
            following = self.store.pending_records(p.MAX_PUSH_RECORDS, kinds, after=pending[-1][1])
            while True:
                reply = call.result()
                call = self._send(pool, url, token, _records_body(following)) if following else None
                rejected = [s for s in reply["records"] if s["status"] == "rejected"]
                for item in rejected:
                    log.warning("HQ rejected %s %s: %s", item["kind"], item["key"], item["reason"])
                self.store.ack_records([key for _, key in pending], rejected)
                report.records_pushed += sum(1 for record, _ in pending if record)
                if call is None:
                    return
                pending = following
                following = self.store.pending_records(p.MAX_PUSH_RECORDS, kinds, after=pending[-1][1])

    def _push_entries_and_documents(self, url: str, token: str, report: SyncReport) -> None:
        """The entries and the documents (issue 11) at once, each stream in its own order: HQ checks no
        document against an entry nor an entry against a document (both only against members and cards,
        pushed before), so neither stream need wait for the other. HQ's work on one then overlaps its
        database's on the other, and the till reads and encodes both while HQ stores them. A failure of
        either ends the cycle once the other has finished."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hq-documents") as pool:
            documents = pool.submit(self._push_documents, url, token, report)
            self._push_entries(url, token, report)  # leaving the block waits for the documents, even on error
        documents.result()

    def _push_documents(self, url: str, token: str, report: SyncReport) -> None:
        for kinds in _DOCUMENT_ORDER:  # each kind before the kinds naming it (a refund names its sale)
            self._push_records(url, token, report, kinds)

    def _push_entries(self, url: str, token: str, report: SyncReport) -> None:
        """Batches in local_seq order, one request in flight. While HQ stores a batch the till reads and
        encodes the next one and records the previous reply, so the till's work overlaps HQ's. The push
        cursor moves only to what HQ's reply says it holds (`contiguous_through`)."""
        entries = self.store.pending_entries(p.MAX_PUSH_ENTRIES)
        if not entries:
            return
        last_through: int | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hq-push") as pool:
            call = self._send(pool, url, token, _push_body(entries))
            following, body = self._next_batch(entries[-1]["local_seq"])
            while True:
                reply = call.result()
                through = int(reply["contiguous_through"])
                rejected = [s for s in reply["entries"] if s["status"] == "rejected"]
                behind = through < entries[-1]["local_seq"]
                if behind:
                    # HQ holds less than was sent (a restored backup, a gap): start again from what it holds
                    self.store.ack_entries(through, rejected)
                    following, body = self._next_batch(None)
                call = self._send(pool, url, token, body) if following else None
                if not behind:
                    self.store.ack_entries(through, rejected)  # while HQ stores the next batch
                for status in reply["entries"]:
                    name = f"entries_{status['status']}"
                    setattr(report, name, getattr(report, name) + 1)
                report.entries_pushed += len(entries)
                if last_through is not None and through <= last_through:
                    if call is not None:
                        call.result()  # let the request in flight finish before giving up this cycle
                    raise SyncError(Reason.HQ_STUCK, through=through)
                last_through = through
                if call is None:
                    return
                entries = following
                following, body = self._next_batch(entries[-1]["local_seq"])

    def _next_batch(self, after: int | None) -> tuple[list[dict[str, Any]], bytes]:
        """The entries above `after` (None: above the push cursor), and the request body that carries them."""
        entries = self.store.pending_entries(p.MAX_PUSH_ENTRIES, after=after)
        return entries, _push_body(entries)

    def _send(self, pool: ThreadPoolExecutor, url: str, token: str, body: bytes) -> Any:
        return pool.submit(self._call, "POST", f"{url}/v1/push", token, data=body,
                           headers={"Content-Type": "application/json"})

    def _push_audit_head(self, url: str, token: str, held: dict[str, Any] | None) -> None:
        """Last in the cycle (the pull writes an audit row): the till's audit head, anchored on the head HQ
        holds (from /v1/status), in a push of its own when it moved. HQ's answer is kept at the till, so
        `verify` can compare the log with it while HQ is unreachable."""
        head = self.store.audit_head(held)
        if head is None:
            self.store.save_hq_audit_head(held)
            return
        reply = self._call("POST", f"{url}/v1/push", token, json={"protocol": 1, "audit_head": head})
        held_now = reply.get("audit_head")
        if held_now is not None and not held_now.get("accepted", True):
            log.warning("HQ did not accept this till's audit head: the audit log no longer continues from "
                        "row %s that HQ holds", held_now.get("seq"))
        self.store.save_hq_audit_head(held_now)

    def _confirm_rules(self, url: str, token: str) -> None:
        """After the pull (which may bring HQ's new rules): the rules version in force, when it changed since
        HQ last heard it, so HQ can show which version each till runs."""
        rules = self.store.rules_to_confirm()
        if rules is not None:
            self._call("POST", f"{url}/v1/push", token, json={"protocol": 1, "rules": rules})
            self.store.rules_confirmed(rules)

    def _pull(self, url: str, token: str, report: SyncReport) -> None:
        while True:
            cursor = self.store.pull_cursor()
            page = self._call("GET", f"{url}/v1/pull", token, params={"since": cursor})
            counts = self.store.apply_pull(page["changes"], int(page["cursor"]))
            report.pages_pulled += 1
            report.changes_pulled += len(page["changes"])
            for key, value in counts.items():
                report.applied[key] = report.applied.get(key, 0) + value
            if not page["more"]:
                return


def sync_with_retries(client: SyncClient, attempts: int = 4, backoff: Backoff | None = None,
                      sleep: Callable[[float], None] = time.sleep, pull: bool = True) -> SyncReport:
    """`sync --once`: a few tries with backoff for transient faults; auth problems fail at once."""
    backoff = backoff or Backoff(base=0.5, cap=8.0)
    for attempt in range(attempts):
        try:
            return client.sync_once(pull=pull)
        except (AuthError, LocalSyncError):
            raise
        except SyncError as exc:
            if attempt == attempts - 1:
                raise
            delay = backoff.next_delay()
            log.info("sync failed (%s); retrying in %.1f s", exc, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def _push_body(entries: list[dict[str, Any]], key: str = "entries") -> bytes:
    """The request body, encoded ahead of time: off the path between HQ's reply and the next request."""
    return json.dumps({"protocol": p.PROTOCOL_VERSION, key: entries}, separators=(",", ":")).encode()


def _records_body(pending: list[tuple[dict[str, Any], tuple[str, str, int]]]) -> bytes:
    """A push of queued records (a record gone from the till since it was queued is sent as nothing)."""
    return _push_body([record for record, _ in pending if record], "records")


def _typed_refusal(response: requests.Response) -> tuple[Reason, dict[str, int | str]] | None:
    """HQ's typed refusal (p.ErrorBody's reason and params) when this till knows the reason, else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("reason") not in Reason._value2member_map_:
        return None
    params = body.get("params") if isinstance(body.get("params"), dict) else {}
    return Reason(body["reason"]), {str(k): v for k, v in params.items() if isinstance(v, int | str)}


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)[:200]
