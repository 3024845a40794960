"""The wording of the SONI model's work forms, Hinte's principles and the guiding questions.

Written for Quartierskompass after the project text „Aufbruch Quartier“ (see
../shared/seed/). German first, English second. Codes are stable: they are stored with
activities and workshops and appear in exports. Changing a text here updates the database
on the next ``migrate``; removing a code is not allowed once it is in use.
"""

from __future__ import annotations

from typing import TypedDict


class Text(TypedDict):
    de: str
    en: str


class WorkFormText(TypedDict):
    code: str
    field: str
    label: Text
    description: Text


class PrincipleText(TypedDict):
    code: str
    label: Text
    description: Text


class QuestionText(TypedDict):
    code: str
    field: str
    text: Text


WORK_FORMS: list[WorkFormText] = [
    {
        "code": "s-analyse",
        "field": "S",
        "label": {
            "de": "Sozialraumanalyse (Bestand feststellen, Bedarf ermitteln)",
            "en": "Social space analysis (take stock, establish needs)",
        },
        "description": {
            "de": "Was gibt es im Quartier schon, was fehlt? Daten der Kommune, Begehungen und "
            "Gespräche zeigen Lebenslagen, Angebote und Lücken.",
            "en": "What does the neighbourhood already have, what is missing? Municipal data, "
            "walks and conversations show living conditions, offers and gaps.",
        },
    },
    {
        "code": "s-planung",
        "field": "S",
        "label": {
            "de": "Sozialraumplanung (bedarfsgerechte Infrastruktur planen)",
            "en": "Social space planning (plan infrastructure that fits the need)",
        },
        "description": {
            "de": "Gemeinsam mit Verwaltung und Politik planen, welche Räume, Dienste und "
            "Angebote das Quartier braucht.",
            "en": "Plan with the administration and local politics which places, services and "
            "offers the neighbourhood needs.",
        },
    },
    {
        "code": "s-konzept",
        "field": "S",
        "label": {
            "de": "Kommunales Sozialraumkonzept (politische Entscheidungen, Transparenz und "
            "Öffentlichkeit)",
            "en": "Municipal social space concept (political decisions, transparency and "
            "publicity)",
        },
        "description": {
            "de": "Die Anliegen des Quartiers in Gremien und Ausschüsse tragen, Entscheidungen "
            "herbeiführen und öffentlich machen.",
            "en": "Bring the neighbourhood's concerns to councils and committees, bring about "
            "decisions and make them public.",
        },
    },
    {
        "code": "o-angebote",
        "field": "O",
        "label": {
            "de": "Entwicklung bedarfsgerechter Infrastruktur- und Unterstützungsangebote",
            "en": "Developing infrastructure and support offers that fit the need",
        },
        "description": {
            "de": "Angebote der eigenen Einrichtung am Bedarf im Quartier ausrichten, neue "
            "entwickeln, Überholtes beenden.",
            "en": "Align the organisation's own offers with the needs in the neighbourhood, "
            "develop new ones, end outdated ones.",
        },
    },
    {
        "code": "o-steuerung",
        "field": "O",
        "label": {
            "de": "Sozialräumliche Steuerung der trägereigenen Angebote",
            "en": "Steering the provider's own offers by social space",
        },
        "description": {
            "de": "Kirchengemeinde, Bezirksstelle oder diakonische Einrichtung planen und "
            "steuern ihre Dienste vom Quartier her statt nach Zuständigkeiten.",
            "en": "Parish, deanery office or diaconal service plan and steer their services "
            "from the neighbourhood rather than by responsibilities.",
        },
    },
    {
        "code": "o-koordinierung",
        "field": "O",
        "label": {
            "de": "Sozialräumliche Koordinierung der trägerübergreifenden Angebote",
            "en": "Coordinating offers across providers by social space",
        },
        "description": {
            "de": "Angebote verschiedener Träger und Ämter im Quartier aufeinander abstimmen, "
            "Doppelungen vermeiden, Lücken gemeinsam schließen.",
            "en": "Coordinate the offers of different providers and offices in the "
            "neighbourhood, avoid duplication, close gaps together.",
        },
    },
    {
        "code": "n-gemeinwesen",
        "field": "N",
        "label": {
            "de": "Fallunspezifische Arbeit: Ausgangslage ist der Bedarf im Gemeinwesen",
            "en": "Work not tied to a case: starting from the needs of the community",
        },
        "description": {
            "de": "Kontakte knüpfen, Orte der Begegnung schaffen und Themen aufgreifen, bevor "
            "daraus Einzelfälle werden.",
            "en": "Make contacts, create places to meet and take up issues before they turn "
            "into individual cases.",
        },
    },
    {
        "code": "n-empowerment",
        "field": "N",
        "label": {
            "de": "Aktivierung gemeinwesenbezogener Ressourcen (quartiersbezogenes Empowerment)",
            "en": "Activating community resources (neighbourhood empowerment)",
        },
        "description": {
            "de": "Engagement, Räume, Wissen und Beziehungen im Quartier sichtbar machen und "
            "Bewohnerinnen und Bewohner darin stärken, selbst aktiv zu werden.",
            "en": "Make the neighbourhood's commitment, places, knowledge and relationships "
            "visible and support residents in becoming active themselves.",
        },
    },
    {
        "code": "n-kooperation",
        "field": "N",
        "label": {
            "de": "Trägerübergreifende Kooperation zur Entwicklung struktureller Angebote im "
            "Gemeinwesen",
            "en": "Cooperation across providers to develop lasting offers in the community",
        },
        "description": {
            "de": "Mit Vereinen, Initiativen, Schulen und anderen Trägern dauerhafte Angebote "
            "für das Gemeinwesen aufbauen.",
            "en": "Build lasting offers for the community together with associations, "
            "initiatives, schools and other providers.",
        },
    },
    {
        "code": "i-fallarbeit",
        "field": "I",
        "label": {
            "de": "Fallspezifische Arbeit: Ausgangslage ist der individuelle Bedarf und der "
            "Wille der Menschen",
            "en": "Casework: starting from the individual's needs and will",
        },
        "description": {
            "de": "Beratung und Begleitung, die bei dem ansetzt, was die Person selbst will – "
            "nicht bei dem, was andere für sie vorsehen.",
            "en": "Counselling and support that start from what the person wants – not from "
            "what others have in mind for them.",
        },
    },
    {
        "code": "i-empowerment",
        "field": "I",
        "label": {
            "de": "Arbeit mit individuellen Ressourcen (individuelles Empowerment)",
            "en": "Working with individual resources (individual empowerment)",
        },
        "description": {
            "de": "Fähigkeiten, Kontakte und Stärken der Person entdecken und nutzen, damit sie "
            "ihr Leben wieder selbst in die Hand nimmt.",
            "en": "Discover and use the person's abilities, contacts and strengths so that "
            "they can take their life into their own hands again.",
        },
    },
    {
        "code": "i-case-management",
        "field": "I",
        "label": {
            "de": "Fallbezogene Koordinierung passgenauer individueller Hilfen (Case-Management)",
            "en": "Coordinating individual help that fits exactly (case management)",
        },
        "description": {
            "de": "Die passenden Hilfen im Quartier finden, verbinden und im Blick behalten – "
            "über Zuständigkeiten hinweg.",
            "en": "Find the fitting help in the neighbourhood, connect it and keep track of "
            "it – across responsibilities.",
        },
    },
]

PRINCIPLES: list[PrincipleText] = [
    {
        "code": "wille",
        "label": {
            "de": "Orientierung am Willen und an den Interessen der Menschen",
            "en": "Starting from people's will and interests",
        },
        "description": {
            "de": "Ausgangspunkt ist, was die Menschen selbst wollen, nicht ein von außen "
            "festgestellter Bedarf.",
            "en": "The starting point is what people themselves want, not a need defined "
            "from outside.",
        },
    },
    {
        "code": "eigeninitiative",
        "label": {
            "de": "Eigeninitiative und Selbsthilfe unterstützen",
            "en": "Supporting own initiative and self-help",
        },
        "description": {
            "de": "Aktivierende Arbeit hat Vorrang vor betreuender: so viel Unterstützung wie "
            "nötig, so viel Selbsttätigkeit wie möglich.",
            "en": "Activating work comes before caring for people: as much support as needed, "
            "as much own activity as possible.",
        },
    },
    {
        "code": "ressourcen",
        "label": {
            "de": "Ressourcen der Menschen und des Sozialraums nutzen",
            "en": "Using the resources of people and of the social space",
        },
        "description": {
            "de": "Stärken, Fähigkeiten und Beziehungen der Menschen und die Möglichkeiten des "
            "Quartiers stehen im Mittelpunkt, nicht die Defizite.",
            "en": "People's strengths, abilities and relationships and the neighbourhood's "
            "possibilities come first, not its deficits.",
        },
    },
    {
        "code": "zielgruppenuebergreifend",
        "label": {
            "de": "Zielgruppen- und bereichsübergreifend arbeiten",
            "en": "Working across target groups and sectors",
        },
        "description": {
            "de": "Angebote verbinden Generationen, Gruppen und Arbeitsfelder, statt Menschen "
            "nach Zuständigkeiten aufzuteilen.",
            "en": "Offers connect generations, groups and fields of work instead of dividing "
            "people by responsibilities.",
        },
    },
    {
        "code": "kooperation",
        "label": {
            "de": "Kooperation und Koordination",
            "en": "Cooperation and coordination",
        },
        "description": {
            "de": "Dienste, Träger, Ämter und Engagierte im Quartier stimmen sich ab und "
            "arbeiten zusammen.",
            "en": "Services, providers, offices and volunteers in the neighbourhood agree with "
            "each other and work together.",
        },
    },
]

GUIDING_QUESTIONS: list[QuestionText] = [
    {
        "code": "s-1",
        "field": "S",
        "text": {
            "de": "Welche Zahlen und Berichte der Kommune über unser Quartier kennen wir – und "
            "was sagen sie über die Lebenslagen hier?",
            "en": "Which municipal figures and reports on our neighbourhood do we know – and "
            "what do they say about living conditions here?",
        },
    },
    {
        "code": "s-2",
        "field": "S",
        "text": {
            "de": "Wer in Verwaltung und Kommunalpolitik ist für unser Quartier zuständig, und "
            "wann haben wir zuletzt mit ihnen gesprochen?",
            "en": "Who in the administration and local politics is responsible for our "
            "neighbourhood, and when did we last talk to them?",
        },
    },
    {
        "code": "s-3",
        "field": "S",
        "text": {
            "de": "In welchen Gremien (Ausschüsse, Stadtteilkonferenz, Sozialraumkonferenz) "
            "werden Entscheidungen über unser Quartier getroffen – und sind wir dort vertreten?",
            "en": "In which bodies (committees, district conference, social space conference) "
            "are decisions about our neighbourhood made – and are we represented there?",
        },
    },
    {
        "code": "s-4",
        "field": "S",
        "text": {
            "de": "Welche Erfahrung aus unserer Arbeit sollte die Sozialplanung kennen, damit "
            "sie bei der nächsten Entscheidung zählt?",
            "en": "Which experience from our work should social planning know so that it counts "
            "in the next decision?",
        },
    },
    {
        "code": "o-1",
        "field": "O",
        "text": {
            "de": "Welche unserer Angebote richten sich am Bedarf im Quartier aus – und welche "
            "gibt es vor allem, weil es sie schon immer gab?",
            "en": "Which of our offers follow the needs in the neighbourhood – and which exist "
            "mainly because they always have?",
        },
    },
    {
        "code": "o-2",
        "field": "O",
        "text": {
            "de": "Welche anderen Träger und Ämter bieten hier Ähnliches an, und wie stimmen wir "
            "uns mit ihnen ab?",
            "en": "Which other providers and offices offer something similar here, and how do "
            "we coordinate with them?",
        },
    },
    {
        "code": "o-3",
        "field": "O",
        "text": {
            "de": "Wie können Kirchengemeinde, Bezirksstelle und diakonische Einrichtungen ihre "
            "Räume, Zeiten und Mitarbeitenden gemeinsam vom Quartier her planen?",
            "en": "How can the parish, the deanery office and diaconal services plan their "
            "rooms, hours and staff together from the neighbourhood?",
        },
    },
    {
        "code": "n-1",
        "field": "N",
        "text": {
            "de": "Wo begegnen sich Menschen im Quartier – und wer kommt dort nicht vor?",
            "en": "Where do people meet in the neighbourhood – and who is missing there?",
        },
    },
    {
        "code": "n-2",
        "field": "N",
        "text": {
            "de": "Welche Schlüsselpersonen, Vereine und Initiativen tragen das Gemeinwesen, und "
            "was brauchen sie von uns?",
            "en": "Which key persons, associations and initiatives carry the community, and "
            "what do they need from us?",
        },
    },
    {
        "code": "n-3",
        "field": "N",
        "text": {
            "de": "Welche Anliegen aus dem Quartier könnten wir gemeinsam mit anderen Trägern "
            "als dauerhaftes Angebot aufgreifen?",
            "en": "Which concerns from the neighbourhood could we take up as a lasting offer "
            "together with other providers?",
        },
    },
    {
        "code": "i-1",
        "field": "I",
        "text": {
            "de": "Gehen wir in der Beratung vom Willen der Menschen aus – oder von dem, was wir "
            "anbieten können?",
            "en": "Does our counselling start from what people want – or from what we are able "
            "to offer?",
        },
    },
    {
        "code": "i-2",
        "field": "I",
        "text": {
            "de": "Welche Fähigkeiten und Kontakte der Menschen, die zu uns kommen, nutzen wir "
            "bisher zu wenig?",
            "en": "Which abilities and contacts of the people who come to us do we use too "
            "little so far?",
        },
    },
    {
        "code": "i-3",
        "field": "I",
        "text": {
            "de": "Welche Anliegen aus Einzelfällen kehren immer wieder – und wohin tragen wir "
            "sie, damit daraus mehr als ein Einzelfall wird (vom Fall zum Feld)?",
            "en": "Which concerns from single cases come up again and again – and where do we "
            "take them so that they become more than a single case (from case to field)?",
        },
    },
]
