"""Shared pieces of the graph tests: a small, realistic export and store fixtures.

Imported by tests/test_graph_*.py (not a conftest.py, so it stays out of other people's tests).

Neo4j tests connect to $POLICYKG_TEST_NEO4J_URI or $NEO4J_URI and EMPTY that database — point them
at a throwaway server such as the one `policykg neo4j start` runs. They refuse to wipe a database
holding nodes the graph layer did not write. With $CI set, an unreachable Neo4j fails them; without,
they skip and say how to start one.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import graph
from kgcatalogue.manifest import write_manifest

F1 = "000_test_policies.txt"
F2 = "001_test_regulation.txt"


def src(file, a, b):
    return {"file": file, "line_start": a, "line_end": b}


NODES = [
    # documents
    {"id": "doc:opinion", "label": "Document",
     "title": "国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见",
     "doc_number": "国办发〔2022〕30号", "date": "2022-09-07", "doc_type": "意见", "in_corpus": True,
     "source": src(F1, 1, 80), "sources": [src(F1, 1, 80), src(F1, 400, 480)]},
    {"id": "doc:plan", "label": "Document",
     "title": "全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案",
     "doc_number": "国办发〔2021〕25号", "date": "2021-07-20", "doc_type": "方案", "in_corpus": True,
     "source": src(F1, 81, 200), "sources": [src(F1, 81, 200)]},
    {"id": "doc:names", "label": "Document", "title": "企业名称登记管理规定",
     "doc_number": "国务院令第734号", "date": "2020-12-28", "doc_type": "行政法规", "in_corpus": True,
     "source": src(F2, 1, 60), "sources": [src(F2, 1, 60)]},
    {"id": "doc:names-1991", "label": "Document", "title": "企业名称登记管理规定",
     "doc_number": "国家工商行政管理局令第7号", "date": None, "doc_type": "部门规章", "in_corpus": False},
    {"id": "doc:notice-2023", "label": "Document", "title": "关于促进外贸稳规模优结构的通知",
     "doc_number": "商贸发〔2023〕5号", "date": "2023-04-25", "doc_type": "通知", "in_corpus": True,
     "source": src(F2, 61, 90)},
    {"id": "doc:notice-2019", "label": "Document", "title": "关于推动外贸稳中提质的通知",
     "doc_number": None, "date": "2019-11-19", "doc_type": "通知", "in_corpus": False},
    {"id": "doc:notice-2015", "label": "Document", "title": "关于加快培育外贸竞争新优势的通知",
     "doc_number": None, "date": None, "doc_type": "通知", "in_corpus": False},
    {"id": "doc:company-law", "label": "Document", "title": "中华人民共和国公司法",
     "doc_number": None, "date": None, "doc_type": "法律", "in_corpus": False},
    # agencies
    {"id": "agency:mofcom", "label": "Agency", "name": "商务部", "short_name": "商务部",
     "aliases": ["商务部", "中华人民共和国商务部"]},
    {"id": "agency:mof", "label": "Agency", "name": "财政部", "short_name": "财政部", "aliases": ["财政部"]},
    {"id": "agency:customs", "label": "Agency", "name": "海关总署", "short_name": "海关总署",
     "aliases": ["海关总署"]},
    {"id": "agency:samr", "label": "Agency", "name": "国家市场监督管理总局", "short_name": "市场监管总局",
     "aliases": ["市场监管总局", "国家市场监督管理总局", "市场监管部门"]},
    {"id": "agency:sta", "label": "Agency", "name": "国家税务总局", "short_name": "税务总局",
     "aliases": ["税务总局"]},
    {"id": "agency:ndrc", "label": "Agency", "name": "国家发展和改革委员会", "short_name": "国家发展改革委",
     "aliases": ["国家发展改革委", "发展改革委"]},
    {"id": "agency:state-council", "label": "Agency", "name": "国务院", "short_name": "国务院",
     "aliases": ["国务院"]},
    {"id": "agency:gov-office", "label": "Agency", "name": "国务院办公厅", "short_name": "国务院办公厅",
     "aliases": ["国务院办公厅", "国办"]},
    # measures (and obligations) carry the id of their document, as the writer gives them
    {"id": "m:opinion:1", "label": "Measure", "document": "doc:opinion", "measure_no": "（一）", "heading": "稳定外贸外资基本盘",
     "text": "（一）稳定外贸外资基本盘，优化出口退税服务。（商务部牵头，财政部、海关总署按职责分工负责）",
     "generic_parties": [], "source": src(F1, 10, 12)},
    {"id": "m:opinion:1.1", "label": "Measure", "document": "doc:opinion", "measure_no": "1.", "heading": "规范企业登记",
     "text": "1.规范企业名称登记管理。（市场监管总局牵头，商务部配合）",
     "generic_parties": [], "source": src(F1, 13, 14)},
    {"id": "m:opinion:2", "label": "Measure", "document": "doc:opinion", "measure_no": "（二）", "heading": "降低进出口环节费用",
     "text": "（二）降低进出口环节费用。（商务部、财政部牵头，各地区按职责分工负责）",
     "generic_parties": ["各地区"], "source": src(F1, 20, 22)},
    {"id": "m:opinion:3", "label": "Measure", "document": "doc:opinion", "measure_no": "（三）", "heading": "便利税费缴纳",
     "text": "（三）进一步便利税费缴纳。（税务总局负责）", "generic_parties": [], "source": src(F1, 30, 31)},
    {"id": "m:plan:1", "label": "Measure", "document": "doc:plan", "measure_no": "（一）", "heading": "推进外贸新业态发展",
     "text": "（一）推进跨境电商等外贸新业态发展。（商务部牵头，市场监管总局等按职责分工负责）",
     "generic_parties": [], "source": src(F1, 90, 92)},
    {"id": "m:plan:2", "label": "Measure", "document": "doc:plan", "measure_no": "（二）", "heading": "完善价格监管",
     "text": "（二）完善价格监管机制。（国家发展改革委会同各地区负责）",
     "generic_parties": ["各地区"], "source": src(F1, 93, 95)},
    # obligations, parties, sectors
    {"id": "o:names:4", "label": "Obligation", "document": "doc:names", "subject": "企业", "modality": "obligation",
     "action": "只能登记一个企业名称", "condition": None, "article": "第四条", "source": src(F2, 10, 10)},
    {"id": "o:names:11", "label": "Obligation", "document": "doc:names", "subject": "企业名称", "modality": "prohibition",
     "action": "不得有损害国家尊严或者利益的内容", "condition": None, "article": "第十一条",
     "source": src(F2, 20, 22)},
    {"id": "o:names:26", "label": "Obligation", "document": "doc:names", "subject": None, "modality": "obligation",
     "action": "由企业登记机关责令改正", "condition": "使用企业名称违反本规定的", "article": "第二十六条",
     "penalty": True, "source": src(F2, 50, 51)},
    {"id": "party:enterprise", "label": "RegulatedParty", "name": "企业"},
    {"id": "sector:trade", "label": "Sector", "name": "对外贸易"},
]

EDGES = [
    {"source": "m:opinion:1", "target": "doc:opinion", "type": "PART_OF"},
    {"source": "m:opinion:1.1", "target": "m:opinion:1", "type": "PART_OF"},
    {"source": "m:opinion:2", "target": "doc:opinion", "type": "PART_OF"},
    {"source": "m:opinion:3", "target": "doc:opinion", "type": "PART_OF"},
    {"source": "m:plan:1", "target": "doc:plan", "type": "PART_OF"},
    {"source": "m:plan:2", "target": "doc:plan", "type": "PART_OF"},
    {"source": "o:names:4", "target": "doc:names", "type": "PART_OF"},
    {"source": "o:names:11", "target": "doc:names", "type": "PART_OF"},
    {"source": "o:names:26", "target": "doc:names", "type": "PART_OF"},
    {"source": "agency:mofcom", "target": "m:opinion:1", "type": "LEADS", "evidence": "商务部牵头",
     "provenance": {"file": F1, "line_start": 10, "line_end": 11}},
    {"source": "agency:mof", "target": "m:opinion:1", "type": "SUPPORTS", "evidence": "财政部、海关总署按职责分工负责"},
    {"source": "agency:customs", "target": "m:opinion:1", "type": "SUPPORTS"},
    {"source": "agency:samr", "target": "m:opinion:1.1", "type": "LEADS"},
    {"source": "agency:mofcom", "target": "m:opinion:1.1", "type": "SUPPORTS"},
    {"source": "agency:mofcom", "target": "m:opinion:2", "type": "LEADS"},
    {"source": "agency:mof", "target": "m:opinion:2", "type": "LEADS"},
    {"source": "agency:sta", "target": "m:opinion:3", "type": "LEADS"},
    {"source": "agency:mofcom", "target": "m:plan:1", "type": "LEADS"},
    {"source": "agency:samr", "target": "m:plan:1", "type": "SUPPORTS"},
    {"source": "agency:ndrc", "target": "m:plan:2", "type": "LEADS"},
    {"source": "doc:opinion", "target": "agency:gov-office", "type": "ISSUED_BY"},
    {"source": "doc:plan", "target": "agency:gov-office", "type": "ISSUED_BY"},
    {"source": "doc:names", "target": "agency:state-council", "type": "ISSUED_BY"},
    {"source": "doc:notice-2023", "target": "agency:mofcom", "type": "ISSUED_BY"},
    {"source": "doc:names", "target": "doc:names-1991", "type": "AMENDS",
     "source_line": 7},
    {"source": "doc:notice-2023", "target": "doc:notice-2019", "type": "SUPERSEDES", "kind": "repeals"},
    {"source": "doc:notice-2019", "target": "doc:notice-2015", "type": "SUPERSEDES", "kind": "replaces"},
    {"source": "doc:opinion", "target": "doc:plan", "type": "CITES"},
    {"source": "doc:plan", "target": "doc:names", "type": "CITES"},
    {"source": "doc:names", "target": "doc:company-law", "type": "CITES"},
    {"source": "doc:company-law", "target": "doc:opinion", "type": "CITES"},  # a cycle, on purpose
    {"source": "o:names:4", "target": "party:enterprise", "type": "BINDS"},
    {"source": "o:names:26", "target": "agency:samr", "type": "BINDS"},
    {"source": "doc:opinion", "target": "sector:trade", "type": "CONCERNS"},
    {"source": "m:opinion:1", "target": "sector:trade", "type": "CONCERNS"},
]


def write_export(directory: Path, nodes=NODES, edges=EDGES) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "nodes.jsonl").open("w", encoding="utf-8") as fh:
        for n in nodes:
            fh.write(json.dumps(n, ensure_ascii=False) + "\n")
    with (directory / "edges.jsonl").open("w", encoding="utf-8") as fh:
        for e in edges:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    write_manifest(directory)  # hand-made, so sealed here as `policykg extract` seals its exports
    return directory


EXPECTED_COUNTS = {
    "nodes": {"Agency": 8, "Document": 8, "Measure": 6, "Obligation": 3, "RegulatedParty": 1, "Sector": 1},
    "edges": {"AMENDS": 1, "BINDS": 2, "CITES": 4, "CONCERNS": 2, "ISSUED_BY": 4, "LEADS": 7,
              "PART_OF": 9, "SUPERSEDES": 2, "SUPPORTS": 4},
}

# -- Neo4j ----------------------------------------------------------------------------------------
START_COMMAND = "policykg neo4j start  (or: make neo4j), then export the NEO4J_* variables it prints"


def neo4j_uri() -> str | None:
    return os.environ.get("POLICYKG_TEST_NEO4J_URI") or os.environ.get("NEO4J_URI")


def open_neo4j(**options):
    """A Neo4jStore on the test server — or skip (outside CI) / fail (CI) saying why."""
    try:
        return graph.open_store("neo4j", uri=neo4j_uri(), **options)
    except graph.StoreUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and Neo4j is unreachable: {exc}")
        pytest.skip(f"Neo4j not reachable ({exc}); start one with: {START_COMMAND}")


def wipe_neo4j(store) -> None:
    foreign = store.run_cypher("MATCH (n) WHERE NOT n:Node RETURN count(n) AS n")[0]["n"]
    if foreign:
        pytest.fail(f"the test Neo4j database holds {foreign} nodes PolicyKG did not write; "
                    "refusing to empty it — point POLICYKG_TEST_NEO4J_URI at a throwaway server")
    store.delete_all()


@pytest.fixture
def neo():
    """The test Neo4j server's store, emptied."""
    store = open_neo4j()
    wipe_neo4j(store)
    yield store
    store.close()


@pytest.fixture
def export_dir(tmp_path) -> Path:
    return write_export(tmp_path / "export")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    """An empty store of each kind."""
    if request.param == "embedded":
        s = graph.open_store("embedded", path=tmp_path / "data" / "graph.lbdb")
    else:
        s = open_neo4j()
        wipe_neo4j(s)
    yield s
    s.close()


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def seed(request, corpus_export, tmp_path_factory):
    """The seed-corpus graph, loaded once per module and store kind."""
    if request.param == "embedded":
        s = graph.open_store("embedded", path=tmp_path_factory.mktemp("seed") / "graph.lbdb")
    else:
        s = open_neo4j()
        wipe_neo4j(s)
    s.load_export(corpus_export[0])
    yield s
    s.close()


@pytest.fixture
def loaded(store, export_dir):
    store.load_export(export_dir)
    return store
