"""The parts every rule shares: thresholds, the recommendation itself and the facts it is
computed from (`gather`: matrix, network signals, Bedarf–Bestand, the last workshop)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from quartierskompass.accounts.models import Project
from quartierskompass.activities.models import Activity
from quartierskompass.actors import network
from quartierskompass.actors.models import Actor
from quartierskompass.core.formats import number, percent
from quartierskompass.core.models import pick_language
from quartierskompass.planning.methods import METHODS
from quartierskompass.planning.models import Workshop
from quartierskompass.planning.needs import Coverage, coverage
from quartierskompass.soni.content import WORK_FORMS
from quartierskompass.soni.matrix import Matrix, Period, compute
from quartierskompass.soni.model import FIELD_ORDER, Field

# Thresholds of the rules. The weak-field threshold is the project's own setting.
ONE_LEVEL_SHARE = 0.90  # one-level: at least this share of the work on one level
FEW_BRIDGES_SHARE = 0.10  # few-bridges: fewer than this share of activities are bridges …
FEW_BRIDGES_MIN_ACTIVITIES = 5  # … and only with at least this many activities
UNMET_SEARCHES_MIN = 3  # unmet-searches: this many unmet Hilfelotse searches for one need
RATED_STRONG = 2  # rated-strong-empty: the workshop rated the field at least this …
RATED_WEAK = 1  # rated-weak-busy: … or at most this (ratings go from 0 to 3)
BUSY_SHARE = 0.35  # rated-weak-busy: while at least this share of the work lies there
SMALL_COUNT = 3  # search counts below 3 are shown as “< 3” (DESIGN §6)
EPSILON = 1e-9  # shares are sums of floats: 9 of 10 activities must count as 90 %

# Base importance per rule; each rule adds up to 9 for the size of the problem.
PRIORITY = {
    "no-system-tie": 90,
    "need-gap": 80,
    "unmet-searches": 70,
    "weak-field": 60,
    "rated-strong-empty": 50,
    "one-level": 40,
    "one-broker": 30,
    "few-bridges": 20,
    "rated-weak-busy": 10,
}

# A short name per rule, e.g. for a dismissed recommendation whose facts have changed since.
RULE_LABELS = {
    "weak-field": gettext_lazy("A weak field"),
    "one-level": gettext_lazy("Everything on one level"),
    "few-bridges": gettext_lazy("Few bridges between the levels"),
    "no-system-tie": gettext_lazy("No tie to offices and committees"),
    "one-broker": gettext_lazy("Much depends on one actor"),
    "need-gap": gettext_lazy("A need without an activity"),
    "unmet-searches": gettext_lazy("Many unmet searches"),
    "rated-strong-empty": gettext_lazy("Rated strong, empty in the data"),
    "rated-weak-busy": gettext_lazy("Rated weak, busy in the data"),
}

FIELD_WORK_FORMS = {
    code: [w["code"] for w in WORK_FORMS if w["field"] == code] for code in FIELD_ORDER
}
FIELD_METHODS = {code: [m["code"] for m in METHODS if m["field"] == code] for code in FIELD_ORDER}
_WORK_FORMS = {w["code"]: w for w in WORK_FORMS}
_METHODS = {m["code"]: m for m in METHODS}


def field_name(code: str) -> str:
    return str(Field(code).label)


@dataclass
class Fact:
    """One number behind a recommendation, for „Warum?“: ``kind`` says how to show it –
    ``num``, ``pct`` (a share 0–1) or ``small`` (a search count, shown as “< 3” below 3)."""

    label: str
    value: float | int
    kind: str = "num"

    def display(self) -> str:
        if self.kind == "pct":
            return percent(self.value)
        if self.kind == "small" and 0 < self.value < SMALL_COUNT:
            return f"< {SMALL_COUNT}"
        return number(self.value, 0 if float(self.value).is_integer() else 1)


@dataclass
class Recommendation:
    rule: str
    subject: str  # what it is about: a field code, a need code, an actor, …
    year: int
    fields: list[str]
    title: str
    text: str
    evidence: dict[str, Any]
    facts: list[Fact]
    work_forms: list[str]
    methods: list[str]
    priority: float = 0
    goal: dict[str, Any] = field(default_factory=dict)  # prefilled values of the goal
    goal_text: str = ""  # the goal's wording when it differs from the title

    def __post_init__(self) -> None:
        self.fields = [code for code in FIELD_ORDER if code in self.fields]
        self.goal_text = self.goal_text or self.title

    @property
    def fingerprint(self) -> str:
        return f"{self.rule}.{self.subject}.{self.year}"

    @property
    def field_items(self) -> list[tuple[str, str]]:
        return [(code, field_name(code)) for code in self.fields]

    @property
    def work_form_items(self) -> list[dict[str, str]]:
        return [
            {"code": code, "field": item["field"], "label": pick_language(**item["label"])}
            for code in self.work_forms
            if (item := _WORK_FORMS.get(code))
        ]

    @property
    def method_items(self) -> list[dict[str, str]]:
        return [
            {"code": code, "field": item["field"], "label": pick_language(**item["label"])}
            for code in self.methods
            if (item := _METHODS.get(code))
        ]

    def as_json(self) -> dict[str, Any]:
        """The object `quartierskompass recommend --json` prints (DESIGN §4)."""
        return {
            "rule": self.rule,
            "fingerprint": self.fingerprint,
            "fields": list(self.fields),
            "title": self.title,
            "text": self.text,
            "evidence": self.evidence,
            "work_forms": self.work_form_items,
            "methods": self.method_items,
        }


@dataclass
class Facts:
    """What the rules look at, computed once per call."""

    project: Project
    year: int
    matrix: Matrix
    signals: list[network.Signal]
    network_size: tuple[int, int]  # actors, ties
    needs: list[Coverage]
    workshop: Workshop | None
    brokers: dict[int, str] = field(default_factory=dict)  # actor pk → name

    @property
    def threshold(self) -> float:
        return self.matrix.weak_threshold


def gather(project: Project, *, year: int | None = None, today: date | None = None) -> Facts:
    today = today or timezone.localdate()
    year = year or today.year
    period = Period.year(year)
    matrix = compute(
        Activity.objects.filter(project=project),
        period=period,
        weak_threshold=project.weak_threshold / 100,
    )
    graph, _actors = network.project_graph(project)
    signals = network.signals(project, graph=graph) if graph.number_of_nodes() else []
    broker_ids = [s.evidence["actor"] for s in signals if s.key == "single-broker"]
    workshop = (
        Workshop.objects.filter(project=project, finished_at__isnull=False)
        .order_by("-date", "-finished_at", "-pk")
        .first()
    )
    return Facts(
        project=project,
        year=year,
        matrix=matrix,
        signals=signals,
        network_size=(graph.number_of_nodes(), graph.number_of_edges()),
        needs=coverage(project, period=period, today=today),
        workshop=workshop,
        brokers=dict(Actor.objects.filter(pk__in=broker_ids).values_list("pk", "name")),
    )
