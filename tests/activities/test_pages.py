from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from quartierskompass.activities.models import Activity
from quartierskompass.actors.models import Actor
from quartierskompass.core.models import ChangeLog
from quartierskompass.soni.models import WorkForm
from tests.factories import make_activity


def url(name, project, *args):
    return reverse(f"activities:{name}", args=[project.slug, *args])


BASE = {"title": "Offenes Café", "status": "active", "start": "2025-01-01"}


class TestCreate:
    def test_chosen_fields_without_percentages_split_equally(
        self, client_for, projekt, mitarbeiter
    ):
        response = client_for(mitarbeiter).post(
            url("create", projekt), {**BASE, "soni_fields": ["S", "N", "I"], "staff_hours": "120"}
        )
        activity = Activity.objects.get()
        assert response["Location"] == activity.get_absolute_url()
        assert activity.shares() == {"S": 34, "O": 0, "N": 33, "I": 33}
        assert activity.created_by == mitarbeiter
        assert ChangeLog.objects.get().action == "create"

    def test_explicit_percentages_are_kept(self, client_for, projekt, mitarbeiter):
        client_for(mitarbeiter).post(
            url("create", projekt),
            {**BASE, "soni_fields": ["N", "I"], "percent_n": "70", "percent_i": "30"},
        )
        assert Activity.objects.get().shares() == {"S": 0, "O": 0, "N": 70, "I": 30}

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"soni_fields": ["N", "I"], "percent_n": "70", "percent_i": "20"}, "100 %"),
            ({"soni_fields": ["N", "I"], "percent_n": "100"}, "100 %"),
            ({"soni_fields": ["N"], "percent_s": "50", "percent_n": "50"}, "nicht gewählt"),
            ({}, "mindestens ein SONI-Feld"),
            ({"soni_fields": ["N"], "end": "2024-12-31"}, "vor dem Beginn"),
            ({"soni_fields": ["N"], "staff_hours": "-5"}, "größer oder gleich 0"),
            ({"soni_fields": ["N"], "status": "ended"}, "Enddatum"),
        ],
    )
    def test_bad_input_is_explained_in_german_and_nothing_is_saved(
        self, client_for, projekt, mitarbeiter, extra, message
    ):
        response = client_for(mitarbeiter).post(url("create", projekt), {**BASE, **extra})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Activity.with_deleted.exists()

    def test_work_forms_must_belong_to_a_chosen_field(self, client_for, projekt, mitarbeiter):
        stray = WorkForm.objects.get(code="s-analyse")
        response = client_for(mitarbeiter).post(
            url("create", projekt), {**BASE, "soni_fields": ["I"], "work_forms": [stray.pk]}
        )
        assert response.status_code == 200
        assert not Activity.objects.exists()

    def test_new_partners_become_actors_of_the_project(self, client_for, projekt, mitarbeiter):
        Actor.objects.create(project=projekt, name="Diakonie Spandau")
        client_for(mitarbeiter).post(
            url("create", projekt),
            {**BASE, "soni_fields": ["N"], "new_actors": "diakonie spandau, Mieterbeirat"},
        )
        assert sorted(a.name for a in Activity.objects.get().partners.all()) == [
            "Diakonie Spandau",
            "Mieterbeirat",
        ]
        assert Actor.objects.filter(project=projekt).count() == 2

    def test_partners_of_another_project_cannot_be_chosen(
        self, client_for, projekt, anderes_projekt, mitarbeiter
    ):
        foreign = Actor.objects.create(project=anderes_projekt, name="Fremd")
        response = client_for(mitarbeiter).post(
            url("create", projekt), {**BASE, "soni_fields": ["N"], "partners": [foreign.pk]}
        )
        assert response.status_code == 200


class TestEdit:
    def test_edit_shows_the_percentages_and_saves_a_new_version(
        self, client_for, projekt, mitarbeiter
    ):
        activity = make_activity(projekt, shares={"N": 70, "I": 30})
        client = client_for(mitarbeiter)
        form = client.get(url("edit", projekt, activity.pk)).context["form"]
        assert form.initial["percent_n"] == 70
        response = client.post(
            url("edit", projekt, activity.pk),
            {**BASE, "soni_fields": ["N", "I"], "version": activity.version},
        )
        activity.refresh_from_db()
        assert response.status_code == 302
        assert (activity.version, activity.shares()["N"]) == (2, 50)
        change = ChangeLog.objects.get(action="update")
        assert change.changes["share_n"] == ["70", "50"]

    def test_a_stale_edit_is_refused_and_nothing_is_lost(
        self, client_for, projekt, mitarbeiter, koordinatorin
    ):
        activity = make_activity(projekt, "Original", fields="N")
        stale_version = activity.version
        client_for(koordinatorin).post(
            url("edit", projekt, activity.pk),
            {**BASE, "title": "Zuerst gespeichert", "soni_fields": ["N"], "version": stale_version},
        )
        response = client_for(mitarbeiter).post(
            url("edit", projekt, activity.pk),
            {**BASE, "title": "Später gespeichert", "soni_fields": ["N"], "version": stale_version},
        )
        assert response.status_code == 200
        assert "inzwischen geändert" in response.content.decode()
        activity.refresh_from_db()
        assert activity.title == "Zuerst gespeichert"


def test_duplicate_makes_a_planned_copy_with_the_same_relations(client_for, projekt, mitarbeiter):
    activity = make_activity(projekt, "Mittagstisch", fields="NI", staff_hours=100)
    activity.work_forms.set(WorkForm.objects.filter(code="n-gemeinwesen"))
    response = client_for(mitarbeiter).post(url("duplicate", projekt, activity.pk))
    copy = Activity.objects.exclude(pk=activity.pk).get()
    assert response["Location"] == url("edit", projekt, copy.pk)
    assert copy.title == "Kopie von Mittagstisch"
    assert (copy.status, copy.staff_hours, copy.shares()) == ("planned", 100, activity.shares())
    assert list(copy.work_forms.values_list("code", flat=True)) == ["n-gemeinwesen"]
    assert copy.uid != activity.uid


def test_delete_moves_to_the_trash_and_restore_brings_it_back(client_for, projekt, mitarbeiter):
    activity = make_activity(projekt, "Repair-Café", fields="N")
    client = client_for(mitarbeiter)
    assert "Papierkorb" in client.get(url("delete", projekt, activity.pk)).content.decode()
    client.post(url("delete", projekt, activity.pk))
    assert not Activity.objects.exists()
    assert "Repair-Café" in client.get(url("trash", projekt)).content.decode()
    assert client.get(url("detail", projekt, activity.pk)).status_code == 404
    client.post(url("restore", projekt, activity.pk))
    assert Activity.objects.get() == activity
    assert list(ChangeLog.objects.values_list("action", flat=True)) == ["restore", "delete"]


class TestList:
    @pytest.fixture
    def activities(self, projekt):
        return [
            make_activity(projekt, "Sozialberatung", fields="I", staff_hours=700),
            make_activity(projekt, "Stadtteilkonferenz", fields="SO", staff_hours=40),
            make_activity(projekt, "Nachbarschaftscafé", fields="NI", start=date(2026, 1, 1)),
            make_activity(
                projekt,
                "Wärmeraum",
                fields="ONI",
                start=date(2024, 1, 1),
                end=date(2024, 3, 31),
                status="ended",
            ),
        ]

    def titles(self, response):
        return [a.title for a in response.context["page"]]

    def test_filters_search_and_sorting(self, client_for, projekt, ehrenamtlicher, activities):
        client = client_for(ehrenamtlicher)
        assert self.titles(client.get(url("list", projekt), {"field": "I"})) == [
            "Nachbarschaftscafé",
            "Sozialberatung",
            "Wärmeraum",
        ]
        assert self.titles(client.get(url("list", projekt), {"q": "KONFERENZ"})) == [
            "Stadtteilkonferenz"
        ]
        assert self.titles(client.get(url("list", projekt), {"year": 2025})) == [
            "Sozialberatung",
            "Stadtteilkonferenz",
        ]
        assert self.titles(client.get(url("list", projekt), {"status": "ended"})) == ["Wärmeraum"]
        assert self.titles(client.get(url("list", projekt), {"sort": "-staff_hours"}))[:2] == [
            "Sozialberatung",
            "Stadtteilkonferenz",
        ]

    def test_htmx_gets_only_the_results(self, client_for, projekt, ehrenamtlicher, activities):
        response = client_for(ehrenamtlicher).get(
            url("list", projekt), {"q": "café"}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="results"')
        assert "<html" not in html and "Nachbarschaftscafé" in html

    def test_pagination(self, client_for, projekt, ehrenamtlicher):
        for number in range(30):
            make_activity(projekt, f"Angebot {number:02d}", fields="N")
        client = client_for(ehrenamtlicher)
        assert len(client.get(url("list", projekt)).context["page"]) == 25
        assert self.titles(client.get(url("list", projekt), {"page": 2}))[0] == "Angebot 25"

    def test_viewers_see_no_write_buttons(self, client_for, projekt, ehrenamtlicher, activities):
        html = client_for(ehrenamtlicher).get(url("list", projekt)).content.decode()
        assert url("create", projekt) not in html

    def test_hostile_titles_are_text(self, client_for, projekt, ehrenamtlicher):
        activity = make_activity(projekt, '<img src=x onerror="alert(1)">', fields="N")
        for page in (
            url("list", projekt),
            url("detail", projekt, activity.pk),
            url("matrix_cell", projekt, "N") + "?year=2025",
        ):
            html = client_for(ehrenamtlicher).get(page).content.decode()
            assert '<img src=x onerror="alert(1)">' not in html
            assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


class TestAreaFromCoordinates:
    @pytest.fixture
    def gebiete(self, projekt):
        from quartierskompass.areas.models import Area, ProjectArea
        from quartierskompass.lib import geo

        def square(x, y):
            return {
                "type": "Polygon",
                "coordinates": [
                    [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
                ],
            }

        region = Area.objects.create(
            code_system="t", code="1", name="Region", boundary=square(13.0, 52.0)
        )
        west = Area.objects.create(
            code_system="t", code="11", name="West", parent=region, boundary=square(13.0, 52.0)
        )
        for area in (region, west):
            area.boundary_simplified = geo.simplify_for_map(geo.from_geojson(area.boundary))
            area.save()
        ProjectArea.objects.create(project=projekt, area=region)
        return region, west

    def test_the_smallest_area_follows_the_coordinates(
        self, client_for, projekt, mitarbeiter, gebiete
    ):
        client_for(mitarbeiter).post(
            url("create", projekt),
            {**BASE, "soni_fields": ["N"], "latitude": "52.005", "longitude": "13.005"},
        )
        activity = Activity.objects.get()
        assert (activity.area, activity.area_locked) == (gebiete[1], False)

    def test_a_chosen_area_is_kept(self, client_for, projekt, mitarbeiter, gebiete):
        client_for(mitarbeiter).post(
            url("create", projekt),
            {
                **BASE,
                "soni_fields": ["N"],
                "latitude": "52.005",
                "longitude": "13.005",
                "area": gebiete[0].pk,
            },
        )
        activity = Activity.objects.get()
        assert (activity.area, activity.area_locked) == (gebiete[0], True)

    def test_areas_of_other_projects_cannot_be_chosen(
        self, client_for, projekt, mitarbeiter, gebiete
    ):
        from quartierskompass.areas.models import Area

        foreign = Area.objects.create(code_system="t", code="99", name="Fremd")
        response = client_for(mitarbeiter).post(
            url("create", projekt), {**BASE, "soni_fields": ["N"], "area": foreign.pk}
        )
        assert "area" in response.context["form"].errors
