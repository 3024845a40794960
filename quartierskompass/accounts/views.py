from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from quartierskompass.accounts import services
from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.forms import (
    ApiTokenForm,
    MemberAddForm,
    MemberRoleForm,
    ProfileForm,
    ProjectCreateForm,
    ProjectForm,
)
from quartierskompass.accounts.models import ApiToken, Membership, Programme, Project, Role
from quartierskompass.accounts.permissions import Access
from quartierskompass.activities.models import Activity
from quartierskompass.finder.signals import signals as finder_signals
from quartierskompass.planning.views.goals import goals_card
from quartierskompass.planning.views.needs import needs_card
from quartierskompass.planning.views.recommendations import recommendations_card
from quartierskompass.soni import matrix as soni_matrix
from quartierskompass.soni.svg import matrix_diagram

SIGNAL_DAYS = 365  # the dashboard shows the Hilfelotse's signals of the last year


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("programme")
        .annotate(member_count=Count("memberships"))
        .order_by("programme__name", "name")
    )
    roles = dict(Membership.objects.filter(user=request.user).values_list("project_id", "role"))
    coordinated = set(Programme.objects.coordinated_by(request.user).values_list("pk", flat=True))
    for project in projects:
        role = roles.get(project.pk)
        if role is None and project.programme_id in coordinated:
            role = Role.COORDINATOR
        project.my_role = Role(role) if role else None
    context = {
        "projects": projects,
        "can_create": _creatable_programmes(request.user).exists() or request.user.is_staff,
    }
    return render(request, "accounts/project_list.html", context)


def _creatable_programmes(user):
    return Programme.objects.all() if user.is_staff else Programme.objects.coordinated_by(user)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    programmes = _creatable_programmes(request.user)
    if not request.user.is_staff and not programmes.exists():
        raise PermissionDenied
    form = ProjectCreateForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        if not request.user.is_staff and form.cleaned_data["programme"] is None:
            form.add_error("programme", _("Choose the programme the project belongs to."))
        else:
            project = services.create_project(owner=request.user, **form.cleaned_data)
            messages.success(request, _("The project “%(name)s” was created.") % {"name": project})
            return redirect(project)
    return render(request, "accounts/project_form.html", {"form": form, "creating": True})


@project_view()
def project_detail(request: HttpRequest, project: Project) -> HttpResponse:
    activities = Activity.objects.filter(project=project)
    result = soni_matrix.compute(
        activities,
        period=soni_matrix.Period.year(timezone.localdate().year),
        weak_threshold=project.weak_threshold / 100,
    )
    context = {
        "project": project,
        "activity_count": activities.count(),
        "result": result,
        "figures": soni_matrix.describe(result),
        "diagram": matrix_diagram(
            result,
            value_label=lambda code: soni_matrix.format_value("count", result.cells[code]),
            link=lambda code: reverse("activities:matrix_cell", args=[project.slug, code]),
        ),
        "members": project.memberships.select_related("user").order_by(
            Membership.rank(), "user__last_name", "user__username"
        ),
        "finder_signals": finder_signals(
            project, since=timezone.localdate() - timedelta(days=SIGNAL_DAYS)
        ),
        "goals_card": goals_card(project),
        "later_cards": [
            {"name": name, "title": title, "url": reverse(url, args=[project.slug])}
            for name, (title, url, _card) in LATER_CARDS.items()
        ],
    }
    return render(request, "accounts/project_detail.html", context)


# Cards that read the statistics of every project area (needs, recommendations) take a moment;
# the overview shows without them and loads each one right after (htmx), or links to its page.
LATER_CARDS = {
    "empfehlungen": (
        gettext_lazy("Recommendations"),
        "planning:recommendations",
        ("planning/_recommendations_card.html", "recommendations_card"),
    ),
    "bedarfe": (
        gettext_lazy("Needs in the Quartier"),
        "planning:needs",
        ("planning/_needs_card.html", "needs_card"),
    ),
}


@require_safe
@project_view()
def overview_card(request: HttpRequest, project: Project, name: str) -> HttpResponse:
    if name not in LATER_CARDS:
        raise Http404
    template, key = LATER_CARDS[name][2]
    make = {"recommendations_card": recommendations_card, "needs_card": needs_card}[key]
    return render(request, template, {"project": project, key: make(project)})


@project_view(Access.MANAGE)
def project_edit(request: HttpRequest, project: Project) -> HttpResponse:
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The project settings were saved."))
        return redirect(project)
    return render(
        request, "accounts/project_form.html", {"project": project, "form": form, "creating": False}
    )


def _members_page(request: HttpRequest, project: Project, form: MemberAddForm) -> HttpResponse:
    memberships = list(
        project.memberships.select_related("user").order_by(
            Membership.rank(), "user__last_name", "user__username"
        )
    )
    sole_owner = [m for m in memberships if m.role == Role.OWNER]
    context = {
        "project": project,
        "memberships": memberships,
        "sole_owner": sole_owner[0] if len(sole_owner) == 1 else None,
        "add_form": form,
        "role_choices": MemberRoleForm.base_fields["role"].choices,
        "can_manage": project.current_role == Role.OWNER,
    }
    return render(request, "accounts/member_list.html", context)


@project_view()
def member_list(request: HttpRequest, project: Project) -> HttpResponse:
    return _members_page(request, project, MemberAddForm())


@require_POST
@project_view(Access.MANAGE)
def member_add(request: HttpRequest, project: Project) -> HttpResponse:
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership, invited = services.add_member(
                project=project,
                identifier=form.cleaned_data["identifier"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            form.add_error("identifier", error)
        else:
            text = (
                _("%(person)s was invited by e-mail and added as %(role)s.")
                if invited
                else _("%(person)s was added as %(role)s.")
            )
            messages.success(
                request,
                text % {"person": membership.user, "role": membership.get_role_display()},
            )
            return redirect("accounts:members", project.slug)
    return _members_page(request, project, form)


def _membership(project: Project, pk: int) -> Membership:
    return get_object_or_404(project.memberships.select_related("user", "project"), pk=pk)


@require_POST
@project_view(Access.MANAGE)
def member_role(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    membership = _membership(project, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid role."))
    else:
        try:
            services.change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s.")
                % {"person": membership.user, "role": membership.get_role_display()},
            )
    return redirect("accounts:members", project.slug)


@require_POST
@project_view(Access.MANAGE)
def member_remove(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    membership = _membership(project, pk)
    try:
        services.remove_member(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(person)s was removed from the project.") % {"person": membership.user}
        )
        if membership.user == request.user:
            return redirect("accounts:projects")
    return redirect("accounts:members", project.slug)


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = Programme.objects.coordinated_by(request.user).filter(slug=slug).first()
    if programme is None:
        raise Http404("No such programme.")
    projects = programme.projects.annotate(member_count=Count("memberships")).order_by("name")
    return render(
        request, "accounts/programme_detail.html", {"programme": programme, "projects": projects}
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    profile_form = ProfileForm(instance=request.user)
    token_form = ApiTokenForm()
    new_key = None
    if request.method == "POST" and request.POST.get("form") == "profile":
        profile_form = ProfileForm(request.POST, instance=request.user)
        if profile_form.is_valid():
            profile_form.save()
            messages.success(request, _("Your details were saved."))
            return redirect("accounts:account")
    elif request.method == "POST" and request.POST.get("form") == "token":
        token_form = ApiTokenForm(request.POST)
        if token_form.is_valid():
            _token, new_key = ApiToken.issue(
                user=request.user, name=token_form.cleaned_data["name"]
            )
            token_form = ApiTokenForm()
    context = {
        "profile_form": profile_form,
        "token_form": token_form,
        "new_key": new_key,
        "tokens": request.user.api_tokens.all(),
        "memberships": request.user.memberships.select_related("project").order_by("project__name"),
        "programmes": Programme.objects.coordinated_by(request.user).prefetch_related(
            Prefetch("projects", queryset=Project.objects.order_by("name"))
        ),
    }
    return render(request, "accounts/account.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    token.delete()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:account")
