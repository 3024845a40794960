from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quartierskompass.lib.schedule import (
    Opening,
    ScheduleError,
    format_schedule,
    is_open,
    parse_schedule,
)


def hours(text):
    return [
        (o.day, o.opens.strftime("%H:%M"), o.closes.strftime("%H:%M")) for o in parse_schedule(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Di 9–12 Uhr, Do 14–17 Uhr", [(1, "09:00", "12:00"), (3, "14:00", "17:00")]),
        ("Mo–Fr 9:00-12:30", [(d, "09:00", "12:30") for d in range(5)]),
        ("Mi und Fr 14–17 Uhr", [(2, "14:00", "17:00"), (4, "14:00", "17:00")]),
        (
            "Mo, Mi, Fr 16–20 Uhr",
            [(0, "16:00", "20:00"), (2, "16:00", "20:00"), (4, "16:00", "20:00")],
        ),
        ("dienstags 15.30 bis 18 Uhr", [(1, "15:30", "18:00")]),
        ("Di und Do 12–13.30 Uhr", [(1, "12:00", "13:30"), (3, "12:00", "13:30")]),
        ("Mo 9–12 und 14–16 Uhr", [(0, "09:00", "12:00"), (0, "14:00", "16:00")]),
        ("täglich 8–20 Uhr", [(d, "08:00", "20:00") for d in range(7)]),
        ("Mo–Do 14–16 Uhr (Schulzeit)", [(d, "14:00", "16:00") for d in range(4)]),
        ("Mi 9–13 Uhr nach Terminvereinbarung", None),
        ("Sa–Mo 10–12", [(0, "10:00", "12:00"), (5, "10:00", "12:00"), (6, "10:00", "12:00")]),
        ("", []),
    ],
)
def test_german_opening_hours(text, expected):
    if expected is None:
        with pytest.raises(ScheduleError):
            parse_schedule(text)
    else:
        assert hours(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "jeden 1. Samstag im Monat 10–13 Uhr",
        "nach Vereinbarung",
        "immer",
        "Di 25–26 Uhr",
        "Mo 18–9 Uhr",
        "ab und zu",
        "9–12 Uhr",
    ],
)
def test_unreadable_text_is_explained_in_german(text):
    with pytest.raises(ScheduleError) as error:
        parse_schedule(text)
    assert "„" in str(error.value)


def test_is_open():
    openings = parse_schedule("Di 9–12 Uhr")
    assert is_open(openings, 1) and is_open(openings, 1, time(9))
    assert not is_open(openings, 1, time(12)) and not is_open(openings, 2)


def test_format_joins_days_with_the_same_hours():
    text = "Mo–Fr 9–12 Uhr, Do 14:30–17 Uhr"
    assert format_schedule(parse_schedule(text)) == text
    assert format_schedule(parse_schedule("Mo, Di 9–10")) == "Mo, Di 9–10 Uhr"


@given(
    st.lists(
        st.builds(
            lambda d, a, b: Opening(d, time(min(a, b)), time(max(a, b) + 1)),
            st.integers(0, 6),
            st.integers(0, 22),
            st.integers(0, 22),
        ),
        max_size=6,
    )
)
def test_format_then_parse_gives_the_same_openings(openings):
    assert parse_schedule(format_schedule(openings)) == sorted(set(openings))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Straße", "strasse"),
        ("Über-Älteres  Öl", "ueber-aelteres oel"),
        ("Café", "cafe"),
        ("STRASSE", "strasse"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    from quartierskompass.lib.text import fold

    assert fold(text) == folded
