"""Actor pages: list, detail with ties and activities, create, edit, merge; ties."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.actors import services
from quartierskompass.actors.forms import ActorFilterForm, ActorForm, MergeForm, TieForm
from quartierskompass.actors.models import Actor, Tie
from quartierskompass.core.models import ChangeLog

PAGE_SIZE = 50


def _actor(project: Project, pk: int) -> Actor:
    return get_object_or_404(Actor.objects.filter(project=project), pk=pk)


@project_view()
def actor_list(request: HttpRequest, project: Project) -> HttpResponse:
    form = ActorFilterForm(request.GET or None)
    actors = (
        Actor.objects.filter(project=project)
        .select_related("actor_type", "parent")
        .annotate(ties=Count("ties_out", distinct=True) + Count("ties_in", distinct=True))
        .order_by("name")
    )
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        actors = actors.filter(Q(name__icontains=data["q"]) | Q(notes__icontains=data["q"]))
    if data.get("type"):
        actors = actors.filter(actor_type=data["type"])
    if data.get("field"):
        actors = actors.filter(field=data["field"])
    if data.get("isolated"):
        actors = actors.filter(ties=0)
    page = Paginator(actors, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "total": Actor.objects.filter(project=project).count(),
        "can_write": allows(project.current_role, Access.WRITE),
    }
    template = "actors/list.html#results" if request.htmx else "actors/list.html"
    return render(request, template, context)


@project_view()
def actor_detail(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    actor = get_object_or_404(
        Actor.objects.filter(project=project).select_related("actor_type", "parent", "area"),
        pk=pk,
    )
    ties = Tie.objects.of_actor(actor).select_related("source", "target", "kind")
    context = {
        "project": project,
        "actor": actor,
        "ties": [
            {
                "tie": t,
                "other": t.target if t.source_id == actor.pk else t.source,
                "outgoing": t.source_id == actor.pk,
            }
            for t in ties
        ],
        "responsible_for": actor.responsible_for.all().order_by("title"),
        "partner_in": actor.partner_in.all().order_by("title"),
        "children": actor.children.order_by("name"),
        "areas_served": actor.areas_served.without_geometry(),
        "tie_form": TieForm(actor=actor),
        "merge_form": MergeForm(actor=actor),
        "history": ChangeLog.objects.filter(
            object_type="actors.actor", object_id=actor.pk
        ).select_related("user")[:20],
        "can_write": allows(project.current_role, Access.WRITE),
    }
    return render(request, "actors/detail.html", context)


def _form_page(request, project, form, actor=None) -> HttpResponse:
    return render(request, "actors/form.html", {"project": project, "form": form, "actor": actor})


def _save(request, project, form, actor=None) -> Actor | None:
    try:
        return services.save_actor(
            project=project,
            user=request.user,
            data=form.actor_data(),
            areas_served=list(form.cleaned_data["areas_served"]),
            actor=actor,
            expected_version=form.cleaned_data.get("version") if actor else None,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@project_view(Access.WRITE)
def actor_create(request: HttpRequest, project: Project) -> HttpResponse:
    form = ActorForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        actor = _save(request, project, form)
        if actor:
            messages.success(request, _("“%(name)s” was saved.") % {"name": actor})
            return redirect(actor)
    return _form_page(request, project, form)


@project_view(Access.WRITE)
def actor_edit(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    actor = _actor(project, pk)
    form = ActorForm(request.POST or None, instance=actor, project=project)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, project, form, actor)
        if saved:
            messages.success(request, _("“%(name)s” was saved.") % {"name": saved})
            return redirect(saved)
    return _form_page(request, project, form, actor)


@require_POST
@project_view(Access.WRITE)
def actor_merge(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    actor = _actor(project, pk)
    form = MergeForm(request.POST, actor=actor)
    if not form.is_valid():
        messages.error(request, _("Choose the actor to merge with."))
        return redirect(actor)
    keep = services.merge_actors(keep=form.cleaned_data["other"], merge=actor, user=request.user)
    messages.success(
        request,
        _("“%(merged)s” was merged into “%(kept)s”.") % {"merged": actor.name, "kept": keep.name},
    )
    return redirect(keep)


@require_POST
@project_view(Access.WRITE)
def actor_delete(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    actor = _actor(project, pk)
    if actor.responsible_for.exists() or actor.partner_in.exists():
        messages.error(
            request,
            _(
                "“%(name)s” still takes part in activities. Merge it with "
                "another actor instead, or change the activities first."
            )
            % {"name": actor},
        )
        return redirect(actor)
    ChangeLog.record(obj=actor, action=ChangeLog.Action.DELETE, user=request.user)
    actor.delete()
    messages.success(request, _("“%(name)s” was deleted.") % {"name": actor.name})
    return redirect("actors:list", project.slug)


@require_POST
@project_view(Access.WRITE)
def tie_add(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    actor = _actor(project, pk)
    form = TieForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            services.save_tie(project=project, user=request.user, data=form.tie_data())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The tie was saved."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                for f, e in form.errors.items()
            ),
        )
    return redirect(actor)


@require_POST
@project_view(Access.WRITE)
def tie_delete(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    tie = get_object_or_404(Tie.objects.filter(project=project).select_related("source"), pk=pk)
    back = request.POST.get("actor")
    services.delete_tie(tie=tie, user=request.user)
    messages.success(request, _("The tie was removed."))
    actor = Actor.objects.filter(project=project, pk=back).first() if back else None
    return redirect(actor or tie.source)
