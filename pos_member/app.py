"""Composition root of the till app: settings, store file, services, workers, window; and shutdown order."""

from __future__ import annotations


def run_app(home: str | None) -> int:
    from pos_member.ui.main import run  # the only import of the ui package

    return run(home)
