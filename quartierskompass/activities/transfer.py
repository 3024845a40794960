"""Activities as a spreadsheet: export, template and import (XLSX or CSV, German headers).

An export imported into an empty project gives the same activities and so the same matrix.
The import checks every row first and writes nothing while any row is bad, unless the person
chose to skip the bad rows. Rows with a known ``Kennung`` update that activity.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities import services
from quartierskompass.activities.models import Activity, Need, Status, TargetGroup
from quartierskompass.actors.models import Actor
from quartierskompass.actors.services import ensure_actors
from quartierskompass.areas.models import Area
from quartierskompass.core.imports import ImportAborted, ImportReport
from quartierskompass.lib import tabular
from quartierskompass.lib.dates import DateError, parse_date
from quartierskompass.lib.languages import LANGUAGES
from quartierskompass.lib.numbers import SUPPRESSED, NumberError, parse_int, parse_number
from quartierskompass.soni.model import FIELD_ORDER, equal_shares
from quartierskompass.soni.models import Principle, WorkForm

MAX_ROWS = 20_000
LIST_SEPARATORS = (";", ",", "\n")
STATUS_WORDS = {
    "geplant": Status.PLANNED,
    "planned": Status.PLANNED,
    "aktiv": Status.ACTIVE,
    "active": Status.ACTIVE,
    "läuft": Status.ACTIVE,
    "beendet": Status.ENDED,
    "ended": Status.ENDED,
    "abgeschlossen": Status.ENDED,
}
STATUS_EXPORT = {Status.PLANNED: "geplant", Status.ACTIVE: "aktiv", Status.ENDED: "beendet"}
YES = {"ja", "j", "yes", "y", "x", "true", "wahr", "1"}
NO = {"nein", "n", "no", "false", "falsch", "0"}


def kinds() -> dict[str, tuple[str, str]]:
    """Singular and plural nouns for the import summary, in the active language."""
    return {
        "activities": (_("activity"), _("activities")),
        "actors": (_("actor"), _("actors")),
    }


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    help: str
    required: bool = False


COLUMNS = [
    Column(
        "Kennung",
        "uid",
        "Eindeutige Kennung aus einem Export; leer lassen für neue "
        "Aktivitäten. Eine bekannte Kennung aktualisiert die Aktivität.",
    ),
    Column("Titel", "title", "Name der Aktivität, höchstens 200 Zeichen.", required=True),
    Column("Beschreibung", "description", "Freitext."),
    Column("Status", "status", "geplant, aktiv oder beendet (leer: aktiv)."),
    Column("Beginn", "start", "Datum TT.MM.JJJJ.", required=True),
    Column("Ende", "end", "Datum TT.MM.JJJJ; leer, wenn die Aktivität weiterläuft."),
    Column(
        "Felder",
        "fields",
        "SONI-Felder, z. B. „N, I“ – gleichmäßig aufgeteilt. Oder die "
        "vier Anteilsspalten ausfüllen.",
    ),
    Column("Anteil S (%)", "share_s", "Ganze Prozent; die vier Anteile ergeben zusammen 100."),
    Column("Anteil O (%)", "share_o", "Ganze Prozent."),
    Column("Anteil N (%)", "share_n", "Ganze Prozent."),
    Column("Anteil I (%)", "share_i", "Ganze Prozent."),
    Column(
        "Arbeitsformen",
        "work_forms",
        "Codes, durch Semikolon getrennt (siehe Blatt "
        "„Codes“); nur Arbeitsformen der gewählten Felder.",
    ),
    Column("Prinzipien", "principles", "Codes, durch Semikolon getrennt."),
    Column("Bedarfe", "needs", "Codes oder Bezeichnungen, durch Semikolon getrennt."),
    Column("Zielgruppen", "target_groups", "Codes oder Bezeichnungen, durch Semikolon getrennt."),
    Column("Hauptamtliche Stunden pro Jahr", "staff_hours", "Zahl, z. B. 1.200 oder 12,5."),
    Column("Ehrenamtliche Stunden pro Jahr", "volunteer_hours", "Zahl."),
    Column("Budget EUR pro Jahr", "budget", "Zahl in Euro."),
    Column("Erreichte Personen pro Jahr", "reach", "Ganze Zahl, Schätzung genügt."),
    Column("Verantwortlich", "responsible", "Name eines Akteurs; neue Namen werden angelegt."),
    Column("Partner", "partners", "Namen von Akteuren, durch Semikolon getrennt."),
    Column("Gebietssystem", "area_system", "z. B. berlin-plr-2021 (zusammen mit Gebiet)."),
    Column("Gebiet", "area_code", "Code des Gebiets im Gebietssystem, z. B. 05100206."),
    Column("Breitengrad", "latitude", "Dezimalgrad, z. B. 52,5563."),
    Column("Längengrad", "longitude", "Dezimalgrad, z. B. 13,1736."),
    Column("Öffentliches Angebot", "published", "ja oder nein."),
    Column("Öffnungszeiten", "schedule", "Freitext, z. B. „Di 15–18 Uhr“."),
    Column("Kosten", "cost", "Freitext."),
    Column("Kostenlos", "free_of_charge", "ja, nein oder leer."),
    Column("Sprachen", "languages", "Sprachcodes, durch Semikolon getrennt (siehe Blatt „Codes“)."),
    Column("Barrierefrei", "barrier_free", "ja, nein oder leer."),
    Column("Hinweise Barrierefreiheit", "accessibility", "Freitext."),
    Column("Kontakt", "contact_name", "Dienstliche Stelle oder Funktion, keine Privatpersonen."),
    Column("Telefon", "contact_phone", "Dienstliche Telefonnummer."),
    Column("E-Mail", "contact_email", "Dienstliche E-Mail-Adresse."),
    Column("Website", "website", "Adresse mit https://."),
    Column("Wer kommen kann", "eligibility", "Freitext."),
    Column("Mindestalter", "min_age", "Ganze Zahl."),
    Column("Höchstalter", "max_age", "Ganze Zahl."),
    Column("Geprüft am", "verified_at", "Datum TT.MM.JJJJ, an dem die Angaben geprüft wurden."),
]
HEADERS = [c.header for c in COLUMNS]
BY_KEY = {c.key: c for c in COLUMNS}
SHARE_KEYS = [f"share_{code.lower()}" for code in FIELD_ORDER]
TEXT_KEYS = [
    "title",
    "description",
    "schedule",
    "cost",
    "accessibility",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "eligibility",
]


# --- Export ------------------------------------------------------------------------------------


def _join(values) -> str:
    return "; ".join(values)


def export_rows(project: Project) -> list[list[Any]]:
    activities = (
        Activity.objects.filter(project=project)
        .select_related("responsible", "area")
        .prefetch_related("partners", "work_forms", "principles", "needs", "target_groups")
        .order_by("title", "pk")
    )
    return [[_export_value(activity, c.key) for c in COLUMNS] for activity in activities]


def _export_value(a: Activity, key: str) -> Any:
    special: dict[str, Callable[[Activity], Any]] = {
        "uid": lambda a: str(a.uid),
        "status": lambda a: STATUS_EXPORT[a.status],
        "fields": lambda a: ", ".join(a.fields()),
        "work_forms": lambda a: _join(w.code for w in a.work_forms.all()),
        "principles": lambda a: _join(p.code for p in a.principles.all()),
        "needs": lambda a: _join(n.code for n in a.needs.all()),
        "target_groups": lambda a: _join(g.code for g in a.target_groups.all()),
        "responsible": lambda a: a.responsible.name if a.responsible else "",
        "partners": lambda a: _join(p.name for p in a.partners.all()),
        "area_system": lambda a: a.area.code_system if a.area else "",
        "area_code": lambda a: a.area.code if a.area else "",
        "published": lambda a: "ja" if a.published else "nein",
        "free_of_charge": lambda a: _yes_no(a.free_of_charge),
        "barrier_free": lambda a: _yes_no(a.barrier_free),
        "languages": lambda a: _join(a.languages),
    }
    if key in special:
        return special[key](a)
    value = getattr(a, key)
    return "" if value is None else value


def _yes_no(value: bool | None) -> str:
    return {True: "ja", False: "nein"}.get(value, "")


def code_rows() -> list[list[str]]:
    """The sheet „Codes“: every code a cell may use, with its meaning."""
    rows = [["Arbeitsform", w.code, f"{w.field}: {w.label_de}"] for w in WorkForm.objects.all()]
    rows += [["Prinzip", p.code, p.label_de] for p in Principle.objects.all()]
    rows += [["Bedarf", n.code, n.label_de] for n in Need.objects.filter(active=True)]
    rows += [["Zielgruppe", g.code, g.label_de] for g in TargetGroup.objects.filter(active=True)]
    rows += [["Sprache", code, names[0]] for code, names in LANGUAGES.items()]
    return rows


def write_export(stream, *, project: Project | None, fmt: str) -> None:
    """Write the project's activities (or, with ``project=None``, an empty template)."""
    rows = export_rows(project) if project else []
    if fmt == "csv":
        tabular.write_csv(stream, HEADERS, rows)
        return
    help_rows = [[c.header, "ja" if c.required else "", c.help] for c in COLUMNS]
    tabular.write_xlsx(
        stream,
        [
            ("Aktivitäten", HEADERS, rows),
            ("Codes", ["Art", "Code", "Bedeutung"], code_rows()),
            ("Hinweise", ["Spalte", "Pflicht", "Was hineingehört"], help_rows),
        ],
        header_help={c.header: c.help for c in COLUMNS},
    )


# --- Import ------------------------------------------------------------------------------------


class _RowParser:
    """Turns one spreadsheet row into activity values, noting every problem in the report."""

    def __init__(self, project: Project, report: ImportReport) -> None:
        self.project = project
        self.report = report
        self.lookups = {
            "work_forms": _lookup(WorkForm.objects.all()),
            "principles": _lookup(Principle.objects.all()),
            "needs": _lookup(Need.objects.all()),
            "target_groups": _lookup(TargetGroup.objects.all()),
        }
        self.row = 0

    def fail(self, key: str, value: object, message: str) -> None:
        self.report.error(self.row, BY_KEY[key].header if key in BY_KEY else key, value, message)

    def text(self, values: dict, key: str) -> str:
        value = values.get(key)
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return tabular.strip_csv_guard(str(value)).strip()

    def number(self, values: dict, key: str, *, whole: bool = False):
        raw = values.get(key)
        try:
            value = (parse_int if whole else parse_number)(raw)
        except NumberError as error:
            self.fail(key, raw, str(error))
            return None
        if value is SUPPRESSED:
            return None
        if value is not None and value < 0:
            self.fail(key, raw, _("Negative values are not allowed."))
            return None
        return value

    def day(self, values: dict, key: str) -> date | None:
        raw = values.get(key)
        try:
            return parse_date(raw)
        except DateError as error:
            self.fail(key, raw, str(error))
            return None

    def yes_no(self, values: dict, key: str) -> bool | None:
        raw = values.get(key)
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
        self.fail(key, raw, _("Write “ja” or “nein” (or leave the cell empty)."))
        return None

    def items(self, values: dict, key: str) -> list[str]:
        text = self.text(values, key)
        for separator in LIST_SEPARATORS[1:]:
            text = text.replace(separator, LIST_SEPARATORS[0])
        return [item.strip() for item in text.split(LIST_SEPARATORS[0]) if item.strip()]

    def codes(self, values: dict, key: str) -> list:
        found, unknown = [], []
        for item in self.items(values, key):
            obj = self.lookups[key].get(item.casefold())
            (found if obj else unknown).append(obj or item)
        if unknown:
            self.fail(
                key, ", ".join(unknown), _("Unknown code – see the sheet “Codes” of the template.")
            )
        return found

    def shares(self, values: dict) -> dict[str, int] | None:
        given = {key: self.number(values, key, whole=True) for key in SHARE_KEYS}
        fields = [f.upper() for f in self.items(values, "fields")]
        if any(v is not None for v in given.values()):
            shares = {
                code: int(given[key] or 0)
                for code, key in zip(FIELD_ORDER, SHARE_KEYS, strict=True)
            }
            if sum(shares.values()) != 100:
                self.fail(
                    "share_s",
                    sum(shares.values()),
                    _("The four shares must add up to 100 (now %(sum)s).")
                    % {"sum": sum(shares.values())},
                )
                return None
            return shares
        unknown = [f for f in fields if f not in FIELD_ORDER]
        if unknown or not fields:
            self.fail(
                "fields",
                ", ".join(fields),
                _("Give the SONI fields (S, O, N, I) or the four shares."),
            )
            return None
        return equal_shares(fields)

    def area(self, values: dict) -> Area | None:
        system, code = self.text(values, "area_system"), self.text(values, "area_code")
        if not system and not code:
            return None
        area = Area.objects.filter(code_system=system, code=code).first()
        if area is None:
            self.fail(
                "area_code",
                f"{system} {code}".strip(),
                _("No area with this code in this code system."),
            )
        return area

    def languages(self, values: dict) -> list[str]:
        codes = [c.lower() for c in self.items(values, "languages")]
        unknown = [c for c in codes if c not in LANGUAGES]
        if unknown:
            self.fail("languages", ", ".join(unknown), _("Unknown language code."))
        return [c for c in codes if c in LANGUAGES]

    def parse(self, row: tabular.Row, headers: dict[str, str]) -> dict[str, Any] | None:
        self.row = row.number
        values = {key: row.get(header) for key, header in headers.items()}
        errors_before = len(self.report.errors)
        status_word = self.text(values, "status").lower() or "aktiv"
        status = STATUS_WORDS.get(status_word)
        if status is None:
            self.fail("status", status_word, _("Write “geplant”, “aktiv” or “beendet”."))
        uid = self.text(values, "uid")
        try:
            uid = uuid.UUID(uid) if uid else None
        except ValueError:
            self.fail("uid", uid, _("This is not an identifier from an export."))
            uid = None
        data: dict[str, Any] = {key: self.text(values, key) for key in TEXT_KEYS}
        data.update(
            status=status,
            start=self.day(values, "start"),
            end=self.day(values, "end"),
            staff_hours=self.number(values, "staff_hours"),
            volunteer_hours=self.number(values, "volunteer_hours"),
            budget=self.number(values, "budget"),
            reach=self.number(values, "reach", whole=True),
            latitude=_float(self.number(values, "latitude")),
            longitude=_float(self.number(values, "longitude")),
            published=bool(self.yes_no(values, "published")),
            free_of_charge=self.yes_no(values, "free_of_charge"),
            barrier_free=self.yes_no(values, "barrier_free"),
            languages=self.languages(values),
            min_age=self.number(values, "min_age", whole=True),
            max_age=self.number(values, "max_age", whole=True),
            verified_at=self.day(values, "verified_at"),
            area=self.area(values),
        )
        data["area_locked"] = data["area"] is not None
        if not data["title"]:
            self.fail("title", "", _("Every activity needs a title."))
        if data["start"] is None and not self.text(values, "start"):
            self.fail("start", "", _("Every activity needs a start date."))
        shares = self.shares(values)
        related = {key: self.codes(values, key) for key in self.lookups}
        if len(self.report.errors) > errors_before or shares is None:
            return None
        data.update({key: shares[code] for code, key in zip(FIELD_ORDER, SHARE_KEYS, strict=True)})
        return {
            "uid": uid,
            "data": data,
            "related": related,
            "responsible": self.text(values, "responsible"),
            "partners": self.items(values, "partners"),
        }

    def validate(self, parsed: dict[str, Any]) -> bool:
        """Run the model's own checks on the row, as the form would."""
        activity = Activity(project=self.project, **parsed["data"])
        try:
            activity.full_clean(exclude=["project", "responsible"])
            services.check_work_forms(activity, parsed["related"])
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                column = key if key in BY_KEY else "share_s" if key == "__all__" else key
                value = parsed["data"].get(key, "")
                for message in messages:
                    self.fail(column, value, message)
            return False
        return True


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _lookup(queryset) -> dict[str, Any]:
    """Codes and German labels, case-insensitive, point to the same object."""
    table = {}
    for obj in queryset:
        table[obj.code.casefold()] = obj
        table[obj.label_de.casefold()] = obj
    return table


def _match_headers(table: tabular.Table, report: ImportReport) -> dict[str, str] | None:
    known = {c.header.casefold(): c for c in COLUMNS}
    headers = {}
    for header in table.headers:
        column = known.get(header.casefold())
        if column:
            headers[column.key] = header
        else:
            report.warnings.append(
                _("The column “%(column)s” is not known and was ignored.") % {"column": header}
            )
    missing = [BY_KEY[k].header for k in ("title", "start") if k not in headers]
    if not any(k in headers for k in ("fields", *SHARE_KEYS)):
        missing.append("Felder / Anteil S (%) …")
    if missing:
        report.error(
            None,
            "",
            "",
            _(
                "Required columns are missing: %(columns)s. Download the "
                "template to see every column."
            )
            % {"columns": ", ".join(missing)},
        )
        return None
    return headers


def read_file(source, *, filename: str, sheet: str | None = None) -> tabular.Table:
    return tabular.read_table(source, filename=filename, sheet=sheet, max_rows=MAX_ROWS)


def import_activities(
    *,
    project: Project,
    source: bytes | Path,
    filename: str,
    user: User | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    sheet: str | None = None,
) -> ImportReport:
    """Check every row, then create or update the activities – all or nothing.

    ``dry_run`` checks and counts without saving; ``skip_invalid`` imports the good rows of a
    file with bad ones.
    """
    report = ImportReport(dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        table = read_file(source, filename=filename, sheet=sheet)
    except tabular.TableError as error:
        report.error(None, "", "", str(error))
        for problem in error.problems:
            report.error(None, "", "", problem)
        return report
    report.rows = len(table.rows)
    headers = _match_headers(table, report)
    if headers is None:
        return report
    parser = _RowParser(project, report)
    rows = []
    for row in table.rows:
        parsed = parser.parse(row, headers)
        if parsed and parser.validate(parsed):
            rows.append((row.number, parsed))
    _check_duplicate_uids(rows, report)
    if not report.ok:
        return report
    rows = [(n, p) for n, p in rows if n not in report.bad_rows]
    with contextlib.suppress(ImportAborted):  # a dry run rolls back on purpose
        _write(project=project, rows=rows, user=user, report=report)
    return report


def _check_duplicate_uids(rows, report: ImportReport) -> None:
    seen: dict[uuid.UUID, int] = {}
    for number, parsed in rows:
        uid = parsed["uid"]
        if uid and uid in seen:
            report.error(
                number,
                "Kennung",
                str(uid),
                _("The same identifier is already in row %(row)s.") % {"row": seen[uid]},
            )
        elif uid:
            seen[uid] = number


@transaction.atomic
def _write(*, project: Project, rows, user, report: ImportReport) -> None:
    names = {name for _n, p in rows for name in [p["responsible"], *p["partners"]] if name}
    existing_actors = set(Actor.objects.filter(project=project).values_list("name", flat=True))
    existing = {a.uid: a for a in Activity.with_deleted.filter(project=project)}
    actors = {a.name.casefold(): a for a in ensure_actors(project=project, names=sorted(names))}
    report.count(
        "actors",
        "created",
        len({n.casefold() for n in names} - {n.casefold() for n in existing_actors}),
    )
    for _number, parsed in rows:
        data = {**parsed["data"], "responsible": actors.get(parsed["responsible"].casefold())}
        related = {
            **parsed["related"],
            "partners": [actors[p.casefold()] for p in parsed["partners"]],
        }
        activity = existing.get(parsed["uid"])
        if activity is None:
            if parsed["uid"]:
                data["uid"] = parsed["uid"]
            services.create_activity(project=project, user=user, data=data, related=related)
            report.count("activities", "created")
        else:
            activity.deleted_at = None
            services.update_activity(
                activity=activity, user=user, data=data, related=related, expected_version=None
            )
            report.count("activities", "updated")
    if report.dry_run:
        raise ImportAborted  # roll back: a test run counts what would happen, nothing more
