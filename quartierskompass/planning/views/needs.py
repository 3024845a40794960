"""The needs register, findings from field methods, the method library and Bedarf–Bestand.

DESIGN §3 steps 3 and 4: what speaks for a need (statistics, Hilfelotse searches, findings,
the team's own register) and what the project's activities do about it. The figures come from
`planning.needs`; these views only choose the scope and show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.activities.models import Activity, Need
from quartierskompass.areas.models import Area
from quartierskompass.planning import services
from quartierskompass.planning.forms.needs import (
    AreaFilterForm,
    CoverageForm,
    FindingFilterForm,
    FindingForm,
    NeedEntryForm,
    NeedStatusForm,
    area_tree,
)
from quartierskompass.planning.models import Finding, Method, ProjectNeed
from quartierskompass.planning.needs import Coverage, coverage, need_activities
from quartierskompass.soni.matrix import Period, in_scope

KIND_LABELS = {
    "indicator": gettext_lazy("statistics"),
    "search": gettext_lazy("Hilfelotse"),
    "finding": gettext_lazy("findings"),
    "register": gettext_lazy("team"),
}
STATUS_ORDER = [s.value for s in ProjectNeed.Status]
FINDINGS_PER_NEED = 3
PAGE_SIZE = 50
YEARS_OFFERED = 20
CARD_NEEDS = 5


def kind_labels(row: Coverage) -> list[tuple[str, str]]:
    return [(kind, KIND_LABELS[kind]) for kind in row.evidence.kinds]


# The register -----------------------------------------------------------------------------


@dataclass
class RegisterRow:
    """One need on the register page with its forms (bound ones carry errors)."""

    coverage: Coverage
    kinds: list[tuple[str, str]]
    entries: list[tuple[ProjectNeed, NeedStatusForm]] = field(default_factory=list)
    new_form: NeedEntryForm | None = None

    @property
    def need(self) -> Need:
        return self.coverage.need

    @property
    def evidence(self):
        return self.coverage.evidence

    @property
    def recent_findings(self) -> list[Finding]:
        return self.evidence.findings[:FINDINGS_PER_NEED]

    @property
    def more_findings(self) -> int:
        return max(0, len(self.evidence.findings) - FINDINGS_PER_NEED)


def _register_row(row: Coverage, project: Project, area: Area | None, bound, tree) -> RegisterRow:
    result = RegisterRow(coverage=row, kinds=kind_labels(row))
    for entry in row.evidence.register:
        form = bound.pop(("entry", entry.pk), None)
        if form is None:
            form = NeedStatusForm(
                initial={"status": entry.status, "note": entry.note, "version": entry.version}
            )
        form.auto_id = f"id_entry{entry.pk}_%s"
        result.entries.append((entry, form))
    if not row.evidence.register:
        form = bound.pop(("need", row.need.code), None)
        if form is None:
            form = NeedEntryForm(
                project=project,
                tree=tree,
                initial={"need": row.need.code, "area": str(area.pk) if area else ""},
            )
        form.auto_id = f"id_need-{row.need.code}_%s"
        result.new_form = form
    return result


def _register_page(request: HttpRequest, project: Project, bound=None) -> HttpResponse:
    """The register; after a refused change ``bound`` holds the form with its errors."""
    bound = dict(bound or {})
    has_errors = bool(bound)
    tree = area_tree(project)
    data = request.POST if request.method == "POST" else request.GET
    filter_form = AreaFilterForm({"gebiet": data.get("gebiet", "")}, project=project, tree=tree)
    area = filter_form.area()
    year = timezone.localdate().year
    rows = [
        _register_row(row, project, area, bound, tree)
        for row in coverage(project, period=Period.year(year), area=area)
        if row.evidence.has_evidence
    ]
    groups = [
        (status, [r for r in rows if r.evidence.status == status.value])
        for status in ProjectNeed.Status
    ]
    # A refused form whose card is not on the page (another area, an unknown need) shows
    # its errors in the form at the bottom.
    leftover = next(iter(bound.values()), None)
    if leftover is not None and not isinstance(leftover, NeedEntryForm):
        messages.error(request, " ".join(e for errors in leftover.errors.values() for e in errors))
        leftover = None
    manual = leftover or NeedEntryForm(
        project=project, tree=tree, initial={"area": str(area.pk) if area else ""}
    )
    context = {
        "project": project,
        "filter_form": filter_form,
        "area": area,
        "year": year,
        "groups": [(status, group) for status, group in groups if group],
        "count": len(rows),
        "gaps": sum(r.coverage.gap for r in rows),
        "manual_form": manual,
        "can_write": allows(project.current_role, Access.WRITE),
        "has_errors": has_errors,
    }
    return render(request, "planning/needs/register.html", context)


@project_view()
def need_register(request: HttpRequest, project: Project) -> HttpResponse:
    return _register_page(request, project)


def _back_to_register(project: Project, area_pk: str, need: Need) -> HttpResponse:
    url = reverse("planning:needs", args=[project.slug])
    if area_pk:
        url += "?" + urlencode({"gebiet": area_pk})
    return redirect(f"{url}#bedarf-{need.code}")


def _add_errors(form, error: ValidationError) -> None:
    if isinstance(error, services.EditConflict) or not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@require_POST
@project_view(Access.WRITE)
def need_status_create(request: HttpRequest, project: Project) -> HttpResponse:
    """Put a need into the register: from its card (first assessment) or by hand."""
    form = NeedEntryForm(request.POST, project=project)
    if form.is_valid():
        try:
            entry = services.create(
                ProjectNeed, project=project, user=request.user, data=form.values()
            )
        except IntegrityError:
            form.add_error(None, _("Someone put this need into the register in the meantime."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The assessment of “%(need)s” was saved.") % {"need": entry}
            )
            return _back_to_register(project, request.POST.get("gebiet", ""), entry.need)
    key = ("need", request.POST.get("need")) if request.POST.get("card") else ("manual",)
    return _register_page(request, project, bound={key: form})


@require_POST
@project_view(Access.WRITE)
def need_status_update(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        ProjectNeed.objects.filter(project=project).select_related("need", "area"), pk=pk
    )
    form = NeedStatusForm(request.POST)
    if form.is_valid():
        try:
            services.update(
                entry,
                user=request.user,
                data=form.values(),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The assessment of “%(need)s” was saved.") % {"need": entry}
            )
            return _back_to_register(project, request.POST.get("gebiet", ""), entry.need)
    return _register_page(request, project, bound={("entry", entry.pk): form})


# Bedarf–Bestand ---------------------------------------------------------------------------


def _years(project: Project) -> list[int]:
    this_year = timezone.localdate().year
    first = Activity.objects.filter(project=project).aggregate(first=Min("start"))["first"]
    start = max(first.year if first else this_year, this_year - YEARS_OFFERED + 1)
    return list(range(min(start, this_year), this_year + 1))[::-1]


def _drill_down(request, project: Project, period: Period, area: Area | None) -> dict | None:
    code = request.GET.get("bedarf")
    if not code:
        return None
    need = Need.objects.filter(code=code).first()
    if need is None:
        messages.error(request, _("There is no need with the code “%(code)s”.") % {"code": code})
        return None
    activities = reverse("activities:list", args=[project.slug])
    query = {"need": need.pk, **({"year": period.start.year} if period.is_year else {})}
    return {
        "need": need,
        "activities": list(need_activities(project, need, period=period, area=area)),
        "list_url": f"{activities}?{urlencode(query)}",
    }


def _coverage_row(row: Coverage) -> dict:
    return {
        "row": row,
        "kinds": kind_labels(row),
        "status": ProjectNeed.Status(row.evidence.status).label,
        "assessed": bool(row.evidence.register),
    }


@project_view()
def coverage_page(request: HttpRequest, project: Project) -> HttpResponse:
    form = CoverageForm(request.GET or None, project=project, years=_years(project))
    period, area = form.period(), form.area()
    rows = coverage(project, period=period, area=area)
    running = in_scope(Activity.objects.filter(project=project), period)
    if area is not None:
        running = running.filter(area_id__in=area.descendant_ids())
    scope = {"zeitraum": period.as_param(), **({"gebiet": area.pk} if area else {})}
    context = {
        "project": project,
        "form": form,
        "period": period,
        "area": area,
        "rows": [_coverage_row(row) for row in rows],
        "gaps": [row for row in rows if row.gap],
        "without_need": running.filter(needs__isnull=True).count(),
        "scope_query": urlencode(scope),
        "drill": _drill_down(request, project, period, area),
    }
    return render(request, "planning/needs/coverage.html", context)


# Findings ---------------------------------------------------------------------------------


def _finding(project: Project, pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.filter(project=project).select_related("method", "need", "area"), pk=pk
    )


@project_view()
def finding_list(request: HttpRequest, project: Project) -> HttpResponse:
    form = FindingFilterForm(request.GET or None)
    findings = Finding.objects.filter(project=project).select_related("method", "need", "area")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("methode"):
        findings = findings.filter(method=data["methode"])
    if data.get("bedarf"):
        findings = findings.filter(need=data["bedarf"])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "form": form,
        "page": Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "total": Finding.objects.filter(project=project).count(),
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "planning/needs/findings.html", context)


def _save_finding(request, project: Project, form: FindingForm) -> Finding | None:
    try:
        if form.instance is None:
            return services.create(Finding, project=project, user=request.user, data=form.values())
        return services.update(
            form.instance,
            user=request.user,
            data=form.values(),
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _finding_form_page(request, project: Project, form: FindingForm) -> HttpResponse:
    context = {"project": project, "form": form, "finding": form.instance}
    return render(request, "planning/needs/finding_form.html", context)


def _findings_url(project: Project) -> str:
    return reverse("planning:findings", args=[project.slug])


@project_view(Access.WRITE)
def finding_create(request: HttpRequest, project: Project) -> HttpResponse:
    initial = {"date": timezone.localdate()}
    for name, param in (("method", "methode"), ("need", "bedarf"), ("area", "gebiet")):
        if request.GET.get(param):
            initial[name] = request.GET[param]
    form = FindingForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid() and _save_finding(request, project, form):
        messages.success(request, _("The finding was saved."))
        return redirect(_findings_url(project))
    return _finding_form_page(request, project, form)


@project_view(Access.WRITE)
def finding_edit(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    form = FindingForm(request.POST or None, project=project, instance=_finding(project, pk))
    if request.method == "POST" and form.is_valid() and _save_finding(request, project, form):
        messages.success(request, _("The finding was saved."))
        return redirect(_findings_url(project))
    return _finding_form_page(request, project, form)


@project_view(Access.WRITE)
def finding_delete(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    finding = _finding(project, pk)
    if request.method == "POST":
        services.delete(finding, user=request.user)
        messages.success(request, _("The finding was deleted."))
        return redirect(_findings_url(project))
    return render(
        request, "planning/needs/finding_delete.html", {"project": project, "finding": finding}
    )


# The method library (global) --------------------------------------------------------------


def _current_project(request: HttpRequest) -> Project | None:
    """The project the user worked in last, if the user may still see it."""
    slug = request.session.get(settings.QK_PROJECT_SESSION_KEY)
    project = Project.objects.visible_to(request.user).filter(slug=slug).first() if slug else None
    if project is not None:
        project.current_role = project.role_for(request.user)
    return project


EFFORTS = [
    ("effort_time", gettext_lazy("Time")),
    ("effort_staff", gettext_lazy("Staff")),
    ("effort_cost", gettext_lazy("Cost")),
    ("complexity", gettext_lazy("Complexity")),
]
EFFORT_TEXT = {1: gettext_lazy("low"), 2: gettext_lazy("medium"), 3: gettext_lazy("high")}
PARTICIPATION_TEXT = {1: gettext_lazy("little"), 2: gettext_lazy("some"), 3: gettext_lazy("much")}


def ratings(method: Method) -> list[dict]:
    """Effort and participation as three dots and a word, e.g. ●●○ “medium”."""
    rows = [(label, getattr(method, name), EFFORT_TEXT) for name, label in EFFORTS]
    rows.append((gettext_lazy("Residents take part"), method.participation, PARTICIPATION_TEXT))
    return [
        {
            "label": label,
            "value": value,
            "dots": "●" * value + "○" * (3 - value),
            "text": texts.get(value, value),
        }
        for label, value, texts in rows
    ]


@login_required
def method_list(request: HttpRequest) -> HttpResponse:
    methods = [(method, ratings(method)) for method in Method.objects.all()]
    return render(request, "planning/needs/methods.html", {"methods": methods})


@login_required
def method_detail(request: HttpRequest, code: str) -> HttpResponse:
    method = get_object_or_404(Method, code=code)
    project = _current_project(request)
    findings = (
        Finding.objects.filter(project=project, method=method).select_related("need", "area")
        if project
        else Finding.objects.none()
    )
    context = {
        "method": method,
        "ratings": ratings(method),
        "project": project,
        "findings": findings[:PAGE_SIZE],
        "can_write": bool(project) and allows(project.current_role, Access.WRITE),
    }
    return render(request, "planning/needs/method_detail.html", context)


# The card on the project overview ---------------------------------------------------------


def needs_card(project: Project) -> dict:
    """Context for ``planning/_needs_card.html``: the open needs with most evidence (gaps
    first), how many gaps the current year has, and the links. The partial reads it as
    ``needs_card``: ``{"needs_card": needs_card(project)}``."""
    year = timezone.localdate().year
    rows = coverage(project, period=Period.year(year))
    open_rows = [
        row
        for row in rows
        if row.evidence.has_evidence
        and row.evidence.status in (ProjectNeed.Status.OPEN, ProjectNeed.Status.IN_PROGRESS)
    ]
    return {
        "project": project,
        "year": year,
        "top": [(row, kind_labels(row)) for row in open_rows[:CARD_NEEDS]],
        "open": len(open_rows),
        "gaps": sum(row.gap for row in rows),
        "register_url": reverse("planning:needs", args=[project.slug]),
        "coverage_url": reverse("planning:coverage", args=[project.slug]),
        "findings_url": reverse("planning:findings", args=[project.slug]),
        "methods_url": reverse("planning:methods"),
    }
