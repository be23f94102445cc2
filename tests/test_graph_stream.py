"""Streamed loads and re-ingest in bounded parts (graph/export_parts.py, Neo4jStore.load_export /
replace_export): the same graph as the whole-export paths, a few documents per transaction."""
from __future__ import annotations

import pytest

import graph
from graph import model
from graph.export_parts import SHARED, ExportParts

from conftest_graph import EDGES, F1, NODES, export_dir, open_neo4j, wipe_neo4j, write_export  # noqa: F401


def test_every_row_of_the_export_is_in_exactly_one_part(corpus_export, tmp_path):
    export_dir, _ = corpus_export
    whole = graph.read_export(export_dir)
    with ExportParts(export_dir, tmp_path, docs_per_part=20) as parts:
        docs = sorted(parts.doc_files)
        assert parts.parts == (len(docs) + 19) // 20 and parts.parts > 5
        exports = [parts.export_of(p) for p in [SHARED, *range(parts.parts)]]
        assert all(len(parts.documents(p)) <= 20 for p in range(parts.parts))
        assert sorted(d for p in range(parts.parts) for d in parts.documents(p)) == docs
        early = parts.early_nodes()
    nodes = [i for e in exports for i in e.nodes]
    edges = [k for e in exports for k in e.edges]
    assert sorted(nodes) == sorted(whole.nodes) and sorted(edges) == sorted(whole.edges)
    # a part holds its documents' measures: every PART_OF edge stays inside one part
    for e in exports[1:]:
        assert all(s in e.nodes and o in e.nodes for (s, t, o) in e.edges if t == model.PART_OF)
    assert set(early.nodes) <= set(whole.nodes)


def _v2(tmp_path):
    """File 1 re-extracted without measures (二) and (三); 税务总局 only (三) mentioned."""
    gone = {"m:opinion:2", "m:opinion:3", "agency:sta"}
    nodes = [n for n in NODES if n["id"] not in gone and (n.get("source") or {}).get("file", F1) == F1]
    keep = {n["id"] for n in nodes}
    return write_export(tmp_path / "v2", nodes=nodes, edges=[e for e in EDGES if e["source"] in keep
                                                              and e["target"] in keep])


def _graph_of(store):
    g = store.projection()
    return dict(g.nodes(data=True)), {(s, k, o): d for s, o, k, d in g.edges(keys=True, data=True)}


@pytest.mark.neo4j
@pytest.mark.parametrize("docs_per_part", [1, 3, 50])
def test_reingest_in_parts_equals_the_whole_export_reingest(export_dir, tmp_path, docs_per_part):
    neo = open_neo4j(docs_per_part=docs_per_part)
    wipe_neo4j(neo)
    embedded = graph.open_store("embedded", path=tmp_path / "g.json")
    assert neo.load_export(export_dir) == {"nodes": len(NODES), "edges": len(EDGES)}  # streamed
    embedded.load_export(export_dir)
    assert _graph_of(neo) == _graph_of(embedded)
    v2 = _v2(tmp_path)
    stats = graph.load_export(neo, v2, replace=True)  # Neo4jStore.replace_export: parts
    expected = embedded.replace_sources(graph.read_export(v2))
    assert stats["replaced_files"] == expected["replaced_files"] == 1
    assert stats["deleted_orphans"] == expected["deleted_orphans"]
    assert _graph_of(neo) == _graph_of(embedded)
    assert not neo.get_nodes(["m:opinion:2", "m:opinion:3", "agency:sta"])
    before = neo.counts()
    graph.load_export(neo, v2, replace=True)
    assert neo.counts() == before  # idempotent
    neo.close()


@pytest.mark.neo4j
def test_a_bad_export_streams_nothing_into_neo4j(tmp_path):
    neo = open_neo4j()
    wipe_neo4j(neo)
    bad = write_export(tmp_path / "bad", edges=EDGES + [{"source": "agency:mof", "target": "m:x", "type": "LEADS"}])
    for load in (neo.load_export, neo.replace_export):
        with pytest.raises(graph.ExportError, match="1 edge.*m:x"):
            load(bad)
    assert neo.is_empty()
    neo.close()


@pytest.mark.neo4j
@pytest.mark.parametrize("docs_per_part", [1, 2])
def test_a_cited_only_document_cited_from_a_later_part_survives_the_earlier_parts(tmp_path, docs_per_part):
    """Re-ingest into a store that does not hold these files yet (the seed graph, then a corpus of
    other files): a document known only by citation is written with the shared nodes, and only a
    later part's edge points at it. The earlier parts must not delete it as a stub nothing cites
    (they did: "only 0 of 1 edges found both endpoints", the earlier parts committed)."""
    nodes = [{"id": f"doc:{d}", "label": "Document", "title": f"通知{d}", "date": "2021-01-0" + str(i + 1),
              "in_corpus": True, "source": {"file": f"{d}.txt", "line_start": 1, "line_end": 9}}
             for i, d in enumerate(("a", "b", "c"))]
    nodes.append({"id": "doc:cited", "label": "Document", "title": "旧办法", "in_corpus": False})
    edges = [{"source": "doc:c", "target": "doc:cited", "type": "AMENDS"},
             {"source": "doc:c", "target": "doc:a", "type": "CITES"}]
    export = write_export(tmp_path / "export", nodes=nodes, edges=edges)
    neo = open_neo4j(docs_per_part=docs_per_part)
    wipe_neo4j(neo)
    embedded = graph.open_store("embedded", path=tmp_path / "g.lbdb")
    try:
        neo.load_export(write_export(tmp_path / "before", nodes=NODES, edges=EDGES))  # another corpus
        embedded.load_export(tmp_path / "before")
        graph.load_export(neo, export, replace=True)
        graph.load_export(embedded, export, replace=True)
        assert _graph_of(neo) == _graph_of(embedded)
        assert neo.get_nodes(["doc:cited"])["doc:cited"]["title"] == "旧办法"
        assert ("doc:c", "AMENDS", "doc:cited") in neo.expand(["doc:c"], ["AMENDS"])
    finally:
        neo.close()
        embedded.close()
