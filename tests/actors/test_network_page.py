"""The network page and the saved layout, asked through the Django test client."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from quartierskompass.areas.models import Area, ProjectArea

HOSTILE = '<script>alert("x")</script> & "Söhne"'


def actor(project, name: str, type_code: str = "verein", field: str = "N", **extra) -> Actor:
    return Actor.objects.create(
        project=project,
        name=name,
        actor_type=ActorType.objects.get(code=type_code),
        field=field,
        **extra,
    )


def tie(a: Actor, b: Actor, kind: str = "kooperation", **extra) -> Tie:
    return Tie.objects.create(
        project=a.project, source=a, target=b, kind=TieKind.objects.get(code=kind), **extra
    )


@pytest.fixture
def netz(projekt):
    """Gemeinde – Diakonie – Sozialamt, the Diakonie in conflict with a Verein; one loner."""
    gemeinde = actor(projekt, "Ev. Gemeinde", "kirchengemeinde", "N")
    diakonie = actor(projekt, "Diakonie-Station", "diakonie", "O")
    amt = actor(projekt, "Sozialamt Spandau", "amt-sozial", "S")
    verein = actor(projekt, HOSTILE, "verein", "N")
    actor(projekt, "Allein e.V.", "verein", "I")
    tie(gemeinde, diakonie, strength=3, confirmed=True)
    tie(diakonie, amt, "finanzierung", directed=True)
    tie(diakonie, verein, "konflikt")
    return {"gemeinde": gemeinde, "diakonie": diakonie, "amt": amt, "verein": verein}


def page_url(project) -> str:
    return reverse("actors:network", args=[project.slug])


def save_url(project) -> str:
    return reverse("actors:network_positions", args=[project.slug])


def config_of(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="network-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def post_json(client, project, payload) -> object:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(save_url(project), body, content_type="application/json")


class TestAccess:
    def test_anonymous_people_are_sent_to_the_login(self, client, projekt):
        response = client.get(page_url(projekt))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_a_member_of_another_project_gets_404(self, client_for, projekt, netz, fremde_person):
        assert client_for(fremde_person).get(page_url(projekt)).status_code == 404
        positions = {"positions": {str(netz["amt"].pk): [1, 2]}}
        assert post_json(client_for(fremde_person), projekt, positions).status_code == 404

    def test_a_viewer_sees_the_graph_but_cannot_save(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        client = client_for(ehrenamtlicher)
        response = client.get(page_url(projekt))
        assert response.status_code == 200
        assert 'id="network"' in response.content.decode()
        assert "network-save" not in response.content.decode()
        positions = {"positions": {str(netz["amt"].pk): [1, 2]}}
        assert post_json(client, projekt, positions).status_code == 403
        netz["amt"].refresh_from_db()
        assert netz["amt"].graph_x is None

    def test_saving_needs_a_post(self, client_for, projekt, mitarbeiter):
        assert client_for(mitarbeiter).get(save_url(projekt)).status_code == 405


class TestSavePositions:
    def test_an_editor_saves_positions_without_a_new_version(
        self, client_for, projekt, netz, mitarbeiter
    ):
        amt, gemeinde = netz["amt"], netz["gemeinde"]
        payload = {"positions": {str(amt.pk): [12.5, -40], str(gemeinde.pk): [0, 1e3]}}
        response = post_json(client_for(mitarbeiter), projekt, payload)
        assert response.status_code == 204
        amt.refresh_from_db()
        gemeinde.refresh_from_db()
        assert (amt.graph_x, amt.graph_y) == (12.5, -40.0)
        assert (gemeinde.graph_x, gemeinde.graph_y) == (0.0, 1000.0)
        assert amt.version == 1
        netz["diakonie"].refresh_from_db()
        assert netz["diakonie"].graph_x is None

    def test_saved_positions_reach_the_page(self, client_for, projekt, netz, mitarbeiter):
        client = client_for(mitarbeiter)
        post_json(client, projekt, {"positions": {str(netz["amt"].pk): [7, 8]}})
        nodes = {n["id"]: n for n in config_of(client.get(page_url(projekt)))["nodes"]}
        assert (nodes[netz["amt"].pk]["x"], nodes[netz["amt"].pk]["y"]) == (7, 8)

    def test_a_form_post_with_the_same_json_redirects_to_the_page(
        self, client_for, projekt, netz, mitarbeiter
    ):
        positions = json.dumps({"positions": {str(netz["amt"].pk): [3, 4]}})
        response = client_for(mitarbeiter).post(save_url(projekt), {"positions": positions})
        assert response.status_code == 302
        assert response["Location"] == page_url(projekt)
        netz["amt"].refresh_from_db()
        assert netz["amt"].graph_x == 3

    def test_actors_of_another_project_are_refused(
        self, client_for, projekt, anderes_projekt, netz, mitarbeiter
    ):
        fremd = actor(anderes_projekt, "Fremder Verein")
        payload = {"positions": {str(netz["amt"].pk): [1, 1], str(fremd.pk): [5, 5]}}
        assert post_json(client_for(mitarbeiter), projekt, payload).status_code == 400
        fremd.refresh_from_db()
        netz["amt"].refresh_from_db()
        assert fremd.graph_x is None
        assert netz["amt"].graph_x is None

    @pytest.mark.parametrize(
        "body",
        [
            '{"positions": {"%(pk)s": [NaN, 1]}}',
            '{"positions": {"%(pk)s": [Infinity, 1]}}',
            '{"positions": {"%(pk)s": [1e400, 1]}}',
            '{"positions": {"%(pk)s": ["1", 2]}}',
            '{"positions": {"%(pk)s": [true, 2]}}',
            '{"positions": {"%(pk)s": [1, 2, 3]}}',
            '{"positions": {"%(pk)s": [1e9, 2]}}',
            '{"positions": {"abc": [1, 2]}}',
            '{"positions": {"-%(pk)s": [1, 2]}}',
            '{"positions": [[1, 2]]}',
            '{"positionen": {}}',
            "[1, 2]",
            "not json",
            "",
        ],
    )
    def test_broken_or_hostile_data_is_refused(self, client_for, projekt, netz, mitarbeiter, body):
        response = post_json(client_for(mitarbeiter), projekt, body % {"pk": netz["amt"].pk})
        assert response.status_code == 400
        netz["amt"].refresh_from_db()
        assert netz["amt"].graph_x is None

    def test_an_empty_set_of_positions_changes_nothing(self, client_for, projekt, mitarbeiter):
        assert post_json(client_for(mitarbeiter), projekt, {"positions": {}}).status_code == 204


class TestPage:
    def test_it_draws_every_actor_and_tie_with_its_style(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        response = client_for(ehrenamtlicher).get(page_url(projekt))
        config = config_of(response)
        assert len(config["nodes"]) == 5
        assert len(config["edges"]) == 3
        node = next(n for n in config["nodes"] if n["id"] == netz["diakonie"].pk)
        assert node["degree"] == 3
        assert node["broker"] is True
        assert node["url"] == netz["diakonie"].get_absolute_url()
        assert (node["colour"], node["shape"]) == ("#882255", "round-rectangle")
        kinds = {e["kind"] for e in config["edges"]}
        assert kinds == {"kooperation", "finanzierung", "konflikt"}
        html = response.content.decode()
        assert "Diakonie-Station" in html  # the table alternative
        assert "Welfare and diaconia" in html or "Wohlfahrt" in html  # the legend

    def test_hostile_names_stay_text(self, client_for, projekt, netz, ehrenamtlicher):
        response = client_for(ehrenamtlicher).get(page_url(projekt))
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Söhne&quot;" in html
        names = {n["name"] for n in config_of(response)["nodes"]}
        assert HOSTILE in names  # json_script escapes it, JSON.parse gives it back

    def test_the_metrics_and_signals_are_shown(self, client_for, projekt, netz, ehrenamtlicher):
        html = client_for(ehrenamtlicher).get(page_url(projekt)).content.decode()
        assert 'id="metrics-heading"' in html
        assert "Diakonie-Station" in html.split('id="metrics-heading"')[1]  # a bridge

    def test_a_network_without_the_municipality_gets_a_warning(
        self, client_for, projekt, ehrenamtlicher
    ):
        tie(actor(projekt, "Ev. Gemeinde", "kirchengemeinde"), actor(projekt, "Tafel"))
        html = client_for(ehrenamtlicher).get(page_url(projekt)).content.decode()
        assert 'id="signals-heading"' in html
        assert "signal--warning" in html

    def test_editors_get_the_save_button(self, client_for, projekt, netz, mitarbeiter):
        html = client_for(mitarbeiter).get(page_url(projekt)).content.decode()
        assert 'id="network-save"' in html
        assert reverse("actors:network_positions", args=[projekt.slug]) in html

    def test_filtering_by_kind_narrows_the_ties(self, client_for, projekt, netz, ehrenamtlicher):
        config = config_of(client_for(ehrenamtlicher).get(page_url(projekt), {"art": "konflikt"}))
        assert [e["kind"] for e in config["edges"]] == ["konflikt"]
        assert len(config["nodes"]) == 5  # the kind filters ties, not actors

    def test_filtering_by_type_narrows_actors_and_ties(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        response = client_for(ehrenamtlicher).get(
            page_url(projekt), {"typ": ["diakonie", "amt-sozial"]}
        )
        config = config_of(response)
        assert {n["name"] for n in config["nodes"]} == {"Diakonie-Station", "Sozialamt Spandau"}
        assert [e["kind"] for e in config["edges"]] == ["finanzierung"]

    def test_filtering_by_area_keeps_actors_there_or_serving_it(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        bezirk = Area.objects.create(code_system="t", code="05", name="Spandau")
        kiez = Area.objects.create(code_system="t", code="0501", name="Kiez", parent=bezirk)
        ProjectArea.objects.create(project=projekt, area=bezirk)
        netz["gemeinde"].area = kiez
        netz["gemeinde"].save()
        netz["amt"].areas_served.add(bezirk)
        response = client_for(ehrenamtlicher).get(page_url(projekt), {"gebiet": bezirk.pk})
        assert {n["name"] for n in config_of(response)["nodes"]} == {
            "Ev. Gemeinde",
            "Sozialamt Spandau",
        }
        assert "Spandau</option>" in response.content.decode()

    def test_an_area_of_another_project_is_not_offered(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        fremd = Area.objects.create(code_system="t", code="9", name="Fremdes Gebiet")
        response = client_for(ehrenamtlicher).get(page_url(projekt), {"gebiet": fremd.pk})
        assert len(config_of(response)["nodes"]) == 5  # an invalid choice filters nothing

    def test_the_ego_network_shows_the_neighbours_within_the_steps(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        client = client_for(ehrenamtlicher)
        one = config_of(client.get(page_url(projekt), {"ego": netz["amt"].pk}))
        assert {n["name"] for n in one["nodes"]} == {"Sozialamt Spandau", "Diakonie-Station"}
        two = config_of(client.get(page_url(projekt), {"ego": netz["amt"].pk, "schritte": 2}))
        assert {n["name"] for n in two["nodes"]} == {
            "Sozialamt Spandau",
            "Diakonie-Station",
            "Ev. Gemeinde",
            HOSTILE,
        }
        assert len(two["edges"]) == 3

    def test_a_stale_choice_drops_only_its_own_filter(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        response = client_for(ehrenamtlicher).get(
            page_url(projekt), {"typ": "gewerbe", "art": "konflikt"}
        )
        config = config_of(response)
        assert len(config["nodes"]) == 5
        assert [e["kind"] for e in config["edges"]] == ["konflikt"]

    def test_an_actor_of_another_project_cannot_be_the_ego(
        self, client_for, projekt, anderes_projekt, netz, ehrenamtlicher
    ):
        fremd = actor(anderes_projekt, "Fremder Verein")
        response = client_for(ehrenamtlicher).get(page_url(projekt), {"ego": fremd.pk})
        assert response.status_code == 200
        assert "Fremder Verein" not in response.content.decode()
        assert len(config_of(response)["nodes"]) == 5

    def test_colour_by_field_uses_the_field_colours(
        self, client_for, projekt, netz, ehrenamtlicher
    ):
        response = client_for(ehrenamtlicher).get(page_url(projekt), {"farbe": "feld"})
        node = next(n for n in config_of(response)["nodes"] if n["name"] == "Sozialamt Spandau")
        assert node["colour"] == "#2f5f8f"

    def test_a_filter_without_matches_says_so(self, client_for, projekt, netz, ehrenamtlicher):
        leer = Area.objects.create(code_system="t", code="7", name="Leeres Gebiet")
        ProjectArea.objects.create(project=projekt, area=leer)
        response = client_for(ehrenamtlicher).get(page_url(projekt), {"gebiet": leer.pk})
        assert response.status_code == 200
        assert "No actor matches these filters." in response.content.decode() or (
            "Kein Akteur" in response.content.decode()
        )
        assert 'id="network-data"' not in response.content.decode()

    def test_a_project_without_actors_gets_a_way_to_enter_them(
        self, client_for, projekt, mitarbeiter
    ):
        response = client_for(mitarbeiter).get(page_url(projekt))
        html = response.content.decode()
        assert "empty-state" in html
        assert 'id="network"' not in html
        assert reverse("actors:list", args=[projekt.slug]) in html

    def test_the_queries_do_not_grow_with_the_network(
        self, client_for, projekt, netz, ehrenamtlicher, django_assert_max_num_queries
    ):
        client = client_for(ehrenamtlicher)
        client.get(page_url(projekt))
        for i in range(30):
            tie(actor(projekt, f"Verein {i}"), netz["gemeinde"])
        with django_assert_max_num_queries(30):
            response = client.get(page_url(projekt))
        assert len(config_of(response)["nodes"]) == 35
