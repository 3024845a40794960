from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from quartierskompass.accounts.models import Project
from quartierskompass.accounts.permissions import get_project_for_user

router = Router(tags=["projects"])


class ProjectOut(Schema):
    slug: str
    name: str
    description: str
    programme: str | None
    role: str | None


def _out(project: Project, role: str | None) -> ProjectOut:
    return ProjectOut(
        slug=project.slug,
        name=project.name,
        description=project.description,
        programme=project.programme.slug if project.programme else None,
        role=role,
    )


@router.get("", response=list[ProjectOut], summary="Projects you may read")
def list_projects(request: HttpRequest):
    projects = Project.objects.visible_to(request.user).select_related("programme")
    return [_out(p, p.role_for(request.user)) for p in projects]


@router.get("/{slug}", response=ProjectOut, summary="One project")
def get_project(request: HttpRequest, slug: str):
    project = get_project_for_user(request.user, slug)
    return _out(project, project.current_role)
