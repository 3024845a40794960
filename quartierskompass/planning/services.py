"""Writes on planning records (needs, findings, workshops, goals), shared by pages, API and CLI.

Every change is validated with ``full_clean``, logged in the ChangeLog and, for edits, refused
when someone else saved the record after the editor opened it (``version``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, ProjectOwnedModel, User
from quartierskompass.activities.services import EditConflict
from quartierskompass.core.models import ChangeLog

__all__ = ["EditConflict", "create", "delete", "update"]


def _snapshot(obj: ProjectOwnedModel) -> dict[str, str]:
    return {
        f.name: "" if (value := getattr(obj, f.name)) is None else str(value)
        for f in obj._meta.concrete_fields
        if f.editable and f.name not in {"id", "project"}
    }


@transaction.atomic
def create(
    model: type[ProjectOwnedModel],
    *,
    project: Project,
    user: User | None,
    data: dict[str, Any],
    related: dict[str, Any] | None = None,
) -> ProjectOwnedModel:
    """Create a record from cleaned values (``related``: many-to-many values by field name)."""
    obj = model(project=project, created_by=user, updated_by=user, **data)
    obj.full_clean(exclude=["project"])
    obj.save()
    for name, values in (related or {}).items():
        getattr(obj, name).set(values)
    ChangeLog.record(obj=obj, action=ChangeLog.Action.CREATE, user=user)
    return obj


@transaction.atomic
def update(
    obj: ProjectOwnedModel,
    *,
    user: User | None,
    data: dict[str, Any],
    expected_version: int | None,
    related: dict[str, Any] | None = None,
) -> ProjectOwnedModel:
    """Save changes unless someone else saved the record since ``expected_version``."""
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(
            _(
                "%(person)s changed this in the meantime. Your changes were not saved; reload "
                "the page to see the current version and enter them again."
            )
            % {"person": current.updated_by or _("Someone")}
        )
    before = _snapshot(current)
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["project"])
    obj.version = current.version + 1
    obj.updated_at = timezone.now()
    obj.updated_by = user
    obj.save()
    for name, values in (related or {}).items():
        getattr(obj, name).set(values)
    after = _snapshot(obj)
    changes = {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}
    ChangeLog.record(obj=obj, action=ChangeLog.Action.UPDATE, user=user, changes=changes)
    return obj


@transaction.atomic
def delete(obj: ProjectOwnedModel, *, user: User | None) -> None:
    ChangeLog.record(obj=obj, action=ChangeLog.Action.DELETE, user=user)
    obj.delete()
