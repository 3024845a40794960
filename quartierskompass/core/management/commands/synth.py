"""quartierskompass synth: synthetic church-wide data for benchmarks (DESIGN §6)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from quartierskompass.core import synth


class Command(BaseCommand):
    help = (
        "Generate synthetic data for benchmarks, the same for the same seed: at --scale 1.0 "
        "DESIGN §6's church-wide instance with 10 programmes, 1,500 projects, 60,000 actors, "
        "150,000 activities, 10,000 areas (code system synth-plr) and 1,000,000 indicator "
        "values (25 indicators keyed synth-…, 4 reference dates); every count is multiplied "
        "by the scale. Ties (actor network) are not generated yet. Refuses to run when "
        "synthetic data exists, unless --replace is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies every count (default 1.0)"
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="same seed, same data (default 42)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the previous synthetic programmes, projects, areas and indicators first",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=25,
            help="projects written per transaction (default 25)",
        )

    def handle(self, *args, **options) -> None:
        scale = options["scale"]
        if not scale > 0:
            raise CommandError("--scale muss größer als 0 sein.")
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size muss mindestens 1 sein.")
        planned = synth.plan(scale=scale)
        self.stdout.write(
            f"Erzeuge synthetische Daten, Maßstab {scale:g}, Seed {options['seed']}: "
            f"{synth.number(planned.projects)} Projekte, "
            f"{synth.number(planned.activities)} Aktivitäten, "
            f"{synth.number(planned.indicator_values)} Indikatorwerte."
        )
        try:
            report = synth.generate(
                scale=scale,
                seed=options["seed"],
                replace=options["replace"],
                chunk_size=options["chunk_size"],
                progress=self.stdout.write,
            )
        except synth.SynthDataExists:
            raise CommandError(
                "In dieser Datenbank gibt es schon synthetische Daten. Mit --replace werden "
                "sie zuerst gelöscht."
            ) from None
        except ProtectedError as error:
            raise CommandError(
                "Die alten synthetischen Gebiete werden noch von anderen Daten verwendet und "
                f"können nicht gelöscht werden: {error.args[0]}"
            ) from None
        self._summary(report)

    def _summary(self, report: synth.SynthReport) -> None:
        counts = report.counts
        kinds = ("programmes", "projects", "areas", "actors", "activities", "indicator values")
        self.stdout.write(
            self.style.SUCCESS(
                f"Fertig in {report.seconds:.1f} s: "
                + ", ".join(f"{synth.number(counts.get(k, 0))} {synth.LABELS[k]}" for k in kinds)
                + "."
            )
        )
        links = [key for key in counts if key.startswith("links: ")]
        if links:
            self.stdout.write(
                "Verknüpfungen: "
                + ", ".join(f"{synth.number(counts[k])} {synth.LABELS.get(k, k)}" for k in links)
            )
        self.stdout.write("Beziehungen (ties) werden noch nicht erzeugt.")
