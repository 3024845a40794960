"""Forms of the SONI-Werkstatt: start a session, one form per step, finish."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity, Measure, Need
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.planning.models import Workshop
from quartierskompass.planning.workshop import RATING_LABELS, default_period
from quartierskompass.soni.model import FIELD_ORDER, Field
from quartierskompass.soni.models import GuidingQuestion

NOTE_MAX = 4000
IDEA_MAX = 1000
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RATING_ERROR = _("Rate each field with a whole number from 0 to 3.")


class VersionMixin(forms.Form):
    """The version of the session the page was made from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PeriodMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class StartForm(PeriodMixin, forms.ModelForm):
    measure = forms.ChoiceField(
        label=_("What the data count"),
        choices=Measure.choices,
        initial=Measure.COUNT,
    )

    class Meta:
        model = Workshop
        fields = ["title", "date", "participants", "period_start", "period_end", "measure"]
        widgets = {
            "date": DATE_INPUT,
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
        }

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        period = default_period(today)
        self.fields["title"].initial = _("SONI-Werkstatt %(year)s") % {"year": period.start.year}
        self.fields["date"].initial = today
        self.fields["period_start"].initial = period.start
        self.fields["period_end"].initial = period.end


class RatingsForm(VersionMixin):
    """Step 1: the team's view, one rating 0–3 per field (a field may stay unrated)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(value, f"{value} – {label}") for value, label in RATING_LABELS.items()]
        for code in FIELD_ORDER:
            self.fields[code] = forms.TypedChoiceField(
                label=f"{code} – {Field(code).label}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": RATING_ERROR},
            )

    def ratings(self) -> dict[str, int]:
        return {
            code: self.cleaned_data[code]
            for code in FIELD_ORDER
            if self.cleaned_data.get(code) is not None
        }


class DataForm(PeriodMixin, VersionMixin):
    """Step 2: what the team notices in the data; period and measure can be changed here."""

    note = forms.CharField(
        label=_("What do you notice?"),
        required=False,
        max_length=NOTE_MAX,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    period_start = forms.DateField(label=_("period from"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("period to"), widget=DATE_INPUT)
    measure = forms.ChoiceField(label=_("What the data count"), choices=Measure.choices)


class QuestionsForm(VersionMixin):
    """Step 3: notes on the guiding questions of one field."""

    def __init__(self, *args, questions: list[GuidingQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.code] = forms.CharField(
                label=question.text,
                required=False,
                max_length=NOTE_MAX,
                validators=[validate_clean_text],
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[str, str]:
        return {q.code: self.cleaned_data[q.code] for q in self.questions}


FIELD_CHOICES = [("", "–")] + [(code, f"{code} – {Field(code).label}") for code in FIELD_ORDER]


class IdeaForm(forms.Form):
    """Step 4: one idea that links two fields."""

    source = forms.ChoiceField(label=_("from field"), choices=FIELD_CHOICES, required=False)
    target = forms.ChoiceField(label=_("to field"), choices=FIELD_CHOICES, required=False)
    text = forms.CharField(
        label=_("Idea"),
        required=False,
        max_length=IDEA_MAX,
        validators=[validate_clean_text],
    )

    def clean(self):
        data = super().clean()
        text, source, target = data.get("text", "").strip(), data.get("source"), data.get("target")
        if not text and not source and not target:
            return data
        if not text:
            self.add_error("text", _("Describe the idea in a few words."))
        if not source or not target:
            self.add_error(
                "source" if not source else "target",
                _("Choose the field the idea starts from and the field it leads to."),
            )
        elif source == target:
            self.add_error("target", _("Choose two different fields: the idea links them."))
        return data

    def idea(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("text", "").strip():
            return None
        return {"from": data["source"], "to": data["target"], "text": data["text"].strip()}


IdeaFormSet = forms.formset_factory(IdeaForm, extra=2, can_delete=True, max_num=50)


def idea_initial(ideas: list[dict]) -> list[dict]:
    return [
        {"source": i.get("from", ""), "target": i.get("to", ""), "text": i["text"]} for i in ideas
    ]


class DecisionForm(forms.Form):
    """Step 5: a decision, which becomes a goal of the project."""

    text = forms.CharField(
        label=_("What do we decide?"),
        max_length=2000,
        validators=[validate_clean_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write down the decision in one or two sentences.")},
    )
    fields = forms.MultipleChoiceField(
        label=_("SONI fields"),
        choices=[(code, f"{code} – {Field(code).label}") for code in FIELD_ORDER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    need = forms.ModelChoiceField(
        label=_("need"), queryset=Need.objects.none(), required=False, empty_label="–"
    )
    due = forms.DateField(label=_("due"), required=False, widget=DATE_INPUT)
    responsible = forms.CharField(
        label=_("Who takes care (a role)"),
        max_length=200,
        required=False,
        validators=[validate_clean_text],
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Linked activities"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = Need.objects.filter(active=True)
        self.fields["activities"].queryset = Activity.objects.filter(project=project).order_by(
            "title"
        )

    def goal_data(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "fields": [code for code in FIELD_ORDER if code in data["fields"]],
            "need": data["need"],
            "due": data["due"],
            "responsible": data["responsible"].strip(),
        }


class FinishForm(VersionMixin):
    pass
