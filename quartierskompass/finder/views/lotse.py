"""The Hilfelotse: find fitting offers for one person, keep some for a Hilfeplan, print it.

Privacy (DESIGN §6): each submitted search writes one anonymous `SearchLog` row (codes, area,
number of results). The picked offers live in the session only, as offer ids; the notes typed
on the Hilfeplan travel once to the PDF and are never stored, logged or kept in the session.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Avg
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Need, TargetGroup
from quartierskompass.areas.locate import project_area_ids
from quartierskompass.areas.models import Area
from quartierskompass.core.pdf import render_pdf
from quartierskompass.finder import search as finder
from quartierskompass.finder.models import SearchLog
from quartierskompass.finder.signals import signals
from quartierskompass.lib.languages import LANGUAGES, language_name

PICKS_KEY = "qk_hilfeplan"  # {project slug: [offer ids]} – ids only, nothing about the person
SHOWN = 50  # results on the page; the rest are counted
TODAY = "heute"
RADII = [
    ("", gettext_lazy("no limit – nearer first")),
    (500, "500 m"),
    (1000, "1 km"),
    (2000, "2 km"),
    (5000, "5 km"),
    (10000, "10 km"),
]
SIGNAL_PERIODS = {"90": 90, "365": 365, "alle": None}


class LotseForm(forms.Form):
    """The search form; German parameter names, because the address is seen by people."""

    bedarf = forms.MultipleChoiceField(
        label=gettext_lazy("Needs"), required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=gettext_lazy("Search words"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("e.g. “Schulden” or “Mietvertrag” – never a name."),
    )
    zielgruppe = forms.ChoiceField(label=gettext_lazy("Target group"), required=False)
    alter = forms.IntegerField(
        label=gettext_lazy("Age"), required=False, min_value=0, max_value=120
    )
    sprache = forms.MultipleChoiceField(
        label=gettext_lazy("Languages (at least one of them)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    gebiet = forms.TypedChoiceField(
        label=gettext_lazy("Area"), required=False, coerce=int, empty_value=None
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    umkreis = forms.TypedChoiceField(
        label=gettext_lazy("Radius"),
        required=False,
        choices=RADII,
        coerce=int,
        empty_value=None,
    )
    tag = forms.ChoiceField(label=gettext_lazy("Open on"), required=False)
    uhrzeit = forms.TimeField(
        label=gettext_lazy("at (time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    barrierefrei = forms.BooleanField(label=gettext_lazy("barrier-free"), required=False)
    kostenlos = forms.BooleanField(label=gettext_lazy("free of charge"), required=False)

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or "de")[:2]
        self.fields["bedarf"].choices = [
            (n.code, n.label) for n in Need.objects.filter(active=True)
        ]
        self.fields["zielgruppe"].choices = [("", _("any target group"))] + [
            (g.code, g.label) for g in TargetGroup.objects.filter(active=True)
        ]
        self.fields["sprache"].choices = [
            (code, language_name(code, language)) for code in LANGUAGES
        ]
        areas = Area.objects.without_geometry().filter(pk__in=project_area_ids(project))
        self.fields["gebiet"].choices = [("", _("all areas"))] + [
            (a.pk, f"{a.name} ({a.kind})" if a.kind else a.name)
            for a in areas.order_by("kind", "name")
        ]
        self.fields["tag"].choices = [("", _("any day")), (TODAY, _("today"))] + [
            (str(day), WEEKDAYS[day]) for day in range(7)
        ]

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Enter both latitude and longitude, or neither."))
        return data

    def criteria(self, today: date) -> finder.Criteria:
        data = self.cleaned_data
        point = (data["lat"], data["lon"]) if data.get("lat") is not None else None
        day = data.get("tag")
        return finder.Criteria(
            needs=data.get("bedarf") or [],
            target_group=data.get("zielgruppe") or None,
            age=data.get("alter"),
            area_id=data.get("gebiet"),
            point=point,
            radius_m=data.get("umkreis") if point else None,
            languages=data.get("sprache") or [],
            barrier_free=bool(data.get("barrierefrei")),
            free_of_charge=bool(data.get("kostenlos")),
            weekday=today.weekday() if day == TODAY else (int(day) if day else None),
            time=data.get("uhrzeit"),
            text=data.get("text") or "",
        )


# --- picks in the session --------------------------------------------------------------------


def picked_ids(request: HttpRequest, project: Project) -> list[int]:
    return list(request.session.get(PICKS_KEY, {}).get(project.slug, []))


def _store_picks(request: HttpRequest, project: Project, ids: list[int]) -> None:
    picks = dict(request.session.get(PICKS_KEY, {}))
    if ids:
        picks[project.slug] = ids
    else:
        picks.pop(project.slug, None)
    request.session[PICKS_KEY] = picks


def _offer_id(request: HttpRequest, project: Project) -> int | None:
    try:
        pk = int(request.POST.get("activity", ""))
    except ValueError:
        return None
    exists = Activity.objects.filter(project=project, published=True, pk=pk).exists()
    return pk if exists else None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


# --- pages -----------------------------------------------------------------------------------


def _search_log(request: HttpRequest, project: Project, criteria, count: int) -> SearchLog:
    """The log row of this search: reused when the page is shown again after a pick."""
    try:
        pk = int(request.GET.get("protokoll", ""))
    except ValueError:
        pk = None
    today = timezone.localdate()
    row = SearchLog.objects.filter(project=project, pk=pk, date=today).first() if pk else None
    return row or finder.record_search(project=project, criteria=criteria, results=count)


@never_cache
@project_view()
def lotse(request: HttpRequest, project: Project) -> HttpResponse:
    query = request.GET.copy()
    query.pop("protokoll", None)
    form = LotseForm(query or None, project=project)
    context = {"project": project, "form": form, "picked": picked_ids(request, project)}
    if form.is_bound and form.is_valid():
        today = timezone.localdate()
        criteria = form.criteria(today)
        offers = Activity.objects.filter(project=project)
        results = finder.search(offers, criteria, today=today, limit=SHOWN)
        log = _search_log(request, project, criteria, results.total)
        query["protokoll"] = log.pk
        context |= {
            "results": results,
            "total": results.total,
            "log": log,
            "here": f"{request.path}?{query.urlencode()}",
        }
    context["map"] = _map_config(project)
    return render(request, "finder/lotse.html", context)


def _map_config(project: Project) -> dict:
    """Where the small map opens: the middle of the project's offers with a place."""
    centre = Activity.objects.filter(
        project=project, published=True, latitude__isnull=False
    ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    return {
        "centre": [centre["lat"], centre["lon"]] if centre["lat"] is not None else None,
        "tiles": settings.QK_TILE_URL,
        "attribution": settings.QK_TILE_ATTRIBUTION,
        "label": _("Chosen point"),
    }


@require_POST
@project_view()
def pick(request: HttpRequest, project: Project) -> HttpResponse:
    pk = _offer_id(request, project)
    if pk is None:
        messages.error(request, _("This offer cannot be found any more."))
    else:
        ids = picked_ids(request, project)
        if pk not in ids:
            _store_picks(request, project, [*ids, pk])
        with contextlib.suppress(ValueError):
            finder.mark_picked(project=project, log_id=int(request.POST.get("protokoll", "")))
        messages.success(request, _("The offer is on the Hilfeplan."))
    return _back(request, default=reverse("finder:lotse", args=[project.slug]))


@require_POST
@project_view()
def unpick(request: HttpRequest, project: Project) -> HttpResponse:
    try:
        pk = int(request.POST.get("activity", ""))
    except ValueError:
        pk = None
    _store_picks(request, project, [i for i in picked_ids(request, project) if i != pk])
    return _back(request, default=reverse("finder:hilfeplan", args=[project.slug]))


@require_POST
@project_view()
def clear(request: HttpRequest, project: Project) -> HttpResponse:
    _store_picks(request, project, [])
    messages.success(request, _("The Hilfeplan list is empty again."))
    return redirect("finder:hilfeplan", project.slug)


def _picked_offers(request: HttpRequest, project: Project) -> list[Activity]:
    ids = picked_ids(request, project)
    found = Activity.objects.filter(project=project, pk__in=ids).select_related(
        "responsible", "area"
    )
    by_id = {a.pk: a for a in found}
    language = (get_language() or "de")[:2]
    offers = [by_id[pk] for pk in ids if pk in by_id]
    for offer in offers:
        offer.language_names = [language_name(code, language) for code in offer.languages]
    return offers


@never_cache
@project_view()
def hilfeplan(request: HttpRequest, project: Project) -> HttpResponse:
    context = {"project": project, "offers": _picked_offers(request, project)}
    return render(request, "finder/hilfeplan.html", context)


@never_cache
@sensitive_post_parameters()
@project_view()
def hilfeplan_pdf(request: HttpRequest, project: Project) -> HttpResponse:
    """The Hilfeplan as an A4 PDF; a POST brings the notes, which go into the PDF only."""
    offers = _picked_offers(request, project)
    notes = request.POST if request.method == "POST" else {}
    for offer in offers:
        offer.note = notes.get(f"notiz-{offer.pk}", "")
    today = timezone.localdate()
    context = {
        "project": project,
        "offers": offers,
        "note": notes.get("notiz", ""),
        "today": today,
    }
    pdf = render_pdf("finder/hilfeplan_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hilfeplan-{today}.pdf"'
    return response


@project_view()
def signals_page(request: HttpRequest, project: Project) -> HttpResponse:
    period = request.GET.get("zeitraum", "365")
    days = SIGNAL_PERIODS.get(period, 365)
    since = timezone.localdate() - timedelta(days=days) if days else None
    context = {
        "project": project,
        "signals": signals(project, since=since),
        "period": period if period in SIGNAL_PERIODS else "365",
        "searches": SearchLog.objects.filter(project=project).count(),
    }
    return render(request, "finder/signals.html", context)
