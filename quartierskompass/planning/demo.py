"""The demo's planning: last autumn's SONI-Werkstatt, the goals decided there, findings from a
Stadtteilbegehung and from key person interviews, and the team's needs register.

Chosen so that every recommendation rule has something real to say:

* the team rated the Sozialstruktur field (S) “quite a lot” in the Werkstatt, while the data
  show S as the weak field (under 10 % of the activities) – and the Netzwerk field (N) “a
  little”, while about 40 % of the activities work there;
* the walk and two interviews found that the doctor's practice at Germersheimer Platz closed –
  a need (Gesundheit) with evidence and no activity: a gap;
* the Hilfelotse's unmet searches for housing and addiction help come from the finder demo.

Dates are relative to today, so the demo stays fresh: the Werkstatt was last November, one
goal is always a month overdue, one is reached. Loading again updates instead of duplicating.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities.models import Activity, Need
from quartierskompass.areas.models import Area, Indicator, IndicatorValue
from quartierskompass.planning.models import Finding, Goal, Method, ProjectNeed, Workshop

AREA_SYSTEM = "berlin-plr-2021"
GRIESINGER, TRAENKE, SPEKTEFELD, WESTERWALD, GERMERSHEIMER = (
    "05100206",
    "05100207",
    "05100208",
    "05100209",
    "05100210",
)

WORKSHOP_TITLE = "Herbst-Werkstatt im Gemeindehaus"
# The team sees more in S than the data show (S is the weak field) and less in N (where
# two of five activities work): both workshop rules have their example.
RATINGS = {"S": 2, "O": 1, "N": 1, "I": 3}
NOTES = {
    "data": (
        "Überrascht hat uns das Feld S: Wir sitzen zwar in der Stadtteilkonferenz, aber in "
        "den Zahlen ist davon kaum etwas zu sehen – es sind nur zwei, drei Aktivitäten, und "
        "die laufen nebenher. Umgekehrt im Netzwerk: Café, Chor, Garten und Repair-Café "
        "hatten wir gar nicht als Gemeinwesenarbeit gesehen – dabei ist das fast die Hälfte "
        "unserer Aktivitäten."
    ),
    "s-3": (
        "Stadtteilkonferenz: ja, unregelmäßig. Sozialausschuss der BVV: nie. Die "
        "Sozialraumkonferenz des Bezirks kannte niemand von uns."
    ),
    "o-2": (
        "Sozialberatung der Caritas und unsere Sozialberatung beraten oft dieselben Familien, "
        "ohne voneinander zu wissen."
    ),
    "n-1": (
        "Das Nachbarschaftscafé und der Mittagstisch sind voll – aber Familien mit kleinen "
        "Kindern aus der Westerwaldstraße kommen fast nie."
    ),
    "i-3": (
        "Immer wieder: Kündigung wegen Mietschulden, keine Hausärztin mehr, Wartezeiten beim "
        "Jobcenter. Das sammeln wir bisher nirgends."
    ),
}
IDEAS = [
    {
        "from": "I",
        "to": "S",
        "text": (
            "Zweimal im Jahr anonymisiert aus der Sozialberatung berichten, was immer wieder "
            "kommt – im Sozialausschuss und in der Stadtteilkonferenz."
        ),
    },
    {
        "from": "O",
        "to": "N",
        "text": (
            "Die Familienpatenschaften mit der Kita Regenbogen in die Westerwaldstraße "
            "bringen, statt auf Familien im Gemeindehaus zu warten."
        ),
    },
]

# text, fields, need, (indicator key, area code, target difference) or None, due (days from
# today) or "next-year-end", responsible, status, progress, from the Werkstatt?, activities
GOALS: list[tuple[Any, ...]] = [
    (
        "Erfahrungen aus der Sozialberatung zweimal im Jahr in den Sozialausschuss und in die "
        "Stadtteilkonferenz tragen (vom Fall zum Feld).",
        ["S", "I"],
        "existenzsicherung",
        None,
        -30,
        "Gemeindediakonin",
        Goal.Status.ACTIVE,
        40,
        True,
        [
            "Gespräche mit dem Sozialausschuss",
            "Mitarbeit in der Stadtteilkonferenz",
            "Allgemeine Sozialberatung",
        ],
    ),
    (
        "Familien in der Westerwaldstraße früher erreichen: Familienpatenschaften und die "
        "Eltern-Kind-Gruppe gemeinsam mit der Kita Regenbogen dorthin ausweiten.",
        ["N", "I"],
        "kinder-familie",
        ("mss-s4", WESTERWALD, Decimal(-5)),
        "next-year-end",
        "Sozialarbeiter im Diakonischen Werk",
        Goal.Status.ACTIVE,
        25,
        True,
        [
            "Familienpatenschaften",
            "Eltern-Kind-Gruppe „Krabbelkäfer“",
            "Kooperationsvereinbarung mit der Kita Regenbogen",
        ],
    ),
    (
        "Eine gemeinsame Sprechstunde zu Wohnungsnot mit der Wohnungsbaugesellschaft und dem "
        "Sozialamt einrichten.",
        ["O"],
        "wohnen",
        None,
        120,
        "Leitung Diakonisches Werk",
        Goal.Status.PLANNED,
        0,
        True,
        ["Einzelfallhilfe bei Wohnungsnotfällen"],
    ),
    (
        "Das Nachbarschaftscafé „Feldblick“ an einem zweiten Nachmittag öffnen, damit ältere "
        "Alleinlebende öfter Gesellschaft finden.",
        ["N"],
        "einsamkeit-begegnung",
        None,
        -90,
        "Ehrenamtsteam Nachbarschaftscafé",
        Goal.Status.REACHED,
        100,
        False,
        ["Nachbarschaftscafé „Feldblick“"],
    ),
]

# method code, days ago, area code, need code, text
FINDINGS = [
    (
        "stadtteilbegehung",
        160,
        WESTERWALD,
        "wohnumfeld",
        "Spielplatz an der Westerwaldstraße: zwei Geräte gesperrt, abends kaum Beleuchtung. "
        "Eltern sagen, sie meiden den Platz nach Einbruch der Dunkelheit.",
    ),
    (
        "stadtteilbegehung",
        160,
        SPEKTEFELD,
        "mobilitaet-nahversorgung",
        "Seit der Supermarkt am Spektefeld geschlossen hat, liegt der nächste Vollsortimenter "
        "über einen Kilometer entfernt; viele Ältere kaufen nur noch am Kiosk ein.",
    ),
    (
        "stadtteilbegehung",
        160,
        GERMERSHEIMER,
        "gesundheit",
        "Die Hausarztpraxis am Germersheimer Platz ist geschlossen; ein Aushang verweist auf "
        "Praxen in der Altstadt Spandau. Eine Nachfolge ist nicht angekündigt.",
    ),
    (
        "schluesselpersonen",
        60,
        WESTERWALD,
        "gesundheit",
        "Hausmeister der Wohnungsbaugesellschaft: Mehrere ältere Mieterinnen und Mieter haben "
        "seit der Praxisschließung keinen Hausarzt mehr; Nachbarn fahren sie zu Rezepten in "
        "die Altstadt.",
    ),
    (
        "schluesselpersonen",
        45,
        TRAENKE,
        "jugend",
        "Schulsozialarbeiterin der Grundschule am Feld: Nach 18 Uhr gibt es für Jugendliche "
        "keinen Treffpunkt; sie sitzen an der Bushaltestelle, bis die Nachbarn sich "
        "beschweren.",
    ),
    (
        "schluesselpersonen",
        45,
        SPEKTEFELD,
        "sucht",
        "Leiterin der Tafel-Ausgabestelle: Alkohol am Vormittag unter den Wartenden ist "
        "häufiger geworden; die Suchtberatung in der Altstadt nimmt kaum jemand in Anspruch.",
    ),
]

# need code, area code or None, status, assessment
REGISTER = [
    (
        "gesundheit",
        None,
        ProjectNeed.Status.OPEN,
        "Hausärztliche Versorgung im Norden des Quartiers: bei der Begehung und in zwei "
        "Interviews aufgefallen. Noch niemand im Netzwerk kümmert sich darum.",
    ),
    (
        "wohnen",
        None,
        ProjectNeed.Status.IN_PROGRESS,
        "Der Hilfelotse findet bei Wohnungsnot oft nichts Passendes; Sprechstunde mit "
        "Wohnungsbaugesellschaft und Sozialamt ist geplant (Ziel aus der Werkstatt).",
    ),
    (
        "einsamkeit-begegnung",
        None,
        ProjectNeed.Status.ADDRESSED,
        "Mittagstisch, Nachbarschaftscafé und Besuchsdienst decken den Bedarf gut ab.",
    ),
    (
        "digitale-teilhabe",
        None,
        ProjectNeed.Status.DISMISSED,
        "Die Stadtteilbibliothek bietet eine wöchentliche Sprechstunde an; kein eigener "
        "Schwerpunkt für uns.",
    ),
]


@transaction.atomic
def load(project: Project, user: User | None = None) -> dict[str, int]:
    """Create or refresh the demo's planning records; returns how many there are of each."""
    today = timezone.localdate()
    areas = {a.code: a for a in Area.objects.without_geometry().filter(code_system=AREA_SYSTEM)}
    needs = {n.code: n for n in Need.objects.all()}
    workshop = _workshop(project, user, today)
    goals = _goals(project, user, today, workshop, areas, needs)
    _finish(workshop)
    findings = _findings(project, user, today, areas, needs)
    register = _register(project, user, areas, needs)
    return {"workshops": 1, "goals": goals, "findings": findings, "needs": register}


def _workshop(project: Project, user: User | None, today: date) -> Workshop:
    year = today.year - 1
    workshop, _created = Workshop.objects.update_or_create(
        project=project,
        title=WORKSHOP_TITLE,
        defaults={
            "date": date(year, 11, 14),
            "participants": (
                "Gemeindediakonin, Sozialarbeiter der Diakonie, Leitung der Kita Regenbogen, "
                "zwei Ehrenamtliche aus dem Nachbarschaftscafé, ein Mitglied des "
                "Gemeindekirchenrats"
            ),
            "period_start": date(year, 1, 1),
            "period_end": date(year, 12, 31),
            "measure": "count",
            "ratings": RATINGS,
            "notes": NOTES,
            "ideas": IDEAS,
            "step": Workshop.Step.DECISIONS,
            "finished_at": timezone.make_aware(datetime.combine(date(year, 11, 14), time(17, 30))),
            "created_by": user,
            "updated_by": user,
        },
    )
    workshop.full_clean()
    return workshop


def _finish(workshop: Workshop) -> None:
    """The snapshot a finished Werkstatt keeps, built as finishing one builds it."""
    from quartierskompass.planning.workshop import take_snapshot

    snapshot = take_snapshot(workshop)
    snapshot["taken_at"] = workshop.finished_at.isoformat()
    Workshop.objects.filter(pk=workshop.pk).update(snapshot=snapshot)
    workshop.snapshot = snapshot


def _due(spec: int | str, today: date) -> date:
    if spec == "next-year-end":
        return date(today.year + 1, 12, 31)
    return today + timedelta(days=int(spec))


def _measure(indicator_spec, areas: dict[str, Area]) -> dict[str, Any]:
    """Indicator, area, baseline (its latest value there) and target – when the data exist."""
    if indicator_spec is None:
        return {"indicator": None, "area": None, "baseline": None, "target": None}
    key, area_code, change = indicator_spec
    indicator = Indicator.objects.filter(key=key).first()
    area = areas.get(area_code)
    latest = (
        IndicatorValue.objects.filter(indicator=indicator, area=area, value__isnull=False)
        .order_by("-date")
        .first()
        if indicator and area
        else None
    )
    if latest is None:
        return {"indicator": None, "area": area, "baseline": None, "target": None}
    baseline = latest.value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return {"indicator": indicator, "area": area, "baseline": baseline, "target": baseline + change}


def _goals(project, user, today, workshop, areas, needs) -> int:
    for (
        text,
        fields,
        need,
        indicator_spec,
        due,
        responsible,
        status,
        progress,
        decided,
        titles,
    ) in GOALS:
        goal, _created = Goal.objects.update_or_create(
            project=project,
            text=text,
            defaults={
                "fields": fields,
                "need": needs.get(need),
                **_measure(indicator_spec, areas),
                "due": _due(due, today),
                "responsible": responsible,
                "status": status,
                "progress": progress,
                "workshop": workshop if decided else None,
                "created_by": user,
                "updated_by": user,
            },
        )
        goal.full_clean()
        goal.activities.set(Activity.objects.filter(project=project, title__in=titles))
    return len(GOALS)


def _findings(project, user, today, areas, needs) -> int:
    methods = {m.code: m for m in Method.objects.all()}
    for code, days_ago, area_code, need, text in FINDINGS:
        finding, _created = Finding.objects.update_or_create(
            project=project,
            text=text,
            defaults={
                "method": methods[code],
                "date": today - timedelta(days=days_ago),
                "area": areas.get(area_code),
                "need": needs.get(need),
                "created_by": user,
                "updated_by": user,
            },
        )
        finding.full_clean()
    return len(FINDINGS)


def _register(project, user, areas, needs) -> int:
    for code, area_code, status, note in REGISTER:
        entry, _created = ProjectNeed.objects.update_or_create(
            project=project,
            need=needs[code],
            area=areas.get(area_code) if area_code else None,
            defaults={"status": status, "note": note, "created_by": user, "updated_by": user},
        )
        entry.full_clean()
    return len(REGISTER)
