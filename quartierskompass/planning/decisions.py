"""What the team does with a recommendation: take it on as a goal, dismiss it with a reason,
or show a dismissed one again. Shared by the page, the API and tests.

A decision is stored per fingerprint (rule + subject + year); the unique constraint on
(project, fingerprint) makes sure two clicks on „Als Ziel übernehmen“ give one goal, not two.
Every refusal is a `DecisionError` with a German message, and nothing is changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Project, User
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.planning import services
from quartierskompass.planning.models import Goal, RecommendationDecision
from quartierskompass.planning.recommendations import Recommendation, recommendations

REASON_MAX_LENGTH = 2000
Decision = RecommendationDecision.Decision


class DecisionError(Exception):
    """A refused decision; ``code`` tells the API which status to answer with."""

    NOT_FOUND = "not_found"  # the recommendation does not apply (any more)
    CONFLICT = "conflict"  # already decided, or not dismissed
    INVALID = "invalid"  # e.g. no reason given

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _year(fingerprint: str) -> int | None:
    match = re.fullmatch(r"[a-z-]+\.[\w-]+\.(\d{4})", fingerprint or "")
    return int(match[1]) if match else None


def find(project: Project, fingerprint: str) -> Recommendation:
    """The current recommendation with this fingerprint (computed for its year)."""
    year = _year(fingerprint)
    if year is not None:
        for recommendation in recommendations(project, year=year):
            if recommendation.fingerprint == fingerprint:
                return recommendation
    raise DecisionError(
        _(
            "This recommendation does not apply any more: the figures behind it have changed. "
            "Nothing was saved."
        ),
        DecisionError.NOT_FOUND,
    )


def _existing(project: Project, fingerprint: str) -> RecommendationDecision | None:
    return RecommendationDecision.objects.filter(project=project, fingerprint=fingerprint).first()


def _refuse_accept(project: Project, fingerprint: str) -> None:
    decided = _existing(project, fingerprint)
    if decided is None:
        return
    if decided.decision == Decision.ACCEPTED:
        message = _("This recommendation has already been taken on as a goal.")
    else:
        message = _(
            "This recommendation was dismissed. Show it again first if you want to take it on "
            "as a goal."
        )
    raise DecisionError(message, DecisionError.CONFLICT)


def _refuse_dismiss(project: Project, fingerprint: str) -> None:
    decided = _existing(project, fingerprint)
    if decided is None:
        return
    if decided.decision == Decision.DISMISSED:
        message = _("This recommendation has already been dismissed.")
    else:
        message = _(
            "This recommendation has already been taken on as a goal, so it cannot be "
            "dismissed. Change the goal instead."
        )
    raise DecisionError(message, DecisionError.CONFLICT)


def _record(
    *, project: Project, user: User | None, recommendation: Recommendation, **data
) -> RecommendationDecision:
    """Store the decision; a second one for the same fingerprint is refused by the database
    even when two requests pass the check above at the same moment."""
    try:
        return services.create(
            RecommendationDecision,
            project=project,
            user=user,
            data={"rule": recommendation.rule, "fingerprint": recommendation.fingerprint, **data},
        )
    except (IntegrityError, ValidationError):
        raise DecisionError(
            _("Someone decided on this recommendation at the same moment. Nothing was saved."),
            DecisionError.CONFLICT,
        ) from None


def accept(*, project: Project, user: User | None, fingerprint: str) -> Goal:
    """Take the recommendation on as a goal (text, fields and need prefilled)."""
    _refuse_accept(project, fingerprint)
    # Computed before the transaction: SQLite holds the write lock for a whole transaction.
    recommendation = find(project, fingerprint)
    with transaction.atomic():
        _refuse_accept(project, fingerprint)
        goal = services.create(
            Goal,
            project=project,
            user=user,
            data={
                "text": recommendation.goal_text,
                "fields": list(recommendation.fields),
                "recommendation": recommendation.rule,
                **recommendation.goal,
            },
        )
        _record(
            project=project,
            user=user,
            recommendation=recommendation,
            decision=Decision.ACCEPTED,
            goal=goal,
        )
    return goal


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(
            _("Please say why the recommendation does not fit – it helps the team later."),
            DecisionError.INVALID,
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise DecisionError(
            _("Please keep the reason to %(n)s characters.") % {"n": REASON_MAX_LENGTH},
            DecisionError.INVALID,
        )
    try:
        validate_clean_text(reason)
    except ValidationError as error:
        raise DecisionError(" ".join(error.messages), DecisionError.INVALID) from None
    return reason


def dismiss(
    *, project: Project, user: User | None, fingerprint: str, reason: str
) -> RecommendationDecision:
    """Dismiss the recommendation for its year; a reason is required."""
    reason = _clean_reason(reason)
    _refuse_dismiss(project, fingerprint)
    recommendation = find(project, fingerprint)
    with transaction.atomic():
        _refuse_dismiss(project, fingerprint)
        return _record(
            project=project,
            user=user,
            recommendation=recommendation,
            decision=Decision.DISMISSED,
            reason=reason,
        )


@transaction.atomic
def restore(*, project: Project, user: User | None, fingerprint: str) -> None:
    """Show a dismissed recommendation again (undo the dismissal)."""
    decided = _existing(project, fingerprint)
    if decided is None or decided.decision != Decision.DISMISSED:
        raise DecisionError(
            _("This recommendation is not dismissed, so there is nothing to undo."),
            DecisionError.CONFLICT,
        )
    services.delete(decided, user=user)


@dataclass
class Overview:
    """The recommendations of a year, split by what the team decided."""

    open: list[Recommendation]
    accepted: list[tuple[RecommendationDecision, Recommendation | None]]
    dismissed: list[tuple[RecommendationDecision, Recommendation | None]]


def overview(project: Project, *, year: int | None = None) -> Overview:
    year = year or timezone.localdate().year
    current = recommendations(project, year=year)
    by_fingerprint = {r.fingerprint: r for r in current}
    decisions = list(
        RecommendationDecision.objects.filter(project=project)
        .select_related("created_by", "goal")
        .order_by("-created_at", "-pk")
    )
    decided = {d.fingerprint for d in decisions}
    return Overview(
        open=[r for r in current if r.fingerprint not in decided],
        accepted=[
            (d, by_fingerprint.get(d.fingerprint))
            for d in decisions
            if d.decision == Decision.ACCEPTED
        ],
        dismissed=[
            (d, by_fingerprint.get(d.fingerprint))
            for d in decisions
            if d.decision == Decision.DISMISSED
        ],
    )
