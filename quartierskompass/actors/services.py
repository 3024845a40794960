"""Writes on actors."""

from __future__ import annotations

from django.db import transaction

from quartierskompass.accounts.models import Project
from quartierskompass.actors.models import Actor


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
