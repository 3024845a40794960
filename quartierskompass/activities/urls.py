from django.urls import path

from quartierskompass.activities.views import matrix, pages, registers, transfer

app_name = "activities"
P = "projekte/<slug:slug>/"
urlpatterns = [
    path(f"{P}aktivitaeten/", pages.activity_list, name="list"),
    path(f"{P}aktivitaeten/neu/", pages.activity_create, name="create"),
    path(f"{P}aktivitaeten/papierkorb/", pages.activity_trash, name="trash"),
    path(f"{P}aktivitaeten/<int:pk>/", pages.activity_detail, name="detail"),
    path(f"{P}aktivitaeten/<int:pk>/bearbeiten/", pages.activity_edit, name="edit"),
    path(f"{P}aktivitaeten/<int:pk>/kopieren/", pages.activity_duplicate, name="duplicate"),
    path(f"{P}aktivitaeten/<int:pk>/loeschen/", pages.activity_delete, name="delete"),
    path(f"{P}aktivitaeten/<int:pk>/wiederherstellen/", pages.activity_restore, name="restore"),
    path(f"{P}aktivitaeten/export.<str:fmt>", transfer.export, name="export"),
    path(f"{P}aktivitaeten/vorlage.<str:fmt>", transfer.template, name="template"),
    path(f"{P}aktivitaeten/import/", transfer.import_upload, name="import"),
    path(f"{P}aktivitaeten/import/bestaetigen/", transfer.import_confirm, name="import_confirm"),
    path(f"{P}matrix/", matrix.dashboard, name="matrix"),
    path(f"{P}matrix/feld/<str:field>/", matrix.cell, name="matrix_cell"),
    path("programme/<slug:slug>/matrix/", matrix.programme_dashboard, name="programme_matrix"),
    path(f"{P}aktivitaeten/verzeichnis/", registers.upload, name="register_import"),
    path(
        f"{P}aktivitaeten/verzeichnis/bestaetigen/",
        registers.confirm,
        name="register_import_confirm",
    ),
]
