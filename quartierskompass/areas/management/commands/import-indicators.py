"""quartierskompass import-indicators FILE --system NAME --code-column C [options]

The Berlin MSS 2021 unemployment rate per planning area, for example::

    quartierskompass import-indicators mss_2021_index_indikatoren.csv \\
        --system berlin-plr-2021 --code-column PLR_ID --date 2020-12-31 \\
        --indicator S1=mss-s1 --label "mss-s1=Arbeitslosigkeit" --kind mss-s1=rate \\
        --suppressed-value -9999

The work is done by :func:`quartierskompass.areas.indicator_import.import_indicators`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartierskompass.areas.indicator_import import import_indicators, import_kinds


def _pairs(values: list[str] | None, option: str, *, last: bool = False) -> dict[str, str]:
    """``["S1=mss-s1", …]`` → ``{"S1": "mss-s1"}``. The first "=" splits, or the last one
    with ``last`` (a column header may hold one, a key never does)."""
    pairs = {}
    for value in values or []:
        left, sep, right = value.rpartition("=") if last else value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise CommandError(f"{option} erwartet NAME=WERT, nicht „{value}“.")
        pairs[left.strip()] = right.strip()
    return pairs


def _rows(values: list[str] | None) -> set[int]:
    """``["101-108", "5"]`` → {5, 101, …, 108}."""
    rows: set[int] = set()
    for value in values or []:
        for part in value.split(","):
            found = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if not found:
                raise CommandError(
                    f"--skip-rows erwartet Zeilennummern wie 101-108, nicht „{part}“."
                )
            first, last = int(found[1]), int(found[2] or found[1])
            rows.update(range(first, last + 1))
    return rows


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date erwartet JJJJ-MM-TT, nicht „{value}“.") from error


class Command(BaseCommand):
    help = (
        "Import indicator values per area from a CSV or XLSX statistics table. Wide tables have "
        "one row per area and one column per indicator; long tables one row per area and "
        "indicator. Every row is checked first; a file with a bad row changes nothing unless "
        "--skip-invalid is given. Values are updated by indicator, area and date, so importing "
        "a file again updates instead of duplicating. Exit status 0 only when no row was "
        "rejected (or bad rows were skipped on purpose)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument(
            "--system", required=True, help="code system of the areas, e.g. berlin-plr-2021"
        )
        parser.add_argument(
            "--code-column", required=True, help="column holding the area code (or name)"
        )
        parser.add_argument(
            "--match",
            choices=["code", "name"],
            default="code",
            help="match the code column against the areas' codes (default) or names",
        )
        parser.add_argument(
            "--indicator",
            action="append",
            metavar="COLUMN=key",
            help="import COLUMN as indicator key (repeatable); without it every numeric column "
            "is imported, keyed by its header. Long layout: NAME=key for a name in the "
            "indicator column",
        )
        parser.add_argument(
            "--label",
            action="append",
            metavar="key=Label",
            help="German label of a new indicator (default: the column header)",
        )
        parser.add_argument(
            "--kind",
            action="append",
            metavar="key=count|rate|index",
            help="kind of a new indicator (default: guessed, “%%”, “Anteil”, “Quote” → rate)",
        )
        parser.add_argument(
            "--key-prefix",
            default="",
            help="prefix for keys made from headers, e.g. hh- (no year: each value has its date)",
        )
        parser.add_argument("--source", default="", help="source of new indicators (publisher)")
        parser.add_argument("--licence", default="", help="licence of new indicators")
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--date", type=_date, help="reference date of all values, YYYY-MM-DD")
        when.add_argument("--date-column", help="column holding each row's reference date")
        parser.add_argument(
            "--layout", choices=["wide", "long"], default="wide", help="table layout"
        )
        parser.add_argument("--indicator-column", help="long layout: column naming the indicator")
        parser.add_argument("--value-column", help="long layout: column holding the value")
        parser.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
        parser.add_argument(
            "--header-row", type=int, default=1, help="row of the (first) header row, from 1"
        )
        parser.add_argument(
            "--header-rows",
            type=int,
            default=1,
            help="number of header rows joined into one header per column",
        )
        parser.add_argument(
            "--pad-codes",
            type=int,
            metavar="N",
            help="restore leading zeros: pad numeric codes to N digits (e.g. 8 for Berlin PLR)",
        )
        parser.add_argument(
            "--map",
            action="append",
            metavar="CODE=AREACODE",
            help="use area AREACODE for rows with CODE (repeatable)",
        )
        parser.add_argument(
            "--skip-code",
            action="append",
            metavar="CODE",
            help="skip rows with this code on purpose, e.g. a city total (repeatable)",
        )
        parser.add_argument(
            "--skip-rows",
            action="append",
            metavar="N-M",
            help="skip these rows on purpose, numbered as the spreadsheet shows them",
        )
        parser.add_argument(
            "--dash-is-zero",
            action="store_true",
            help="read “–” and “-” as 0 (DIN 55301: nothing there) instead of suppressed",
        )
        parser.add_argument(
            "--suppressed-value",
            action="append",
            metavar="TEXT",
            help="a cell text meaning “no value”, e.g. -9999 (repeatable)",
        )
        parser.add_argument(
            "--decimal",
            choices=["auto", ",", "."],
            default="auto",
            help="decimal separator (default: guessed per column)",
        )
        parser.add_argument(
            "--no-create-indicators",
            action="store_true",
            help="refuse unknown indicator keys instead of creating them",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows of a file with bad ones",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        code_map: dict[str, str | None] = dict(_pairs(options["map"], "--map"))
        code_map.update(dict.fromkeys(options["skip_code"] or []))
        report = import_indicators(
            source=path,
            filename=path.name,
            system=options["system"],
            code_column=options["code_column"],
            indicators=_pairs(options["indicator"], "--indicator", last=True),
            labels=_pairs(options["label"], "--label"),
            kinds=_pairs(options["kind"], "--kind"),
            key_prefix=options["key_prefix"],
            attribution=options["source"],
            licence=options["licence"],
            date=options["date"],
            date_column=options["date_column"],
            layout=options["layout"],
            indicator_column=options["indicator_column"],
            value_column=options["value_column"],
            sheet=options["sheet"],
            header_row=options["header_row"],
            header_rows=options["header_rows"],
            pad_codes=options["pad_codes"],
            code_map=code_map,
            skip_rows=_rows(options["skip_rows"]),
            match=options["match"],
            dash_is_zero=options["dash_is_zero"],
            suppressed_values=options["suppressed_value"] or [],
            decimal=options["decimal"],
            create_indicators=not options["no_create_indicators"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(warning)
        self.stdout.write(report.summary(import_kinds()))
        if report.errors and not (report.ok and options["skip_invalid"]):
            raise CommandError("Import abgebrochen – es wurde nichts geändert.", returncode=1)
