"""quartierskompass recommend: the open recommendations of a project with their numbers."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.planning.decisions import overview
from quartierskompass.planning.recommendations import Recommendation


class Command(BaseCommand):
    help = (
        "Print the open recommendations of a project – rules over the SONI matrix, the "
        "network, the needs and the last SONI workshop – with the numbers behind each, the "
        "work forms of the model that answer it and suitable methods. Recommendations the "
        "team took on as a goal or dismissed are left out."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="short name (slug) of the project")
        parser.add_argument(
            "--year", type=int, help="the year of the matrix and the activities (default: now)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON list")

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"Kein Projekt „{options['project']}“.")
        year = options["year"] or timezone.localdate().year
        if not 1900 <= year <= 2999:
            raise CommandError(f"{year} ist kein sinnvolles Jahr.")
        found = overview(project, year=year).open
        if options["json"]:
            data = [r.as_json() for r in found]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._print(project, year, found)

    def _print(self, project: Project, year: int, found: list[Recommendation]) -> None:
        write = self.stdout.write
        write(f"Empfehlungen für {project.name} – {year}")
        if not found:
            write("Keine offenen Empfehlungen.")
            return
        for number, rec in enumerate(found, 1):
            write("")
            write(f"{number}. {rec.title}  [{rec.rule}; Felder {', '.join(rec.fields)}]")
            write(f"   {rec.text}")
            write("   Warum? " + "; ".join(f"{f.label}: {f.display()}" for f in rec.facts))
            forms = ", ".join(w["label"] for w in rec.work_form_items)
            write(f"   Arbeitsformen: {forms}")
            methods = ", ".join(m["label"] for m in rec.method_items)
            if methods:
                write(f"   Methoden: {methods}")
            write(f"   Kennung: {rec.fingerprint}")
