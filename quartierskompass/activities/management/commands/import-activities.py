"""quartierskompass import-activities FILE --project SLUG [--dry-run] [--skip-invalid]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities import transfer


class Command(BaseCommand):
    help = (
        "Import activities from an XLSX or CSV file with the template's German headers. "
        "Every row is checked first; a file with a bad row changes nothing unless "
        "--skip-invalid is given. Exit status 0 only when no row was rejected (or bad rows "
        "were skipped on purpose)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", required=True, help="short name (slug) of the project")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows of a file with bad ones",
        )
        parser.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
        parser.add_argument("--user", help="user name recorded as the author of the changes")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"Kein Projekt „{options['project']}“.")
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        report = transfer.import_activities(
            project=project,
            source=path,
            filename=path.name,
            user=user,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            sheet=options["sheet"],
        )
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        self.stdout.write(report.summary(transfer.kinds()))
        if report.errors and not (report.ok and options["skip_invalid"]):
            raise CommandError("Import abgebrochen – es wurde nichts geändert.", returncode=1)
