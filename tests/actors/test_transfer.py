"""The network as files: Kumu-style XLSX and CSV, GraphML, the commands and the import pages."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import networkx as nx
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from quartierskompass.accounts.models import Project
from quartierskompass.actors import transfer
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from quartierskompass.actors.views.transfer import SESSION_KEY
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.core.models import ChangeLog

HOSTILE = [
    '<script>alert("x")</script>',
    'Verein „Miteinander“ & "Freunde"',
    '=HYPERLINK("http://böse.example","klick")',
    "=cmd()",
    "@Nachbarschaft",
]


def actor(project, name, type_code="", **values) -> Actor:
    kind = ActorType.objects.get(code=type_code) if type_code else None
    return Actor.objects.create(project=project, name=name, actor_type=kind, **values)


def tie(source, target, kind="kooperation", **values) -> Tie:
    return Tie.objects.create(
        project=source.project,
        source=source,
        target=target,
        kind=TieKind.objects.get(code=kind),
        **values,
    )


def build_network(project) -> None:
    """A small Quartier with every attribute, a parent chain and hostile names."""
    traeger = actor(project, "Diakonisches Werk", "diakonie", field="O", tags=["Träger"])
    kita = actor(
        project,
        "Kita Regenbogen",
        "schule-kita",
        field="I",
        parent=traeger,
        address="Am Anger 1, 13589 Berlin",
        latitude=52.5563,
        longitude=13.174,
        website="https://kita.example.org",
        contact_email="kita@example.org",
        contact_phone="030 1234567",
        notes="Zwei Gruppen\nmit Hort",
        tags=["Kinder", "Familie"],
    )
    gemeinde = actor(project, "Ev. Kirchengemeinde", "kirchengemeinde", field="N")
    amt = actor(project, "Jugendamt Spandau", "amt-jugend", field="S")
    ohne_typ = actor(project, "Stadtteilkonferenz")
    hostile = [actor(project, name, "verein", field="N", notes=name) for name in HOSTILE]
    tie(gemeinde, kita, strength=3, since=date(2019, 5, 1), confirmed=True, notes="=SUMME(A1)")
    tie(amt, traeger, "finanzierung", directed=True, strength=2)
    tie(traeger, amt, "finanzierung", directed=True, strength=1)  # both ways: two ties
    tie(ohne_typ, amt, "gremium")
    tie(hostile[0], hostile[1], "information", strength=1)
    tie(hostile[2], gemeinde, "weitervermittlung", directed=True)
    tie(hostile[3], hostile[4])


def snapshot(project) -> tuple[set, set]:
    actors = {
        (
            a.name,
            a.actor_type.code if a.actor_type else "",
            a.field,
            a.parent.name if a.parent else "",
            a.address,
            a.latitude,
            a.longitude,
            a.website,
            a.contact_email,
            a.contact_phone,
            a.notes,
            tuple(a.tags),
        )
        for a in Actor.objects.filter(project=project).select_related("actor_type", "parent")
    }
    ties = {
        (
            t.source.name,
            t.target.name,
            t.kind.code,
            t.strength,
            t.directed,
            t.since,
            t.confirmed,
            t.notes,
        )
        for t in Tie.objects.filter(project=project).select_related("source", "target", "kind")
    }
    return actors, ties


def export(project, fmt: str) -> bytes:
    buffer = io.BytesIO()
    transfer.write_network(buffer, project=project, fmt=fmt)
    return buffer.getvalue()


def workbook(
    elements: list[list], connections: list[list] | None = None, sheets: dict | None = None
) -> bytes:
    """An XLSX the way a person or Kumu makes it: first row headers."""
    book = openpyxl.Workbook()
    book.active.title = "Elements"
    for row in elements:
        book.active.append(row)
    if connections is not None:
        sheet = book.create_sheet("Connections")
        for row in connections:
            sheet.append(row)
    for title, rows in (sheets or {}).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(project, data: bytes, filename: str = "netz.xlsx", **options):
    return transfer.import_network(
        project=project, source=data, filename=filename, user=None, **options
    )


def problems(report) -> list[tuple[int | None, str]]:
    return [(e.row, e.column) for e in report.errors]


@pytest.fixture
def leeres_projekt(db) -> Project:
    return Project.objects.create(slug="leer", name="Leeres Projekt")


ELEMENTS = [
    ["Label", "Type", "Description", "Tags"],
    ["Ev. Kirchengemeinde", "Kirchengemeinde", "Gemeinde im Quartier", "Kirche|Begegnung"],
    ["Nachbarschaftsverein", "verein", "", ""],
    ["Jugendamt", "Jugendamt", "", ""],
]
CONNECTIONS = [
    ["From", "To", "Type", "Direction", "Strength"],
    ["Ev. Kirchengemeinde", "Nachbarschaftsverein", "Kooperation", "mutual", 3],
    ["Jugendamt", "Nachbarschaftsverein", "Finanzierung", "directed", 2],
]


# --- Round trips -------------------------------------------------------------------------------


def test_an_xlsx_export_imported_into_an_empty_project_gives_the_same_network(
    projekt, leeres_projekt
):
    build_network(projekt)
    report = run(leeres_projekt, export(projekt, "xlsx"))
    assert report.ok and not report.errors, [str(e) for e in report.errors]
    assert not report.warnings
    assert snapshot(leeres_projekt) == snapshot(projekt)
    assert report.counts[("actors", "created")] == 10
    assert report.counts[("ties", "created")] == 7


def test_a_csv_pair_export_imported_into_an_empty_project_gives_the_same_network(
    projekt, leeres_projekt
):
    build_network(projekt)
    report = run(
        leeres_projekt,
        export(projekt, "csv-elements"),
        filename="elements.csv",
        connections_source=export(projekt, "csv-connections"),
        connections_filename="connections.csv",
    )
    assert report.ok and not report.errors, [str(e) for e in report.errors]
    assert snapshot(leeres_projekt) == snapshot(projekt)


def test_a_graphml_export_imported_into_an_empty_project_gives_the_same_network(
    projekt, leeres_projekt
):
    build_network(projekt)
    report = transfer.import_graphml(
        project=leeres_projekt, source=export(projekt, "graphml"), user=None
    )
    assert report.ok and not report.errors, [str(e) for e in report.errors]
    assert not report.warnings
    assert snapshot(leeres_projekt) == snapshot(projekt)


def test_importing_the_same_export_again_changes_nothing(projekt):
    build_network(projekt)
    before = snapshot(projekt)
    report = run(projekt, export(projekt, "xlsx"))
    assert report.ok
    assert report.counts[("actors", "unchanged")] == 10
    assert report.counts[("ties", "unchanged")] == 7
    assert ("actors", "created") not in report.counts and ("ties", "created") not in report.counts
    assert snapshot(projekt) == before


# --- Export formats ----------------------------------------------------------------------------


def test_the_xlsx_export_has_kumus_sheets_and_columns(projekt):
    build_network(projekt)
    book = openpyxl.load_workbook(io.BytesIO(export(projekt, "xlsx")))
    assert book.sheetnames == ["Elements", "Connections"]
    elements, connections = book["Elements"], book["Connections"]
    assert [c.value for c in elements[1]] == transfer.ELEMENT_HEADERS
    assert transfer.ELEMENT_HEADERS[:4] == ["Label", "Type", "Description", "Tags"]
    assert [c.value for c in connections[1]] == transfer.CONNECTION_HEADERS
    assert transfer.CONNECTION_HEADERS[:2] == ["From", "To"]
    kita = next(row for row in elements.iter_rows(values_only=True) if row[0] == "Kita Regenbogen")
    assert (
        kita[1] == "Schule / Kita"
        and kita[3] == "Kinder|Familie"
        and kita[11] == ("Diakonisches Werk")
    )


def test_hostile_text_stays_text_in_xlsx_and_csv(projekt):
    build_network(projekt)
    book = openpyxl.load_workbook(io.BytesIO(export(projekt, "xlsx")))
    cells = [c for row in book["Elements"].iter_rows() for c in row if c.value in HOSTILE]
    assert {c.value for c in cells} == set(HOSTILE)
    assert all(c.data_type == "s" for c in cells)  # no formula
    notes = [c for row in book["Connections"].iter_rows() for c in row if c.value == "=SUMME(A1)"]
    assert notes and notes[0].data_type == "s"
    text = export(projekt, "csv-elements").decode("utf-8-sig")
    assert "'=cmd()" in text and "'@Nachbarschaft" in text
    assert "\n=" not in text and ";=" not in text
    assert "'=SUMME(A1)" in export(projekt, "csv-connections").decode("utf-8-sig")


def test_hostile_text_is_escaped_in_graphml(projekt):
    build_network(projekt)
    data = export(projekt, "graphml")
    assert b"<script>" not in data and b"&lt;script&gt;" in data
    root = ET.fromstring(data)
    texts = {d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")}
    assert set(HOSTILE) <= texts


def test_graphml_marks_only_directed_ties_as_directed_edges(projekt):
    build_network(projekt)
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    root = ET.fromstring(export(projekt, "graphml"))
    graph = root.find(f"{ns}graph")
    assert graph.get("edgedefault") == "undirected"
    edges = graph.findall(f"{ns}edge")
    assert len(edges) == 7
    assert sum(e.get("directed") == "true" for e in edges) == 3
    # The two funding ties keep their direction.
    names = {n.get("id"): n for n in graph.findall(f"{ns}node")}
    assert {"a" + str(Actor.objects.get(name="Jugendamt Spandau").pk)} <= set(names)
    directed = {(e.get("source"), e.get("target")) for e in edges if e.get("directed") == "true"}
    amt = f"a{Actor.objects.get(name='Jugendamt Spandau').pk}"
    werk = f"a{Actor.objects.get(name='Diakonisches Werk').pk}"
    assert {(amt, werk), (werk, amt)} <= directed


def test_a_network_of_mutual_ties_is_plain_graphml_for_networkx(projekt):
    a, b, c = (actor(projekt, name, "verein") for name in ("A", "B", "C"))
    tie(a, b, strength=3)
    tie(b, c, "information")
    graph = nx.read_graphml(io.BytesIO(export(projekt, "graphml")))
    assert not graph.is_directed()
    assert sorted(d["label"] for _n, d in graph.nodes(data=True)) == ["A", "B", "C"]
    assert sorted(d["kind"] for *_e, d in graph.edges(data=True)) == [
        "information",
        "kooperation",
    ]
    assert {d["type"] for _n, d in graph.nodes(data=True)} == {"verein"}


# --- Kumu files --------------------------------------------------------------------------------


def test_a_kumu_workbook_with_english_headers_only(projekt):
    data = workbook(
        [
            ["ID", "Label", "Type", "Description", "Tags", "Image"],
            ["elem-1", "Ev. Kirchengemeinde", "Parish", "Die Gemeinde", "Kirche|Begegnung", ""],
            ["elem-2", "Nachbarschaftsverein", "association", "", "", ""],
            ["elem-3", "Jugendamt", "Youth welfare office", "", "", ""],
            ["elem-4", "Kita", "", "", "", ""],
        ],
        [
            ["From", "To", "Type", "Direction", "Strength", "Label"],
            ["elem-1", "Nachbarschaftsverein|Kita", "Cooperation", "mutual", 3, ""],
            ["Jugendamt", "Nachbarschaftsverein", "funding", "directed", 2, "Zuschuss"],
            ["Kita", "Jugendamt", "", "", "", ""],
        ],
        {"Notizen (ignore)": [["Was auch immer"]]},
    )
    report = run(projekt, data)
    assert report.ok and not report.errors, [str(e) for e in report.errors]
    assert any("Image" in w for w in report.warnings)
    assert any("Label" in w and "Connections" in w for w in report.warnings)
    gemeinde = Actor.objects.get(name="Ev. Kirchengemeinde")
    assert gemeinde.actor_type.code == "kirchengemeinde"
    assert gemeinde.tags == ["Kirche", "Begegnung"] and gemeinde.notes == "Die Gemeinde"
    assert Actor.objects.get(name="Kita").actor_type is None
    ties = {
        (t.source.name, t.target.name, t.kind.code, t.directed, t.strength)
        for t in Tie.objects.all()
    }
    assert ties == {
        ("Ev. Kirchengemeinde", "Nachbarschaftsverein", "kooperation", False, 3),
        ("Ev. Kirchengemeinde", "Kita", "kooperation", False, 3),
        ("Jugendamt", "Nachbarschaftsverein", "finanzierung", True, 2),
        ("Kita", "Jugendamt", "kooperation", False, 2),
    }
    assert report.counts[("actors", "created")] == 4 and report.counts[("ties", "created")] == 4


def test_sheets_marked_ignore_are_skipped_even_with_formulas(projekt):
    book = openpyxl.Workbook()
    book.active.title = "Notizen (ignore)"
    book.active.append(["=SUMME(A2:A3)"])
    book.create_sheet("Elements").append(["Label"])
    book["Elements"].append(["Tafel"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(projekt, buffer.getvalue())
    assert report.ok, [str(e) for e in report.errors]
    assert Actor.objects.get().name == "Tafel"


def test_german_headers_and_words_are_understood(projekt):
    data = workbook(
        [
            [
                "Name",
                "Typ",
                "Beschreibung",
                "Schlagwörter",
                "SONI-Feld",
                "Adresse",
                "Telefon",
                "Breitengrad",
                "Längengrad",
                "Teil von",
            ],
            ["Träger", "Diakonische Einrichtung", "", "a; b", "Organisationen", "", "", "", "", ""],
            ["Kita", "Schule / Kita", "", "", "i", "Weg 1", "030 1", "52,5", "13,25", "träger"],
        ],
        sheets={
            "Beziehungen": [
                ["Von", "An", "Art", "Richtung", "Stärke", "Seit", "Bestätigt"],
                ["Träger", "Kita", "Raumüberlassung", "gerichtet", "1", "01.02.2020", "ja"],
            ]
        },
    )
    report = run(projekt, data)
    assert report.ok and not report.errors, [str(e) for e in report.errors]
    kita = Actor.objects.get(name="Kita")
    assert (kita.field, kita.parent.name, kita.latitude, kita.longitude) == (
        "I",
        "Träger",
        52.5,
        13.25,
    )
    assert Actor.objects.get(name="Träger").tags == ["a", "b"]
    made = Tie.objects.get()
    assert (made.kind.code, made.directed, made.strength, made.since, made.confirmed) == (
        "raum",
        True,
        1,
        date(2020, 2, 1),
        True,
    )


def test_a_csv_in_english_format_reads_coordinates_with_a_decimal_point(projekt):
    text = "Label,Latitude,Longitude\nKita,52.556,13.174\n"
    report = run(projekt, text.encode(), filename="elements.csv")
    assert report.ok, [str(e) for e in report.errors]
    kita = Actor.objects.get()
    assert (kita.latitude, kita.longitude) == (52.556, 13.174)


def test_a_connections_csv_alone_links_actors_of_the_project(projekt):
    actor(projekt, "A")
    actor(projekt, "B")
    report = run(projekt, b"From;To\na;b\n", filename="connections.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert Tie.objects.get().kind.code == "kooperation"


# --- Matching what is there --------------------------------------------------------------------


def test_known_actors_and_ties_are_updated_and_empty_cells_keep_what_is_stored(projekt):
    gemeinde = actor(projekt, "Ev. Kirchengemeinde", notes="Pfarrbüro Di–Do", field="N")
    verein = actor(projekt, "Nachbarschaftsverein")
    old = tie(verein, gemeinde, strength=1)  # stored B–A, the file says A–B: the same tie
    report = run(projekt, workbook(ELEMENTS, CONNECTIONS))
    assert report.ok, [str(e) for e in report.errors]
    gemeinde.refresh_from_db()
    assert gemeinde.actor_type.code == "kirchengemeinde"
    assert gemeinde.notes == "Gemeinde im Quartier" and gemeinde.field == "N"
    verein.refresh_from_db()
    assert verein.actor_type.code == "verein" and verein.notes == ""
    old.refresh_from_db()
    assert old.strength == 3 and (old.source, old.target) == (verein, gemeinde)
    assert Tie.objects.count() == 2
    assert report.counts[("actors", "updated")] == 2
    assert report.counts[("actors", "created")] == 1
    assert report.counts[("ties", "updated")] == 1 and report.counts[("ties", "created")] == 1
    assert "2 Akteure aktualisiert" in report.summary(transfer.kinds())


def test_new_actors_get_their_area_and_every_import_is_in_the_history(projekt):
    area = Area.objects.create(
        code_system="t",
        code="1",
        name="Falkenhagener Feld",
        boundary={
            "type": "Polygon",
            "coordinates": [[[13.1, 52.5], [13.3, 52.5], [13.3, 52.6], [13.1, 52.6], [13.1, 52.5]]],
        },
    )
    ProjectArea.objects.create(project=projekt, area=area)
    elements = [["Label", "Breitengrad", "Längengrad"], ["Kita", "52,55", "13,2"], ["Amt", "", ""]]
    report = run(projekt, workbook(elements, [["From", "To"], ["Kita", "Amt"]]))
    assert report.ok
    assert (
        Actor.objects.get(name="Kita").area == area and Actor.objects.get(name="Amt").area is None
    )
    logged = ChangeLog.objects.filter(project=projekt, action=ChangeLog.Action.IMPORT)
    assert sorted(logged.values_list("object_type", "label")) == [
        ("actors.actor", "Amt"),
        ("actors.actor", "Kita"),
        ("actors.tie", "Kita – Amt (Kooperation)"),
    ]
    assert set(logged.values_list("object_id", flat=True)) == {
        *Actor.objects.values_list("pk", flat=True),
        Tie.objects.get().pk,
    }


def test_names_match_regardless_of_case(projekt):
    actor(projekt, "Diakonie Spandau")
    report = run(projekt, workbook([["Label", "Type"], ["diakonie spandau", "diakonie"]]))
    assert report.ok
    assert Actor.objects.get().name == "Diakonie Spandau"
    assert Actor.objects.get().actor_type.code == "diakonie"


def test_a_mutual_tie_becomes_directed_when_the_file_says_so(projekt):
    a, b = actor(projekt, "A"), actor(projekt, "B")
    stored = tie(b, a, "finanzierung")
    report = run(
        projekt,
        workbook(
            [["Label"]],
            [["From", "To", "Type", "Direction"], ["A", "B", "Finanzierung", "directed"]],
        ),
    )
    assert report.ok, [str(e) for e in report.errors]
    stored.refresh_from_db()
    assert (stored.source, stored.target, stored.directed) == (a, b, True)


def test_a_tie_the_database_refuses_is_named_too(projekt):
    a, b = actor(projekt, "A"), actor(projekt, "B")
    tie(a, b, "finanzierung", directed=True)
    tie(b, a, "finanzierung", directed=True)
    elements = [["Label"], ["A"], ["B"], ["C"]]
    connections = [["From", "To", "Type", "Direction"], ["A", "B", "finanzierung", "mutual"]]
    connections.append(["A", "C", "", ""])
    with translation.override("en"):
        report = run(projekt, workbook(elements, connections))
    assert problems(report) == [(2, "To (Connections)")]
    assert "already exists" in report.errors[0].message
    assert not Actor.objects.filter(name="C").exists()
    assert run(projekt, workbook(elements, connections), skip_invalid=True).ok
    assert Tie.objects.filter(directed=True).count() == 2 and Tie.objects.count() == 3


def test_a_dry_run_counts_but_saves_nothing(projekt):
    report = run(projekt, workbook(ELEMENTS, CONNECTIONS), dry_run=True)
    assert report.ok and report.counts[("actors", "created")] == 3
    assert report.counts[("ties", "created")] == 2
    assert not Actor.objects.exists() and not Tie.objects.exists()
    assert "nichts gespeichert" in report.summary(transfer.kinds())


# --- Bad input ---------------------------------------------------------------------------------

BAD_CASES = {
    "unknown type": (
        {"elements": [["Label", "Type"], ["A", "Raumstation"], ["B", ""]]},
        (2, "Type (Elements)"),
        "Parish, Diaconal service",
    ),
    "unknown actor": (
        {"connections": [["From", "To"], ["A", "B"], ["A", "Niemand"]]},
        (3, "To (Connections)"),
        "neither in the file",
    ),
    "self-tie": (
        {"connections": [["From", "To"], ["A", "a"]]},
        (2, "To (Connections)"),
        "two different actors",
    ),
    "duplicate mutual tie": (
        {"connections": [["From", "To"], ["A", "B"], ["B", "A"]]},
        (3, "To (Connections)"),
        "already in row 2",
    ),
    "duplicate directed tie": (
        {
            "connections": [
                ["From", "To", "Direction"],
                ["A", "B", "directed"],
                ["A", "B", "gerichtet"],
            ]
        },
        (3, "To (Connections)"),
        "already in row 2",
    ),
    "strength too high": (
        {"connections": [["From", "To", "Strength"], ["A", "B", 4]]},
        (2, "Strength (Connections)"),
        "from 1 to 3",
    ),
    "strength not whole": (
        {"connections": [["From", "To", "Strength"], ["A", "B", "2,5"]]},
        (2, "Strength (Connections)"),
        "whole number",
    ),
    "strength a word": (
        {"connections": [["From", "To", "Strength"], ["A", "B", "stark"]]},
        (2, "Strength (Connections)"),
        "whole number",
    ),
    "parent cycle": (
        {"elements": [["Label", "Teil von"], ["A", "B"], ["B", "A"]]},
        (2, "Teil von (Elements)"),
        "part of itself",
    ),
    "unknown parent": (
        {"elements": [["Label", "Teil von"], ["A", "Phantom"], ["B", ""]]},
        (2, "Teil von (Elements)"),
        "neither in the file",
    ),
    "latitude out of range": (
        {"elements": [["Label", "Breitengrad", "Längengrad"], ["A", 95, 13], ["B", None, None]]},
        (2, "Breitengrad (Elements)"),
        "90",
    ),
    "coordinate not a number": (
        {
            "elements": [
                ["Label", "Breitengrad", "Längengrad"],
                ["A", "nördlich", 13],
                ["B", None, None],
            ]
        },
        (2, "Breitengrad (Elements)"),
        "keine Zahl",
    ),
    "only one coordinate": (
        {
            "elements": [
                ["Label", "Breitengrad", "Längengrad"],
                ["A", 52.5, None],
                ["B", None, None],
            ]
        },
        (2, "Längengrad (Elements)"),
        "both latitude and longitude",
    ),
    "unknown kind": (
        {"connections": [["From", "To", "Type"], ["A", "B", "Freundschaft"]]},
        (2, "Type (Connections)"),
        "Exchange of information",
    ),
    "bad direction": (
        {"connections": [["From", "To", "Direction"], ["A", "B", "quer"]]},
        (2, "Direction (Connections)"),
        "directed",
    ),
    "same name twice": (
        {"elements": [["Label"], ["A"], ["B"], ["a"]]},
        (4, "Label (Elements)"),
        "already in row 2",
    ),
    "bad e-mail": (
        {"elements": [["Label", "E-Mail"], ["A", "kein-at-zeichen"], ["B", ""]]},
        (2, "E-Mail (Elements)"),
        "email",
    ),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_a_bad_row_is_named_and_nothing_is_stored(projekt, case):
    sheets, where, fragment = BAD_CASES[case]
    elements = sheets.get("elements", [["Label"], ["A"], ["B"]])
    connections = sheets.get("connections", [["From", "To"], ["A", "B"]])
    with translation.override("en"):  # German wording is pinned by the catalogue, not here
        report = run(projekt, workbook(elements, connections))
        assert not report.ok
        assert where in problems(report), [str(e) for e in report.errors]
        error = next(e for e in report.errors if (e.row, e.column) == where)
        assert fragment in error.message, error.message
        assert f"Row {where[0]}" in str(error)
    assert not Actor.objects.exists() and not Tie.objects.exists()


def test_a_parent_cycle_across_file_and_database_is_refused(projekt):
    a = actor(projekt, "A")
    actor(projekt, "B", parent=a)
    report = run(projekt, workbook([["Label", "Teil von"], ["A", "B"]]))
    assert (2, "Teil von (Elements)") in problems(report)
    assert Actor.objects.get(name="A").parent is None


def test_ties_both_ways_are_two_ties_when_directed(projekt):
    connections = [["From", "To", "Direction"], ["A", "B", "directed"], ["B", "A", "directed"]]
    report = run(projekt, workbook([["Label"], ["A"], ["B"]], connections))
    assert report.ok, [str(e) for e in report.errors]
    assert Tie.objects.count() == 2


def test_skipping_bad_rows_imports_the_rest(projekt):
    elements = [["Label", "Type"], ["A", "verein"], ["B", "Raumstation"], ["C", ""]]
    connections = [["From", "To", "Strength"], ["A", "C", 2], ["A", "B", 2], ["A", "C", 9]]
    report = run(projekt, workbook(elements, connections), skip_invalid=True)
    assert report.ok
    assert problems(report) == [
        (3, "Type (Elements)"),
        (3, "To (Connections)"),
        (4, "Strength (Connections)"),
    ]
    assert sorted(Actor.objects.values_list("name", flat=True)) == ["A", "C"]
    assert Tie.objects.count() == 1
    assert "3 Zeilen abgelehnt" in report.summary(transfer.kinds())


def test_a_child_may_come_before_its_parent_and_falls_with_it(projekt):
    elements = [["Label", "Teil von", "Type"], ["Kita", "Träger", ""], ["Träger", "", ""]]
    assert run(projekt, workbook(elements)).ok
    assert Actor.objects.get(name="Kita").parent.name == "Träger"
    Actor.objects.all().delete()
    elements += [["Hort", "Verband", ""], ["Verband", "", "Raumstation"]]
    report = run(projekt, workbook(elements), skip_invalid=True)
    assert problems(report) == [(5, "Type (Elements)"), (4, "Teil von (Elements)")]
    assert sorted(Actor.objects.values_list("name", flat=True)) == ["Kita", "Träger"]


def test_a_german_connections_csv_alone(projekt):
    actor(projekt, "A")
    actor(projekt, "B")
    report = run(projekt, "Von;An;Art\nA;B;Raumüberlassung\n".encode(), filename="v.csv")
    assert report.ok, [str(e) for e in report.errors]
    assert Tie.objects.get().kind.code == "raum"


def test_a_file_without_labels_is_explained(projekt):
    report = run(projekt, workbook([["Name der Einrichtung"], ["A"]]))
    assert not report.ok and report.errors[0].row is None
    assert "Label" in report.errors[0].message


def test_an_unreadable_file_is_explained(projekt):
    report = run(projekt, b"\x00\x01not a workbook")
    assert not report.ok and report.errors[0].row is None


def test_formulas_in_a_workbook_are_refused(projekt):
    book = openpyxl.Workbook()
    book.active.title = "Elements"
    book.active.append(["Label"])
    book.active.append(["=A1"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(projekt, buffer.getvalue())
    assert not report.ok and "Formel" in report.errors[0].message


# --- GraphML from other tools ------------------------------------------------------------------

YED = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"
  xmlns:y="http://www.yworks.com/xml/graphml">
  <key for="node" id="d5" attr.name="description" attr.type="string"/>
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <key for="edge" id="d10" yfiles.type="edgegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0">
      <data key="d5">Pfarrbüro</data>
      <data key="d6"><y:ShapeNode><y:Geometry height="30" width="30" x="0" y="0"/>
        <y:NodeLabel>Kirchengemeinde Nord</y:NodeLabel></y:ShapeNode></data>
    </node>
    <node id="n1">
      <data key="d6"><y:ShapeNode><y:NodeLabel>Tafel</y:NodeLabel></y:ShapeNode></data>
    </node>
    <edge id="e0" source="n0" target="n1">
      <data key="d10"><y:PolyLineEdge><y:EdgeLabel>hilft</y:EdgeLabel></y:PolyLineEdge></data>
    </edge>
  </graph>
</graphml>""".encode()

GEPHI = b"""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="label"/>
  <key attr.name="Modularity Class" attr.type="int" for="node" id="modularity_class"/>
  <key attr.name="weight" attr.type="double" for="edge" id="weight"/>
  <key attr.name="r" attr.type="int" for="node" id="r"/>
  <graph edgedefault="undirected">
    <node id="0"><data key="label">Jugendamt</data><data key="r">12</data>
      <data key="modularity_class">1</data></node>
    <node id="1"><data key="label">Schule am Park</data></node>
    <node id="2"/>
    <edge source="0" target="1"><data key="weight">1.0</data></edge>
    <edge source="1" target="2"/>
  </graph>
</graphml>"""


def test_a_yed_file_uses_the_drawn_labels(projekt):
    report = transfer.import_graphml(project=projekt, source=YED, user=None)
    assert report.ok, [str(e) for e in report.errors]
    assert sorted(Actor.objects.values_list("name", flat=True)) == [
        "Kirchengemeinde Nord",
        "Tafel",
    ]
    assert Actor.objects.get(name="Kirchengemeinde Nord").notes == "Pfarrbüro"
    made = Tie.objects.get()
    assert made.directed and made.source.name == "Kirchengemeinde Nord"
    assert made.kind.code == "kooperation"


def test_nodes_inside_a_yed_group_are_read_too(projekt):
    grouped = (
        YED.replace(
            b'<node id="n1">',
            b'<node id="g" yfiles.foldertype="group"><graph id="g:" edgedefault="directed">'
            b'<node id="g::n1">',
        )
        .replace(b"</node>\n    <edge", b"</node></graph></node>\n    <edge")
        .replace(b'target="n1"', b'target="g::n1"')
    )
    report = transfer.import_graphml(project=projekt, source=grouped, user=None)
    assert report.ok, [str(e) for e in report.errors]
    assert sorted(Actor.objects.values_list("name", flat=True)) == [
        "Kirchengemeinde Nord",
        "Tafel",
        "g",
    ]
    assert Tie.objects.get().target.name == "Tafel"


def test_a_gephi_file_names_nodes_by_label_or_id_and_ignores_unknown_attributes(projekt):
    report = transfer.import_graphml(project=projekt, source=GEPHI, user=None)
    assert report.ok, [str(e) for e in report.errors]
    assert sorted(Actor.objects.values_list("name", flat=True)) == [
        "2",
        "Jugendamt",
        "Schule am Park",
    ]
    assert Tie.objects.count() == 2 and not Tie.objects.filter(directed=True).exists()
    warnings = " ".join(report.warnings)
    assert "Modularity Class" in warnings and "weight" in warnings


def test_graphml_is_chosen_by_the_file_ending(projekt):
    report = run(projekt, GEPHI, filename="netz.graphml")
    assert report.ok and Actor.objects.count() == 3


def test_graphml_with_entity_declarations_is_refused(projekt):
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><graphml/>'
    report = transfer.import_graphml(project=projekt, source=data, user=None)
    assert not report.ok and report.errors[0].row is None
    utf16 = data.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")
    report = transfer.import_graphml(project=projekt, source=utf16, user=None)
    assert not report.ok and report.errors[0].row is None
    broken = transfer.import_graphml(project=projekt, source=b"<graphml><graph>", user=None)
    assert not broken.ok and "GraphML" in broken.errors[0].message


def test_bad_graphml_values_are_named_by_node_and_attribute(projekt):
    data = GEPHI.replace(
        b'<key attr.name="r"',
        b'<key attr.name="field" attr.type="string" for="node" id="f"/><key attr.name="r"',
    ).replace(b'<node id="2"/>', b'<node id="2"><data key="f">X</data></node>')
    with translation.override("en"):
        report = transfer.import_graphml(project=projekt, source=data, user=None)
    assert (3, "field (node)") in problems(report)
    assert not Actor.objects.exists()


# --- Commands ----------------------------------------------------------------------------------


class TestCommands:
    @pytest.mark.parametrize("fmt", ["xlsx", "graphml", "csv"])
    def test_export_and_import(self, projekt, leeres_projekt, tmp_path, capsys, fmt):
        build_network(projekt)
        out = tmp_path / f"netz.{fmt}"
        call_command(
            "export-network", "--project", projekt.slug, "--format", fmt, "--out", str(out)
        )
        assert "10 Akteure und 7 Beziehungen" in capsys.readouterr().out
        if fmt == "csv":
            args = [
                str(tmp_path / "netz-elements.csv"),
                "--connections",
                str(tmp_path / "netz-connections.csv"),
            ]
        else:
            args = [str(out)]
        call_command("import-actors", *args, "--project", "leer", "--dry-run")
        assert not Actor.objects.filter(project=leeres_projekt).exists()
        call_command("import-actors", *args, "--project", "leer")
        assert "10 Akteure angelegt" in capsys.readouterr().out
        assert snapshot(leeres_projekt) == snapshot(projekt)

    def test_csv_into_a_directory(self, projekt, tmp_path):
        actor(projekt, "A")
        call_command(
            "export-network",
            "--project",
            projekt.slug,
            "--format",
            "csv",
            "--out",
            str(tmp_path),
            stdout=io.StringIO(),
        )
        assert (tmp_path / "elements.csv").exists() and (tmp_path / "connections.csv").exists()

    def test_a_bad_file_exits_non_zero(self, projekt, tmp_path, capsys):
        path = tmp_path / "netz.xlsx"
        path.write_bytes(workbook([["Label", "Type"], ["A", "Raumstation"], ["B", "verein"]]))
        with pytest.raises(CommandError) as error:
            call_command("import-actors", str(path), "--project", projekt.slug)
        assert error.value.returncode == 1
        assert "Zeile 2" in capsys.readouterr().err
        assert not Actor.objects.exists()
        call_command("import-actors", str(path), "--project", projekt.slug, "--skip-invalid")
        assert list(Actor.objects.values_list("name", flat=True)) == ["B"]

    def test_unknown_project_and_missing_file(self, projekt, tmp_path):
        with pytest.raises(CommandError, match="Kein Projekt"):
            call_command("export-network", "--project", "x", "--format", "xlsx", "--out", "a")
        with pytest.raises(CommandError, match="nicht gefunden"):
            call_command("import-actors", str(tmp_path / "fehlt.xlsx"), "--project", "nordstadt")


# --- Pages -------------------------------------------------------------------------------------


class TestPages:
    def url(self, name, project, *args):
        return reverse(f"actors:{name}", args=[project.slug, *args])

    def test_anonymous_visitors_are_sent_to_the_login(self, client_for, projekt):
        for name, args in (("import", ()), ("export", ("xlsx",)), ("template", ())):
            response = client_for(None).get(self.url(name, projekt, *args))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))

    def test_members_of_another_project_get_404(self, client_for, projekt, fremde_person):
        client = client_for(fremde_person)
        assert client.get(self.url("import", projekt)).status_code == 404
        assert client.get(self.url("export", projekt, "graphml")).status_code == 404

    def test_viewers_export_but_do_not_import(self, client_for, projekt, ehrenamtlicher):
        build_network(projekt)
        client = client_for(ehrenamtlicher)
        assert client.get(self.url("import", projekt)).status_code == 403
        assert client.post(self.url("import_confirm", projekt)).status_code == 403
        for fmt in transfer_formats():
            response = client.get(self.url("export", projekt, fmt))
            assert response.status_code == 200, fmt
            assert "attachment" in response["Content-Disposition"]
        csv = client.get(self.url("export", projekt, "csv-elements"))
        assert csv["Content-Type"].startswith("text/csv")
        assert "Kita Regenbogen" in csv.content.decode("utf-8-sig")
        assert client.get(self.url("export", projekt, "pdf")).status_code == 404
        book = openpyxl.load_workbook(io.BytesIO(client.get(self.url("template", projekt)).content))
        assert book.sheetnames[:2] == ["Elements", "Connections"]
        assert "Typen (ignore)" in book.sheetnames

    def test_preview_then_confirm(self, client_for, projekt, mitarbeiter, tmp_path):
        client = client_for(mitarbeiter)
        upload = tmp_path / "netz.xlsx"
        upload.write_bytes(workbook(ELEMENTS, CONNECTIONS))
        page = client.get(self.url("import", projekt)).content.decode()
        assert "Kumu" in page and "Teil von" in page and self.url("template", projekt) in page
        with upload.open("rb") as handle:
            preview = client.post(self.url("import", projekt), {"file": handle})
        html = preview.content.decode()
        assert "3 Akteure angelegt" in html and "2 Beziehungen angelegt" in html
        assert not Actor.objects.exists()
        done = client.post(self.url("import_confirm", projekt))
        assert done["Location"] == self.url("list", projekt)
        assert Actor.objects.count() == 3 and Tie.objects.count() == 2
        again = client.post(self.url("import_confirm", projekt))  # the file is gone
        assert again["Location"] == self.url("import", projekt)

    def test_a_csv_pair_is_uploaded_together(self, client_for, projekt, mitarbeiter, tmp_path):
        elements, connections = tmp_path / "elemente.csv", tmp_path / "verbindungen.csv"
        elements.write_text("Label;Type\nA;verein\nB;\n", encoding="utf-8")
        connections.write_text("From;To\nA;B\n", encoding="utf-8")
        client = client_for(mitarbeiter)
        with elements.open("rb") as first, connections.open("rb") as second:
            client.post(self.url("import", projekt), {"file": first, "connections": second})
        client.post(self.url("import_confirm", projekt))
        assert Tie.objects.get().source.name == "A"

    def test_a_bad_file_shows_every_problem_as_text(
        self, client_for, projekt, mitarbeiter, tmp_path
    ):
        hostile = '<script>alert("x")</script>'
        upload = tmp_path / "netz.xlsx"
        upload.write_bytes(workbook([["Label", "Type"], ["A", hostile]]))
        client = client_for(mitarbeiter)
        with upload.open("rb") as handle:
            html = client.post(self.url("import", projekt), {"file": handle}).content.decode()
        assert "Type (Elements)" in html
        assert hostile not in html and "&lt;script&gt;" in html
        assert "Jetzt importieren" not in html
        assert client.post(self.url("import_confirm", projekt)).status_code == 302
        assert not Actor.objects.exists()

    def test_other_file_types_are_refused(self, client_for, projekt, mitarbeiter, tmp_path):
        upload = tmp_path / "netz.pdf"
        upload.write_bytes(b"%PDF")
        with upload.open("rb") as handle:
            response = client_for(mitarbeiter).post(self.url("import", projekt), {"file": handle})
        assert ".graphml" in response.content.decode()
        book, second = tmp_path / "netz.xlsx", tmp_path / "c.csv"
        book.write_bytes(workbook(ELEMENTS))
        second.write_text("From;To\n", encoding="utf-8")
        with book.open("rb") as first, second.open("rb") as more:
            response = client_for(mitarbeiter).post(
                self.url("import", projekt), {"file": first, "connections": more}
            )
        assert "Jetzt importieren" not in response.content.decode()
        assert SESSION_KEY not in client_for(mitarbeiter).session

    def test_a_file_over_the_limit_is_refused_before_reading(
        self, client_for, projekt, mitarbeiter, settings, tmp_path
    ):
        settings.QK_MAX_UPLOAD_MB = 1
        upload = tmp_path / "gross.graphml"
        upload.write_bytes(b"0" * (1024 * 1024 + 1))
        with upload.open("rb") as handle:
            response = client_for(mitarbeiter).post(self.url("import", projekt), {"file": handle})
        assert "höchstens 1 MB" in response.content.decode()


def test_the_export_needs_the_same_queries_for_any_network_size(projekt):
    def count(fmt: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            export(projekt, fmt)
        return len(queries)

    build_network(projekt)
    small = {fmt: count(fmt) for fmt in transfer_formats()}
    build_network(Project.objects.create(slug="gross", name="Groß"))
    more = Actor.objects.filter(project=projekt)
    for i in range(20):
        tie(actor(projekt, f"Verein {i}", "verein", parent=more.first()), more.last())
    assert {fmt: count(fmt) for fmt in transfer_formats()} == small
    assert max(small.values()) <= 3


def transfer_formats() -> list[str]:
    return ["xlsx", "csv-elements", "csv-connections", "graphml"]
