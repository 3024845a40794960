"""`quartierskompass synth`: DESIGN §6's dataset in proportion, the same for the same seed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F

from quartierskompass.accounts.models import Programme, Project
from quartierskompass.activities.models import Activity, Status
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area, Indicator, IndicatorValue
from quartierskompass.areas.profile import Tree
from quartierskompass.core import synth
from quartierskompass.soni.model import equal_shares
from tests.factories import make_activity

SCALE = 0.002  # 3 projects, 300 activities, 21 areas, 2,100 indicator values


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


def dump_values() -> list[tuple]:
    """Every synthetic indicator value, in the order it was written."""
    return list(
        IndicatorValue.objects.filter(indicator__key__startswith="synth-")
        .order_by("pk")
        .values_list("indicator__key", "area__code", "date", "value", "suppressed")
    )


def run_in_fresh_database(*, read=dump, **options) -> list[tuple]:
    """Generate, read the rows back, and roll everything back as if the database were new."""
    with transaction.atomic():
        run_synth(**options)
        rows = read()
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
    assert full.indicator_values == 1_000_000 == 10_000 * 25 * 4


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
    assert IndicatorValue.objects.count() == expected.indicator_values == 21 * 25 * 4
    assert f"{expected.indicator_values:,} Indikatorwerte".replace(",", ".") in output
    assert "Beziehungen (ties) werden noch nicht erzeugt" in output


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
def test_the_same_seed_gives_the_same_indicator_values_in_the_same_order():
    first = run_in_fresh_database(read=dump_values)
    second = run_in_fresh_database(read=dump_values)
    other_seed = run_in_fresh_database(read=dump_values, seed=7)

    assert len(first) == synth.plan(scale=SCALE).indicator_values
    assert first == second
    assert [row[3] for row in first] != [row[3] for row in other_seed]


# --- indicator values ------------------------------------------------------------------------


def synth_indicators() -> dict[str, Indicator]:
    return {i.key: i for i in Indicator.objects.filter(key__startswith="synth-")}


def values_of(key: str) -> dict[tuple[str, object], IndicatorValue]:
    """(area code, date) → value of one synthetic indicator."""
    return {
        (v.area.code, v.date): v
        for v in IndicatorValue.objects.filter(indicator__key=key).select_related("area")
    }


@pytest.mark.django_db
def test_every_area_has_every_indicator_at_four_dates():
    run_synth()
    indicators = synth_indicators()

    assert len(indicators) == 25
    kinds = [i.kind for i in indicators.values()]
    assert (kinds.count("count"), kinds.count("rate"), kinds.count("index")) == (12, 11, 2)
    per_pair = IndicatorValue.objects.values("indicator", "area").distinct().count()
    assert per_pair == 25 * Area.objects.filter(code_system="synth-plr").count()
    assert list(IndicatorValue.objects.dates("date", "year")) == [
        date(year, 1, 1) for year in (2021, 2022, 2023, 2024)
    ]
    # A value is a number, or withheld (suppressed, no number) – never neither.
    assert not IndicatorValue.objects.filter(value=None, suppressed=False).exists()
    assert not IndicatorValue.objects.exclude(value=None).filter(suppressed=True).exists()


@pytest.mark.django_db
def test_rates_have_their_base_and_it_fits_the_count():
    run_synth()
    indicators = synth_indicators()

    rates = [i for i in indicators.values() if i.kind == Indicator.Kind.RATE]
    assert all(i.base and i.base.kind == Indicator.Kind.COUNT for i in rates)
    assert all(i.base.key.startswith("synth-") for i in rates)
    for rate in rates:
        bases = values_of(rate.base.key)
        for where, value in values_of(rate.key).items():
            if not value.suppressed:
                assert bases[where].value and bases[where].value >= 3, (rate.key, where)
    # The Arbeitslosenquote is the Arbeitslose per 100 inhabitants, in every area.
    people, jobless = values_of("synth-einwohner"), values_of("synth-arbeitslose")
    for where, quote in values_of("synth-arbeitslosenquote").items():
        if not quote.suppressed:
            expected = jobless[where].value / people[where].value * 100
            assert abs(quote.value - expected) <= Decimal("0.005"), where


@pytest.mark.django_db
def test_parents_agree_with_what_the_profile_computes_from_their_children():
    run_synth()
    indicators = synth_indicators()
    day = date(2024, 12, 31)

    parents = Area.objects.filter(code_system="synth-plr", children__isnull=False).distinct()
    assert parents.count() == 3  # 1 district, 2 regions at this scale
    assert not IndicatorValue.objects.filter(area__in=parents, suppressed=True).exists()
    keys = ["einwohner", "haushalte", "arbeitslosenquote", "kinderarmut", "mietbelastung"]
    checked = 0
    for key in (f"synth-{k}" for k in keys):
        indicator = indicators[key]
        for parent in parents:
            tree = Tree(parent, [indicator, *([indicator.base] if indicator.base else [])])
            computed = tree._aggregate(indicator, parent.pk, day).value
            own = IndicatorValue.objects.get(indicator=indicator, area=parent, date=day).value
            # The parent's own figure counts what its children withhold; the profile cannot.
            hidden = IndicatorValue.objects.filter(
                indicator__in=[indicator, indicator.base], area__parent=parent, date=day
            ).filter(suppressed=True)
            if hidden.exists():
                continue
            checked += 1
            if indicator.kind == Indicator.Kind.COUNT:
                assert own == computed, (key, parent.code)
            else:  # children's rates are rounded (half a unit), so is the parent's
                unit = Decimal(1).scaleb(-indicator.decimals)
                assert abs(own - computed) <= unit, (key, parent.code, own, computed)
    assert checked >= 10


@pytest.mark.django_db
def test_replace_removes_the_indicators_and_makes_them_again():
    run_synth()
    before = dump_values()

    output = run_synth(replace=True)

    assert f"{len(before):,} Indikatorwerte".replace(",", ".") in output.split("\n")[1]
    assert dump_values() == before
    assert Indicator.objects.filter(key__startswith="synth-").count() == 25


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
