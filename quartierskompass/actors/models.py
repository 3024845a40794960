"""Actors (Akteure): organisations, committees and key persons a project works with.

A first, small model for the activities' responsible and partner actors; the actors
issue adds ties, areas served, addresses and the network.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import ProjectOwnedModel
from quartierskompass.core.models import Taxonomy
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.soni.model import Field


class ActorType(Taxonomy):
    class Category(models.TextChoices):
        CHURCH = "church", _("Church")
        WELFARE = "welfare", _("Welfare and diaconia")
        MUNICIPAL = "municipal", _("Municipal office")
        POLITICS = "politics", _("Local politics")
        CIVIL = "civil", _("Civil society")
        EDUCATION = "education", _("Education")
        ECONOMY = "economy", _("Economy and housing")
        HEALTH = "health", _("Health")
        PERSON = "person", _("Key person")
        OTHER = "other", _("Other")

    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )

    class Meta(Taxonomy.Meta):
        verbose_name = _("actor type")
        verbose_name_plural = _("actor types")


class Actor(ProjectOwnedModel):
    name = models.CharField(_("name"), max_length=200, validators=[validate_clean_text])
    actor_type = models.ForeignKey(
        ActorType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        verbose_name=_("type"),
    )
    field = models.CharField(
        _("SONI field"),
        max_length=1,
        choices=Field.choices,
        blank=True,
        help_text=_("Where the actor mainly acts."),
    )
    address = models.CharField(
        _("address"), max_length=300, blank=True, validators=[validate_clean_text]
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actors",
        verbose_name=_("area"),
    )
    area_locked = models.BooleanField(
        _("area chosen by hand"),
        default=False,
        help_text=_("Otherwise the area follows the coordinates."),
    )
    external_id = models.CharField(
        _("number in the source register"),
        max_length=80,
        blank=True,
        help_text=_(
            "e.g. the provider number of a public register, to recognise the actor in "
            "the next import."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_actor_name"),
        ]

    def __str__(self) -> str:
        return self.name
