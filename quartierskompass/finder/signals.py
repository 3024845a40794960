"""Fall-zum-Feld signals (DESIGN §3 step 7): what the Hilfelotse could not find.

Searches without a fitting offer, counted per need and area from the anonymous search log.
A search for two needs counts for each of them. The exact count stays in the data for the
recommendations; pages show counts below 3 as „< 3“ and then only the month of the last
search, because a single search on a known day could point to the person behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Need
from quartierskompass.areas.models import Area
from quartierskompass.finder.models import SearchLog

SMALL_COUNT = 3  # DESIGN §6: counts below 3 are not shown exactly


@dataclass
class _Tally:
    count: int = 0
    last_date: date | None = None

    def add(self, day: date) -> None:
        self.count += 1
        self.last_date = day if self.last_date is None else max(self.last_date, day)


def signals(project: Project, *, since: date | None = None) -> list[dict]:
    """Unmet searches per need and area, most frequent first.

    Each item: ``need`` (code, "" for a search without a need), ``need_label``, ``area_id``,
    ``area_name``, ``count`` (exact), ``display`` („< 3“ or the number), ``last_date`` and
    ``last_display`` (the date, or only the month when the count is small).
    """
    rows = SearchLog.objects.filter(project=project, results=0)
    if since is not None:
        rows = rows.filter(date__gte=since)
    tallies: dict[tuple[str, int | None], _Tally] = {}
    for needs, area_id, day in rows.values_list("needs", "area_id", "date"):
        for code in needs or [""]:
            tallies.setdefault((code, area_id), _Tally()).add(day)
    if not tallies:
        return []
    labels = {n.code: n.label for n in Need.objects.filter(code__in={c for c, _a in tallies})}
    areas = dict(
        Area.objects.filter(pk__in={a for _c, a in tallies if a}).values_list("pk", "name")
    )
    items = [
        _item(code, labels, area_id, areas, tally) for (code, area_id), tally in tallies.items()
    ]
    items.sort(key=lambda s: (-s["count"], -s["last_date"].toordinal(), s["need_label"]))
    return items


def _item(code, labels, area_id, areas, tally: _Tally) -> dict:
    small = tally.count < SMALL_COUNT
    return {
        "need": code,
        "need_label": labels.get(code, code) if code else _("no need chosen"),
        "area_id": area_id,
        "area_name": areas.get(area_id, "") if area_id else "",
        "count": tally.count,
        "display": f"< {SMALL_COUNT}" if small else str(tally.count),
        "last_date": tally.last_date,
        "last_display": date_format(tally.last_date, "F Y" if small else "DATE_FORMAT"),
    }
