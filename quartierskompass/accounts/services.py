"""Writes on projects and memberships, shared by pages, the admin-free CLI and the API."""

from __future__ import annotations

import re

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from quartierskompass.accounts.models import Membership, Programme, Project, Role, User


@transaction.atomic
def create_project(
    *,
    slug: str,
    name: str,
    owner: User,
    description: str = "",
    programme: Programme | None = None,
) -> Project:
    """Create a project; the person creating it becomes its first owner."""
    project = Project(slug=slug, name=name, description=description, programme=programme)
    project.full_clean()
    project.save()
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


def find_user(identifier: str) -> User | None:
    identifier = identifier.strip()
    users = User.objects.filter(is_active=True)
    if "@" in identifier:
        return users.filter(email__iexact=identifier).order_by("pk").first()
    return users.filter(username__iexact=identifier).first()


def _free_username(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0]) or "person"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _send_invitation(*, user: User, project: Project, invited_by: User, base_url: str) -> None:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "project": project, "invited_by": invited_by, "link": base_url + path}
    send_mail(
        subject=_("Invitation to the project “%(project)s” in Quartierskompass")
        % {"project": project.name},
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def add_member(
    *,
    project: Project,
    identifier: str,
    role: str,
    invited_by: User,
    base_url: str,
) -> tuple[Membership, bool]:
    """Add a person by user name or e-mail address.

    An unknown e-mail address gets a new account and an invitation to set a password.
    Returns the membership and whether an invitation was sent.
    """
    if role not in {Role.OWNER, Role.EDITOR, Role.VIEWER}:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": role})
    user = find_user(identifier)
    invited = False
    if user is None:
        if "@" not in identifier:
            raise ValidationError(
                _(
                    "There is no account with the user name “%(name)s”. "
                    "Enter the person's e-mail address to invite them."
                )
                % {"name": identifier}
            )
        email = User.objects.normalize_email(identifier.strip())
        user = User(username=_free_username(email), email=email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        invited = True
    if project.memberships.filter(user=user).exists():
        raise ValidationError(
            _("%(person)s is already a member of this project.") % {"person": user}
        )
    membership = Membership.objects.create(project=project, user=user, role=role)
    if invited:
        _send_invitation(user=user, project=project, invited_by=invited_by, base_url=base_url)
    return membership, invited


def _ensure_another_owner(membership: Membership) -> None:
    if membership.role == Role.OWNER and membership.project.owner_count() <= 1:
        raise ValidationError(
            _("A project needs at least one owner. Make someone else owner first.")
        )


@transaction.atomic
def change_role(*, membership: Membership, role: str) -> Membership:
    if role not in {Role.OWNER, Role.EDITOR, Role.VIEWER}:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": role})
    # Lock the project's memberships so two owners cannot demote each other at once.
    list(Membership.objects.select_for_update().filter(project=membership.project_id))
    membership.refresh_from_db()
    if role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    list(Membership.objects.select_for_update().filter(project=membership.project_id))
    membership.refresh_from_db()
    _ensure_another_owner(membership)
    membership.delete()
