"""Small builders for test data; each names only what a test cares about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from quartierskompass.activities.models import Activity
from quartierskompass.soni.model import equal_shares


def make_activity(
    project,
    title: str = "Offener Treff",
    *,
    fields: str = "",
    shares: dict[str, int] | None = None,
    start: date = date(2020, 1, 1),
    end: date | None = None,
    status: str = "active",
    **values,
) -> Activity:
    """``fields="SNI"`` splits equally; ``shares={"S": 10, ...}`` sets percentages."""
    split = equal_shares(fields) if fields else dict.fromkeys("SONI", 0) | (shares or {})
    for name in ("staff_hours", "volunteer_hours", "budget"):
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    activity = Activity(
        project=project,
        title=title,
        start=start,
        end=end,
        status=status,
        **{f"share_{code.lower()}": share for code, share in split.items()},
        **values,
    )
    activity.full_clean()
    activity.save()
    return activity
