"""A coupon's verdict at the till, compared whole: whether it applies, the fen off, the reason and the figures
the cashier's note is made of (domain/coupons.py: evaluate, parse_coupon_code). Each names the mutmut mutants
it kills."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pos_member.domain.coupons import CouponOffer, CouponVerdict, coupon_qr_text, evaluate, parse_coupon_code
from pos_member.domain.errors import CardRefused, InvalidInput
from pos_member.domain.reasons import Reason

TODAY = date(2026, 12, 7)
OFFER = CouponOffer(code="ABCDEFGHIJ", kind="amount_off", name="10 yuan off", amount_off_fen=1000,
                    min_spend_fen=5000, percent_off=0, max_off_fen=0, valid_from="2026-12-01",
                    valid_to="2026-12-31", status="issued", belongs_to_member=True, template="ten_off")
NAMED = {"name": "10 yuan off", "template": "ten_off"}
PERCENT = replace(OFFER, kind="percent_off", amount_off_fen=0, percent_off=10, max_off_fen=3000)


@pytest.mark.parametrize(("offer", "bill", "verdict"), [
    (replace(OFFER, belongs_to_member=False), 8000, CouponVerdict(False, 0, Reason.COUPON_OTHER_MEMBER)),
    (replace(OFFER, status="used"), 8000, CouponVerdict(False, 0, Reason.COUPON_USED)),
    (replace(OFFER, status="void"), 8000, CouponVerdict(False, 0, Reason.COUPON_VOID)),
    (replace(OFFER, valid_from="2026-12-08"), 8000,
     CouponVerdict(False, 0, Reason.COUPON_NOT_YET, {"date": "2026-12-08"})),
    (replace(OFFER, valid_to="2026-12-06"), 8000,
     CouponVerdict(False, 0, Reason.COUPON_EXPIRED, {"date": "2026-12-06"})),
    (OFFER, 4999, CouponVerdict(False, 0, Reason.COUPON_MIN_SPEND, {"min_fen": 5000, "bill_fen": 4999})),
    (OFFER, 5000, CouponVerdict(True, 1000, Reason.COUPON_AMOUNT_OFF, {"off_fen": 1000} | NAMED)),  # exactly the minimum
    (replace(OFFER, kind="gift", amount_off_fen=0), 8000, CouponVerdict(True, 0, Reason.COUPON_GIFT, NAMED)),
    (OFFER, 8000, CouponVerdict(True, 1000, Reason.COUPON_AMOUNT_OFF, {"off_fen": 1000} | NAMED)),
    (replace(OFFER, min_spend_fen=0), 600, CouponVerdict(True, 600, Reason.COUPON_AMOUNT_OFF, {"off_fen": 600} | NAMED)),
    (PERCENT, 8000, CouponVerdict(True, 800, Reason.COUPON_PERCENT_OFF, {"percent": 10, "off_fen": 800} | NAMED)),
    (PERCENT, 50000, CouponVerdict(True, 3000, Reason.COUPON_PERCENT_OFF, {"percent": 10, "off_fen": 3000} | NAMED)),
    (replace(PERCENT, max_off_fen=0), 50000,
     CouponVerdict(True, 5000, Reason.COUPON_PERCENT_OFF, {"percent": 10, "off_fen": 5000} | NAMED)),
])
def test_a_coupons_verdict_is_compared_whole(offer, bill, verdict):
    # coupons.x_evaluate__mutmut_8 (off None), 39, 42, 45, 47 (not yet valid), 64 (the minimum itself), 124 (no
    # figures) and kin
    assert evaluate(offer, bill, TODAY) == verdict


def test_a_typed_coupon_code_drops_dashes_and_spaces_and_a_wrong_one_names_the_coupon_field():
    # coupons.x_parse_coupon_code__mutmut_55 (dashes kept), 68 (field)
    assert parse_coupon_code(" abcde-fghij ", b"key") == "ABCDEFGHIJ"
    assert parse_coupon_code("ABCDE FGHIJ", b"key") == "ABCDEFGHIJ"
    with pytest.raises(InvalidInput) as caught:
        parse_coupon_code("ABCDE-FGHI1", b"key")
    assert (caught.value.reason, caught.value.field, caught.value.params) == (
        Reason.NOT_A_COUPON_CODE, "coupon", {"text": "ABCDE-FGHI1"})
    with pytest.raises(InvalidInput) as caught:  # _69: the text quoted back is cut at 20 characters
        parse_coupon_code("ABCDE-FGHI1-KLMNO-PQRST", b"key")
    assert caught.value.params == {"text": "ABCDE-FGHI1-KLMNO-PQ"}
    with pytest.raises(InvalidInput) as caught:  # _3: nothing typed is quoted back as nothing
        parse_coupon_code("", b"key")
    assert caught.value.params == {"text": ""}


def test_a_signed_coupon_qr_is_checked_against_every_key_and_a_bad_one_is_refused_by_name():
    # coupons.x_parse_coupon_code__mutmut_24 (one key read as a tuple), 11 (4 parts with a good code), 17-22 and
    # 38-43 (the reason and field of a malformed or forged QR)
    text = coupon_qr_text(b"new-key", "ABCDEFGHIJ")
    # the signature printed on coupons already handed out: its form never changes (x__sig__mutmut_3, 13)
    assert text == "PMC.ABCDEFGHIJ.45IDSL"
    assert parse_coupon_code(f"  {text} ", b"new-key") == "ABCDEFGHIJ"
    assert parse_coupon_code(text, (b"old-key", b"new-key")) == "ABCDEFGHIJ"  # signed before a key change
    signature = text.split(".")[2]
    refused = [(f"{text}.more", b"new-key", Reason.COUPON_MALFORMED),  # a good code in four parts
               (f"PMC.ABCDEFGHI1.{signature}", b"new-key", Reason.COUPON_MALFORMED),  # 1 is no code character
               (text, b"another-key", Reason.COUPON_FORGED)]
    for bad, key, reason in refused:
        with pytest.raises(CardRefused) as caught:
            parse_coupon_code(bad, key)
        assert (caught.value.reason, caught.value.field) == (reason, "coupon"), bad
