"""API: a project's activities (list, create, read, update, delete) and its SONI matrix."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from quartierskompass.accounts.permissions import Access, get_project_for_user
from quartierskompass.activities import services
from quartierskompass.activities.models import Activity, Need, TargetGroup
from quartierskompass.actors.services import ensure_actors
from quartierskompass.soni import matrix as soni_matrix
from quartierskompass.soni.model import FIELD_ORDER, equal_shares
from quartierskompass.soni.models import Principle, WorkForm

router = Router(tags=["activities"])


class Shares(Schema):
    S: int = 0
    O: int = 0  # noqa: E741 - the model's own letter
    N: int = 0
    I: int = 0  # noqa: E741 - the model's own letter


class ActivityIn(Schema):
    title: str
    description: str = ""
    status: str = "active"
    start: date
    end: date | None = None
    fields: list[str] | None = SchemaField(
        None, description='SONI fields to split 100 % equally over, e.g. ["N", "I"]'
    )
    shares: Shares | None = SchemaField(None, description="explicit percentages, sum 100")
    work_forms: list[str] = []
    principles: list[str] = []
    needs: list[str] = []
    target_groups: list[str] = []
    responsible: str | None = SchemaField(None, description="actor name; created if new")
    partners: list[str] = SchemaField([], description="actor names; created if new")
    staff_hours: Decimal | None = None
    volunteer_hours: Decimal | None = None
    budget: Decimal | None = None
    reach: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    published: bool = False
    schedule: str = ""
    cost: str = ""
    free_of_charge: bool | None = None
    languages: list[str] = []
    barrier_free: bool | None = None
    accessibility: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    website: str = ""
    eligibility: str = ""
    min_age: int | None = None
    max_age: int | None = None
    verified_at: date | None = None
    version: int | None = SchemaField(
        None, description="on update: the version you read; a newer one gives 409"
    )


class ActivityOut(Schema):
    id: int
    uid: UUID
    version: int
    title: str
    description: str
    status: str
    start: date
    end: date | None
    shares: Shares
    work_forms: list[str]
    principles: list[str]
    needs: list[str]
    target_groups: list[str]
    responsible: str | None
    partners: list[str]
    staff_hours: Decimal | None
    volunteer_hours: Decimal | None
    budget: Decimal | None
    reach: int | None
    latitude: float | None
    longitude: float | None
    published: bool
    schedule: str
    cost: str
    free_of_charge: bool | None
    languages: list[str]
    barrier_free: bool | None
    accessibility: str
    contact_name: str
    contact_phone: str
    contact_email: str
    website: str
    eligibility: str
    min_age: int | None
    max_age: int | None
    verified_at: date | None

    @staticmethod
    def resolve_shares(obj: Activity) -> dict[str, int]:
        return obj.shares()

    @staticmethod
    def resolve_responsible(obj: Activity) -> str | None:
        return obj.responsible.name if obj.responsible else None

    @staticmethod
    def resolve_partners(obj: Activity) -> list[str]:
        return [a.name for a in obj.partners.all()]

    @staticmethod
    def resolve_work_forms(obj: Activity) -> list[str]:
        return [w.code for w in obj.work_forms.all()]

    @staticmethod
    def resolve_principles(obj: Activity) -> list[str]:
        return [p.code for p in obj.principles.all()]

    @staticmethod
    def resolve_needs(obj: Activity) -> list[str]:
        return [n.code for n in obj.needs.all()]

    @staticmethod
    def resolve_target_groups(obj: Activity) -> list[str]:
        return [g.code for g in obj.target_groups.all()]


class ActivityFilter(Schema):
    q: str = ""
    status: str | None = None
    field: str | None = None
    year: int | None = None


class MatrixQuery(Schema):
    period: str = SchemaField(..., description="a year (2025) or 2025-01-01..2025-06-30")
    measure: str = "count"
    include_planned: bool = False


def _codes(model, codes: list[str], label: str) -> list:
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise HttpError(422, f"Unbekannte Codes für {label}: {', '.join(unknown)}")
    return [found[code] for code in codes]


def _payload(project, data: ActivityIn) -> tuple[dict[str, Any], dict[str, Any]]:
    if data.shares is not None:
        shares = data.shares.dict()
    elif data.fields:
        unknown = [f for f in data.fields if f not in FIELD_ORDER]
        if unknown:
            raise HttpError(422, f"Unbekannte SONI-Felder: {', '.join(unknown)}")
        shares = equal_shares(data.fields)
    else:
        raise HttpError(422, "Geben Sie „fields“ oder „shares“ an.")
    scalar = data.dict(
        exclude={
            "fields",
            "shares",
            "work_forms",
            "principles",
            "needs",
            "target_groups",
            "responsible",
            "partners",
            "version",
        }
    )
    scalar.update({f"share_{c.lower()}": v for c, v in shares.items()})
    responsible = ensure_actors(project=project, names=[data.responsible or ""])
    scalar["responsible"] = responsible[0] if responsible else None
    related = {
        "work_forms": _codes(WorkForm, data.work_forms, "Arbeitsformen"),
        "principles": _codes(Principle, data.principles, "Prinzipien"),
        "needs": _codes(Need, data.needs, "Bedarfe"),
        "target_groups": _codes(TargetGroup, data.target_groups, "Zielgruppen"),
        "partners": ensure_actors(project=project, names=data.partners),
    }
    return scalar, related


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items()
        )
    return " ".join(error.messages)


@transaction.atomic
def _save(project, user, data: ActivityIn, activity: Activity | None = None) -> Activity:
    """Create or update; new actor names are created, and everything rolls back on an error."""
    scalar, related = _payload(project, data)
    try:
        if activity is None:
            return services.create_activity(
                project=project, user=user, data=scalar, related=related
            )
        return services.update_activity(
            activity=activity,
            user=user,
            data=scalar,
            related=related,
            expected_version=data.version,
        )
    except services.EditConflict as error:
        raise HttpError(409, " ".join(error.messages)) from None
    except ValidationError as error:
        raise HttpError(422, _messages(error)) from None


def _activities(project):
    return (
        Activity.objects.filter(project=project)
        .select_related("responsible")
        .prefetch_related("partners", "work_forms", "principles", "needs", "target_groups")
    )


@router.get("/{slug}/activities", response=list[ActivityOut], summary="Activities of a project")
@paginate(LimitOffsetPagination)
def list_activities(request: HttpRequest, slug: str, filters: Query[ActivityFilter]):
    project = get_project_for_user(request.user, slug)
    activities = _activities(project).search(filters.q)
    if filters.status:
        activities = activities.filter(status=filters.status)
    if filters.field in FIELD_ORDER:
        activities = activities.filter(**{f"share_{filters.field.lower()}__gt": 0})
    if filters.year:
        period = soni_matrix.Period.year(filters.year)
        activities = activities.overlapping(period.start, period.end)
    return activities.order_by("title", "pk")


@router.post("/{slug}/activities", response={201: ActivityOut}, summary="Create an activity")
def create_activity(request: HttpRequest, slug: str, data: ActivityIn):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    activity = _save(project, request.user, data)
    return Status(201, _activities(project).get(pk=activity.pk))


@router.get("/{slug}/activities/{pk}", response=ActivityOut, summary="One activity")
def get_activity(request: HttpRequest, slug: str, pk: int):
    project = get_project_for_user(request.user, slug)
    return get_object_or_404(_activities(project), pk=pk)


@router.put("/{slug}/activities/{pk}", response=ActivityOut, summary="Replace an activity")
def update_activity(request: HttpRequest, slug: str, pk: int, data: ActivityIn):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    activity = get_object_or_404(Activity.objects.filter(project=project), pk=pk)
    _save(project, request.user, data, activity)
    return _activities(project).get(pk=pk)


@router.delete(
    "/{slug}/activities/{pk}", response={204: None}, summary="Move an activity to the trash"
)
def delete_activity(request: HttpRequest, slug: str, pk: int):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    activity = get_object_or_404(Activity.objects.filter(project=project), pk=pk)
    services.trash_activity(activity=activity, user=request.user)
    return Status(204, None)


@router.get("/{slug}/matrix", summary="The SONI matrix (DESIGN §1.1 figures, unrounded)")
def project_matrix(request: HttpRequest, slug: str, query: Query[MatrixQuery]):
    project = get_project_for_user(request.user, slug)
    if query.measure not in soni_matrix.MEASURES:
        raise HttpError(422, f"Unbekanntes Maß „{query.measure}“.")
    try:
        period = soni_matrix.Period.parse(query.period)
    except soni_matrix.PeriodError as error:
        raise HttpError(422, str(error)) from None
    statuses = (
        ("planned", "active", "ended") if query.include_planned else (soni_matrix.DEFAULT_STATUSES)
    )
    return soni_matrix.compute(
        Activity.objects.filter(project=project),
        period=period,
        measure=query.measure,
        statuses=statuses,
        weak_threshold=project.weak_threshold / 100,
        scope={"project": project.slug},
    ).as_json()
