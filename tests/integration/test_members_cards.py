import pytest
from sqlalchemy import text

from pos_member.domain.cardno import make_card_no
from pos_member.domain.codes import card_qr_text
from pos_member.domain.errors import CardRefused, InvalidInput, NeedsManager, NotFound, RuleRefused
from pos_member.services import cards, members
from pos_member.services.lookup import find_members, show_member
from pos_member.services.stored_value import top_up
from tests.conftest import MANAGER_PIN


def register(store, phone="13800001234", name="张三", **kw):
    return members.register_member(store, name, phone, **kw)


def test_register_and_find_by_every_kind_of_code(store):
    view = register(store, birthday="1990-05-01")
    qr = cards.card_qr(store, view.card_no).qr
    for code in (view.card_no, qr, "13800001234", "+86 138 0000 1234", view.member_no):
        assert show_member(store, code).member_no == view.member_no
    assert view.phone == "138****1234" and view.tier == "standard"
    assert [v.member_no for v in find_members(store, "张")] == [view.member_no]


def test_duplicate_phone_refused_and_nothing_written(store):
    register(store)
    with pytest.raises(RuleRefused) as caught:
        register(store, name="李四")
    assert caught.value.field == "phone"
    with store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM members")).scalar() == 1
        assert conn.execute(text("SELECT COUNT(*) FROM cards")).scalar() == 1


@pytest.mark.parametrize("kw, field", [
    ({"name": ""}, "name"), ({"phone": "555"}, "phone"), ({"birthday": "1990-13-01"}, "birthday"),
    ({"birthday": "2999-01-01"}, "birthday"), ({"card_type": "platinum"}, "card_type"),
])
def test_bad_registration_names_the_field(store, kw, field):
    with pytest.raises(InvalidInput) as caught:
        members.register_member(store, kw.get("name", "王五"), kw.get("phone", "13900000000"),
                                kw.get("birthday"), card_type=kw.get("card_type", "standard"))
    assert caught.value.field == field


def test_referrer_and_edit(store):
    first = register(store)
    second = register(store, "13900000001", "李四", referrer=first.card_no)
    edited = members.edit_member(store, second.member_no, name="李四四", phone="13900000002")
    assert edited.name == "李四四" and edited.phone == "139****0002"
    with store.db.read() as conn:
        assert conn.execute(text("SELECT referrer_id FROM members WHERE member_no = :m"),
                            {"m": second.member_no}).scalar() == first.id


def test_lost_card_refused_at_once_and_replacement_keeps_balances(store):
    view = register(store)
    top_up(store, view.card_no, 50000)
    old_qr = cards.card_qr(store, view.card_no).qr
    with pytest.raises(NeedsManager):
        cards.report_lost(store, view.card_no, "0000")
    cards.report_lost(store, view.card_no, MANAGER_PIN)
    with pytest.raises(CardRefused) as caught:
        top_up(store, old_qr, 100)
    assert caught.value.reason == "lost"
    new = cards.replace(store, view.card_no, MANAGER_PIN)
    assert new.card_no != view.card_no
    assert show_member(store, new.qr).stored_value_fen == 55000
    with pytest.raises(CardRefused) as caught:
        top_up(store, old_qr, 100)
    assert caught.value.reason == "replaced"
    top_up(store, "13800001234", 100)  # the phone now finds the new card


def test_freeze_unfreeze_reprint_and_distinct_refusals(store):
    view = register(store)
    cards.freeze(store, view.card_no, MANAGER_PIN)
    with pytest.raises(CardRefused) as caught:
        top_up(store, view.card_no, 100)
    assert caught.value.reason == "frozen"
    cards.unfreeze(store, view.card_no, MANAGER_PIN)
    first_print = cards.card_qr(store, view.card_no).qr
    second = cards.reprint(store, view.card_no, MANAGER_PIN)
    assert second.version == 2
    with pytest.raises(CardRefused) as caught:
        show_member(store, first_print)
    assert caught.value.reason == "old_version"
    forged = card_qr_text(b"not the chain key", view.card_no, 2)
    with pytest.raises(CardRefused) as caught:
        show_member(store, forged)
    assert caught.value.reason == "forged"
    top_up(store, second.qr, 100)


def test_annual_card_expires_and_renews(store, clock):
    view = register(store, card_type="annual")
    assert view.card_expires_on == "2027-11-23"
    clock.advance(days=366)
    with pytest.raises(CardRefused) as caught:
        top_up(store, view.card_no, 100)
    assert caught.value.reason == "expired"
    renewed = cards.renew(store, view.card_no)
    assert renewed.expires_on == "2028-11-23"  # renewed on 2027-11-25, after it lapsed and renewed.fee_fen == 9900
    top_up(store, view.card_no, 100)


def test_unknown_codes(store):
    with pytest.raises(NotFound):
        show_member(store, "13911112222")
    with pytest.raises(NotFound):
        show_member(store, make_card_no("001", 99, 1))


def test_anonymise_scrubs_pii_and_keeps_ledger(store):
    view = register(store)
    top_up(store, view.card_no, 10000)
    with pytest.raises(NeedsManager):
        members.anonymise_member(store, view.card_no, None)
    members.anonymise_member(store, view.card_no, MANAGER_PIN)
    with store.db.read() as conn:
        row = conn.execute(text("SELECT name, phone, birthday, stored_paid_fen FROM members")).one()
        assert (row.phone, row.birthday, row.stored_paid_fen) == (None, None, 10000)
        assert "张三" not in row.name
        assert conn.execute(text("SELECT COUNT(*) FROM ledger")).scalar() == 1
    with pytest.raises(CardRefused):
        top_up(store, view.card_no, 100)
    with pytest.raises(NotFound):
        show_member(store, "13800001234")
    register(store, name="新会员")  # the phone is free again


def test_register_and_top_up_record_the_approving_manager(store):
    from pos_member.services.staff import add_staff

    boss = add_staff(store, "Boss", "manager", "8642", MANAGER_PIN)
    view = members.register_member(store, "赵六", "13700000006", manager_pin="8642")
    top_up(store, view.card_no, 10000, manager_pin="8642")
    with pytest.raises(NeedsManager):
        top_up(store, view.card_no, 10000, manager_pin="0000")
    with store.db.read() as conn:
        approvers = conn.execute(text("SELECT action, approved_by FROM audit WHERE action IN "
                                      "('member.register', 'stored_value.topup') ORDER BY id")).all()
    assert [tuple(a) for a in approvers] == [("member.register", boss.id), ("stored_value.topup", boss.id)]
