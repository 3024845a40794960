from django.urls import path

app_name = "planning"
urlpatterns = []

from quartierskompass.planning.views import goals  # noqa: E402 - appended routes

urlpatterns += [
    path("projekte/<slug:slug>/ziele/", goals.goal_list, name="goals"),
    path("projekte/<slug:slug>/ziele/neu/", goals.goal_create, name="goal_create"),
    path("projekte/<slug:slug>/ziele/<int:pk>/", goals.goal_detail, name="goal"),
    path("projekte/<slug:slug>/ziele/<int:pk>/bearbeiten/", goals.goal_edit, name="goal_edit"),
    path("projekte/<slug:slug>/ziele/<int:pk>/loeschen/", goals.goal_delete, name="goal_delete"),
]

from quartierskompass.planning.views import needs  # noqa: E402 - appended routes

urlpatterns += [
    path("projekte/<slug:slug>/bedarfe/", needs.need_register, name="needs"),
    path("projekte/<slug:slug>/bedarfe/status/", needs.need_status_create, name="need_create"),
    path("projekte/<slug:slug>/bedarfe/<int:pk>/", needs.need_status_update, name="need_update"),
    path("projekte/<slug:slug>/bedarf-bestand/", needs.coverage_page, name="coverage"),
    path("projekte/<slug:slug>/befunde/", needs.finding_list, name="findings"),
    path("projekte/<slug:slug>/befunde/neu/", needs.finding_create, name="finding_create"),
    path(
        "projekte/<slug:slug>/befunde/<int:pk>/bearbeiten/",
        needs.finding_edit,
        name="finding_edit",
    ),
    path(
        "projekte/<slug:slug>/befunde/<int:pk>/loeschen/",
        needs.finding_delete,
        name="finding_delete",
    ),
    path("methoden/", needs.method_list, name="methods"),
    path("methoden/<slug:code>/", needs.method_detail, name="method"),
]

from quartierskompass.planning.views import workshops  # noqa: E402 - appended routes

urlpatterns += [
    path("projekte/<slug:slug>/werkstatt/", workshops.workshop_list, name="workshops"),
    path("projekte/<slug:slug>/werkstatt/neu/", workshops.workshop_create, name="workshop_create"),
    path(
        "projekte/<slug:slug>/werkstatt/vergleich/",
        workshops.workshop_compare,
        name="workshop_compare",
    ),
    path("projekte/<slug:slug>/werkstatt/<int:pk>/", workshops.workshop_detail, name="workshop"),
    path(
        "projekte/<slug:slug>/werkstatt/<int:pk>/schritt/<int:step>/",
        workshops.workshop_step,
        name="workshop_step",
    ),
    path(
        "projekte/<slug:slug>/werkstatt/<int:pk>/abschliessen/",
        workshops.workshop_finish,
        name="workshop_finish",
    ),
    path(
        "projekte/<slug:slug>/werkstatt/<int:pk>/protokoll.pdf",
        workshops.workshop_pdf,
        name="workshop_pdf",
    ),
    path(
        "projekte/<slug:slug>/werkstatt/<int:pk>/loeschen/",
        workshops.workshop_delete,
        name="workshop_delete",
    ),
]

from quartierskompass.planning.views import recommendations  # noqa: E402 - appended routes

urlpatterns += [
    path(
        "projekte/<slug:slug>/empfehlungen/",
        recommendations.recommendation_list,
        name="recommendations",
    ),
    path(
        "projekte/<slug:slug>/empfehlungen/<str:fingerprint>/uebernehmen/",
        recommendations.recommendation_accept,
        name="recommendation_accept",
    ),
    path(
        "projekte/<slug:slug>/empfehlungen/<str:fingerprint>/verwerfen/",
        recommendations.recommendation_dismiss,
        name="recommendation_dismiss",
    ),
    path(
        "projekte/<slug:slug>/empfehlungen/<str:fingerprint>/wieder-anzeigen/",
        recommendations.recommendation_restore,
        name="recommendation_restore",
    ),
]
