"""parse_date / format_date_de."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from quartierskompass.lib.dates import DateError, format_date_de, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.2025", date(2025, 12, 31)),
        ("1.2.2025", date(2025, 2, 1)),
        ("01.02.2025", date(2025, 2, 1)),
        (" 29.02.2024 ", date(2024, 2, 29)),
        ("2025-12-31", date(2025, 12, 31)),
        ("2025-12-31T00:00:00", date(2025, 12, 31)),
        ("31.12.2025 00:00", date(2025, 12, 31)),
        (date(2025, 12, 31), date(2025, 12, 31)),
        (datetime(2025, 12, 31, 14, 30), date(2025, 12, 31)),
    ],
)
def test_parse_date_accepts(value, expected):
    result = parse_date(value)
    assert result == expected
    assert type(result) is date  # never a datetime, even from a spreadsheet cell


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.2025", "„31.02.2025“ ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("2025-02-30", "„2025-02-30“ ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("29.02.2025", "„29.02.2025“ ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("13.13.2025", "„13.13.2025“ ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("morgen", "„morgen“ ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("12/31/2025", "„12/31/2025“ ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("31.12.25", "„31.12.25“: Bitte das Jahr vierstellig angeben (TT.MM.JJJJ)."),
        (
            "2025",
            "„2025“ ist kein vollständiges Datum – bitte Tag, Monat und Jahr angeben (TT.MM.JJJJ).",
        ),
        (
            "12.2025",
            "„12.2025“ ist kein vollständiges Datum – bitte Tag, Monat und Jahr angeben "
            "(TT.MM.JJJJ).",
        ),
        (45657, "„45657“ ist kein gültiges Datum (TT.MM.JJJJ)."),  # Excel serial number
    ],
)
def test_parse_date_refuses_with_german_message(value, message):
    with pytest.raises(DateError) as info:
        parse_date(value)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_format_date_de():
    assert format_date_de(date(2025, 12, 31)) == "31.12.2025"
    assert format_date_de(date(2025, 2, 1)) == "01.02.2025"
    assert format_date_de(datetime(2025, 2, 1, 23, 59)) == "01.02.2025"
    assert parse_date(format_date_de(date(1999, 7, 4))) == date(1999, 7, 4)
