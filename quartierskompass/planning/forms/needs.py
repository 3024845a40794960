"""Forms of the needs register, the findings and the Bedarf–Bestand page.

Areas are offered only from the project's areas and the areas below them; needs and methods
are chosen by their stable codes, so a link such as ``befunde/neu/?methode=nadelmethode``
works and a foreign or made-up value is refused with a German message.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Need
from quartierskompass.areas.locate import project_area_ids
from quartierskompass.areas.models import Area
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.planning.models import Finding, Method, ProjectNeed
from quartierskompass.planning.needs import project_areas
from quartierskompass.soni.matrix import Period, PeriodError
from quartierskompass.soni.model import Field


def area_tree(project: Project) -> list[tuple[Area, int]]:
    """The project's areas, each followed by the areas below it, with their depth."""
    areas = {
        a.pk: a for a in Area.objects.without_geometry().filter(pk__in=project_area_ids(project))
    }
    children: dict[int, list[Area]] = defaultdict(list)
    for area in areas.values():
        if area.parent_id in areas:
            children[area.parent_id].append(area)
    roots = [a for a in project_areas(project) if a.parent_id not in areas]
    result: list[tuple[Area, int]] = []

    def walk(area: Area, depth: int) -> None:
        result.append((area, depth))
        for child in sorted(children[area.pk], key=lambda a: (a.code, a.name)):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return result


class ProjectAreaField(forms.ChoiceField):
    """One of the project's areas (or one below them); empty means the whole project."""

    default_error_messages = {
        "invalid_choice": _("Choose one of the project’s areas."),
    }

    def __init__(self, *, tree: list[tuple[Area, int]], empty_label, **kwargs) -> None:
        self.areas = {str(area.pk): area for area, _depth in tree}
        choices = [("", empty_label)] + [
            (str(area.pk), "\u2003" * depth + area.name) for area, depth in tree
        ]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value) -> Area | None:
        value = super().clean(value)
        return self.areas.get(value) if value else None


def _needs():
    return Need.objects.filter(active=True)


class NeedChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose one of the needs in the list."),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=_needs(), to_field_name="code", **kwargs)


class AreaFilterForm(forms.Form):
    """The register's filter: the whole project or one of its areas."""

    gebiet = forms.Field(required=False)

    def __init__(self, *args, project: Project, tree=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gebiet"] = ProjectAreaField(
            tree=area_tree(project) if tree is None else tree,
            label=_("Area"),
            empty_label=_("whole project area"),
        )

    def area(self) -> Area | None:
        return self.cleaned_data.get("gebiet") if self.is_valid() else None


class CoverageForm(AreaFilterForm):
    """Bedarf–Bestand: a period (a year, or two ISO dates) and an area."""

    zeitraum = forms.ChoiceField(label=_("Year"), required=False)
    field_order = ["zeitraum", "gebiet"]

    def __init__(self, *args, project: Project, years: list[int], **kwargs) -> None:
        super().__init__(*args, project=project, **kwargs)
        self.default_period = Period.year(timezone.localdate().year)
        choices = [(str(year), str(year)) for year in years]
        asked = (self.data.get("zeitraum") or "").strip()
        if asked and asked not in dict(choices):
            # A period given in the address (2025-01-01..2025-06-30) stays selectable.
            choices.append((asked, asked))
        self.fields["zeitraum"].choices = choices
        self.fields["zeitraum"].initial = self.default_period.as_param()

    def clean_zeitraum(self) -> Period:
        text = self.cleaned_data.get("zeitraum")
        if not text:
            return self.default_period
        try:
            return Period.parse(text)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None

    def period(self) -> Period:
        if self.is_bound and not self.errors.get("zeitraum"):
            return self.cleaned_data.get("zeitraum") or self.default_period
        return self.default_period


class NeedStatusForm(forms.Form):
    """The team's assessment of a need in the register: status and a note."""

    status = forms.ChoiceField(label=_("Status"), choices=ProjectNeed.Status.choices)
    note = forms.CharField(
        label=_("Assessment"),
        required=False,
        max_length=4000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this status? What do you know, what is planned?"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def values(self) -> dict:
        return {"status": self.cleaned_data["status"], "note": self.cleaned_data["note"]}


class NeedEntryForm(NeedStatusForm):
    """Put a need into the register (for the whole project or one area)."""

    need = NeedChoiceField(label=_("Need"), empty_label=_("Choose a need"))
    area = forms.Field(required=False)
    field_order = ["need", "area", "status", "note"]

    def __init__(self, *args, project: Project, tree=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["area"] = ProjectAreaField(
            tree=area_tree(project) if tree is None else tree,
            label=_("For"),
            empty_label=_("the whole project area"),
        )

    def clean(self):
        cleaned = super().clean()
        need, area = cleaned.get("need"), cleaned.get("area")
        if need and not self.errors.get("area"):
            entries = ProjectNeed.objects.filter(project=self.project, need=need, area=area)
            if entries.exists():
                self.add_error(
                    None,
                    _(
                        "“%(need)s” is already in the register for this area. Change its "
                        "assessment there."
                    )
                    % {"need": need},
                )
        return cleaned

    def values(self) -> dict:
        return {
            **super().values(),
            "need": self.cleaned_data["need"],
            "area": self.cleaned_data["area"],
        }


class MethodChoiceField(forms.ModelChoiceField):
    """Methods grouped by the SONI field they mainly serve."""

    default_error_messages = {
        "invalid_choice": _("Choose one of the methods in the list."),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Method.objects.all(), to_field_name="code", **kwargs)

    def grouped_choices(self) -> list:
        """The options under one heading per field, e.g. “N – Netzwerk”."""
        groups: dict[str, list] = defaultdict(list)
        for method in self.queryset:
            groups[method.field].append((method.code, method.label))
        return [("", self.empty_label)] + [
            (f"{code} – {Field(code).label}", groups[code]) for code in "SONI" if groups[code]
        ]


class FindingForm(forms.Form):
    method = MethodChoiceField(label=_("Method"), empty_label=_("Choose a method"))
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as 24.11.2026 or 2026-11-24.")},
    )
    area = forms.Field(required=False)
    need = NeedChoiceField(
        label=_("Need"),
        required=False,
        empty_label=_("(none)"),
        help_text=_("A finding about a need counts as evidence in the needs register."),
    )
    text = forms.CharField(
        label=_("What did you find out?"),
        max_length=10000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write down what you found out.")},
        help_text=_("Observations, quotes, numbers – no names of residents."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project: Project, instance: Finding | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "method": instance.method.code,
                    "date": instance.date,
                    "area": str(instance.area_id or ""),
                    "need": instance.need.code if instance.need_id else None,
                    "text": instance.text,
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["area"] = ProjectAreaField(
            tree=area_tree(project),
            label=_("Area"),
            empty_label=_("the whole project area"),
        )
        self.order_fields(["method", "date", "area", "need", "text"])
        self.fields["method"].widget.choices = self.fields["method"].grouped_choices()

    def values(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("method", "date", "area", "need", "text")
        }


class FindingFilterForm(forms.Form):
    methode = forms.ModelChoiceField(
        label=_("Method"),
        queryset=Method.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("all methods"),
    )
    bedarf = forms.ModelChoiceField(
        label=_("Need"),
        queryset=Need.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("all needs"),
    )
