"""Public facility registers (GeoJSON points) as published activities with their providers.

Berlin publishes its Kitas, youth centres and care homes as GeoJSON; OpenStreetMap has
community centres. Each facility becomes one published, active activity (an Angebot), its
provider (Träger) an actor responsible for it. A :class:`RegisterMapping` – JSON, four
ready-made ones in ``register_presets/`` – says which property holds what.

Recognition on the next import:
    Activities by ``external_id`` – the facility number with the mapping's prefix
    (``kita:01010010``), because numbering schemes of different registers overlap (four Kita
    numbers are youth-centre numbers too). Providers by their number when the register has
    one (``kita-traeger:1224``), else by name, ignoring case and spacing (“outreach gGmbH”
    and “Outreach gGmbH” are one actor); an actor of the same name from elsewhere – typed by
    hand, another register – is reused.

What a new import changes:
    The register is the source for name, description, phone, website, coordinates and
    provider, so those are updated. Shares, needs, target groups, ages, status, start and the
    public flag are only set when an activity is created: a team that moved its Kita-
    Familienzentrum partly into N keeps that. Activities in the trash stay there.

Like the spreadsheet import, every feature is checked first and a file with a bad feature
changes nothing unless bad features are skipped on purpose. The writes are bulk operations –
the Berlin Kita register has 2,880 facilities – and end with
:func:`~quartierskompass.areas.locate.assign_areas`, which puts every facility into its
Planungsraum when the project is linked to areas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities.models import SHARE_FIELDS, Activity, Need, Status, TargetGroup
from quartierskompass.activities.transfer import kinds
from quartierskompass.actors.models import Actor, ActorType
from quartierskompass.areas.locate import assign_areas
from quartierskompass.core.imports import ImportReport
from quartierskompass.core.models import ChangeLog
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.lib import geo
from quartierskompass.soni.model import FIELD_ORDER, equal_shares

PRESET_DIR = Path(__file__).resolve().parent / "register_presets"
# Mainland Germany with its islands and a few kilometres to spare (lon/lat, WGS84).
GERMANY = (5.8, 47.2, 15.1, 55.1)
COORDINATE_TOLERANCE = 1e-6  # degrees, about 10 cm
PREVIEW_ROWS = 10
BATCH = 500
TITLE_MAX = Activity._meta.get_field("title").max_length
PHONE_MAX = Activity._meta.get_field("contact_phone").max_length
ACTOR_NAME_MAX = Actor._meta.get_field("name").max_length
ADDRESS_MAX = Actor._meta.get_field("address").max_length
EXTERNAL_MAX = Activity._meta.get_field("external_id").max_length
ELIGIBILITY_MAX = Activity._meta.get_field("eligibility").max_length
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)-(0[1-9]|1[0-2])(?!\d)")
_URL = URLValidator(schemes=["http", "https"])
# Stored text, not interface: descriptions are German content, like the registers themselves.
ADDRESS_LINE = "Adresse: {}"
SOURCE_LINE = "Quelle: {}"
# What the register decides on every import; everything else only when an activity is new.
REGISTER_FIELDS = (
    "title",
    "description",
    "contact_phone",
    "website",
    "latitude",
    "longitude",
    "responsible_id",
)


class MappingError(ValueError):
    """A mapping that cannot be used; ``str()`` is a sentence for the person who wrote it."""


# --- the mapping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterMapping:
    """Which feature property holds what, and what every facility of the register is.

    Templates (``address``, ``description``) are texts with ``{property}`` placeholders; an
    entry that is a bare property name stands for ``{name}``. An entry whose placeholders are
    all empty is left out. Shares, needs, target groups, ages and eligibility apply to every
    facility; the default shares of the presets are explained in their ``note``.
    """

    title: str  # property with the facility's name
    id: str  # property with the facility number
    name: str = ""  # the preset's file name without .json
    label: str = ""  # German, for lists and the form
    note: str = ""  # why these shares: shown in the form
    source: str = ""  # publisher and licence, the last line of each description
    id_prefix: str = ""  # "kita" gives external ids "kita:01010010" and "kita-traeger:1224"
    address: tuple[str, ...] = ()  # joined with ", "
    phone: str = ""
    website: str = ""
    capacity: str = ""  # property with the number of places
    capacity_label: str = "Plätze"  # "120 Plätze"
    description: tuple[str, ...] = ()  # one line each
    provider_name: str = ""
    provider_id: str = ""  # optional provider number; without it providers match by name
    provider_type: str = ""
    provider_types: dict[str, str] = field(default_factory=dict)  # value → ActorType code
    # Regular expressions on the provider's name, checked first: a parish among the
    # “Diakonisches Werk” providers is a Kirchengemeinde.
    provider_type_patterns: dict[str, str] = field(default_factory=dict)
    provider_default_type: str = "sonstige"
    provider_address: tuple[str, ...] = ()
    shares: dict[str, int] = field(default_factory=lambda: {"N": 100})
    needs: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    eligibility: str = ""
    start: date | None = None  # else the date in the file name (…_2022-12_…), else today

    def activity_key(self, number: str) -> str:
        return f"{self.id_prefix}:{number}" if self.id_prefix else number

    def provider_key(self, number: str) -> str:
        return f"{self.id_prefix}-traeger:{number}" if self.id_prefix else number

    def provider_type_code(self, name: str, value: str) -> str | None:
        """The ActorType code for a provider; ``None`` when its type value is not mapped."""
        for pattern, code in self.provider_type_patterns.items():
            if re.search(pattern, name, re.IGNORECASE):
                return code
        if not value:
            return self.provider_default_type
        return {_norm(k): c for k, c in self.provider_types.items()}.get(_norm(value))

    def actor_type_codes(self) -> set[str]:
        return {
            *self.provider_types.values(),
            *self.provider_type_patterns.values(),
            self.provider_default_type,
        }

    def share_values(self) -> dict[str, int]:
        return {name: self.shares.get(code, 0) for code, name in SHARE_FIELDS.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, e.g. to keep an uploaded mapping in the session between two steps."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["start"] = self.start.isoformat() if self.start else None
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


_TEXT_KEYS = {f.name for f in fields(RegisterMapping) if f.type == "str"}
_LIST_KEYS = {"address", "description", "provider_address", "needs", "target_groups"}
_DICT_KEYS = {"provider_types", "provider_type_patterns"}


def load_mapping(source: Path | str | bytes | Mapping[str, Any]) -> RegisterMapping:
    """A mapping from a JSON file, JSON bytes or a dict; raises :class:`MappingError`.

    Keys starting with ``_`` are comments and ignored.
    """
    name = ""
    if isinstance(source, str | Path):
        path = Path(source)
        name = path.stem
        try:
            source = path.read_bytes()
        except OSError as error:
            raise MappingError(
                _("The mapping file cannot be read: %(error)s") % {"error": error}
            ) from error
    if isinstance(source, bytes | bytearray):
        try:
            source = json.loads(bytes(source).decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MappingError(
                _("The mapping is not valid JSON: %(error)s") % {"error": error}
            ) from error
    if not isinstance(source, Mapping):
        raise MappingError(_("The mapping must be a JSON object {…}."))
    data = {k: v for k, v in source.items() if not str(k).startswith("_")}
    data.setdefault("name", name)
    return RegisterMapping(**_checked(data))


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    allowed = {f.name for f in fields(RegisterMapping)}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MappingError(
            _("Unknown keys in the mapping: %(keys)s. Known keys: %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
        )
    needed = {
        "title": _("The mapping needs “title”: the property with the facility's name."),
        "id": _("The mapping needs “id”: the property with the facility's number."),
    }
    for key, message in needed.items():
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise MappingError(message)
    for key, value in data.items():
        if key in _TEXT_KEYS and not isinstance(value, str):
            raise MappingError(_("“%(key)s” must be a text.") % {"key": key})
        if key in _LIST_KEYS:
            data[key] = _text_list(key, value)
        if key in _DICT_KEYS and not (
            isinstance(value, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        ):
            raise MappingError(_("“%(key)s” must be an object of texts.") % {"key": key})
    for pattern in data.get("provider_type_patterns", {}):
        try:
            re.compile(pattern)
        except re.error as error:
            raise MappingError(
                _("“%(pattern)s” is not a valid regular expression: %(error)s")
                % {"pattern": pattern, "error": error}
            ) from error
    for key in ("min_age", "max_age"):
        value = data.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120
        ):
            raise MappingError(_("“%(key)s” must be a whole number of years.") % {"key": key})
    if (data.get("min_age") or 0) > (data.get("max_age") or 120):
        raise MappingError(_("“min_age” is above “max_age”."))
    if len(data.get("eligibility", "")) > ELIGIBILITY_MAX:
        raise MappingError(
            _("“eligibility” has more than %(n)s characters.") % {"n": ELIGIBILITY_MAX}
        )
    if "shares" in data:
        data["shares"] = _shares(data["shares"])
    if data.get("start"):
        try:
            data["start"] = date.fromisoformat(str(data["start"]))
        except ValueError as error:
            raise MappingError(_("“start” must be a date like 2022-12-01.")) from error
    return data


def _text_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MappingError(_("“%(key)s” must be a list of texts.") % {"key": key})
    return tuple(v for v in value if v.strip())


def _shares(value: Any) -> dict[str, int]:
    """``{"O": 50, "I": 50}``, or a list of fields split equally (``["N", "I"]``)."""
    if isinstance(value, str):
        value = [c for c in value.upper() if c.isalpha()]
    if isinstance(value, list) and value and all(v in FIELD_ORDER for v in value):
        return {k: v for k, v in equal_shares(value).items() if v}
    valid = isinstance(value, Mapping) and all(
        k in FIELD_ORDER and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100
        for k, v in value.items()
    )
    if not valid:
        raise MappingError(
            _('“shares” takes whole percent for the fields S, O, N, I, e.g. {"O": 50, "I": 50}.')
        )
    if sum(value.values()) != 100:
        raise MappingError(
            _("The shares must add up to 100 (now %(sum)s).") % {"sum": sum(value.values())}
        )
    return dict(value)


def presets() -> dict[str, str]:
    """The ready-made mappings: name → German label."""
    return {path.stem: load_mapping(path).label for path in sorted(PRESET_DIR.glob("*.json"))}


def preset(name: str) -> RegisterMapping:
    path = PRESET_DIR / f"{name}.json"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.is_file():
        raise MappingError(
            _("There is no ready-made mapping “%(name)s”. Available: %(names)s.")
            % {"name": name, "names": ", ".join(presets())}
        )
    return load_mapping(path)


def resolve_mapping(text: str) -> RegisterMapping:
    """A preset name (``berlin-kitas``) or the path of a mapping JSON file."""
    if re.fullmatch(r"[a-z0-9-]+", text) and (PRESET_DIR / f"{text}.json").is_file():
        return preset(text)
    return load_mapping(Path(text))


# --- reading the features ----------------------------------------------------------------------


def _norm(text: str) -> str:
    """The form names are compared in: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def _text(properties: Mapping[str, Any], key: str) -> str:
    value = properties.get(key) if key else None
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def render(template: str, properties: Mapping[str, Any]) -> str:
    """Fill ``{property}`` placeholders; a bare property name stands for ``{name}``.

    Empty when every placeholder is empty, so “Besonderheiten: {ang_2}” disappears for a Kita
    without any.
    """
    if "{" not in template:
        return _text(properties, template)
    values = {name: _text(properties, name) for name in _PLACEHOLDER.findall(template)}
    if not any(values.values()):
        return ""
    filled = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    return " ".join(filled.split()).strip(" ,;-–")


def _joined(templates: tuple[str, ...], properties: Mapping[str, Any], sep: str) -> str:
    return sep.join(text for t in templates if (text := render(t, properties)))


def _capacity(properties: Mapping[str, Any], mapping: RegisterMapping) -> str:
    raw = _text(properties, mapping.capacity)
    if not raw.isdigit() or int(raw) == 0:  # youth centres without places have "0"
        return ""
    return f"{int(raw)} {mapping.capacity_label}".strip()


def _website(text: str) -> tuple[str, bool]:
    """A usable address and whether the register's text was one."""
    if not text:
        return "", True
    url = text if re.match(r"https?://", text, re.IGNORECASE) else f"http://{text}"
    try:
        _URL(url)
    except ValidationError:
        return "", False
    return url, True


@dataclass
class Provider:
    """One provider of the file; ``actor`` is filled when it is matched or created."""

    key: str  # external id, or "name:" + the normalised name
    name: str
    number: str
    type_value: str
    address: str
    actor: Actor | None = None
    action: str = ""  # "created", "updated" or ""


@dataclass
class Facility:
    number: int  # the feature's position in the file, counted from 1
    key: str  # the activity's external_id
    title: str
    values: dict[str, Any]
    address: str
    capacity: str
    provider: Provider | None
    activity: Activity | None = None
    action: str = ""  # "created", "updated", "unchanged", "trashed"


@dataclass
class PreviewRow:
    number: int
    title: str
    provider: str
    address: str
    capacity: str
    action: str


@dataclass
class RegisterReport(ImportReport):
    """The import report plus what the preview page shows about the register."""

    mapping_label: str = ""
    crs: str = ""
    start: date | None = None
    property_names: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    located: int = 0

    @property
    def activities_created(self) -> int:
        return self.counts[("activities", "created")]

    @property
    def activities_updated(self) -> int:
        return self.counts[("activities", "updated")]

    @property
    def activities_unchanged(self) -> int:
        return self.counts[("activities", "unchanged")]

    @property
    def actors_created(self) -> int:
        return self.counts[("actors", "created")]

    @property
    def rejected(self) -> int:
        return len(self.bad_rows)

    def summary_text(self) -> str:
        return self.summary(kinds())


class _Reader:
    """Turns features into facilities and providers, noting every problem in the report."""

    def __init__(self, mapping: RegisterMapping, report: RegisterReport, start: date) -> None:
        self.mapping = mapping
        self.report = report
        self.start = start
        self.providers: dict[str, Provider] = {}
        self.seen: dict[str, int] = {}
        self.unmapped_types: set[str] = set()
        self.bad_websites: list[str] = []

    def read(self, collection: geo.FeatureCollection) -> list[Facility]:
        facilities = []
        for feature in collection.features:
            facility = self.facility(feature)
            if facility is not None:
                facilities.append(facility)
        return facilities

    def facility(self, feature: geo.Feature) -> Facility | None:
        m, props, row = self.mapping, feature.properties, feature.number
        errors_before = len(self.report.errors)
        point = self.point(feature)
        title = _text(props, m.title)[:TITLE_MAX]
        number = _text(props, m.id)
        if not title:
            self.report.error(row, m.title, "", _("The facility has no name."))
        if len(m.activity_key(number)) > EXTERNAL_MAX:
            self.report.error(row, m.id, number, _("The number is too long."))
        elif not number:
            self.report.error(
                row,
                m.id,
                "",
                _("The facility has no number, so a later import could not recognise it."),
            )
        elif number in self.seen:
            self.report.error(
                row,
                m.id,
                number,
                _("The number is already used by feature %(row)s in this file.")
                % {"row": self.seen[number]},
            )
        else:
            self.seen[number] = row
        if len(self.report.errors) > errors_before or point is None:
            return None
        return self.build(feature, title, number, point)

    def point(self, feature: geo.Feature) -> tuple[float, float] | None:
        row, geometry = feature.number, feature.geometry
        if geometry is None:
            self.report.error(row, _("geometry"), "", feature.problem)
            return None
        if geometry.geom_type == "MultiPoint" and len(geometry.geoms) == 1:
            geometry = geometry.geoms[0]
        if geometry.geom_type != "Point":
            self.report.error(
                row,
                _("geometry"),
                geometry.geom_type,
                _("The facility is not a point but a %(type)s.") % {"type": geometry.geom_type},
            )
            return None
        lon, lat = round(geometry.x, geo.STORE_DECIMALS), round(geometry.y, geo.STORE_DECIMALS)
        west, south, east, north = GERMANY
        if not (west <= lon <= east and south <= lat <= north):
            self.report.error(
                row,
                _("geometry"),
                f"{lon}, {lat}",
                _(
                    "The point lies outside Germany (longitude %(lon)s, latitude %(lat)s). Are "
                    "the coordinates swapped or in another coordinate system?"
                )
                % {"lon": lon, "lat": lat},
            )
            return None
        return lon, lat

    def build(
        self, feature: geo.Feature, title: str, number: str, point: tuple[float, float]
    ) -> Facility:
        m, props = self.mapping, feature.properties
        address = _joined(m.address, props, ", ")
        capacity = _capacity(props, m)
        lines = [
            capacity,
            ADDRESS_LINE.format(address) if address else "",
            *(render(t, props) for t in m.description),
            SOURCE_LINE.format(m.source) if m.source else "",
        ]
        website, readable = _website(_text(props, m.website))
        if not readable:
            self.bad_websites.append(_text(props, m.website))
        phone = _text(props, m.phone)
        values: dict[str, Any] = {
            "title": title,
            "description": "\n".join(line for line in lines if line),
            "contact_phone": phone if len(phone) <= PHONE_MAX else "",
            "website": website,
            "longitude": point[0],
            "latitude": point[1],
        }
        provider = self.provider(feature)
        if not self.valid(feature.number, values) or provider is False:
            return None
        return Facility(
            number=feature.number,
            key=m.activity_key(number),
            title=title,
            values=values,
            address=address,
            capacity=capacity,
            provider=provider,
        )

    def valid(self, row: int, values: dict[str, Any]) -> bool:
        """The model's own checks, as a form would run them."""
        m = self.mapping
        probe = Activity(
            **values,
            **m.share_values(),
            start=self.start,
            min_age=m.min_age,
            max_age=m.max_age,
            eligibility=m.eligibility,
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
                    self.report.error(row, column, values.get(key, ""), message)
            return False
        return True

    def provider(self, feature: geo.Feature) -> Provider | bool | None:
        """The feature's provider, ``None`` without one, ``False`` when it is unusable."""
        m, props = self.mapping, feature.properties
        name = _text(props, m.provider_name)[:ACTOR_NAME_MAX]
        if not name:
            return None
        number = _text(props, m.provider_id)
        if len(m.provider_key(number)) > EXTERNAL_MAX:
            number = ""  # not a number anyone could mean: match by name
        key = m.provider_key(number) if number else f"name:{_norm(name)}"
        if key not in self.providers:
            address = _joined(m.provider_address, props, ", ")[:ADDRESS_MAX]
            try:
                validate_clean_text(name)
                validate_clean_text(address)
            except ValidationError as error:
                self.report.error(feature.number, m.provider_name, name, error.messages[0])
                return False
            type_value = _text(props, m.provider_type)
            if m.provider_type_code(name, type_value) is None:
                self.unmapped_types.add(type_value)
            self.providers[key] = Provider(
                key=key,
                name=name,
                number=number,
                type_value=type_value,
                address=address,
            )
        return self.providers[key]

    def warn(self) -> None:
        if self.unmapped_types:
            self.report.warnings.append(
                _(
                    "Provider types without an actor type in the mapping, imported as “%(type)s”: "
                    "%(values)s."
                )
                % {
                    "type": self.mapping.provider_default_type,
                    "values": ", ".join(sorted(self.unmapped_types)),
                }
            )
        if self.bad_websites:
            self.report.warnings.append(
                _("%(n)s web addresses could not be read and were left out, e.g. “%(example)s”.")
                % {"n": len(self.bad_websites), "example": self.bad_websites[0]}
            )


# --- matching with what the project has --------------------------------------------------------


class _Planner:
    """Decides, without writing, which actors and activities are new, changed or the same."""

    def __init__(self, project: Project, mapping: RegisterMapping, user: User | None) -> None:
        self.project = project
        self.mapping = mapping
        self.user = user if user is not None and user.is_authenticated else None
        actors = list(Actor.objects.filter(project=project))
        self.by_external = {a.external_id: a for a in actors if a.external_id}
        self.by_name = {_norm(a.name): a for a in actors}
        self.types = {t.code: t for t in ActorType.objects.all()}

    def actors(self, providers: list[Provider]) -> None:
        for provider in providers:
            actor = self.by_external.get(provider.key) if provider.number else None
            if actor is not None:
                self.update_matched(provider, actor)
                continue
            actor = self.by_name.get(_norm(provider.name))
            if actor is not None and self.may_share(provider, actor):
                provider.actor = actor
                if provider.number and not actor.external_id:
                    actor.external_id = provider.key
                    provider.action = "updated"
                self.fill(provider, actor)
                continue
            self.create(provider)

    def may_share(self, provider: Provider, actor: Actor) -> bool:
        """Two providers of one register with different numbers stay two actors."""
        if not provider.number or not actor.external_id:
            return True
        return not actor.external_id.startswith(self.mapping.provider_key(""))

    def update_matched(self, provider: Provider, actor: Actor) -> None:
        provider.actor = actor
        new_name = _norm(provider.name)
        if _norm(actor.name) != new_name and new_name not in self.by_name:
            del self.by_name[_norm(actor.name)]
            actor.name = provider.name
            self.by_name[new_name] = actor
            provider.action = "updated"
        self.fill(provider, actor)

    def fill(self, provider: Provider, actor: Actor) -> None:
        """A type and address from the register where the actor has none."""
        if actor.actor_type_id is None:
            actor.actor_type = self.actor_type(provider)
            provider.action = provider.action or "updated"
        if provider.address and not actor.address:
            actor.address = provider.address
            provider.action = provider.action or "updated"

    def create(self, provider: Provider) -> None:
        name = provider.name
        if _norm(name) in self.by_name:  # another provider of this register has the name
            suffix = f" (Nr. {provider.number})"
            name = name[: ACTOR_NAME_MAX - len(suffix)] + suffix
        actor = Actor(
            project=self.project,
            name=name,
            actor_type=self.actor_type(provider),
            address=provider.address,
            external_id=provider.key if provider.number else "",
            created_by=self.user,
            updated_by=self.user,
        )
        provider.actor, provider.action = actor, "created"
        self.by_name[_norm(name)] = actor
        if actor.external_id:
            self.by_external[actor.external_id] = actor

    def actor_type(self, provider: Provider) -> ActorType | None:
        m = self.mapping
        code = m.provider_type_code(provider.name, provider.type_value)
        return self.types.get(code or m.provider_default_type)

    def activities(self, facilities: list[Facility], start: date, *, lock: bool) -> None:
        keys = [f.key for f in facilities]
        existing: dict[str, Activity] = {}
        found = Activity.with_deleted.filter(project=self.project, external_id__in=keys)
        if lock:  # no edit in a form slips in between this check and the write
            found = found.select_for_update()
        for activity in found.order_by("deleted_at", "pk"):  # a live one before the trash
            existing.setdefault(activity.external_id, activity)
        for facility in facilities:
            activity = existing.get(facility.key)
            values = {
                **facility.values,
                "responsible": facility.provider.actor if facility.provider else None,
            }
            if activity is None:
                facility.activity = self.new_activity(facility.key, values, start)
                facility.action = "created"
            elif activity.deleted_at is not None:
                facility.activity, facility.action = activity, "trashed"
            else:
                facility.activity = activity
                facility.action = "updated" if self.changes(activity, values) else "unchanged"

    def new_activity(self, key: str, values: dict[str, Any], start: date) -> Activity:
        m = self.mapping
        return Activity(
            project=self.project,
            external_id=key,
            status=Status.ACTIVE,
            published=True,
            start=m.start or start,
            min_age=m.min_age,
            max_age=m.max_age,
            eligibility=m.eligibility,
            created_by=self.user,
            updated_by=self.user,
            **m.share_values(),
            **values,
        )

    @staticmethod
    def changes(activity: Activity, values: dict[str, Any]) -> dict[str, list[str]]:
        """What the register would change: field → [before, after] as text."""
        actor = values["responsible"]
        new = {**values, "responsible_id": (actor.pk or "new") if actor else None}
        diff = {}
        for name in REGISTER_FIELDS:
            before, after = getattr(activity, name), new[name]
            # The same register in WGS84 and in UTM differs by centimetres: no move.
            if name in ("latitude", "longitude") and _close(before, after):
                continue
            if before != after:
                shown = [str(v) if v is not None else "" for v in (before, after)]
                diff[name.removesuffix("_id")] = shown
        return diff


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) < COORDINATE_TOLERANCE


# --- the import --------------------------------------------------------------------------------


def register_date(*names: str) -> date | None:
    """The register's date from a file name such as ``kindertagesstaetten_2022-12_wgs84``."""
    for name in names:
        match = _DATE_IN_NAME.search(name)
        if match:
            return date(int(match.group(1)), int(match.group(2)), 1)
    return None


def import_register(
    *,
    project: Project,
    source: bytes | Path | geo.FeatureCollection,
    filename: str,
    mapping: RegisterMapping,
    user: User | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source_crs: str | int | None = None,
) -> RegisterReport:
    """Check every feature, then create or update the activities and actors – all or nothing.

    ``source`` is GeoJSON (WGS84, or a coordinate system lib.geo reprojects). ``dry_run``
    checks and counts without saving; ``skip_invalid`` imports the good features of a file
    with bad ones. Activities start on ``mapping.start``, else on the month in the file name,
    else today.
    """
    report = RegisterReport(dry_run=dry_run, skip_invalid=skip_invalid, mapping_label=mapping.label)
    collection = _read(source, source_crs, report)
    if collection is None or not _check_mapping(mapping, collection, report):
        return report
    start = mapping.start or register_date(
        filename, str(source) if isinstance(source, Path) else ""
    )
    if start is None:
        start = timezone.localdate()
        report.warnings.append(
            _("The file name has no date such as 2022-12, so the activities start today.")
        )
    report.start = start
    reader = _Reader(mapping, report, start)
    facilities = reader.read(collection)
    reader.warn()
    if not report.ok:
        return report
    providers = list({f.provider.key: f.provider for f in facilities if f.provider}.values())
    with transaction.atomic():  # what was planned is what gets written
        planner = _Planner(project, mapping, user)
        planner.actors(providers)
        planner.activities(facilities, start, lock=not dry_run)
        _count(report, facilities, providers)
        _warn_missing(project, mapping, facilities, report)
        report.preview = [_preview(f) for f in facilities[:PREVIEW_ROWS]]
        if not dry_run:
            _write(project, mapping, planner, facilities, providers, report)
    return report


def _read(source, source_crs, report: RegisterReport) -> geo.FeatureCollection | None:
    if isinstance(source, geo.FeatureCollection):
        collection = source
    else:
        try:
            collection = geo.read_feature_collection(source, source_crs=source_crs)
        except geo.GeoError as error:
            report.error(None, "", "", str(error))
            return None
    report.rows = len(collection.features)
    report.crs = f"EPSG:{collection.crs}"
    report.property_names = collection.property_names
    return collection


def _check_mapping(
    mapping: RegisterMapping, collection: geo.FeatureCollection, report: RegisterReport
) -> bool:
    """File-level checks: the mapping's properties are in the file, its codes are known."""
    found = set(collection.property_names)
    for prop in (mapping.title, mapping.id):
        if prop not in found:
            report.error(
                None,
                "",
                "",
                _(
                    "The file has no property “%(name)s”. Its properties are: %(found)s. Is "
                    "this the right mapping?"
                )
                % {"name": prop, "found": ", ".join(collection.property_names) or "–"},
            )
    checks = [
        (ActorType, mapping.actor_type_codes(), _("Unknown actor types in the mapping: %(codes)s")),
        (Need, set(mapping.needs), _("Unknown needs in the mapping: %(codes)s")),
        (
            TargetGroup,
            set(mapping.target_groups),
            _("Unknown target groups in the mapping: %(codes)s"),
        ),
    ]
    for model, codes, message in checks:
        unknown = codes - set(model.objects.filter(code__in=codes).values_list("code", flat=True))
        if unknown:
            report.error(None, "", "", message % {"codes": ", ".join(sorted(unknown))})
    return report.ok


def _count(report: RegisterReport, facilities: list[Facility], providers: list[Provider]) -> None:
    for facility in facilities:
        if facility.action != "trashed":
            report.count("activities", facility.action)
    for provider in providers:
        if provider.action:
            report.count("actors", provider.action)
    trashed = sum(1 for f in facilities if f.action == "trashed")
    if trashed:
        report.warnings.append(
            _("%(n)s facilities are in the trash of this project and stay there.") % {"n": trashed}
        )


def _warn_missing(
    project: Project, mapping: RegisterMapping, facilities: list[Facility], report: RegisterReport
) -> None:
    """Facilities of earlier imports that this file lacks: perhaps closed – a person decides."""
    if not mapping.id_prefix:
        return
    earlier = set(
        Activity.objects.filter(
            project=project, external_id__startswith=mapping.activity_key("")
        ).values_list("external_id", flat=True)
    )
    missing = len(earlier - {f.key for f in facilities})
    if missing:
        report.warnings.append(
            _(
                "%(n)s activities of earlier imports of this register are not in this file. "
                "They were left as they are; end them by hand if the facilities closed."
            )
            % {"n": missing}
        )


def _preview(facility: Facility) -> PreviewRow:
    return PreviewRow(
        number=facility.number,
        title=facility.title,
        provider=facility.provider.name if facility.provider else "",
        address=facility.address,
        capacity=facility.capacity,
        action=facility.action,
    )


def _write(
    project: Project,
    mapping: RegisterMapping,
    planner: _Planner,
    facilities: list[Facility],
    providers: list[Provider],
    report: RegisterReport,
) -> None:
    now = timezone.now()
    _write_actors(providers, now)
    created = [f for f in facilities if f.action == "created"]
    updated = [f for f in facilities if f.action == "updated"]
    for facility in created:
        facility.activity.responsible = facility.provider.actor if facility.provider else None
    Activity.objects.bulk_create([f.activity for f in created], batch_size=BATCH)
    _link(mapping, [f.activity for f in created])
    logs = [_log(f.activity, ChangeLog.Action.IMPORT, planner.user, now) for f in created]
    for facility in updated:
        activity = facility.activity
        values = {
            **facility.values,
            "responsible": facility.provider.actor if facility.provider else None,
        }
        changes = planner.changes(activity, values)
        for name, value in values.items():
            setattr(activity, name, value)
        activity.version += 1
        activity.updated_at, activity.updated_by = now, planner.user
        logs.append(_log(activity, ChangeLog.Action.UPDATE, planner.user, now, changes))
    Activity.objects.bulk_update(
        [f.activity for f in updated],
        [*(n.removesuffix("_id") for n in REGISTER_FIELDS), "version", "updated_at", "updated_by"],
        batch_size=BATCH,
    )
    ChangeLog.objects.bulk_create(logs, batch_size=BATCH)
    report.located = assign_areas(project=project)


def _write_actors(providers: list[Provider], now) -> None:
    new = [p.actor for p in providers if p.action == "created"]
    Actor.objects.bulk_create(new, batch_size=BATCH)
    changed = [p.actor for p in providers if p.action == "updated"]
    for actor in changed:
        actor.version += 1
        actor.updated_at = now
    fields = ["name", "actor_type", "address", "external_id", "version", "updated_at"]
    Actor.objects.bulk_update(changed, fields, batch_size=BATCH)


def _link(mapping: RegisterMapping, activities: list[Activity]) -> None:
    """Needs and target groups of new activities, in bulk through the join tables."""
    for relation, model, codes in (
        (Activity.needs, Need, mapping.needs),
        (Activity.target_groups, TargetGroup, mapping.target_groups),
    ):
        through = relation.through
        column = f"{model._meta.model_name}_id"
        ids = list(model.objects.filter(code__in=codes).values_list("pk", flat=True))
        through.objects.bulk_create(
            [through(activity_id=a.pk, **{column: pk}) for a in activities for pk in ids],
            batch_size=BATCH,
        )


def _log(activity: Activity, action: str, user, at, changes: dict | None = None) -> ChangeLog:
    return ChangeLog(
        project_id=activity.project_id,
        user=user,
        at=at,
        action=action,
        object_type=activity._meta.label_lower,
        object_id=activity.pk,
        label=str(activity)[:300],
        changes=changes or {},
    )
