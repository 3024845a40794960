"""The needs register, Bedarf–Bestand, findings and the method library as people use them.

Texts are compared through gettext, so the tests hold before and after the German catalogue
has the new strings; numbers are checked as German readers see them (41,2 %).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.activities.models import Need
from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea
from quartierskompass.core.models import ChangeLog
from quartierskompass.finder.models import SearchLog
from quartierskompass.planning.models import Finding, Method, ProjectNeed
from quartierskompass.planning.views.needs import needs_card
from tests.factories import make_activity

CONFLICT = (
    "%(person)s changed this in the meantime. Your changes were not saved; reload "
    "the page to see the current version and enter them again."
)

HOSTILE = '<script>alert("x")</script> & "Nachbarn"'


def need(code: str) -> Need:
    return Need.objects.get(code=code)


def html_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def card_of(html: str, code: str) -> str:
    """The register's card of one need."""
    match = re.search(rf'<article[^>]*id="bedarf-{code}".*?</article>', html, re.S)
    assert match, f"no card for {code}"
    return match.group(0)


@pytest.fixture
def quartier(projekt):
    city = Area.objects.create(code_system="t", code="0", name="Berlin")
    region = Area.objects.create(code_system="t", code="0510", name="Falkenfeld", parent=city)
    graben = Area.objects.create(code_system="t", code="051001", name="Am Graben", parent=region)
    fremd = Area.objects.create(code_system="t", code="0520", name="Anderswo", parent=city)
    ProjectArea.objects.create(project=projekt, area=region)
    indicator = Indicator.objects.create(
        key="kinderarmut", label_de="Kinderarmut", unit="%", kind="rate", polarity="higher_worse"
    )
    indicator.needs.set([need("kinder-familie")])
    for area, value in [(city, "26.8"), (region, "41.2"), (graben, "48.04")]:
        IndicatorValue.objects.create(
            indicator=indicator, area=area, date=date(2024, 12, 31), value=Decimal(value)
        )
    today = timezone.localdate()
    for _n in range(5):
        SearchLog.objects.create(project=projekt, date=today, needs=["wohnen"], results=0)
    SearchLog.objects.create(project=projekt, date=today, needs=["wohnen"], results=3)
    return {"city": city, "region": region, "graben": graben, "fremd": fremd}


def register_url(projekt, **query) -> str:
    url = reverse("planning:needs", args=[projekt.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


class TestRegister:
    def test_it_shows_the_evidence_concretely(self, client_for, projekt, ehrenamtlicher, quartier):
        Finding.objects.create(
            project=projekt,
            method=Method.objects.get(code="schluesselpersonen"),
            date=date(2025, 3, 4),
            need=need("jugend"),
            area=quartier["graben"],
            text=HOSTILE,
        )
        html = html_of(client_for(ehrenamtlicher).get(register_url(projekt)))
        kinder = card_of(html, "kinder-familie")
        assert "Kinderarmut" in kinder and "41,2 %" in kinder and "Berlin 26,8 %" in kinder
        assert "Falkenfeld" in kinder
        wohnen = card_of(html, "wohnen")
        assert "5" in wohnen and "6" in wohnen  # 5 of 6 searches found nothing
        jugend = card_of(html, "jugend")
        assert "Schlüsselpersoneninterview" in jugend and "04.03.2025" in jugend
        assert "Am Graben" in jugend
        assert "<script>" not in html and "&lt;script&gt;" in jugend
        assert 'id="bedarf-gesundheit"' not in html  # no evidence: not listed

    def test_gaps_are_marked_with_a_word_not_only_a_colour(
        self, client_for, projekt, ehrenamtlicher, quartier
    ):
        make_activity(projekt, "Mieterberatung", fields="I").needs.add(need("wohnen"))
        html = html_of(client_for(ehrenamtlicher).get(register_url(projekt)))
        assert _("Gap") in card_of(html, "kinder-familie")
        assert "need-card--gap" in card_of(html, "kinder-familie")
        assert _("Gap") not in card_of(html, "wohnen")

    def test_a_planungsraum_shows_its_own_values(
        self, client_for, projekt, ehrenamtlicher, quartier
    ):
        html = html_of(
            client_for(ehrenamtlicher).get(register_url(projekt, gebiet=quartier["graben"].pk))
        )
        assert "48,0 %" in card_of(html, "kinder-familie")
        assert 'id="bedarf-wohnen"' not in html  # the searches named no place

    def test_an_area_of_another_project_is_refused(
        self, client_for, projekt, ehrenamtlicher, quartier
    ):
        response = client_for(ehrenamtlicher).get(
            register_url(projekt, gebiet=quartier["fremd"].pk)
        )
        html = html_of(response)
        assert _("Choose one of the project’s areas.") in html
        assert response.context["area"] is None  # falls back to the whole project

    def test_an_empty_project_is_told_where_evidence_comes_from(
        self, client_for, projekt, ehrenamtlicher
    ):
        client = client_for(ehrenamtlicher)
        html = html_of(client.get(register_url(projekt)))
        assert _("No evidence of needs yet") in html and 'name="gebiet"' not in html
        html = html_of(client.get(reverse("planning:coverage", args=[projekt.slug])))
        assert _("Nothing to compare yet") in html

    def test_viewers_see_no_forms(self, client_for, projekt, ehrenamtlicher, quartier):
        html = html_of(client_for(ehrenamtlicher).get(register_url(projekt)))
        assert reverse("planning:need_create", args=[projekt.slug]) not in html

    def test_the_first_assessment_puts_the_need_into_the_register(
        self, client_for, projekt, mitarbeiter, quartier
    ):
        client = client_for(mitarbeiter)
        html = html_of(client.get(register_url(projekt)))
        assert reverse("planning:need_create", args=[projekt.slug]) in card_of(html, "wohnen")
        response = client.post(
            reverse("planning:need_create", args=[projekt.slug]),
            {
                "card": "1",
                "need": "wohnen",
                "area": "",
                "gebiet": "",
                "status": "in_progress",
                "note": "Mieterberatung mit der Wohnungsgesellschaft geplant",
            },
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#bedarf-wohnen")
        entry = ProjectNeed.objects.get(project=projekt, need__code="wohnen")
        assert (entry.status, entry.area, entry.created_by) == ("in_progress", None, mitarbeiter)
        assert ChangeLog.objects.filter(object_type="planning.projectneed", object_id=entry.pk)
        html = html_of(client.get(register_url(projekt)))
        card = card_of(html, "wohnen")
        assert "Mieterberatung mit der Wohnungsgesellschaft geplant" in card
        assert reverse("planning:need_update", args=[projekt.slug, entry.pk]) in card

    def test_a_need_can_be_put_into_the_register_by_hand_for_an_area(
        self, client_for, projekt, mitarbeiter, quartier
    ):
        response = client_for(mitarbeiter).post(
            reverse("planning:need_create", args=[projekt.slug]),
            {"need": "gesundheit", "area": quartier["graben"].pk, "status": "open"},
        )
        assert response.status_code == 302
        entry = ProjectNeed.objects.get(project=projekt, need__code="gesundheit")
        assert entry.area == quartier["graben"]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"need": "gibt-es-nicht"}, "Choose one of the needs in the list."),
            ({"need": "gibt-es-nicht", "card": "1"}, "Choose one of the needs in the list."),
            ({"area": "@fremd"}, "Choose one of the project’s areas."),
            ({"status": "erledigt"}, None),
            ({"note": "Null\x00Byte"}, None),
        ],
    )
    def test_bad_input_changes_nothing(
        self, client_for, projekt, mitarbeiter, quartier, data, message
    ):
        data = {"need": "wohnen", "area": "", "status": "open"} | data
        if data["area"] == "@fremd":
            data["area"] = quartier["fremd"].pk
        response = client_for(mitarbeiter).post(
            reverse("planning:need_create", args=[projekt.slug]), data
        )
        html = html_of(response)
        assert _("Your change was not saved. Please check the marked assessment below.") in html
        if message:
            assert _(message) in html
        assert not ProjectNeed.objects.exists()

    def test_a_need_already_in_the_register_is_not_added_twice(
        self, client_for, projekt, mitarbeiter, quartier
    ):
        ProjectNeed.objects.create(project=projekt, need=need("wohnen"))
        response = client_for(mitarbeiter).post(
            reverse("planning:need_create", args=[projekt.slug]),
            {"need": "wohnen", "area": "", "status": "dismissed"},
        )
        html = html_of(response)
        message = _(
            "“%(need)s” is already in the register for this area. Change its assessment there."
        )
        assert message % {"need": need("wohnen").label} in html
        assert ProjectNeed.objects.get().status == "open"

    def test_changing_the_assessment_and_a_conflict(
        self, client_for, projekt, mitarbeiter, koordinatorin, quartier
    ):
        entry = ProjectNeed.objects.create(project=projekt, need=need("wohnen"))
        url = reverse("planning:need_update", args=[projekt.slug, entry.pk])
        first = client_for(koordinatorin).post(
            url, {"status": "addressed", "note": "Beratung läuft", "version": 1}
        )
        assert first.status_code == 302
        entry.refresh_from_db()
        assert (entry.status, entry.version, entry.updated_by) == ("addressed", 2, koordinatorin)
        # The editor opened the page before that change and saves an older version.
        second = client_for(mitarbeiter).post(
            url, {"status": "dismissed", "note": "Kein Bedarf", "version": 1}
        )
        html = html_of(second)
        assert _(CONFLICT) % {"person": koordinatorin} in html
        assert "Kein Bedarf" in html  # what the editor typed is kept
        entry.refresh_from_db()
        assert (entry.status, entry.note) == ("addressed", "Beratung läuft")

    def test_an_entry_of_another_project_is_not_found(
        self, client_for, projekt, anderes_projekt, mitarbeiter
    ):
        foreign = ProjectNeed.objects.create(project=anderes_projekt, need=need("wohnen"))
        url = reverse("planning:need_update", args=[projekt.slug, foreign.pk])
        assert client_for(mitarbeiter).post(url, {"status": "dismissed"}).status_code == 404
        foreign.refresh_from_db()
        assert foreign.status == "open"

    def test_the_register_needs_few_queries(
        self, client_for, projekt, ehrenamtlicher, quartier, django_assert_max_num_queries
    ):
        method = Method.objects.get(code="nadelmethode")
        for n in range(15):
            Finding.objects.create(
                project=projekt,
                method=method,
                date=date(2025, 1, 1),
                need=need("jugend"),
                area=quartier["graben"],
                text=f"Befund {n}",
            )
            ProjectNeed.objects.get_or_create(
                project=projekt, need=Need.objects.all()[n], updated_by=ehrenamtlicher
            )
        client = client_for(ehrenamtlicher)
        with django_assert_max_num_queries(30):
            html_of(client.get(register_url(projekt)))


class TestCoverage:
    @pytest.fixture
    def bestand(self, projekt, quartier):
        beratung = make_activity(
            projekt,
            HOSTILE,
            fields="I",
            start=date(2024, 1, 1),
            area=quartier["graben"],
            staff_hours=365,
            budget=1000,
        )
        beratung.needs.add(need("wohnen"))
        return beratung

    def url(self, projekt, **query) -> str:
        base = reverse("planning:coverage", args=[projekt.slug])
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def test_gaps_and_figures_for_a_year(self, client_for, projekt, ehrenamtlicher, bestand):
        html = html_of(client_for(ehrenamtlicher).get(self.url(projekt, zeitraum=2025)))
        response = client_for(ehrenamtlicher).get(self.url(projekt, zeitraum=2025))
        gaps = [row.need.code for row in response.context["gaps"]]
        assert gaps == ["kinder-familie"]  # wohnen: the searches, but also an activity
        assert html.count('<tr class="is-gap">') == 1
        assert _("Gap") in html
        assert "1.000 €" in html and "365" in html

    def test_the_drill_down_lists_the_counted_activities_as_text(
        self, client_for, projekt, ehrenamtlicher, bestand
    ):
        html = html_of(
            client_for(ehrenamtlicher).get(self.url(projekt, zeitraum=2025, bedarf="wohnen"))
        )
        assert 'id="bestand-detail"' in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "<script>alert" not in html
        assert f"need={need('wohnen').pk}&amp;year=2025" in html

    def test_an_area_narrows_the_activities(self, client_for, projekt, ehrenamtlicher, bestand):
        other = Area.objects.create(
            code_system="t", code="051002", name="Am Hang", parent=bestand.area.parent
        )
        response = client_for(ehrenamtlicher).get(self.url(projekt, zeitraum=2025, gebiet=other.pk))
        assert [r.need.code for r in response.context["gaps"]] == []  # nothing in this area
        assert not any(item["row"].activities for item in response.context["rows"])

    def test_a_bad_period_is_explained_and_the_current_year_shown(
        self, client_for, projekt, ehrenamtlicher, bestand
    ):
        response = client_for(ehrenamtlicher).get(self.url(projekt, zeitraum="20x5"))
        html = html_of(response)
        assert "20x5" in html
        assert response.context["period"].start.year == timezone.localdate().year
        assert 'class="errorlist' in html

    def test_a_period_of_two_dates_is_accepted(self, client_for, projekt, ehrenamtlicher, bestand):
        response = client_for(ehrenamtlicher).get(
            self.url(projekt, zeitraum="2025-01-01..2025-06-30")
        )
        html_of(response)
        assert str(response.context["period"]) == "01.01.2025–30.06.2025"
        (row,) = [i["row"] for i in response.context["rows"] if i["row"].need.code == "wohnen"]
        assert row.staff_hours == Decimal("181")  # 365 h/year × 181 days / 365

    def test_an_unknown_need_in_the_drill_down_is_explained(
        self, client_for, projekt, ehrenamtlicher, bestand
    ):
        html = html_of(client_for(ehrenamtlicher).get(self.url(projekt, bedarf="gibt-es-nicht")))
        assert "gibt-es-nicht" in html and 'id="bestand-detail"' not in html


class TestFindings:
    def create_url(self, projekt) -> str:
        return reverse("planning:finding_create", args=[projekt.slug])

    def post(self, client, projekt, **changes):
        data = {"method": "stadtteilbegehung", "date": "2025-06-01", "text": "Kein Spielplatz"}
        return client.post(self.create_url(projekt), data | changes)

    def test_recording_a_finding(self, client_for, projekt, mitarbeiter, quartier):
        client = client_for(mitarbeiter)
        form = html_of(client.get(self.create_url(projekt) + "?methode=nadelmethode"))
        assert '<option value="nadelmethode" selected>' in form
        assert f"{_('Social structure')}" in form  # methods grouped by their field
        assert "Anderswo" not in form and "Am Graben" in form
        response = self.post(
            client, projekt, date="01.06.2025", area=quartier["graben"].pk, need="jugend"
        )
        assert response.status_code == 302
        finding = Finding.objects.get()
        assert (finding.date, finding.area, finding.need.code) == (
            date(2025, 6, 1),
            quartier["graben"],
            "jugend",
        )
        assert ChangeLog.objects.filter(object_type="planning.finding", action="create").exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"text": "  "}, "Write down what you found out."),
            ({"date": "31.02.2025"}, "Enter the date as 24.11.2026 or 2026-11-24."),
            ({"date": "morgen"}, "Enter the date as 24.11.2026 or 2026-11-24."),
            ({"method": "orakel"}, "Choose one of the methods in the list."),
            ({"need": "gibt-es-nicht"}, "Choose one of the needs in the list."),
            ({"need": "gibt-es-nicht", "card": "1"}, "Choose one of the needs in the list."),
            ({"area": "@fremd"}, "Choose one of the project’s areas."),
        ],
    )
    def test_bad_input_is_explained_and_nothing_saved(
        self, client_for, projekt, mitarbeiter, quartier, changes, message
    ):
        if changes.get("area") == "@fremd":
            changes["area"] = quartier["fremd"].pk
        html = html_of(self.post(client_for(mitarbeiter), projekt, **changes))
        assert _(message) in html
        assert not Finding.objects.exists()

    def test_hostile_text_is_shown_as_text(self, client_for, projekt, mitarbeiter, quartier):
        assert self.post(client_for(mitarbeiter), projekt, text=HOSTILE).status_code == 302
        html = html_of(
            client_for(mitarbeiter).get(reverse("planning:findings", args=[projekt.slug]))
        )
        assert "<script>alert" not in html and "&lt;script&gt;" in html

    def test_editing_with_an_old_version_is_refused(
        self, client_for, projekt, mitarbeiter, koordinatorin
    ):
        finding = Finding.objects.create(
            project=projekt,
            method=Method.objects.get(code="stadtteilbegehung"),
            date=date(2025, 5, 1),
            text="Alt",
        )
        url = reverse("planning:finding_edit", args=[projekt.slug, finding.pk])
        form = {"method": "stadtteilbegehung", "date": "2025-05-01", "version": 1}
        assert client_for(koordinatorin).post(url, form | {"text": "Neu"}).status_code == 302
        html = html_of(client_for(mitarbeiter).post(url, form | {"text": "Anders"}))
        assert _(CONFLICT) % {"person": koordinatorin} in html and "Anders" in html
        finding.refresh_from_db()
        assert (finding.text, finding.version) == ("Neu", 2)

    def test_the_list_filters_by_need_and_method(self, client_for, projekt, ehrenamtlicher):
        walk = Method.objects.get(code="stadtteilbegehung")
        pins = Method.objects.get(code="nadelmethode")
        Finding.objects.create(
            project=projekt, method=walk, date=date(2025, 1, 1), text="Erster Befund"
        )
        Finding.objects.create(
            project=projekt,
            method=pins,
            date=date(2025, 2, 1),
            need=need("jugend"),
            text="Zweiter Befund",
        )
        client = client_for(ehrenamtlicher)
        url = reverse("planning:findings", args=[projekt.slug])
        html = html_of(client.get(url + "?bedarf=jugend"))
        assert "Zweiter Befund" in html and "Erster Befund" not in html
        html = html_of(client.get(url + "?methode=stadtteilbegehung"))
        assert "Erster Befund" in html and "Zweiter Befund" not in html

    def test_deleting_asks_first(self, client_for, projekt, mitarbeiter):
        finding = Finding.objects.create(
            project=projekt,
            method=Method.objects.get(code="stadtteilbegehung"),
            date=date(2025, 5, 1),
            text="Weg damit",
        )
        url = reverse("planning:finding_delete", args=[projekt.slug, finding.pk])
        client = client_for(mitarbeiter)
        assert "Weg damit" in html_of(client.get(url))
        assert Finding.objects.exists()
        assert client.post(url).status_code == 302
        assert not Finding.objects.exists()
        assert ChangeLog.objects.filter(object_type="planning.finding", action="delete").exists()

    def test_a_finding_of_another_project_is_not_found(
        self, client_for, projekt, anderes_projekt, mitarbeiter
    ):
        foreign = Finding.objects.create(
            project=anderes_projekt,
            method=Method.objects.get(code="stadtteilbegehung"),
            date=date(2025, 5, 1),
            text="Fremd",
        )
        client = client_for(mitarbeiter)
        for name in ("planning:finding_edit", "planning:finding_delete"):
            url = reverse(name, args=[projekt.slug, foreign.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"text": "Gekapert"}).status_code == 404
        foreign.refresh_from_db()
        assert foreign.text == "Fremd"


class TestMethods:
    def test_the_library_needs_a_login(self, client_for):
        response = client_for(None).get(reverse("planning:methods"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        detail = client_for(None).get(reverse("planning:method", args=["nadelmethode"]))
        assert detail.status_code == 302

    def test_every_method_with_field_and_effort(self, client_for, ehrenamtlicher):
        html = html_of(client_for(ehrenamtlicher).get(reverse("planning:methods")))
        assert html.count('class="card method-card') == Method.objects.count() == 8
        assert "●●○" in html and _("medium") in html
        assert _("%(value)s of 3") % {"value": 2} in html

    def test_the_detail_shows_the_findings_of_the_current_project_only(
        self, client_for, projekt, anderes_projekt, ehrenamtlicher, mitarbeiter
    ):
        pins = Method.objects.get(code="nadelmethode")
        Finding.objects.create(project=projekt, method=pins, date=date(2025, 1, 1), text="Unser")
        Finding.objects.create(
            project=anderes_projekt, method=pins, date=date(2025, 1, 1), text="Fremder Befund"
        )
        client = client_for(ehrenamtlicher)
        url = reverse("planning:method", args=["nadelmethode"])
        assert "Unser" not in html_of(client.get(url))  # no project visited yet
        client.get(reverse("planning:needs", args=[projekt.slug]))
        html = html_of(client.get(url))
        assert "Unser" in html and "Fremder Befund" not in html
        assert reverse("planning:finding_create", args=[projekt.slug]) not in html  # viewer
        editor = client_for(mitarbeiter)
        editor.get(reverse("planning:needs", args=[projekt.slug]))
        assert reverse("planning:finding_create", args=[projekt.slug]) in html_of(editor.get(url))

    def test_a_project_the_user_left_is_not_shown(self, client_for, projekt, ehrenamtlicher):
        client = client_for(ehrenamtlicher)
        client.get(reverse("planning:needs", args=[projekt.slug]))
        ehrenamtlicher.memberships.all().delete()
        html = html_of(client.get(reverse("planning:method", args=["nadelmethode"])))
        assert projekt.name not in html

    def test_an_unknown_method_is_not_found(self, client_for, ehrenamtlicher):
        assert client_for(ehrenamtlicher).get("/methoden/orakel/").status_code == 404


class TestCard:
    def test_the_card_lists_open_needs_gaps_first(self, projekt, quartier):
        make_activity(projekt, "Mieterberatung", fields="I").needs.add(need("wohnen"))
        ProjectNeed.objects.create(project=projekt, need=need("sucht"), status="dismissed")
        SearchLog.objects.create(
            project=projekt, date=timezone.localdate(), needs=["sucht"], results=0
        )
        card = needs_card(projekt)
        codes = [row.need.code for row, _kinds in card["top"]]
        assert codes == ["kinder-familie", "wohnen"]  # the gap first; dismissed left out
        assert card["gaps"] == 1 and card["open"] == 2
        html = render_to_string("planning/_needs_card.html", {"needs_card": card})
        assert "#bedarf-kinder-familie" in html and _("Gap") in html
        assert card["register_url"] in html and card["coverage_url"] in html

    def test_an_empty_project_gets_an_explanation(self, projekt):
        card = needs_card(projekt)
        assert card["top"] == [] and card["gaps"] == 0
        html = render_to_string("planning/_needs_card.html", {"needs_card": card})
        assert card["register_url"] in html
