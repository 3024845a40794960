"""Recommendations page: open recommendations as cards, accept (→ a goal), dismiss with a
reason, show a dismissed one again; and the dashboard card with the top three."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.planning import decisions
from quartierskompass.planning.recommendations import RULE_LABELS

CARD_SIZE = 3


def _page(project: Project, anchor: str = "") -> HttpResponse:
    url = reverse("planning:recommendations", args=[project.slug])
    return redirect(f"{url}#{anchor}" if anchor else url)


@project_view()
def recommendation_list(request: HttpRequest, project: Project) -> HttpResponse:
    year = timezone.localdate().year
    context = {
        "project": project,
        "year": year,
        "overview": decisions.overview(project, year=year),
        "rule_labels": RULE_LABELS,
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "planning/recommendations/list.html", context)


@require_POST
@project_view(Access.WRITE)
def recommendation_accept(request: HttpRequest, project: Project, fingerprint: str) -> HttpResponse:
    try:
        goal = decisions.accept(project=project, user=request.user, fingerprint=fingerprint)
    except decisions.DecisionError as error:
        messages.error(request, error.message)
        return _page(project)
    messages.success(
        request,
        _("The recommendation is now a goal. Complete it: who takes care of it, and by when?"),
    )
    try:
        return redirect(reverse("planning:goal_edit", args=[project.slug, goal.pk]))
    except NoReverseMatch:  # the goal pages are optional for this page
        return _page(project, "angenommen")


@require_POST
@project_view(Access.WRITE)
def recommendation_dismiss(
    request: HttpRequest, project: Project, fingerprint: str
) -> HttpResponse:
    try:
        decisions.dismiss(
            project=project,
            user=request.user,
            fingerprint=fingerprint,
            reason=request.POST.get("reason", ""),
        )
    except decisions.DecisionError as error:
        messages.error(request, error.message)
        return _page(project)
    messages.success(
        request, _("The recommendation was dismissed. You find it below with your reason.")
    )
    return _page(project, "verworfen")


@require_POST
@project_view(Access.WRITE)
def recommendation_restore(
    request: HttpRequest, project: Project, fingerprint: str
) -> HttpResponse:
    try:
        decisions.restore(project=project, user=request.user, fingerprint=fingerprint)
    except decisions.DecisionError as error:
        messages.error(request, error.message)
        return _page(project, "verworfen")
    messages.success(request, _("The recommendation is shown again."))
    return _page(project)


def recommendations_card(project: Project) -> dict:
    """Context for ``planning/_recommendations_card.html`` on the project overview: the three
    most important open recommendations of this year and how many there are in all."""
    overview = decisions.overview(project)
    return {
        "recommendations": overview.open[:CARD_SIZE],
        "open_count": len(overview.open),
        "more": max(len(overview.open) - CARD_SIZE, 0),
        "url": reverse("planning:recommendations", args=[project.slug]),
    }
