from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import Project
from quartierskompass.actors.models import Actor, ActorType, TieKind
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.soni.model import Field

ACTOR_FIELDS = [
    "name",
    "actor_type",
    "field",
    "parent",
    "address",
    "latitude",
    "longitude",
    "website",
    "contact_email",
    "contact_phone",
    "notes",
]


class ActorForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        validators=[validate_clean_text],
        help_text=_("Separated by commas, e.g. Seniorenarbeit, Stadtteilkonferenz"),
    )
    areas_served = forms.ModelMultipleChoiceField(
        label=_("Areas served"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Actor
        fields = ACTOR_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project  # the model's checks compare projects
        from quartierskompass.areas.locate import project_area_ids
        from quartierskompass.areas.models import Area

        self.fields["actor_type"].queryset = ActorType.objects.filter(active=True)
        self.fields["actor_type"].empty_label = _("(not specified)")
        parents = Actor.objects.filter(project=project)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(none)")
        self.fields["areas_served"].queryset = Area.objects.without_geometry().filter(
            pk__in=project_area_ids(project)
        )
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("tags_text", ", ".join(self.instance.tags))
            self.initial.setdefault("areas_served", list(self.instance.areas_served.all()))

    def actor_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in ACTOR_FIELDS}
        data["field"] = data["field"] or ""
        tags = self.cleaned_data.get("tags_text") or ""
        data["tags"] = sorted({t.strip() for t in tags.split(",") if t.strip()})
        return data


class TieForm(forms.Form):
    """A tie seen from one actor's page: to or from another actor of the project."""

    other = forms.ModelChoiceField(label=_("With"), queryset=None)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=TieKind.objects.filter(active=True))
    strength = forms.TypedChoiceField(
        label=_("Strength"),
        coerce=int,
        initial=2,
        choices=[(1, _("1 – loose")), (2, _("2 – regular")), (3, _("3 – close"))],
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        initial="both",
        choices=[
            ("both", _("both ways")),
            ("out", _("from this actor to the other")),
            ("in", _("from the other to this actor")),
        ],
    )
    since = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    confirmed = forms.BooleanField(label=_("Both sides confirmed it"), required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_clean_text],
    )

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["other"].queryset = Actor.objects.filter(project=actor.project_id).exclude(
            pk=actor.pk
        )

    def tie_data(self) -> dict:
        data = self.cleaned_data
        source, target = self.actor, data["other"]
        if data["direction"] == "in":
            source, target = target, source
        return {
            "source": source,
            "target": target,
            "kind": data["kind"],
            "strength": data["strength"],
            "directed": data["direction"] != "both",
            "since": data["since"],
            "confirmed": data["confirmed"],
            "notes": data["notes"],
        }


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("Merge this actor into"),
        queryset=None,
        help_text=_("The other actor keeps its name; ties, activities and history move to it."),
    )

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Actor.objects.filter(project=actor.project_id).exclude(
            pk=actor.pk
        )


class ActorFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.ModelChoiceField(
        label=_("Type"),
        required=False,
        queryset=ActorType.objects.all(),
        empty_label=_("all types"),
        to_field_name="code",
    )
    field = forms.ChoiceField(
        label=_("SONI field"), required=False, choices=[("", _("all fields")), *Field.choices]
    )
    isolated = forms.BooleanField(label=_("only actors without ties"), required=False)
