"""The goal form: what the team wants to reach, in which fields, measured how, by when."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Need
from quartierskompass.areas.locate import project_area_ids
from quartierskompass.areas.models import Area, Indicator
from quartierskompass.lib.numbers import SUPPRESSED, NumberError, parse_number
from quartierskompass.planning.models import Goal, Workshop
from quartierskompass.soni.model import FIELD_ORDER, Field

SCALAR_FIELDS = [
    "text",
    "need",
    "indicator",
    "area",
    "baseline",
    "target",
    "due",
    "responsible",
    "status",
    "progress",
    "workshop",
]


class LocalDecimalField(forms.Field):
    """A number typed the German way (``12,5``) or the English way (``12.5``)."""

    widget = forms.TextInput

    def __init__(self, *, decimals: int = 4, **kwargs) -> None:
        self.decimals = decimals
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "maxlength": 30})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            # Shown as the team wrote it: "23,5", not "23.5000"; no thousands separator, so
            # that the value reads back the same in every language.
            places = max(0, -value.normalize().as_tuple().exponent)
            return number_format(value, decimal_pos=places, use_l10n=True)
        return value

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        try:
            parsed = parse_number(text)
        except NumberError as error:
            raise forms.ValidationError(
                _("“%(text)s” is not a number. Write it like 12,5."),
                code="invalid",
                params={"text": text},
            ) from error
        if parsed is SUPPRESSED:
            raise forms.ValidationError(
                _("“%(text)s” is not a number. Write it like 12,5."),
                code="invalid",
                params={"text": text},
            )
        if parsed is not None and -parsed.as_tuple().exponent > self.decimals:
            raise forms.ValidationError(
                _("Please use at most %(decimals)s decimal places."),
                code="decimals",
                params={"decimals": self.decimals},
            )
        return parsed


class GoalForm(forms.ModelForm):
    """Create and edit a goal; choices are limited to what belongs to the project."""

    soni_fields = forms.MultipleChoiceField(
        label=_("SONI fields"),
        choices=[(f.value, f"{f.value} – {f.label}") for f in Field],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In which fields of the model should something change?"),
    )
    baseline = LocalDecimalField(
        label=_("Baseline"),
        help_text=_("The indicator's value when you set the goal, e.g. 23,5."),
    )
    target = LocalDecimalField(
        label=_("Target value"),
        help_text=_("The value you want to reach by the due date."),
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Linked activities"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The activities that work towards this goal."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = SCALAR_FIELDS
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        # An empty text is refused by the model, with the one message pages and API share.
        self.fields["text"].required = False
        area_ids = project_area_ids(project)
        self.fields["need"].queryset = Need.objects.filter(
            Q(active=True) | Q(pk=self.instance.need_id)
        )
        self.fields["need"].empty_label = _("(no particular need)")
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(
                Q(values__area_id__in=area_ids) | Q(pk=self.instance.indicator_id)
            )
            .distinct()
            .order_by("label_de")
        )
        self.fields["indicator"].empty_label = _("(no indicator)")
        self.fields["indicator"].help_text = _(
            "Optional: a figure from the statistics of your areas that shows whether the goal "
            "is reached."
        )
        self.fields["area"].queryset = (
            Area.objects.without_geometry().filter(pk__in=area_ids).order_by("code_system", "code")
        )
        self.fields["area"].empty_label = _("the whole project area")
        self.fields["workshop"].queryset = Workshop.objects.filter(project=project)
        self.fields["workshop"].empty_label = _("(not decided in a workshop)")
        self.fields["progress"].required = False
        self.fields["progress"].help_text = _("Your estimate, from 0 to 100 %.")
        self.fields["activities"].queryset = Activity.objects.filter(project=project).order_by(
            "title"
        )
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("soni_fields", list(self.instance.fields))
            self.initial.setdefault("activities", list(self.instance.activities.all()))

    def clean_progress(self) -> int:
        return self.cleaned_data.get("progress") or 0

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("indicator"):
            for name in ("baseline", "target"):
                if cleaned.get(name) is not None:
                    self.add_error(
                        name,
                        _(
                            "A baseline or target value needs the indicator it is measured "
                            "with. Choose an indicator or leave the value empty."
                        ),
                    )
        return cleaned

    def _post_clean(self) -> None:
        # The model keeps the fields as a list of codes in S, O, N, I order.
        chosen = self.cleaned_data.get("soni_fields") or []
        self.instance.fields = [code for code in FIELD_ORDER if code in chosen]
        super()._post_clean()

    def goal_data(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Scalar values and many-to-many values for the planning services."""
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in SCALAR_FIELDS}
        chosen = cleaned.get("soni_fields") or []
        data["fields"] = [code for code in FIELD_ORDER if code in chosen]
        data["responsible"] = data["responsible"] or ""
        return data, {"activities": list(cleaned.get("activities") or [])}


class GoalFilterForm(forms.Form):
    """The overview's filters, read from the address; an invalid value is ignored."""

    OPEN = "open"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("every status")),
            (OPEN, _("open (planned or in progress)")),
            *Goal.Status.choices,
        ],
    )
    field = forms.ChoiceField(
        label=_("SONI field"),
        required=False,
        choices=[("", _("all fields")), *[(f.value, f"{f.value} – {f.label}") for f in Field]],
    )
