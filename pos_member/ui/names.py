"""The names the till shows for tiers, card types, coupons and line categories, in its language.

They come from the rules document's `[labels.LANGUAGE.KIND]` tables (Rules.display_name). The widgets ask
with themselves as `widget`: the store behind their window has the rules the last database read used, so no
name needs a read on the GUI thread; before any read (or without a store) the default rules name things.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from pos_member.domain.rules import Rules, default_rules_text, parse_rules_toml

_latest: list[Rules] = []  # the rules a window's store last read, for callers without a widget


@lru_cache(maxsize=1)
def _default_rules() -> Rules:
    return parse_rules_toml(default_rules_text())


def language() -> str:
    """"zh_CN" when the Chinese catalogue is installed, else "en". Asked of the catalogue itself, so it is
    always the language every other sentence on the screen is in."""
    return QCoreApplication.translate("Language", "en")  # the zh_CN catalogue translates this to "zh_CN"


def current_rules(widget: QWidget | None = None) -> Rules:
    store = getattr(widget.window(), "store", None) if widget is not None else None
    rules = getattr(store, "cached_rules", None)
    if rules is not None:
        _latest[:] = [rules]
        return rules
    return _latest[0] if _latest else _default_rules()


def display_name(kind: str, code: str, widget: QWidget | None = None, fallback: str | None = None) -> str:
    """A tier, card type, coupon template or category as the till names it now. A store whose rules predate
    labels (no table for this language at all) borrows the default rules' label for the same code."""
    rules, lang = current_rules(widget), language()
    if lang not in rules.labels:
        borrowed = _default_rules().labels.get(lang, {}).get(kind, {}).get(code)
        if borrowed:
            return borrowed
    return rules.display_name(kind, code, lang, fallback)


def coupon_name(coupon: dict[str, Any], widget: QWidget | None = None) -> str:
    """A member's coupon (as services.coupons lists it): its template's label, else the name it was issued
    with."""
    return display_name("coupon_templates", coupon.get("template") or "", widget, coupon.get("name"))


def category_code(text: str, widget: QWidget | None = None) -> str:
    """The category code behind what the cashier picked or typed: a shown name (any language) or a code."""
    typed = " ".join(text.split())
    for names in [*current_rules(widget).labels.values(), *_default_rules().labels.values()]:
        for code, name in names.get("categories", {}).items():
            if typed.casefold() == name.casefold():
                return code
    return typed.lower() or "general"
