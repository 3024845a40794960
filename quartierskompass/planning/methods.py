"""The method library: field methods of social space analysis a team can use to find needs.

Written for Quartierskompass after the common methods of sozialraumorientierte Arbeit
(Deinet's methods of lifeworld analysis and the Stadtteilbegehung). Each method names the SONI
field it mainly serves and rates its effort from 1 (little) to 3 (much) for time, staff, cost
and complexity; ``participation`` says how much residents themselves take part (1 little,
3 much). Codes are stable: findings store them. Rows are synced after every ``migrate``.
"""

from __future__ import annotations

from typing import TypedDict

from django.db import transaction


class Text(TypedDict):
    de: str
    en: str


class MethodText(TypedDict):
    code: str
    field: str
    label: Text
    description: Text
    time: int
    staff: int
    cost: int
    participation: int
    complexity: int


METHODS: list[MethodText] = [
    {
        "code": "stadtteilbegehung",
        "field": "S",
        "label": {"de": "Strukturierte Stadtteilbegehung", "en": "Structured neighbourhood walk"},
        "description": {
            "de": "Zu zweit oder in kleiner Gruppe das Quartier zu Fuß erkunden, zu "
            "verschiedenen Tageszeiten, mit einem Beobachtungsbogen: Wege, Plätze, Läden, "
            "Treffpunkte, Barrieren, Leerstand. Fotos und Notizen werden danach gemeinsam "
            "ausgewertet. Zeigt schnell, wie das Quartier gebaut ist und wo sich das Leben "
            "abspielt.",
            "en": "Explore the neighbourhood on foot in pairs or a small group, at different "
            "times of day, with an observation sheet: paths, squares, shops, meeting places, "
            "barriers, empty buildings. Photos and notes are evaluated together afterwards. "
            "Shows quickly how the neighbourhood is built and where life happens.",
        },
        "time": 2,
        "staff": 2,
        "cost": 1,
        "participation": 1,
        "complexity": 1,
    },
    {
        "code": "nadelmethode",
        "field": "N",
        "label": {"de": "Nadelmethode", "en": "Pin method"},
        "description": {
            "de": "Auf einem großen Stadtteilplan stecken Bewohnerinnen und Bewohner farbige "
            "Nadeln: wo sie wohnen, wo sie sich gern aufhalten, wo sie sich unsicher fühlen. "
            "Gut an Festen, Märkten oder im Gemeindehaus. Macht sichtbar, welche Orte für wen "
            "wichtig sind – und kommt leicht ins Gespräch.",
            "en": "On a large map of the neighbourhood, residents place coloured pins: where "
            "they live, where they like to spend time, where they feel unsafe. Works well at "
            "fairs, markets or in the parish hall. Shows which places matter to whom – and "
            "starts conversations easily.",
        },
        "time": 1,
        "staff": 1,
        "cost": 1,
        "participation": 3,
        "complexity": 1,
    },
    {
        "code": "schluesselpersonen",
        "field": "N",
        "label": {"de": "Schlüsselpersoneninterview", "en": "Key person interview"},
        "description": {
            "de": "Leitfadengespräche mit Menschen, die das Quartier gut kennen: Hausmeisterin, "
            "Apotheker, Vereinsvorsitzende, Kioskbetreiber, Erzieherin. Sie wissen, was die "
            "Menschen bewegt, und öffnen Türen zu weiteren Kontakten.",
            "en": "Guided conversations with people who know the neighbourhood well: "
            "caretaker, pharmacist, club chair, kiosk owner, nursery teacher. They know what "
            "moves people and open doors to further contacts.",
        },
        "time": 2,
        "staff": 2,
        "cost": 1,
        "participation": 2,
        "complexity": 2,
    },
    {
        "code": "institutionenbefragung",
        "field": "O",
        "label": {"de": "Institutionenbefragung", "en": "Survey of institutions"},
        "description": {
            "de": "Schule, Kita, Beratungsstellen, Ämter und Vereine werden schriftlich oder im "
            "Gespräch nach ihren Angeboten, Zielgruppen, Öffnungszeiten und den Bedarfen "
            "gefragt, die sie sehen. Ergibt eine Übersicht der Organisationen und zeigt "
            "Doppelungen und Lücken.",
            "en": "School, nursery, counselling services, offices and clubs are asked in "
            "writing or in conversation about their offers, target groups, opening hours and "
            "the needs they see. Gives an overview of the organisations and shows "
            "duplication and gaps.",
        },
        "time": 3,
        "staff": 2,
        "cost": 1,
        "participation": 1,
        "complexity": 2,
    },
    {
        "code": "autofotografie",
        "field": "I",
        "label": {"de": "Autofotografie", "en": "Auto-photography"},
        "description": {
            "de": "Bewohnerinnen und Bewohner – oft Kinder und Jugendliche – fotografieren "
            "Orte, die ihnen wichtig sind, die sie meiden oder die sie verändern würden, und "
            "erzählen danach zu ihren Bildern. So kommt der Blick einzelner Menschen auf ihr "
            "Quartier ins Spiel.",
            "en": "Residents – often children and young people – photograph places that matter "
            "to them, that they avoid or would change, and afterwards talk about their "
            "pictures. This brings individual people's view of their neighbourhood into play.",
        },
        "time": 2,
        "staff": 2,
        "cost": 2,
        "participation": 3,
        "complexity": 2,
    },
    {
        "code": "subjektive-landkarte",
        "field": "I",
        "label": {"de": "Subjektive Landkarte", "en": "Subjective map"},
        "description": {
            "de": "Einzelne Menschen zeichnen ihr Quartier aus dem Gedächtnis: ihre Wege, "
            "Lieblingsorte, Angstorte, die Menschen, die sie dort treffen. Im Gespräch über die "
            "Zeichnung werden Lebenswelt und Ressourcen der Person sichtbar.",
            "en": "Individuals draw their neighbourhood from memory: their routes, favourite "
            "places, places they fear, the people they meet there. Talking about the drawing "
            "reveals the person's lifeworld and resources.",
        },
        "time": 2,
        "staff": 2,
        "cost": 1,
        "participation": 3,
        "complexity": 2,
    },
    {
        "code": "zeitbudget",
        "field": "I",
        "label": {"de": "Zeitbudget", "en": "Time budget"},
        "description": {
            "de": "Menschen halten fest, wie ein typischer Tag oder eine Woche verläuft: wann "
            "sie wo sind, mit wem, was sie tun. Zeigt, wann Angebote erreichbar sein müssen "
            "und wo Zeit fehlt – etwa bei Alleinerziehenden oder pflegenden Angehörigen.",
            "en": "People record how a typical day or week goes: when they are where, with whom, "
            "doing what. Shows when offers must be reachable and where time is short – for "
            "single parents or family carers, for example.",
        },
        "time": 2,
        "staff": 1,
        "cost": 1,
        "participation": 3,
        "complexity": 2,
    },
    {
        "code": "gruppeninterview",
        "field": "N",
        "label": {"de": "Gruppeninterview", "en": "Group interview"},
        "description": {
            "de": "Ein moderiertes Gespräch mit einer bestehenden Gruppe – Seniorenkreis, "
            "Elterncafé, Jugendtreff – über ihr Leben im Quartier, was gut ist und was fehlt. "
            "Die Gruppe ergänzt und korrigiert sich gegenseitig.",
            "en": "A moderated conversation with an existing group – seniors' circle, parents' "
            "café, youth club – about their life in the neighbourhood, what is good and what "
            "is missing. The group adds to and corrects each other.",
        },
        "time": 1,
        "staff": 2,
        "cost": 1,
        "participation": 2,
        "complexity": 2,
    },
]


@transaction.atomic
def sync_methods(**kwargs) -> int:
    """Create or update every method by its code (connected to ``post_migrate``)."""
    from quartierskompass.planning.models import Method

    for position, item in enumerate(METHODS):
        Method.objects.update_or_create(
            code=item["code"],
            defaults={
                "field": item["field"],
                "position": position,
                "label_de": item["label"]["de"],
                "label_en": item["label"]["en"],
                "description_de": item["description"]["de"],
                "description_en": item["description"]["en"],
                "effort_time": item["time"],
                "effort_staff": item["staff"],
                "effort_cost": item["cost"],
                "participation": item["participation"],
                "complexity": item["complexity"],
            },
        )
    return len(METHODS)
