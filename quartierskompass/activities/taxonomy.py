"""Default needs (Bedarfe) and target groups (Zielgruppen), German first, with stable codes."""

from __future__ import annotations

from quartierskompass.activities.models import Need, TargetGroup

NEEDS: list[tuple[str, str, str]] = [
    ("existenzsicherung", "Existenzsicherung / Armut", "Basic income / poverty"),
    ("wohnen", "Wohnen", "Housing"),
    ("arbeit", "Arbeit", "Work"),
    ("bildung-sprache", "Bildung & Sprache", "Education & language"),
    ("kinder-familie", "Kinder & Familie", "Children & family"),
    ("jugend", "Jugend", "Youth"),
    ("alter-pflege", "Alter & Pflege", "Old age & care"),
    ("gesundheit", "Gesundheit", "Health"),
    ("inklusion", "Behinderung & Inklusion", "Disability & inclusion"),
    ("migration-teilhabe", "Migration & Teilhabe", "Migration & participation"),
    ("einsamkeit-begegnung", "Einsamkeit & Begegnung", "Loneliness & meeting others"),
    ("sucht", "Sucht", "Addiction"),
    ("engagement", "Engagement & Ehrenamt", "Civic engagement & volunteering"),
    ("mobilitaet-nahversorgung", "Mobilität & Nahversorgung", "Mobility & local shops"),
    ("wohnumfeld", "Wohnumfeld & öffentlicher Raum", "Neighbourhood & public space"),
    ("digitale-teilhabe", "Digitale Teilhabe", "Digital participation"),
]

TARGET_GROUPS: list[tuple[str, str, str]] = [
    ("alle", "Alle Bewohnerinnen und Bewohner", "All residents"),
    ("kinder", "Kinder", "Children"),
    ("jugendliche", "Jugendliche", "Young people"),
    ("junge-erwachsene", "Junge Erwachsene", "Young adults"),
    ("familien", "Familien", "Families"),
    ("alleinerziehende", "Alleinerziehende", "Single parents"),
    ("senioren", "Seniorinnen und Senioren", "Older people"),
    ("pflegende-angehoerige", "Pflegende Angehörige", "Family carers"),
    ("behinderung", "Menschen mit Behinderung", "People with disabilities"),
    ("migration", "Menschen mit Migrationsgeschichte", "People with a migration history"),
    ("gefluechtete", "Geflüchtete", "Refugees"),
    ("wohnungslose", "Wohnungslose Menschen", "Homeless people"),
    ("arbeitsuchende", "Arbeitsuchende", "Job seekers"),
    ("ehrenamtliche", "Ehrenamtliche", "Volunteers"),
    ("fachkraefte", "Fachkräfte und Einrichtungen", "Professionals and institutions"),
]


def ensure_defaults(**kwargs) -> None:
    Need.ensure_defaults(NEEDS)
    TargetGroup.ensure_defaults(TARGET_GROUPS)
