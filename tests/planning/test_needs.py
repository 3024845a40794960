"""Evidence for needs and Bedarf–Bestand (DESIGN §3 steps 3 and 4), with real scenarios.

The Quartier: a city, one Bezirksregion the project works in with two Planungsräume, and
another region outside the project. Kinderarmut is auffällig in the region and in one of its
Planungsräume; a neutral indicator never is.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from quartierskompass.activities.models import Need
from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea
from quartierskompass.finder.models import SearchLog
from quartierskompass.planning.models import Finding, Method, ProjectNeed
from quartierskompass.planning.needs import (
    SEARCH_WINDOW_DAYS,
    coverage,
    evidence,
    indicator_areas,
    need_activities,
)
from quartierskompass.soni.matrix import Period
from tests.factories import make_activity

TODAY = date(2025, 11, 15)
DAY = date(2024, 12, 31)
YEAR = Period.year(2025)


@pytest.fixture
def quartier(projekt) -> dict[str, Area]:
    city = Area.objects.create(code_system="t", code="0", name="Berlin")
    region = Area.objects.create(code_system="t", code="0510", name="Falkenfeld", parent=city)
    graben = Area.objects.create(code_system="t", code="051001", name="Am Graben", parent=region)
    hang = Area.objects.create(code_system="t", code="051002", name="Am Hang", parent=region)
    elsewhere = Area.objects.create(code_system="t", code="0520", name="Anderswo", parent=city)
    ProjectArea.objects.create(project=projekt, area=region)
    areas = {"city": city, "region": region, "graben": graben, "hang": hang}
    return areas | {"elsewhere": elsewhere}


def put(indicator: Indicator, area: Area, value: str) -> None:
    IndicatorValue.objects.create(indicator=indicator, area=area, date=DAY, value=Decimal(value))


@pytest.fixture
def kinderarmut(quartier) -> Indicator:
    indicator = Indicator.objects.create(
        key="kinderarmut",
        label_de="Kinderarmut",
        unit="%",
        kind="rate",
        polarity="higher_worse",
    )
    indicator.needs.set(Need.objects.filter(code__in=["existenzsicherung", "kinder-familie"]))
    for name, value in [
        ("city", "26.8"),
        ("region", "41.2"),  # 1.54 × the city: auffällig
        ("graben", "48.0"),
        ("hang", "30.0"),  # 1.12 × the city: not
        ("elsewhere", "50.0"),  # auffällig, but not the project's
    ]:
        put(indicator, quartier[name], value)
    neutral = Indicator.objects.create(key="alte", label_de="Ältere", unit="%", kind="rate")
    neutral.needs.set(Need.objects.filter(code="alter-pflege"))
    put(neutral, quartier["city"], "10")
    put(neutral, quartier["region"], "40")
    return indicator


def by_code(entries) -> dict:
    return {entry.need.code: entry for entry in entries}


def need(code: str) -> Need:
    return Need.objects.get(code=code)


def search(project, code: str, *, results: int = 0, day: date = TODAY, area=None) -> None:
    SearchLog.objects.create(project=project, date=day, needs=[code], results=results, area=area)


def finding(project, code: str | None, *, area=None, text="Kein Treffpunkt am Abend"):
    return Finding.objects.create(
        project=project,
        method=Method.objects.get(code="stadtteilbegehung"),
        date=date(2025, 5, 1),
        area=area,
        need=need(code) if code else None,
        text=text,
    )


class TestIndicators:
    def test_an_auffaelliges_indicator_in_a_project_area_is_evidence_for_its_needs(
        self, projekt, quartier, kinderarmut
    ):
        found = by_code(evidence(projekt, today=TODAY))
        for code in ("existenzsicherung", "kinder-familie"):
            (item,) = found[code].indicators
            assert item.area == quartier["region"]
            assert item.reference == quartier["city"]
            assert item.reading.own.value == Decimal("41.2")
            assert item.reading.reference.value == Decimal("26.8")
            assert found[code].kinds == ["indicator"]
        assert not found["alter-pflege"].has_evidence  # neutral polarity: never auffällig
        assert not found["jugend"].has_evidence

    def test_a_planungsraum_below_the_project_area_is_read_on_its_own(
        self, projekt, quartier, kinderarmut
    ):
        graben = by_code(evidence(projekt, area=quartier["graben"], today=TODAY))
        (item,) = graben["kinder-familie"].indicators
        assert (item.area, item.reading.own.value) == (quartier["graben"], Decimal("48.0"))
        hang = by_code(evidence(projekt, area=quartier["hang"], today=TODAY))
        assert not hang["kinder-familie"].indicators

    def test_areas_outside_the_project_give_no_evidence(self, projekt, quartier, kinderarmut):
        assert indicator_areas(projekt, quartier["elsewhere"]) == []
        found = by_code(evidence(projekt, area=quartier["elsewhere"], today=TODAY))
        assert not found["kinder-familie"].indicators
        # The city contains the project's region: its evidence is the region's.
        assert indicator_areas(projekt, quartier["city"]) == [quartier["region"]]

    def test_a_project_without_areas_has_no_indicator_evidence(self, anderes_projekt, kinderarmut):
        assert not any(e.indicators for e in evidence(anderes_projekt, today=TODAY))


class TestSearches:
    def test_unmet_searches_of_the_last_twelve_months_count(
        self, projekt, anderes_projekt, quartier
    ):
        for _n in range(3):
            search(projekt, "wohnen")
        search(projekt, "wohnen", results=2)
        window = timedelta(days=SEARCH_WINDOW_DAYS)
        search(projekt, "wohnen", day=TODAY - window + timedelta(days=1))  # just inside
        search(projekt, "wohnen", day=TODAY - window)  # just outside
        search(projekt, "wohnen", day=TODAY + timedelta(days=1))  # tomorrow: not yet
        search(anderes_projekt, "wohnen")
        wohnen = by_code(evidence(projekt, today=TODAY))["wohnen"]
        assert (wohnen.unmet_searches, wohnen.searches) == (4, 5)
        assert wohnen.kinds == ["search"]

    def test_searches_that_found_something_are_no_evidence(self, projekt, quartier):
        search(projekt, "sucht", results=1)
        sucht = by_code(evidence(projekt, today=TODAY))["sucht"]
        assert sucht.searches == 1 and not sucht.has_evidence

    def test_an_area_counts_only_the_searches_made_for_it(self, projekt, quartier):
        search(projekt, "wohnen", area=quartier["graben"])
        search(projekt, "wohnen", area=quartier["hang"])
        search(projekt, "wohnen")  # no place given
        assert by_code(evidence(projekt, today=TODAY))["wohnen"].unmet_searches == 3
        in_region = by_code(evidence(projekt, area=quartier["region"], today=TODAY))
        assert in_region["wohnen"].unmet_searches == 2
        in_graben = by_code(evidence(projekt, area=quartier["graben"], today=TODAY))
        assert in_graben["wohnen"].unmet_searches == 1


class TestFindingsAndRegister:
    def test_a_finding_about_a_need_is_evidence(self, projekt, anderes_projekt, quartier):
        mine = finding(projekt, "jugend", area=quartier["hang"])
        finding(projekt, None)  # about no need
        finding(anderes_projekt, "sucht")
        found = by_code(evidence(projekt, today=TODAY))
        assert found["jugend"].findings == [mine] and found["jugend"].kinds == ["finding"]
        assert not found["sucht"].has_evidence
        assert by_code(evidence(projekt, area=quartier["hang"], today=TODAY))["jugend"].findings
        assert not by_code(evidence(projekt, area=quartier["graben"], today=TODAY))[
            "jugend"
        ].findings

    def test_a_need_put_into_the_register_by_hand_is_evidence(self, projekt, quartier):
        ProjectNeed.objects.create(project=projekt, need=need("gesundheit"))
        gesundheit = by_code(evidence(projekt, today=TODAY))["gesundheit"]
        assert gesundheit.kinds == ["register"] and gesundheit.status == "open"

    def test_a_dismissed_need_keeps_its_evidence_but_is_no_gap(self, projekt, quartier):
        search(projekt, "sucht")
        ProjectNeed.objects.create(project=projekt, need=need("sucht"), status="dismissed")
        sucht = by_code(evidence(projekt, today=TODAY))["sucht"]
        assert sucht.has_evidence and sucht.dismissed and sucht.status == "dismissed"
        row = by_code(coverage(projekt, period=YEAR, today=TODAY))["sucht"]
        assert row.activities == 0 and not row.gap

    def test_the_most_active_status_wins_over_dismissed_entries(self, projekt, quartier):
        ProjectNeed.objects.create(
            project=projekt, need=need("sucht"), area=quartier["graben"], status="dismissed"
        )
        ProjectNeed.objects.create(project=projekt, need=need("sucht"), status="in_progress")
        sucht = by_code(evidence(projekt, today=TODAY))["sucht"]
        assert sucht.status == "in_progress" and not sucht.dismissed
        # In the Planungsraum both entries apply (the whole project and the area itself).
        in_graben = by_code(evidence(projekt, area=quartier["graben"], today=TODAY))["sucht"]
        assert len(in_graben.register) == 2
        in_hang = by_code(evidence(projekt, area=quartier["hang"], today=TODAY))["sucht"]
        assert [e.status for e in in_hang.register] == ["in_progress"]

    def test_inactive_needs_are_left_out(self, projekt, quartier):
        search(projekt, "sucht")
        Need.objects.filter(code="sucht").update(active=False)
        assert "sucht" not in by_code(evidence(projekt, today=TODAY))


class TestCoverage:
    @pytest.fixture
    def bestand(self, projekt, anderes_projekt, quartier, kinderarmut):
        """Two activities for Existenzsicherung in 2025, one from July (184 days)."""
        beratung = make_activity(
            projekt,
            "Sozialberatung",
            fields="I",
            start=date(2024, 1, 1),
            area=quartier["graben"],
            staff_hours=365,
            budget=3650,
        )
        tafel = make_activity(
            projekt,
            "Lebensmittelausgabe",
            fields="N",
            start=date(2025, 7, 1),
            area=quartier["hang"],
            volunteer_hours=365,
        )
        geplant = make_activity(projekt, "Schuldnerberatung", fields="I", status="planned")
        vorbei = make_activity(
            projekt, "Kleiderkammer", fields="N", end=date(2024, 12, 31), status="ended"
        )
        fremd = make_activity(anderes_projekt, "Fremde Tafel", fields="N")
        for activity in (beratung, tafel, geplant, vorbei, fremd):
            activity.needs.add(need("existenzsicherung"))
        tafel.needs.add(need("kinder-familie"))
        engagement = make_activity(projekt, "Freiwilligenbörse", fields="N", area=quartier["hang"])
        engagement.needs.add(need("engagement"))
        finding(projekt, "jugend", area=quartier["graben"])
        return {"beratung": beratung, "tafel": tafel}

    def test_activities_hours_and_euros_per_need_in_the_period(self, projekt, bestand):
        rows = by_code(coverage(projekt, period=YEAR, today=TODAY))
        existenz = rows["existenzsicherung"]
        assert existenz.activities == 2
        assert existenz.staff_hours == Decimal("365")
        assert existenz.volunteer_hours == Decimal("184")  # 365 h/year × 184 days / 365
        assert existenz.hours == Decimal("549")
        assert existenz.budget == Decimal("3650")
        assert not existenz.gap
        assert (rows["kinder-familie"].activities, rows["kinder-familie"].volunteer_hours) == (
            1,
            Decimal("184"),
        )

    def test_a_need_with_evidence_and_no_activity_is_a_gap_and_comes_first(self, projekt, bestand):
        rows = coverage(projekt, period=YEAR, today=TODAY)
        assert rows[0].need.code == "jugend" and rows[0].gap
        assert [r.need.code for r in rows if r.gap] == ["jugend"]

    def test_needs_with_activities_but_no_evidence_are_listed_without_gap(self, projekt, bestand):
        engagement = by_code(coverage(projekt, period=YEAR, today=TODAY))["engagement"]
        assert engagement.activities == 1 and not engagement.evidence.has_evidence
        assert not engagement.gap
        codes = {r.need.code for r in coverage(projekt, period=YEAR, today=TODAY)}
        assert "gesundheit" not in codes  # neither evidence nor activity

    def test_an_area_counts_the_activities_inside_it(self, projekt, quartier, bestand):
        rows = by_code(coverage(projekt, period=YEAR, area=quartier["graben"], today=TODAY))
        assert rows["existenzsicherung"].activities == 1
        assert rows["existenzsicherung"].staff_hours == Decimal("365")
        assert rows["jugend"].gap
        assert "engagement" not in rows
        in_hang = by_code(coverage(projekt, period=YEAR, area=quartier["hang"], today=TODAY))
        assert "jugend" not in in_hang  # the finding was made in the other Planungsraum

    def test_another_year_counts_other_activities(self, projekt, bestand):
        rows = by_code(coverage(projekt, period=Period.year(2024), today=TODAY))
        # 2024: the Sozialberatung and the Kleiderkammer (ended), not the Tafel (from 2025).
        assert rows["existenzsicherung"].activities == 2
        assert rows["kinder-familie"].activities == 0 and rows["kinder-familie"].gap

    def test_the_drill_down_lists_exactly_the_counted_activities(self, projekt, bestand):
        found = list(need_activities(projekt, need("existenzsicherung"), period=YEAR))
        assert [a.title for a in found] == ["Lebensmittelausgabe", "Sozialberatung"]
        tafel = found[0]
        assert tafel.volunteer_in_period == pytest.approx(184)
        assert tafel.staff_in_period is None  # missing, not zero

    def test_queries_do_not_grow_with_the_number_of_activities(
        self, projekt, quartier, bestand, django_assert_max_num_queries
    ):
        for n in range(20):
            make_activity(projekt, f"Angebot {n}", fields="N").needs.add(need("wohnen"))
        with django_assert_max_num_queries(25):
            coverage(projekt, period=YEAR, today=TODAY)
