"""The demo's network: who in the Falkenhagener Feld works with whom.

Strong among parish, diaconal services, associations and schools; a few ties to the social
welfare and youth offices and the job centre – but none to the district's social planning, the
health office or the immigration office, and the migrant associations hang on a single
counselling service. The SONI signals name exactly these gaps. Every name is invented.
"""

from __future__ import annotations

from django.db import transaction

from quartierskompass.accounts.models import Project
from quartierskompass.activities.demo import ACTORS as ACTIVITY_ACTORS
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind

MORE_ACTORS = [
    ("Bezirksamt Spandau – Sozialplanung", "amt-sozialplanung", "S"),
    ("Gesundheitsamt Spandau", "amt-gesundheit", "O"),
    ("Ausländerbehörde (Landesamt für Einwanderung)", "amt-auslaender", "O"),
    ("Bezirksverordneter des Wahlkreises (Schlüsselperson)", "politik", "S"),
    ("Quartiersrat Falkenhagener Feld", "initiative", "N"),
    ("Moscheeverein Falkenhagener Feld", "verein", "N"),
    ("Türkischer Elternverein Spandau", "verein", "N"),
    ("Frauenverein „Nour“", "initiative", "N"),
    ("Willkommensinitiative Deutsch im Kiez", "initiative", "N"),
    ("Imam der Moschee (Schlüsselperson)", "schluesselperson", "N"),
    ("AWO Seniorentreff am Feld", "wohlfahrt", "I"),
    ("Stadtteilbibliothek Falkenhagener Feld", "sonstige", "N"),
    ("Ev. Kita Zum Guten Hirten", "schule-kita", "I"),
    ("Sportverein SC Falkenhagen", "verein", "N"),
    ("Hausarztpraxis am Posthausweg", "gesundheit", "I"),
    ("Hausmeister Westerwaldstraße 24 (Schlüsselperson)", "schluesselperson", "N"),
    ("Integrierte Sekundarschule am Feld", "schule-kita", "N"),
    ("Jugendberufsagentur Spandau", "amt-arbeit", "O"),
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
) = (a[0] for a in ACTIVITY_ACTORS)
(
    SOZIALPLANUNG,
    GESUNDHEITSAMT,
    AUSLAENDERBEHOERDE,
    BEZIRKSVERORDNETER,
    QUARTIERSRAT,
    MOSCHEE,
    ELTERNVEREIN,
    NOUR,
    WILLKOMMEN,
    IMAM,
    AWO,
    BIBLIOTHEK,
    EV_KITA,
    SPORTVEREIN,
    HAUSARZT,
    HAUSMEISTER,
    SEKUNDARSCHULE,
    JUGENDBERUFSAGENTUR,
) = (a[0] for a in MORE_ACTORS)

# (from, to, kind, strength, directed)
TIES = [
    (GEMEINDE, DIAKONIE, "kooperation", 3, False),
    (GEMEINDE, BEZIRKSSTELLE, "gremium", 3, False),
    (DIAKONIE, BEZIRKSSTELLE, "kooperation", 3, False),
    (GEMEINDE, VEREIN, "kooperation", 3, False),
    (GEMEINDE, VEREIN, "raum", 2, True),
    (GEMEINDE, MIETERBEIRAT, "raum", 2, True),
    (GEMEINDE, SCHULE, "kooperation", 2, False),
    (GEMEINDE, KITA, "kooperation", 2, False),
    (GEMEINDE, EV_KITA, "gremium", 3, False),
    (GEMEINDE, TAFEL, "raum", 3, True),
    (GEMEINDE, KONFERENZ, "gremium", 1, False),
    (GEMEINDE, BEZIRKSVERORDNETER, "information", 1, False),
    (GEMEINDE, AWO, "kooperation", 2, False),
    (GEMEINDE, BIBLIOTHEK, "kooperation", 1, False),
    (GEMEINDE, SPORTVEREIN, "information", 1, False),
    (GEMEINDE, HAUSMEISTER, "information", 2, False),
    (GEMEINDE, QUARTIERSRAT, "gremium", 2, False),
    (DIAKONIE, CARITAS, "kooperation", 2, False),
    (DIAKONIE, SOZIALAMT, "weitervermittlung", 2, False),
    (DIAKONIE, JOBCENTER, "weitervermittlung", 2, False),
    (DIAKONIE, JUGENDAMT, "kooperation", 1, False),
    (DIAKONIE, WOHNUNGSBAU, "kooperation", 2, False),
    (DIAKONIE, TAFEL, "weitervermittlung", 2, True),
    (DIAKONIE, HAUSARZT, "weitervermittlung", 1, False),
    (DIAKONIE, AWO, "information", 1, False),
    (DIAKONIE, KONFERENZ, "gremium", 2, False),
    (SOZIALAMT, DIAKONIE, "finanzierung", 2, True),
    (JUGENDAMT, GEMEINDE, "finanzierung", 1, True),
    (BEZIRKSSTELLE, AUSSCHUSS, "information", 1, False),
    (VEREIN, MIETERBEIRAT, "kooperation", 3, False),
    (VEREIN, SCHULE, "kooperation", 2, False),
    (VEREIN, QUARTIERSRAT, "gremium", 2, False),
    (VEREIN, SPORTVEREIN, "kooperation", 1, False),
    (VEREIN, BIBLIOTHEK, "kooperation", 2, False),
    (VEREIN, KONFERENZ, "gremium", 2, False),
    (MIETERBEIRAT, WOHNUNGSBAU, "konflikt", 2, False),
    (MIETERBEIRAT, HAUSMEISTER, "information", 3, False),
    (MIETERBEIRAT, QUARTIERSRAT, "gremium", 2, False),
    (SCHULE, KITA, "kooperation", 2, False),
    (SCHULE, SEKUNDARSCHULE, "information", 1, False),
    (SCHULE, JUGENDAMT, "kooperation", 1, False),
    (SCHULE, BIBLIOTHEK, "kooperation", 2, False),
    (SEKUNDARSCHULE, JUGENDBERUFSAGENTUR, "weitervermittlung", 2, False),
    (SEKUNDARSCHULE, SPORTVEREIN, "kooperation", 1, False),
    (KITA, EV_KITA, "information", 1, False),
    (AWO, HAUSARZT, "weitervermittlung", 1, False),
    (AWO, QUARTIERSRAT, "gremium", 1, False),
    (WOHNUNGSBAU, HAUSMEISTER, "kooperation", 3, False),
    (TAFEL, CARITAS, "kooperation", 1, False),
    # The migrant associations reach the rest of the network only through the Caritas
    # counselling service: one broker.
    (CARITAS, MOSCHEE, "kooperation", 2, False),
    (CARITAS, ELTERNVEREIN, "information", 2, False),
    (CARITAS, NOUR, "kooperation", 2, False),
    (MOSCHEE, IMAM, "gremium", 3, False),
    (MOSCHEE, ELTERNVEREIN, "kooperation", 2, False),
    (NOUR, WILLKOMMEN, "kooperation", 2, False),
    (ELTERNVEREIN, WILLKOMMEN, "information", 1, False),
    (IMAM, NOUR, "information", 1, False),
]


@transaction.atomic
def load(project: Project) -> tuple[int, int]:
    """Create or refresh the demo's extra actors and every tie; returns (actors, ties)."""
    types = {t.code: t for t in ActorType.objects.all()}
    for name, type_code, field in MORE_ACTORS:
        Actor.objects.update_or_create(
            project=project,
            name=name,
            defaults={"actor_type": types.get(type_code), "field": field},
        )
    Actor.objects.filter(project=project, name=EV_KITA).update(
        parent=Actor.objects.get(project=project, name=GEMEINDE)
    )
    actors = {a.name: a for a in Actor.objects.filter(project=project)}
    kinds = {k.code: k for k in TieKind.objects.all()}
    for source, target, kind, strength, directed in TIES:
        Tie.objects.update_or_create(
            project=project,
            source=actors[source],
            target=actors[target],
            kind=kinds[kind],
            defaults={"strength": strength, "directed": directed, "confirmed": strength > 1},
        )
    return len(actors), Tie.objects.filter(project=project).count()
