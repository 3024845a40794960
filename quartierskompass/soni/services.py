"""Keeps the SONI model's rows in the database in step with `content.py`."""

from __future__ import annotations

from django.db import transaction

from quartierskompass.soni import content
from quartierskompass.soni.models import GuidingQuestion, Principle, WorkForm


@transaction.atomic
def sync_model() -> dict[str, int]:
    """Create or update every work form, principle and guiding question by its code."""
    for position, item in enumerate(content.WORK_FORMS):
        WorkForm.objects.update_or_create(
            code=item["code"],
            defaults={
                "field": item["field"],
                "position": position,
                "label_de": item["label"]["de"],
                "label_en": item["label"]["en"],
                "description_de": item["description"]["de"],
                "description_en": item["description"]["en"],
            },
        )
    for position, item in enumerate(content.PRINCIPLES):
        Principle.objects.update_or_create(
            code=item["code"],
            defaults={
                "position": position,
                "label_de": item["label"]["de"],
                "label_en": item["label"]["en"],
                "description_de": item["description"]["de"],
                "description_en": item["description"]["en"],
            },
        )
    for position, item in enumerate(content.GUIDING_QUESTIONS):
        GuidingQuestion.objects.update_or_create(
            code=item["code"],
            defaults={
                "field": item["field"],
                "position": position,
                "text_de": item["text"]["de"],
                "text_en": item["text"]["en"],
            },
        )
    return {
        "work_forms": len(content.WORK_FORMS),
        "principles": len(content.PRINCIPLES),
        "guiding_questions": len(content.GUIDING_QUESTIONS),
    }


def sync_model_after_migrate(**kwargs) -> None:
    sync_model()
