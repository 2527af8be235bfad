"""Receipts without Qt: the model built from real sales and refunds, and the ESC/POS byte stream a thermal
printer gets (python-escpos's Dummy backend), read back: GB18030 text, the cut, the drawer kick only for cash
when asked, and the card QR decoded from the raster image in the stream."""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest
import zxingcpp

from pos_member.domain.codes import card_qr_text
from pos_member.receipts.escpos_out import PrinterUnavailable, print_receipt, receipt_bytes, send, two_columns
from pos_member.receipts.model import ENGLISH_LABELS, Heading, refund_receipt, sale_receipt
from pos_member.services import checkout, members, refunds, stored_value
from pos_member.services.checkout import SaleRequest
from pos_member.services.lookup import show_member
from tests.conftest import MANAGER_PIN

CUT = b"\x1dV\x00"  # GS V 0: full cut
DRAWER_KICK = b"\x1bp\x00"  # ESC p 0: pulse on pin 2
RASTER = b"\x1dv0"  # GS v 0: a raster bit image

ZH_LABELS = {"points_earned": "本次积分", "points_balance": "积分余额", "stored_value_balance": "储值余额",
             "to_pay": "应付", "member": "会员", "cashier": "收银员", "sale": "销售单"}


def _heading(view) -> Heading:
    return Heading("测试门店", "收银员小张", "2026-11-24 10:00:00", view.name, view.member_no, view.phone)


def _member(store, name="王小明", top_up_fen=0, phone="13800001234"):
    view = members.register_member(store, name, phone)
    if top_up_fen:
        stored_value.top_up(store, view.card_no, top_up_fen)
    return show_member(store, view.card_no)


def _qr(store, view) -> str:
    return card_qr_text(store.identity.chain_key, view.card_no, view.card_version)


def rasters(stream: bytes) -> list[np.ndarray]:
    """Every GS v 0 image in an ESC/POS stream, back as a grey image (black = 0)."""
    images, at = [], stream.find(RASTER)
    while at >= 0:
        width_bytes = stream[at + 4] + 256 * stream[at + 5]
        height = stream[at + 6] + 256 * stream[at + 7]
        start = at + 8
        data = np.frombuffer(stream[start:start + width_bytes * height], dtype=np.uint8).reshape(height, width_bytes)
        bits = np.unpackbits(data, axis=1)  # 1 = a burnt (black) dot
        images.append(np.where(bits == 1, 0, 255).astype(np.uint8))
        at = stream.find(RASTER, start + width_bytes * height)
    return images


def test_sale_receipt_says_the_figures_in_chinese_with_a_cut_and_a_readable_qr(store):
    view = _member(store)
    sale = checkout.commit_sale(store, SaleRequest(view.card_no, 12850))
    with store.db.read() as conn:
        _, rules = store.rules(conn)
    names = {"general": rules.display_name("categories", "general", "zh_CN")}  # as the Chinese till passes them
    doc = sale_receipt(_heading(view), sale, ZH_LABELS, _qr(store, view), names)
    stream = receipt_bytes(doc)
    text = stream.decode("gb18030", errors="replace")
    for expected in ("测试门店", "1. 综合", "收银员: 收银员小张", "会员: 王小明", "128.50", "本次积分", f"+{sale.quote.points_earned}",
                     "积分余额", f"{sale.points_balance:,}", "储值余额", f"销售单 {sale.sale_id}"):
        assert expected in text
    assert stream.rstrip(b"\x00").endswith(CUT[:2]) and CUT in stream
    assert DRAWER_KICK not in stream  # not asked for

    (image,) = rasters(stream)
    assert image.shape[1] <= 576  # fits the 80 mm head
    found = zxingcpp.read_barcodes(np.ascontiguousarray(image))
    assert [code.text for code in found] == [_qr(store, view)]


def test_drawer_kick_only_when_set_and_cash_was_taken(store):
    cash_member = _member(store, "Li Lei")
    cash_sale = checkout.commit_sale(store, SaleRequest(cash_member.card_no, 5000))
    cash_doc = sale_receipt(_heading(cash_member), cash_sale, ENGLISH_LABELS)
    assert DRAWER_KICK in receipt_bytes(cash_doc, kick_drawer=True)
    assert DRAWER_KICK not in receipt_bytes(cash_doc, kick_drawer=False)

    stored_member = _member(store, "Han Mei", top_up_fen=30000, phone="13900005678")
    all_stored = checkout.commit_sale(store, SaleRequest(stored_member.card_no, 5000, stored_value_fen=5000))
    assert all_stored.quote.payable_fen == 0
    stored_doc = sale_receipt(_heading(stored_member), all_stored, ENGLISH_LABELS)
    assert DRAWER_KICK not in receipt_bytes(stored_doc, kick_drawer=True)  # no cash, the drawer stays shut


def test_refund_receipt_shows_points_reversed_and_balances_after(store):
    view = _member(store, top_up_fen=10000)
    sale = checkout.commit_sale(store, SaleRequest(view.card_no, 20000, stored_value_fen=5000))
    refund = refunds.refund_sale(store, sale.sale_id, 10000, MANAGER_PIN)
    after = show_member(store, view.card_no)
    assert (refund.points_balance, refund.stored_value_balance_fen) == (after.points, after.stored_value_fen)
    assert refund.member_no == view.member_no
    doc = refund_receipt(_heading(view), refund, ENGLISH_LABELS)
    text = receipt_bytes(doc).decode("gb18030", errors="replace")
    assert "REFUND" in text and f"Refund of sale {sale.sale_id}" in text
    assert f"-{refund.figures.points_reversed}" in text and refund.figures.points_reversed > 0
    assert "Stored value balance" in text and f"{after.stored_value_fen // 100}." in text
    assert doc.cash_fen == refund.figures.cash_refund_fen > 0


def test_columns_count_chinese_characters_as_two():
    line = two_columns("积分余额", "1,234", width=20)
    assert line == "积分余额" + " " * 7 + "1,234"
    assert "\n" in two_columns("x" * 30, "99.00", width=20)


def test_printer_errors_are_reasons_not_crashes(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now: connection refused
    with pytest.raises(PrinterUnavailable) as refused:
        send(b"x", "escpos_network", f"127.0.0.1:{port}")
    assert refused.value.reason == "offline"
    for kind, address in (("escpos_network", "printer:notaport"), ("escpos_usb", "zebra"), ("escpos_file", " ")):
        with pytest.raises(PrinterUnavailable) as bad:
            send(b"x", kind, address)
        assert bad.value.reason == "bad_address"
    with pytest.raises(PrinterUnavailable) as missing:
        send(b"x", "escpos_file", str(tmp_path / "no-such-dir" / "lp0"))
    assert missing.value.reason == "offline"
    with pytest.raises(PrinterUnavailable) as no_usb:
        send(b"x", "escpos_usb", "04b8:0202")
    assert no_usb.value.reason == "no_usb"


def test_a_network_printer_gets_the_whole_receipt(store):
    view = _member(store)
    doc = sale_receipt(_heading(view), checkout.commit_sale(store, SaleRequest(view.card_no, 990)), ENGLISH_LABELS)
    server = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def printer() -> None:
        connection, _ = server.accept()
        with connection:
            while chunk := connection.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=printer)
    thread.start()
    print_receipt(doc, "escpos_network", f"127.0.0.1:{server.getsockname()[1]}")
    thread.join(10)
    server.close()
    assert bytes(received) == receipt_bytes(doc)


def test_a_device_path_gets_the_whole_receipt(store, tmp_path):
    view = _member(store)
    doc = sale_receipt(_heading(view), checkout.commit_sale(store, SaleRequest(view.card_no, 990)), ENGLISH_LABELS)
    device = tmp_path / "lp0"
    print_receipt(doc, "escpos_file", str(device), kick_drawer=True)
    assert device.read_bytes() == receipt_bytes(doc, kick_drawer=True)
