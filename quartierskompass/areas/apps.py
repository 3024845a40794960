from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "quartierskompass.areas"
    verbose_name = _("Areas and social space")

    def ready(self) -> None:
        from quartierskompass.areas.permissions import ensure_group

        # After the auth app created the permissions of this app.
        post_migrate.connect(ensure_group, sender=self)
