"""Import social indicator values per area from statistics tables (CSV or XLSX).

A file holds values for the areas of one code system, either *wide* (one row per area, one
column per indicator – how statistics offices publish) or *long* (one row per area and
indicator, with a column naming the indicator and one holding the value). Area codes stay text
(``01100101`` keeps its zero); ``pad_codes`` restores zeros a program dropped. Numbers are read
with :mod:`quartierskompass.lib.numbers`, the decimal separator guessed per column (Berlin's
``58.016`` per cent is no thousand). Placeholders such as ``–``, ``.`` or ``x`` become
suppressed values (no number, ``suppressed=True``); an empty cell gives no value at all. By
DIN 55301 a dash means “nothing there”, i.e. zero: ``dash_is_zero`` reads it so.

Like every import this one is atomic: a file with a bad row writes nothing unless the person
chose to skip bad rows, and a dry run only counts. Values are upserted by (indicator, area,
date), so a re-import updates instead of duplicating.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import batched
from pathlib import Path
from typing import Literal, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from quartierskompass.areas.models import Area, Indicator, IndicatorValue
from quartierskompass.core.imports import ImportAborted, ImportReport
from quartierskompass.lib import tabular
from quartierskompass.lib.dates import DateError, parse_date
from quartierskompass.lib.numbers import (
    SUPPRESSED,
    DecimalMode,
    NumberError,
    Suppressed,
    guess_decimal,
    parse_number,
)

type Layout = Literal["wide", "long"]
type Match = Literal["code", "name"]
type Parsed = Decimal | Suppressed | NumberError | None

MAX_ROWS = 2_000_000
BATCH_SIZE = 2_000
KEY_LENGTH = Indicator._meta.get_field("key").max_length
LABEL_LENGTH = Indicator._meta.get_field("label_de").max_length
# IndicatorValue.value is DECIMAL(20, 6): six places after the point, fourteen before.
PLACES = Decimal("0.000001")
MAX_INTEGER_DIGITS = 14
# The dashes of official statistics; by DIN 55301 "–" means "nothing there", i.e. 0.
DASHES = frozenset({"–", "—", "-", "−"})
RATE_WORDS = ("%", "anteil", "quote", "percent", "prozent")
INDEX_WORDS = ("index",)
# Plain numbers, the bulk of big files, skip the general parser (same result, a third the time).
_PLAIN = {
    "int": re.compile(r"-?[0-9]{1,15}"),
    ".": re.compile(r"-?[0-9]{1,15}\.[0-9]+"),
    ",": re.compile(r"-?[0-9]{1,15},[0-9]+"),
}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def import_kinds() -> dict[str, tuple[str, str]]:
    """Singular and plural nouns for the import summary, in the active language."""
    return {
        "indicators": (_("indicator"), _("indicators")),
        "values": (_("indicator value"), _("indicator values")),
    }


@dataclass(frozen=True)
class PlannedIndicator:
    """An indicator the file fills: an existing one, or one the import creates."""

    key: str
    label: str
    column: str  # the column header (wide) or the name in the indicator column (long)
    kind: str
    exists: bool


@dataclass
class IndicatorImportReport(ImportReport):
    """The common report plus what a person needs to fix a mapping in the wizard."""

    unmatched_codes: list[str] = field(default_factory=list)  # in file order, each once
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, code) on purpose
    indicators: list[PlannedIndicator] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)


class _Value(NamedTuple):
    row: int
    area_id: int
    key: str
    day: Date
    value: Decimal | None
    suppressed: bool


@dataclass(frozen=True)
class _Options:
    system: str
    code_column: str
    date: Date | None = None
    date_column: str | None = None
    layout: Layout = "wide"
    indicator_column: str | None = None
    value_column: str | None = None
    pad_codes: int | None = None
    code_map: Mapping[str, str | None] = field(default_factory=dict)
    skip_rows: frozenset[int] = frozenset()
    match: Match = "code"
    dash_is_zero: bool = False
    decimal: DecimalMode = "auto"
    suppressed_values: frozenset[str] = frozenset()


def import_indicators(
    *,
    source: bytes | Path,
    filename: str,
    system: str,
    code_column: str,
    indicators: Mapping[str, str] | None = None,
    date: Date | None = None,
    date_column: str | None = None,
    layout: Layout = "wide",
    indicator_column: str | None = None,
    value_column: str | None = None,
    sheet: str | None = None,
    header_row: int = 1,
    header_rows: int = 1,
    pad_codes: int | None = None,
    code_map: Mapping[str, str | None] | None = None,
    skip_rows: Iterable[int] = (),
    match: Match = "code",
    dash_is_zero: bool = False,
    decimal: DecimalMode = "auto",
    suppressed_values: Iterable[str] = (),
    dry_run: bool = False,
    skip_invalid: bool = False,
    create_indicators: bool = True,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    key_prefix: str = "",
    attribution: str = "",
    licence: str = "",
) -> IndicatorImportReport:
    """Check every row, then upsert the values by (indicator, area, date) – all or nothing.

    ``indicators`` maps a column (wide) or a name in ``indicator_column`` (long) to an indicator
    key; empty means every numeric column not otherwise used (wide) or every name (long), keyed
    ``key_prefix`` + the slug of the header. Unknown keys are created with the label from
    ``labels`` or the header, the kind from ``kinds`` or guessed from the header (“%”,
    “Anteil”, “Quote” → rate), ``attribution`` and ``licence`` as source – unless
    ``create_indicators`` is false. Existing indicators stay as they are.

    Each row's code is looked up in ``code_map`` first (a value of ``None`` skips the row on
    purpose, e.g. a city total), then padded to ``pad_codes`` digits and matched against the
    areas of ``system`` by code, or by name with ``match="name"``. ``skip_rows`` are row
    numbers as the spreadsheet shows them. Cells equal to one of ``suppressed_values`` (e.g.
    ``-9999``) count as suppressed. ``date`` is the reference date of every value, unless
    ``date_column`` gives one per row.
    """
    report = IndicatorImportReport(dry_run=dry_run, skip_invalid=skip_invalid)
    table = _read(source, filename, sheet, header_row, header_rows, report)
    if table is None:
        return report
    options = _Options(
        system=system,
        code_column=code_column,
        date=date.date() if isinstance(date, datetime) else date,
        date_column=date_column or None,
        layout=layout,
        indicator_column=indicator_column,
        value_column=value_column,
        pad_codes=pad_codes,
        code_map=dict(code_map or {}),
        skip_rows=frozenset(skip_rows),
        match=match,
        dash_is_zero=dash_is_zero,
        decimal=decimal,
        suppressed_values=frozenset(str(v).strip() for v in suppressed_values),
    )
    if not _check_options(table, options, report):
        return report
    areas = _AreaIndex(system, match)
    if not areas.ids:
        _file_error(
            report,
            _("There are no areas in the code system “%(system)s”. Import the areas first.")
            % {"system": system},
        )
        return report
    plan = _Plan(table, options, dict(indicators or {}), dict(labels or {}), dict(kinds or {}))
    if not plan.check(report, create=create_indicators, key_prefix=key_prefix):
        return report
    values = _Reader(table, options, areas, plan, report).values()
    if not report.ok:
        return report
    bad = report.bad_rows
    values = [v for v in values if v.row not in bad]
    with contextlib.suppress(ImportAborted):  # a dry run rolls back on purpose
        _write(values, plan=plan, attribution=attribution, licence=licence, report=report)
    return report


@dataclass(frozen=True)
class Suggestion:
    """A first guess for the wizard: the code column, how it matches, the numeric columns."""

    code_column: str | None
    match: Match
    columns: dict[str, str]  # header → key


def suggest(table: tabular.Table, *, system: str, sample: int = 200) -> Suggestion:
    """The column whose values match most areas of ``system`` (by code or name), and every
    other column holding numbers that differ between rows, keyed by its header."""
    areas = _AreaIndex(system, "code")
    best: tuple[int, str | None, Match] = (0, None, "code")
    for header in table.headers:
        texts = [cell_text(row.values.get(header)) for row in table.rows[:sample]]
        by_code = sum(t in areas.ids for t in texts)
        by_name = sum(_normal_name(t) in areas.names for t in texts if t)
        for hits, match in ((by_code, "code"), (by_name, "name")):
            if hits > best[0]:
                best = (hits, header, match)  # type: ignore[assignment]
    _hits, code_column, match = best
    options = _Options(system=system, code_column=code_column or "", match=match)
    plan = _Plan(table, options, {}, {}, {})
    plan.numeric_columns("")
    # A column with one value in every row (a year, “100.0” per cent) is rarely wanted.
    varying = {
        column: key
        for column, key in plan.sources.items()
        if len(table.rows) < 3
        or len({p for p in plan.parsed[column] if isinstance(p, Decimal)}) > 1
    }
    return Suggestion(code_column, match, varying)


def _read(
    source: bytes | Path,
    filename: str,
    sheet: str | None,
    header_row: int,
    header_rows: int,
    report: IndicatorImportReport,
) -> tabular.Table | None:
    try:
        table = tabular.read_table(
            source,
            filename=filename,
            sheet=sheet,
            header_row=header_row,
            header_rows=header_rows,
            max_rows=MAX_ROWS,
        )
    except tabular.TableError as error:
        for message in [str(error), *error.problems]:
            _file_error(report, message)
        return None
    report.rows, report.headers = len(table.rows), list(table.headers)
    return table


def _file_error(report: ImportReport, message: str, column: str = "", value: str = "") -> None:
    report.error(None, column, value, message)


def _check_options(table: tabular.Table, options: _Options, report: ImportReport) -> bool:
    """Every named column exists, the layout is complete and a date is given."""
    if options.layout not in ("wide", "long"):
        raise ValueError(f"layout must be 'wide' or 'long', not {options.layout!r}")
    if options.decimal not in ("auto", ",", "."):
        raise ValueError(f"decimal must be 'auto', ',' or '.', not {options.decimal!r}")
    needed = [options.code_column, options.date_column]
    if options.layout == "long":
        needed += [options.indicator_column, options.value_column]
        if not (options.indicator_column and options.value_column):
            _file_error(
                report,
                _("The long layout needs a column naming the indicator and one with the value."),
            )
    for column in needed:
        if column and column not in table.headers:
            _missing_column(column, table, report)
    if options.date is None and not options.date_column:
        _file_error(
            report, _("Give the reference date of the values, or the column that holds it.")
        )
    return not report.errors


def _missing_column(column: str, table: tabular.Table, report: ImportReport) -> None:
    shown = ", ".join(f"„{h}“" for h in table.headers[:40])
    message = _("The column “%(column)s” is not in the file. Columns found: %(columns)s")
    _file_error(report, message % {"column": column, "columns": shown}, column)


# --- areas ------------------------------------------------------------------------------------


def _normal_name(text: str) -> str:
    return " ".join(text.split()).casefold()


class _AreaIndex:
    """The areas of one code system by code, and by name for ``match="name"``."""

    def __init__(self, system: str, match: Match) -> None:
        self.system = system
        self.match = match
        self.ids: dict[str, int] = {}
        self.names: dict[str, int | None] = {}  # None: two areas share the name
        rows = Area.objects.filter(code_system=system).values_list("pk", "code", "name")
        for pk, code, name in rows:
            self.ids[code] = pk
            key = _normal_name(name)
            self.names[key] = None if key in self.names else pk

    def lookup(self, text: str) -> tuple[int | None, str]:
        """The area's id, or ``None`` and the German reason."""
        names = {"code": text, "system": self.system}
        if self.match == "code":
            found = self.ids.get(text)
            message = _("No area with the code “%(code)s” in the code system “%(system)s”.")
        elif _normal_name(text) in self.names and self.names[_normal_name(text)] is None:
            message = _("Several areas in the code system “%(system)s” have this name.")
            return None, f"{message % names} {_('Map the row to an area code.')}"
        else:
            found = self.names.get(_normal_name(text))
            message = _("No area named “%(code)s” in the code system “%(system)s”.")
        if found is None:
            hint = _("Map it to an area code or skip it (e.g. a district or city total).")
            return None, f"{message % names} {hint}"
        return found, ""


def cell_text(value: object) -> str:
    """A code or name as text: whole numbers from XLSX without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | Date):
        return value.isoformat()
    return tabular.strip_csv_guard(str(value)).strip()


def pad(code: str, width: int | None) -> str:
    """``1100101`` → ``01100101`` for ``width=8``; other text stays as it is."""
    if width and code.isascii() and code.isdigit() and len(code) < width:
        return code.zfill(width)
    return code


# --- numbers ----------------------------------------------------------------------------------


def parse_cell(raw: object, *, decimal: DecimalMode, options: _Options) -> Parsed:
    """A cell as Decimal (rounded to six places), SUPPRESSED, None (empty) or the NumberError."""
    text = raw.strip() if isinstance(raw, str) else cell_text(raw)
    try:
        if isinstance(raw, str) and text not in options.suppressed_values:
            plain = _plain_number(text, decimal)
            if plain is not None:
                return _fit(plain)
        if text in options.suppressed_values:
            return SUPPRESSED
        if options.dash_is_zero and text in DASHES:
            return Decimal(0)
        value = parse_number(text if isinstance(raw, str) else raw, decimal=decimal)  # type: ignore[arg-type]
        return _fit(value) if isinstance(value, Decimal) else value
    except NumberError as error:
        return error


def _plain_number(text: str, decimal: DecimalMode) -> Decimal | None:
    """``123``, ``-4.5`` (dot columns) or ``4,5`` – what parse_number would give, faster."""
    if _PLAIN["int"].fullmatch(text) or (decimal == "." and _PLAIN["."].fullmatch(text)):
        value = Decimal(text)
    elif decimal != "." and _PLAIN[","].fullmatch(text):
        value = Decimal(text.replace(",", "."))  # "auto" reads a single comma as decimal comma
    else:
        return None
    return value if value else Decimal(0)  # no "-0"


def _fit(value: Decimal) -> Decimal:
    """Round to the six places the database keeps; refuse what does not fit."""
    if value.as_tuple().exponent < -6:  # type: ignore[operator]
        value = value.quantize(PLACES, rounding=ROUND_HALF_UP)
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        message = _("The number is too large (at most %(n)s digits before the decimal point).")
        raise NumberError(message % {"n": MAX_INTEGER_DIGITS})
    return value


def column_decimal(values: Iterable[object], decimal: DecimalMode) -> DecimalMode:
    """The decimal separator of one column: the one asked for, or the column's own."""
    if decimal != "auto":
        return decimal
    return guess_decimal(values) or "auto"


def _is_code_like(values: list[object]) -> bool:
    """Text numbers with a leading zero (“01”) are identifiers, not measurements."""
    return any(isinstance(v, str) and len(v) > 1 and v[0] == "0" and v[1].isdigit() for v in values)


# --- which indicators ------------------------------------------------------------------------


def indicator_key(text: str, prefix: str = "") -> str:
    """A key from a column header: ``Anteil der unter 18-Jährigen in %`` →
    ``anteil-der-unter-18-jaehrigen-in-prozent``."""
    text = (prefix + text).translate(_UMLAUTS).replace("ß", "ss").replace("%", " prozent ")
    return slugify(text)[:KEY_LENGTH].strip("-_")


def guess_kind(header: str) -> str:
    """rate for shares and quotas (“%”, “Anteil”, “Quote”), index for indices, else count."""
    lower = header.casefold()
    if any(word in lower for word in RATE_WORDS):
        return Indicator.Kind.RATE
    if any(word in lower for word in INDEX_WORDS):
        return Indicator.Kind.INDEX
    return Indicator.Kind.COUNT


class _Plan:
    """Which columns (wide) or names (long) become which indicator, and the parsed cells."""

    def __init__(
        self,
        table: tabular.Table,
        options: _Options,
        mapping: dict[str, str],
        labels: dict[str, str],
        kinds: dict[str, str],
    ) -> None:
        self.table = table
        self.options = options
        self.mapping = mapping
        self.labels = labels
        self.kinds = kinds
        self.sources: dict[str, str] = {}  # wide: header → key; long: name → key
        self.parsed: dict[str, list[Parsed]] = {}  # column → one entry per table row
        self.planned: dict[str, PlannedIndicator] = {}

    def check(self, report: IndicatorImportReport, *, create: bool, key_prefix: str) -> bool:
        if self.options.layout == "wide":
            self._wide_columns(report, key_prefix)
        else:
            self._long_names(key_prefix)
        for key in set(self.sources.values()) | set(self.labels):
            _check_key(key, report)
        for key, kind in self.kinds.items():
            if kind not in Indicator.Kind.values:
                message = _("Unknown kind “%(kind)s” for “%(key)s”: use count, rate or index.")
                _file_error(report, message % {"kind": kind, "key": key}, value=kind)
        if report.errors:
            return False
        existing = Indicator.objects.in_bulk(set(self.sources.values()), field_name="key")
        for column, key in self.sources.items():
            self._plan(key, column, existing.get(key), create, report)
        return not report.errors

    def _parse_column(self, column: str) -> list[Parsed]:
        values = [row.values.get(column) for row in self.table.rows]
        decimal = column_decimal(values, self.options.decimal)
        return [parse_cell(v, decimal=decimal, options=self.options) for v in values]

    def _wide_columns(self, report: IndicatorImportReport, key_prefix: str) -> None:
        if not self.mapping:
            self.numeric_columns(key_prefix)
            if not self.sources:
                _file_error(report, _("No column with numbers was found besides the code column."))
            return
        seen: dict[str, str] = {}
        for column, key in self.mapping.items():
            if column not in self.table.headers:
                _missing_column(column, self.table, report)
                continue
            if key in seen:
                message = _("The columns “%(a)s” and “%(b)s” both go to the indicator “%(key)s”.")
                _file_error(report, message % {"a": seen[key], "b": column, "key": key}, column)
            seen[key] = column
            self.sources[column] = key
            self.parsed[column] = self._parse_column(column)

    def numeric_columns(self, key_prefix: str) -> None:
        """Every other column holding mostly numbers and placeholders, keyed by its header."""
        used = {self.options.code_column, self.options.date_column}
        for index, header in enumerate(self.table.headers, start=1):
            raw = [row.values.get(header) for row in self.table.rows]
            if header in used or _is_code_like(raw):
                continue
            parsed = self._parse_column(header)
            numbers = sum(isinstance(p, Decimal) for p in parsed)
            # Mostly numbers: a column of figures with a typo, which is reported, not dropped.
            if numbers <= sum(isinstance(p, NumberError) for p in parsed):
                continue
            key = indicator_key(header, key_prefix) or indicator_key(f"spalte-{index}", key_prefix)
            base, counter = key, 2
            while key in self.sources.values():
                suffix = f"-{counter}"
                key, counter = base[: KEY_LENGTH - len(suffix)] + suffix, counter + 1
            self.sources[header] = key
            self.parsed[header] = parsed

    def _long_names(self, key_prefix: str) -> None:
        value_column = self.options.value_column or ""
        self.parsed[value_column] = self._parse_column(value_column)
        for row in self.table.rows:
            name = cell_text(row.values.get(self.options.indicator_column or ""))
            if not name or name in self.sources:
                continue
            if self.mapping:
                if name in self.mapping:
                    self.sources[name] = self.mapping[name]
            else:
                self.sources[name] = indicator_key(name, key_prefix) or name

    def _plan(
        self,
        key: str,
        column: str,
        indicator: Indicator | None,
        create: bool,
        report: ImportReport,
    ) -> None:
        if key in self.planned:
            return
        if indicator is None and not create:
            message = _("There is no indicator with the key “%(key)s”.") % {"key": key}
            _file_error(report, message, column, key)
            return
        if indicator is not None:
            label, kind = indicator.label_de, indicator.kind
        else:
            label = (self.labels.get(key) or column or key)[:LABEL_LENGTH]
            kind = self.kinds.get(key) or guess_kind(column)
        self.planned[key] = PlannedIndicator(key, label, column, kind, indicator is not None)


def _check_key(key: str, report: ImportReport) -> None:
    try:
        validate_slug(key)
        valid = len(key) <= KEY_LENGTH
    except ValidationError:
        valid = False
    if not valid:
        message = _(
            "“%(key)s” cannot be an indicator key: use at most %(n)s letters, digits, hyphens "
            "and underscores."
        )
        _file_error(report, message % {"key": key, "n": KEY_LENGTH}, value=key)


# --- reading the rows -------------------------------------------------------------------------


class _Reader:
    """Turns the rows into values, noting every problem in the report."""

    def __init__(
        self,
        table: tabular.Table,
        options: _Options,
        areas: _AreaIndex,
        plan: _Plan,
        report: IndicatorImportReport,
    ) -> None:
        self.table = table
        self.options = options
        self.areas = areas
        self.plan = plan
        self.report = report
        self.seen: dict[tuple, int] = {}
        self.unmatched: dict[str, None] = {}
        self.ignored: dict[str, None] = {}
        self.out: list[_Value] = []

    def values(self) -> list[_Value]:
        for index, row in enumerate(self.table.rows):
            if row.number in self.options.skip_rows:
                self.report.skipped_rows.append((row.number, self.code_text(row)))
                continue
            area_id, day = self.area(row), self.day(row)
            if area_id is None or day is None:
                continue
            if self.options.layout == "long":
                self.long_row(index, row, area_id, day)
            elif not self.duplicate(row, self.options.code_column, (area_id, day)):
                for column, key in self.plan.sources.items():
                    self.cell(index, row, column, key, (area_id, day))
        self.report.unmatched_codes = list(self.unmatched)
        self.report.indicators = list(self.plan.planned.values())
        self.warn()
        return self.out

    def warn(self) -> None:
        if self.ignored:
            names = ", ".join(f"„{n}“" for n in self.ignored)[:2000]
            self.report.warnings.append(_("Not chosen for import: %(names)s") % {"names": names})
        if self.report.skipped_rows:
            rows = ", ".join(f"{n} ({c})" if c else str(n) for n, c in self.report.skipped_rows)
            self.report.warnings.append(_("Rows skipped as asked: %(rows)s") % {"rows": rows})

    def code_text(self, row: tabular.Row) -> str:
        return cell_text(row.get(self.options.code_column))

    def area(self, row: tabular.Row) -> int | None:
        raw, column = self.code_text(row), self.options.code_column
        if not raw:
            self.report.error(row.number, column, "", _("The area code is missing."))
            return None
        code = pad(raw, self.options.pad_codes)
        for candidate in (raw, code):
            if candidate in self.options.code_map:
                return self.mapped(row, raw, self.options.code_map[candidate])
        area_id, reason = self.areas.lookup(code)
        if area_id is None:
            self.unmatched.setdefault(raw)
            self.report.error(row.number, column, raw, reason)
        return area_id

    def mapped(self, row: tabular.Row, raw: str, target: str | None) -> int | None:
        if target is None:
            self.report.skipped_rows.append((row.number, raw))
            return None
        area_id = self.areas.ids.get(target)
        if area_id is None:
            message = _(
                "The mapping points to the area code “%(code)s”, which is not in the code "
                "system “%(system)s”."
            )
            names = {"code": target, "system": self.options.system}
            self.report.error(row.number, self.options.code_column, raw, message % names)
        return area_id

    def day(self, row: tabular.Row) -> Date | None:
        column = self.options.date_column
        if not column:
            return self.options.date
        raw = row.get(column)
        try:
            day = parse_date(str(raw) if isinstance(raw, int | float) else raw)  # type: ignore[arg-type]
        except DateError as error:
            self.report.error(row.number, column, raw, str(error))
            return None
        if day is None:
            self.report.error(row.number, column, "", _("The reference date is missing."))
        return day

    def long_row(self, index: int, row: tabular.Row, area_id: int, day: Date) -> None:
        column = self.options.indicator_column or ""
        name = cell_text(row.get(column))
        if not name:
            self.report.error(row.number, column, "", _("The indicator is missing."))
            return
        key = self.plan.sources.get(name)
        if key is None:  # a name the mapping leaves out
            self.ignored.setdefault(name)
        elif not self.duplicate(row, column, (area_id, key, day)):
            self.cell(index, row, self.options.value_column or "", key, (area_id, day))

    def cell(
        self, index: int, row: tabular.Row, column: str, key: str, where: tuple[int, Date]
    ) -> None:
        parsed = self.plan.parsed[column][index]
        if parsed is None:
            return
        if isinstance(parsed, NumberError):
            self.report.error(row.number, column, row.get(column), str(parsed))
            return
        value = parsed if isinstance(parsed, Decimal) else None
        self.out.append(_Value(row.number, where[0], key, where[1], value, value is None))

    def duplicate(self, row: tabular.Row, column: str, identity: tuple) -> bool:
        """The same area (wide) or area and indicator (long) for the same date again."""
        first = self.seen.setdefault(identity, row.number)
        if first == row.number:
            return False
        if self.options.layout == "wide":
            message = _(
                "This area already has a row for this date: row %(row)s (the same code twice, "
                "or a total named like an area)."
            )
        else:
            message = _("This area already has a value for this indicator and date in row %(row)s.")
        self.report.error(row.number, column, cell_text(row.get(column)), message % {"row": first})
        return True


# --- writing ---------------------------------------------------------------------------------


@transaction.atomic
def _write(
    values: list[_Value],
    *,
    plan: _Plan,
    attribution: str,
    licence: str,
    report: IndicatorImportReport,
) -> None:
    _refine_kinds(plan, values)
    ids = _ensure_indicators(plan, attribution=attribution, licence=licence, report=report)
    days = {v.day for v in values}
    scope = IndicatorValue.objects.filter(indicator_id__in=set(ids.values()), date__in=days)
    before = scope.count()
    _upsert((ids[v.key], v.area_id, v.day, v.value, v.suppressed) for v in values)
    created = scope.count() - before
    if created:
        report.count("values", "created", created)
    if len(values) > created:
        report.count("values", "updated", len(values) - created)
    if report.dry_run:
        raise ImportAborted  # roll back: a test run counts what would happen, nothing more


def _refine_kinds(plan: _Plan, values: list[_Value]) -> None:
    """A guessed count with negative or fractional values is an index (z-scores, sums of
    scores): summing it up the hierarchy or hiding small values as “< 3” would mislead."""
    odd = {
        v.key
        for v in values
        if v.value is not None and (v.value < 0 or v.value != v.value.to_integral_value())
    }
    for key, planned in list(plan.planned.items()):
        if (
            not planned.exists
            and key not in plan.kinds
            and key in odd
            and planned.kind == Indicator.Kind.COUNT
        ):
            plan.planned[key] = dataclasses.replace(planned, kind=Indicator.Kind.INDEX)


def _ensure_indicators(
    plan: _Plan, *, attribution: str, licence: str, report: IndicatorImportReport
) -> dict[str, int]:
    """Ids of the planned indicators, creating the new ones."""
    new = [
        Indicator(
            key=p.key,
            label_de=p.label,
            kind=p.kind,
            unit="%" if p.kind == Indicator.Kind.RATE else "",
            decimals=0 if p.kind == Indicator.Kind.COUNT else 1,
            source=attribution[:300],
            licence=licence[:200],
        )
        for p in plan.planned.values()
        if not p.exists
    ]
    Indicator.objects.bulk_create(new)
    if new:
        report.count("indicators", "created", len(new))
    return dict(Indicator.objects.filter(key__in=plan.planned).values_list("key", "pk"))


def _upsert(rows: Iterator[tuple[int, int, Date, Decimal | None, bool]]) -> None:
    """Insert or update (indicator, area, date, value, suppressed) rows.

    What ``bulk_create(update_conflicts=True)`` does, as one prepared ``INSERT … ON CONFLICT
    DO UPDATE`` run with ``executemany``: building a model instance and compiling SQL per value
    made a million values take about 36 s on SQLite, this about 6 s (DESIGN §6: ≤ 30 s).
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        objects = (
            IndicatorValue(indicator_id=i, area_id=a, date=d, value=v, suppressed=s)
            for i, a, d, v, s in rows
        )
        IndicatorValue.objects.bulk_create(
            objects,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["indicator", "area", "date"],
            update_fields=["value", "suppressed"],
        )
        return
    q = connection.ops.quote_name
    unique = ", ".join(q(c) for c in ("indicator_id", "area_id", "date"))
    sql = (
        f"INSERT INTO {q(IndicatorValue._meta.db_table)} "
        f"({unique}, {q('value')}, {q('suppressed')}) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({unique}) DO UPDATE SET {q('value')} = EXCLUDED.{q('value')}, "
        f"{q('suppressed')} = EXCLUDED.{q('suppressed')}"
    )
    date_field = IndicatorValue._meta.get_field("date")
    days: dict[Date, object] = {}
    with connection.cursor() as cursor:
        for batch in batched(rows, BATCH_SIZE):
            params = []
            for indicator, area, day, value, suppressed in batch:
                if day not in days:
                    days[day] = date_field.get_db_prep_save(day, connection)
                params.append((indicator, area, days[day], value, suppressed))
            cursor.executemany(sql, params)
