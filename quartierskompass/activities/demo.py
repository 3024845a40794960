"""Demo activities of the Falkenhagener Feld: a parish, a diaconal service and partners.

The picture is typical of church and diaconal work: strong in Individuum and Netzwerk, weak
in Sozialstruktur – and growing there this year, when the team started to sit at the tables
where the district decides. Dates are relative to the current year, so the demo stays fresh.
Every name is invented.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Need, TargetGroup
from quartierskompass.actors.models import Actor, ActorType
from quartierskompass.areas.models import Area
from quartierskompass.soni.model import equal_shares
from quartierskompass.soni.models import WorkForm

NAMESPACE = uuid.UUID("6f1b7f0e-4a51-4f3e-9a76-2d9e3c1b8a10")

ACTORS = [
    ("Ev. Kirchengemeinde Zum Guten Hirten", "kirchengemeinde", "N"),
    ("Diakonisches Werk Spandau", "diakonie", "I"),
    ("Bezirksstelle Kirchenkreis Spandau", "bezirksstelle", "O"),
    ("Caritas-Beratungsstelle Spandau-Nord", "wohlfahrt", "I"),
    ("Bezirksamt Spandau – Sozialamt", "amt-sozial", "O"),
    ("Bezirksamt Spandau – Jugendamt", "amt-jugend", "O"),
    ("Jobcenter Spandau", "amt-arbeit", "O"),
    ("Sozialausschuss der BVV Spandau", "politik", "S"),
    ("Stadtteilkonferenz Falkenhagener Feld", "politik", "S"),
    ("Nachbarschaftsverein Falkenhagener Feld e. V.", "verein", "N"),
    ("Mieterbeirat Westerwaldstraße", "initiative", "N"),
    ("Grundschule am Feld", "schule-kita", "N"),
    ("Kita Regenbogen", "schule-kita", "N"),
    ("Wohnungsbaugesellschaft Spandau-Nord", "wohnungswirtschaft", "O"),
    ("Tafel-Ausgabestelle Falkenseer Chaussee", "verein", "I"),
]
(
    GEMEINDE,
    DIAKONIE,
    BEZIRKSSTELLE,
    CARITAS,
    SOZIALAMT,
    JUGENDAMT,
    JOBCENTER,
    AUSSCHUSS,
    KONFERENZ,
    VEREIN,
    MIETERBEIRAT,
    SCHULE,
    KITA,
    WOHNUNGSBAU,
    TAFEL,
) = (a[0] for a in ACTORS)

# title, shares ("NI" = equal split, or {"I": 80, "O": 20}), measures
# (staff hours, volunteer hours, budget EUR, people reached – per year; None = not known),
# (start, end) as (year offset, month) pairs, status, responsible, partners, needs,
# target groups, work forms, public offer details or None
Y = 0  # this year
L = -1  # last year
ACTIVITIES = [
    (
        "Allgemeine Sozialberatung",
        {"I": 80, "O": 20},
        (780, 0, 4000, 210),
        ((-4, 1), None),
        "active",
        DIAKONIE,
        [GEMEINDE, SOZIALAMT],
        ["existenzsicherung", "wohnen"],
        ["alle"],
        ["i-fallarbeit", "i-case-management"],
        {
            "schedule": "Di 9–12 Uhr, Do 14–17 Uhr",
            "free_of_charge": True,
            "languages": ["de", "tr", "ar"],
            "barrier_free": True,
            "contact_name": "Beratungsstelle Diakonie",
            "contact_phone": "030 555 0101",
        },
    ),
    (
        "Schuldner- und Insolvenzberatung",
        "I",
        (520, 0, 2500, 85),
        ((-6, 1), None),
        "active",
        DIAKONIE,
        [JOBCENTER],
        ["existenzsicherung"],
        ["alle", "arbeitsuchende"],
        ["i-fallarbeit"],
        {
            "schedule": "Mi 9–13 Uhr nach Terminvereinbarung",
            "free_of_charge": True,
            "languages": ["de"],
            "contact_name": "Schuldnerberatung",
            "contact_phone": "030 555 0102",
        },
    ),
    (
        "Migrationsberatung für Erwachsene",
        {"I": 70, "N": 30},
        (620, 0, None, 140),
        ((-5, 1), None),
        "active",
        DIAKONIE,
        [CARITAS],
        ["migration-teilhabe", "bildung-sprache"],
        ["migration", "gefluechtete"],
        ["i-fallarbeit", "i-empowerment"],
        {
            "schedule": "Mo 10–16 Uhr",
            "free_of_charge": True,
            "languages": ["de", "ar", "fa", "uk"],
            "barrier_free": True,
            "contact_name": "Migrationsberatung",
        },
    ),
    (
        "Seniorenbesuchsdienst",
        {"I": 60, "N": 40},
        (120, 1400, 800, 60),
        ((-8, 1), None),
        "active",
        GEMEINDE,
        [],
        ["einsamkeit-begegnung", "alter-pflege"],
        ["senioren"],
        ["i-empowerment", "n-empowerment"],
        None,
    ),
    (
        "Trauergesprächskreis",
        "NI",
        (60, 80, 150, 25),
        ((-3, 9), None),
        "active",
        GEMEINDE,
        [],
        ["einsamkeit-begegnung"],
        ["alle"],
        [],
        None,
    ),
    (
        "Begleitung bei Behördengängen",
        "I",
        (40, 300, None, 45),
        ((-2, 3), None),
        "active",
        VEREIN,
        [DIAKONIE],
        ["migration-teilhabe", "existenzsicherung"],
        ["migration", "senioren"],
        ["i-case-management"],
        None,
    ),
    (
        "Hausaufgabenhilfe im Gemeindehaus",
        "NI",
        (80, 600, 1200, 35),
        ((-4, 9), None),
        "active",
        GEMEINDE,
        [SCHULE],
        ["bildung-sprache", "kinder-familie"],
        ["kinder"],
        ["i-empowerment"],
        {
            "schedule": "Mo–Do 14–16 Uhr (Schulzeit)",
            "free_of_charge": True,
            "languages": ["de"],
            "min_age": 6,
            "max_age": 12,
            "contact_name": "Gemeindebüro",
        },
    ),
    (
        "Pflegeberatung für Angehörige",
        {"I": 70, "O": 30},
        (300, 0, None, 55),
        ((-3, 1), None),
        "active",
        DIAKONIE,
        [],
        ["alter-pflege"],
        ["pflegende-angehoerige", "senioren"],
        ["i-case-management"],
        None,
    ),
    (
        "Einzelfallhilfe bei Wohnungsnotfällen",
        {"I": 80, "O": 20},
        (400, 0, 3000, 30),
        ((-4, 1), None),
        "active",
        DIAKONIE,
        [SOZIALAMT, WOHNUNGSBAU],
        ["wohnen"],
        ["wohnungslose", "alleinerziehende"],
        ["i-case-management"],
        None,
    ),
    (
        "Seelsorge und Hausbesuche",
        "I",
        (350, 0, None, 120),
        ((-10, 1), None),
        "active",
        GEMEINDE,
        [],
        ["einsamkeit-begegnung"],
        ["alle"],
        ["i-fallarbeit"],
        None,
    ),
    (
        "Familienpatenschaften",
        "NI",
        (150, 900, 1800, 18),
        ((-2, 4), None),
        "active",
        DIAKONIE,
        [KITA, VEREIN],
        ["kinder-familie"],
        ["familien", "alleinerziehende"],
        ["i-empowerment", "n-empowerment"],
        None,
    ),
    (
        "Lotsin zum Jobcenter",
        {"I": 60, "O": 40},
        (200, 0, None, 70),
        ((L, 7), None),
        "active",
        DIAKONIE,
        [JOBCENTER],
        ["arbeit", "existenzsicherung"],
        ["arbeitsuchende"],
        ["i-case-management", "o-koordinierung"],
        None,
    ),
    (
        "Nachbarschaftscafé „Feldblick“",
        {"N": 70, "I": 30},
        (200, 1100, 3500, 300),
        ((-5, 1), None),
        "active",
        GEMEINDE,
        [VEREIN, DIAKONIE],
        ["einsamkeit-begegnung"],
        ["alle", "senioren"],
        ["n-gemeinwesen"],
        {
            "schedule": "Mi und Fr 14–17 Uhr",
            "cost": "Kaffee und Kuchen gegen Spende",
            "free_of_charge": True,
            "languages": ["de", "tr"],
            "barrier_free": True,
            "contact_name": "Gemeindebüro",
            "contact_phone": "030 555 0100",
        },
    ),
    (
        "Interkultureller Frauentreff",
        {"N": 60, "I": 40},
        (150, 400, 900, 40),
        ((-3, 2), None),
        "active",
        CARITAS,
        [GEMEINDE],
        ["migration-teilhabe", "einsamkeit-begegnung"],
        ["migration"],
        ["n-gemeinwesen", "n-empowerment"],
        {
            "schedule": "Do 10–12 Uhr",
            "free_of_charge": True,
            "languages": ["de", "ar", "tr", "fa"],
            "eligibility": "Frauen aus dem Quartier, Kinder können mitkommen",
        },
    ),
    (
        "Mittagstisch für alle",
        "NI",
        (100, 1600, 9000, 180),
        ((-6, 1), None),
        "active",
        GEMEINDE,
        [TAFEL],
        ["existenzsicherung", "einsamkeit-begegnung"],
        ["alle"],
        ["n-gemeinwesen"],
        {
            "schedule": "Di und Do 12–13.30 Uhr",
            "cost": "2 Euro, für Kinder frei",
            "free_of_charge": False,
            "languages": ["de"],
            "barrier_free": True,
        },
    ),
    (
        "Repair-Café",
        "N",
        (None, 350, 600, 120),
        ((-2, 5), None),
        "active",
        VEREIN,
        [GEMEINDE],
        ["engagement", "wohnumfeld"],
        ["alle"],
        ["n-empowerment"],
        {
            "schedule": "jeden 1. Samstag im Monat 10–13 Uhr",
            "free_of_charge": True,
            "languages": ["de"],
        },
    ),
    (
        "Kiezspaziergänge mit Seniorinnen und Senioren",
        {"N": 80, "S": 20},
        (30, 120, 0, 40),
        ((-1, 4), None),
        "active",
        GEMEINDE,
        [MIETERBEIRAT],
        ["mobilitaet-nahversorgung", "wohnumfeld"],
        ["senioren"],
        ["n-gemeinwesen", "s-analyse"],
        None,
    ),
    (
        "Gemeinschaftsgarten Westerwaldstraße",
        "N",
        (None, 700, 1500, 60),
        ((-3, 4), None),
        "active",
        MIETERBEIRAT,
        [WOHNUNGSBAU, GEMEINDE],
        ["wohnumfeld", "engagement"],
        ["alle"],
        ["n-empowerment", "n-kooperation"],
        None,
    ),
    (
        "Sommerfest im Quartier (jährlich)",
        {"N": 80, "O": 20},
        (120, 400, 4000, 900),
        ((-7, 1), None),
        "active",
        GEMEINDE,
        [VEREIN, SCHULE, KITA, WOHNUNGSBAU],
        ["einsamkeit-begegnung"],
        ["alle"],
        ["n-gemeinwesen", "n-kooperation"],
        None,
    ),
    (
        "Stammtisch der Ehrenamtlichen",
        {"N": 60, "O": 40},
        (60, 100, 500, 45),
        ((-4, 1), None),
        "active",
        GEMEINDE,
        [],
        ["engagement"],
        ["ehrenamtliche"],
        ["n-empowerment"],
        None,
    ),
    (
        "Eltern-Kind-Gruppe „Krabbelkäfer“",
        {"N": 60, "I": 40},
        (150, 200, 600, 25),
        ((-3, 9), None),
        "active",
        GEMEINDE,
        [KITA],
        ["kinder-familie"],
        ["familien"],
        ["n-gemeinwesen"],
        {
            "schedule": "Di 9.30–11 Uhr",
            "free_of_charge": True,
            "languages": ["de"],
            "max_age": 3,
            "eligibility": "Eltern mit Kindern bis 3 Jahre",
        },
    ),
    (
        "Jugendtreff im Gemeindehaus",
        {"N": 60, "I": 40},
        (500, 150, 2500, 70),
        ((-5, 1), None),
        "active",
        GEMEINDE,
        [JUGENDAMT],
        ["jugend"],
        ["jugendliche"],
        ["n-gemeinwesen", "i-empowerment"],
        {
            "schedule": "Mo, Mi, Fr 16–20 Uhr",
            "free_of_charge": True,
            "languages": ["de"],
            "min_age": 12,
            "max_age": 18,
        },
    ),
    (
        "Smartphone-Sprechstunde",
        "NI",
        (None, 250, 300, 90),
        ((Y, 2), None),
        "active",
        VEREIN,
        [GEMEINDE],
        ["digitale-teilhabe"],
        ["senioren"],
        ["n-empowerment"],
        {"schedule": "Mi 10–12 Uhr", "free_of_charge": True, "languages": ["de", "ru"]},
    ),
    (
        "Chor der Nationen",
        "N",
        (None, 200, 400, 35),
        ((-4, 1), None),
        "active",
        GEMEINDE,
        [],
        ["migration-teilhabe", "einsamkeit-begegnung"],
        ["alle"],
        ["n-gemeinwesen"],
        None,
    ),
    (
        "Lesepatinnen und Lesepaten",
        "NI",
        (20, 300, None, 40),
        ((-2, 9), None),
        "active",
        VEREIN,
        [SCHULE],
        ["bildung-sprache"],
        ["kinder"],
        ["n-kooperation"],
        None,
    ),
    (
        "Nachbarschaftshilfe-Börse",
        {"N": 70, "I": 30},
        (80, 400, 700, 110),
        ((-3, 1), None),
        "active",
        VEREIN,
        [GEMEINDE],
        ["engagement", "einsamkeit-begegnung"],
        ["alle"],
        ["n-empowerment"],
        None,
    ),
    (
        "Fahrdienst zum Einkaufen",
        "NI",
        (None, 500, 2000, 30),
        ((-2, 1), None),
        "active",
        VEREIN,
        [],
        ["mobilitaet-nahversorgung"],
        ["senioren", "behinderung"],
        ["n-empowerment"],
        None,
    ),
    (
        "Dienstbesprechung Gemeinde und Diakonie",
        "O",
        (120, 0, 0, 12),
        ((-3, 1), None),
        "active",
        BEZIRKSSTELLE,
        [GEMEINDE, DIAKONIE],
        [],
        ["fachkraefte"],
        ["o-steuerung"],
        None,
    ),
    (
        "Quartiersrunde der Träger",
        {"O": 70, "N": 30},
        (90, 0, 0, 20),
        ((-2, 1), None),
        "active",
        DIAKONIE,
        [CARITAS, VEREIN, JUGENDAMT],
        [],
        ["fachkraefte"],
        ["o-koordinierung", "n-kooperation"],
        None,
    ),
    (
        "Gemeindehaus für Initiativen öffnen",
        {"O": 60, "N": 40},
        (60, 0, 0, None),
        ((-2, 1), None),
        "active",
        GEMEINDE,
        [VEREIN, MIETERBEIRAT],
        ["engagement"],
        ["ehrenamtliche"],
        ["o-angebote", "n-empowerment"],
        None,
    ),
    (
        "Konzept für die Beratungsangebote",
        "O",
        (150, 0, 0, None),
        ((L, 1), (L, 10)),
        "ended",
        BEZIRKSSTELLE,
        [DIAKONIE],
        [],
        ["fachkraefte"],
        ["o-angebote", "o-steuerung"],
        None,
    ),
    (
        "Kooperationsvereinbarung mit der Kita Regenbogen",
        {"O": 70, "I": 30},
        (40, 0, 0, 60),
        ((-1, 3), None),
        "active",
        GEMEINDE,
        [KITA],
        ["kinder-familie"],
        ["familien"],
        ["o-koordinierung"],
        None,
    ),
    (
        "Fortbildung für Ehrenamtliche",
        "ON",
        (80, 0, 1500, 35),
        ((-3, 1), None),
        "active",
        BEZIRKSSTELLE,
        [DIAKONIE],
        ["engagement"],
        ["ehrenamtliche"],
        ["o-angebote"],
        None,
    ),
    (
        "Wärmeraum im Gemeindehaus",
        "ONI",
        (100, 300, 2500, 150),
        ((L, 1), (L, 3)),
        "ended",
        GEMEINDE,
        [DIAKONIE, TAFEL],
        ["existenzsicherung", "einsamkeit-begegnung"],
        ["alle"],
        ["o-angebote", "n-gemeinwesen"],
        None,
    ),
    (
        "Mitarbeit in der Stadtteilkonferenz",
        {"S": 70, "O": 30},
        (40, 0, 0, 30),
        ((-2, 1), None),
        "active",
        GEMEINDE,
        [KONFERENZ, DIAKONIE],
        [],
        ["fachkraefte"],
        ["s-konzept", "o-koordinierung"],
        None,
    ),
    (
        "Sozialraumbegehung mit dem Bezirksamt",
        {"S": 60, "N": 40},
        (24, 20, 0, 25),
        ((Y, 3), None),
        "active",
        GEMEINDE,
        [SOZIALAMT, MIETERBEIRAT],
        ["wohnumfeld"],
        ["alle"],
        ["s-analyse", "n-gemeinwesen"],
        None,
    ),
    (
        "Stellungnahme zum Jugendhilfeplan",
        "S",
        (16, 0, 0, None),
        ((L, 4), (L, 6)),
        "ended",
        DIAKONIE,
        [JUGENDAMT],
        ["jugend"],
        ["jugendliche"],
        ["s-planung"],
        None,
    ),
    (
        "Gespräche mit dem Sozialausschuss",
        "SO",
        (10, 0, 0, None),
        ((Y, 5), None),
        "active",
        BEZIRKSSTELLE,
        [AUSSCHUSS],
        ["existenzsicherung", "wohnen"],
        ["fachkraefte"],
        ["s-konzept"],
        None,
    ),
    (
        "Bedarfsanalyse Seniorenarbeit",
        "SO",
        (60, 0, 0, None),
        ((Y, 9), None),
        "planned",
        GEMEINDE,
        [SOZIALAMT],
        ["alter-pflege"],
        ["senioren"],
        ["s-analyse"],
        None,
    ),
    (
        "Mieterversammlungen unterstützen",
        {"S": 30, "N": 70},
        (50, 40, 200, 80),
        ((-1, 9), None),
        "active",
        MIETERBEIRAT,
        [WOHNUNGSBAU, GEMEINDE],
        ["wohnen"],
        ["alle"],
        ["n-empowerment", "s-konzept"],
        None,
    ),
    (
        "Beirat Quartiersentwicklung",
        {"S": 60, "N": 40},
        (36, 0, 0, None),
        ((Y, 1), None),
        "active",
        GEMEINDE,
        [KONFERENZ, SOZIALAMT],
        ["wohnumfeld"],
        ["fachkraefte"],
        ["s-planung"],
        None,
    ),
    (
        "Armutsbericht der Gemeinde",
        {"S": 40, "O": 30, "I": 30},
        (80, 0, 500, None),
        ((L, 2), (L, 11)),
        "ended",
        GEMEINDE,
        [DIAKONIE, TAFEL],
        ["existenzsicherung"],
        ["alle"],
        ["s-analyse"],
        None,
    ),
    (
        "Stadtteilzentrum mitplanen",
        "SO",
        (100, 0, 0, None),
        ((1, 1), None),
        "planned",
        BEZIRKSSTELLE,
        [SOZIALAMT, KONFERENZ],
        ["einsamkeit-begegnung"],
        ["alle"],
        ["s-planung", "o-angebote"],
        None,
    ),
]


def _date(point: tuple[int, int] | None, year: int) -> date | None:
    if point is None:
        return None
    offset, month = point
    return date(year + offset, month, 1)


def _end(point: tuple[int, int] | None, year: int) -> date | None:
    """The last day of the month ``point`` names."""
    if point is None:
        return None
    offset, month = point
    return date(year + offset, month, calendar.monthrange(year + offset, month)[1])


def _actors(project: Project) -> dict[str, Actor]:
    types = {t.code: t for t in ActorType.objects.all()}
    actors = {}
    for name, type_code, field in ACTORS:
        actors[name], _created = Actor.objects.update_or_create(
            project=project,
            name=name,
            defaults={"actor_type": types.get(type_code), "field": field},
        )
    return actors


def _places(project: Project) -> list[tuple[float, float]]:
    """Points inside the project's smallest areas, spread deterministically (lat, lon)."""
    from quartierskompass.areas.locate import project_area_ids

    areas = Area.objects.filter(
        pk__in=project_area_ids(project), children__isnull=True, centroid_lat__isnull=False
    ).order_by("code")
    points = []
    for area in areas:
        for step in range(4):
            points.append(
                (
                    area.centroid_lat + 0.0012 * (step - 1.5),
                    area.centroid_lon + 0.0018 * ((step * 7) % 4 - 1.5),
                )
            )
    return points


@transaction.atomic
def load(project: Project, *, user=None) -> int:
    """Create or refresh the demo activities; returns how many there are."""
    year = timezone.localdate().year
    actors = _actors(project)
    needs = {n.code: n for n in Need.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    work_forms = {w.code: w for w in WorkForm.objects.all()}
    for title, fields, measures, (
        start,
        end,
    ), status, responsible, partners, need_codes, group_codes, form_codes, offer in ACTIVITIES:
        shares = (
            equal_shares(fields) if isinstance(fields, str) else (dict.fromkeys("SONI", 0) | fields)
        )
        staff, volunteer, budget, reach = measures
        values = {
            "title": title,
            "status": status,
            "start": _date(start, year),
            "end": _end(end, year),
            "staff_hours": None if staff is None else Decimal(staff),
            "volunteer_hours": None if volunteer is None else Decimal(volunteer),
            "budget": None if budget is None else Decimal(budget),
            "reach": reach,
            "responsible": actors[responsible],
            "published": offer is not None,
            "verified_at": timezone.localdate() if offer else None,
            **{f"share_{c.lower()}": s for c, s in shares.items()},
            **(offer or {}),
            "created_by": user,
            "updated_by": user,
        }
        activity, _created = Activity.with_deleted.update_or_create(
            project=project,
            uid=uuid.uuid5(NAMESPACE, title),
            defaults={**values, "deleted_at": None},
        )
        activity.full_clean()
        activity.partners.set([actors[p] for p in partners])
        activity.needs.set([needs[c] for c in need_codes])
        activity.target_groups.set([groups[c] for c in group_codes])
        activity.work_forms.set([work_forms[c] for c in form_codes])
    places = _places(project)
    if places:
        _set_places(project, places, actors)
    return len(ACTIVITIES)


def _set_places(project: Project, places, actors: dict[str, Actor]) -> None:
    from quartierskompass.areas.locate import assign_areas

    located = Activity.objects.filter(
        project=project, uid__in=[uuid.uuid5(NAMESPACE, item[0]) for item in ACTIVITIES]
    ).order_by("title")
    for number, activity in enumerate(located):
        activity.latitude, activity.longitude = places[(number * 5) % len(places)]
        activity.area_locked = False
        activity.save(update_fields=["latitude", "longitude", "area_locked"])
    for number, name in enumerate((GEMEINDE, DIAKONIE, VEREIN, SCHULE, KITA, TAFEL)):
        actor = actors[name]
        actor.latitude, actor.longitude = places[(number * 7 + 3) % len(places)]
        actor.save(update_fields=["latitude", "longitude"])
    assign_areas(project=project)
