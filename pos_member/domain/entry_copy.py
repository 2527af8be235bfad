"""One ledger entry as every copy of it holds it: the till that made it, HQ, and every till that pulled it.

`copy_fingerprint` is taken over the fields all copies share, so a till's `verify` can compare its rows with
HQ's without fetching them whole. staff_id is left out: staff ids are local to their store and a pulled copy
does not carry it (the till's own rows have staff_id in their audit digest, services/audit.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

COPY_FIELDS = ("entry_id", "device_id", "local_seq", "store_code", "member_uuid", "account", "kind", "delta",
               "sale_id", "ref_id", "rules_version", "business_time", "note", "expires_on")


def copy_fingerprint(entry: Mapping[str, Any]) -> str:
    values = [entry[name] for name in COPY_FIELDS]
    return hashlib.sha256(json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
