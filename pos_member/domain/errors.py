"""Errors the domain raises. Every one carries a reason code (domain/reasons.py), the figures that go with it
and, where it applies, the field or rule that caused it; the sentence is made from them, in English here (the
CLI, logs, HQ) and in the till's language by pos_member/ui/messages.py. Nothing parses the sentence."""

from __future__ import annotations

from pos_member.domain.reasons import Reason, english


class PosError(Exception):
    """A refusal: the request was understood and declined. Nothing was written."""

    code = "refused"

    def __init__(self, reason: Reason | str, field: str | None = None, **params: int | str) -> None:
        if not isinstance(reason, Reason):
            # a free sentence (code written before reasons were typed): kept readable, flagged as untyped
            reason, params = Reason.UNTYPED, {"text": str(reason)}
        self.reason: Reason = reason
        self.params: dict[str, int | str] = params
        self.field = field
        self.message = english(reason, params)
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(PosError):
    """Malformed, negative, over-precise or absurd input."""

    code = "invalid_input"


class NotFound(PosError):
    """An unknown member, card, sale or staff member."""

    code = "not_found"


class CardRefused(PosError):
    """A card (or its QR code) that must not be accepted at the till; `reason` says why (lost, frozen, ...)."""

    code = "card_refused"

    def __init__(self, reason: Reason | str, field: str | None = "code", **params: int | str) -> None:
        super().__init__(reason, field, **params)


class RuleRefused(PosError):
    """A business rule says no: over balance, over cap, already refunded, duplicate phone."""

    code = "rule_refused"


class NeedsManager(PosError):
    """The action needs a manager's PIN, and none (or a wrong one) was given."""

    code = "needs_manager"


class StorageError(PosError):
    """The database file cannot be used (newer than this app, not initialised, corrupt)."""

    code = "storage"


class WrongPin(NotFound):
    """No active staff member has the PIN typed at sign-in; `tries_left` before sign-in waits."""

    def __init__(self, tries_left: int) -> None:
        super().__init__(Reason.NO_STAFF_PIN, "pin", tries_left=tries_left)
        self.tries_left = tries_left


class SignInLocked(RuleRefused):
    """Too many wrong PINs in a row: sign-in waits `seconds` more (the PIN is not even checked)."""

    def __init__(self, seconds: int) -> None:
        super().__init__(Reason.SIGN_IN_LOCKED, "pin", seconds=seconds)
        self.seconds = seconds
