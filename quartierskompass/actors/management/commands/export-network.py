"""quartierskompass export-network --project SLUG --format graphml|xlsx|csv --out FILE

``xlsx`` writes Kumu's two sheets “Elements” and “Connections”; ``graphml`` one GraphML file;
``csv`` two files: with ``--out netz.csv`` (or ``--out netz``) they are ``netz-elements.csv`` and
``netz-connections.csv``; when FILE is an existing directory, ``elements.csv`` and
``connections.csv`` inside it::

    quartierskompass export-network --project nordstadt --format xlsx --out netzwerk.xlsx
    quartierskompass export-network --project nordstadt --format csv --out exporte/
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.accounts.models import Project
from quartierskompass.actors import transfer
from quartierskompass.actors.models import Actor, Tie


def csv_paths(out: Path) -> tuple[Path, Path]:
    """Where ``--format csv`` writes the elements and the connections."""
    if out.is_dir():
        return out / "elements.csv", out / "connections.csv"
    stem = out.with_suffix("") if out.suffix.lower() == ".csv" else out
    name = stem.name
    return stem.with_name(f"{name}-elements.csv"), stem.with_name(f"{name}-connections.csv")


class Command(BaseCommand):
    help = (
        "Export a project's actors and ties: --format xlsx (Kumu's sheets “Elements” and "
        "“Connections”, German extra columns), graphml (for Gephi, yEd, networkx) or csv (two "
        "files FILE-elements.csv and FILE-connections.csv, or elements.csv and "
        "connections.csv inside FILE when it is a directory; UTF-8, semicolons)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="short name (slug) of the project")
        parser.add_argument("--format", required=True, choices=["graphml", "xlsx", "csv"])
        parser.add_argument("--out", type=Path, required=True, help="file (or directory for csv)")

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"Kein Projekt „{options['project']}“.")
        out: Path = options["out"]
        if options["format"] == "csv":
            targets = dict(zip(("csv-elements", "csv-connections"), csv_paths(out), strict=True))
        else:
            targets = {options["format"]: out}
        for fmt, path in targets.items():
            with path.open("wb") as stream:
                transfer.write_network(stream, project=project, fmt=fmt)
        actors = Actor.objects.filter(project=project).count()
        ties = Tie.objects.filter(project=project).count()
        written = ", ".join(str(p) for p in targets.values())
        self.stdout.write(f"{actors} Akteure und {ties} Beziehungen nach {written} geschrieben.")
