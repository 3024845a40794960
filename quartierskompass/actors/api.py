"""API: a project's actors and ties, and its network (nodes, edges, metrics, signals)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from quartierskompass.accounts.permissions import Access, get_project_for_user
from quartierskompass.actors import network, services
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind

router = Router(tags=["actors and network"])


class ActorIn(Schema):
    name: str
    type: str | None = None
    field: str = ""
    parent: str | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    notes: str = ""
    tags: list[str] = []
    version: int | None = None


class ActorOut(Schema):
    id: int
    version: int
    name: str
    type: str | None
    field: str
    parent: str | None
    address: str
    latitude: float | None
    longitude: float | None
    website: str
    contact_email: str
    contact_phone: str
    notes: str
    tags: list[str]
    area: str | None

    @staticmethod
    def resolve_type(obj: Actor) -> str | None:
        return obj.actor_type.code if obj.actor_type else None

    @staticmethod
    def resolve_parent(obj: Actor) -> str | None:
        return obj.parent.name if obj.parent else None

    @staticmethod
    def resolve_area(obj: Actor) -> str | None:
        return obj.area.code if obj.area else None


class TieIn(Schema):
    source: int
    target: int
    kind: str = "kooperation"
    strength: int = 2
    directed: bool = False
    since: dt.date | None = None
    confirmed: bool = False
    notes: str = ""


class TieOut(Schema):
    id: int
    source: int
    target: int
    kind: str
    strength: int
    directed: bool
    since: dt.date | None
    confirmed: bool
    notes: str

    @staticmethod
    def resolve_source(obj: Tie) -> int:
        return obj.source_id

    @staticmethod
    def resolve_target(obj: Tie) -> int:
        return obj.target_id

    @staticmethod
    def resolve_kind(obj: Tie) -> str:
        return obj.kind.code


class NetworkQuery(Schema):
    kind: list[str] = []
    type: list[str] = []
    ego: int | None = None
    steps: int = 1


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{f}: {' '.join(m)}" for f, m in error.message_dict.items())
    return " ".join(error.messages)


def _actors(project):
    return Actor.objects.filter(project=project).select_related("actor_type", "parent", "area")


def _actor_data(project, data: ActorIn) -> dict:
    actor_type = None
    if data.type:
        actor_type = ActorType.objects.filter(code=data.type).first()
        if actor_type is None:
            raise HttpError(422, f"Unbekannter Akteurstyp „{data.type}“.")
    parent = None
    if data.parent:
        parent = Actor.objects.filter(project=project, name__iexact=data.parent).first()
        if parent is None:
            raise HttpError(422, f"Kein Akteur „{data.parent}“ in diesem Projekt.")
    values = data.dict(exclude={"type", "parent", "version"})
    return {**values, "actor_type": actor_type, "parent": parent}


@transaction.atomic
def _save_actor(project, user, data: ActorIn, actor=None) -> Actor:
    try:
        return services.save_actor(
            project=project,
            user=user,
            data=_actor_data(project, data),
            actor=actor,
            expected_version=data.version,
        )
    except services.EditConflict as error:
        raise HttpError(409, " ".join(error.messages)) from None
    except ValidationError as error:
        raise HttpError(422, _messages(error)) from None


@router.get("/{slug}/actors", response=list[ActorOut], summary="Actors of a project")
@paginate(LimitOffsetPagination)
def list_actors(request: HttpRequest, slug: str, q: str = ""):
    project = get_project_for_user(request.user, slug)
    actors = _actors(project)
    return actors.filter(name__icontains=q) if q else actors


@router.post("/{slug}/actors", response={201: ActorOut}, summary="Create an actor")
def create_actor(request: HttpRequest, slug: str, data: ActorIn):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    actor = _save_actor(project, request.user, data)
    return Status(201, _actors(project).get(pk=actor.pk))


@router.get("/{slug}/actors/{pk}", response=ActorOut, summary="One actor")
def get_actor(request: HttpRequest, slug: str, pk: int):
    project = get_project_for_user(request.user, slug)
    return get_object_or_404(_actors(project), pk=pk)


@router.put("/{slug}/actors/{pk}", response=ActorOut, summary="Replace an actor")
def update_actor(request: HttpRequest, slug: str, pk: int, data: ActorIn):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    actor = get_object_or_404(Actor.objects.filter(project=project), pk=pk)
    _save_actor(project, request.user, data, actor)
    return _actors(project).get(pk=pk)


@router.get("/{slug}/ties", response=list[TieOut], summary="Ties of a project")
@paginate(LimitOffsetPagination)
def list_ties(request: HttpRequest, slug: str):
    project = get_project_for_user(request.user, slug)
    return Tie.objects.filter(project=project).select_related("kind")


@router.post("/{slug}/ties", response={201: TieOut}, summary="Create a tie")
def create_tie(request: HttpRequest, slug: str, data: TieIn):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    actors = {
        a.pk: a for a in Actor.objects.filter(project=project, pk__in=[data.source, data.target])
    }
    kind = TieKind.objects.filter(code=data.kind).first()
    if data.source not in actors or data.target not in actors:
        raise HttpError(422, "Beide Akteure müssen zu diesem Projekt gehören.")
    if kind is None:
        raise HttpError(422, f"Unbekannte Art der Beziehung „{data.kind}“.")
    values = data.dict(exclude={"source", "target", "kind"})
    try:
        tie = services.save_tie(
            project=project,
            user=request.user,
            data={
                **values,
                "source": actors[data.source],
                "target": actors[data.target],
                "kind": kind,
            },
        )
    except ValidationError as error:
        raise HttpError(422, _messages(error)) from None
    return Status(201, tie)


@router.delete("/{slug}/ties/{pk}", response={204: None}, summary="Delete a tie")
def delete_tie(request: HttpRequest, slug: str, pk: int):
    project = get_project_for_user(request.user, slug, Access.WRITE)
    tie = get_object_or_404(Tie.objects.filter(project=project), pk=pk)
    services.delete_tie(tie=tie, user=request.user)
    return Status(204, None)


@router.get("/{slug}/network", summary="Nodes, edges, metrics and SONI signals")
def project_network(request: HttpRequest, slug: str, query: Query[NetworkQuery]):
    project = get_project_for_user(request.user, slug)
    if query.steps not in (1, 2):
        raise HttpError(422, "steps ist 1 oder 2.")
    return network.graph_data(
        project,
        kinds=query.kind or None,
        types=query.type or None,
        ego=query.ego,
        steps=query.steps,
    )
