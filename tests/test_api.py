from __future__ import annotations

import pytest

from quartierskompass.accounts.models import ApiToken


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_anonymous_is_refused(client, projekt):
    assert client.get("/api/v1/projects").status_code == 401
    assert client.get(f"/api/v1/projects/{projekt.slug}").status_code == 401


def test_a_token_reads_only_the_projects_of_its_owner(
    client, projekt, anderes_projekt, ehrenamtlicher
):
    _token, key = ApiToken.issue(user=ehrenamtlicher, name="Auswertung")
    data = client.get("/api/v1/projects", **bearer(key)).json()
    assert data == [
        {
            "slug": "nordstadt",
            "name": "Quartiersprojekt Nordstadt",
            "description": "",
            "programme": "aufbruch",
            "role": "viewer",
        }
    ]
    assert client.get("/api/v1/projects/suedstadt", **bearer(key)).status_code == 404
    assert ApiToken.objects.get().last_used_at is not None


def test_the_token_header_works_too(client, projekt, koordinatorin):
    _token, key = ApiToken.issue(user=koordinatorin, name="t")
    response = client.get(f"/api/v1/projects/{projekt.slug}", HTTP_X_API_TOKEN=key)
    assert response.json()["role"] == "owner"


@pytest.mark.parametrize("key", ["qk_falsch", "", "Bearer"])
def test_wrong_tokens_are_refused(client, projekt, key):
    assert client.get("/api/v1/projects", **bearer(key)).status_code == 401


def test_a_deactivated_person_s_token_stops_working(client, projekt, koordinatorin):
    _token, key = ApiToken.issue(user=koordinatorin, name="t")
    koordinatorin.is_active = False
    koordinatorin.save()
    assert client.get("/api/v1/projects", **bearer(key)).status_code == 401


def test_session_login_works_for_reading(client_for, projekt, programmleitung):
    data = client_for(programmleitung).get("/api/v1/projects").json()
    assert [(p["slug"], p["role"]) for p in data] == [("nordstadt", "coordinator")]


def test_openapi_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/projects" in schema["paths"]
