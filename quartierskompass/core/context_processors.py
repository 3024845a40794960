from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project

# The pages of one project, grouped as the navigation shows them: the groups in the main bar,
# the pages of the current group in a second bar below it. Each page is a URL name taking the
# project slug; a page is listed here only once it exists. A group links to its first page.
PROJECT_NAV = [
    (
        _("Overview"),
        [("accounts:project", _("Overview")), ("activities:matrix", _("Matrix"))],
    ),
    (
        _("Inventory"),
        [
            ("activities:list", _("Activities")),
            ("actors:list", _("Actors")),
            ("actors:network", _("Network")),
        ],
    ),
    (
        _("Neighbourhood"),
        [
            ("areas:map", _("Map")),
            ("areas:project_areas", _("Areas")),
            ("planning:needs", _("Needs register")),
            ("planning:coverage", _("Needs and activities")),
            ("planning:findings", _("Findings")),
        ],
    ),
    (
        _("Help finder"),
        [("finder:lotse", _("Help finder")), ("finder:checks", _("Check offers"))],
    ),
    (
        _("Planning"),
        [
            ("planning:recommendations", _("Recommendations")),
            ("planning:workshops", _("SONI workshop")),
            ("planning:goals", _("Goals")),
        ],
    ),
    (_("Team"), [("accounts:members", _("Members"))]),
]
PROJECT_PAGES = [page for _group, pages in PROJECT_NAV for page in pages]


def project_nav(request: HttpRequest, project: Project) -> list[dict]:
    """The groups with their pages; ``current`` marks the page and the group the request is in.

    The overview matches only its own address; other pages match everything below them, the
    longest match winning (``…/angebote/pruefen/`` is not the activity list's).
    """
    groups = []
    for label, pages in PROJECT_NAV:
        items = []
        for name, page_label in pages:
            url = reverse(name, args=[project.slug])
            exact = name == "accounts:project"
            matches = request.path == url if exact else request.path.startswith(url)
            items.append({"url": url, "label": page_label, "matches": matches, "current": False})
        groups.append({"label": label, "url": items[0]["url"], "pages": items, "current": False})
    candidates = [item for group in groups for item in group["pages"] if item["matches"]]
    if candidates:
        best = max(candidates, key=lambda item: len(item["url"]))
        best["current"] = True
        for group in groups:
            group["current"] = best in group["pages"]
    return groups


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
