"""Small keyboard-first form dialogs: manager work, refunds, top-ups, settings.

A dialog never touches the database. It collects values and emits `submitted`; the window runs the service
on the database worker and calls back `done()` (close) or `fail(message)` (stay open, show one sentence,
keep what was typed). Dialogs are opened with open(), not exec(): no nested event loop, and tests drive
them like any widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, Signal
from PySide6.QtGui import QGuiApplication, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pos_member.config import Settings
from pos_member.ui.i18n import LANGUAGES
from pos_member.ui.number_fields import NumberField, SignedPointsField, YuanField

# Typing aids for codes; money and points are NumberFields instead, which never drop what was typed
_VALIDATORS = {"pin": r"[0-9]{0,8}", "phone": r"[0-9+ -]{0,20}", "date": r"[0-9-]{0,10}"}


def _screen_width(widget: QWidget | None) -> int:
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    return screen.availableGeometry().width() if screen is not None else 1024


@dataclass
class FieldSpec:
    key: str
    label: str
    kind: str = "text"  # text | amount (yuan) | pin | int (signed points) | phone | date | choice
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, shown text)
    initial: str = ""
    placeholder: str = ""
    required: bool = True  # for amount and int: may the field be left empty?
    name: str = ""  # the field's name in a refusal sentence; the label when empty


class FormDialog(QDialog):
    submitted = Signal(dict)

    def __init__(self, parent: QWidget | None, title: str, intro: str, fields: list[FieldSpec],
                 ok_text: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("formDialog")
        self.setMinimumWidth(min(520, _screen_width(parent) - 40))
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        self.busy = False
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro, objectName="dialogIntro")
            label.setWordWrap(True)
            layout.addWidget(label)
        form = QFormLayout()
        for spec in fields:
            widget = self._make_input(spec)
            self.inputs[spec.key] = widget
            self.labels[spec.key] = QLabel(spec.label)
            self.labels[spec.key].setWordWrap(True)  # a long Chinese label must not widen the dialog
            form.addRow(self.labels[spec.key], widget)
        layout.addLayout(form)
        self.error = QLabel(objectName="error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        if ok_text:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _make_input(self, spec: FieldSpec) -> QLineEdit | QComboBox:
        if spec.kind == "choice":
            combo = QComboBox(objectName=spec.key)
            for value, text in spec.choices:
                combo.addItem(text, value)
            index = combo.findData(spec.initial)
            combo.setCurrentIndex(max(0, index))
            return combo
        edit: QLineEdit
        if spec.kind == "amount":
            edit = YuanField(spec.name or spec.label, spec.key, required=spec.required)
        elif spec.kind == "int":
            edit = SignedPointsField(spec.name or spec.label, spec.key, required=spec.required)
        else:
            edit = QLineEdit(objectName=spec.key)
        edit.setText(spec.initial)
        edit.setPlaceholderText(spec.placeholder)
        if spec.kind in _VALIDATORS:
            edit.setValidator(QRegularExpressionValidator(QRegularExpression(_VALIDATORS[spec.kind]), edit))
        if spec.kind == "pin":
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        # Enter is handled once, in keyPressEvent (QLineEdit passes it on after returnPressed): it moves on
        # to the next field, and in the last one submits
        return edit

    def _next_or_submit(self) -> None:
        widgets = list(self.inputs.values())
        current = self.focusWidget()
        if current in widgets and widgets.index(current) < len(widgets) - 1:
            widgets[widgets.index(current) + 1].setFocus()
        else:
            self._submit()

    def values(self) -> dict[str, str]:
        out = {}
        for key, widget in self.inputs.items():
            out[key] = widget.currentData() if isinstance(widget, QComboBox) else widget.text().strip()
        return out

    def refusal(self) -> tuple[QLineEdit, str] | None:
        """The first typed figure the domain's parser refuses (that field is marked), with its sentence."""
        for widget in self.inputs.values():
            if isinstance(widget, NumberField):
                sentence = widget.refusal()
                if sentence is not None:
                    return widget, sentence
        return None

    def _submit(self) -> None:
        if self.busy:  # one submission at a time: a second Enter must not top up twice
            return
        refused = self.refusal()
        if refused is not None:  # checked here, so a refused figure never reaches a service
            widget, sentence = refused
            self.error.setText(sentence)
            widget.setFocus()
            widget.selectAll()
            return
        self.busy = True
        self.error.clear()
        self.buttons.setEnabled(False)
        self.submitted.emit(self.values())

    def refuse(self, exc: Exception) -> None:
        """A service refused what was submitted: its sentence names the field as this dialog labels it (the
        top-up's "amount" is "Paid (¥)" here, not the bill's amount), and that field is marked."""
        from pos_member.domain.errors import PosError
        from pos_member.ui.tasks import describe_error

        widget = self.inputs.get(exc.field or "") if isinstance(exc, PosError) else None
        if widget is None or exc.field == "manager_pin":
            self.fail(describe_error(exc))
            return
        from pos_member.ui.messages import till_sentence

        label = widget.name if isinstance(widget, NumberField) else self.labels[exc.field].text()
        self.fail(till_sentence(exc, field_name=label))
        if isinstance(widget, NumberField):
            widget.mark_invalid(True)
        widget.setFocus()

    def fail(self, message: str) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.error.setText(message)
        pin = self.inputs.get("manager_pin")
        if isinstance(pin, QLineEdit):  # a wrong PIN is retyped, not edited
            pin.clear()
            pin.setFocus()

    def done_ok(self) -> None:
        self.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # QDialog's default Enter handling would press OK past our field-by-field Enter
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._next_or_submit()
            return
        super().keyPressEvent(event)


def manager_pin_field(parent: QWidget) -> FieldSpec:
    return FieldSpec("manager_pin", QCoreApplication.translate("Dialogs", "Manager PIN"), "pin")


def settings_dialog(parent: QWidget, settings: Settings, decoders: list[str]) -> FormDialog:
    translate = QCoreApplication.translate
    languages = [(code, translate("Dialogs", "Follow the system") if code == "" else name)
                 for code, name in LANGUAGES.items()]
    decoder_choices = [(name, name) for name in (decoders or ["zxing"])]
    fields = [
        FieldSpec("language", translate("Dialogs", "Language"), "choice", languages, settings.language),
        FieldSpec("camera_source", translate("Dialogs", "Camera"), initial=settings.camera_source,
                  placeholder=translate("Dialogs", "0 = first camera; or a video file; or rtsp://…")),
        FieldSpec("decoder", translate("Dialogs", "QR decoder"), "choice", decoder_choices, settings.decoder),
        FieldSpec("printer_kind", translate("Dialogs", "Receipt printer"), "choice", [
            ("preview", translate("Dialogs", "Preview, then any printer or PDF")),
            ("system", translate("Dialogs", "System printer (by name)")),
            ("escpos_network", translate("Dialogs", "ESC/POS thermal printer on the network")),
            ("escpos_usb", translate("Dialogs", "ESC/POS thermal printer on USB")),
            ("escpos_file", translate("Dialogs", "ESC/POS thermal printer at a device path")),
        ], settings.printer_kind),
        FieldSpec("receipt_printer", translate("Dialogs", "Printer address"), initial=settings.receipt_printer,
                  placeholder=translate("Dialogs", "printer name, 192.168.1.50:9100, 04b8:0202 or /dev/usb/lp0")),
        # the data are bools, so the value goes into Settings.drawer_kick as it is
        FieldSpec("drawer_kick", translate("Dialogs", "Cash drawer"), "choice", [
            (False, translate("Dialogs", "Stays shut")),
            (True, translate("Dialogs", "Opens on cash sales and refunds (ESC/POS)")),
        ], settings.drawer_kick),
    ]
    intro = translate("Dialogs", "A new language is used from the next start; camera and decoder change at once.")
    return FormDialog(parent, translate("Dialogs", "Settings"), intro, fields)
