"""Activities (Aktivitäten und Angebote): what a team does, in which SONI fields, with what.

An Angebot is an activity with ``published=True``. Field shares follow DESIGN §1.1: whole
percent per field, summing to 100.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import ProjectOwnedModel, ProjectOwnedQuerySet
from quartierskompass.core.models import Taxonomy
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.lib.languages import LANGUAGES
from quartierskompass.lib.schedule import ScheduleError, parse_schedule
from quartierskompass.lib.text import fold
from quartierskompass.soni.model import FIELD_LEVEL, FIELD_ORDER, Level

SHARE_FIELDS = {code: f"share_{code.lower()}" for code in FIELD_ORDER}


class Need(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class TargetGroup(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Status(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class Measure(models.TextChoices):
    """What a matrix counts (DESIGN §1.1). The yearly measures are columns of Activity."""

    COUNT = "count", _("Number of activities")
    STAFF_HOURS = "staff_hours", _("Staff hours per year")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours per year")
    BUDGET = "budget", _("Budget in EUR per year")
    REACH = "reach", _("People reached per year")


YEARLY_MEASURES = [m for m in Measure if m != Measure.COUNT]


class ActivityQuerySet(ProjectOwnedQuerySet):
    def overlapping(self, start: date, end: date) -> ActivityQuerySet:
        """Activities that run on at least one day of the period (both ends included)."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=start), start__lte=end)

    def with_status(self, statuses) -> ActivityQuerySet:
        return self.filter(status__in=list(statuses))

    def in_areas(self, area_ids: list[int]) -> ActivityQuerySet:
        return self.filter(area_id__in=area_ids)

    def search(self, text: str) -> ActivityQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(responsible__name__icontains=text)
        )


class ActivityManager(models.Manager.from_queryset(ActivityQuerySet)):
    """Everything that is not in the trash."""

    def get_queryset(self) -> ActivityQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Activity(ProjectOwnedModel):
    uid = models.UUIDField(
        _("identifier"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Stays the same in exports, so a re-import updates instead of duplicating."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_clean_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_clean_text])
    responsible = models.ForeignKey(
        "actors.Actor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible actor"),
    )
    partners = models.ManyToManyField(
        "actors.Actor", blank=True, related_name="partner_in", verbose_name=_("partners")
    )
    share_s = models.PositiveSmallIntegerField(
        _("share Social structure (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    share_o = models.PositiveSmallIntegerField(
        _("share Organisations (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    share_n = models.PositiveSmallIntegerField(
        _("share Network (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    share_i = models.PositiveSmallIntegerField(
        _("share Individual (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    work_forms = models.ManyToManyField(
        "soni.WorkForm", blank=True, related_name="activities", verbose_name=_("work forms")
    )
    principles = models.ManyToManyField(
        "soni.Principle", blank=True, related_name="activities", verbose_name=_("principles")
    )
    needs = models.ManyToManyField(
        Need, blank=True, related_name="activities", verbose_name=_("needs")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="activities", verbose_name=_("target groups")
    )
    staff_hours = models.DecimalField(
        _("staff hours per year"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Paid working hours per year."),
    )
    volunteer_hours = models.DecimalField(
        _("volunteer hours per year"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    budget = models.DecimalField(
        _("budget in EUR per year"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    reach = models.PositiveIntegerField(
        _("people reached per year"),
        null=True,
        blank=True,
        help_text=_("An estimate is fine; count each person once."),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty: open-ended."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
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
            "e.g. the facility number of a public register, so a new import updates "
            "instead of duplicating."
        ),
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
    # Public offer (Angebot): HSDS-aligned fields.
    published = models.BooleanField(
        _("public offer"),
        default=False,
        help_text=_("Open to people from the neighbourhood, with the details below."),
    )
    schedule = models.CharField(
        _("opening hours"),
        max_length=300,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("e.g. “Tuesdays 15–18, Thursdays 10–12”"),
    )
    cost = models.CharField(_("cost"), max_length=200, blank=True, validators=[validate_clean_text])
    free_of_charge = models.BooleanField(_("free of charge"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    barrier_free = models.BooleanField(_("barrier-free access"), null=True, blank=True)
    accessibility = models.CharField(
        _("accessibility notes"), max_length=300, blank=True, validators=[validate_clean_text]
    )
    contact_name = models.CharField(
        _("contact (service or role)"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("A business contact, e.g. “Beratungsstelle” – no private data."),
    )
    contact_phone = models.CharField(
        _("phone"), max_length=50, blank=True, validators=[validate_clean_text]
    )
    contact_email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    eligibility = models.CharField(
        _("who can come"), max_length=300, blank=True, validators=[validate_clean_text]
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    verified_at = models.DateField(_("details checked on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    public_hidden = models.BooleanField(
        _("do not publish"),
        default=False,
        help_text=_("Keeps the offer internal: the team finds it, the public Wegweiser does not."),
    )
    # Derived on every save: weekly hours read from ``schedule`` (empty when it cannot be read)
    # and the lower-case, umlaut-folded text the Hilfelotse searches. Bulk writers call
    # ``refresh_derived()`` themselves.
    opening_hours = models.JSONField(default=list, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActivityManager()
    with_deleted = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        base_manager_name = "with_deleted"
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["project", "start"], name="activity_project_start"),
            models.Index(fields=["project", "status"], name="activity_project_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "uid"], name="unique_activity_uid"),
            models.CheckConstraint(
                condition=Q(share_s__lte=100, share_o__lte=100, share_n__lte=100, share_i__lte=100),
                name="activity_share_max",
            ),
            models.CheckConstraint(
                condition=Exact(F("share_s") + F("share_o") + F("share_n") + F("share_i"), 100),
                name="activity_shares_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="activity_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.project.slug, self.pk])

    def shares(self) -> dict[str, int]:
        return {code: getattr(self, name) for code, name in SHARE_FIELDS.items()}

    def fields(self) -> list[str]:
        """The SONI fields this activity works in, in the order S, O, N, I."""
        return [code for code, share in self.shares().items() if share > 0]

    def levels(self) -> set[Level]:
        return {FIELD_LEVEL[code] for code in self.fields()}

    def is_bridge(self) -> bool:
        """Shares in both levels: the activity links system and lifeworld (DESIGN §1.1)."""
        return len(self.levels()) == 2

    def measure(self, measure: str) -> Decimal | int | None:
        return 1 if measure == Measure.COUNT else getattr(self, measure)

    def clean(self) -> None:
        errors = {}
        if sum(self.shares().values()) != 100:
            errors[NON_FIELD_ERRORS] = _(
                "The shares of the fields must add up to 100 %% (now %(sum)s %%)."
            ) % {"sum": sum(self.shares().values())}
        if self.end and self.start and self.end < self.start:
            errors["end"] = _("The end lies before the start.")
        if self.status == Status.ENDED and not self.end:
            errors["end"] = _("An ended activity needs an end date.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Enter both latitude and longitude, or neither.")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age is below the minimum age.")
        unknown = [code for code in self.languages if code not in LANGUAGES]
        if unknown:
            errors["languages"] = _("Unknown language code: %(codes)s") % {
                "codes": ", ".join(map(str, unknown))
            }
        if errors:
            raise ValidationError(errors)

    def refresh_derived(self) -> None:
        """Opening hours from the schedule text and the search text (see the fields)."""
        try:
            self.opening_hours = [o.as_dict() for o in parse_schedule(self.schedule)]
        except ScheduleError:
            self.opening_hours = []
        provider = self.responsible.name if self.responsible_id and self.responsible else ""
        self.search_text = fold(
            " ".join((self.title, self.description, self.eligibility, self.cost, provider))
        )

    @property
    def schedule_unreadable(self) -> bool:
        return bool(self.schedule.strip()) and not self.opening_hours

    def save(self, *args, **kwargs) -> None:
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "opening_hours", "search_text"}
        super().save(*args, **kwargs)

    def move_to_trash(self) -> None:
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at"])
