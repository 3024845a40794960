"""A real Chromium, driven through Playwright's sync API, against pytest-django's live server.

Chromium comes from the system (Debian package ``chromium``), not from ``playwright install``;
without it every browser test is skipped with a hint how to get it. The demo Quartier
(``quartierskompass demo``) provides the people and projects; they log in through the real
login form.

Screenshots go to ``test-artifacts/screenshots/`` (git-ignored) so a person can look at them.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import expect as _expect

from quartierskompass.core.management.commands.demo import DEMO_PASSWORD

CHROMIUM = Path(os.environ.get("QK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHECKOUT = Path(__file__).resolve().parents[2]
SCREENSHOTS = CHECKOUT / "test-artifacts" / "screenshots"
AXE_JS = Path(__file__).resolve().parent / "assets" / "axe-core-4.14.1" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

# The demo Quartier (see quartierskompass/core/management/commands/demo.py).
DEMO_PROJECT_SLUG = "falkenhagener-feld"
DEMO_PROJECT_NAME = "Quartiersprojekt Falkenhagener Feld"

_expect.set_options(timeout=TIMEOUT_MS)


class _TakingTurnsServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when SQLite lives in memory.

    Then every server thread shares the test's one SQLite connection, and two requests at
    once (a page loading two cards, a search typed while a filter changes) break each other's
    savepoints. A real server has a connection per thread; this only serialises the tests'.
    """

    _turn = threading.Lock()

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)

        def one_at_a_time(environ, start_response):
            with self._turn:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _TakingTurnsServer


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Browser tests need Chromium at {CHROMIUM}: install it with "
            "`apt-get install chromium` (Debian/Ubuntu), or run `make test` as root, which "
            "installs it."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def new_context(browser: Browser, *, bypass_csp: bool = True) -> BrowserContext:
    """A fresh, German-speaking browser profile.

    ``bypass_csp`` lets ``add_script_tag`` inject axe-core despite the app's strict
    Content-Security-Policy; it also means a test with it proves escaping, not the CSP.
    """
    context = browser.new_context(
        locale="de-DE",
        timezone_id="Europe/Berlin",
        viewport=VIEWPORT,
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


class BrowserErrors(list):
    """JavaScript errors and console errors of one page; a test fails on any left over."""

    def collect(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.append(f"JavaScript error: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def forget(self, pattern: str) -> None:
        """Drop the errors a test expects, e.g. the 404 of a page it opens on purpose."""
        self[:] = [e for e in self if not re.search(pattern, e)]


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def page(browser: Browser, browser_errors: BrowserErrors) -> Iterator[Page]:
    """A page in its own browser context (cookies, storage), de-DE, 1280×900."""
    context = new_context(browser)
    page = context.new_page()
    browser_errors.collect(page)
    yield page
    context.close()
    if browser_errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(browser_errors))


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo Quartier with one login per role, password ``quartier-demo``."""
    call_command("demo", stdout=io.StringIO())


def login(page: Page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form at /konto/anmelden/ and wait for the page after it."""
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#main form button[type=submit]").click()
    _expect(page).not_to_have_url(re.compile(r"/konto/anmelden/"))


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path


def run_axe(page: Page) -> list[dict]:
    """All axe-core violations on the current page (axe's default rule set)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    return result


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    {target}")
            if node.get("summary"):
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page, *, known: dict[str, str] | None = None) -> None:
    """Fail listing every axe violation of impact serious or critical on the current page.

    ``known`` maps a rule id to the reason it is tolerated for now (a bug reported, not yet
    fixed). A known rule that no longer fires fails too, so the exception gets removed.
    """
    known = known or {}
    serious = [v for v in run_axe(page) if v["impact"] in {"serious", "critical"}]
    violations = [v for v in serious if v["id"] not in known]
    fixed = sorted(set(known) - {v["id"] for v in serious})
    problems = []
    if violations:
        problems.append(
            f"axe-core found serious or critical violations on {page.url}:\n"
            + format_violations(violations)
        )
    if fixed:
        problems.append(
            f"Known axe violations no longer found on {page.url}: {', '.join(fixed)}. "
            "Fixed, thank you: remove them from the test's list of known issues."
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
