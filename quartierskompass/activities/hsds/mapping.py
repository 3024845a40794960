"""One HSDS service (a nested 3.0 object from ``reader``) mapped onto our fields.

Field by field (the tests pin it down): name → title; description (+ lines for another name,
the place, the address, access, interpretation and alerts); schedules → German opening hours
(``format_schedule``), the schedule's own description kept when it says the same;
fees_description/fees/cost_options → cost and free of charge; eligibility_description → who can
come; minimum/maximum_age → ages; languages (ISO 639-1/-2/-3 codes or names) → our language
codes; accessibility → barrier-free and accessibility notes; phones → phone; contacts → contact
(department or title before a person's name); email, url; the first location's latitude and
longitude → coordinates; taxonomy terms whose code or label is one of our needs or target groups
→ needs and target groups. What does not map is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from quartierskompass.activities.models import Activity, Need, Status, TargetGroup
from quartierskompass.activities.transfer import kinds
from quartierskompass.actors.models import Actor
from quartierskompass.core.imports import ImportReport
from quartierskompass.lib.numbers import format_number_de
from quartierskompass.lib.schedule import (
    HSDS_DAYS,
    Opening,
    ScheduleError,
    format_schedule,
    parse_schedule,
)
from quartierskompass.lib.text import fold

from . import common
from .common import ORG_PREFIX, SERVICE_PREFIX, clip, number, plain, text
from .reader import V1_ACCESSIBILITY, V1_BARRIER_FREE, Record

SHARES = {"share_s": 0, "share_o": 0, "share_n": 0, "share_i": 100}
_limit = {f.name: f.max_length for f in Activity._meta.get_fields() if getattr(f, "max_length", 0)}
ACTOR_NAME_MAX = Actor._meta.get_field("name").max_length
ACTOR_PHONE_MAX = Actor._meta.get_field("contact_phone").max_length
ACTOR_ADDRESS_MAX = Actor._meta.get_field("address").max_length
EXTERNAL_MAX = Activity._meta.get_field("external_id").max_length
_URL = URLValidator(schemes=["http", "https"])
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_RESTRICTIONS = ("byweekno", "bymonthday", "byyearday", "count", "until", "valid_from", "valid_to")
_ACCESSIBLE = re.compile(
    r"\b(wheelchair[- ]access|wheelchair[- ]accessible|step[- ]free|barrierefrei|"
    r"rollstuhlgerecht|stufenlos)",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(nicht|kein|keine|not|no|without|ohne)\b", re.IGNORECASE)


@dataclass
class HsdsReport(ImportReport):
    """The import report plus the HSDS version read and what did not map."""

    version: str = ""
    kind: str = ""  # "json" or "tabular"
    unmapped: list[tuple[str, list[str]]] = field(default_factory=list)  # service → items
    located: int = 0

    @property
    def format_label(self) -> str:
        if not self.version:
            return ""
        if self.kind == "json":
            return _("HSDS %(version)s (JSON)") % {"version": self.version}
        return _("HSDS %(version)s (tabular package)") % {"version": self.version}

    @property
    def unmapped_count(self) -> int:
        return sum(len(items) for _service, items in self.unmapped)

    @property
    def rejected(self) -> int:
        return len(self.bad_rows)

    def unmapped_lines(self) -> list[str]:
        return [f"„{service}“: " + "; ".join(items) for service, items in self.unmapped]

    def summary_text(self) -> str:
        summary = self.summary(kinds())
        if self.unmapped_count:
            summary += "; " + _("%(n)s terms or languages not mapped") % {"n": self.unmapped_count}
        return summary


@dataclass
class Offer:
    """One service, mapped; ``activity`` and ``action`` are filled when planning."""

    row: int
    hsds_id: str
    key: str
    values: dict[str, Any]
    status: str
    temporarily_closed: bool
    verified_at: date | None
    org_id: str
    needs: list[str]
    groups: list[str]
    activity: Activity | None = None
    action: str = ""
    changes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Provider:
    """One organization, mapped; ``actor`` and ``action`` are filled when planning."""

    hsds_id: str
    key: str  # Actor.external_id, empty when the id is too long to keep
    name: str
    values: dict[str, Any]  # website, contact_email, contact_phone, address, latitude, longitude
    notes: str
    actor: Actor | None = None
    action: str = ""


class Mapper:
    def __init__(self, report: HsdsReport, today: date) -> None:
        self.report = report
        self.today = today
        self.needs = _term_index(Need)
        self.groups = _term_index(TargetGroup)

    # organizations

    def provider(self, org: dict) -> Provider | None:
        org_id, name = text(org.get("id")), " ".join(plain(org.get("name")).split())
        if text(org.get("uri")).startswith(common.PROJECT_ORG_URI.format("")):
            return None  # the project that exported the offers, not their provider
        if not org_id or not name:
            if org_id:
                self.report.warnings.append(
                    _(
                        "The organization “%(id)s” has no name; its services are imported "
                        "without a provider."
                    )
                    % {"id": org_id}
                )
            return None
        label = clip(name, ACTOR_NAME_MAX)
        values: dict[str, Any] = {
            "website": self.website(org.get("website"), label),
            "contact_email": self.email(org.get("email"), label),
            "contact_phone": "",
            "address": "",
            "latitude": None,
            "longitude": None,
        }
        phone = self.phone(_list(org.get("phones")), label, ACTOR_PHONE_MAX)
        values["contact_phone"] = phone
        for location in _list(org.get("locations")):
            address = _address(location)
            if address and not values["address"]:
                values["address"] = clip(common.address_text(address), ACTOR_ADDRESS_MAX)
            point = self.point(location)
            if point and values["latitude"] is None:
                values["latitude"], values["longitude"] = point
            elif point is False:
                self.report.warnings.append(
                    _(
                        "“%(name)s”: the coordinates of the location “%(location)s” are not valid "
                        "and were left out."
                    )
                    % {"name": label, "location": _location_label(location)}
                )
        key = ORG_PREFIX + org_id
        return Provider(
            hsds_id=org_id,
            key=key if len(key) <= EXTERNAL_MAX else "",
            name=label,
            values=values,
            notes=plain(org.get("description")),
        )

    # services

    def offer(self, record: Record) -> Offer | None:
        s, row = record.data, record.row
        errors_before = len(self.report.errors)
        service_id = text(s.get("id"))
        title = " ".join(plain(s.get("name")).split())
        if not title or not service_id:
            return None  # reported by the reader
        if len(title) > _limit["title"]:
            self.warn(
                title, _("the name was shortened to %(n)s characters.") % {"n": _limit["title"]}
            )
            title = clip(title, _limit["title"])
        self.label = title
        key = SERVICE_PREFIX + service_id
        if len(key) > EXTERNAL_MAX:
            self.error(
                row,
                "id",
                service_id,
                _("The id is longer than %(n)s characters.")
                % {"n": EXTERNAL_MAX - len(SERVICE_PREFIX)},
            )
        links = [sal for sal in _list(s.get("service_at_locations")) if isinstance(sal, dict)]
        locations = [sal["location"] for sal in links if isinstance(sal.get("location"), dict)]
        status, closed = self.status(s, row)
        unmapped: list[str] = []
        languages = self.languages(s, locations, unmapped)
        needs, groups = self.terms(s, unmapped)
        barrier_free, accessibility = self.accessibility(locations, record.v1)
        cost, free = self.cost(s, row)
        values: dict[str, Any] = {
            "title": title,
            "description": self.description(s, title, locations),
            "schedule": self.schedule(s, links, locations, row),
            "cost": cost,
            "free_of_charge": free,
            "languages": languages,
            "barrier_free": barrier_free,
            "accessibility": accessibility,
            "contact_name": self.contact_name(s, links),
            "contact_phone": self.phone(
                _service_phones(s, links, locations), title, _limit["contact_phone"]
            ),
            "contact_email": self.email(s.get("email"), title),
            "website": self.website(s.get("url"), title),
            "eligibility": self.clipped(plain(s.get("eligibility_description")), "eligibility"),
            "min_age": self.age(s.get("minimum_age"), row, "minimum_age"),
            "max_age": self.age(s.get("maximum_age"), row, "maximum_age"),
            "latitude": None,
            "longitude": None,
        }
        point = self.coordinates(locations, row)
        if point:
            values["latitude"], values["longitude"] = point
        org = s.get("organization") if isinstance(s.get("organization"), dict) else {}
        if len(self.report.errors) > errors_before or not self.valid(row, values, status):
            return None
        if unmapped:
            self.report.unmapped.append((title, unmapped))
        return Offer(
            row=row,
            hsds_id=service_id,
            key=key,
            values=values,
            status=status,
            temporarily_closed=closed,
            verified_at=self.verified(s.get("assured_date")),
            org_id=text(org.get("id")),
            needs=needs,
            groups=groups,
        )

    def error(self, row: int, column: str, value: object, message: str) -> None:
        self.report.error(row, column, value, f"„{self.label}“ – {message}")

    def warn(self, name: str, message: str) -> None:
        self.report.warnings.append(f"„{name}“: {message}")

    def clipped(self, value: str, name: str) -> str:
        limit = _limit[name]
        if len(value) > limit:
            self.warn(
                self.label,
                _("the text for “%(field)s” was shortened to %(n)s characters.")
                % {"field": Activity._meta.get_field(name).verbose_name, "n": limit},
            )
        return clip(value, limit)

    def status(self, s: dict, row: int) -> tuple[str, bool]:
        value = text(s.get("status")).lower()
        if value in ("inactive", "defunct"):
            return Status.ENDED, False
        if value == "temporarily closed":
            self.warn(
                self.label,
                _(
                    "the service is temporarily closed; it is imported as active but kept out of "
                    "the public Wegweiser (“do not publish”)."
                ),
            )
            return Status.ACTIVE, True
        if not value:
            self.warn(self.label, _("the service has no status; it is imported as active."))
        elif value != "active":
            self.error(
                row,
                "status",
                value,
                _("Unknown status: HSDS knows active, inactive, defunct and temporarily closed."),
            )
        return Status.ACTIVE, False

    def description(self, s: dict, title: str, locations: list[dict]) -> str:
        description = plain(s.get("description"))
        alternate = plain(s.get("alternate_name"))
        if alternate and alternate != title:
            description = common.add_line(description, common.ALSO_CALLED_LINE.format(alternate))
        for location in locations:
            name = " ".join(plain(location.get("name")).split())
            address = _address(location)
            line = common.address_text(address) if address else ""
            if name and name != title and name not in line:
                description = common.add_line(description, common.PLACE_LINE.format(name))
            if line:
                description = common.add_line(description, common.ADDRESS_LINE.format(line))
        for key, template in (
            ("application_process", common.APPLICATION_LINE),
            ("interpretation_services", common.INTERPRETATION_LINE),
            ("alert", common.ALERT_LINE),
        ):
            value = plain(s.get(key))
            if value:
                description = common.add_line(description, template.format(value))
        return description

    def languages(self, s: dict, locations: list[dict], unmapped: list[str]) -> list[str]:
        entries = _list(s.get("languages")) or [
            entry for location in locations for entry in _list(location.get("languages"))
        ]
        codes: list[str] = []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            code, name = text(entry.get("code")), text(entry.get("name"))
            ours = common.language_code(code, name)
            if ours:
                codes.append(ours)
            elif code or name:
                shown = f"{code} ({name})" if code and name and code != name else code or name
                item = _("language “%(language)s”") % {"language": shown}
                if item not in unmapped:
                    unmapped.append(item)
        return list(dict.fromkeys(codes))

    def terms(self, s: dict, unmapped: list[str]) -> tuple[list[str], list[str]]:
        needs: list[str] = []
        groups: list[str] = []
        for attribute in _list(s.get("attributes")):
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if not isinstance(term, dict):
                continue
            code, name = text(term.get("code")), text(term.get("name"))
            detail = term.get("taxonomy_detail")
            taxonomy = text(term.get("taxonomy")) or (
                text(detail.get("name")) if isinstance(detail, dict) else ""
            )
            if not code and not name:
                item = _("term “%(id)s” (not in the package)") % {"id": text(term.get("id"))}
            else:
                found = self.match_term(code, name, taxonomy)
                if found:
                    (needs if found[0] == "need" else groups).append(found[1])
                    continue
                shown = f"{name} ({code})" if code and name and code != name else name or code
                item = (
                    (
                        _("term “%(term)s” (taxonomy “%(taxonomy)s”)")
                        % {"term": shown, "taxonomy": taxonomy}
                    )
                    if taxonomy
                    else (_("term “%(term)s”") % {"term": shown})
                )
            if item not in unmapped:
                unmapped.append(item)
        return list(dict.fromkeys(needs)), list(dict.fromkeys(groups))

    def match_term(self, code: str, name: str, taxonomy: str) -> tuple[str, str] | None:
        candidates = [("need", self.needs), ("group", self.groups)]
        if taxonomy == common.NEEDS_TAXONOMY:
            candidates = candidates[:1]
        elif taxonomy == common.GROUPS_TAXONOMY:
            candidates = candidates[1:]
        for kind, index in candidates:
            for value in (code, name):
                if value and fold(value) in index:
                    return kind, index[fold(value)]
        return None

    def accessibility(self, locations: list[dict], v1: bool) -> tuple[bool | None, str]:
        flag: bool | None = None
        parts: list[str] = []
        for location in locations:
            for entry in _list(location.get("accessibility")):
                if not isinstance(entry, dict):
                    continue
                description, details = plain(entry.get("description")), plain(entry.get("details"))
                if v1:
                    if description.lower() in V1_BARRIER_FREE:
                        flag = True
                    description = V1_ACCESSIBILITY.get(description.lower(), description)
                elif fold(description) == fold(common.BARRIER_FREE_YES) and not details:
                    flag = True
                    continue
                elif fold(description) == fold(common.BARRIER_FREE_NO) and not details:
                    flag = False
                    continue
                part = " – ".join(p for p in (description, details) if p)
                if part and part not in parts:
                    parts.append(part)
        if flag is None and any(_ACCESSIBLE.search(p) and not _NEGATION.search(p) for p in parts):
            flag = True
        return flag, self.clipped("; ".join(parts), "accessibility")

    def cost(self, s: dict, row: int) -> tuple[str, bool | None]:
        fees = plain(s.get("fees_description")) or plain(s.get("fees"))
        options = [o for o in _list(s.get("cost_options")) if isinstance(o, dict)]
        amounts, described = [], []
        for option in options:
            try:
                amount = number(option.get("amount"))
            except ValueError:
                self.error(
                    row,
                    "cost_options.amount",
                    option.get("amount"),
                    _("The amount is not a number."),
                )
                continue
            amounts.append(amount)
            currency = text(option.get("currency")).upper()
            words = [
                f"{format_number_de(amount)} {currency}".strip() if amount else "",
                plain(option.get("amount_description")),
                f"({plain(option.get('option'))})" if text(option.get("option")) else "",
            ]
            line = " ".join(w for w in words if w)
            if line and (
                amount or plain(option.get("option")) or plain(option.get("amount_description"))
            ):
                described.append(line)
        if options:
            # A cost option without an amount is a price not given as a number: not free.
            free = all(a is not None and a == 0 for a in amounts) if amounts else None
        else:
            free = True if fees and common.FREE_WORDS.match(fees) else None
        return self.clipped(fees or "; ".join(described), "cost"), free

    def age(self, value: object, row: int, column: str) -> int | None:
        try:
            age = number(value)
        except ValueError:
            age = -1
        if age is None:
            return None
        if age != age.to_integral_value() or not 0 <= age <= 120:
            self.error(
                row, column, value, _("The age is not a whole number of years between 0 and 120.")
            )
            return None
        return int(age)

    def verified(self, value: object) -> date | None:
        raw = text(value)[:10]
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError:
            self.warn(
                self.label,
                _("the date “%(value)s” (assured_date) cannot be read.") % {"value": raw},
            )
            return None
        return day if day is None or day <= self.today else None

    def contact_name(self, s: dict, links: list[dict]) -> str:
        contacts = _list(s.get("contacts")) + [
            c for sal in links for c in _list(sal.get("contacts"))
        ]
        for contact in contacts:
            if isinstance(contact, dict):
                for key in ("department", "title", "name"):
                    if plain(contact.get(key)):
                        return self.clipped(" ".join(plain(contact[key]).split()), "contact_name")
        return ""

    def phone(self, phones: list, name: str, limit: int) -> str:
        for phone in phones:
            if not isinstance(phone, dict):
                continue
            value = text(phone.get("number")).strip("\"' ")
            if not value:
                continue
            extension = text(phone.get("extension"))
            with_extension = f"{value}-{extension}" if extension else value
            if len(with_extension) <= limit:
                return with_extension
            if len(value) <= limit:
                return value
            self.warn(
                name,
                _("the phone number “%(value)s” is too long and was left out.")
                % {"value": value[:60]},
            )
        return ""

    def email(self, value: object, name: str) -> str:
        email = text(value)
        if not email:
            return ""
        try:
            validate_email(email)
        except ValidationError:
            self.warn(
                name,
                _("the e-mail address “%(value)s” is not valid and was left out.")
                % {"value": email[:80]},
            )
            return ""
        return email

    def website(self, value: object, name: str) -> str:
        url = text(value)
        if not url:
            return ""
        if not re.match(r"https?://", url, re.IGNORECASE):
            url = f"https://{url}"
        try:
            _URL(url)
        except ValidationError:
            self.warn(
                name,
                _("the web address “%(value)s” is not valid and was left out.")
                % {"value": text(value)[:80]},
            )
            return ""
        return url if len(url) <= 200 else ""

    def point(self, location: dict) -> tuple[float, float] | bool | None:
        """The location's (latitude, longitude); None without, False when invalid."""
        lat_raw, lon_raw = location.get("latitude"), location.get("longitude")
        if lat_raw in (None, "") and lon_raw in (None, ""):
            return None
        try:
            lat, lon = number(lat_raw), number(lon_raw)
        except ValueError:
            return False
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return False
        return float(lat), float(lon)

    def coordinates(self, locations: list[dict], row: int) -> tuple[float, float] | None:
        chosen = None
        for location in locations:
            point = self.point(location)
            if point is False:
                self.coordinate_errors(location, row)
            elif point and chosen is None:
                chosen = point
        return chosen

    def coordinate_errors(self, location: dict, row: int) -> None:
        where = _location_label(location)
        for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            raw = location.get(key)
            coordinate = Activity._meta.get_field(key).verbose_name
            try:
                value = number(raw)
            except ValueError:
                self.error(
                    row,
                    key,
                    raw,
                    _("The %(coordinate)s of the location “%(location)s” is not a number.")
                    % {"coordinate": coordinate, "location": where},
                )
                continue
            if value is None:
                self.error(
                    row,
                    key,
                    "",
                    _(
                        "The location “%(location)s” has only one coordinate; enter latitude and "
                        "longitude, or neither."
                    )
                    % {"location": where},
                )
            elif not low <= value <= high:
                self.error(
                    row,
                    key,
                    raw,
                    _(
                        "The %(coordinate)s %(value)s of the location “%(location)s” lies outside "
                        "%(low)s to %(high)s."
                    )
                    % {
                        "coordinate": coordinate,
                        "value": raw,
                        "location": where,
                        "low": low,
                        "high": high,
                    },
                )

    def schedule(self, s: dict, links: list[dict], locations: list[dict], row: int) -> str:
        entries = (
            _list(s.get("schedules"))
            or [e for sal in links for e in _list(sal.get("schedules"))]
            or [e for location in locations for e in _list(location.get("schedules"))]
        )
        reading = _ScheduleReading()
        for entry in entries:
            if isinstance(entry, dict):
                reading.add(entry)
        result = reading.text()
        problems = ", ".join(reading.problems)
        if reading.problems and not result:
            self.error(
                row,
                "schedules",
                problems,
                _("The opening hours cannot be read, and there is no description to take instead."),
            )
            return ""
        if reading.problems:
            self.warn(
                self.label,
                _("parts of the opening hours cannot be read and were left out: %(problems)s.")
                % {"problems": problems},
            )
        if reading.ignored:
            self.warn(
                self.label,
                _(
                    "the opening hours have limits that were not taken over (%(fields)s); "
                    "check them."
                )
                % {"fields": ", ".join(sorted(reading.ignored))},
            )
        if len(result) > _limit["schedule"]:
            result = self.clipped(result, "schedule")
        if result:
            try:
                parse_schedule(result)
            except ScheduleError:
                self.warn(
                    self.label,
                    _(
                        "the opening hours “%(text)s” are not weekly hours; a search by "
                        "opening day does not find the offer."
                    )
                    % {"text": clip(result, 80)},
                )
        return result

    def valid(self, row: int, values: dict[str, Any], status: str) -> bool:
        """The model's own checks, as a form would run them."""
        probe = Activity(
            **values,
            **SHARES,
            status=status,
            start=self.today,
            end=self.today if status == Status.ENDED else None,
        )
        try:
            probe.full_clean(
                exclude=["project", "responsible", "area"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                column = "" if key == NON_FIELD_ERRORS else key
                for message in messages:
                    self.error(row, column, values.get(key, ""), message)
            return False
        return True


class _ScheduleReading:
    """Weekly openings from HSDS schedules; what is not weekly stays as text."""

    def __init__(self) -> None:
        self.openings: set[Opening] = set()
        self.descriptions: list[str] = []  # of the structured entries
        self.other: list[str] = []  # not weekly, or only a description
        self.problems: list[str] = []
        self.ignored: set[str] = set()

    def add(self, entry: dict) -> None:
        byday, opens, closes = (text(entry.get(k)) for k in ("byday", "opens_at", "closes_at"))
        description = " ".join(plain(entry.get("description")).split())
        if not (byday or opens or closes):
            if description:
                self.other.append(description)
            return
        days, ordinal = self.days(byday)
        start, end = self.time(opens, "opens_at"), self.time(closes, "closes_at")
        if not days or start is None or end is None:
            return
        if end <= start:
            self.problems.append(f"opens_at={opens}, closes_at={closes}")
            return
        freq = text(entry.get("freq")).upper()
        interval = text(entry.get("interval"))
        self.ignored |= {k for k in _RESTRICTIONS if text(entry.get(k))}
        if ordinal or freq == "MONTHLY" or interval not in ("", "1"):
            hours = format_schedule([Opening(d, start, end) for d in days])
            if ordinal:
                which = "letzten" if ordinal == "-1" else f"{ordinal}."
                hours = f"jeden {which} {hours.replace(' ', ' im Monat ', 1)}"
            elif freq == "MONTHLY":
                hours += " (monatlich)"
            else:
                hours += f" (alle {interval} Wochen)"
            self.other.append(hours)
            return
        self.openings |= {Opening(day, start, end) for day in days}
        if description:
            self.descriptions.append(description)

    def days(self, byday: str) -> tuple[list[int], str]:
        days, ordinal = [], ""
        for token in (t.strip().upper() for t in byday.split(",") if t.strip()):
            match = _BYDAY.match(token)
            if not match:
                self.problems.append(f"byday={byday}")
                return [], ""
            days.append(HSDS_DAYS.index(match[2]))
            ordinal = ordinal or (match[1] or "").lstrip("+")
        if not byday:
            self.problems.append("byday=")
        return sorted(set(days)), ordinal

    def time(self, value: str, key: str) -> time | None:
        match = _TIME.match(value)
        if match and int(match[1]) <= 24 and int(match[2]) <= 59:
            hour, minute = int(match[1]), int(match[2])
            return time(23, 59) if hour == 24 else time(hour, minute)
        self.problems.append(f"{key}={value}")
        return None

    def text(self) -> str:
        parts = []
        if self.openings:
            weekly = format_schedule(sorted(self.openings))
            described = ", ".join(dict.fromkeys(self.descriptions))
            try:  # the description says the same in its own words: keep them
                same = described and set(parse_schedule(described)) == self.openings
            except ScheduleError:
                same = False
            parts.append(described if same else weekly)
        parts += [p for p in dict.fromkeys(self.other) if p not in parts]
        return ", ".join(parts)


def _term_index(model) -> dict[str, str]:
    index: dict[str, str] = {}
    for term in model.objects.all():
        for key in (term.label_en, term.label_de, term.code):
            if key:
                index[fold(key)] = term.code
    return index


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _address(location: dict) -> dict | None:
    addresses = [a for a in _list(location.get("addresses")) if isinstance(a, dict)]
    physical = [a for a in addresses if text(a.get("address_type")) != "postal"]
    return (physical or addresses or [None])[0]


def _location_label(location: dict) -> str:
    return text(location.get("name")) or text(location.get("id")) or "?"


def _service_phones(s: dict, links: list[dict], locations: list[dict]) -> list:
    contacts = _list(s.get("contacts")) + [c for sal in links for c in _list(sal.get("contacts"))]
    return (
        _list(s.get("phones"))
        + [p for sal in links for p in _list(sal.get("phones"))]
        + [p for c in contacts if isinstance(c, dict) for p in _list(c.get("phones"))]
        + [p for location in locations for p in _list(location.get("phones"))]
    )
