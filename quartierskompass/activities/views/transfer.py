"""Spreadsheet export, template and the two-step import (preview, then confirm)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access
from quartierskompass.activities import transfer
from quartierskompass.activities.forms import ImportForm
from quartierskompass.core.imports import upload_dir

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SESSION_KEY = "qk_activity_import"
UPLOAD_MAX_AGE = 24 * 3600


def _download(project: Project | None, fmt: str, name: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Unknown format.")
    response = HttpResponse(content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    transfer.write_export(response, project=project, fmt=fmt)
    return response


@project_view()
def export(request: HttpRequest, project: Project, fmt: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    return _download(project, fmt, f"aktivitaeten-{project.slug}-{stamp}")


@project_view()
def template(request: HttpRequest, project: Project, fmt: str) -> HttpResponse:
    return _download(None, fmt, "vorlage-aktivitaeten")


def _stored(request: HttpRequest, project: Project) -> dict | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("project") != project.slug:
        return None
    if not (upload_dir() / stored["token"]).exists():
        return None
    return stored


def _remove_old_uploads() -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in upload_dir().glob("activities-*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


@project_view(Access.WRITE)
def import_upload(request: HttpRequest, project: Project) -> HttpResponse:
    """Step 1: upload and check. Nothing is written; the file waits for the confirmation."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"project": project, "form": form, "columns": transfer.COLUMNS}
    if request.method == "POST" and form.is_valid():
        _remove_old_uploads()
        upload = form.cleaned_data["file"]
        token = f"activities-{secrets.token_hex(16)}{Path(upload.name).suffix.lower()}"
        path = upload_dir() / token
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        skip = form.cleaned_data["skip_invalid"]
        report = transfer.import_activities(
            project=project,
            source=path,
            filename=upload.name,
            user=request.user,
            dry_run=True,
            skip_invalid=skip,
        )
        request.session[SESSION_KEY] = {
            "project": project.slug,
            "token": token,
            "filename": upload.name,
            "skip": skip,
        }
        context.update(
            report=report, summary=report.summary(transfer.kinds()), filename=upload.name
        )
    return render(request, "activities/import.html", context)


@require_POST
@project_view(Access.WRITE)
def import_confirm(request: HttpRequest, project: Project) -> HttpResponse:
    """Step 2: import the checked file for real – all of it, or the good rows if chosen."""
    stored = _stored(request, project)
    if stored is None:
        messages.error(request, _("The uploaded file is no longer there. Please upload it again."))
        return redirect("activities:import", project.slug)
    path = upload_dir() / stored["token"]
    report = transfer.import_activities(
        project=project,
        source=path,
        filename=stored["filename"],
        user=request.user,
        skip_invalid=stored["skip"],
    )
    path.unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    if not report.ok:
        messages.error(request, _("The file could not be imported; nothing was changed."))
        return redirect("activities:import", project.slug)
    messages.success(request, report.summary(transfer.kinds()))
    return redirect("activities:list", project.slug)
