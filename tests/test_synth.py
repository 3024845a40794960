"""`quartierskompass synth`: DESIGN §6's dataset in proportion, the same for the same seed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F

from quartierskompass.accounts.models import Programme, Project
from quartierskompass.activities.models import Activity, Status
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area
from quartierskompass.core import synth
from quartierskompass.soni.model import equal_shares
from tests.factories import make_activity

SCALE = 0.002  # 3 projects, 300 activities


def run_synth(**options) -> str:
    out = StringIO()
    call_command("synth", scale=SCALE, stdout=out, **options)
    return out.getvalue()


def dump() -> list[tuple]:
    """A few columns of every synthetic activity, in the order they were written."""
    return list(
        Activity.objects.filter(project__slug__startswith="synth-")
        .order_by("project__slug", "pk")
        .values_list(
            "project__slug", "uid", "title", "share_s", "share_o", "share_n", "share_i",
            "start", "end", "status", "staff_hours", "responsible__name", "area__code",
        )
    )  # fmt: skip


def run_in_fresh_database(**options) -> list[tuple]:
    """Generate, read the rows back, and roll everything back as if the database were new."""
    with transaction.atomic():
        run_synth(**options)
        rows = dump()
        transaction.set_rollback(True)
    return rows


def test_full_scale_is_design_section_6():
    full = synth.plan(scale=1.0)
    assert (full.programmes, full.projects, full.actors, full.activities, full.areas) == (
        10,
        1_500,
        60_000,
        150_000,
        10_000,
    )
    assert (full.districts, full.regions, full.planning_areas) == (100, 1_000, 8_900)


def test_a_tiny_scale_keeps_one_programme_and_two_projects():
    tiny = synth.plan(scale=0.0001)
    assert (tiny.programmes, tiny.projects, tiny.activities) == (1, 2, 200)
    assert tiny.districts <= tiny.regions <= tiny.planning_areas


def test_programmes_are_of_uneven_size():
    assert synth.split_by_weight(total=1_500, weights=synth.PROGRAMME_WEIGHTS) == [
        300, 250, 200, 175, 150, 125, 100, 90, 60, 50,
    ]  # fmt: skip


@pytest.mark.django_db
def test_it_creates_counts_in_proportion_to_the_scale():
    output = run_synth()

    expected = synth.plan(scale=SCALE)
    assert Programme.objects.filter(slug__startswith="synth-programm-").count() == 1
    assert Project.objects.filter(slug__startswith="synth-").count() == expected.projects == 3
    assert Actor.objects.count() == 3 * synth.ACTORS_PER_PROJECT
    assert Activity.objects.count() == 3 * synth.ACTIVITIES_PER_PROJECT
    assert Area.objects.filter(code_system="synth-plr").count() == expected.areas
    assert "300 Aktivitäten" in output
    assert "Indikatorwerte werden noch nicht erzeugt" in output


@pytest.mark.django_db
def test_activities_keep_the_rules_of_the_model():
    run_synth()
    activities = Activity.objects.all()

    sums = activities.values_list(F("share_s") + F("share_o") + F("share_n") + F("share_i"))
    assert {total for (total,) in sums} == {100}
    assert not activities.filter(end__lt=F("start")).exists()
    assert not activities.filter(status=Status.ENDED, end__isnull=True).exists()
    assert set(activities.values_list("status", flat=True)) == {"planned", "active", "ended"}
    assert not activities.exclude(responsible__project=F("project")).exists()
    assert not activities.exclude(area=None).exclude(area__code_system="synth-plr").exists()
    assert not activities.exclude(area=None).exclude(area__kind="Planungsraum").exists()
    for activity in activities.filter(work_forms__isnull=False).prefetch_related("work_forms"):
        assert {w.field for w in activity.work_forms.all()} <= set(activity.fields())


@pytest.mark.django_db
def test_field_counts_and_missing_values_look_real():
    run_synth()
    activities = list(Activity.objects.all())

    field_counts = {len(a.fields()) for a in activities}
    assert field_counts == {1, 2, 3, 4}
    assert any(a.shares() != equal_shares(a.fields()) for a in activities)
    missing = sum(a.staff_hours is None for a in activities) / len(activities)
    assert 0.05 < missing < 0.25
    with_end = sum(a.end is not None for a in activities) / len(activities)
    assert 0.2 < with_end < 0.4


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_in_the_same_order():
    first = run_in_fresh_database()
    second = run_in_fresh_database()
    other_seed = run_in_fresh_database(seed=7)

    assert len(first) == 300
    assert first == second
    assert [row[2] for row in first] != [row[2] for row in other_seed]


@pytest.mark.django_db
def test_the_chunk_size_does_not_change_the_rows():
    assert run_in_fresh_database(chunk_size=1) == run_in_fresh_database(chunk_size=25)


@pytest.mark.django_db
def test_a_second_run_needs_replace(projekt):
    make_activity(projekt, "Offener Treff", fields="N")
    run_synth()
    before = dump()

    with pytest.raises(CommandError, match="--replace"):
        run_synth()
    output = run_synth(replace=True)

    assert "Alte synthetische Daten gelöscht" in output
    assert Activity.objects.filter(project__slug__startswith="synth-").count() == 300
    assert Area.objects.filter(code_system="synth-plr").count() == synth.plan(scale=SCALE).areas
    assert [row[1:] for row in dump()] == [row[1:] for row in before]
    assert Activity.objects.filter(project=projekt).count() == 1
    assert Programme.objects.filter(slug="aufbruch").exists()


def test_it_refuses_a_scale_of_zero():
    with pytest.raises(CommandError, match="größer als 0"):
        call_command("synth", scale=0, stdout=StringIO())
