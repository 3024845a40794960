"""The recommendations API: who may read, who may decide, and what a refusal says."""

from __future__ import annotations

import pytest

from quartierskompass.accounts.models import ApiToken
from quartierskompass.planning.models import Goal, RecommendationDecision

from .recommendation_data import YEAR, activities

FINGERPRINT = f"weak-field.S.{YEAR}"


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="Test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def url(project, rest: str = "") -> str:
    return f"/api/v1/projects/{project.slug}/recommendations{rest}"


@pytest.fixture
def weak_s(projekt):
    activities(projekt, S=1, N=6, I=7, ON=6)


def test_anonymous_is_refused(client, projekt, weak_s):
    assert client.get(url(projekt)).status_code == 401
    assert client.post(url(projekt, f"/{FINGERPRINT}/accept")).status_code == 401
    assert not Goal.objects.exists()


def test_another_project_is_not_found(client, projekt, fremde_person, weak_s):
    auth = bearer(fremde_person)
    assert client.get(url(projekt), **auth).status_code == 404
    response = client.post(url(projekt, f"/{FINGERPRINT}/accept"), **auth)
    assert response.status_code == 404
    assert not Goal.objects.exists()


def test_a_viewer_reads_with_the_numbers(client, projekt, ehrenamtlicher, weak_s):
    response = client.get(url(projekt), {"year": YEAR}, **bearer(ehrenamtlicher))
    assert response.status_code == 200
    [rec] = response.json()
    assert rec["rule"] == "weak-field" and rec["fingerprint"] == FINGERPRINT
    assert rec["fields"] == ["S"]
    assert rec["evidence"]["share"] == pytest.approx(0.05)
    assert rec["evidence"]["activities"] == 20
    assert [w["code"] for w in rec["work_forms"]] == ["s-analyse", "s-planung", "s-konzept"]
    assert rec["methods"] == [
        {"code": "stadtteilbegehung", "field": "S", "label": "Strukturierte Stadtteilbegehung"}
    ]


def test_a_coordinator_reads_too(client_for, projekt, programmleitung, weak_s):
    response = client_for(programmleitung).get(url(projekt), {"year": YEAR})
    assert [r["fingerprint"] for r in response.json()] == [FINGERPRINT]


@pytest.mark.parametrize("persona", ["ehrenamtlicher", "programmleitung"])
def test_readers_cannot_decide(request, client, projekt, weak_s, persona):
    auth = bearer(request.getfixturevalue(persona))
    assert client.post(url(projekt, f"/{FINGERPRINT}/accept"), **auth).status_code == 403
    response = client.post(
        url(projekt, f"/{FINGERPRINT}/dismiss"),
        {"reason": "passt nicht"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    assert not Goal.objects.exists() and not RecommendationDecision.objects.exists()


def test_an_editor_accepts_once(client, projekt, mitarbeiter, weak_s):
    auth = bearer(mitarbeiter)
    response = client.post(url(projekt, f"/{FINGERPRINT}/accept"), **auth)
    assert response.status_code == 201
    data = response.json()
    goal = Goal.objects.get()
    assert (data["decision"], data["goal"], data["rule"]) == ("accepted", goal.pk, "weak-field")
    assert goal.fields == ["S"] and goal.recommendation == "weak-field"
    assert client.get(url(projekt), {"year": YEAR}, **auth).json() == []

    again = client.post(url(projekt, f"/{FINGERPRINT}/accept"), **auth)
    assert again.status_code == 409
    assert "bereits als Ziel übernommen" in again.json()["detail"]
    assert Goal.objects.count() == 1


def test_an_editor_dismisses_with_a_reason_and_restores(client, projekt, mitarbeiter, weak_s):
    auth = bearer(mitarbeiter)
    dismiss = url(projekt, f"/{FINGERPRINT}/dismiss")
    empty = client.post(dismiss, {"reason": " "}, content_type="application/json", **auth)
    assert empty.status_code == 422 and "warum" in empty.json()["detail"]
    assert client.post(dismiss, {}, content_type="application/json", **auth).status_code == 422
    response = client.post(
        dismiss, {"reason": "Machen wir 2026."}, content_type="application/json", **auth
    )
    assert response.status_code == 201
    assert response.json()["reason"] == "Machen wir 2026."
    decisions = client.get(url(projekt, "/decisions"), **auth).json()
    assert [(d["fingerprint"], d["decision"]) for d in decisions] == [(FINGERPRINT, "dismissed")]

    accept = client.post(url(projekt, f"/{FINGERPRINT}/accept"), **auth)
    assert accept.status_code == 409 and "verworfen" in accept.json()["detail"]
    assert not Goal.objects.exists()

    assert client.post(url(projekt, f"/{FINGERPRINT}/restore"), **auth).status_code == 204
    assert client.post(url(projekt, f"/{FINGERPRINT}/restore"), **auth).status_code == 409
    assert len(client.get(url(projekt), {"year": YEAR}, **auth).json()) == 1


def test_a_fingerprint_that_does_not_apply_is_not_found(client, projekt, mitarbeiter, weak_s):
    response = client.post(url(projekt, f"/weak-field.N.{YEAR}/accept"), **bearer(mitarbeiter))
    assert response.status_code == 404
    assert "trifft nicht mehr zu" in response.json()["detail"]
    assert not Goal.objects.exists()


def test_a_silly_year_is_refused(client, projekt, ehrenamtlicher):
    response = client.get(url(projekt), {"year": 12}, **bearer(ehrenamtlicher))
    assert response.status_code == 422


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/projects/{slug}/recommendations" in paths
    assert "/api/v1/projects/{slug}/recommendations/{fingerprint}/dismiss" in paths
