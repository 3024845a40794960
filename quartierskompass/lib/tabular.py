"""Read and write spreadsheets the way users have them: CSV from German Excel, and XLSX.

Reading keeps what the user typed: CSV cells stay strings (so ``01100101`` keeps its leading
zero), XLSX cells keep their types. Numbers and dates are interpreted later, column by column,
with :mod:`quartierskompass.lib.numbers` and :mod:`quartierskompass.lib.dates`. Every problem
the user can fix is a :class:`TableError` with a German message that names the row as their
spreadsheet program shows it.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .dates import format_date_de
from .numbers import format_number_de

type CellValue = str | int | float | Decimal | bool | datetime | date | time | timedelta | None

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = ";,\t|"
_SNIFF_LINES = 20
_MAX_LISTED_PROBLEMS = 10
# C0 control characters except tab, line feed and carriage return: PostgreSQL cannot store NUL,
# and XLSX (XML) cannot hold any of them, so such a cell would break a later export.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GUARD_CHARS = ("=", "+", "-", "@")
_WHITESPACE_RE = re.compile(r"\s+")


class TableError(ValueError):
    """The file cannot be read as a table; ``str()`` is German, ``problems`` lists the details."""

    def __init__(self, message: str, *, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row; ``number`` is the row number the user sees in their spreadsheet program."""

    number: int
    values: dict[str, CellValue]

    def get(self, header: str, default: CellValue = None) -> CellValue:
        """The value under ``header``, or ``default`` if the table has no such column."""
        return self.values.get(header, default)


@dataclass(slots=True)
class Table:
    """A spreadsheet as read: headers in file order and the non-empty data rows."""

    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    encoding: str | None = None  # CSV only: "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"
    delimiter: str | None = None  # CSV only


# --- CSV formula guard -------------------------------------------------------------------------


def csv_guard(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (for exports).

    A cell ``=HYPERLINK(…)`` in an exported CSV would otherwise be executed when opened in Excel
    (CSV injection). :func:`strip_csv_guard` undoes this on import.
    """
    return "'" + text if text.startswith(_GUARD_CHARS) else text


def strip_csv_guard(text: str) -> str:
    """Remove the apostrophe that :func:`csv_guard` put before ``=``, ``+``, ``-`` or ``@``."""
    if text.startswith("'") and text[1:2] in _GUARD_CHARS:
        return text[1:]
    return text


# --- reading -----------------------------------------------------------------------------------


def read_table(
    source: bytes | BinaryIO | Path,
    *,
    filename: str,
    sheet: str | None = None,
    header_row: int = 1,
    header_rows: int = 1,
    max_rows: int = 200_000,
) -> Table:
    """Read a CSV or XLSX file as a list of rows keyed by their column headers.

    ``filename`` decides the format (its ending). ``header_row`` is the 1-based row of the
    (first) header row, so title rows above it are skipped; ``header_rows`` joins that many rows
    into one header per column (for tables with group headings over merged cells). ``sheet``
    picks an XLSX sheet by name, the first one if ``None``. Completely empty rows are skipped;
    ``Row.number`` still counts them. CSV cells are stripped strings without the apostrophe of
    :func:`csv_guard`; XLSX cells keep their type, blank text becomes ``None``.
    Raises :class:`TableError` with a German message.
    """
    if header_row < 1 or header_rows < 1:
        raise ValueError("header_row and header_rows start at 1")
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        data = _read_bytes(source)
        return _read_csv(data, header_row=header_row, header_rows=header_rows, max_rows=max_rows)
    if suffix in XLSX_SUFFIXES:
        options = {"header_row": header_row, "header_rows": header_rows, "max_rows": max_rows}
        if isinstance(source, Path):
            # openpyxl judges a path by its ending and refuses e.g. Django's "*.upload" files.
            with source.open("rb") as stream:
                return _read_xlsx(stream, filename=filename, sheet=sheet, **options)
        return _read_xlsx(source, filename=filename, sheet=sheet, **options)
    shown = suffix or filename
    raise TableError(
        f"Dateiformat „{shown}“ wird nicht unterstützt – bitte als .xlsx oder .csv speichern."
    )


def _read_bytes(source: bytes | BinaryIO | Path) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, Path):
        return source.read_bytes()
    return source.read()


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode-Text (*.txt)" export is UTF-16 with a byte order mark.
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # German Excel saves "CSV (Trennzeichen-getrennt)" in Windows-1252. It leaves five bytes
    # undefined; Latin-1 maps every byte, so it is the last resort.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _consistent_width(sample: str, delimiter: str, *, truncated: bool) -> int:
    """Field count if every non-empty sample record has the same count above one, else 0."""
    records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
    if truncated and len(records) > 1:
        records.pop()  # may end inside a quoted cell that spans lines
    widths = {len(r) for r in records}
    if len(widths) == 1:
        width = widths.pop()
        return width if width > 1 else 0
    return 0


def _sniff_delimiter(text: str) -> str:
    """The delimiter among ; , tab | — Sniffer first, checked by counting fields."""
    lines = text.splitlines()
    sample = "\n".join(lines[:_SNIFF_LINES])
    truncated = len(lines) > _SNIFF_LINES
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and _consistent_width(sample, sniffed, truncated=truncated):
        return sniffed
    # Sniffer found nothing, or a delimiter that gives ragged rows (a title line above the
    # header does that): take the one giving most fields consistently, else the most frequent.
    best = max(
        _DELIMITERS,
        key=lambda d: (_consistent_width(sample, d, truncated=truncated), sample.count(d)),
    )
    return best if sample.count(best) else ";"


def _control_error(row: int, column: str, value: str) -> TableError:
    char = _CONTROL_RE.search(value)
    code = f"U+{ord(char.group()):04X}" if char else ""
    return TableError(
        f"Zeile {row}, Spalte {column}: unzulässiges Steuerzeichen ({code}) – bitte die Datei "
        "prüfen und das Zeichen entfernen."
    )


def _read_csv(data: bytes, *, header_row: int, header_rows: int, max_rows: int) -> Table:
    if data.startswith(b"PK\x03\x04"):
        raise TableError(
            "Die Datei ist keine CSV-Datei, sondern vermutlich eine Excel-Datei – bitte die "
            "Dateiendung prüfen (.xlsx)."
        )
    text, encoding = _decode(data)
    if not text.strip():
        raise TableError("Die Datei ist leer.")
    delimiter = _sniff_delimiter(text)
    # newline="" lets the csv module handle \r\n and line breaks inside quoted cells. Each record
    # is one row in Excel, so the record count is the row number the user sees.
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = (
        (number, [strip_csv_guard(v.strip()) for v in record])
        for number, record in enumerate(records, start=1)
    )
    table = _build_table(
        numbered,
        header_row=header_row,
        header_rows=header_rows,
        max_rows=max_rows,
        column_name=str,
        empty="",
    )
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _column_label(index: int) -> str:
    """An XLSX column as "5 (E)": the number matches "Spalte 5", the letter is what Excel shows."""
    return f"{index} ({get_column_letter(index)})"


def _header_text(value: CellValue) -> str:
    """A header cell as text; dates and whole numbers (e.g. years) the way the user sees them."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return format_date_de(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Line breaks inside a cell (Alt+Enter) and doubled spaces are layout, not part of the name.
    return _WHITESPACE_RE.sub(" ", str(value)).strip()


def _is_empty(value: CellValue) -> bool:
    return value is None or value == ""


def _join_headers(header_block: list[list[CellValue]], width: int) -> list[str]:
    """One header per column from one or more header rows.

    Group headings over merged cells sit in the first cell of the merge only, so in every row
    but the last a value is carried to the right across empty cells. The last row is not
    carried: an empty cell there would otherwise repeat its neighbour's name. A row above the
    last whose only text is in column A is a title ("Statistische Daten zu den Stadtteilen
    Hamburgs, © Statistikamt Nord"), not a heading; carried across, it would start every name.
    """
    parts: list[list[str]] = [[] for _ in range(width)]
    for level, values in enumerate(header_block):
        filled = [i for i, v in enumerate(values[:width]) if _header_text(v)]
        if level < len(header_block) - 1 and width > 1 and filled == [0]:
            continue
        carry = ""
        for index in range(width):
            value = values[index] if index < len(values) else None
            text = _header_text(value)
            if text:
                carry = text
            elif level < len(header_block) - 1:
                text = carry
            if text and (not parts[index] or parts[index][-1] != text):
                parts[index].append(text)
    return [" ".join(p) for p in parts]


def _check_cells(
    number: int, values: list[CellValue], labels: list[str], column_name: Callable[[int], str]
) -> None:
    """Refuse control characters, and values right of the last header (``labels``)."""
    for index, value in enumerate(values, start=1):
        label = labels[index - 1] if index <= len(labels) else column_name(index)
        if isinstance(value, str) and _CONTROL_RE.search(value):
            raise _control_error(number, label, value)
        if index > len(labels) and not _is_empty(value):
            raise TableError(
                f"Zeile {number}, Spalte {label}: Wert „{value}“ steht in einer Spalte ohne "
                "Überschrift – bitte eine Überschrift ergänzen oder den Wert löschen."
            )


def _read_headers(
    rows: Iterator[tuple[int, list[CellValue]]],
    *,
    header_row: int,
    header_rows: int,
    column_name: Callable[[int], str],
) -> list[str]:
    """Consume ``rows`` up to the last header row and return one unique name per column."""
    block: list[list[CellValue]] = []
    for number, values in rows:
        if number >= header_row:
            _check_cells(
                number, values, [column_name(i) for i in range(1, len(values) + 1)], column_name
            )
            block.append(values)
        if len(block) == header_rows:
            break
    filled = [i + 1 for values in block for i, v in enumerate(values) if not _is_empty(v)]
    if not filled:
        raise TableError(f"Die Datei enthält keine Spaltenüberschriften in Zeile {header_row}.")
    names = _join_headers(block, max(filled))
    headers = [name or f"Spalte {index}" for index, name in enumerate(names, start=1)]
    _check_unique(headers, column_name)
    return headers


def _check_unique(headers: list[str], column_name: Callable[[int], str]) -> None:
    """Rows become dicts keyed by header, so a second "Name" column would silently win."""
    seen: dict[str, int] = {}
    for index, header in enumerate(headers, start=1):
        if header in seen:
            raise TableError(
                f"Die Spaltenüberschrift „{header}“ kommt doppelt vor (Spalte "
                f"{column_name(seen[header])} und Spalte {column_name(index)}) – bitte eine "
                "davon umbenennen."
            )
        seen[header] = index


def _build_table(
    numbered_rows: Iterable[tuple[int, list[CellValue]]],
    *,
    header_row: int,
    header_rows: int,
    max_rows: int,
    column_name: Callable[[int], str],
    empty: CellValue,
) -> Table:
    """Headers and rows from ``(row number, values)`` pairs; shared by CSV and XLSX."""
    iterator = iter(numbered_rows)
    headers = _read_headers(
        iterator, header_row=header_row, header_rows=header_rows, column_name=column_name
    )
    labels = [f"„{header}“" for header in headers]
    width = len(headers)
    rows: list[Row] = []
    for number, values in iterator:
        if all(_is_empty(v) for v in values):
            continue
        _check_cells(number, values, labels, column_name)
        if len(rows) == max_rows:
            raise TableError(
                f"Die Tabelle hat mehr als {format_number_de(max_rows)} Datenzeilen – bitte in "
                "kleinere Dateien aufteilen."
            )
        padded = list(values[:width]) + [empty] * (width - len(values))
        rows.append(Row(number=number, values=dict(zip(headers, padded, strict=True))))
    return Table(headers=headers, rows=rows)


def _read_xlsx(
    source: bytes | BinaryIO,
    *,
    filename: str,
    sheet: str | None,
    header_row: int,
    header_rows: int,
    max_rows: int,
) -> Table:
    stream: Any = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    problems: list[tuple[int, int, str]] = []
    with warnings.catch_warnings():
        # openpyxl warns about workbook features it drops while reading (missing default style,
        # data validation or conditional formatting extensions, print areas, drawings). None of
        # them concerns cell values, and under pytest's filterwarnings=error they would turn a
        # readable user file into a crash. The parsing is lazy in read-only mode, so the whole
        # read stays inside this block. (catch_warnings is process-global; fine for our
        # single-threaded workers.)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        workbook = _open_workbook(stream, filename=filename)
        try:
            ws = _select_sheet(workbook, sheet, filename=filename)
            # The stored dimension (e.g. "A1:C10") is written by the producing program and is
            # sometimes wrong; trusting it would silently cut off rows or columns.
            ws.reset_dimensions()
            table = _build_table(
                _xlsx_values(ws, problems),
                header_row=header_row,
                header_rows=header_rows,
                max_rows=max_rows,
                column_name=_column_label,
                empty=None,
            )
        finally:
            workbook.close()
    # Formulas in title rows above the header are not imported, so they do no harm.
    problems = [p for p in problems if p[0] >= header_row]
    if problems:
        raise _formula_error(problems, table)
    table.sheet_names = list(workbook.sheetnames)
    return table


def _open_workbook(stream: Any, *, filename: str) -> Any:
    """openpyxl's read-only workbook; formulas stay formulas (data_only=False) to be reported."""
    try:
        return load_workbook(stream, read_only=True, data_only=False, keep_links=False)
    # A renamed CSV is no ZIP archive; a damaged one misses parts or holds broken XML.
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(f"Die Datei „{filename}“ ist keine lesbare Excel-Datei (.xlsx).") from exc


def _select_sheet(workbook: Any, sheet: str | None, *, filename: str) -> Any:
    """The named worksheet, or the first one; German errors for unknown names and charts."""
    if sheet is None:
        if not workbook.worksheets:  # only chart sheets
            raise TableError(f"Die Datei „{filename}“ enthält kein Tabellenblatt mit Daten.")
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        available = ", ".join(f"„{name}“" for name in workbook.sheetnames)
        raise TableError(
            f"Das Tabellenblatt „{sheet}“ gibt es in dieser Datei nicht. Vorhanden: {available}."
        )
    if not hasattr(workbook[sheet], "iter_rows"):
        raise TableError(f"Das Blatt „{sheet}“ ist ein Diagramm, keine Tabelle.")
    return workbook[sheet]


def _xlsx_values(
    ws: Any, problems: list[tuple[int, int, str]]
) -> Iterator[tuple[int, list[CellValue]]]:
    """Cell values by row; formulas and error cells are collected in ``problems``, not read."""
    # Rows missing from the file come as empty tuples, so the position is the sheet row number.
    for number, cells in enumerate(ws.iter_rows(), start=1):
        values = [_xlsx_value(cell) for cell in cells]
        for index, cell in enumerate(cells, start=1):
            if cell.data_type == "f":
                formula = getattr(cell.value, "text", cell.value)  # ArrayFormula: text in .text
                problems.append((number, index, f"Formel „{formula}“"))
            elif cell.data_type == "e":
                problems.append((number, index, f"Fehlerwert „{cell.value}“"))
        yield number, values


def _xlsx_value(cell: Any) -> CellValue:
    """A cell's value with its type; formulas and error values count as empty."""
    if cell.data_type in ("f", "e"):
        return None
    if isinstance(cell.value, str):
        return cell.value.strip() or None
    return cell.value


def _formula_error(problems: list[tuple[int, int, str]], table: Table) -> TableError:
    """One German line per formula or error cell, naming the row and the column header."""
    headers = table.headers
    lines = [
        f"Zeile {number}, Spalte "
        f"{f'„{headers[column - 1]}“' if column <= len(headers) else _column_label(column)}: "
        f"{what} – bitte nur Werte einfügen (Kopieren → Inhalte einfügen → Werte)."
        for number, column, what in problems
    ]
    shown = lines[:_MAX_LISTED_PROBLEMS]
    if len(lines) > len(shown):
        shown.append(f"… und {len(lines) - len(shown)} weitere Zellen.")
    return TableError("\n".join(shown), problems=lines)


# --- writing -----------------------------------------------------------------------------------


def _csv_text(value: object) -> str:
    """A cell as German Excel reads it back: decimal comma, DD.MM.YYYY, guarded formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int | float | Decimal):
        # No thousands dots: other programs reading the file back would stumble over them.
        return format_number_de(value, grouping=False)
    if isinstance(value, datetime):
        return f"{format_date_de(value)} {value:%H:%M}"
    if isinstance(value, date):
        return format_date_de(value)
    return csv_guard(str(value))


def write_csv(
    path_or_stream: Path | str | IO[bytes] | IO[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> None:
    """Write a CSV that German Excel opens correctly: UTF-8 with BOM, semicolons.

    Numbers get a decimal comma, dates ``DD.MM.YYYY``, and text starting with ``= + - @`` the
    apostrophe of :func:`csv_guard`. A binary stream (e.g. a Django ``HttpResponse``) receives
    bytes, a text stream text.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_guard(str(h)) for h in headers])
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} values for {len(headers)} headers")
        writer.writerow([_csv_text(v) for v in row])
    text = "\ufeff" + buffer.getvalue()
    if isinstance(path_or_stream, str | Path):
        Path(path_or_stream).write_bytes(text.encode("utf-8"))
    elif isinstance(path_or_stream, io.TextIOBase):
        path_or_stream.write(text)
    else:
        path_or_stream.write(text.encode("utf-8"))


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name, each name once."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'") or "Tabelle"
    clean = clean[:31]
    candidate, counter = clean, 2
    while candidate.lower() in used:
        suffix = f" ({counter})"
        candidate, counter = clean[: 31 - len(suffix)] + suffix, counter + 1
    used.add(candidate.lower())
    return candidate


def write_xlsx(
    path_or_stream: Path | str | IO[bytes],
    sheets: list[tuple[str, list[str], list[list[Any]]]],
    *,
    column_widths: bool = True,
    header_help: dict[str, str] | None = None,
) -> None:
    """Write ``(sheet name, headers, rows)`` tables to an XLSX file.

    Each sheet gets a bold, frozen header row with an auto filter; ``header_help`` adds a cell
    comment explaining a header. Text is always stored as text, also when it starts with ``=``,
    so an exported value never runs as a formula. Dates get the format DD.MM.YYYY.
    """
    if not sheets:
        raise ValueError("write_xlsx needs at least one sheet")
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(_sheet_title(title, used))
        _write_header(ws, headers, header_help or {})
        for row_number, row in enumerate(rows, start=2):
            if len(row) != len(headers):
                raise ValueError(f"row has {len(row)} values for {len(headers)} headers")
            for column, value in enumerate(row, start=1):
                _write_cell(ws.cell(row=row_number, column=column), value)
        ws.freeze_panes = "A2"
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        if column_widths:
            _fit_columns(ws, headers, rows)
    workbook.save(path_or_stream)


def _write_header(ws: Any, headers: list[str], header_help: dict[str, str]) -> None:
    """Bold header cells, as text, with an optional explanatory comment."""
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column)
        _write_cell(cell, str(header))
        cell.font = bold
        if header in header_help:
            comment = Comment(header_help[header], "Quartierskompass")
            comment.width, comment.height = 300, 120
            cell.comment = comment


def _fit_columns(ws: Any, headers: list[str], rows: list[list[Any]]) -> None:
    """Column widths from the longest shown value, between 8 and 60 characters."""
    for index, header in enumerate(headers):
        shown = [len(v if isinstance(v, str) else _csv_text(v)) for v in (r[index] for r in rows)]
        width = max([len(str(header)), *shown])
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 8), 60)


def _write_cell(cell: Any, value: Any) -> None:
    """A value with its type; text stays text and dates get the German format."""
    if isinstance(value, str):
        # Control characters are invalid in XML; openpyxl would refuse the whole file.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # openpyxl turns text starting with "=" into a formula
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "DD.MM.YYYY"
    else:
        cell.value = value
