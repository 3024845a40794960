"""Aggregation up the hierarchy, the reference area and “auffällig” (DESIGN §3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from quartierskompass.activities.models import Need
from quartierskompass.areas.models import Area, Indicator, IndicatorValue
from quartierskompass.areas.profile import Tree, profile, reference_area, values_for_areas

DAY = date(2024, 12, 31)


@pytest.fixture
def stadt(db):
    city = Area.objects.create(code_system="t", code="0", name="Stadt", kind="Stadt")
    west = Area.objects.create(code_system="t", code="1", name="West", parent=city)
    ost = Area.objects.create(code_system="t", code="2", name="Ost", parent=city)
    a = Area.objects.create(code_system="t", code="11", name="A", parent=west)
    b = Area.objects.create(code_system="t", code="12", name="B", parent=west)
    c = Area.objects.create(code_system="t", code="21", name="C", parent=ost)
    return {"city": city, "west": west, "ost": ost, "a": a, "b": b, "c": c}


@pytest.fixture
def indikatoren(db):
    einwohner = Indicator.objects.create(key="ew", label_de="Einwohner", kind="count")
    quote = Indicator.objects.create(
        key="alq",
        label_de="Arbeitslosenquote",
        kind="rate",
        unit="%",
        base=einwohner,
        polarity="higher_worse",
    )
    index = Indicator.objects.create(
        key="idx",
        label_de="Statusindex",
        kind="index",
        polarity="higher_worse",
        threshold=Decimal("1.0"),
        threshold_kind="difference",
    )
    return einwohner, quote, index


def put(indicator, area, value, day=DAY, suppressed=False):
    IndicatorValue.objects.create(
        indicator=indicator,
        area=area,
        date=day,
        suppressed=suppressed,
        value=None if value is None else Decimal(str(value)),
    )


def test_counts_are_summed_and_rates_weighted_by_their_base(stadt, indikatoren):
    einwohner, quote, index = indikatoren
    for name, people, rate, z in (("a", 1000, 10, 1.5), ("b", 3000, 2, -0.5), ("c", 4000, 5, 0)):
        put(einwohner, stadt[name], people)
        put(quote, stadt[name], rate)
        put(index, stadt[name], z)
    tree = Tree(stadt["city"], [einwohner, quote, index])
    west = tree.value(einwohner, stadt["west"].pk, DAY)
    assert (west.value, west.computed_from) == (Decimal(4000), 2)
    assert tree.value(einwohner, stadt["city"].pk, DAY).value == Decimal(8000)
    # (10·1000 + 2·3000) / 4000 = 4; city: (10·1000 + 2·3000 + 5·4000) / 8000 = 4.5
    assert tree.value(quote, stadt["west"].pk, DAY).value == Decimal(4)
    assert tree.value(quote, stadt["city"].pk, DAY).value == Decimal("4.5")
    assert tree.value(index, stadt["city"].pk, DAY).value is None  # indexes are not summed


def test_an_own_value_wins_over_the_aggregate(stadt, indikatoren):
    einwohner = indikatoren[0]
    put(einwohner, stadt["a"], 10)
    put(einwohner, stadt["west"], 999)  # e.g. the district file
    assert Tree(stadt["city"], [einwohner]).value(einwohner, stadt["west"].pk, DAY).value == 999


def test_suppressed_and_missing_children(stadt, indikatoren):
    einwohner = indikatoren[0]
    put(einwohner, stadt["a"], None, suppressed=True)
    put(einwohner, stadt["b"], 7)
    west = Tree(stadt["west"], [einwohner]).value(einwohner, stadt["west"].pk, DAY)
    assert (west.value, west.computed_from) == (Decimal(7), 1)
    only_suppressed = Tree(stadt["a"], [einwohner]).value(einwohner, stadt["a"].pk, DAY)
    assert only_suppressed.suppressed and only_suppressed.value is None


def test_the_profile_compares_with_the_city_and_flags_auffaellige_values(stadt, indikatoren):
    einwohner, quote, index = indikatoren
    need = Need.objects.get(code="arbeit")
    quote.needs.add(need)
    for name, people, rate, z in (("a", 1000, 10, 1.5), ("b", 3000, 2, -0.5), ("c", 4000, 5, 0)):
        put(einwohner, stadt[name], people)
        put(quote, stadt[name], rate)
        put(index, stadt[name], z)
    put(einwohner, stadt["a"], 900, day=date(2022, 12, 31))
    assert reference_area(stadt["a"]) == stadt["city"]
    assert reference_area(stadt["a"], mode="parent") == stadt["west"]
    readings = {r.indicator.key: r for r in profile(stadt["a"], reference=stadt["city"])}
    assert readings["alq"].difference == Decimal("5.5")  # 10 against 4.5
    assert readings["alq"].auffaellig  # 10 ≥ 1.25 × 4.5
    assert list(readings["alq"].indicator.needs.all()) == [need]
    assert readings["idx"].auffaellig is False  # the city has no index value to compare
    assert readings["ew"].series == [(date(2022, 12, 31), Decimal(900)), (DAY, Decimal(1000))]
    assert not readings["ew"].auffaellig  # neutral polarity


@pytest.mark.parametrize(
    ("polarity", "kind", "threshold", "value", "reference", "expected"),
    [
        ("higher_worse", "ratio", "1.25", "12.5", "10", True),
        ("higher_worse", "ratio", "1.25", "12.4", "10", False),
        ("higher_better", "ratio", "1.25", "8", "10", True),  # 8 × 1.25 = 10
        ("higher_better", "ratio", "1.25", "8.1", "10", False),
        ("higher_worse", "difference", "1.0", "0.5", "-0.5", True),
        ("higher_better", "difference", "1.0", "-1.2", "0", True),
        ("neutral", "ratio", "1.25", "100", "1", False),
        ("higher_worse", "ratio", "1.25", "5", "0", False),  # no ratio to a zero reference
    ],
)
def test_auffaellig_follows_polarity_and_threshold(
    polarity, kind, threshold, value, reference, expected
):
    indicator = Indicator(
        key="x", label_de="x", polarity=polarity, threshold_kind=kind, threshold=Decimal(threshold)
    )
    assert indicator.is_auffaellig(Decimal(value), Decimal(reference)) is expected


def test_small_counts_are_marked(stadt, indikatoren):
    einwohner = indikatoren[0]
    put(einwohner, stadt["a"], 2)
    reading = profile(stadt["a"], reference=None, indicators=[einwohner])[0]
    assert reading.small_count


def test_values_for_many_areas_fill_gaps_by_aggregation(stadt, indikatoren):
    einwohner = indikatoren[0]
    put(einwohner, stadt["a"], 10)
    put(einwohner, stadt["b"], 20)
    put(einwohner, stadt["ost"], 5)
    values = values_for_areas(einwohner, [stadt["west"], stadt["ost"]], DAY)
    assert values[stadt["west"].pk].value == 30 and values[stadt["west"].pk].computed
    assert values[stadt["ost"].pk].value == 5 and not values[stadt["ost"].pk].computed
