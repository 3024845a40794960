"""quartierskompass import-hsds PATH --project SLUG [--dry-run] [--skip-invalid]

PATH is an HSDS 3.0/3.1 JSON file (a service, a list or a paginated response of services, an
organization with its services) or an HSDS tabular package – its folder or its datapackage.json –
in HSDS 3.0, 3.1 or 1.1::

    quartierskompass import-hsds sample-HSDS-datapackage-v1.1/all_resources --project nordstadt
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities.hsds import import_hsds


class Command(BaseCommand):
    help = (
        "Import HSDS services as published activities and their organizations as actors: "
        "HSDS 3.0/3.1 JSON, or a tabular package (folder or datapackage.json) in HSDS 3.0, 3.1 "
        "or 1.1. Every service is checked first; a file with a bad service changes nothing "
        "unless --skip-invalid is given. A second import updates what the first created. Exit "
        "status 0 only when no service was rejected (or bad ones were skipped on purpose)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path", type=Path, help="HSDS JSON file, package folder or datapackage.json"
        )
        parser.add_argument("--project", required=True, help="short name (slug) of the project")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good services of a file with bad ones",
        )
        parser.add_argument("--user", help="user name recorded as the author of the changes")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(_("File or folder not found: %(path)s") % {"path": path})
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(_("There is no project “%(slug)s”.") % {"slug": options["project"]})
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("There is no user “%(name)s”.") % {"name": options["user"]})
        report = import_hsds(
            project=project,
            path=path,
            user=user,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
        if report.format_label:
            self.stdout.write(_("Read as %(format)s.") % {"format": report.format_label})
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        if report.unmapped:
            self.stdout.write(
                _("Not mapped (not found among our needs, target groups and languages):")
            )
            for line in report.unmapped_lines():
                self.stdout.write(f"  {line}")
        self.stdout.write(report.summary_text())
        if report.errors and not (report.ok and options["skip_invalid"]):
            raise CommandError(_("Import stopped – nothing was changed."), returncode=1)
