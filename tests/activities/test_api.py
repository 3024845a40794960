from __future__ import annotations

import pytest

from quartierskompass.accounts.models import ApiToken
from quartierskompass.activities.models import Activity
from tests.factories import make_activity

BODY = {
    "title": "Nachbarschaftscafé",
    "start": "2025-01-01",
    "fields": ["N", "I"],
    "staff_hours": 200,
    "work_forms": ["n-gemeinwesen"],
    "needs": ["einsamkeit-begegnung"],
    "responsible": "Ev. Kirchengemeinde",
    "partners": ["Nachbarschaftsverein"],
    "languages": ["de", "tr"],
}


def auth(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def base(project) -> str:
    return f"/api/v1/projects/{project.slug}"


def test_an_editor_creates_reads_updates_and_deletes(client, projekt, mitarbeiter):
    headers = auth(mitarbeiter)
    created = client.post(
        f"{base(projekt)}/activities", BODY, content_type="application/json", **headers
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["shares"] == {"S": 0, "O": 0, "N": 50, "I": 50}
    assert (data["responsible"], data["partners"]) == (
        "Ev. Kirchengemeinde",
        ["Nachbarschaftsverein"],
    )
    url = f"{base(projekt)}/activities/{data['id']}"
    assert client.get(url, **headers).json()["work_forms"] == ["n-gemeinwesen"]
    updated = client.put(
        url,
        {**BODY, "shares": {"N": 70, "I": 30}, "version": 1},
        content_type="application/json",
        **headers,
    )
    assert updated.json()["shares"]["N"] == 70
    assert updated.json()["version"] == 2
    stale = client.put(url, {**BODY, "version": 1}, content_type="application/json", **headers)
    assert stale.status_code == 409
    assert client.delete(url, **headers).status_code == 204
    assert Activity.with_deleted.get().deleted_at is not None


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"shares": {"N": 70, "I": 20}}, "100 %"),
        ({"fields": ["X"]}, "Unbekannte SONI-Felder"),
        ({"needs": ["gibtsnicht"]}, "Unbekannte Codes für Bedarfe: gibtsnicht"),
        ({"end": "2024-01-01"}, "vor dem Beginn"),
        ({"staff_hours": -3}, "größer oder gleich 0"),
        ({"work_forms": ["s-analyse"]}, "Feldern ohne Anteil"),
        ({"languages": ["xx"]}, "Unbekannter Sprachcode"),
        ({"title": "Nul\u0000l"}, "Steuerzeichen"),
    ],
)
def test_bad_input_is_refused_in_german_and_nothing_is_stored(
    client, projekt, mitarbeiter, change, fragment
):
    response = client.post(
        f"{base(projekt)}/activities",
        {**BODY, **change},
        content_type="application/json",
        **auth(mitarbeiter),
    )
    assert response.status_code == 422, response.content
    assert fragment in response.json()["detail"]
    assert not Activity.with_deleted.exists()
    assert not projekt.actors_actors.exists()  # no half-created actors either


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("fremde_person", 404, 404),
        ("ehrenamtlicher", 200, 403),
        ("programmleitung", 200, 403),
        ("mitarbeiter", 200, 201),
        ("koordinatorin", 200, 201),
    ],
)
def test_each_persona_by_role(request, client, projekt, persona, read, write):
    activity = make_activity(projekt, fields="N")
    headers = auth(request.getfixturevalue(persona))
    assert client.get(f"{base(projekt)}/activities", **headers).status_code == read
    assert client.get(f"{base(projekt)}/activities/{activity.pk}", **headers).status_code == read
    assert client.get(f"{base(projekt)}/matrix?period=2025", **headers).status_code == read
    response = client.post(
        f"{base(projekt)}/activities", BODY, content_type="application/json", **headers
    )
    assert response.status_code == write
    delete = client.delete(f"{base(projekt)}/activities/{activity.pk}", **headers)
    assert delete.status_code == (204 if write == 201 else write)


def test_anonymous_gets_401(client, projekt):
    assert client.get(f"{base(projekt)}/activities").status_code == 401
    assert client.get(f"{base(projekt)}/matrix?period=2025").status_code == 401


def test_list_filters_and_pagination(client, projekt, ehrenamtlicher):
    for number in range(5):
        make_activity(projekt, f"Angebot {number}", fields="N" if number % 2 else "S")
    headers = auth(ehrenamtlicher)
    page = client.get(f"{base(projekt)}/activities?limit=2&offset=2", **headers).json()
    assert page["count"] == 5 and [a["title"] for a in page["items"]] == ["Angebot 2", "Angebot 3"]
    only_s = client.get(f"{base(projekt)}/activities?field=S", **headers).json()
    assert only_s["count"] == 3


def test_the_matrix_endpoint_equals_the_matrix_function(client, projekt, ehrenamtlicher):
    make_activity(projekt, fields="SNI", budget=3650)
    data = client.get(
        f"{base(projekt)}/matrix?period=2025&measure=budget", **auth(ehrenamtlicher)
    ).json()
    assert data["cells"] == pytest.approx({"S": 1241.0, "O": 0.0, "N": 1204.5, "I": 1204.5})
    assert data["scope"] == {"project": "nordstadt"}
    bad = client.get(f"{base(projekt)}/matrix?period=letztes", **auth(ehrenamtlicher))
    assert bad.status_code == 422


def test_session_writes_need_the_csrf_token(projekt, mitarbeiter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(mitarbeiter)
    response = client.post(f"{base(projekt)}/activities", BODY, content_type="application/json")
    assert response.status_code == 403
