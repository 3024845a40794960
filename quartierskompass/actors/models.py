"""Actors (Akteure) and their ties (Beziehungen): the Organisationen and Netzwerk fields.

Which parishes, diaconal services, municipal offices, committees, associations and key persons
work with whom – and who is missing. Only business contact data; no private data of people.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import ProjectOwnedModel, ProjectOwnedQuerySet
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
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("e.g. the provider (Träger) a day-care centre belongs to"),
    )
    areas_served = models.ManyToManyField(
        "areas.Area", blank=True, related_name="actors_serving", verbose_name=_("areas served")
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("business e-mail"), blank=True)
    contact_phone = models.CharField(
        _("business phone"), max_length=50, blank=True, validators=[validate_clean_text]
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_clean_text])
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Where the person left the node on the network page (None: the layout decides).
    graph_x = models.FloatField(null=True, blank=True, editable=False)
    graph_y = models.FloatField(null=True, blank=True, editable=False)
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

    def get_absolute_url(self) -> str:
        return reverse("actors:detail", args=[self.project.slug, self.pk])

    def clean(self) -> None:
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Enter both latitude and longitude, or neither.")
        if self.parent_id and self._parent_cycle():
            errors["parent"] = _("An actor cannot be part of itself, not even by way of others.")
        if self.parent_id and self.parent.project_id != self.project_id:
            errors["parent"] = _("The actor above must belong to the same project.")
        bad_tags = [t for t in self.tags if not isinstance(t, str) or len(t) > 60]
        if bad_tags:
            errors["tags"] = _("Tags are short words of at most 60 characters.")
        if errors:
            raise ValidationError(errors)

    def _parent_cycle(self) -> bool:
        seen, current = {self.pk}, self.parent
        while current is not None:
            if current.pk in seen:
                return True
            seen.add(current.pk)
            current = current.parent
        return False


class TieKind(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("kind of tie")
        verbose_name_plural = _("kinds of ties")


class TieQuerySet(ProjectOwnedQuerySet):
    def of_actor(self, actor: Actor) -> TieQuerySet:
        return self.filter(models.Q(source=actor) | models.Q(target=actor))


class Tie(ProjectOwnedModel):
    """A relationship between two actors of the same project."""

    source = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="ties_out", verbose_name=_("from")
    )
    target = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="ties_in", verbose_name=_("to")
    )
    kind = models.ForeignKey(
        TieKind, on_delete=models.PROTECT, related_name="ties", verbose_name=_("kind")
    )
    strength = models.PositiveSmallIntegerField(
        _("strength"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 loose, 2 regular, 3 close"),
    )
    directed = models.BooleanField(
        _("one direction"),
        default=False,
        help_text=_("e.g. funding or referrals that go from one to the other"),
    )
    since = models.DateField(_("since"), null=True, blank=True)
    confirmed = models.BooleanField(
        _("confirmed"), default=False, help_text=_("Both sides have confirmed the tie.")
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_clean_text])

    objects = TieQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "target__name"]
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="tie_not_to_itself"
            ),
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_tie"),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=3), name="tie_strength_1_3"
            ),
        ]
        indexes = [models.Index(fields=["project", "kind"], name="tie_project_kind")]

    def __str__(self) -> str:
        arrow = "→" if self.directed else "–"
        return f"{self.source} {arrow} {self.target} ({self.kind})"

    def clean(self) -> None:
        errors = {}
        if self.source_id and self.source_id == self.target_id:
            errors["target"] = _("A tie needs two different actors.")
        for name in ("source", "target"):
            actor = getattr(self, name, None) if getattr(self, f"{name}_id") else None
            if actor is not None and actor.project_id != self.project_id:
                errors[name] = _("Both actors must belong to this project.")
        if errors:
            raise ValidationError(errors)
        duplicate = (
            Tie.objects.filter(kind_id=self.kind_id)
            .filter(
                models.Q(source_id=self.source_id, target_id=self.target_id)
                | models.Q(source_id=self.target_id, target_id=self.source_id, directed=False)
            )
            .exclude(pk=self.pk)
        )
        if not self.directed:
            duplicate = (
                Tie.objects.filter(kind_id=self.kind_id)
                .filter(
                    models.Q(source_id=self.source_id, target_id=self.target_id)
                    | models.Q(source_id=self.target_id, target_id=self.source_id)
                )
                .exclude(pk=self.pk)
            )
        if duplicate.exists():
            raise ValidationError(_("This tie already exists."))
