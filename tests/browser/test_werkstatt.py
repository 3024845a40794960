"""The SONI-Werkstatt in a real browser, on a projector-sized screen: a team runs a whole
session on the demo Quartier from rating to goals – partly with the keyboard and a clicker's
Page Down – finishes it, and downloads the protocol, whose pages are rendered to PNG."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect

from quartierskompass.accounts.models import Project
from quartierskompass.planning import workshop as domain
from quartierskompass.planning.models import Goal, Workshop

from .conftest import (
    CHECKOUT,
    DEMO_PROJECT_SLUG,
    BrowserErrors,
    assert_no_serious_axe_violations,
    login,
    new_context,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

BASE = f"/projekte/{DEMO_PROJECT_SLUG}/werkstatt/"
PROJECTOR = {"width": 1280, "height": 720}
ARTIFACTS = CHECKOUT / "test-artifacts" / "werkstatt"
TITLE = "Werkstatt im Gemeindehaus"
NOTE = "Viel Netzwerk, kaum Kontakt zum Bezirksamt"
IDEA = "Wohnungsnot aus der Beratung in den Sozialausschuss tragen"
DECISION = "Quartiersmanagerin lädt das Sozialamt zur Stadtteilkonferenz ein"


def projector(page: Page, name: str) -> None:
    """The full page, and what the projector shows without scrolling."""
    path = screenshot(page, name)
    page.screenshot(path=str(path.with_name(f"{name}-beamer.png")), animations="disabled")


def step(page: Page) -> int:
    return int(page.locator(".ws-stage").get_attribute("data-step"))


def blur(page: Page) -> None:
    """Leave any form field, as a presenter does before using the clicker."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def press(page: Page, key: str) -> None:
    """Press a key once werkstatt.js listens (a fresh page may not have run it yet)."""
    expect(page.locator(".ws-stage[data-keys='ready']")).to_be_attached()
    page.keyboard.press(key)


def test_a_whole_werkstatt_from_rating_to_goals(page: Page, live_server):
    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}{BASE}")
    screenshot(page, "werkstatt-0-liste")
    assert_no_serious_axe_violations(page)

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_participants").fill("Gemeindediakonin, Quartiersmanagerin, 2 Ehrenamtliche")
    page.locator("#start button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/werkstatt/\d+/schritt/1/$"))
    workshop = Workshop.objects.get(title=TITLE)
    page.set_viewport_size(PROJECTOR)

    # Step 1 – the arrow keys choose within a rating and do not turn the page.
    page.locator("#id_S_0").check()
    press(page, "ArrowRight")
    press(page, "ArrowRight")
    assert step(page) == 1
    expect(page.locator("#id_S_2")).to_be_checked()
    for code, value in (("O", 1), ("N", 3), ("I", 3)):
        page.locator(f"label[for=id_{code}_{value}]").click()
    projector(page, "werkstatt-1-einschaetzung")
    assert_no_serious_axe_violations(page)
    page.locator("#id_I_3").focus()
    press(page, "PageDown")  # the clicker turns the page even from a choice

    # Step 2 – the data beside the ratings, differences marked.
    expect(page).to_have_url(re.compile(r"/schritt/2/$"))
    expect(page.locator("#ws-matrix")).to_be_visible()
    rows = page.locator("#ws-compare tbody tr")
    expect(rows).to_have_count(4)
    workshop.refresh_from_db()
    expected = domain.compare_ratings(workshop.ratings, domain.matrix_for(workshop))
    for row in expected:
        expect(page.locator(f'#ws-compare tr[data-field="{row.code}"]')).to_have_attribute(
            "data-kind", row.kind
        )
    assert {row.kind for row in expected} - {"match"}, "the demo should differ from the ratings"
    expect(page.locator("#ws-mapping")).to_contain_text("30 %")
    note = page.locator("#id_note")
    note.fill(NOTE)
    press(page, "ArrowLeft")  # in the text field: moves the caret, not the Werkstatt
    assert step(page) == 2
    projector(page, "werkstatt-2-daten")
    assert_no_serious_axe_violations(page)
    page.locator("[data-ws-next]").click()

    # Step 3 – one field per screen; the step bar shows where the team is.
    expect(page).to_have_url(re.compile(r"/schritt/3/\?feld=S$"))
    expect(page.locator('.ws-steps [aria-current="step"]')).to_contain_text("3")
    page.locator("#id_s-2").fill("Frau K. im Bezirksamt, zuletzt vor zwei Jahren")
    projector(page, "werkstatt-3-leitfragen-S")
    assert_no_serious_axe_violations(page)
    for field in ("O", "N", "I"):
        blur(page)
        press(page, "ArrowRight")
        expect(page).to_have_url(re.compile(rf"feld={field}$"))
    page.locator("#id_i-1").fill("Viele fragen nach Wohnungen")
    page.locator("[data-ws-next]").click()

    # Step 4 – an idea from the case to the field.
    expect(page).to_have_url(re.compile(r"/schritt/4/$"))
    page.locator("#id_idee-0-source").select_option("I")
    page.locator("#id_idee-0-target").select_option("S")
    page.locator("#id_idee-0-text").fill(IDEA)
    page.locator(".ws-nav button[value=stay]").click()
    expect(page.locator("#id_idee-0-text")).to_have_value(IDEA)
    projector(page, "werkstatt-4-ideen")
    assert_no_serious_axe_violations(page)
    page.locator("[data-ws-next]").click()

    # Step 5 – the idea taken over as a decision, which becomes a goal.
    expect(page).to_have_url(re.compile(r"/schritt/5/$"))
    page.locator(".ws-idea-list a").first.click()
    expect(page.locator("#id_text")).to_have_value(IDEA)
    page.locator("#id_text").fill(DECISION)
    page.locator("#id_responsible").fill("Quartiersmanagerin")
    page.locator("#id_due").fill("2027-03-31")
    page.locator("#id_need").select_option(label="Wohnen")
    page.locator(".ws-activities-details summary").click()
    page.locator(".ws-activities input[type=checkbox]").first.check()
    page.locator(".ws-nav button[value=stay]").click()
    expect(page.locator("#ws-goals")).to_contain_text(DECISION)
    expect(page.locator("#ws-goals li")).to_have_count(1)
    projector(page, "werkstatt-5-entscheidungen")
    assert_no_serious_axe_violations(page)
    blur(page)
    press(page, "PageUp")
    expect(page).to_have_url(re.compile(r"/schritt/4/$"))
    page.goto(f"{live_server.url}{BASE}{workshop.pk}/schritt/5/")
    page.locator("[data-ws-next]").click()

    # Summary: finish and keep the snapshot.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page).to_have_url(re.compile(rf"/werkstatt/{workshop.pk}/$"))
    page.locator("#ws-finish").click()
    expect(page.locator("#ws-finish")).to_have_count(0)
    expect(page.locator("#p-goals")).to_contain_text(DECISION)
    screenshot(page, "werkstatt-6-zusammenfassung")
    assert_no_serious_axe_violations(page)

    workshop.refresh_from_db()
    assert workshop.ratings == {"S": 2, "O": 1, "N": 3, "I": 3}
    assert workshop.notes["data"] == NOTE
    assert workshop.ideas == [{"from": "I", "to": "S", "text": IDEA}]
    goal = Goal.objects.get(workshop=workshop)
    assert goal.text == DECISION and goal.fields == ["S", "I"]
    assert goal.activities.count() == 1
    assert workshop.snapshot["decisions"][0]["goal"] == goal.pk
    assert workshop.snapshot["matrix"]["activities"] > 30

    # Last year's Werkstatt of the demo beside this one.
    page.goto(f"{live_server.url}{BASE}")
    for box in page.locator("#workshops input[name=w]").all():
        box.check()
    page.locator("#workshops").locator("xpath=ancestor::form").locator("button").click()
    expect(page).to_have_url(re.compile(r"/werkstatt/vergleich/\?w=\d+&w=\d+$"))
    expect(page.locator("#ws-over-time thead th")).to_have_count(3)
    expect(page.locator(".small-multiples svg")).to_have_count(2)
    expect(page.locator("#ws-over-time thead")).to_contain_text(TITLE)
    screenshot(page, "werkstatt-7-vergleich")
    assert_no_serious_axe_violations(page)
    page.goto(f"{live_server.url}{BASE}{workshop.pk}/")

    # The protocol: downloaded, rendered to PNG for a person to look at, and read.
    with page.expect_download() as info:
        page.locator("#ws-pdf").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "protokoll.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) are not installed")
    for old in ARTIFACTS.glob("protokoll-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", pdf, ARTIFACTS / "protokoll"], check=True)
    assert sorted(ARTIFACTS.glob("protokoll-*.png"))
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (TITLE, NOTE, IDEA, DECISION, "Frau K. im Bezirksamt", "Quartiersmanagerin"):
        assert expected in text, expected


def test_the_keys_work_under_the_content_security_policy(
    browser: Browser, browser_errors: BrowserErrors, live_server
):
    """werkstatt.js runs with the app's strict CSP: a blocked script would be a console error."""
    context = new_context(browser, bypass_csp=False)
    page = context.new_page()
    browser_errors.collect(page)
    try:
        login(page, live_server, "demo-ehrenamt")  # reads only: the steps are links
        workshop = Workshop.objects.create(
            project=Project.objects.get(slug=DEMO_PROJECT_SLUG),
            title="Lesen",
            date="2026-01-15",
            period_start="2025-01-01",
            period_end="2025-12-31",
        )
        page.goto(f"{live_server.url}{BASE}{workshop.pk}/schritt/2/")
        expect(page.locator("#ws-form")).to_have_count(0)
        screenshot(page, "werkstatt-lesen-schritt-2")
        press(page, "PageDown")
        expect(page).to_have_url(re.compile(r"/schritt/3/\?feld=S$"))
        press(page, "ArrowLeft")
        expect(page).to_have_url(re.compile(r"/schritt/2/$"))
    finally:
        context.close()
    assert not browser_errors, browser_errors
