"""The quote says which rule bounds the points and stored value (issue 11, point 4): "authorised by HQ" while
HQ answers, "offline limit" when it does not, in English and in Chinese. The real till, enrolled with the real
HQ (PostgreSQL, 127.0.0.1), typed at the keyboard."""

from __future__ import annotations

import pytest

from pos_member.services import sync_service
from tests.gui.conftest import sign_in, type_code
from tests.sync.fixtures import hq, pg_cluster, pg_url  # noqa: F401 - pytest fixtures


def _quote_title(qtbot, window, amount: str, stored: str) -> str:
    for field, text in ((window.sale.amount, amount), (window.sale.stored, stored)):
        field.selectAll()
        qtbot.keyClicks(field, text)
    qtbot.waitUntil(lambda: window.sale.quote is not None and window.sale.summary["stored"].text() == f"− ¥ {stored}",
                    timeout=10_000)
    return window.sale.quote_box.title()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_quote_says_which_rule_applied(qtbot, request, till_app, people, hq, language):  # noqa: F811
    if language == "zh":
        request.getfixturevalue("zh")
    store = till_app.store
    sync_service.enrol(store, hq.url, hq.enrolment_code("001"))
    sync_service.sync_once(store, attempts=1)  # HQ now knows 王小明 and his stored value
    window = till_app.window
    sign_in(qtbot, window)
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    online = _quote_title(qtbot, window, "100", "50.00")
    hq.down()
    offline = _quote_title(qtbot, window, "120", "60.00")
    hq.up()
    if language == "zh":
        assert (online, offline) == ("结算明细 · 总部授权", "结算明细 · 离线限额")
    else:
        assert (online, offline) == ("Quote · authorised by HQ", "Quote · offline limit")
