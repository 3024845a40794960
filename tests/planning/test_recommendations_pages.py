"""The recommendations page and the card for the project overview."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quartierskompass.actors.models import Actor
from quartierskompass.planning.models import Goal, RecommendationDecision
from quartierskompass.planning.views.recommendations import recommendations_card

from .recommendation_data import activities, actor, tie

YEAR = timezone.localdate().year
FINGERPRINT = f"weak-field.S.{YEAR}"
HOSTILE = '<script>alert("x")</script> & Söhne'


@pytest.fixture
def weak_s(projekt):
    activities(projekt, S=1, N=6, I=7, ON=6)


def page_url(projekt) -> str:
    return reverse("planning:recommendations", args=[projekt.slug])


def action(projekt, name: str, fingerprint: str = FINGERPRINT) -> str:
    return reverse(f"planning:recommendation_{name}", args=[projekt.slug, fingerprint])


def test_the_page_explains_and_shows_each_recommendation_with_numbers(
    client_for, projekt, mitarbeiter, weak_s
):
    html = client_for(mitarbeiter).get(page_url(projekt)).content.decode()
    assert "Empfehlungen" in html and "SONI-Werkstatt" in html  # the explanation on top
    assert "Das Feld Sozialstruktur stärken" in html
    assert "Warum?" in html and "5 %" in html and "10 %" in html
    assert "Sozialraumanalyse (Bestand feststellen, Bedarf ermitteln)" in html
    assert f'href="{reverse("soni:model")}#feld-S"' in html
    assert "Strukturierte Stadtteilbegehung" in html
    assert "Als Ziel übernehmen" in html and "Verwerfen" in html
    assert f'id="{FINGERPRINT}"' in html


def test_methods_link_to_their_page(client_for, projekt, ehrenamtlicher, weak_s):
    html = client_for(ehrenamtlicher).get(page_url(projekt)).content.decode()
    assert f'href="{reverse("planning:method", args=["stadtteilbegehung"])}"' in html


def test_viewers_see_no_buttons(client_for, projekt, ehrenamtlicher, weak_s):
    html = client_for(ehrenamtlicher).get(page_url(projekt)).content.decode()
    assert "Das Feld Sozialstruktur stärken" in html
    assert "Als Ziel übernehmen" not in html and 'name="reason"' not in html


def test_an_empty_project_is_told_what_makes_recommendations(client_for, projekt, mitarbeiter):
    html = client_for(mitarbeiter).get(page_url(projekt)).content.decode()
    assert "Keine offenen Empfehlungen" in html


def test_accepting_creates_the_goal_and_opens_it_for_editing(
    client_for, projekt, mitarbeiter, weak_s
):
    response = client_for(mitarbeiter).post(action(projekt, "accept"))
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:goal_edit", args=[projekt.slug, goal.pk])
    assert (goal.fields, goal.recommendation, goal.text) == (
        ["S"],
        "weak-field",
        "Das Feld Sozialstruktur stärken",
    )
    html = client_for(mitarbeiter).get(page_url(projekt)).content.decode()
    assert "Als Ziele übernommen" in html and "Keine offenen Empfehlungen" in html


def test_accepting_twice_is_refused_with_a_message(client_for, projekt, mitarbeiter, weak_s):
    client = client_for(mitarbeiter)
    client.post(action(projekt, "accept"))
    response = client.post(action(projekt, "accept"), follow=True)
    assert "bereits als Ziel übernommen" in response.content.decode()
    assert Goal.objects.count() == 1


def test_dismissing_needs_a_reason_and_shows_who_and_why(client_for, projekt, mitarbeiter, weak_s):
    client = client_for(mitarbeiter)
    response = client.post(action(projekt, "dismiss"), {"reason": ""}, follow=True)
    assert "Bitte sagen Sie, warum" in response.content.decode()
    assert not RecommendationDecision.objects.exists()

    response = client.post(action(projekt, "dismiss"), {"reason": HOSTILE}, follow=True)
    html = response.content.decode()
    assert RecommendationDecision.objects.get().reason == HOSTILE
    assert "Verworfene Empfehlungen" in html and "mitarbeiter" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söhne" in html
    assert "<script>alert" not in html
    assert "Wieder anzeigen" in html

    response = client.post(action(projekt, "accept"), follow=True)
    assert "zuerst wieder an" in response.content.decode()
    assert not Goal.objects.exists()

    client.post(action(projekt, "restore"))
    assert not RecommendationDecision.objects.exists()
    html = client.get(page_url(projekt)).content.decode()
    assert "Verworfene Empfehlungen" not in html and "Als Ziel übernehmen" in html


def test_a_recommendation_that_no_longer_applies(client_for, projekt, mitarbeiter, weak_s):
    response = client_for(mitarbeiter).post(
        action(projekt, "accept", f"weak-field.N.{YEAR}"), follow=True
    )
    assert "trifft nicht mehr zu" in response.content.decode()
    assert not Goal.objects.exists()


def test_get_is_not_allowed_for_decisions(client_for, projekt, mitarbeiter, weak_s):
    assert client_for(mitarbeiter).get(action(projekt, "accept")).status_code == 405
    assert not Goal.objects.exists()


def test_a_hostile_actor_name_stays_text(client_for, projekt, ehrenamtlicher):
    centre = actor(projekt, HOSTILE)
    for n in range(6):
        tie(projekt, centre, Actor.objects.create(project=projekt, name=f"Partner {n}"))
    html = client_for(ehrenamtlicher).get(page_url(projekt)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söhne" in html
    assert "<script>alert" not in html


def test_the_card_shows_the_top_three_and_how_many_more(
    rf, projekt, koordinatorin, django_assert_max_num_queries
):
    activities(projekt, N=10)  # weak S, O, I; one level; no bridges: five in all
    with django_assert_max_num_queries(20):
        card = recommendations_card(projekt)
    assert [r.rule for r in card["recommendations"]] == ["weak-field"] * 3
    assert (card["open_count"], card["more"]) == (5, 2)
    html = render_to_string(
        "planning/_recommendations_card.html", {"recommendations_card": card}, rf.get("/")
    )
    assert "5 offene Empfehlungen" in html and "und 2 weitere" in html
    assert f'href="{page_url(projekt)}#{FINGERPRINT}"' in html


def test_the_card_without_recommendations(rf, projekt):
    html = render_to_string(
        "planning/_recommendations_card.html",
        {"recommendations_card": recommendations_card(projekt)},
        rf.get("/"),
    )
    assert "Keine offenen Empfehlungen" in html
