"""quartierskompass matrix: the DESIGN §1.1 figures of a project or a programme."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.accounts.models import Programme, Project, User
from quartierskompass.accounts.permissions import get_project_for_user
from quartierskompass.activities.models import Activity
from quartierskompass.soni import matrix as soni_matrix
from quartierskompass.soni.model import FIELD_ORDER, Field


class Command(BaseCommand):
    help = (
        "Print the SONI matrix of a project (or programme) for a period: cells, shares, "
        "evenness, level and side balance, weak fields, bridges and missing values."
    )

    def add_arguments(self, parser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--project", help="short name (slug) of the project")
        scope.add_argument("--programme", help="short name (slug) of the programme")
        parser.add_argument(
            "--period", required=True, help="a year (2025) or a range (2025-01-01..2025-06-30)"
        )
        parser.add_argument("--measure", default="count", choices=soni_matrix.MEASURES)
        parser.add_argument(
            "--include-planned", action="store_true", help="count planned activities too"
        )
        parser.add_argument("--user", help="answer only with what this user may read")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        try:
            period = soni_matrix.Period.parse(options["period"])
        except soni_matrix.PeriodError as error:
            raise CommandError(str(error)) from None
        statuses = (
            ("planned", "active", "ended")
            if options["include_planned"]
            else soni_matrix.DEFAULT_STATUSES
        )
        activities, scope, threshold = self._scope(options)
        result = soni_matrix.compute(
            activities,
            period=period,
            measure=options["measure"],
            statuses=statuses,
            weak_threshold=threshold,
            scope=scope,
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self._print(result)

    def _scope(self, options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"Kein aktives Konto „{options['user']}“.")
        if options["project"]:
            project = self._project(options["project"], user)
            return (
                Activity.objects.filter(project=project),
                {"project": project.slug},
                project.weak_threshold / 100,
            )
        programmes = Programme.objects.coordinated_by(user) if user else Programme.objects
        programme = programmes.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"Kein Programm „{options['programme']}“.")
        return (
            Activity.objects.filter(project__programme=programme),
            {"programme": programme.slug},
            soni_matrix.DEFAULT_WEAK_THRESHOLD,
        )

    def _project(self, slug: str, user: User | None) -> Project:
        from django.http import Http404

        try:
            return get_project_for_user(user, slug) if user else Project.objects.get(slug=slug)
        except (Project.DoesNotExist, Http404):
            raise CommandError(f"Kein Projekt „{slug}“.") from None

    def _print(self, result: soni_matrix.Matrix) -> None:
        write = self.stdout.write
        write(f"SONI-Matrix {result.period} – {result.measure}")
        shares = result.shares or {}
        for code in FIELD_ORDER:
            share = f"{shares[code] * 100:5.1f} %" if shares else "    – "
            value = soni_matrix.format_value(result.measure, result.cells[code])
            write(f"  {code} {Field(code).label:<16} {share}  {value}")
        for figure in soni_matrix.describe(result):
            write(f"{figure.label}: {figure.value} – {figure.sentence}")
        if result.is_empty:
            write("Keine Werte in diesem Zeitraum.")
        write(f"Aktivitäten: {result.activities}; ohne Wert: {result.missing}")
