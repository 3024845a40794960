"""The network page in a real browser: the demo Quartier's actors drawn with Cytoscape.js, a
hostile name that stays text, search, saving the layout, and a network of 1,000 actors."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from quartierskompass.accounts.models import Membership, Project, Role, User
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind

from .conftest import (
    DEMO_PROJECT_SLUG,
    BrowserErrors,
    assert_no_serious_axe_violations,
    login,
    new_context,
    screenshot,
)

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror=alert(1)> "Nachbarn" & <b>Freunde</b>'
DRAWN_MS = 30_000  # a generous bound for the first frame of the big graph


@pytest.fixture
def strict_page(browser: Browser, browser_errors: BrowserErrors):
    """A page that keeps the app's Content-Security-Policy: a blocked script or style is a
    console error and fails the test."""
    context = new_context(browser, bypass_csp=False)
    page = context.new_page()
    browser_errors.collect(page)
    page.on("dialog", lambda dialog: browser_errors.append(f"dialog opened: {dialog.message}"))
    yield page
    context.close()
    if browser_errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(browser_errors))


@pytest.fixture
def demo_network(demo) -> dict[str, Actor]:
    """The demo Quartier's actors plus a hostile name and a few ties (one conflict)."""
    project = Project.objects.get(slug=DEMO_PROJECT_SLUG)
    actors = list(Actor.objects.filter(project=project).order_by("name"))
    hostile = Actor.objects.create(
        project=project,
        name=HOSTILE,
        actor_type=ActorType.objects.get(code="initiative"),
        field="N",
    )
    kinds = {k.code: k for k in TieKind.objects.all()}
    pairs = [(actors[i], actors[(i * 3 + 1) % len(actors)]) for i in range(len(actors))]
    for n, (a, b) in enumerate(pairs):
        if a != b:
            Tie.objects.get_or_create(
                project=project,
                source=a,
                target=b,
                kind=kinds["kooperation"],
                defaults={"strength": n % 3 + 1, "confirmed": n % 2 == 0, "directed": n % 5 == 0},
            )
    Tie.objects.create(project=project, source=hostile, target=actors[0], kind=kinds["konflikt"])
    return {"hostile": hostile, "first": actors[0]}


def open_network(page: Page, url: str, *, timeout: int = 10_000) -> None:
    page.goto(url)
    expect(page.locator("#network[data-ready='true']")).to_be_attached(timeout=timeout)


def node_count(page: Page) -> int:
    return page.evaluate("() => window.qkNetwork.nodes().length")


def test_the_demo_network_draws_and_answers(strict_page: Page, live_server, demo_network):
    page = strict_page
    project = Project.objects.get(slug=DEMO_PROJECT_SLUG)
    login(page, live_server, "demo-mitarbeit")
    url = f"{live_server.url}/projekte/{DEMO_PROJECT_SLUG}/netzwerk/"
    open_network(page, url)
    actors = Actor.objects.filter(project=project).count()
    assert node_count(page) == actors
    assert (
        page.evaluate("() => window.qkNetwork.edges().length")
        == Tie.objects.filter(project=project).count()
    )
    expect(page.locator("#network canvas").first).to_be_attached()

    # Tapping the hostile node fills the card with the name as text.
    hostile = demo_network["hostile"]
    page.evaluate("id => window.qkNetwork.getElementById('n' + id).emit('tap')", hostile.pk)
    card = page.locator("#actor-card")
    expect(card.locator("[data-card='name']")).to_have_text(HOSTILE)
    expect(card.locator("[data-card='type']")).to_have_text("Initiative")
    expect(card.locator("[data-card='field']")).to_have_text(re.compile("^N – "))
    expect(card.locator("a[data-card='url']")).to_have_attribute("href", hostile.get_absolute_url())
    assert card.locator("img, b").count() == 0

    # Search highlights the matching actors and says how many.
    page.locator("#network-search").fill("nachbarn")
    expect(page.locator("#network-search-status")).not_to_be_empty()
    assert page.evaluate("() => window.qkNetwork.nodes('.match').map(n => n.id())") == [
        f"n{hostile.pk}"
    ]
    page.locator("#network-search").fill("")
    page.locator("[data-zoom='fit']").click()
    page.wait_for_timeout(300)  # no search animation may move the view after "show all"
    box = page.evaluate("() => window.qkNetwork.elements().renderedBoundingBox()")
    width, height = page.evaluate("() => [window.qkNetwork.width(), window.qkNetwork.height()]")
    assert box["x1"] >= 0 and box["y1"] >= 0 and box["x2"] <= width and box["y2"] <= height
    screenshot(page, "network")

    # Moving a node and saving the layout survives a reload.
    page.evaluate(
        "id => window.qkNetwork.getElementById('n' + id).position({x: 4321, y: -1234})",
        hostile.pk,
    )
    page.locator("#network-save button").click()
    expect(page.locator("#network-save-status")).to_have_text(re.compile("gespeichert|saved"))
    hostile.refresh_from_db()
    assert (hostile.graph_x, hostile.graph_y) == (4321, -1234)
    assert not Actor.objects.filter(project=project, graph_x__isnull=True).exists()
    open_network(page, url)
    position = page.evaluate(
        "id => window.qkNetwork.getElementById('n' + id).position()", hostile.pk
    )
    assert position == {"x": 4321, "y": -1234}


def test_the_network_page_is_accessible(page: Page, live_server, demo_network):
    login(page, live_server, "demo-mitarbeit")
    open_network(page, f"{live_server.url}/projekte/{DEMO_PROJECT_SLUG}/netzwerk/")
    page.locator("details.card summary").click()
    assert_no_serious_axe_violations(page)


def test_a_viewer_reads_the_network_but_cannot_save(strict_page: Page, live_server, demo_network):
    login(strict_page, live_server, "demo-ehrenamt")
    open_network(
        strict_page, f"{live_server.url}/projekte/{DEMO_PROJECT_SLUG}/netzwerk/?farbe=feld"
    )
    assert node_count(strict_page) > 10
    expect(strict_page.locator("#network-save")).to_have_count(0)
    expect(strict_page.locator("#legend-heading + .legend")).to_contain_text("Netzwerk")


@pytest.fixture
def big_network(transactional_db) -> Project:
    """1,000 actors and 5,000 ties, a few with hubs, all types and kinds mixed."""
    project = Project.objects.create(slug="grossstadt", name="Netzwerk Großstadt")
    user = User.objects.create_user("netzwerkerin", password="Netzwerk-2026")
    Membership.objects.create(project=project, user=user, role=Role.EDITOR)
    types = list(ActorType.objects.all())
    kinds = list(TieKind.objects.all())
    chance = random.Random(7)
    Actor.objects.bulk_create(
        Actor(
            project=project,
            name=f"Akteur {i:04d}",
            actor_type=types[i % len(types)],
            field="SONI"[i % 4],
        )
        for i in range(1000)
    )
    ids = list(Actor.objects.filter(project=project).values_list("pk", flat=True))
    hubs = ids[:40]
    seen: set[tuple[int, int, int]] = set()
    ties = []
    while len(ties) < 5000:
        source = chance.choice(hubs) if chance.random() < 0.3 else chance.choice(ids)
        target, kind = chance.choice(ids), chance.choice(kinds)
        key = (min(source, target), max(source, target), kind.pk)
        if source == target or key in seen:
            continue
        seen.add(key)
        ties.append(
            Tie(
                project=project,
                source_id=source,
                target_id=target,
                kind=kind,
                strength=chance.randint(1, 3),
                confirmed=chance.random() < 0.6,
            )
        )
    Tie.objects.bulk_create(ties)
    return project


def test_a_network_of_a_thousand_actors_draws_within_seconds(
    strict_page: Page, live_server, big_network
):
    login(strict_page, live_server, "netzwerkerin", "Netzwerk-2026")
    open_network(strict_page, f"{live_server.url}/projekte/grossstadt/netzwerk/", timeout=DRAWN_MS)
    assert node_count(strict_page) == 1000
    assert strict_page.evaluate("() => window.qkNetwork.edges().length") == 5000
    drawn = int(strict_page.locator("#network").get_attribute("data-draw-ms"))
    print(
        f"1,000 actors, 5,000 ties: first frame {drawn} ms after navigation start, "
        f"layout and draw {strict_page.locator('#network').get_attribute('data-layout-ms')} ms"
    )
    screenshot(strict_page, "network-1000")
    strict_page.locator("#network-search").fill("Akteur 0042")
    expect(strict_page.locator("#network-search-status")).not_to_be_empty()
    assert strict_page.evaluate("() => window.qkNetwork.nodes('.match').length") == 1
    strict_page.locator("#network-search").press("Enter")
    expect(strict_page.locator("#actor-card [data-card='name']")).to_have_text("Akteur 0042")
    strict_page.wait_for_timeout(400)  # the view glides to the actor
    screenshot(strict_page, "network-1000-search")
