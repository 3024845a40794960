"""The demo's anonymous search log: what the team looked for in the Hilfelotse.

Searches for housing help and for help with addiction found nothing in the Quartier several
times – the Fall-zum-Feld signals the dashboard shows and the recommendations use. Dates are
relative to today; only codes and counts, as in real use.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.areas.models import Area
from quartierskompass.finder.models import SearchLog

# (days ago, need codes, target-group codes, area code or None, results, picked)
SEARCHES = [
    (3, ["wohnen"], ["alleinerziehende"], "05100209", 0, False),
    (9, ["wohnen"], [], "05100209", 0, False),
    (17, ["wohnen", "existenzsicherung"], ["familien"], "05100208", 0, False),
    (26, ["wohnen"], ["senioren"], "05100209", 0, False),
    (41, ["wohnen"], [], "05100206", 0, False),
    (12, ["sucht"], [], "05100208", 0, False),
    (33, ["sucht"], ["junge-erwachsene"], "05100208", 0, False),
    (5, ["existenzsicherung"], [], "05100206", 4, True),
    (8, ["einsamkeit-begegnung"], ["senioren"], None, 6, True),
    (15, ["bildung-sprache"], ["kinder"], "05100207", 2, True),
    (21, ["kinder-familie"], ["familien"], None, 5, False),
    (29, ["migration-teilhabe"], ["gefluechtete"], "05100208", 3, True),
    (50, ["digitale-teilhabe"], ["senioren"], None, 1, True),
]


@transaction.atomic
def load(project: Project) -> int:
    """Replace the demo project's search log with the searches above; returns their number."""
    today = timezone.localdate()
    areas = {
        a.code: a
        for a in Area.objects.filter(code_system="berlin-plr-2021", code__startswith="051002")
    }
    SearchLog.objects.filter(project=project).delete()
    SearchLog.objects.bulk_create(
        SearchLog(
            project=project,
            date=today - timedelta(days=days),
            needs=needs,
            target_groups=groups,
            area=areas.get(code) if code else None,
            results=results,
            picked=picked,
        )
        for days, needs, groups, code, results, picked in SEARCHES
    )
    return len(SEARCHES)
