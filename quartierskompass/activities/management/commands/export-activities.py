"""quartierskompass export-activities --project SLUG --out FILE.xlsx|FILE.csv"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.accounts.models import Project
from quartierskompass.activities import transfer


class Command(BaseCommand):
    help = (
        "Export a project's activities with German headers, as XLSX (with the sheets "
        "“Codes” and “Hinweise”) or CSV (UTF-8, semicolons), chosen by the file ending. "
        "Without --project, write the empty template."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", help="short name (slug) of the project")
        parser.add_argument("--out", type=Path, required=True, help="file to write")

    def handle(self, *args, **options) -> None:
        out: Path = options["out"]
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError("Die Datei muss auf .xlsx oder .csv enden.")
        project = None
        if options["project"]:
            project = Project.objects.filter(slug=options["project"]).first()
            if project is None:
                raise CommandError(f"Kein Projekt „{options['project']}“.")
        with out.open("wb") as stream:
            transfer.write_export(stream, project=project, fmt=fmt)
        rows = len(transfer.export_rows(project)) if project else 0
        self.stdout.write(f"{rows} Aktivitäten nach {out} geschrieben.")
