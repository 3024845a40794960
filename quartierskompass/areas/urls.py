from django.urls import path

from quartierskompass.areas.views import area_import, pages, project

app_name = "areas"
urlpatterns = [
    path("gebiete/", pages.area_list, name="list"),
    path("gebiete/<int:pk>/", pages.area_detail, name="detail"),
    path("indikatoren/", pages.indicator_list, name="indicators"),
    path("projekte/<slug:slug>/gebiete/", project.project_areas, name="project_areas"),
    path("projekte/<slug:slug>/gebiete/neu/", project.project_area_add, name="project_area_add"),
    path(
        "projekte/<slug:slug>/gebiete/<int:pk>/entfernen/",
        project.project_area_remove,
        name="project_area_remove",
    ),
    path("projekte/<slug:slug>/karte/", project.project_map, name="map"),
    path("gebiete/importieren/", area_import.upload, name="import"),
    path("gebiete/importieren/bestaetigen/", area_import.confirm, name="import_confirm"),
]

from quartierskompass.areas.views import indicator_import  # noqa: E402 - appended routes

urlpatterns += [
    path("indikatoren/importieren/", indicator_import.upload, name="indicator_import"),
    path(
        "indikatoren/importieren/bestaetigen/",
        indicator_import.confirm,
        name="indicator_import_confirm",
    ),
]
