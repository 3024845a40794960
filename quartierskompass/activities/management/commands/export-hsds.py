"""quartierskompass export-hsds --project SLUG --out DIR

Writes the project's published offers (not those kept internal) as HSDS 3.0: ``services.json``
(a list of service objects) and a tabular package (``datapackage.json`` and CSV tables).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quartierskompass.accounts.models import Project
from quartierskompass.activities.hsds import export_hsds


class Command(BaseCommand):
    help = (
        "Export a project's published offers as HSDS 3.0: services.json and a tabular "
        "datapackage (datapackage.json + CSV) in the folder given by --out."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="short name (slug) of the project")
        parser.add_argument("--out", required=True, type=Path, help="folder to write into")

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(_("There is no project “%(slug)s”.") % {"slug": options["project"]})
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(_("“%(path)s” is a file, not a folder.") % {"path": out})
        try:
            result = export_hsds(project=project, out_dir=out)
        except OSError as error:
            raise CommandError(
                _("The export cannot be written: %(error)s") % {"error": error.strerror or error}
            ) from error
        offers = ngettext("%(n)s offer", "%(n)s offers", result.services) % {"n": result.services}
        organizations = ngettext(
            "%(n)s organization", "%(n)s organizations", result.organizations
        ) % {"n": result.organizations}
        self.stdout.write(
            _(
                "%(offers)s and %(organizations)s written to %(path)s (HSDS 3.0: "
                "services.json and %(files)s files of the tabular package)."
            )
            % {
                "offers": offers,
                "organizations": organizations,
                "path": out,
                "files": len(result.files) - 1,
            }
        )
