"""Synthetic church-wide data for benchmarks (DESIGN §6), the same for the same seed.

`generate` builds programmes, projects, a three-level area hierarchy like Berlin's LOR,
actors and activities in proportion to ``scale`` (1.0 is DESIGN §6's church-wide instance).
Every random choice comes from a `random.Random` seeded with the seed and a fixed label, and
every timestamp is fixed, so two runs with the same seed give the same rows in the same order,
whatever the chunk size, the clock or the hash seed.

The work is a list of steps (`STEPS`); a later issue appends its own step for the actor
network (``ties``), which is not generated yet. The ``indicator values`` step gives every
area 25 social indicators (counts, rates with their base count, two indexes) at four
reference dates – 1,000,000 values at scale 1.0.

Synthetic rows are recognisable: programmes start with ``synth-programm-``, their projects
with ``synth-``, areas use the code system ``synth-plr``, indicator keys start with
``synth-``.
"""

from __future__ import annotations

import itertools
import math
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet

from quartierskompass.accounts.models import Programme, Project
from quartierskompass.activities.models import Activity, Need, Status, TargetGroup
from quartierskompass.actors.models import Actor, ActorType
from quartierskompass.areas.models import Area, Indicator, IndicatorValue
from quartierskompass.soni.model import FIELD_ORDER, equal_shares
from quartierskompass.soni.models import Principle, WorkForm

PROGRAMME_PREFIX = "synth-programm-"
PROJECT_PREFIX = "synth-"
AREA_CODE_SYSTEM = "synth-plr"
INDICATOR_PREFIX = "synth-"

# DESIGN §6 at scale 1.0. The area hierarchy follows Berlin's LOR:
# Bezirk → Bezirksregion → Planungsraum.
FULL_SCALE = {
    "programmes": 10,
    "projects": 1_500,
    "districts": 100,
    "regions": 1_000,
    "planning_areas": 8_900,
}
ACTORS_PER_PROJECT = 40
ACTIVITIES_PER_PROJECT = 100
ACTIVITIES_RANGE = (20, 300)
# Church-wide programmes differ a lot in size; these weights give 300/250/200/… at scale 1.
PROGRAMME_WEIGHTS = (300, 250, 200, 175, 150, 125, 100, 90, 60, 50)

FIRST_START = date(2015, 1, 1)
LAST_START = date(2026, 12, 31)
# "Today" of the synthetic world: it decides planned/active/ended without reading the clock.
REFERENCE_DATE = date(2026, 3, 1)
CREATED_AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
BATCH_SIZE = 1_000

FIELD_WEIGHTS = {"S": 0.12, "O": 0.20, "N": 0.34, "I": 0.34}
FIELD_COUNT_WEIGHTS = {1: 0.35, 2: 0.40, 3: 0.17, 4: 0.08}

type Progress = Callable[[str], None]

# The keys of SynthReport.counts and how the command's German output names them.
LABELS = {
    "programmes": "Programme",
    "projects": "Projekte",
    "areas": "Gebiete",
    "actors": "Akteure",
    "activities": "Aktivitäten",
    "links: needs": "Bedarfe",
    "links: target_groups": "Zielgruppen",
    "links: work_forms": "Arbeitsformen",
    "links: principles": "Prinzipien",
    "links: partners": "Partner",
    "indicators": "Indikatoren",
    "indicator values": "Indikatorwerte",
}


# --- what a scale means ----------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind a scale asks for."""

    scale: float
    programmes: int
    projects: int
    districts: int
    regions: int
    planning_areas: int

    @property
    def areas(self) -> int:
        return self.districts + self.regions + self.planning_areas

    @property
    def actors(self) -> int:
        return self.projects * ACTORS_PER_PROJECT

    @property
    def activities(self) -> int:
        return self.projects * ACTIVITIES_PER_PROJECT

    @property
    def indicator_values(self) -> int:
        """Every indicator for every area (all three levels) at every reference date."""
        return self.areas * len(INDICATORS) * len(INDICATOR_DATES)


def plan(*, scale: float) -> Plan:
    """The row counts for ``scale``: every count multiplied, at least 1 programme, 2 projects."""
    if not scale > 0:
        raise ValueError("The scale must be greater than 0.")

    def scaled(key: str) -> int:
        return round(FULL_SCALE[key] * scale)

    districts = max(1, scaled("districts"))
    regions = max(districts, scaled("regions"))
    return Plan(
        scale=scale,
        programmes=max(1, scaled("programmes")),
        projects=max(2, scaled("projects")),
        districts=districts,
        regions=regions,
        planning_areas=max(regions, scaled("planning_areas")),
    )


def number(value: int) -> str:
    """A count as German readers write it: 150.000."""
    return f"{value:,}".replace(",", ".")


def spread(*, total: int, parts: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``parts`` whole numbers that add up to ``total``, uneven but mostly within low..high.

    The bounds widen when ``total`` cannot be reached inside them (tiny scales).
    """
    low = min(low, total // parts)
    high = max(high, -(-total // parts))
    weights = [rng.lognormvariate(0.0, 0.6) for _ in range(parts)]
    factor = total / sum(weights)
    counts = [min(high, max(low, round(w * factor))) for w in weights]
    missing = total - sum(counts)
    while missing:
        step = 1 if missing > 0 else -1
        i = rng.randrange(parts)
        if low <= counts[i] + step <= high:
            counts[i] += step
            missing -= step
    return counts


def split_by_weight(*, total: int, weights: Sequence[int]) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights``, each part at least 1."""
    quotas = [total * w / sum(weights) for w in weights]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    for i, count in enumerate(counts):
        if count == 0:
            counts[i] = 1
            counts[counts.index(max(counts))] -= 1
    return counts


# --- the steps -------------------------------------------------------------------------------


@dataclass
class Leaf:
    """A planning area, with the centre of its small square (for offers' points)."""

    pk: int
    name: str
    latitude: float
    longitude: float


@dataclass
class SynthProject:
    pk: int
    slug: str
    index: int
    activities: int
    leaves: list[Leaf]


@dataclass
class Context:
    """What the steps share: the plan, the seed, and the rows earlier steps made."""

    plan: Plan
    seed: int
    chunk_size: int
    progress: Progress
    started: float
    counts: Counter = field(default_factory=Counter)
    leaves: list[Leaf] = field(default_factory=list)
    projects: list[SynthProject] = field(default_factory=list)

    def rng(self, label: str) -> random.Random:
        # String seeds are hashed with SHA-512, so they do not depend on PYTHONHASHSEED.
        return random.Random(f"{self.seed}:{label}")

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.0f} s"


@dataclass(frozen=True)
class Step:
    """One part of the generation; ``run`` adds rows and counts them in ``context.counts``."""

    name: str
    run: Callable[..., None]


PLACE_STEMS = [
    "Linden", "Birken", "Eichen", "Ahorn", "Kastanien", "Erlen", "Buchen", "Weiden",
    "Tannen", "Ulmen", "Eschen", "Fichten", "Holunder", "Rosen", "Flieder", "Mühlen",
    "Brunnen", "Kirch", "Schloss", "Sonnen", "Wiesen", "Wald", "Heide", "Stein",
    "Falken", "Adler", "Kranich", "Lerchen", "Finken", "Storchen",
]  # fmt: skip
PLACE_ENDINGS = [
    "feld", "hain", "au", "berg", "dorf", "hof", "tal", "heide", "grund", "winkel",
]  # fmt: skip
QUARTERS = ["Nord", "Süd", "Ost", "West", "Mitte", "am Park", "an der Kirche", "am Markt"]
STREETS = ["straße", "weg", "allee", "ring", "platz", "siedlung", "viertel", "kiez"]


def _place_names(rng: random.Random) -> list[str]:
    """Invented place names (300 of them) in a seed-dependent order."""
    names = [stem + ending for stem in PLACE_STEMS for ending in PLACE_ENDINGS]
    rng.shuffle(names)
    return names


def _square(index: int) -> tuple[dict, float, float]:
    """A tiny square on a grid over Berlin, so the hierarchy can be drawn on a map."""
    column, row = index % 100, index // 100
    west, south = 13.05 + column * 0.005, 52.30 + row * 0.0035
    ring = [
        [west, south],
        [west + 0.004, south],
        [west + 0.004, south + 0.003],
        [west, south + 0.003],
        [west, south],
    ]
    polygon = {"type": "Polygon", "coordinates": [ring]}
    return polygon, south + 0.0015, west + 0.002


def _quarter(stem: str, position: int) -> str:
    """The name of a district's ``position``-th region: "Lindenfeld Nord", … "Lindenfeld Süd 2"."""
    name = f"{stem} {QUARTERS[position % len(QUARTERS)]}"
    return name if position < len(QUARTERS) else f"{name} {position // len(QUARTERS) + 1}"


def make_areas(*, context: Context) -> None:
    """Districts → regions → planning areas (codes like LOR: 3 + 2 + 2 digits)."""
    rng, p = context.rng("areas"), context.plan
    places = _place_names(rng)
    regions_per = spread(total=p.regions, parts=p.districts, low=5, high=15, rng=rng)
    leaves_per = spread(total=p.planning_areas, parts=p.regions, low=3, high=16, rng=rng)

    def area(code: str, kind: str, name: str, parent: Area | None, boundary=None) -> Area:
        return Area(
            code=code,
            code_system=AREA_CODE_SYSTEM,
            kind=kind,
            name=name,
            parent=parent,
            boundary=boundary,
        )

    with transaction.atomic():
        districts = Area.objects.bulk_create(
            [
                area(f"{d + 1:03d}", "Bezirk", f"Bezirk {places[d % len(places)]}", None)
                for d in range(p.districts)
            ],
            batch_size=BATCH_SIZE,
        )
        regions = []
        for district, count in zip(districts, regions_per, strict=True):
            stem = district.name.removeprefix("Bezirk ")
            regions += [
                area(f"{district.code}{r + 1:02d}", "Bezirksregion", _quarter(stem, r), district)
                for r in range(count)
            ]
        regions = Area.objects.bulk_create(regions, batch_size=BATCH_SIZE)
        leaves, centres = [], []
        for region, count in zip(regions, leaves_per, strict=True):
            for n in range(count):
                boundary, lat, lon = _square(len(leaves))
                name = f"{rng.choice(places)}{rng.choice(STREETS)}"
                leaves.append(
                    area(f"{region.code}{n + 1:02d}", "Planungsraum", name, region, boundary)
                )
                centres.append((lat, lon))
        leaves = Area.objects.bulk_create(leaves, batch_size=BATCH_SIZE)
    context.leaves = [
        Leaf(pk=a.pk, name=a.name, latitude=lat, longitude=lon)
        for a, (lat, lon) in zip(leaves, centres, strict=True)
    ]
    context.counts["areas"] += len(districts) + len(regions) + len(leaves)
    context.progress(
        f"Gebiete: {number(len(districts))} Bezirke, {number(len(regions))} Bezirksregionen, "
        f"{number(len(leaves))} Planungsräume ({context.elapsed()})"
    )


def make_projects(*, context: Context) -> None:
    """Programmes of uneven size and their projects, each working in a few planning areas."""
    rng, p = context.rng("projects"), context.plan
    places = _place_names(rng)
    weights = [PROGRAMME_WEIGHTS[i % len(PROGRAMME_WEIGHTS)] for i in range(p.programmes)]
    sizes = split_by_weight(total=p.projects, weights=weights)
    activities = spread(
        total=p.activities,
        parts=p.projects,
        low=ACTIVITIES_RANGE[0],
        high=ACTIVITIES_RANGE[1],
        rng=rng,
    )
    with transaction.atomic():
        programmes = Programme.objects.bulk_create(
            Programme(
                slug=f"{PROGRAMME_PREFIX}{i + 1:02d}",
                name=f"Aufbruch Quartier – Kirchenkreis {places[i % len(places)]} (synthetisch)",
                description="Synthetische Daten für Lasttests (quartierskompass synth).",
            )
            for i in range(p.programmes)
        )
        projects, homes = [], []
        for programme, size in zip(programmes, sizes, strict=True):
            for _n in range(size):
                index = len(projects) + 1
                start, width = rng.randrange(len(context.leaves)), rng.randint(3, 8)
                home = [context.leaves[(start + k) % len(context.leaves)] for k in range(width)]
                homes.append(home)
                projects.append(
                    Project(
                        slug=f"{PROJECT_PREFIX}{index:04d}",
                        name=f"Quartiersprojekt {home[0].name} (synth {index:04d})",
                        description="Synthetisches Quartiersprojekt für Lasttests.",
                        programme=programme,
                        created_at=CREATED_AT,
                    )
                )
        projects = Project.objects.bulk_create(projects, batch_size=BATCH_SIZE)
    context.projects = [
        SynthProject(pk=project.pk, slug=project.slug, index=i, activities=count, leaves=home)
        for i, (project, count, home) in enumerate(zip(projects, activities, homes, strict=True))
    ]
    context.counts["programmes"] += len(programmes)
    context.counts["projects"] += len(projects)
    context.progress(
        f"Programme: {len(programmes)} mit {', '.join(map(str, sizes))} Projekten "
        f"({context.elapsed()})"
    )


# --- actors and activities -------------------------------------------------------------------

# actor type code → name patterns ({place} is filled in), the SONI field it mainly acts in
ACTOR_KINDS: list[tuple[str, list[str], str, int]] = [
    ("kirchengemeinde", ["Ev. Kirchengemeinde {place}", "Kath. Pfarrei St. {saint}"], "N", 3),
    ("diakonie", ["Diakonisches Werk {place}", "Diakoniestation {place}"], "I", 3),
    ("bezirksstelle", ["Kirchenkreis {place} – Bezirksstelle"], "O", 1),
    ("wohlfahrt", ["Caritas-Beratungsstelle {place}", "AWO-Begegnungsstätte {place}"], "I", 2),
    ("amt-sozial", ["Bezirksamt {place} – Sozialamt"], "O", 1),
    ("amt-jugend", ["Bezirksamt {place} – Jugendamt"], "O", 1),
    ("amt-arbeit", ["Jobcenter {place}"], "O", 1),
    ("amt-sozialplanung", ["Bezirksamt {place} – Sozialplanung"], "S", 1),
    ("politik", ["Sozialausschuss {place}", "Stadtteilkonferenz {place}"], "S", 2),
    ("verein", ["Nachbarschaftsverein {place} e. V.", "Sportverein {place} e. V."], "N", 7),
    ("initiative", ["Mieterinitiative {place}", "Initiative Miteinander {place}"], "N", 5),
    ("schule-kita", ["Grundschule {place}", "Kita {place}"], "N", 5),
    ("wohnungswirtschaft", ["Wohnungsbaugesellschaft {place}"], "O", 1),
    ("gewerbe", ["Bäckerei {place}", "Apotheke {place}"], "O", 2),
    ("gesundheit", ["Hausarztpraxis {place}", "Pflegedienst {place}"], "I", 2),
    ("schluesselperson", ["{person} (Schlüsselperson {place})"], "N", 3),
]  # fmt: skip
SAINTS = ["Marien", "Johannes", "Paulus", "Petrus", "Martin", "Elisabeth", "Michael", "Josef"]
PEOPLE = [
    "Frau Becker", "Herr Yilmaz", "Frau Nowak", "Herr Schulz", "Frau Haddad", "Herr Wagner",
    "Frau Kowalski", "Herr Hoffmann", "Frau Öztürk", "Herr Krüger", "Frau Petrenko",
]  # fmt: skip

# Titles by SONI field; an activity takes its title from its largest field.
TITLES = {
    "S": [
        "Stadtteilkonferenz", "Sozialraumanalyse", "Mitarbeit im Sozialausschuss",
        "Runder Tisch Armut", "Bedarfserhebung Wohnen", "Stellungnahme zur Sozialplanung",
        "Quartiersrat", "Kiezbegehung mit dem Bezirksamt", "Beteiligung am Sozialraumkonzept",
    ],
    "O": [
        "Koordinierung der Beratungsangebote", "Trägerrunde Jugendhilfe",
        "Kooperation mit dem Jobcenter", "Fachtag Altenhilfe", "Angebotsplanung Kita",
        "Vernetzung der Familienzentren", "Steuerungsrunde Diakonie und Gemeinde",
        "Abstimmung mit der Wohnungsbaugesellschaft", "Lotsendienst der Träger",
    ],
    "N": [
        "Nachbarschaftscafé", "Offener Mittagstisch", "Hausaufgabenhilfe", "Repair-Café",
        "Gemeinschaftsgarten", "Kiezfest", "Seniorentreff", "Sprachcafé", "Eltern-Kind-Gruppe",
        "Lauftreff", "Chor der Nachbarschaft", "Jugendtreff", "Tauschbörse", "Kiezspaziergang",
    ],
    "I": [
        "Sozialberatung", "Schuldnerberatung", "Migrationsberatung", "Seniorenbesuchsdienst",
        "Begleitung bei Behördengängen", "Einzelfallhilfe", "Suchtberatung", "Pflegeberatung",
        "Lernpatenschaften", "Wohnungsnotfallhilfe", "Sprechstunde Familienhilfe",
    ],
}  # fmt: skip
QUALIFIERS = [
    " für Familien", " für Seniorinnen und Senioren", " am Nachmittag", " im Gemeindehaus",
    " für Jugendliche", " (Kooperation)", " – mobil", " am Wochenende", " für Alleinerziehende",
    " in leichter Sprache",
]  # fmt: skip
SCHEDULES = ["Mo 10–12 Uhr", "Di 15–18 Uhr", "Mi 9–13 Uhr", "Do 14–17 Uhr", "Fr 10–14 Uhr",
             "nach Vereinbarung", "jeden 1. Samstag im Monat"]  # fmt: skip
OFFER_LANGUAGES = ["de", "en", "tr", "ar", "ru", "uk", "pl", "fa", "de-ls"]


@dataclass
class Lookups:
    """Reference data the activities point to, each in a stable order (by code)."""

    actor_types: dict[str, int | None]
    needs: list[int]
    target_groups: list[int]
    principles: list[int]
    work_forms: dict[str, list[int]]

    @classmethod
    def load(cls) -> Lookups:
        types = dict(ActorType.objects.order_by("code").values_list("code", "pk"))
        work_forms: dict[str, list[int]] = {code: [] for code in FIELD_ORDER}
        for pk, code in WorkForm.objects.order_by("code").values_list("pk", "field"):
            work_forms[code].append(pk)
        return cls(
            actor_types={code: types.get(code) for code, *_rest in ACTOR_KINDS},
            needs=list(Need.objects.order_by("code").values_list("pk", flat=True)),
            target_groups=list(TargetGroup.objects.order_by("code").values_list("pk", flat=True)),
            principles=list(Principle.objects.order_by("code").values_list("pk", flat=True)),
            work_forms=work_forms,
        )


def _some[T](rng: random.Random, items: Sequence[T], low: int, high: int) -> list[T]:
    """Between ``low`` and ``high`` different items, in a seed-dependent order."""
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def _choose_shares(rng: random.Random) -> dict[str, int]:
    """1–4 fields; mostly an equal split (DESIGN §1.1), sometimes explicit percentages."""
    count = rng.choices(list(FIELD_COUNT_WEIGHTS), weights=list(FIELD_COUNT_WEIGHTS.values()))[0]
    remaining, chosen = list(FIELD_ORDER), []
    for _n in range(count):
        pick = rng.choices(remaining, weights=[FIELD_WEIGHTS[c] for c in remaining])[0]
        remaining.remove(pick)
        chosen.append(pick)
    if count == 1 or rng.random() < 0.6:
        return equal_shares(chosen)
    # Explicit percentages in steps of 5, at least 10 % per chosen field.
    units = [2] * count
    for _n in range(20 - 2 * count):
        units[rng.randrange(count)] += 1
    shares = dict.fromkeys(FIELD_ORDER, 0)
    for code, unit in zip(chosen, units, strict=True):
        shares[code] = unit * 5
    return shares


def _maybe[T](rng: random.Random, make: Callable[[], T], missing: float = 0.15) -> T | None:
    """A value, or None in ``missing`` of the cases (missing values are part of the test)."""
    value = make()  # drawn either way, so one missing value does not shift the others
    return None if rng.random() < missing else value


def _decimal(value: float, places: int) -> Decimal:
    """A float as a Decimal with ``places`` decimals, as the DecimalField stores it."""
    return Decimal(f"{value:.{places}f}")


def build_actors(
    *, rng: random.Random, project: SynthProject, lookups: Lookups, places: list[str]
) -> list[Actor]:
    """ACTORS_PER_PROJECT actors with unique names, weighted like a real neighbourhood."""
    weights = [weight for *_rest, weight in ACTOR_KINDS]
    actors, names = [], set()
    while len(actors) < ACTORS_PER_PROJECT:
        code, patterns, soni_field, _weight = rng.choices(ACTOR_KINDS, weights=weights)[0]
        name = rng.choice(patterns).format(
            place=rng.choice(places), saint=rng.choice(SAINTS), person=rng.choice(PEOPLE)
        )
        if name in names:
            name = f"{name} {len(actors) + 1}"
        names.add(name)
        actors.append(
            Actor(
                project_id=project.pk,
                name=name,
                actor_type_id=lookups.actor_types[code],
                field=soni_field,
                created_at=CREATED_AT,
                updated_at=CREATED_AT,
            )
        )
    return actors


def _day(rng: random.Random, first: date, last: date) -> date:
    """A day between ``first`` and ``last``, both included."""
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _dates(rng: random.Random) -> tuple[date, date | None, str]:
    """Start 2015–2026, an end for about 30 %, and the status that fits REFERENCE_DATE."""
    start = _day(rng, FIRST_START, LAST_START)
    end = start + timedelta(days=rng.randint(30, 4 * 365)) if rng.random() < 0.30 else None
    if start > REFERENCE_DATE:
        status = Status.PLANNED
    elif end is not None and end < REFERENCE_DATE:
        status = Status.ENDED
    else:
        status = Status.ACTIVE
    return start, end, status


def _offer(rng: random.Random, leaf: Leaf | None) -> dict:
    """The public-offer details. Every synthetic activity is a published offer: DESIGN §6 asks
    for the Hilfelotse over 150,000 offers, so the finder works on the whole table."""
    return {
        "published": True,
        "schedule": rng.choice(SCHEDULES),
        "free_of_charge": rng.random() < 0.8,
        "languages": ["de", *_some(rng, OFFER_LANGUAGES[1:], 0, 2)],
        "barrier_free": rng.choice([True, False, None]),
        "contact_name": "Kontaktstelle im Quartier",
        "verified_at": _day(rng, date(2024, 1, 1), REFERENCE_DATE),
        "latitude": leaf.latitude + rng.uniform(-0.001, 0.001) if leaf else None,
        "longitude": leaf.longitude + rng.uniform(-0.001, 0.001) if leaf else None,
    }


def build_activity(*, rng: random.Random, project: SynthProject, actors: list[Actor]) -> Activity:
    """One activity of ``project``; its responsible actor prefers one of its own fields."""
    shares = _choose_shares(rng)
    main = max(FIELD_ORDER, key=lambda code: shares[code])
    title = rng.choice(TITLES[main])
    if rng.random() < 0.5:
        title += rng.choice(QUALIFIERS)
    fitting = [a for a in actors if a.field and shares[a.field] > 0] or actors
    responsible = rng.choice(fitting)
    leaf = rng.choice(project.leaves) if rng.random() < 0.9 else None
    start, end, status = _dates(rng)
    activity = Activity(
        project_id=project.pk,
        uid=uuid.UUID(int=rng.getrandbits(128), version=4),
        title=title,
        description=f"{title} von {responsible.name}. Synthetische Aktivität für Lasttests.",
        responsible_id=responsible.pk,
        **{f"share_{code.lower()}": share for code, share in shares.items()},
        staff_hours=_maybe(rng, lambda: _decimal(min(rng.lognormvariate(5.0, 1.0), 8000), 1)),
        volunteer_hours=_maybe(
            rng, lambda: _decimal(0 if rng.random() < 0.3 else rng.lognormvariate(5.3, 1.1), 1)
        ),
        budget=_maybe(rng, lambda: _decimal(rng.lognormvariate(8.0, 1.2), 2)),
        reach=_maybe(rng, lambda: max(1, round(rng.lognormvariate(4.0, 1.0)))),
        start=start,
        end=end,
        status=status,
        area_id=leaf.pk if leaf else None,
        created_at=CREATED_AT,
        updated_at=CREATED_AT,
        **_offer(rng, leaf),
    )
    # bulk_create skips save(): the opening hours and the search text are derived here.
    activity.responsible = responsible
    activity.refresh_derived()
    return activity


def build_links(
    *, rng: random.Random, activity: Activity, actors: list[Actor], lookups: Lookups
) -> dict[str, list[int]]:
    """Needs, target groups, work forms, principles and partners of one activity."""
    fields = [code for code in FIELD_ORDER if getattr(activity, f"share_{code.lower()}")]
    forms = [pk for code in fields for pk in lookups.work_forms[code]]
    others = [a.pk for a in actors if a.pk != activity.responsible_id]
    return {
        "needs": _some(rng, lookups.needs, 1, 3),
        "target_groups": _some(rng, lookups.target_groups, 1, 2),
        "work_forms": _some(rng, forms, 0, 2),
        "principles": _some(rng, lookups.principles, 0, 2) if rng.random() < 0.3 else [],
        "partners": _some(rng, others, 0, 3),
    }


THROUGH = {
    "needs": ("need_id", Activity.needs.through),
    "target_groups": ("targetgroup_id", Activity.target_groups.through),
    "work_forms": ("workform_id", Activity.work_forms.through),
    "principles": ("principle_id", Activity.principles.through),
    "partners": ("actor_id", Activity.partners.through),
}


def _save_chunk(
    *, chunk: list[SynthProject], context: Context, lookups: Lookups, places: list[str]
) -> None:
    """Actors, activities and their links of some projects, in one transaction."""
    plans = []
    for project in chunk:
        rng = context.rng(f"project:{project.index}")
        plans.append(
            (project, rng, build_actors(rng=rng, project=project, lookups=lookups, places=places))
        )
    with transaction.atomic():
        Actor.objects.bulk_create(
            [a for *_rest, actors in plans for a in actors], batch_size=BATCH_SIZE
        )
        activities, pending = [], []
        for project, rng, actors in plans:
            for _n in range(project.activities):
                activity = build_activity(rng=rng, project=project, actors=actors)
                activities.append(activity)
                pending.append((activity, rng, actors))
        Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
        rows: dict[str, list] = {name: [] for name in THROUGH}
        for activity, rng, actors in pending:
            links = build_links(rng=rng, activity=activity, actors=actors, lookups=lookups)
            for name, pks in links.items():
                column, through = THROUGH[name]
                rows[name] += [through(activity_id=activity.pk, **{column: pk}) for pk in pks]
        for name, (_column, through) in THROUGH.items():
            through.objects.bulk_create(rows[name], batch_size=BATCH_SIZE)
            context.counts[f"links: {name}"] += len(rows[name])
    context.counts["actors"] += sum(len(actors) for *_rest, actors in plans)
    context.counts["activities"] += len(activities)


def make_actors_and_activities(*, context: Context) -> None:
    """Per project its actors and activities, ``context.chunk_size`` projects per transaction.

    Each project draws from its own random generator, so its rows do not depend on the chunk
    size; the links (through-model rows) are built after the activities have their keys.
    """
    lookups, places = Lookups.load(), _place_names(context.rng("actors"))
    projects, size = context.projects, context.chunk_size
    report_every = max(1, len(projects) // 10)
    for first in range(0, len(projects), size):
        chunk = projects[first : first + size]
        _save_chunk(chunk=chunk, context=context, lookups=lookups, places=places)
        done = first + len(chunk)
        if done == len(projects) or done // report_every != first // report_every:
            context.progress(
                f"Projekte {number(done)}/{number(len(projects))}: "
                f"{number(context.counts['activities'])} Aktivitäten, "
                f"{number(context.counts['actors'])} Akteure ({context.elapsed()})"
            )


# --- indicator values ------------------------------------------------------------------------

INDICATOR_DATES = (date(2021, 12, 31), date(2022, 12, 31), date(2023, 12, 31), date(2024, 12, 31))
INDICATOR_SOURCE = "Synthetische Daten (quartierskompass synth), keine echte Statistik"
VALUE_BATCH_SIZE = 10_000
SMALL_COUNT = 3  # public statistics suppress counts below 3 (DESIGN §6 Privacy)
HIGHER_WORSE = Indicator.Polarity.HIGHER_WORSE
HIGHER_BETTER = Indicator.Polarity.HIGHER_BETTER


@dataclass(frozen=True)
class SynthIndicator:
    """One synthetic indicator (its key without INDICATOR_PREFIX).

    A rate is ``numerator / weight × per``: the numerator is a count (Arbeitslose for the
    Arbeitslosenquote) or a hidden sum of its own (rate × base), the weight is its ``base``
    count, so a parent area's rate is its children's rates weighted by the base, as
    `areas.profile` aggregates. An index is weighted by the inhabitants.
    """

    key: str
    label_de: str
    label_en: str
    kind: str
    unit: str = ""
    base: str = ""
    numerator: str = ""
    per: int = 100
    decimals: int = 1
    polarity: str = Indicator.Polarity.NEUTRAL

    @property
    def weight(self) -> str:
        return self.base or "einwohner"


def _count(
    key: str, de: str, en: str, polarity: str = Indicator.Polarity.NEUTRAL, unit: str = "Personen"
):
    return SynthIndicator(key, de, en, Indicator.Kind.COUNT, unit, decimals=0,
                          polarity=polarity)  # fmt: skip


def _rate(key: str, de: str, en: str, base: str, numerator: str = "", **options):
    options.setdefault("unit", "%")
    return SynthIndicator(key, de, en, Indicator.Kind.RATE, base=base, numerator=numerator,
                          **options)  # fmt: skip


# 12 counts, 11 rates (each with its base count), 2 indexes: 25 indicators.
INDICATORS: list[SynthIndicator] = [
    _count("einwohner", "Einwohnerinnen und Einwohner", "Inhabitants"),
    _count("einwohner-u18", "Einwohner unter 18 Jahren", "Inhabitants under 18"),
    _count("einwohner-65plus", "Einwohner ab 65 Jahren", "Inhabitants aged 65 and over"),
    _count("haushalte", "Haushalte", "Households", unit="Haushalte"),
    _count("arbeitslose", "Arbeitslose (SGB II und III)", "Unemployed people", HIGHER_WORSE),
    _count("sgb2", "Personen mit Leistungen nach SGB II", "People on SGB II benefits",
           HIGHER_WORSE),
    _count("kinder-sgb2", "Kinder unter 18 mit Leistungen nach SGB II",
           "Children under 18 on SGB II benefits", HIGHER_WORSE),
    _count("grundsicherung-alter", "Grundsicherung im Alter", "Basic income in old age",
           HIGHER_WORSE),
    _count("alleinerziehende", "Haushalte Alleinerziehender", "Single-parent households",
           unit="Haushalte"),
    _count("zuzuege", "Zuzüge", "People moving in"),
    _count("fortzuege", "Fortzüge", "People moving out"),
    _count("wohnungen", "Wohnungen", "Dwellings", unit="Wohnungen"),
    _rate("anteil-u18", "Anteil unter 18-Jährige", "Share under 18", "einwohner",
          "einwohner-u18"),
    _rate("anteil-65plus", "Anteil ab 65-Jährige", "Share aged 65 and over", "einwohner",
          "einwohner-65plus"),
    _rate("arbeitslosenquote", "Arbeitslosigkeit", "Unemployment", "einwohner",
          "arbeitslose", decimals=2, polarity=HIGHER_WORSE),
    _rate("sgb2-quote", "Transferbezug (SGB II)", "Receiving benefits (SGB II)", "einwohner",
          "sgb2", decimals=2, polarity=HIGHER_WORSE),
    _rate("kinderarmut", "Kinderarmut", "Child poverty", "einwohner-u18", "kinder-sgb2",
          decimals=2, polarity=HIGHER_WORSE),
    _rate("altersarmut", "Altersarmut", "Old-age poverty", "einwohner-65plus",
          "grundsicherung-alter", decimals=2, polarity=HIGHER_WORSE),
    _rate("anteil-alleinerziehende", "Anteil Alleinerziehende", "Share of single parents",
          "haushalte", "alleinerziehende", polarity=HIGHER_WORSE),
    _rate("migrationshintergrund", "Einwohner mit Migrationshintergrund",
          "Inhabitants with a migration background", "einwohner"),
    _rate("wohndauer-5-jahre", "Wohndauer über 5 Jahre", "Living here for over 5 years",
          "einwohner", polarity=HIGHER_BETTER),
    _rate("wohnflaeche", "Wohnfläche je Einwohner", "Living space per inhabitant",
          "einwohner", per=1, unit="m²", polarity=HIGHER_BETTER),
    _rate("mietbelastung", "Mietbelastungsquote", "Rent-to-income ratio", "haushalte",
          polarity=HIGHER_WORSE),
    SynthIndicator("statusindex", "Statusindex (standardisiert)", "Status index (standardised)",
                   Indicator.Kind.INDEX, per=1, decimals=2, polarity=HIGHER_WORSE),
    SynthIndicator("dynamikindex", "Dynamikindex (1 positiv, 3 stabil, 5 negativ)",
                   "Dynamics index (1 positive, 3 stable, 5 negative)", Indicator.Kind.INDEX,
                   per=1, decimals=1, polarity=HIGHER_WORSE),
]  # fmt: skip


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _leaf_series(rng: random.Random) -> list[dict[str, float]]:
    """The true figures of one planning area at each reference date.

    Counts are whole numbers; the other entries are the hidden sums behind the rates and
    indexes (rate × base), so that parents can add them up. A latent social status drives
    poverty, unemployment and age structure alike, so the indicators correlate as in real
    statistics; about 3 % of the areas are nearly uninhabited (parks, industry), where
    counts fall below 3.
    """
    small = rng.random() < 0.03
    people = rng.lognormvariate(4.5, 0.8) if small else rng.lognormvariate(8.4, 0.45)
    status, trend = rng.gauss(0, 1), rng.gauss(0, 0.08)
    growth = rng.gauss(0.006, 0.01)
    young = _clamp(16 + 2 * status + rng.gauss(0, 3), 4, 35)
    old = _clamp(20 - 2 * status + rng.gauss(0, 5), 3, 45)
    household = _clamp(1.85 + 0.1 * status + rng.gauss(0, 0.15), 1.2, 2.8)
    migration = _clamp(30 + 10 * status + rng.gauss(0, 8), 2, 85)
    jobless = _clamp(5 + 2.5 * status + rng.gauss(0, 1), 0.3, 25)
    benefits = _clamp(12 + 7 * status + rng.gauss(0, 3), 0.5, 60)
    old_poverty = _clamp(5 + 3 * status + rng.gauss(0, 2), 0.2, 40)
    single = _clamp(6 + 2 * status + rng.gauss(0, 1.5), 0.3, 25)
    stay = _clamp(60 - 5 * status + rng.gauss(0, 8), 20, 90)
    space = _clamp(40 - 3 * status + rng.gauss(0, 4), 22, 70)
    rent = _clamp(28 + 3 * status + rng.gauss(0, 3), 15, 50)
    moves, flats = rng.uniform(0.08, 0.16), rng.uniform(1.01, 1.06)
    dynamics = 1 if trend < -0.05 else 5 if trend > 0.05 else 3
    series = []
    for year in range(len(INDICATOR_DATES)):
        noise, balance = rng.gauss(0, 1), rng.gauss(0, 1)
        worse = math.exp(trend * year)
        p = round(people * (1 + growth) ** year)
        u18, o65, households = round(p * young / 100), round(p * old / 100), round(p / household)
        series.append(
            {
                "einwohner": p,
                "einwohner-u18": u18,
                "einwohner-65plus": o65,
                "haushalte": households,
                "arbeitslose": round(p * jobless * worse * (1 + 0.04 * noise) / 100),
                "sgb2": round(p * benefits * worse / 100),
                "kinder-sgb2": round(u18 * min(90.0, benefits * 1.5 * worse) / 100),
                "grundsicherung-alter": round(o65 * min(60.0, old_poverty * worse) / 100),
                "alleinerziehende": round(households * single / 100),
                "zuzuege": round(p * moves * (1 + 0.1 * balance)),
                "fortzuege": round(p * moves * (1 - 0.1 * balance)),
                "wohnungen": round(households * flats),
                "migrationshintergrund": p * min(95.0, migration + 0.5 * year) / 100,
                "wohndauer-5-jahre": p * stay / 100,
                "wohnflaeche": p * space,
                "mietbelastung": households * min(60.0, rent * worse**0.5) / 100,
                "statusindex": p * (status + 2 * trend * year),
                "dynamikindex": p * dynamics,
            }
        )
    return series


def _published(figures: dict[str, float], *, leaf: bool) -> list[tuple[float | int | None, bool]]:
    """(value, suppressed) of every indicator, in INDICATORS order, from the true figures.

    In planning areas, counts of 1 or 2 are suppressed, and so is every rate built on one
    (its numerator or its base) – it would give the count away.
    """
    out: list[tuple[float | int | None, bool]] = []
    for indicator in INDICATORS:
        if indicator.kind == Indicator.Kind.COUNT:
            value = figures[indicator.key]
            hidden = leaf and 0 < value < SMALL_COUNT
            out.append((None, True) if hidden else (int(value), False))
            continue
        weight = figures[indicator.weight]
        numerator = figures[indicator.numerator or indicator.key]
        small = 0 < weight < SMALL_COUNT or (indicator.numerator and 0 < numerator < SMALL_COUNT)
        if not weight or (leaf and small):
            out.append((None, True))
        else:
            out.append((round(numerator / weight * indicator.per, indicator.decimals), False))
    return out


def _create_indicators() -> list[int]:
    """The 25 indicators (bases set), their primary keys in INDICATORS order."""
    created = Indicator.objects.bulk_create(
        Indicator(
            key=INDICATOR_PREFIX + i.key,
            label_de=f"{i.label_de} (synthetisch)",
            label_en=f"{i.label_en} (synthetic)",
            kind=i.kind,
            unit=i.unit,
            polarity=i.polarity,
            decimals=i.decimals,
            source=INDICATOR_SOURCE,
            licence="CC0",
            position=1000 + n,
        )
        for n, i in enumerate(INDICATORS)
    )
    pks = {i.key: obj.pk for i, obj in zip(INDICATORS, created, strict=True)}
    for indicator, obj in zip(INDICATORS, created, strict=True):
        if indicator.base:
            obj.base_id = pks[indicator.base]
    Indicator.objects.bulk_update([o for o in created if o.base_id], ["base"])
    return [obj.pk for obj in created]


def make_indicator_values(*, context: Context) -> None:
    """Every indicator for every synthetic area at four reference dates.

    Planning areas get drawn figures (in code order, from one generator); regions and
    districts the sums of their children, their rates weighted by the base – what a
    statistics office publishes per level. Written with one prepared INSERT per batch.
    """
    rng = context.rng("indicator values")
    areas = list(
        Area.objects.filter(code_system=AREA_CODE_SYSTEM)
        .order_by("code")
        .values_list("pk", "parent_id")
    )
    children: dict[int, list[int]] = {}
    for pk, parent in areas:
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    figures: dict[int, list[dict[str, float]]] = {}
    for pk, _parent in areas:
        if pk not in children:
            figures[pk] = _leaf_series(rng)

    def total(pk: int) -> list[dict[str, float]]:
        if pk not in figures:
            kids = [total(kid) for kid in children[pk]]
            figures[pk] = [
                {key: sum(kid[year][key] for kid in kids) for key in kids[0][year]}
                for year in range(len(INDICATOR_DATES))
            ]
        return figures[pk]

    published = {
        pk: [_published(year, leaf=pk not in children) for year in total(pk)]
        for pk, _parent in areas
    }
    date_field = IndicatorValue._meta.get_field("date")
    days = [date_field.get_db_prep_save(day, connection) for day in INDICATOR_DATES]
    area_ids = sorted(published)  # the order of the unique index: quickest to insert
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("indicator_id", "area_id", "date", "value", "suppressed"))
    sql = f"INSERT INTO {q(IndicatorValue._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)"

    def rows():
        for n, indicator_id in enumerate(indicator_ids):
            for area_id in area_ids:
                for day, values in zip(days, published[area_id], strict=True):
                    value, suppressed = values[n]
                    yield indicator_id, area_id, day, value, suppressed

    written = 0
    with transaction.atomic():
        indicator_ids = _create_indicators()
        with connection.cursor() as cursor:
            for batch in itertools.batched(rows(), VALUE_BATCH_SIZE):
                cursor.executemany(sql, batch)
                written += len(batch)
    context.counts["indicators"] += len(indicator_ids)
    context.counts["indicator values"] += written
    context.progress(
        f"Indikatorwerte: {number(written)} ({len(indicator_ids)} Indikatoren, "
        f"{len(INDICATOR_DATES)} Stichtage, {number(len(areas))} Gebiete) ({context.elapsed()})"
    )


# The extension point: a later issue adds Step("ties", …).
STEPS: list[Step] = [
    Step("areas", make_areas),
    Step("programmes and projects", make_projects),
    Step("actors and activities", make_actors_and_activities),
    Step("indicator values", make_indicator_values),
]


# --- running and replacing -------------------------------------------------------------------


class SynthDataExists(Exception):
    """The database already holds synthetic data and ``replace`` was not asked for."""


@dataclass
class SynthReport:
    plan: Plan
    seed: int
    counts: dict[str, int]
    deleted: dict[str, int]
    seconds: float


def synth_programmes() -> QuerySet[Programme]:
    """The programmes `generate` made (their slugs start with PROGRAMME_PREFIX)."""
    return Programme.objects.filter(slug__startswith=PROGRAMME_PREFIX)


def synth_projects() -> QuerySet[Project]:
    """The projects `generate` made: in a synthetic programme, slug starting with ``synth-``."""
    return Project.objects.filter(programme__in=synth_programmes(), slug__startswith=PROJECT_PREFIX)


def synth_indicators() -> QuerySet[Indicator]:
    """The indicators `generate` made (their keys start with INDICATOR_PREFIX)."""
    return Indicator.objects.filter(key__in=[INDICATOR_PREFIX + i.key for i in INDICATORS])


def has_synth_data() -> bool:
    """Whether an earlier run left synthetic programmes, areas or indicators behind."""
    return (
        synth_programmes().exists()
        or Area.objects.filter(code_system=AREA_CODE_SYSTEM).exists()
        or synth_indicators().exists()
    )


def delete_synth_data(*, progress: Progress = lambda text: None) -> dict[str, int]:
    """Remove every synthetic programme, project (with its rows), area and indicator."""
    projects = synth_projects()
    deleted: Counter = Counter()
    with transaction.atomic():
        # One DELETE for the million values (nothing depends on them), before the cascades.
        deleted.update(IndicatorValue.objects.filter(indicator__in=synth_indicators()).delete()[1])
        synth_indicators().update(base=None)
        deleted.update(synth_indicators().delete()[1])
        # Activities first: they protect their areas, and actors would otherwise be
        # unlinked from them one by one (SET_NULL) before being deleted.
        _total, by_model = Activity.with_deleted.filter(project__in=projects).delete()
        deleted.update(by_model)
        deleted.update(Actor.objects.filter(project__in=projects).delete()[1])
        deleted.update(projects.delete()[1])
        deleted.update(synth_programmes().delete()[1])
        areas = Area.objects.filter(code_system=AREA_CODE_SYSTEM)
        areas.update(parent=None)  # parents protect their children; all go together
        deleted.update(areas.delete()[1])
    summary = {
        label: deleted.get(model, 0)
        for label, model in (
            ("programmes", "accounts.Programme"),
            ("projects", "accounts.Project"),
            ("areas", "areas.Area"),
            ("actors", "actors.Actor"),
            ("activities", "activities.Activity"),
            ("indicators", "areas.Indicator"),
            ("indicator values", "areas.IndicatorValue"),
        )
    }
    progress(
        "Alte synthetische Daten gelöscht: "
        + ", ".join(f"{number(count)} {LABELS[key]}" for key, count in summary.items())
    )
    return summary


def generate(
    *,
    scale: float,
    seed: int = 42,
    replace: bool = False,
    chunk_size: int = 25,
    progress: Progress = lambda text: None,
    steps: Sequence[Step] = STEPS,
) -> SynthReport:
    """Generate the synthetic dataset for ``scale``; refuse to add to existing synthetic data.

    With ``replace`` the previous synthetic programmes, projects, areas and indicators are
    deleted first.
    Raises `SynthDataExists` when there is synthetic data and ``replace`` is false.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1.")
    context = Context(
        plan=plan(scale=scale),
        seed=seed,
        chunk_size=chunk_size,
        progress=progress,
        started=time.perf_counter(),
    )
    deleted = {}
    if has_synth_data():
        if not replace:
            raise SynthDataExists()
        deleted = delete_synth_data(progress=progress)
    for step in steps:
        step.run(context=context)
    return SynthReport(
        plan=context.plan,
        seed=seed,
        counts=dict(context.counts),
        deleted=deleted,
        seconds=time.perf_counter() - context.started,
    )
