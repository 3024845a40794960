"""API: the Hilfelotse search and the Fall-zum-Feld signals of a project (members, read)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from quartierskompass.accounts.permissions import get_project_for_user
from quartierskompass.activities.models import Activity, Need, TargetGroup
from quartierskompass.areas.locate import project_area_ids
from quartierskompass.finder import search as finder
from quartierskompass.finder.signals import signals
from quartierskompass.lib.languages import LANGUAGES

router = Router(tags=["finder"])
LIMIT = 100  # results in one answer; ``count`` says how many fit in all


class FinderQuery(Schema):
    need: list[str] = SchemaField([], description="need codes; one of them must fit")
    target_group: str | None = SchemaField(None, description="target group code")
    age: int | None = SchemaField(None, ge=0, le=120)
    area: int | None = SchemaField(None, description="area id; areas below it count too")
    lat: float | None = SchemaField(None, ge=-90, le=90)
    lon: float | None = SchemaField(None, ge=-180, le=180)
    radius: int | None = SchemaField(None, gt=0, le=100_000, description="metres, with lat/lon")
    language: list[str] = SchemaField([], description="language codes; one of them must fit")
    barrier_free: bool = False
    free: bool = False
    weekday: int | None = SchemaField(None, ge=0, le=6, description="0 = Monday")
    time: dt.time | None = SchemaField(None, description="HH:MM; without weekday: any day")
    q: str = SchemaField("", max_length=200, description="words; umlauts may be typed plainly")


class ReasonOut(Schema):
    text: str
    met: bool


class ResultOut(Schema):
    id: int
    title: str
    provider: str | None
    address: str | None
    score: float
    distance_m: int | None
    reasons: list[ReasonOut]
    schedule: str
    cost: str
    free_of_charge: bool | None
    languages: list[str]
    barrier_free: bool | None
    contact_name: str
    contact_phone: str
    contact_email: str
    website: str
    latitude: float | None
    longitude: float | None


class FinderOut(Schema):
    count: int = SchemaField(description="all fitting offers; the list holds the first 100")
    results: list[ResultOut]


class SignalOut(Schema):
    need: str
    need_label: str
    area_id: int | None
    area_name: str
    searches: int | None = SchemaField(description="exact number; null when below 3")
    display: str = SchemaField(description="“< 3” or the number")
    last_date: dt.date | None = SchemaField(description="null when the number is below 3")
    last_month: str = SchemaField(description="YYYY-MM of the last search")


def _result(result: finder.Result) -> dict:
    a = result.activity
    return {
        "id": a.pk,
        "title": a.title,
        "provider": a.responsible.name if a.responsible else None,
        "address": (a.responsible.address or None) if a.responsible else None,
        "score": result.score,
        "distance_m": result.distance_m,
        "reasons": [{"text": r.text, "met": r.met} for r in result.reasons],
        **{
            name: getattr(a, name)
            for name in (
                "schedule",
                "cost",
                "free_of_charge",
                "languages",
                "barrier_free",
                "contact_name",
                "contact_phone",
                "contact_email",
                "website",
                "latitude",
                "longitude",
            )
        },
    }


def _check_codes(query: FinderQuery) -> None:
    """Unknown codes are refused, so nothing but real codes reaches the search log."""
    unknown = sorted(set(query.need) - set(Need.objects.values_list("code", flat=True)))
    if query.target_group and not TargetGroup.objects.filter(code=query.target_group).exists():
        unknown.append(query.target_group)
    unknown += [code for code in query.language if code not in LANGUAGES]
    if unknown:
        raise HttpError(422, f"Unbekannte Codes: {', '.join(unknown)}")


def _criteria(project, query: FinderQuery) -> finder.Criteria:
    _check_codes(query)
    if (query.lat is None) != (query.lon is None):
        raise HttpError(422, "Geben Sie lat und lon zusammen an.")
    if query.area is not None and query.area not in project_area_ids(project):
        raise HttpError(422, "Dieses Gebiet gehört nicht zu den Gebieten des Projekts.")
    point = (query.lat, query.lon) if query.lat is not None else None
    return finder.Criteria(
        needs=query.need,
        target_group=query.target_group,
        age=query.age,
        area_id=query.area,
        point=point,
        radius_m=query.radius if point else None,
        languages=query.language,
        barrier_free=query.barrier_free,
        free_of_charge=query.free,
        weekday=query.weekday,
        time=query.time,
        text=query.q,
    )


@router.get("/{slug}/finder", response=FinderOut, summary="Hilfelotse: find fitting offers")
def find(request: HttpRequest, slug: str, query: Query[FinderQuery]):
    """Published offers that fit, best first, with reasons; logged anonymously like the page
    (need and target group codes, area, number of results – nothing about the person)."""
    project = get_project_for_user(request.user, slug)
    criteria = _criteria(project, query)
    today = timezone.localdate()
    offers = Activity.objects.filter(project=project)
    results = finder.search(offers, criteria, today=today, limit=LIMIT)
    finder.record_search(project=project, criteria=criteria, results=results.total)
    return {"count": results.total, "results": [_result(r) for r in results]}


@router.get(
    "/{slug}/signals", response=list[SignalOut], summary="Fall zum Feld: searches without result"
)
def list_signals(request: HttpRequest, slug: str, since: dt.date | None = None):
    """Searches without a fitting offer per need and area; counts below 3 are not exact."""
    project = get_project_for_user(request.user, slug)
    return [
        {
            **item,
            "searches": item["count"] if item["display"] == str(item["count"]) else None,
            "last_date": item["last_date"] if item["display"] == str(item["count"]) else None,
            "last_month": item["last_date"].strftime("%Y-%m"),
        }
        for item in signals(project, since=since)
    ]
