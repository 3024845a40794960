"""The public Wegweiser in a real browser: the owner switches it on, the team checks an offer,
and a stranger without login searches, reads an offer and prints it – without a cookie."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity

from .conftest import (
    DEMO_PROJECT_NAME,
    DEMO_PROJECT_SLUG,
    SCREENSHOTS,
    BrowserErrors,
    assert_no_serious_axe_violations,
    login,
    new_context,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PROJECT_PATH = f"/projekte/{DEMO_PROJECT_SLUG}/"
OLD_OFFER = "Schuldner- und Insolvenzberatung"
SEARCHED_OFFER = "Migrationsberatung für Erwachsene"


def no_set_cookie(response) -> None:
    assert "set-cookie" not in response.all_headers(), response.all_headers()


def test_a_stranger_finds_reads_and_prints_an_offer(
    page: Page, browser: Browser, browser_errors: BrowserErrors, live_server
):
    Project.objects.filter(slug=DEMO_PROJECT_SLUG).update(wegweiser_enabled=False)
    Activity.objects.filter(title=OLD_OFFER).update(verified_at=date(2020, 1, 1))

    # The owner switches the Wegweiser on in the project settings.
    login(page, live_server, "demo-leitung")
    page.goto(f"{live_server.url}{PROJECT_PATH}bearbeiten/")
    page.locator("#id_wegweiser_enabled").check()
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{PROJECT_PATH}")
    assert Project.objects.get(slug=DEMO_PROJECT_SLUG).wegweiser_enabled

    # The checks page shows the public address; an old offer is checked again.
    page.goto(f"{live_server.url}{PROJECT_PATH}angebote/pruefen/")
    old = Activity.objects.get(title=OLD_OFFER)
    expect(page.locator("#check-hidden")).to_contain_text(OLD_OFFER)
    screenshot(page, "wegweiser-checks")
    assert_no_serious_axe_violations(page)
    page.locator(f"#offer-{old.pk} button").click()
    expect(page.locator("#check-current")).to_contain_text(OLD_OFFER)
    expect(page.locator(".messages")).to_contain_text(OLD_OFFER)
    public_url = page.locator(".wegweiser-box a[href*='/wegweiser/']").first.get_attribute("href")
    assert public_url == f"{live_server.url}/wegweiser/{DEMO_PROJECT_SLUG}/"

    # A stranger opens it in a fresh browser, without login.
    stranger = new_context(browser)
    public = stranger.new_page()
    browser_errors.collect(public)
    try:
        no_set_cookie(public.goto(public_url))
        expect(public.locator("html")).to_have_attribute("lang", "de")
        expect(public.locator(".ww-header")).to_contain_text(DEMO_PROJECT_NAME)
        expect(public.locator(".main-nav")).to_have_count(0)
        expect(public.locator(".ww-list")).to_contain_text(OLD_OFFER)
        screenshot(public, "wegweiser")
        assert_no_serious_axe_violations(public)

        # Searching without umlauts finds "für".
        public.locator("#ww-suche").fill("fuer erwachsene")
        public.locator(".ww-search button[type=submit]").click()
        expect(public).to_have_url(re.compile(r"\?suche=fuer\+erwachsene"))
        expect(public.locator(".ww-offer")).to_have_count(1)
        public.get_by_role("link", name=SEARCHED_OFFER).click()
        expect(public.get_by_role("heading", level=1)).to_have_text(SEARCHED_OFFER)
        expect(public.locator("main")).to_contain_text("Mo 10–16 Uhr")
        screenshot(public, "wegweiser-offer")
        assert_no_serious_axe_violations(public)

        # Printing: the offer with its footer; on the list the search form is left out.
        public.emulate_media(media="print")
        expect(public.locator(".ww-footer")).to_be_visible()
        expect(public.locator(".ww-back")).to_be_hidden()
        pdf = public.pdf(path=str(SCREENSHOTS / "wegweiser-offer.pdf"), format="A4")
        assert pdf.startswith(b"%PDF")
        public.go_back()
        expect(public.locator(".ww-search")).to_be_hidden()
        expect(public.locator(".ww-print-only")).to_contain_text("fuer erwachsene")
        expect(public.locator(".ww-offer")).to_have_count(1)
        screenshot(public, "wegweiser-print")

        assert stranger.cookies() == []
    finally:
        stranger.close()
