"""The public HSDS endpoint of the Wegweiser: who sees what, HSDS shape, probing, rate limit.

The lead mounts the router in ``quartierskompass.api`` (``api.add_router("/public", router)``);
these tests mount it the same way on an API of their own, with the main API's authentication,
so they do not depend on that line – and check the real mount as soon as it is there.
"""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import Resolver404, path, resolve
from django.utils import timezone
from ninja import NinjaAPI

from quartierskompass.activities.models import Need
from quartierskompass.api import api as main_api
from quartierskompass.finder.offers import add_months
from quartierskompass.finder.public_api import router
from tests.factories import make_activity
from tests.shared import SHARED_DATA

HSDS = SHARED_DATA / "hsds" / "schema-3.0"

test_api = NinjaAPI(
    title="public API under test",
    urls_namespace="public-api-test",
    auth=main_api.auth,
)
test_api.add_router("/public", router)
urlpatterns = [path("api/v1/", test_api.urls)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def wegweiser(projekt):
    projekt.wegweiser_enabled = True
    projekt.save()
    return projekt


def url(slug: str, **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/public/{slug}/services" + (f"?{params}" if params else "")


def offer(project, title: str, *, checked: date | None, **values):
    return make_activity(project, title, fields="I", published=True, verified_at=checked, **values)


def names(response) -> list[str]:
    return [s["name"] for s in response.json()["contents"]]


def assert_no_cookies(response) -> None:
    assert not response.cookies, dict(response.cookies)
    assert "Cookie" not in response.get("Vary", "")  # the session was not read


class TestWhoSeesWhat:
    def test_only_published_checked_and_public_offers(self, client, wegweiser, today):
        offer(wegweiser, "Sozialberatung", checked=today)
        offer(wegweiser, "Vor einem Jahr geprüft", checked=add_months(today, -12))
        offer(wegweiser, "Nie geprüft", checked=None)
        offer(wegweiser, "Zu lange nicht geprüft", checked=add_months(today, -19))
        offer(wegweiser, "Intern", checked=today, public_hidden=True)
        offer(wegweiser, "Beendet", checked=today, status="ended", end=date(2021, 1, 1))
        make_activity(wegweiser, "Keine Angebot", fields="S", verified_at=today)
        response = client.get(url(wegweiser.slug))
        assert response.status_code == 200
        assert names(response) == ["Sozialberatung", "Vor einem Jahr geprüft"]
        assert_no_cookies(response)

    def test_hide_after_months_is_the_project_setting(self, client, wegweiser, today):
        offer(wegweiser, "Vor einem Jahr geprüft", checked=add_months(today, -12))
        wegweiser.hide_after_months = 6
        wegweiser.save()
        assert names(client.get(url(wegweiser.slug))) == []

    def test_404_while_the_wegweiser_is_off(self, client, projekt, today):
        offer(projekt, "Sozialberatung", checked=today)
        response = client.get(url(projekt.slug))
        assert response.status_code == 404
        assert_no_cookies(response)

    def test_probing_another_project_learns_nothing(
        self, client, wegweiser, anderes_projekt, fremde_person, today
    ):
        offer(anderes_projekt, "Geheim", checked=today)
        client.force_login(fremde_person)  # even a member gets no more here than anyone
        off = Client().get(url(anderes_projekt.slug))
        missing = Client().get(url("gibt-es-nicht"))
        assert off.status_code == missing.status_code == 404
        assert off.content == missing.content
        assert client.get(url(anderes_projekt.slug)).status_code == 404

    def test_a_logged_in_member_gets_the_same_public_list(
        self, client_for, koordinatorin, wegweiser, today
    ):
        offer(wegweiser, "Sozialberatung", checked=today)
        offer(wegweiser, "Intern", checked=today, public_hidden=True)
        assert names(client_for(koordinatorin).get(url(wegweiser.slug))) == ["Sozialberatung"]

    def test_writes_are_refused(self, client, wegweiser):
        assert client.post(url(wegweiser.slug)).status_code == 405


class TestShape:
    def test_a_page_of_hsds_services(self, client, wegweiser, today):
        found = offer(
            wegweiser,
            "Sozialberatung",
            checked=today,
            schedule="Di 9–12 Uhr",
            languages=["de", "tr"],
            latitude=52.55,
            longitude=13.16,
            free_of_charge=True,
            contact_phone="030 555 0101",
            website="https://diakonie.example",
        )
        found.needs.add(Need.objects.get(code="wohnen"))
        body = client.get(url(wegweiser.slug)).json()
        openapi = json.loads((HSDS / "openapi.json").read_text())
        page = openapi["components"]["schemas"]["Page"]
        jsonschema.validate(body, page)
        assert set(page["properties"]) | {"contents"} == set(body)
        service_schema = json.loads(
            (HSDS / "compiled" / "service_with_definitions.json").read_text()
        )
        check = jsonschema.Draft202012Validator(
            service_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        [service] = body["contents"]
        assert not [e.message for e in check.iter_errors(service)]
        assert service["id"] == str(found.uid)
        assert service["schedules"][0]["byday"] == "TU"
        assert [lang["code"] for lang in service["languages"]] == ["de", "tr"]
        location = service["service_at_locations"][0]["location"]
        assert (location["latitude"], location["longitude"]) == (52.55, 13.16)
        assert service["attributes"][0]["taxonomy_term"]["code"] == "wohnen"

    def test_pagination(self, client, wegweiser, today):
        for title in ("Anna", "Bert", "Cora", "Dirk", "Emil"):
            offer(wegweiser, title, checked=today)
        first = client.get(url(wegweiser.slug, per_page=2)).json()
        assert (first["total_items"], first["total_pages"], first["size"]) == (5, 3, 2)
        assert first["first_page"] and not first["last_page"] and not first["empty"]
        assert [s["name"] for s in first["contents"]] == ["Anna", "Bert"]
        last = client.get(url(wegweiser.slug, page=3, per_page=2)).json()
        assert [s["name"] for s in last["contents"]] == ["Emil"] and last["last_page"]
        beyond = client.get(url(wegweiser.slug, page=9, per_page=2)).json()
        assert beyond["contents"] == [] and beyond["size"] == 0
        assert client.get(url(wegweiser.slug, per_page=1000)).status_code == 422
        assert client.get(url(wegweiser.slug, page=0)).status_code == 422

    def test_an_empty_wegweiser(self, client, wegweiser):
        body = client.get(url(wegweiser.slug)).json()
        assert body["empty"] and body["total_pages"] == 0 and body["contents"] == []


class TestRateLimit:
    def test_too_many_requests_get_429_without_cookie(self, client, settings, wegweiser):
        settings.QK_PUBLIC_RATE_LIMIT = 3
        answers = [client.get(url(wegweiser.slug)) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert int(answers[-1]["Retry-After"]) <= 60
        assert_no_cookies(answers[-1])
        # Probing unknown projects counts too, so it cannot go around the limit.
        assert client.get(url("gibt-es-nicht")).status_code == 429


def test_the_real_mount_once_the_lead_added_it(settings, wegweiser, today):
    try:
        resolve(url(wegweiser.slug).split("?")[0], urlconf="quartierskompass.urls")
    except Resolver404:
        pytest.skip("api.add_router('/public', router) is not in quartierskompass.api yet")
    offer(wegweiser, "Sozialberatung", checked=today)
    settings.ROOT_URLCONF = "quartierskompass.urls"
    response = Client().get(url(wegweiser.slug))
    assert response.status_code == 200 and names(response) == ["Sozialberatung"]
    assert_no_cookies(response)
