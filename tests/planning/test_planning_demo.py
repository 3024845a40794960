"""The demo's planning: a finished SONI-Werkstatt, goals, findings and the needs register –
loaded again without duplicates, and giving the recommendations it is meant to give."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from quartierskompass.accounts.models import Project
from quartierskompass.areas.locate import project_area_ids
from quartierskompass.planning.models import Finding, Goal, ProjectNeed, Workshop
from quartierskompass.planning.recommendations import recommendations
from quartierskompass.planning.views.goals import is_overdue
from quartierskompass.planning.workshop import take_snapshot

SLUG = "falkenhagener-feld"


def load_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def planning_rows(project: Project) -> dict[str, list[int]]:
    return {
        model.__name__: sorted(model.objects.filter(project=project).values_list("pk", flat=True))
        for model in (Workshop, Goal, Finding, ProjectNeed)
    }


@pytest.mark.django_db
def test_the_demo_loads_twice_without_duplicates():
    output = load_demo()
    assert "1 SONI-Werkstatt, 4 Ziele und 6 Befunde" in output
    project = Project.objects.get(slug=SLUG)
    first = planning_rows(project)
    assert {name: len(pks) for name, pks in first.items()} == {
        "Workshop": 1,
        "Goal": 4,
        "Finding": 6,
        "ProjectNeed": 4,
    }
    load_demo()
    assert planning_rows(project) == first


@pytest.mark.django_db
def test_the_demo_planning_is_believable_and_gives_its_recommendations():
    load_demo()
    project = Project.objects.get(slug=SLUG)
    today = timezone.localdate()
    workshop = Workshop.objects.get(project=project)
    assert workshop.finished_at and workshop.date.year == today.year - 1
    assert (workshop.period_start.year, workshop.period_end.year) == (today.year - 1,) * 2
    # The snapshot is the one finishing a Werkstatt takes (apart from when it was taken).
    fresh = take_snapshot(workshop)
    assert set(workshop.snapshot) == set(fresh)
    assert {k: v for k, v in workshop.snapshot.items() if k != "taken_at"} == {
        k: v for k, v in fresh.items() if k != "taken_at"
    }
    snapshot = workshop.snapshot
    # The team's view disagrees with the data in at least one field.
    assert any(snapshot["differences"][code] for code in "SONI")
    assert snapshot["ratings"]["S"] > snapshot["data_ratings"]["S"]
    assert len(snapshot["ideas"]) == 2
    assert sum(1 for q in snapshot["questions"] if q["note"]) >= 3
    assert len(snapshot["decisions"]) == 3

    goals = list(Goal.objects.filter(project=project).prefetch_related("activities"))
    assert all(goal.activities.exists() for goal in goals)
    assert all(a.project_id == project.pk for goal in goals for a in goal.activities.all())
    assert sum(is_overdue(goal, today) for goal in goals) == 1
    assert sum(goal.status == Goal.Status.REACHED for goal in goals) == 1
    measured = Goal.objects.get(project=project, indicator__isnull=False)
    assert measured.target < measured.baseline and measured.area is not None

    findings = Finding.objects.filter(project=project)
    assert {f.method.code for f in findings} == {"stadtteilbegehung", "schluesselpersonen"}
    areas = set(project_area_ids(project))
    assert all(f.area_id in areas and f.need_id for f in findings)
    assert all(today - timedelta(days=365) < f.date <= today for f in findings)
    assert set(ProjectNeed.objects.filter(project=project).values_list("status", flat=True)) == {
        "open",
        "in_progress",
        "addressed",
        "dismissed",
    }

    # The recommendations it is meant to give (one demo load for both checks: it is slow).
    found = {(r.rule, r.subject.split("-workshop-")[0]) for r in recommendations(project)}
    # Health: found by the walk and an interview, no activity answers it.
    assert ("need-gap", "gesundheit") in found
    # Housing: the Hilfelotse found nothing again and again (the finder demo).
    assert ("unmet-searches", "wohnen") in found
    # The Werkstatt saw S as strong and N as weak; the data say the opposite.
    assert ("rated-strong-empty", "S") in found
    assert ("rated-weak-busy", "N") in found
