"""The till's inputs for money and points: one for yuan amounts, one for points (and a signed one for a
points correction), used by every dialog and panel.

No validator eats keystrokes: what the cashier typed stays in the field as typed ("-50", "1.234", "１２"),
and it is the domain's strict parser (pos_member.domain.money) that decides. A refused entry marks the
field (dynamic property `invalid`, red in till.qss) and says one sentence naming the field by the name the
cashier sees; the caller writes nothing. Any change of the text clears the mark.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from pos_member.domain.errors import InvalidInput
from pos_member.domain.money import parse_points, parse_signed_points, parse_yuan


class NumberField(QLineEdit):
    """A right-aligned line edit whose text is read through a strict parser.

    `name` is the field's visible name (translated): the refusal sentence starts with it. An empty field is
    None when it is optional, and refused like any other bad entry when it is required.
    """

    def __init__(self, name: str, object_name: str = "", required: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.required = required
        if object_name:
            self.setObjectName(object_name)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setProperty("invalid", False)
        self.textChanged.connect(lambda _text: self.mark_invalid(False))  # typed, set or cleared: judged anew

    def _parse(self, text: str) -> int:
        raise NotImplementedError

    def value(self) -> int | None:
        """The typed figure, None when left empty and optional. Raises InvalidInput and marks the field."""
        text = self.text().strip()
        if not text and not self.required:
            self.mark_invalid(False)
            return None
        try:
            number = self._parse(text)
        except InvalidInput:
            self.mark_invalid(True)
            raise
        self.mark_invalid(False)
        return number

    def refusal(self) -> str | None:
        """The one sentence saying why what is typed is refused (the field is then marked), or None."""
        from pos_member.ui.tasks import describe_error  # the one place sentences are made

        try:
            self.value()
        except InvalidInput as exc:
            return describe_error(exc)
        return None

    @property
    def invalid(self) -> bool:
        return bool(self.property("invalid"))

    def mark_invalid(self, invalid: bool) -> None:
        if self.invalid == invalid:
            return
        self.setProperty("invalid", invalid)
        # a dynamic property only changes the look after the style is re-applied
        self.style().unpolish(self)
        self.style().polish(self)


class YuanField(NumberField):
    """A yuan amount such as 128.50, read into integer fen."""

    def __init__(self, name: str, object_name: str = "", required: bool = False, allow_zero: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(name, object_name, required, parent)
        self.allow_zero = allow_zero

    def _parse(self, text: str) -> int:
        return parse_yuan(text, self.name, allow_zero=self.allow_zero)


class PointsField(NumberField):
    """A whole number of points, never negative (points to use on a bill)."""

    def __init__(self, name: str, object_name: str = "", required: bool = False, allow_zero: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(name, object_name, required, parent)
        self.allow_zero = allow_zero

    def _parse(self, text: str) -> int:
        return parse_points(text, self.name, allow_zero=self.allow_zero)


class SignedPointsField(NumberField):
    """A points correction: "+50", "50" or "-20"; never 0 or fractional."""

    def _parse(self, text: str) -> int:
        return parse_signed_points(text, self.name)
