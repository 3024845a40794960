from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "quartierskompass.actors"
    verbose_name = _("Actors and network")

    def ready(self) -> None:
        from quartierskompass.actors.taxonomy import ensure_defaults

        post_migrate.connect(ensure_defaults, sender=self)
