"""The SONI matrix dashboard per project and per programme, with drill-down into a cell."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Programme, Project
from quartierskompass.activities.forms import MatrixForm
from quartierskompass.activities.models import Activity, Measure
from quartierskompass.areas.models import Area
from quartierskompass.soni import matrix as soni_matrix
from quartierskompass.soni.model import FIELD_ORDER, Field
from quartierskompass.soni.svg import matrix_diagram

ALL_STATUSES = ("planned", "active", "ended")


def _form(request: HttpRequest, activities) -> MatrixForm:
    areas = Area.objects.filter(pk__in=activities.exclude(area=None).values("area")).only(
        "pk", "code", "code_system", "name"
    )
    return MatrixForm(request.GET or None, areas=areas, default_year=timezone.localdate().year)


def _options(form: MatrixForm, project: Project | None) -> dict:
    threshold = (project.weak_threshold if project else 10) / 100
    return {
        "period": form.period(),
        "measure": form.value("measure", "count"),
        "statuses": ALL_STATUSES if form.value("planned") else soni_matrix.DEFAULT_STATUSES,
        "weak_threshold": threshold,
    }


def _scoped(activities, form: MatrixForm):
    area = form.value("area")
    return activities.in_areas(area.descendant_ids()) if area else activities


def _table(result: soni_matrix.Matrix) -> list[dict]:
    shares = result.shares or {}
    return [
        {
            "code": code,
            "name": Field(code).label,
            "value": result.cells[code],
            "value_text": soni_matrix.format_value(result.measure, result.cells[code]),
            "share": shares.get(code),
            "weak": code in result.weak,
        }
        for code in FIELD_ORDER
    ]


def _diagram(result: soni_matrix.Matrix, link=None) -> dict:
    return matrix_diagram(
        result,
        value_label=lambda code: soni_matrix.format_value(result.measure, result.cells[code]),
        link=link,
        weak_label=_("weak"),
    )


def _comparison(first: soni_matrix.Matrix, second: soni_matrix.Matrix) -> list[dict]:
    rows = []
    for code in FIELD_ORDER:
        a, b = first.cells[code], second.cells[code]
        share_a = first.shares[code] if first.shares else None
        share_b = second.shares[code] if second.shares else None
        rows.append(
            {
                "code": code,
                "name": Field(code).label,
                "first": soni_matrix.format_value(first.measure, a),
                "second": soni_matrix.format_value(second.measure, b),
                "change": b - a,
                "share_change": None if share_a is None or share_b is None else share_b - share_a,
                "share_first": share_a,
                "share_second": share_b,
            }
        )
    return rows


@project_view()
def dashboard(request: HttpRequest, project: Project) -> HttpResponse:
    activities = Activity.objects.filter(project=project)
    form = _form(request, activities)
    options = _options(form, project)
    scoped = _scoped(activities, form)
    result = soni_matrix.compute(scoped, scope={"project": project.slug}, **options)
    query = request.GET.urlencode()

    def link(code: str) -> str:
        url = reverse("activities:matrix_cell", args=[project.slug, code])
        return f"{url}?{query}" if query else url

    compare = form.compare_period()
    second = None
    if compare:
        second = soni_matrix.compute(scoped, **{**options, "period": compare})
    context = {
        "project": project,
        "form": form,
        "result": result,
        "figures": soni_matrix.describe(result),
        "table": _table(result),
        "diagram": _diagram(result, link),
        "measure_label": Measure(result.measure).label,
        "has_activities": activities.exists(),
        "compare": second,
        "compare_diagram": _diagram(second) if second else None,
        "comparison": _comparison(second, result) if second else None,
        "previous_year": options["period"].previous().as_param()
        if options["period"].is_year
        else None,
    }
    return render(request, "activities/matrix.html", context)


@project_view()
def cell(request: HttpRequest, project: Project, field: str) -> HttpResponse:
    if field not in FIELD_ORDER:
        raise Http404("No such field.")
    activities = Activity.objects.filter(project=project)
    form = _form(request, activities)
    options = _options(form, project)
    rows = soni_matrix.cell_activities(
        _scoped(activities, form),
        field_code=field,
        period=options["period"],
        measure=options["measure"],
        statuses=options["statuses"],
    )
    context = {
        "project": project,
        "field": Field(field),
        "rows": rows,
        "period": options["period"],
        "measure": options["measure"],
        "measure_label": Measure(options["measure"]).label,
        "back": reverse("activities:matrix", args=[project.slug])
        + (f"?{request.GET.urlencode()}" if request.GET else ""),
    }
    template = "activities/matrix_cell.html#cell" if request.htmx else "activities/matrix_cell.html"
    return render(request, template, context)


def programme_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    programme = Programme.objects.coordinated_by(request.user).filter(slug=slug).first()
    if programme is None:
        raise Http404("No such programme.")
    projects = list(programme.projects.order_by("name"))
    activities = Activity.objects.filter(project__programme=programme)
    form = _form(request, activities)
    options = _options(form, None)
    overall, per_project = soni_matrix.compute_by_project(_scoped(activities, form), **options)
    overall.scope = {"programme": programme.slug}
    multiples = []
    for project in projects:
        result = per_project.get(project.pk) or soni_matrix.Matrix(
            period=options["period"],
            measure=options["measure"],
            cells=dict.fromkeys(FIELD_ORDER, 0.0),
            activities=0,
            bridges=0,
            missing=0,
        )
        result.weak_threshold = project.weak_threshold / 100
        multiples.append({"project": project, "result": result, "diagram": _diagram(result)})
    context = {
        "programme": programme,
        "form": form,
        "result": overall,
        "figures": soni_matrix.describe(overall),
        "table": _table(overall),
        "diagram": _diagram(overall),
        "measure_label": Measure(overall.measure).label,
        "multiples": multiples,
    }
    return render(request, "activities/programme_matrix.html", context)
