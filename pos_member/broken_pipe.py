"""A reader that stops early (`pos-member member list | head -1`) is not an error: no traceback, exit 141.

The standard way (Python's signal docs): when a write to stdout meets EPIPE, point stdout at /dev/null so the
interpreter's final flush does not raise again, and exit with 141 (128 + SIGPIPE), what a shell shows for a
C tool stopped the same way. Used by both `pos-member` and `pos-hq`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

BROKEN_PIPE_EXIT = 141


def quiet_on_broken_pipe(main: Callable[[], int]) -> int:
    try:
        code = main()
        sys.stdout.flush()  # inside the guard: a pipe closed after the last print breaks here
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE_EXIT
