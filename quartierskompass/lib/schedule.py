"""Opening hours as people write them in German: „Di 9–12 Uhr, Do 14–17 Uhr“.

`parse_schedule` turns such text into weekly openings the Hilfelotse can ask („heute
geöffnet?“) and HSDS can export; text it cannot read raises `ScheduleError` with a German
message, so an import can name the record and the person can rephrase. `format_schedule` writes
openings back as text. No Django here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

DAYS = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
HSDS_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_DAY_WORDS = {
    "mo": 0,
    "montag": 0,
    "montags": 0,
    "mon": 0,
    "monday": 0,
    "di": 1,
    "dienstag": 1,
    "dienstags": 1,
    "tue": 1,
    "tuesday": 1,
    "mi": 2,
    "mittwoch": 2,
    "mittwochs": 2,
    "wed": 2,
    "wednesday": 2,
    "do": 3,
    "donnerstag": 3,
    "donnerstags": 3,
    "thu": 3,
    "thursday": 3,
    "fr": 4,
    "freitag": 4,
    "freitags": 4,
    "fri": 4,
    "friday": 4,
    "sa": 5,
    "samstag": 5,
    "samstags": 5,
    "sonnabend": 5,
    "sat": 5,
    "saturday": 5,
    "so": 6,
    "sonntag": 6,
    "sonntags": 6,
    "sun": 6,
    "sunday": 6,
}
_EVERY_DAY = ("täglich", "taeglich", "jeden tag", "daily")
_WORKDAYS = ("werktags", "werktäglich")
_DASH = r"\s*(?:-|–|—|bis)\s*"
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = re.compile(_TIME + r"\s*(?:uhr)?" + _DASH + _TIME + r"\s*(?:uhr)?")
_DAY = r"(?:" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")\.?"
_DAY_RANGE = re.compile(rf"\b({_DAY}){_DASH}({_DAY})(?![a-zäöü])")
_DAY_SINGLE = re.compile(rf"\b({_DAY})(?![a-zäöü])")
_NOT_WEEKLY = (
    "jeden 1.",
    "jeden 2.",
    "jeden 3.",
    "jeden 4.",
    "erste",
    "ersten",
    "letzten",
    "im monat",
    "monatlich",
    "nach vereinbarung",
    "nach absprache",
    "termin",
)


class ScheduleError(ValueError):
    """The text cannot be read as weekly opening hours; ``str()`` is German."""


@dataclass(frozen=True, order=True)
class Opening:
    day: int  # 0 = Monday
    opens: time
    closes: time

    def as_dict(self) -> dict[str, str | int]:
        return {
            "day": self.day,
            "opens": self.opens.strftime("%H:%M"),
            "closes": self.closes.strftime("%H:%M"),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Opening:
        return cls(
            int(data["day"]), time.fromisoformat(data["opens"]), time.fromisoformat(data["closes"])
        )


def _time(hours: str, minutes: str | None) -> time:
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0:
        return time(23, 59)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ScheduleError(f"„{hours}:{minutes or '00'}“ ist keine Uhrzeit.")
    return time(h, m)


def _day(word: str) -> int:
    return _DAY_WORDS[word.rstrip(".").lower()]


def _days(part: str) -> list[int]:
    lower = part.lower()
    if any(word in lower for word in _EVERY_DAY):
        return list(range(7))
    if any(word in lower for word in _WORKDAYS):
        return list(range(5))
    days: list[int] = []
    for match in _DAY_RANGE.finditer(lower):
        first, last = _day(match[1]), _day(match[2])
        days += (
            list(range(first, last + 1))
            if first <= last
            else [*range(first, 7), *range(0, last + 1)]
        )
    rest = _DAY_RANGE.sub(" ", lower)
    days += [_day(m[1]) for m in _DAY_SINGLE.finditer(rest)]
    return sorted(set(days))


def _segments(text: str) -> list[str]:
    """Split at commas and semicolons, but keep a day list together with its times."""
    raw = [s.strip() for s in re.split(r"[;,\n]|\bsowie\b", text) if s.strip()]
    segments, pending = [], ""
    for segment in raw:
        pending = f"{pending} {segment}".strip()
        if _RANGE.search(pending.lower()):
            segments.append(pending)
            pending = ""
    if pending:
        if segments and not _days(pending):
            segments[-1] += " " + pending
        else:
            segments.append(pending)
    return segments


def parse_schedule(text: str) -> list[Opening]:
    """Weekly openings from German text; empty text gives an empty list.

    Understood: day names and abbreviations (Mo, Dienstag, dienstags), ranges (Mo–Fr), lists
    (Mo, Mi und Fr), „täglich“, „werktags“, times like 9, 9:30, 9.30 with or without „Uhr“,
    several time ranges for the same days („Mo 9–12 und 14–16 Uhr“). Monthly rhythms and „nach
    Vereinbarung“ are not weekly hours and raise `ScheduleError`.
    """
    text = (text or "").strip()
    if not text:
        return []
    lower = text.lower()
    if any(word in lower for word in _NOT_WEEKLY):
        raise ScheduleError(
            f"„{text}“ ist keine wöchentliche Öffnungszeit (z. B. monatlich oder nach "
            "Vereinbarung); schreiben Sie die Zeiten als „Di 9–12 Uhr“ oder lassen Sie das "
            "Feld für die Suche nach Öffnungszeiten leer."
        )
    openings: set[Opening] = set()
    days: list[int] = []
    for segment in _segments(text):
        found = _days(segment) or days
        ranges = list(_RANGE.finditer(segment.lower()))
        if not found or not ranges:
            raise ScheduleError(
                f"„{segment}“ lässt sich nicht lesen. Schreiben Sie z. B. „Mo–Fr 9–12 Uhr, Do "
                "14–18 Uhr“."
            )
        days = found
        for match in ranges:
            opens, closes = _time(match[1], match[2]), _time(match[3], match[4])
            if closes <= opens:
                raise ScheduleError(f"„{match[0]}“: Das Ende liegt vor dem Beginn.")
            openings |= {Opening(day, opens, closes) for day in found}
    return sorted(openings)


def is_open(openings: list[Opening], day: int, at: time | None = None) -> bool:
    """Open on that weekday (and, if ``at`` is given, at that time)."""
    return any(o.day == day and (at is None or o.opens <= at < o.closes) for o in openings)


def _clock(value: time) -> str:
    return f"{value.hour}" if value.minute == 0 else f"{value.hour}:{value.minute:02d}"


def format_schedule(openings: list[Opening]) -> str:
    """„Mo–Fr 9–12 Uhr, Do 14–17 Uhr“: consecutive days with the same hours are joined."""
    by_hours: dict[tuple[time, time], list[int]] = {}
    for opening in sorted(openings):
        by_hours.setdefault((opening.opens, opening.closes), []).append(opening.day)
    parts = []
    for (opens, closes), days in sorted(by_hours.items(), key=lambda item: item[1][0]):
        parts.append(f"{_day_text(days)} {_clock(opens)}–{_clock(closes)} Uhr")
    return ", ".join(parts)


def _day_text(days: list[int]) -> str:
    groups: list[list[int]] = []
    for day in days:
        if groups and day == groups[-1][-1] + 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    return ", ".join(
        DAYS[g[0]]
        if len(g) == 1
        else f"{DAYS[g[0]]}–{DAYS[g[-1]]}"
        if len(g) > 2
        else f"{DAYS[g[0]]}, {DAYS[g[1]]}"
        for g in groups
    )
