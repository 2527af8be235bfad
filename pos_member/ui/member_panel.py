"""The member panel: who is at the till, their tier, balances, and in red why their card is refused."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from pos_member.domain.money import format_yuan
from pos_member.services.lookup import MemberView
from pos_member.ui.names import coupon_name, display_name

TIER_COLOURS = {"standard": "#5f6b7a", "silver": "#8a96a3", "gold": "#b8860b", "diamond": "#1f6fb2"}


class MemberPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.member: MemberView | None = None
        self.name = QLabel(objectName="memberName")
        self.tier = QLabel(objectName="tierBadge")
        self.tier.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.phone = QLabel()
        self.member_no = QLabel()
        self.card = QLabel()
        self.expires = QLabel()
        self.points = QLabel(objectName="balance")
        self.stored = QLabel(objectName="balance")
        self.coupons = QLabel(objectName="coupons")
        self.coupons.setWordWrap(True)
        self.problem = QLabel(objectName="cardProblem")
        self.problem.setWordWrap(True)
        self.placeholder = QLabel(self.tr("Scan a card or type a card number, phone or member number."))
        self.placeholder.setObjectName("hint")
        self.placeholder.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.tier, 0, 1, Qt.AlignmentFlag.AlignRight)
        self._expires_caption = QLabel(self.tr("Card valid until"))
        rows = ((QLabel(self.tr("Phone")), self.phone), (QLabel(self.tr("Member no")), self.member_no),
                (QLabel(self.tr("Card")), self.card), (self._expires_caption, self.expires),
                (QLabel(self.tr("Points")), self.points), (QLabel(self.tr("Stored value")), self.stored))
        self._coupons_caption = QLabel(self.tr("Coupons"))
        for row, (caption, value) in enumerate(rows, start=1):
            caption.setObjectName("caption")
            grid.addWidget(caption, row, 0)
            grid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignRight)
        self._details = QWidget()
        self._details.setLayout(grid)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self._details)
        self._coupons_caption.setObjectName("caption")
        layout.addWidget(self._coupons_caption)
        layout.addWidget(self.coupons)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.clear()

    def show_coupons(self, coupons: list[dict]) -> None:
        """The member's usable coupons: name and last valid day, one a line."""
        lines = [self.tr("{0} (until {1})").format(coupon_name(c, self), c["valid_to"]) for c in coupons]
        self.coupons.setText("\n".join(lines) if lines else self.tr("none"))
        self._coupons_caption.setVisible(self.member is not None)
        self.coupons.setVisible(self.member is not None)

    def clear(self) -> None:
        self.member = None
        self.placeholder.show()
        self._details.hide()
        self._coupons_caption.hide()
        self.coupons.hide()
        self.problem.hide()
        self.setProperty("refused", False)
        self._restyle()

    def show_member(self, member: MemberView) -> None:
        self.member = member
        self.placeholder.hide()
        self._details.show()
        self.name.setText(member.name)
        self.tier.setText(self.tier_name(member.tier))
        colour = TIER_COLOURS.get(member.tier, "#5f6b7a")
        self.tier.setStyleSheet(f"background: {colour};")
        self.phone.setText(member.phone or "—")
        self.member_no.setText(member.member_no)
        self.expires.setText(member.card_expires_on or "")
        self.expires.setVisible(bool(member.card_expires_on))
        self._expires_caption.setVisible(bool(member.card_expires_on))
        card = member.card_no or self.tr("no card")
        if member.card_status and member.card_status != "active":
            card = f"{card} ({self.status_text(member.card_status)})"
        self.card.setText(card)
        self.points.setText(f"{member.points:,}")
        self.stored.setText(f"¥ {format_yuan(member.stored_value_fen)}")
        refused = bool(member.card_problem)
        self.problem.setVisible(refused)
        self.problem.setText(self.tr("Refused: {0}").format(self.problem_text(member)) if refused else "")
        self.setProperty("refused", refused)
        self._restyle()

    def problem_text(self, member: MemberView) -> str:
        """Why the card is refused, in the interface's language (the service's sentence is English)."""
        card = member.card_no or ""
        if member.status == "anonymised":
            return self.tr("this member was anonymised")
        texts = {"lost": self.tr("card {0} was reported lost").format(card),
                 "replaced": self.tr("card {0} was replaced by a newer card").format(card),
                 "frozen": self.tr("card {0} is frozen").format(card)}
        if member.card_status in texts:
            return texts[member.card_status]
        if member.card_expires_on:
            return self.tr("card {0} expired on {1}").format(card, member.card_expires_on)
        return member.card_problem or ""

    def tier_name(self, code: str) -> str:
        return display_name("tiers", code, self)  # the rules' label in the till's language

    def status_text(self, status: str) -> str:
        return {"lost": self.tr("lost"), "frozen": self.tr("frozen"), "replaced": self.tr("replaced"),
                "active": self.tr("active")}.get(status, status)

    def _restyle(self) -> None:
        # a dynamic property only changes the look after the style is re-applied
        self.style().unpolish(self)
        self.style().polish(self)
