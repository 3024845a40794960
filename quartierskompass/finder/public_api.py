"""The public, read-only HSDS endpoint of a project's Wegweiser: no login, no cookies.

``GET /api/v1/public/{slug}/services`` lists the offers everyone may see (the rule of
:func:`quartierskompass.finder.offers.public_offers`: published, not internal, active, checked
within ``project.hide_after_months``) as HSDS 3.0 service objects, paginated the way the HSDS
API specification (its OpenAPI ``Page``) describes: ``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty`` and ``contents``.

A project that does not exist and one whose Wegweiser is switched off give the same 404, so a
visitor probing slugs learns nothing. Requests are counted per client by
:func:`quartierskompass.core.ratelimit.rate_limited` (429 over the limit). The endpoint reads
neither the session nor the user, so it sets no cookie.

Mounted by the API: ``api.add_router("/public", router)``. No ``from __future__ import
annotations`` here: django-ninja reads the view's annotations through the rate-limit wrapper,
whose module globals could not resolve them as strings.
"""

import math
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from quartierskompass.activities.hsds import service_objects
from quartierskompass.core.ratelimit import rate_limited
from quartierskompass.finder import offers

router = Router(auth=None, tags=["public"])
RATE_GROUP = "public-api"
MAX_PER_PAGE = 200


class PublicPageIn(Schema):
    page: int = Field(1, ge=1, description="page number, from 1")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE, description="services per page")


class PublicServicePage(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]] = Field(
        description="HSDS 3.0 service objects with nested organization, locations, schedules, "
        "phones, languages, cost options and attributes"
    )


class PublicNotFound(Schema):
    detail: str


@router.get(
    "/{slug}/services",
    response={200: PublicServicePage, 404: PublicNotFound},
    summary="Public offers of a project's Wegweiser as HSDS 3.0 services",
    openapi_extra={"responses": {"429": {"description": "Too many requests; see Retry-After."}}},
)
@rate_limited(RATE_GROUP)
def services(request: HttpRequest, slug: str, paging: Query[PublicPageIn]):
    project = offers.public_project(slug)
    if project is None:
        raise HttpError(404, _("Not found."))
    found = (
        offers.public_offers(project)
        .select_related("responsible__actor_type")
        .prefetch_related("needs", "target_groups")
        .order_by("title", "pk")
    )
    total = found.count()
    pages = math.ceil(total / paging.per_page)
    start = (paging.page - 1) * paging.per_page
    contents = service_objects(project, found[start : start + paging.per_page])
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= pages,
        "empty": total == 0,
        "contents": contents,
    }
