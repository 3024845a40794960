from django.urls import path

from quartierskompass.actors.views import pages

app_name = "actors"
urlpatterns = [
    path("projekte/<slug:slug>/akteure/", pages.actor_list, name="list"),
    path("projekte/<slug:slug>/akteure/neu/", pages.actor_create, name="create"),
    path("projekte/<slug:slug>/akteure/<int:pk>/", pages.actor_detail, name="detail"),
    path("projekte/<slug:slug>/akteure/<int:pk>/bearbeiten/", pages.actor_edit, name="edit"),
    path("projekte/<slug:slug>/akteure/<int:pk>/zusammenfuehren/", pages.actor_merge, name="merge"),
    path("projekte/<slug:slug>/akteure/<int:pk>/loeschen/", pages.actor_delete, name="delete"),
    path("projekte/<slug:slug>/akteure/<int:pk>/beziehung/", pages.tie_add, name="tie_add"),
    path(
        "projekte/<slug:slug>/beziehungen/<int:pk>/loeschen/", pages.tie_delete, name="tie_delete"
    ),
]

from quartierskompass.actors.views import network  # noqa: E402 - appended routes

urlpatterns += [
    path("projekte/<slug:slug>/netzwerk/", network.network_page, name="network"),
    path(
        "projekte/<slug:slug>/netzwerk/positionen/",
        network.save_positions,
        name="network_positions",
    ),
]

from quartierskompass.actors.views import transfer  # noqa: E402 - appended routes

urlpatterns += [
    path("projekte/<slug:slug>/akteure/import/", transfer.import_upload, name="import"),
    path(
        "projekte/<slug:slug>/akteure/import/bestaetigen/",
        transfer.import_confirm,
        name="import_confirm",
    ),
    path("projekte/<slug:slug>/akteure/export.<str:fmt>", transfer.export, name="export"),
    path("projekte/<slug:slug>/akteure/vorlage.xlsx", transfer.template, name="template"),
]
