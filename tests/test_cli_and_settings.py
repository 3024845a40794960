"""The console command and the settings read from the environment."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command

from quartierskompass.accounts.models import Membership, Programme, Project, Role, User
from quartierskompass.core.management.commands.demo import DEMO_PASSWORD
from quartierskompass.lib import env


def run_qk(*args: str, tmp_path, **extra_env: str) -> subprocess.CompletedProcess:
    environ = {
        "PATH": os.environ["PATH"],
        "QK_DATA_DIR": str(tmp_path / "data"),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "quartierskompass", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )


class TestEnvReaders:
    def test_booleans_accept_common_spellings_and_refuse_typos(self):
        assert env.env_bool("X", False, environ={"X": "ja"}) is True
        assert env.env_bool("X", True, environ={"X": "OFF"}) is False
        assert env.env_bool("X", True, environ={}) is True
        with pytest.raises(env.EnvError, match="X='ture'"):
            env.env_bool("X", False, environ={"X": "ture"})

    def test_numbers_lists_and_choices(self):
        assert env.env_int("P", 25, environ={"P": " 587 "}) == 587
        with pytest.raises(env.EnvError, match="whole number"):
            env.env_int("P", 25, environ={"P": "5x"})
        with pytest.raises(env.EnvError, match="minimum"):
            env.env_int("P", 25, minimum=1, environ={"P": "0"})
        assert env.env_list("H", [], environ={"H": "a.de, b.de,,"}) == ["a.de", "b.de"]
        with pytest.raises(env.EnvError, match="one of"):
            env.env_choice("M", "console", ("console", "smtp"), environ={"M": "smpt"})

    def test_secret_is_created_once_with_private_permissions(self, tmp_path):
        path = tmp_path / "secret_key"
        first = env.read_or_create_secret(path)
        assert env.read_or_create_secret(path) == first
        assert len(first) >= 50
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


class TestConsoleCommand:
    def test_without_arguments_it_lists_our_commands(self, tmp_path):
        result = run_qk(tmp_path=tmp_path)
        assert result.returncode == 0
        for name in ("serve", "demo", "check"):
            assert name in result.stdout

    def test_check_passes_and_a_secret_key_is_generated(self, tmp_path):
        result = run_qk("check", tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "data" / "secret_key").exists()

    def test_a_bad_setting_stops_the_start_with_its_name(self, tmp_path):
        result = run_qk("check", tmp_path=tmp_path, DEBUG="ture")
        assert result.returncode != 0
        assert "DEBUG='ture' is not a boolean" in result.stderr

    def test_production_settings_pass_the_deploy_check(self, tmp_path):
        result = run_qk(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            tmp_path=tmp_path,
            DEBUG="false",
            SECRET_KEY="x" * 20 + "-Produktion-9f8e7d6c5b4a3210-abcdefghijk",
            ALLOWED_HOSTS="quartier.example.org",
            QK_BEHIND_PROXY="true",
            EMAIL_BACKEND="smtp",
            EMAIL_HOST="mail.example.org",
            EMAIL_PORT="587",
            EMAIL_USE_TLS="true",
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(self, tmp_path):
        code = (
            "import django; django.setup();"
            "from django.db import connection;"
            "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
            "print(connection.settings_dict['OPTIONS']['timeout'])"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={
                "PATH": os.environ["PATH"],
                "QK_DATA_DIR": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "quartierskompass.settings",
            },
        )
        assert result.stdout.split() == ["wal", "20"], result.stderr


class TestDemo:
    def test_demo_creates_one_login_per_role_and_can_run_twice(self, db, capsys):
        call_command("demo")
        call_command("demo")
        out = capsys.readouterr().out
        assert out.count(DEMO_PASSWORD) == 2
        assert Programme.objects.count() == 1
        assert Project.objects.count() == 2
        project = Project.objects.get(slug="falkenhagener-feld")
        roles = {
            username: project.role_for(User.objects.get(username=username))
            for username in (
                "demo-leitung",
                "demo-mitarbeit",
                "demo-ehrenamt",
                "demo-koordination",
                "demo-extern",
            )
        }
        assert roles == {
            "demo-leitung": Role.OWNER,
            "demo-mitarbeit": Role.EDITOR,
            "demo-ehrenamt": Role.VIEWER,
            "demo-koordination": Role.COORDINATOR,
            "demo-extern": None,
        }
        assert Membership.objects.count() == 4
        assert User.objects.get(username="demo-leitung").check_password(DEMO_PASSWORD)
        for username in roles:
            assert username in out


def test_the_suite_runs_on_the_database_it_was_given(db):
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith("postgres") else "sqlite")


class TestControlCharacters:
    """PostgreSQL refuses NUL in text; both databases must refuse it the same way, politely."""

    def test_models_refuse_control_characters(self, db):
        from django.core.exceptions import ValidationError

        project = Project(slug="x", name="Quartier\x00Nord")
        with pytest.raises(ValidationError) as error:
            project.full_clean()
        assert "name" in error.value.message_dict

    def test_a_form_with_a_nul_byte_is_refused_and_nothing_changes(
        self, client_for, projekt, koordinatorin
    ):
        from django.urls import reverse

        response = client_for(koordinatorin).post(
            reverse("accounts:project_edit", args=[projekt.slug]),
            {
                "name": "Neu\x00er Name",
                "description": "Be\x01schreibung",
                "weak_threshold": 10,
                "review_after_months": 12,
                "hide_after_months": 18,
            },
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"name", "description"}
        projekt.refresh_from_db()
        assert projekt.name == "Quartiersprojekt Nordstadt"


def test_the_access_log_keeps_no_search_words():
    """Hilfelotse searches travel in the query string; the server log gets the path only."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from quartierskompass.core.management.commands.serve import ACCESS_LOG_FORMAT

    config = Config()
    config.set("access_log_format", ACCESS_LOG_FORMAT)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/projekte/p/hilfelotse/?bedarf=sucht&alter=16&text=Schulden",
        "PATH_INFO": "/projekte/p/hilfelotse/",
        "QUERY_STRING": "bedarf=sucht&alter=16&text=Schulden",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "/projekte/p/hilfelotse/?text=Schulden",
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[])
    atoms = Logger(config).atoms(response, request, environ, timedelta(milliseconds=12))
    line = ACCESS_LOG_FORMAT % atoms
    assert '"GET /projekte/p/hilfelotse/ HTTP/1.1" 200 1234' in line
    assert "Schulden" not in line and "sucht" not in line and "16" not in line.split('"')[1]
