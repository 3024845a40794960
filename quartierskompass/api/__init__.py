"""The HTTP API under /api/v1/: each app contributes a router from its ``api.py``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from quartierskompass.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer qk_…`` with a personal token from the account page."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.user_for_key(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = ApiToken.user_for_key(key) if key else None
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Quartierskompass API",
    version="1",
    description=(
        "Read and write a project's data with the same permissions as the pages. "
        "Authenticate with your browser session or a personal token "
        "(`Authorization: Bearer qk_…`) created on your account page."
    ),
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(
        request, {"detail": "You may read this project but not change it."}, status=403
    )


def _mount() -> None:
    from quartierskompass.accounts.api import router as accounts_router
    from quartierskompass.activities.api import router as activities_router
    from quartierskompass.actors.api import router as actors_router
    from quartierskompass.areas.api import router as areas_router
    from quartierskompass.finder.api import router as finder_router
    from quartierskompass.finder.public_api import router as public_router
    from quartierskompass.planning.api import router as planning_router
    from quartierskompass.soni.api import router as soni_router

    api.add_router("/projects", accounts_router)
    api.add_router("/projects", activities_router)
    api.add_router("/projects", actors_router)
    api.add_router("/projects", finder_router)
    api.add_router("/projects", planning_router)
    api.add_router("", areas_router)
    api.add_router("/soni", soni_router)
    api.add_router("/public", public_router)


_mount()
