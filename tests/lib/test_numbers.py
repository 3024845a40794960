"""parse_number / parse_int / format_number_de / guess_decimal, with real statistics files."""

from __future__ import annotations

import copy
import csv
import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quartierskompass.lib.numbers import (
    SUPPRESSED,
    NumberError,
    Suppressed,
    format_number_de,
    guess_decimal,
    parse_int,
    parse_number,
)
from quartierskompass.lib.tabular import read_table
from tests.shared import SHARED_DATA

DATA = SHARED_DATA
HAMBURG_CSV = DATA / "hamburg" / "Daten_fuer_die_Stadtteilprofile_2014.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1234.5", "1234.5"),
        ("1 675", "1675"),
        ("1\u202f675", "1675"),  # narrow no-break space
        ("1\u00a0675", "1675"),  # no-break space
        ("1 788 994    ", "1788994"),
        ("1 234,56", "1234.56"),
        ("-  23", "-23"),
        ("−23", "-23"),  # U+2212 minus
        ("–5", "-5"),  # en dash typed by a word processor
        ("+5", "5"),
        ("12,5 %", "12.5"),
        ("12,5%", "12.5"),
        ("  7\t", "7"),
        ("0,0", "0.0"),
        ("-0", "0"),
        (",5", "0.5"),
        (".5", "0.5"),
        ("1.234.567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567", "1234567"),
        ("1,234,567.5", "1234567.5"),
        ("1.675", "1675"),  # ambiguous: German thousands separator wins
        ("12.675", "12675"),
        ("1234.567", "1234.567"),  # four digits before the dot: no thousands group
        ("1,675", "1.675"),  # single comma: always the decimal comma
        ("0.25", "0.25"),
        ("-0.25", "-0.25"),
    ],
)
def test_parse_number_accepts_german_and_english_formats(text, expected):
    value = parse_number(text)
    assert isinstance(value, Decimal)
    assert str(value) == expected


def test_parse_number_keeps_trailing_zeros_as_written():
    assert str(parse_number("9,70")) == "9.70"


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1.675", ".", "1.675"),
        ("1.675", ",", "1675"),
        ("1,675", ".", "1675"),
        ("1,675", ",", "1.675"),
        ("58.016", ".", "58.016"),
        ("1 234.5", ".", "1234.5"),
        ("1 234,5", ",", "1234.5"),
        ("1234", ".", "1234"),
    ],
)
def test_parse_number_with_forced_decimal_separator(text, decimal, expected):
    assert str(parse_number(text, decimal=decimal)) == expected


@pytest.mark.parametrize(("text", "decimal"), [("1.234,5", "."), ("1,234.5", ","), ("1,5", ".")])
def test_forced_separator_refuses_the_other_convention(text, decimal):
    with pytest.raises(NumberError) as info:
        parse_number(text, decimal=decimal)
    assert str(info.value) == f"„{text}“ ist keine Zahl."


def test_unknown_decimal_mode_is_a_programming_error():
    with pytest.raises(ValueError, match="decimal must be"):
        parse_number("1", decimal=";")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["–", "—", "-", "−", ".", "x", "X", "…", "k.A.", "n.v.", "/", "  –  ", "-    "]
)
def test_placeholders_are_suppressed(text):
    assert parse_number(text) is SUPPRESSED
    assert parse_int(text) is SUPPRESSED


@pytest.mark.parametrize("text", [None, "", "   ", "\u00a0"])
def test_empty_is_none(text):
    assert parse_number(text) is None
    assert parse_int(text) is None


def test_suppressed_is_a_falsy_singleton():
    assert not SUPPRESSED
    assert repr(SUPPRESSED) == "SUPPRESSED"
    assert Suppressed() is SUPPRESSED
    assert copy.deepcopy(SUPPRESSED) is SUPPRESSED
    assert pickle.loads(pickle.dumps(SUPPRESSED)) is SUPPRESSED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12a", "„12a“ ist keine Zahl."),
        ("1.23.4", "„1.23.4“ ist keine Zahl."),
        ("1,2,3", "„1,2,3“ ist keine Zahl."),
        ("5.", "„5.“ ist keine Zahl."),
        ("1 2", "„1 2“ ist keine Zahl."),
        ("%", "„%“ ist keine Zahl."),
        ("1e5", "„1e5“ ist keine Zahl."),
        ("--5", "„--5“ ist keine Zahl."),
        ("١٢", "„١٢“ ist keine Zahl."),  # Arabic-Indic digits are not 0-9
        (" zwölf ", "„zwölf“ ist keine Zahl."),
        ("x" * 60, "„" + "x" * 39 + "…“ ist keine Zahl."),
    ],
)
def test_parse_number_refuses_with_german_message(text, message):
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert str(info.value) == message
    assert info.value.text == text


def test_numbers_from_spreadsheets_pass_through_exactly():
    assert parse_number(3) == Decimal(3)
    assert str(parse_number(0.1)) == "0.1"  # not 0.1000000000000000055511151231257827
    assert str(parse_number(1675.0)) == "1675.0"
    assert parse_number(Decimal("2.50")) == Decimal("2.50")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "„WAHR“ ist keine Zahl."),
        (float("nan"), "„nan“ ist keine Zahl."),
        (Decimal("Infinity"), "„Infinity“ ist keine Zahl."),
    ],
)
def test_non_numbers_from_spreadsheets_are_refused(value, message):
    with pytest.raises(NumberError) as info:
        parse_number(value)
    assert str(info.value) == message


def test_parse_int():
    assert parse_int("1.675") == 1675
    assert parse_int(" 1 675 ") == 1675
    assert parse_int("2,0") == 2
    assert parse_int(2.0) == 2
    assert parse_int("-  23") == -23
    with pytest.raises(NumberError) as info:
        parse_int("2,5")
    assert str(info.value) == "„2,5“ ist keine ganze Zahl."
    with pytest.raises(NumberError, match=r"^„abc“ ist keine Zahl\.$"):
        parse_int("abc")


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (Decimal("1234.5"), {}, "1.234,5"),
        (Decimal("1234567.891"), {"decimals": 2}, "1.234.567,89"),
        (-1234567.891, {"decimals": 2}, "-1.234.567,89"),
        (1675, {}, "1.675"),
        (0, {}, "0"),
        (Decimal("0.125"), {"decimals": 2}, "0,13"),  # half up, not banker's rounding
        (1.005, {"decimals": 2}, "1,01"),  # via str(), so no binary 1.00499999…
        (Decimal("-0.001"), {"decimals": 2}, "0,00"),  # no "-0,00"
        (Decimal("1E+3"), {}, "1.000"),
        (Decimal("9.70"), {}, "9,70"),
        (12.5, {"decimals": 0}, "13"),
        (Decimal("1234.5"), {"grouping": False}, "1234,5"),
        (1e-7, {}, "0,0000001"),
    ],
)
def test_format_number_de(value, kwargs, expected):
    assert format_number_de(value, **kwargs) == expected


@pytest.mark.parametrize("value", [True, "1", None])
def test_format_number_de_wants_a_number(value):
    with pytest.raises(TypeError):
        format_number_de(value)  # type: ignore[arg-type]


@given(
    st.integers(min_value=0, max_value=2).flatmap(
        lambda places: st.decimals(
            min_value=Decimal("-1e12"),
            max_value=Decimal("1e12"),
            places=places,
            allow_nan=False,
            allow_infinity=False,
        )
    )
)
def test_german_formatting_round_trips(value):
    text = format_number_de(value)
    assert parse_number(text) == value
    assert parse_number(format_number_de(value, grouping=False)) == value


def test_guess_decimal():
    assert guess_decimal(["9,7", "1 675", "12,6", "."]) == ","
    assert guess_decimal(["100.0", "67.15083798882682", "58.016"]) == "."
    assert guess_decimal(["1,234.5"]) == "."
    assert guess_decimal(["1.234,5"]) == ","
    assert guess_decimal(["1.675", "2.500", "1,234"]) is None  # every value ambiguous
    assert guess_decimal(["4.22", "9,7"]) is None  # contradicting
    assert guess_decimal([12.5, None, "", "–", "abc"]) is None  # nothing to judge


def test_hamburg_csv_cells_parse_to_the_values_in_the_file():
    """Hand export with "1 675", "-  23", decimal commas and "." for secret values."""
    table = read_table(HAMBURG_CSV, filename=HAMBURG_CSV.name)
    altstadt = table.rows[0]
    assert altstadt.get("Stadtgebiet") == "Hamburg-Altstadt"
    assert altstadt.get("Bevölkerung") == "1 675"
    assert parse_number(altstadt.get("Bevölkerung")) == Decimal("1675")
    assert parse_number(altstadt.get("Wanderungssaldo")) == Decimal("-23")
    assert parse_number(altstadt.get("Anteil der unter 18-Jährigen in %")) == Decimal("9.7")
    income = "Durchschnitt-liches Einkommen je Steuerpflichtigen in EUR (2010)"
    assert parse_number(altstadt.get(income)) == Decimal("26493")
    assert parse_number(altstadt.get("Preise für Grundstücke in EUR/m² (Jan 2014)")) is SUPPRESSED
    city = table.rows[-1]
    assert city.get("Stadtgebiet") == "Hamburg"
    assert parse_int(city.get("Bevölkerung")) == 1788994
    assert parse_number(city.get("Fläche in km²")) == Decimal("755.3")

    # Every numeric cell of the file parses; "." (84 cells) and a lone "-" (2 cells) are
    # placeholders.
    parsed = [parse_number(row.get(h)) for row in table.rows for h in table.headers[1:]]
    assert len(parsed) == 107 * 68
    assert sum(1 for v in parsed if v is SUPPRESSED) == 86
    assert all(isinstance(v, Decimal) for v in parsed if v is not SUPPRESSED)
    # The column decides the convention, as a caller would ask before importing it.
    column = [row.get("Anteil der unter 18-Jährigen in %") for row in table.rows]
    assert guess_decimal(column) == ","


def test_per_value_auto_misreads_english_three_decimals_so_ask_the_column():
    """Berlin's population shares are English decimals; "58.016" looks like German 58016."""
    path = DATA / "berlin/population/berlin-lor-population-2024-02-t1-planning-areas.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = "inhabitants_with_migration_background_percentage"
    row = next(r for r in rows if r["id"] == "12601032")
    assert row[header] == "58.016"
    assert parse_number(row[header]) == Decimal("58016")  # the documented "auto" rule
    separator = guess_decimal(r[header] for r in rows)
    assert separator == "."
    assert parse_number(row[header], decimal=separator) == Decimal("58.016")
