from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from quartierskompass.accounts import views
from quartierskompass.accounts.forms import PasswordResetForm

app_name = "accounts"


def _auth(view, template: str, **kwargs):
    return view.as_view(template_name=f"accounts/{template}.html", **kwargs)


urlpatterns = [
    path("konto/anmelden/", views.LoginView.as_view(), name="login"),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/passwort/",
        _auth(
            auth_views.PasswordChangeView,
            "password_change",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "konto/passwort/geaendert/",
        _auth(auth_views.PasswordChangeDoneView, "password_change_done"),
        name="password_change_done",
    ),
    path(
        "konto/passwort-vergessen/",
        _auth(
            auth_views.PasswordResetView,
            "password_reset",
            form_class=PasswordResetForm,
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "konto/passwort-vergessen/gesendet/",
        _auth(auth_views.PasswordResetDoneView, "password_reset_done"),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-setzen/<uidb64>/<token>/",
        _auth(
            auth_views.PasswordResetConfirmView,
            "password_reset_confirm",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-setzen/fertig/",
        _auth(auth_views.PasswordResetCompleteView, "password_reset_complete"),
        name="password_reset_complete",
    ),
    path("konto/", views.account, name="account"),
    path("konto/tokens/<int:pk>/widerrufen/", views.token_revoke, name="token_revoke"),
    path("projekte/", views.project_list, name="projects"),
    path("projekte/neu/", views.project_create, name="project_create"),
    path("projekte/<slug:slug>/", views.project_detail, name="project"),
    path("projekte/<slug:slug>/bearbeiten/", views.project_edit, name="project_edit"),
    path("projekte/<slug:slug>/uebersicht/<slug:name>/", views.overview_card, name="overview_card"),
    path("projekte/<slug:slug>/mitglieder/", views.member_list, name="members"),
    path("projekte/<slug:slug>/mitglieder/neu/", views.member_add, name="member_add"),
    path("projekte/<slug:slug>/mitglieder/<int:pk>/rolle/", views.member_role, name="member_role"),
    path(
        "projekte/<slug:slug>/mitglieder/<int:pk>/entfernen/",
        views.member_remove,
        name="member_remove",
    ),
    path("programme/<slug:slug>/", views.programme_detail, name="programme"),
]
