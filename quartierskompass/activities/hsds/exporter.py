"""A project's public offers as HSDS 3.0: service objects (JSON) and a tabular datapackage.

Exported are the offers a team has published (``published=True``) and not kept internal
(``public_hidden=False``); ended ones have the status ``inactive``. Ids are stable: a service's
id is the activity's ``uid``, everything inside it (location, schedules, phones …) has a UUID 5
derived from that, an organization's id is a UUID 5 of the project and the actor. Needs and
target groups travel as attributes with terms of two taxonomies of our own,
``quartierskompass-bedarfe`` and ``quartierskompass-zielgruppen`` (term code = our code).

Importing the export into an empty project gives the same offers (tests/activities/test_hsds).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Status
from quartierskompass.actors.models import Actor, ActorType
from quartierskompass.lib.schedule import HSDS_DAYS, ScheduleError, parse_schedule

from . import common

HSDS_VERSION = "3.0.0"
# The tables written, their files and columns, as in the HSDS 3.0 specification's
# datapackage.json (tests compare them with the official schema).
STRING, NUMBER, DATE, DATETIME, TIME = "string", "number", "date", "datetime", "time"
UUID_FIELDS = {
    "id",
    "organization_id",
    "program_id",
    "service_id",
    "location_id",
    "phone_id",
    "contact_id",
    "service_at_location_id",
    "link_id",
    "taxonomy_term_id",
    "taxonomy_id",
    "parent_id",
    "parent_organization_id",
}
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "organization": (
        "organizations.csv",
        [
            ("id", STRING),
            ("name", STRING),
            ("alternate_name", STRING),
            ("description", STRING),
            ("email", STRING),
            ("website", STRING),
            ("tax_status", STRING),
            ("tax_id", STRING),
            ("year_incorporated", NUMBER),
            ("legal_status", STRING),
            ("logo", STRING),
            ("uri", STRING),
            ("parent_organization_id", STRING),
        ],
    ),
    "service": (
        "services.csv",
        [
            ("id", STRING),
            ("organization_id", STRING),
            ("program_id", STRING),
            ("name", STRING),
            ("alternate_name", STRING),
            ("description", STRING),
            ("url", STRING),
            ("email", STRING),
            ("status", STRING),
            ("interpretation_services", STRING),
            ("application_process", STRING),
            ("fees_description", STRING),
            ("wait_time", STRING),
            ("fees", STRING),
            ("accreditations", STRING),
            ("eligibility_description", STRING),
            ("minimum_age", NUMBER),
            ("maximum_age", NUMBER),
            ("assured_date", DATE),
            ("assurer_email", STRING),
            ("licenses", STRING),
            ("alert", STRING),
            ("last_modified", DATETIME),
        ],
    ),
    "attribute": (
        "attributes.csv",
        [
            ("id", STRING),
            ("link_id", STRING),
            ("taxonomy_term_id", STRING),
            ("link_type", STRING),
            ("link_entity", STRING),
            ("value", STRING),
        ],
    ),
    "service_at_location": (
        "service_at_location.csv",
        [("id", STRING), ("service_id", STRING), ("location_id", STRING), ("description", STRING)],
    ),
    "location": (
        "locations.csv",
        [
            ("id", STRING),
            ("location_type", STRING),
            ("url", STRING),
            ("organization_id", STRING),
            ("name", STRING),
            ("alternate_name", STRING),
            ("description", STRING),
            ("transportation", STRING),
            ("latitude", NUMBER),
            ("longitude", NUMBER),
            ("external_identifier", STRING),
            ("external_identifier_type", STRING),
        ],
    ),
    "phone": (
        "phones.csv",
        [
            ("id", STRING),
            ("location_id", STRING),
            ("service_id", STRING),
            ("organization_id", STRING),
            ("contact_id", STRING),
            ("service_at_location_id", STRING),
            ("number", STRING),
            ("extension", NUMBER),
            ("type", STRING),
            ("description", STRING),
        ],
    ),
    "contact": (
        "contacts.csv",
        [
            ("id", STRING),
            ("organization_id", STRING),
            ("service_id", STRING),
            ("service_at_location_id", STRING),
            ("location_id", STRING),
            ("name", STRING),
            ("title", STRING),
            ("department", STRING),
            ("email", STRING),
        ],
    ),
    "address": (
        "addresses.csv",
        [
            ("id", STRING),
            ("location_id", STRING),
            ("attention", STRING),
            ("address_1", STRING),
            ("address_2", STRING),
            ("city", STRING),
            ("region", STRING),
            ("state_province", STRING),
            ("postal_code", STRING),
            ("country", STRING),
            ("address_type", STRING),
        ],
    ),
    "schedule": (
        "schedules.csv",
        [
            ("id", STRING),
            ("service_id", STRING),
            ("location_id", STRING),
            ("service_at_location_id", STRING),
            ("valid_from", DATE),
            ("valid_to", DATE),
            ("dtstart", DATE),
            ("timezone", NUMBER),
            ("until", DATE),
            ("count", NUMBER),
            ("wkst", STRING),
            ("freq", STRING),
            ("interval", NUMBER),
            ("byday", STRING),
            ("byweekno", STRING),
            ("bymonthday", STRING),
            ("byyearday", STRING),
            ("description", STRING),
            ("opens_at", TIME),
            ("closes_at", TIME),
            ("schedule_link", STRING),
            ("attending_type", STRING),
            ("notes", STRING),
        ],
    ),
    "language": (
        "languages.csv",
        [
            ("id", STRING),
            ("service_id", STRING),
            ("location_id", STRING),
            ("phone_id", STRING),
            ("name", STRING),
            ("code", STRING),
            ("note", STRING),
        ],
    ),
    "accessibility": (
        "accessibility.csv",
        [
            ("id", STRING),
            ("location_id", STRING),
            ("description", STRING),
            ("details", STRING),
            ("url", STRING),
        ],
    ),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        [
            ("id", STRING),
            ("code", STRING),
            ("name", STRING),
            ("description", STRING),
            ("parent_id", STRING),
            ("taxonomy", STRING),
            ("language", STRING),
            ("taxonomy_id", STRING),
            ("term_uri", STRING),
        ],
    ),
    "cost_option": (
        "cost_options.csv",
        [
            ("id", STRING),
            ("service_id", STRING),
            ("valid_from", DATE),
            ("valid_to", DATE),
            ("option", STRING),
            ("currency", STRING),
            ("amount", NUMBER),
            ("amount_description", STRING),
        ],
    ),
    "taxonomy": (
        "taxonomies.csv",
        [
            ("id", STRING),
            ("name", STRING),
            ("description", STRING),
            ("uri", STRING),
            ("version", STRING),
        ],
    ),
}


@dataclass
class ExportResult:
    services: int = 0
    organizations: int = 0
    files: list[Path] = field(default_factory=list)


def exported_offers(project: Project) -> QuerySet[Activity]:
    """The offers an export holds: published, not internal, not in the trash."""
    return (
        Activity.objects.filter(project=project, published=True, public_hidden=False)
        .select_related("responsible__actor_type")
        .prefetch_related("needs", "target_groups")
        .order_by("title", "pk")
    )


def export_hsds(*, project: Project, out_dir: Path) -> ExportResult:
    """Write ``services.json`` and an HSDS 3.0 tabular package (datapackage.json + CSV)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    services = service_objects(project, exported_offers(project))
    result = ExportResult(services=len(services))
    json_path = out_dir / "services.json"
    json_path.write_text(
        json.dumps(services, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    result.files.append(json_path)
    rows = flatten(services)
    result.organizations = len(rows["organization"])
    for name, (file, columns) in TABLES.items():
        path = out_dir / file
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([column for column, _type in columns])
            for row in rows[name]:
                writer.writerow([_cell(row.get(column)) for column, _type in columns])
        result.files.append(path)
    descriptor = out_dir / "datapackage.json"
    descriptor.write_text(
        json.dumps(datapackage(project), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    result.files.append(descriptor)
    return result


def datapackage(project: Project) -> dict[str, Any]:
    resources = []
    for name, (file, columns) in TABLES.items():
        fields = []
        for column, kind in columns:
            entry: dict[str, Any] = {"name": column, "type": kind}
            if column in UUID_FIELDS:
                entry["format"] = "uuid"
            fields.append(entry)
        resources.append(
            {
                "name": name,
                "path": file,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": f"quartierskompass-{project.slug}",
        "title": f"{project.name} – Angebote",
        "description": "Öffentliche Angebote eines Quartiersprojekts im Format HSDS 3.0.",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "homepage": "https://docs.openreferral.org",
        "created": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "resources": resources,
    }


def service_objects(project: Project, activities: Iterable[Activity]) -> list[dict[str, Any]]:
    return [service_object(project, activity) for activity in activities]


def service_object(project: Project, activity: Activity) -> dict[str, Any]:
    """One offer as an HSDS 3.0 service with nested organization, location, schedules …"""
    sid = str(activity.uid)
    service: dict[str, Any] = {
        "id": sid,
        "name": activity.title,
        "description": activity.description,
        "url": activity.website,
        "email": activity.contact_email,
        "status": "active" if activity.status == Status.ACTIVE else "inactive",
        "fees_description": activity.cost,
        "eligibility_description": activity.eligibility,
        "minimum_age": activity.min_age,
        "maximum_age": activity.max_age,
        "assured_date": activity.verified_at.isoformat() if activity.verified_at else None,
        "last_modified": activity.updated_at.astimezone(UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
    }
    organization = (
        organization_object(project, activity.responsible)
        if activity.responsible_id
        else project_organization(project)
    )
    service["organization_id"] = organization["id"]
    service["organization"] = organization
    if activity.contact_phone:
        service["phones"] = [{"id": common.sub_id(sid, "phone"), "number": activity.contact_phone}]
    if activity.contact_name:
        service["contacts"] = [
            {"id": common.sub_id(sid, "contact"), "department": activity.contact_name}
        ]
    service["schedules"] = schedules(sid, activity.schedule)
    service["languages"] = [
        {"id": common.sub_id(sid, "language", code), **common.hsds_language(code)}
        for code in activity.languages
    ]
    service["cost_options"] = costs(sid, activity.free_of_charge)
    location = location_object(sid, activity)
    if location:
        service["service_at_locations"] = [
            {
                "id": common.sub_id(sid, "service_at_location"),
                "service_id": sid,
                "location_id": location["id"],
                "location": location,
            }
        ]
    service["attributes"] = attributes(sid, activity)
    return _compact(service)


def organization_object(project: Project, actor: Actor) -> dict[str, Any]:
    """An actor as an HSDS organization; a key person's contact details stay out."""
    org_id = actor.external_id.removeprefix(common.ORG_PREFIX)
    if not (actor.external_id.startswith(common.ORG_PREFIX) and common.is_uuid(org_id)):
        org_id = common.actor_id(project.slug, actor.pk)
    person = actor.actor_type is not None and (
        actor.actor_type.category == ActorType.Category.PERSON
    )
    organization: dict[str, Any] = {
        "id": org_id,
        "name": actor.name,
        "description": actor.actor_type.label_de if actor.actor_type else common.ORG_DESCRIPTION,
        "website": actor.website,
    }
    if not person:
        organization["email"] = actor.contact_email
        if actor.contact_phone:
            organization["phones"] = [
                {"id": common.sub_id(org_id, "phone"), "number": actor.contact_phone}
            ]
    return _compact(organization)


def project_organization(project: Project) -> dict[str, Any]:
    """The organization named for offers without a responsible actor: the project itself.

    HSDS tables require every service to name one; its URI tells our import not to make an
    actor of it.
    """
    return {
        "id": common.stable_id("project", project.slug),
        "name": project.name,
        "description": project.description or project.name,
        "uri": common.PROJECT_ORG_URI.format(project.slug),
    }


def schedules(sid: str, text: str) -> list[dict[str, Any]]:
    """Weekly hours as RRULE-like entries (one per time range), each with the original text."""
    if not text.strip():
        return []
    try:
        openings = parse_schedule(text)
    except ScheduleError:
        openings = []
    if not openings:  # not weekly hours: the text travels as the description
        return [{"id": common.sub_id(sid, "schedule", 0), "description": text}]
    by_hours: dict[tuple, list[int]] = {}
    for opening in openings:
        by_hours.setdefault((opening.opens, opening.closes), []).append(opening.day)
    entries = []
    for number, ((opens, closes), days) in enumerate(
        sorted(by_hours.items(), key=lambda i: (i[1][0], i[0]))
    ):
        entries.append(
            {
                "id": common.sub_id(sid, "schedule", number),
                "freq": "WEEKLY",
                "byday": ",".join(HSDS_DAYS[d] for d in days),
                "opens_at": opens.strftime("%H:%M:%S"),
                "closes_at": closes.strftime("%H:%M:%S"),
                "description": text,
            }
        )
    return entries


def costs(sid: str, free: bool | None) -> list[dict[str, Any]]:
    """Free: one cost option of 0 EUR; not free: one without an amount (the text says it)."""
    if free is None:
        return []
    option: dict[str, Any] = {"id": common.sub_id(sid, "cost"), "currency": "EUR"}
    if free:
        option["amount"] = 0
    return [option]


def location_object(sid: str, activity: Activity) -> dict[str, Any] | None:
    address = common.address_from_description(activity.description)
    accessibility = []
    if activity.barrier_free is not None:
        accessibility.append(
            {
                "id": common.sub_id(sid, "accessibility", "flag"),
                "description": (
                    common.BARRIER_FREE_YES if activity.barrier_free else common.BARRIER_FREE_NO
                ),
            }
        )
    if activity.accessibility:
        accessibility.append(
            {
                "id": common.sub_id(sid, "accessibility", "text"),
                "description": activity.accessibility,
            }
        )
    fields = common.split_address(address) if address else None
    if activity.latitude is None and not fields and not accessibility:
        return None
    location_id = common.sub_id(sid, "location")
    location: dict[str, Any] = _compact(
        {
            "id": location_id,
            "location_type": "physical",
            "latitude": activity.latitude,
            "longitude": activity.longitude,
            "accessibility": accessibility,
        }
    )
    if fields:  # else the address stays in the description only (HSDS needs every part)
        location["addresses"] = [
            {
                "id": common.sub_id(sid, "address"),
                "location_id": location_id,
                **fields,
                "address_type": "physical",
            }
        ]
    return location


def attributes(sid: str, activity: Activity) -> list[dict[str, Any]]:
    found = []
    for taxonomy, terms in (
        (common.NEEDS_TAXONOMY, activity.needs.all()),
        (common.GROUPS_TAXONOMY, activity.target_groups.all()),
    ):
        taxonomy_id = common.taxonomy_id(taxonomy)
        for term in terms:
            term_id = common.term_id(taxonomy, term.code)
            found.append(
                {
                    "id": common.sub_id(sid, "attribute", taxonomy, term.code),
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": term_id,
                    "taxonomy_term": {
                        "id": term_id,
                        "code": term.code,
                        "name": term.label_de,
                        "description": term.label_en or term.label_de,
                        "taxonomy": taxonomy,
                        "taxonomy_id": taxonomy_id,
                        "language": "de",
                        "taxonomy_detail": {
                            "id": taxonomy_id,
                            "name": taxonomy,
                            "description": common.TAXONOMY_DESCRIPTIONS[taxonomy],
                            "version": "1",
                        },
                    },
                }
            )
    return found


def flatten(services: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The tables of the tabular package from the nested service objects."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    seen: set[tuple[str, str]] = set()

    def add(table: str, row: dict[str, Any]) -> None:
        if (table, row["id"]) not in seen:
            seen.add((table, row["id"]))
            rows[table].append(row)

    for service in services:
        sid = service["id"]
        add("service", service)
        organization = service.get("organization")
        if organization:
            add("organization", organization)
            for phone in organization.get("phones", []):
                add("phone", {**phone, "organization_id": organization["id"]})
        for phone in service.get("phones", []):
            add("phone", {**phone, "service_id": sid})
        for contact in service.get("contacts", []):
            add("contact", {**contact, "service_id": sid})
        for schedule in service.get("schedules", []):
            add("schedule", {**schedule, "service_id": sid})
        for language in service.get("languages", []):
            add("language", {**language, "service_id": sid})
        for option in service.get("cost_options", []):
            add("cost_option", {**option, "service_id": sid})
        for link in service.get("service_at_locations", []):
            location = link["location"]
            add("service_at_location", link)
            add("location", location)
            for address in location.get("addresses", []):
                add("address", address)
            for entry in location.get("accessibility", []):
                add("accessibility", {**entry, "location_id": location["id"]})
        for attribute in service.get("attributes", []):
            term = attribute["taxonomy_term"]
            add("attribute", attribute)
            add("taxonomy_term", term)
            add("taxonomy", term["taxonomy_detail"])
    return rows


def _compact(obj: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Without empty values: HSDS checks an empty string against formats like e-mail."""
    return {k: v for k, v in obj.items() if k in keep or v not in (None, "", [])}


def _cell(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)
