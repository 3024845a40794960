from django.urls import path

app_name = "finder"
urlpatterns = []

# Wegweiser: the team's checks page and the public pages (no login, no cookies).
from quartierskompass.finder.views import checks, wegweiser  # noqa: E402

urlpatterns += [
    path("projekte/<slug:slug>/angebote/pruefen/", checks.checks, name="checks"),
    path("projekte/<slug:slug>/angebote/<int:pk>/geprueft/", checks.verify, name="verify"),
    path("wegweiser/<slug:slug>/", wegweiser.wegweiser, name="wegweiser"),
    path(
        "wegweiser/<slug:slug>/angebot/<uuid:uid>/", wegweiser.offer_detail, name="wegweiser_offer"
    ),
]

# Hilfelotse: search for one person, the Hilfeplan sheet and the Fall-zum-Feld signals.
from quartierskompass.finder.views import lotse  # noqa: E402

urlpatterns += [
    path("projekte/<slug:slug>/hilfelotse/", lotse.lotse, name="lotse"),
    path("projekte/<slug:slug>/hilfelotse/merken/", lotse.pick, name="pick"),
    path("projekte/<slug:slug>/hilfelotse/hilfeplan/", lotse.hilfeplan, name="hilfeplan"),
    path("projekte/<slug:slug>/hilfelotse/hilfeplan/entfernen/", lotse.unpick, name="unpick"),
    path("projekte/<slug:slug>/hilfelotse/hilfeplan/leeren/", lotse.clear, name="clear"),
    path(
        "projekte/<slug:slug>/hilfelotse/hilfeplan/pdf/",
        lotse.hilfeplan_pdf,
        name="hilfeplan_pdf",
    ),
    path("projekte/<slug:slug>/hilfelotse/signale/", lotse.signals_page, name="signals"),
]
