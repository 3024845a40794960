from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "quartierskompass.activities"
    verbose_name = _("Activities and offers")

    def ready(self) -> None:
        from quartierskompass.activities.taxonomy import ensure_defaults

        post_migrate.connect(ensure_defaults, sender=self)
