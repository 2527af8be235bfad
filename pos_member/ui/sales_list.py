"""The last sales at this till, newest first; the selected one is what Ctrl+R refunds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from pos_member.domain.money import format_yuan


class SalesList(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        # three columns: at 1024 pixels the panel has room for a time, a name and one amount (a fourth,
        # "Refunded", fell off its right edge in English); a refund marks the amount instead
        super().__init__(0, 3, parent)
        self.setObjectName("salesList")
        self.rows: list[dict[str, Any]] = []
        self.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Member"), self.tr("Total")])
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)

    def show_sales(self, rows: list[dict[str, Any]], keep_selection: bool = False) -> None:
        """Newest first; the newest is selected (what Ctrl+R refunds) unless `keep_selection` keeps the
        row the cashier picked, e.g. to see its refund land."""
        selected = self.selected_sale() if keep_selection else None
        self.rows = rows
        self.setRowCount(len(rows))
        latest_day = rows[0]["business_time"][:10] if rows else ""
        for index, sale in enumerate(rows):
            refunded, when = sale["refunded_fen"], sale["business_time"]
            # the latest day's sales by their time, older ones by their date: the column stays narrow enough
            # for the amounts at 1024 pixels; the whole time is in the tooltip
            shown = when[11:16] if when[:10] == latest_day else when[5:10]
            total = format_yuan(sale["total_fen"])
            tip = when[:16].replace("T", " ")
            whole = refunded >= sale["total_fen"]
            if refunded:  # struck through once all of it is back, else marked; the amount is in the tooltip
                tip += "\n" + self.tr("Refunded ¥ {0} of ¥ {1}").format(format_yuan(refunded), total)
            values = (shown, sale["name"], f"↩ {total}" if refunded and not whole else total)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(tip)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if whole:
                        font = item.font()
                        font.setStrikeOut(True)
                        item.setFont(font)
                self.setItem(index, column, item)
        keep = next((i for i, s in enumerate(rows) if selected and s["sale_id"] == selected["sale_id"]), 0)
        if rows:
            self.selectRow(keep)

    def selected_sale(self) -> dict[str, Any] | None:
        row = self.currentRow()
        if 0 <= row < len(self.rows):
            return self.rows[row]
        return self.rows[0] if self.rows else None
