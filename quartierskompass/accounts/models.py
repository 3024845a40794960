"""People, programmes, projects and who may do what in which project.

The permission rule lives here and only here: `Project.objects.visible_to(user)`,
`Project.role_for(user)` and `ProjectOwnedQuerySet.visible_to(user)`. Pages, the API and
commands reach it through `quartierskompass.accounts.permissions`.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartierskompass.core.validators import validate_clean_text

type AnyUser = User | AnonymousUser

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use only lower-case letters, digits and single hyphens, e.g. nordstadt-lindenau."),
)


class User(AbstractUser):
    """A person who logs in. Nothing about people seeking help is ever stored here."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")
    # Not a membership role: programme coordinators read every project of their programme.
    COORDINATOR = "coordinator", _("Programme coordinator")


MEMBER_ROLES = [(r.value, r.label) for r in (Role.OWNER, Role.EDITOR, Role.VIEWER)]
WRITE_ROLES = frozenset({Role.OWNER, Role.EDITOR})


class ProgrammeQuerySet(models.QuerySet):
    def coordinated_by(self, user: AnyUser) -> ProgrammeQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(coordinators=user)


class Programme(models.Model):
    """Many projects under one roof, e.g. a church-wide initiative."""

    slug = models.SlugField(_("short name"), unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=200, validators=[validate_clean_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_clean_text])
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_programmes",
        verbose_name=_("coordinators"),
        help_text=_("Coordinators may read every project of this programme."),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:programme", args=[self.slug])


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> ProjectQuerySet:
        """Projects the user may read: as a member, as coordinator of the programme, or staff."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(pk__in=Membership.objects.filter(user=user).values("project"))
            | Q(programme__in=Programme.objects.filter(coordinators=user).values("pk"))
        )

    def writable_by(self, user: AnyUser) -> ProjectQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            pk__in=Membership.objects.filter(user=user, role__in=WRITE_ROLES).values("project")
        )


class Project(models.Model):
    """A Quartiersprojekt: one team's workspace for one neighbourhood."""

    slug = models.SlugField(
        _("short name"),
        unique=True,
        validators=[slug_validator],
        help_text=_("Appears in web addresses and exports; cannot be changed later."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_clean_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_clean_text])
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("programme"),
    )
    weak_threshold = models.PositiveSmallIntegerField(
        _("weak field below (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("In the matrix, a field with a smaller share is marked as weak."),
    )
    wegweiser_enabled = models.BooleanField(
        _("public Wegweiser switched on"),
        default=False,
        help_text=_(
            "Shows the project's published and checked offers to everyone, without "
            "login, at a public address."
        ),
    )
    wegweiser_intro = models.TextField(
        _("introduction of the Wegweiser"),
        blank=True,
        validators=[validate_clean_text],
        help_text=_("A few words in simple language at the top of the public page."),
    )
    review_after_months = models.PositiveSmallIntegerField(
        _("check offers after (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Offers whose details were checked longer ago are marked “zu prüfen”."),
    )
    hide_after_months = models.PositiveSmallIntegerField(
        _("hide unchecked offers after (months)"),
        default=18,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Offers checked longer ago leave the public Wegweiser."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:project", args=[self.slug])

    def role_for(self, user: AnyUser) -> Role | None:
        """The strongest role the user has here; membership wins over coordination."""
        if not user.is_authenticated or not user.is_active:
            return None
        if user.is_superuser:
            return Role.OWNER
        role = self.memberships.filter(user=user).values_list("role", flat=True).first()
        if role:
            return Role(role)
        if self.programme_id and self.programme.coordinators.filter(pk=user.pk).exists():
            return Role.COORDINATOR
        return None

    def owner_count(self) -> int:
        return self.memberships.filter(role=Role.OWNER).count()


class Membership(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MEMBER_ROLES, default=Role.VIEWER)
    created_at = models.DateTimeField(_("member since"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["project", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_membership"),
            models.CheckConstraint(
                condition=Q(role__in=[r for r, _label in MEMBER_ROLES]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.project} ({self.get_role_display()})"

    @staticmethod
    def rank() -> models.Case:
        """Order expression: owners first, then editors, then viewers."""
        return models.Case(
            *(models.When(role=role, then=i) for i, (role, _label) in enumerate(MEMBER_ROLES))
        )


class ProjectOwnedQuerySet(models.QuerySet):
    """Base for every queryset of records that belong to one project."""

    def visible_to(self, user: AnyUser) -> ProjectOwnedQuerySet:
        return self.filter(project__in=Project.objects.visible_to(user))

    def writable_by(self, user: AnyUser) -> ProjectOwnedQuerySet:
        return self.filter(project__in=Project.objects.writable_by(user))


class ProjectOwnedModel(models.Model):
    """Base of every record that belongs to one project.

    ``version`` counts saves, so an edit based on an old version is refused instead of
    silently overwriting someone else's change (optimistic locking).
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)ss",
        verbose_name=_("project"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ProjectOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class ApiToken(models.Model):
    """A personal token for the HTTP API; only its hash is stored."""

    PREFIX = "qk_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_clean_text])
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with the clear key, which is shown exactly once."""
        key = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash(key)), key

    @classmethod
    def user_for_key(cls, key: str) -> User | None:
        token = cls.objects.select_related("user").filter(key_hash=cls.hash(key)).first()
        if token is None or not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
