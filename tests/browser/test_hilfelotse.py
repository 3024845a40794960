"""The Hilfelotse in a real browser: a volunteer of the demo Quartier searches help for a need,
clicks the place on the map, keeps an offer for the Hilfeplan, types a note and downloads the
PDF; the PDF's first page is rendered to a PNG for a person to look at."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from PIL import Image
from playwright.sync_api import Page, Route, expect

from quartierskompass.finder.models import SearchLog

from .conftest import (
    DEMO_PROJECT_NAME,
    DEMO_PROJECT_SLUG,
    SCREENSHOTS,
    assert_no_serious_axe_violations,
    login,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

BASE = f"/projekte/{DEMO_PROJECT_SLUG}/hilfelotse/"
OFFER = "Allgemeine Sozialberatung"
NOTE = "Termin am Dienstag um 10 Uhr, Mietvertrag und Mahnung mitbringen"
PLAN_NOTE = "Erst Sozialberatung, danach Rückmeldung an Herrn Okafor."


def _blank_tile() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (236, 240, 241)).save(buffer, "PNG")
    return buffer.getvalue()


def no_tiles_from_the_internet(page: Page) -> None:
    """Tests run offline: the map's background tiles come back as plain grey squares."""
    if not settings.QK_TILE_URL:
        return
    parts = urlsplit(settings.QK_TILE_URL)
    tile = _blank_tile()

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="image/png", body=tile)

    page.route(f"{parts.scheme}://{parts.netloc}/**", fulfil)


def render_first_page(pdf: bytes, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    document = pdfium.PdfDocument(pdf)
    try:
        document[0].render(scale=1.5).to_pil().save(path)
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    return path, text


def test_a_volunteer_finds_help_and_prints_a_hilfeplan(page: Page, live_server):
    no_tiles_from_the_internet(page)
    login(page, live_server, "demo-ehrenamt")
    before = set(SearchLog.objects.values_list("pk", flat=True))  # the demo has some
    page.goto(f"{live_server.url}{BASE}")
    expect(page.locator("h1")).to_be_visible()
    page.locator('input[name="bedarf"][value="wohnen"]').check()
    # A click on the map sets the place; the coordinates fields work without it.
    expect(page.locator("#lotse-map")).to_be_visible()
    page.locator("#lotse-map").click(position={"x": 300, "y": 140})
    expect(page.locator("#id_lat")).not_to_have_value("")
    expect(page.locator("#id_lon")).not_to_have_value("")
    page.locator("#lotse-submit").click()

    card = page.locator(".lotse-result", has_text=OFFER)
    expect(card).to_be_visible()
    expect(card.locator(".chip").first).to_be_visible()
    (log,) = SearchLog.objects.exclude(pk__in=before)
    assert log.needs == ["wohnen"] and log.results > 0
    screenshot(page, "hilfelotse-results")
    assert_no_serious_axe_violations(page)
    page.reload()  # the same search again: no second log entry
    expect(card).to_be_visible()
    assert SearchLog.objects.exclude(pk__in=before).count() == 1

    card.locator("form button[type=submit]").click()
    picked = page.locator(".lotse-result", has_text=OFFER).locator(".lotse-result__picked")
    expect(picked).to_be_visible()
    log.refresh_from_db()
    assert log.picked and SearchLog.objects.exclude(pk__in=before).count() == 1

    page.locator(f'.page-head a[href="{BASE}hilfeplan/"]').click()
    offer = page.locator(".hilfeplan-offer", has_text=OFFER)
    expect(offer).to_be_visible()
    offer.locator("textarea").fill(NOTE)
    page.locator("#notiz").fill(PLAN_NOTE)
    screenshot(page, "hilfeplan")
    assert_no_serious_axe_violations(page)

    # The print view: the notes appear as text, the form controls and navigation do not.
    expect(page.locator("#hilfeplan-print")).to_be_visible()
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator(".print-note", has_text="Mahnung mitbringen")).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(offer.locator("textarea")).to_be_hidden()
    screenshot(page, "hilfeplan-print")
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.locator("#hilfeplan-pdf").click()
    download = info.value
    assert download.suggested_filename.startswith("hilfeplan-")
    pdf = Path(download.path()).read_bytes()
    path, text = render_first_page(pdf, "hilfeplan-pdf")
    assert path.exists()
    assert OFFER in text and DEMO_PROJECT_NAME in text
    assert "Mahnung mitbringen" in text and "Rückmeldung an Herrn Okafor" in text
    for session in Session.objects.all():
        assert "Mahnung" not in str(session.get_decoded())


def test_the_team_reads_what_the_hilfelotse_found_nothing_for(page: Page, live_server):
    login(page, live_server, "demo-leitung")
    page.goto(f"{live_server.url}{BASE}signale/?zeitraum=alle")
    expect(page.locator("h1")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    counts = rows.locator("td.num").all_inner_texts()
    assert all(text == "< 3" or int(text) >= 3 for text in counts)
    screenshot(page, "hilfelotse-signals")
    assert_no_serious_axe_violations(page)
