"""Logs never carry a full phone: every record passes `MaskingFilter` on its way to a handler.

The filter formats the record's message (and its traceback) once and masks every mainland mobile number in
it the way the till shows one (138****1234, pos_member.domain.cardno.mask_phone). Names cannot be told from
other text, so they are kept out at the source: SQL parameters are never logged (hide_parameters on both
engines) and our own log lines name members by number. Standard library only (the HQ process uses it too).
"""

from __future__ import annotations

import logging
import re

from pos_member.domain.cardno import mask_phone

# a mobile number not inside a longer run of digits (card numbers are 13 digits, member numbers M + 11)
_PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])")


def mask_text(text: str) -> str:
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as logging does
            return True
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


def install(handler: logging.Handler) -> logging.Handler:
    if not any(isinstance(f, MaskingFilter) for f in handler.filters):
        handler.addFilter(MaskingFilter())
    return handler
