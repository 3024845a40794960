"""DESIGN §1.1 pinned by hand-computed examples. Every number here was worked out on paper."""

from __future__ import annotations

import math
from datetime import date

import pytest

from quartierskompass.activities.models import Activity
from quartierskompass.soni.matrix import Period, PeriodError, cell_activities, compute
from quartierskompass.soni.model import equal_shares
from tests.factories import make_activity

Y2025 = Period.year(2025)


def matrix(project, **kwargs):
    kwargs.setdefault("period", Y2025)
    return compute(Activity.objects.filter(project=project), **kwargs)


class TestEqualSplit:
    @pytest.mark.parametrize(
        ("fields", "expected"),
        [
            ("S", {"S": 100, "O": 0, "N": 0, "I": 0}),
            ("NI", {"S": 0, "O": 0, "N": 50, "I": 50}),
            ("SNI", {"S": 34, "O": 0, "N": 33, "I": 33}),
            ("ONI", {"S": 0, "O": 34, "N": 33, "I": 33}),
            ("SONI", {"S": 25, "O": 25, "N": 25, "I": 25}),
            ("IS", {"S": 50, "O": 0, "N": 0, "I": 50}),  # order of choosing does not matter
        ],
    )
    def test_split(self, fields, expected):
        assert equal_shares(fields) == expected

    def test_three_fields_in_the_matrix_count_34_33_33(self, projekt):
        make_activity(projekt, fields="SNI")
        result = matrix(projekt)
        assert result.cells == pytest.approx({"S": 0.34, "O": 0.0, "N": 0.33, "I": 0.33})
        assert result.activities == 1


def test_explicit_percentages_split_a_full_year_value(projekt):
    make_activity(projekt, shares={"S": 10, "O": 20, "N": 30, "I": 40}, staff_hours=1000)
    result = matrix(projekt, measure="staff_hours")
    assert result.cells == pytest.approx({"S": 100.0, "O": 200.0, "N": 300.0, "I": 400.0})
    assert result.shares == pytest.approx({"S": 0.1, "O": 0.2, "N": 0.3, "I": 0.4})
    assert result.levels == pytest.approx({"system": 0.3, "lebenswelt": 0.7})
    assert result.sides == pytest.approx({"field": 0.4, "case": 0.6})
    expected_j = -sum(p * math.log(p) for p in (0.1, 0.2, 0.3, 0.4)) / math.log(4)
    assert result.evenness == pytest.approx(expected_j)  # 0.9232…
    assert result.weak == []  # 0.10 is not below 0.10


def test_partial_year_overlap_counts_days_with_both_ends(projekt):
    # 1 July to 31 December 2025 are 184 days; 365 hours a year give 184 hours.
    make_activity(projekt, fields="I", start=date(2025, 7, 1), staff_hours=365)
    # 31 December 2024 to 1 January 2025: one day inside 2025.
    make_activity(
        projekt,
        "Silvester",
        fields="N",
        start=date(2024, 12, 31),
        end=date(2025, 1, 1),
        status="ended",
        staff_hours=365,
    )
    result = matrix(projekt, measure="staff_hours")
    assert result.cells == pytest.approx({"S": 0.0, "O": 0.0, "N": 1.0, "I": 184.0})


def test_open_ended_activity_counts_the_whole_period(projekt):
    make_activity(projekt, fields="S", start=date(2019, 3, 1), end=None, budget=7300)
    assert matrix(projekt, measure="budget").cells["S"] == pytest.approx(7300.0)


def test_a_leap_year_counts_366_of_365(projekt):
    make_activity(projekt, fields="O", staff_hours=365)
    result = matrix(projekt, period=Period.year(2024), measure="staff_hours")
    assert result.cells["O"] == pytest.approx(366.0)


def test_activities_outside_the_period_do_not_count(projekt):
    make_activity(projekt, fields="S", start=date(2026, 1, 1))
    make_activity(
        projekt, fields="O", start=date(2023, 1, 1), end=date(2024, 12, 31), status="ended"
    )
    make_activity(projekt, fields="N", start=date(2025, 12, 31))  # last day counts
    assert matrix(projekt).cells == {"S": 0.0, "O": 0.0, "N": 1.0, "I": 0.0}


def test_missing_values_count_as_zero_and_are_reported(projekt):
    make_activity(projekt, "mit Stunden", fields="I", staff_hours=100)
    make_activity(projekt, "ohne Stunden", fields="N")
    result = matrix(projekt, measure="staff_hours")
    assert result.cells == pytest.approx({"S": 0.0, "O": 0.0, "N": 0.0, "I": 100.0})
    assert (result.missing, result.activities) == (1, 2)
    assert matrix(projekt).missing == 0  # counting needs no values


def test_an_empty_scope_has_no_shares_and_no_nan(projekt):
    result = matrix(projekt, measure="reach")
    assert result.is_empty
    assert result.cells == {"S": 0.0, "O": 0.0, "N": 0.0, "I": 0.0}
    assert (result.shares, result.evenness, result.levels, result.sides) == (None,) * 4
    assert result.weak == []
    data = result.as_json()
    assert "NaN" not in repr(data)
    assert data["activities"] == 0


def test_only_zero_values_is_empty_too(projekt):
    make_activity(projekt, fields="I", budget=0)
    assert matrix(projekt, measure="budget").is_empty


def test_planned_activities_are_left_out_unless_asked(projekt):
    make_activity(projekt, "läuft", fields="I")
    make_activity(projekt, "geplant", fields="S", status="planned")
    assert matrix(projekt).cells["S"] == 0.0
    with_planned = matrix(projekt, statuses=("planned", "active", "ended"))
    assert with_planned.cells == {"S": 1.0, "O": 0.0, "N": 0.0, "I": 1.0}


def test_evenness_is_one_for_equal_fields_and_zero_for_one_field(projekt):
    make_activity(projekt, fields="SONI")
    assert matrix(projekt).evenness == pytest.approx(1.0)
    projekt.activities_activitys.all().delete()
    make_activity(projekt, fields="N")
    assert matrix(projekt).evenness == 0.0


def test_weak_fields_and_threshold(projekt):
    make_activity(projekt, shares={"S": 5, "O": 15, "N": 40, "I": 40})
    assert matrix(projekt).weak == ["S"]
    assert matrix(projekt, weak_threshold=0.2).weak == ["S", "O"]


def test_bridges_link_both_levels(projekt):
    make_activity(projekt, "Brücke", fields="SI")
    make_activity(projekt, "System", fields="SO")
    make_activity(projekt, "Lebenswelt", fields="NI")
    make_activity(projekt, "Brücke 2", fields="ON")
    assert matrix(projekt).bridges == 2


def test_other_projects_and_the_trash_stay_out(projekt, anderes_projekt):
    make_activity(anderes_projekt, fields="S")
    make_activity(projekt, fields="I").move_to_trash()
    assert matrix(projekt).is_empty


def test_the_json_has_the_design_shape(projekt):
    make_activity(projekt, fields="NI", reach=40)
    data = matrix(projekt, measure="reach", scope={"project": "nordstadt"}).as_json()
    assert list(data) == [
        "scope",
        "period",
        "measure",
        "cells",
        "shares",
        "evenness",
        "levels",
        "sides",
        "weak",
        "bridges",
        "missing",
        "activities",
    ]
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert data["cells"] == {"S": 0.0, "O": 0.0, "N": 20.0, "I": 20.0}
    assert data["weak"] == ["S", "O"]


def test_cell_activities_show_their_contribution(projekt):
    make_activity(projekt, "groß", shares={"I": 50, "N": 50}, staff_hours=200)
    make_activity(projekt, "klein", fields="I", staff_hours=30)
    make_activity(projekt, "anderes Feld", fields="S", staff_hours=999)
    rows = cell_activities(
        Activity.objects.filter(project=projekt),
        field_code="I",
        period=Y2025,
        measure="staff_hours",
    )
    assert [(a.title, a.cell_contribution) for a in rows] == [("groß", 100.0), ("klein", 30.0)]


class TestPeriod:
    def test_parse_year_and_range(self):
        assert Period.parse("2025") == Y2025
        assert Period.parse("2025-03-01..2025-03-31").days == 31
        assert Period.parse("2025-01-01..2025-06-30").previous() == Period(
            date(2024, 7, 4),
            date(2024, 12, 31),  # 181 days like 1.1.–30.6.2025
        )

    @pytest.mark.parametrize(
        "text", ["25", "2025-13-01..2025-12-31", "2025-02-01..2025-01-01", "letztes Jahr"]
    )
    def test_bad_periods_are_explained(self, text):
        with pytest.raises(PeriodError):
            Period.parse(text)
