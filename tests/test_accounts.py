from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse

from quartierskompass.accounts.models import Membership, Project, Role, User

LOGIN = reverse("accounts:login")


def set_password(user: User, password: str = "ein-gutes-Passwort-42") -> str:
    user.set_password(password)
    user.save()
    return password


def test_login_with_the_form_lands_on_the_only_project(client, koordinatorin, projekt):
    password = set_password(koordinatorin)
    response = client.post(LOGIN, {"username": "koordinatorin", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:project", args=[projekt.slug])
    assert response.context["user"] == koordinatorin


def test_wrong_password_shows_a_message_and_stays_logged_out(client, koordinatorin):
    set_password(koordinatorin)
    response = client.post(LOGIN, {"username": "koordinatorin", "password": "falsch"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert response.context["form"].non_field_errors()


def test_repeated_failures_lock_the_login(client, koordinatorin):
    password = set_password(koordinatorin)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "koordinatorin", "password": "falsch"})
    response = client.post(LOGIN, {"username": "koordinatorin", "password": password})
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_passwords_are_hashed_with_argon2(koordinatorin):
    set_password(koordinatorin)
    koordinatorin.refresh_from_db()
    assert identify_hasher(koordinatorin.password).algorithm == "argon2"


def test_logout_needs_post_and_ends_the_session(client_for, koordinatorin):
    client = client_for(koordinatorin)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:projects")).status_code == 302


def test_password_reset_sends_a_working_link(client, koordinatorin):
    client.post(reverse("accounts:password_reset"), {"email": koordinatorin.email})
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/konto/passwort-setzen/" in line
    )
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.context["validlink"]
    new = "Sommerfest-im-Quartier-2026"
    client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    koordinatorin.refresh_from_db()
    assert koordinatorin.check_password(new)


def test_password_change(client_for, koordinatorin):
    old = set_password(koordinatorin)
    client = client_for(koordinatorin)
    new = "Nachbarschaftscafe-2026!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    koordinatorin.refresh_from_db()
    assert koordinatorin.check_password(new)


class TestProjectSwitching:
    def test_the_list_shows_every_project_with_the_role(
        self, client_for, projekt, anderes_projekt, koordinatorin
    ):
        Membership.objects.create(project=anderes_projekt, user=koordinatorin, role=Role.VIEWER)
        response = client_for(koordinatorin).get(reverse("accounts:projects"))
        roles = {p.slug: p.my_role for p in response.context["projects"]}
        assert roles == {"nordstadt": Role.OWNER, "suedstadt": Role.VIEWER}

    def test_the_start_page_opens_the_project_visited_last(
        self, client_for, projekt, anderes_projekt, koordinatorin
    ):
        Membership.objects.create(project=anderes_projekt, user=koordinatorin, role=Role.VIEWER)
        client = client_for(koordinatorin)
        assert client.get("/")["Location"] == reverse("accounts:projects")
        client.get(reverse("accounts:project", args=["suedstadt"]))
        assert client.get("/")["Location"] == reverse("accounts:project", args=["suedstadt"])
        page = client.get(reverse("soni:model"))
        assert page.context["nav_project"].slug == "suedstadt"
        assert [p.slug for p in page.context["nav_projects"]] == [
            "suedstadt",
            "nordstadt",
        ]  # by name

    def test_someone_without_projects_is_told_what_to_do(self, client_for, db):
        user = User.objects.create_user("neu")
        response = client_for(user).get(reverse("accounts:projects"))
        assert "No project yet" in response.content.decode() or "Noch kein Projekt" in (
            response.content.decode()
        )


class TestMembers:
    def url(self, name, project, *args):
        return reverse(f"accounts:{name}", args=[project.slug, *args])

    def test_owner_adds_an_existing_person_by_user_name(
        self, client_for, projekt, koordinatorin, fremde_person
    ):
        response = client_for(koordinatorin).post(
            self.url("member_add", projekt), {"identifier": "FREMDE_PERSON", "role": "editor"}
        )
        assert response.status_code == 302
        assert projekt.role_for(fremde_person) == Role.EDITOR
        assert mail.outbox == []

    def test_owner_invites_a_new_person_by_email(self, client_for, projekt, koordinatorin):
        client_for(koordinatorin).post(
            self.url("member_add", projekt), {"identifier": "Neue@Example.org", "role": "viewer"}
        )
        user = User.objects.get(email="Neue@example.org")
        assert not user.has_usable_password()
        assert projekt.role_for(user) == Role.VIEWER
        assert len(mail.outbox) == 1
        assert "/konto/passwort-setzen/" in mail.outbox[0].body
        assert projekt.name in mail.outbox[0].subject

    def test_an_unknown_user_name_is_explained(self, client_for, projekt, koordinatorin):
        response = client_for(koordinatorin).post(
            self.url("member_add", projekt), {"identifier": "niemand", "role": "viewer"}
        )
        assert response.status_code == 200
        assert "niemand" in response.content.decode()
        assert projekt.memberships.count() == 1

    def test_adding_twice_is_refused(self, client_for, projekt, koordinatorin, mitarbeiter):
        response = client_for(koordinatorin).post(
            self.url("member_add", projekt), {"identifier": "mitarbeiter", "role": "viewer"}
        )
        assert response.status_code == 200
        assert projekt.role_for(mitarbeiter) == Role.EDITOR

    def test_owner_changes_a_role(self, client_for, projekt, koordinatorin, mitarbeiter):
        membership = mitarbeiter.memberships.get()
        client_for(koordinatorin).post(
            self.url("member_role", projekt, membership.pk), {"role": "owner"}
        )
        assert projekt.role_for(mitarbeiter) == Role.OWNER

    def test_the_last_owner_can_neither_leave_nor_be_demoted(
        self, client_for, projekt, koordinatorin
    ):
        client = client_for(koordinatorin)
        own = koordinatorin.memberships.get()
        client.post(self.url("member_role", projekt, own.pk), {"role": "viewer"})
        client.post(self.url("member_remove", projekt, own.pk))
        assert projekt.role_for(koordinatorin) == Role.OWNER

    def test_an_owner_may_leave_when_another_owner_remains(
        self, client_for, projekt, koordinatorin, mitarbeiter
    ):
        Membership.objects.filter(user=mitarbeiter).update(role=Role.OWNER)
        response = client_for(koordinatorin).post(
            self.url("member_remove", projekt, koordinatorin.memberships.get().pk)
        )
        assert response["Location"] == reverse("accounts:projects")
        assert projekt.role_for(koordinatorin) is None

    def test_owner_removes_a_member(self, client_for, projekt, koordinatorin, ehrenamtlicher):
        client_for(koordinatorin).post(
            self.url("member_remove", projekt, ehrenamtlicher.memberships.get().pk)
        )
        assert projekt.role_for(ehrenamtlicher) is None

    def test_hostile_names_are_shown_as_text(self, client_for, projekt, koordinatorin):
        hostile = '<script>alert("x")</script>'
        User.objects.filter(pk=koordinatorin.pk).update(first_name=hostile)
        projekt.name = hostile
        projekt.save()
        for name in ("project", "members"):
            html = client_for(koordinatorin).get(self.url(name, projekt)).content.decode()
            assert hostile not in html
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


class TestProgrammes:
    def test_coordinator_sees_the_programme_and_its_projects(
        self, client_for, programm, projekt, programmleitung
    ):
        response = client_for(programmleitung).get(
            reverse("accounts:programme", args=[programm.slug])
        )
        assert list(response.context["projects"]) == [projekt]

    @pytest.mark.parametrize("persona", ["koordinatorin", "fremde_person"])
    def test_others_do_not_see_the_programme(self, request, client_for, programm, persona):
        user = request.getfixturevalue(persona)
        url = reverse("accounts:programme", args=[programm.slug])
        assert client_for(user).get(url).status_code == 404

    def test_coordinator_creates_a_project_in_the_programme_and_owns_it(
        self, client_for, programm, programmleitung
    ):
        response = client_for(programmleitung).post(
            reverse("accounts:project_create"),
            {"name": "Neues Quartier", "slug": "neues-quartier", "programme": programm.pk},
        )
        project = Project.objects.get(slug="neues-quartier")
        assert response["Location"] == project.get_absolute_url()
        assert project.role_for(programmleitung) == Role.OWNER

    def test_a_project_member_cannot_create_projects(self, client_for, koordinatorin):
        assert client_for(koordinatorin).get(reverse("accounts:project_create")).status_code == 403

    def test_a_bad_short_name_is_explained(self, client_for, programm, programmleitung):
        response = client_for(programmleitung).post(
            reverse("accounts:project_create"),
            {"name": "X", "slug": "Mit Leerzeichen", "programme": programm.pk},
        )
        assert response.status_code == 200
        assert "slug" in response.context["form"].errors


class TestAccountPage:
    def test_profile_and_api_token(self, client_for, koordinatorin):
        client = client_for(koordinatorin)
        client.post(
            reverse("accounts:account"),
            {"form": "profile", "first_name": "Miriam", "last_name": "A", "email": "m@example.org"},
        )
        koordinatorin.refresh_from_db()
        assert koordinatorin.first_name == "Miriam"
        response = client.post(reverse("accounts:account"), {"form": "token", "name": "Statistik"})
        key = response.context["new_key"]
        assert key.startswith("qk_")
        assert koordinatorin.api_tokens.get().key_hash != key

    def test_someone_else_cannot_revoke_my_token(self, client_for, koordinatorin, fremde_person):
        from quartierskompass.accounts.models import ApiToken

        token, _key = ApiToken.issue(user=koordinatorin, name="t")
        url = reverse("accounts:token_revoke", args=[token.pk])
        assert client_for(fremde_person).post(url).status_code == 404
        assert client_for(None).post(url).status_code == 302
        assert ApiToken.objects.filter(pk=token.pk).exists()
        client_for(koordinatorin).post(url)
        assert not ApiToken.objects.filter(pk=token.pk).exists()
