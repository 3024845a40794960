"""Import areas from GeoJSON, with an optional hierarchy table above them (DESIGN §4).

The features become areas of one code system, identified by (code system, code): importing
the same system again updates names and boundaries, it never duplicates. A hierarchy table
has one code (and name) column per level, lowest first – Berlin's LOR table goes
Planungsraum → Bezirksregion → Prognoseraum → Bezirk. Parent areas that exist only in the table
are created in the same code system, their boundary the union of their children's. Where the
table also names the file's areas, its name wins (Berlin's table is the newer source). Any
error in the file or the table writes nothing; warnings (a repaired boundary, differing names)
do not stop the import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from quartierskompass.areas.models import Area
from quartierskompass.core.imports import ImportReport
from quartierskompass.lib import geo, tabular

MAX_TABLE_ROWS = 50_000
SYSTEM_MAX = Area._meta.get_field("code_system").max_length
KIND_MAX = Area._meta.get_field("kind").max_length
SOURCE_MAX = Area._meta.get_field("source").max_length
GEOMETRY_COLUMN = "geometry"
PREVIEW_ROWS = 10
# German plurals of the usual kinds, for the summary; other kinds read “Gebiete „Sprengel“”.
KIND_NOUNS = {
    "Planungsraum": ("Planungsraum", "Planungsräume"),
    "Bezirksregion": ("Bezirksregion", "Bezirksregionen"),
    "Prognoseraum": ("Prognoseraum", "Prognoseräume"),
    "Bezirk": ("Bezirk", "Bezirke"),
    "Stadt": ("Stadt", "Städte"),
    "Stadtteil": ("Stadtteil", "Stadtteile"),
    "Ortsteil": ("Ortsteil", "Ortsteile"),
    "Quartier": ("Quartier", "Quartiere"),
    "Kiez": ("Kiez", "Kieze"),
    "Gemeinde": ("Gemeinde", "Gemeinden"),
    "Kreis": ("Kreis", "Kreise"),
    "Pfarrgebiet": ("Pfarrgebiet", "Pfarrgebiete"),
    "Sozialraum": ("Sozialraum", "Sozialräume"),
}


@dataclass(frozen=True)
class Level:
    """One level of the hierarchy table, lowest (the features themselves) first.

    The code is in ``code_column``, or – when the table has only a name, like Berlin's
    “Bezirk” – the first ``code_from_prefix`` characters of the level below's code.
    """

    kind: str
    code_column: str | None = None
    name_column: str | None = None
    code_from_prefix: int | None = None

    def __post_init__(self) -> None:
        if not self.kind:
            raise ValueError("A level needs a kind.")
        if (self.code_column is None) == (self.code_from_prefix is None):
            raise ValueError("A level needs either a code column or code_from_prefix.")


@dataclass(frozen=True)
class Root:
    """An area on top of all others, e.g. the whole city."""

    code: str
    name: str
    kind: str = ""


@dataclass(frozen=True)
class Preset:
    system: str
    code_prop: str
    name_prop: str
    kind: str
    levels: list[Level]
    root: Root | None
    source_note: str
    valid_from: date | None


BERLIN_LOR = Preset(
    system="berlin-plr-2021",
    code_prop="PLR_ID",
    name_prop="PLR_NAME",
    kind="Planungsraum",
    levels=[
        Level("Planungsraum", "Planungsraum (Nummer)", "Planungsraum (Name)"),
        Level("Bezirksregion", "Bezirksregion (Nummer)", "Bezirksregion (Name)"),
        Level("Prognoseraum", "Prognoseraum (Nummer)", "Prognoseraum (Name)"),
        Level("Bezirk", None, "Bezirk", code_from_prefix=2),
    ],
    root=Root("0", "Berlin", "Stadt"),
    source_note="Geoportal Berlin, LOR 2021 (Planungsräume), CC BY 3.0 DE / dl-de",
    valid_from=date(2021, 1, 1),
)
PRESETS = {"berlin-lor": BERLIN_LOR}


def parse_level(text: str) -> Level:
    """``KIND:CODE_COLUMN[:NAME_COLUMN]`` or ``KIND:prefix:N[:NAME_COLUMN]`` (CLI and form).

    Raises ValueError with a message for the person who typed it.
    """
    kind, _sep, rest = (part.strip() for part in text.strip().partition(":"))
    example = "Bezirksregion:Bezirksregion (Nummer):Bezirksregion (Name)"
    if not kind or not rest:
        raise ValueError(
            _("“%(text)s”: expected KIND:CODE_COLUMN:NAME_COLUMN, e.g. “%(example)s”.")
            % {"text": text, "example": example}
        )
    if rest.startswith("prefix:"):
        number, _sep, name = rest.removeprefix("prefix:").partition(":")
        if not number.strip().isdigit() or int(number) < 1:
            raise ValueError(
                _("“%(text)s”: “prefix:” is followed by a number, e.g. prefix:2.") % {"text": text}
            )
        return Level(kind, None, name.strip() or None, code_from_prefix=int(number))
    code, _sep, name = rest.partition(":")
    if not code.strip():
        raise ValueError(_("“%(text)s”: the code column is missing.") % {"text": text})
    return Level(kind, code.strip(), name.strip() or None)


def parse_root(text: str) -> Root:
    """``CODE:NAME[:KIND]``, e.g. ``0:Berlin:Stadt``; raises ValueError."""
    code, _sep, rest = text.strip().partition(":")
    name, _sep, kind = rest.partition(":")
    if not code.strip() or not name.strip():
        raise ValueError(
            _("“%(text)s”: expected CODE:NAME:KIND, e.g. “0:Berlin:Stadt”.") % {"text": text}
        )
    return Root(code.strip(), name.strip(), kind.strip())


def import_kinds(report: ImportReport | None = None) -> dict[str, tuple[str, str]]:
    """Singular and plural nouns for the summary, for every kind counted in ``report``."""
    labels = {"areas": (_("area"), _("areas"))}
    for kind, _action in report.counts if report else ():
        if kind in labels:
            continue
        if kind in KIND_NOUNS:
            labels[kind] = KIND_NOUNS[kind]
        else:
            labels[kind] = (f"{_('area')} „{kind}“", f"{_('areas')} „{kind}“")
    return labels


@dataclass
class PreviewArea:
    code: str
    name: str
    kind: str
    parent: str
    action: str  # "created" or "updated"


@dataclass
class AreaImportReport(ImportReport):
    """The import report plus what the preview page shows about the file."""

    property_names: list[str] = field(default_factory=list)
    sample_properties: dict[str, Any] = field(default_factory=dict)
    crs: str = ""
    preview: list[PreviewArea] = field(default_factory=list)

    def summary_text(self) -> str:
        return self.summary(import_kinds(self))


@dataclass
class _Node:
    """An area to write: a feature, a parent from the table, or the root."""

    code: str
    name: str
    kind: str
    depth: int  # 0 for features, 1… for table levels, len(levels) for the root
    row: int | None = None  # the feature's number in the file, or the table row
    geometry: BaseGeometry | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)


@transaction.atomic
def import_areas(
    *,
    source: bytes | Path,
    filename: str,
    system: str,
    code_prop: str,
    name_prop: str,
    kind: str = "",
    source_note: str = "",
    parent_table: bytes | Path | None = None,
    parent_filename: str = "",
    levels: list[Level] | None = None,
    root: Root | None = None,
    dry_run: bool = False,
    valid_from: date | None = None,
    pad_codes: int | None = None,
    source_crs: str | int | None = None,
    sheet: str | None = None,
) -> AreaImportReport:
    """Check the GeoJSON (and the hierarchy table), then create or update the areas.

    ``levels`` describe the table's columns, the features' level first. ``pad_codes`` fills
    numeric codes with leading zeros to that length (for files that lost them). ``dry_run``
    checks and counts without saving. All or nothing: any error leaves the database unchanged.
    """
    report = AreaImportReport(dry_run=dry_run)
    settings = _Settings(system, code_prop, name_prop, kind, source_note, pad_codes, levels)
    if not settings.check(report, has_table=parent_table is not None):
        return report
    try:
        collection = geo.read_feature_collection(source, source_crs=source_crs, polygons=True)
    except geo.GeoError as error:
        _fail(report, str(error))
        return report
    report.rows = len(collection.features)
    report.crs = f"EPSG:{collection.crs}"
    report.property_names = collection.property_names
    report.sample_properties = collection.features[0].properties
    nodes = _FeatureReader(settings, report).read(collection)
    if nodes is None:
        return report
    if parent_table is not None:
        table = _read_table(parent_table, parent_filename or "hierarchie.csv", sheet, report)
        if table is None or not _Hierarchy(settings, report, nodes).build(table):
            return report
    if root is not None and not _add_root(nodes, root, settings, report):
        return report
    _check_names(nodes, settings, report)
    if not report.ok:
        return report
    existing = set(Area.objects.filter(code_system=system).values_list("code", flat=True))
    _count(nodes, existing, report)
    if not dry_run:
        _compute_parent_geometries(nodes)
        _write(
            nodes,
            existing,
            settings=settings,
            valid_from=valid_from,
            has_parents=bool(parent_table is not None or root is not None),
        )
    return report


@dataclass
class _Settings:
    system: str
    code_prop: str
    name_prop: str
    kind: str
    source_note: str
    pad_codes: int | None
    levels: list[Level] | None

    def check(self, report: ImportReport, *, has_table: bool) -> bool:
        try:
            validate_slug(self.system)
            if len(self.system) > SYSTEM_MAX:
                raise ValidationError("too long")
        except ValidationError:
            message = _(
                "The code system “%(system)s” may only contain letters, digits, hyphens and "
                "underscores (at most 60), e.g. berlin-plr-2021."
            )
            _fail(report, message % {"system": self.system}, self.system)
        if not self.code_prop or not self.name_prop:
            _fail(report, _("Name the properties that hold the code and the name."))
        if has_table and len(self.levels or []) < 2:
            message = _(
                "A hierarchy table needs at least two levels: the level of the areas in the "
                "file and one level above it."
            )
            _fail(report, message)
        kinds = [self.kind, *(level.kind for level in self.levels or [])]
        if any(len(k) > KIND_MAX for k in kinds) or len(self.source_note) > SOURCE_MAX:
            _fail(report, _("The kind or the source note is too long."))
        return report.ok

    @property
    def feature_kind(self) -> str:
        return self.kind or (self.levels[0].kind if self.levels else "")

    def code(self, value: Any) -> str:
        """A code as text exactly as written; numbers lose no “.0”; padded only if asked."""
        if value is None or isinstance(value, bool):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = tabular.strip_csv_guard(str(value)).strip()
        if self.pad_codes and text.isdigit():
            text = text.zfill(self.pad_codes)
        return text


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _fail(report: ImportReport, message: str, value: str = "") -> None:
    """An error of the whole file or of the settings (no row)."""
    report.error(None, "", value, message)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tabular.strip_csv_guard(str(value)).strip()


def _clean_error(code: str, name: str) -> str | None:
    """The model's own field checks (length, control characters), as a German message."""
    try:
        Area(code=code, name=name, code_system="x").clean_fields(
            exclude=["boundary", "boundary_simplified", "parent", "kind", "source"]
        )
    except ValidationError as error:
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return None


class _FeatureReader:
    """Features → nodes at depth 0, noting every bad feature in the report."""

    def __init__(self, settings: _Settings, report: AreaImportReport) -> None:
        self.settings = settings
        self.report = report

    def read(self, collection: geo.FeatureCollection) -> dict[str, _Node] | None:
        s = self.settings
        missing = [p for p in (s.code_prop, s.name_prop) if p not in collection.property_names]
        if missing:
            message = _(
                "No feature has the property %(missing)s. Properties in the file: %(found)s."
            )
            found = ", ".join(collection.property_names) or "–"
            _fail(
                report=self.report, message=message % {"missing": _quoted(missing), "found": found}
            )
            return None
        self._warn_numeric_codes(collection)
        nodes: dict[str, _Node] = {}
        self.seen: dict[str, int] = {}  # code → number of the first feature with it
        for feature in collection.features:
            node = self._node(feature)
            if node is not None:
                nodes[node.code] = node
        return nodes

    def _node(self, feature: geo.Feature) -> _Node | None:
        s, report, row = self.settings, self.report, feature.number
        code = s.code(feature.properties.get(s.code_prop))
        name = _text(feature.properties.get(s.name_prop))
        if not code:
            report.error(row, s.code_prop, "", _("The area has no code."))
        elif code in self.seen:
            message = _("The code is already used by feature %(row)s in this file.")
            report.error(row, s.code_prop, code, message % {"row": self.seen[code]})
            return None
        else:
            self.seen[code] = row
        if feature.problem:
            report.error(row, GEOMETRY_COLUMN, "", feature.problem)
        elif feature.repaired:
            message = _(
                "Feature %(row)s (%(code)s): the boundary was invalid (%(reason)s) and was "
                "repaired."
            )
            report.warnings.append(
                message % {"row": row, "code": code or "–", "reason": feature.repaired}
            )
        problem = _clean_error(code, name or code) if code else None
        if problem:
            report.error(row, s.code_prop, code, problem)
        if not code or feature.problem or problem:
            return None
        return _Node(
            code=code, name=name, kind=s.feature_kind, depth=0, row=row, geometry=feature.geometry
        )

    def _warn_numeric_codes(self, collection: geo.FeatureCollection) -> None:
        numeric = [
            f.properties[self.settings.code_prop]
            for f in collection.features
            if isinstance(f.properties.get(self.settings.code_prop), int | float)
        ]
        if numeric and not self.settings.pad_codes:
            message = _(
                "The codes are numbers in this file (e.g. %(example)s), so leading zeros may "
                "have been lost. If the codes have a fixed length, give it to fill them up."
            )
            self.report.warnings.append(message % {"example": numeric[0]})


def _read_table(
    source: bytes | Path, filename: str, sheet: str | None, report: ImportReport
) -> tabular.Table | None:
    try:
        return tabular.read_table(source, filename=filename, sheet=sheet, max_rows=MAX_TABLE_ROWS)
    except tabular.TableError as error:
        _fail(report, _("Hierarchy table: %(error)s") % {"error": error})
        return None


class _Hierarchy:
    """Reads the hierarchy table into parent nodes and links every child to its parent."""

    def __init__(
        self, settings: _Settings, report: AreaImportReport, nodes: dict[str, _Node]
    ) -> None:
        self.settings = settings
        self.levels: list[Level] = settings.levels or []
        self.report = report
        self.nodes = nodes
        self.features = set(nodes)
        self.parent_row: dict[str, tuple[str, int]] = {}  # child code → (parent code, row)
        self.names: dict[str, tuple[str, int]] = {}  # parent code → (name, first row)

    def build(self, table: tabular.Table) -> bool:
        if not self._check_columns(table):
            return False
        for row in table.rows:
            self._read_row(row)
        self._warn_unlisted()
        return self.report.ok

    def _check_columns(self, table: tabular.Table) -> bool:
        wanted = [c for lv in self.levels for c in (lv.code_column, lv.name_column) if c]
        missing = [c for c in wanted if c not in table.headers]
        if missing:
            message = _("The hierarchy table has no column %(missing)s. Its columns: %(found)s.")
            found = _quoted(table.headers)
            _fail(self.report, message % {"missing": _quoted(missing), "found": found})
            return False
        if self.levels[0].code_column is None:
            _fail(self.report, _("The lowest level of the hierarchy table needs a code column."))
            return False
        return True

    def _read_row(self, row: tabular.Row) -> None:
        first = self.levels[0]
        child = self.settings.code(row.get(first.code_column))
        if not child:
            self.report.error(row.number, first.code_column, "", _("The code is missing."))
            return
        if child not in self.features:
            message = _("There is no area with this code in the GeoJSON file.")
            self.report.error(row.number, first.code_column, child, message)
            return
        self._compare_feature_name(row, child)
        for depth, level in enumerate(self.levels[1:], start=1):
            code = self._level_code(row, level, child)
            if code is None:
                return
            if not self._link(row, child, code, level, depth):
                return
            child = code

    def _level_code(self, row: tabular.Row, level: Level, child: str) -> str | None:
        if level.code_from_prefix:
            code = child[: level.code_from_prefix]
            column = level.name_column or level.kind
        else:
            code = _text(row.get(level.code_column))
            column = level.code_column
        if not code:
            self.report.error(row.number, column, "", _("The code is missing."))
            return None
        return code

    def _link(self, row: tabular.Row, child: str, code: str, level: Level, depth: int) -> bool:
        name = _text(row.get(level.name_column)) if level.name_column else ""
        column = level.code_column or level.name_column or level.kind
        node = self.nodes.get(code)
        if node is None:
            problem = _clean_error(code, name or code)
            if problem:
                self.report.error(row.number, column, code, problem)
                return False
            node = _Node(code=code, name=name or code, kind=level.kind, depth=depth, row=row.number)
            self.nodes[code] = node
            self.names[code] = (name, row.number)
        elif node.depth != depth:
            message = _("The code is used on two levels (%(one)s and %(other)s).")
            kinds = {"one": node.kind or "–", "other": level.kind}
            self.report.error(row.number, column, code, message % kinds)
            return False
        else:
            self._compare_name(row, node, name)
        known = self.parent_row.get(child)
        if known is None:
            self.parent_row[child] = (code, row.number)
            self.nodes[child].parent = code
            node.children.append(child)
        elif known[0] != code:
            message = _(
                "The area %(child)s already has the parent %(parent)s (row %(row)s); an area "
                "can only have one parent."
            )
            values = {"child": child, "parent": known[0], "row": known[1]}
            self.report.error(row.number, column, code, message % values)
            return False
        return True

    def _compare_name(self, row: tabular.Row, node: _Node, name: str) -> None:
        first, first_row = self.names.get(node.code, ("", 0))
        if name and first and name != first:
            message = _(
                "Row %(row)s: %(code)s is called “%(name)s” here but “%(first)s” in row "
                "%(first_row)s; the first name is used."
            )
            values = {"row": row.number, "code": node.code, "name": name, "first": first}
            self.report.warnings.append(message % (values | {"first_row": first_row}))

    def _compare_feature_name(self, row: tabular.Row, code: str) -> None:
        """The table's name wins: it is the newer source in Berlin (renamings of 01.12.2021)
        and tells apart names that occur twice (“Schloßstraße (Charlottenburg)”)."""
        column = self.levels[0].name_column
        name = _text(row.get(column)) if column else ""
        node = self.nodes[code]
        problem = _clean_error(code, name) if name else None
        if problem:
            self.report.error(row.number, column, name, problem)
            return
        if name and node.name and name != node.name:
            message = _(
                "Row %(row)s: the table calls %(code)s “%(name)s”, the GeoJSON file "
                "“%(feature)s”; the name from the table is used."
            )
            values = {"row": row.number, "code": code, "name": name, "feature": node.name}
            self.report.warnings.append(message % values)
        node.name = name or node.name

    def _warn_unlisted(self) -> None:
        unlisted = sorted(c for c in self.features if c not in self.parent_row)
        if unlisted and len(self.levels) > 1:
            shown = ", ".join(unlisted[:10]) + (" …" if len(unlisted) > 10 else "")
            message = _(
                "%(n)s areas of the file are not in the hierarchy table and get no parent from "
                "it: %(codes)s."
            )
            self.report.warnings.append(message % {"n": len(unlisted), "codes": shown})


def _check_names(nodes: dict[str, _Node], settings: _Settings, report: ImportReport) -> None:
    """A feature without a name in the file may take it from the table; else it is an error."""
    for node in nodes.values():
        if not node.name:
            report.error(node.row, settings.name_prop, node.code, _("The area has no name."))


def _add_root(
    nodes: dict[str, _Node], root: Root, settings: _Settings, report: ImportReport
) -> bool:
    if root.code in nodes:
        message = _("The code %(code)s of the top area is already used by another area.")
        _fail(report, message % {"code": root.code}, root.code)
        return False
    problem = _clean_error(root.code, root.name)
    if problem or len(root.kind) > KIND_MAX:
        _fail(report, problem or _("The kind is too long."), root.code)
        return False
    depth = max(n.depth for n in nodes.values()) + 1
    top = [code for code, node in nodes.items() if node.parent is None]
    for code in top:
        nodes[code].parent = root.code
    nodes[root.code] = _Node(
        code=root.code, name=root.name, kind=root.kind, depth=depth, children=top
    )
    return True


def _compute_parent_geometries(nodes: dict[str, _Node]) -> None:
    """Bottom-up: each parent's boundary is the union of its children's."""
    for depth in range(1, max(n.depth for n in nodes.values()) + 1):
        for node in nodes.values():
            if node.depth == depth:
                node.geometry = geo.union(nodes[c].geometry for c in node.children)


def _ordered(nodes: dict[str, _Node]) -> list[_Node]:
    """Top level first, then by code: the order of the preview and of the writes."""
    return sorted(nodes.values(), key=lambda n: (-n.depth, n.code))


def _count(nodes: dict[str, _Node], existing: set[str], report: AreaImportReport) -> None:
    for node in _ordered(nodes):
        action = "updated" if node.code in existing else "created"
        report.count(node.kind or "areas", action)
    features = sorted((n for n in nodes.values() if n.depth == 0), key=lambda n: n.code)
    parents = sorted((n for n in nodes.values() if n.depth > 0), key=lambda n: (-n.depth, n.code))
    for node in [*parents[:3], *features][:PREVIEW_ROWS]:
        action = "updated" if node.code in existing else "created"
        report.preview.append(
            PreviewArea(node.code, node.name, node.kind, node.parent or "", action)
        )


def _geometry_fields(node: _Node) -> dict[str, Any]:
    if node.geometry is None:  # a parent whose children have no boundary
        return dict.fromkeys(("boundary", "boundary_simplified", "centroid_lat", "centroid_lon"))
    lon, lat = geo.label_point(node.geometry)
    return {
        "boundary": geo.to_geojson(node.geometry),
        "boundary_simplified": geo.simplify_for_map(node.geometry),
        "centroid_lat": round(lat, geo.MAP_DECIMALS),
        "centroid_lon": round(lon, geo.MAP_DECIMALS),
    }


def _write(
    nodes: dict[str, _Node],
    existing_codes: set[str],
    *,
    settings: _Settings,
    valid_from: date | None,
    has_parents: bool,
) -> None:
    """Upsert every node, then link the parents (their primary keys are known only then).

    Updates go row by row: ``bulk_update`` builds one CASE per field over hundreds of large
    JSON values, which is several times slower on SQLite.
    """
    pks = dict(
        Area.objects.filter(code_system=settings.system, code__in=existing_codes).values_list(
            "code", "pk"
        )
    )
    new = []
    for node in _ordered(nodes):
        values = {"name": node.name, **_geometry_fields(node)}
        if node.kind:  # a second import without a kind keeps the one the areas have
            values["kind"] = node.kind
        if settings.source_note:
            values["source"] = settings.source_note
        if valid_from:
            values["valid_from"] = valid_from
        if node.code in pks:
            Area.objects.filter(pk=pks[node.code]).update(**values)
        else:
            new.append(Area(code_system=settings.system, code=node.code, **values))
    for area in Area.objects.bulk_create(new, batch_size=100):
        pks[area.code] = area.pk
    if has_parents:
        _link_parents(nodes, pks)


def _link_parents(nodes: dict[str, _Node], pks: dict[str, int]) -> None:
    """One UPDATE per parent. Features missing from the table keep the parent they had."""
    children: dict[str | None, list[int]] = defaultdict(list)
    for code, node in nodes.items():
        if node.parent or node.depth > 0:
            children[node.parent].append(pks[code])
    for parent, ids in children.items():
        Area.objects.filter(pk__in=ids).update(parent_id=pks[parent] if parent else None)
