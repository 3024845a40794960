"""The SONI-Werkstatt: ratings beside the data, steps saved without lost updates, decisions
that become goals once, the snapshot, the comparison over time and the protocol PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from quartierskompass.activities.models import Activity, Need
from quartierskompass.core.formats import percent
from quartierskompass.core.pdf import BASE_URL, RefusedURL, render_pdf, static_file
from quartierskompass.planning import workshop as domain
from quartierskompass.planning.forms.workshops import RATING_ERROR
from quartierskompass.planning.models import Goal, Workshop
from quartierskompass.planning.services import EditConflict
from quartierskompass.soni import matrix as soni_matrix
from tests.factories import make_activity

HOSTILE = '<script>alert("x")</script> & „Quote“'


def make_workshop(project, user=None, **values) -> Workshop:
    data = {
        "title": "Werkstatt Frühjahr",
        "date": date(2025, 3, 1),
        "participants": "Gemeindediakonin, 2 Ehrenamtliche",
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31),
        "measure": "count",
        **values,
    }
    return domain.start(project=project, user=user, data=data)


def step_url(workshop: Workshop, step: int, field: str = "") -> str:
    url = reverse("planning:workshop_step", args=[workshop.project.slug, workshop.pk, step])
    return f"{url}?feld={field}" if field else url


@pytest.fixture
def activities(projekt):
    """Three activities in N, one in I: shares N 75 %, I 25 %, S and O empty."""
    for n in range(3):
        make_activity(projekt, f"Nachbarschaftscafé {n}", fields="N")
    return make_activity(projekt, "Sozialberatung", fields="I")


class TestRatingAndData:
    @pytest.mark.parametrize(
        ("share", "rating"),
        [
            (None, None),
            (0.0, 0),
            (0.0449, 0),  # shown as 4 %
            (0.045, 1),  # shown as 5 %
            (0.1449, 1),
            (0.1451, 2),  # shown as 15 %
            (0.25, 2),  # an even spread
            (0.2949, 2),
            (0.295, 3),  # shown as 30 %
            (1.0, 3),
        ],
    )
    def test_a_share_becomes_a_rating_by_the_bands_shown_on_the_page(self, share, rating):
        assert domain.data_rating(share) == rating

    def test_the_band_follows_the_percent_people_see(self):
        for step in range(0, 2001):
            share = step / 2000
            shown = int(percent(share).split()[0])
            expected = 0 if shown < 5 else 1 if shown < 15 else 2 if shown < 30 else 3
            assert domain.data_rating(share) == expected, (share, shown)

    def test_ratings_are_compared_with_the_data_field_by_field(self, projekt, activities):
        result = soni_matrix.compute(
            Activity.objects.filter(project=projekt), period=soni_matrix.Period.year(2025)
        )
        rows = {r.code: r for r in domain.compare_ratings({"S": 2, "O": 0, "N": 1}, result)}
        assert (rows["S"].data_rating, rows["S"].difference, rows["S"].kind) == (
            0,
            2,
            "team-higher",
        )
        assert rows["S"].strong
        assert (rows["O"].difference, rows["O"].kind) == (0, "match")
        assert (rows["N"].data_rating, rows["N"].difference) == (3, -2)
        assert rows["N"].kind == "data-higher" and rows["N"].strong
        assert (rows["I"].rating, rows["I"].data_rating, rows["I"].kind) == (None, 2, "unknown")


class TestSaving:
    def test_a_stale_version_is_refused_and_nothing_is_written(self, projekt, mitarbeiter):
        workshop = make_workshop(projekt, mitarbeiter)
        first = Workshop.objects.get(pk=workshop.pk)
        second = Workshop.objects.get(pk=workshop.pk)
        domain.save_step(first, user=mitarbeiter, data={"ratings": {"S": 3}}, expected_version=1)
        with pytest.raises(EditConflict):
            domain.save_step(
                second, user=mitarbeiter, data={"ratings": {"S": 0}}, expected_version=1
            )
        workshop.refresh_from_db()
        assert workshop.ratings == {"S": 3} and workshop.version == 2

    def test_saving_unchanged_values_writes_nothing(self, projekt, mitarbeiter):
        workshop = make_workshop(projekt, mitarbeiter, ratings={"S": 1})
        domain.save_step(workshop, user=mitarbeiter, data={"ratings": {"S": 1}}, expected_version=1)
        workshop.refresh_from_db()
        assert workshop.version == 1

    def test_going_on_records_the_furthest_step_reached(self, projekt, mitarbeiter):
        workshop = make_workshop(projekt, mitarbeiter)
        domain.save_step(workshop, user=mitarbeiter, data={}, expected_version=1, reached=3)
        domain.save_step(workshop, user=mitarbeiter, data={}, expected_version=2, reached=2)
        workshop.refresh_from_db()
        assert workshop.step == 3

    def test_a_decision_becomes_one_goal_even_when_sent_twice(
        self, projekt, mitarbeiter, activities
    ):
        workshop = make_workshop(projekt, mitarbeiter)
        data = {
            "text": "Sprechstunde  im Rathaus anbieten",
            "fields": ["I", "S"],
            "need": Need.objects.get(code="wohnen"),
            "due": date(2025, 9, 30),
            "responsible": "Gemeindediakonin",
        }
        goal, created = domain.add_decision(
            workshop, user=mitarbeiter, data=data, activities=[activities]
        )
        again, created_again = domain.add_decision(workshop, user=mitarbeiter, data=dict(data))
        assert created and not created_again and again == goal
        assert Goal.objects.filter(workshop=workshop).count() == 1
        assert goal.text == "Sprechstunde im Rathaus anbieten"
        assert list(goal.activities.all()) == [activities]

    def test_a_finished_session_is_not_changed_any_more(self, projekt, mitarbeiter):
        workshop = make_workshop(projekt, mitarbeiter)
        domain.finish(workshop, user=mitarbeiter, expected_version=1)
        with pytest.raises(domain.WorkshopFinished):
            domain.save_step(
                workshop, user=mitarbeiter, data={"ratings": {"S": 1}}, expected_version=2
            )
        with pytest.raises(domain.WorkshopFinished):
            domain.add_decision(workshop, user=mitarbeiter, data={"text": "Noch etwas"})


class TestSnapshot:
    def test_the_snapshot_keeps_ratings_figures_notes_ideas_and_decisions(
        self, projekt, mitarbeiter, activities
    ):
        workshop = make_workshop(
            projekt,
            mitarbeiter,
            ratings={"S": 2, "N": 1},
            notes={"s-1": "Sozialbericht 2024 gelesen", "data": "Kaum Arbeit in S"},
            ideas=[{"from": "I", "to": "S", "text": "Fälle im Sozialausschuss berichten"}],
        )
        goal, _ = domain.add_decision(
            workshop, user=mitarbeiter, data={"text": "Termin mit dem Sozialamt", "fields": ["S"]}
        )
        domain.finish(workshop, user=mitarbeiter, expected_version=1)
        workshop.refresh_from_db()
        snap = workshop.snapshot
        assert workshop.finished_at is not None
        assert snap["ratings"] == {"S": 2, "O": None, "N": 1, "I": None}
        assert snap["matrix"]["cells"] == {"S": 0.0, "O": 0.0, "N": 3.0, "I": 1.0}
        assert snap["matrix"]["shares"] == {"S": 0.0, "O": 0.0, "N": 0.75, "I": 0.25}
        assert snap["matrix"]["weak"] == ["S", "O"]
        assert snap["matrix"]["bridges"] == 0 and snap["matrix"]["activities"] == 4
        assert snap["matrix"]["evenness"] == pytest.approx(0.4056, abs=1e-4)
        assert snap["data_ratings"] == {"S": 0, "O": 0, "N": 3, "I": 2}
        assert snap["differences"] == {"S": 2, "O": None, "N": -2, "I": None}
        assert snap["data_note"] == "Kaum Arbeit in S"
        notes = {q["code"]: q["note"] for q in snap["questions"]}
        assert notes["s-1"] == "Sozialbericht 2024 gelesen" and notes["o-1"] == ""
        assert snap["ideas"] == [
            {"from": "I", "to": "S", "text": "Fälle im Sozialausschuss berichten"}
        ]
        assert [(d["goal"], d["text"], d["fields"]) for d in snap["decisions"]] == [
            (goal.pk, "Termin mit dem Sozialamt", ["S"])
        ]

    def test_the_protocol_of_a_finished_session_does_not_follow_later_changes(
        self, projekt, mitarbeiter, activities
    ):
        workshop = make_workshop(projekt, mitarbeiter, ratings={"S": 1})
        domain.finish(workshop, user=mitarbeiter, expected_version=1)
        make_activity(projekt, "Stadtteilkonferenz", fields="S")
        workshop.refresh_from_db()
        assert domain.protocol(workshop).matrix.cells["S"] == 0.0
        assert domain.matrix_for(workshop).cells["S"] == 1.0

    def test_sessions_are_compared_oldest_first_and_unfinished_ones_left_out(
        self, projekt, mitarbeiter, activities
    ):
        later = make_workshop(projekt, mitarbeiter, title="Herbst", date=date(2025, 10, 1))
        earlier = make_workshop(projekt, mitarbeiter, title="Frühjahr", ratings={"N": 3})
        draft = make_workshop(projekt, mitarbeiter, title="Entwurf")
        domain.finish(later, user=mitarbeiter, expected_version=1)
        domain.finish(earlier, user=mitarbeiter, expected_version=1)
        comparison = domain.compare([later, draft, earlier])
        assert [p.workshop.title for p in comparison.protocols] == ["Frühjahr", "Herbst"]
        n_row = next(row for row in comparison.fields if row["code"] == "N")
        assert [(c.rating, c.data_rating) for c in n_row["cells"]] == [(3, 3), (None, 3)]


@pytest.fixture
def workshop(projekt, koordinatorin):
    return make_workshop(projekt, koordinatorin)


class TestPages:
    def test_the_list_offers_to_begin_and_a_session_begins_at_step_1(
        self, client_for, projekt, mitarbeiter
    ):
        client = client_for(mitarbeiter)
        url = reverse("planning:workshops", args=[projekt.slug])
        assert 'id="start"' in client.get(url).content.decode()
        response = client.post(
            reverse("planning:workshop_create", args=[projekt.slug]),
            {
                "title": "Werkstatt 2025",
                "date": "2025-11-20",
                "participants": "Pfarrerin, Kita-Leitung",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "measure": "staff_hours",
            },
        )
        workshop = Workshop.objects.get(project=projekt)
        assert response["Location"] == step_url(workshop, 1)
        assert (workshop.measure, workshop.step, workshop.created_by) == (
            "staff_hours",
            1,
            mitarbeiter,
        )

    def test_a_period_that_ends_before_it_starts_is_refused(self, client_for, projekt, mitarbeiter):
        response = client_for(mitarbeiter).post(
            reverse("planning:workshop_create", args=[projekt.slug]),
            {
                "title": "Falsch",
                "date": "2025-11-20",
                "period_start": "2025-12-31",
                "period_end": "2025-01-01",
                "measure": "count",
            },
        )
        assert response.status_code == 200
        assert escape(gettext("The period ends before it starts.")) in response.content.decode()
        assert not Workshop.objects.exists()

    @pytest.mark.parametrize("bad", ["4", "-1", "2.5", "viel"])
    def test_ratings_outside_0_to_3_are_refused_with_a_message(
        self, client_for, workshop, mitarbeiter, bad
    ):
        response = client_for(mitarbeiter).post(
            step_url(workshop, 1), {"S": bad, "O": "1", "version": 1}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert escape(str(RATING_ERROR)) in html
        assert "Select a valid choice" not in html and "gültige Auswahl" not in html
        workshop.refresh_from_db()
        assert workshop.ratings == {} and workshop.version == 1

    def test_the_model_refuses_ratings_outside_0_to_3_too(self, projekt, mitarbeiter):
        with pytest.raises(Exception) as error:
            make_workshop(projekt, mitarbeiter, ratings={"S": 7})
        assert "ratings" in error.value.message_dict

    def test_ratings_are_saved_and_the_team_goes_on_to_the_data(
        self, client_for, workshop, mitarbeiter, activities
    ):
        client = client_for(mitarbeiter)
        response = client.post(
            step_url(workshop, 1), {"S": "2", "O": "0", "N": "1", "I": "2", "version": 1}
        )
        assert response["Location"] == step_url(workshop, 2)
        workshop.refresh_from_db()
        assert workshop.ratings == {"S": 2, "O": 0, "N": 1, "I": 2} and workshop.step == 2
        html = client.get(step_url(workshop, 2)).content.decode()
        assert 'data-field="S" data-kind="team-higher"' in html
        assert 'data-field="N" data-kind="data-higher"' in html
        assert 'data-field="I" data-kind="match"' in html
        assert 'id="ws-mapping"' in html and "<svg" in html

    def test_two_people_rating_at_once_lose_nothing(
        self, client_for, workshop, koordinatorin, mitarbeiter
    ):
        first, second = client_for(koordinatorin), client_for(mitarbeiter)
        first.get(step_url(workshop, 1))
        second.get(step_url(workshop, 1))
        assert first.post(step_url(workshop, 1), {"S": "3", "version": 1}).status_code == 302
        response = second.post(step_url(workshop, 1), {"S": "1", "N": "2", "version": 1})
        assert response.status_code == 200
        html = response.content.decode()
        conflict = gettext(
            "%(person)s changed this in the meantime. Your changes were not saved; reload "
            "the page to see the current version and enter them again."
        ) % {"person": koordinatorin}
        assert escape(conflict) in html
        # The second person's choice stays in the form, the first one's is shown beside it.
        assert 'value="1" id="id_S_1" checked' in html
        assert escape(gettext("Saved meanwhile: %(value)s") % {"value": 3}) in html
        assert 'name="version" value="2"' in html
        workshop.refresh_from_db()
        assert workshop.ratings == {"S": 3}
        # Having seen both, the second person saves on purpose.
        assert (
            second.post(step_url(workshop, 1), {"S": "1", "N": "2", "version": 2}).status_code
            == 302
        )
        workshop.refresh_from_db()
        assert workshop.ratings == {"S": 1, "N": 2} and workshop.version == 3

    def test_two_people_writing_notes_at_once_lose_nothing(
        self, client_for, workshop, koordinatorin, mitarbeiter
    ):
        url = step_url(workshop, 3, "S")
        assert (
            client_for(koordinatorin).post(url, {"s-1": "Notiz A", "version": 1}).status_code == 302
        )
        response = client_for(mitarbeiter).post(url, {"s-1": "Notiz B", "s-2": "B2", "version": 1})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Notiz B</textarea>" in html and "Notiz A" in html
        workshop.refresh_from_db()
        assert workshop.notes == {"s-1": "Notiz A"}

    def test_notes_of_one_field_keep_the_notes_of_the_others(
        self, client_for, workshop, mitarbeiter
    ):
        client = client_for(mitarbeiter)
        response = client.post(step_url(workshop, 3, "S"), {"s-1": "S eins", "version": 1})
        assert response["Location"] == step_url(workshop, 3, "O")
        response = client.post(step_url(workshop, 3, "I"), {"i-1": " I eins ", "version": 2})
        assert response["Location"] == step_url(workshop, 4)
        workshop.refresh_from_db()
        assert workshop.notes["s-1"] == "S eins" and workshop.notes["i-1"] == "I eins"
        assert workshop.step == 4

    def test_moving_on_without_changes_writes_nothing(self, client_for, workshop, mitarbeiter):
        client = client_for(mitarbeiter)
        client.post(step_url(workshop, 1), {"version": 1, "go": "schritt-5"})
        workshop.refresh_from_db()
        assert workshop.step == 5 and workshop.version == 2
        for step, data in (
            (2, {"note": "", "period_start": "2025-01-01", "period_end": "2025-12-31"}),
            (3, {"s-1": ""}),
        ):
            response = client.post(
                step_url(workshop, step, "S" if step == 3 else ""),
                {"version": 2, "measure": "count", **data},
            )
            assert response.status_code == 302
        workshop.refresh_from_db()
        assert workshop.version == 2 and workshop.notes == {}

    def test_an_emptied_note_is_removed(self, client_for, projekt, mitarbeiter):
        workshop = make_workshop(projekt, mitarbeiter, notes={"s-1": "alt", "s-2": "bleibt"})
        client_for(mitarbeiter).post(
            step_url(workshop, 3, "S"), {"s-1": "  ", "s-2": "bleibt", "version": 1}
        )
        workshop.refresh_from_db()
        assert workshop.notes == {"s-2": "bleibt"}

    def test_the_step_buttons_save_and_jump(self, client_for, workshop, mitarbeiter):
        response = client_for(mitarbeiter).post(
            step_url(workshop, 1), {"S": "1", "version": 1, "go": "schritt-4"}
        )
        assert response["Location"] == step_url(workshop, 4)
        workshop.refresh_from_db()
        assert workshop.ratings == {"S": 1} and workshop.step == 4

    def test_ideas_are_saved_checked_and_removed(self, client_for, workshop, mitarbeiter):
        client = client_for(mitarbeiter)
        form = {
            "version": 1,
            "idee-TOTAL_FORMS": 2,
            "idee-INITIAL_FORMS": 0,
            "idee-0-source": "I",
            "idee-0-target": "S",
            "idee-0-text": "Wohnungsnot im Ausschuss zeigen",
            "idee-1-source": "N",
            "idee-1-target": "N",
            "idee-1-text": "Im Kreis",
        }
        response = client.post(step_url(workshop, 4), form)
        assert response.status_code == 200
        assert escape(gettext("Choose two different fields: the idea links them.")) in (
            response.content.decode()
        )
        form.update({"idee-1-source": "", "idee-1-target": "", "idee-1-text": ""})
        assert client.post(step_url(workshop, 4), form)["Location"] == step_url(workshop, 5)
        workshop.refresh_from_db()
        assert workshop.ideas == [
            {"from": "I", "to": "S", "text": "Wohnungsnot im Ausschuss zeigen"}
        ]
        form.update({"version": 2, "idee-INITIAL_FORMS": 1, "idee-0-DELETE": "on"})
        client.post(step_url(workshop, 4), form)
        workshop.refresh_from_db()
        assert workshop.ideas == []

    def test_a_decision_sent_twice_gives_one_goal_shown_with_its_link(
        self, client_for, workshop, mitarbeiter, activities
    ):
        client = client_for(mitarbeiter)
        data = {
            "text": "Stadtteilkonferenz besuchen",
            "fields": ["S", "N"],
            "need": Need.objects.get(code="wohnen").pk,
            "due": "2025-12-01",
            "responsible": "Quartiersmanagerin",
            "activities": [activities.pk],
            "go": "stay",
        }
        assert client.post(step_url(workshop, 5), data)["Location"] == step_url(workshop, 5)
        assert client.post(step_url(workshop, 5), data).status_code == 302
        goal = Goal.objects.get(workshop=workshop)
        assert (goal.fields, goal.responsible, goal.due) == (
            ["S", "N"],
            "Quartiersmanagerin",
            date(2025, 12, 1),
        )
        html = client.get(step_url(workshop, 5)).content.decode()
        assert domain.goal_url(workshop.project, goal.pk) in html

    def test_moving_on_from_step_5_with_an_empty_form_only_moves_on(
        self, client_for, workshop, mitarbeiter
    ):
        response = client_for(mitarbeiter).post(step_url(workshop, 5), {"text": "", "go": "next"})
        assert response["Location"] == reverse(
            "planning:workshop", args=[workshop.project.slug, workshop.pk]
        )
        assert not Goal.objects.exists()

    def test_readers_see_every_step_without_forms(self, client_for, workshop, ehrenamtlicher):
        client = client_for(ehrenamtlicher)
        for step in range(1, 6):
            html = client.get(step_url(workshop, step)).content.decode()
            assert 'id="ws-form"' not in html and "data-ws-next" in html
        assert client.post(step_url(workshop, 1), {"S": "1", "version": 1}).status_code == 403

    def test_an_unknown_step_is_not_found(self, client_for, workshop, mitarbeiter):
        assert client_for(mitarbeiter).get(step_url(workshop, 6)).status_code == 404

    def test_odd_numbers_in_addresses_and_buttons_are_ignored(
        self, client_for, workshop, mitarbeiter
    ):
        client = client_for(mitarbeiter)
        compare = reverse("planning:workshop_compare", args=[workshop.project.slug])
        assert client.get(f"{compare}?w=²&w=abc&w=99999999999999999999999").status_code == 200
        assert client.get(step_url(workshop, 5) + "?idee=²").status_code == 200
        response = client.post(step_url(workshop, 1), {"S": "1", "version": 1, "go": "schritt-²"})
        assert response["Location"] == step_url(workshop, 2)

    def test_finishing_keeps_the_snapshot_and_closes_the_steps(
        self, client_for, workshop, mitarbeiter
    ):
        client = client_for(mitarbeiter)
        finish = reverse("planning:workshop_finish", args=[workshop.project.slug, workshop.pk])
        client.post(finish, {"version": 1})
        workshop.refresh_from_db()
        assert workshop.finished_at and workshop.snapshot["version"] == domain.SNAPSHOT_VERSION
        response = client.post(step_url(workshop, 1), {"S": "2", "version": 2})
        assert response.status_code == 302
        workshop.refresh_from_db()
        assert workshop.ratings == {}
        assert 'id="ws-form"' not in client.get(step_url(workshop, 1)).content.decode()

    def test_hostile_text_stays_text(self, client_for, projekt, mitarbeiter):
        workshop = make_workshop(
            projekt,
            mitarbeiter,
            title=HOSTILE,
            notes={"s-1": HOSTILE},
            ideas=[{"from": "I", "to": "S", "text": HOSTILE}],
        )
        domain.add_decision(workshop, user=mitarbeiter, data={"text": HOSTILE})
        client = client_for(mitarbeiter)
        for url in (
            reverse("planning:workshops", args=[projekt.slug]),
            reverse("planning:workshop", args=[projekt.slug, workshop.pk]),
            step_url(workshop, 3, "S"),
            step_url(workshop, 4),
            step_url(workshop, 5),
        ):
            html = client.get(url).content.decode()
            assert '<script>alert("x")' not in html
            assert "&lt;script&gt;alert(&quot;x&quot;)" in html

    def test_the_comparison_shows_finished_sessions_side_by_side(
        self, client_for, projekt, mitarbeiter, activities
    ):
        first = make_workshop(projekt, mitarbeiter, title="Werkstatt 2024", ratings={"S": 3})
        second = make_workshop(projekt, mitarbeiter, title="Werkstatt 2025", date=date(2025, 11, 1))
        for w in (first, second):
            domain.finish(w, user=mitarbeiter, expected_version=1)
        url = reverse("planning:workshop_compare", args=[projekt.slug])
        html = client_for(mitarbeiter).get(f"{url}?w={second.pk}&w={first.pk}").content.decode()
        assert html.index("Werkstatt 2024</a>") < html.index("Werkstatt 2025</a>")
        assert 'id="ws-over-time"' in html and html.count("<svg") == 2

    def test_deleting_a_session_keeps_its_goals(self, client_for, workshop, mitarbeiter):
        goal, _ = domain.add_decision(workshop, user=mitarbeiter, data={"text": "Bleibt"})
        url = reverse("planning:workshop_delete", args=[workshop.project.slug, workshop.pk])
        client_for(mitarbeiter).post(url)
        assert not Workshop.objects.filter(pk=workshop.pk).exists()
        goal.refresh_from_db()
        assert goal.workshop is None


class TestProtocolPdf:
    def test_the_protocol_is_a_pdf_with_the_session_in_it(
        self, client_for, projekt, mitarbeiter, activities
    ):
        workshop = make_workshop(
            projekt,
            mitarbeiter,
            title=HOSTILE,
            ratings={"S": 2, "N": 3},
            notes={"n-1": "Das Café ist voll"},
            ideas=[{"from": "I", "to": "S", "text": "Mietprobleme in den Sozialausschuss"}],
        )
        domain.add_decision(
            workshop, user=mitarbeiter, data={"text": "Bezirksstadträtin einladen", "fields": ["S"]}
        )
        domain.finish(workshop, user=mitarbeiter, expected_version=1)
        url = reverse("planning:workshop_pdf", args=[projekt.slug, workshop.pk])
        response = client_for(mitarbeiter).get(url)
        assert response["Content-Type"] == "application/pdf"
        pdf = response.content
        assert pdf.startswith(b"%PDF")
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        for expected in (
            '<script>alert("x")</script>',
            "Gemeindediakonin, 2 Ehrenamtliche",
            "Das Café ist voll",
            "Mietprobleme in den Sozialausschuss",
            "Bezirksstadträtin einladen",
            "75 %",
        ):
            assert expected in text, expected


class TestPdfHelper:
    def test_it_serves_our_static_files(self):
        assert static_file(f"{BASE_URL}static/qk/qk.css").name == "qk.css"

    @pytest.mark.parametrize(
        "url",
        [
            "http://example.org/tracker.png",
            "https://example.org/static/qk/qk.css",
            "file:///etc/passwd",
            f"{BASE_URL}static/../settings.py",
            f"{BASE_URL}static/%2e%2e/settings.py",
            f"{BASE_URL}media/upload.png",
            f"{BASE_URL}static/qk/nothing-here.css",
        ],
    )
    def test_it_refuses_everything_else(self, url):
        with pytest.raises(RefusedURL):
            static_file(url)

    @pytest.mark.allow_error_logs  # WeasyPrint logs the refused image as an error
    def test_a_pdf_never_fetches_from_the_network(self, settings, tmp_path):
        engine = settings.TEMPLATES[0]
        settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
        (tmp_path / "probe.html").write_text(
            '<p>Probe</p><img src="http://127.0.0.1:9/x.png"><img src="/static/qk/favicon.svg">'
        )
        requested = []
        import urllib.request

        original = urllib.request.OpenerDirector.open

        def spy(self, url, *args, **kwargs):
            requested.append(getattr(url, "full_url", url))
            return original(self, url, *args, **kwargs)

        urllib.request.OpenerDirector.open = spy
        try:
            pdf = render_pdf("probe.html", {})
        finally:
            urllib.request.OpenerDirector.open = original
        assert pdf.startswith(b"%PDF")
        assert not [u for u in requested if not str(u).startswith("data:")]
