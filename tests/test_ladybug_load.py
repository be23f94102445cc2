"""The embedded store's one writer (graph/ladybug_load.py): an export directory streamed stores
exactly what the same export parsed in memory stores, for a load and for a re-ingest; a torn or bad
export writes nothing; repeats are merged as `read_export` merges them; a load that does not fit in
the page cache changes nothing and says what to set."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import graph
from graph import model

from conftest_graph import EDGES, NODES, write_export


def snapshot(store) -> tuple:
    """Everything the store holds: counts, every node with its properties, every edge with its."""
    g = store.projection()
    nodes = sorted((n, json.dumps(d, ensure_ascii=False, sort_keys=True)) for n, d in g.nodes(data=True))
    edges = sorted((s, k, o, json.dumps(d, ensure_ascii=False, sort_keys=True))
                   for s, o, k, d in g.edges(keys=True, data=True))
    return store.counts(), nodes, edges


def records(export_dir: Path) -> tuple[list[dict], list[dict]]:
    return tuple([json.loads(line) for line in (export_dir / name).read_text(encoding="utf-8").splitlines()]
                 for name in ("nodes.jsonl", "edges.jsonl"))


def open_embedded(tmp_path: Path, name: str):
    return graph.open_store("embedded", path=tmp_path / name / "graph.lbdb")


def test_a_streamed_load_stores_what_the_in_memory_load_stores(corpus_export, tmp_path):
    export_dir = corpus_export[0]
    with open_embedded(tmp_path, "streamed") as streamed, open_embedded(tmp_path, "parsed") as parsed:
        stats = streamed.load_export(export_dir)
        assert stats == parsed.load(graph.read_export(export_dir))
        held = snapshot(streamed)
        assert held == snapshot(parsed)
        assert stats["nodes"] > 1000 and stats["edges"] > 3000
        assert sum(held[0]["edges"].values()) == stats["edges"]
        assert streamed.load_export(export_dir) == stats  # again: an upsert, nothing changes
        assert snapshot(streamed) == held


def _older_export(seed: Path, out: Path) -> tuple[Path, dict]:
    """The seed export as an earlier extraction might have left it: a document's measures missing,
    a measure the extractor no longer finds (led by an agency nothing else mentions), an agency
    with another name, and a sector that was a party then."""
    nodes, edges = records(seed)
    document = next(n["id"] for n in nodes if n["label"] == model.DOCUMENT and n.get("source")
                    and sum(e["type"] == model.PART_OF and e["target"] == n["id"] for e in edges) >= 2)
    dropped = {e["source"] for e in edges if e["type"] == model.PART_OF and e["target"] == document}
    agency = next(n for n in nodes if n["label"] == model.AGENCY)
    sector = next(n for n in nodes if n["label"] == model.SECTOR)
    nodes = [n for n in nodes if n["id"] not in dropped]
    edges = [e for e in edges if e["source"] not in dropped and e["target"] not in dropped]
    nodes = [dict(n, name="旧名称") if n is agency else n for n in nodes]
    nodes = [dict(n, label=model.REGULATED_PARTY) if n is sector else n for n in nodes]
    edges = [e for e in edges if sector["id"] not in (e["source"], e["target"])]
    nodes += [{"id": "measure:gone", "label": model.MEASURE, "heading": "不再有的措施", "text": "不再有的措施。"},
              {"id": "agency:gone", "label": model.AGENCY, "name": "撤销的机构"}]
    edges += [{"source": "measure:gone", "target": document, "type": model.PART_OF},
              {"source": "agency:gone", "target": "measure:gone", "type": model.LEADS}]
    return write_export(out, nodes, edges), {"document": document, "dropped": dropped, "agency": agency["id"],
                                             "sector": sector["id"]}


def test_a_streamed_reingest_stores_what_the_in_memory_reingest_stores(corpus_export, tmp_path):
    seed = corpus_export[0]
    older, changed = _older_export(seed, tmp_path / "older")
    with open_embedded(tmp_path, "streamed") as streamed, open_embedded(tmp_path, "parsed") as parsed, \
            open_embedded(tmp_path, "fresh") as fresh:
        streamed.load_export(older)
        parsed.load(graph.read_export(older))
        assert snapshot(streamed) == snapshot(parsed)
        stats = streamed.replace_export(seed)
        assert stats == parsed.replace_sources(graph.read_export(seed))
        assert snapshot(streamed) == snapshot(parsed)
        # and it is the seed's graph, as a load into an empty store gives it
        fresh.load_export(seed)
        assert snapshot(streamed) == snapshot(fresh)
        assert stats["deleted_orphans"] >= 1 and stats["deleted_nodes"] >= 1
        assert streamed.get_nodes(["measure:gone", "agency:gone"]) == {}
        assert streamed.get_nodes(sorted(changed["dropped"])).keys() == changed["dropped"]
        assert streamed.get_nodes([changed["sector"]])[changed["sector"]]["label"] == model.SECTOR
        assert streamed.get_nodes([changed["agency"]])[changed["agency"]]["name"] != "旧名称"


def _torn(tmp_path: Path) -> Path:
    """nodes.jsonl of one export beside the edges.jsonl and manifest of another."""
    nodes = [dict(n, title="新标题") if n["label"] == model.DOCUMENT else n for n in NODES]
    new = write_export(tmp_path / "new", nodes=nodes)
    torn = write_export(tmp_path / "torn")
    (torn / "nodes.jsonl").write_bytes((new / "nodes.jsonl").read_bytes())
    return torn


@pytest.mark.parametrize("replace", [False, True], ids=["load", "re-ingest"])
def test_a_torn_or_bad_export_writes_nothing(tmp_path, replace):
    broken = {"torn": _torn(tmp_path),
              "dangling": write_export(tmp_path / "dangling", edges=EDGES + [
                  {"source": "agency:mofcom", "target": "m:nowhere", "type": "LEADS"}]),
              "bad-last-line": write_export(tmp_path / "bad", edges=EDGES + [{"source": "agency:mofcom"}])}
    with open_embedded(tmp_path, "store") as store:
        store.load_export(write_export(tmp_path / "export"))
        before = snapshot(store)
        for name, export_dir in broken.items():
            with pytest.raises(graph.ExportError) as refused:
                (store.replace_export if replace else store.load_export)(export_dir)
            expected = {"torn": "nodes.jsonl does not match", "dangling": "1 edge.*m:nowhere",
                        "bad-last-line": "edges.jsonl:36: an edge needs"}[name]
            refused.match(expected)
            assert snapshot(store) == before, name


def test_repeated_rows_keep_the_last_as_read_export_does(tmp_path):
    """A hand-made export may repeat an id or an edge anywhere, not only on the next line."""
    nodes = [{"id": "p:draft", "label": "Draft", "name": "草稿"}] + NODES + [
        dict(NODES[0], name="改名后"), dict(NODES[3]), {"id": "p:draft", "label": "RegulatedParty", "name": "定稿"}]
    edges = EDGES + [dict(EDGES[0], evidence="后来的证据"), dict(EDGES[5])]
    export_dir = write_export(tmp_path / "export", nodes=nodes, edges=edges)
    with open_embedded(tmp_path, "streamed") as streamed, open_embedded(tmp_path, "parsed") as parsed:
        stats = streamed.load_export(export_dir)
        assert stats == parsed.load(graph.read_export(export_dir)) == {"nodes": len(NODES) + 1, "edges": len(EDGES)}
        assert snapshot(streamed) == snapshot(parsed)
        assert streamed.get_nodes([NODES[0]["id"]])[NODES[0]["id"]]["name"] == "改名后"
        assert streamed.get_nodes(["p:draft"])["p:draft"]["label"] == "RegulatedParty"
        first = streamed.relationships([EDGES[0]["source"]], [EDGES[0]["type"]], "out")
        assert [r["evidence"] for r in first if r["target"] == EDGES[0]["target"]] == ["后来的证据"]


def test_a_load_that_does_not_fit_the_page_cache_changes_nothing(tmp_path, corpus_export):
    """One transaction must fit in the page cache; one that does not is refused whole, with the
    variable that makes the cache larger named."""
    from graph.ladybug_store import LadybugStore
    path = tmp_path / "small" / "graph.lbdb"
    with LadybugStore(path, buffer_pool_mb=64) as store:
        store.load_export(write_export(tmp_path / "export"))
        before = snapshot(store)
    with LadybugStore(path, buffer_pool_mb=TOO_SMALL_MB) as store:
        with pytest.raises(graph.LoadError, match="POLICYKG_EMBEDDED_WRITE_MB") as refused:
            store.replace_export(corpus_export[0])
        assert "nothing was changed" in str(refused.value)
    with LadybugStore(path, buffer_pool_mb=64) as store:
        assert snapshot(store) == before


TOO_SMALL_MB = 16
