"""What import and export share: identifiers, our taxonomies, languages, addresses, costs.

Texts in the constants below are stored content (descriptions of offers), not interface, so
they are German and not translated – like the lines the register import writes.
"""

from __future__ import annotations

import html
import re
import uuid
from decimal import Decimal, InvalidOperation

from quartierskompass.lib.languages import LANGUAGES
from quartierskompass.lib.text import fold

ORG_PREFIX = "hsds-org:"  # Actor.external_id of an HSDS organization
SERVICE_PREFIX = "hsds:"  # Activity.external_id of an HSDS service
NAMESPACE = uuid.UUID("0d4c6f1e-8a0e-5b8f-9b43-5f0e2c4a7d11")

NEEDS_TAXONOMY = "quartierskompass-bedarfe"
GROUPS_TAXONOMY = "quartierskompass-zielgruppen"
TAXONOMY_DESCRIPTIONS = {
    NEEDS_TAXONOMY: "Bedarfe und Lebenslagen, auf die ein Angebot antwortet (Quartierskompass)",
    GROUPS_TAXONOMY: "Zielgruppen eines Angebots (Quartierskompass)",
}

# Lines added to an offer's description; each is added only once, so a re-import (or the import
# of our own export) does not repeat them.
ADDRESS_LINE = "Adresse: {}"
PLACE_LINE = "Ort: {}"
ALSO_CALLED_LINE = "Auch: {}"
APPLICATION_LINE = "Zugang: {}"
INTERPRETATION_LINE = "Dolmetschen: {}"
ALERT_LINE = "Hinweis: {}"

# The organization an export names for offers without a responsible actor (HSDS tables require
# one): the project itself, marked by its URI, so an import does not take it for a provider.
PROJECT_ORG_URI = "urn:quartierskompass:project:{}"
# An organization's description is required; for an actor without a type this one is used.
ORG_DESCRIPTION = "Akteur im Quartier"

# The accessibility entries the export writes for ``barrier_free``; the import reads them back.
BARRIER_FREE_YES = "Barrierefreier Zugang"
BARRIER_FREE_NO = "Kein barrierefreier Zugang"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[^>]{0,200}>")
_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li)\s*/?>", re.IGNORECASE)
_ITEM_TAG = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)


def stable_id(*parts: object) -> str:
    """A UUID that stays the same for the same parts (UUID 5 in our namespace)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def sub_id(parent: str, *parts: object) -> str:
    """The id of a part of a service (its location, a schedule) derived from the service id."""
    return stable_id(parent, *parts)


def actor_id(project_slug: str, actor_pk: int) -> str:
    return stable_id("actor", project_slug, actor_pk)


def taxonomy_id(name: str) -> str:
    return stable_id("taxonomy", name)


def term_id(taxonomy: str, code: str) -> str:
    return stable_id("taxonomy", taxonomy, code)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def text(value: object) -> str:
    """A cell or JSON value as clean one-piece text: control characters out, ends trimmed."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _CONTROL.sub("", str(value)).strip()


def plain(value: object) -> str:
    """Text from a description that may hold simple HTML (the 1.1 sample has lists)."""
    raw = text(value)
    if "<" not in raw:
        return html.unescape(raw) if "&" in raw else raw
    raw = _ITEM_TAG.sub("\n• ", raw)
    raw = _BLOCK_TAG.sub("\n", raw)
    raw = html.unescape(_TAG.sub("", raw))
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    return "\n".join(line for line in lines if line)


def number(value: object) -> Decimal | None:
    """A number from JSON or a CSV cell; ``None`` when empty; raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not result.is_finite():
        raise ValueError(value)
    return result


def clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def add_line(description: str, line: str) -> str:
    """Append ``line`` unless the description already holds it."""
    if not line or line in description:
        return description
    return f"{description}\n{line}" if description else line


# --- languages ---------------------------------------------------------------------------------

_THREE_LETTER = {
    "deu": "de",
    "ger": "de",
    "eng": "en",
    "tur": "tr",
    "ara": "ar",
    "rus": "ru",
    "ukr": "uk",
    "pol": "pl",
    "fas": "fa",
    "per": "fa",
    "prs": "fa",
    "pes": "fa",
    "kur": "ku",
    "kmr": "ku",
    "ckb": "ku",
    "ron": "ro",
    "rum": "ro",
    "bul": "bg",
    "srp": "sr",
    "hrv": "sr",
    "bos": "sr",
    "hbs": "sr",
    "hr": "sr",
    "bs": "sr",
    "sqi": "sq",
    "alb": "sq",
    "vie": "vi",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "tir": "ti",
    "som": "so",
    "pus": "ps",
    "gsg": "gsg",
}
EASY_GERMAN_NAME = "Leichte Sprache (Easy-to-read German)"
_EXTRA_NAMES = {
    "farsi": "fa",
    "dari": "fa",
    "persian": "fa",
    "persisch": "fa",
    "kurdish": "ku",
    "serbian": "sr",
    "croatian": "sr",
    "bosnian": "sr",
    "serbisch": "sr",
    "kroatisch": "sr",
    "bosnisch": "sr",
    "leichte sprache": "de-ls",
    "easy-to-read german": "de-ls",
    fold(EASY_GERMAN_NAME): "de-ls",
    "deutsche gebardensprache": "gsg",
    "german sign language": "gsg",
    "dgs": "gsg",
}
_NAMES = {
    **{fold(names[i]): code for code, names in LANGUAGES.items() for i in (0, 1)},
    **_EXTRA_NAMES,
}


def language_code(code: object, name: object = "") -> str | None:
    """Our language code for an HSDS language (ISO 639-1/-2/-3 code or name); None: unknown."""
    by_name = _NAMES.get(fold(text(name)))
    if by_name == "de-ls":  # Leichte Sprache travels as code "de" with its name
        return by_name
    raw = fold(text(code)).replace("_", "-")
    for candidate in (raw, raw.split("-")[0]):
        if candidate in LANGUAGES and candidate != "de-ls":
            return candidate
        if candidate in _THREE_LETTER:
            return _THREE_LETTER[candidate]
    if raw in _NAMES:  # the 1.1 sample writes names ("Spanish") where codes belong
        return _NAMES[raw]
    return by_name


def hsds_language(code: str) -> dict[str, str]:
    """An HSDS language object (code and English name) for one of our codes."""
    if code == "de-ls":
        return {"code": "de", "name": EASY_GERMAN_NAME}
    return {"code": code, "name": LANGUAGES.get(code, (code, code))[1]}


# --- addresses ---------------------------------------------------------------------------------

_GERMAN_ADDRESS = re.compile(
    r"^(?P<street>.+?),\s(?P<postal>\d{5})\s(?P<city>[^,]+)(?:,\s(?P<state>[^,]+))?$"
)
_HOME_COUNTRIES = {"", "de", "deu", "deutschland", "germany"}
CITY_STATES = {"Berlin", "Hamburg", "Bremen"}


def address_text(address: dict) -> str:
    """One line, German order: „Straße 1, Zusatz, 12345 Stadt“ (+ region, country abroad)."""
    city, state = text(address.get("city")), text(address.get("state_province"))
    place = " ".join(p for p in (text(address.get("postal_code")), city) if p)
    country = text(address.get("country"))
    parts = [
        text(address.get("address_1")),
        text(address.get("address_2")),
        text(address.get("address_3")),
        text(address.get("address_4")),
        place,
        "" if state == city else state,  # Berlin, Berlin
        "" if country.casefold() in _HOME_COUNTRIES else country,
    ]
    return ", ".join(p for p in parts if p)


def split_address(line: str) -> dict[str, str] | None:
    """The fields of an HSDS address from one German address line (the inverse of the above).

    ``None`` unless every field HSDS requires is known: street, postal code, city and state –
    given after the city („…, 14467 Potsdam, Brandenburg“) or a city state like Berlin.
    """
    match = _GERMAN_ADDRESS.match(line.strip())
    if not match:
        return None
    state = match["state"] or (match["city"] if match["city"] in CITY_STATES else "")
    if not state:
        return None
    return {
        "address_1": match["street"],
        "city": match["city"],
        "state_province": state,
        "postal_code": match["postal"],
        "country": "DE",
    }


def address_from_description(description: str) -> str:
    """The address an earlier import (ours or the register import) put into a description."""
    prefix = ADDRESS_LINE.format("")
    for line in description.splitlines():
        if line.startswith(prefix) and line[len(prefix) :].strip():
            return line[len(prefix) :].strip()
    return ""


# --- costs -------------------------------------------------------------------------------------

FREE_WORDS = re.compile(
    r"^\s*(?:kostenlos|kostenfrei|gratis|umsonst|frei|free|free of charge|no charge|none|"
    r"keine kosten|keine gebühren?|0\s*(?:€|eur|euro))\s*[.!]?\s*$",
    re.IGNORECASE,
)
