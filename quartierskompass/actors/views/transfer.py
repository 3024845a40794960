"""Network export (XLSX, CSV, GraphML), the empty template and the two-step import."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access
from quartierskompass.actors import transfer
from quartierskompass.core.imports import upload_dir, upload_limit_bytes
from quartierskompass.lib.tabular import CSV_SUFFIXES, XLSX_SUFFIXES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {  # format in the URL: content type, file name ending
    "xlsx": (XLSX_TYPE, ".xlsx"),
    "csv-elements": ("text/csv; charset=utf-8", "-elements.csv"),
    "csv-connections": ("text/csv; charset=utf-8", "-connections.csv"),
    "graphml": ("application/graphml+xml; charset=utf-8", ".graphml"),
}
SESSION_KEY = "qk_network_import"
UPLOAD_MAX_AGE = 24 * 3600
PREFIX = "network-"


class NetworkImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Network file (XLSX, CSV or GraphML)"),
        help_text=gettext_lazy(
            "A workbook with the sheets “Elements” and “Connections”, a CSV file of the "
            "elements, or a GraphML file."
        ),
    )
    connections = forms.FileField(
        label=gettext_lazy("Connections as CSV (optional)"),
        required=False,
        help_text=gettext_lazy("Only with a CSV file of the elements: the ties between them."),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip bad rows and import the rest"),
        required=False,
        help_text=gettext_lazy("Without this, a file with a bad row is not imported at all."),
    )

    def _check(self, upload: UploadedFile | None, endings: tuple[str, ...]) -> None:
        if upload is None:
            return
        limit = upload_limit_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB are allowed.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
                    "limit": limit // 1024 // 1024,
                }
            )
        if not upload.name.lower().endswith(endings):
            raise forms.ValidationError(
                _("Please upload a file ending in %(endings)s.") % {"endings": ", ".join(endings)}
            )

    def clean_file(self):
        endings = XLSX_SUFFIXES + CSV_SUFFIXES + transfer.GRAPHML_SUFFIXES
        self._check(self.cleaned_data["file"], endings)
        return self.cleaned_data["file"]

    def clean_connections(self):
        self._check(self.cleaned_data.get("connections"), CSV_SUFFIXES)
        return self.cleaned_data.get("connections")

    def clean(self):
        data = super().clean()
        main = data.get("file")
        if data.get("connections") and main and not main.name.lower().endswith(CSV_SUFFIXES):
            self.add_error(
                "connections",
                _(
                    "A second file belongs to a CSV file of the elements; a workbook or GraphML "
                    "file holds the ties itself."
                ),
            )
        return data


@project_view()
def export(request: HttpRequest, project: Project, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    content_type, ending = FORMATS[fmt]
    response = HttpResponse(content_type=content_type)
    name = f"netzwerk-{project.slug}-{timezone.localdate().isoformat()}{ending}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    transfer.write_network(response, project=project, fmt=fmt)
    return response


@project_view()
def template(request: HttpRequest, project: Project) -> HttpResponse:
    response = HttpResponse(content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="vorlage-netzwerk.xlsx"'
    transfer.write_template(response)
    return response


def _keep(upload: UploadedFile, token: str) -> str:
    name = f"{PREFIX}{token}{Path(upload.name).suffix.lower()}"
    with (upload_dir() / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def _remove_old_uploads() -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in upload_dir().glob(f"{PREFIX}*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _run(project: Project, stored: dict, user, *, dry_run: bool):
    second = stored.get("connections")
    return transfer.import_network(
        project=project,
        source=upload_dir() / stored["token"],
        filename=stored["filename"],
        user=user,
        dry_run=dry_run,
        skip_invalid=stored["skip"],
        connections_source=upload_dir() / second["token"] if second else None,
        connections_filename=second["filename"] if second else "",
    )


@project_view(Access.WRITE)
def import_upload(request: HttpRequest, project: Project) -> HttpResponse:
    """Step 1: upload and check. Nothing is written; the files wait for the confirmation."""
    form = NetworkImportForm(request.POST or None, request.FILES or None)
    context = {
        "project": project,
        "form": form,
        "element_columns": transfer.ELEMENT_COLUMNS,
        "connection_columns": transfer.CONNECTION_COLUMNS,
    }
    if request.method == "POST" and form.is_valid():
        _remove_old_uploads()
        token = secrets.token_hex(16)
        upload, second = form.cleaned_data["file"], form.cleaned_data["connections"]
        stored = {
            "project": project.slug,
            "token": _keep(upload, token),
            "filename": upload.name,
            "skip": form.cleaned_data["skip_invalid"],
            "connections": {"token": _keep(second, f"{token}-c"), "filename": second.name}
            if second
            else None,
        }
        report = _run(project, stored, request.user, dry_run=True)
        request.session[SESSION_KEY] = stored
        names = ", ".join(n for n in (upload.name, second.name if second else "") if n)
        context.update(report=report, summary=report.summary(transfer.kinds()), filename=names)
    return render(request, "actors/import.html", context)


def _paths(stored: dict) -> list[Path]:
    second = [stored["connections"]["token"]] if stored["connections"] else []
    return [upload_dir() / token for token in [stored["token"], *second]]


def _stored(request: HttpRequest, project: Project) -> dict | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("project") != project.slug:
        return None
    if not all(path.exists() for path in _paths(stored)):
        return None
    return stored


@require_POST
@project_view(Access.WRITE)
def import_confirm(request: HttpRequest, project: Project) -> HttpResponse:
    """Step 2: import the checked files for real – all of them, or the good rows if chosen."""
    stored = _stored(request, project)
    if stored is None:
        messages.error(request, _("The uploaded file is no longer there. Please upload it again."))
        return redirect("actors:import", project.slug)
    report = _run(project, stored, request.user, dry_run=False)
    for path in _paths(stored):
        path.unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    if not report.ok:
        messages.error(request, _("The file could not be imported; nothing was changed."))
        return redirect("actors:import", project.slug)
    messages.success(request, report.summary(transfer.kinds()))
    return redirect("actors:list", project.slug)
