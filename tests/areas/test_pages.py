"""Area pages, the project's areas, the map and the API, with small hand-made areas."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from quartierskompass.accounts.models import ApiToken
from quartierskompass.areas.maplayer import quantile_breaks
from quartierskompass.areas.models import Area, Indicator, IndicatorValue, ProjectArea
from tests.factories import make_activity

DAY = date(2024, 12, 31)


def square(x: float, y: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


@pytest.fixture
def gebiete(db):
    city = Area.objects.create(code_system="t", code="0", name="Stadt", kind="Stadt")
    region = Area.objects.create(
        code_system="t", code="05", name="Spandau", kind="Bezirk", parent=city
    )
    areas = [
        Area.objects.create(
            code_system="t",
            code=f"0510{n}",
            name=f"Planungsraum {n}",
            kind="Planungsraum",
            parent=region,
            boundary=square(13.1 + n / 100, 52.5),
            boundary_simplified=square(13.1 + n / 100, 52.5),
        )
        for n in range(1, 5)
    ]
    indicator = Indicator.objects.create(
        key="alq",
        label_de="Arbeitslosenquote",
        unit="%",
        kind="index",
        polarity="higher_worse",
        decimals=1,
    )
    for n, area in enumerate(areas, start=1):
        IndicatorValue.objects.create(
            indicator=indicator, area=area, date=DAY, value=Decimal(n * 2)
        )
    IndicatorValue.objects.create(indicator=indicator, area=city, date=DAY, value=Decimal(3))
    return {"city": city, "region": region, "plr": areas, "indicator": indicator}


def test_the_area_list_and_search(client_for, ehrenamtlicher, gebiete):
    client = client_for(ehrenamtlicher)
    assert [a.name for a in client.get(reverse("areas:list")).context["areas"]] == ["Stadt"]
    found = client.get(reverse("areas:list"), {"q": "Planungsraum 3"}).context["areas"]
    assert [a.code for a in found] == ["05103"]


def test_the_profile_compares_with_the_city_and_names_the_needs(
    client_for, ehrenamtlicher, gebiete
):
    from quartierskompass.activities.models import Need

    gebiete["indicator"].needs.add(Need.objects.get(code="arbeit"))
    url = reverse("areas:detail", args=[gebiete["plr"][3].pk])
    html = client_for(ehrenamtlicher).get(url).content.decode()
    assert "8,0 %" in html and "3,0 %" in html  # own value and the city's
    assert "auffällig" in html and "Arbeit" in html
    assert "Spandau" in html  # the breadcrumb


def test_a_project_links_areas_and_sees_them_on_the_map(
    client_for, projekt, mitarbeiter, ehrenamtlicher, gebiete
):
    client = client_for(mitarbeiter)
    search = client.get(reverse("areas:project_areas", args=[projekt.slug]), {"q": "Spandau"})
    assert [a.code for a in search.context["found"]] == ["05"]
    client.post(
        reverse("areas:project_area_add", args=[projekt.slug]), {"area": gebiete["region"].pk}
    )
    assert list(ProjectArea.objects.values_list("area__code", flat=True)) == ["05"]
    make_activity(projekt, "<b>Café</b>", fields="N", latitude=52.505, longitude=13.115)
    page = client_for(ehrenamtlicher).get(reverse("areas:map", args=[projekt.slug]))
    layer = page.context["layer"]
    assert [f["properties"]["code"] for f in layer["areas"]["features"]] == [
        "05101",
        "05102",
        "05103",
        "05104",
    ]
    assert [f["properties"]["text"] for f in layer["areas"]["features"]] == [
        "2,0 %",
        "4,0 %",
        "6,0 %",
        "8,0 %",
    ]
    assert len({f["properties"]["fill"] for f in layer["areas"]["features"]}) == 4
    assert layer["markers"] == [
        {
            "kind": "activity",
            "name": "<b>Café</b>",
            "lat": 52.505,
            "lon": 13.115,
            "url": reverse(
                "activities:detail", args=[projekt.slug, projekt.activities_activitys.get().pk]
            ),
        }
    ]
    html = page.content.decode()
    assert "<b>Café</b>" not in html and "&lt;b&gt;Café&lt;/b&gt;" in html  # list and config
    assert "vendor/leaflet-1.9.4/leaflet.js" in html


def test_the_map_explains_what_to_do_without_areas(client_for, projekt, koordinatorin):
    response = client_for(koordinatorin).get(reverse("areas:map", args=[projekt.slug]))
    assert "Gebiete verknüpfen" in response.content.decode()


def test_the_map_works_without_a_background_map(
    client_for, projekt, koordinatorin, gebiete, settings
):
    ProjectArea.objects.create(project=projekt, area=gebiete["region"])
    url = reverse("areas:map", args=[projekt.slug])
    client = client_for(koordinatorin)
    assert client.get(url).context["config"]["tiles"].startswith("https://")
    assert client.get(url, {"ohne-karte": "1"}).context["config"]["tiles"] == ""
    settings.QK_TILE_URL = ""
    assert client.get(url).context["config"]["tiles"] == ""


def test_remove_a_linked_area(client_for, projekt, mitarbeiter, gebiete):
    link = ProjectArea.objects.create(project=projekt, area=gebiete["region"])
    client_for(mitarbeiter).post(reverse("areas:project_area_remove", args=[projekt.slug, link.pk]))
    assert not ProjectArea.objects.exists()


@pytest.mark.parametrize(
    ("values", "breaks"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 4, 6, 8, 10]),
        ([5, 5, 5], [5]),
        ([1, 1, 1, 1, 9], [1, 9]),
        ([], []),
    ],
)
def test_quantile_breaks(values, breaks):
    assert quantile_breaks([Decimal(v) for v in values]) == [Decimal(b) for b in breaks]


class TestApi:
    def auth(self, user):
        _token, key = ApiToken.issue(user=user, name="t")
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def test_areas_and_geojson(self, client, ehrenamtlicher, gebiete):
        headers = self.auth(ehrenamtlicher)
        listed = client.get(
            "/api/v1/areas?system=t&parent=" + str(gebiete["region"].pk), **headers
        ).json()
        assert [a["code"] for a in listed["items"]] == ["05101", "05102", "05103", "05104"]
        geo = client.get("/api/v1/areas/geojson?system=t", **headers).json()
        assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 6
        assert client.get("/api/v1/areas", HTTP_AUTHORIZATION="Bearer x").status_code == 401

    def test_indicators_and_values(self, client, ehrenamtlicher, gebiete):
        headers = self.auth(ehrenamtlicher)
        assert [i["key"] for i in client.get("/api/v1/indicators", **headers).json()] == ["alq"]
        values = client.get("/api/v1/indicators/alq/values?date=2024-12-31", **headers).json()
        assert [(v["area_code"], v["value"]) for v in values["items"]][:2] == [
            ("0", 3.0),
            ("05101", 2.0),
        ]

    def test_the_map_layer_needs_project_access(
        self, client, projekt, ehrenamtlicher, fremde_person, gebiete
    ):
        ProjectArea.objects.create(project=projekt, area=gebiete["region"])
        url = f"/api/v1/projects/{projekt.slug}/map?indicator=alq"
        layer = client.get(url, **self.auth(ehrenamtlicher)).json()
        assert len(layer["areas"]["features"]) == 4 and layer["date"] == "2024-12-31"
        assert client.get(url, **self.auth(fremde_person)).status_code == 404
        assert (
            json.loads(
                client.get(
                    f"/api/v1/projects/{projekt.slug}/areas", **self.auth(ehrenamtlicher)
                ).content
            )[0]["code"]
            == "05"
        )


def test_legend_limits_never_read_the_same():
    from quartierskompass.areas.maplayer import legend

    indicator = Indicator(key="x", label_de="x", decimals=1)
    with translation.override("de"):  # numbers are formatted in the active language
        labels = [
            item["label"]
            for item in legend([Decimal("1.1"), Decimal("9.52"), Decimal("9.54")], indicator)
        ]
    assert labels == ["≤ 1,10", "1,10 – 9,52", "9,52 – 9,54"]
