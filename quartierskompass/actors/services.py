"""Writes on actors and ties, shared by the pages, the API, the imports and the CLI."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.actors.models import Actor, Tie
from quartierskompass.core.models import ChangeLog


class EditConflict(ValidationError):
    """Someone saved the record after the editor opened it."""


@transaction.atomic
def ensure_actors(*, project: Project, names: list[str]) -> list[Actor]:
    """The project's actors with these names, creating the missing ones.

    Names match case-insensitively, so “Diakonie Spandau” and “diakonie spandau” are one actor.
    """
    found: dict[str, Actor] = {}
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        actor = Actor.objects.filter(project=project, name__iexact=name).first()
        if actor is None:
            actor = Actor(project=project, name=name)
            actor.full_clean(exclude=["project"])
            actor.save()
        found[name.casefold()] = actor
    return list({a.pk: a for a in found.values()}.values())


def _check_name(project: Project, name: str, exclude: int | None = None) -> None:
    clash = Actor.objects.filter(project=project, name__iexact=name.strip())
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": _("An actor with this name already exists.")})


@transaction.atomic
def save_actor(
    *,
    project: Project,
    user: User | None,
    data: dict[str, Any],
    areas_served: list | None = None,
    actor: Actor | None = None,
    expected_version: int | None = None,
) -> Actor:
    """Create (``actor=None``) or update an actor; refuses an edit of an outdated version."""
    if actor is None:
        actor = Actor(project=project, created_by=user)
        action = ChangeLog.Action.CREATE
    else:
        current = Actor.objects.select_for_update().get(pk=actor.pk)
        if expected_version is not None and current.version != expected_version:
            raise EditConflict(
                _(
                    "Someone changed this actor in the meantime. Reload the page "
                    "and enter your changes again."
                )
            )
        actor.version = current.version + 1
        action = ChangeLog.Action.UPDATE
    _check_name(project, data.get("name", actor.name), exclude=actor.pk)
    for name, value in data.items():
        setattr(actor, name, value)
    actor.updated_by, actor.updated_at = user, timezone.now()
    actor.full_clean(exclude=["project"])
    actor.save()
    _refresh_activity_search(actor)
    if areas_served is not None:
        actor.areas_served.set(areas_served)
    from quartierskompass.areas.locate import assign_area

    assign_area(actor)
    ChangeLog.record(obj=actor, action=action, user=user)
    return actor


def _refresh_activity_search(actor: Actor) -> None:
    """The Hilfelotse finds offers by their provider's name too."""
    from quartierskompass.activities.models import Activity

    activities = list(Activity.with_deleted.filter(responsible=actor).select_related("responsible"))
    for activity in activities:
        activity.refresh_derived()
    Activity.with_deleted.bulk_update(activities, ["search_text"], batch_size=500)


@transaction.atomic
def save_tie(
    *, project: Project, user: User | None, data: dict[str, Any], tie: Tie | None = None
) -> Tie:
    creating = tie is None
    tie = tie or Tie(project=project, created_by=user)
    for name, value in data.items():
        setattr(tie, name, value)
    if not creating:
        tie.version += 1
    tie.updated_by, tie.updated_at = user, timezone.now()
    tie.full_clean(exclude=["project"])
    tie.save()
    action = ChangeLog.Action.CREATE if creating else ChangeLog.Action.UPDATE
    ChangeLog.record(obj=tie, action=action, user=user)
    return tie


@transaction.atomic
def delete_tie(*, tie: Tie, user: User | None) -> None:
    ChangeLog.record(obj=tie, action=ChangeLog.Action.DELETE, user=user)
    tie.delete()


@transaction.atomic
def merge_actors(*, keep: Actor, merge: Actor, user: User | None) -> Actor:
    """Move ties, activities, children, served areas and history to ``keep``; delete ``merge``.

    A tie that ``keep`` already has with the same actor and kind is not doubled: the stronger
    one stays, and a tie between the two merged actors disappears.
    """
    if keep.pk == merge.pk or keep.project_id != merge.project_id:
        raise ValidationError(_("Choose two different actors of the same project."))
    for tie in Tie.objects.filter(Q(source=merge) | Q(target=merge)).select_related("kind"):
        source = keep if tie.source_id == merge.pk else tie.source
        target = keep if tie.target_id == merge.pk else tie.target
        if source.pk == target.pk:
            tie.delete()
            continue
        twin = (
            Tie.objects.filter(kind=tie.kind)
            .filter(Q(source=source, target=target) | Q(source=target, target=source))
            .exclude(pk=tie.pk)
            .first()
        )
        if twin:
            twin.strength = max(twin.strength, tie.strength)
            twin.confirmed = twin.confirmed or tie.confirmed
            twin.save(update_fields=["strength", "confirmed"])
            tie.delete()
        else:
            tie.source, tie.target = source, target
            tie.save(update_fields=["source", "target"])
    merge.responsible_for.update(responsible=keep)
    for activity in merge.partner_in.all():
        activity.partners.remove(merge)
        activity.partners.add(keep)
    merge.children.exclude(pk=keep.pk).update(parent=keep)
    if keep.parent_id == merge.pk:
        keep.parent = merge.parent if merge.parent_id != keep.pk else None
    keep.areas_served.add(*merge.areas_served.all())
    for name in ("address", "website", "contact_email", "contact_phone", "external_id"):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
    if keep.latitude is None and merge.latitude is not None:
        keep.latitude, keep.longitude = merge.latitude, merge.longitude
    keep.notes = "\n\n".join(n for n in (keep.notes, merge.notes) if n)
    keep.tags = sorted(set(keep.tags) | set(merge.tags))
    keep.version += 1
    keep.save()
    ChangeLog.objects.filter(object_type="actors.actor", object_id=merge.pk).update(
        object_id=keep.pk
    )
    ChangeLog.record(
        obj=keep,
        action=ChangeLog.Action.UPDATE,
        user=user,
        changes={"merged": [merge.name, keep.name]},
    )
    merge.delete()
    return keep
