"""Spreadsheet round trip: export, template, import with preview, CLI – and bad files."""

from __future__ import annotations

import io
import json
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quartierskompass.accounts.models import Project
from quartierskompass.activities import transfer
from quartierskompass.activities.models import Activity
from quartierskompass.actors.models import Actor
from quartierskompass.soni.matrix import Period, compute
from tests.factories import make_activity

HEADERS = transfer.HEADERS


def xlsx(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(project, data: bytes, filename: str = "a.xlsx", **options):
    return transfer.import_activities(
        project=project, source=data, filename=filename, user=None, **options
    )


GOOD = {
    "Titel": "Nachbarschaftscafé",
    "Beginn": "01.01.2025",
    "Felder": "N, I",
    "Hauptamtliche Stunden pro Jahr": "1.200",
    "Bedarfe": "Einsamkeit & Begegnung",
    "Verantwortlich": "Kirchengemeinde",
    "Partner": "Verein; Schule",
}


@pytest.fixture
def leeres_projekt(db):
    return Project.objects.create(slug="leer", name="Leeres Projekt")


def test_an_export_imported_into_an_empty_project_gives_the_same_matrix(projekt, leeres_projekt):
    from quartierskompass.activities import demo

    demo.load(projekt)
    make_activity(projekt, '=HYPERLINK("http://x")', fields="S", budget=99)
    for fmt in ("xlsx", "csv"):
        target = Project.objects.create(slug=f"ziel-{fmt}", name=fmt)
        buffer = io.BytesIO()
        transfer.write_export(buffer, project=projekt, fmt=fmt)
        report = run_import(target, buffer.getvalue(), filename=f"export.{fmt}")
        assert report.ok and not report.errors, [str(e) for e in report.errors]
        assert (
            report.counts[("activities", "created")]
            == Activity.objects.filter(project=projekt).count()
        )
        for measure in ("count", "staff_hours", "volunteer_hours", "budget", "reach"):
            for year in (2024, 2025, 2026):
                kwargs = {"period": Period.year(year), "measure": measure}
                original = compute(Activity.objects.filter(project=projekt), **kwargs)
                copy = compute(Activity.objects.filter(project=target), **kwargs)
                assert copy.cells == pytest.approx(original.cells), (fmt, measure, year)
                assert (copy.missing, copy.bridges) == (original.missing, original.bridges)
        copied = Activity.objects.get(project=target, title='=HYPERLINK("http://x")')
        assert copied.budget == Decimal("99.00")


def test_the_csv_export_guards_against_formulas(projekt):
    make_activity(projekt, "=1+1", fields="S")
    buffer = io.BytesIO()
    transfer.write_export(buffer, project=projekt, fmt="csv")
    assert ";'=1+1;" in buffer.getvalue().decode("utf-8-sig")


def test_the_xlsx_export_stores_formula_like_titles_as_text(projekt):
    make_activity(projekt, "=SUMME(A1:A9)", fields="S")
    buffer = io.BytesIO()
    transfer.write_export(buffer, project=projekt, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Aktivitäten"]
    cell = sheet.cell(row=2, column=HEADERS.index("Titel") + 1)
    assert (cell.value, cell.data_type) == ("=SUMME(A1:A9)", "s")


def test_the_template_has_headers_codes_and_help(db):
    buffer = io.BytesIO()
    transfer.write_export(buffer, project=None, fmt="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["Aktivitäten", "Codes", "Hinweise"]
    assert [c.value for c in book["Aktivitäten"][1]] == HEADERS
    assert book["Aktivitäten"].max_row == 1
    codes = {row[1] for row in book["Codes"].iter_rows(min_row=2, values_only=True)}
    assert {"i-case-management", "wohnen", "senioren", "tr"} <= codes


def test_import_creates_activities_actors_and_relations(projekt):
    report = run_import(projekt, xlsx([GOOD]))
    assert report.summary(transfer.kinds()) == (
        "1 Aktivität angelegt, 3 Akteure angelegt; 0 Zeilen abgelehnt"
    )
    activity = Activity.objects.get()
    assert activity.shares() == {"S": 0, "O": 0, "N": 50, "I": 50}
    assert activity.staff_hours == Decimal(1200)
    assert activity.responsible.name == "Kirchengemeinde"
    assert sorted(activity.partners.values_list("name", flat=True)) == ["Schule", "Verein"]
    assert list(activity.needs.values_list("code", flat=True)) == ["einsamkeit-begegnung"]


def test_a_dry_run_counts_but_saves_nothing(projekt):
    report = run_import(projekt, xlsx([GOOD]), dry_run=True)
    assert report.counts[("activities", "created")] == 1
    assert "Testlauf" in report.summary(transfer.kinds())
    assert not Activity.objects.exists() and not Actor.objects.exists()


def test_reimporting_an_export_updates_by_identifier(projekt):
    activity = make_activity(projekt, "Mittagstisch", fields="NI", staff_hours=100)
    buffer = io.BytesIO()
    transfer.write_export(buffer, project=projekt, fmt="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book["Aktivitäten"]
    sheet.cell(row=2, column=HEADERS.index("Hauptamtliche Stunden pro Jahr") + 1).value = 150
    changed = io.BytesIO()
    book.save(changed)
    report = run_import(projekt, changed.getvalue())
    assert report.counts[("activities", "updated")] == 1
    activity.refresh_from_db()
    assert (activity.staff_hours, activity.version) == (Decimal(150), 2)
    assert Activity.objects.count() == 1


BAD_ROWS = [
    ({"Felder": "", "Anteil N (%)": 70, "Anteil I (%)": 20}, "Anteil S (%)", "100"),
    ({"Hauptamtliche Stunden pro Jahr": "-5"}, "Hauptamtliche Stunden pro Jahr", "Negative"),
    ({"Hauptamtliche Stunden pro Jahr": "viel"}, "Hauptamtliche Stunden pro Jahr", "keine Zahl"),
    ({"Ende": "31.12.2024"}, "Ende", "vor dem Beginn"),
    ({"Beginn": "31.02.2025"}, "Beginn", "kein gültiges Datum"),
    ({"Beginn": ""}, "Beginn", "Beginn"),
    ({"Bedarfe": "wohnen; Weltfrieden"}, "Bedarfe", "Unbekannter Code"),
    ({"Arbeitsformen": "s-analyse"}, "Arbeitsformen", "Feldern ohne Anteil"),
    ({"Status": "irgendwann"}, "Status", "geplant"),
    ({"Felder": "X"}, "Felder", "SONI-Felder"),
    ({"Sprachen": "de; klingonisch"}, "Sprachen", "Sprachcode"),
    ({"Titel": ""}, "Titel", "Titel"),
    ({"Kennung": "123"}, "Kennung", "Kennung"),
    ({"Kostenlos": "vielleicht"}, "Kostenlos", "ja"),
    ({"Status": "beendet"}, "Ende", "Enddatum"),
]


@pytest.mark.parametrize(("change", "column", "fragment"), BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_stored(projekt, change, column, fragment):
    report = run_import(projekt, xlsx([GOOD, {**GOOD, "Titel": "Zweite", **change}]))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert fragment in report.errors[0].message, str(report.errors[0])
    assert not Activity.objects.exists() and not Actor.objects.exists()


def test_skipping_bad_rows_imports_the_rest(projekt):
    rows = [GOOD, {**GOOD, "Titel": "Kaputt", "Beginn": "morgen"}, {**GOOD, "Titel": "Drei"}]
    report = run_import(projekt, xlsx(rows), skip_invalid=True)
    assert report.ok and report.bad_rows == {3}
    assert sorted(Activity.objects.values_list("title", flat=True)) == [
        "Drei",
        "Nachbarschaftscafé",
    ]
    assert "1 Zeile abgelehnt" in report.summary(transfer.kinds())


def test_the_same_identifier_twice_is_refused(projekt):
    uid = "8c8d2f51-1c3b-4f59-9a49-000000000001"
    report = run_import(projekt, xlsx([{**GOOD, "Kennung": uid}, {**GOOD, "Kennung": uid}]))
    assert [(e.row, e.column) for e in report.errors] == [(3, "Kennung")]


def test_formulas_are_refused_with_the_cell_named(projekt):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([GOOD.get(h) for h in HEADERS])
    sheet.cell(row=2, column=HEADERS.index("Budget EUR pro Jahr") + 1).value = "=100*12"
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import(projekt, buffer.getvalue())
    assert not report.ok
    assert "Zeile 2" in str(report.errors) and "Formel" in str(report.errors)
    assert not Activity.objects.exists()


def test_missing_required_columns_are_named(projekt):
    report = run_import(projekt, xlsx([{"Titel": "x"}], headers=["Titel", "Notiz"]))
    assert not report.ok
    assert "Beginn" in report.errors[0].message
    assert report.warnings == ["Die Spalte „Notiz“ ist unbekannt und wurde ignoriert."]


def test_a_latin1_semicolon_csv_with_decimal_commas(projekt):
    text = (
        "Titel;Beginn;Felder;Hauptamtliche Stunden pro Jahr;Budget EUR pro Jahr\r\n"
        "Schuldnerberatung für Ältere;1.3.2025;I;12,5;1.250,00\r\n"
    )
    report = run_import(projekt, text.encode("cp1252"), filename="liste.csv")
    assert report.ok, [str(e) for e in report.errors]
    activity = Activity.objects.get()
    assert activity.title == "Schuldnerberatung für Ältere"
    assert (activity.staff_hours, activity.budget) == (Decimal("12.5"), Decimal("1250.00"))
    assert activity.start == date(2025, 3, 1)


def test_an_unreadable_file_is_explained(projekt):
    report = run_import(projekt, b"\x00\x01not a workbook", filename="a.xlsx")
    assert not report.ok and report.errors[0].row is None


class TestPages:
    def url(self, name, project, *args):
        return reverse(f"activities:{name}", args=[project.slug, *args])

    def test_preview_then_confirm(self, client_for, projekt, mitarbeiter, tmp_path):
        client = client_for(mitarbeiter)
        upload = tmp_path / "liste.xlsx"
        upload.write_bytes(xlsx([GOOD]))
        with upload.open("rb") as handle:
            preview = client.post(self.url("import", projekt), {"file": handle})
        assert "1 Aktivität angelegt, 3 Akteure angelegt" in preview.content.decode()
        assert not Activity.objects.exists()
        done = client.post(self.url("import_confirm", projekt))
        assert done["Location"] == self.url("list", projekt)
        assert Activity.objects.count() == 1
        again = client.post(self.url("import_confirm", projekt))  # the file is gone
        assert again["Location"] == self.url("import", projekt)
        assert Activity.objects.count() == 1

    def test_a_bad_file_shows_every_problem_as_text(
        self, client_for, projekt, mitarbeiter, tmp_path
    ):
        hostile = '<script>alert("x")</script>'
        upload = tmp_path / "liste.xlsx"
        upload.write_bytes(xlsx([{**GOOD, "Titel": hostile, "Bedarfe": hostile}]))
        with upload.open("rb") as handle:
            html = (
                client_for(mitarbeiter)
                .post(self.url("import", projekt), {"file": handle})
                .content.decode()
            )
        assert "Zeile" not in html or "Bedarfe" in html
        assert hostile not in html and "&lt;script&gt;" in html
        assert "Jetzt importieren" not in html
        assert client_for(mitarbeiter).post(self.url("import_confirm", projekt)).status_code == 302
        assert not Activity.objects.exists()

    def test_a_file_over_the_limit_is_refused_before_reading(
        self, client_for, projekt, mitarbeiter, settings, tmp_path
    ):
        settings.QK_MAX_UPLOAD_MB = 1
        upload = tmp_path / "gross.xlsx"
        upload.write_bytes(b"0" * (1024 * 1024 + 1))
        with upload.open("rb") as handle:
            response = client_for(mitarbeiter).post(self.url("import", projekt), {"file": handle})
        assert "höchstens 1 MB" in response.content.decode()

    def test_other_formats_are_explained(self, client_for, projekt, mitarbeiter, tmp_path):
        upload = tmp_path / "alt.xls"
        upload.write_bytes(b"old")
        with upload.open("rb") as handle:
            response = client_for(mitarbeiter).post(self.url("import", projekt), {"file": handle})
        assert "eine .xlsx- oder .csv-Datei" in response.content.decode()

    def test_downloads(self, client_for, projekt, ehrenamtlicher):
        make_activity(projekt, "Café", fields="N")
        client = client_for(ehrenamtlicher)
        csv = client.get(self.url("export", projekt, "csv"))
        assert csv["Content-Type"].startswith("text/csv")
        assert "Café" in csv.content.decode("utf-8-sig")
        assert client.get(self.url("template", projekt, "xlsx")).status_code == 200
        assert client.get(self.url("export", projekt, "pdf")).status_code == 404


class TestCommands:
    def test_export_and_import(self, projekt, leeres_projekt, tmp_path, capsys):
        make_activity(projekt, "Café", fields="NI", staff_hours=10)
        out = tmp_path / "export.xlsx"
        call_command("export-activities", "--project", projekt.slug, "--out", str(out))
        call_command("import-activities", str(out), "--project", "leer", "--dry-run")
        assert not Activity.objects.filter(project=leeres_projekt).exists()
        call_command("import-activities", str(out), "--project", "leer")
        assert Activity.objects.filter(project=leeres_projekt).count() == 1
        assert "1 Aktivität angelegt" in capsys.readouterr().out

    def test_a_bad_file_exits_non_zero(self, projekt, tmp_path):
        path = tmp_path / "bad.xlsx"
        path.write_bytes(xlsx([{**GOOD, "Beginn": "nie"}]))
        with pytest.raises(CommandError) as error:
            call_command("import-activities", str(path), "--project", projekt.slug)
        assert error.value.returncode == 1
        call_command("import-activities", str(path), "--project", projekt.slug, "--skip-invalid")
        assert not Activity.objects.exists()


def _independent_matrix(rows: list[dict], year: int, measure_header: str | None) -> dict:
    """DESIGN §1.1 recomputed from the exported sheet alone, without the app's code."""
    start_p, end_p = date(year, 1, 1), date(year, 12, 31)
    cells = dict.fromkeys("SONI", 0.0)
    for row in rows:
        if row["Status"] == "geplant":
            continue
        start = row["Beginn"].date()
        end = row["Ende"].date() if row["Ende"] else None
        if start > end_p or (end is not None and end < start_p):
            continue
        if measure_header is None:
            amount = 1.0
        else:
            value = row[measure_header]
            overlap = (min(end or end_p, end_p) - max(start, start_p)).days + 1
            amount = 0.0 if value in (None, "") else float(value) * overlap / 365
        for code in "SONI":
            cells[code] += amount * float(row[f"Anteil {code} (%)"]) / 100
    return cells


def test_the_cli_matrix_of_the_demo_equals_a_recomputation_from_the_export(db, tmp_path, capsys):
    call_command("demo", stdout=io.StringIO())
    out = tmp_path / "demo.xlsx"
    call_command("export-activities", "--project", "falkenhagener-feld", "--out", str(out))
    sheet = openpyxl.load_workbook(out)["Aktivitäten"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    measures = {
        "count": None,
        "staff_hours": "Hauptamtliche Stunden pro Jahr",
        "budget": "Budget EUR pro Jahr",
        "reach": "Erreichte Personen pro Jahr",
    }
    year = date.today().year
    for measure, column in measures.items():
        capsys.readouterr()
        call_command(
            "matrix",
            "--project",
            "falkenhagener-feld",
            "--period",
            str(year),
            "--measure",
            measure,
            "--json",
        )
        printed = json.loads(capsys.readouterr().out)
        expected = _independent_matrix(rows, year, column)
        for code in "SONI":
            assert math.isclose(
                printed["cells"][code], expected[code], rel_tol=1e-9, abs_tol=1e-9
            ), (measure, code)


def test_demo_export_file_is_readable_by_our_own_reader(db, tmp_path):
    call_command("demo", stdout=io.StringIO())
    out = Path(tmp_path / "demo.csv")
    call_command("export-activities", "--project", "falkenhagener-feld", "--out", str(out))
    table = transfer.read_file(out, filename=out.name)
    assert len(table.rows) == Activity.objects.filter(project__slug="falkenhagener-feld").count()
