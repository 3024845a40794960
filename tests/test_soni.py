from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from quartierskompass.soni import content
from quartierskompass.soni.model import FIELD_LEVEL, FIELD_SIDE, Field, Level, Side
from quartierskompass.soni.models import GuidingQuestion, Principle, WorkForm


class TestModelAsData:
    def test_four_fields_on_two_levels_and_two_sides(self):
        assert [f.value for f in Field] == ["S", "O", "N", "I"]
        assert [c for c in "SONI" if FIELD_LEVEL[c] == Level.SYSTEM] == ["S", "O"]
        assert [c for c in "SONI" if FIELD_SIDE[c] == Side.FIELD] == ["S", "N"]

    def test_twelve_work_forms_three_per_field(self, db):
        assert WorkForm.objects.count() == 12
        for code in "SONI":
            assert WorkForm.objects.filter(field=code).count() == 3

    def test_five_principles_and_at_least_three_questions_per_field(self, db):
        assert Principle.objects.count() == 5
        for code in "SONI":
            assert GuidingQuestion.objects.filter(field=code).count() >= 3

    @pytest.mark.parametrize(
        "items", [content.WORK_FORMS, content.PRINCIPLES, content.GUIDING_QUESTIONS]
    )
    def test_every_text_has_german_and_english_wording(self, items):
        for item in items:
            for key in ("label", "description", "text"):
                if key in item:
                    assert item[key]["de"].strip() and item[key]["en"].strip()
                    assert item[key]["de"] != item[key]["en"], item["code"]

    def test_codes_are_unique_and_stable_slugs(self):
        for items in (content.WORK_FORMS, content.PRINCIPLES, content.GUIDING_QUESTIONS):
            codes = [i["code"] for i in items]
            assert len(codes) == len(set(codes))
            assert all(re.fullmatch(r"[a-z0-9-]+", c) for c in codes)

    def test_work_forms_follow_the_seed_wording(self, db):
        seed_phrases = {
            "s-analyse": "Bestand feststellen, Bedarf ermitteln",
            "o-koordinierung": "trägerübergreifenden Angebote",
            "n-empowerment": "Quartiersbezogenes Empowerment",
            "i-case-management": "Case-Management",
        }
        for code, phrase in seed_phrases.items():
            assert phrase.lower() in WorkForm.objects.get(code=code).label_de.lower()

    def test_labels_follow_the_active_language(self, db):
        work_form = WorkForm.objects.get(code="i-case-management")
        with translation.override("en"):
            assert work_form.label.startswith("Coordinating")
        with translation.override("de"):
            assert work_form.label.startswith("Fallbezogene")

    def test_sync_updates_changed_wording_by_code(self, db):
        from quartierskompass.soni.services import sync_model

        WorkForm.objects.filter(code="s-analyse").update(label_de="veraltet")
        sync_model()
        assert WorkForm.objects.get(code="s-analyse").label_de.startswith("Sozialraumanalyse")
        assert WorkForm.objects.count() == 12


class TestModelPage:
    def test_is_public_and_german_by_default(self, client, db):
        response = client.get(reverse("soni:model"))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="de">' in html
        assert "Sozialstruktur" in html

    def test_shows_the_2x2_picture_with_a_text_alternative_and_focusable_fields(self, client, db):
        html = client.get(reverse("soni:model")).content.decode()
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert "<title id=" in svg and "<desc id=" in svg
        assert re.search(r'aria-labelledby="soni-model-title soni-model-desc"', svg)
        links = re.findall(r'<a class="soni-cell" href="#feld-([SONI])">', svg)
        assert links == ["S", "O", "N", "I"]
        for code in "SONI":
            assert f'id="feld-{code}"' in html

    def test_explains_each_field_with_its_work_forms_and_questions(self, client, db):
        html = client.get(reverse("soni:model")).content.decode()
        for work_form in WorkForm.objects.all():
            assert work_form.label_de.replace("„", "&#x27;")[:20] in html or (
                work_form.label_de[:20] in html
            )
        for question in GuidingQuestion.objects.all():
            assert question.text_de[:30] in html

    def test_english_when_chosen(self, client, db):
        client.post(reverse("set_language"), {"language": "en", "next": "/soni-modell/"})
        html = client.get(reverse("soni:model")).content.decode()
        assert '<html lang="en">' in html
        assert "Social structure" in html
        assert "Coordinating individual help" in html

    def test_sends_a_strict_content_security_policy(self, client, db):
        policy = client.get(reverse("soni:model"))["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_api_serves_the_model(client, db):
    data = client.get("/api/v1/soni").json()
    assert [f["code"] for f in data["fields"]] == ["S", "O", "N", "I"]
    assert {f["level"] for f in data["fields"]} == {"system", "lebenswelt"}
    assert len(data["work_forms"]) == 12
    assert data["work_forms"][0]["label"]["de"].startswith("Sozialraumanalyse")
