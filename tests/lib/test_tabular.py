"""read_table / write_csv / write_xlsx with the real data files and small synthetic ones."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from quartierskompass.lib.numbers import SUPPRESSED, parse_int, parse_number
from quartierskompass.lib.tabular import (
    Row,
    TableError,
    csv_guard,
    read_table,
    strip_csv_guard,
    write_csv,
    write_xlsx,
)
from tests.shared import SHARED_DATA

DATA = SHARED_DATA
MSS_Z = DATA / "berlin/indicators/mss_2021_index-indikatoren_z-werte_plr.csv"
POPULATION_2022 = DATA / "berlin/population/einwohnerbestand_06-2022_plr.csv"
HAMBURG_CSV = DATA / "hamburg/Daten_fuer_die_Stadtteilprofile_2014.csv"
HAMBURG_XLSX = DATA / "hamburg/Daten_fuer_die_Stadtteilprofile_2014.xlsx"


def make_xlsx(rows: list[list], *, title: str = "Daten", extra_sheet: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if extra_sheet:
        workbook.create_sheet(extra_sheet)["A1"] = "anderes"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- real files --------------------------------------------------------------------------------


def test_berlin_mss_csv_keeps_leading_zeros():
    table = read_table(MSS_Z, filename=MSS_Z.name)
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ";"
    assert table.sheet_names == []
    assert len(table.rows) == 542
    assert table.headers[:3] == ["PLR-ID", "PLR-Name", "EW 31.12.2020"]
    # The published header has a trailing space; stripped, it can be matched.
    assert table.headers[8] == "Zuordnung Klasse Status-Index"
    first = table.rows[0]
    assert first.number == 2
    assert first.get("PLR-ID") == "01100101"
    assert first.get("PLR-Name") == "Stülerstraße"
    assert first.get("zS1") == "-0.25"
    assert table.rows[-1].number == 543
    assert table.rows[-1].get("PLR-ID") == "12601236"
    ids = [row.get("PLR-ID") for row in table.rows]
    assert all(isinstance(i, str) and len(i) == 8 for i in ids)
    assert len(set(ids)) == 542
    assert sum(1 for i in ids if i.startswith("0")) > 0
    # Names are not unique: joins must use the id.
    names = Counter(row.get("PLR-Name") for row in table.rows)
    assert names["Schloßstraße"] == 2
    # Uninhabited areas have a population of 0 and empty indicator cells.
    landweg = next(row for row in table.rows if row.get("PLR-ID") == "06200418")
    assert landweg.get("EW 31.12.2020") == "0"
    assert landweg.get("zS1") == ""


def test_berlin_population_dash_placeholders():
    table = read_table(POPULATION_2022, filename=POPULATION_2022.name)
    assert (table.encoding, table.delimiter, len(table.rows)) == ("utf-8-sig", ";", 542)
    assert table.headers[0] == "Gesamt"  # BOM is not part of the first header
    assert table.headers[-1] == "PLR-ID"
    pankower_tor = next(row for row in table.rows if row.get("PLR-ID") == "03400831")
    assert pankower_tor.number == 117
    assert all(parse_number(pankower_tor.get(h)) is SUPPRESSED for h in table.headers[:-1])
    row = next(row for row in table.rows if row.get("PLR-ID") == "03300515")
    assert row.get("18-27") == "–"
    assert parse_number(row.get("18-27")) is SUPPRESSED
    assert parse_int(row.get("Gesamt")) == 52
    suppressed = [
        (row.number, header)
        for row in table.rows
        for header in table.headers[:-1]
        if parse_number(row.get(header)) is SUPPRESSED
    ]
    assert len(suppressed) == 2 * 11 + 2 + 3 + 3


def test_berlin_population_dash_means_zero_by_the_numbers():
    """Per DIN 55301 "–" means "nichts vorhanden": the age groups add up only with 0 for it."""
    table = read_table(POPULATION_2022, filename=POPULATION_2022.name)
    ages = ["unter6", "6-15", "15-18", "18-27", "27-45", "45-55", "55-65", "65undmehr"]

    def as_int(value):
        parsed = parse_int(value)
        return 0 if parsed is SUPPRESSED else parsed

    for row in table.rows:
        assert as_int(row.get("Gesamt")) == sum(as_int(row.get(a)) for a in ages), row.number


def test_hamburg_csv_hand_export():
    table = read_table(HAMBURG_CSV, filename=HAMBURG_CSV.name)
    assert (table.encoding, table.delimiter) == ("utf-8", ";")
    assert len(table.headers) == 69
    assert len(table.rows) == 107
    assert table.headers[4] == "65-Jährige und Ältere"  # leading space in the file
    assert [r.number for r in table.rows[:2]] == [2, 3]
    assert table.rows[0].get("Bevölkerung") == "1 675"  # stays as typed
    assert table.rows[0].get("Wanderungssaldo") == "-  23"
    assert table.rows[-1].get("Stadtgebiet") == "Hamburg"


def test_hamburg_xlsx_with_four_header_rows():
    table = read_table(HAMBURG_XLSX, filename=HAMBURG_XLSX.name, header_row=1, header_rows=4)
    assert table.sheet_names == ["Stadtteilprofile 2014"]
    assert table.encoding is None and table.delimiter is None
    assert len(table.headers) == 69
    # The title row (only A1 filled) is not glued in front of every header.
    assert table.headers[0] == "Stadtgebiet"
    assert table.headers[1] == (
        "Bevölkerung und Haushalte 31.12.2013 Bevölkerung Anzahl der Einwohnerinnen und Einwohner"
    )
    # Group heading "Bevölkerungsbewegung 2013" sits in W2 only (merged W2:AC2).
    assert table.headers[28] == (
        "Bevölkerungsbewegung 2013 Wanderungssaldo "
        "Differenz der Zuzüge und Fortzüge über die Stadtteilgrenze"
    )
    # Identical texts in two header rows appear once; the trailing space in G4 is gone.
    assert table.headers[20] == "Bevölkerung und Haushalte 31.12.2013 Fläche in km²"
    assert table.headers[6].endswith("Anzahl ausländischer Einwohnerinnen und Einwohner")
    assert len(table.rows) == 107  # the two empty rows at the end are skipped
    first, last = table.rows[0], table.rows[-1]
    assert (first.number, last.number) == (5, 111)
    assert first.get("Stadtgebiet") == "Hamburg-Altstadt"
    assert first.values[table.headers[1]] == 1675
    assert type(first.values[table.headers[1]]) is int
    assert first.values[table.headers[3]] == 9.7
    assert first.values[table.headers[28]] == -23
    assert last.get("Stadtgebiet") == "Hamburg"


def test_hamburg_xlsx_header_row_alone_keeps_the_description_row_as_data():
    table = read_table(HAMBURG_XLSX, filename="profile.xlsx", header_row=3)
    assert table.headers[0] == "Spalte 1"  # A3 is empty
    assert table.headers[1] == "Bevölkerung"
    assert table.rows[0].number == 4
    assert table.rows[0].get("Bevölkerung") == "Anzahl der Einwohnerinnen und Einwohner"
    assert len(table.rows) == 108


def test_hamburg_csv_matches_xlsx_except_rounding_and_dashes():
    """The CSV holds what Excel displayed: rounded values, and "-" where the cell is 0."""
    csv_table = read_table(HAMBURG_CSV, filename=HAMBURG_CSV.name)
    xlsx_table = read_table(HAMBURG_XLSX, filename=HAMBURG_XLSX.name, header_row=3)
    assert csv_table.headers[1:] == xlsx_table.headers[1:]
    rounded, dashes = Counter(), []
    for csv_row, xlsx_row in zip(csv_table.rows, xlsx_table.rows[1:], strict=True):
        assert csv_row.get("Stadtgebiet") == xlsx_row.get("Spalte 1")
        for header in csv_table.headers[1:]:
            shown, stored = parse_number(csv_row.get(header)), parse_number(xlsx_row.get(header))
            if shown is SUPPRESSED and stored == 0:
                dashes.append((csv_row.number, header))
            elif shown != stored:
                exponent = shown.as_tuple().exponent
                assert stored.quantize(Decimal(1).scaleb(exponent), ROUND_HALF_UP) == shown
                rounded[header] += 1
            else:
                assert shown == stored
    assert dashes == [(74, "Wanderungssaldo"), (83, "Fortzüge in das Hamburger Umland")]
    assert set(rounded) == {
        "Fläche in km²",
        "Wohnungsgröße in m² (2013)",
        "Wohnfläche je Einwohner/-in in m² (2013)",
        "PKW-Dichte (Jan 2014)",
    }


def test_unknown_sheet_lists_the_available_ones():
    with pytest.raises(TableError) as info:
        read_table(HAMBURG_XLSX, filename=HAMBURG_XLSX.name, sheet="Tabelle1")
    assert str(info.value) == (
        "Das Tabellenblatt „Tabelle1“ gibt es in dieser Datei nicht. "
        "Vorhanden: „Stadtteilprofile 2014“."
    )


# --- synthetic CSV -----------------------------------------------------------------------------


def test_latin1_csv_with_umlauts():
    data = "Träger;Straße;Größe\nDiakonie Süd;Hauptstraße 1;12,5\nÄrztehaus;Öhringer Weg;€ 3\n"
    table = read_table(data.encode("cp1252"), filename="träger.csv")
    assert table.encoding == "cp1252"
    assert table.headers == ["Träger", "Straße", "Größe"]
    assert table.rows[1].values == {"Träger": "Ärztehaus", "Straße": "Öhringer Weg", "Größe": "€ 3"}
    plain_latin1 = "Name;Ort\nJürgen;Köln\n".encode("latin-1")
    assert read_table(plain_latin1, filename="a.csv").rows[0].get("Ort") == "Köln"


def test_undefined_cp1252_byte_falls_back_to_latin1():
    table = read_table(b"Name;Wert\nA\x81;1\n", filename="a.csv")
    assert table.encoding == "latin-1"
    assert table.rows[0].get("Name") == "A\x81"


def test_utf16_export_from_excel():
    data = "Name\tOrt\nJürgen\tKöln\n".encode("utf-16")
    table = read_table(data, filename="unicode.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.rows[0].values == {"Name": "Jürgen", "Ort": "Köln"}


def test_tab_delimited_with_quotes_empty_lines_and_numbering():
    data = (
        "Name\tNotiz\tBetrag\r\n"
        'Treff\t"zwei\r\nZeilen"\t1.234,5\r\n'
        "\r\n"
        "\t\t\r\n"
        'Café\t"mit ""Zitat"" und\tTab"\t7\r\n'
    )
    table = read_table(io.BytesIO(data.encode("utf-8")), filename="liste.txt")
    assert table.delimiter == "\t"
    assert [row.number for row in table.rows] == [2, 5]
    assert table.rows[0].get("Notiz") == "zwei\r\nZeilen"
    assert table.rows[1].get("Notiz") == 'mit "Zitat" und\tTab'
    assert parse_number(table.rows[0].get("Betrag")) == Decimal("1234.5")


@pytest.mark.parametrize(("delimiter", "name"), [(",", "komma"), ("|", "pipe"), (";", "semi")])
def test_delimiter_is_sniffed(delimiter, name, tmp_path):
    lines = [["Name", "Ort", "Zahl"], ["A", "Köln", "1"], ["B, C", "Bonn", "2"]]
    text = "\n".join(delimiter.join(f'"{v}"' if "," in v else v for v in r) for r in lines)
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    table = read_table(path, filename=path.name)
    assert table.delimiter == delimiter
    assert table.rows[1].values == {"Name": "B, C", "Ort": "Bonn", "Zahl": "2"}


def test_semicolons_win_over_decimal_commas():
    data = "Gebiet;Anteil;Quote\nA;9,7;1,5\nB;12,6;2,25\nC;1,0;3\n"
    table = read_table(data.encode(), filename="a.csv")
    assert table.delimiter == ";"
    assert table.rows[2].values == {"Gebiet": "C", "Anteil": "1,0", "Quote": "3"}


def test_single_column_csv():
    table = read_table(b"Name\nA\nB\n", filename="a.csv")
    assert table.headers == ["Name"]
    assert [r.get("Name") for r in table.rows] == ["A", "B"]


def test_csv_title_line_above_header_and_missing_cells():
    data = "Kita-Liste Stand 2025\n\nName;Plätze;Träger\nSonnenschein;40\n"
    table = read_table(data.encode(), filename="kitas.csv", header_row=3)
    assert table.delimiter == ";"
    assert table.headers == ["Name", "Plätze", "Träger"]
    assert table.rows == [
        Row(number=4, values={"Name": "Sonnenschein", "Plätze": "40", "Träger": ""})
    ]


def test_empty_header_gets_a_column_name():
    table = read_table(b"Name;;Ort;\nA;x;B;\n", filename="a.csv")
    assert table.headers == ["Name", "Spalte 2", "Ort"]
    assert table.rows[0].get("Spalte 2") == "x"


def test_value_without_header_is_refused():
    with pytest.raises(TableError) as info:
        read_table(b"Name;Ort\nA;B;Notiz\n", filename="a.csv")
    assert str(info.value) == (
        "Zeile 2, Spalte 3: Wert „Notiz“ steht in einer Spalte ohne Überschrift – bitte eine "
        "Überschrift ergänzen oder den Wert löschen."
    )


def test_duplicate_headers_name_both_columns():
    with pytest.raises(TableError) as info:
        read_table(b"Name;Ort; Name \nA;B;C\n", filename="a.csv")
    assert str(info.value) == (
        "Die Spaltenüberschrift „Name“ kommt doppelt vor (Spalte 1 und Spalte 3) – bitte eine "
        "davon umbenennen."
    )


def test_too_many_rows(tmp_path):
    path = tmp_path / "gross.csv"
    path.write_text("Nr\n" + "\n".join(str(i) for i in range(4)) + "\n", encoding="utf-8")
    assert len(read_table(path, filename=path.name, max_rows=4).rows) == 4
    with pytest.raises(TableError) as info:
        read_table(path, filename=path.name, max_rows=3)
    assert str(info.value) == (
        "Die Tabelle hat mehr als 3 Datenzeilen – bitte in kleinere Dateien aufteilen."
    )
    with pytest.raises(TableError, match=r"mehr als 200\.000 Datenzeilen"):
        read_table(b"Nr\n" + b"1\n" * 200_001, filename="a.csv")


def test_nul_byte_names_row_and_column():
    with pytest.raises(TableError) as info:
        read_table(b"Name;Ort\nA;K\x00ln\n", filename="a.csv")
    assert str(info.value) == (
        "Zeile 2, Spalte „Ort“: unzulässiges Steuerzeichen (U+0000) – bitte die Datei prüfen "
        "und das Zeichen entfernen."
    )
    with pytest.raises(
        TableError, match=r"^Zeile 1, Spalte 2: unzulässiges Steuerzeichen \(U\+0007\)"
    ):
        read_table(b"Name;O\x07rt\nA;B\n", filename="a.csv")


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        (
            "alt.xls",
            "Dateiformat „.xls“ wird nicht unterstützt – bitte als .xlsx oder .csv speichern.",
        ),
        (
            "calc.ods",
            "Dateiformat „.ods“ wird nicht unterstützt – bitte als .xlsx oder .csv speichern.",
        ),
        (
            "BERICHT.PDF",
            "Dateiformat „.pdf“ wird nicht unterstützt – bitte als .xlsx oder .csv speichern.",
        ),
        (
            "ohne",
            "Dateiformat „ohne“ wird nicht unterstützt – bitte als .xlsx oder .csv speichern.",
        ),
    ],
)
def test_unsupported_formats(filename, message):
    with pytest.raises(TableError) as info:
        read_table(b"irrelevant", filename=filename)
    assert str(info.value) == message


def test_empty_and_mislabelled_files():
    with pytest.raises(TableError, match=r"^Die Datei ist leer\.$"):
        read_table(b"\xef\xbb\xbf \r\n", filename="a.csv")
    with pytest.raises(TableError, match="keine CSV-Datei, sondern vermutlich eine Excel-Datei"):
        read_table(make_xlsx([["a"]]), filename="a.csv")
    with pytest.raises(TableError) as info:
        read_table(b"Name;Ort\nA;B\n", filename="liste.xlsx")
    assert str(info.value) == "Die Datei „liste.xlsx“ ist keine lesbare Excel-Datei (.xlsx)."
    with pytest.raises(
        TableError, match=r"^Die Datei enthält keine Spaltenüberschriften in Zeile 5\.$"
    ):
        read_table(b"Name\nA\n", filename="a.csv", header_row=5)


# --- synthetic XLSX ----------------------------------------------------------------------------


def test_xlsx_keeps_cell_types_and_sheet_row_numbers(tmp_path):
    data = make_xlsx(
        [
            ["Projekt", "Start", "Budget", "Aktiv", "PLZ"],
            ["Nachbarschaftscafé", datetime(2025, 3, 1), 1250.5, True, "01067"],
            [None, None, None, None, None],
            ["  Lernhilfe  ", datetime(2025, 9, 15, 10, 30), 800, False, " "],
        ],
        extra_sheet="Notizen",
    )
    table = read_table(data, filename="projekte.xlsx")
    assert table.sheet_names == ["Daten", "Notizen"]
    assert [row.number for row in table.rows] == [2, 4]
    first, second = table.rows
    assert first.values == {
        "Projekt": "Nachbarschaftscafé",
        "Start": datetime(2025, 3, 1),
        "Budget": 1250.5,
        "Aktiv": True,
        "PLZ": "01067",
    }
    assert second.get("Projekt") == "Lernhilfe"
    assert second.get("Budget") == 800 and type(second.get("Budget")) is int
    assert second.get("PLZ") is None  # a blank string is an empty cell
    assert second.get("Gibt es nicht", "–") == "–"
    path = tmp_path / "upload-7f3a.upload"  # Django's temporary upload file name
    path.write_bytes(data)
    other = read_table(path, filename="projekte.xlsx", sheet="Notizen")
    assert other.headers == ["anderes"] and other.rows == []
    with path.open("rb") as stream:
        assert read_table(stream, filename="PROJEKTE.XLSX").rows == table.rows


def test_xlsx_with_a_wrong_stored_dimension_is_read_completely():
    """Some programs write <dimension ref="A1"/>; read-only openpyxl would trust it."""
    data = make_xlsx([["Name", "Ort"], ["A", "Köln"], ["B", "Bonn"]])
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as patched:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B3" />' in content
                content = content.replace(b'<dimension ref="A1:B3" />', b'<dimension ref="A1" />')
            patched.writestr(item, content)
    table = read_table(target.getvalue(), filename="a.xlsx")
    assert table.headers == ["Name", "Ort"]
    assert [r.values for r in table.rows] == [
        {"Name": "A", "Ort": "Köln"},
        {"Name": "B", "Ort": "Bonn"},
    ]


def test_xlsx_harmless_openpyxl_warnings_do_not_stop_the_import():
    """Files from other programs may lack named styles; openpyxl warns, the values are fine."""
    data = make_xlsx([["Name"], ["A"]])
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as patched:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/styles.xml":
                content, count = re.subn(rb"<cellStyles.*?</cellStyles>", b"", content)
                assert count == 1
            patched.writestr(item, content)
    with pytest.warns(UserWarning, match="no default style"):
        openpyxl.load_workbook(io.BytesIO(target.getvalue()), read_only=True).close()
    table = read_table(target.getvalue(), filename="a.xlsx")  # filterwarnings=error applies
    assert table.rows[0].get("Name") == "A"


def test_xlsx_formula_is_reported_not_evaluated():
    data = make_xlsx([["Projekt", "Menge", "Budget"], ["Café", 3, 100], ["Treff", 4, "=B3*2"]])
    with pytest.raises(TableError) as info:
        read_table(data, filename="budget.xlsx")
    assert str(info.value) == (
        "Zeile 3, Spalte „Budget“: Formel „=B3*2“ – bitte nur Werte einfügen "
        "(Kopieren → Inhalte einfügen → Werte)."
    )
    assert info.value.problems == [str(info.value)]


def test_xlsx_formula_in_a_skipped_title_row_does_no_harm():
    data = make_xlsx([["=HEUTE()"], ["Name", "Ort"], ["A", "B"]])
    table = read_table(data, filename="a.xlsx", header_row=2)
    assert table.rows[0].values == {"Name": "A", "Ort": "B"}


def test_xlsx_formulas_are_listed_up_to_ten():
    rows = [["Nr", "Doppelt"]] + [[i, f"=A{i + 1}*2"] for i in range(1, 13)]
    with pytest.raises(TableError) as info:
        read_table(make_xlsx(rows), filename="viel.xlsx")
    lines = str(info.value).split("\n")
    assert len(lines) == 11
    assert lines[0].startswith("Zeile 2, Spalte „Doppelt“: Formel „=A2*2“ – ")
    assert lines[9].startswith("Zeile 11, Spalte „Doppelt“: Formel „=A11*2“ – ")
    assert lines[10] == "… und 2 weitere Zellen."
    assert len(info.value.problems) == 12


def test_xlsx_multi_row_header_with_merged_group():
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["Übersicht 2025 (Stand Juni)"])
    ws.append(["Gebiet", "Bevölkerung", None, "Soziales", None])
    ws.append([None, "Gesamt", "unter 18\nJahren", "SGB II", date(2025, 6, 30)])
    ws.append(["Nordstadt", 1200, 300, 0.12, 5])
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:E2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), filename="x.xlsx", header_rows=3)
    assert table.headers == [
        "Gebiet",
        "Bevölkerung Gesamt",
        "Bevölkerung unter 18 Jahren",
        "Soziales SGB II",
        "Soziales 30.06.2025",
    ]
    assert table.rows[0].number == 4
    assert table.rows[0].get("Bevölkerung unter 18 Jahren") == 300


def test_xlsx_duplicate_headers_name_the_columns_with_letters():
    with pytest.raises(TableError) as info:
        read_table(make_xlsx([["Name", "Ort", "Name"], ["a", "b", "c"]]), filename="a.xlsx")
    assert str(info.value) == (
        "Die Spaltenüberschrift „Name“ kommt doppelt vor (Spalte 1 (A) und Spalte 3 (C)) – "
        "bitte eine davon umbenennen."
    )


def test_xlsx_too_many_rows():
    data = make_xlsx([["Nr"]] + [[i] for i in range(6)])
    with pytest.raises(TableError, match=r"^Die Tabelle hat mehr als 5 Datenzeilen "):
        read_table(data, filename="a.xlsx", max_rows=5)


# --- guard and writing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "guarded"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+49 30 123", "'+49 30 123"),
        ("-  23", "'-  23"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Name", "Name"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_csv_guard_round_trip(raw, guarded):
    assert csv_guard(raw) == guarded
    assert strip_csv_guard(guarded) == raw
    assert strip_csv_guard("'") == "'"


def test_write_csv_for_german_excel_and_read_back(tmp_path):
    path = tmp_path / "export.csv"
    headers = ["Name", "Anteil", "Datum", "Formel", "Leer", "Aktiv"]
    rows = [
        ["Café; Treff", Decimal("1234.5"), date(2025, 12, 31), "=1+1", None, True],
        ["Zweite\nZeile", 0.1, datetime(2025, 1, 2, 9, 5), "-5", "", False],
    ]
    write_csv(path, headers, rows)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "Name;Anteil;Datum;Formel;Leer;Aktiv"
    assert text.split("\r\n")[1] == '"Café; Treff";1234,5;31.12.2025;\'=1+1;;ja'
    table = read_table(path, filename=path.name)
    assert table.delimiter == ";" and table.encoding == "utf-8-sig"
    assert table.rows[0].values == {
        "Name": "Café; Treff",
        "Anteil": "1234,5",
        "Datum": "31.12.2025",
        "Formel": "=1+1",
        "Leer": "",
        "Aktiv": "ja",
    }
    assert table.rows[1].get("Name") == "Zweite\nZeile"
    assert table.rows[1].get("Anteil") == "0,1"
    assert table.rows[1].get("Datum") == "02.01.2025 09:05"
    assert table.rows[1].get("Formel") == "-5"
    assert parse_number(table.rows[0].get("Anteil")) == Decimal("1234.5")


def test_write_csv_to_streams():
    binary = io.BytesIO()
    write_csv(binary, ["A"], [["ä"]])
    assert binary.getvalue() == "\ufeffA\r\nä\r\n".encode()
    text = io.StringIO()
    write_csv(text, ["A"], [[1]])
    assert text.getvalue() == "\ufeffA\r\n1\r\n"
    with pytest.raises(ValueError, match="row has 2 values for 1 headers"):
        write_csv(io.BytesIO(), ["A"], [[1, 2]])


def test_write_xlsx(tmp_path):
    path = tmp_path / "export.xlsx"
    write_xlsx(
        path,
        [
            (
                "Angebote: 2025/26",
                ["Name", "Start", "Budget", "Notiz"],
                [
                    ['=HYPERLINK("http://x")', date(2025, 12, 31), Decimal("1234.50"), None],
                    ["Treff", datetime(2025, 1, 2, 9, 5), 12, "Kontrollzeichen\x07weg"],
                ],
            ),
            ("Leer", ["A"], []),
        ],
        header_help={"Budget": "Euro pro Jahr, ohne Eigenmittel"},
    )
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Angebote_ 2025_26", "Leer"]
    ws = workbook["Angebote_ 2025_26"]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == '=HYPERLINK("http://x")'
    assert ws["B2"].value == datetime(2025, 12, 31)
    assert ws["B2"].number_format == "DD.MM.YYYY"
    assert ws["B3"].number_format == "DD.MM.YYYY HH:MM"
    assert ws["C2"].value == 1234.5
    assert ws["D3"].value == "Kontrollzeichenweg"
    assert ws["C1"].comment.text == "Euro pro Jahr, ohne Eigenmittel"
    assert ws["A1"].comment is None
    assert ws.column_dimensions["A"].width == 24  # 22 characters + 2
    assert workbook["Leer"].auto_filter.ref == "A1:A1"
    # Read back through the importer: the "=" text is a value, not a formula.
    table = read_table(path, filename=path.name)
    assert table.rows[0].get("Name") == '=HYPERLINK("http://x")'
    assert table.rows[0].get("Start") == datetime(2025, 12, 31)


def test_write_xlsx_to_a_stream_and_unique_sheet_names():
    buffer = io.BytesIO()
    long_name = "Ein sehr langer Tabellenblattname über 31 Zeichen"
    write_xlsx(buffer, [(long_name, ["A"], [[1]]), (long_name, ["A"], [[2]])])
    names = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames
    assert names == ["Ein sehr langer Tabellenblattna", "Ein sehr langer Tabellenbla (2)"]
    assert all(len(n) <= 31 for n in names)
    with pytest.raises(ValueError, match="at least one sheet"):
        write_xlsx(io.BytesIO(), [])
