"""Hilfelotse pages, the Hilfeplan PDF, the Fall-zum-Feld signals and the API: who may use
them, what they show, and what they keep – only anonymous codes, never notes."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from urllib.parse import urlencode

import pypdfium2 as pdfium
import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from ninja.testing import TestClient

from quartierskompass.activities.models import Need
from quartierskompass.actors.models import Actor
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.finder.api import router
from quartierskompass.finder.models import SearchLog
from quartierskompass.finder.signals import signals
from quartierskompass.finder.views.lotse import PICKS_KEY
from tests.factories import make_activity

NOTE = "Frau Demir – Termin Mi 10 Uhr, Mietschulden 2.300 €"
PLAN_NOTE = "Zuerst Sozialberatung, dann Mieterverein. Rückruf Fr."
HOSTILE = '<script>alert("x")</script> & "Söhne"'


@pytest.fixture
def feld(projekt) -> Area:
    area = Area.objects.create(code_system="t", code="05", name="Falkenhagener Feld")
    ProjectArea.objects.create(project=projekt, area=area)
    return area


@pytest.fixture
def beratung(projekt, feld):
    diakonie = Actor.objects.create(
        project=projekt, name="Diakonisches Werk", address="Westerwaldstraße 14, 13589 Berlin"
    )
    offer = make_activity(
        projekt,
        "Allgemeine Sozialberatung",
        fields="I",
        published=True,
        responsible=diakonie,
        area=feld,
        area_locked=True,
        schedule="Di 9–12 Uhr, Do 14–17 Uhr",
        free_of_charge=True,
        languages=["de", "tr"],
        barrier_free=True,
        contact_name="Beratungsstelle",
        contact_phone="030 555 0101",
        latitude=52.5550,
        longitude=13.1700,
    )
    offer.needs.set(Need.objects.filter(code__in=["wohnen", "existenzsicherung"]))
    return offer


@pytest.fixture
def mieterverein(projekt, feld):
    offer = make_activity(
        projekt,
        "Mieterverein",
        fields="I",
        published=True,
        area=feld,
        area_locked=True,
        cost="Mitgliedsbeitrag 5 € im Monat",
        free_of_charge=False,
    )
    offer.needs.set(Need.objects.filter(code="wohnen"))
    return offer


def lotse_url(project, **query) -> str:
    url = reverse("finder:lotse", args=[project.slug])
    if not query:
        return url
    return f"{url}?{urlencode(query, doseq=True)}"


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


class TestAccess:
    NAMES = ["lotse", "hilfeplan", "hilfeplan_pdf", "signals"]

    @pytest.mark.parametrize("name", NAMES)
    def test_anonymous_people_are_sent_to_the_login(self, client, projekt, name):
        response = client.get(reverse(f"finder:{name}", args=[projekt.slug]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("name", NAMES)
    def test_members_of_another_project_find_nothing(
        self, client_for, projekt, fremde_person, name
    ):
        response = client_for(fremde_person).get(reverse(f"finder:{name}", args=[projekt.slug]))
        assert response.status_code == 404

    def test_a_viewer_may_search_pick_and_print(
        self, client_for, projekt, ehrenamtlicher, beratung
    ):
        client = client_for(ehrenamtlicher)
        page = client.get(lotse_url(projekt, bedarf="wohnen"))
        assert "Allgemeine Sozialberatung" in page.content.decode()
        pick = client.post(reverse("finder:pick", args=[projekt.slug]), {"activity": beratung.pk})
        assert pick.status_code == 302
        response = client.post(reverse("finder:hilfeplan_pdf", args=[projekt.slug]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"

    def test_an_offer_of_another_project_cannot_be_picked(
        self, client_for, projekt, anderes_projekt, ehrenamtlicher
    ):
        foreign = make_activity(anderes_projekt, "Fremd", fields="I", published=True)
        client = client_for(ehrenamtlicher)
        client.post(reverse("finder:pick", args=[projekt.slug]), {"activity": foreign.pk})
        assert client.session.get(PICKS_KEY, {}).get(projekt.slug) is None


class TestSearchPage:
    def test_the_empty_page_shows_the_form_and_logs_nothing(
        self, client_for, projekt, koordinatorin
    ):
        response = client_for(koordinatorin).get(lotse_url(projekt))
        assert response.status_code == 200
        assert 'name="bedarf"' in response.content.decode()
        assert not SearchLog.objects.exists()

    def test_results_show_reasons_contact_and_times(
        self, client_for, projekt, koordinatorin, beratung, mieterverein
    ):
        response = client_for(koordinatorin).get(
            lotse_url(projekt, bedarf="wohnen", sprache="tr", lat="52.5540", lon="13.1710")
        )
        html = response.content.decode()
        assert html.index("Allgemeine Sozialberatung") < html.index("Mieterverein")
        assert "Türkisch" in html and "030 555 0101" in html and "Di 9–12 Uhr" in html
        assert "Westerwaldstraße 14" in html
        assert 'class="chip chip--miss"' in html  # the Mieterverein states no language

    def test_the_area_must_be_one_of_the_project(self, client_for, projekt, koordinatorin, feld):
        elsewhere = Area.objects.create(code_system="t", code="99", name="Anderswo")
        client = client_for(koordinatorin)
        client.get(lotse_url(projekt, gebiet=elsewhere.pk))
        assert not SearchLog.objects.exists()
        client.get(lotse_url(projekt, gebiet=feld.pk))
        assert SearchLog.objects.get().area == feld

    def test_a_place_needs_both_coordinates(self, client_for, projekt, koordinatorin):
        response = client_for(koordinatorin).get(lotse_url(projekt, lat="52.55"))
        assert response.status_code == 200
        assert "message--error" in response.content.decode()
        assert not SearchLog.objects.exists()

    def test_hostile_titles_stay_text(self, client_for, projekt, koordinatorin):
        offer = make_activity(projekt, HOSTILE, fields="I", published=True)
        offer.needs.set(Need.objects.filter(code="wohnen"))
        html = client_for(koordinatorin).get(lotse_url(projekt, bedarf="wohnen")).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Söhne&quot;" in html


class TestSearchLog:
    def test_each_search_writes_one_row_with_codes_area_and_count_only(
        self, client_for, projekt, koordinatorin, feld, beratung
    ):
        client_for(koordinatorin).get(
            lotse_url(
                projekt,
                bedarf=["wohnen", "sucht"],
                zielgruppe="senioren",
                alter=67,
                gebiet=feld.pk,
                lat="52.5540",
                lon="13.1710",
                umkreis=2000,
                sprache="tr",
                barrierefrei="on",
                kostenlos="on",
                tag="heute",
                uhrzeit="10:00",
                text="Frau Demir Räumungsklage",
            )
        )
        (row,) = SearchLog.objects.all()
        assert {f.attname: getattr(row, f.attname) for f in SearchLog._meta.concrete_fields} == {
            "id": row.pk,
            "project_id": projekt.pk,
            "date": timezone.localdate(),
            "needs": ["sucht", "wohnen"],
            "target_groups": ["senioren"],
            "area_id": feld.pk,
            "results": 0,  # all words must be found, and nobody is called „Demir“
            "picked": False,
        }

    def test_picking_marks_the_search_and_the_page_after_it_logs_no_second_row(
        self, client_for, projekt, koordinatorin, beratung
    ):
        client = client_for(koordinatorin)
        page = client.get(lotse_url(projekt, bedarf="wohnen"))
        log = SearchLog.objects.get()
        here = page.context["here"]
        response = client.post(
            reverse("finder:pick", args=[projekt.slug]),
            {"activity": beratung.pk, "protokoll": log.pk, "next": here},
        )
        assert response["Location"] == here
        client.get(response["Location"])
        log.refresh_from_db()
        assert log.picked
        assert SearchLog.objects.count() == 1
        assert client.session[PICKS_KEY] == {projekt.slug: [beratung.pk]}

    def test_a_search_without_result_is_a_signal(self, client_for, projekt, koordinatorin):
        response = client_for(koordinatorin).get(lotse_url(projekt, bedarf="sucht"))
        assert "0 fitting offers" in response.content.decode() or "0 passende" in (
            response.content.decode()
        )
        assert SearchLog.objects.get().results == 0
        assert signals(projekt)[0]["need"] == "sucht"


class TestHilfeplan:
    def pick(self, client, project, *offers):
        for offer in offers:
            client.post(reverse("finder:pick", args=[project.slug]), {"activity": offer.pk})

    def test_the_sheet_lists_the_picked_offers_with_their_details(
        self, client_for, projekt, koordinatorin, beratung, mieterverein
    ):
        client = client_for(koordinatorin)
        self.pick(client, projekt, mieterverein, beratung, mieterverein)
        html = client.get(reverse("finder:hilfeplan", args=[projekt.slug])).content.decode()
        assert html.index("Mieterverein") < html.index("Allgemeine Sozialberatung")
        for detail in (
            "Westerwaldstraße 14",
            "030 555 0101",
            "Di 9–12 Uhr, Do 14–17 Uhr",
            "Mitgliedsbeitrag 5 € im Monat",
            "Türkisch",
        ):
            assert detail in html
        assert f'name="notiz-{beratung.pk}"' in html and 'name="notiz"' in html

    def test_single_offers_can_be_removed_and_the_list_emptied(
        self, client_for, projekt, koordinatorin, beratung, mieterverein
    ):
        client = client_for(koordinatorin)
        self.pick(client, projekt, beratung, mieterverein)
        client.post(reverse("finder:unpick", args=[projekt.slug]), {"activity": beratung.pk})
        assert client.session[PICKS_KEY] == {projekt.slug: [mieterverein.pk]}
        client.post(reverse("finder:clear", args=[projekt.slug]))
        assert projekt.slug not in client.session[PICKS_KEY]

    def test_the_pdf_carries_the_notes_and_nothing_keeps_them(
        self, client_for, projekt, koordinatorin, beratung, caplog
    ):
        client = client_for(koordinatorin)
        self.pick(client, projekt, beratung)
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="django.db.backends")
        connection.force_debug_cursor = True  # every SQL statement goes to the log too
        try:
            response = client.post(
                reverse("finder:hilfeplan_pdf", args=[projekt.slug]),
                {f"notiz-{beratung.pk}": NOTE, "notiz": PLAN_NOTE},
            )
        finally:
            connection.force_debug_cursor = False
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="hilfeplan-')
        assert "no-store" in response["Cache-Control"]
        text = pdf_text(response.content)
        assert "Mietschulden 2.300 €" in text and "Rückruf Fr." in text
        assert "Allgemeine Sozialberatung" in text and projekt.name in text
        # Nothing keeps the notes: not the database, not a session, not a log record.
        dump = io.StringIO()
        call_command("dumpdata", stdout=dump)
        sessions = json.dumps([s.get_decoded() for s in Session.objects.all()])
        logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
        for secret in ("Frau Demir", "Mietschulden", "Rückruf Fr."):
            assert secret not in dump.getvalue()
            assert secret not in sessions
            assert secret not in logged
        assert any("UPDATE" in r.getMessage() for r in caplog.records)  # SQL was logged

    def test_the_pdf_is_a4_and_shows_hostile_names_as_text(
        self, client_for, projekt, koordinatorin
    ):
        offer = make_activity(projekt, HOSTILE, fields="I", published=True)
        client = client_for(koordinatorin)
        self.pick(client, projekt, offer)
        response = client.get(reverse("finder:hilfeplan_pdf", args=[projekt.slug]))
        document = pdfium.PdfDocument(response.content)
        width, height = document[0].get_size()
        document.close()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        assert HOSTILE in pdf_text(response.content)


class TestSignals:
    def log(self, project, needs, area=None, results=0, days_ago=0):
        day = timezone.localdate() - timedelta(days=days_ago)
        return SearchLog.objects.create(
            project=project, needs=needs, area=area, results=results, date=day
        )

    def test_unmet_searches_are_counted_per_need_and_area(self, projekt, anderes_projekt, feld):
        other = Area.objects.create(code_system="t", code="06", name="Spandau-Mitte")
        for days_ago in (1, 3, 8, 40):
            self.log(projekt, ["wohnen"], feld, days_ago=days_ago)
        self.log(projekt, ["wohnen", "sucht"], other, days_ago=2)
        self.log(projekt, ["wohnen"], feld, results=4)  # found something: no signal
        self.log(anderes_projekt, ["wohnen"], feld)  # another project
        items = signals(projekt)
        assert [(s["need"], s["area_name"], s["count"], s["display"]) for s in items] == [
            ("wohnen", "Falkenhagener Feld", 4, "4"),
            ("sucht", "Spandau-Mitte", 1, "< 3"),
            ("wohnen", "Spandau-Mitte", 1, "< 3"),
        ]
        assert items[0]["last_date"] == timezone.localdate() - timedelta(days=1)
        assert items[0]["need_label"] == Need.objects.get(code="wohnen").label
        since = timezone.localdate() - timedelta(days=10)
        assert signals(projekt, since=since)[0]["count"] == 3

    def test_the_page_shows_small_counts_as_less_than_three(
        self, client_for, projekt, ehrenamtlicher, feld
    ):
        for _n in range(3):
            self.log(projekt, ["wohnen"], feld)
        self.log(projekt, ["sucht"], feld, days_ago=400)
        self.log(projekt, ["sucht"], feld, days_ago=2)
        client = client_for(ehrenamtlicher)
        html = client.get(reverse("finder:signals", args=[projekt.slug])).content.decode()
        assert '<td class="num">3</td>' in html
        assert '<td class="num">&lt; 3</td>' in html
        everything = reverse("finder:signals", args=[projekt.slug]) + "?zeitraum=alle"
        assert '<td class="num">&lt; 3</td>' in client.get(everything).content.decode()

    def test_the_overview_card_links_to_the_page(self, projekt, feld):
        self.log(projekt, ["wohnen"], feld)
        html = render_to_string(
            "finder/_signals_card.html", {"project": projekt, "signals": signals(projekt)}
        )
        assert "&lt; 3" in html and "Falkenhagener Feld" in html
        assert reverse("finder:signals", args=[projekt.slug]) in html


class TestApi:
    def test_members_search_and_the_search_is_logged(self, projekt, ehrenamtlicher, beratung):
        client = TestClient(router)
        response = client.get(
            f"/{projekt.slug}/finder?need=wohnen&language=tr&lat=52.554&lon=13.171&radius=1000"
            "&q=sozialberatung&age=40&weekday=1&time=10:00",
            user=ehrenamtlicher,
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["count"] == 1
        (result,) = data["results"]
        assert result["title"] == "Allgemeine Sozialberatung"
        assert result["distance_m"] < 200
        assert {"text": "Türkisch", "met": True} in result["reasons"]
        row = SearchLog.objects.get()
        assert (row.needs, row.target_groups, row.area, row.results) == (["wohnen"], [], None, 1)

    def test_other_people_find_no_project(self, projekt, fremde_person):
        client = TestClient(router)
        assert client.get(f"/{projekt.slug}/finder", user=fremde_person).status_code == 404
        assert client.get(f"/{projekt.slug}/signals", user=fremde_person).status_code == 404

    def test_signals_hide_small_counts(self, projekt, ehrenamtlicher, feld):
        for _n in range(3):
            SearchLog.objects.create(project=projekt, needs=["wohnen"], area=feld, results=0)
        SearchLog.objects.create(project=projekt, needs=["sucht"], results=0)
        data = TestClient(router).get(f"/{projekt.slug}/signals", user=ehrenamtlicher).json()
        assert [(s["need"], s["searches"], s["display"]) for s in data] == [
            ("wohnen", 3, "3"),
            ("sucht", None, "< 3"),
        ]
        assert data[1]["last_date"] is None and data[1]["last_month"]

    def test_the_mounted_endpoint_answers_like_the_page(self, client_for, projekt, koordinatorin):
        path = f"/api/v1/projects/{projekt.slug}/finder"
        try:
            resolve(path)
        except Resolver404:
            pytest.skip("finder.api.router is not mounted under /api/v1/projects yet")
        response = client_for(koordinatorin).get(path, {"need": "wohnen"})
        assert response.status_code == 200
        assert SearchLog.objects.count() == 1

    def test_unknown_codes_are_refused_so_no_text_reaches_the_log(self, projekt, ehrenamtlicher):
        client = TestClient(router)
        for query in ("need=Frau%20Demir", "target_group=Demir", "language=xx"):
            response = client.get(f"/{projekt.slug}/finder?{query}", user=ehrenamtlicher)
            assert response.status_code == 422, query
        assert not SearchLog.objects.exists()

    def test_several_needs_may_be_asked(self, projekt, ehrenamtlicher, beratung, mieterverein):
        response = TestClient(router).get(
            f"/{projekt.slug}/finder?need=existenzsicherung&need=sucht", user=ehrenamtlicher
        )
        assert [r["title"] for r in response.json()["results"]] == ["Allgemeine Sozialberatung"]
        assert SearchLog.objects.get().needs == ["existenzsicherung", "sucht"]

    def test_an_area_outside_the_project_is_refused(self, projekt, ehrenamtlicher):
        area = Area.objects.create(code_system="t", code="1", name="Fremd")
        response = TestClient(router).get(
            f"/{projekt.slug}/finder?area={area.pk}", user=ehrenamtlicher
        )
        assert response.status_code == 422
        assert not SearchLog.objects.exists()


def test_logs_of_a_search_carry_no_search_words(client_for, projekt, koordinatorin, caplog):
    caplog.set_level(logging.DEBUG)
    client_for(koordinatorin).get(lotse_url(projekt, text="Räumungsklage Demir", alter=67))
    assert not any("Demir" in r.getMessage() for r in caplog.records)
    assert "Demir" not in json.dumps(list(SearchLog.objects.values("needs", "target_groups")))
