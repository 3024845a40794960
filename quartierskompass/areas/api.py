"""API: areas (with simplified GeoJSON for maps), indicators and values, a project's map layer.

Areas and indicators are shared reference data: every logged-in person may read them. A
project's linked areas and its map need read access to the project.
"""

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from quartierskompass.accounts.permissions import get_project_for_user
from quartierskompass.areas import maplayer
from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea

router = Router(tags=["areas and indicators"])


class AreaOut(Schema):
    id: int
    code: str
    code_system: str
    kind: str
    name: str
    parent_id: int | None
    source: str
    centroid: list[float] | None = None

    @staticmethod
    def resolve_centroid(obj: Area) -> list[float] | None:
        if obj.centroid_lat is None:
            return None
        return [obj.centroid_lon, obj.centroid_lat]


class AreaFilter(Schema):
    system: str | None = None
    parent: int | None = None
    q: str = ""


class IndicatorOut(Schema):
    key: str
    label_de: str
    label_en: str
    unit: str
    kind: str
    polarity: str
    threshold: float
    threshold_kind: str
    base: str | None = None
    needs: list[str]
    source: str
    licence: str

    @staticmethod
    def resolve_needs(obj: Indicator) -> list[str]:
        return [n.code for n in obj.needs.all()]

    @staticmethod
    def resolve_base(obj: Indicator) -> str | None:
        return obj.base.key if obj.base else None


class ValueOut(Schema):
    area_code: str
    area_id: int
    date: dt.date
    value: float | None
    suppressed: bool


class ValueFilter(Schema):
    system: str | None = None
    date: dt.date | None = None


def _areas(filters: AreaFilter):
    areas = Area.objects.without_geometry()
    if filters.system:
        areas = areas.filter(code_system=filters.system)
    if filters.parent is not None:
        areas = areas.filter(parent_id=filters.parent)
    if filters.q:
        areas = areas.filter(Q(name__icontains=filters.q) | Q(code__startswith=filters.q))
    return areas.order_by("code_system", "code")


@router.get("/areas", response=list[AreaOut], summary="Areas (without geometry)")
@paginate(LimitOffsetPagination)
def list_areas(request: HttpRequest, filters: Query[AreaFilter]):
    return _areas(filters)


@router.get("/areas/geojson", summary="Areas as GeoJSON, simplified for maps")
def areas_geojson(request: HttpRequest, filters: Query[AreaFilter]):
    areas = (
        _areas(filters)
        .defer(None)
        .only("pk", "code", "code_system", "kind", "name", "parent_id", "boundary_simplified")
    )
    features = [
        {
            "type": "Feature",
            "geometry": a.boundary_simplified,
            "properties": {
                "id": a.pk,
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "parent_id": a.parent_id,
            },
        }
        for a in areas
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@router.get("/areas/{pk}", response=AreaOut, summary="One area")
def get_area(request: HttpRequest, pk: int):
    return get_object_or_404(Area.objects.without_geometry(), pk=pk)


@router.get("/indicators", response=list[IndicatorOut], summary="Indicator definitions")
def list_indicators(request: HttpRequest):
    return Indicator.objects.select_related("base").prefetch_related("needs")


@router.get("/indicators/{key}/values", response=list[ValueOut], summary="Values of one indicator")
@paginate(LimitOffsetPagination)
def indicator_values(request: HttpRequest, key: str, filters: Query[ValueFilter]):
    indicator = get_object_or_404(Indicator, key=key)
    values = IndicatorValue.objects.filter(indicator=indicator).select_related("area")
    if filters.system:
        values = values.filter(area__code_system=filters.system)
    if filters.date:
        values = values.filter(date=filters.date)
    return [
        {
            "area_code": v.area.code,
            "area_id": v.area_id,
            "date": v.date,
            "value": None if v.value is None else float(v.value),
            "suppressed": v.suppressed,
        }
        for v in values.order_by("area__code", "date")
    ]


class MapQuery(Schema):
    indicator: str | None = None
    date: dt.date | None = None
    level: str = "within"


@router.get("/projects/{slug}/areas", response=list[AreaOut], summary="A project's areas")
def project_areas(request: HttpRequest, slug: str):
    project = get_project_for_user(request.user, slug)
    return Area.objects.without_geometry().filter(
        pk__in=ProjectArea.objects.filter(project=project).values("area")
    )


@router.get("/projects/{slug}/map", summary="A project's map layer (areas, legend, markers)")
def project_map(request: HttpRequest, slug: str, query: Query[MapQuery]):
    project = get_project_for_user(request.user, slug)
    if query.level not in maplayer.LEVELS:
        raise HttpError(422, f"Unbekannte Ebene „{query.level}“.")
    indicator = None
    if query.indicator:
        indicator = Indicator.objects.filter(key=query.indicator).first()
        if indicator is None:
            raise HttpError(404, f"Unbekannter Indikator „{query.indicator}“.")
    areas = maplayer.project_areas(project, query.level)
    day = query.date
    if indicator and day is None:
        dates = maplayer.dates_for(indicator, areas)
        day = dates[0] if dates else None
    return JsonResponse(
        maplayer.layer(project, indicator=indicator, day=day, level=query.level, areas=areas)
    )
