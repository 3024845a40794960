"""Building blocks shared by the domain apps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick_language(de: str, en: str) -> str:
    """The English text when the interface is English and one exists, else the German."""
    language = (get_language() or "de").split("-")[0]
    return en if language == "en" and en else de


class Bilingual:
    """Reference data stored in German and English (``label_de``/``label_en`` and so on).

    Taxonomies are edited by staff in the admin, so their wording lives in the database rather
    than in the gettext catalogue; ``obj.label`` shows the text for the active language.
    """

    @property
    def label(self) -> str:
        return pick_language(self.label_de, self.label_en)

    @property
    def description(self) -> str:
        return pick_language(
            getattr(self, "description_de", ""), getattr(self, "description_en", "")
        )


class Taxonomy(Bilingual, models.Model):
    """A term of a taxonomy staff maintain in the admin (needs, target groups, actor types).

    Codes are stable: they appear in exports, imports and the API. Defaults ship with the
    app and are created when missing after every migrate; staff may rename them or switch
    them off (``active``) but should not delete them.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_de = models.CharField(_("label (German)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "label_de"]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def ensure_defaults(cls, defaults: list[tuple[str, str, str]], **extra_by_code) -> None:
        """Create the default terms that are missing; never overwrite staff edits."""
        existing = set(cls.objects.values_list("code", flat=True))
        cls.objects.bulk_create(
            cls(code=code, label_de=de, label_en=en, position=i * 10, **extra_by_code.get(code, {}))
            for i, (code, de, en) in enumerate(defaults)
            if code not in existing
        )


class ChangeLog(models.Model):
    """Who changed what and when – shown on an object's page and kept after deletion."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("moved to the trash")
        RESTORE = "restore", _("restored")
        IMPORT = "import", _("imported")

    project = models.ForeignKey(
        "accounts.Project", on_delete=models.CASCADE, related_name="changes", null=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    label = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.label}"

    @classmethod
    def record(cls, *, obj, action: str, user, changes: dict | None = None) -> ChangeLog:
        return cls.objects.create(
            project_id=getattr(obj, "project_id", None),
            user=user if user is not None and user.is_authenticated else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            label=str(obj)[:300],
            changes=changes or {},
        )
