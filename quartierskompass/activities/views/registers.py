"""Public facility registers (GeoJSON) as activities, in two steps: check, then confirm."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quartierskompass.accounts.decorators import project_view
from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import Access
from quartierskompass.activities import registers
from quartierskompass.core.imports import upload_dir, upload_limit_bytes

SESSION_KEY = "qk_register_import"
UPLOAD_PREFIX = "register-"
UPLOAD_MAX_AGE = 24 * 3600
GEOJSON_SUFFIXES = (".geojson", ".json")
MAPPING_MAX_BYTES = 256 * 1024


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register (GeoJSON)"),
        help_text=gettext_lazy(
            "A FeatureCollection of points, in WGS84 or ETRS89/UTM (EPSG:25832, 25833)."
        ),
    )
    preset = forms.ChoiceField(label=gettext_lazy("Ready-made mapping"), required=False)
    mapping_file = forms.FileField(
        label=gettext_lazy("Or your own mapping (JSON)"),
        required=False,
        help_text=gettext_lazy("Which property holds the name, the number, the provider, …"),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip bad rows and import the rest"),
        required=False,
        help_text=gettext_lazy("Without this, a file with a bad row is not imported at all."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [("", "–"), *registers.presets().items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = upload_limit_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB are allowed.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
                    "limit": limit >> 20,
                }
            )
        if not upload.name.lower().endswith(GEOJSON_SUFFIXES):
            raise forms.ValidationError(_("Please upload a .geojson or .json file."))
        return upload

    def clean_mapping_file(self) -> dict | None:
        upload = self.cleaned_data.get("mapping_file")
        if not upload:
            return None
        if upload.size > MAPPING_MAX_BYTES:
            raise forms.ValidationError(_("A mapping file is small; this one is too large."))
        try:
            return registers.load_mapping(upload.read()).to_dict()
        except registers.MappingError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        if bool(data.get("preset")) == bool(data.get("mapping_file")) and not self.errors:
            raise forms.ValidationError(_("Choose a ready-made mapping or upload your own."))
        return data

    def mapping(self) -> dict | str:
        """What the session keeps: the preset's name or the uploaded mapping."""
        return self.cleaned_data["preset"] or self.cleaned_data["mapping_file"]


def _mapping(stored: dict) -> registers.RegisterMapping:
    kept = stored["mapping"]
    return registers.preset(kept) if isinstance(kept, str) else registers.load_mapping(kept)


def _save_upload(upload) -> str:
    token = f"{UPLOAD_PREFIX}{secrets.token_hex(16)}{Path(upload.name).suffix.lower()}"
    with (upload_dir() / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _remove_old_uploads() -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in upload_dir().glob(f"{UPLOAD_PREFIX}*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _run(project: Project, request: HttpRequest, stored: dict, *, dry_run: bool):
    return registers.import_register(
        project=project,
        source=upload_dir() / stored["token"],
        filename=stored["filename"],
        mapping=_mapping(stored),
        user=request.user,
        dry_run=dry_run,
        skip_invalid=stored["skip"],
    )


@project_view(Access.WRITE)
def upload(request: HttpRequest, project: Project) -> HttpResponse:
    """Step 1: upload and check. Nothing is written; the file waits for the confirmation."""
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    presets = [(m.label, m.note) for m in map(registers.preset, registers.presets())]
    context = {"project": project, "form": form, "presets": presets}
    if request.method == "POST" and form.is_valid():
        _remove_old_uploads()
        if previous := request.session.get(SESSION_KEY):
            (upload_dir() / previous["token"]).unlink(missing_ok=True)
        stored = {
            "project": project.slug,
            "token": _save_upload(form.cleaned_data["file"]),
            "filename": form.cleaned_data["file"].name,
            "mapping": form.mapping(),
            "skip": form.cleaned_data["skip_invalid"],
        }
        report = _run(project, request, stored, dry_run=True)
        request.session[SESSION_KEY] = stored
        context.update(report=report, summary=report.summary_text(), stored=stored)
    return render(request, "activities/register_import.html", context)


@require_POST
@project_view(Access.WRITE)
def confirm(request: HttpRequest, project: Project) -> HttpResponse:
    """Step 2: import the checked register for real – all of it, or the good rows if chosen."""
    stored = request.session.get(SESSION_KEY)
    if (
        not stored
        or stored.get("project") != project.slug
        or not (upload_dir() / stored["token"]).exists()
    ):
        messages.error(request, _("The uploaded file is no longer there. Please upload it again."))
        return redirect("activities:register_import", project.slug)
    report = _run(project, request, stored, dry_run=False)
    (upload_dir() / stored["token"]).unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    if not report.ok:
        messages.error(request, _("The file could not be imported; nothing was changed."))
        return redirect("activities:register_import", project.slug)
    messages.success(request, report.summary_text())
    return redirect("activities:list", project.slug)
