"""quartierskompass import-activities FILE --project SLUG [--mapping M] [--dry-run] [--skip-invalid]

A spreadsheet (XLSX or CSV with the template's headers), or a public facility register as
GeoJSON with a mapping – a preset name or a mapping JSON file::

    quartierskompass import-activities kindertagesstaetten_2022-12_epsg25833.geojson \\
        --project nordstadt --mapping berlin-kitas
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities import registers, transfer

REGISTER_SUFFIXES = (".geojson", ".json")


class Command(BaseCommand):
    help = (
        "Import activities from an XLSX or CSV file with the template's German headers, or "
        "a public facility register (GeoJSON points, WGS84 or EPSG:25832/25833) with "
        "--mapping: each facility becomes a published activity, its provider an actor; a "
        "second import updates them. Every row is checked first; a file with a bad row "
        "changes nothing unless --skip-invalid is given. Exit status 0 only when no row was "
        "rejected (or bad rows were skipped on purpose).\n\n"
        "Ready-made mappings: {presets}. Berlin's Kitas:\n"
        "  quartierskompass import-activities kindertagesstaetten_2022-12_epsg25833.geojson "
        "--project SLUG --mapping berlin-kitas"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = self.help.format(presets=", ".join(registers.presets()))
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

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
        parser.add_argument(
            "--mapping",
            help="for GeoJSON registers: a ready-made mapping (e.g. berlin-kitas) or the path "
            "of a mapping JSON file",
        )
        parser.add_argument(
            "--crs",
            help="for GeoJSON registers without a “crs” member: their coordinate system, "
            "e.g. EPSG:25833",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"Kein Projekt „{options['project']}“.")
        user = User.objects.filter(username=options["user"]).first() if options["user"] else None
        if path.suffix.lower() in REGISTER_SUFFIXES:
            report = self.import_register(path, project, user, options)
        else:
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

    def import_register(self, path: Path, project: Project, user, options):
        if not options["mapping"]:
            raise CommandError(
                "Für ein GeoJSON-Verzeichnis fehlt --mapping: eine fertige Zuordnung ("
                + ", ".join(registers.presets())
                + ") oder eine Zuordnungsdatei (JSON)."
            )
        try:
            mapping = registers.resolve_mapping(options["mapping"])
        except registers.MappingError as error:
            raise CommandError(str(error)) from error
        return registers.import_register(
            project=project,
            source=path,
            filename=path.name,
            mapping=mapping,
            user=user,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            source_crs=options["crs"],
        )
