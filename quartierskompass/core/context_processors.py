from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project

# The pages of one project, in the order the navigation shows them. Each entry is a URL name
# taking the project slug; a page is listed here only once it exists.
PROJECT_PAGES = [
    ("accounts:project", _("Overview")),
    ("activities:matrix", _("Matrix")),
    ("activities:list", _("Activities")),
    ("actors:list", _("Actors")),
    ("actors:network", _("Network")),
    ("areas:map", _("Map")),
    ("areas:project_areas", _("Areas")),
    ("accounts:members", _("Members")),
]


def project_nav(request: HttpRequest, project: Project) -> list[dict]:
    items = []
    for name, label in PROJECT_PAGES:
        url = reverse(name, args=[project.slug])
        exact = name == "accounts:project"
        current = request.path == url if exact else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items


def navigation(request: HttpRequest) -> dict:
    """The project switcher and the project the navigation is about.

    On a project's own pages that is the page's project; elsewhere the one visited last.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_projects": (), "nav_project": None, "project_nav": ()}
    projects = SimpleLazyObject(
        lambda: list(Project.objects.visible_to(user).only("slug", "name").order_by("name"))
    )

    def current() -> Project | None:
        if getattr(request, "project", None) is not None:
            return request.project
        slug = request.session.get(settings.QK_PROJECT_SESSION_KEY)
        return next((p for p in projects if p.slug == slug), None)

    nav_project = SimpleLazyObject(current)

    def items() -> list[dict]:
        return project_nav(request, nav_project) if nav_project else []

    return {
        "nav_projects": projects,
        "nav_project": nav_project,
        "project_nav": SimpleLazyObject(items),
    }
