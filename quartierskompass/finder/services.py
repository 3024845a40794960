"""Writes of the Hilfelotse and the Wegweiser, shared by pages, API and commands."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from quartierskompass.accounts.models import User
from quartierskompass.activities.models import Activity
from quartierskompass.core.models import ChangeLog


@transaction.atomic
def mark_verified(*, activity: Activity, user: User, today: date | None = None) -> Activity:
    """Record that ``user`` checked the offer's details on ``today``: "Angaben sind aktuell".

    Counts as an edit: the version goes up (an edit form opened before refuses to overwrite
    the check) and the change log names who checked.
    """
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    before = {"verified_at": current.verified_at, "verified_by": current.verified_by}
    current.verified_at = today or timezone.localdate()
    current.verified_by = user
    current.version += 1
    current.updated_at = timezone.now()
    current.updated_by = user
    current.save(
        update_fields=["verified_at", "verified_by", "version", "updated_at", "updated_by"]
    )
    changes = {
        name: ["" if old is None else str(old), str(getattr(current, name))]
        for name, old in before.items()
        if old != getattr(current, name)
    }
    ChangeLog.record(obj=current, action=ChangeLog.Action.UPDATE, user=user, changes=changes)
    return current
