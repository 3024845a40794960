"""Areas and indicators as shared reference data: browse, profile of one area, indicators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from quartierskompass.areas.charts import sparkline
from quartierskompass.areas.models import Area, Indicator
from quartierskompass.areas.permissions import can_manage_reference_data
from quartierskompass.areas.profile import profile, reference_area

LIST_LIMIT = 200


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    """Code systems, and a search over every area by name or code."""
    query = request.GET.get("q", "").strip()
    system = request.GET.get("system", "")
    areas = Area.objects.without_geometry().select_related("parent")
    if system:
        areas = areas.filter(code_system=system)
    if query:
        areas = areas.filter(Q(name__icontains=query) | Q(code__startswith=query))
    elif not system:
        areas = areas.filter(parent=None)
    else:
        areas = areas.filter(parent=None, code_system=system)
    systems = Area.objects.values("code_system").annotate(n=Count("pk")).order_by("code_system")
    context = {
        "systems": systems,
        "areas": areas.order_by("code_system", "code")[:LIST_LIMIT],
        "query": query,
        "system": system,
        "limit": LIST_LIMIT,
        "can_manage": can_manage_reference_data(request.user),
    }
    template = "areas/area_list.html#results" if request.htmx else "areas/area_list.html"
    return render(request, template, context)


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The area's profile: every indicator against the reference area, with the needs it
    points to when it is auffällig."""
    area = get_object_or_404(Area.objects.defer("boundary"), pk=pk)
    mode = "parent" if request.GET.get("vergleich") == "parent" else "top"
    reference = reference_area(area, mode=mode)
    readings = profile(
        area, reference=reference, indicators=Indicator.objects.prefetch_related("needs")
    )
    for reading in readings:
        reading.chart = sparkline(reading.series) if len(reading.series) > 1 else None
    context = {
        "area": area,
        "ancestors": list(reversed(area.ancestors())),
        "children": area.children.without_geometry().order_by("code"),
        "reference": reference,
        "mode": mode,
        "readings": readings,
        "auffaellig": [r for r in readings if r.auffaellig],
        "projects": area.project_links.filter(
            project__in=request.user.memberships.values("project")
        ).select_related("project")
        if request.user.is_authenticated
        else [],
    }
    return render(request, "areas/area_detail.html", context)


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = (
        Indicator.objects.annotate(
            n=Count("values"), first=Min("values__date"), last=Max("values__date")
        )
        .prefetch_related("needs")
        .select_related("base")
    )
    context = {"indicators": indicators, "can_manage": can_manage_reference_data(request.user)}
    return render(request, "areas/indicator_list.html", context)
