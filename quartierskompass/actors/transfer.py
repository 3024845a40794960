"""The actor network as files: Kumu-style spreadsheets (elements and connections) and GraphML.

An export imported into an empty project gives the same actors and ties. The import checks
everything first and writes nothing while any row is bad, unless the person chose to skip the
bad rows. Actors are matched by name (case-insensitive) and updated; an empty cell keeps what
is stored, so a Kumu map with fewer columns never wipes our data. Ties are matched by their two
actors and kind (A–B and B–A are one tie unless both are directed).

Spreadsheet layout (Kumu reads it as it is): a sheet “Elements” with ``Label`` in column A and
a sheet “Connections” with ``From`` and ``To`` in columns A and B – or the two as CSV files.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import pyexpat
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import networkx as nx
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from quartierskompass.accounts.models import Project, User
from quartierskompass.actors import services
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from quartierskompass.areas.locate import assign_area
from quartierskompass.core.imports import ImportAborted, ImportReport
from quartierskompass.core.models import ChangeLog
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.lib import tabular
from quartierskompass.lib.dates import DateError, parse_date
from quartierskompass.lib.numbers import SUPPRESSED, NumberError, parse_number

MAX_ROWS = 20_000
ELEMENTS, CONNECTIONS = "Elements", "Connections"
ELEMENT_SHEETS = {"elements", "elemente", "akteure"}
CONNECTION_SHEETS = {"connections", "verbindungen", "beziehungen"}
GRAPHML_SUFFIXES = (".graphml", ".xml")
DEFAULT_KIND = "kooperation"
TAG_SEPARATORS = ("|", ";")
DIRECTED = {"directed", "gerichtet", "einseitig", "one-way", "true", "ja", "yes", "1"}
MUTUAL = {"mutual", "undirected", "gegenseitig", "ungerichtet", "beidseitig", "wechselseitig"}
MUTUAL |= {"false", "nein", "no", "0"}  # a GraphML boolean or a yes/no column “gerichtet”
YES = {"ja", "j", "yes", "y", "x", "true", "wahr", "1"}
NO = {"nein", "n", "no", "false", "falsch", "0"}
FIELD_WORDS = {
    word: code
    for code, words in {
        "S": ("s", "sozialstruktur", "social structure"),
        "O": ("o", "organisationen", "organisation", "organisations"),
        "N": ("n", "netzwerk", "network"),
        "I": ("i", "individuum", "individual"),
    }.items()
    for word in words
}
# Written by our own GraphML export for people's eyes; the import reads the codes beside them.
QUIET_KEYS = {"type_label", "kind_label", "id"}


def kinds() -> dict[str, tuple[str, str]]:
    """Singular and plural nouns for the import summary, in the active language."""
    return {"actors": (_("actor"), _("actors")), "ties": (_("tie"), _("ties"))}


@dataclass(frozen=True)
class Column:
    header: str  # as exported; Kumu's English names where Kumu has one
    key: str
    help: Any  # lazy translation
    aliases: tuple[str, ...] = ()


ELEMENT_COLUMNS = [
    Column(
        "Label",
        "name",
        gettext_lazy(
            "Name of the actor (required). An actor of the project with the same name is updated."
        ),
        ("Name", "Bezeichnung"),
    ),
    Column(
        "Type",
        "actor_type",
        gettext_lazy(
            "Actor type: its code or its name, see the sheet “Typen (ignore)” of the template."
        ),
        ("Typ", "Art", "Akteurstyp"),
    ),
    Column(
        "Description",
        "notes",
        gettext_lazy("Notes, free text."),
        ("Beschreibung", "Notizen", "Notes"),
    ),
    Column(
        "Tags",
        "tags",
        gettext_lazy("Short words, separated by | or ;."),
        ("Schlagwörter", "Schlagworte"),
    ),
    Column(
        "SONI-Feld",
        "field",
        gettext_lazy("S, O, N or I: where the actor mainly acts."),
        ("Field", "SONI field", "Feld"),
    ),
    Column("Adresse", "address", gettext_lazy("Business address."), ("Address", "Anschrift")),
    Column(
        "Website", "website", gettext_lazy("Address starting with https://."), ("Webseite", "URL")
    ),
    Column(
        "E-Mail",
        "contact_email",
        gettext_lazy("Business e-mail address."),
        ("Email", "E-Mail-Adresse"),
    ),
    Column(
        "Telefon",
        "contact_phone",
        gettext_lazy("Business phone number."),
        ("Phone", "Telephone", "Telefonnummer"),
    ),
    Column(
        "Breitengrad",
        "latitude",
        gettext_lazy("Decimal degrees, e.g. 52.5563."),
        ("Latitude", "lat"),
    ),
    Column(
        "Längengrad",
        "longitude",
        gettext_lazy("Decimal degrees, e.g. 13.1736."),
        ("Longitude", "lon", "lng"),
    ),
    Column(
        "Teil von",
        "parent",
        gettext_lazy(
            "Name of the actor this one belongs to, e.g. the provider of a day-care centre."
        ),
        ("Parent", "Part of", "Gehört zu"),
    ),
]
# Kumu's optional first column: connections may name elements by it instead of the label.
ELEMENT_ID = Column("ID", "id", "", ("kumu id",))
CONNECTION_COLUMNS = [
    Column(
        "From",
        "source",
        gettext_lazy("Name (Label) of the first actor (required)."),
        ("Von", "Source", "Quelle"),
    ),
    Column(
        "To",
        "target",
        gettext_lazy(
            "Name of the second actor (required); several names separated by | give one tie each."
        ),
        ("An", "Nach", "Zu", "Target", "Ziel"),
    ),
    Column(
        "Type",
        "kind",
        gettext_lazy(
            "Kind of tie: code or name, see the sheet “Typen (ignore)”; empty means cooperation."
        ),
        ("Typ", "Art", "Kind"),
    ),
    Column(
        "Direction",
        "direction",
        gettext_lazy(
            "“directed” (gerichtet) for funding or referrals from one to the other, “mutual” "
            "(gegenseitig) otherwise; empty means mutual."
        ),
        ("Richtung", "directed"),
    ),
    Column(
        "Strength",
        "strength",
        gettext_lazy("1 loose, 2 regular, 3 close; empty means 2."),
        ("Stärke", "Staerke"),
    ),
    Column("Seit", "since", gettext_lazy("Date DD.MM.YYYY."), ("Since",)),
    Column(
        "Bestätigt",
        "confirmed",
        gettext_lazy("“ja” when both sides confirmed the tie."),
        ("Confirmed", "Bestaetigt"),
    ),
    Column(
        "Description",
        "notes",
        gettext_lazy("Notes, free text."),
        ("Beschreibung", "Notizen", "Notes"),
    ),
]
ELEMENT_HEADERS = [c.header for c in ELEMENT_COLUMNS]
CONNECTION_HEADERS = [c.header for c in CONNECTION_COLUMNS]


class NetworkReport(ImportReport):
    """An import report that counts bad rows per sheet: row 5 of the elements is not row 5 of
    the connections."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rejected: set[tuple[str, int]] = set()

    @property
    def bad_rows(self) -> set[tuple[str, int]]:  # type: ignore[override]
        return self.rejected

    def fail(self, sheet: str, row: int, header: str, value: object, message: str) -> None:
        self.error(row, f"{header} ({sheet})", value, message)
        self.rejected.add((sheet, row))


# --- Export ------------------------------------------------------------------------------------


def _actors(project: Project):
    return Actor.objects.filter(project=project).select_related("actor_type", "parent")


def _ties(project: Project):
    return Tie.objects.filter(project=project).select_related("source", "target", "kind")


def element_rows(project: Project) -> list[list[Any]]:
    return [
        [
            a.name,
            a.actor_type.label_de if a.actor_type else "",
            a.notes,
            "|".join(a.tags),
            a.field,
            a.address,
            a.website,
            a.contact_email,
            a.contact_phone,
            a.latitude,
            a.longitude,
            a.parent.name if a.parent else "",
        ]
        for a in _actors(project).order_by("name", "pk")
    ]


def connection_rows(project: Project) -> list[list[Any]]:
    return [
        [
            t.source.name,
            t.target.name,
            t.kind.label_de,
            "directed" if t.directed else "mutual",
            t.strength,
            t.since,
            "ja" if t.confirmed else "nein",
            t.notes,
        ]
        for t in _ties(project).order_by("source__name", "target__name", "kind__position", "pk")
    ]


def write_network(stream: IO[bytes], *, project: Project, fmt: str) -> None:
    """Write the project's network: ``xlsx`` (Kumu's two sheets), ``csv-elements``,
    ``csv-connections`` (UTF-8 with BOM, semicolons) or ``graphml``."""
    if fmt == "xlsx":
        _write_workbook(stream, element_rows(project), connection_rows(project))
    elif fmt == "csv-elements":
        tabular.write_csv(stream, ELEMENT_HEADERS, element_rows(project))
    elif fmt == "csv-connections":
        tabular.write_csv(stream, CONNECTION_HEADERS, connection_rows(project))
    elif fmt == "graphml":
        _write_graphml(stream, project)
    else:
        raise ValueError(f"unknown network format {fmt!r}")


def write_template(stream: IO[bytes]) -> None:
    """The empty workbook with help and the codes; Kumu skips sheets named “… (ignore)”."""
    help_rows = [
        [sheet, c.header, str(c.help)]
        for sheet, columns in ((ELEMENTS, ELEMENT_COLUMNS), (CONNECTIONS, CONNECTION_COLUMNS))
        for c in columns
    ]
    codes = [
        ["Type (Elements)", t.code, t.label_de, t.label_en]
        for t in ActorType.objects.filter(active=True)
    ]
    codes += [
        ["Type (Connections)", k.code, k.label_de, k.label_en]
        for k in TieKind.objects.filter(active=True)
    ]
    _write_workbook(
        stream,
        [],
        [],
        extra=[
            ("Typen (ignore)", ["Blatt", "Code", "Deutsch", "English"], codes),
            ("Hinweise (ignore)", ["Blatt", "Spalte", "Was hineingehört"], help_rows),
        ],
    )


def _write_workbook(stream, elements, connections, extra=()) -> None:
    helps = {c.header: str(c.help) for c in [*ELEMENT_COLUMNS, *CONNECTION_COLUMNS]}
    helps["Type"] = _("Element: actor type. Connection: kind of tie.")
    helps["Description"] = str(ELEMENT_COLUMNS[2].help)
    tabular.write_xlsx(
        stream,
        [
            (ELEMENTS, ELEMENT_HEADERS, elements),
            (CONNECTIONS, CONNECTION_HEADERS, connections),
            *extra,
        ],
        header_help=helps,
    )


def network_graph(project: Project) -> nx.MultiDiGraph:
    """Nodes ``a<pk>`` and edges ``t<pk>`` with the attributes the GraphML file carries."""
    graph = nx.MultiDiGraph()
    for a in _actors(project).order_by("name", "pk"):
        attributes = {
            "label": a.name,
            "type": a.actor_type.code if a.actor_type else "",
            "type_label": a.actor_type.label_de if a.actor_type else "",
            "field": a.field,
            "description": a.notes,
            "tags": "|".join(a.tags),
            "address": a.address,
            "website": a.website,
            "email": a.contact_email,
            "phone": a.contact_phone,
            "latitude": a.latitude,
            "longitude": a.longitude,
            "parent": a.parent.name if a.parent else "",
        }
        graph.add_node(f"a{a.pk}", **{k: v for k, v in attributes.items() if v not in ("", None)})
    for t in _ties(project).order_by("pk"):
        attributes = {
            "kind": t.kind.code,
            "kind_label": t.kind.label_de,
            "strength": t.strength,
            "directed": t.directed,
            "since": t.since.isoformat() if t.since else "",
            "confirmed": t.confirmed,
            "description": t.notes,
        }
        graph.add_edge(
            f"a{t.source_id}",
            f"a{t.target_id}",
            key=f"t{t.pk}",
            **{k: v for k, v in attributes.items() if v != ""},
        )
    return graph


def _write_graphml(stream: IO[bytes], project: Project) -> None:
    """GraphML with one ``edge`` per tie; only directed ties are directed edges.

    A network of only mutual (or only directed) ties is a plain undirected (directed) graph.
    A mixed one says ``edgedefault="undirected"`` and marks each directed tie with
    ``directed="true"``, as the GraphML specification allows (Gephi and yEd read it;
    networkx's reader refuses mixed graphs). ElementTree escapes every text.
    """
    graph = network_graph(project)
    edges = list(graph.edges(keys=True, data=True))
    all_directed = bool(edges) and all(data["directed"] for *_ends, data in edges)
    writer = nx.readwrite.graphml.GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    graph_element = writer.xml.find("graph")
    graph_element.set("edgedefault", "directed" if all_directed else "undirected")
    directed = {key: data["directed"] for _u, _v, key, data in edges}
    for edge in graph_element.iter("edge"):
        if directed[edge.get("id")] != all_directed:
            edge.set("directed", "true" if directed[edge.get("id")] else "false")
    writer.dump(stream)


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """A table to import and the name the person knows it by (sheet, file or GraphML part)."""

    label: str
    table: tabular.Table
    split_targets: bool = True  # Kumu: "A | B" in “To” means a tie to each


def _read(source, filename: str, sheet: str | None = None) -> tabular.Table:
    return tabular.read_table(source, filename=filename, sheet=sheet, max_rows=MAX_ROWS)


def _is_connections(table: tabular.Table) -> bool:
    """A table with “From” and “To” but no “Label” column lists ties (in any language)."""
    headers = {h.casefold() for h in table.headers}

    def has(columns: list[Column], key: str) -> bool:
        column = next(c for c in columns if c.key == key)
        return any(n.casefold() in headers for n in (column.header, *column.aliases))

    ends = has(CONNECTION_COLUMNS, "source") and has(CONNECTION_COLUMNS, "target")
    return ends and not has(ELEMENT_COLUMNS, "name")


def _sheet_names(source: bytes | Path) -> list[str] | None:
    """The workbook's sheet names without reading a sheet (the first may be a “(ignore)” one
    full of formulas); None when openpyxl cannot open it – read_table then says why."""
    stream = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    try:
        with warnings.catch_warnings():
            # Dropped workbook features (styles, validation) do not concern the names.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
            book = load_workbook(stream, read_only=True, keep_links=False)
            names = list(book.sheetnames)
            book.close()
            return names
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    finally:
        stream.close()


def _read_spreadsheets(
    source, filename: str, connections_source, connections_filename: str
) -> tuple[Sheet | None, Sheet | None]:
    if Path(filename).suffix.lower() in tabular.CSV_SUFFIXES:
        main = Sheet(Path(filename).name, _read(source, filename))
        if connections_source is None and _is_connections(main.table):
            return None, main
        more = None
        if connections_source is not None:
            name = connections_filename or "connections.csv"
            more = Sheet(Path(name).name, _read(connections_source, name))
        return main, more
    all_names = (
        _sheet_names(source) if Path(filename).suffix.lower() in tabular.XLSX_SUFFIXES else None
    )
    if all_names is None:
        all_names = _read(source, filename).sheet_names  # raises the German explanation
    names = [n for n in all_names if "(ignore)" not in n.casefold()]
    elements = next((n for n in names if n.casefold() in ELEMENT_SHEETS), None)
    connections = next((n for n in names if n.casefold() in CONNECTION_SHEETS), None)
    if elements is None and names and names[0] != connections:
        elements = names[0]  # a workbook of elements alone, on a sheet of any name
    return (
        Sheet(elements, _read(source, filename, elements)) if elements else None,
        Sheet(connections, _read(source, filename, connections)) if connections else None,
    )


def _graphml_value(text: str | None, kind: str) -> Any:
    text = (text or "").strip()
    try:
        if kind in ("int", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return text.lower() in ("true", "1")
    return text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _walk(graph: ET.Element, tag: str) -> Iterator[ET.Element]:
    """Nodes (or edges) in document order, also those inside a yEd group's nested graph."""
    for element in graph:
        if _local(element.tag) == tag:
            yield element
        if _local(element.tag) == "node":
            for inner in (e for e in element if _local(e.tag) == "graph"):
                yield from _walk(inner, tag)


def _parse_xml(data: bytes) -> ET.Element:
    """Parse untrusted XML; a document type declaration (the door to entity expansion and
    external entities) is refused before ElementTree sees the file, whatever its encoding."""

    def refuse(*_args) -> None:
        raise tabular.TableError(
            _("The GraphML file contains a DOCTYPE or entity declarations; they are not allowed.")
        )

    scout = pyexpat.ParserCreate()
    scout.StartDoctypeDeclHandler = refuse
    scout.EntityDeclHandler = refuse
    try:
        scout.Parse(data, True)
        return ET.fromstring(data)
    except (pyexpat.ExpatError, ET.ParseError) as error:
        raise tabular.TableError(
            _("The file is not readable GraphML (%(error)s).") % {"error": error}
        ) from error


def _read_graphml(data: bytes, report: ImportReport) -> tuple[Sheet, Sheet]:
    """Nodes and edges of the first graph as two tables, so they pass the same checks.

    A node's name is its ``label`` or ``name`` attribute, a yEd node label, or else its id.
    """
    root = _parse_xml(data)
    graph = next((e for e in root if _local(e.tag) == "graph"), None)
    if _local(root.tag) != "graphml" or graph is None:
        raise tabular.TableError(_("The file is no GraphML file with a graph."))
    keys: dict[str, tuple[str, str, str | None]] = {}
    defaults: dict[str, dict[str, Any]] = {"node": {}, "edge": {}}
    for key in (e for e in root if _local(e.tag) == "key"):
        name = key.get("attr.name") or key.get("id", "")
        kind = "yfiles" if key.get("yfiles.type") else key.get("attr.type", "string")
        keys[key.get("id", "")] = (name, kind, key.get("for"))
        default = next((e for e in key if _local(e.tag) == "default"), None)
        if default is not None and key.get("for") in defaults:
            defaults[key.get("for")][name] = _graphml_value(default.text, kind)

    def attributes(element: ET.Element, scope: str) -> tuple[dict[str, Any], str]:
        values, drawn = dict(defaults[scope]), ""
        for data_element in (e for e in element if _local(e.tag) == "data"):
            key = data_element.get("key", "")
            name, kind, _for = keys.get(key, (key, "string", None))
            if kind == "yfiles":
                label = next(
                    (e for e in data_element.iter() if _local(e.tag) in ("NodeLabel", "EdgeLabel")),
                    None,
                )
                drawn = (label.text or "").strip() if label is not None else drawn
            else:
                values[name] = _graphml_value(data_element.text, kind)
        return values, drawn

    default_directed = graph.get("edgedefault", "directed") == "directed"
    names: dict[str, str] = {}
    node_rows, node_headers = [], {"Label": None}
    for number, node in enumerate(_walk(graph, "node"), start=1):
        values, drawn = attributes(node, "node")
        found = {k.casefold(): k for k in values}
        name_key = found.get("label") or found.get("name")
        name = (
            str(values.pop(name_key, "") if name_key else "").strip() or drawn or node.get("id", "")
        )
        names[node.get("id", "")] = name
        node_headers.update(dict.fromkeys(values))
        node_rows.append(tabular.Row(number, {"Label": name, **values}))
    edge_rows, edge_headers = [], {"From": None, "To": None, "Direction": None}
    for number, edge in enumerate(_walk(graph, "edge"), start=1):
        values, drawn = attributes(edge, "edge")
        if drawn:
            values.setdefault("label", drawn)
        flag = edge.get("directed")
        directed = default_directed if flag is None else flag.lower() in ("true", "1")
        if flag is None and isinstance(values.get("directed"), bool):
            directed = values["directed"]
        values.pop("directed", None)
        ends = {"From": edge.get("source", ""), "To": edge.get("target", "")}
        ends = {k: names.get(v, v) for k, v in ends.items()}
        edge_headers.update(dict.fromkeys(values))
        edge_rows.append(
            tabular.Row(
                number, {**ends, "Direction": "directed" if directed else "mutual", **values}
            )
        )
    report.rows = len(node_rows) + len(edge_rows)
    return (
        Sheet(_("node"), tabular.Table(list(node_headers), node_rows), split_targets=False),
        Sheet(_("edge"), tabular.Table(list(edge_headers), edge_rows), split_targets=False),
    )


# --- Checking ----------------------------------------------------------------------------------


@dataclass
class ActorRow:
    sheet: str
    row: int
    name: str
    data: dict[str, Any]  # only the cells that were filled
    parent: str  # casefolded name, "" when not given
    headers: dict[str, str]
    ok: bool = True


@dataclass
class TieRow:
    sheet: str
    row: int
    source: str  # casefolded actor names
    target: str
    kind: TieKind
    directed: bool | None  # None: not given (mutual for new ties, unchanged for known ones)
    data: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _lookup(queryset) -> dict[str, Any]:
    """Codes, German and English labels, case-insensitive (codes win over labels)."""
    table: dict[str, Any] = {}
    for attribute in ("label_en", "label_de", "code"):
        for obj in queryset:
            if getattr(obj, attribute):
                table[getattr(obj, attribute).casefold()] = obj
    return table


class Checker:
    """Reads every row into actor and tie records and notes every problem in the report."""

    def __init__(self, project: Project, report: NetworkReport) -> None:
        self.project, self.report = project, report
        self.existing = {a.name.casefold(): a for a in _actors(project)}
        self.types = _lookup(ActorType.objects.all())
        self.tie_kinds = _lookup(TieKind.objects.all())
        self.actors: dict[str, ActorRow] = {}
        self.ids: dict[str, str] = {}
        self.ties: list[TieRow] = []
        self.pairs: dict[tuple[frozenset, int], list[TieRow]] = defaultdict(list)
        self.sheet, self.row, self.headers = "", 0, {}
        self.split = True

    @cached_property
    def known_types(self) -> str:
        return ", ".join(t.label for t in ActorType.objects.filter(active=True))

    @cached_property
    def known_kinds(self) -> str:
        return ", ".join(k.label for k in TieKind.objects.filter(active=True))

    def fail(self, key: str, value: object, message: str) -> None:
        self.report.fail(self.sheet, self.row, self.headers.get(key, key), value, message)

    def match_headers(self, sheet: Sheet, columns: list[Column], required: list[str]) -> bool:
        known = {alias.casefold(): c for c in columns for alias in (c.header, *c.aliases)}
        self.headers, self.sheet = {}, sheet.label
        for header in sheet.table.headers:
            column = known.get(header.casefold())
            if column and column.key not in self.headers:
                self.headers[column.key] = header
            elif header.casefold() not in QUIET_KEYS:
                self.report.warnings.append(
                    _("The column “%(column)s” in “%(sheet)s” is not known and was ignored.")
                    % {"column": header, "sheet": sheet.label}
                )
        missing = [c.header for c in columns if c.key in required and c.key not in self.headers]
        if missing:
            self.report.error(
                None,
                "",
                "",
                _(
                    "“%(sheet)s” needs the columns %(columns)s. Download the template to see every "
                    "column."
                )
                % {"sheet": sheet.label, "columns": ", ".join(f"„{m}“" for m in missing)},
            )
        return not missing

    def values(self, row: tabular.Row) -> dict[str, Any]:
        self.row = row.number
        return {key: row.get(header) for key, header in self.headers.items()}

    # Elements

    def read_elements(self, sheet: Sheet) -> None:
        columns = [*ELEMENT_COLUMNS, ELEMENT_ID]
        if not self.match_headers(sheet, columns, ["name"]):
            return
        for row in sheet.table.rows:
            self.element(self.values(row))
        self.check_model()
        self.check_parents()

    def element(self, values: dict[str, Any]) -> None:
        before = len(self.report.errors)
        name = _text(values.get("name"))
        if not name:
            self.fail("name", "", _("Every element needs a name (Label)."))
            return
        key = name.casefold()
        if key in self.actors:
            self.fail(
                "name",
                name,
                _("This actor is already in row %(row)s.") % {"row": self.actors[key].row},
            )
            return
        data: dict[str, Any] = {}
        for column in ("notes", "address", "website", "contact_email", "contact_phone"):
            if _text(values.get(column)):
                data[column] = _text(values.get(column))
        self.actor_type(values, data)
        self.soni_field(values, data)
        tags = self.tags(values)
        if tags:
            data["tags"] = tags
        self.coordinates(values, data)
        record = ActorRow(
            self.sheet,
            self.row,
            name,
            data,
            _text(values.get("parent")).casefold(),
            dict(self.headers),
        )
        record.ok = len(self.report.errors) == before
        self.actors[key] = record
        if _text(values.get("id")):
            self.ids[_text(values.get("id")).casefold()] = key

    def actor_type(self, values: dict, data: dict) -> None:
        text = _text(values.get("actor_type"))
        if not text:
            return
        found = self.types.get(text.casefold())
        if found is None:
            self.fail(
                "actor_type",
                text,
                _("Unknown type. Known types: %(types)s.") % {"types": self.known_types},
            )
        else:
            data["actor_type"] = found

    def soni_field(self, values: dict, data: dict) -> None:
        text = _text(values.get("field"))
        if text and text.casefold() not in FIELD_WORDS:
            self.fail("field", text, _("Write S, O, N or I."))
        elif text:
            data["field"] = FIELD_WORDS[text.casefold()]

    def tags(self, values: dict) -> list[str]:
        text = _text(values.get("tags"))
        for separator in TAG_SEPARATORS[1:]:
            text = text.replace(separator, TAG_SEPARATORS[0])
        return list(dict.fromkeys(t.strip() for t in text.split(TAG_SEPARATORS[0]) if t.strip()))

    def coordinates(self, values: dict, data: dict) -> None:
        found = {}
        for key, limit in (("latitude", 90), ("longitude", 180)):
            raw = values.get(key)
            # Coordinates have no thousands separators: "13.174" is 13.174 degrees, not 13174.
            point = isinstance(raw, str) and "." in raw and "," not in raw
            try:
                number = parse_number(raw, decimal="." if point else "auto")
            except NumberError as error:
                self.fail(key, raw, str(error))
                return
            if number is None or number is SUPPRESSED:
                continue
            if not -limit <= number <= limit:
                self.fail(
                    key, raw, _("Degrees lie between −%(limit)s and %(limit)s.") % {"limit": limit}
                )
                return
            found[key] = float(number)
        if len(found) == 1:
            missing = "longitude" if "latitude" in found else "latitude"
            self.fail(missing, "", _("Enter both latitude and longitude, or neither."))
        else:
            data.update(found)

    def check_model(self) -> None:
        """The model's own checks (lengths, web and e-mail addresses, tags), as a form would."""
        for record in self.actors.values():
            if not record.ok:
                continue
            current = self.existing.get(record.name.casefold())
            actor = copy.copy(current) if current else Actor(project=self.project)
            actor.name = current.name if current else record.name
            for name, value in record.data.items():
                setattr(actor, name, value)
            try:
                actor.full_clean(exclude=["project", "parent", "area"])
            except ValidationError as error:
                self.sheet, self.row, self.headers = record.sheet, record.row, record.headers
                for key, messages in error.message_dict.items():
                    for message in messages:
                        self.fail(
                            key if key in record.headers else "name",
                            record.data.get(key, record.name),
                            message,
                        )
                record.ok = False

    def check_parents(self) -> None:
        """Parents must be known, and no actor may end up part of itself (file and database)."""
        parent_of = {k: a.parent.name.casefold() for k, a in self.existing.items() if a.parent}
        given = [r for r in self.actors.values() if r.ok and r.parent]
        parent_of.update({r.name.casefold(): r.parent for r in given})
        for record in given:
            key, seen, current = record.name.casefold(), set(), record.parent
            while current and current not in seen and current != key:
                seen.add(current)
                current = parent_of.get(current, "")
            if current == key:
                self.at(record).fail(
                    "parent",
                    record.parent,
                    _("An actor cannot be part of itself, not even by way of others."),
                )
                record.ok = False
        changed = True
        while changed:  # a child of a rejected row that is not stored either is rejected too
            changed = False
            for record in (r for r in given if r.ok):
                if not self.known(record.parent):
                    self.at(record).fail("parent", record.parent, self.unknown(record.parent))
                    record.ok, changed = False, True

    def at(self, record: ActorRow) -> Checker:
        self.sheet, self.row, self.headers = record.sheet, record.row, record.headers
        return self

    def at_tie(self, row: TieRow) -> Checker:
        self.sheet, self.row, self.headers = row.sheet, row.row, row.headers
        return self

    def known(self, key: str) -> bool:
        record = self.actors.get(key)
        return (record is not None and record.ok) or key in self.existing

    def unknown(self, key: str) -> str:
        record = self.actors.get(key)
        if record is not None:
            return _("This actor’s own row (%(sheet)s, row %(row)s) has errors.") % {
                "sheet": record.sheet,
                "row": record.row,
            }
        return _("No actor of this name, neither in the file nor in the project.")

    # Connections

    def read_connections(self, sheet: Sheet) -> None:
        if not self.match_headers(sheet, CONNECTION_COLUMNS, ["source", "target"]):
            return
        self.split = sheet.split_targets
        for row in sheet.table.rows:
            self.connection(self.values(row))

    def resolve(self, key: str, text: str) -> str | None:
        name = text.casefold()
        name = name if name in self.actors or name in self.existing else self.ids.get(name, name)
        if not self.known(name):
            self.fail(key, text, self.unknown(name))
            return None
        return name

    def targets(self, text: str) -> list[str]:
        if not self.split or "|" not in text or self.known(text.casefold()):
            return [text]
        return [t.strip() for t in text.split("|") if t.strip()]

    def connection(self, values: dict[str, Any]) -> None:
        before = len(self.report.errors)
        source_text, target_text = _text(values.get("source")), _text(values.get("target"))
        for key, text in (("source", source_text), ("target", target_text)):
            if not text:
                self.fail(key, "", _("Every connection needs two actors (From and To)."))
        if len(self.report.errors) > before:
            return
        source = self.resolve("source", source_text)
        targets = [self.resolve("target", t) for t in self.targets(target_text)]
        kind = self.kind(values)
        directed = self.direction(values)
        data = self.tie_data(values)
        if len(self.report.errors) > before:
            return
        for target in targets:
            record = TieRow(
                self.sheet, self.row, source, target, kind, directed, data, dict(self.headers)
            )
            if self.check_tie(record):
                self.ties.append(record)

    def kind(self, values: dict) -> TieKind | None:
        text = _text(values.get("kind")) or DEFAULT_KIND
        found = self.tie_kinds.get(text.casefold())
        if found is None:
            self.fail(
                "kind",
                text,
                _("Unknown kind of tie. Known kinds: %(kinds)s.") % {"kinds": self.known_kinds},
            )
        return found

    def direction(self, values: dict) -> bool | None:
        raw = values.get("direction")
        if isinstance(raw, bool):
            return raw
        word = _text(raw).casefold()
        if not word:
            return None
        if word in DIRECTED or word in MUTUAL:
            return word in DIRECTED
        self.fail("direction", raw, _("Write “directed” (gerichtet) or “mutual” (gegenseitig)."))
        return None

    def tie_data(self, values: dict) -> dict[str, Any]:
        data: dict[str, Any] = {}
        raw = values.get("strength")
        try:
            number = parse_number(raw)
        except NumberError:
            number = "bad"
        if number not in (None, SUPPRESSED):
            if not isinstance(number, Decimal) or number % 1 or not 1 <= number <= 3:
                self.fail("strength", raw, _("The strength is a whole number from 1 to 3."))
            else:
                data["strength"] = int(number)
        try:
            since = parse_date(values.get("since"))
        except DateError as error:
            self.fail("since", values.get("since"), str(error))
            since = None
        if since:
            data["since"] = since
        confirmed = self.yes_no(values.get("confirmed"))
        if confirmed is not None:
            data["confirmed"] = confirmed
        notes = _text(values.get("notes"))
        try:
            validate_clean_text(notes)
        except ValidationError as error:
            self.fail("notes", notes, error.messages[0])
        if notes:
            data["notes"] = notes
        return data

    def yes_no(self, raw: Any) -> bool | None:
        if isinstance(raw, bool):
            return raw
        word = _text(raw).casefold()
        if word in YES or word in NO:
            return word in YES
        if word:
            self.fail("confirmed", raw, _("Write “ja” or “nein” (or leave the cell empty)."))
        return None

    def check_tie(self, tie: TieRow) -> bool:
        """Refuse a tie of an actor with itself, and the same tie twice in the file."""
        if tie.source == tie.target:
            self.fail("target", tie.target, _("A tie needs two different actors."))
            return False
        twins = self.pairs[(frozenset((tie.source, tie.target)), tie.kind.pk)]
        for other in twins:
            both_ways = bool(other.directed and tie.directed and other.source != tie.source)
            if not both_ways:
                self.fail(
                    "target",
                    tie.target,
                    _(
                        "The same tie is already in row %(row)s (for mutual ties A–B and B–A are "
                        "the same)."
                    )
                    % {"row": other.row},
                )
                return False
        twins.append(tie)
        return True


# --- Import ------------------------------------------------------------------------------------


def import_network(
    *,
    project: Project,
    source: bytes | Path,
    filename: str,
    user: User | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    connections_source: bytes | Path | None = None,
    connections_filename: str = "",
) -> ImportReport:
    """Check a Kumu-style workbook (or an elements CSV plus a connections CSV), then create or
    update the actors and ties – all or nothing.

    A file ending in ``.graphml`` goes to :func:`import_graphml`. ``dry_run`` checks and
    counts without saving; ``skip_invalid`` imports the good rows of a file with bad ones.
    """
    if Path(filename).suffix.lower() in GRAPHML_SUFFIXES:
        return import_graphml(
            project=project, source=source, user=user, dry_run=dry_run, skip_invalid=skip_invalid
        )
    report = NetworkReport(dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        elements, connections = _read_spreadsheets(
            source, filename, connections_source, connections_filename
        )
    except tabular.TableError as error:
        return _file_error(report, error)
    if elements is None and connections is None:
        report.error(None, "", "", _("The file has no sheet “Elements” or “Connections”."))
        return report
    report.rows = sum(len(s.table.rows) for s in (elements, connections) if s)
    return _check_and_write(project, elements, connections, user, report)


def import_graphml(
    *,
    project: Project,
    source: bytes | Path,
    user: User | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Import a GraphML network (our export, Gephi, yEd, networkx …) with the same checks."""
    report = NetworkReport(dry_run=dry_run, skip_invalid=skip_invalid)
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    try:
        elements, connections = _read_graphml(data, report)
    except tabular.TableError as error:
        return _file_error(report, error)
    return _check_and_write(project, elements, connections, user, report)


def _file_error(report: ImportReport, error: tabular.TableError) -> ImportReport:
    report.error(None, "", "", str(error))
    for problem in error.problems[1:]:
        report.error(None, "", "", problem)
    return report


def _check_and_write(project, elements, connections, user, report) -> ImportReport:
    checker = Checker(project, report)
    if elements is not None:
        checker.read_elements(elements)
    if connections is not None and not report.file_errors:
        checker.read_connections(connections)
    if not report.ok:
        return report
    with contextlib.suppress(ImportAborted):  # a dry run rolls back on purpose
        Writer(checker, user).run()
    return report


def _depths(records: list[ActorRow]) -> dict[str, int]:
    """How many actors of the file stand above each one (no cycles: they were refused)."""
    keys = {r.name.casefold(): r for r in records}
    depths = {}
    for key, record in keys.items():
        n, current = 0, keys.get(record.parent)
        while current is not None and n <= len(keys):
            n, current = n + 1, keys.get(current.parent)
        depths[key] = n
    return depths


def _differs(old: Any, new: Any) -> bool:
    """Coordinates that went through a spreadsheet keep 15 digits: 52.550157999999996 is
    52.550158 again, not a change."""
    if isinstance(old, float) and isinstance(new, float):
        return not math.isclose(old, new, rel_tol=0, abs_tol=1e-9)
    return old != new


class Writer:
    """Stores the checked records: new ones in bulk (a network has thousands of ties), changes
    to known ones one by one through the services, each in a savepoint."""

    def __init__(self, checker: Checker, user: User | None) -> None:
        self.checker, self.report, self.project = checker, checker.report, checker.project
        self.user = user if user is not None and user.is_authenticated else None
        self.saved: dict[str, Actor] = dict(checker.existing)
        self.ties = {
            (t.source_id, t.target_id, t.kind_id): t
            for t in Tie.objects.filter(project=checker.project)
        }
        self.new_ties: list[Tie] = []

    @transaction.atomic
    def run(self) -> None:
        errors_before = len(self.report.errors)
        records = [r for r in self.checker.actors.values() if r.ok]
        depths = _depths(records)
        for depth in sorted(set(depths.values())):
            level = [r for r in records if depths[r.name.casefold()] == depth]
            self.create_actors([r for r in level if r.name.casefold() not in self.saved])
            for record in level:
                if record.name.casefold() in self.checker.existing:
                    self.update_actor(record)
        for row in self.checker.ties:
            lost = [key for key in (row.source, row.target) if key not in self.saved]
            if lost:  # its actor could not be saved after all
                self.checker.at_tie(row).fail("target", lost[0], self.checker.unknown(lost[0]))
            else:
                self.tie(row)
        self.bulk_create(self.new_ties, "ties")
        if len(self.report.errors) > errors_before and not self.report.skip_invalid:
            raise ImportAborted
        if self.report.dry_run:
            raise ImportAborted  # roll back: a test run counts what would happen, nothing more

    def bulk_create(self, objects: list, kind: str) -> None:
        if not objects:
            return
        created = type(objects[0]).objects.bulk_create(objects, batch_size=500)
        ChangeLog.objects.bulk_create(
            [
                ChangeLog(
                    project=self.project,
                    user=self.user,
                    action=ChangeLog.Action.IMPORT,
                    object_type=obj._meta.label_lower,
                    object_id=obj.pk,
                    label=str(obj)[:300],
                )
                for obj in created
            ],
            batch_size=500,
        )
        self.report.count(kind, "created", len(created))

    def create_actors(self, records: list[ActorRow]) -> None:
        actors = []
        for record in records:
            data = dict(record.data)
            if record.parent:
                data["parent"] = self.parent(record)
            actor = Actor(
                project=self.project,
                name=record.name,
                created_by=self.user,
                updated_by=self.user,
                **data,
            )
            self.saved[record.name.casefold()] = actor
            actors.append(actor)
        self.bulk_create(actors, "actors")
        for actor in actors:
            if actor.latitude is not None:
                assign_area(actor)

    def parent(self, record: ActorRow) -> Actor:
        # A known actor whose own update failed is still there, as it was.
        return self.saved.get(record.parent) or self.checker.existing[record.parent]

    def update_actor(self, record: ActorRow) -> None:
        actor = self.checker.existing[record.name.casefold()]
        data = dict(record.data)
        if record.parent:
            data["parent"] = self.parent(record)
        changes = {k: v for k, v in data.items() if _differs(getattr(actor, k), v)}
        if not changes:
            self.report.count("actors", "unchanged")
            return
        try:
            with transaction.atomic():
                services.save_actor(project=self.project, user=self.user, data=changes, actor=actor)
            self.report.count("actors", "updated")
        except ValidationError as error:
            record.ok = False
            self.saved.pop(record.name.casefold(), None)
            for message in error.messages:
                self.checker.at(record).fail("name", record.name, message)

    def tie(self, row: TieRow) -> None:
        source, target = self.saved[row.source], self.saved[row.target]
        tie = self.ties.get((source.pk, target.pk, row.kind.pk))
        reverse = self.ties.get((target.pk, source.pk, row.kind.pk))
        data = dict(row.data)
        if row.directed is not None:
            data["directed"] = row.directed
        if tie is None and reverse is not None and not (row.directed and reverse.directed):
            tie = reverse
            if row.directed:  # a mutual tie becomes directed the way the file says
                data.update(source=source, target=target)
        if tie is None:
            tie = Tie(
                project=self.project,
                source=source,
                target=target,
                kind=row.kind,
                created_by=self.user,
                updated_by=self.user,
                **data,
            )
            # The file check refused a second row for this pair and kind, so no later row
            # finds this unsaved tie as one to update.
            self.ties[(source.pk, target.pk, row.kind.pk)] = tie
            self.new_ties.append(tie)
            return
        self.update_tie(row, tie, data)

    def update_tie(self, row: TieRow, tie: Tie, data: dict[str, Any]) -> None:
        ends = (tie.source_id, tie.target_id, tie.kind_id)
        changes = {
            k: v
            for k, v in data.items()
            if (
                getattr(tie, f"{k}_id") != v.pk
                if k in ("source", "target")
                else getattr(tie, k) != v
            )
        }
        if not changes:
            self.report.count("ties", "unchanged")
            return
        try:
            with transaction.atomic():
                services.save_tie(project=self.project, user=self.user, data=changes, tie=tie)
            self.ties.pop(ends, None)
            self.ties[(tie.source_id, tie.target_id, tie.kind_id)] = tie
            self.report.count("ties", "updated")
        except ValidationError as error:
            for message in error.messages:
                self.checker.at_tie(row).fail("target", self.saved[row.target].name, message)
