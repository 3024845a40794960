"""Wirksamkeit erhöhen: the needs register, findings from field methods, the SONI-Werkstatt
with its snapshots, recommendations the team accepted or dismissed, and goals.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartierskompass.accounts.models import ProjectOwnedModel
from quartierskompass.core.models import Bilingual
from quartierskompass.core.validators import validate_clean_text
from quartierskompass.soni.model import FIELD_ORDER, Field


def validate_fields(value: list) -> None:
    if not isinstance(value, list) or any(code not in FIELD_ORDER for code in value):
        raise ValidationError(_("Use the SONI field codes S, O, N and I."))


class Method(Bilingual, models.Model):
    """A field method of social space analysis (content in methods.py, synced on migrate)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    field = models.CharField(_("SONI field"), max_length=1, choices=Field.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_de = models.CharField(_("label (German)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    description_de = models.TextField(_("description (German)"))
    description_en = models.TextField(_("description (English)"))
    # Effort 1 (little) – 3 (much); participation 1 (none) – 3 (residents take part strongly).
    effort_time = models.PositiveSmallIntegerField(_("time"), default=2)
    effort_staff = models.PositiveSmallIntegerField(_("staff"), default=2)
    effort_cost = models.PositiveSmallIntegerField(_("cost"), default=1)
    participation = models.PositiveSmallIntegerField(_("participation"), default=2)
    complexity = models.PositiveSmallIntegerField(_("complexity"), default=2)

    class Meta:
        ordering = ["position"]
        verbose_name = _("method")
        verbose_name_plural = _("methods")

    def __str__(self) -> str:
        return self.label


class ProjectNeed(ProjectOwnedModel):
    """A need in the project's register, with the team's assessment."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        ADDRESSED = "addressed", _("addressed")
        DISMISSED = "dismissed", _("dismissed")

    need = models.ForeignKey(
        "activities.Need", on_delete=models.PROTECT, related_name="+", verbose_name=_("need")
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("Empty: the whole project area."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("assessment"), blank=True, validators=[validate_clean_text])

    class Meta:
        ordering = ["need__position", "need__label_de"]
        verbose_name = _("need of the project")
        verbose_name_plural = _("needs of the project")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "need", "area"], name="unique_project_need_area"
            ),
            models.UniqueConstraint(
                fields=["project", "need"],
                condition=models.Q(area__isnull=True),
                name="unique_project_need_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need}" + (f" ({self.area.name})" if self.area_id else "")


class Finding(ProjectOwnedModel):
    """What the team found out with a field method (a walk, an interview …)."""

    method = models.ForeignKey(
        Method, on_delete=models.PROTECT, related_name="findings", verbose_name=_("method")
    )
    date = models.DateField(_("date"))
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    need = models.ForeignKey(
        "activities.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("need"),
    )
    text = models.TextField(_("finding"), validators=[validate_clean_text])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:60]}"


class Workshop(ProjectOwnedModel):
    """A SONI-Werkstatt: ratings, the data beside them, notes, ideas and decisions.

    The session is edited step by step; ``version`` guards against two people overwriting
    each other. When finished, ``snapshot`` keeps the matrix figures as they were that day.
    """

    class Step(models.IntegerChoices):
        RATINGS = 1, _("Everyone's view")
        DATA = 2, _("The data beside it")
        QUESTIONS = 3, _("Guiding questions")
        IDEAS = 4, _("Ideas across fields")
        DECISIONS = 5, _("Decisions")

    title = models.CharField(_("title"), max_length=200, validators=[validate_clean_text])
    date = models.DateField(_("date"))
    participants = models.CharField(
        _("who took part (roles)"),
        max_length=300,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("Roles, not names, e.g. “Gemeindediakonin, 2 Ehrenamtliche, Kita-Leitung”."),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    measure = models.CharField(_("measure"), max_length=20, default="count")
    ratings = models.JSONField(_("ratings 0–3 per field"), default=dict, blank=True)
    notes = models.JSONField(_("notes per guiding question"), default=dict, blank=True)
    ideas = models.JSONField(_("ideas across fields"), default=list, blank=True)
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.RATINGS)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("SONI workshop")
        verbose_name_plural = _("SONI workshops")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"

    def clean(self) -> None:
        errors = {}
        for code, value in (self.ratings or {}).items():
            if code not in FIELD_ORDER or not isinstance(value, int) or not 0 <= value <= 3:
                errors["ratings"] = _("Each field is rated with a whole number from 0 to 3.")
        if self.period_end and self.period_start and self.period_end < self.period_start:
            errors["period_end"] = _("The period ends before it starts.")
        if errors:
            raise ValidationError(errors)


class Goal(ProjectOwnedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("in progress")
        REACHED = "reached", _("reached")
        DROPPED = "dropped", _("dropped")

    text = models.TextField(_("goal"), validators=[validate_clean_text])
    fields = models.JSONField(
        _("SONI fields"), default=list, blank=True, validators=[validate_fields]
    )
    need = models.ForeignKey(
        "activities.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("need"),
    )
    indicator = models.ForeignKey(
        "areas.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("indicator"),
    )
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    due = models.DateField(_("due"), null=True, blank=True)
    responsible = models.CharField(
        _("responsible"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("A role or team, e.g. “Gemeindediakonin”."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    activities = models.ManyToManyField(
        "activities.Activity", blank=True, related_name="goals", verbose_name=_("activities")
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("decided in"),
    )
    recommendation = models.CharField(
        _("from recommendation"), max_length=60, blank=True, editable=False
    )

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if not (self.text or "").strip():
            raise ValidationError({"text": _("A goal needs a text.")})


class RecommendationDecision(ProjectOwnedModel):
    """What the team did with a recommendation: accepted (→ a goal) or dismissed with a reason.

    ``fingerprint`` identifies the recommendation with the facts it rests on, so the same
    advice is not offered again, but new facts give new advice.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")

    rule = models.CharField(_("rule"), max_length=60)
    fingerprint = models.CharField(max_length=200)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True, validators=[validate_clean_text])
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("decision on a recommendation")
        verbose_name_plural = _("decisions on recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "fingerprint"], name="unique_recommendation_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.decision}"


# Ratings are whole numbers 0–3; the validator keeps the JSON honest in forms and the API.
RATING_VALIDATORS = [MinValueValidator(0), MaxValueValidator(3)]
