"""Coupons: issue one to a member, issue a campaign to a segment, list a member's coupons, campaign counts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, text

from pos_member.domain.coupons import coupon_qr_text, new_coupon_code
from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import CouponTemplate, Rules
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.services.lookup import resolve
from pos_member.services.staff import CONSOLE_STAFF_ID, require_manager
from pos_member.storage import tables as t


@dataclass(frozen=True)
class Segment:
    tier: str | None = None
    birthday_month: int | None = None
    dormant_days: int | None = None  # no purchase in this many days

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def template_of(rules: Rules, code: str) -> CouponTemplate:
    if code not in rules.coupon_templates:
        raise InvalidInput(Reason.NO_COUPON_TEMPLATE, "template", code=code,
                           choices=", ".join(rules.coupon_templates))
    return rules.coupon_templates[code]


def issue_coupon_row(conn: Connection, store: Store, template: CouponTemplate, member_id: int, day: date,
                     campaign_id: int | None = None, issue_key: str | None = None) -> str | None:
    """Insert one coupon; None if `issue_key` was issued before (jobs and campaigns stay idempotent)."""
    if issue_key and conn.execute(select(t.coupons.c.code).where(t.coupons.c.issue_key == issue_key)).first():
        return None
    code = new_coupon_code()
    conn.execute(t.coupons.insert(), {
        "code": code, "template": template.code, "kind": template.kind, "name": template.name,
        "member_id": member_id, "campaign_id": campaign_id, "issue_key": issue_key,
        "amount_off_fen": template.amount_off_fen, "min_spend_fen": template.min_spend_fen,
        "percent_off": template.percent_off, "max_off_fen": template.max_off_fen,
        "valid_from": day.isoformat(), "valid_to": (day + timedelta(days=template.valid_days - 1)).isoformat(),
        "status": "issued", "issued_at": store.now(),
    })
    return code


def issue_coupon(store: Store, member_code: str, template_code: str, staff_id: int = CONSOLE_STAFF_ID) -> dict[str, Any]:
    with store.db.write() as conn:
        member, _ = resolve(conn, store, member_code, for_use=False)
        _, rules = store.rules(conn)
        template = template_of(rules, template_code)
        code = issue_coupon_row(conn, store, template, member.id, store.clock().date())
        append_audit(conn, store.now(), staff_id, "coupon.issue", code,
                     {"member_no": member.member_no, "template": template.code})
        assert code is not None
        row = conn.execute(select(t.coupons).where(t.coupons.c.code == code)).one()
    return _coupon_dict(store, row)


def _coupon_dict(store: Store, row: Any) -> dict[str, Any]:
    return {"code": row.code, "qr": coupon_qr_text(store.identity.chain_key, row.code), "name": row.name,
            "template": row.template,
            "kind": row.kind, "valid_from": row.valid_from, "valid_to": row.valid_to, "status": row.status}


def member_coupons(store: Store, member_code: str, usable_only: bool = False) -> list[dict[str, Any]]:
    with store.db.read() as conn:
        member, _ = resolve(conn, store, member_code, for_use=False)
        query = select(t.coupons).where(t.coupons.c.member_id == member.id).order_by(t.coupons.c.valid_to)
        if usable_only:
            query = query.where(t.coupons.c.status == "issued",
                                t.coupons.c.valid_to >= store.clock().date().isoformat())
        return [_coupon_dict(store, row) for row in conn.execute(query)]


def segment_members(conn: Connection, segment: Segment, today: date) -> list[int]:
    clauses, params = ["status = 'active'"], {}
    if segment.tier:
        clauses.append("tier_code = :tier")
        params["tier"] = segment.tier
    if segment.birthday_month:
        clauses.append("CAST(substr(birthday, 6, 2) AS INTEGER) = :month")
        params["month"] = segment.birthday_month
    if segment.dormant_days:
        since = (today - timedelta(days=segment.dormant_days)).isoformat()
        clauses.append("created_at < :since AND id NOT IN (SELECT member_id FROM sales WHERE business_time >= :since)")
        params["since"] = since
    return [row[0] for row in conn.execute(text(f"SELECT id FROM members WHERE {' AND '.join(clauses)}"), params)]


def run_campaign(store: Store, template_code: str, segment: Segment, manager_pin: str | None,
                 staff_id: int = CONSOLE_STAFF_ID) -> dict[str, Any]:
    if segment.birthday_month is not None and not 1 <= segment.birthday_month <= 12:
        raise InvalidInput(Reason.OUT_OF_RANGE, "birthday_month", low=1, high=12)
    if segment.dormant_days is not None and segment.dormant_days < 1:
        raise InvalidInput(Reason.AT_LEAST, "dormant_days", low=1)
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "a coupon campaign")
        _, rules = store.rules(conn)
        template = template_of(rules, template_code)
        if segment.tier and segment.tier not in {tier.code for tier in rules.tiers}:
            raise InvalidInput(Reason.NO_SUCH_TIER, "tier", tier=segment.tier)
        today = store.clock().date()
        members = segment_members(conn, segment, today)
        if not members:
            raise RuleRefused(Reason.EMPTY_SEGMENT, "segment")
        campaign_id = conn.execute(t.campaigns.insert(), {
            "template": template.code, "segment": json.dumps(segment.describe()), "issued_count": len(members),
            "staff_id": staff_id, "created_at": store.now()}).inserted_primary_key[0]
        for member_id in members:
            issue_coupon_row(conn, store, template, member_id, today, campaign_id, f"campaign:{campaign_id}:{member_id}")
        append_audit(conn, store.now(), staff_id, "coupon.campaign", str(campaign_id),
                     {"template": template.code, "segment": segment.describe(), "issued": len(members)},
                     approved_by=manager.id)
    return {"campaign_id": campaign_id, "template": template.code, "segment": segment.describe(),
            "issued": len(members)}


def campaign_stats(store: Store) -> list[dict[str, Any]]:
    with store.db.read() as conn:
        used = (select(t.coupons.c.campaign_id, func.count().label("used")).where(t.coupons.c.status == "used")
                .group_by(t.coupons.c.campaign_id).subquery())
        rows = conn.execute(select(t.campaigns, func.coalesce(used.c.used, 0).label("used")).outerjoin(
            used, used.c.campaign_id == t.campaigns.c.id).order_by(t.campaigns.c.id)).mappings().all()
        return [{"campaign_id": r["id"], "template": r["template"], "segment": json.loads(r["segment"]),
                 "issued": r["issued_count"], "used": r["used"], "created_at": r["created_at"]} for r in rows]
