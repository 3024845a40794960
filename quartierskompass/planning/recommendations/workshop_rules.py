"""Rules over the latest finished SONI workshop beside the matrix: rated-strong-empty and
rated-weak-busy."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from quartierskompass.core.formats import percent
from quartierskompass.planning.models import Workshop
from quartierskompass.planning.recommendations.base import (
    BUSY_SHARE,
    EPSILON,
    FIELD_METHODS,
    FIELD_WORK_FORMS,
    PRIORITY,
    RATED_STRONG,
    RATED_WEAK,
    Fact,
    Facts,
    Recommendation,
    field_name,
)
from quartierskompass.soni.model import FIELD_ORDER


def _ratings(workshop: Workshop | None) -> dict[str, int]:
    if workshop is None:
        return {}
    return {
        code: value
        for code, value in (workshop.ratings or {}).items()
        if code in FIELD_ORDER and isinstance(value, int) and 0 <= value <= 3
    }


def _workshop_rule(
    facts: Facts,
    rule: str,
    fires: Callable[[int, float], bool],
    title: str,
    text: str,
    goal_text: str,
) -> list[Recommendation]:
    workshop, shares = facts.workshop, facts.matrix.shares
    if shares is None:
        return []
    found = []
    for code, rating in _ratings(workshop).items():
        share = shares[code]
        if not fires(rating, share):
            continue
        values = {
            "field": field_name(code),
            "date": date_format(workshop.date, "DATE_FORMAT"),
            "rating": rating,
            "share": percent(share),
            "year": facts.year,
        }
        found.append(
            Recommendation(
                rule=rule,
                subject=f"{code}-workshop-{workshop.pk}",
                year=facts.year,
                fields=[code],
                title=title % values,
                text=text % values,
                evidence={
                    "field": code,
                    "rating": rating,
                    "share": share,
                    "threshold": facts.threshold if rule == "rated-strong-empty" else BUSY_SHARE,
                    "workshop": workshop.pk,
                    "workshop_date": workshop.date.isoformat(),
                },
                facts=[
                    Fact(_("Rating in the workshop (0–3)"), rating),
                    Fact(_("Share in the data %(year)s") % {"year": facts.year}, share, "pct"),
                ],
                work_forms=FIELD_WORK_FORMS[code],
                methods=FIELD_METHODS[code],
                priority=PRIORITY[rule] + 3 * abs(rating - 1.5),
                goal_text=goal_text % values,
            )
        )
    return found


def rated_strong_empty(facts: Facts) -> list[Recommendation]:
    threshold = facts.threshold
    return _workshop_rule(
        facts,
        "rated-strong-empty",
        lambda rating, share: rating >= RATED_STRONG and share < threshold,
        _("%(field)s: seen as strong, hardly visible in the data"),
        _(
            "In the SONI workshop of %(date)s you rated the field %(field)s with %(rating)s of "
            "3, but in %(year)s only %(share)s of your activities work there. Perhaps work "
            "happens there that is not entered yet – then add these activities. Or the view is "
            "more hopeful than the situation – then talk in the team about what the field needs."
        ),
        _("Make the work in the field %(field)s visible, or strengthen it"),
    )


def rated_weak_busy(facts: Facts) -> list[Recommendation]:
    return _workshop_rule(
        facts,
        "rated-weak-busy",
        lambda rating, share: rating <= RATED_WEAK and share >= BUSY_SHARE - EPSILON,
        _("%(field)s: seen as weak, yet much happens there"),
        _(
            "In the SONI workshop of %(date)s you rated the field %(field)s with %(rating)s of "
            "3, yet %(share)s of your activities in %(year)s work there. Perhaps this work is "
            "hardly visible to the team, or activities are assigned to the field too "
            "generously. Look at the activities of this field together: what makes them "
            "effective, and what is missing?"
        ),
        _("Review the work in the field %(field)s together"),
    )
