"""Who may change shared reference data (areas, indicators, their values).

Areas and indicators serve every project on the instance, so a project role is not enough:
staff may, and anyone an administrator gave the permissions of the group
“Gebietsdaten pflegen” (created after migrate). Reading is open to every logged-in person.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

REFERENCE_DATA_GROUP = "Gebietsdaten pflegen"
REFERENCE_DATA_PERMISSIONS = (
    "areas.add_area",
    "areas.change_area",
    "areas.add_indicator",
    "areas.change_indicator",
    "areas.add_indicatorvalue",
    "areas.change_indicatorvalue",
)


def can_manage_reference_data(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.has_perms(REFERENCE_DATA_PERMISSIONS)


def reference_data_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login; logged in without the permissions → 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_reference_data(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def ensure_group(**kwargs) -> None:
    """The group an administrator adds social planners to (idempotent, after migrate)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=REFERENCE_DATA_GROUP)
    codenames = [p.split(".")[1] for p in REFERENCE_DATA_PERMISSIONS]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="areas", codename__in=codenames)
    )
