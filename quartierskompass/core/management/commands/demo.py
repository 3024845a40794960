"""quartierskompass demo: the demo Quartier with one login per role (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from quartierskompass.accounts.models import Membership, Programme, Project, Role, User

DEMO_PASSWORD = "quartier-demo"

PROGRAMME = {
    "slug": "aufbruch-quartier-spandau",
    "name": "Aufbruch Quartier – Kirchenkreis Spandau (Demo)",
    "description": (
        "Demo-Programm: Kirchengemeinden und Diakonie im Kirchenkreis entwickeln ihre Quartiere "
        "gemeinsam mit Bezirk, Vereinen und Nachbarschaft nach dem SONI-Modell."
    ),
}

PROJECTS = [
    {
        "slug": "falkenhagener-feld",
        "name": "Quartiersprojekt Falkenhagener Feld",
        "description": (
            "Die Ev. Kirchengemeinde Zum Guten Hirten, das Diakonische Werk Spandau und ihre "
            "Partner entwickeln das Falkenhagener Feld gemeinsam: eine Großsiedlung am Stadtrand "
            "mit vielen jungen Familien, vielen älteren Alleinlebenden und wenigen Orten der "
            "Begegnung.\n"
            "Demo-Projekt: Personen, Gemeinde und Einrichtungen sind erfunden; das Gebiet und "
            "seine Statistik gibt es wirklich."
        ),
        "wegweiser_enabled": True,
        "wegweiser_intro": (
            "Hier finden Sie Hilfe und Treffpunkte im Falkenhagener Feld. Alle Angebote sind "
            "in der Nähe. Viele kosten nichts. Rufen Sie an oder kommen Sie vorbei."
        ),
    },
    {
        "slug": "wilhelmstadt",
        "name": "Kiezprojekt Wilhelmstadt",
        "description": (
            "Demo-Projekt einer Nachbargemeinde im selben Programm. Wer hier Mitglied ist, sieht "
            "die Daten des Falkenhagener Felds nicht."
        ),
    },
]

# username, first name, last name, what the person does, (project slug, role) or coordinator
USERS = [
    (
        "demo-leitung",
        "Miriam",
        "Albrecht",
        "Gemeindediakonin, leitet das Quartiersprojekt",
        ("falkenhagener-feld", Role.OWNER),
    ),
    (
        "demo-mitarbeit",
        "Jonas",
        "Okafor",
        "Sozialarbeiter im Diakonischen Werk",
        ("falkenhagener-feld", Role.EDITOR),
    ),
    (
        "demo-ehrenamt",
        "Helga",
        "Brandt",
        "Ehrenamtliche im Gemeindekirchenrat",
        ("falkenhagener-feld", Role.VIEWER),
    ),
    ("demo-koordination", "Sabine", "Lorenz", "koordiniert das Programm im Kirchenkreis", None),
    (
        "demo-extern",
        "Tobias",
        "Wendt",
        "leitet das Kiezprojekt Wilhelmstadt",
        ("wilhelmstadt", Role.OWNER),
    ),
]


class Command(BaseCommand):
    help = "Create or refresh the demo Quartier and print one login per role. Safe to repeat."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        programme, _created = Programme.objects.update_or_create(
            slug=PROGRAMME["slug"], defaults=PROGRAMME
        )
        projects = {}
        for data in PROJECTS:
            projects[data["slug"]], _created = Project.objects.update_or_create(
                slug=data["slug"], defaults={**data, "programme": programme}
            )
        rows = []
        for username, first, last, what, membership in USERS:
            user = self._user(username, first, last)
            if membership:
                slug, role = membership
                Membership.objects.update_or_create(
                    project=projects[slug], user=user, defaults={"role": role}
                )
                rows.append((username, Role(role).label, projects[slug].name, what))
            else:
                programme.coordinators.add(user)
                rows.append((username, Role.COORDINATOR.label, programme.name, what))
        from quartierskompass.activities import demo as activities_demo
        from quartierskompass.areas import demo as areas_demo

        quartier = areas_demo.load(projects["falkenhagener-feld"])
        self.stdout.write(f"Gebiete und Statistik: Berlin, Quartier {quartier}.")

        count = activities_demo.load(
            projects["falkenhagener-feld"], user=User.objects.get(username="demo-mitarbeit")
        )
        self.stdout.write(f"{count} Aktivitäten im Falkenhagener Feld.")
        from quartierskompass.actors import demo as actors_demo

        actors, ties = actors_demo.load(projects["falkenhagener-feld"])
        self.stdout.write(f"{actors} Akteure und {ties} Beziehungen im Netzwerk.")
        from quartierskompass.finder import demo as finder_demo

        searches = finder_demo.load(projects["falkenhagener-feld"])
        self.stdout.write(f"{searches} anonyme Suchen im Hilfelotsen.")
        from quartierskompass.planning import demo as planning_demo

        planning = planning_demo.load(
            projects["falkenhagener-feld"], user=User.objects.get(username="demo-leitung")
        )
        self.stdout.write(
            f"{planning['workshops']} SONI-Werkstatt, {planning['goals']} Ziele und "
            f"{planning['findings']} Befunde aus Stadtteilbegehung und Interviews."
        )
        admin = self._user("demo-admin", "Ada", "Admin", staff=True)
        rows.append((admin.username, "Administration", "/verwaltung/", "pflegt Stammdaten"))
        self._print(rows)

    def _user(self, username: str, first: str, last: str, *, staff: bool = False) -> User:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.org"
        user.is_active = True
        user.is_staff = user.is_superuser = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _print(self, rows: list[tuple[str, str, str, str]]) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo-Quartier ist bereit: http://127.0.0.1:8000"))
        out.write(f"Passwort für alle Demo-Zugänge: {DEMO_PASSWORD}\n")
        width = max(len(r[0]) for r in rows)
        for username, role, where, what in rows:
            out.write(f"  {username:<{width}}  {role:<22} {where} – {what}")
