"""Rules over Bedarf–Bestand (`planning.needs.coverage`): need-gap, unmet-searches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartierskompass.planning.needs import SEARCH_WINDOW_DAYS, Coverage
from quartierskompass.planning.recommendations.base import (
    PRIORITY,
    UNMET_SEARCHES_MIN,
    Fact,
    Facts,
    Recommendation,
)

EVIDENCE_SOURCES = {
    "indicator": gettext_lazy("striking social indicators"),
    "search": gettext_lazy("unmet searches in the Hilfelotse"),
    "finding": gettext_lazy("findings from your explorations"),
    "register": gettext_lazy("your needs register"),
}


def _need_facts(row: Coverage, year: int) -> list[Fact]:
    evidence = row.evidence
    facts = [
        Fact(_("Activities for this need in %(year)s") % {"year": year}, row.activities),
        Fact(_("Striking indicators"), len(evidence.indicators)),
        Fact(_("Unmet searches in the Hilfelotse (12 months)"), evidence.unmet_searches, "small"),
        Fact(_("Findings from explorations"), len(evidence.findings)),
        Fact(_("Entries in the needs register"), len(evidence.register)),
    ]
    return [facts[0], *(f for f in facts[1:] if f.value)]


def _need_evidence(row: Coverage) -> dict[str, Any]:
    evidence = row.evidence
    return {
        "need": row.need.code,
        "activities": row.activities,
        "indicators": len(evidence.indicators),
        "unmet_searches": evidence.unmet_searches,
        "searches": evidence.searches,
        "findings": len(evidence.findings),
        "register": len(evidence.register),
    }


def _need_goal(row: Coverage) -> dict[str, Any]:
    goal: dict[str, Any] = {"need": row.need}
    for item in row.evidence.indicators:
        if item.reading.own.value is not None:
            return goal | {
                "indicator": item.reading.indicator,
                "area": item.area,
                "baseline": Decimal(item.reading.own.value),
            }
    return goal


def need_gap(facts: Facts) -> list[Recommendation]:
    found = []
    for row in facts.needs:
        if not row.gap:  # gap: evidence, no activity, and not dismissed in the register
            continue
        need = row.need.label
        sources = ", ".join(str(EVIDENCE_SOURCES[kind]) for kind in row.evidence.kinds)
        found.append(
            Recommendation(
                rule="need-gap",
                subject=row.need.code,
                year=facts.year,
                fields=["S", "O"],
                title=_("%(need)s: a need shows, but no activity answers it") % {"need": need},
                text=_(
                    "For “%(need)s” there are signs of need in your Quartier (%(sources)s), "
                    "but none of your activities in %(year)s addresses it. Find out with your "
                    "partners who could take it on: is there an offer nearby to refer people "
                    "to, could an existing activity include it, or does the Quartier need "
                    "something new? If no one is responsible, the gap belongs in the social "
                    "planning."
                )
                % {"need": need, "sources": sources, "year": facts.year},
                evidence=_need_evidence(row),
                facts=_need_facts(row, facts.year),
                work_forms=["o-angebote", "n-kooperation", "s-planung"],
                methods=["schluesselpersonen", "institutionenbefragung", "gruppeninterview"],
                priority=PRIORITY["need-gap"] + 2 * len(row.evidence.kinds),
                goal=_need_goal(row),
                goal_text=_("Create or arrange a fitting offer for “%(need)s”") % {"need": need},
            )
        )
    return found


def unmet_searches(facts: Facts) -> list[Recommendation]:
    found = []
    for row in facts.needs:
        unmet = row.evidence.unmet_searches
        if unmet < UNMET_SEARCHES_MIN or row.gap:  # a gap is told by need-gap already
            continue
        need = row.need.label
        found.append(
            Recommendation(
                rule="unmet-searches",
                subject=row.need.code,
                year=facts.year,
                fields=["S", "O"],
                title=_("%(need)s: the Hilfelotse often finds nothing fitting") % {"need": need},
                text=_(
                    "In the last 12 months the Hilfelotse found no fitting offer for “%(need)s” "
                    "%(unmet)s times (of %(searches)s searches). Single cases point to a gap in "
                    "the field: check with the providers whether offers are missing, full or "
                    "hard to reach, and bring what you find to the social planning office and "
                    "the committees – from case to field."
                )
                % {"need": need, "unmet": unmet, "searches": row.evidence.searches},
                evidence=_need_evidence(row) | {"days": SEARCH_WINDOW_DAYS},
                facts=[
                    Fact(_("Unmet searches in the Hilfelotse (12 months)"), unmet, "small"),
                    Fact(_("Searches in the Hilfelotse (12 months)"), row.evidence.searches),
                    Fact(
                        _("Activities for this need in %(year)s") % {"year": facts.year},
                        row.activities,
                    ),
                ],
                work_forms=["o-angebote", "o-koordinierung", "s-planung"],
                methods=["institutionenbefragung", "schluesselpersonen"],
                priority=PRIORITY["unmet-searches"] + min(unmet - UNMET_SEARCHES_MIN, 9),
                goal={"need": row.need},
                goal_text=_(
                    "Find out why the Hilfelotse finds nothing for “%(need)s”, and close the gap"
                )
                % {"need": need},
            )
        )
    return found
