"""The app in a real browser: login, the SONI picture by keyboard, language, members,
accessibility (axe-core), the wrong person, and a hostile project name.

Uses the demo Quartier: demo-leitung owns "Quartiersprojekt Falkenhagener Feld",
demo-extern owns the neighbouring "Kiezprojekt Wilhelmstadt" and must not see the other one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from quartierskompass.accounts.models import Membership, Project, Role, User

from .conftest import (
    DEMO_PROJECT_NAME,
    DEMO_PROJECT_SLUG,
    BrowserErrors,
    assert_no_serious_axe_violations,
    login,
    new_context,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PROJECT_PATH = f"/projekte/{DEMO_PROJECT_SLUG}/"
SVG = "http://www.w3.org/2000/svg"


def test_login_lands_on_the_project(page: Page, live_server):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/konto/anmelden/"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#id_username")).to_be_focused()  # autofocus
    screenshot(page, "login")

    login(page, live_server, "demo-leitung")

    expect(page).to_have_url(f"{live_server.url}{PROJECT_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_PROJECT_NAME)
    expect(page.locator(".switcher summary")).to_contain_text(DEMO_PROJECT_NAME)
    # The overview's group (Übersicht, Matrix) is marked in the main row, the page in the row below.
    expect(page.locator(".main-nav a[aria-current=true]")).to_have_attribute("href", PROJECT_PATH)
    expect(page.locator(".sub-nav a[aria-current=page]")).to_have_attribute("href", PROJECT_PATH)
    # Recommendations and needs load right after the page, one after the other.
    expect(page.locator(".dashboard-cards [aria-busy=true]")).to_have_count(0)
    expect(page.get_by_role("heading", name="Empfehlungen")).to_be_visible()
    screenshot(page, "project")


def test_soni_picture_by_keyboard(page: Page, live_server):
    page.goto(f"{live_server.url}/soni-modell/")
    svg = page.locator("svg#soni-model")
    expect(svg).to_be_visible()
    links = svg.locator("a.soni-cell")
    expect(links).to_have_count(4)
    assert [links.nth(i).get_attribute("href") for i in range(4)] == [
        "#feld-S",
        "#feld-O",
        "#feld-N",
        "#feld-I",
    ]

    # Without focus the inner focus frame of every field stays invisible.
    assert (
        svg.locator(".soni-focus").evaluate_all("els => els.map(el => getComputedStyle(el).stroke)")
        == ["none"] * 4
    )

    # Tab from the top of the page until keyboard focus lands on a link inside the picture.
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                return {ns: el.namespaceURI, tag: el.localName,
                        href: el.getAttribute("href"),
                        inSvg: el.closest("svg#soni-model") !== null};
            }"""
        )
        if focused["inSvg"]:
            break
    else:
        pytest.fail("20 presses of Tab never reached a field link in the SONI picture")
    assert focused == {"ns": SVG, "tag": "a", "href": "#feld-S", "inSvg": True}
    # The focused field must be visibly marked (the yellow inner frame of qk.css).
    focus_ring = page.locator("a.soni-cell:focus-visible .soni-focus")
    expect(focus_ring).to_have_count(1)
    assert focus_ring.evaluate("el => getComputedStyle(el).stroke") == "rgb(255, 191, 71)"
    screenshot(page, "soni-model")

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#feld-O"
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#feld-O$"))
    assert page.evaluate("() => location.hash") == "#feld-O"
    section = page.locator("#feld-O")
    expect(section).to_be_in_viewport()
    expect(section.get_by_role("heading", level=2)).to_contain_text("O")


SVG_LAYOUT_JS = """svg => {
    // Everything drawn must lie inside the picture's box (the SVG clips the rest), and
    // the texts must not run into each other or out of their field.
    const box = svg.getBoundingClientRect();
    const r = el => el.getBoundingClientRect();
    const name = el => el.textContent.trim() || el.outerHTML.slice(0, 60);
    const inside = (a, b) =>
        a.left >= b.left - 0.5 && a.right <= b.right + 0.5 &&
        a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    const overlap = (a, b) =>
        a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const problems = [];
    for (const el of svg.querySelectorAll("rect, text")) {
        if (!inside(r(el), box)) problems.push(`cut off at the picture's edge: ${name(el)}`);
    }
    for (const cell of svg.querySelectorAll(".soni-cell")) {
        const frame = r(cell.querySelector("rect"));
        for (const text of cell.querySelectorAll("text")) {
            if (!inside(r(text), frame)) problems.push(`runs out of its field: ${name(text)}`);
        }
    }
    const labels = [...svg.querySelectorAll(":scope > text")];
    for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
            if (overlap(r(labels[i]), r(labels[j]))) {
                problems.push(`overlap: ${name(labels[i])} / ${name(labels[j])}`);
            }
        }
    }
    return problems;
}"""


@pytest.mark.parametrize("language", ["de", "en"])
def test_soni_picture_fits_its_box(page: Page, live_server, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/soni-modell/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    problems = page.locator("svg#soni-model").evaluate(SVG_LAYOUT_JS)
    assert not problems, "The SONI picture does not fit:\n" + "\n".join(problems)


def test_switch_language(page: Page, live_server):
    page.goto(f"{live_server.url}/soni-modell/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "de")
    # Content from the database follows the language even before translations are compiled.
    expect(page.locator("#feld-S")).to_contain_text("Sozialraumanalyse")

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/soni-modell/")
    expect(page.locator("#feld-S")).to_contain_text("Social space analysis")
    expect(page.locator("#feld-S")).not_to_contain_text("Sozialraumanalyse")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The SONI model of social space orientation"
    )
    expect(page.get_by_role("button", name="Deutsch")).to_be_visible()
    screenshot(page, "soni-model-en")

    page.get_by_role("button", name="Deutsch").click()
    expect(html).to_have_attribute("lang", "de")
    expect(page.locator("#feld-S")).to_contain_text("Sozialraumanalyse")
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_owner_adds_a_member_by_email(page: Page, live_server, mailoutbox):
    login(page, live_server, "demo-leitung")
    page.goto(f"{live_server.url}{PROJECT_PATH}mitglieder/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)

    page.locator("#id_identifier").fill("neue.nachbarin@example.org")
    page.locator("#id_role").select_option("editor")
    page.locator("section.card form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}{PROJECT_PATH}mitglieder/")
    message = page.locator(".messages .message--success")
    expect(message).to_be_visible()
    expect(message).to_contain_text("neue.nachbarin")
    expect(rows).to_have_count(4)
    expect(page.locator("main table")).to_contain_text("neue.nachbarin")
    # Button variants apply to <button> too: "Rolle ändern" outlined, "Entfernen" red.
    background = "el => getComputedStyle(el).backgroundColor"
    assert (
        rows.first.locator("button.button--secondary").evaluate(background) == "rgb(255, 255, 255)"
    )
    # The sole owner (listed first) gets no "Entfernen" button: that could only end in an error.
    expect(rows.first.locator("button.button--danger")).to_have_count(0)
    assert rows.last.locator("button.button--danger").evaluate(background) == "rgb(164, 22, 26)"
    screenshot(page, "members")

    membership = Membership.objects.get(user__email="neue.nachbarin@example.org")
    assert (membership.project.slug, membership.role) == (DEMO_PROJECT_SLUG, Role.EDITOR)
    assert [m.to for m in mailoutbox] == [["neue.nachbarin@example.org"]]


AXE_PAGES = {
    "login": ("/konto/anmelden/", None),
    "project": (PROJECT_PATH, "demo-leitung"),
    "members": (f"{PROJECT_PATH}mitglieder/", "demo-leitung"),
    "soni-model": ("/soni-modell/", "demo-leitung"),
    "projects": ("/projekte/", "demo-leitung"),
    "account": ("/konto/", "demo-leitung"),
}
# Violations accepted for now, each with its reason; an entry fails the test once it is gone.
KNOWN_AXE_ISSUES: dict[str, dict[str, str]] = {}


@pytest.mark.parametrize("name", AXE_PAGES)
def test_no_serious_accessibility_violations(page: Page, live_server, name):
    path, username = AXE_PAGES[name]
    if username:
        login(page, live_server, username)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200
    assert_no_serious_axe_violations(page, known=KNOWN_AXE_ISSUES.get(name))


def test_other_project_is_not_found(page: Page, live_server, browser_errors: BrowserErrors):
    login(page, live_server, "demo-extern")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiezprojekt Wilhelmstadt")

    response = page.goto(f"{live_server.url}{PROJECT_PATH}")
    assert response is not None and response.status == 404
    browser_errors.forget(r"status of 404")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^(Seite nicht gefunden|Page not found)$")
    )
    # Nothing about the other project leaks: not its name, not the switcher entry.
    expect(page.locator("body")).not_to_contain_text("Falkenhagener")
    screenshot(page, "not-found")


HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def test_hostile_names_stay_text(page: Page, live_server):
    Project.objects.filter(slug=DEMO_PROJECT_SLUG).update(name=HOSTILE)
    User.objects.filter(username="demo-mitarbeit").update(
        first_name='"><svg onload="window.__pwned=3">', last_name="Okafor"
    )
    login(page, live_server, "demo-leitung")

    expect(page).to_have_url(f"{live_server.url}{PROJECT_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE)
    assert HOSTILE in page.title()
    switcher = page.locator(".switcher")
    switcher.locator("summary").click()
    expect(switcher).to_have_attribute("open", "")
    entry = switcher.locator(".switcher__list a", has_text=HOSTILE)
    expect(entry).to_be_visible()
    expect(entry).to_have_text(HOSTILE)
    expect(entry).to_have_attribute("aria-current", "true")
    screenshot(page, "hostile-name")

    for path in ("/projekte/", "/konto/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_contain_text(HOSTILE)
        assert page.evaluate("() => typeof window.__pwned") == "undefined", path
    page.goto(f"{live_server.url}{PROJECT_PATH}mitglieder/")
    assert HOSTILE in page.title()
    expect(page.locator("main table")).to_contain_text('"><svg onload="window.__pwned=3"> Okafor')
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("main img, main script").count() == 0


def test_pages_keep_the_content_security_policy(browser, live_server):
    """Without bypass_csp: the app's own scripts and styles load, nothing is refused."""
    context = new_context(browser, bypass_csp=False)
    page = context.new_page()
    errors = BrowserErrors()
    errors.collect(page)
    try:
        login(page, live_server, "demo-leitung")
        for path in (PROJECT_PATH, f"{PROJECT_PATH}mitglieder/", "/soni-modell/", "/konto/"):
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200
            csp = response.header_value("content-security-policy") or ""
            assert "script-src 'self' 'nonce-" in csp, csp
            assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load"
            color = page.locator(".site-header").evaluate(
                "el => getComputedStyle(el).backgroundColor"
            )
            assert color == "rgb(11, 85, 99)", "qk.css did not load"
    finally:
        context.close()
    assert not errors, "\n".join(errors)
