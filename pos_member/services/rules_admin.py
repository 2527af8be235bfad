"""Checking and applying a rules document. A new version prices sales from now on; recorded sales keep the
version stamped on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules, parse_rules_toml
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.services.setup import store_rules_version
from pos_member.services.staff import require_manager
from pos_member.storage.chain_rules import local_rules_refused


@dataclass(frozen=True)
class RulesSummary:
    version: int | None
    label: str
    tiers: list[str]
    expiry_policy: str
    coupon_templates: list[str]


def _summary(version: int | None, rules: Rules) -> RulesSummary:
    return RulesSummary(version, rules.label, [f"{t.code}>={t.threshold}" for t in rules.tiers], rules.expiry.policy,
                        sorted(rules.coupon_templates))


def read_rules_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(Reason.CANNOT_READ_FILE, "file", path=str(path), detail=str(exc.strerror)) from exc


def check_rules(path: Path) -> RulesSummary:
    return _summary(None, parse_rules_toml(read_rules_file(path)))


def apply_rules(store: Store, path: Path, manager_pin: str | None) -> RulesSummary:
    text = read_rules_file(path)
    rules = parse_rules_toml(text)  # refused before anything is written
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "applying new rules")
        version_now, current = store.rules(conn)
        if local_rules_refused(conn):  # chain rules win: HQ publishes them, unless it granted this store its own
            raise RuleRefused(Reason.RULES_FROM_HQ, "rules", version=version_now,
                              store=store.identity.store_code)
        if current == rules:
            raise RuleRefused(Reason.RULES_IN_FORCE, "rules")
        version = store_rules_version(conn, store, text, manager.id)
        append_audit(conn, store.now(), manager.id, "rules.apply", str(version), {"label": rules.label})
    return _summary(version, rules)


def current_rules(store: Store) -> RulesSummary:
    with store.db.read() as conn:
        version, rules = store.rules(conn)
    return _summary(version, rules)
