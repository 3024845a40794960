"""The project's network as a graph: metrics with networkx and the SONI signals.

`metrics(project)` answers who is central, who bridges, what is split off; `signals(project)`
says in plain German what the network means for the SONI model – above all whether the
Sozialstruktur field is reached at all (a tie to a municipal office or a political committee).
The dashboard and the recommendations call `signals`; the network page and the API call
`graph_data`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx
import rustworkx as rx
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quartierskompass.accounts.models import Project
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from quartierskompass.soni.model import Field

# Exact betweenness is O(nodes × ties). rustworkx computes it in compiled code (1,000 actors
# and 5,000 ties in about 0.1 s, faster than networkx's estimate from 50 sources); above this
# size a seeded sample of this many source nodes estimates it (networkx's `k`).
EXACT_BETWEENNESS_UP_TO = 5_000
SAMPLE_SOURCES = 100
SAMPLE_SEED = 42
# The Sozialstruktur field is reached through local politics and the municipal offices.
SYSTEM_CATEGORIES = (ActorType.Category.MUNICIPAL, ActorType.Category.POLITICS)


def build_graph(actors: QuerySet[Actor], ties: QuerySet[Tie]) -> nx.Graph:
    """An undirected graph: one node per actor, one edge per pair (strongest tie wins)."""
    return _graph(
        actors.values_list("pk", "name"), ties.values_list("source_id", "target_id", "strength")
    )


def _graph(nodes, edges) -> nx.Graph:
    """From (pk, name) and (source, target, strength) rows."""
    graph = nx.Graph()
    for pk, name in nodes:
        graph.add_node(pk, name=name)
    for source, target, strength in edges:
        if source in graph and target in graph:
            old = graph.get_edge_data(source, target, {}).get("strength", 0)
            graph.add_edge(source, target, strength=max(old, strength))
    return graph


@dataclass
class Metrics:
    actors: int
    ties: int
    density: float
    components: list[list[int]]
    isolates: list[int]
    degree: dict[int, int]
    betweenness: dict[int, float]
    brokers: list[int]  # articulation points: without them the network falls apart
    estimated: bool = False  # betweenness from a sample

    @property
    def largest_component(self) -> int:
        return max((len(c) for c in self.components), default=0)


def exact_betweenness(graph: nx.Graph) -> dict[int, float]:
    """networkx's normalised betweenness centrality, computed by rustworkx."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    copy = rx.PyGraph(multigraph=False)
    copy.add_nodes_from(nodes)
    copy.add_edges_from_no_data([(index[a], index[b]) for a, b in graph.edges()])
    scores = rx.betweenness_centrality(copy, normalized=True)
    return {nodes[i]: score for i, score in scores.items()}


def metrics(graph: nx.Graph) -> Metrics:
    n = graph.number_of_nodes()
    if n > EXACT_BETWEENNESS_UP_TO:
        betweenness = nx.betweenness_centrality(graph, k=SAMPLE_SOURCES, seed=SAMPLE_SEED)
    else:
        betweenness = exact_betweenness(graph)
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=len, reverse=True)
    return Metrics(
        actors=n,
        ties=graph.number_of_edges(),
        density=nx.density(graph) if n > 1 else 0.0,
        components=components,
        isolates=sorted(nx.isolates(graph)),
        degree=dict(graph.degree()),
        betweenness=betweenness,
        brokers=sorted(nx.articulation_points(graph)),
        estimated=n > EXACT_BETWEENNESS_UP_TO,
    )


def project_graph(project: Project) -> tuple[nx.Graph, QuerySet[Actor]]:
    actors = Actor.objects.filter(project=project)
    return build_graph(actors, Tie.objects.filter(project=project)), actors


class ActorRow(NamedTuple):
    """What the signals read of an actor (a row, not a model instance: networks are large)."""

    pk: int
    name: str
    field: str
    type_code: str | None
    category: str | None


@dataclass
class Signal:
    """One finding in plain German, with the numbers behind it (for recommendations)."""

    key: str
    severity: str  # "warning" or "info"
    text: str
    fields: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)


def own_actor_ids(project: Project) -> set[int]:
    """The project's own services: actors responsible for one of its activities."""
    return set(
        Actor.objects.filter(project=project, responsible_for__isnull=False).values_list(
            "pk", flat=True
        )
    )


def signals(
    project: Project, *, graph: nx.Graph | None = None, result: Metrics | None = None
) -> list[Signal]:
    """What the network means for the SONI fields, most important first."""
    if graph is None:
        graph, _actors = project_graph(project)
    if graph.number_of_nodes() == 0:
        return []
    result = result or metrics(graph)
    actors = {
        row[0]: ActorRow(*row)
        for row in Actor.objects.filter(project=project).values_list(
            "pk", "name", "field", "actor_type__code", "actor_type__category"
        )
    }
    found: list[Signal] = []
    found += _missing_system_ties(actors, graph)
    found += _missing_categories(actors, graph)
    found += _broker_dependence(actors, graph, result)
    found += _isolated_own_services(project, actors, result)
    found += _missing_fields(actors, graph)
    return found


def _tied(graph: nx.Graph) -> set[int]:
    return {pk for pk in graph.nodes if graph.degree(pk) > 0}


def _missing_system_ties(actors: dict[int, ActorRow], graph: nx.Graph) -> list[Signal]:
    tied = _tied(graph)
    system = [a for a in actors.values() if a.category in SYSTEM_CATEGORIES]
    reached = [a for a in system if a.pk in tied]
    if reached:
        return []
    if system:
        names = ", ".join(a.name for a in system[:4])
        text = _(
            "Municipal offices and political committees are in your list (%(names)s) but "
            "no tie leads to them: the Sozialstruktur field is not reached. Single cases "
            "cannot become structural change that way."
        ) % {"names": names}
    else:
        text = _(
            "No municipal office and no political committee is among your actors: the "
            "Sozialstruktur field is not reached. Who in the administration and in local "
            "politics is responsible for your Quartier?"
        )
    return [
        Signal(
            "no-system-ties",
            "warning",
            text,
            ["S", "O"],
            {"system_actors": len(system), "system_actors_tied": 0},
        )
    ]


def _missing_categories(actors: dict[int, ActorRow], graph: nx.Graph) -> list[Signal]:
    """Municipal offices named in the taxonomy that the network does not reach."""
    tied = _tied(graph)
    tied_types = {a.type_code for a in actors.values() if a.type_code and a.pk in tied}
    wanted = ActorType.objects.filter(category=ActorType.Category.MUNICIPAL, active=True).exclude(
        code="amt-sonstiges"
    )
    missing = [t for t in wanted if t.code not in tied_types]
    if not missing or len(missing) == wanted.count():
        return []  # none missing, or all missing (the system signal says it already)
    labels = ", ".join(t.label for t in missing)
    return [
        Signal(
            "missing-offices",
            "info",
            _("No tie yet to: %(offices)s.") % {"offices": labels},
            ["S", "O"],
            {"missing": [t.code for t in missing]},
        )
    ]


def pieces_without(graph: nx.Graph) -> dict[int, list[int]]:
    """For every articulation point: the sizes of the pieces its component falls into without it.

    One depth-first search (Hopcroft–Tarjan with subtree sizes) instead of one search per
    broker: a child whose subtree reaches no higher than the actor is cut off with it.
    """
    pieces: dict[int, list[int]] = {}
    disc: dict[int, int] = {}
    low: dict[int, int] = {}
    size: dict[int, int] = {}
    for root in graph:
        if root in disc:
            continue
        disc[root] = low[root] = len(disc)
        size[root] = 1
        children: dict[int, list[int]] = {root: []}
        stack = [(root, None, iter(graph[root]))]
        while stack:
            node, parent, neighbours = stack[-1]
            for other in neighbours:
                if other == parent:
                    continue
                if other in disc:
                    low[node] = min(low[node], disc[other])
                else:
                    disc[other] = low[other] = len(disc)
                    size[other] = 1
                    children[node].append(other)
                    children[other] = []
                    stack.append((other, node, iter(graph[other])))
                    break
            else:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[node])
                    size[parent] += size[node]
        total = size[root]
        for node, kids in children.items():
            if node == root:
                if len(kids) >= 2:
                    pieces[node] = [size[kid] for kid in kids]
                continue
            cut = [size[kid] for kid in kids if low[kid] >= disc[node]]
            if cut:
                pieces[node] = [*cut, total - 1 - sum(cut)]
    return pieces


def _broker_dependence(
    actors: dict[int, ActorRow], graph: nx.Graph, result: Metrics
) -> list[Signal]:
    found = []
    largest = result.largest_component
    component_of = {pk: i for i, members in enumerate(result.components) for pk in members}
    sizes = [len(members) for members in result.components]  # largest first
    for pk, pieces in pieces_without(graph).items():
        own = component_of[pk]
        other_components = max((s for i, s in enumerate(sizes) if i != own), default=0)
        biggest_after = max(max(pieces), other_components)
        cut_off = largest - 1 - biggest_after
        # Worth a warning when a tenth of the network (and at least three) hang on one actor.
        if largest >= 6 and cut_off >= max(3, largest // 10):
            found.append(
                Signal(
                    "single-broker",
                    "warning",
                    _(
                        "Much hangs on %(name)s: without this actor %(n)s others would lose their "
                        "connection to the rest of the network. Who else could build these bridges?"
                    )
                    % {"name": actors[pk].name, "n": cut_off},
                    ["N", "O"],
                    {"actor": pk, "cut_off": cut_off},
                )
            )
    return sorted(
        found,
        key=lambda s: (-s.evidence["cut_off"], -result.betweenness.get(s.evidence["actor"], 0)),
    )[:2]


def _isolated_own_services(
    project: Project, actors: dict[int, ActorRow], result: Metrics
) -> list[Signal]:
    own = own_actor_ids(project)
    isolated = [actors[pk] for pk in result.isolates if pk in own]
    if not isolated:
        return []
    names = ", ".join(a.name for a in isolated[:5])
    return [
        Signal(
            "isolated-services",
            "warning",
            ngettext(
                "%(n)s of your own services has no tie to anyone: %(names)s.",
                "%(n)s of your own services have no tie to anyone: %(names)s.",
                len(isolated),
            )
            % {"n": len(isolated), "names": names},
            ["O", "N"],
            {"actors": [a.pk for a in isolated]},
        )
    ]


def _missing_fields(actors: dict[int, ActorRow], graph: nx.Graph) -> list[Signal]:
    tied = _tied(graph)
    fields = Counter(a.field for a in actors.values() if a.field and a.pk in tied)
    missing = [code for code in "SONI" if not fields.get(code)]
    if not missing or len(missing) == 4:
        return []
    labels = ", ".join(str(Field(code).label) for code in missing)
    return [
        Signal(
            "missing-fields",
            "info",
            _("No connected actor works mainly in: %(fields)s.") % {"fields": labels},
            missing,
            {"fields": missing},
        )
    ]


def graph_data(
    project: Project,
    *,
    kinds: list[str] | None = None,
    types: list[str] | None = None,
    area_ids: list[int] | None = None,
    ego: int | None = None,
    steps: int = 1,
) -> dict:
    """Nodes, edges, metrics and signals for the network page and the API.

    Rows are read as tuples, not model instances: a network of 1,000 actors and 5,000 ties
    would otherwise spend most of its time building objects.
    """
    actors = Actor.objects.filter(project=project)
    ties = Tie.objects.filter(project=project)
    if types:
        actors = actors.filter(actor_type__code__in=types)
    if area_ids:
        actors = actors.filter(Q(area_id__in=area_ids) | Q(areas_served__in=area_ids)).distinct()
    if kinds:
        ties = ties.filter(kind__code__in=kinds)
    actor_rows = list(
        actors.values_list("pk", "name", "actor_type_id", "field", "graph_x", "graph_y")
    )
    tie_rows = list(
        ties.values_list(
            "pk", "source_id", "target_id", "kind_id", "strength", "directed", "confirmed"
        )
    )
    graph = _graph(
        ((row[0], row[1]) for row in actor_rows), ((row[1], row[2], row[4]) for row in tie_rows)
    )
    unfiltered = not (kinds or types or area_ids or ego is not None)
    if ego is not None and ego in graph:
        graph = nx.ego_graph(graph, ego, radius=steps)
    result = metrics(graph)
    shown = set(graph.nodes)
    actor_types = {t.pk: t for t in ActorType.objects.all()}
    tie_kinds = {k.pk: k for k in TieKind.objects.all()}
    # One reverse() for all actors: the detail URL differs only in the actor's id.
    placeholder = 2_147_483_647
    url = reverse("actors:detail", args=[project.slug, placeholder])
    brokers = set(result.brokers)
    nodes = []
    for pk, name, type_id, field_code, x, y in actor_rows:
        if pk not in shown:
            continue
        actor_type = actor_types.get(type_id)
        nodes.append(
            {
                "id": pk,
                "name": name,
                "type": actor_type.code if actor_type else "",
                "type_label": actor_type.label if actor_type else "",
                "category": actor_type.category if actor_type else "",
                "field": field_code,
                "degree": result.degree.get(pk, 0),
                "betweenness": round(result.betweenness.get(pk, 0.0), 4),
                "broker": pk in brokers,
                "x": x,
                "y": y,
                "url": url.replace(str(placeholder), str(pk)),
            }
        )
    kind_labels = {pk: kind.label for pk, kind in tie_kinds.items()}
    edges = [
        {
            "id": pk,
            "source": source,
            "target": target,
            "kind": tie_kinds[kind].code,
            "kind_label": kind_labels[kind],
            "strength": strength,
            "directed": directed,
            "confirmed": confirmed,
        }
        for pk, source, target, kind, strength, directed, confirmed in tie_rows
        if source in shown and target in shown
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "metrics": {
            "actors": result.actors,
            "ties": len(edges),
            "density": result.density,
            "components": len(result.components),
            "largest_component": result.largest_component,
            "isolates": result.isolates,
            "brokers": result.brokers,
            "betweenness_estimated": result.estimated,
        },
        "signals": [
            s.__dict__
            for s in signals(project, **({"graph": graph, "result": result} if unfiltered else {}))
        ]
        if ego is None
        else [],
    }
