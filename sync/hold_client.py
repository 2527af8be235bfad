"""The till's side of spending holds (sync.protocol "spending holds"): one short HTTP call, and no answer in
time is an answer too (None: the till applies its offline limit). Qt-free and database-free like
sync.client; the caller reads the store file before and writes it after, never across the call."""

from __future__ import annotations

import logging
import threading
from typing import Any

import requests

log = logging.getLogger(__name__)
_local = threading.local()  # one keep-alive session per thread: the DB worker asks on every spending sale


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def ask_hold(url: str, token: str, body: dict[str, Any], timeout_s: float, verify: bool | str = True
             ) -> dict[str, Any] | None:
    """HQ's HoldResponse as a dict, or None when HQ did not answer within `timeout_s` (connect, then read),
    refused the connection, answered an error status or something that is not a HoldResponse."""
    try:
        response = _session().post(f"{url.rstrip('/')}/v1/holds", json=body, timeout=timeout_s, verify=verify,
                                   headers={"Authorization": f"Bearer {token}"})
    except OSError as exc:  # refused, reset, timed out, certificate: all "HQ does not answer"
        log.info("no answer from HQ for a hold (%s): offline limit", type(exc).__name__)
        return None
    if response.status_code != 200:
        log.warning("HQ answered %s to a hold: offline limit", response.status_code)
        return None
    try:
        reply = response.json()
    except ValueError:
        return None
    return reply if isinstance(reply, dict) and isinstance(reply.get("granted"), bool) else None


def release_hold(url: str, token: str, sale_id: str, timeout_s: float, verify: bool | str = True) -> bool:
    """Give a cancelled sale's hold back at once; False when HQ did not answer (the hold then lapses)."""
    try:
        response = _session().delete(f"{url.rstrip('/')}/v1/holds/{sale_id}", timeout=timeout_s, verify=verify,
                                     headers={"Authorization": f"Bearer {token}"})
    except OSError:
        return False
    return response.status_code == 200
