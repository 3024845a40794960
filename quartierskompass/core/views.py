from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from quartierskompass.accounts.models import Project


def home(request: HttpRequest) -> HttpResponse:
    """Send people where they most likely want to be: their last project, or the list."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    projects = Project.objects.visible_to(request.user)
    slug = request.session.get(settings.QK_PROJECT_SESSION_KEY)
    if slug and projects.filter(slug=slug).exists():
        return redirect("accounts:project", slug)
    only = list(projects.values_list("slug", flat=True)[:2])
    if len(only) == 1:
        return redirect("accounts:project", only[0])
    return redirect("accounts:projects")


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)
