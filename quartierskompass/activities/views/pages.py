"""Activity pages: list with filters, detail, create, edit, duplicate, trash."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.activities import services
from quartierskompass.activities.forms import ActivityFilterForm, ActivityForm
from quartierskompass.activities.models import Activity
from quartierskompass.core.models import ChangeLog
from quartierskompass.lib.languages import language_name
from quartierskompass.soni.matrix import Period

PAGE_SIZE = 25


def filtered_activities(project: Project, form: ActivityFilterForm) -> QuerySet[Activity]:
    """The project's activities narrowed by the list's filters (an invalid filter is ignored)."""
    activities = Activity.objects.filter(project=project).select_related("responsible", "project")
    data = form.cleaned_data if form.is_valid() else {}
    # Only filters across many-to-many relations can repeat a row.
    repeats = any(data.get(name) for name in ("work_form", "need", "target_group", "actor"))
    if data.get("q"):
        activities = activities.search(data["q"])
    if data.get("field"):
        activities = activities.filter(**{f"share_{data['field'].lower()}__gt": 0})
    for name in ("work_form", "need", "target_group"):
        if data.get(name):
            activities = activities.filter(**{f"{name}s": data[name]})
    if data.get("status"):
        activities = activities.filter(status=data["status"])
    if data.get("year"):
        period = Period.year(data["year"])
        activities = activities.overlapping(period.start, period.end)
    if data.get("actor"):
        activities = activities.filter(Q(responsible=data["actor"]) | Q(partners=data["actor"]))
    sort = data.get("sort") or "title"
    # Empty values last in both directions, on SQLite and PostgreSQL alike.
    key = F(sort.lstrip("-"))
    order = key.desc(nulls_last=True) if sort.startswith("-") else key.asc(nulls_last=True)
    activities = activities.order_by(order, "title", "pk")
    return activities.distinct() if repeats else activities


@project_view()
def activity_list(request: HttpRequest, project: Project) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, project=project)
    page = Paginator(filtered_activities(project, form), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context = {
        "project": project,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "query_without_sort": unsorted.urlencode() + "&" if unsorted else "",
        "sort": request.GET.get("sort", "title"),
        "can_write": allows(project.current_role, Access.WRITE),
        "total": Activity.objects.filter(project=project).count(),
    }
    template = "activities/list.html#results" if request.htmx else "activities/list.html"
    return render(request, template, context)


def _activity(project: Project, pk: int) -> Activity:
    return get_object_or_404(Activity.objects.filter(project=project), pk=pk)


@project_view()
def activity_detail(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.filter(project=project)
        .select_related("responsible", "area", "verified_by", "created_by", "updated_by")
        .prefetch_related("partners", "work_forms", "principles", "needs", "target_groups"),
        pk=pk,
    )
    history = ChangeLog.objects.filter(
        object_type="activities.activity", object_id=activity.pk
    ).select_related("user")[:20]
    language = (get_language() or "de")[:2]
    context = {
        "project": project,
        "activity": activity,
        "languages": [language_name(code, language) for code in activity.languages],
        "history": history,
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "activities/detail.html", context)


def _save(request: HttpRequest, project: Project, form: ActivityForm) -> Activity | None:
    data, related, new_partners = form.activity_data()
    try:
        if form.instance.pk:
            return services.update_activity(
                activity=form.instance,
                user=request.user,
                data=data,
                related=related,
                expected_version=form.cleaned_data.get("version"),
                new_partners=new_partners,
            )
        return services.create_activity(
            project=project,
            user=request.user,
            data=data,
            related=related,
            new_partners=new_partners,
        )
    except ValidationError as error:
        if isinstance(error, services.EditConflict):
            form.add_error(None, error)
        else:
            for field, errors in error.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, errors)
        return None


def _form_page(request, project, form) -> HttpResponse:
    context = {"project": project, "form": form, "activity": form.instance}
    return render(request, "activities/form.html", context)


@project_view(Access.WRITE)
def activity_create(request: HttpRequest, project: Project) -> HttpResponse:
    form = ActivityForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        activity = _save(request, project, form)
        if activity:
            messages.success(request, _("“%(title)s” was saved.") % {"title": activity})
            return redirect(activity)
    return _form_page(request, project, form)


@project_view(Access.WRITE)
def activity_edit(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    form = ActivityForm(request.POST or None, instance=_activity(project, pk), project=project)
    if request.method == "POST" and form.is_valid():
        activity = _save(request, project, form)
        if activity:
            messages.success(request, _("“%(title)s” was saved.") % {"title": activity})
            return redirect(activity)
    return _form_page(request, project, form)


@require_POST
@project_view(Access.WRITE)
def activity_duplicate(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    copy = services.duplicate_activity(activity=_activity(project, pk), user=request.user)
    messages.success(request, _("A copy was made. Adapt it and save."))
    return redirect("activities:edit", project.slug, copy.pk)


@project_view(Access.WRITE)
def activity_delete(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    activity = _activity(project, pk)
    if request.method == "POST":
        services.trash_activity(activity=activity, user=request.user)
        messages.success(
            request,
            _("“%(title)s” was moved to the trash. You can restore it there.")
            % {"title": activity},
        )
        return redirect("activities:list", project.slug)
    return render(request, "activities/delete.html", {"project": project, "activity": activity})


@project_view()
def activity_trash(request: HttpRequest, project: Project) -> HttpResponse:
    deleted = Activity.with_deleted.filter(project=project, deleted_at__isnull=False)
    context = {
        "project": project,
        "activities": deleted.order_by("-deleted_at"),
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "activities/trash.html", context)


@require_POST
@project_view(Access.WRITE)
def activity_restore(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.with_deleted.filter(project=project, deleted_at__isnull=False), pk=pk
    )
    services.restore_activity(activity=activity, user=request.user)
    messages.success(request, _("“%(title)s” is back.") % {"title": activity})
    return redirect(activity)
