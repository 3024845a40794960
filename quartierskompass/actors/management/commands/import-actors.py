"""quartierskompass import-actors FILE --project SLUG [--connections FILE] [--dry-run]
[--skip-invalid] [--user NAME]

FILE is a Kumu-style workbook (.xlsx with the sheets “Elements” and “Connections”), a CSV file
of the elements (with ``--connections`` for a second CSV file of the ties), or GraphML::

    quartierskompass import-actors netzwerk.xlsx --project nordstadt --dry-run
    quartierskompass import-actors akteure.csv --connections beziehungen.csv --project nordstadt
    quartierskompass import-actors netzwerk.graphml --project nordstadt
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.accounts.models import Project, User
from quartierskompass.actors import transfer
from quartierskompass.lib.tabular import CSV_SUFFIXES, XLSX_SUFFIXES


class Command(BaseCommand):
    help = (
        "Import actors and their ties from a Kumu-style XLSX (sheets “Elements” and "
        "“Connections”), from CSV (elements; --connections for the ties) or from GraphML, "
        "chosen by the file ending. Actors are matched by name and updated. Every row is "
        "checked first; a file with a bad row changes nothing unless --skip-invalid is given. "
        "Exit status 0 only when no row was rejected (or bad rows were skipped on purpose)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help=".xlsx, .csv or .graphml")
        parser.add_argument("--project", required=True, help="short name (slug) of the project")
        parser.add_argument(
            "--connections", type=Path, help="CSV file of the ties, beside a CSV of the elements"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows of a file with bad ones",
        )
        parser.add_argument("--user", help="user name recorded as the author of the changes")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        second: Path | None = options["connections"]
        for given in (path, second):
            if given is not None and not given.is_file():
                raise CommandError(f"Datei nicht gefunden: {given}")
        suffix = path.suffix.lower()
        if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES + transfer.GRAPHML_SUFFIXES:
            raise CommandError("Die Datei muss auf .xlsx, .csv oder .graphml enden.")
        if second is not None and suffix not in CSV_SUFFIXES:
            raise CommandError("--connections gehört zu einer CSV-Datei der Elemente.")
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"Kein Projekt „{options['project']}“.")
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        report = transfer.import_network(
            project=project,
            source=path,
            filename=path.name,
            user=user,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            connections_source=second,
            connections_filename=second.name if second else "",
        )
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        self.stdout.write(report.summary(transfer.kinds()))
        if report.errors and not (report.ok and options["skip_invalid"]):
            raise CommandError("Import abgebrochen – es wurde nichts geändert.", returncode=1)
