"""Dates as users type them (``31.12.2025``) or as spreadsheets store them.

Two-digit years are refused instead of guessed: ``31.12.25`` could be 1925 or 2025, and a wrong
century in a funding report is worse than asking once.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_FORMAT_HINT = "(TT.MM.JJJJ)"
# A time after the date ("31.12.2025 00:00", "2025-12-31T00:00:00") is what spreadsheets and
# databases write for a plain date; it is accepted and dropped.
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_GERMAN_RE = re.compile(rf"^(?P<d>[0-9]{{1,2}})\.(?P<m>[0-9]{{1,2}})\.(?P<y>[0-9]+){_TIME}$")
_ISO_RE = re.compile(rf"^(?P<y>[0-9]{{4}})-(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}}){_TIME}$")


class DateError(ValueError):
    """A value is not a date; ``str()`` is a German sentence for end users."""

    def __init__(self, message: str, *, text: str = "") -> None:
        super().__init__(message)
        self.text = text


def parse_date(value: str | date | datetime | None) -> date | None:
    """Read ``31.12.2025``, ``1.2.2025``, ``2025-12-31`` or a date/datetime from a spreadsheet.

    Blank text and ``None`` give ``None``. Two-digit years, a year alone and impossible dates
    such as ``31.02.2025`` raise :class:`DateError` with a German message.
    """
    if value is None:
        return None
    if isinstance(value, datetime):  # check first: datetime is a subclass of date
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        # A number here is usually an Excel date serial in a cell formatted as number.
        raise DateError(f"„{value}“ ist kein gültiges Datum {_FORMAT_HINT}.", text=str(value))
    text = value.strip()
    if not text:
        return None
    match = _GERMAN_RE.match(text) or _ISO_RE.match(text)
    if match is None:
        if re.fullmatch(r"[0-9]{4}", text) or re.fullmatch(r"[0-9]{1,2}[./][0-9]{4}", text):
            raise DateError(
                f"„{text}“ ist kein vollständiges Datum – bitte Tag, Monat und Jahr angeben "
                f"{_FORMAT_HINT}.",
                text=value,
            )
        raise DateError(f"„{text}“ ist kein gültiges Datum {_FORMAT_HINT}.", text=value)
    if len(match["y"]) != 4:
        raise DateError(f"„{text}“: Bitte das Jahr vierstellig angeben {_FORMAT_HINT}.", text=value)
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as exc:
        raise DateError(f"„{text}“ ist kein gültiges Datum {_FORMAT_HINT}.", text=value) from exc


def format_date_de(d: date) -> str:
    """Write a date the German way: ``31.12.2025``."""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
