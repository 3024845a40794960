from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from quartierskompass.api import api

admin.site.site_header = _("Quartierskompass administration")
admin.site.site_title = _("Quartierskompass")
admin.site.index_title = _("Reference data and accounts")

handler403 = "quartierskompass.core.views.permission_denied"
handler404 = "quartierskompass.core.views.page_not_found"

urlpatterns = [
    path("", include("quartierskompass.core.urls")),
    path("", include("quartierskompass.accounts.urls")),
    path("", include("quartierskompass.soni.urls")),
    path("", include("quartierskompass.activities.urls")),
    path("", include("quartierskompass.areas.urls")),
    path("", include("quartierskompass.actors.urls")),
    path("", include("quartierskompass.finder.urls")),
    path("", include("quartierskompass.planning.urls")),
    path("sprache/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("verwaltung/", admin.site.urls),
]
