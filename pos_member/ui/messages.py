"""Refusals in the till's language, made from the refusal's reason and figures (domain/reasons.py).

One table, `_sentences`, holds the till's sentence for every reason (English source text, Chinese in the .ts,
context "Refusal"); its {names} are the refusal's parameters as reasons.shown_params shows them, plus {field},
the field's name on the screen. Nothing here reads the service's English sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from pos_member.domain.coupons import CouponVerdict
from pos_member.domain.errors import PosError
from pos_member.domain.reasons import Params, Reason, fill, nested, shown_params
from pos_member.ui.names import display_name

translate = QCoreApplication.translate  # lupdate reads the literal context and text of each call


def _sentences() -> dict[Reason, str]:  # noqa: PLR0915 - one table, read top to bottom
    return {
        Reason.NOT_AN_AMOUNT: translate("Refusal", "{field}: type an amount in yuan, such as 128.50."),
        Reason.TOO_MANY_DECIMALS: translate("Refusal", "{field}: at most 2 decimal places (0.01 yuan)."),
        Reason.NEGATIVE: translate("Refusal", "{field}: must not be negative."),
        Reason.ZERO: translate("Refusal", "{field}: must be greater than 0."),
        Reason.NOT_ZERO: translate("Refusal", "{field}: must not be 0."),
        Reason.TOO_LARGE: translate("Refusal", "{field}: this figure is too large (at most ¥ {max})."),
        Reason.NOT_WHOLE_POINTS: translate("Refusal", "{field}: type a whole number of points."),
        Reason.POINTS_TOO_LARGE: translate("Refusal", "{field}: this figure is too large."),
        Reason.ABOVE_SALE_LIMIT: translate("Refusal", "{field}: above the store's limit of ¥ {limit}."),
        Reason.ABOVE_TOPUP_LIMIT: translate("Refusal", "{field}: above the top-up limit of ¥ {limit}."),
        Reason.LINES_MISMATCH: translate("Refusal", "The lines add up to ¥ {lines} but the bill is ¥ {amount}."),
        Reason.POINTS_OVER_BALANCE: translate("Refusal", "The member has only {points} points."),
        Reason.POINTS_BELOW_MIN: translate("Refusal", "At least {min} points at a time."),
        Reason.POINTS_OVER_BILL_CAP: translate("Refusal", "At most {allowed} points on this bill ({percent}% of it)."),
        Reason.POINTS_NOT_MULTIPLE: translate("Refusal", "{field}: must be a multiple of {step}."),
        Reason.POINTS_OVER_MEMBER_DAY_CAP: translate("Refusal", "Today the member may redeem {left} more points (daily cap)."),
        Reason.POINTS_OVER_STORE_DAY_CAP: translate(
            "Refusal", "Today this store may redeem {left} more points (the store's daily cap)."),
        Reason.POINTS_OVER_CONFIRMED: translate(
            "Refusal", "HQ does not answer: only {available} points are confirmed by HQ for this member; points "
                       "earned here since the last sync can be used after it (offline limit)."),
        Reason.POINTS_OVER_OFFLINE_MEMBER_CAP: translate(
            "Refusal", "HQ does not answer: until it does, this member may redeem {left} more points here "
                       "(offline limit)."),
        Reason.POINTS_OVER_OFFLINE_TILL_CAP: translate(
            "Refusal", "HQ does not answer: until it does, this till may redeem {left} more points today "
                       "(offline limit)."),
        Reason.POINTS_OVER_HQ_AVAILABLE: translate(
            "Refusal", "HQ allows at most {available} points: the member's chain balance less what other tills "
                       "hold for sales in progress (authorised by HQ)."),
        Reason.STORED_OVER_HQ_AVAILABLE: translate(
            "Refusal", "HQ allows at most ¥ {available} of stored value: the member's chain balance less what other "
                       "tills hold for sales in progress (authorised by HQ)."),
        Reason.STORED_OVER_CONFIRMED: translate(
            "Refusal", "HQ does not answer: only ¥ {available} of stored value is confirmed by HQ for this member, "
                       "less what this till spent since (offline limit)."),
        Reason.STORED_OVER_OFFLINE_MEMBER_CAP: translate(
            "Refusal", "HQ does not answer: until it does, this member may spend ¥ {left} more stored value here "
                       "(offline limit)."),
        Reason.STORED_OVER_OFFLINE_TILL_CAP: translate(
            "Refusal", "HQ does not answer: until it does, this till may take ¥ {left} more stored value today "
                       "(offline limit)."),
        Reason.COUPON_HELD_ELSEWHERE: translate(
            "Refusal", "Coupon {code} is being used in a sale at another till (authorised by HQ)."),
        Reason.COUPON_USED_AT_HQ: translate("Refusal", "Coupon {code} was already used in the chain (authorised by HQ)."),
        Reason.STORED_OVER_BALANCE: translate("Refusal", "The member has only ¥ {balance} stored value."),
        Reason.STORED_OVER_LEFT: translate("Refusal", "Stored value is more than the ¥ {left} left to pay."),
        Reason.STORED_BELOW_ZERO: translate("Refusal", "Stored value would go below zero."),
        Reason.POINTS_BELOW_ZERO: translate("Refusal", "Points would go below zero."),
        Reason.NO_CODE: translate("Refusal", "Scan or type the member's code first."),
        Reason.MALFORMED: translate("Refusal", "This is not a member code."),
        Reason.FORGED: translate("Refusal", "This QR code's signature is not valid: forged or from another chain."),
        Reason.EXPIRED_CODE: translate("Refusal", "This phone code has expired; ask the member to refresh it."),
        Reason.BAD_CHECK_DIGIT: translate("Refusal", "Card number {card} has a wrong check digit; was it mistyped?"),
        Reason.UNKNOWN_CODE_FORMAT: translate(
            "Refusal", "'{text}' is not a card number, member QR, phone or member number."),
        Reason.LOST: translate("Refusal", "Card {card} was reported lost and is refused."),
        Reason.REPLACED: translate("Refusal", "Card {card} was replaced by a newer card and is refused."),
        Reason.FROZEN: translate("Refusal", "Card {card} is frozen; a manager can unfreeze it."),
        Reason.EXPIRED: translate("Refusal", "Card {card} expired on {date}; renew it first."),
        Reason.OLD_VERSION: translate("Refusal", "This QR is from an older print of card {card} and is refused."),
        Reason.ANONYMISED: translate("Refusal", "This member was anonymised and cannot be used."),
        Reason.NO_CARD: translate("Refusal", "This member has no card; issue one first."),
        Reason.NO_SUCH_CARD: translate("Refusal", "No member or card matches this code."),
        Reason.NO_MEMBER_WITH_PHONE: translate("Refusal", "No member or card matches this code."),
        Reason.NO_MEMBER_WITH_NO: translate("Refusal", "No member or card matches this code."),
        Reason.NO_MEMBER_ID: translate("Refusal", "This member no longer exists."),
        Reason.CARD_STATUS_BLOCKS: translate("Refusal", "Card {card} is {status}; this cannot be done to it."),
        Reason.CARD_ALREADY_REPLACED: translate("Refusal", "Card {card} was already replaced by card {new_card}."),
        Reason.REPRINT_NOT_ACTIVE: translate("Refusal", "Card {card} is {status}; only an active card is reprinted."),
        Reason.RENEW_NOT_ACTIVE: translate("Refusal", "Card {card} is {status}; it cannot be renewed."),
        Reason.NEVER_EXPIRES: translate("Refusal", "Card {card} never expires; there is nothing to renew."),
        Reason.ANONYMISED_NO_NEW_CARD: translate("Refusal", "An anonymised member cannot get a new card."),
        Reason.CARD_SEQ_EXHAUSTED: translate("Refusal", "This till has used up its card numbers; call support."),
        Reason.MEMBER_SEQ_EXHAUSTED: translate("Refusal", "This till has used up its member numbers; call support."),
        Reason.COUPON_MALFORMED: translate("Refusal", "This is not a coupon code (10 letters and digits)."),
        Reason.COUPON_FORGED: translate("Refusal", "This coupon QR's signature is not valid: forged or from another chain."),
        Reason.NOT_A_COUPON_CODE: translate("Refusal", "This is not a coupon code (10 letters and digits)."),
        Reason.NO_SUCH_COUPON: translate("Refusal", "No such coupon in this store."),
        Reason.COUPON_NOT_APPLICABLE: translate("Refusal", "This coupon cannot be used on this sale: {why}"),
        Reason.COUPON_OTHER_MEMBER: translate("Refusal", "belongs to another member"),
        Reason.COUPON_USED: translate("Refusal", "already used"),
        Reason.COUPON_VOID: translate("Refusal", "no longer valid"),
        Reason.COUPON_NOT_YET: translate("Refusal", "valid from {date}"),
        Reason.COUPON_EXPIRED: translate("Refusal", "expired on {date}"),
        Reason.COUPON_MIN_SPEND: translate("Refusal", "needs a bill of {min} (this one is {bill})"),
        Reason.COUPON_GIFT: translate("Refusal", "gift: {name}"),
        Reason.COUPON_AMOUNT_OFF: translate("Refusal", "{off} off ({name})"),
        Reason.COUPON_PERCENT_OFF: translate("Refusal", "{percent}% off, {off} ({name})"),
        Reason.NO_COUPON_TEMPLATE: translate("Refusal", "The rules have no coupon '{code}'; they have {choices}."),
        Reason.NO_SUCH_TIER: translate("Refusal", "The rules have no tier '{tier}'."),
        Reason.EMPTY_SEGMENT: translate("Refusal", "No member is in this group."),
        Reason.EMPTY: translate("Refusal", "{field}: must not be empty."),
        Reason.NAME_TOO_LONG: translate("Refusal", "{field}: at most {max} characters."),
        Reason.NOT_A_DATE: translate("Refusal", "{field}: '{text}' is not a date; write YYYY-MM-DD."),
        Reason.IMPLAUSIBLE_BIRTHDAY: translate("Refusal", "{field}: {text} is not a plausible birthday."),
        Reason.NOT_A_PHONE: translate("Refusal", "{field}: '{text}' is not a mobile number (11 digits starting with 1)."),
        Reason.PHONE_TAKEN: translate("Refusal", "Phone {phone} already belongs to member {member}."),
        Reason.NOT_ONE_OF: translate("Refusal", "{field}: must be one of {choices}."),
        Reason.OUT_OF_RANGE: translate("Refusal", "{field}: must be {low} to {high}."),
        Reason.AT_LEAST: translate("Refusal", "{field}: must be at least {low}."),
        Reason.NOTHING_TO_CHANGE: translate("Refusal", "Nothing was changed."),
        Reason.ANONYMISED_NO_EDIT: translate("Refusal", "An anonymised member cannot be edited."),
        Reason.ALREADY_ANONYMISED: translate("Refusal", "This member is already anonymised."),
        Reason.BAD_PIN_FORMAT: translate("Refusal", "{field}: a PIN is 4 to 8 digits."),
        Reason.NO_STAFF_PIN: translate("Refusal", "No staff member has this PIN."),
        Reason.SIGN_IN_LOCKED: translate("Refusal", "Too many wrong PINs in a row; sign-in is possible again in {seconds} s."),
        Reason.MANAGER_PIN_NEEDED: translate("Refusal", "This needs a manager's PIN."),
        Reason.WRONG_MANAGER_PIN: translate("Refusal", "Wrong manager PIN."),
        Reason.NO_REASON_GIVEN: translate("Refusal", "{field}: say why the points are adjusted."),
        Reason.NO_SALE_ID: translate("Refusal", "Pick a sale first."),
        Reason.NO_SUCH_SALE: translate("Refusal", "No sale {sale} in this store."),
        Reason.SALE_FULLY_REFUNDED: translate("Refusal", "This sale has already been fully refunded."),
        Reason.NO_SUCH_LINE: translate("Refusal", "This sale has no line {line}."),
        Reason.LINE_FULLY_REFUNDED: translate("Refusal", "Line {line} has already been fully refunded."),
        Reason.LINE_REFUND_OVER: translate("Refusal", "Only ¥ {left} of line {line} is left to refund."),
        Reason.REFUND_OVER: translate("Refusal", "Only ¥ {left} of this sale is left to refund."),
        Reason.REFUND_NEEDS_MANAGER: translate("Refusal", "This refund needs a manager's PIN."),
        Reason.BAD_STORE_CODE: translate("Refusal", "{field}: '{text}' must be exactly 3 digits, such as 001."),
        Reason.STORE_EXISTS: translate("Refusal", "This data folder already holds a store."),
        Reason.NO_STORE_YET: translate("Refusal", "There is no store in {dir} yet: run `pos-member init` first."),
        Reason.STORE_FILE_EMPTY: translate(
            "Refusal", "The store file {path} is empty (0 bytes). Restore it from a backup or move it away; the "
            "till does not start on it."),
        Reason.STORE_FILE_UNREADABLE: translate(
            "Refusal", "The store file {path} cannot be read. Check the file and its permissions."),
        Reason.STORE_FILE_DAMAGED: translate(
            "Refusal", "The store file {path} is damaged or is not a pos-member store. Restore it from a backup."),
        Reason.NOT_SET_UP: translate("Refusal", "This store is not set up yet."),
        Reason.NO_RULES: translate("Refusal", "This store has no loyalty rules yet."),
        Reason.NEWER_SCHEMA: translate("Refusal", "The store file was written by a newer version of this app; update the app first."),
        Reason.STORE_DISK_FULL: translate(
            "Refusal", "The disk holding {path} is full, so nothing was saved. Free some space and try again."),
        Reason.STORE_READ_ONLY: translate(
            "Refusal", "{path} cannot be written, so nothing was saved. Check that the file and its folder are "
            "writable."),
        Reason.HQ_NEWER_SCHEMA: translate(
            "Refusal", "HQ's database was written by a newer version of pos-hq; update pos-hq first."),
        Reason.CANNOT_READ_FILE: translate("Refusal", "Cannot read {path}: {detail}"),
        Reason.RULES_IN_FORCE: translate("Refusal", "These rules are the ones in force already."),
        Reason.RULES_FROM_HQ: translate(
            "Refusal", "This store is enrolled with HQ, so its rules come from HQ (version {version} is in force). "
            "HQ can allow this store rules of its own."),
        Reason.BAD_PERIOD_DATES: translate("Refusal", "{field}: dates are written YYYY-MM-DD."),
        Reason.PERIOD_ORDER: translate("Refusal", "{field}: the end must be after the start."),
        Reason.BAD_LINE_SPEC: translate("Refusal", "'{text}' must look like CATEGORY=YUAN, such as food=12.50."),
        Reason.BAD_REFUND_LINE_SPEC: translate("Refusal", "'{text}' must look like N or N=YUAN, such as 2 or 2=10.50."),
        Reason.AMOUNT_OR_LINES: translate("Refusal", "Give either an amount or lines, not both."),
        Reason.RULES_NOT_TABLE: translate("Refusal", "Rules {field}: must be a table."),
        Reason.RULES_NOT_INT: translate("Refusal", "Rules {field}: must be a whole number, not {value}."),
        Reason.RULES_OUT_OF_RANGE: translate("Refusal", "Rules {field}: must be between {low} and {high}, not {value}."),
        Reason.RULES_EMPTY_STRING: translate("Refusal", "Rules {field}: must be a non-empty text."),
        Reason.RULES_NOT_CHOICE: translate("Refusal", "Rules {field}: must be one of {choices}, not {value}."),
        Reason.RULES_NOT_LIST: translate("Refusal", "Rules {field}: must be a list."),
        Reason.RULES_UNKNOWN_KEY: translate("Refusal", "Rules {field}: not a known key (a typo?)."),
        Reason.RULES_BAD_DATE: translate("Refusal", "Rules {field}: must be a date YYYY-MM-DD, not {value}."),
        Reason.RULES_BAD_WEEKDAYS: translate("Refusal", "Rules {field}: weekdays are 1 (Monday) to 7."),
        Reason.RULES_ROUNDING: translate("Refusal", "Rules {field}: only 'down' is supported."),
        Reason.RULES_NO_TIERS: translate("Refusal", "Rules: at least one tier is needed."),
        Reason.RULES_FIRST_TIER: translate("Refusal", "Rules: the first tier must start at 0."),
        Reason.RULES_TIERS_RISE: translate("Refusal", "Rules {field}: must be above the previous tier's {threshold}."),
        Reason.RULES_TIER_CODES_UNIQUE: translate("Refusal", "Rules: tier codes must be unique."),
        Reason.RULES_TEMPLATE_CODE: translate("Refusal", "Rules {field}: coupon codes are 1-24 of a-z, 0-9, _."),
        Reason.RULES_UNKNOWN_TIER: translate("Refusal", "Rules {field}: names an unknown tier '{tier}'."),
        Reason.RULES_NO_STANDARD_CARD: translate("Refusal", "Rules: a 'standard' card type is needed."),
        Reason.RULES_POINTS_PER_YUAN: translate("Refusal", "Rules {field}: must divide 100 or be a multiple of 100."),
        Reason.RULES_EXPIRY_MONTHS: translate("Refusal", "Rules {field}: must be at least 1 for this policy."),
        Reason.RULES_UNKNOWN_TEMPLATE: translate("Refusal", "Rules {field}: names an unknown coupon '{template}'."),
        Reason.RULES_NOT_TOML: translate("Refusal", "The rules file is not valid TOML: {detail}"),
        Reason.RULES_MISSING: translate("Refusal", "Rules {field}: is missing."),
        Reason.RULES_DID_YOU_MEAN: translate("Refusal", "Rules {field}: not a known key; did you mean '{key}'?"),
        Reason.RULES_BAD_LANGUAGE: translate("Refusal", "Rules {field}: '{value}' is not a language the till ships."),
        Reason.SYNC_FAILED: translate("Refusal", "Sync with HQ failed: {why}"),
        Reason.HQ_UNREACHABLE: translate("Refusal", "HQ cannot be reached ({error})."),
        Reason.HQ_TOKEN_REFUSED: translate(
            "Refusal", "HQ refused this till's token (revoked?); enrol the till again with a new code."),
        Reason.HQ_REFUSED: translate("Refusal", "HQ refused ({status}): {detail}"),
        Reason.HQ_SERVER_ERROR: translate("Refusal", "HQ had a problem ({status}); the till will try again."),
        Reason.HQ_BAD_REQUEST: translate("Refusal", "HQ could not read this till's request ({status}): {detail}"),
        Reason.HQ_NOT_JSON: translate("Refusal", "HQ sent a reply the till cannot read; it will try again."),
        Reason.HQ_STUCK: translate("Refusal", "HQ did not take this till's entries; the till will try again."),
        Reason.NOT_ENROLLED: translate("Refusal", "This till is not enrolled with HQ."),
        Reason.SYNC_BUSY: translate("Refusal", "Another sync of this till is running."),
        Reason.SYNC_LOCAL_ERROR: translate("Refusal", "The till could not finish the sync ({error}); details are "
                                                      "in the log."),
        Reason.MEMBER_NO_TAKEN: translate("Refusal", "Member number {member_no} belongs to another member."),
        Reason.MEMBER_NO_CHANGED: translate("Refusal", "This member's number is {held}; it never changes."),
        Reason.CARD_NO_TAKEN: translate("Refusal", "Card {card} belongs to another member."),
        Reason.TILL_NUMBER_LIVE: translate("Refusal", "Till number {device_no} of store {store} is in use by a "
                                                      "live till; HQ must revoke that till first."),
        Reason.DEVICE_LIVE: translate("Refusal", "This till is already enrolled with HQ; HQ must revoke it "
                                                 "before it can enrol again."),
        Reason.PULL_NUMBER_TAKEN: translate("Refusal", "{number} is held here by another member."),
        Reason.PULL_NO_MEMBER: translate("Refusal", "Its member is not known at this till."),
        Reason.PULL_NOT_APPLIED: translate("Refusal", "This till could not apply it ({error})."),
        Reason.ENTRY_BAD_TYPE: translate("Refusal", "{field}: must be {expected}."),
        Reason.ENTRY_BAD_ID: translate("Refusal", "{field}: '{text}' is not a UUID."),
        Reason.ENTRY_BAD_PAIR: translate("Refusal", "A till writes no {kind} entries on account {account}."),
        Reason.ENTRY_BAD_SIGN: translate("Refusal", "A {kind} entry must be {sign}."),
        Reason.ENTRY_TOO_LARGE: translate("Refusal", "{amount} is above the till's limit of {limit} for one {kind} entry."),
        Reason.ENTRY_NO_SALE: translate("Refusal", "A {kind} entry needs the id of its sale."),
        Reason.ENTRY_BAD_TIME: translate("Refusal", "{field}: '{text}' is not a time with its zone between {low} and {high}."),
        Reason.ENTRY_UNKNOWN_RULES: translate("Refusal", "Rules version {version} is not one HQ knows."),
        Reason.ENTRY_BAD_TEXT: translate("Refusal", "The text is not valid UTF-8."),
        Reason.ENTRY_UNKNOWN_MEMBER: translate("Refusal", "HQ does not know member {member}."),
        Reason.ENTRY_CONFLICT: translate("Refusal", "HQ already holds another entry here: {what}."),
        Reason.MEMBER_FIELD_FIXED: translate("Refusal", "{field} of member {member} never changes."),
        Reason.ANONYMISE_HOME_ONLY: translate("Refusal", "Only the member's home store {store} or HQ may anonymise them."),
        Reason.ONLY_HQ_MERGES: translate("Refusal", "Only HQ merges members."),
        Reason.HQ_NOT_STORED: translate("Refusal", "HQ could not store this {what}; HQ's log says why."),
        Reason.SALE_NOT_YOURS: translate("Refusal", "Sale {sale} was recorded by another till or for another member."),
        Reason.FOREIGN_SALE_OFFLINE: translate("Refusal", "Sale {sale} was made at another till and HQ cannot be reached to check it and its refunds: refund it at its own till, or when HQ answers again."),
        Reason.SALE_REFUNDED_ELSEWHERE: translate("Refusal", "Sale {sale} changed at HQ while this refund was prepared; try again."),
        Reason.DOC_FIGURES: translate("Refusal", "The figures of this {what} do not add up: {detail}."),
        Reason.DOC_CONFLICT: translate("Refusal", "HQ already holds {what} {key} with other figures."),
        Reason.DOC_UNKNOWN_SALE: translate("Refusal", "HQ does not know sale {sale}."),
        Reason.UNTYPED: translate("Refusal", "Refused: {text}"),
    }


def field_label(field: str | None, widget: QWidget | None = None) -> str:
    """A field code as the screen names it; a category line is named by its category."""
    labels = {
        "amount": translate("Refusal", "Bill amount"), "stored_value": translate("Refusal", "Stored value"),
        "redeem_points": translate("Refusal", "Points"), "points": translate("Refusal", "Points"),
        "coupon": translate("Refusal", "Coupon"), "name": translate("Refusal", "Name"), "phone": translate("Refusal", "Mobile phone"),
        "birthday": translate("Refusal", "Birthday"), "pin": translate("Refusal", "PIN"),
        "manager_pin": translate("Refusal", "Manager PIN"), "code": translate("Refusal", "Member code"),
        "reason": translate("Refusal", "Reason"), "line": translate("Refusal", "Line"), "card_type": translate("Refusal", "Card type"),
        "sale_id": translate("Refusal", "Sale"), "store_name": translate("Refusal", "Store name"),
        "store_code": translate("Refusal", "Store code"), "device_no": translate("Refusal", "Till number"),
        "role": translate("Refusal", "Role"), "period": translate("Refusal", "Period"), "date": translate("Refusal", "Date"),
        "tier": translate("Refusal", "Tier"), "birthday_month": translate("Refusal", "Birthday month"),
        "dormant_days": translate("Refusal", "Days without a purchase"), "template": translate("Refusal", "Coupon"),
    }
    if not field:
        return ""
    return labels.get(field) or display_name("categories", field, widget)


def _status(status: str) -> str:
    return {"lost": translate("Refusal", "reported lost"), "frozen": translate("Refusal", "frozen"),
            "replaced": translate("Refusal", "replaced"), "active": translate("Refusal", "active")}.get(status, status)


def sentence(reason: Reason, params: Params, field: str | None = None, field_name: str | None = None,
             widget: QWidget | None = None) -> str:
    """The till's sentence for `reason` with its figures. `field_name` is the field as the caller's form names
    it (a dialog's own label); without it the field code's usual name is used."""
    shown: dict[str, str] = shown_params(params)
    inner = nested(params)
    if inner is not None and inner != reason:
        shown["why"] = sentence(inner, {k: v for k, v in params.items() if k != "why"}, widget=widget)
    if "status" in params:
        shown["status"] = _status(str(params["status"]))
    if params.get("template") or "name" in params:
        shown["name"] = display_name("coupon_templates", str(params.get("template", "")), widget,
                                     str(params.get("name", "")) or None)
    shown["field"] = field_name or field_label(field, widget)
    return fill(_sentences()[reason], shown)


def till_sentence(exc: PosError, field_name: str | None = None, widget: QWidget | None = None) -> str:
    """The sentence for a refusal in the till's language."""
    return sentence(exc.reason, exc.params, exc.field, field_name, widget)


def sync_error_sentence(status: Mapping[str, Any]) -> str | None:
    """The last sync error of a sync status (sync_service.sync_status) in the till's language. An error
    recorded before errors were typed has only its English sentence, which stays in the log."""
    typed = status.get("last_error_reason")
    if isinstance(typed, dict) and typed.get("reason") in Reason._value2member_map_:
        return sentence(Reason(typed["reason"]), typed.get("params") or {})
    if status.get("last_error"):
        return translate("Refusal", "The last sync failed; details are in the log.")
    return None


def coupon_note(verdict: CouponVerdict | None, widget: QWidget | None = None) -> str:
    """What the quote says of the coupon: applied (how much) or not (why)."""
    if verdict is None:
        return ""
    why = sentence(verdict.reason, verdict.params, widget=widget)
    if verdict.applies:
        return translate("Refusal", "applied: {0}").format(why)
    return translate("Refusal", "not applied: {0}").format(why)


def every_sentence(params: Mapping[str, int | str] | None = None) -> dict[Reason, str]:
    """Every reason's till sentence (for tests and reviews of the catalogue)."""
    return {reason: fill(text, shown_params(params or {})) for reason, text in _sentences().items()}
