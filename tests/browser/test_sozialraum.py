"""Sozialraum in a real browser: a new person imports Berlin's areas and statistics through
the wizards, opens a Planungsraum's profile and the choropleth map; the demo's map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quartierskompass.accounts.models import Membership, Project, Role, User
from quartierskompass.areas.models import Area, IndicatorValue, ProjectArea
from tests.shared import SHARED_DATA

from .conftest import DEMO_PROJECT_SLUG, assert_no_serious_axe_violations, login, screenshot

pytestmark = pytest.mark.browser
BERLIN = SHARED_DATA / "berlin"


@pytest.fixture
def planerin(transactional_db):
    user = User.objects.create_user("planerin", password="Sozialplanung-2026", is_staff=True)
    project = Project.objects.create(slug="spandau", name="Quartier Spandau")
    Membership.objects.create(project=project, user=user, role=Role.OWNER)
    return user


def test_a_new_person_imports_berlin_and_reads_the_map(page: Page, live_server, planerin):
    login(page, live_server, "planerin", "Sozialplanung-2026")
    page.goto(f"{live_server.url}/gebiete/importieren/")
    page.get_by_label("Gebiete (GeoJSON)").set_input_files(
        str(BERLIN / "boundaries/lor_planungsraeume_2021_wgs84.geojson")
    )
    page.get_by_label("Vorbereitete Einstellungen").select_option("berlin-lor")
    page.get_by_label("Hierarchietabelle (CSV oder XLSX, freiwillig)").set_input_files(
        str(BERLIN / "boundaries/LOR_2021_hierarchy.csv")
    )
    page.get_by_role("button", name="Datei prüfen").click()
    expect(
        page.get_by_text("542 Planungsräume anlegen", exact=False).or_(
            page.get_by_text("542 Planungsräume angelegt", exact=False)
        )
    ).to_be_visible()
    screenshot(page, "areas-import-preview")
    page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.locator(".messages")).to_contain_text("542")
    assert Area.objects.filter(kind="Planungsraum").count() == 542

    page.goto(f"{live_server.url}/indikatoren/importieren/")
    page.get_by_label("Statistiktabelle (XLSX oder CSV)").set_input_files(
        str(BERLIN / "indicators/mss_2021_index-indikatoren_z-werte_plr.csv")
    )
    page.get_by_label("Gebietssystem der Gebiete").select_option("berlin-plr-2021")
    page.locator("#id_date").fill("2020-12-31")
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("heading", name=re.compile("Schritt 2 von 2"))).to_be_visible()
    screenshot(page, "indicators-import-columns")
    page.get_by_role("button", name="Prüfen").click()
    page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.locator(".messages")).to_be_visible()
    assert IndicatorValue.objects.count() > 3000

    griesinger = Area.objects.get(code="05100206")
    page.goto(f"{live_server.url}/gebiete/{griesinger.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Griesingerstraße")
    expect(page.locator(".breadcrumbs")).to_contain_text("Falkenhagener Feld")
    screenshot(page, "area-profile")
    assert_no_serious_axe_violations(page)

    project = Project.objects.get(slug="spandau")
    ProjectArea.objects.create(project=project, area=Area.objects.get(code="05"))
    page.goto(f"{live_server.url}/projekte/spandau/karte/?ohne-karte=1")
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(
        Area.objects.filter(kind="Planungsraum", code__startswith="05").count()
    )
    screenshot(page, "map-choropleth")
    assert_no_serious_axe_violations(page)


def test_the_demo_map_shows_areas_and_markers(page: Page, live_server, demo):
    login(page, live_server, "demo-ehrenamt")
    page.goto(f"{live_server.url}/projekte/{DEMO_PROJECT_SLUG}/karte/?ohne-karte=1")
    expect(page.locator("#map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator(".legend li").first).to_be_visible()
    page.locator("#map path.leaflet-interactive").first.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_be_visible()
    screenshot(page, "map-demo")
    assert_no_serious_axe_violations(page)


def test_hostile_names_stay_text_in_map_popups(page: Page, live_server, planerin):
    from tests.factories import make_activity

    hostile = '<img src=x onerror="window.__pwned=1">'
    project = Project.objects.get(slug="spandau")
    area = Area.objects.create(
        code_system="t",
        code="1",
        name=hostile,
        boundary_simplified={
            "type": "Polygon",
            "coordinates": [[[13.1, 52.5], [13.2, 52.5], [13.2, 52.6], [13.1, 52.5]]],
        },
    )
    ProjectArea.objects.create(project=project, area=area)
    make_activity(project, hostile, fields="N", latitude=52.52, longitude=13.17)
    login(page, live_server, "planerin", "Sozialplanung-2026")
    page.goto(f"{live_server.url}/projekte/spandau/karte/?ohne-karte=1")
    page.locator('#map path[fill="#0b5563"]').dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text(hostile)
    page.locator('#map path[fill="#d9d9d9"]').dispatch_event("click")
    expect(page.locator(".leaflet-popup-content").last).to_contain_text(hostile)
    assert page.evaluate("window.__pwned") is None
