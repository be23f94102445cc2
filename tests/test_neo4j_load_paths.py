"""The two ways the streamed Neo4j load writes (graph/neo4j_store.py `load_export`): CREATE into an
empty database from an export that names each node and edge once, MERGE otherwise — and the
pre-pass (graph/export.py `check_export`) that tells them apart. Both must give the same graph."""
from __future__ import annotations

import json
import shutil
import threading
from collections import Counter

import pytest

import graph
from graph import model
from graph.export import check_export
from graph.neo4j_store import Neo4jStore
from kgcatalogue.manifest import write_manifest

from conftest_graph import EDGES, EXPECTED_COUNTS, NODES, neo, wipe_neo4j, write_export  # noqa: F401


def _graph_of(store) -> tuple[dict, Counter]:
    """Every node (id → labels, properties) and every relationship (counted, so a duplicate shows)."""
    nodes = {r["id"]: (sorted(r["labels"]), r["props"]) for r in store.run_cypher(
        "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props", limit=10_000_000)}
    edges = Counter((r["s"], r["t"], r["o"], json.dumps(r["props"], sort_keys=True, ensure_ascii=False))
                    for r in store.run_cypher("MATCH (a)-[r]->(b) RETURN a.id AS s, type(r) AS t, b.id AS o, "
                                              "properties(r) AS props", limit=10_000_000))
    return nodes, edges


def _recording(monkeypatch, name: str) -> list[str]:
    """Which of the store's load queries ran (the real query still runs against the server)."""
    calls: list[str] = []
    real = getattr(Neo4jStore, name)
    monkeypatch.setattr(Neo4jStore, name, staticmethod(lambda group: calls.append(group) or real(group)))
    return calls


def test_the_pre_pass_tells_a_sorted_export_from_one_with_repeats_apart(tmp_path):
    sorted_nodes = sorted(NODES, key=lambda n: n["id"])
    sorted_edges = sorted(EDGES, key=lambda e: (e["source"], e["type"], e["target"]))
    clean = write_export(tmp_path / "sorted", sorted_nodes, sorted_edges)
    assert check_export(clean) == {"nodes": 27, "edges": 35, "repeats_adjacent": True}
    # a repeat on the next line is one row (the last wins): still each named once
    neighbours = write_export(tmp_path / "neighbours", sorted_nodes,
                              sorted_edges[:1] + [dict(sorted_edges[0], evidence="again")] + sorted_edges[1:])
    assert check_export(neighbours) == {"nodes": 27, "edges": 35, "repeats_adjacent": True}
    apart = write_export(tmp_path / "apart", sorted_nodes, sorted_edges + [sorted_edges[0]])
    assert check_export(apart) == {"nodes": 27, "edges": 36, "repeats_adjacent": False}
    node_apart = write_export(tmp_path / "node-apart", sorted_nodes + [sorted_nodes[0]], sorted_edges)
    assert check_export(node_apart)["repeats_adjacent"] is False
    # the export as the fixtures write it is not sorted: it cannot be told, so it MERGEs
    assert check_export(write_export(tmp_path / "fixture"))["repeats_adjacent"] is False


def _check_outcome(export) -> object:
    try:
        return check_export(export)
    except graph.ExportError as exc:
        return f"ExportError: {exc}"


def test_the_pre_pass_in_two_processes_answers_and_fails_as_in_one(tmp_path, monkeypatch):
    """A large edges.jsonl is checked by a second process beside the nodes: the same counts, and
    the same first problem as a reading in order (the nodes' before the edges')."""
    sorted_nodes = sorted(NODES, key=lambda n: n["id"])
    sorted_edges = sorted(EDGES, key=lambda e: (e["source"], e["type"], e["target"]))
    no_label = [dict(sorted_nodes[0], label="")] + sorted_nodes[1:]
    no_type = sorted_edges[:3] + [dict(sorted_edges[3], type="")] + sorted_edges[4:]
    dangling = sorted_edges + [dict(sorted_edges[0], target="x:nowhere"), dict(sorted_edges[1], source="x:gone")]
    exports = {name: write_export(tmp_path / name, nodes, edges) for name, nodes, edges in (
        ("sorted", sorted_nodes, sorted_edges), ("apart", sorted_nodes, sorted_edges + [sorted_edges[0]]),
        ("bad-node", no_label, sorted_edges), ("bad-edge", sorted_nodes, no_type),
        ("both-bad", no_label, no_type), ("dangling", sorted_nodes, dangling))}
    exports["torn"] = write_export(tmp_path / "torn", sorted_nodes, no_type)
    with (exports["torn"] / "edges.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")  # after the manifest was sealed: torn, reported as such
    monkeypatch.setattr(graph.export, "CHECK_SPLIT_BYTES", 1 << 40)
    in_one = {name: _check_outcome(export) for name, export in exports.items()}
    monkeypatch.setattr(graph.export, "CHECK_SPLIT_BYTES", 0)
    in_two = {name: _check_outcome(export) for name, export in exports.items()}
    assert in_two == in_one
    assert in_one["sorted"] == {"nodes": 27, "edges": 35, "repeats_adjacent": True}
    assert in_one["apart"]["repeats_adjacent"] is False
    assert "nodes.jsonl:1: a node needs" in in_one["both-bad"] and "edges.jsonl:4: an edge needs" in in_one["bad-edge"]
    assert "2 edge(s) point at ids missing" in in_one["dangling"] and "not a complete export" in in_one["torn"]


@pytest.mark.neo4j
def test_a_load_into_an_empty_database_creates_and_equals_the_merge_load(neo, corpus_export, monkeypatch):
    """The seed export into an empty database goes the CREATE way; loading it again (MERGE) changes
    nothing; and the MERGE way into a database that held something gives the same graph."""
    export, _ = corpus_export
    assert check_export(export)["repeats_adjacent"]  # the extractor writes sorted exports
    created_nodes = _recording(monkeypatch, "node_create_query")
    created_edges = _recording(monkeypatch, "edge_create_query")
    merged_edges = _recording(monkeypatch, "edge_merge_query")
    stats = neo.load_export(export)
    assert created_nodes and created_edges and not merged_edges
    fresh = _graph_of(neo)
    assert len(fresh[0]) == stats["nodes"] and sum(fresh[1].values()) == stats["edges"]
    assert max(fresh[1].values()) == 1  # no relationship twice
    assert neo.counts()["nodes"]["Measure"] > 1000

    created_nodes.clear()
    neo.load_export(export)  # not empty any more: MERGE, and nothing changes
    assert merged_edges and not created_nodes
    assert _graph_of(neo) == fresh

    wipe_neo4j(neo)
    neo.load(graph.from_records([{"id": "x:placeholder", "label": "Sector", "name": "占位"}], []))
    neo.load_export(export)  # the MERGE way from the start
    neo.run_cypher("MATCH (n {id: 'x:placeholder'}) DETACH DELETE n", read_only=False)
    assert _graph_of(neo) == fresh


@pytest.mark.neo4j
def test_an_export_repeating_an_edge_apart_merges_it_into_one(neo, tmp_path, monkeypatch):
    """A repeat that is not on the next line cannot be collapsed while streaming: the load into an
    empty database then MERGEs, and the edge is there once with its last record's properties."""
    repeated = dict(EDGES[0], evidence="最后一次")
    export = write_export(tmp_path / "export", NODES, [*EDGES, repeated])
    created = _recording(monkeypatch, "edge_create_query")
    neo.load_export(export)
    assert not created
    assert neo.counts() == EXPECTED_COUNTS
    found = neo.run_cypher(f"MATCH (a {{id: $s}})-[r:{EDGES[0]['type']}]->(b {{id: $o}}) RETURN r.evidence AS e",
                           {"s": EDGES[0]["source"], "o": EDGES[0]["target"]})
    assert found == [{"e": "最后一次"}]


def _held_check(monkeypatch, batches: int) -> list[int]:
    """The load's check (still the real one, in its own process) answers only once `batches` node
    batches are in: the nodes are written before it fails, as at 100×. Returns, once the load is
    over, how many nodes each undo deleted."""
    from concurrent.futures import Future

    from graph import neo4j_store

    committed, gate, undone = [], threading.Event(), []
    real_start, real_batches, real_undo = neo4j_store._start_check, Neo4jStore._batches, Neo4jStore._undo_nodes

    def start(pool, export_dir):
        inner, outer = real_start(pool, export_dir), Future()

        def relay():
            gate.wait(120)
            exc = inner.exception()
            outer.set_exception(exc) if exc else outer.set_result(inner.result())
        threading.Thread(target=relay, daemon=True).start()
        return outer

    def counted(self, rows, stage, *args, **kwargs):
        real_batches(self, rows, stage, *args, **kwargs)
        if stage.startswith("nodes:"):
            committed.append(len(rows))
            if len(committed) >= batches:
                gate.set()

    def undo(self, element_ids, progress):
        gate.set()
        undone.append(len(element_ids))
        real_undo(self, element_ids, progress)
    monkeypatch.setattr(neo4j_store, "OVERLAP_CHECK_BYTES", 0)  # the seed is small: as if at 100×
    monkeypatch.setattr(neo4j_store, "_start_check", start)
    monkeypatch.setattr(Neo4jStore, "_batches", counted)
    monkeypatch.setattr(Neo4jStore, "_undo_nodes", undo)
    return undone


@pytest.mark.neo4j
@pytest.mark.parametrize("problem", ["dangling", "bad line"])
def test_a_bad_export_checked_beside_the_nodes_leaves_the_empty_database_empty(neo, corpus_export, tmp_path,
                                                                                monkeypatch, problem):
    """Into an empty database the check runs while the nodes are written: when it fails, the nodes
    written meanwhile are deleted again, its problem is raised, and the full-text index is there."""
    export, _ = corpus_export
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(export / "nodes.jsonl", bad / "nodes.jsonl")
    edges = (export / "edges.jsonl").read_text(encoding="utf-8")
    last = json.loads(edges.splitlines()[-1])
    tail = (json.dumps(dict(last, target="x:nowhere"), ensure_ascii=False) if problem == "dangling"
            else '{"source": "x", "type": ')
    (bad / "edges.jsonl").write_text(edges + tail + "\n", encoding="utf-8")
    write_manifest(bad)
    expected = "point at ids missing" if problem == "dangling" else "not JSON"
    with pytest.raises(graph.ExportError, match=expected):
        check_export(bad)
    neo.ensure_schema()
    undone = _held_check(monkeypatch, batches=3)
    store = Neo4jStore(batch_size=100)
    try:
        with pytest.raises(graph.ExportError, match=expected):
            store.load_export(bad)
    finally:
        store.close()
    assert undone and undone[0] >= 300  # nodes had been written, and were deleted again
    assert neo.is_empty()
    assert neo.run_cypher("SHOW FULLTEXT INDEXES YIELD name, state RETURN name, state") == [
        {"name": model.FULLTEXT_INDEX, "state": "ONLINE"}]


@pytest.mark.neo4j
def test_a_node_repeated_apart_found_by_the_check_beside_the_nodes_loads_the_merge_way(neo, tmp_path, monkeypatch):
    """An export repeating a node apart cannot be created node by node: the CREATE batches written
    before the check said so are deleted, and the load starts again the MERGE way — the node once,
    with its last record's properties."""
    sorted_nodes = sorted(NODES, key=lambda n: n["id"])
    sorted_edges = sorted(EDGES, key=lambda e: (e["source"], e["type"], e["target"]))
    again = dict(sorted_nodes[0], name="最后一次")
    export = write_export(tmp_path / "export", sorted_nodes + [again], sorted_edges)
    assert not check_export(export)["repeats_adjacent"]
    undone = _held_check(monkeypatch, batches=2)
    created_nodes = _recording(monkeypatch, "node_create_query")
    merged_edges = _recording(monkeypatch, "edge_merge_query")
    store = Neo4jStore(batch_size=5)
    try:
        store.load_export(export)
    finally:
        store.close()
    assert created_nodes and undone and merged_edges
    assert neo.counts() == EXPECTED_COUNTS
    assert neo.run_cypher("MATCH (n {id: $id}) RETURN n.name AS name", {"id": again["id"]}) == [{"name": "最后一次"}]


@pytest.mark.neo4j
def test_the_check_beside_the_nodes_gives_the_graph_the_check_first_gives(neo, corpus_export, monkeypatch):
    """A good export checked while the nodes are written (as at 100×): CREATE, and the same graph
    as the load that checks first."""
    from graph import neo4j_store

    export, _ = corpus_export
    neo.load_export(export)  # small: checked first
    first = _graph_of(neo)
    wipe_neo4j(neo)
    monkeypatch.setattr(neo4j_store, "OVERLAP_CHECK_BYTES", 0)
    created_edges = _recording(monkeypatch, "edge_create_query")
    neo.load_export(export)
    assert created_edges and _graph_of(neo) == first
