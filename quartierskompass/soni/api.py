from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from quartierskompass.soni.model import FIELD_LEVEL, FIELD_ORDER, FIELD_SIDE, Field
from quartierskompass.soni.models import GuidingQuestion, Principle, WorkForm

router = Router(tags=["SONI model"])


class Bilingual(Schema):
    de: str
    en: str


class WorkFormOut(Schema):
    code: str
    field: str
    label: Bilingual


class PrincipleOut(Schema):
    code: str
    label: Bilingual


class QuestionOut(Schema):
    code: str
    field: str
    text: Bilingual


class FieldOut(Schema):
    code: str
    name: str
    level: str
    side: str


class ModelOut(Schema):
    fields: list[FieldOut]
    work_forms: list[WorkFormOut]
    principles: list[PrincipleOut]
    guiding_questions: list[QuestionOut]


@router.get("", response=ModelOut, auth=None, summary="The SONI model as data")
def soni_model(request: HttpRequest):
    return {
        "fields": [
            {
                "code": code,
                "name": str(Field(code).label),
                "level": FIELD_LEVEL[code].value,
                "side": FIELD_SIDE[code].value,
            }
            for code in FIELD_ORDER
        ],
        "work_forms": [
            {"code": w.code, "field": w.field, "label": {"de": w.label_de, "en": w.label_en}}
            for w in WorkForm.objects.all()
        ],
        "principles": [
            {"code": p.code, "label": {"de": p.label_de, "en": p.label_en}}
            for p in Principle.objects.all()
        ],
        "guiding_questions": [
            {"code": q.code, "field": q.field, "text": {"de": q.text_de, "en": q.text_en}}
            for q in GuidingQuestion.objects.all()
        ],
    }
