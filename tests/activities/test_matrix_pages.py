from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from quartierskompass.accounts.models import Membership, Project, Role
from tests.factories import make_activity


def matrix_url(project, **params):
    from urllib.parse import urlencode

    base = reverse("activities:matrix", args=[project.slug])
    return f"{base}?{urlencode(params)}" if params else base


@pytest.fixture
def bestand(projekt):
    make_activity(projekt, "Sozialberatung", shares={"I": 80, "O": 20}, staff_hours=800)
    make_activity(projekt, "Nachbarschaftscafé", fields="NI", staff_hours=200)
    make_activity(projekt, "Stadtteilkonferenz", fields="S", start=date(2025, 7, 1))
    make_activity(projekt, "Bedarfsanalyse", fields="S", status="planned")


def test_the_dashboard_shows_cells_shares_and_sentences(
    client_for, projekt, ehrenamtlicher, bestand
):
    response = client_for(ehrenamtlicher).get(matrix_url(projekt, year=2025, measure="staff_hours"))
    result = response.context["result"]
    assert result.cells["I"] == pytest.approx(740.0)  # 800 × 0.8 + 200 × 0.5
    html = response.content.decode()
    assert "Verhältnis der Ebenen" in html and "Brücken" in html
    assert "Für 1 von 3 Aktivitäten fehlt" in html  # the Stadtteilkonferenz has no hours
    assert "740 hauptamtl. Std." in html
    assert 'href="/projekte/nordstadt/matrix/feld/S/?year=2025&amp;measure=staff_hours"' in html


def test_planned_activities_only_when_asked(client_for, projekt, ehrenamtlicher, bestand):
    client = client_for(ehrenamtlicher)
    assert client.get(matrix_url(projekt, year=2025)).context["result"].activities == 3
    assert (
        client.get(matrix_url(projekt, year=2025, planned="on")).context["result"].activities == 4
    )


def test_a_date_range_and_a_comparison(client_for, projekt, ehrenamtlicher, bestand):
    client = client_for(ehrenamtlicher)
    first_half = client.get(matrix_url(projekt, start="2025-01-01", end="2025-06-30"))
    assert first_half.context["result"].cells["S"] == 0.0
    compared = client.get(matrix_url(projekt, year=2025, compare=2024))
    rows = {row["code"]: row for row in compared.context["comparison"]}
    assert rows["S"]["change"] == pytest.approx(1.0)  # new in 2025
    assert "2024 im Vergleich mit 2025" in compared.content.decode()


def test_bad_period_input_is_explained(client_for, projekt, ehrenamtlicher, bestand):
    response = client_for(ehrenamtlicher).get(matrix_url(projekt, start="2025-05-01"))
    assert "beide Daten" in response.content.decode()


def test_a_new_team_sees_what_to_do(client_for, projekt, koordinatorin):
    html = client_for(koordinatorin).get(matrix_url(projekt)).content.decode()
    assert "Die Matrix ist noch leer" in html
    assert reverse("activities:create", args=[projekt.slug]) in html


def test_an_empty_period_is_named(client_for, projekt, ehrenamtlicher, bestand):
    html = client_for(ehrenamtlicher).get(matrix_url(projekt, year=2010)).content.decode()
    assert "Nichts zu zählen in 2010" in html


def test_a_cell_lists_the_activities_behind_it(client_for, projekt, ehrenamtlicher, bestand):
    url = reverse("activities:matrix_cell", args=[projekt.slug, "I"])
    response = client_for(ehrenamtlicher).get(url, {"year": 2025, "measure": "staff_hours"})
    rows = [(a.title, a.cell_contribution) for a in response.context["rows"]]
    assert rows == [("Sozialberatung", 640.0), ("Nachbarschaftscafé", 100.0)]
    partial = (
        client_for(ehrenamtlicher)
        .get(url, {"year": 2025}, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert partial.lstrip().startswith("<section") and "<html" not in partial


def test_an_unknown_field_is_not_found(client_for, projekt, ehrenamtlicher):
    url = reverse("activities:matrix_cell", args=[projekt.slug, "X"])
    assert client_for(ehrenamtlicher).get(url).status_code == 404


class TestProgrammeMatrix:
    def test_coordinators_see_all_projects_and_one_matrix_each(
        self, client_for, programm, projekt, programmleitung, bestand
    ):
        other = Project.objects.create(slug="west", name="West", programme=programm)
        make_activity(other, "Schuldnerberatung", fields="I")
        url = reverse("activities:programme_matrix", args=[programm.slug])
        response = client_for(programmleitung).get(url, {"year": 2025})
        assert response.context["result"].cells["I"] == pytest.approx(0.8 + 0.5 + 1.0)
        names = [item["project"].name for item in response.context["multiples"]]
        assert names == ["Quartiersprojekt Nordstadt", "West"]
        assert response.context["multiples"][1]["result"].activities == 1

    @pytest.mark.parametrize("persona", ["koordinatorin", "fremde_person"])
    def test_project_members_do_not_see_the_programme(self, request, client_for, programm, persona):
        url = reverse("activities:programme_matrix", args=[programm.slug])
        assert client_for(request.getfixturevalue(persona)).get(url).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, programm):
        url = reverse("activities:programme_matrix", args=[programm.slug])
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))

    def test_a_coordinator_who_is_also_a_member_keeps_the_member_role(
        self, client_for, projekt, programmleitung
    ):
        Membership.objects.create(project=projekt, user=programmleitung, role=Role.EDITOR)
        assert projekt.role_for(programmleitung) == Role.EDITOR
