"""The team's checks page: which published offers are due for a check, and the check itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project, Role
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.activities.models import Activity
from quartierskompass.finder import offers, services
from quartierskompass.finder.offers import CheckStatus


@dataclass
class Group:
    status: CheckStatus
    explanation: str
    items: list[Activity] = field(default_factory=list)


def _explanations(project: Project) -> dict[CheckStatus, str]:
    review, hide = project.review_after_months, project.hide_after_months
    return {
        CheckStatus.REVIEW: ngettext(
            "Checked more than %(n)s month ago. The Wegweiser still shows these offers. "
            "Please check them soon: call, read the website or ask the provider.",
            "Checked more than %(n)s months ago. The Wegweiser still shows these offers. "
            "Please check them soon: call, read the website or ask the provider.",
            review,
        )
        % {"n": review},
        CheckStatus.HIDDEN: ngettext(
            "Never checked, or checked more than %(n)s month ago. The Wegweiser no longer "
            "shows these offers. Check the details, and they are shown again.",
            "Never checked, or checked more than %(n)s months ago. The Wegweiser no longer "
            "shows these offers. Check the details, and they are shown again.",
            hide,
        )
        % {"n": hide},
        CheckStatus.CURRENT: ngettext(
            "Checked within the last month. Nothing to do.",
            "Checked within the last %(n)s months. Nothing to do.",
            review,
        )
        % {"n": review},
        CheckStatus.INTERNAL: _(
            "Marked “do not publish”. Only your team sees them; the Wegweiser never does."
        ),
        CheckStatus.INACTIVE: _("Planned or ended. The Wegweiser shows only running offers."),
    }


@project_view()
def checks(request: HttpRequest, project: Project) -> HttpResponse:
    today = timezone.localdate()
    groups = {status: Group(status, text) for status, text in _explanations(project).items()}
    published = (
        Activity.objects.filter(project=project, published=True)
        .select_related("verified_by")
        .order_by(F("verified_at").asc(nulls_first=True), "title", "pk")
    )
    for activity in published:
        activity.check_status = offers.check_status(activity, project, today)
        if checked := activity.verified_at:
            activity.review_due = offers.add_months(checked, project.review_after_months)
            activity.hide_due = offers.add_months(checked, project.hide_after_months)
        groups[activity.check_status].items.append(activity)
    public_url = request.build_absolute_uri(reverse("finder:wegweiser", args=[project.slug]))
    context = {
        "project": project,
        "groups": list(groups.values()),
        "total": sum(len(g.items) for g in groups.values()),
        "public_count": sum(len(groups[s].items) for s in offers.PUBLIC_STATUSES),
        "public_url": public_url,
        "can_write": allows(project.current_role, Access.WRITE),
        "is_owner": project.current_role == Role.OWNER,
        "today": today,
    }
    return render(request, "finder/checks.html", context)


@require_POST
@project_view(Access.WRITE)
def verify(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.filter(project=project), pk=pk)
    services.mark_verified(activity=activity, user=request.user)
    messages.success(
        request, _("“%(title)s”: the details are marked as up to date.") % {"title": activity}
    )
    return redirect(reverse("finder:checks", args=[project.slug]) + f"#offer-{activity.pk}")
