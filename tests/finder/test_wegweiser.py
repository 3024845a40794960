"""The public Wegweiser: which offers everyone sees, search, privacy and probing."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from quartierskompass.activities.models import Activity, Need, TargetGroup
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area
from quartierskompass.finder.offers import (
    PUBLIC_STATUSES,
    add_months,
    check_status,
    public_offers,
)
from tests.factories import make_activity

PERSONAS = ["anonym", "fremde_person", "ehrenamtlicher", "mitarbeiter", "koordinatorin"]


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The rate limit counts in the cache; each test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def wegweiser(projekt):
    projekt.wegweiser_enabled = True
    projekt.wegweiser_intro = "Hier finden Sie Hilfe im Quartier."
    projekt.save()
    return projekt


def offer(project, title: str, *, checked: date | None, **values) -> Activity:
    return make_activity(project, title, fields="I", published=True, verified_at=checked, **values)


def list_url(project) -> str:
    return reverse("finder:wegweiser", args=[project.slug])


def offer_url(project, activity) -> str:
    return reverse("finder:wegweiser_offer", args=[project.slug, activity.uid])


def client_of(request, persona: str) -> Client:
    client = Client()
    if persona != "anonym":
        client.force_login(request.getfixturevalue(persona))
    return client


def titles(response) -> list[str]:
    """The offers a list page shows, in order."""
    html = response.content.decode()
    return re.findall(r'<h3 class="ww-offer__title"><a href="[^"]+">([^<]+)</a>', html)


def assert_no_cookies(response) -> None:
    assert not response.cookies, dict(response.cookies)
    assert not response.has_header("Set-Cookie")


class TestPublicOffersRule:
    def test_only_published_unhidden_active_and_recently_checked_offers_are_public(
        self, wegweiser, anderes_projekt, today
    ):
        cutoff = add_months(today, -18)
        offer(wegweiser, "Sozialberatung", checked=today)
        offer(wegweiser, "Gerade noch geprüft", checked=cutoff)
        offer(wegweiser, "Zu prüfen, aber sichtbar", checked=add_months(today, -13))
        offer(wegweiser, "Einen Tag zu alt", checked=cutoff - timedelta(days=1))
        offer(wegweiser, "Nie geprüft", checked=None)
        offer(wegweiser, "Intern", checked=today, public_hidden=True)
        offer(wegweiser, "Geplant", checked=today, status="planned")
        offer(wegweiser, "Beendet", checked=today, status="ended", end=today - timedelta(days=3))
        offer(wegweiser, "Vorbei, aber aktiv", checked=today, end=today - timedelta(days=1))
        offer(wegweiser, "Endet heute", checked=today, end=today)
        offer(wegweiser, "Im Papierkorb", checked=today).move_to_trash()
        make_activity(wegweiser, "Keine öffentliche Aktivität", fields="S", verified_at=today)
        anderes_projekt.wegweiser_enabled = True
        anderes_projekt.save()
        offer(anderes_projekt, "Angebot nebenan", checked=today)

        public = sorted(public_offers(wegweiser, today).values_list("title", flat=True))
        assert public == [
            "Endet heute",
            "Gerade noch geprüft",
            "Sozialberatung",
            "Zu prüfen, aber sichtbar",
        ]

    def test_check_status_and_public_offers_agree(self, wegweiser, today):
        """The checks page and the Wegweiser read the rule from the same place."""
        for months in (0, 11, 12, 13, 17, 18, 19, 40):
            offer(wegweiser, f"Geprüft vor {months} Monaten", checked=add_months(today, -months))
        offer(wegweiser, "Nie", checked=None)
        offer(wegweiser, "Intern", checked=today, public_hidden=True)
        offer(wegweiser, "Geplant", checked=today, status="planned")
        public = set(public_offers(wegweiser, today))
        for activity in Activity.objects.filter(project=wegweiser, published=True):
            in_status = check_status(activity, wegweiser, today) in PUBLIC_STATUSES
            assert in_status == (activity in public), activity.title

    def test_nothing_is_public_while_the_wegweiser_is_off(self, projekt, today):
        offer(projekt, "Sozialberatung", checked=today)
        assert not public_offers(projekt, today).exists()

    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 3, 15), -18, date(2024, 9, 15)),
            (date(2024, 3, 31), -1, date(2024, 2, 29)),
            (date(2025, 3, 31), -1, date(2025, 2, 28)),
            (date(2025, 1, 31), 1, date(2025, 2, 28)),
            (date(2025, 11, 30), 3, date(2026, 2, 28)),
            (date(2026, 1, 10), -12, date(2025, 1, 10)),
        ],
    )
    def test_months_are_calendar_months(self, day, months, expected):
        assert add_months(day, months) == expected


class TestSameForEveryone:
    @pytest.fixture
    def offers(self, wegweiser, today):
        return [
            offer(wegweiser, "Sozialberatung", checked=today, schedule="Di 9–12 Uhr"),
            offer(wegweiser, "Nie geprüft", checked=None),
        ]

    def test_list_and_offer_look_the_same_for_every_persona_and_set_no_cookie(
        self, request, wegweiser, offers
    ):
        pages = {}
        for persona in PERSONAS:
            client = client_of(request, persona)
            listing = client.get(list_url(wegweiser))
            detail = client.get(offer_url(wegweiser, offers[0]))
            for response in (listing, detail):
                assert response.status_code == 200
                assert_no_cookies(response)
            pages[persona] = (listing.content, detail.content)
        assert len(set(pages.values())) == 1, "the public pages differ between personas"
        assert titles(listing) == ["Sozialberatung"]

    def test_the_pages_have_no_form_token_no_script_and_nothing_from_elsewhere(
        self, client, wegweiser, offers
    ):
        offers[0].website = "https://beratung.example.org/"
        offers[0].save()
        for url in (list_url(wegweiser), offer_url(wegweiser, offers[0])):
            html = client.get(url).content.decode()
            assert "csrfmiddlewaretoken" not in html
            assert "<script" not in html
            assert 'method="post"' not in html
            resources = re.findall(r'<(?:link|img|script|iframe)[^>]+(?:src|href)="([^"]+)"', html)
            assert resources and all(r.startswith("/") for r in resources), resources
            assert '<html lang="de">' in html

    def test_no_app_navigation_and_no_login_link(self, client, wegweiser, offers):
        html = client.get(list_url(wegweiser)).content.decode()
        assert reverse("accounts:login") not in html
        assert "main-nav" not in html
        assert '<main id="main"' in html and "<header" in html and "<footer" in html


class TestProbing:
    def test_every_wrong_address_gets_the_same_404(
        self, request, wegweiser, anderes_projekt, fremde_person, today
    ):
        own_internal = offer(wegweiser, "Intern", checked=today, public_hidden=True)
        own_unchecked = offer(wegweiser, "Ungeprüft", checked=None)
        foreign = offer(anderes_projekt, "Nebenan", checked=today)
        off = offer(anderes_projekt, "Aus", checked=today)
        urls = [
            reverse("finder:wegweiser", args=["gibt-es-nicht"]),
            list_url(anderes_projekt),  # exists, Wegweiser off
            offer_url(anderes_projekt, off),
            offer_url(wegweiser, own_internal),
            offer_url(wegweiser, own_unchecked),
            offer_url(wegweiser, foreign),  # another project's offer under this project
            reverse("finder:wegweiser_offer", args=[wegweiser.slug, uuid.uuid4()]),
            reverse("finder:wegweiser_offer", args=["gibt-es-nicht", foreign.uid]),
        ]
        answers = set()
        for persona in PERSONAS:
            client = client_of(request, persona)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 404, url
                assert_no_cookies(response)
                answers.add(response.content)
        assert len(answers) == 1
        assert b"Nebenan" not in answers.pop()

    def test_a_project_that_switches_the_wegweiser_off_disappears(self, client, wegweiser, today):
        shown = offer(wegweiser, "Sozialberatung", checked=today)
        assert client.get(offer_url(wegweiser, shown)).status_code == 200
        wegweiser.wegweiser_enabled = False
        wegweiser.save()
        assert client.get(list_url(wegweiser)).status_code == 404
        assert client.get(offer_url(wegweiser, shown)).status_code == 404

    def test_writes_are_refused(self, client, wegweiser):
        assert client.post(list_url(wegweiser)).status_code == 405
        assert client.head(list_url(wegweiser)).status_code == 200

    def test_too_many_requests_get_429_without_cookie(self, client, settings, wegweiser):
        settings.QK_PUBLIC_RATE_LIMIT = 3
        answers = [client.get(list_url(wegweiser)) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert_no_cookies(answers[-1])
        # Probing unknown projects counts too, so it cannot be used to go around the limit.
        assert client.get(reverse("finder:wegweiser", args=["x"])).status_code == 429


class TestSearch:
    @pytest.fixture
    def catalogue(self, wegweiser, today):
        wohnen = Need.objects.get(code="wohnen")
        kinder = TargetGroup.objects.get(code="kinder")
        mitte = Area.objects.create(code_system="t", code="1", name="Mitte")
        nord = Area.objects.create(code_system="t", code="2", name="Nord")
        offer(wegweiser, "Straßenfest für Ältere", checked=today, area=mitte)
        advice = offer(
            wegweiser,
            "Mieterberatung",
            checked=today,
            description="Hilfe bei Wohnungsfragen",
            area=nord,
        )
        advice.needs.add(wohnen)
        homework = offer(wegweiser, "Hausaufgabenhilfe", checked=today, area=nord)
        homework.target_groups.add(kinder)
        hidden = offer(wegweiser, "Versteckte Wohnberatung", checked=None)
        hidden.needs.add(Need.objects.get(code="sucht"))
        return {"mitte": mitte, "nord": nord, "wohnen": wohnen, "kinder": kinder}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("strasse", ["Straßenfest für Ältere"]),
            ("STRASSENFEST", ["Straßenfest für Ältere"]),
            ("aeltere", ["Straßenfest für Ältere"]),
            ("Älter Straße", ["Straßenfest für Ältere"]),
            ("fuer", ["Straßenfest für Ältere"]),
            ("wohnung", ["Mieterberatung"]),
            ("beratung hilfe", ["Mieterberatung"]),
            ("beratung kinder", []),
            ("", ["Hausaufgabenhilfe", "Mieterberatung", "Straßenfest für Ältere"]),
        ],
    )
    def test_free_text_ignores_case_umlauts_and_sharp_s(
        self, client, wegweiser, catalogue, query, expected
    ):
        assert titles(client.get(list_url(wegweiser), {"suche": query})) == expected

    def test_filters_by_need_target_group_and_area(self, client, wegweiser, catalogue):
        url = list_url(wegweiser)
        assert titles(client.get(url, {"thema": "wohnen"})) == ["Mieterberatung"]
        assert titles(client.get(url, {"fuer": "kinder"})) == ["Hausaufgabenhilfe"]
        nord = str(catalogue["nord"].pk)
        assert titles(client.get(url, {"gebiet": nord})) == ["Hausaufgabenhilfe", "Mieterberatung"]
        assert titles(client.get(url, {"gebiet": nord, "fuer": "kinder"})) == ["Hausaufgabenhilfe"]

    def test_a_wrong_filter_value_is_ignored(self, client, wegweiser, catalogue):
        response = client.get(list_url(wegweiser), {"thema": "gibt-es-nicht", "gebiet": "x"})
        assert response.status_code == 200
        assert len(titles(response)) == 3

    def test_the_choices_name_only_what_public_offers_have(self, client, wegweiser, catalogue):
        html = client.get(list_url(wegweiser)).content.decode()
        assert 'value="wohnen"' in html and 'value="kinder"' in html
        assert f'value="{catalogue["mitte"].pk}"' in html
        # "sucht" belongs only to an offer that is not public.
        assert 'value="sucht"' not in html and "?thema=sucht" not in html
        assert "?thema=wohnen" in html

    def test_the_chosen_filter_stays_selected(self, client, wegweiser, catalogue):
        html = client.get(list_url(wegweiser), {"thema": "wohnen", "suche": "Miete"}).content
        html = html.decode()
        assert '<option value="wohnen" selected>' in html
        assert 'value="Miete"' in html

    def test_pages_keep_the_search(self, client, wegweiser, today):
        for number in range(25):
            offer(wegweiser, f"Treff {number:02d}", checked=today)
        first = client.get(list_url(wegweiser), {"suche": "treff"})
        assert len(titles(first)) == 20
        assert "suche=treff&amp;seite=2" in first.content.decode()
        second = client.get(list_url(wegweiser), {"suche": "treff", "seite": "2"})
        assert titles(second) == [f"Treff {n}" for n in range(20, 25)]


class TestOfferPage:
    def test_it_tells_what_for_whom_when_where_cost_and_contact(self, client, wegweiser, today):
        provider = Actor.objects.create(
            project=wegweiser, name="Diakonie Nord", address="Kirchweg 3, 13589 Berlin"
        )
        shown = offer(
            wegweiser,
            "Sozialberatung",
            checked=today,
            description="Wir helfen bei Anträgen.",
            schedule="Di 9–12 Uhr",
            cost="Spende willkommen",
            free_of_charge=True,
            languages=["de", "tr"],
            barrier_free=True,
            contact_name="Beratungsstelle",
            contact_phone="030 / 555-0101",
            contact_email="beratung@example.org",
            website="https://beratung.example.org/",
            min_age=18,
            responsible=provider,
        )
        shown.target_groups.add(TargetGroup.objects.get(code="alle"))
        html = client.get(offer_url(wegweiser, shown)).content.decode()
        with translation.override("de"):
            checked_on = date_format(today)
        for text in (
            "Sozialberatung",
            "Wir helfen bei Anträgen.",
            "Di 9–12 Uhr",
            "Spende willkommen",
            "Deutsch, Türkisch",
            "Beratungsstelle",
            'href="tel:0305550101"',
            'href="mailto:beratung@example.org"',
            'href="https://beratung.example.org/"',
            "Kirchweg 3, 13589 Berlin",
            "Diakonie Nord",
            checked_on,
        ):
            assert text in html, text

    def test_hostile_text_is_shown_as_text(self, client, wegweiser, today):
        Activity.objects.filter(pk=offer(wegweiser, "Treff", checked=today).pk).update(
            title='<script>alert("x")</script>', description="<b>fett</b>"
        )
        hostile = Activity.objects.get()
        for url in (list_url(wegweiser), offer_url(wegweiser, hostile)):
            html = client.get(url).content.decode()
            assert "<script>alert" not in html and "&lt;script&gt;" in html
            assert "<b>fett</b>" not in html


class TestSpeed:
    def build(self, project, today, count: int) -> None:
        needs = list(Need.objects.all()[:4])
        groups = list(TargetGroup.objects.all()[:3])
        areas = [
            Area.objects.create(code_system="t", code=str(i), name=f"Gebiet {i}") for i in range(3)
        ]
        provider = Actor.objects.create(project=project, name="Träger", address="Weg 1")
        for number in range(count):
            activity = offer(
                project,
                f"Angebot {number:03d}",
                checked=today,
                area=areas[number % 3],
                responsible=provider,
                languages=["de", "ar"],
            )
            activity.needs.add(needs[number % 4])
            activity.target_groups.add(groups[number % 3])

    @pytest.mark.parametrize("count", [3, 30])
    def test_the_list_needs_few_queries_whatever_the_number_of_offers(
        self, client, wegweiser, today, django_assert_max_num_queries, count
    ):
        self.build(wegweiser, today, count)
        topic = Need.objects.first().code
        # project, 3 filter choices, count, page, its needs, date of the last check
        with django_assert_max_num_queries(8):
            response = client.get(list_url(wegweiser), {"thema": topic})
        assert response.status_code == 200
        with django_assert_max_num_queries(8):
            client.get(list_url(wegweiser), {"suche": "angebot", "seite": "2"})

    def test_the_offer_page_needs_few_queries(
        self, client, wegweiser, today, django_assert_max_num_queries
    ):
        self.build(wegweiser, today, 3)
        shown = Activity.objects.first()
        with django_assert_max_num_queries(4):
            assert client.get(offer_url(wegweiser, shown)).status_code == 200
