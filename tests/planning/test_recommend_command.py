"""`quartierskompass recommend`: German lines with the numbers, or JSON as DESIGN §4 says."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from quartierskompass.planning import decisions

from .recommendation_data import YEAR, activities

FINGERPRINT = f"weak-field.S.{YEAR}"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("recommend", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def weak_s(projekt):
    activities(projekt, S=1, N=6, I=7, ON=6)


def test_json_is_a_list_of_recommendations_with_their_numbers(projekt, weak_s):
    data = json.loads(run("--project", projekt.slug, "--year", str(YEAR), "--json"))
    assert [r["rule"] for r in data] == ["weak-field"]
    rec = data[0]
    assert {"rule", "fields", "title", "text", "evidence", "work_forms", "methods"} <= set(rec)
    assert rec["fields"] == ["S"] and rec["fingerprint"] == FINGERPRINT
    assert rec["evidence"] == {
        "field": "S",
        "share": pytest.approx(0.05),
        "threshold": 0.1,
        "cell": 1.0,
        "activities": 20,
    }
    assert rec["work_forms"][0]["code"] == "s-analyse"
    assert rec["methods"][0]["code"] == "stadtteilbegehung"


def test_human_output_is_german_with_the_numbers(projekt, weak_s):
    text = run("--project", projekt.slug, "--year", str(YEAR))
    assert text.startswith(f"Empfehlungen für Quartiersprojekt Nordstadt – {YEAR}")
    assert "1. Das Feld Sozialstruktur stärken" in text
    assert "Warum? Anteil Sozialstruktur: 5 %; Schwach unter: 10 %" in text
    assert "Arbeitsformen: Sozialraumanalyse" in text
    assert "Methoden: Strukturierte Stadtteilbegehung" in text
    assert f"Kennung: {FINGERPRINT}" in text


def test_decided_recommendations_are_left_out(projekt, mitarbeiter, weak_s):
    decisions.dismiss(
        project=projekt, user=mitarbeiter, fingerprint=FINGERPRINT, reason="kommt 2026"
    )
    assert json.loads(run("--project", projekt.slug, "--year", str(YEAR), "--json")) == []
    assert "Keine offenen Empfehlungen." in run("--project", projekt.slug, "--year", str(YEAR))


def test_the_year_defaults_to_now(projekt, weak_s):
    data = json.loads(run("--project", projekt.slug, "--json"))
    assert data[0]["fingerprint"] == f"weak-field.S.{timezone.localdate().year}"


def test_an_unknown_project_is_named(db):
    with pytest.raises(CommandError, match="Kein Projekt „gibtsnicht“"):
        run("--project", "gibtsnicht")


def test_a_silly_year_is_refused(projekt):
    with pytest.raises(CommandError, match="kein sinnvolles Jahr"):
        run("--project", projekt.slug, "--year", "25")
