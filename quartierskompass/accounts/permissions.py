"""The one way to ask "may this person read, change or manage this?".

Pages, the API and commands all call `get_project_for_user` or `get_for_user`; nothing else
decides access. Not visible means 404 (we do not reveal that a project exists); visible but
not allowed means 403.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from quartierskompass.accounts.models import WRITE_ROLES, Project, Role

if TYPE_CHECKING:
    from quartierskompass.accounts.models import AnyUser


class Access(IntEnum):
    READ = 1
    WRITE = 2
    MANAGE = 3


def allows(role: Role | None, access: Access) -> bool:
    if role is None:
        return False
    if access is Access.READ:
        return True
    if access is Access.WRITE:
        return role in WRITE_ROLES
    return role == Role.OWNER


def check_access(user: AnyUser, project: Project, access: Access) -> Role:
    """Return the user's role in a project, or raise 404 / 403.

    The role is also kept on the project as ``current_role`` for templates.
    """
    role = project.role_for(user)
    if role is None:
        raise Http404("No such project.")
    if not allows(role, access):
        raise PermissionDenied
    project.current_role = role
    return role


def get_project_for_user(user: AnyUser, slug: str, access: Access = Access.READ) -> Project:
    project = Project.objects.select_related("programme").filter(slug=slug).first()
    if project is None:
        raise Http404("No such project.")
    check_access(user, project, access)
    return project


def get_for_user[M: models.Model](
    model_or_queryset: type[M] | models.QuerySet[M],
    user: AnyUser,
    *,
    access: Access = Access.READ,
    **lookup: Any,
) -> M:
    """Fetch one project-owned object the user may read (or write, or manage)."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset._default_manager.all()
    )
    obj = queryset.visible_to(user).select_related("project").filter(**lookup).first()
    if obj is None:
        raise Http404("No such object.")
    check_access(user, obj.project, access)
    return obj
