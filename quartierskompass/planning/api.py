"""API: a project's recommendations, and taking one on as a goal or dismissing it.

Same permission checks as the pages: members and coordinators read, editors and owners
decide. A refused decision answers with a German ``detail``: 404 when the recommendation does
not apply (any more), 409 when it is already decided, 422 without a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from quartierskompass.accounts.permissions import Access, get_project_for_user
from quartierskompass.planning import decisions
from quartierskompass.planning.models import RecommendationDecision

router = Router(tags=["recommendations"])

STATUS = {
    decisions.DecisionError.NOT_FOUND: 404,
    decisions.DecisionError.CONFLICT: 409,
    decisions.DecisionError.INVALID: 422,
}


class Item(Schema):
    code: str
    field: str
    label: str


class RecommendationOut(Schema):
    rule: str
    fingerprint: str
    fields: list[str]
    title: str
    text: str
    evidence: dict[str, Any]
    work_forms: list[Item]
    methods: list[Item]


class DismissIn(Schema):
    reason: str


class DecisionOut(Schema):
    fingerprint: str
    rule: str
    decision: str
    reason: str
    goal: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_goal(obj: RecommendationDecision) -> int | None:
        return obj.goal_id


def _decide(call, **kwargs):
    try:
        return call(**kwargs)
    except decisions.DecisionError as error:
        raise HttpError(STATUS[error.code], error.message) from None


@router.get(
    "/{slug}/recommendations",
    response=list[RecommendationOut],
    summary="Open recommendations of a project",
)
def list_recommendations(request: HttpRequest, slug: str, year: int | None = None):
    """The recommendations of ``year`` (default: this year) the team has not decided on yet,
    most important first, each with the numbers that triggered it."""
    project = get_project_for_user(request.user, slug)
    year = year or timezone.localdate().year
    if not 1900 <= year <= 2999:
        raise HttpError(422, f"{year} ist kein sinnvolles Jahr.")
    return [r.as_json() for r in decisions.overview(project, year=year).open]


@router.get(
    "/{slug}/recommendations/decisions",
    response=list[DecisionOut],
    summary="Recommendations taken on as goals or dismissed",
)
def list_decisions(request: HttpRequest, slug: str):
    project = get_project_for_user(request.user, slug)
    return RecommendationDecision.objects.filter(project=project).order_by("-created_at", "-pk")


@router.post(
    "/{slug}/recommendations/{fingerprint}/accept",
    response={201: DecisionOut},
    summary="Take a recommendation on as a goal",
)
def accept(request: HttpRequest, slug: str, fingerprint: str):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    _decide(decisions.accept, project=project, user=request.user, fingerprint=fingerprint)
    return Status(201, RecommendationDecision.objects.get(project=project, fingerprint=fingerprint))


@router.post(
    "/{slug}/recommendations/{fingerprint}/dismiss",
    response={201: DecisionOut},
    summary="Dismiss a recommendation with a reason",
)
def dismiss(request: HttpRequest, slug: str, fingerprint: str, data: DismissIn):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    decision = _decide(
        decisions.dismiss,
        project=project,
        user=request.user,
        fingerprint=fingerprint,
        reason=data.reason,
    )
    return Status(201, decision)


@router.post(
    "/{slug}/recommendations/{fingerprint}/restore",
    response={204: None},
    summary="Show a dismissed recommendation again",
)
def restore(request: HttpRequest, slug: str, fingerprint: str):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    _decide(decisions.restore, project=project, user=request.user, fingerprint=fingerprint)
    return Status(204, None)
