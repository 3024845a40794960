"""The indicator import wizard: upload a statistics table, map its columns, check, import.

Step 1 stores the upload under ``core.imports.upload_dir()`` with a random token kept in the
session (like the activity import). Step 2 is one form that re-submits with the stored file:
the person picks the code column and the indicator columns, runs the check (a dry run) as
often as needed – skipping unmatched codes on purpose – and then imports.
"""

from __future__ import annotations

import secrets
import time
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from quartierskompass.areas import indicator_import as service
from quartierskompass.areas.models import Area
from quartierskompass.areas.permissions import reference_data_view
from quartierskompass.core.imports import upload_dir, upload_limit_bytes
from quartierskompass.lib import tabular

SESSION_KEY = "qk_indicator_import"
UPLOAD_PREFIX = "indicators-"
UPLOAD_MAX_AGE = 24 * 3600
PREVIEW_ROWS = 5
SAMPLE_VALUES = 3
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Statistics table (XLSX or CSV)"))
    system = forms.ChoiceField(
        label=_("Code system of the areas"),
        help_text=_("The areas the table's rows belong to, e.g. berlin-plr-2021."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_("Excel only; empty for the first sheet."),
    )
    header_row = forms.IntegerField(
        label=_("Header row"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("The row with the column headings; rows above it are skipped."),
    )
    header_rows = forms.IntegerField(
        label=_("Number of header rows"),
        min_value=1,
        max_value=10,
        initial=1,
        help_text=_("Tables with group headings over several rows: how many rows to join."),
    )
    date = forms.DateField(
        label=_("Reference date"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("The date the values describe, e.g. 31.12.2024. Can be set in step 2."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        systems = Area.objects.order_by("code_system").values_list("code_system", flat=True)
        self.fields["system"].choices = [(s, s) for s in systems.distinct()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = upload_limit_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; at most %(limit)s MB are allowed. Split it into "
                    "smaller files or remove unneeded sheets."
                )
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
                    "limit": limit // 1024 // 1024,
                }
            )
        if not upload.name.lower().endswith(tabular.CSV_SUFFIXES + tabular.XLSX_SUFFIXES):
            raise forms.ValidationError(
                _(
                    "Please upload an .xlsx or .csv file (Excel: “Save as” → “Excel workbook” "
                    "or “CSV UTF-8”)."
                )
            )
        return upload


class MappingForm(forms.Form):
    """Step 2: which column holds the area, which columns are indicators, and the options."""

    code_column = forms.ChoiceField(label=_("Column with the area code or name"))
    match = forms.ChoiceField(
        label=_("The column holds"),
        choices=[("code", _("area codes")), ("name", _("area names"))],
    )
    pad_codes = forms.IntegerField(
        label=_("Restore leading zeros to this many digits"),
        required=False,
        min_value=1,
        max_value=40,
        help_text=_("e.g. 8 when a program turned 01100101 into 1100101."),
    )
    date = forms.DateField(label=_("Reference date"), required=False, widget=DATE_WIDGET)
    date_column = forms.ChoiceField(label=_("or the column with each row's date"), required=False)
    dash_is_zero = forms.BooleanField(
        label=_("A dash (– or -) means 0"),
        required=False,
        help_text=_(
            "In official statistics “–” means “nothing there”. Without this, a dash is "
            "stored as a withheld value."
        ),
    )
    decimal = forms.ChoiceField(
        label=_("Decimal separator"),
        choices=[
            ("auto", _("recognise per column")),
            (",", _("comma (1.234,5)")),
            (".", _("point (1,234.5)")),
        ],
    )
    suppressed_values = forms.CharField(
        label=_("Other entries meaning “no value”"),
        required=False,
        max_length=200,
        help_text=_("Separated by spaces, e.g. -9999."),
    )
    skip_codes = forms.MultipleChoiceField(
        label=_("Skip rows with these codes on purpose"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skip_invalid = forms.BooleanField(label=_("Skip bad rows and import the rest"), required=False)

    def __init__(self, *args, headers: list[str], unmatched: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.fields["code_column"].choices = [(h, h) for h in headers]
        self.fields["date_column"].choices = [("", "–"), *((h, h) for h in headers)]
        self.set_unmatched(unmatched)
        for index, header in enumerate(headers):
            self.fields[f"use_{index}"] = forms.BooleanField(required=False, label=header)
            self.fields[f"key_{index}"] = forms.CharField(
                required=False, max_length=service.KEY_LENGTH, label=_("Key")
            )
            self.fields[f"label_{index}"] = forms.CharField(
                required=False, max_length=service.LABEL_LENGTH, label=_("Label")
            )

    def set_unmatched(self, codes: list[str]) -> None:
        self.fields["skip_codes"].choices = [(c, c) for c in codes]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [i for i in range(len(self.headers)) if data.get(f"use_{i}")]
        if not chosen:
            raise forms.ValidationError(_("Tick at least one column to import as indicator."))
        for index in chosen:
            if self.headers[index] == data.get("code_column"):
                self.add_error(f"use_{index}", _("This is the column with the area code."))
            if not data.get(f"key_{index}"):
                self.add_error(f"key_{index}", _("Every indicator needs a key."))
        if not data.get("date") and not data.get("date_column"):
            self.add_error("date", _("Give the reference date, or the column that holds it."))
        return data

    def import_options(self) -> dict[str, Any]:
        """The keyword arguments for :func:`service.import_indicators`."""
        data = self.cleaned_data
        chosen = [i for i in range(len(self.headers)) if data.get(f"use_{i}")]
        indicators = {self.headers[i]: data[f"key_{i}"] for i in chosen}
        labels = {data[f"key_{i}"]: data[f"label_{i}"] for i in chosen if data[f"label_{i}"]}
        return {
            "code_column": data["code_column"],
            "match": data["match"],
            "pad_codes": data["pad_codes"],
            "date": data["date"] if not data["date_column"] else None,
            "date_column": data["date_column"] or None,
            "dash_is_zero": data["dash_is_zero"],
            "decimal": data["decimal"],
            "suppressed_values": data["suppressed_values"].split(),
            "code_map": dict.fromkeys(data["skip_codes"]),
            "skip_invalid": data["skip_invalid"],
            "indicators": indicators,
            "labels": labels,
        }

    def columns(self, table: tabular.Table) -> list[dict[str, Any]]:
        """One entry per column for the template: header, sample values and its three fields."""
        rows = table.rows[:PREVIEW_ROWS]
        return [
            {
                "header": header,
                "samples": [service.cell_text(r.values.get(header)) for r in rows][:SAMPLE_VALUES],
                "use": self[f"use_{index}"],
                "key": self[f"key_{index}"],
                "label": self[f"label_{index}"],
            }
            for index, header in enumerate(self.headers)
        ]


def _initial(table: tabular.Table, stored: dict) -> dict[str, Any]:
    """Prefill step 2 with the service's guess: code column, numeric columns and their keys."""
    guess = service.suggest(table, system=stored["system"])
    initial: dict[str, Any] = {
        "code_column": guess.code_column,
        "match": guess.match,
        "date": date.fromisoformat(stored["date"]) if stored.get("date") else None,
        "decimal": "auto",
    }
    for index, header in enumerate(table.headers):
        key = guess.columns.get(header)
        initial[f"use_{index}"] = key is not None
        initial[f"key_{index}"] = key or service.indicator_key(header)
        initial[f"label_{index}"] = header
    return initial


def _remove_old_uploads() -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in upload_dir().glob(f"{UPLOAD_PREFIX}*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _stored(request: HttpRequest) -> dict | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or not (upload_dir() / stored["token"]).exists():
        return None
    return stored


def _forget(request: HttpRequest, stored: dict) -> None:
    (upload_dir() / stored["token"]).unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


@reference_data_view
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file, its code system, where its headers are and the reference date."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _remove_old_uploads()
        previous = _stored(request)
        if previous:
            _forget(request, previous)
        data = form.cleaned_data
        token = f"{UPLOAD_PREFIX}{secrets.token_hex(16)}{Path(data['file'].name).suffix.lower()}"
        with (upload_dir() / token).open("wb") as out:
            for chunk in data["file"].chunks():
                out.write(chunk)
        request.session[SESSION_KEY] = {
            "token": token,
            "filename": data["file"].name,
            "system": data["system"],
            "sheet": data["sheet"] or None,
            "header_row": data["header_row"],
            "header_rows": data["header_rows"],
            "date": data["date"].isoformat() if data["date"] else "",
            "unmatched": [],
        }
        return redirect("areas:indicator_import_confirm")
    return render(request, "areas/indicator_import.html", {"step": 1, "form": form})


@reference_data_view
def confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: map the columns, check (a dry run), then import – the same form each time."""
    stored = _stored(request)
    if stored is None:
        messages.error(request, _("The uploaded file is no longer there. Please upload it again."))
        return redirect("areas:indicator_import")
    path = upload_dir() / stored["token"]
    try:
        table = tabular.read_table(
            path,
            filename=stored["filename"],
            sheet=stored["sheet"],
            header_row=stored["header_row"],
            header_rows=stored["header_rows"],
            max_rows=service.MAX_ROWS,
        )
    except tabular.TableError as error:
        _forget(request, stored)
        messages.error(request, str(error))
        return redirect("areas:indicator_import")
    options = {"headers": table.headers, "unmatched": stored["unmatched"]}
    if request.method != "POST":
        form = MappingForm(initial=_initial(table, stored), **options)
        return _render_mapping(request, form, table, stored, report=None)
    form = MappingForm(request.POST, **options)
    if not form.is_valid():
        return _render_mapping(request, form, table, stored, report=None)
    importing = request.POST.get("action") == "import"
    report = service.import_indicators(
        source=path,
        filename=stored["filename"],
        system=stored["system"],
        sheet=stored["sheet"],
        header_row=stored["header_row"],
        header_rows=stored["header_rows"],
        dry_run=not importing,
        **form.import_options(),
    )
    if importing and report.ok:
        _forget(request, stored)
        messages.success(request, report.summary(service.import_kinds()))
        return redirect("areas:indicators")
    unmatched = list(dict.fromkeys([*form.cleaned_data["skip_codes"], *report.unmatched_codes]))
    request.session[SESSION_KEY] = {**stored, "unmatched": unmatched}
    form.set_unmatched(unmatched)
    return _render_mapping(request, form, table, stored, report=report)


def _render_mapping(
    request: HttpRequest,
    form: MappingForm,
    table: tabular.Table,
    stored: dict,
    *,
    report: service.IndicatorImportReport | None,
) -> HttpResponse:
    context = {
        "step": 2,
        "form": form,
        "stored": stored,
        "table": table,
        "preview": [
            [service.cell_text(row.values.get(h)) for h in table.headers]
            for row in table.rows[:PREVIEW_ROWS]
        ],
        "columns": form.columns(table),
        "report": report,
        "summary": report.summary(service.import_kinds()) if report else "",
    }
    return render(request, "areas/indicator_import.html", context)
