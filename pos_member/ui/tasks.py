"""The one serialising worker every database call from the GUI goes through.

Shape borrowed from Anki's taskman: a single-thread executor runs the call, and a Qt signal carries the
result back to the main thread, where the caller's callback runs. One thread means one SQLite connection in
use at a time from the GUI and writes that never race each other; the GUI thread never waits on a disk
flush (a sale commits with synchronous=FULL).

Errors: a PosError is a refusal with a sentence the cashier can read and goes to `on_error` as it is.
Anything else is a bug or a broken database: it is logged with its traceback and reaches `on_error` as a
`Problem` carrying one sentence, never the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from pos_member.domain.errors import PosError

log = logging.getLogger(__name__)

OnDone = Callable[[Any], None]
OnError = Callable[[Exception], None]


class Problem(Exception):
    """An unexpected failure, reduced to a sentence for the screen; the traceback is in the log."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def describe_error(exc: BaseException) -> str:
    """The one sentence shown for any error."""
    if isinstance(exc, PosError):
        from pos_member.ui.messages import till_sentence

        return till_sentence(exc)
    if isinstance(exc, Problem):
        return str(exc)
    return str(exc) or type(exc).__name__


def _as_problem(exc: BaseException) -> Problem:
    try:
        import sqlalchemy.exc

        is_db = isinstance(exc, sqlalchemy.exc.SQLAlchemyError)
    except ImportError:  # pragma: no cover - SQLAlchemy is a hard dependency
        is_db = False
    if is_db:
        text = QCoreApplication.translate(
            "DbWorker", "The database could not do this ({0}); nothing was recorded. Details are in the log.")
    else:
        text = QCoreApplication.translate(
            "DbWorker", "An internal problem stopped this ({0}); nothing was recorded. Details are in the log.")
    return Problem(text.format(type(exc).__name__))


class DbWorker(QObject):
    """Runs callables one at a time on a background thread; callbacks run on the GUI thread."""

    _finished = Signal(object)  # a closure to run on the GUI thread
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-worker")
        self._pending = 0
        self._closed = False
        # Queued across threads automatically: the signal is emitted on the worker thread, and this
        # QObject lives on the GUI thread.
        self._finished.connect(self._run_on_main)

    @property
    def pending(self) -> int:
        return self._pending

    def run(self, fn: Callable[..., Any], *args: Any, on_done: OnDone | None = None,
            on_error: OnError | None = None, **kwargs: Any) -> Future[Any] | None:
        """Queue `fn(*args, **kwargs)`; `on_done(result)` or `on_error(exc)` later on the GUI thread."""
        if self._closed:
            log.warning("database worker closed; %s dropped", getattr(fn, "__name__", fn))
            return None
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        future = self._executor.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda fut: self._finished.emit(lambda: self._deliver(fut, on_done, on_error)))
        return future

    def _deliver(self, future: Future[Any], on_done: OnDone | None, on_error: OnError | None) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        exc = future.exception()
        if exc is None:
            if on_done is not None:
                on_done(future.result())
            return
        if not isinstance(exc, PosError):
            log.error("database task failed", exc_info=exc)
            exc = _as_problem(exc)
        if on_error is not None:
            on_error(exc)
        else:
            log.warning("unhandled refusal: %s", exc)

    def _run_on_main(self, closure: Callable[[], None]) -> None:
        try:
            closure()
        except Exception as exc:  # a bug in a GUI callback must not take the till down: logged, and said
            log.exception("callback of a database task failed")
            from pos_member.ui.application import report_problem

            report_problem(exc)

    def shutdown(self, wait: bool = True) -> None:
        """Finish what is queued (a sale being committed must land), then stop the thread."""
        self._closed = True
        self._executor.shutdown(wait=wait)
