"""Goal pages: overview with progress and overdue goals, detail, create, edit, delete; and the
goals card of the project's overview page (``goals_card``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.activities.models import Activity
from quartierskompass.areas.models import Area, Indicator, ProjectArea
from quartierskompass.areas.profile import SMALL_COUNT, Tree, Value
from quartierskompass.core.formats import number
from quartierskompass.core.models import ChangeLog
from quartierskompass.planning import services
from quartierskompass.planning.forms.goals import GoalFilterForm, GoalForm
from quartierskompass.planning.models import Goal
from quartierskompass.soni.model import FIELD_ORDER, Field

OPEN_STATUSES = (Goal.Status.PLANNED, Goal.Status.ACTIVE)
CARD_SIZE = 5


def is_open(goal: Goal) -> bool:
    return goal.status in OPEN_STATUSES


def is_overdue(goal: Goal, today: date) -> bool:
    """Due before today and neither reached nor dropped."""
    return goal.due is not None and goal.due < today and is_open(goal)


@dataclass
class CurrentValue:
    """The latest value of a goal's indicator in the goal's area."""

    indicator: Indicator
    area: Area
    date: date
    value: Value

    @property
    def small_count(self) -> bool:
        """Counts 1 and 2 are shown as “< 3” so that no person can be recognised."""
        value = self.value.value
        return (
            self.indicator.kind == Indicator.Kind.COUNT
            and value is not None
            and 0 < value < SMALL_COUNT
        )


@dataclass
class GoalRow:
    goal: Goal
    overdue: bool
    days_overdue: int = 0
    current: CurrentValue | None = None

    def _number(self, value: Decimal | None) -> str:
        # As many places as the indicator shows, or as the team typed, whichever is more.
        if value is None:
            return ""
        places = max(0, -value.normalize().as_tuple().exponent)
        decimals = self.goal.indicator.decimals if self.goal.indicator else 0
        return number(value, max(places, decimals))

    @property
    def baseline(self) -> str:
        return self._number(self.goal.baseline)

    @property
    def target(self) -> str:
        return self._number(self.goal.target)

    @property
    def fields(self) -> list[tuple[str, str]]:
        return [(code, Field(code).label) for code in self.goal.fields if code in FIELD_ORDER]


def _sort_key(row: GoalRow) -> tuple:
    # Overdue first (longest overdue on top), then open goals by due date, then the rest.
    goal = row.goal
    return (
        not row.overdue,
        not is_open(goal),
        goal.status == Goal.Status.DROPPED,
        goal.due is None,
        goal.due or date.max,
        goal.pk,
    )


class _Readings:
    """Current indicator values, one tree per area and indicator (goals share them often)."""

    def __init__(self, project: Project) -> None:
        links = ProjectArea.objects.filter(project=project).select_related("area")
        areas = [link.area for link in links.defer("area__boundary", "area__boundary_simplified")]
        # Without an area of its own, a goal refers to the project area – if there is one.
        self.default_area = areas[0] if len(areas) == 1 else None
        self.cache: dict[tuple[int, int], CurrentValue | None] = {}

    def current(self, goal: Goal) -> CurrentValue | None:
        area = goal.area or self.default_area
        if goal.indicator is None or area is None:
            return None
        key = (area.pk, goal.indicator_id)
        if key not in self.cache:
            self.cache[key] = self._read(area, goal.indicator)
        return self.cache[key]

    @staticmethod
    def _read(area: Area, indicator: Indicator) -> CurrentValue | None:
        tree = Tree(area, [indicator])
        day = tree.latest_date(indicator)
        if day is None:
            return None
        value = tree.value(indicator, area.pk, day)
        if value.value is None and not value.suppressed:
            return None
        return CurrentValue(indicator=indicator, area=area, date=day, value=value)


def goal_rows(
    project: Project, goals, *, today: date | None = None, readings: bool = True
) -> list[GoalRow]:
    """Goals with what the pages show beside them, overdue ones first."""
    today = today or timezone.localdate()
    values = _Readings(project) if readings else None
    rows = []
    for goal in goals:
        overdue = is_overdue(goal, today)
        rows.append(
            GoalRow(
                goal=goal,
                overdue=overdue,
                days_overdue=(today - goal.due).days if overdue else 0,
                current=values.current(goal) if values else None,
            )
        )
    return sorted(rows, key=_sort_key)


def _goals(project: Project):
    return (
        Goal.objects.filter(project=project)
        .select_related("need", "indicator", "area", "workshop")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.only("pk", "title", "status", "project_id").order_by(
                    "title"
                ),
            )
        )
    )


def goals_card(project: Project, *, today: date | None = None) -> dict[str, Any]:
    """What the project overview shows about goals: open goals, overdue ones first.

    Use it as ``{"goals_card": goals_card(project)}`` with
    ``{% include "planning/_goals_card.html" %}``.
    """
    today = today or timezone.localdate()
    goals = list(Goal.objects.filter(project=project).select_related("need"))
    open_rows = goal_rows(project, [g for g in goals if is_open(g)], today=today, readings=False)
    return {
        "project": project,
        "rows": open_rows[:CARD_SIZE],
        "more": max(0, len(open_rows) - CARD_SIZE),
        "total": len(goals),
        "open": len(open_rows),
        "overdue": sum(row.overdue for row in open_rows),
        "reached": sum(g.status == Goal.Status.REACHED for g in goals),
        "can_write": allows(getattr(project, "current_role", None), Access.WRITE),
    }


@project_view()
def goal_list(request: HttpRequest, project: Project) -> HttpResponse:
    form = GoalFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    goals = _goals(project)
    if data.get("status") == GoalFilterForm.OPEN:
        goals = goals.filter(status__in=OPEN_STATUSES)
    elif data.get("status"):
        goals = goals.filter(status=data["status"])
    goals = list(goals)
    if data.get("field"):
        # A JSON list: filtered here, as SQLite has no JSON "contains" lookup.
        goals = [goal for goal in goals if data["field"] in goal.fields]
    rows = goal_rows(project, goals)
    context = {
        "project": project,
        "form": form,
        "rows": rows,
        "filtered": bool(data.get("status") or data.get("field")),
        "total": Goal.objects.filter(project=project).count(),
        "overdue": sum(row.overdue for row in rows),
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "planning/goals/list.html", context)


def _goal(project: Project, pk: int) -> Goal:
    return get_object_or_404(Goal.objects.filter(project=project), pk=pk)


@project_view()
def goal_detail(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    goal = get_object_or_404(_goals(project), pk=pk)
    context = {
        "project": project,
        "row": goal_rows(project, [goal])[0],
        "goal": goal,
        "history": ChangeLog.objects.filter(
            object_type="planning.goal", object_id=goal.pk
        ).select_related("user")[:20],
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "planning/goals/detail.html", context)


def _save(request: HttpRequest, project: Project, form: GoalForm) -> Goal | None:
    data, related = form.goal_data()
    try:
        if form.instance.pk:
            return services.update(
                form.instance,
                user=request.user,
                data=data,
                expected_version=form.cleaned_data.get("version"),
                related=related,
            )
        return services.create(Goal, project=project, user=request.user, data=data, related=related)
    except ValidationError as error:
        if isinstance(error, services.EditConflict) or not hasattr(error, "error_dict"):
            form.add_error(None, error)
        else:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        return None


def _saved(request: HttpRequest, project: Project, goal: Goal) -> HttpResponse:
    messages.success(request, _("The goal was saved."))
    return redirect("planning:goal", project.slug, goal.pk)


def _form_page(request: HttpRequest, project: Project, form: GoalForm) -> HttpResponse:
    context = {"project": project, "form": form, "goal": form.instance}
    return render(request, "planning/goals/form.html", context)


def _initial(request: HttpRequest) -> dict[str, Any]:
    """Values handed over in the address, e.g. from a recommendation or a need."""
    initial: dict[str, Any] = {}
    for name in ("text", "need", "indicator", "area", "workshop", "responsible"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    if request.GET.getlist("fields"):
        initial["soni_fields"] = request.GET.getlist("fields")
    if request.GET.getlist("activities"):
        initial["activities"] = request.GET.getlist("activities")
    return initial


@project_view(Access.WRITE)
def goal_create(request: HttpRequest, project: Project) -> HttpResponse:
    form = GoalForm(request.POST or None, project=project, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        goal = _save(request, project, form)
        if goal:
            return _saved(request, project, goal)
    return _form_page(request, project, form)


@project_view(Access.WRITE)
def goal_edit(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    form = GoalForm(request.POST or None, instance=_goal(project, pk), project=project)
    if request.method == "POST" and form.is_valid():
        goal = _save(request, project, form)
        if goal:
            return _saved(request, project, goal)
    return _form_page(request, project, form)


@project_view(Access.WRITE)
def goal_delete(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    goal = _goal(project, pk)
    if request.method == "POST":
        services.delete(goal, user=request.user)
        messages.success(request, _("The goal was deleted."))
        return redirect("planning:goals", project.slug)
    return render(request, "planning/goals/delete.html", {"project": project, "goal": goal})
