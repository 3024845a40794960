"""Network metrics and the SONI signals, on small hand-made networks and on the demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from quartierskompass.actors import network
from quartierskompass.actors.models import Actor, ActorType, Tie, TieKind
from tests.factories import make_activity


def actor(project, name, type_code=None, field=""):
    kind = ActorType.objects.get(code=type_code) if type_code else None
    return Actor.objects.create(project=project, name=name, actor_type=kind, field=field)


def tie(project, a, b, kind="kooperation", strength=2, directed=False):
    return Tie.objects.create(
        project=project,
        source=a,
        target=b,
        strength=strength,
        directed=directed,
        kind=TieKind.objects.get(code=kind),
    )


@pytest.fixture
def stern(projekt):
    """A star around the parish, a chain to the youth office, and one actor alone."""
    gemeinde = actor(projekt, "Gemeinde", "kirchengemeinde", "N")
    others = [actor(projekt, f"Verein {n}", "verein", "N") for n in range(4)]
    for other in others:
        tie(projekt, gemeinde, other)
    jugendamt = actor(projekt, "Jugendamt", "amt-jugend", "O")
    tie(projekt, others[0], jugendamt, kind="finanzierung", directed=True)
    allein = actor(projekt, "Allein", "initiative", "I")
    return {"gemeinde": gemeinde, "others": others, "jugendamt": jugendamt, "allein": allein}


def test_metrics_of_a_star(projekt, stern):
    graph, _actors = network.project_graph(projekt)
    result = network.metrics(graph)
    assert (result.actors, result.ties) == (7, 5)
    assert result.degree[stern["gemeinde"].pk] == 4
    assert result.isolates == [stern["allein"].pk]
    assert sorted(result.brokers) == sorted([stern["gemeinde"].pk, stern["others"][0].pk])
    assert len(result.components) == 2 and result.largest_component == 6
    assert result.betweenness[stern["gemeinde"].pk] == pytest.approx(
        max(result.betweenness.values())
    )
    assert result.density == pytest.approx(5 / 21)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_betweenness_is_networkx_exact_one(seed):
    """rustworkx computes it; the figures must be networkx's normalised betweenness."""
    import networkx as nx

    graph = nx.gnm_random_graph(80, 160, seed=seed)
    graph.add_nodes_from([1000, 1001])  # actors without ties
    graph.add_edge(1002, 1003)  # a pair apart from the rest
    expected = nx.betweenness_centrality(graph)
    result = network.metrics(graph)
    assert not result.estimated
    assert result.betweenness == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(6))
def test_pieces_without_an_actor_match_removing_it(seed):
    """One search for all brokers gives what removing each one and counting would give."""
    import networkx as nx

    graph = nx.gnm_random_graph(60, 70 + 10 * seed, seed=seed)
    graph.add_edges_from([(100, 101), (101, 102), (102, 100), (102, 103)])  # a small extra part
    pieces = network.pieces_without(graph)
    assert set(pieces) == set(nx.articulation_points(graph))
    for pk, sizes in pieces.items():
        component = nx.node_connected_component(graph, pk) - {pk}
        expected = sorted(len(c) for c in nx.connected_components(graph.subgraph(component)))
        assert sorted(sizes) == expected


def test_very_large_networks_estimate_betweenness_from_a_sample(monkeypatch):
    import networkx as nx

    monkeypatch.setattr(network, "EXACT_BETWEENNESS_UP_TO", 50)
    monkeypatch.setattr(network, "SAMPLE_SOURCES", 60)
    graph = nx.gnm_random_graph(80, 400, seed=4)
    result = network.metrics(graph)
    assert result.estimated
    exact = nx.betweenness_centrality(graph)
    assert (
        max(result.betweenness, key=result.betweenness.get)
        in sorted(exact, key=exact.get, reverse=True)[:5]
    )


def test_two_ties_between_the_same_pair_are_one_edge_with_the_stronger_strength(projekt):
    a, b = actor(projekt, "A"), actor(projekt, "B")
    tie(projekt, a, b, "kooperation", 1)
    tie(projekt, b, a, "finanzierung", 3, directed=True)
    graph, _actors = network.project_graph(projekt)
    assert graph.number_of_edges() == 1 and graph[a.pk][b.pk]["strength"] == 3


def test_no_system_ties_means_the_sozialstruktur_field_is_not_reached(projekt):
    a, b = actor(projekt, "Gemeinde", "kirchengemeinde"), actor(projekt, "Verein", "verein")
    tie(projekt, a, b)
    keys = [s.key for s in network.signals(projekt)]
    assert keys[0] == "no-system-ties"
    sozialamt = actor(projekt, "Sozialamt", "amt-sozial")
    text = network.signals(projekt)[0].text
    assert "Sozialamt" in text and "Sozialstruktur" in text
    tie(projekt, a, sozialamt)
    assert "no-system-ties" not in [s.key for s in network.signals(projekt)]


def test_a_single_broker_is_named(projekt):
    hub = actor(projekt, "Beratungsstelle", "wohlfahrt")
    core = [actor(projekt, f"Kern {n}", "verein") for n in range(4)]
    for a in core:
        tie(projekt, hub, a)
    tie(projekt, core[0], core[1])
    edge = [actor(projekt, f"Verein {n}", "verein") for n in range(3)]
    tie(projekt, hub, edge[0])
    tie(projekt, edge[0], edge[1])
    tie(projekt, edge[1], edge[2])
    signal = next(s for s in network.signals(projekt) if s.key == "single-broker")
    # Without the hub only the largest remaining piece (the chain of three) stays together.
    assert "Beratungsstelle" in signal.text and signal.evidence["cut_off"] == 4


def test_isolated_own_services_are_named(projekt, stern):
    make_activity(projekt, "Beratung", fields="I").__class__.objects.update(
        responsible=stern["allein"]
    )
    signal = next(s for s in network.signals(projekt) if s.key == "isolated-services")
    assert "Allein" in signal.text


def test_graph_data_filters_and_ego(projekt, stern):
    data = network.graph_data(projekt, kinds=["finanzierung"])
    assert len(data["edges"]) == 1 and data["edges"][0]["directed"]
    ego = network.graph_data(projekt, ego=stern["jugendamt"].pk, steps=1)
    assert {n["name"] for n in ego["nodes"]} == {"Jugendamt", "Verein 0"}
    two = network.graph_data(projekt, ego=stern["jugendamt"].pk, steps=2)
    assert "Gemeinde" in {n["name"] for n in two["nodes"]}
    only = network.graph_data(projekt, types=["verein"])
    assert {n["type"] for n in only["nodes"]} == {"verein"} and only["edges"] == []


def test_the_demo_signals_name_the_demo_gap(db):
    call_command("demo", stdout=io.StringIO())
    from quartierskompass.accounts.models import Project

    project = Project.objects.get(slug="falkenhagener-feld")
    found = {s.key: s for s in network.signals(project)}
    assert "Sozialplanung" in found["missing-offices"].text
    assert "Caritas" in found["single-broker"].text
    graph, _actors = network.project_graph(project)
    assert graph.number_of_nodes() >= 30 and graph.number_of_edges() >= 50
