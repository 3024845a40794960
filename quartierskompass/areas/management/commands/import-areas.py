"""quartierskompass import-areas FILE.geojson --system NAME --code-prop P --name-prop P …

Berlin's 542 Planungsräume with Bezirksregion, Prognoseraum, Bezirk and the city on top::

    quartierskompass import-areas lor_planungsraeume_2021_wgs84.geojson --preset berlin-lor \\
        --parent-csv LOR_2021_hierarchy.csv
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartierskompass.areas import importer
from quartierskompass.lib.dates import DateError, parse_date


def _parse(parse, option: str, text: str):
    try:
        return parse(text)
    except ValueError as error:
        raise CommandError(f"{option} {error}") from error


class Command(BaseCommand):
    help = (
        "Import areas (Gebiete) from a GeoJSON FeatureCollection into one code system, with an "
        "optional hierarchy table that creates the parent areas above them. Areas are matched "
        "by code system and code, so a second import updates instead of duplicating. WGS84 is "
        "assumed unless the file's “crs” member or --crs says otherwise (EPSG:4326, 4258, "
        "25832, 25833, 3857 are read and reprojected). Everything is checked first; a file "
        "with an error changes nothing. Exit status 0 only when nothing was rejected.\n\n"
        "Berlin's LOR with the full hierarchy:\n"
        "  quartierskompass import-areas lor_planungsraeume_2021_wgs84.geojson "
        "--preset berlin-lor --parent-csv LOR_2021_hierarchy.csv"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON file (FeatureCollection of areas)")
        parser.add_argument(
            "--preset",
            choices=sorted(importer.PRESETS),
            help="ready-made settings; berlin-lor: system berlin-plr-2021, code PLR_ID, name "
            "PLR_NAME, the four LOR levels of LOR_2021_hierarchy.csv, root 0:Berlin:Stadt, "
            "source note and valid-from 2021-01-01. Options given as well win.",
        )
        parser.add_argument(
            "--system", help="code system the areas belong to, e.g. berlin-plr-2021 (a slug)"
        )
        parser.add_argument("--code-prop", help="feature property holding the area code")
        parser.add_argument("--name-prop", help="feature property holding the area name")
        parser.add_argument(
            "--kind", help="kind of the areas in the file, e.g. Stadtteil (default: first --level)"
        )
        parser.add_argument("--source", help="source and licence note stored with every area")
        parser.add_argument(
            "--crs",
            help="coordinate system of the file when it does not say, e.g. EPSG:25833",
        )
        parser.add_argument(
            "--pad-codes",
            type=int,
            metavar="N",
            help="fill numeric codes with leading zeros to N digits (for files that lost them)",
        )
        parser.add_argument(
            "--parent-csv",
            "--parent-table",
            dest="parent_table",
            type=Path,
            help="hierarchy table (CSV or XLSX) with one code and name column per level",
        )
        parser.add_argument("--sheet", help="XLSX sheet of the hierarchy table (default: first)")
        parser.add_argument(
            "--level",
            action="append",
            default=[],
            metavar="KIND:CODE_COLUMN:NAME_COLUMN",
            help="one per level of the hierarchy table, the level of the file's areas first, "
            "then upwards. CODE_COLUMN may be prefix:N when the table has no code for the "
            "level: the code is then the first N characters of the level below's code, e.g. "
            "Bezirk:prefix:2:Bezirk. NAME_COLUMN may be left out.",
        )
        parser.add_argument(
            "--root",
            metavar="CODE:NAME:KIND",
            help="an area on top of all others, e.g. 0:Berlin:Stadt; its boundary is the union",
        )
        parser.add_argument("--no-root", action="store_true", help="no root, even with --preset")
        parser.add_argument("--valid-from", help="date from which the areas are valid (TT.MM.JJJJ)")
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        table: Path | None = options["parent_table"]
        if table is not None and not table.is_file():
            raise CommandError(f"Datei nicht gefunden: {table}")
        settings = self._settings(options)
        report = importer.import_areas(
            source=path,
            filename=path.name,
            parent_table=table,
            parent_filename=table.name if table else "",
            dry_run=options["dry_run"],
            pad_codes=options["pad_codes"],
            source_crs=options["crs"],
            sheet=options["sheet"],
            **settings,
        )
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        self.stdout.write(report.summary_text())
        if report.errors:
            raise CommandError("Import abgebrochen – es wurde nichts geändert.", returncode=1)

    def _settings(self, options) -> dict:
        preset = importer.PRESETS.get(options["preset"] or "")
        levels = [_parse(importer.parse_level, "--level", text) for text in options["level"]] or (
            preset.levels if preset and options["parent_table"] else None
        )
        if options["parent_table"] and not levels:
            raise CommandError("Zur Hierarchietabelle gehören --level-Angaben (mindestens zwei).")
        root = (
            _parse(importer.parse_root, "--root", options["root"])
            if options["root"]
            else (preset and preset.root)
        )
        settings = {
            "system": options["system"] or (preset and preset.system),
            "code_prop": options["code_prop"] or (preset and preset.code_prop),
            "name_prop": options["name_prop"] or (preset and preset.name_prop),
            "kind": options["kind"] or (preset.kind if preset else ""),
            "source_note": options["source"] or (preset.source_note if preset else ""),
            "levels": levels,
            "root": None if options["no_root"] else root or None,
            "valid_from": self._date(options["valid_from"]) or (preset and preset.valid_from),
        }
        required = ("system", "code_prop", "name_prop")
        missing = ["--" + key.replace("_", "-") for key in required if not settings[key]]
        if missing:
            raise CommandError(f"Es fehlt: {', '.join(missing)} (oder --preset).")
        return settings

    @staticmethod
    def _date(text: str | None):
        if not text:
            return None
        try:
            return parse_date(text)
        except DateError as error:
            raise CommandError(f"--valid-from: {error}") from error
