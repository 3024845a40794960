"""SONI-Werkstatt pages: list and start, the five steps, summary, finish, protocol PDF,
comparison of finished sessions, delete.

Every step works without JavaScript: a form whose „Weiter“/„Zurück“ buttons save and move on.
People who may only read see the same steps without forms.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access, allows
from quartierskompass.core.pdf import render_pdf
from quartierskompass.finder.signals import signals as finder_signals
from quartierskompass.planning import workshop as domain
from quartierskompass.planning.forms.workshops import (
    DataForm,
    DecisionForm,
    FinishForm,
    IdeaFormSet,
    QuestionsForm,
    RatingsForm,
    StartForm,
    idea_initial,
)
from quartierskompass.planning.models import Workshop
from quartierskompass.planning.services import EditConflict, delete
from quartierskompass.soni import matrix as soni_matrix
from quartierskompass.soni.model import FIELD_ORDER, FIELD_REFERENCE, Field
from quartierskompass.soni.svg import matrix_diagram

Step = Workshop.Step


MAX_COMPARED = 12


def _number(text: str) -> int | None:
    """A whole number typed in a URL or a button value, or None (also for „²“ and the like)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _workshop(project: Project, pk: int) -> Workshop:
    return get_object_or_404(
        Workshop.objects.filter(project=project).select_related("project"), pk=pk
    )


def _step_url(workshop: Workshop, step: int, field: str = "") -> str:
    url = reverse("planning:workshop_step", args=[workshop.project.slug, workshop.pk, step])
    return f"{url}?{urlencode({'feld': field})}" if field else url


def _summary_url(workshop: Workshop) -> str:
    return reverse("planning:workshop", args=[workshop.project.slug, workshop.pk])


def _diagram(result: soni_matrix.Matrix, project: Project | None = None) -> dict:
    def link(code: str) -> str:
        query = urlencode(
            {
                "measure": result.measure,
                "start": result.period.start.isoformat(),
                "end": result.period.end.isoformat(),
            }
        )
        return reverse("activities:matrix_cell", args=[project.slug, code]) + "?" + query

    return matrix_diagram(
        result,
        value_label=lambda code: soni_matrix.format_value(result.measure, result.cells[code]),
        link=link if project else None,
        weak_label=_("weak"),
    )


# List, start, compare ------------------------------------------------------------------------


def _list_page(request: HttpRequest, project: Project, form: StartForm) -> HttpResponse:
    workshops = (
        Workshop.objects.filter(project=project)
        .annotate(goal_count=Count("goals"))
        .order_by("-date", "-pk")
    )
    rows = [{"workshop": w, "period": domain.period_of(w)} for w in workshops]
    context = {
        "project": project,
        "rows": rows,
        "form": form,
        "can_write": allows(project.current_role, Access.WRITE),
        "finished_count": sum(1 for row in rows if row["workshop"].finished_at),
    }
    return render(request, "planning/workshop/list.html", context)


@project_view()
def workshop_list(request: HttpRequest, project: Project) -> HttpResponse:
    return _list_page(request, project, StartForm(today=timezone.localdate()))


@require_POST
@project_view(Access.WRITE)
def workshop_create(request: HttpRequest, project: Project) -> HttpResponse:
    form = StartForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        try:
            workshop = domain.start(project=project, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The Werkstatt “%(title)s” has begun.") % {"title": workshop.title}
            )
            return redirect(_step_url(workshop, Step.RATINGS))
    return _list_page(request, project, form)


@project_view()
def workshop_compare(request: HttpRequest, project: Project) -> HttpResponse:
    ids = [n for v in request.GET.getlist("w") if (n := _number(v)) is not None][:MAX_COMPARED]
    chosen = list(Workshop.objects.filter(project=project, pk__in=ids).select_related("project"))
    comparison = domain.compare(chosen)
    columns = [
        {"protocol": p, "diagram": _diagram(p.matrix), "svg_id": f"vergleich-{p.workshop.pk}"}
        for p in comparison.protocols
    ]
    context = {
        "project": project,
        "comparison": comparison,
        "columns": columns,
        "finished": Workshop.objects.filter(project=project, finished_at__isnull=False).order_by(
            "-date", "-pk"
        ),
        "chosen_ids": {p.workshop.pk for p in comparison.protocols},
        "left_out": [w for w in chosen if not w.finished_at],
    }
    return render(request, "planning/workshop/compare.html", context)


# The steps -----------------------------------------------------------------------------------


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _steps(workshop: Workshop, current: int) -> list[dict]:
    return [
        {
            "number": step.value,
            "label": step.label,
            "url": _step_url(workshop, step.value),
            "current": step.value == current,
            "reached": step.value <= workshop.step or bool(workshop.finished_at),
        }
        for step in Step
    ]


class StepPage:
    """What every step page needs: the session, who may edit, where „Zurück“/„Weiter“ go."""

    def __init__(self, request: HttpRequest, project: Project, workshop: Workshop, step: int):
        self.request = request
        self.project = project
        self.workshop = workshop
        self.step = step
        self.can_edit = allows(project.current_role, Access.WRITE) and not workshop.finished_at
        self.version = workshop.version
        self.saved: Workshop | None = None  # the current version after a conflict

    def save(self, form, data: dict, *, reached: int | None) -> bool:
        try:
            self.workshop = domain.save_step(
                self.workshop,
                user=self.request.user,
                data=data,
                expected_version=form.cleaned_data["version"],
                reached=reached,
            )
        except EditConflict as error:
            self.saved = Workshop.objects.select_related("updated_by").get(pk=self.workshop.pk)
            self.version = self.saved.version  # a deliberate second save may now overwrite
            form.add_error(None, error.messages)
            return False
        except ValidationError as error:
            _add_errors(form, error)
            return False
        return True

    def go(self) -> str:
        return self.request.POST.get("go", "next")

    def destination(
        self, *, prev_url: str, next_url: str, next_step: int
    ) -> tuple[str, int | None]:
        """Where the pressed button leads, and the step the team reaches by it."""
        go = self.go()
        if go == "prev":
            return prev_url, None
        if go == "stay":
            return self.request.get_full_path(), None
        if go.startswith("schritt-") and (number := _number(go[8:])) in Step.values:
            return _step_url(self.workshop, number), number
        if go.startswith("feld-") and go[5:] in FIELD_ORDER:
            return _step_url(self.workshop, Step.QUESTIONS, go[5:]), Step.QUESTIONS
        return next_url, next_step

    def render(self, template: str, **context) -> HttpResponse:
        workshop = self.workshop
        context = {
            "project": self.project,
            "workshop": workshop,
            "step": self.step,
            "steps": _steps(workshop, self.step),
            "can_edit": self.can_edit,
            "version": self.version,
            "saved": self.saved,
            "summary_url": _summary_url(workshop),
            "period": domain.period_of(workshop),
            **context,
        }
        return render(self.request, template, context)


@project_view()
def workshop_step(request: HttpRequest, project: Project, pk: int, step: int) -> HttpResponse:
    workshop = _workshop(project, pk)
    if step not in Step.values:
        raise Http404("No such step.")
    if request.method == "POST":
        if not allows(project.current_role, Access.WRITE):
            raise PermissionDenied
        if workshop.finished_at:
            messages.error(
                request, _("This Werkstatt is finished; its protocol is not changed any more.")
            )
            return redirect(_summary_url(workshop))
    page = StepPage(request, project, workshop, step)
    return STEP_VIEWS[step](page)


def _ratings(page: StepPage) -> HttpResponse:
    workshop = page.workshop
    form = RatingsForm(
        page.request.POST if page.request.method == "POST" else None,
        initial={"version": workshop.version, **(workshop.ratings or {})},
    )
    next_url = _step_url(workshop, Step.DATA)
    if form.is_bound and form.is_valid():
        target, reached = page.destination(
            prev_url=next_url, next_url=next_url, next_step=Step.DATA
        )
        if page.save(form, {"ratings": form.ratings()}, reached=reached):
            return redirect(target)
    saved = (page.saved.ratings or {}) if page.saved else {}
    fields = [
        {
            "code": code,
            "name": Field(code).label,
            "field": form[code],
            "rating": (workshop.ratings or {}).get(code),
            "saved": saved.get(code) if page.saved else None,
        }
        for code in FIELD_ORDER
    ]
    return page.render(
        "planning/workshop/step_ratings.html",
        form=form,
        fields=fields,
        next_url=next_url,
        labels=domain.RATING_LABELS,
    )


def _data(page: StepPage) -> HttpResponse:
    workshop = page.workshop
    form = DataForm(
        page.request.POST if page.request.method == "POST" else None,
        initial={
            "version": workshop.version,
            "note": (workshop.notes or {}).get("data", ""),
            "period_start": workshop.period_start,
            "period_end": workshop.period_end,
            "measure": workshop.measure,
        },
    )
    prev_url = _step_url(workshop, Step.RATINGS)
    next_url = _step_url(workshop, Step.QUESTIONS, "S")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        changes = {
            "notes": domain.merge_notes(workshop.notes, {"data": data["note"]}),
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "measure": data["measure"],
        }
        target, reached = page.destination(
            prev_url=prev_url, next_url=next_url, next_step=Step.QUESTIONS
        )
        if page.save(form, changes, reached=reached):
            return redirect(target)
    result = domain.matrix_for(workshop)
    return page.render(
        "planning/workshop/step_data.html",
        form=form,
        result=result,
        figures=soni_matrix.describe(result),
        diagram=_diagram(result, page.project),
        comparison=domain.compare_ratings(workshop.ratings or {}, result),
        measure_label=domain.measure_label(result.measure),
        saved_note=(page.saved.notes or {}).get("data", "") if page.saved else None,
        prev_url=prev_url,
        next_url=next_url,
    )


def _questions(page: StepPage) -> HttpResponse:
    workshop = page.workshop
    code = page.request.GET.get("feld", "S")
    if code not in FIELD_ORDER:
        code = "S"
    position = FIELD_ORDER.index(code)
    last = position == len(FIELD_ORDER) - 1
    prev_url = (
        _step_url(workshop, Step.DATA)
        if position == 0
        else _step_url(workshop, Step.QUESTIONS, FIELD_ORDER[position - 1])
    )
    next_url = (
        _step_url(workshop, Step.IDEAS)
        if last
        else _step_url(workshop, Step.QUESTIONS, FIELD_ORDER[position + 1])
    )
    questions = domain.questions_by_field().get(code, [])
    notes = workshop.notes or {}
    form = QuestionsForm(
        page.request.POST if page.request.method == "POST" else None,
        questions=questions,
        initial={"version": workshop.version, **{q.code: notes.get(q.code, "") for q in questions}},
    )
    if form.is_bound and form.is_valid():
        target, reached = page.destination(
            prev_url=prev_url,
            next_url=next_url,
            next_step=Step.IDEAS if last else Step.QUESTIONS,
        )
        if page.save(form, {"notes": domain.merge_notes(notes, form.notes())}, reached=reached):
            return redirect(target)
    result = domain.matrix_for(workshop)
    comparison = {c.code: c for c in domain.compare_ratings(workshop.ratings or {}, result)}
    saved_notes = (page.saved.notes or {}) if page.saved else {}
    items = [
        {
            "question": q,
            "field": form[q.code],
            "note": notes.get(q.code, ""),
            "saved": saved_notes.get(q.code, "") if page.saved else None,
        }
        for q in questions
    ]
    return page.render(
        "planning/workshop/step_questions.html",
        form=form,
        field_code=code,
        field_name=Field(code).label,
        field_reference=FIELD_REFERENCE[code],
        fields=[
            {
                "code": c,
                "name": Field(c).label,
                "url": _step_url(workshop, Step.QUESTIONS, c),
                "current": c == code,
            }
            for c in FIELD_ORDER
        ],
        items=items,
        comparison=comparison[code],
        prev_url=prev_url,
        next_url=next_url,
    )


def _ideas(page: StepPage) -> HttpResponse:
    workshop = page.workshop
    request = page.request
    posted = request.POST if request.method == "POST" else None
    version_form = FinishForm(posted, initial={"version": workshop.version})
    formset = IdeaFormSet(posted, initial=idea_initial(workshop.ideas or []), prefix="idee")
    prev_url = _step_url(workshop, Step.QUESTIONS, FIELD_ORDER[-1])
    next_url = _step_url(workshop, Step.DECISIONS)
    if posted is not None and version_form.is_valid() and formset.is_valid():
        ideas = [idea for form in formset if (idea := form.idea())]
        target, reached = page.destination(
            prev_url=prev_url, next_url=next_url, next_step=Step.DECISIONS
        )
        if page.save(version_form, {"ideas": ideas}, reached=reached):
            return redirect(target)
    since = timezone.localdate() - timedelta(days=365)
    return page.render(
        "planning/workshop/step_ideas.html",
        form=version_form,
        formset=formset,
        ideas=domain.idea_rows(workshop.ideas or []),
        saved_ideas=domain.idea_rows(page.saved.ideas or []) if page.saved else None,
        directions=[
            {"source": s, "target": t, "text": text} for s, t, text in domain.IDEA_DIRECTIONS
        ],
        unmet=finder_signals(workshop.project, since=since)[:3],
        weak=domain.matrix_for(workshop).weak,
        prev_url=prev_url,
        next_url=next_url,
    )


def _decisions(page: StepPage) -> HttpResponse:
    workshop = page.workshop
    request = page.request
    ideas = workshop.ideas or []
    initial = {}
    number = _number(request.GET.get("idee", ""))
    if number is not None and 0 < number <= len(ideas):
        idea = ideas[number - 1]
        initial = {"text": idea["text"], "fields": [idea.get("from"), idea.get("to")]}
    posted = request.POST if request.method == "POST" else None
    form = DecisionForm(posted, project=page.project, initial=initial)
    prev_url = _step_url(workshop, Step.IDEAS)
    next_url = _summary_url(workshop)
    stay_url = _step_url(workshop, Step.DECISIONS)
    if posted is not None:
        target, _reached = page.destination(
            prev_url=prev_url, next_url=next_url, next_step=Step.DECISIONS
        )
        if page.go() == "stay":
            target = stay_url
        # Moving on with an empty form only moves on; a written decision is saved first.
        if page.go() != "stay" and not posted.get("text", "").strip():
            return redirect(target)
        if form.is_valid():
            try:
                _goal, created = domain.add_decision(
                    workshop,
                    user=request.user,
                    data=form.goal_data(),
                    activities=form.cleaned_data["activities"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if created:
                    messages.success(request, _("The decision was saved as a goal."))
                else:
                    messages.info(
                        request, _("This decision had already been saved; it stays one goal.")
                    )
                return redirect(target)
    return page.render(
        "planning/workshop/step_decisions.html",
        form=form,
        decisions=domain.live_decisions(workshop),
        ideas=domain.idea_rows(ideas),
        prev_url=prev_url,
        next_url=next_url,
        default_go="stay",
    )


STEP_VIEWS = {
    Step.RATINGS: _ratings,
    Step.DATA: _data,
    Step.QUESTIONS: _questions,
    Step.IDEAS: _ideas,
    Step.DECISIONS: _decisions,
}


# Summary, finish, PDF, delete ----------------------------------------------------------------


@project_view()
def workshop_detail(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    workshop = _workshop(project, pk)
    proto = domain.protocol(workshop)
    context = {
        "project": project,
        "workshop": workshop,
        "protocol": proto,
        "diagram": _diagram(proto.matrix, None if proto.final else project),
        "steps": _steps(workshop, 0),
        "can_write": allows(project.current_role, Access.WRITE),
        "finish_form": FinishForm(initial={"version": workshop.version}),
    }
    return render(request, "planning/workshop/detail.html", context)


@require_POST
@project_view(Access.WRITE)
def workshop_finish(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    workshop = _workshop(project, pk)
    form = FinishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date. Please try again."))
        return redirect(_summary_url(workshop))
    try:
        domain.finish(workshop, user=request.user, expected_version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The Werkstatt is finished. Its figures are kept as they are today, for "
                "comparison later."
            ),
        )
    return redirect(_summary_url(workshop))


@project_view()
def workshop_pdf(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    workshop = _workshop(project, pk)
    proto = domain.protocol(workshop)
    context = {
        "project": project,
        "workshop": workshop,
        "protocol": proto,
        "diagram": _diagram(proto.matrix),
        "today": timezone.localdate(),
    }
    pdf = render_pdf("planning/workshop/protocol_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"werkstatt-{workshop.date:%Y-%m-%d}-{workshop.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@project_view(Access.WRITE)
def workshop_delete(request: HttpRequest, project: Project, pk: int) -> HttpResponse:
    workshop = _workshop(project, pk)
    title = workshop.title
    delete(workshop, user=request.user)
    messages.success(
        request,
        _("The Werkstatt “%(title)s” was deleted. Goals decided in it stay.") % {"title": title},
    )
    return redirect("planning:workshops", project.slug)
