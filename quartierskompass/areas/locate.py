"""Which area an activity or actor lies in, from its coordinates.

The candidates are the areas a project works in (ProjectArea) and every area below them, of
whatever code system; areas of several levels overlap, so the smallest containing area wins –
the Planungsraum, not its Bezirk. A place whose area was chosen by hand (``area_locked``) keeps
it. A project without linked areas keeps whatever areas its records have.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from shapely.geometry import Point

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.lib import geo

LOCATED_MODELS: tuple[type[models.Model], ...] = (Activity, Actor)


def with_descendants(area_ids: Iterable[int]) -> list[int]:
    """The given areas and every area below them, one query per level."""
    seen: list[int] = []
    level = set(area_ids)
    while level:
        seen += sorted(level)
        below = Area.objects.filter(parent_id__in=level).values_list("pk", flat=True)
        level = set(below) - set(seen)
    return seen


def project_area_ids(project: Project) -> list[int]:
    linked = ProjectArea.objects.filter(project=project).values_list("area_id", flat=True)
    return with_descendants(linked)


def build_locator(areas: Iterable[Area]) -> geo.Locator[int]:
    """A locator over the areas' full boundaries, keyed by primary key.

    Among areas of the same size (a parent with a single child), the one lower in the
    hierarchy wins: it has more ancestors among the candidates.
    """
    areas = list(areas)
    parents = {a.pk: a.parent_id for a in areas}

    def depth(pk: int) -> int:
        steps, seen = 0, {pk}
        while (pk := parents.get(pk)) in parents and pk not in seen:
            steps, seen = steps + 1, seen | {pk}
        return steps

    items = [(a.pk, geo.from_geojson(a.boundary)) for a in areas]
    return geo.Locator(items, rank=lambda pk: -depth(pk))


def _locator_for(project: Project, candidates: Iterable[Area] | None) -> geo.Locator[int] | None:
    if candidates is None:
        ids = project_area_ids(project)
        if not ids:
            return None
        candidates = Area.objects.filter(pk__in=ids).only("pk", "parent_id", "boundary")
    locator = build_locator(candidates)
    return locator if len(locator) else None


def _records(model: type[models.Model], project: Project):
    # The base manager sees the trash too: a restored activity has the right area.
    return (
        model._base_manager.filter(project=project, area_locked=False)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .only("pk", "latitude", "longitude", "area_id")
    )


@transaction.atomic
def assign_areas(*, project: Project, candidates: Iterable[Area] | None = None) -> int:
    """Set the area of every activity and actor of the project from its coordinates.

    ``candidates`` replaces the project's areas (and their descendants) as the areas to choose
    from. A record outside all candidates loses an area that is one of them (it moved out) and
    keeps any other. Returns how many records changed.
    """
    locator = _locator_for(project, candidates)
    if locator is None:
        return 0
    known = set(locator.keys)
    changed = 0
    for model in LOCATED_MODELS:
        records = list(_records(model, project))
        found = locator.locate_many([(r.longitude, r.latitude) for r in records])
        updates = []
        for record, area_id in zip(records, found, strict=True):
            if area_id is None and record.area_id not in known:
                continue
            if record.area_id != area_id:
                record.area_id = area_id
                updates.append(record)
        # bulk_update leaves ``version`` alone: the area is derived, not an edit by a person.
        model._base_manager.bulk_update(updates, ["area"], batch_size=500)
        changed += len(updates)
    return changed


def assign_area(obj: Activity | Actor, *, locator: geo.Locator[int] | None = None) -> bool:
    """Set one saved activity's or actor's area from its coordinates, right after a save.

    Returns True when the area changed. Does nothing for a hand-chosen area, a record without
    coordinates, or a project without linked areas.
    """
    if obj.area_locked or obj.latitude is None or obj.longitude is None:
        return False
    if locator is None:
        ids = project_area_ids(obj.project)
        near = _near(ids, obj.longitude, obj.latitude)
        locator = build_locator(
            Area.objects.filter(pk__in=near).only("pk", "parent_id", "boundary")
        )
        known = set(ids)
    else:
        known = set(locator.keys)
    if not known:
        return False
    area_id = locator.locate(obj.longitude, obj.latitude)
    if area_id == obj.area_id or (area_id is None and obj.area_id not in known):
        return False
    obj.area_id = area_id
    type(obj)._base_manager.filter(pk=obj.pk).update(area_id=area_id)
    return True


def _near(ids: list[int], lon: float, lat: float) -> list[int]:
    """The areas whose light map outline is within reach of the point.

    A whole city with its levels has megabytes of full boundaries; the simplified ones differ
    from them by at most the simplification tolerance, so only the few areas near the point
    need their full boundary read for the exact test.
    """
    point = Point(lon, lat)
    reach = 2 * geo.MAP_TOLERANCE
    outlines = Area.objects.filter(pk__in=ids).values_list("pk", "boundary_simplified")
    return [
        pk
        for pk, outline in outlines
        if (shape := geo.from_geojson(outline)) is None or shape.distance(point) <= reach
    ]
