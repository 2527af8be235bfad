"""What `pos-hq report ... --period` and `--store` mean, and how a report's rows are printed (text in yuan
and points, or CSV). Shared by the chain reports (sync.hq.report_points, report_liability, report_tiers)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pos_member.domain.money import format_yuan


class ReportRefused(ValueError):
    """Bad report arguments: the message names the option."""


@dataclass(frozen=True)
class Period:
    """Business days from `start` up to but not including `end` (ISO dates: the roll-ups' `day`)."""

    start: str
    end: str
    label: str


def parse_period(text: str) -> Period:
    """YYYY-MM (a month), or YYYY-MM-DD..YYYY-MM-DD (both days included)."""
    month = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text.strip())
    if month:
        year, number = int(month[1]), int(month[2])
        following = date(year + number // 12, number % 12 + 1, 1)
        return Period(f"{text.strip()}-01", following.isoformat(), text.strip())
    span = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text.strip())
    if span:
        try:
            first, last = date.fromisoformat(span[1]), date.fromisoformat(span[2])
        except ValueError:
            span = None
        else:
            if last < first:
                raise ReportRefused(f"--period must end on or after its first day, not {text!r}")
            return Period(first.isoformat(), (last + timedelta(days=1)).isoformat(), text.strip())
    raise ReportRefused(f"--period must be a month as YYYY-MM or days as YYYY-MM-DD..YYYY-MM-DD, not {text!r}")


def check_store(code: str | None) -> str | None:
    if code is not None and not re.fullmatch(r"\d{3}|HQ", code):
        raise ReportRefused(f"--store must be a store code of 3 digits, not {code!r}")
    return code


def render(report: dict[str, Any], columns: list[tuple[str, str]], as_csv: bool) -> str:
    """The report's rows (and its totals row) as text or CSV. `columns` are (key, heading); a key ending in
    _fen is shown in yuan, any other number as it is (points, counts)."""
    rows = [*report["rows"], *([report["totals"] | {columns[0][0]: "total"}] if report.get("totals") else [])]
    if as_csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([heading for _, heading in columns])
        for row in rows:
            writer.writerow([_cell(row.get(key), key) for key, _ in columns])
        return out.getvalue().rstrip("\n")
    table = [[heading for _, heading in columns]] + [[_cell(row.get(key), key) for key, _ in columns] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = [report["title"]] + [
        "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line))
        for line in table]
    return "\n".join(lines + report.get("notes", []))


def _cell(value: Any, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and key.endswith("_fen"):
        return format_yuan(value)
    return str(value)
