"""What a project's map shows: its areas as a choropleth of one indicator, and markers.

The same data feeds the Leaflet map (as JSON) and the table beside it that works without
JavaScript. Classes are quantiles of the shown values; colours keep text readable.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea
from quartierskompass.areas.profile import Value, values_for_areas
from quartierskompass.core.formats import number

PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
NO_VALUE = "#d9d9d9"
LEVELS = ("linked", "within")


def project_areas(project: Project, level: str = "linked") -> list[Area]:
    """The linked areas, or (``within``) the lowest areas inside them.

    The full ``boundary`` stays in the database: the map draws ``boundary_simplified`` and
    decoding both JSON columns of 542 areas took most of the time.
    """
    linked = list(
        Area.objects.filter(pk__in=ProjectArea.objects.filter(project=project).values("area"))
        .defer("boundary")
        .order_by("code")
    )
    if level != "within":
        return linked
    leaves: list[Area] = []
    for area in linked:
        ids = area.descendant_ids()
        inner = (
            Area.objects.filter(pk__in=ids, children__isnull=True)
            .defer("boundary")
            .order_by("code")
        )
        leaves += list(inner) or [area]
    return leaves


def subtree_ids(areas: list[Area]) -> list[int]:
    """The areas and every area below them: one query per level, not one per area."""
    ids = level = [area.pk for area in areas]
    while level:
        level = list(
            Area.objects.filter(parent_id__in=level).order_by().values_list("pk", flat=True)
        )
        ids = ids + level
    return ids


def dates_for(indicator: Indicator, areas: list[Area]) -> list[date]:
    return sorted(
        IndicatorValue.objects.filter(indicator=indicator, area_id__in=subtree_ids(areas))
        .order_by()
        .values_list("date", flat=True)
        .distinct(),
        reverse=True,
    )


def quantile_breaks(values: list[Decimal], classes: int = len(PALETTE)) -> list[Decimal]:
    """Upper limits of up to ``classes`` classes with about as many areas in each."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    if len(ordered) <= classes:
        return ordered
    ranked = sorted(values)
    breaks = []
    for k in range(1, classes + 1):
        position = min(len(ranked) - 1, round(k * len(ranked) / classes) - 1)
        if not breaks or ranked[position] > breaks[-1]:
            breaks.append(ranked[position])
    return breaks


def _class_of(value: Decimal, breaks: list[Decimal]) -> int:
    for index, limit in enumerate(breaks):
        if value <= limit:
            return index
    return len(breaks) - 1


def _colours(count: int) -> list[str]:
    """Spread the palette over fewer classes, keeping the lightest and the darkest."""
    if count >= len(PALETTE):
        return PALETTE
    if count == 1:
        return [PALETTE[2]]
    step = (len(PALETTE) - 1) / (count - 1)
    return [PALETTE[round(i * step)] for i in range(count)]


def _text(value: Value, indicator: Indicator | None) -> str:
    if indicator is None:
        return ""
    if value.value is None:
        return "–"
    if indicator.kind == Indicator.Kind.COUNT and 0 < value.value < 3:
        return "< 3"
    unit = f" {indicator.unit}" if indicator.unit else ""
    return number(value.value, indicator.decimals) + unit


def _legend_decimals(breaks: list[Decimal], decimals: int) -> int:
    """Enough decimals that no two class limits read the same (at most 3 more)."""
    for extra in range(4):
        texts = [number(b, decimals + extra) for b in breaks]
        if len(set(texts)) == len(texts):
            return decimals + extra
    return decimals + 3


def legend(breaks: list[Decimal], indicator: Indicator) -> list[dict]:
    colours = _colours(len(breaks))
    decimals = _legend_decimals(breaks, indicator.decimals)
    items, lower = [], None
    for limit, colour in zip(breaks, colours, strict=True):
        low = number(lower, decimals) if lower is not None else None
        high = number(limit, decimals)
        items.append({"fill": colour, "label": f"{low} – {high}" if low else f"≤ {high}"})
        lower = limit
    return items


def layer(
    project: Project,
    *,
    indicator: Indicator | None,
    day: date | None,
    level: str = "linked",
    areas: list[Area] | None = None,
) -> dict:
    """GeoJSON areas with value, class and colour, the legend, and the markers.

    ``areas`` are ``project_areas(project, level)`` when the caller has them already.
    """
    if areas is None:
        areas = project_areas(project, level)
    values = values_for_areas(indicator, areas, day) if indicator and day else {}
    known = [v.value for v in values.values() if v.value is not None]
    breaks = quantile_breaks(known)
    colours = _colours(len(breaks))
    features = []
    for area in areas:
        value = values.get(area.pk, Value(None))
        fill = colours[_class_of(value.value, breaks)] if value.value is not None else NO_VALUE
        geometry = area.boundary_simplified or area.boundary
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": area.pk,
                    "name": area.name,
                    "code": area.code,
                    "kind": area.kind,
                    "value": None if value.value is None else float(value.value),
                    "text": _text(value, indicator),
                    "fill": fill,
                    "computed": value.computed,
                    "url": reverse("areas:detail", args=[area.pk]),
                },
            }
        )
    return {
        "areas": {"type": "FeatureCollection", "features": features},
        "legend": legend(breaks, indicator) if indicator and breaks else [],
        "indicator": {
            "key": indicator.key,
            "label": indicator.label,
            "source": f"{indicator.source} {indicator.licence}".strip(),
        }
        if indicator
        else None,
        "date": day.isoformat() if day else None,
        "markers": markers(project),
    }


def markers(project: Project) -> list[dict]:
    activities = Activity.objects.filter(
        project=project, latitude__isnull=False, longitude__isnull=False
    ).only("pk", "title", "latitude", "longitude", "published", "project_id")
    actors = Actor.objects.filter(
        project=project, latitude__isnull=False, longitude__isnull=False
    ).only("pk", "name", "latitude", "longitude")
    result = [
        {
            "kind": "offer" if a.published else "activity",
            "name": a.title,
            "lat": a.latitude,
            "lon": a.longitude,
            "url": reverse("activities:detail", args=[project.slug, a.pk]),
        }
        for a in activities
    ]
    result += [
        {"kind": "actor", "name": a.name, "lat": a.latitude, "lon": a.longitude, "url": ""}
        for a in actors
    ]
    return result
