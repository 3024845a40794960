from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from quartierskompass.accounts.permissions import Access, get_project_for_user


def project_view(access: Access = Access.READ) -> Callable:
    """Resolve ``<slug>`` to a project the user may reach with ``access``, or 404/403.

    The view receives the project instead of the slug; the project carries the user's role
    as ``project.current_role`` and becomes the one the navigation shows.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            project = get_project_for_user(request.user, slug, access)
            request.project = project
            request.session[settings.QK_PROJECT_SESSION_KEY] = project.slug
            return view(request, project, *args, **kwargs)

        return wrapper

    return decorator
