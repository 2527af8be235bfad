"""Sale records at HQ (sync.hq.member_sales): a sale belongs to the till that made it and to its member. A
push stores its sale records in one statement; each record still gets its own status, as one by one."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from sync.hq import db
from sync.hq import tables as hqt
from tests.sync.fixtures import HQ, Stores
from tests.sync.test_forged_pushes import Chain, any_hq  # noqa: F401 - the fixture


@pytest.fixture
def chain(any_hq: HQ, stores: Stores) -> Chain:  # noqa: F811 - any_hq is the fixture
    return Chain(any_hq, stores)


def sale(sale_id: str, member: Any, fen: int) -> dict[str, Any]:
    return {"kind": "sale", "sale": {"sale_id": sale_id, "member_uuid": member.uuid,
                                     "business_time": "2026-11-24T10:00:00+08:00", "qualifying_fen": fen}}


def held(chain: Chain) -> dict[str, tuple[str, int]]:
    with db.read(chain.hq.engine) as conn:
        return {r.sale_id: (r.member_uuid, r.qualifying_fen) for r in conn.execute(select(hqt.member_sales))}


def test_sale_records_are_stored_once_per_till_and_member_each_with_its_status(chain: Chain):
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    reply = chain.push(chain.a, records=[
        sale(first, chain.alice, 1000),
        sale(second, chain.alice, 2000),
        sale(second, chain.bob, 9999),  # the same sale again for another member: refused
        sale(second, chain.alice, 1500),  # refunded in part before it was pushed: the later figure
    ])
    assert [(s["key"], s["status"], s["code"]) for s in reply["records"]] == [
        (first, "ok", None), (second, "ok", None), (second, "rejected", "sale_not_yours"), (second, "ok", None)]
    assert held(chain) == {first: (chain.alice.uuid, 1000), second: (chain.alice.uuid, 1500)}

    reply = chain.push(chain.b, records=[sale(first, chain.alice, 1)])  # another store's sale
    assert [(s["status"], s["code"]) for s in reply["records"]] == [("rejected", "sale_not_yours")]
    reply = chain.push(chain.a, records=[sale(first, chain.bob, 1),  # moved to another member
                                         sale(first, chain.alice, 700),  # its refund: kept
                                         sale(third, chain.bob, 300)])
    assert [(s["key"], s["status"]) for s in reply["records"]] == [
        (first, "rejected"), (first, "ok"), (third, "ok")]
    assert held(chain) == {first: (chain.alice.uuid, 700), second: (chain.alice.uuid, 1500),
                           third: (chain.bob.uuid, 300)}
