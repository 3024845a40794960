from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import MEMBER_ROLES, ApiToken, Programme, Project, User
from quartierskompass.core.validators import validate_clean_text


class ProjectForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        review, hide = cleaned.get("review_after_months"), cleaned.get("hide_after_months")
        if review and hide and hide < review:
            self.add_error(
                "hide_after_months",
                _("Offers must leave the Wegweiser later than they are marked for checking."),
            )
        return cleaned

    class Meta:
        model = Project
        fields = [
            "name",
            "description",
            "weak_threshold",
            "wegweiser_enabled",
            "wegweiser_intro",
            "review_after_months",
            "hide_after_months",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ProjectCreateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "slug", "programme", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, programmes: forms.QuerySet[Programme], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].empty_label = _("(no programme)")


class MemberAddForm(forms.Form):
    identifier = forms.CharField(
        label=_("User name or e-mail address"),
        max_length=254,
        validators=[validate_clean_text],
        help_text=_("A new e-mail address receives an invitation to set a password."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MEMBER_ROLES, initial="viewer")


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MEMBER_ROLES)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        help_texts = {"name": _("What the token is for, e.g. “Auswertung Sozialplanung”.")}


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches invited people who never set a password and lost their invitation."""

    def get_users(self, email: str):
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.casefold() == email.casefold())
