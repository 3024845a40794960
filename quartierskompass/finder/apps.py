from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinderConfig(AppConfig):
    name = "quartierskompass.finder"
    verbose_name = _("Hilfelotse and Wegweiser")
