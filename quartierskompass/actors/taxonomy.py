"""Default actor types (German first), created when missing after every migrate."""

from __future__ import annotations

from quartierskompass.actors.models import ActorType, TieKind

Category = ActorType.Category

ACTOR_TYPES: list[tuple[str, str, str, str]] = [
    ("kirchengemeinde", "Kirchengemeinde", "Parish", Category.CHURCH),
    ("diakonie", "Diakonische Einrichtung", "Diaconal service", Category.WELFARE),
    ("bezirksstelle", "Bezirksstelle / Dekanat", "Deanery office", Category.CHURCH),
    ("wohlfahrt", "Caritas / andere Wohlfahrt", "Caritas / other welfare", Category.WELFARE),
    ("amt-sozial", "Sozialamt", "Social welfare office", Category.MUNICIPAL),
    ("amt-jugend", "Jugendamt", "Youth welfare office", Category.MUNICIPAL),
    ("amt-auslaender", "Ausländerbehörde", "Immigration office", Category.MUNICIPAL),
    (
        "amt-arbeit",
        "Jobcenter / Arbeitsagentur",
        "Job centre / employment agency",
        Category.MUNICIPAL,
    ),
    ("amt-gesundheit", "Gesundheitsamt", "Public health office", Category.MUNICIPAL),
    ("amt-sozialplanung", "Sozialplanung", "Social planning", Category.MUNICIPAL),
    ("amt-sonstiges", "Anderes kommunales Amt", "Other municipal office", Category.MUNICIPAL),
    ("politik", "Kommunalpolitik / Gremium", "Local politics / committee", Category.POLITICS),
    ("verein", "Verein", "Association", Category.CIVIL),
    ("initiative", "Initiative", "Initiative", Category.CIVIL),
    ("schule-kita", "Schule / Kita", "School / day care", Category.EDUCATION),
    ("wohnungswirtschaft", "Wohnungswirtschaft", "Housing company", Category.ECONOMY),
    ("gewerbe", "Gewerbe", "Local business", Category.ECONOMY),
    ("gesundheit", "Gesundheit", "Health", Category.HEALTH),
    ("schluesselperson", "Schlüsselperson", "Key person", Category.PERSON),
    ("sonstige", "Sonstige", "Other", Category.OTHER),
]


TIE_KINDS: list[tuple[str, str, str]] = [
    ("kooperation", "Kooperation", "Cooperation"),
    ("information", "Informationsaustausch", "Exchange of information"),
    ("finanzierung", "Finanzierung", "Funding"),
    ("raum", "Raumüberlassung", "Providing rooms"),
    ("gremium", "Gremium / Mitgliedschaft", "Committee / membership"),
    ("weitervermittlung", "Weitervermittlung", "Referrals"),
    ("konflikt", "Konflikt", "Conflict"),
]


def ensure_defaults(**kwargs) -> None:
    TieKind.ensure_defaults(TIE_KINDS)
    ActorType.ensure_defaults(
        [(code, de, en) for code, de, en, _category in ACTOR_TYPES],
        **{code: {"category": category} for code, _de, _en, category in ACTOR_TYPES},
    )
