"""Berlin from end to end with the real files: areas with their hierarchy, the population of
every Planungsraum summed up equals the official district and city tables."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from quartierskompass.areas.importer import PRESETS, import_areas
from quartierskompass.areas.indicator_import import import_indicators
from quartierskompass.areas.models import Area, Indicator
from quartierskompass.areas.profile import Tree
from tests.shared import SHARED_DATA

BERLIN = SHARED_DATA / "berlin"
POPULATION = BERLIN / "population"
DAY = date(2024, 12, 31)


@pytest.fixture
def berlin(db):
    preset = PRESETS["berlin-lor"]
    report = import_areas(
        source=BERLIN / "boundaries/lor_planungsraeume_2021_wgs84.geojson",
        filename="lor.geojson",
        system=preset.system,
        code_prop=preset.code_prop,
        name_prop=preset.name_prop,
        kind=preset.kind,
        levels=preset.levels,
        root=preset.root,
        parent_table=BERLIN / "boundaries/LOR_2021_hierarchy.csv",
        parent_filename="LOR_2021_hierarchy.csv",
    )
    assert report.ok and not report.errors
    report = import_indicators(
        source=POPULATION / "berlin-lor-population-2024-02-t1-planning-areas.csv",
        filename="t1.csv",
        system=preset.system,
        code_column="id",
        indicators={"inhabitants": "inhabitants", "inhabitants_foreigners": "foreigners"},
        date=DAY,
    )
    assert report.ok and not report.errors
    return Indicator.objects.get(key="inhabitants"), Indicator.objects.get(key="foreigners")


def official(filename: str) -> dict[str, dict[str, str]]:
    with (POPULATION / filename).open(encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_planning_areas_summed_equal_the_district_and_city_tables(berlin):
    inhabitants, foreigners = berlin
    city = Area.objects.get(code_system="berlin-plr-2021", code="0")
    tree = Tree(city, [inhabitants, foreigners])
    districts = official("berlin-lor-population-2024-02-t1-districts.csv")
    assert len(districts) == 12
    for code, row in districts.items():
        area = Area.objects.get(code_system="berlin-plr-2021", code=code, kind="Bezirk")
        assert tree.value(inhabitants, area.pk, DAY).value == Decimal(row["inhabitants"])
        assert tree.value(foreigners, area.pk, DAY).value == Decimal(row["inhabitants_foreigners"])
    regions = official("berlin-lor-population-2024-02-t1-district-regions.csv")
    for code, row in regions.items():
        area = Area.objects.get(code_system="berlin-plr-2021", code=code)
        assert tree.value(inhabitants, area.pk, DAY).value == Decimal(row["inhabitants"]), code
    total = official("berlin-lor-population-2024-02-t1-city.csv")["0"]["inhabitants"]
    city_value = tree.value(inhabitants, city.pk, DAY)
    assert (city_value.value, city_value.computed_from) == (Decimal(total), 12)


def test_the_hierarchy_has_four_levels_and_the_city(berlin):
    counts = {
        kind: Area.objects.filter(code_system="berlin-plr-2021", kind=kind).count()
        for kind in ("Planungsraum", "Bezirksregion", "Prognoseraum", "Bezirk", "Stadt")
    }
    assert counts == {
        "Planungsraum": 542,
        "Bezirksregion": 143,
        "Prognoseraum": 58,
        "Bezirk": 12,
        "Stadt": 1,
    }
    griesinger = Area.objects.get(code="05100206")
    assert [a.name for a in griesinger.ancestors()] == [
        "Falkenhagener Feld",
        "Spandau Mitte / Nord",
        "Spandau",
        "Berlin",
    ]
