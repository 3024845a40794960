"""Rules over the SONI matrix of the year: weak-field, one-level, few-bridges."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from quartierskompass.core.formats import percent
from quartierskompass.planning.recommendations.base import (
    EPSILON,
    FEW_BRIDGES_MIN_ACTIVITIES,
    FEW_BRIDGES_SHARE,
    FIELD_METHODS,
    FIELD_WORK_FORMS,
    ONE_LEVEL_SHARE,
    PRIORITY,
    Fact,
    Facts,
    Recommendation,
    field_name,
)

FIELD_ADVICE = {
    "S": gettext_lazy(
        "Take what you see in the Quartier to where it is decided: present your observations "
        "to the social planning office and bring them into the committees and the "
        "neighbourhood conference. A neighbourhood walk with people from the administration "
        "and local politics is a good start."
    ),
    "O": gettext_lazy(
        "Look at the offers in the Quartier from its needs – your own and those of other "
        "providers: what fits, what is missing, what exists twice? Ask the institutions what "
        "they offer, and agree with them who takes on what."
    ),
    "N": gettext_lazy(
        "Work beyond the single case, from what the community needs: bring neighbours, "
        "associations and initiatives together and activate the resources of the Quartier. "
        "Conversations with key people or the pin method show where people meet and where "
        "you can start."
    ),
    "I": gettext_lazy(
        "Start from the will and the resources of individual people and coordinate help that "
        "fits them exactly. The Hilfelotse helps you find the fitting offer for one person – "
        "and what it cannot find shows where the Quartier lacks something."
    ),
}


def weak_field(facts: Facts) -> list[Recommendation]:
    matrix = facts.matrix
    if matrix.is_empty:
        return []
    found = []
    for code in matrix.weak:
        share = matrix.shares[code]
        name = field_name(code)
        found.append(
            Recommendation(
                rule="weak-field",
                subject=code,
                year=facts.year,
                fields=[code],
                title=_("Strengthen the field %(field)s") % {"field": name},
                text=_(
                    "In %(year)s only %(share)s of your activities work in the field "
                    "%(field)s – your project counts a field below %(threshold)s as weak."
                )
                % {
                    "year": facts.year,
                    "share": percent(share),
                    "field": name,
                    "threshold": percent(facts.threshold),
                }
                + " "
                + str(FIELD_ADVICE[code]),
                evidence={
                    "field": code,
                    "share": share,
                    "threshold": facts.threshold,
                    "cell": matrix.cells[code],
                    "activities": matrix.activities,
                },
                facts=[
                    Fact(_("Share of %(field)s") % {"field": name}, share, "pct"),
                    Fact(_("Weak below"), facts.threshold, "pct"),
                    Fact(_("Activities in %(year)s") % {"year": facts.year}, matrix.activities),
                ],
                work_forms=FIELD_WORK_FORMS[code],
                methods=FIELD_METHODS[code],
                priority=PRIORITY["weak-field"] + 9 * (1 - share / facts.threshold),
            )
        )
    return found


def one_level(facts: Facts) -> list[Recommendation]:
    levels = facts.matrix.levels
    if levels is None:
        return []
    level = max(levels, key=levels.get)
    share = levels[level]
    if share < ONE_LEVEL_SHARE - EPSILON:
        return []
    other = 1 - share
    values = {"year": facts.year, "share": percent(share), "other": percent(other)}
    if level == "lebenswelt":
        title = _("Bring in the system level: from case to field")
        text = _(
            "%(share)s of your work in %(year)s lies in the lifeworld, only %(other)s on the "
            "system level. What you learn with individual people and in neighbourhoods can "
            "change structures when it reaches the providers and the municipality: collect "
            "what you come across, pass it on to the institutions and the social planning "
            "office, and look for a seat in the committees."
        )
        fields, work_forms = ["S", "O"], ["s-analyse", "s-konzept", "o-koordinierung"]
        methods = ["stadtteilbegehung", "institutionenbefragung"]
    else:
        title = _("Bring in the lifeworld: start from the people")
        text = _(
            "%(share)s of your work in %(year)s lies on the system level, only %(other)s in "
            "the lifeworld. Planning and coordination work when they start from what people "
            "want and can do themselves: ask the residents, work with key people and the "
            "networks of the Quartier, and test your offers against individual situations."
        )
        fields, work_forms = ["N", "I"], ["n-gemeinwesen", "n-empowerment", "i-fallarbeit"]
        methods = ["schluesselpersonen", "nadelmethode", "gruppeninterview"]
    return [
        Recommendation(
            rule="one-level",
            subject=level,
            year=facts.year,
            fields=fields,
            title=title,
            text=text % values,
            evidence={
                "level": level,
                "share": share,
                "threshold": ONE_LEVEL_SHARE,
                "activities": facts.matrix.activities,
            },
            facts=[
                Fact(_("Share of the system level"), levels["system"], "pct"),
                Fact(_("Share of the lifeworld"), levels["lebenswelt"], "pct"),
                Fact(_("Counts as one-sided from"), ONE_LEVEL_SHARE, "pct"),
            ],
            work_forms=work_forms,
            methods=methods,
            priority=PRIORITY["one-level"] + 90 * (share - ONE_LEVEL_SHARE),
        )
    ]


def few_bridges(facts: Facts) -> list[Recommendation]:
    matrix = facts.matrix
    n, bridges = matrix.activities, matrix.bridges
    if matrix.is_empty or n < FEW_BRIDGES_MIN_ACTIVITIES or bridges / n >= FEW_BRIDGES_SHARE:
        return []
    levels = matrix.levels
    weaker = ["S", "O"] if levels["system"] <= levels["lebenswelt"] else ["N", "I"]
    values = {"bridges": bridges, "activities": n, "year": facts.year}
    if bridges:
        opening = ngettext(
            "Only %(bridges)s of %(activities)s activities in %(year)s works on both levels "
            "at once.",
            "Only %(bridges)s of %(activities)s activities in %(year)s work on both levels "
            "at once.",
            bridges,
        )
    else:
        opening = _("None of your %(activities)s activities in %(year)s works on both levels.")
    text = (
        opening % values
        + " "
        + _(
            "Bridges carry what you experience with people into the structures, and back: a "
            "counselling hour that passes on what it hears to the social planning office, a "
            "neighbourhood café run together with the housing company. Which of your "
            "activities could take on a field of the other level?"
        )
    )
    return [
        Recommendation(
            rule="few-bridges",
            subject="levels",
            year=facts.year,
            fields=weaker,
            title=_("Build bridges between the lifeworld and the system level"),
            text=text,
            evidence={
                "bridges": bridges,
                "activities": n,
                "share": bridges / n,
                "threshold": FEW_BRIDGES_SHARE,
            },
            facts=[
                Fact(_("Activities on both levels (bridges)"), bridges),
                Fact(_("Activities in %(year)s") % {"year": facts.year}, n),
                Fact(_("Share of bridges"), bridges / n, "pct"),
                Fact(_("Recommended at least"), FEW_BRIDGES_SHARE, "pct"),
            ],
            work_forms=["n-kooperation", "o-koordinierung", "s-konzept"],
            methods=["gruppeninterview", "institutionenbefragung"],
            priority=PRIORITY["few-bridges"] + 9 * (1 - bridges / n / FEW_BRIDGES_SHARE),
        )
    ]
