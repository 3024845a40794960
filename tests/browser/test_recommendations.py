"""The recommendations page in a real browser on the demo Quartier: read why, take one on as a
goal, dismiss another with a reason and show it again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quartierskompass.accounts.models import Project
from quartierskompass.planning.models import Goal, RecommendationDecision

from .conftest import DEMO_PROJECT_SLUG, assert_no_serious_axe_violations, login, screenshot

pytestmark = pytest.mark.browser


def open_page(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/projekte/{DEMO_PROJECT_SLUG}/empfehlungen/")
    expect(page.locator("h1")).to_have_text("Empfehlungen")


def test_accept_one_and_dismiss_another(page: Page, live_server, demo):
    project = Project.objects.get(slug=DEMO_PROJECT_SLUG)
    login(page, live_server, "demo-mitarbeit")
    open_page(page, live_server)
    cards = page.locator("article.rec")
    assert cards.count() >= 2
    expect(cards.first.locator("h4").first).to_have_text("Warum?")
    expect(cards.first.locator(".rec__facts dd").first).to_have_text(re.compile(r"\d"))
    page.locator(".rec__dismiss summary").first.click()
    screenshot(page, "recommendations")
    assert_no_serious_axe_violations(page)
    page.keyboard.press("Escape")

    # Take the most important one on as a goal: the goal opens for editing.
    first = cards.first
    title = first.locator(".rec__title").inner_text()
    fingerprint = first.get_attribute("id")
    first.get_by_role("button", name=re.compile("^Als Ziel übernehmen")).click()
    expect(page).to_have_url(re.compile(r"/ziele/\d+/bearbeiten/$"))
    goal = Goal.objects.get(project=project, recommendation=fingerprint.split(".")[0])
    expect(page.locator("textarea").first).to_have_value(goal.text)
    decision = RecommendationDecision.objects.get(project=project, fingerprint=fingerprint)
    assert (decision.decision, decision.goal) == ("accepted", goal)
    screenshot(page, "recommendation-accepted-goal")

    # Dismiss the next one with a reason; it moves down with the reason and the person.
    open_page(page, live_server)
    assert page.locator(f"article.rec[id='{fingerprint}']").count() == 0
    second = page.locator("article.rec").first
    second_title = second.locator(".rec__title").inner_text()
    second_fingerprint = second.get_attribute("id")
    second.locator(".rec__dismiss summary").click()
    reason = second.get_by_label("Warum passt diese Empfehlung nicht?")
    reason.fill("Darum kümmert sich schon die Stadtteilkonferenz.")
    second.get_by_role("button", name="Mit diesem Grund verwerfen").click()
    dismissed = page.locator("#verworfen")
    expect(dismissed).to_contain_text(second_title)
    expect(dismissed).to_contain_text("Darum kümmert sich schon die Stadtteilkonferenz.")
    expect(page.locator(".message--success")).to_contain_text("verworfen")
    assert RecommendationDecision.objects.get(fingerprint=second_fingerprint).reason.startswith(
        "Darum"
    )
    expect(page.locator("#angenommen")).to_contain_text(title)
    screenshot(page, "recommendations-decided")
    assert_no_serious_axe_violations(page)

    # And back: „Wieder anzeigen“ puts it among the open recommendations again.
    dismissed.get_by_role("button", name=re.compile("^Wieder anzeigen")).click()
    expect(page.locator(f"article.rec[id='{second_fingerprint}']")).to_be_visible()
    assert not RecommendationDecision.objects.filter(fingerprint=second_fingerprint).exists()


def test_an_empty_reason_is_not_sent(page: Page, live_server, demo):
    login(page, live_server, "demo-mitarbeit")
    open_page(page, live_server)
    card = page.locator("article.rec").first
    card.locator(".rec__dismiss summary").click()
    card.get_by_role("button", name="Mit diesem Grund verwerfen").click()
    expect(page.locator(".message--success")).to_have_count(0)
    assert not RecommendationDecision.objects.exists()


def test_a_viewer_reads_without_buttons(page: Page, live_server, demo):
    login(page, live_server, "demo-ehrenamt")
    open_page(page, live_server)
    expect(page.locator("article.rec").first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Als Ziel übernehmen"))).to_have_count(0)
    screenshot(page, "recommendations-viewer")
