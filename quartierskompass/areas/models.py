"""Areas (Gebiete): instance-wide reference data in several overlapping code systems.

This issue brings the model; imports of boundaries and statistics come with the Sozialraum
issue. Geometry stays GeoJSON (WGS84) in a JSON field so SQLite needs no extension.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from quartierskompass.core.validators import validate_clean_text


class Area(models.Model):
    code = models.CharField(
        _("code"), max_length=40, help_text=_("As the municipality writes it, e.g. 05100206.")
    )
    code_system = models.SlugField(
        _("code system"), max_length=60, help_text=_("e.g. berlin-plr-2021, pfarrgebiet")
    )
    kind = models.CharField(_("kind"), max_length=60, blank=True, validators=[validate_clean_text])
    name = models.CharField(_("name"), max_length=200, validators=[validate_clean_text])
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )
    boundary = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["code_system", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["code_system", "code"], name="unique_area_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def descendant_ids(self) -> list[int]:
        """This area and every area below it, one query per level."""
        ids, level = [self.pk], [self.pk]
        while level:
            level = list(Area.objects.filter(parent_id__in=level).values_list("pk", flat=True))
            ids += level
        return ids
