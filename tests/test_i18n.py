"""German first: every string in the code is in the German catalogue, translated."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quartierskompass"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_the_german_catalogue_is_complete_and_current(tmp_path):
    copy = tmp_path / "quartierskompass"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "de",
            "--no-location",
            "-i",
            "migrations/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "quartierskompass.settings",
            "QK_DATA_DIR": str(tmp_path / "data"),
        },
    )
    po = copy / "locale" / "de" / "LC_MESSAGES" / "django.po"
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"{stats.strip()} – run `cd quartierskompass && quartierskompass makemessages -l de "
        "--no-location` and translate the new strings in locale/de/LC_MESSAGES/django.po"
    )


def test_german_is_the_default_and_english_can_be_chosen(client, db):
    assert "Anmelden" in client.get("/konto/anmelden/").content.decode()
    client.post("/sprache/", {"language": "en", "next": "/konto/anmelden/"})
    html = client.get("/konto/anmelden/").content.decode()
    assert '<html lang="en">' in html and "Log in" in html
