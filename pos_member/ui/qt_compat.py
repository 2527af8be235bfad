"""Work around PySide6 6.12.0 dropping references to None, True and False.

On that release each void call (label.setText, processEvents, ...) decrements None's reference count
without having incremented it, and Signal.emit() does the same to True. CPython 3.12+ made None immortal (PEP 683), so nothing
happens there; on 3.11 None's count (a few thousand at start) reaches zero after a few thousand calls -
about a minute of camera preview - and the interpreter aborts with "none_dealloc: deallocating None".

The same happens to True
after a few thousand signals, at the latest when the interpreter exits ("bool_dealloc").

The fix belongs in PySide6 (or the project moves to Python 3.12+ or another PySide6 release); until then
we do what 3.12 does: give these singletons a reference count so large the leak can never exhaust it
(2**40 refs, ~35 years at a thousand leaked calls a second). They are never deallocated anyway, so an
overcount is harmless. Applied once, only on CPython before 3.12, and only where the count field reads
as expected.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

NONE_BALLAST = 1 << 40
_applied = False


def make_none_effectively_immortal() -> bool:
    """Patch None, True and False; True when applied (False on 3.12+, where they are immortal)."""
    global _applied
    if _applied or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for singleton in (None, True, False):
        field = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt: the first field of every object
        observed = sys.getrefcount(singleton)
        if abs(field.value - observed) > 8:  # not the layout we expect (a debug build?): leave it alone
            log.warning("reference count of %r reads %d, expected about %d; not patched",
                        singleton, field.value, observed)
            return False
        field.value += NONE_BALLAST
    _applied = True
    return True
