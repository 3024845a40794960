"""HSDS services as published activities (Angebote), their organizations as actors.

Every service is read and checked first; a file with a bad service changes nothing unless bad
services are skipped on purpose (``skip_invalid``). Then, all or nothing, organizations become
actors and services activities, both recognised on the next import by their HSDS id
(``Actor.external_id = "hsds-org:<id>"``, ``Activity.external_id = "hsds:<id>"``; a service
whose id is the ``uid`` of one of the project's activities – our own export – updates that
activity).

What the file decides on every import: the offer's details (title, description, opening hours,
cost, languages, accessibility, contact, eligibility, ages, place, provider, status). What the
team decides and an import leaves alone: the SONI shares (new offers start with Individuum
100 %: HSDS directories list help a person can be referred to – the I field's work – and the
team moves them where they belong), needs and target groups (an import only adds the ones its
taxonomy terms name), the area chosen by hand, and the trash.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities.models import Activity, Need, Status, TargetGroup
from quartierskompass.actors.models import Actor
from quartierskompass.areas.locate import assign_areas
from quartierskompass.core.models import ChangeLog

from . import common
from .common import ORG_PREFIX
from .mapping import ACTOR_NAME_MAX, SHARES, HsdsReport, Mapper, Offer, Provider
from .reader import read_package

BATCH = 500


def import_hsds(
    *,
    project: Project,
    path: Path,
    user: User | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> HsdsReport:
    """Import an HSDS file or package into ``project`` (see the module docstring).

    ``path``: an HSDS 3.0/3.1 JSON file (a service, a list, a paginated response, an
    organization with services), or a tabular package – its folder or its datapackage.json –
    in HSDS 3.0, 3.1 or 1.1.
    """
    report = HsdsReport(dry_run=dry_run, skip_invalid=skip_invalid)
    package = read_package(Path(path), report)
    if package is None or report.file_errors:
        return report
    report.version, report.kind = package.version, package.kind
    report.rows = len(package.services)
    today = timezone.localdate()
    mapper = Mapper(report, today)
    providers = {p.hsds_id: p for org in package.organizations if (p := mapper.provider(org))}
    offers = [offer for record in package.services if (offer := mapper.offer(record))]
    if not report.ok:
        return report
    offers = [o for o in offers if o.row not in report.bad_rows]
    user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        planner = _Planner(project, user, today)
        planner.actors(list(providers.values()))
        planner.activities(offers, providers, lock=not dry_run)
        _count(report, offers, providers.values())
        if not dry_run:
            planner.write(offers, list(providers.values()))
            report.located = assign_areas(project=project)
    return report


# --- matching with what the project has and writing -----------------------------------------


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Planner:
    def __init__(self, project: Project, user: User | None, today: date) -> None:
        self.project = project
        self.user = user
        self.today = today
        actors = list(Actor.objects.filter(project=project))
        self.by_external = {a.external_id: a for a in actors if a.external_id}
        self.by_name = {_norm(a.name): a for a in actors}

    def actors(self, providers: list[Provider]) -> None:
        for provider in providers:
            actor = self.by_external.get(provider.key) if provider.key else None
            if actor is not None:
                self.update(provider, actor, authoritative=True)
                continue
            actor = self.by_name.get(_norm(provider.name))
            if actor is not None and not (
                actor.external_id.startswith(ORG_PREFIX) and actor.external_id != provider.key
            ):
                if provider.key and not actor.external_id:
                    actor.external_id = provider.key
                    provider.action = "updated"
                self.update(provider, actor, authoritative=False)
                continue
            self.create(provider)

    def update(self, provider: Provider, actor: Actor, *, authoritative: bool) -> None:
        """Matched by its HSDS id, the file decides; matched by name, it fills gaps only."""
        provider.actor = actor
        new_name = _norm(provider.name)
        if authoritative and _norm(actor.name) != new_name and new_name not in self.by_name:
            del self.by_name[_norm(actor.name)]
            actor.name = provider.name
            self.by_name[new_name] = actor
            provider.action = "updated"
        for name, value in provider.values.items():
            if name in ("latitude", "longitude"):
                continue
            current = getattr(actor, name)
            if value and current != value and (authoritative or not current):
                setattr(actor, name, value)
                provider.action = "updated"
        if actor.latitude is None and provider.values["latitude"] is not None:
            actor.latitude = provider.values["latitude"]
            actor.longitude = provider.values["longitude"]
            provider.action = "updated"
        provider.action = provider.action or "unchanged"

    def create(self, provider: Provider) -> None:
        name = provider.name
        if _norm(name) in self.by_name:  # another organization of the file has the name
            suffix = f" ({provider.hsds_id[:8]})"
            name = name[: ACTOR_NAME_MAX - len(suffix)] + suffix
        actor = Actor(
            project=self.project,
            name=name,
            external_id=provider.key,
            notes=provider.notes,
            created_by=self.user,
            updated_by=self.user,
            **provider.values,
        )
        provider.actor, provider.action = actor, "created"
        self.by_name[_norm(name)] = actor
        if provider.key:
            self.by_external[provider.key] = actor

    def activities(self, offers: list[Offer], providers: dict[str, Provider], *, lock: bool):
        keys = [o.key for o in offers]
        uids = [o.hsds_id for o in offers if common.is_uuid(o.hsds_id)]
        related = ("needs", "target_groups", "responsible")
        found = Activity.with_deleted.filter(
            project=self.project, external_id__in=keys
        ).prefetch_related(*related)
        by_uid = Activity.with_deleted.filter(project=self.project, uid__in=uids).prefetch_related(
            *related
        )
        if lock:  # no edit in a form slips in between this check and the write
            found, by_uid = found.select_for_update(), by_uid.select_for_update()
        existing: dict[str, Activity] = {}
        for activity in found.order_by("deleted_at", "pk"):  # a live one before the trash
            existing.setdefault(activity.external_id, activity)
        own = {str(a.uid): a for a in by_uid}
        for offer in offers:
            provider = providers.get(offer.org_id)
            offer.values["responsible"] = provider.actor if provider else None
            activity = existing.get(offer.key) or own.get(offer.hsds_id)
            if activity is None:
                offer.activity, offer.action = self.new(offer), "created"
            elif activity.deleted_at is not None:
                offer.activity, offer.action = activity, "trashed"
            else:
                offer.activity = activity
                offer.changes = self.changes(activity, offer)
                offer.action = "updated" if offer.changes else "unchanged"

    def new(self, offer: Offer) -> Activity:
        ended = offer.status == Status.ENDED
        return Activity(
            project=self.project,
            external_id=offer.key,
            published=True,
            public_hidden=offer.temporarily_closed,
            status=offer.status,
            start=self.today,
            end=self.today if ended else None,
            verified_at=offer.verified_at,
            created_by=self.user,
            updated_by=self.user,
            **SHARES,
            **offer.values,
        )

    def target(self, activity: Activity, offer: Offer) -> dict[str, Any]:
        """The values the activity gets from the file."""
        values = dict(offer.values)
        values["status"] = offer.status
        if offer.status == Status.ENDED:
            values["end"] = activity.end or max(self.today, activity.start)
        elif activity.end is not None and activity.end < self.today:
            values["end"] = None
        if offer.verified_at and (
            activity.verified_at is None or offer.verified_at > activity.verified_at
        ):
            values["verified_at"] = offer.verified_at
        if offer.temporarily_closed:
            values["public_hidden"] = True
        if not activity.published:
            values["published"] = True
        return values

    def changes(self, activity: Activity, offer: Offer) -> dict[str, list[str]]:
        diff = {}
        for name, after in self.target(activity, offer).items():
            if name == "responsible":
                if (after.pk if after else None) != activity.responsible_id or (
                    after is not None and after.pk is None
                ):
                    diff[name] = [str(activity.responsible or ""), str(after or "")]
                continue
            before = getattr(activity, name)
            if before != after:
                diff[name] = [
                    "" if before is None else str(before),
                    "" if after is None else str(after),
                ]
        needs = set(offer.needs) - {n.code for n in activity.needs.all()}
        groups = set(offer.groups) - {g.code for g in activity.target_groups.all()}
        if needs:
            diff["needs"] = ["", ", ".join(sorted(needs))]
        if groups:
            diff["target_groups"] = ["", ", ".join(sorted(groups))]
        return diff

    def write(self, offers: list[Offer], providers: list[Provider]) -> None:
        now = timezone.now()
        new_actors = [p.actor for p in providers if p.action == "created"]
        Actor.objects.bulk_create(new_actors, batch_size=BATCH)
        changed = [p.actor for p in providers if p.action == "updated"]
        for actor in changed:
            actor.version += 1
            actor.updated_at, actor.updated_by = now, self.user
        Actor.objects.bulk_update(
            changed,
            [
                "name",
                "external_id",
                "website",
                "contact_email",
                "contact_phone",
                "address",
                "latitude",
                "longitude",
                "version",
                "updated_at",
                "updated_by",
            ],
            batch_size=BATCH,
        )
        logs = [_log(a, ChangeLog.Action.IMPORT, self.user, now) for a in new_actors]
        logs += [_log(a, ChangeLog.Action.UPDATE, self.user, now) for a in changed]
        created = [o for o in offers if o.action == "created"]
        for offer in created:
            offer.activity.responsible = offer.values["responsible"]
            offer.activity.refresh_derived()
        Activity.objects.bulk_create([o.activity for o in created], batch_size=BATCH)
        logs += [_log(o.activity, ChangeLog.Action.IMPORT, self.user, now) for o in created]
        updated = [o for o in offers if o.action == "updated"]
        fields: set[str] = {"version", "updated_at", "updated_by", "opening_hours", "search_text"}
        for offer in updated:
            activity = offer.activity
            for name, value in self.target(activity, offer).items():
                setattr(activity, name, value)
                fields.add(name)
            activity.version += 1
            activity.updated_at, activity.updated_by = now, self.user
            activity.refresh_derived()
            logs.append(_log(activity, ChangeLog.Action.UPDATE, self.user, now, offer.changes))
        Activity.objects.bulk_update(
            [o.activity for o in updated], sorted(fields), batch_size=BATCH
        )
        _link([o for o in offers if o.action in ("created", "updated")])
        ChangeLog.objects.bulk_create(logs, batch_size=BATCH)


def _link(offers: list[Offer]) -> None:
    """Needs and target groups the taxonomy terms name, added through the join tables."""
    for relation, model, attribute in (
        (Activity.needs, Need, "needs"),
        (Activity.target_groups, TargetGroup, "groups"),
    ):
        ids = dict(model.objects.values_list("code", "pk"))
        through = relation.through
        column = f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            [
                through(activity_id=o.activity.pk, **{column: ids[code]})
                for o in offers
                for code in getattr(o, attribute)
                if code in ids
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def _count(report: HsdsReport, offers: list[Offer], providers) -> None:
    for offer in offers:
        if offer.action != "trashed":
            report.count("activities", offer.action)
    for provider in providers:
        if provider.action:
            report.count("actors", provider.action)
    trashed = sum(1 for o in offers if o.action == "trashed")
    if trashed:
        report.warnings.append(
            _("%(n)s services are in the trash of this project and stay there.") % {"n": trashed}
        )


def _log(obj, action: str, user, at, changes: dict | None = None) -> ChangeLog:
    return ChangeLog(
        project_id=obj.project_id,
        user=user,
        at=at,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        label=str(obj)[:300],
        changes=changes or {},
    )
