from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SoniConfig(AppConfig):
    name = "quartierskompass.soni"
    verbose_name = _("SONI model")

    def ready(self) -> None:
        from quartierskompass.soni.services import sync_model_after_migrate

        post_migrate.connect(sync_model_after_migrate, sender=self)
