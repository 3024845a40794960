"""The public Wegweiser: a project's checked offers for everyone, without login.

Privacy and probing: the pages render without the request's context processors, so they touch
neither the session nor the CSRF token and set no cookie; they are the same for every visitor,
logged in or not. A missing project, a switched-off Wegweiser and an offer that is not public
all get the very same 404 answer. Which offers are public is decided in
:mod:`quartierskompass.finder.offers` only.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from quartierskompass.activities.models import Activity, ActivityQuerySet, Need, TargetGroup
from quartierskompass.areas.models import Area
from quartierskompass.core.ratelimit import rate_limited
from quartierskompass.finder.offers import public_offers, public_project
from quartierskompass.lib.languages import language_name
from quartierskompass.lib.text import fold

PAGE_SIZE = 20
MAX_WORDS = 8
TAXONOMY_FIELDS = ("id", "code", "label_de", "label_en", "position")
TAXONOMY_ORDER = ("position", "label_de", "id")
# What a list entry shows; everything else (and the areas' large boundaries) stays unread.
LIST_FIELDS = (
    "uid",
    "title",
    "description",
    "schedule",
    "cost",
    "free_of_charge",
    "languages",
    "barrier_free",
    "verified_at",
    "area__name",
    "responsible__name",
    "responsible__address",
)
DETAIL_DEFERRED = (
    "area__boundary",
    "area__boundary_simplified",
    "responsible__notes",
    "search_text",
)


class WegweiserFilter(forms.Form):
    """The search of the public page; its choices are only terms some public offer has."""

    suche = forms.CharField(label=gettext_lazy("Search word"), required=False, max_length=100)
    thema = forms.ChoiceField(label=gettext_lazy("Topic"), required=False)
    fuer = forms.ChoiceField(label=gettext_lazy("For whom"), required=False)
    gebiet = forms.ChoiceField(label=gettext_lazy("Where"), required=False)

    def __init__(self, data, *, needs, groups, areas) -> None:
        super().__init__(data)
        everything = [("", _("all"))]
        self.fields["thema"].choices = everything + [(n.code, n.label) for n in needs]
        self.fields["fuer"].choices = everything + [(g.code, g.label) for g in groups]
        self.fields["gebiet"].choices = everything + [(str(a.pk), a.name) for a in areas]

    def narrow(self, offers: ActivityQuerySet) -> ActivityQuerySet:
        """The offers that fit; an invalid choice is ignored rather than refused."""
        self.is_valid()
        data = self.cleaned_data
        # Each word must occur; umlauts and ß are folded on both sides (Strasse = Straße).
        for word in fold(data.get("suche", "")).split()[:MAX_WORDS]:
            offers = offers.filter(search_text__contains=word)
        if data.get("thema"):
            offers = offers.filter(needs__code=data["thema"])
        if data.get("fuer"):
            offers = offers.filter(target_groups__code=data["fuer"])
        if data.get("gebiet"):
            offers = offers.filter(area_id=data["gebiet"])
        return offers

    @property
    def narrowed(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)

    def summary(self) -> list[str]:
        """What was searched, in words (a printed list names it instead of the form)."""
        words = [self.cleaned_data.get("suche", "").strip()]
        for name in ("thema", "fuer", "gebiet"):
            value = self.cleaned_data.get(name)
            words.append(dict(self.fields[name].choices).get(value, "") if value else "")
        return [word for word in words if word]


def _public_page(template: str, context: dict[str, Any]) -> HttpResponse:
    # No request: no context processor runs, so no session, user or CSRF token is touched.
    return HttpResponse(render_to_string(template, context))


def not_found() -> HttpResponse:
    """One answer for every way an address can be wrong; it reveals nothing."""
    return HttpResponseNotFound(render_to_string("finder/wegweiser/404.html"))


def _with_counts(model, offers: ActivityQuerySet, fields, order) -> list:
    """The terms some of the offers have, each with how many (a grouped query ignores the
    model's default order, hence ``order``)."""
    return list(
        model.objects.filter(activities__in=offers.values("pk"))
        .annotate(offers=Count("activities"))
        .only(*fields)
        .order_by(*order)
    )


def _languages(activity: Activity) -> list[str]:
    language = (get_language() or "de")[:2]
    return [language_name(code, language) for code in activity.languages]


@rate_limited("wegweiser")
@require_safe
def wegweiser(request: HttpRequest, slug: str) -> HttpResponse:
    project = public_project(slug)
    if project is None:
        return not_found()
    available = public_offers(project, timezone.localdate())
    form = WegweiserFilter(
        request.GET,
        needs=_with_counts(Need, available, TAXONOMY_FIELDS, TAXONOMY_ORDER),
        groups=_with_counts(TargetGroup, available, TAXONOMY_FIELDS, TAXONOMY_ORDER),
        areas=_with_counts(Area, available, ("id", "name"), ("name", "id")),
    )
    found = (
        form.narrow(available)
        .select_related("area", "responsible")
        .only(*LIST_FIELDS)
        .prefetch_related(Prefetch("needs", Need.objects.only(*TAXONOMY_FIELDS)))
        .order_by("title", "pk")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("seite"))
    for offer in page:
        offer.language_names = _languages(offer)
    query = request.GET.copy()
    query.pop("seite", None)
    return _public_page(
        "finder/wegweiser/list.html",
        {
            "project": project,
            "form": form,
            "needs": form.fields["thema"].choices[1:],
            "page": page,
            "query": query.urlencode(),
            "last_checked": available.aggregate(last=Max("verified_at"))["last"],
        },
    )


def _age(offer: Activity) -> str:
    low, high = offer.min_age, offer.max_age
    if low is not None and high is not None:
        return _("from %(low)s to %(high)s years") % {"low": low, "high": high}
    if low is not None:
        return _("from %(low)s years") % {"low": low}
    if high is not None:
        return _("up to %(high)s years") % {"high": high}
    return ""


@rate_limited("wegweiser")
@require_safe
def offer_detail(request: HttpRequest, slug: str, uid: UUID) -> HttpResponse:
    project = public_project(slug)
    if project is None:
        return not_found()
    offer = (
        public_offers(project, timezone.localdate())
        .filter(uid=uid)
        .select_related("area", "responsible")
        .defer(*DETAIL_DEFERRED)
        .prefetch_related(
            Prefetch("needs", Need.objects.only(*TAXONOMY_FIELDS)),
            Prefetch("target_groups", TargetGroup.objects.only(*TAXONOMY_FIELDS)),
        )
        .first()
    )
    if offer is None:
        return not_found()
    return _public_page(
        "finder/wegweiser/offer.html",
        {
            "project": project,
            "offer": offer,
            "languages": _languages(offer),
            "age": _age(offer),
            "phone_link": re.sub(r"[^0-9+]", "", offer.contact_phone),
            "last_checked": offer.verified_at,
        },
    )
