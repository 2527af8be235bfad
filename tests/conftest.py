"""Shared fixtures: a real store file in a temp dir per test, and a clock the test can move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pos_member.services.context import Store, open_store
from pos_member.services.setup import init_store

MANAGER_PIN = "2468"
CHINA = timezone(timedelta(hours=8))


class MovableClock:
    """A clock a test sets and moves; the store reads it for business time and card expiry."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 24, 10, 0, tzinfo=CHINA))


@pytest.fixture
def store(tmp_path: Path, clock: MovableClock) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite3", clock=clock)
    init_store(opened, "001", "Test Store", MANAGER_PIN)
    yield opened
    opened.close()
