"""Areas and points from GeoJSON, with shapely: read, reproject, repair, simplify, locate.

Everything leaves here in WGS84 longitude/latitude (GeoJSON order), whatever the file came in:
official German data often is ETRS89 / UTM (EPSG:25832 west of 12° E, 25833 east of it).
The coordinate system comes from the file's legacy ``crs`` member or is given by the caller.
No Django here; every problem a person can fix is a :class:`GeoError` (or a feature's
``problem``) with a German message.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

WGS84 = 4326
# The coordinate systems German open data comes in; ETRS89 (4258) is WGS84 within a metre.
SUPPORTED_CRS = {
    4326: "WGS84 (Längen-/Breitengrad)",
    4258: "ETRS89 (Längen-/Breitengrad)",
    25832: "ETRS89 / UTM Zone 32N",
    25833: "ETRS89 / UTM Zone 33N",
    3857: "Web-Mercator",
}
GEOGRAPHIC = {4326, 4258}
MAP_TOLERANCE = 0.00005  # degrees, about 5 m in Germany: invisible on a city map
MAP_DECIMALS = 6  # about 0.1 m
STORE_DECIMALS = 7  # about 1 cm: more digits after a reprojection are noise
POLYGONAL = ("Polygon", "MultiPolygon")
_CRS_PATTERNS = (
    re.compile(r"EPSG:[\d.]*:(\d+)$", re.IGNORECASE),  # urn:ogc:def:crs:EPSG::25833, EPSG:6.6:…
    re.compile(r"EPSG:(\d+)$", re.IGNORECASE),
    re.compile(r"/EPSG/\d+/(\d+)$", re.IGNORECASE),  # http://www.opengis.net/def/crs/EPSG/0/…
    re.compile(r"^(\d+)$"),
)
_GEOD = Geod(ellps="WGS84")
# What shapely raises for malformed GeoJSON geometries (unknown type, short rings, …).
_SHAPE_ERRORS = (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError)


class GeoError(ValueError):
    """A file or geometry that cannot be used; ``str()`` is German."""


@dataclass
class Feature:
    """One feature as read: ``number`` counts from 1 in file order (the attribute table row)."""

    number: int
    properties: dict[str, Any]
    geometry: BaseGeometry | None
    problem: str = ""  # why there is no usable geometry (German)
    repaired: str = ""  # why the geometry had to be repaired (GEOS reason)


@dataclass
class FeatureCollection:
    features: list[Feature]
    crs: int  # the EPSG code the file came in; geometries are WGS84 now
    property_names: list[str] = field(default_factory=list)


# --- coordinate systems ------------------------------------------------------------------------


def parse_crs(value: str | int) -> int:
    """``"EPSG:25833"``, ``"urn:ogc:def:crs:EPSG::25833"``, ``25833``, ``"CRS84"`` → 25833."""
    text = str(value).strip()
    code = WGS84 if text.upper().endswith("CRS84") else _epsg_number(text)
    if code is None:
        raise GeoError(f"Das Koordinatensystem „{text}“ ist nicht lesbar (z. B. EPSG:25833).")
    if code not in SUPPORTED_CRS:
        known = ", ".join(f"EPSG:{c} ({name})" for c, name in SUPPORTED_CRS.items())
        raise GeoError(
            f"Das Koordinatensystem EPSG:{code} wird nicht unterstützt. Möglich: {known}."
        )
    return code


def detect_crs(data: Mapping[str, Any]) -> int | None:
    """The EPSG code named in the legacy (GeoJSON 2008) ``crs`` member, or ``None``."""
    crs = data.get("crs")
    if not isinstance(crs, Mapping):
        return None
    properties = crs.get("properties") or {}
    value = properties.get("name") or properties.get("code")
    return parse_crs(value) if value else None


def _epsg_number(text: str) -> int | None:
    for pattern in _CRS_PATTERNS:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


@cache
def _transformer(source: int) -> Transformer:
    return Transformer.from_crs(source, WGS84, always_xy=True)


def reproject(geometries: Any, source: int) -> Any:
    """One geometry or an array of them from EPSG:``source`` to WGS84 lon/lat."""
    if source in GEOGRAPHIC:
        return geometries
    transformer = _transformer(source)

    def convert(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometries, convert)


def _check_range(features: list[Feature], crs: int) -> None:
    """Catch the commonest mistake: a file in UTM metres read as degrees, or the other way."""
    geometries = [f.geometry for f in features if f.geometry is not None]
    if not geometries:
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    looks_like_degrees = max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90
    example = f"{_short(xmin)}, {_short(ymin)}"
    if crs in GEOGRAPHIC and not looks_like_degrees:
        raise GeoError(
            f"Die Koordinaten (z. B. {example}) sind keine Längen- und Breitengrade. Vermutlich "
            "ist die Datei in Metern (ETRS89/UTM, in Berlin EPSG:25833, in Hamburg "
            "EPSG:25832) – bitte das Koordinatensystem angeben."
        )
    if crs not in GEOGRAPHIC and looks_like_degrees:
        raise GeoError(
            f"Die Koordinaten (z. B. {example}) sehen nach Längen- und Breitengraden aus, nicht "
            f"nach EPSG:{crs} – bitte das Koordinatensystem prüfen (WGS84 ist EPSG:4326)."
        )


def _short(value: float) -> str:
    return f"{value:.6g}"


# --- reading -----------------------------------------------------------------------------------


def load_json(source: bytes | str | Path) -> Any:
    """Parse JSON from bytes, text or a file, with a German message for broken files."""
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes | bytearray):
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise GeoError("Die Datei ist keine UTF-8-Textdatei und damit kein GeoJSON.") from error
    try:
        return json.loads(source)
    except json.JSONDecodeError as error:
        raise GeoError(
            f"Die Datei ist kein gültiges JSON (Zeile {error.lineno}, Spalte {error.colno}: "
            f"{error.msg})."
        ) from error
    except RecursionError as error:
        raise GeoError("Die Datei ist zu tief verschachtelt, um sie zu lesen.") from error


def read_feature_collection(
    source: bytes | str | Path | Mapping[str, Any],
    *,
    source_crs: str | int | None = None,
    polygons: bool = False,
) -> FeatureCollection:
    """Read a GeoJSON FeatureCollection; geometries come back in WGS84, repaired if invalid.

    ``source_crs`` overrides the file's ``crs`` member; without both, WGS84 is assumed (as
    RFC 7946 says). With ``polygons=True`` a feature without a (multi)polygon gets a
    ``problem`` instead of a geometry. Raises :class:`GeoError` for problems of the whole file.
    """
    data = source if isinstance(source, Mapping) else load_json(source)
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, Mapping) else type(data).__name__
        raise GeoError(
            f"Die Datei ist keine GeoJSON-FeatureCollection (gefunden: „{found}“). Erwartet wird "
            '{"type": "FeatureCollection", "features": [...]}.'
        )
    raw_features = data.get("features")
    if not isinstance(raw_features, list):
        raise GeoError("Die FeatureCollection hat keine Liste „features“.")
    if not raw_features:
        raise GeoError("Die FeatureCollection enthält keine Objekte (features ist leer).")
    crs = parse_crs(source_crs) if source_crs else (detect_crs(data) or WGS84)
    features = [_read_feature(number, raw) for number, raw in enumerate(raw_features, start=1)]
    _check_range(features, crs)
    _reproject_features(features, crs)
    for feature in features:
        _finish_geometry(feature, polygons=polygons)
    return FeatureCollection(features=features, crs=crs, property_names=_names(features))


def _read_feature(number: int, raw: Any) -> Feature:
    if not isinstance(raw, Mapping) or raw.get("type") != "Feature":
        return Feature(number, {}, None, problem="Das Objekt ist kein GeoJSON-Feature.")
    properties = raw.get("properties") or {}
    if not isinstance(properties, Mapping):
        properties = {}
    geometry = raw.get("geometry")
    if not geometry:
        return Feature(number, dict(properties), None, problem="Das Objekt hat keine Geometrie.")
    try:
        shaped = shapely.force_2d(shape(geometry))
    except _SHAPE_ERRORS as error:
        return Feature(
            number, dict(properties), None, problem=f"Die Geometrie ist fehlerhaft ({error})."
        )
    if shaped.is_empty:
        return Feature(number, dict(properties), None, problem="Die Geometrie ist leer.")
    if not np.isfinite(shapely.get_coordinates(shaped)).all():
        return Feature(number, dict(properties), None, problem="Die Geometrie enthält NaN-Werte.")
    return Feature(number, dict(properties), shaped)


def _reproject_features(features: list[Feature], crs: int) -> None:
    with_geometry = [f for f in features if f.geometry is not None]
    if crs in GEOGRAPHIC or not with_geometry:
        return
    converted = reproject(np.array([f.geometry for f in with_geometry], dtype=object), crs)
    for feature, geometry in zip(with_geometry, converted, strict=True):
        feature.geometry = geometry


def _finish_geometry(feature: Feature, *, polygons: bool) -> None:
    geometry = feature.geometry
    if geometry is None:
        return
    if polygons and not _has_area(geometry):
        feature.geometry = None
        feature.problem = (
            f"Die Geometrie ist ein {geometry.geom_type}, keine Fläche (Polygon oder MultiPolygon)."
        )
        return
    if polygons and not geometry.is_valid:
        feature.repaired = shapely.is_valid_reason(geometry)
        feature.geometry = make_valid(geometry)
        if feature.geometry is None:
            feature.problem = (
                f"Die Geometrie ist ungültig und nicht reparierbar ({feature.repaired})."
            )


def _has_area(geometry: BaseGeometry) -> bool:
    if geometry.geom_type in POLYGONAL:
        return True
    if geometry.geom_type == "GeometryCollection":
        return any(part.geom_type in POLYGONAL for part in geometry.geoms)
    return False


def _names(features: list[Feature]) -> list[str]:
    names: dict[str, None] = {}
    for feature in features:
        names.update(dict.fromkeys(feature.properties))
    return list(names)


# --- geometry ----------------------------------------------------------------------------------


def make_valid(geometry: BaseGeometry) -> BaseGeometry | None:
    """A valid (multi)polygon covering the same area; lines and points a repair leaves go."""
    if geometry.is_valid and geometry.geom_type in POLYGONAL:
        return geometry
    repaired = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(repaired) if p.geom_type in POLYGONAL and not p.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def from_geojson(value: Mapping[str, Any] | None) -> BaseGeometry | None:
    """A stored GeoJSON geometry (as in ``Area.boundary``) as shapely, ``None`` if unusable."""
    if not value:
        return None
    try:
        geometry = shape(value)
    except _SHAPE_ERRORS:
        return None
    return None if geometry.is_empty else geometry


def to_geojson(geometry: BaseGeometry, decimals: int = STORE_DECIMALS) -> dict[str, Any]:
    """A GeoJSON geometry dict with rounded coordinates (GEOS writes the shortest digits)."""
    rounded = shapely.transform(geometry, lambda coords: np.round(coords, decimals))
    return json.loads(shapely.to_geojson(rounded))


def simplify_for_map(
    geometry: BaseGeometry, tolerance: float = MAP_TOLERANCE, decimals: int = MAP_DECIMALS
) -> dict[str, Any]:
    """A light GeoJSON copy for maps: about 5 m tolerance, 6 decimals, still valid.

    ``preserve_topology`` keeps rings from crossing and small areas from vanishing; snapping
    to the grid afterwards (``set_precision``) keeps the rounded result valid.
    """
    simplified = geometry.simplify(tolerance, preserve_topology=True)
    snapped = shapely.set_precision(simplified, 10.0**-decimals)
    if snapped.is_empty:  # a sliver smaller than the grid: keep it visible unsnapped
        snapped = simplified
    return to_geojson(snapped, decimals)


def union(geometries: Iterable[BaseGeometry]) -> BaseGeometry | None:
    """The union of areas (e.g. a parent's boundary from its children), ``None`` if none."""
    parts = [g for g in geometries if g is not None and not g.is_empty]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return make_valid(shapely.union_all(parts))


def label_point(geometry: BaseGeometry) -> tuple[float, float]:
    """(lon, lat) for a label or marker: the centroid, or a point inside if it lies outside
    (a crescent-shaped area, or one of several islands)."""
    point = geometry.centroid
    if not geometry.contains(point):
        point = geometry.point_on_surface()
    return point.x, point.y


def area_m2(geometry: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid in square metres, for a WGS84 geometry."""
    # Counter-clockwise shells and clockwise holes, so holes are subtracted.
    return sum(
        _GEOD.geometry_area_perimeter(orient(part, sign=1.0))[0]
        for part in shapely.get_parts(geometry)
        if part.geom_type == "Polygon"
    )


# --- point in polygon --------------------------------------------------------------------------


class Locator[K: Hashable]:
    """Finds the smallest area containing a point, among many areas, with one STRtree.

    Areas of several levels overlap (Planungsraum inside Bezirksregion inside Bezirk), so a
    point usually lies in several; the smallest wins. ``rank`` breaks ties between areas of
    (nearly) the same size – a Bezirksregion made of a single Planungsraum – lower first.
    A point on a shared border belongs to one of the two.
    """

    def __init__(
        self,
        items: Iterable[tuple[K, BaseGeometry]],
        *,
        rank: Callable[[K], float] | None = None,
    ) -> None:
        pairs = [(k, g) for k, g in items if g is not None and not g.is_empty]
        self.keys: list[K] = [k for k, _g in pairs]
        geometries = np.array([g for _k, g in pairs], dtype=object)
        shapely.prepare(geometries)
        self.tree = shapely.STRtree(geometries)
        self.areas = shapely.area(geometries) if pairs else np.array([])
        self.ranks = [rank(k) if rank else 0 for k in self.keys]

    def __len__(self) -> int:
        return len(self.keys)

    def locate(self, lon: float, lat: float) -> K | None:
        return self.locate_many([(lon, lat)])[0]

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[K | None]:
        """The key of the smallest containing area for each (lon, lat), ``None`` outside all."""
        found: list[K | None] = [None] * len(points)
        if not points or not self.keys:
            return found
        geometries = shapely.points(np.asarray(points, dtype=float))
        point_index, area_index = self.tree.query(geometries, predicate="intersects")
        best: dict[int, int] = {}
        for p, a in zip(point_index.tolist(), area_index.tolist(), strict=True):
            current = best.get(p)
            if current is None or self._smaller(a, current):
                best[p] = a
        for p, a in best.items():
            found[p] = self.keys[a]
        return found

    def _smaller(self, a: int, b: int) -> bool:
        size_a, size_b = self.areas[a], self.areas[b]
        if math.isclose(size_a, size_b, rel_tol=1e-6):
            return self.ranks[a] < self.ranks[b]
        return size_a < size_b
