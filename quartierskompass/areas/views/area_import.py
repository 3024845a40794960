"""Import areas from GeoJSON in two steps: upload and check (preview), then confirm.

Only people who manage reference data may import (staff, or the group “Gebietsdaten pflegen”):
areas serve every project on the instance.
"""

from __future__ import annotations

import secrets
import time
from datetime import date
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quartierskompass.areas import importer
from quartierskompass.areas.permissions import reference_data_view
from quartierskompass.core.imports import upload_dir, upload_limit_bytes
from quartierskompass.lib import geo
from quartierskompass.lib.tabular import CSV_SUFFIXES, XLSX_SUFFIXES

SESSION_KEY = "qk_area_import"
UPLOAD_PREFIX = "areas-"
UPLOAD_MAX_AGE = 24 * 3600
GEOJSON_SUFFIXES = (".geojson", ".json")
# The form's fieldsets, each a list of rows of fields shown side by side.
FIELD_GROUPS = (
    (
        gettext_lazy("File and code system"),
        (("file",), ("preset",), ("system", "code_prop", "name_prop")),
    ),
    (gettext_lazy("Hierarchy (optional)"), (("table", "root"), ("levels",))),
    (
        gettext_lazy("More settings"),
        (("kind", "source_note"), ("valid_from", "crs", "pad_codes")),
    ),
)
OPTION_FIELDS = (
    "system",
    "code_prop",
    "name_prop",
    "kind",
    "source_note",
    "crs",
    "pad_codes",
    "levels",
    "root",
    "valid_from",
)


def _size_error(upload) -> forms.ValidationError | None:
    limit = upload_limit_bytes()
    if upload.size <= limit:
        return None
    return forms.ValidationError(
        _("The file is %(size)s MB; at most %(limit)s MB are allowed.")
        % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","), "limit": limit >> 20}
    )


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Areas (GeoJSON)"),
        help_text=gettext_lazy(
            "A FeatureCollection of polygons, in WGS84 or ETRS89/UTM (EPSG:25832, 25833)."
        ),
    )
    preset = forms.ChoiceField(
        label=gettext_lazy("Ready-made settings"),
        required=False,
        choices=[("", gettext_lazy("none")), ("berlin-lor", "Berlin LOR 2021 (Planungsräume)")],
        help_text=gettext_lazy(
            "Berlin LOR: fills in code system, properties, the four levels of the hierarchy "
            "table LOR_2021_hierarchy.csv and “Berlin” on top. Fields filled in below win."
        ),
    )
    system = forms.SlugField(
        label=gettext_lazy("Code system"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("e.g. berlin-plr-2021 or hamburg-stadtteile"),
    )
    code_prop = forms.CharField(
        label=gettext_lazy("Property with the code"),
        required=False,
        help_text=gettext_lazy("e.g. PLR_ID; the check shows the properties of the file."),
    )
    name_prop = forms.CharField(label=gettext_lazy("Property with the name"), required=False)
    kind = forms.CharField(
        label=gettext_lazy("Kind of area"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("e.g. Stadtteil, Planungsraum, Pfarrgebiet"),
    )
    source_note = forms.CharField(
        label=gettext_lazy("Source and licence"), required=False, max_length=300
    )
    crs = forms.ChoiceField(
        label=gettext_lazy("Coordinate system"),
        required=False,
        choices=[("", gettext_lazy("as the file says (else WGS84)"))]
        + [(f"EPSG:{code}", f"EPSG:{code} – {name}") for code, name in geo.SUPPORTED_CRS.items()],
    )
    pad_codes = forms.IntegerField(
        label=gettext_lazy("Fill codes with leading zeros to this length"),
        required=False,
        min_value=1,
        max_value=40,
        help_text=gettext_lazy("Only for files in which numeric codes lost their leading zeros."),
    )
    table = forms.FileField(
        label=gettext_lazy("Hierarchy table (CSV or XLSX, optional)"),
        required=False,
        help_text=gettext_lazy(
            "One code and name column per level; parent areas are created from it."
        ),
    )
    levels = forms.CharField(
        label=gettext_lazy("Levels of the table"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One line per level, the level of the file's areas first: KIND:CODE_COLUMN:"
            "NAME_COLUMN, e.g. “Bezirksregion:Bezirksregion (Nummer):Bezirksregion (Name)”. "
            "Without a code column write prefix:N – the first N characters of the code below."
        ),
    )
    root = forms.CharField(
        label=gettext_lazy("Area on top (optional)"),
        required=False,
        help_text=gettext_lazy("CODE:NAME:KIND, e.g. 0:Hamburg:Stadt"),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if error := _size_error(upload):
            raise error
        if not upload.name.lower().endswith(GEOJSON_SUFFIXES):
            raise forms.ValidationError(_("Please upload a .geojson or .json file."))
        return upload

    def clean_table(self):
        upload = self.cleaned_data.get("table")
        if not upload:
            return None
        if error := _size_error(upload):
            raise error
        if not upload.name.lower().endswith(CSV_SUFFIXES + XLSX_SUFFIXES):
            raise forms.ValidationError(_("Please upload the table as .xlsx or .csv."))
        return upload

    def clean_levels(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["levels"].splitlines()]
        try:
            for line in filter(None, lines):
                importer.parse_level(line)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return [line for line in lines if line]

    def clean_root(self) -> str:
        text = self.cleaned_data["root"].strip()
        if text:
            try:
                importer.parse_root(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return text

    def clean(self):
        data = super().clean()
        preset = importer.PRESETS.get(data.get("preset") or "")
        for name in ("system", "code_prop", "name_prop"):
            if not data.get(name) and not preset and name not in self.errors:
                self.add_error(name, _("Fill in this field or choose ready-made settings."))
        if data.get("table") and not data.get("levels") and not preset:
            self.add_error("levels", _("Describe the levels of the hierarchy table."))
        return data

    def options(self) -> dict:
        """Settings for the import, stored in the session between the two steps."""
        data = self.cleaned_data
        preset = importer.PRESETS.get(data.get("preset") or "")
        options = {name: data.get(name) for name in OPTION_FIELDS}
        options["valid_from"] = data["valid_from"].isoformat() if data["valid_from"] else None
        if preset:
            for name in ("system", "code_prop", "name_prop", "kind", "source_note"):
                options[name] = options[name] or getattr(preset, name)
            options["preset"] = data["preset"]
            options["valid_from"] = options["valid_from"] or preset.valid_from.isoformat()
        return options


def import_arguments(options: dict, stored: dict) -> dict:
    """Keyword arguments of :func:`importer.import_areas` from the stored options."""
    preset = importer.PRESETS.get(options.get("preset") or "")
    levels = [importer.parse_level(line) for line in options.get("levels") or []]
    if not levels and preset and stored.get("table_token"):
        levels = preset.levels
    root = importer.parse_root(options["root"]) if options.get("root") else None
    table = upload_dir() / stored["table_token"] if stored.get("table_token") else None
    return {
        "source": upload_dir() / stored["token"],
        "filename": stored["filename"],
        "system": options["system"],
        "code_prop": options["code_prop"],
        "name_prop": options["name_prop"],
        "kind": options.get("kind") or "",
        "source_note": options.get("source_note") or "",
        "source_crs": options.get("crs") or None,
        "pad_codes": options.get("pad_codes"),
        "parent_table": table,
        "parent_filename": stored.get("table_filename") or "",
        "levels": levels or None,
        "root": root or (preset.root if preset else None),
        "valid_from": date.fromisoformat(options["valid_from"]) if options["valid_from"] else None,
    }


def _save_upload(upload, suffix: str) -> str:
    token = f"{UPLOAD_PREFIX}{secrets.token_hex(16)}{suffix}{Path(upload.name).suffix.lower()}"
    with (upload_dir() / token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _remove_old_uploads() -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in upload_dir().glob(f"{UPLOAD_PREFIX}*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _stored(request: HttpRequest) -> dict | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or not (upload_dir() / stored["token"]).exists():
        return None
    if stored.get("table_token") and not (upload_dir() / stored["table_token"]).exists():
        return None
    return stored


def _discard(stored: dict) -> None:
    for key in ("token", "table_token"):
        if stored.get(key):
            (upload_dir() / stored[key]).unlink(missing_ok=True)


@reference_data_view
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and check. Nothing is written; the files wait for the confirmation."""
    form = AreaImportForm(request.POST or None, request.FILES or None)
    groups = [
        (legend, [[form[name] for name in row] for row in rows]) for legend, rows in FIELD_GROUPS
    ]
    context: dict = {"form": form, "groups": groups}
    if request.method == "POST" and form.is_valid():
        _remove_old_uploads()
        if previous := request.session.get(SESSION_KEY):
            _discard(previous)
        table = form.cleaned_data["table"]
        stored = {
            "token": _save_upload(form.cleaned_data["file"], ""),
            "filename": form.cleaned_data["file"].name,
            "table_token": _save_upload(table, "-table") if table else "",
            "table_filename": table.name if table else "",
            "options": form.options(),
        }
        report = importer.import_areas(**import_arguments(stored["options"], stored), dry_run=True)
        request.session[SESSION_KEY] = stored
        context.update(report=report, summary=report.summary_text(), stored=stored)
    return render(request, "areas/area_import.html", context)


@require_POST
@reference_data_view
def confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: import the checked files for real – all or nothing."""
    stored = _stored(request)
    if stored is None:
        messages.error(request, _("The uploaded file is no longer there. Please upload it again."))
        return redirect("areas:import")
    report = importer.import_areas(**import_arguments(stored["options"], stored))
    _discard(stored)
    del request.session[SESSION_KEY]
    if not report.ok:
        messages.error(request, _("The file could not be imported; nothing was changed."))
        return redirect("areas:import")
    messages.success(request, report.summary_text())
    return redirect("areas:list")
