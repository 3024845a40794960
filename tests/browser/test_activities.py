"""Activities and the matrix in a real browser: a person enters an activity through the form
and sees the matrix change; the list filters without reloading; the cell drill-down."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quartierskompass.activities.models import Activity

from .conftest import (
    DEMO_PROJECT_SLUG,
    assert_no_serious_axe_violations,
    login,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

BASE = f"/projekte/{DEMO_PROJECT_SLUG}/"


def cell_share(page: Page, code: str) -> int:
    text = page.locator(f".matrix-table tbody tr:has(th:has-text('{code} –')) td").nth(1)
    return int(re.sub(r"\D", "", text.inner_text()))


def test_a_new_activity_changes_the_matrix(page: Page, live_server):
    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}{BASE}matrix/?measure=staff_hours")
    before = cell_share(page, "S")
    screenshot(page, "matrix")
    assert_no_serious_axe_violations(page)

    page.goto(f"{live_server.url}{BASE}aktivitaeten/neu/")
    page.locator("#id_title").fill("Sitz im Jugendhilfeausschuss")
    page.locator("#id_start").fill("2020-01-01")
    page.get_by_label("Sozialstruktur").check()
    page.get_by_label("Organisationen").check()
    page.locator("#id_percent_s").fill("80")
    page.locator("#id_percent_o").fill("10")
    expect(page.locator("#share-sum")).to_have_text("90 %")
    page.locator("#id_percent_o").fill("20")
    expect(page.locator("#share-sum")).to_have_text("100 %")
    # Only the chosen fields' work forms are offered.
    expect(page.locator('.work-form-group[data-field="I"]')).to_be_hidden()
    page.get_by_label("Kommunales Sozialraumkonzept", exact=False).check()
    page.locator("#id_staff_hours").fill("2500")
    screenshot(page, "activity-form")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sitz im Jugendhilfeausschuss")
    expect(page.locator(".messages")).to_contain_text("wurde gespeichert")
    activity = Activity.objects.get(title="Sitz im Jugendhilfeausschuss")
    assert activity.shares() == {"S": 80, "O": 20, "N": 0, "I": 0}
    screenshot(page, "activity-detail")

    page.goto(f"{live_server.url}{BASE}matrix/?measure=staff_hours")
    after = cell_share(page, "S")
    assert after > before + 10, (before, after)
    # Click the S cell: the activities behind it appear beside the matrix, without a reload.
    page.locator("svg#matrix-main a.soni-cell").first.click()
    expect(page.locator("#cell-detail")).to_contain_text("Sitz im Jugendhilfeausschuss")
    expect(page).to_have_url(re.compile(r"/matrix/\?measure=staff_hours$"))
    screenshot(page, "matrix-after")


def test_the_form_explains_a_wrong_sum(page: Page, live_server):
    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}{BASE}aktivitaeten/neu/")
    page.locator("#id_title").fill("Falsche Summe")
    page.locator("#id_start").fill("2025-01-01")
    page.get_by_label("Netzwerk").check()
    page.get_by_label("Individuum").check()
    page.locator("#id_percent_n").fill("70")
    page.locator("#id_percent_i").fill("20")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#soni-fields .errorlist")).to_contain_text("100 %")
    expect(page.locator(".message--error")).to_be_visible()
    assert not Activity.objects.filter(title="Falsche Summe").exists()


def test_the_list_filters_without_reloading(page: Page, live_server):
    login(page, live_server, "demo-ehrenamt")
    page.goto(f"{live_server.url}{BASE}aktivitaeten/")
    page.evaluate("window.__same_page = true")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(25)
    demo = Activity.objects.filter(project__slug=DEMO_PROJECT_SLUG)
    page.locator("#id_q").fill("beratung")
    expect(rows).to_have_count(demo.search("beratung").count())
    expect(page).to_have_url(re.compile(r"q=beratung"))
    page.locator("#id_field").select_option("O")
    expected = demo.search("beratung").filter(share_o__gt=0).order_by("title")
    expect(rows).to_have_count(expected.count())
    assert rows.locator("th a").all_inner_texts() == [a.title for a in expected]
    assert page.evaluate("window.__same_page") is True  # htmx swapped, no full reload
    screenshot(page, "activity-list")
    assert_no_serious_axe_violations(page)


def test_the_comparison_with_last_year(page: Page, live_server):
    login(page, live_server, "demo-leitung")
    page.goto(f"{live_server.url}{BASE}matrix/")
    page.get_by_role("link", name=re.compile("Mit .* vergleichen")).click()
    expect(page.locator("#compare-heading")).to_be_visible()
    screenshot(page, "matrix-compare")
    assert_no_serious_axe_violations(page)


def test_import_with_preview(page: Page, live_server, tmp_path):
    import openpyxl

    from quartierskompass.activities.transfer import HEADERS

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    good = {"Titel": "Sprachcafé", "Beginn": "01.02.2026", "Felder": "N, I"}
    bad = {"Titel": "<b>Fett</b>", "Beginn": "30.02.2026", "Felder": "N", "Bedarfe": "Weltfrieden"}
    for row in (good, bad):
        sheet.append([row.get(h) for h in HEADERS])
    path = tmp_path / "liste.xlsx"
    book.save(path)

    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}{BASE}aktivitaeten/import/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Datei prüfen").click()
    problems = page.locator("table:has(caption:has-text('Gefundene Probleme')) tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.first).to_contain_text("Beginn")
    expect(page.get_by_role("button", name="Jetzt importieren")).to_have_count(0)
    screenshot(page, "import-errors")
    assert_no_serious_axe_violations(page)

    page.locator("#id_file").set_input_files(str(path))
    page.get_by_label("Fehlerhafte Zeilen überspringen").check()
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.locator(".message--success")).to_contain_text("1 Aktivität angelegt")
    page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.locator(".messages")).to_contain_text("1 Zeile abgelehnt")
    assert Activity.objects.filter(title="Sprachcafé").exists()
    assert not Activity.objects.filter(title="<b>Fett</b>").exists()
