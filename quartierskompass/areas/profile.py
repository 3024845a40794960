"""Indicator values of an area – its own, or aggregated from its children – compared with a
reference area (DESIGN §3: Bestand feststellen, Bedarf ermitteln).

Aggregation up the hierarchy: counts are summed; rates are weighted by their base indicator
(Σ rate·base / Σ base); indexes are not aggregated. A computed value says from how many child
areas it comes. All values of a subtree are read in one query per call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from quartierskompass.areas.models import Area, Indicator, IndicatorValue

SMALL_COUNT = 3  # public statistics suppress counts below 3 (DESIGN §6 Privacy)


@dataclass
class Value:
    value: Decimal | None
    suppressed: bool = False
    computed_from: int = 0  # 0: the area's own value; n: aggregated from n child areas

    @property
    def computed(self) -> bool:
        return self.computed_from > 0


@dataclass
class Reading:
    """One indicator of one area at one date, compared with the reference area."""

    indicator: Indicator
    date: date
    own: Value
    reference: Value | None = None
    series: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | None:
        if self.own.value is None or self.reference is None or self.reference.value is None:
            return None
        return self.own.value - self.reference.value

    @property
    def auffaellig(self) -> bool:
        reference = self.reference.value if self.reference else None
        return self.indicator.is_auffaellig(self.own.value, reference)

    @property
    def small_count(self) -> bool:
        """Counts 1 and 2 are shown as “< 3” so that no person can be recognised."""
        value = self.own.value
        return (
            self.indicator.kind == Indicator.Kind.COUNT
            and value is not None
            and 0 < value < SMALL_COUNT
        )


class Tree:
    """An area and all areas below it, with every value of the given indicators."""

    def __init__(self, root: Area, indicators: list[Indicator]) -> None:
        self.root = root
        self.indicators = {i.pk: i for i in indicators}
        self.children: dict[int, list[int]] = defaultdict(list)
        level = [root.pk]
        while level:
            rows = list(Area.objects.filter(parent_id__in=level).values_list("pk", "parent_id"))
            for pk, parent in rows:
                self.children[parent].append(pk)
            level = [pk for pk, _parent in rows]
        area_ids = [root.pk, *(pk for kids in self.children.values() for pk in kids)]
        wanted = set(self.indicators) | {i.base_id for i in indicators if i.base_id}
        # Base indicators (the weights of rates) are read once, not once per aggregated value.
        missing = wanted - set(self.indicators)
        self.bases = {i.pk: i for i in Indicator.objects.filter(pk__in=missing)} if missing else {}
        self.values: dict[tuple[int, int, date], IndicatorValue] = {}
        self.dates: dict[int, set[date]] = defaultdict(set)
        rows = IndicatorValue.objects.filter(
            indicator_id__in=wanted, area_id__in=area_ids
        ).values_list("indicator_id", "area_id", "date", "value", "suppressed")
        for indicator_id, area_id, day, value, suppressed in rows:
            self.values[(indicator_id, area_id, day)] = Value(value, suppressed)
            self.dates[indicator_id].add(day)
        self._cache: dict[tuple[int, int, date], Value] = {}

    def value(self, indicator: Indicator, area_id: int, day: date) -> Value:
        key = (indicator.pk, area_id, day)
        if key not in self._cache:
            self._cache[key] = self.values.get(key) or self._aggregate(indicator, area_id, day)
        return self._cache[key]

    def _aggregate(self, indicator: Indicator, area_id: int, day: date) -> Value:
        kids = self.children.get(area_id, [])
        if not kids or indicator.kind == Indicator.Kind.INDEX:
            return Value(None)
        values = [(kid, self.value(indicator, kid, day)) for kid in kids]
        known = [(kid, v) for kid, v in values if v.value is not None]
        if not known:
            return Value(None, suppressed=any(v.suppressed for _k, v in values))
        if indicator.kind == Indicator.Kind.COUNT:
            return Value(sum(v.value for _k, v in known), computed_from=len(known))
        return self._weighted(indicator, known, day)

    def _weighted(self, indicator: Indicator, known, day: date) -> Value:
        base = self.indicators.get(indicator.base_id) or self.bases.get(indicator.base_id)
        if base is None:
            return Value(None)
        pairs = [(v.value, self.value(base, kid, day).value) for kid, v in known]
        pairs = [(rate, weight) for rate, weight in pairs if weight]
        total = sum(weight for _rate, weight in pairs)
        if not total:
            return Value(None)
        return Value(sum(rate * weight for rate, weight in pairs) / total, computed_from=len(pairs))

    def latest_date(self, indicator: Indicator) -> date | None:
        dates = self.dates.get(indicator.pk)
        return max(dates) if dates else None

    def series(self, indicator: Indicator, area_id: int) -> list[tuple[date, Decimal]]:
        points = [
            (day, self.value(indicator, area_id, day).value)
            for day in sorted(self.dates.get(indicator.pk, ()))
        ]
        return [(day, value) for day, value in points if value is not None]


def reference_area(area: Area, *, mode: str = "top") -> Area | None:
    """The area to compare with: the parent, or the top of the code system (e.g. the city)."""
    ancestors = area.ancestors()
    if not ancestors:
        return None
    return ancestors[0] if mode == "parent" else ancestors[-1]


def profile(area: Area, *, reference: Area | None, indicators=None) -> list[Reading]:
    """Every indicator with a value for the area (own or computed), latest date first."""
    indicators = list(indicators if indicators is not None else Indicator.objects.all())
    own_tree = Tree(area, indicators)
    reference_tree = Tree(reference, indicators) if reference else None
    readings = []
    for indicator in indicators:
        day = own_tree.latest_date(indicator)
        if day is None:
            continue
        own = own_tree.value(indicator, area.pk, day)
        if own.value is None and not own.suppressed:
            continue
        readings.append(
            Reading(
                indicator=indicator,
                date=day,
                own=own,
                reference=reference_tree.value(indicator, reference.pk, day)
                if reference_tree
                else None,
                series=own_tree.series(indicator, area.pk),
            )
        )
    return readings


def values_for_areas(indicator: Indicator, areas: list[Area], day: date) -> dict[int, Value]:
    """One indicator for many areas (the map): own values, aggregated where missing."""
    result = {}
    own = {
        v.area_id: Value(v.value, v.suppressed)
        for v in IndicatorValue.objects.filter(
            indicator=indicator, date=day, area__in=[a.pk for a in areas]
        )
    }
    for area in areas:
        if area.pk in own:
            result[area.pk] = own[area.pk]
        else:
            result[area.pk] = Tree(area, [indicator]).value(indicator, area.pk, day)
    return result
