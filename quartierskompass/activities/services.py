"""Writes on activities, shared by the pages, the API, the import and the CLI."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities.models import Activity
from quartierskompass.actors.services import ensure_actors
from quartierskompass.areas.locate import assign_area
from quartierskompass.core.models import ChangeLog

M2M_FIELDS = ("partners", "work_forms", "principles", "needs", "target_groups")


class EditConflict(ValidationError):
    """Someone saved the activity after the editor opened it."""


def _snapshot(activity: Activity) -> dict[str, str]:
    data = {
        f.name: "" if (value := getattr(activity, f.name)) is None else str(value)
        for f in activity._meta.concrete_fields
        if f.editable and f.name not in {"id", "project"}
    }
    if activity.pk:
        for name in M2M_FIELDS:
            data[name] = ", ".join(sorted(str(o) for o in getattr(activity, name).all()))
    return data


def _changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}


def _set_m2m(activity: Activity, related: dict[str, Any], new_partners: list[str]) -> None:
    if new_partners:
        related = {
            **related,
            "partners": [
                *related.get("partners", []),
                *ensure_actors(project=activity.project, names=new_partners),
            ],
        }
    for name, values in related.items():
        getattr(activity, name).set(values)


def check_work_forms(activity: Activity, related: dict[str, Any]) -> None:
    fields = set(activity.fields())
    stray = [w for w in related.get("work_forms", []) if w.field not in fields]
    if stray:
        raise ValidationError(
            {
                "work_forms": _("These work forms belong to fields without a share: %(forms)s")
                % {"forms": "; ".join(str(w) for w in stray)}
            }
        )


@transaction.atomic
def create_activity(
    *,
    project: Project,
    user: User | None,
    data: dict[str, Any],
    related: dict[str, Any],
    new_partners: list[str] = (),
) -> Activity:
    """Create an activity from cleaned field values and its many-to-many relations."""
    activity = Activity(project=project, created_by=user, updated_by=user, **data)
    activity.full_clean(exclude=["project"])
    check_work_forms(activity, related)
    activity.save()
    _set_m2m(activity, related, list(new_partners))
    assign_area(activity)
    ChangeLog.record(obj=activity, action=ChangeLog.Action.CREATE, user=user)
    return activity


@transaction.atomic
def update_activity(
    *,
    activity: Activity,
    user: User | None,
    data: dict[str, Any],
    related: dict[str, Any],
    expected_version: int | None,
    new_partners: list[str] = (),
) -> Activity:
    """Save changes unless someone else saved the activity in the meantime."""
    current = Activity.with_deleted.select_for_update().get(pk=activity.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(
            _(
                "%(person)s changed this activity in the meantime. Your changes were not saved; "
                "reload the page to see the current version and enter them again."
            )
            % {"person": current.updated_by or _("Someone")}
        )
    before = _snapshot(current)
    for name, value in data.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["project"])
    check_work_forms(activity, related)
    activity.version = current.version + 1
    activity.updated_at = timezone.now()
    activity.updated_by = user
    activity.save()
    _set_m2m(activity, related, list(new_partners))
    assign_area(activity)
    changes = _changes(before, _snapshot(activity))
    ChangeLog.record(obj=activity, action=ChangeLog.Action.UPDATE, user=user, changes=changes)
    return activity


@transaction.atomic
def duplicate_activity(*, activity: Activity, user: User | None) -> Activity:
    """A copy to adapt, e.g. for next year's edition; it starts as planned."""
    related = {name: list(getattr(activity, name).all()) for name in M2M_FIELDS}
    data = {
        f.attname: getattr(activity, f.attname)
        for f in activity._meta.concrete_fields
        if f.editable and f.name not in {"id", "project", "uid", "verified_at", "verified_by"}
    }
    data["title"] = (_("Copy of %(title)s") % {"title": activity.title})[:200]
    data["status"] = "planned"
    return create_activity(project=activity.project, user=user, data=data, related=related)


@transaction.atomic
def trash_activity(*, activity: Activity, user: User | None) -> None:
    activity.move_to_trash()
    ChangeLog.record(obj=activity, action=ChangeLog.Action.DELETE, user=user)


@transaction.atomic
def restore_activity(*, activity: Activity, user: User | None) -> None:
    activity.deleted_at = None
    activity.save(update_fields=["deleted_at"])
    ChangeLog.record(obj=activity, action=ChangeLog.Action.RESTORE, user=user)
