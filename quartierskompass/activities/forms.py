from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import (
    Activity,
    Measure,
    Need,
    Status,
    TargetGroup,
)
from quartierskompass.actors.models import Actor
from quartierskompass.areas.locate import project_area_ids
from quartierskompass.areas.models import Area
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.lib.languages import LANGUAGES, language_name
from quartierskompass.soni.model import FIELD_ORDER, Field, equal_shares
from quartierskompass.soni.models import Principle, WorkForm

SCALAR_FIELDS = [
    "title",
    "description",
    "status",
    "start",
    "end",
    "staff_hours",
    "volunteer_hours",
    "budget",
    "reach",
    "latitude",
    "longitude",
    "published",
    "schedule",
    "cost",
    "free_of_charge",
    "languages",
    "barrier_free",
    "accessibility",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "eligibility",
    "min_age",
    "max_age",
    "verified_at",
    "responsible",
    "area",
]
TRI_STATE = [("", _("not specified")), ("true", _("yes")), ("false", _("no"))]


class TriStateField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=TRI_STATE,
            coerce=lambda v: {"true": True, "false": False}.get(v),
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        return {True: "true", False: "false"}.get(value, "")


class WorkFormChoiceField(forms.ModelMultipleChoiceField):
    """Work forms are shown under their field's heading, so without the field letter."""

    def label_from_instance(self, obj: WorkForm) -> str:
        return obj.label


class ActivityForm(forms.ModelForm):
    """Create and edit an activity; the SONI fields and their shares are chosen together."""

    soni_fields = forms.MultipleChoiceField(
        label=_("SONI fields"),
        choices=Field.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose every field the activity works in. Without percentages the "
            "activity counts equally in each chosen field."
        ),
        error_messages={"required": _("Choose at least one SONI field.")},
    )
    percent_s = forms.IntegerField(
        label=_("Share S (%)"), required=False, min_value=1, max_value=100
    )
    percent_o = forms.IntegerField(
        label=_("Share O (%)"), required=False, min_value=1, max_value=100
    )
    percent_n = forms.IntegerField(
        label=_("Share N (%)"), required=False, min_value=1, max_value=100
    )
    percent_i = forms.IntegerField(
        label=_("Share I (%)"), required=False, min_value=1, max_value=100
    )
    work_forms = forms.ModelMultipleChoiceField(
        label=_("Work forms"),
        queryset=WorkForm.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    principles = forms.ModelMultipleChoiceField(
        label=_("Principles of social space orientation"),
        queryset=Principle.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs addressed"),
        queryset=Need.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_actors = forms.CharField(
        label=_("New partners"),
        required=False,
        max_length=500,
        validators=[validate_clean_text],
        help_text=_(
            "Names of partners not yet in the list, separated by commas; they are "
            "added to the project's actors."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    free_of_charge = TriStateField(label=_("Free of charge"))
    barrier_free = TriStateField(label=_("Barrier-free access"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = SCALAR_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "verified_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        actors = Actor.objects.filter(project=project).order_by("name")
        self.fields["responsible"].queryset = actors
        self.fields["responsible"].empty_label = _("(not specified)")
        self.fields["area"].queryset = (
            Area.objects.without_geometry()
            .filter(pk__in=project_area_ids(project))
            .order_by("code_system", "code")
        )
        self.fields["area"].empty_label = _("automatically, from the coordinates")
        self.fields["area"].help_text = _(
            "Choose an area only to override the automatic choice from the coordinates."
        )
        if self.instance.pk and not self.instance.area_locked:
            self.initial["area"] = None
        self.fields["partners"].queryset = actors
        from django.utils.translation import get_language

        lang = (get_language() or "de")[:2]
        self.fields["languages"].choices = [(code, language_name(code, lang)) for code in LANGUAGES]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            fields = self.instance.fields()
            self.initial.setdefault("soni_fields", fields)
            if self.instance.shares() != equal_shares(fields):
                for code in fields:
                    self.initial.setdefault(f"percent_{code.lower()}", self.instance.shares()[code])
            for name in ("work_forms", "principles", "needs", "target_groups", "partners"):
                self.initial.setdefault(name, list(getattr(self.instance, name).all()))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = cleaned.get("soni_fields") or []
        if chosen:
            cleaned["shares"] = self._shares(chosen, cleaned)
            stray = [w for w in cleaned.get("work_forms") or [] if w.field not in chosen]
            if stray:
                self.add_error(
                    "work_forms",
                    _("These work forms belong to fields you did not choose: %(forms)s")
                    % {"forms": "; ".join(w.label for w in stray)},
                )
        return cleaned

    def _post_clean(self) -> None:
        # The model checks that the shares add up to 100; give it the shares the form worked
        # out. When the form already refused the shares, any valid split keeps the model from
        # repeating that error under a field the form does not have.
        shares = self.cleaned_data.get("shares") or equal_shares("S")
        for code, share in shares.items():
            setattr(self.instance, f"share_{code.lower()}", share)
        super()._post_clean()

    def _shares(self, chosen: list[str], cleaned: dict[str, Any]) -> dict[str, int] | None:
        given = {c: cleaned.get(f"percent_{c.lower()}") for c in FIELD_ORDER}
        outside = [c for c, v in given.items() if v is not None and c not in chosen]
        if outside:
            self.add_error(
                "soni_fields",
                _("You entered a share for %(fields)s but did not choose the field.")
                % {"fields": ", ".join(str(Field(c).label) for c in outside)},
            )
            return None
        if all(given[c] is None for c in chosen):
            return equal_shares(chosen)
        missing = [c for c in chosen if given[c] is None]
        total = sum(v for v in given.values() if v)
        if missing or total != 100:
            self.add_error(
                "soni_fields",
                _(
                    "The shares must add up to 100 %% (now %(total)s %%). Either enter a share "
                    "for every chosen field or leave all shares empty to split equally."
                )
                % {"total": total},
            )
            return None
        return {c: given[c] or 0 for c in FIELD_ORDER}

    def activity_data(self) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
        """Scalar values, many-to-many values and the names of new actors to create."""
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in SCALAR_FIELDS}
        data.update({f"share_{c.lower()}": v for c, v in cleaned["shares"].items()})
        data["area_locked"] = data.get("area") is not None
        related = {
            name: list(cleaned.get(name) or [])
            for name in ("work_forms", "principles", "needs", "target_groups", "partners")
        }
        new = [n.strip() for n in (cleaned.get("new_actors") or "").split(",") if n.strip()]
        return data, related, new

    def share_rows(self) -> list[dict[str, Any]]:
        """One row per SONI field: its checkbox and its optional percentage."""
        boxes = {w.data["value"]: w for w in self["soni_fields"]}
        return [
            {"code": code, "checkbox": boxes[code], "percent": self[f"percent_{code.lower()}"]}
            for code in FIELD_ORDER
        ]

    def grouped_work_forms(self) -> list[tuple[Field, list]]:
        """The work form checkboxes grouped by their field, for the template."""
        by_code = {w.pk: w.field for w in WorkForm.objects.all()}
        groups = {code: [] for code in FIELD_ORDER}
        for widget in self["work_forms"]:
            groups[by_code[int(widget.data["value"].value)]].append(widget)
        return [(Field(code), items) for code, items in groups.items()]


class ActivityFilterForm(forms.Form):
    """The list's filters; every field is optional and read from the address."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    field = forms.ChoiceField(
        label=_("SONI field"), required=False, choices=[("", _("all fields")), *Field.choices]
    )
    work_form = forms.ModelChoiceField(
        label=_("Work form"),
        required=False,
        queryset=WorkForm.objects.all(),
        empty_label=_("all work forms"),
    )
    need = forms.ModelChoiceField(
        label=_("Need"),
        required=False,
        queryset=Need.objects.all(),
        empty_label=_("all needs"),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        required=False,
        queryset=TargetGroup.objects.all(),
        empty_label=_("all target groups"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("every status")), *Status.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    actor = forms.ModelChoiceField(
        label=_("Actor"),
        required=False,
        queryset=Actor.objects.none(),
        empty_label=_("all actors"),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            (s, s)
            for s in (
                "title",
                "-title",
                "start",
                "-start",
                "status",
                "-status",
                "staff_hours",
                "-staff_hours",
                "budget",
                "-budget",
            )
        ],
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = Actor.objects.filter(project=project)


MEASURE_CHOICES = Measure.choices


class MatrixForm(forms.Form):
    """What the matrix shows: measure, period, planned activities, area, a second period."""

    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    start = forms.DateField(
        label=_("or from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    planned = forms.BooleanField(label=_("include planned activities"), required=False)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, empty_label=_("all areas")
    )
    compare = forms.IntegerField(
        label=_("compare with year"), required=False, min_value=1900, max_value=2200
    )

    def __init__(self, *args, areas, default_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.default_year = default_year
        self.fields["year"].widget.attrs["placeholder"] = str(default_year)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if bool(start) != bool(end):
            self.add_error("end", _("Give both dates of the period, or a year."))
        elif start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return cleaned

    def period(self):
        from quartierskompass.soni.matrix import Period

        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        return Period.year(data.get("year") or self.default_year)

    def compare_period(self):
        from quartierskompass.soni.matrix import Period

        data = self.cleaned_data if self.is_valid() else {}
        return Period.year(data["compare"]) if data.get("compare") else None

    def value(self, name, default=None):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get(name) or default


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("The first row holds the column headings, as in the template."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip bad rows and import the rest"),
        required=False,
        help_text=_("Without this, a file with a bad row is not imported at all."),
    )

    def clean_file(self):
        from quartierskompass.core.imports import upload_limit_bytes
        from quartierskompass.lib.tabular import CSV_SUFFIXES, XLSX_SUFFIXES

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
        name = upload.name.lower()
        if not name.endswith(CSV_SUFFIXES + XLSX_SUFFIXES):
            raise forms.ValidationError(
                _(
                    "Please upload an .xlsx or .csv file (Excel: “Save as” → “Excel workbook” "
                    "or “CSV UTF-8”)."
                )
            )
        return upload
