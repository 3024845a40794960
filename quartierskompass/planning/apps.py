from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "quartierskompass.planning"
    verbose_name = _("Needs, workshops and goals")

    def ready(self) -> None:
        from quartierskompass.planning.methods import sync_methods

        post_migrate.connect(sync_methods, sender=self)
