"""Every project page and endpoint, asked by every persona.

Anonymous → login; member of another project → 404; viewer and coordinator read but do not
write; editor writes; only owners manage. A new page under /projekte/<slug>/ fails
`test_every_project_page_is_in_the_matrix` until it is added to PAGES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quartierskompass.accounts.models import Membership, Project, Role
from quartierskompass.accounts.permissions import Access, get_for_user, get_project_for_user
from quartierskompass.activities.models import Need
from quartierskompass.actors.models import Actor, Tie, TieKind
from quartierskompass.areas.models import Area, ProjectArea
from quartierskompass.planning.models import Finding, Goal, Method, ProjectNeed, Workshop
from tests.factories import make_activity


@dataclass
class Page:
    name: str
    access: Access
    method: str = "get"
    data: dict = field(default_factory=dict)
    target: str = ""  # the URL also takes the pk of this object: "membership", "activity", …
    extra: tuple = ()

    def url(self, project: Project, targets: dict) -> str:
        args = [project.slug, *([targets[self.target].pk] if self.target else []), *self.extra]
        return reverse(self.name, args=args)


ACTIVITY_POST = {"title": "Neu", "status": "active", "start": "2025-01-01", "soni_fields": ["N"]}


PAGES = [
    Page("accounts:project", Access.READ),
    Page("accounts:members", Access.READ),
    Page("accounts:overview_card", Access.READ, extra=("empfehlungen",)),
    Page("accounts:overview_card", Access.READ, extra=("bedarfe",)),
    Page("accounts:project_edit", Access.MANAGE),
    Page(
        "accounts:project_edit",
        Access.MANAGE,
        "post",
        {
            "name": "Neu",
            "description": "",
            "weak_threshold": 10,
            "review_after_months": 12,
            "hide_after_months": 18,
        },
    ),
    Page(
        "accounts:member_add",
        Access.MANAGE,
        "post",
        {"identifier": "neu@example.org", "role": "viewer"},
    ),
    Page("accounts:member_role", Access.MANAGE, "post", {"role": "editor"}, "membership"),
    Page("accounts:member_remove", Access.MANAGE, "post", target="membership"),
    Page("activities:list", Access.READ),
    Page("activities:detail", Access.READ, target="activity"),
    Page("activities:trash", Access.READ),
    Page("activities:create", Access.WRITE),
    Page("activities:create", Access.WRITE, "post", ACTIVITY_POST),
    Page("activities:edit", Access.WRITE, target="activity"),
    Page("activities:edit", Access.WRITE, "post", ACTIVITY_POST, "activity"),
    Page("activities:duplicate", Access.WRITE, "post", target="activity"),
    Page("activities:delete", Access.WRITE, target="activity"),
    Page("activities:delete", Access.WRITE, "post", target="activity"),
    Page("activities:restore", Access.WRITE, "post", target="deleted_activity"),
    Page("activities:export", Access.READ, extra=("xlsx",)),
    Page("activities:template", Access.READ, extra=("csv",)),
    Page("activities:import", Access.WRITE),
    Page("activities:import_confirm", Access.WRITE, "post"),
    Page("activities:register_import", Access.WRITE),
    Page("activities:register_import_confirm", Access.WRITE, "post"),
    Page("activities:matrix", Access.READ),
    Page("areas:project_areas", Access.READ),
    Page("areas:project_area_add", Access.WRITE, "post", {"area": "@area"}),
    Page("areas:project_area_remove", Access.WRITE, "post", target="project_area"),
    Page("areas:map", Access.READ),
    Page("actors:list", Access.READ),
    Page("actors:detail", Access.READ, target="actor"),
    Page("actors:create", Access.WRITE),
    Page("actors:create", Access.WRITE, "post", {"name": "Neuer Verein"}),
    Page("actors:edit", Access.WRITE, target="actor"),
    Page("actors:edit", Access.WRITE, "post", {"name": "Umbenannt"}, "actor"),
    Page("actors:merge", Access.WRITE, "post", {"other": "@other_actor"}, "actor"),
    Page("actors:delete", Access.WRITE, "post", target="actor"),
    Page(
        "actors:tie_add",
        Access.WRITE,
        "post",
        {"other": "@other_actor", "kind": "@tie_kind", "strength": 2, "direction": "both"},
        "actor",
    ),
    Page("actors:tie_delete", Access.WRITE, "post", target="tie"),
    Page("activities:matrix_cell", Access.READ, extra=("I",)),
    Page("actors:network", Access.READ),
    # A form post carries the same JSON as the page's fetch (which gets 204) and redirects.
    Page("actors:network_positions", Access.WRITE, "post", {"positions": '{"positions": {}}'}),
    Page("actors:import", Access.WRITE),
    Page("actors:import_confirm", Access.WRITE, "post"),
    Page("actors:export", Access.READ, extra=("xlsx",)),
    Page("actors:template", Access.READ),
    Page("finder:checks", Access.READ),
    Page("finder:verify", Access.WRITE, "post", target="activity"),
    # finder: Hilfelotse, Hilfeplan and Fall-zum-Feld signals – every member may search and print
    Page("finder:lotse", Access.READ),
    Page("finder:lotse", Access.READ, "get", {"bedarf": "wohnen"}),
    Page("finder:pick", Access.READ, "post", {"activity": "@activity"}),
    Page("finder:unpick", Access.READ, "post", {"activity": "@activity"}),
    Page("finder:clear", Access.READ, "post"),
    Page("finder:hilfeplan", Access.READ),
    Page("finder:hilfeplan_pdf", Access.READ),
    Page("finder:signals", Access.READ),
    # planning: needs register, findings, methods, Bedarf–Bestand
    Page("planning:needs", Access.READ),
    Page("planning:need_create", Access.WRITE, "post", {"need": "jugend", "status": "open"}),
    Page(
        "planning:need_update",
        Access.WRITE,
        "post",
        {"status": "addressed", "note": "Beratung läuft"},
        "project_need",
    ),
    Page("planning:coverage", Access.READ),
    Page("planning:findings", Access.READ),
    Page("planning:finding_create", Access.WRITE),
    Page(
        "planning:finding_create",
        Access.WRITE,
        "post",
        {"method": "nadelmethode", "date": "2025-06-01", "text": "Treffpunkt fehlt"},
    ),
    Page("planning:finding_edit", Access.WRITE, target="finding"),
    Page(
        "planning:finding_edit",
        Access.WRITE,
        "post",
        {"method": "stadtteilbegehung", "date": "2025-05-01", "text": "Geändert"},
        "finding",
    ),
    Page("planning:finding_delete", Access.WRITE, target="finding"),
    Page("planning:finding_delete", Access.WRITE, "post", target="finding"),
    # planning: recommendations
    Page("planning:recommendations", Access.READ),
    Page("planning:recommendation_accept", Access.WRITE, "post", extra=("weak-field.S.2025",)),
    Page(
        "planning:recommendation_dismiss",
        Access.WRITE,
        "post",
        {"reason": "Die Sozialplanung ist gerade unbesetzt."},
        extra=("weak-field.S.2025",),
    ),
    Page("planning:recommendation_restore", Access.WRITE, "post", extra=("weak-field.S.2025",)),
    # planning: workshops
    Page("planning:workshops", Access.READ),
    Page(
        "planning:workshop_create",
        Access.WRITE,
        "post",
        {
            "title": "Werkstatt",
            "date": "2025-06-01",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "measure": "count",
        },
    ),
    Page("planning:workshop_compare", Access.READ),
    Page("planning:workshop", Access.READ, target="workshop"),
    Page("planning:workshop_step", Access.READ, target="workshop", extra=(1,)),
    Page("planning:workshop_step", Access.READ, target="workshop", extra=(2,)),
    Page(
        "planning:workshop_step",
        Access.WRITE,
        "post",
        {"S": 2, "O": 1, "version": 1},
        "workshop",
        extra=(1,),
    ),
    Page("planning:workshop_finish", Access.WRITE, "post", {"version": 1}, "workshop"),
    Page("planning:workshop_pdf", Access.READ, target="workshop"),
    Page("planning:workshop_delete", Access.WRITE, "post", target="workshop"),
    # planning: goals
    Page("planning:goals", Access.READ),
    Page("planning:goal", Access.READ, target="goal"),
    Page("planning:goal_create", Access.WRITE),
    Page("planning:goal_create", Access.WRITE, "post", {"text": "Neues Ziel", "status": "planned"}),
    Page("planning:goal_edit", Access.WRITE, target="goal"),
    Page(
        "planning:goal_edit",
        Access.WRITE,
        "post",
        {"text": "Geändertes Ziel", "status": "active", "progress": 20, "version": 1},
        "goal",
    ),
    Page("planning:goal_delete", Access.WRITE, target="goal"),
    Page("planning:goal_delete", Access.WRITE, "post", target="goal"),
]

PERSONAS = [
    "anonym",
    "fremde_person",
    "programmleitung",
    "ehrenamtlicher",
    "mitarbeiter",
    "koordinatorin",
]
ROLE_OF = {
    "programmleitung": Role.COORDINATOR,
    "ehrenamtlicher": Role.VIEWER,
    "mitarbeiter": Role.EDITOR,
    "koordinatorin": Role.OWNER,
}


def expected_status(persona: str, page: Page) -> int | str:
    if persona == "anonym":
        return "login"
    if persona == "fremde_person":
        return 404
    allowed = {
        Access.READ: True,
        Access.WRITE: ROLE_OF[persona] in (Role.EDITOR, Role.OWNER),
        Access.MANAGE: ROLE_OF[persona] == Role.OWNER,
    }[page.access]
    if not allowed:
        return 403
    return 302 if page.method == "post" else 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.method}-{p.name}")
def test_page_answers_each_persona_by_role(
    request, client_for, projekt, koordinatorin, persona, page
):
    user = None if persona == "anonym" else request.getfixturevalue(persona)
    targets = {
        "membership": Membership.objects.create(
            project=projekt,
            user=type(koordinatorin).objects.create_user("zielperson"),
            role=Role.VIEWER,
        ),
        "activity": make_activity(projekt, fields="NI"),
        "deleted_activity": make_activity(projekt, "Gelöscht", fields="S"),
        "area": Area.objects.create(code_system="t", code="1", name="Gebiet"),
    }
    targets["actor"] = Actor.objects.create(project=projekt, name="Verein")
    targets["other_actor"] = Actor.objects.create(project=projekt, name="Schule")
    targets["tie_kind"] = TieKind.objects.get(code="kooperation")
    targets["tie"] = Tie.objects.create(
        project=projekt,
        source=targets["actor"],
        target=targets["other_actor"],
        kind=TieKind.objects.get(code="information"),
    )
    targets["project_area"] = ProjectArea.objects.create(
        project=projekt, area=Area.objects.create(code_system="t", code="2", name="Zweites")
    )
    targets["deleted_activity"].move_to_trash()
    targets["project_need"] = ProjectNeed.objects.create(
        project=projekt, need=Need.objects.get(code="wohnen")
    )
    targets["finding"] = Finding.objects.create(
        project=projekt,
        method=Method.objects.get(code="stadtteilbegehung"),
        date=date(2025, 5, 1),
        text="Kein Treffpunkt für Jugendliche am Abend",
    )
    targets["workshop"] = Workshop.objects.create(
        project=projekt,
        title="SONI-Werkstatt",
        date=date(2025, 6, 1),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    targets["goal"] = Goal.objects.create(project=projekt, text="Jugendtreff am Abend öffnen")
    url = page.url(projekt, targets)
    # "@name" in the form data stands for the pk of that target.
    data = {
        key: targets[value[1:]].pk if str(value).startswith("@") else value
        for key, value in page.data.items()
    }
    response = getattr(client_for(user), page.method)(url, data)
    expected = expected_status(persona, page)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, response.content[:500]


def test_writes_by_forbidden_personas_change_nothing(client_for, projekt, ehrenamtlicher):
    client = client_for(ehrenamtlicher)
    client.post(reverse("accounts:project_edit", args=[projekt.slug]), {"name": "Gekapert"})
    client.post(
        reverse("accounts:member_role", args=[projekt.slug, ehrenamtlicher.memberships.get().pk]),
        {"role": "owner"},
    )
    projekt.refresh_from_db()
    assert projekt.name == "Quartiersprojekt Nordstadt"
    assert ehrenamtlicher.memberships.get().role == Role.VIEWER


def test_a_membership_of_another_project_cannot_be_reached_through_this_one(
    client_for, projekt, koordinatorin, fremde_person
):
    foreign = fremde_person.memberships.get()
    url = reverse("accounts:member_remove", args=[projekt.slug, foreign.pk])
    assert client_for(koordinatorin).post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def _project_patterns(resolver=None, prefix: str = "") -> list[str]:
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            names += _project_patterns(entry, prefix + namespace)
        elif isinstance(entry, URLPattern) and "projekte/<slug:slug>" in str(entry.pattern):
            names.append(prefix + entry.name)
    return names


def test_every_project_page_is_in_the_matrix():
    covered = {page.name for page in PAGES}
    missing = sorted(set(_project_patterns()) - covered)
    assert not missing, f"Add these pages to PAGES: {missing}"


class TestVisibleTo:
    def test_member_sees_only_own_projects(self, projekt, anderes_projekt, ehrenamtlicher):
        assert list(Project.objects.visible_to(ehrenamtlicher)) == [projekt]

    def test_coordinator_sees_every_project_of_the_programme(
        self, projekt, anderes_projekt, programmleitung
    ):
        assert list(Project.objects.visible_to(programmleitung)) == [projekt]
        assert list(Project.objects.writable_by(programmleitung)) == []

    def test_anonymous_and_inactive_see_nothing(self, projekt, ehrenamtlicher):
        from django.contrib.auth.models import AnonymousUser

        assert not Project.objects.visible_to(AnonymousUser()).exists()
        ehrenamtlicher.is_active = False
        assert not Project.objects.visible_to(ehrenamtlicher).exists()

    def test_member_and_coordinator_at_once_is_listed_once(self, projekt, programmleitung):
        Membership.objects.create(project=projekt, user=programmleitung, role=Role.EDITOR)
        assert Project.objects.visible_to(programmleitung).count() == 1
        assert projekt.role_for(programmleitung) == Role.EDITOR

    def test_writable_by_follows_roles(self, projekt, mitarbeiter, ehrenamtlicher):
        assert list(Project.objects.writable_by(mitarbeiter)) == [projekt]
        assert list(Project.objects.writable_by(ehrenamtlicher)) == []


class TestHelpers:
    def test_get_project_for_user_hides_foreign_projects(self, projekt, fremde_person):
        with pytest.raises(Http404):
            get_project_for_user(fremde_person, projekt.slug)

    def test_get_project_for_user_refuses_writes_to_viewers(self, projekt, ehrenamtlicher):
        assert get_project_for_user(ehrenamtlicher, projekt.slug) == projekt
        with pytest.raises(PermissionDenied):
            get_project_for_user(ehrenamtlicher, projekt.slug, Access.WRITE)

    def test_get_for_user_on_project_owned_rows(self, projekt, koordinatorin, fremde_person):
        # Memberships are not project-owned querysets; a tiny stand-in shows the contract.
        from quartierskompass.accounts.models import ProjectOwnedQuerySet

        class Rows(ProjectOwnedQuerySet):
            pass

        queryset = Rows(model=Membership)
        own = koordinatorin.memberships.get()
        assert get_for_user(queryset, koordinatorin, pk=own.pk, access=Access.MANAGE) == own
        with pytest.raises(Http404):
            get_for_user(queryset, fremde_person, pk=own.pk)
