"""Personas and shared fixtures.

The names say the role: ``koordinatorin`` owns the project, ``mitarbeiter`` edits,
``ehrenamtlicher`` may only read, ``programmleitung`` coordinates the programme and reads every
project of it, ``fremde_person`` belongs to another project.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.utils import translation

from quartierskompass.accounts.models import Membership, Programme, Project, Role, User


@pytest.fixture(autouse=True)
def _fail_on_logged_errors(request):
    """A logged error fails the test, unless the test is marked ``allow_error_logs``."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.ERROR)
    root = logging.getLogger()
    root.addHandler(handler)
    yield
    root.removeHandler(handler)
    if records and not request.node.get_closest_marker("allow_error_logs"):
        pytest.fail("Errors were logged: " + "; ".join(r.getMessage() for r in records))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (German).

    A request in English through the test client leaves English active in the thread, and the
    next test on that worker would format numbers and dates in English.
    """
    translation.deactivate()
    yield
    translation.deactivate()


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_error_logs: the test expects logged errors")


@pytest.fixture
def programm(db) -> Programme:
    return Programme.objects.create(slug="aufbruch", name="Aufbruch Quartier")


@pytest.fixture
def projekt(programm) -> Project:
    return Project.objects.create(
        slug="nordstadt", name="Quartiersprojekt Nordstadt", programme=programm
    )


@pytest.fixture
def anderes_projekt(db) -> Project:
    return Project.objects.create(slug="suedstadt", name="Kiezprojekt Südstadt")


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password=None, **extra
    )


def make_member(project: Project, username: str, role: str) -> User:
    user = make_user(username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


@pytest.fixture
def koordinatorin(projekt) -> User:
    return make_member(projekt, "koordinatorin", Role.OWNER)


@pytest.fixture
def mitarbeiter(projekt) -> User:
    return make_member(projekt, "mitarbeiter", Role.EDITOR)


@pytest.fixture
def ehrenamtlicher(projekt) -> User:
    return make_member(projekt, "ehrenamtlicher", Role.VIEWER)


@pytest.fixture
def fremde_person(anderes_projekt) -> User:
    return make_member(anderes_projekt, "fremde_person", Role.OWNER)


@pytest.fixture
def programmleitung(programm) -> User:
    user = make_user("programmleitung")
    programm.coordinators.add(user)
    return user


@pytest.fixture
def client_for():
    """A logged-in test client for a persona (``None`` gives an anonymous client)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session", autouse=True)
def _close_stray_postgres_sessions(django_db_setup, django_db_blocker):
    """Let the test database be dropped even if a thread forgot its connection.

    Live-server threads and Playwright's greenlets each get their own connection; under
    ``-n 2`` one of them is now and then still open (idle after a ROLLBACK) when the session
    ends, and PostgreSQL refuses to drop a database that is in use.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
