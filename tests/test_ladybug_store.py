"""The embedded store (LadybugDB): the everyday Cypher queries on both stores, read-only safety,
the time limit that stops a runaway query, one writer at a time, threads, the old graph.json."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import networkx as nx
import pytest

import graph
from graph import console, queries

from conftest_graph import (EDGES, EXPECTED_COUNTS, NODES, export_dir, loaded, store,  # noqa: F401
                            write_export)
from test_graph_load import synthetic_export

ROOT = Path(__file__).resolve().parents[1]

# issue 11's everyday queries, with the fixture's agencies (商务部 for 工业和信息化部), and their answers
EVERYDAY = [
    ("MATCH (a:Agency)-[:LEADS]->(m:Measure) RETURN a.name, count(m) AS n ORDER BY n DESC LIMIT 5",
     lambda rows: rows[0] == {"a.name": "商务部", "n": 3} and len(rows) == 5 and all(r["n"] == 1 for r in rows[1:])),
    ("MATCH (a:Agency {short_name:'商务部'})-[:LEADS|SUPPORTS]->(m:Measure)<-[:LEADS|SUPPORTS]-(b:Agency) "
     "RETURN b.name, count(m) ORDER BY count(m) DESC LIMIT 5",
     lambda rows: sorted((r["b.name"], r["count(m)"]) for r in rows) ==
     [("国家市场监督管理总局", 2), ("海关总署", 1), ("财政部", 2)]),
    ("MATCH (a:Agency {short_name:'商务部'})-[:LEADS]->(m:Measure) WHERE NOT EXISTS { (o:Agency)-[:LEADS]->(m) "
     "WHERE o <> a } RETURN m.heading LIMIT 3",
     lambda rows: sorted(r["m.heading"] for r in rows) == ["推进外贸新业态发展", "稳定外贸外资基本盘"]),
    ("MATCH (d:Document) WHERE d.date >= '2021-06-01' RETURN d.title, d.date ORDER BY d.date LIMIT 3",
     lambda rows: [r["d.date"] for r in rows] == ["2021-07-20", "2022-09-07", "2023-04-25"]),
    ("MATCH (m:Measure) WHERE m.generic_parties IS NOT NULL AND size(m.generic_parties) > 0 "
     "RETURN m.measure_no, count(*) LIMIT 5",
     lambda rows: sorted((r["m.measure_no"], r["count(*)"]) for r in rows) == [("（二）", 2)]),
    ("MATCH p=shortestPath((a:Agency {short_name:'商务部'})-[*..4]-(b:Agency {short_name:'财政部'})) RETURN p",
     lambda rows: len(rows) == 1 and [n["id"] for n in rows[0]["p"]["nodes"]][::2] == ["agency:mofcom", "agency:mof"]
     and len(rows[0]["p"]["relationships"]) == 2),
    ("MATCH (d:Document) WITH d.doc_type AS t, count(*) AS n RETURN t, n ORDER BY n DESC",
     lambda rows: rows[0] == {"t": "通知", "n": 3} and sum(r["n"] for r in rows) == 8),
    ("MATCH (d:Document) WHERE d.title CONTAINS '外贸' RETURN d.title LIMIT 3",
     lambda rows: sorted(r["d.title"] for r in rows) == ["关于促进外贸稳规模优结构的通知", "关于加快培育外贸竞争新优势的通知",
                                                         "关于推动外贸稳中提质的通知"]),
    ("MATCH (o:Obligation)-[:BINDS]->(p:RegulatedParty) RETURN o.article, o.modality, o.action LIMIT 3",
     lambda rows: rows == [{"o.article": "第四条", "o.modality": "obligation", "o.action": "只能登记一个企业名称"}]),
    ("UNWIND ['商务部','财政部'] AS n MATCH (a:Agency {short_name:n})-[:LEADS]->(m) RETURN n, count(m)",
     lambda rows: sorted((r["n"], r["count(m)"]) for r in rows) == [("商务部", 3), ("财政部", 1)]),
    ("MATCH (a:Agency) RETURN a.name, size(a.aliases) AS k ORDER BY k DESC LIMIT 3",
     lambda rows: rows[0] == {"a.name": "国家市场监督管理总局", "k": 3} and [r["k"] for r in rows[1:]] == [2, 2]),
    ("MATCH (n:Document)-[r:SUPERSEDES|AMENDS]->(o) RETURN type(r), r.kind, o.title LIMIT 5",
     lambda rows: sorted((r["type(r)"], r["r.kind"] or "", r["o.title"]) for r in rows) == [
         ("AMENDS", "", "企业名称登记管理规定"), ("SUPERSEDES", "repeals", "关于推动外贸稳中提质的通知"),
         ("SUPERSEDES", "replaces", "关于加快培育外贸竞争新优势的通知")]),
]


@pytest.mark.parametrize("query, answer", EVERYDAY, ids=[f"q{i + 1}" for i in range(len(EVERYDAY))])
def test_everyday_queries_give_the_same_answers_on_both_stores(loaded, query, answer):
    rows = console.run_read_only(loaded, query).rows  # the console's shape: paths as nodes + relationships
    assert answer(rows), rows


def test_console_examples_run_as_written(loaded):
    answered = [console.run_read_only(loaded, query).rows for _, _, query in console.EXAMPLES]
    assert sum(1 for rows in answered if rows) >= 8  # the fixture has no deadlines and no prohibitions
    result = console.run_read_only(loaded, console.EXAMPLES[1][2])
    rel = result.rows[0]["r"]
    assert rel["type"] == "LEADS" and rel["source"] == "agency:mofcom" and rel["target"].startswith("m:")
    assert set(result.node_ids) >= {"agency:mofcom", "m:opinion:1", "m:opinion:2", "m:plan:1"}


def test_return_star_shows_only_the_query_s_own_variables(loaded):
    rows = loaded.run_cypher("MATCH (a:Agency {short_name:'商务部'})-[:LEADS]->(m)<-[:SUPPORTS]-(b) RETURN *")
    assert rows and all(set(r) == {"a", "m", "b"} for r in rows)
    assert sorted(r["b"]["id"] for r in rows) == ["agency:customs", "agency:mof", "agency:samr"]


def test_unknown_properties_labels_and_types_round_trip(tmp_path):
    odd = [{"id": "x:1", "label": "Programme", "name": "试点", "budget": 3, "tags": ["a", 1]},
           {"id": "x:2", "label": "Agency", "name": "某局", "short_name": 7, "note": {"k": [1, 2]},
            "aliases": [], "rank": 1.5}]
    edges = [{"source": "x:2", "target": "x:1", "type": "RUNS", "since": 2020},
             {"source": "x:1", "target": "doc:plan", "type": "CITES", "extra": True}]
    s = graph.open_store("embedded", path=tmp_path / "g.lbdb")
    s.load_export(write_export(tmp_path / "e", nodes=NODES + odd, edges=EDGES + edges))
    got = s.get_nodes(["x:1", "x:2"])
    assert got["x:1"] == {"id": "x:1", "label": "Programme", "name": "试点", "budget": 3, "tags_json": '["a", 1]'}
    assert got["x:2"] == {"id": "x:2", "label": "Agency", "name": "某局", "short_name": 7,
                          "note_json": '{"k": [1, 2]}', "aliases": [], "rank": 1.5}
    assert s.relationships(["x:1"]) == [
        {"source": "x:1", "type": "CITES", "target": "doc:plan", "extra": True},
        {"source": "x:2", "type": "RUNS", "target": "x:1", "since": 2020}]
    assert s.run_cypher("MATCH (p:Programme)<-[r:RUNS]-(a) RETURN p.budget, r.since, a.rank") == [
        {"p.budget": 3, "r.since": 2020, "a.rank": 1.5}]
    s.close()


def test_a_never_built_store_reads_empty_and_says_how_to_build(tmp_path):
    s = graph.open_store("embedded", path=tmp_path / "none" / "graph.lbdb", read_only=True)
    assert s.counts() == {"nodes": {}, "edges": {}} and queries.search(s, "商务部") == []
    with pytest.raises(graph.StoreUnavailable, match="policykg build"):
        s.run_cypher("MATCH (n) RETURN n")
    assert not (tmp_path / "none").exists()  # reading creates nothing


def test_the_app_opens_the_database_read_only(tmp_path, export_dir):
    path = tmp_path / "graph.lbdb"
    with graph.open_store("embedded", path=path) as s:
        s.load_export(export_dir)
        # a read on a writable store runs in a read-only transaction: the database refuses writes
        with pytest.raises(graph.UnsupportedQuery, match="read-only"):
            s.run_cypher("MATCH (a:Agency) SET a.name = 'x' RETURN a")
    app = graph.open_store("embedded", path=path, read_only=True)
    with pytest.raises(graph.StoreError, match="read-only"):
        app.run_cypher("CREATE (:Agency {id: 'x'})", read_only=False)
    with pytest.raises(graph.StoreError, match="read-only"):
        app.load_export(export_dir)
    assert app.counts() == EXPECTED_COUNTS
    app.close()


def test_a_long_running_reader_runs_hundreds_of_different_queries(tmp_path, export_dir):
    """LadybugDB keeps something of every distinct parametrised query a connection runs until it closes: a
    read-only store's page cache (here 64 MB) filled after ~100 different parametrised expansions
    — what a long-running app asks, a page at each offset. Pooled
    connections are retired (CONNECTION_USES), so the reader keeps answering."""
    path = tmp_path / "graph.lbdb"
    with graph.open_store("embedded", path=path) as s:
        s.load_export(export_dir)
    reader = graph.open_store("embedded", path=path, read_only=True, buffer_pool_mb=64)
    try:
        whole = reader.neighbours_by_document("agency:mofcom", ["LEADS", "SUPPORTS"])["rows"]
        for k in range(600):  # every offset is another query text (it failed at the 112th)
            page = reader.neighbours_by_document("agency:mofcom", ["LEADS", "SUPPORTS"], limit=1, offset=k % 5)
            assert page["rows"] == whole[k % 5:k % 5 + 1] and page["total"] == 4, k
            assert reader.neighbour_page(["agency:mofcom"], ["LEADS"], limit=k + 1)[0] == 3
    finally:
        reader.close()


BUSY_HOLDER = textwrap.dedent("""
    import sys, time, graph
    s = graph.open_store("embedded", path=sys.argv[1], read_only=True)
    print(sum(s.counts()["nodes"].values()), flush=True)
    time.sleep(60)
""")


def test_a_load_while_another_process_reads_says_the_store_is_in_use(tmp_path, export_dir):
    data = tmp_path / "data"
    with graph.open_store("embedded", path=data / "graph.lbdb") as s:
        s.load_export(export_dir)
    holder = subprocess.Popen([sys.executable, "-c", BUSY_HOLDER, str(data / "graph.lbdb")],
                              stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
    try:
        assert holder.stdout.readline().strip() == "27"
        env = dict(os.environ, POLICYKG_DATA=str(data), POLICYKG_STORE="embedded")
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "load", str(export_dir)], env=env,
                              capture_output=True, text=True, cwd=str(ROOT), timeout=120)
        assert done.returncode == 1
        assert "in use by another process" in done.stderr and "Traceback" not in done.stderr
        # `policykg build` says so before extracting anything
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(ROOT.parent / "shared" / "corpus"),
                               "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True,
                              cwd=str(ROOT), timeout=120)
        assert done.returncode == 1 and "in use by another process" in done.stderr
        assert not (tmp_path / "out").exists() and time.monotonic() - started < 15
        # a question and an export only read: they run while the app has the store open
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "query", "duties", "商务部", "--json"], env=env,
                              capture_output=True, text=True, cwd=str(ROOT), timeout=120)
        assert done.returncode == 0, done.stderr
        assert {r["heading"] for r in json.loads(done.stdout) if r.get("kind") == "measure"} >= {"稳定外贸外资基本盘"}
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "export", "--format", "jsonl", "--out",
                               str(tmp_path / "jsonl")], env=env, capture_output=True, text=True, cwd=str(ROOT),
                              timeout=120)
        assert done.returncode == 0, done.stderr
    finally:
        holder.kill()
        holder.wait()


RUNAWAY = textwrap.dedent("""
    import sys, time, graph
    from graph import console
    s = graph.open_store("embedded", path=sys.argv[1], read_only=True)
    for name, query in (("ISSUE", "MATCH (a) MATCH (b) MATCH (c) RETURN count(a) AS n"),
                        ("PAIRS", "MATCH (a) MATCH (b) MATCH (c) WHERE a.id < b.id AND b.id < c.id RETURN count(*)")):
        started = time.monotonic()
        try:
            console.run_read_only(s, query, timeout_s=float(sys.argv[2]))
            print(name, "finished", time.monotonic() - started)
        except graph.StoreError as exc:
            print(name, "stopped", time.monotonic() - started, exc)
    # this process's own peak (VmHWM): ru_maxrss would carry the forking test runner's peak over exec
    print("RSS_MB", next(int(line.split()[1]) for line in open("/proc/self/status")
                         if line.startswith("VmHWM")) / 1024)
""")


def test_a_runaway_query_is_stopped_within_twice_its_limit_in_bounded_memory(tmp_path):
    path = tmp_path / "graph.lbdb"
    with graph.open_store("embedded", path=path) as s:
        s.load_export(synthetic_export(tmp_path / "big", documents=150))  # 3,210 nodes: 3e10 triples
    limit = 2.0
    done = subprocess.run([sys.executable, "-c", RUNAWAY, str(path), str(limit)], capture_output=True,
                          text=True, cwd=str(ROOT), timeout=120)
    out = {line.split(" ", 1)[0]: line.split(" ")[1:] for line in done.stdout.splitlines()}
    assert set(out) == {"ISSUE", "PAIRS", "RSS_MB"}, done.stdout + done.stderr
    # the database counts the issue's cross product without enumerating it (factorised); either
    # way it answers or stops within twice the limit
    assert float(out["ISSUE"][1]) < 2 * limit
    # an enumeration of 5e9 triples is interrupted
    assert out["PAIRS"][0] == "stopped" and float(out["PAIRS"][1]) < 2 * limit
    assert f"longer than {limit:g} s" in " ".join(out["PAIRS"])
    assert float(out["RSS_MB"][0]) < 1024


def test_threads_share_one_read_only_store(tmp_path, export_dir):
    path = tmp_path / "graph.lbdb"
    with graph.open_store("embedded", path=path) as s:
        s.load_export(export_dir)
    shared = graph.open_store("embedded", path=path, read_only=True)
    expected = (queries.duties_of(shared, "商务部"), queries.co_responsible(shared, "商务部"),
                queries.search(shared, "外贸"))
    answers, errors = [], []

    def ask():
        try:
            for _ in range(15):
                answers.append((queries.duties_of(shared, "商务部"), queries.co_responsible(shared, "商务部"),
                                queries.search(shared, "外贸")))
        except Exception as exc:  # handed to the main thread
            errors.append(exc)
    workers = [threading.Thread(target=ask) for _ in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == [] and len(answers) == 90 and all(a == expected for a in answers)
    assert expected[0] and expected[1] and expected[2]
    # Streamlit runs each rerun in a new thread: connections go back to a pool instead of piling up
    for _ in range(30):
        t = threading.Thread(target=lambda: queries.duties_of(shared, "商务部"))
        t.start()
        t.join()
    assert len(shared._idle) <= 6
    shared.close()


def _legacy_file(path: Path) -> None:
    """graph.json exactly as the NetworkX store of earlier versions wrote it."""
    export = graph.read_export(write_export(path.parent / "export"))
    g = nx.MultiDiGraph(format="policykg-node-link", version=1)
    for node_id, (label, props) in export.nodes.items():
        g.add_node(node_id, **props, label=label)
    for (s, t, o), props in export.edges.items():
        g.add_edge(s, o, key=t, **props, type=t)
    data = nx.node_link_data(g, edges="edges")
    for item in data["nodes"]:
        item.pop("id_", None)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("read_only", [False, True])
def test_an_old_graph_json_is_migrated_once(tmp_path, read_only):
    legacy = tmp_path / "data" / "graph.json"
    legacy.parent.mkdir()
    _legacy_file(legacy)
    with graph.open_store("embedded", path=tmp_path / "data" / "graph.lbdb", read_only=read_only) as s:
        assert s.counts() == EXPECTED_COUNTS
        assert s.get_nodes(["doc:opinion"])["doc:opinion"]["sources_json"].startswith("[{")
        assert queries.sole_lead_measures(s, "商务部")
    assert not legacy.exists() and (tmp_path / "data" / "graph.json.migrated").is_file()
    legacy.write_text("{}", encoding="utf-8")  # a later graph.json beside the database is not read again
    with graph.open_store("embedded", path=tmp_path / "data" / "graph.lbdb") as s:
        assert s.counts() == EXPECTED_COUNTS


def test_a_broken_graph_json_says_to_rebuild(tmp_path):
    (tmp_path / "graph.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(graph.StoreUnavailable, match="policykg build"):
        graph.open_store("embedded", path=tmp_path / "graph.lbdb").counts()


# -- the seed corpus on both stores ------------------------------------------------------------------
#: issue 11's twelve everyday queries, exactly as written there for Neo4j
ISSUE_QUERIES = [
    "MATCH (a:Agency)-[:LEADS]->(m:Measure) RETURN a.name, count(m) AS n ORDER BY n DESC LIMIT 5",
    "MATCH (a:Agency {short_name:'工业和信息化部'})-[:LEADS|SUPPORTS]->(m:Measure)<-[:LEADS|SUPPORTS]-(b:Agency) "
    "RETURN b.name, count(m) ORDER BY count(m) DESC LIMIT 5",
    "MATCH (a:Agency {short_name:'工业和信息化部'})-[:LEADS]->(m:Measure) WHERE NOT EXISTS { (o:Agency)-[:LEADS]->(m) "
    "WHERE o <> a } RETURN m.heading LIMIT 3",
    "MATCH (d:Document) WHERE d.date >= '2021-06-01' RETURN d.title, d.date ORDER BY d.date LIMIT 3",
    "MATCH (m:Measure) WHERE m.deadline IS NOT NULL RETURN m.deadline, count(*) LIMIT 5",
    "MATCH p=shortestPath((a:Agency {short_name:'工业和信息化部'})-[*..4]-(b:Agency {short_name:'财政部'})) RETURN p",
    "MATCH (d:Document) WITH d.doc_type AS t, count(*) AS n RETURN t, n ORDER BY n DESC",
    "MATCH (d:Document) WHERE d.title CONTAINS '数据' RETURN d.title LIMIT 3",
    "MATCH (o:Obligation)-[:BINDS]->(p:RegulatedParty) RETURN o.article, o.modality, o.action LIMIT 3",
    "UNWIND ['工业和信息化部','财政部'] AS n MATCH (a:Agency {short_name:n})-[:LEADS]->(m) RETURN n, count(m)",
    "MATCH (a:Agency) RETURN a.name, size(a.aliases) AS k ORDER BY k DESC LIMIT 3",
    "MATCH (n:Document)-[r:SUPERSEDES|AMENDS]->(o) RETURN type(r), r.kind, o.title LIMIT 5",
]


def _answer(value):
    """A value compared across stores: nodes by id, relationships by ends, paths by length."""
    if isinstance(value, dict) and "relationships" in value and "nodes" in value:
        return ["path", len(value["relationships"])]
    if isinstance(value, dict) and "type" in value and "source" in value:
        return [value["type"], value["source"], value["target"]]
    if isinstance(value, dict) and "label" in value and "id" in value:
        return value["id"]
    if isinstance(value, list):
        return [_answer(v) for v in value]
    return round(value, 6) if isinstance(value, float) else value


@pytest.mark.neo4j
def test_the_seed_graph_answers_alike_on_both_stores(corpus_export, tmp_path):
    """Issue 11's everyday queries (on the seed's 工业和信息化部), the console's examples and the
    README's Cypher column, without their LIMIT (ties would cut differently): the same rows."""
    from conftest_graph import open_neo4j, wipe_neo4j
    import re
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    asked = ISSUE_QUERIES + [q for _, _, q in console.EXAMPLES] + [
        q.replace("\\|", "|") for q in re.findall(r"\| `(MATCH[^`]+)` \|", readme)]
    neo = open_neo4j()
    embedded = graph.open_store("embedded", path=tmp_path / "graph.lbdb")
    try:
        wipe_neo4j(neo)
        for s in (neo, embedded):
            s.load_export(corpus_export[0])
        assert embedded.counts() == neo.counts()
        for query in asked:
            whole = re.sub(r"\s+LIMIT\s+\d+\s*$", "", query)
            answers = []
            for s in (neo, embedded):
                rows = console.run_read_only(s, whole, row_cap=100000).rows
                answers.append(sorted(json.dumps([_answer(v) for v in r.values()], ensure_ascii=False) for r in rows))
            assert answers[0] == answers[1], query
            assert answers[0], query
    finally:
        neo.close()
        embedded.close()


@pytest.mark.parametrize("query, column", [
    ("MATCH (start:Document) RETURN start.title LIMIT 1", "start.title"),
    ("MATCH (create:Agency) RETURN create.name LIMIT 1", "create.name"),
    ("MATCH (order:Document) RETURN order.title LIMIT 1", "order.title"),
    ("MATCH (d:Document) RETURN d.title AS use LIMIT 1", "use"),
    ("MATCH (d:Document) RETURN d.title AS drop LIMIT 1", "drop"),
    ("MATCH (d:Document) RETURN d.id AS none, d.title AS stop ORDER BY none LIMIT 1", "stop"),
    ("MATCH (d:Document) WHERE d.title CONTAINS 'create' OR true RETURN count(*) AS create", "create"),
    ("MATCH (copy:Agency {name: '商务部'}) RETURN copy.name AS `from`", "from"),
])
def test_names_neo4j_allows_and_ladybugdb_reserves_are_quoted(loaded, query, column):
    rows = loaded.run_cypher(query)
    assert rows and rows[0][column] not in (None, 0)


def test_a_property_no_node_has_reads_as_null(loaded):
    assert loaded.run_cypher("MATCH (d:Document {id: 'doc:plan'}) RETURN d.set, d.remove, d.title AS t") == [
        {"d.set": None, "d.remove": None, "t": "全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案"}]


def test_writes_get_a_larger_page_cache_than_reads(tmp_path, monkeypatch):
    """A load is one transaction that must fit in the page cache, so a store opened for writing gets a
    quarter of the memory (1–8 GB, or $POLICYKG_EMBEDDED_WRITE_MB); a read-only one keeps 512 MB,
    which bounds a runaway query."""
    from graph import ladybug_store
    monkeypatch.delenv("POLICYKG_EMBEDDED_WRITE_MB", raising=False)
    with graph.open_store("embedded", path=tmp_path / "g.lbdb") as s:
        assert 1024 <= s.buffer_pool_mb <= 8192
        s.counts()
    with graph.open_store("embedded", path=tmp_path / "g.lbdb", read_only=True) as s:
        assert s.buffer_pool_mb == ladybug_store.DEFAULT_BUFFER_POOL_MB == 512
    monkeypatch.setenv("POLICYKG_EMBEDDED_WRITE_MB", "2048")
    assert ladybug_store.write_buffer_pool_mb() == 2048


def test_search_asks_for_exact_matches_only_where_inexact_ones_cannot_reach_the_page(tmp_path):
    """Documents rank before measures: once `limit` documents contain the word, a measure can reach
    the first page only by an exact match — which must still come first."""
    nodes = [{"id": f"doc:{i}", "label": "Document", "title": f"关于数据第{i}号的通知"} for i in range(3)]
    nodes += [{"id": "m:exact", "label": "Measure", "heading": "数据", "text": "数据"},
              {"id": "m:inexact", "label": "Measure", "heading": "数据共享", "text": "推进数据共享"}]
    with graph.open_store("embedded", path=tmp_path / "g.lbdb") as s:
        graph.load_export(s, write_export(tmp_path / "export", nodes=nodes, edges=[]))
        assert [h["id"] for h in queries.search(s, "数据", limit=2)] == ["m:exact", "doc:0"]
        assert [h["id"] for h in queries.search(s, "数据", limit=3)] == ["m:exact", "doc:0", "doc:1"]
        assert [h["id"] for h in queries.search(s, "数据", limit=5)] == ["m:exact", "doc:0", "doc:1", "doc:2",
                                                                          "m:inexact"]
