"""Recommendations (DESIGN §3 step 5): rules over the matrix, the network, the needs and the
last SONI-Werkstatt, each with the numbers that triggered it and the work forms and methods
of the model that would answer it.

Every rule is a pure function over figures the other modules already compute – the matrix of
the year (`soni.matrix.compute` with the project's weak threshold), the network signals
(`actors.network.signals`), Bedarf–Bestand (`planning.needs.coverage`) and the ratings of the
latest finished workshop – so a recommendation never disagrees with the page it points to.

Rule ids are stable (they are stored with decisions and goals). A recommendation's
``fingerprint`` is rule + subject + year: a dismissed recommendation stays away for that year
and comes back when the subject is new (another field, need, broker or workshop) or a new
year begins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from quartierskompass.accounts.models import Project
from quartierskompass.planning.recommendations.base import (
    BUSY_SHARE,
    FEW_BRIDGES_MIN_ACTIVITIES,
    FEW_BRIDGES_SHARE,
    ONE_LEVEL_SHARE,
    PRIORITY,
    RATED_STRONG,
    RATED_WEAK,
    RULE_LABELS,
    UNMET_SEARCHES_MIN,
    Fact,
    Facts,
    Recommendation,
    gather,
)
from quartierskompass.planning.recommendations.matrix_rules import (
    few_bridges,
    one_level,
    weak_field,
)
from quartierskompass.planning.recommendations.need_rules import need_gap, unmet_searches
from quartierskompass.planning.recommendations.network_rules import no_system_tie, one_broker
from quartierskompass.planning.recommendations.workshop_rules import (
    rated_strong_empty,
    rated_weak_busy,
)

__all__ = [
    "BUSY_SHARE",
    "FEW_BRIDGES_MIN_ACTIVITIES",
    "FEW_BRIDGES_SHARE",
    "ONE_LEVEL_SHARE",
    "PRIORITY",
    "RATED_STRONG",
    "RATED_WEAK",
    "RULES",
    "RULE_LABELS",
    "UNMET_SEARCHES_MIN",
    "Fact",
    "Facts",
    "Recommendation",
    "gather",
    "recommendations",
]

RULES: list[Callable[[Facts], list[Recommendation]]] = [
    weak_field,
    one_level,
    few_bridges,
    no_system_tie,
    one_broker,
    need_gap,
    unmet_searches,
    rated_strong_empty,
    rated_weak_busy,
]


def recommendations(
    project: Project, *, year: int | None = None, today: date | None = None
) -> list[Recommendation]:
    """Every recommendation for the project in ``year`` (default: this year), most important
    first. Decisions are not applied here (see `decisions.overview`)."""
    facts = gather(project, year=year, today=today)
    found: list[Recommendation] = []
    for rule in RULES:
        found += rule(facts)
    # The workshop rule says more about a field than weak-field: perhaps the data is short.
    rated = {r.subject.split("-")[0] for r in found if r.rule == "rated-strong-empty"}
    found = [r for r in found if not (r.rule == "weak-field" and r.subject in rated)]
    # Stable: within one rule, the order the rule gave (S, O, N, I; most evidence first).
    return sorted(found, key=lambda r: -r.priority)
