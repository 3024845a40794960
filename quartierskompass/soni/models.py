"""The SONI model's data: work forms, Hinte's principles and guiding questions.

The rows mirror `content.py` and are brought up to date after every ``migrate``
(`services.sync_model`). Field codes come from `model.Field`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from quartierskompass.core.models import Bilingual, pick_language
from quartierskompass.soni.model import FIELD_ORDER, Field


class WorkForm(Bilingual, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    field = models.CharField(_("SONI field"), max_length=1, choices=Field.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_de = models.CharField(_("label (German)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    description_de = models.TextField(_("description (German)"))
    description_en = models.TextField(_("description (English)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("work form")
        verbose_name_plural = _("work forms")

    def __str__(self) -> str:
        return f"{self.field}: {self.label}"


class Principle(Bilingual, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_de = models.CharField(_("label (German)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    description_de = models.TextField(_("description (German)"))
    description_en = models.TextField(_("description (English)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("principle of social space orientation")
        verbose_name_plural = _("principles of social space orientation")

    def __str__(self) -> str:
        return self.label


class GuidingQuestion(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    field = models.CharField(_("SONI field"), max_length=1, choices=Field.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_de = models.TextField(_("question (German)"))
    text_en = models.TextField(_("question (English)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_de, self.text_en)


def field_sort_key(code: str) -> int:
    return FIELD_ORDER.index(code)
