from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quartierskompass.soni.model import (
    FIELD_LEVEL,
    FIELD_ORDER,
    FIELD_REFERENCE,
    FIELD_SIDE,
    FIELD_SUMMARY,
    Field,
)
from quartierskompass.soni.models import GuidingQuestion, Principle, WorkForm
from quartierskompass.soni.svg import model_diagram


def model_page(request: HttpRequest) -> HttpResponse:
    """Das SONI-Modell: the 2×2 picture and each field with its work forms and questions.

    Public: a newcomer may read what the model is before having an account.
    """
    work_forms = list(WorkForm.objects.all())
    questions = list(GuidingQuestion.objects.all())
    fields = [
        {
            "code": code,
            "name": Field(code).label,
            "level": FIELD_LEVEL[code],
            "side": FIELD_SIDE[code],
            "reference": FIELD_REFERENCE[code],
            "summary": FIELD_SUMMARY[code],
            "work_forms": [w for w in work_forms if w.field == code],
            "questions": [q for q in questions if q.field == code],
        }
        for code in FIELD_ORDER
    ]
    context = {
        "fields": fields,
        "diagram": model_diagram(link_prefix="#feld-"),
        "principles": Principle.objects.all(),
    }
    return render(request, "soni/model.html", context)
