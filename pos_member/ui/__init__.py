"""The till's Qt user interface: the only package that imports PySide6 (and only app.py imports it)."""

from pos_member.ui.qt_compat import make_none_effectively_immortal

# Before any Qt call: PySide6 6.12.0 leaks a reference to None per void call (see qt_compat).
make_none_effectively_immortal()
