"""Rules over the network signals (`actors.network.signals`): no-system-tie, one-broker."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quartierskompass.planning.recommendations.base import PRIORITY, Fact, Facts, Recommendation


def no_system_tie(facts: Facts) -> list[Recommendation]:
    signal = next((s for s in facts.signals if s.key == "no-system-ties"), None)
    if signal is None:
        return []
    listed = signal.evidence["system_actors"]
    actors, ties = facts.network_size
    if listed:
        text = ngettext(
            "%(n)s municipal office or committee is among your actors, but no tie leads to it.",
            "%(n)s municipal offices and committees are among your actors, but no tie leads "
            "to any of them.",
            listed,
        ) % {"n": listed}
    else:
        text = _("No municipal office and no committee is among your %(n)s actors.") % {"n": actors}
    text += " " + _(
        "Without this tie, single cases do not become structural change: find out who in the "
        "administration and in local politics is responsible for your Quartier, ask the "
        "social planning office for an appointment, invite the district office to your next "
        "round table or present the Quartier in the social committee."
    )
    return [
        Recommendation(
            rule="no-system-tie",
            subject="network",
            year=facts.year,
            fields=list(signal.fields),
            title=_("Build ties to the municipal offices and committees"),
            text=text,
            evidence={**signal.evidence, "actors": actors, "ties": ties},
            facts=[
                Fact(_("Offices and committees among the actors"), listed),
                Fact(_("Of them tied to the network"), signal.evidence["system_actors_tied"]),
                Fact(_("Actors in the network"), actors),
                Fact(_("Ties in the network"), ties),
            ],
            work_forms=["s-konzept", "s-planung", "o-koordinierung"],
            methods=["institutionenbefragung", "stadtteilbegehung"],
            priority=PRIORITY["no-system-tie"],
        )
    ]


def one_broker(facts: Facts) -> list[Recommendation]:
    found = []
    for signal in facts.signals:
        if signal.key != "single-broker":
            continue
        pk, cut_off = signal.evidence["actor"], signal.evidence["cut_off"]
        name = facts.brokers.get(pk, "")
        found.append(
            Recommendation(
                rule="one-broker",
                subject=f"actor-{pk}",
                year=facts.year,
                fields=list(signal.fields),
                title=_("Spread the ties: much depends on %(name)s") % {"name": name},
                text=ngettext(
                    "Without %(name)s, %(n)s other actor would lose the connection to the rest "
                    "of your network.",
                    "Without %(name)s, %(n)s other actors would lose the connection to the "
                    "rest of your network.",
                    cut_off,
                )
                % {"name": name, "n": cut_off}
                + " "
                + _(
                    "Introduce these partners to each other and to a second institution, so "
                    "that the cooperation holds when a person leaves or a post changes."
                ),
                evidence={"actor": pk, "cut_off": cut_off, "actors": facts.network_size[0]},
                facts=[
                    Fact(_("Actors who would lose the connection"), cut_off),
                    Fact(_("Actors in the network"), facts.network_size[0]),
                ],
                work_forms=["n-kooperation", "o-koordinierung"],
                methods=["schluesselpersonen", "gruppeninterview"],
                priority=PRIORITY["one-broker"] + min(cut_off, 9),
                goal_text=_("Connect the partners of %(name)s directly with each other")
                % {"name": name},
            )
        )
    return found
