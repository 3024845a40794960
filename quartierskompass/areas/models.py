"""Areas (Gebiete) and their social indicators: instance-wide reference data.

Several overlapping code systems live side by side (Berlin LOR, Hamburg Stadtteile, parish
areas, areas drawn by hand). Geometry stays GeoJSON in WGS84 in JSON fields, so SQLite needs no
extension; shapely does the geometry in Python. A project links the areas it works in.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import ProjectOwnedModel
from quartierskompass.core.models import Bilingual
from quartierskompass.core.validators import validate_clean_text


class AreaQuerySet(models.QuerySet):
    def without_geometry(self) -> AreaQuerySet:
        """Boundaries are large; lists and menus never need them."""
        return self.defer("boundary", "boundary_simplified")


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
    # A lighter copy for maps, made at import (Douglas-Peucker, about 5 m tolerance).
    boundary_simplified = models.JSONField(null=True, blank=True, editable=False)
    centroid_lat = models.FloatField(null=True, blank=True, editable=False)
    centroid_lon = models.FloatField(null=True, blank=True, editable=False)
    source = models.CharField(
        _("source and licence"),
        max_length=300,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("e.g. “Geoportal Berlin, dl-de-by-2.0”"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code_system", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["code_system", "code"], name="unique_area_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("areas:detail", args=[self.pk])

    def descendant_ids(self) -> list[int]:
        """This area and every area below it, one query per level."""
        ids, level = [self.pk], [self.pk]
        while level:
            level = list(
                Area.objects.filter(parent_id__in=level).order_by().values_list("pk", flat=True)
            )
            ids += level
        return ids

    def ancestors(self) -> list[Area]:
        """Parent, grandparent, … up to the top of the code system."""
        chain, area = [], self
        while area.parent_id:
            area = Area.objects.without_geometry().get(pk=area.parent_id)
            chain.append(area)
        return chain


class ProjectArea(ProjectOwnedModel):
    """An area a project works in."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="project_links", verbose_name=_("area")
    )

    class Meta:
        ordering = ["area__code_system", "area__code"]
        verbose_name = _("project area")
        verbose_name_plural = _("project areas")
        constraints = [
            models.UniqueConstraint(fields=["project", "area"], name="unique_project_area"),
        ]

    def __str__(self) -> str:
        return str(self.area)


class Indicator(Bilingual, models.Model):
    """A social indicator: what is measured, how to read it, where it comes from."""

    class Kind(models.TextChoices):
        COUNT = "count", _("count (summed up)")
        RATE = "rate", _("rate or share (weighted by a base)")
        INDEX = "index", _("index (not aggregated)")

    class Polarity(models.TextChoices):
        HIGHER_WORSE = "higher_worse", _("a higher value points to a need")
        HIGHER_BETTER = "higher_better", _("a lower value points to a need")
        NEUTRAL = "neutral", _("neither")

    class ThresholdKind(models.TextChoices):
        RATIO = "ratio", _("times the reference value")
        DIFFERENCE = "difference", _("points above or below the reference")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    label_de = models.CharField(_("label (German)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. %, people"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNT)
    base = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("base for weighting"),
        help_text=_(
            "For a rate: the count it refers to, e.g. inhabitants. Parent areas get the "
            "rate of their children weighted by it."
        ),
    )
    polarity = models.CharField(
        _("polarity"), max_length=15, choices=Polarity.choices, default=Polarity.NEUTRAL
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=8,
        decimal_places=3,
        default=Decimal("1.25"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "When the value deviates this much from the reference area, the indicator "
            "is marked as auffällig."
        ),
    )
    threshold_kind = models.CharField(
        _("threshold kind"),
        max_length=10,
        choices=ThresholdKind.choices,
        default=ThresholdKind.RATIO,
    )
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=1)
    needs = models.ManyToManyField(
        "activities.Need",
        blank=True,
        related_name="indicators",
        verbose_name=_("needs"),
        help_text=_("The needs an auffällig value points to."),
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[validate_clean_text]
    )
    licence = models.CharField(
        _("licence"), max_length=200, blank=True, validators=[validate_clean_text]
    )
    source_url = models.URLField(_("source address"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "label_de"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.label

    def is_auffaellig(self, value: Decimal | None, reference: Decimal | None) -> bool:
        """DESIGN §3: the value deviates from the reference by the polarity and threshold."""
        if value is None or reference is None or self.polarity == self.Polarity.NEUTRAL:
            return False
        if self.threshold_kind == self.ThresholdKind.DIFFERENCE:
            deviation = value - reference
            if self.polarity == self.Polarity.HIGHER_BETTER:
                deviation = -deviation
            return deviation >= self.threshold
        if reference <= 0:
            return False
        if self.polarity == self.Polarity.HIGHER_WORSE:
            return value >= reference * self.threshold
        return value * self.threshold <= reference


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="indicator_values", verbose_name=_("area")
    )
    date = models.DateField(_("reference date"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    suppressed = models.BooleanField(
        _("suppressed"),
        default=False,
        help_text=_("The source withholds the value (e.g. “.” or “–”)."),
    )

    class Meta:
        ordering = ["indicator", "area", "date"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "date"], name="unique_indicator_value"
            ),
        ]
        indexes = [models.Index(fields=["area", "indicator", "date"], name="value_area_lookup")]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.area.code} {self.date}: {self.value}"
