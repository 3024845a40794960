"""Which offers the public sees, and how fresh the details of each offer are.

The single definition of a public offer (used by the Wegweiser, the public API and the team's
checks page): an activity of a project with the Wegweiser switched on that is

- published (``published=True``) and not kept internal (``public_hidden=False``),
- not in the trash, with status *active* and no end date in the past,
- checked (``verified_at``) no longer than ``project.hide_after_months`` months ago.

``check_status`` says the same per offer, and adds "zu prüfen" for offers checked longer than
``project.review_after_months`` ago: they are still public, but the team should look again.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, ActivityQuerySet, Status


class CheckStatus(models.TextChoices):
    """Where a published offer stands; the order is the order of the checks page."""

    REVIEW = "review", _("to check")
    HIDDEN = "hidden", _("no longer in the Wegweiser")
    CURRENT = "current", _("up to date")
    INTERNAL = "internal", _("internal")
    INACTIVE = "inactive", _("not running")


PUBLIC_STATUSES = frozenset({CheckStatus.CURRENT, CheckStatus.REVIEW})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier when negative); 31 March − 1 → 28/29 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def hide_cutoff(project: Project, today: date) -> date:
    """Offers checked before this day have left the Wegweiser."""
    return add_months(today, -project.hide_after_months)


def review_cutoff(project: Project, today: date) -> date:
    """Offers checked before this day are due for a check."""
    return add_months(today, -project.review_after_months)


def check_status(activity: Activity, project: Project, today: date | None = None) -> CheckStatus:
    """Where one published offer stands on ``today`` (see the module docstring)."""
    today = today or timezone.localdate()
    if activity.public_hidden:
        return CheckStatus.INTERNAL
    ended = activity.end is not None and activity.end < today
    if activity.status != Status.ACTIVE or ended or activity.deleted_at is not None:
        return CheckStatus.INACTIVE
    checked = activity.verified_at
    if checked is None or checked < hide_cutoff(project, today):
        return CheckStatus.HIDDEN
    if checked < review_cutoff(project, today):
        return CheckStatus.REVIEW
    return CheckStatus.CURRENT


def public_offers(project: Project, today: date | None = None) -> ActivityQuerySet:
    """The project's offers everyone may see on ``today``; none while the Wegweiser is off."""
    if not project.wegweiser_enabled:
        return Activity.objects.none()
    today = today or timezone.localdate()
    return Activity.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today),
        project=project,
        published=True,
        public_hidden=False,
        status=Status.ACTIVE,
        verified_at__gte=hide_cutoff(project, today),
    )


def public_project(slug: str) -> Project | None:
    """The project with this slug if its Wegweiser is switched on; else ``None`` (never says
    whether a project exists)."""
    return Project.objects.filter(slug=slug, wegweiser_enabled=True).first()
