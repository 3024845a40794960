"""A project's areas: which it works in, and its map."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.areas import maplayer
from quartierskompass.areas.models import Area, Indicator, ProjectArea

SEARCH_LIMIT = 30


@project_view()
def project_areas(request: HttpRequest, project: Project) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    linked = ProjectArea.objects.filter(project=project).select_related("area")
    found = []
    if query:
        found = (
            Area.objects.without_geometry()
            .filter(Q(name__icontains=query) | Q(code__startswith=query))
            .exclude(pk__in=linked.values("area"))
            .select_related("parent")
            .order_by("code_system", "code")[:SEARCH_LIMIT]
        )
    context = {
        "project": project,
        "linked": linked.defer("area__boundary", "area__boundary_simplified"),
        "query": query,
        "found": found,
        "can_write": allows(project.current_role, Access.WRITE),
    }
    template = "areas/project_areas.html#search" if request.htmx else "areas/project_areas.html"
    return render(request, template, context)


@require_POST
@project_view(Access.WRITE)
def project_area_add(request: HttpRequest, project: Project) -> HttpResponse:
    area = get_object_or_404(Area.objects.without_geometry(), pk=request.POST.get("area"))
    _link, created = ProjectArea.objects.get_or_create(
        project=project, area=area, defaults={"created_by": request.user}
    )
    if created:
        messages.success(request, _("“%(area)s” now belongs to the project.") % {"area": area})
    return redirect("areas:project_areas", project.slug)


@require_POST
@project_view(Access.WRITE)
def project_area_remove(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    link = get_object_or_404(ProjectArea.objects.filter(project=project), pk=pk)
    link.delete()
    messages.success(request, _("“%(area)s” was removed from the project.") % {"area": link.area})
    return redirect("areas:project_areas", project.slug)


def _map_choice(request: HttpRequest, project: Project) -> dict:
    level = request.GET.get("ebene", "within")
    level = level if level in maplayer.LEVELS else "within"
    areas = maplayer.project_areas(project, level)
    indicators = list(
        Indicator.objects.filter(values__area__in=maplayer.subtree_ids(areas)).distinct()
    )
    indicator = next(
        (i for i in indicators if i.key == request.GET.get("indikator")),
        indicators[0] if indicators else None,
    )
    dates = maplayer.dates_for(indicator, areas) if indicator else []
    wanted = request.GET.get("stichtag", "")
    day = next((d for d in dates if d.isoformat() == wanted), dates[0] if dates else None)
    return {
        "level": level,
        "areas": areas,
        "indicators": indicators,
        "indicator": indicator,
        "dates": dates,
        "day": day,
    }


@project_view()
def project_map(request: HttpRequest, project: Project) -> HttpResponse:
    choice = _map_choice(request, project)
    layer = maplayer.layer(
        project,
        indicator=choice["indicator"],
        day=choice["day"],
        level=choice["level"],
        areas=choice["areas"],
    )
    tiles = "ohne-karte" not in request.GET and bool(settings.QK_TILE_URL)
    config = {
        "layer": layer,
        "tiles": settings.QK_TILE_URL if tiles else "",
        "attribution": settings.QK_TILE_ATTRIBUTION,
        "texts": {
            "open": _("Open"),
            "activity": _("Activity"),
            "offer": _("Public offer"),
            "actor": _("Actor"),
            "noValue": _("no value"),
        },
    }
    context = {"project": project, "layer": layer, "config": config, "tiles": tiles, **choice}
    return render(request, "areas/project_map.html", context)
