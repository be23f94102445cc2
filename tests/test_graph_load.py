"""Loading: idempotent, source-scoped re-ingest, clear errors, crash-safe (SIGKILL mid-load)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import graph
from kgcatalogue.manifest import write_manifest
from graph import queries

from conftest_graph import (EDGES, EXPECTED_COUNTS, F1, F2, NODES, export_dir, loaded, neo4j_uri,  # noqa: F401
                            open_neo4j, src, store, wipe_neo4j, write_export)

ROOT = Path(__file__).resolve().parents[1]


def test_loading_twice_changes_nothing(store, export_dir):
    first = store.load_export(export_dir)
    assert first == {"nodes": 27, "edges": 35}
    before = store.counts()
    projection = store.projection()
    store.load_export(export_dir)
    assert store.counts() == before == EXPECTED_COUNTS
    again = store.projection()
    assert dict(again.nodes(data=True)) == dict(projection.nodes(data=True))
    assert sorted(again.edges(keys=True)) == sorted(projection.edges(keys=True))


def test_reload_replaces_properties_of_a_changed_node(store, tmp_path):
    store.load_export(write_export(tmp_path / "a"))
    nodes = [dict(n) for n in NODES]
    samr = next(n for n in nodes if n["id"] == "agency:samr")
    samr["aliases"] = ["市场监管总局"]
    del samr["short_name"]
    store.load_export(write_export(tmp_path / "b", nodes=nodes))
    node = store.get_nodes(["agency:samr"])["agency:samr"]
    assert node["aliases"] == ["市场监管总局"] and "short_name" not in node
    assert store.counts() == EXPECTED_COUNTS


def _opinion_v2():
    """doc:opinion re-extracted: (二) dropped, (三) reworded, a new (四) led by 海关总署, cites a new text."""
    nodes = [n for n in NODES if n["id"] in ("doc:opinion", "agency:mofcom", "agency:mof", "agency:customs",
                                             "agency:samr", "agency:gov-office")]
    nodes = [dict(n) for n in nodes]
    nodes += [
        {"id": "m:opinion:1", "label": "Measure", "measure_no": "（一）", "heading": "稳定外贸外资基本盘",
         "text": "（一）稳定外贸外资基本盘。（商务部牵头，财政部按职责分工负责）", "source": src(F1, 10, 12)},
        {"id": "m:opinion:3", "label": "Measure", "measure_no": "（三）", "heading": "便利税费缴纳",
         "text": "（三）进一步便利税费缴纳和出口退税。（海关总署负责）", "source": src(F1, 30, 32)},
        {"id": "m:opinion:4", "label": "Measure", "measure_no": "（四）", "heading": "提升通关效率",
         "text": "（四）提升口岸通关效率。（海关总署牵头，商务部配合）", "source": src(F1, 40, 41)},
        {"id": "doc:customs-rules", "label": "Document", "title": "海关总署关于优化口岸营商环境的公告",
         "in_corpus": False},
    ]
    edges = [
        {"source": "m:opinion:1", "target": "doc:opinion", "type": "PART_OF"},
        {"source": "m:opinion:3", "target": "doc:opinion", "type": "PART_OF"},
        {"source": "m:opinion:4", "target": "doc:opinion", "type": "PART_OF"},
        {"source": "agency:mofcom", "target": "m:opinion:1", "type": "LEADS"},
        {"source": "agency:mof", "target": "m:opinion:1", "type": "SUPPORTS"},
        {"source": "agency:customs", "target": "m:opinion:3", "type": "LEADS"},
        {"source": "agency:customs", "target": "m:opinion:4", "type": "LEADS"},
        {"source": "agency:mofcom", "target": "m:opinion:4", "type": "SUPPORTS"},
        {"source": "doc:opinion", "target": "agency:gov-office", "type": "ISSUED_BY"},
        {"source": "doc:opinion", "target": "doc:customs-rules", "type": "CITES"},
    ]
    return nodes, edges


def test_reingesting_a_document_replaces_only_its_subgraph(loaded):
    nodes, edges = _opinion_v2()
    new = graph.from_records(nodes, edges)
    stats = loaded.replace_documents(["doc:opinion"], new)
    assert stats["deleted_nodes"] == 4  # (一), 1., (二), (三)
    counts = loaded.counts()
    assert counts["nodes"] == {**EXPECTED_COUNTS["nodes"], "Document": 9, "Measure": 5}
    assert counts["edges"] == {"AMENDS": 1, "BINDS": 2, "CITES": 4, "ISSUED_BY": 4, "LEADS": 5,
                               "PART_OF": 8, "SUPERSEDES": 2, "SUPPORTS": 3}  # CONCERNS went with it
    present = loaded.get_nodes(["m:opinion:1.1", "m:opinion:2", "m:opinion:4", "m:plan:1", "o:names:4",
                                "agency:sta", "sector:trade", "doc:plan", "doc:customs-rules"])
    assert set(present) == {"m:opinion:4", "m:plan:1", "o:names:4", "agency:sta", "sector:trade",
                            "doc:plan", "doc:customs-rules"}
    assert "退税" in loaded.get_nodes(["m:opinion:3"])["m:opinion:3"]["text"]
    # the other document's measures and everyone's shared nodes are untouched
    assert [m["id"] for m in queries.sole_lead_measures(loaded, "商务部")] == ["m:opinion:1", "m:plan:1"]
    assert [(a["id"], a["measures"]) for a in queries.co_responsible(loaded, "海关总署")] == [("agency:mofcom", 1)]
    # its old outgoing edges went (CITES doc:plan, CONCERNS), incoming ones from others stay
    assert [d["id"] for d in queries.cited_transitive(loaded, "doc:opinion", max_depth=1)] == ["doc:customs-rules"]
    assert ("doc:company-law", "CITES", "doc:opinion") in loaded.expand(["doc:opinion"], direction="in")
    # replacing again with the same records is a no-op
    before = loaded.counts()
    loaded.replace_documents(["doc:opinion"], new)
    assert loaded.counts() == before


def test_replacing_the_sources_of_an_export_drops_what_is_no_longer_extracted(loaded, tmp_path):
    """`policykg build` again after the extractor changed: file 1 now yields neither measure (二) nor
    (三), so 税务总局, which only (三) mentioned, is no longer in the export either."""
    gone = {"m:opinion:2", "m:opinion:3", "agency:sta"}
    nodes = [n for n in NODES if n["id"] not in gone and (n.get("source") or {}).get("file", F1) == F1]
    keep = {n["id"] for n in nodes}
    edges = [e for e in EDGES if e["source"] in keep and e["target"] in keep]
    export = graph.read_export(write_export(tmp_path / "v2", nodes=nodes, edges=edges))
    stats = loaded.replace_sources(export)
    assert stats["replaced_files"] == 1
    counts = loaded.counts()
    assert counts["nodes"]["Measure"] == EXPECTED_COUNTS["nodes"]["Measure"] - 2
    assert not loaded.get_nodes(list(gone)) and len(loaded.get_nodes(["m:opinion:1", "m:plan:2"])) == 2
    # the agency nothing mentions any more went with its measure; the others stay
    assert counts["nodes"]["Agency"] == EXPECTED_COUNTS["nodes"]["Agency"] - 1
    assert counts["nodes"]["Obligation"] == EXPECTED_COUNTS["nodes"]["Obligation"]  # file 2 untouched
    assert loaded.documents_from_source(F2) == ["doc:names", "doc:notice-2023"]
    loaded.replace_sources(export)
    assert loaded.counts() == counts  # idempotent


def test_reingesting_a_source_file(loaded):
    """File 2 re-extracted: the regulation keeps one obligation, the 2023 notice is no longer in it."""
    assert loaded.documents_from_source(F2) == ["doc:names", "doc:notice-2023"]
    names = dict(next(n for n in NODES if n["id"] == "doc:names"))
    nodes = [names,
             {"id": "o:names:4", "label": "Obligation", "subject": "企业", "modality": "obligation",
              "action": "只能登记一个企业名称", "article": "第四条", "source": src(F2, 10, 10)},
             {"id": "agency:state-council", "label": "Agency", "name": "国务院", "short_name": "国务院",
              "aliases": ["国务院"]}]
    edges = [{"source": "o:names:4", "target": "doc:names", "type": "PART_OF"},
             {"source": "doc:names", "target": "agency:state-council", "type": "ISSUED_BY"},
             {"source": "o:names:4", "target": "party:enterprise", "type": "BINDS"}]  # a shared node in the store
    loaded.replace_source(F2, nodes, edges)
    counts = loaded.counts()
    assert counts["nodes"]["Obligation"] == 1
    # the notice left the file; as a stub that nothing cites it is removed
    notice = loaded.get_nodes(["doc:notice-2023"]).get("doc:notice-2023")
    assert notice is None  # a stub nothing points at goes
    assert loaded.documents_from_source(F2) == ["doc:names"]
    assert queries.supersedes_transitive(loaded, "doc:names") == []
    # file 1 untouched
    assert counts["nodes"]["Measure"] == 6 and counts["edges"]["LEADS"] == 7


def test_bad_exports_fail_clearly(store, tmp_path):
    with pytest.raises(graph.ExportError, match="nodes.jsonl not found"):
        store.load_export(tmp_path / "missing")
    bad = write_export(tmp_path / "dangling", edges=EDGES + [
        {"source": "agency:mofcom", "target": "m:nowhere", "type": "LEADS"}])
    with pytest.raises(graph.ExportError, match="1 edge.*m:nowhere"):
        store.load_export(bad)
    evil = write_export(tmp_path / "evil", nodes=NODES + [{"id": "x", "label": "A`) DETACH DELETE (n"}])
    with pytest.raises(graph.ExportError, match="not a plain identifier"):
        store.load_export(evil)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "nodes.jsonl").write_text('{"id": "a", "label": "Agency"}\n{oops\n')
    (tmp_path / "broken" / "edges.jsonl").write_text("")
    write_manifest(tmp_path / "broken")  # the pair is one export; its line 2 is what is wrong
    with pytest.raises(graph.ExportError, match="nodes.jsonl:2: not JSON"):
        store.load_export(tmp_path / "broken")
    assert sum(store.counts()["nodes"].values()) == 0


def extract_export(text: str, out: Path) -> Path:
    from policykg.cli import run_extract
    corpus = out.parent / f"{out.name}-in"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "notice.txt").write_text(text, encoding="utf-8")
    run_extract([str(corpus)], str(out), progress=False)
    return out


NOTICE_A = ("国务院办公厅关于做好外贸工作的通知\n国办发〔2023〕9号\n各省、自治区、直辖市人民政府：\n"
            "一、稳定外贸。（一）优化出口退税服务。（商务部牵头，财政部、海关总署按职责分工负责）\n"
            "国务院办公厅\n2023年4月25日\n")
NOTICE_B = NOTICE_A.replace("（一）优化出口退税服务。（商务部牵头，财政部、海关总署按职责分工负责）",
                            "（一）优化出口退税服务。（海关总署牵头，税务总局按职责分工负责）"
                            "（二）便利通关。（海关总署负责）")


def test_an_export_torn_between_its_two_renames_is_refused(store, tmp_path):
    """A run killed after renaming its new nodes.jsonl but before its new edges.jsonl: the old
    manifest is gone and no new one is written, so `load` refuses, names the directory, and loads
    nothing; an old manifest put back does not match the new nodes.jsonl either."""
    old = extract_export(NOTICE_A, tmp_path / "old")
    new = extract_export(NOTICE_B, tmp_path / "new")
    assert (new / "nodes.jsonl").read_bytes() != (old / "nodes.jsonl").read_bytes()
    torn = tmp_path / "torn"
    torn.mkdir()
    (torn / "edges.jsonl").write_bytes((old / "edges.jsonl").read_bytes())  # the old pair's second file
    (torn / "nodes.jsonl").write_bytes((new / "nodes.jsonl").read_bytes())  # the new run's first rename
    with pytest.raises(graph.ExportError, match="manifest.json is missing") as missing:
        store.load_export(torn)
    assert str(torn) in str(missing.value) and "\n" not in str(missing.value)
    (torn / "manifest.json").write_bytes((old / "manifest.json").read_bytes())
    with pytest.raises(graph.ExportError, match="nodes.jsonl does not match"):
        store.load_export(torn)
    assert sum(store.counts()["nodes"].values()) == 0
    assert store.load_export(new)["nodes"] > 0  # the complete export loads


def test_the_cli_load_of_a_torn_export_is_one_clear_line(tmp_path, capsys, monkeypatch):
    from policykg import cli_graph
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "data"))
    new = extract_export(NOTICE_B, tmp_path / "new")
    (new / "manifest.json").unlink()
    assert cli_graph.main(["load", str(new), "--store", "embedded", "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a complete export" in err[0] and "Traceback" not in err[0]


def test_a_failed_embedded_load_changes_nothing(tmp_path, export_dir):
    """A load is one transaction: an edge whose endpoint is nowhere fails it after its nodes were
    written, and the store is as before — and another store object on the file sees committed loads."""
    path = tmp_path / "data" / "graph.lbdb"
    s = graph.open_store("embedded", path=path)
    s.load_export(export_dir)
    before = s.counts()
    nodes = [dict(n, title="改了") if n["label"] == "Document" else n for n in NODES]
    bad = graph.from_records(nodes + [{"id": "agency:new", "label": "Agency", "name": "新部门"}],
                             EDGES + [{"source": "agency:new", "target": "m:nowhere", "type": "LEADS"}],
                             check_edges=False)
    with pytest.raises(graph.LoadError, match="m:nowhere"):
        s.load(bad)
    assert s.counts() == before
    assert s.get_nodes(["doc:plan"])["doc:plan"]["title"].startswith("全国深化")
    assert s.get_nodes(["agency:new"]) == {}
    s.replace_documents(["doc:plan"], graph.from_records([], []))
    other = graph.open_store("embedded", path=path)
    assert other.counts()["nodes"]["Measure"] == 4
    other.close()
    s.close()
    assert path.is_file() and not list(path.parent.glob("*.migrating"))


def test_data_dir_comes_from_the_environment(tmp_path, monkeypatch, export_dir):
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "elsewhere"))
    s = graph.open_store()
    assert s.kind == "embedded" and s.path == tmp_path / "elsewhere" / "graph.lbdb"


# -- crash test ---------------------------------------------------------------------------------------
def synthetic_export(directory: Path, documents: int = 300, measures_per_doc: int = 20) -> Path:
    """A larger export of the same shape as the seed graph (for crash tests and the benchmark)."""
    agencies = [f"agency:{i}" for i in range(60)]
    nodes = [{"id": a, "label": "Agency", "name": f"部门{i}", "short_name": f"部{i}", "aliases": [f"部门{i}"]}
             for i, a in enumerate(agencies)]
    edges = []
    for d in range(documents):
        doc = f"doc:{d}"
        nodes.append({"id": doc, "label": "Document", "title": f"关于第{d}项工作的意见", "doc_number": f"国办发〔2024〕{d}号",
                      "in_corpus": True, "source": src(f"{d % 7}.txt", 1, 100)})
        edges.append({"source": doc, "target": agencies[d % 60], "type": "ISSUED_BY"})
        if d:
            edges.append({"source": doc, "target": f"doc:{d - 1}", "type": "CITES"})
        for m in range(measures_per_doc):
            mid = f"m:{d}:{m}"
            nodes.append({"id": mid, "label": "Measure", "measure_no": f"（{m}）", "heading": f"措施{m}",
                          "text": f"（{m}）推进第{d}项工作的第{m}条措施。（部门{(d + m) % 60}牵头）",
                          "generic_parties": ["各地区"], "source": src(f"{d % 7}.txt", m, m + 1)})
            edges.append({"source": mid, "target": doc, "type": "PART_OF"})
            edges.append({"source": agencies[(d + m) % 60], "target": mid, "type": "LEADS"})
            edges.append({"source": agencies[(d + 2 * m + 1) % 60], "target": mid, "type": "SUPPORTS"})
    return write_export(directory, nodes=nodes, edges=edges)


LOADER = textwrap.dedent("""
    import sys, graph
    kind, export_dir, path_or_batch = sys.argv[1:4]
    options = {"path": path_or_batch} if kind == "embedded" else {"batch_size": int(path_or_batch)}
    def progress(stage, done, total):
        print("PROGRESS", stage, done, total, flush=True)
    with graph.open_store(kind, **options) as store:
        print("OPEN", flush=True)
        graph.load_export(store, export_dir, progress=progress)
    print("DONE", flush=True)
""")


def _start_loader(kind, export, arg):
    """A loading process (the embedded store's file lock allows one writer: close ours first)."""
    return subprocess.Popen([sys.executable, "-c", LOADER, kind, str(export), str(arg)],
                            stdout=subprocess.PIPE, text=True, cwd=str(ROOT), env=dict(os.environ))


def test_embedded_load_killed_midway_leaves_the_graph_before_or_after_it(tmp_path):
    export = synthetic_export(tmp_path / "big")
    expected = graph.read_export(export)
    path = tmp_path / "data" / "graph.lbdb"
    seen_states, killed = set(), 0
    for delay in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5):
        proc = _start_loader("embedded", export, path)
        assert proc.stdout.readline().startswith("OPEN")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL and "DONE" not in proc.stdout.read()
        with graph.open_store("embedded", path=path) as s:  # recovers from the write-ahead log
            counts = s.counts()
            seen_states.add((sum(counts["nodes"].values()), sum(counts["edges"].values())))
    assert killed >= 1  # at least the early kills land before the load finished
    assert seen_states <= {(0, 0), (len(expected.nodes), len(expected.edges))}
    with graph.open_store("embedded", path=path) as s:
        s.load_export(export)
        s.load_export(export)
        assert sum(s.counts()["nodes"].values()) == len(expected.nodes)
        assert sum(s.counts()["edges"].values()) == len(expected.edges)


@pytest.mark.neo4j
def test_neo4j_load_killed_midway_then_rerun_gives_the_full_graph(tmp_path):
    neo = open_neo4j()
    try:
        wipe_neo4j(neo)
        export = synthetic_export(tmp_path / "big")
        expected = graph.read_export(export)
        env_uri = neo4j_uri()
        os.environ.setdefault("NEO4J_URI", env_uri)
        proc = _start_loader("neo4j", export, 100)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("PROGRESS edges:"):  # all nodes in, edges half-way
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert any(line.startswith("PROGRESS") for line in lines), lines
        partial = neo.counts()
        assert sum(partial["edges"].values()) < len(expected.edges)
        neo.load_export(export)
        counts = neo.counts()
        assert sum(counts["nodes"].values()) == len(expected.nodes)
        assert sum(counts["edges"].values()) == len(expected.edges)
        neo.load_export(export)
        assert neo.counts() == counts
    finally:
        neo.close()


def test_the_export_lines_read_as_json_reads_them(tmp_path):
    """The export's lines are read by orjson where it gives json's records, and by json where it
    would not (an integer beyond 64 bits, NaN, a lone surrogate): the same rows either way, and a
    bad line is named as json names it."""
    import json

    from graph import export as export_module
    lines = [b'{"id":"a:1","label":"Agency","name":"\xe5\xb8\x82\xe5\x9c\xba","aliases":["x"],"score":0.5}\n',
             b'{"id":"a:2","label":"Agency","n":123456789012345678901234567890}\n',
             b'{"id":"a:3","label":"Agency","n":-9223372036854775809,"f":NaN}\n',
             b'{"id":"a:4","label":"Agency","s":"\\ud800","d":{"b":1,"a":[1,2]}}\n',
             b'\n',
             b'{"id":"a:5","label":"Agency","line_start":12,"big":18446744073709551615}\n']
    path = tmp_path / "nodes.jsonl"
    path.write_bytes(b"".join(lines))
    got = list(export_module._read_jsonl(path))
    assert got == [(n, json.loads(line.decode())) for n, line in enumerate(lines, 1) if line.strip()]
    assert type(got[1][1]["n"]) is int and type(got[2][1]["n"]) is int
    path.write_bytes(lines[0] + b'{"id": "a:9", "label": \n')
    with pytest.raises(graph.ExportError, match=r"nodes.jsonl:2: not JSON \(Expecting value"):
        list(export_module._read_jsonl(path))
    path.write_bytes(b'["a list"]\n')
    with pytest.raises(graph.ExportError, match="nodes.jsonl:1: expected a JSON object"):
        list(export_module._read_jsonl(path))
    path.write_bytes(b'{"id": "\xff"}\n')
    with pytest.raises(graph.ExportError, match="nodes.jsonl:1: not UTF-8"):
        list(export_module._read_jsonl(path))
