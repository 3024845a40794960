"""The SONI-Werkstatt: a guided team session in five steps, its snapshot and comparison.

1. Everyone's view: the team rates each field 0–3.
2. The data beside it: the matrix for the session's period and measure, compared with the
   ratings (see `data_rating` for how a share becomes a rating).
3. Guiding questions per field, with notes.
4. Ideas across fields („vom Fall zum Feld“: from one field to another).
5. Decisions, which become goals of the project.

Finishing a session stores a snapshot – ratings, matrix figures, notes, ideas and decisions –
so later sessions can be compared with it even after the activities have changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartierskompass.accounts.models import Project, User
from quartierskompass.activities.models import Activity, Measure
from quartierskompass.planning import services
from quartierskompass.planning.models import Goal, Workshop
from quartierskompass.soni import matrix as soni_matrix
from quartierskompass.soni.model import FIELD_ORDER, Field
from quartierskompass.soni.models import GuidingQuestion

SNAPSHOT_VERSION = 1
LAST_STEP = Workshop.Step.DECISIONS

# What a rating means, in words the team uses while rating.
RATING_LABELS = {
    0: gettext_lazy("hardly anything"),
    1: gettext_lazy("a little"),
    2: gettext_lazy("quite a lot"),
    3: gettext_lazy("a lot"),
}

# The same scale for the data: the field's share of the work, in whole percent as shown.
# Below 5 % → 0, 5 to below 15 % → 1, 15 to below 30 % → 2, from 30 % → 3. With four fields,
# an even spread (25 % each) is a 2; a 3 means the field carries clearly more than its part.
RATING_BANDS: tuple[tuple[int, int], ...] = ((5, 0), (15, 1), (30, 2))

# Directions the model suggests for ideas across fields (from → to).
IDEA_DIRECTIONS = [
    ("I", "S", gettext_lazy("from the case to the field: what single cases tell local politics")),
    ("I", "N", gettext_lazy("from the single person to the community")),
    ("N", "S", gettext_lazy("from the community to the structures")),
    ("O", "N", gettext_lazy("from the organisations into the neighbourhood")),
]


class WorkshopFinished(ValidationError):
    """A finished Werkstatt keeps its snapshot; it is not changed any more."""


def whole_percent(share: float) -> int:
    return int(Decimal(str(share * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def data_rating(share: float | None) -> int | None:
    """The rating 0–3 the data give a field, from its share (see RATING_BANDS)."""
    if share is None:
        return None
    percent = whole_percent(share)
    for limit, rating in RATING_BANDS:
        if percent < limit:
            return rating
    return 3


@dataclass
class FieldComparison:
    """One field: the team's rating beside the data."""

    code: str
    rating: int | None
    share: float | None
    value: float
    value_text: str
    weak: bool

    @property
    def name(self) -> str:
        return Field(self.code).label

    @property
    def data_rating(self) -> int | None:
        return data_rating(self.share)

    @property
    def difference(self) -> int | None:
        """Team minus data: positive when the team sees more than the data show."""
        if self.rating is None or self.data_rating is None:
            return None
        return self.rating - self.data_rating

    @property
    def kind(self) -> str:
        if self.difference is None:
            return "unknown"
        if self.difference == 0:
            return "match"
        return "team-higher" if self.difference > 0 else "data-higher"

    @property
    def strong(self) -> bool:
        return self.difference is not None and abs(self.difference) >= 2

    @property
    def verdict(self) -> str:
        if self.rating is None:
            return _("not rated")
        if self.data_rating is None:
            return _("no data")
        if self.difference == 0:
            return _("matches")
        if self.difference > 0:
            return _("team sees more")
        return _("data show more")


def compare_ratings(ratings: dict[str, int], matrix: soni_matrix.Matrix) -> list[FieldComparison]:
    shares = matrix.shares or {}
    return [
        FieldComparison(
            code=code,
            rating=ratings.get(code),
            share=shares.get(code),
            value=matrix.cells[code],
            value_text=soni_matrix.format_value(matrix.measure, matrix.cells[code]),
            weak=code in matrix.weak,
        )
        for code in FIELD_ORDER
    ]


def default_period(today: date | None = None) -> soni_matrix.Period:
    """The current calendar year, the same the project overview shows."""
    return soni_matrix.Period.year((today or timezone.localdate()).year)


def period_of(workshop: Workshop) -> soni_matrix.Period:
    return soni_matrix.Period(workshop.period_start, workshop.period_end)


def measure_label(measure: str) -> str:
    return Measure(measure).label if measure in Measure.values else measure


def matrix_for(workshop: Workshop) -> soni_matrix.Matrix:
    """The matrix of the session's project, period and measure, as the data stand now."""
    return soni_matrix.compute(
        Activity.objects.filter(project=workshop.project_id),
        period=period_of(workshop),
        measure=workshop.measure,
        weak_threshold=workshop.project.weak_threshold / 100,
        scope={"project": workshop.project.slug},
    )


def merge_notes(notes: dict[str, str], entered: dict[str, str]) -> dict[str, str]:
    """The session's notes with the entered ones; an emptied note is removed."""
    merged = dict(notes or {})
    for key, text in entered.items():
        if text.strip():
            merged[key] = text.strip()
        else:
            merged.pop(key, None)
    return merged


def questions_by_field() -> dict[str, list[GuidingQuestion]]:
    grouped: dict[str, list[GuidingQuestion]] = {code: [] for code in FIELD_ORDER}
    for question in GuidingQuestion.objects.order_by("position"):
        grouped.setdefault(question.field, []).append(question)
    return grouped


# Writes --------------------------------------------------------------------------------------


def start(*, project: Project, user: User | None, data: dict[str, Any]) -> Workshop:
    """Open a new Werkstatt at step 1."""
    return services.create(Workshop, project=project, user=user, data=data)


def save_step(
    workshop: Workshop,
    *,
    user: User | None,
    data: dict[str, Any],
    expected_version: int | None,
    reached: int | None = None,
) -> Workshop:
    """Save what changed on one step; ``reached`` is the step the team goes on to.

    Nothing is written when nothing changed. When someone else saved the session since
    ``expected_version``, `EditConflict` is raised and nothing is written either.
    """
    if workshop.finished_at:
        raise WorkshopFinished(
            _("This Werkstatt is finished; its protocol is not changed any more.")
        )
    changes = {name: value for name, value in data.items() if getattr(workshop, name) != value}
    if reached is not None and min(reached, LAST_STEP) > workshop.step:
        changes["step"] = min(reached, LAST_STEP)
    if not changes:
        return workshop
    return services.update(workshop, user=user, data=changes, expected_version=expected_version)


@transaction.atomic
def add_decision(
    workshop: Workshop,
    *,
    user: User | None,
    data: dict[str, Any],
    activities: list[Activity] | tuple = (),
) -> tuple[Goal, bool]:
    """Turn a decision into a goal of the project, decided in this Werkstatt.

    Idempotent: a decision with the same text as one already taken in this session returns
    that goal (``created`` False) instead of a second one – a form sent twice, or by two
    people, gives one goal.
    """
    if workshop.finished_at:
        raise WorkshopFinished(
            _("This Werkstatt is finished; its protocol is not changed any more.")
        )
    # Lock the session row so two people deciding the same thing at once give one goal.
    Workshop._base_manager.select_for_update().filter(pk=workshop.pk).first()
    text = " ".join(data["text"].split())
    existing = Goal.objects.filter(workshop=workshop, text=text).first()
    if existing:
        return existing, False
    goal = services.create(
        Goal,
        project=workshop.project,
        user=user,
        data={**data, "text": text, "workshop": workshop},
        related={"activities": list(activities)},
    )
    return goal, True


def finish(workshop: Workshop, *, user: User | None, expected_version: int | None) -> Workshop:
    """Close the session and keep its snapshot (figures as they are today)."""
    if workshop.finished_at:
        raise WorkshopFinished(_("This Werkstatt is already finished."))
    return services.update(
        workshop,
        user=user,
        data={"snapshot": take_snapshot(workshop), "finished_at": timezone.now()},
        expected_version=expected_version,
    )


# Snapshot ------------------------------------------------------------------------------------


def _matrix_json(matrix: soni_matrix.Matrix) -> dict:
    figures = matrix.as_json()
    figures.pop("scope", None)
    figures["weak_threshold"] = matrix.weak_threshold
    return figures


def decision_json(goal: Goal) -> dict:
    return {
        "goal": goal.pk,
        "text": goal.text,
        "fields": list(goal.fields or []),
        "need": goal.need.code if goal.need_id else "",
        "need_label": goal.need.label if goal.need_id else "",
        "due": goal.due.isoformat() if goal.due else "",
        "responsible": goal.responsible,
        "activities": [{"id": a.pk, "title": a.title} for a in goal.activities.all()],
    }


def take_snapshot(workshop: Workshop) -> dict:
    """Everything the protocol shows, frozen: ratings, matrix figures, notes, ideas, goals."""
    result = matrix_for(workshop)
    comparison = compare_ratings(workshop.ratings or {}, result)
    notes = workshop.notes or {}
    questions = [
        {
            "code": q.code,
            "field": q.field,
            "question_de": q.text_de,
            "question_en": q.text_en,
            "note": notes.get(q.code, ""),
        }
        for q in GuidingQuestion.objects.order_by("position")
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": timezone.now().isoformat(),
        "title": workshop.title,
        "date": workshop.date.isoformat(),
        "participants": workshop.participants,
        "period": {
            "start": workshop.period_start.isoformat(),
            "end": workshop.period_end.isoformat(),
        },
        "measure": workshop.measure,
        "matrix": _matrix_json(result),
        "ratings": {code: workshop.ratings.get(code) for code in FIELD_ORDER},
        "data_ratings": {c.code: c.data_rating for c in comparison},
        "differences": {c.code: c.difference for c in comparison},
        "data_note": notes.get("data", ""),
        "questions": questions,
        "ideas": list(workshop.ideas or []),
        "decisions": [decision_json(goal) for goal in goals_of(workshop)],
    }


def goals_of(workshop: Workshop):
    return (
        Goal.objects.filter(workshop=workshop)
        .select_related("need")
        .prefetch_related("activities")
        .order_by("pk")
    )


def matrix_from_snapshot(snapshot: dict) -> soni_matrix.Matrix:
    figures = snapshot["matrix"]
    return soni_matrix.Matrix(
        period=soni_matrix.Period(
            date.fromisoformat(figures["period"]["start"]),
            date.fromisoformat(figures["period"]["end"]),
        ),
        measure=figures["measure"],
        cells={code: float(figures["cells"][code]) for code in FIELD_ORDER},
        activities=figures["activities"],
        bridges=figures["bridges"],
        missing=figures["missing"],
        weak_threshold=figures.get("weak_threshold", soni_matrix.DEFAULT_WEAK_THRESHOLD),
    )


# The protocol: one structure for the summary page, the PDF and the comparison -------------


def _for_display(decision: dict, url: str) -> dict:
    due = decision.get("due")
    return {**decision, "url": url, "due_date": date.fromisoformat(due) if due else None}


def live_decisions(workshop: Workshop) -> list[dict]:
    """The goals decided in this session so far, as the protocol lists them."""
    return [
        _for_display(decision_json(goal), goal_url(workshop.project, goal.pk))
        for goal in goals_of(workshop)
    ]


def goal_url(project: Project, goal_id: int) -> str:
    """The goal's page, when the goals pages exist (they are built separately)."""
    try:
        return reverse("planning:goal", args=[project.slug, goal_id])
    except NoReverseMatch:
        return ""


@dataclass
class Protocol:
    workshop: Workshop
    matrix: soni_matrix.Matrix
    comparison: list[FieldComparison]
    questions: list[dict]  # per field: code, name, rating, share, items (question, note)
    data_note: str
    ideas: list[dict]
    decisions: list[dict]
    final: bool  # from the snapshot of a finished session
    taken_at: str = ""
    participants: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def period(self) -> soni_matrix.Period:
        return self.matrix.period

    @property
    def measure_label(self) -> str:
        return measure_label(self.matrix.measure)

    @property
    def answered(self) -> int:
        return sum(1 for group in self.questions for item in group["items"] if item["note"])


def idea_rows(ideas: list[dict]) -> list[dict]:
    return [
        {
            **idea,
            "from_name": Field(idea["from"]).label if idea.get("from") in FIELD_ORDER else "",
            "to_name": Field(idea["to"]).label if idea.get("to") in FIELD_ORDER else "",
        }
        for idea in ideas
    ]


def _question_groups(items: list[dict], comparison: list[FieldComparison]) -> list[dict]:
    by_code = {c.code: c for c in comparison}
    groups = []
    for code in FIELD_ORDER:
        field_items = [item for item in items if item["field"] == code]
        groups.append(
            {
                "code": code,
                "name": Field(code).label,
                "comparison": by_code[code],
                "items": field_items,
                "answered": sum(1 for item in field_items if item["note"]),
            }
        )
    return groups


def protocol(workshop: Workshop) -> Protocol:
    """The session as the protocol shows it: from the snapshot once finished, else live."""
    from quartierskompass.core.models import pick_language

    snapshot = workshop.snapshot or {}
    if workshop.finished_at and snapshot.get("version") == SNAPSHOT_VERSION:
        result = matrix_from_snapshot(snapshot)
        comparison = compare_ratings(
            {c: r for c, r in snapshot["ratings"].items() if r is not None}, result
        )
        items = [
            {
                "code": q["code"],
                "field": q["field"],
                "question": pick_language(q["question_de"], q["question_en"]),
                "note": q["note"],
            }
            for q in snapshot["questions"]
        ]
        existing = set(
            Goal.objects.filter(pk__in=[d["goal"] for d in snapshot["decisions"]]).values_list(
                "pk", flat=True
            )
        )
        decisions = [
            _for_display(d, goal_url(workshop.project, d["goal"]) if d["goal"] in existing else "")
            for d in snapshot["decisions"]
        ]
        return Protocol(
            workshop=workshop,
            matrix=result,
            comparison=comparison,
            questions=_question_groups(items, comparison),
            data_note=snapshot.get("data_note", ""),
            ideas=idea_rows(snapshot.get("ideas", [])),
            decisions=decisions,
            final=True,
            taken_at=snapshot.get("taken_at", ""),
            participants=snapshot.get("participants", ""),
        )
    result = matrix_for(workshop)
    comparison = compare_ratings(workshop.ratings or {}, result)
    notes = workshop.notes or {}
    items = [
        {"code": q.code, "field": q.field, "question": q.text, "note": notes.get(q.code, "")}
        for q in GuidingQuestion.objects.order_by("position")
    ]
    decisions = live_decisions(workshop)
    return Protocol(
        workshop=workshop,
        matrix=result,
        comparison=comparison,
        questions=_question_groups(items, comparison),
        data_note=notes.get("data", ""),
        ideas=idea_rows(workshop.ideas or []),
        decisions=decisions,
        final=False,
        participants=workshop.participants,
    )


# Comparison of snapshots ---------------------------------------------------------------------


@dataclass
class Comparison:
    """Finished sessions side by side, oldest first: per field and a few overall figures."""

    protocols: list[Protocol]

    @property
    def fields(self) -> list[dict]:
        return [
            {
                "code": code,
                "name": Field(code).label,
                "cells": [p.comparison[i] for p in self.protocols],
            }
            for i, code in enumerate(FIELD_ORDER)
        ]

    @property
    def measures_differ(self) -> bool:
        return len({p.matrix.measure for p in self.protocols}) > 1


def compare(workshops: list[Workshop]) -> Comparison:
    """Compare finished sessions (others are left out: they have no snapshot yet)."""
    finished = sorted(
        (w for w in workshops if w.finished_at and w.snapshot),
        key=lambda w: (w.date, w.pk),
    )
    return Comparison([protocol(w) for w in finished])
