"""Goals: the form's bad input, optimistic locking, the project's own activities, overdue
goals, progress, the indicator's current value, the overview's filters and the card."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from quartierskompass.activities.models import Need
from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea
from quartierskompass.core.models import ChangeLog
from quartierskompass.planning.models import Goal
from quartierskompass.planning.views.goals import goal_rows, goals_card, is_overdue
from tests.factories import make_activity

HOSTILE = '<script>alert("Ziel")</script> & „Quartier“'


def url(name: str, project, *args) -> str:
    return reverse(f"planning:{name}", args=[project.slug, *args])


def make_goal(project, text: str = "Jugendtreff am Abend öffnen", **values) -> Goal:
    goal = Goal(project=project, text=text, **values)
    goal.full_clean()
    goal.save()
    return goal


@pytest.fixture
def kinderarmut(projekt):
    """A project area with a child poverty rate of 48.6 % (and its parts)."""
    bezirk = Area.objects.create(code_system="t", code="1", name="Nordstadt")
    kiez = Area.objects.create(code_system="t", code="11", name="Am Markt", parent=bezirk)
    ProjectArea.objects.create(project=projekt, area=bezirk)
    indicator = Indicator.objects.create(
        key="kinderarmut", label_de="Kinderarmut", kind="rate", unit="%", decimals=1
    )
    IndicatorValue.objects.create(
        indicator=indicator, area=kiez, date=date(2024, 12, 31), value=Decimal("48.6")
    )
    return indicator, kiez


BASE = {"text": "Familien am Markt früher erreichen", "status": "active", "progress": "20"}


class TestCreate:
    def test_a_goal_is_saved_logged_and_shown(self, client_for, projekt, mitarbeiter):
        treff = make_activity(projekt, "Elterncafé", fields="NI")
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt),
            {**BASE, "soni_fields": ["I", "N"], "activities": [treff.pk], "due": "2030-06-30"},
        )
        goal = Goal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("goal", projekt, goal.pk)
        assert goal.fields == ["N", "I"]  # always in the model's order
        assert list(goal.activities.all()) == [treff]
        assert (goal.created_by, goal.progress, goal.due) == (mitarbeiter, 20, date(2030, 6, 30))
        assert ChangeLog.objects.filter(object_type="planning.goal", action="create").exists()

    @pytest.mark.parametrize("text", ["", "   \n  "])
    def test_a_goal_without_text_is_refused_with_a_message(
        self, client_for, projekt, mitarbeiter, text
    ):
        response = client_for(mitarbeiter).post(url("goal_create", projekt), {**BASE, "text": text})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["text"] == [gettext("A goal needs a text.")]
        assert 'role="alert"' in response.content.decode()
        assert not Goal.objects.exists()

    def test_control_characters_in_the_text_are_refused(self, client_for, projekt, mitarbeiter):
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt), {**BASE, "text": "Ziel\x00"}
        )
        assert "text" in response.context["form"].errors
        assert not Goal.objects.exists()

    def test_activities_of_another_project_cannot_be_linked(
        self, client_for, projekt, anderes_projekt, mitarbeiter
    ):
        own = make_activity(projekt, "Eigenes Angebot", fields="N")
        foreign = make_activity(anderes_projekt, "Fremdes Angebot", fields="N")
        client = client_for(mitarbeiter)
        page = client.get(url("goal_create", projekt)).content.decode()
        assert "Eigenes Angebot" in page and "Fremdes Angebot" not in page
        response = client.post(
            url("goal_create", projekt), {**BASE, "activities": [own.pk, foreign.pk]}
        )
        assert response.status_code == 200
        assert "activities" in response.context["form"].errors
        assert not Goal.objects.exists()

    def test_trashed_activities_are_not_offered(self, client_for, projekt, mitarbeiter):
        trashed = make_activity(projekt, "Alter Treff", fields="N")
        trashed.move_to_trash()
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt), {**BASE, "activities": [trashed.pk]}
        )
        assert "activities" in response.context["form"].errors

    def test_a_target_needs_an_indicator(self, client_for, projekt, mitarbeiter):
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt), {**BASE, "target": "40"}
        )
        assert response.status_code == 200
        assert "target" in response.context["form"].errors
        assert not Goal.objects.exists()

    def test_baseline_and_target_accept_a_decimal_comma(
        self, client_for, projekt, mitarbeiter, kinderarmut
    ):
        indicator, kiez = kinderarmut
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt),
            {
                **BASE,
                "indicator": indicator.pk,
                "area": kiez.pk,
                "baseline": "48,6",
                "target": "43.5",
            },
        )
        assert response.status_code == 302
        goal = Goal.objects.get()
        assert (goal.baseline, goal.target) == (Decimal("48.6"), Decimal("43.5"))
        edit = client_for(mitarbeiter).get(url("goal_edit", projekt, goal.pk)).content.decode()
        assert 'value="48,6"' in edit

    @pytest.mark.parametrize("value", ["viel", "1,23456", "–"])
    def test_a_baseline_that_is_no_number_is_refused(
        self, client_for, projekt, mitarbeiter, kinderarmut, value
    ):
        indicator, _kiez = kinderarmut
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt), {**BASE, "indicator": indicator.pk, "baseline": value}
        )
        assert "baseline" in response.context["form"].errors
        assert not Goal.objects.exists()

    def test_only_indicators_with_values_in_the_project_areas_are_offered(
        self, client_for, projekt, mitarbeiter, kinderarmut
    ):
        elsewhere = Indicator.objects.create(key="anderswo", label_de="Nur anderswo")
        IndicatorValue.objects.create(
            indicator=elsewhere,
            area=Area.objects.create(code_system="t", code="9", name="Weit weg"),
            date=date(2024, 12, 31),
            value=1,
        )
        form = client_for(mitarbeiter).get(url("goal_create", projekt)).context["form"]
        assert list(form.fields["indicator"].queryset) == [kinderarmut[0]]
        assert {a.name for a in form.fields["area"].queryset} == {"Nordstadt", "Am Markt"}

    @pytest.mark.parametrize("progress", ["101", "-1", "viel"])
    def test_progress_stays_between_0_and_100(self, client_for, projekt, mitarbeiter, progress):
        response = client_for(mitarbeiter).post(
            url("goal_create", projekt), {**BASE, "progress": progress}
        )
        assert "progress" in response.context["form"].errors
        assert not Goal.objects.exists()

    def test_empty_progress_counts_as_zero(self, client_for, projekt, mitarbeiter):
        client_for(mitarbeiter).post(url("goal_create", projekt), {**BASE, "progress": ""})
        assert Goal.objects.get().progress == 0

    def test_values_handed_over_in_the_address_fill_the_form(
        self, client_for, projekt, mitarbeiter
    ):
        wohnen = Need.objects.get(code="wohnen")
        form = (
            client_for(mitarbeiter)
            .get(
                url("goal_create", projekt),
                {"text": "Sprechstunde", "need": wohnen.pk, "fields": ["S", "O"]},
            )
            .context["form"]
        )
        assert form["text"].value() == "Sprechstunde"
        assert str(form["need"].value()) == str(wohnen.pk)
        assert form["soni_fields"].value() == ["S", "O"]


class TestEdit:
    def test_an_edit_saves_a_new_version(self, client_for, projekt, mitarbeiter):
        goal = make_goal(projekt)
        response = client_for(mitarbeiter).post(
            url("goal_edit", projekt, goal.pk),
            {**BASE, "text": "Jugendtreff zweimal die Woche", "version": goal.version},
        )
        goal.refresh_from_db()
        assert response.status_code == 302
        assert (goal.text, goal.version, goal.updated_by) == (
            "Jugendtreff zweimal die Woche",
            2,
            mitarbeiter,
        )
        change = ChangeLog.objects.get(object_type="planning.goal", action="update")
        assert change.changes["text"] == [
            "Jugendtreff am Abend öffnen",
            "Jugendtreff zweimal die Woche",
        ]

    def test_a_concurrent_edit_keeps_both_versions_safe(
        self, client_for, projekt, mitarbeiter, koordinatorin
    ):
        goal = make_goal(projekt, "Original")
        opened = goal.version  # both opened the form at this version
        first = client_for(koordinatorin).post(
            url("goal_edit", projekt, goal.pk),
            {**BASE, "text": "Zuerst gespeichert", "version": opened},
        )
        second = client_for(mitarbeiter).post(
            url("goal_edit", projekt, goal.pk),
            {**BASE, "text": "Später gespeichert", "progress": "70", "version": opened},
        )
        assert first.status_code == 302
        assert second.status_code == 200
        form = second.context["form"]
        assert form.non_field_errors()  # the conflict is explained …
        assert "koordinatorin" in form.non_field_errors()[0]
        page = second.content.decode()
        assert "Später gespeichert" in page  # … and the second person's input is still there
        goal.refresh_from_db()
        assert (goal.text, goal.progress, goal.version) == ("Zuerst gespeichert", 20, 2)
        assert ChangeLog.objects.filter(object_type="planning.goal", action="update").count() == 1

    def test_goals_of_another_project_are_not_found(
        self, client_for, projekt, anderes_projekt, mitarbeiter
    ):
        foreign = make_goal(anderes_projekt, "Fremdes Ziel")
        client = client_for(mitarbeiter)
        assert client.get(url("goal", projekt, foreign.pk)).status_code == 404
        assert client.post(url("goal_edit", projekt, foreign.pk), BASE).status_code == 404
        assert client.post(url("goal_delete", projekt, foreign.pk)).status_code == 404
        foreign.refresh_from_db()
        assert foreign.text == "Fremdes Ziel"

    def test_the_form_shows_the_saved_fields_and_activities(self, client_for, projekt, mitarbeiter):
        treff = make_activity(projekt, "Treff", fields="N")
        goal = make_goal(projekt, fields=["S", "N"])
        goal.activities.set([treff])
        form = client_for(mitarbeiter).get(url("goal_edit", projekt, goal.pk)).context["form"]
        assert form.initial["soni_fields"] == ["S", "N"]
        assert form.initial["activities"] == [treff]
        assert form.initial["version"] == 1


def test_delete_asks_first_then_deletes_and_logs(client_for, projekt, mitarbeiter):
    goal = make_goal(projekt)
    client = client_for(mitarbeiter)
    assert client.get(url("goal_delete", projekt, goal.pk)).status_code == 200
    assert Goal.objects.exists()
    response = client.post(url("goal_delete", projekt, goal.pk))
    assert response["Location"] == url("goals", projekt)
    assert not Goal.objects.exists()
    assert ChangeLog.objects.filter(object_type="planning.goal", action="delete").exists()


class TestOverdue:
    TODAY = date(2026, 5, 15)

    @pytest.mark.parametrize(
        ("due", "status", "overdue"),
        [
            (date(2026, 5, 14), "active", True),
            (date(2026, 1, 1), "planned", True),
            (date(2026, 5, 15), "active", False),  # due today is not late yet
            (date(2026, 6, 1), "active", False),
            (date(2026, 1, 1), "reached", False),
            (date(2026, 1, 1), "dropped", False),
            (None, "active", False),
        ],
    )
    def test_open_goals_past_their_due_date_are_overdue(self, projekt, due, status, overdue):
        goal = Goal(project=projekt, text="Ziel", due=due, status=status)
        assert is_overdue(goal, self.TODAY) is overdue

    def test_overdue_goals_come_first_then_open_ones_by_due_date(self, projekt):
        later = make_goal(projekt, "Später fällig", due=date(2026, 9, 1), status="active")
        reached = make_goal(projekt, "Erreicht", due=date(2026, 1, 1), status="reached")
        long_late = make_goal(projekt, "Lange überfällig", due=date(2026, 1, 1), status="active")
        late = make_goal(projekt, "Überfällig", due=date(2026, 5, 1), status="planned")
        soon = make_goal(projekt, "Bald fällig", due=date(2026, 6, 1), status="planned")
        undated = make_goal(projekt, "Ohne Termin", status="active")
        dropped = make_goal(projekt, "Verworfen", status="dropped")
        rows = goal_rows(projekt, Goal.objects.all(), today=self.TODAY)
        assert [r.goal for r in rows] == [long_late, late, soon, later, undated, reached, dropped]
        assert [r.days_overdue for r in rows[:3]] == [134, 14, 0]

    def test_the_overview_says_in_words_that_a_goal_is_overdue(
        self, client_for, projekt, ehrenamtlicher
    ):
        yesterday = timezone.localdate() - timedelta(days=3)
        late = make_goal(projekt, "Überfällig", due=yesterday, status="active")
        make_goal(projekt, "Pünktlich", due=yesterday + timedelta(days=30), status="active")
        response = client_for(ehrenamtlicher).get(url("goals", projekt))
        page = response.content.decode()
        assert response.context["overdue"] == 1
        assert page.index("Überfällig") < page.index("Pünktlich")
        assert page.count("badge--overdue") == 1
        assert f'id="goal-{late.pk}"' in page
        assert "goal--overdue" in page


class TestOverview:
    def test_progress_is_shown_as_a_bar_and_as_text(self, client_for, projekt, ehrenamtlicher):
        goal = make_goal(projekt, progress=40)
        page = client_for(ehrenamtlicher).get(url("goals", projekt)).content.decode()
        assert f'<progress max="100" value="40" aria-labelledby="goal-progress-{goal.pk}">' in page
        assert f'id="goal-progress-{goal.pk}"' in page

    def test_filters_by_status_and_field(self, client_for, projekt, ehrenamtlicher):
        make_goal(projekt, "S offen", fields=["S"], status="active")
        make_goal(projekt, "N offen", fields=["N"], status="planned")
        make_goal(projekt, "S erreicht", fields=["S", "N"], status="reached")
        client = client_for(ehrenamtlicher)

        def shown(**query) -> set[str]:
            rows = client.get(url("goals", projekt), query).context["rows"]
            return {row.goal.text for row in rows}

        assert shown() == {"S offen", "N offen", "S erreicht"}
        assert shown(status="open") == {"S offen", "N offen"}
        assert shown(status="reached") == {"S erreicht"}
        assert shown(field="S") == {"S offen", "S erreicht"}
        assert shown(field="N", status="open") == {"N offen"}
        assert shown(field="X") == {"S offen", "N offen", "S erreicht"}  # invalid: ignored

    def test_the_indicator_shows_baseline_target_and_its_current_value(
        self, client_for, projekt, ehrenamtlicher, kinderarmut
    ):
        indicator, kiez = kinderarmut
        make_goal(
            projekt,
            indicator=indicator,
            area=kiez,
            baseline=Decimal("50"),
            target=Decimal("43.5"),
        )
        # Without an area of its own, a goal refers to the project's only area.
        IndicatorValue.objects.create(
            indicator=indicator, area=kiez.parent, date=date(2024, 12, 31), value=Decimal("30.2")
        )
        make_goal(projekt, "Im ganzen Gebiet", indicator=indicator)
        response = client_for(ehrenamtlicher).get(url("goals", projekt))
        rows = response.context["rows"]
        assert [r.current.value.value for r in rows] == [Decimal("48.6"), Decimal("30.2")]
        assert [r.current.area.name for r in rows] == ["Am Markt", "Nordstadt"]
        page = response.content.decode()
        assert "50,0 %" in page and "43,5 %" in page and "48,6 %" in page

    def test_hostile_text_is_shown_as_text(self, client_for, projekt, ehrenamtlicher):
        goal = make_goal(projekt, HOSTILE, responsible=HOSTILE)
        client = client_for(ehrenamtlicher)
        for page in (url("goals", projekt), url("goal", projekt, goal.pk)):
            content = client.get(page).content.decode()
            assert "<script>alert" not in content
            assert "&lt;script&gt;alert" in content

    def test_readers_see_no_buttons_to_change(self, client_for, projekt, ehrenamtlicher):
        goal = make_goal(projekt)
        client = client_for(ehrenamtlicher)
        assert url("goal_create", projekt) not in client.get(url("goals", projekt)).content.decode()
        assert url("goal_edit", projekt, goal.pk) not in (
            client.get(url("goal", projekt, goal.pk)).content.decode()
        )

    def test_the_list_needs_a_fixed_number_of_queries(
        self, client_for, projekt, ehrenamtlicher, django_assert_max_num_queries
    ):
        treff = make_activity(projekt, "Treff", fields="N")
        for n in range(8):
            make_goal(projekt, f"Ziel {n}", need=Need.objects.get(code="wohnen")).activities.add(
                treff
            )
        client = client_for(ehrenamtlicher)
        with django_assert_max_num_queries(15):
            client.get(url("goals", projekt))


class TestCard:
    def test_the_card_lists_open_goals_overdue_first(self, projekt):
        today = date(2026, 5, 15)
        soon = make_goal(projekt, "Bald", due=date(2026, 6, 1), status="active")
        late = make_goal(projekt, "Überfällig", due=date(2026, 5, 1), status="planned")
        make_goal(projekt, "Erreicht", due=date(2026, 1, 1), status="reached")
        make_goal(projekt, "Verworfen", status="dropped")
        card = goals_card(projekt, today=today)
        assert [row.goal for row in card["rows"]] == [late, soon]
        assert (card["total"], card["open"], card["overdue"], card["reached"]) == (4, 2, 1, 1)

    def test_the_card_shows_at_most_five_goals_and_says_how_many_more(self, projekt):
        for n in range(7):
            make_goal(projekt, f"Ziel {n}")
        card = goals_card(projekt)
        assert (len(card["rows"]), card["more"]) == (5, 2)

    def test_the_card_renders_with_progress(self, projekt, koordinatorin):
        from django.template.loader import render_to_string

        goal = make_goal(projekt, "Treff öffnen", progress=60)
        projekt.current_role = "owner"
        html = render_to_string("planning/_goals_card.html", {"goals_card": goals_card(projekt)})
        assert "Treff öffnen" in html
        assert f'value="60" aria-labelledby="goals-card-progress-{goal.pk}"' in html
        assert url("goals", projekt) in html
