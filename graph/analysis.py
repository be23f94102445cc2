"""Graph algorithms in NetworkX over a projection from either store."""
from __future__ import annotations

from typing import Any

import networkx as nx

from . import model
from .store import GraphStore


def co_responsibility_network(store: GraphStore) -> nx.Graph:
    """Agencies as nodes; an edge between two agencies for every measure they share, weighted by
    the number of shared measures (`weight`), with the number of those they lead together (`co_leads`).
    The database counts the pairs (a projection of every measure took seconds at 100× the seed)."""
    agencies, _ = store.projection_rows(labels=[model.AGENCY], rel_types=[], properties=["name"])
    net = nx.Graph()
    for node, attrs in agencies.items():
        net.add_node(node, name=attrs.get("name"))
    for a, b, shared, co_leads in sorted(store.shared_neighbour_counts([model.LEADS, model.SUPPORTS], model.LEADS)):
        if a in net and b in net:
            net.add_edge(a, b, weight=shared, co_leads=co_leads)
    return net


def agency_centrality(store: GraphStore, top: int | None = None) -> list[dict[str, Any]]:
    """Degree centrality, weighted degree and betweenness of agencies in the co-responsibility
    network, most central first. Betweenness uses 1/weight as distance (agencies sharing many
    measures are close)."""
    net = co_responsibility_network(store)
    if net.number_of_nodes() == 0:
        return []
    for _, _, data in net.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
    degree = nx.degree_centrality(net)
    betweenness = nx.betweenness_centrality(net, weight="distance", normalized=True)
    rows = [{"id": n, "name": net.nodes[n].get("name"), "degree": round(degree[n], 6),
             "partners": net.degree(n), "shared_measures": net.degree(n, weight="weight"),
             "betweenness": round(betweenness[n], 6)} for n in net]
    rows.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["id"]))
    return rows[:top] if top else rows


def connected_components(store: GraphStore, network: str = "co_responsibility") -> list[list[str]]:
    """Connected components (largest first, each sorted): of the co-responsibility network of
    agencies, or (`network="graph"`) weakly connected components of the whole graph."""
    if network == "co_responsibility":
        graph = co_responsibility_network(store)
        comps = nx.connected_components(graph)
    elif network == "graph":
        comps = nx.weakly_connected_components(store.projection())
    else:
        raise ValueError("network is 'co_responsibility' or 'graph'")
    return sorted((sorted(c) for c in comps), key=lambda c: (-len(c), c[0]))
