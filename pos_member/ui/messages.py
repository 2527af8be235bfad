"""The refusals a cashier meets all day, in the interface's language.

The services say why they refuse in one English sentence (logs, the CLI, the API). At the till the common
ones are re-said through Qt translations, keyed by the refusal's kind and reason; the figures they carry (a
card number, a points limit) are taken from the service's sentence. Anything not listed here is shown as the
service said it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from pos_member.domain.errors import CardRefused, InvalidInput, NeedsManager, NotFound, PosError, RuleRefused

_CARD = re.compile(r"card ([0-9]{13})")
_NUMBER = re.compile(r"([0-9][0-9,.]*)")


translate = QCoreApplication.translate  # lupdate reads the literal context and text of each call


def _card_refusal(exc: CardRefused) -> str | None:
    card = (_CARD.search(exc.message) or [None, ""])[1]
    expired_on = (re.search(r"expired on ([0-9-]{10})", exc.message) or [None, ""])[1]
    sentences = {
        "lost": translate("Refusal", "Card {0} was reported lost and is refused.").format(card),
        "replaced": translate("Refusal", "Card {0} was replaced by a newer card and is refused.").format(card),
        "frozen": translate("Refusal", "Card {0} is frozen; a manager can unfreeze it.").format(card),
        "expired": translate("Refusal", "Card {0} expired on {1}; renew it first.").format(card, expired_on),
        "old_version": translate("Refusal", "This QR is from an older print of card {0} and is refused.").format(card),
        "forged": translate("Refusal", "This QR code's signature is not valid: forged or from another chain."),
        "malformed": translate("Refusal", "This is not a member code."),
        "anonymised": translate("Refusal", "This member was anonymised and cannot be used."),
        "no_card": translate("Refusal", "This member has no card; issue one first."),
        "expired_code": translate("Refusal", "This phone code has expired; ask the member to refresh it."),
    }
    return sentences.get(exc.reason)


def _field_name(field: str | None) -> str:
    names = {
        "amount": translate("Refusal", "Bill amount"),
        "stored_value": translate("Refusal", "Stored value"),
        "redeem_points": translate("Refusal", "Points"),
        "coupon": translate("Refusal", "Coupon"),
    }
    return names.get(field or "", field or "")  # a category line is named by its category


def _typing_mistake(exc: InvalidInput) -> str | None:
    """What the money and points parsers (and the bill's own checks) say of a figure typed at the till."""
    text, name = exc.message, _field_name(exc.field)
    found = _NUMBER.search(text)
    if exc.field == "coupon" and "is not a coupon code" in text:
        return translate("Refusal", "This is not a coupon code (10 letters and digits).")
    if "is not an amount" in text or "must be a yuan amount" in text:
        return translate("Refusal", "{0}: type an amount in yuan, such as 128.50.").format(name)
    if "decimal places" in text:
        return translate("Refusal", "{0}: at most 2 decimal places (0.01 yuan).").format(name)
    if "is not a whole number of points" in text:
        return translate("Refusal", "{0}: type a whole number of points.").format(name)
    if text.startswith("must not be negative"):
        return translate("Refusal", "{0}: must not be negative.").format(name)
    if text == "must be greater than 0":
        return translate("Refusal", "{0}: must be greater than 0.").format(name)
    if "is too large" in text:
        return translate("Refusal", "{0}: this figure is too large.").format(name)
    if text.startswith("is above the store's limit") and found:
        return translate("Refusal", "{0}: above the store's limit of ¥ {1}.").format(name, found.group(1))
    if text.startswith("must be a multiple of") and found:
        return translate("Refusal", "{0}: must be a multiple of {1}.").format(name, found.group(1))
    return None


def till_sentence(exc: PosError) -> str:
    """The sentence for a refusal, translated where the till knows it."""
    if isinstance(exc, CardRefused) and exc.field == "coupon" and exc.reason == "malformed":
        return translate("Refusal", "This is not a coupon code (10 letters and digits).")
    if isinstance(exc, CardRefused):
        return _card_refusal(exc) or str(exc)
    if isinstance(exc, InvalidInput):
        return _typing_mistake(exc) or str(exc)
    if isinstance(exc, NotFound) and exc.field == "coupon":
        return translate("Refusal", "No such coupon in this store.")
    if isinstance(exc, RuleRefused) and exc.field == "coupon" and ": " in exc.message:
        why = exc.message.split(": ", 1)[1]
        return translate("Refusal", "This coupon cannot be used on this sale: {0}").format(why)
    if isinstance(exc, NotFound) and exc.field == "code":
        return translate("Refusal", "No member or card matches this code.")
    if isinstance(exc, NeedsManager):
        if exc.message.startswith("wrong"):
            return translate("Refusal", "Wrong manager PIN.")
        return translate("Refusal", "This needs a manager's PIN.")
    if isinstance(exc, RuleRefused) and exc.field == "redeem_points":
        found = _NUMBER.search(exc.message)
        if exc.message.startswith("at most") and found:
            return translate("Refusal", "At most {0} points on this bill.").format(found.group(1))
        if exc.message.startswith("the member has only") and found:
            return translate("Refusal", "The member has only {0} points.").format(found.group(1))
        if exc.message.startswith("at least") and found:
            return translate("Refusal", "At least {0} points at a time.").format(found.group(1))
    if isinstance(exc, RuleRefused) and exc.field == "stored_value":
        found = _NUMBER.search(exc.message)
        if found and "only" in exc.message:
            return translate("Refusal", "The member has only ¥ {0} stored value.").format(found.group(1))
        if found and "left to pay" in exc.message:
            return translate("Refusal", "Stored value is more than the ¥ {0} left to pay.").format(found.group(1))
    return str(exc)
