"""What every import reports back: row errors in German, and what was created or refused.

Imports are atomic: a file with errors changes nothing, unless the person asked to skip the
bad rows. The same report is shown in the preview page, printed by the commands and returned
by the API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class ImportAborted(Exception):
    """Raised inside the import transaction to roll back a file with errors."""


@dataclass(frozen=True)
class RowError:
    row: int | None  # as the person sees it in their spreadsheet; None for the whole file
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = _("Row %(row)s, column “%(column)s”") % {"row": self.row, "column": self.column}
        value = f" (“{self.value}”)" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass
class ImportReport:
    """Counts per kind of record (“activities”, “actors”) and action, plus every problem."""

    dry_run: bool = False
    skip_invalid: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    rows: int = 0

    def error(self, row: int | None, column: str, value: object, message: str) -> None:
        text = "" if value is None else str(value)
        self.errors.append(RowError(row, column, text[:80], message))

    def count(self, kind: str, action: str, n: int = 1) -> None:
        self.counts[(kind, action)] += n

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors if e.row is not None}

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row is None]

    @property
    def ok(self) -> bool:
        """True when the file may be (or was) imported."""
        if self.file_errors:
            return False
        return self.skip_invalid or not self.errors

    def summary(self, labels: dict[str, tuple[str, str]]) -> str:
        """“13 Aktivitäten angelegt, 2 aktualisiert, 10 Akteure angelegt; 0 abgelehnt”.

        ``labels`` maps a kind to its singular and plural noun.
        """
        parts = []
        for (kind, action), n in sorted(self.counts.items(), key=lambda item: item[0]):
            singular, plural = labels[kind]
            verb = {"created": _("created"), "updated": _("updated"), "unchanged": _("unchanged")}[
                action
            ]
            parts.append(f"{n} {singular if n == 1 else plural} {verb}")
        rejected = len(self.bad_rows)
        tail = ngettext("%(n)s row rejected", "%(n)s rows rejected", rejected) % {"n": rejected}
        if self.dry_run:
            tail += " – " + _("test run, nothing was saved")
        return (", ".join(parts) or _("nothing imported")) + "; " + tail


def upload_limit_bytes() -> int:
    return settings.QK_MAX_UPLOAD_MB * 1024 * 1024


def upload_dir() -> Path:
    path = settings.DATA_DIR / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path
