"""The till's Qt user interface: the only package that imports PySide6 (and only app.py imports it)."""
