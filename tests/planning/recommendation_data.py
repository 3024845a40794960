"""Builders for the recommendation tests: a year, activities per field, searches, actors, a
workshop. Every scenario names only what its rule looks at."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from quartierskompass.activities.models import Need
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from quartierskompass.finder.models import SearchLog
from quartierskompass.planning.models import Workshop
from quartierskompass.planning.recommendations import Recommendation, recommendations
from tests.factories import make_activity

YEAR = 2025
TODAY = date(2025, 6, 30)


def activities(project, *, needs: tuple[str, ...] = (), **per_field: int) -> list:
    """``activities(p, N=8, S=1, SN=2)``: eight N activities, one S, two bridges S+N."""
    made = []
    for fields, count in per_field.items():
        for n in range(count):
            activity = make_activity(project, f"{fields} {n}", fields=fields)
            if needs:
                activity.needs.set(Need.objects.filter(code__in=needs))
            made.append(activity)
    return made


def search(project, need: str, *, results: int = 0, day: date = TODAY, times: int = 1) -> None:
    for _n in range(times):
        SearchLog.objects.create(project=project, date=day, needs=[need], results=results)


def actor(project, name: str, type_code: str | None = None) -> Actor:
    kind = ActorType.objects.get(code=type_code) if type_code else None
    return Actor.objects.create(project=project, name=name, actor_type=kind)


def tie(project, a: Actor, b: Actor) -> Tie:
    return Tie.objects.create(
        project=project, source=a, target=b, kind=TieKind.objects.get(code="kooperation")
    )


def workshop(project, ratings: dict, *, day: date = date(2025, 3, 1), finished: bool = True):
    moment = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=18))
    return Workshop.objects.create(
        project=project,
        title="SONI-Werkstatt",
        date=day,
        period_start=date(YEAR - 1, 1, 1),
        period_end=date(YEAR - 1, 12, 31),
        ratings=ratings,
        step=5 if finished else 1,
        finished_at=moment if finished else None,
    )


def recs(project, rule: str | None = None, *, year: int = YEAR) -> list[Recommendation]:
    found = recommendations(project, year=year, today=TODAY)
    return [r for r in found if rule is None or r.rule == rule]
