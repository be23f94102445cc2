"""The declared stage list, the carrier and the writer, tested apart from the detectors."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from extract.agencies import load_gazetteer
from extract.document import BASE_FIELDS, DocumentText
from extract.pipeline import STAGES, Stage, documents_of, run_stages
from extract.read import SourceText
from extract.records import Records, write_document

CARRIER_FIELDS = {f.name for f in dataclasses.fields(DocumentText)} | set(BASE_FIELDS)


def unmet_needs(stages) -> list[str]:
    """Needs a stage has that no earlier stage (nor the carrier's base) adds, and unknown fields."""
    have, out = set(BASE_FIELDS), []
    for s in stages:
        out += [f"{s.name} needs {n}" for n in s.needs if n not in have]
        out += [f"{s.name} adds unknown field {a}" for a in s.adds if a not in CARRIER_FIELDS]
        have |= set(s.adds)
    return out


def test_every_need_is_added_by_an_earlier_stage():
    assert unmet_needs(STAGES) == []
    assert len({s.name for s in STAGES}) == len(STAGES)


def test_the_check_fails_on_a_misordered_list():
    by_name = {s.name: s for s in STAGES}
    swapped = (by_name["deadlines"], by_name["measures"])
    assert unmet_needs(swapped) == ["deadlines needs measures"]
    assert unmet_needs((Stage("x", lambda d, g: None, needs=(), adds=("nonsense",)),)) == \
        ["x adds unknown field nonsense"]


TEXT = """国务院办公厅关于加强数据安全管理的意见
国办发〔2031〕99号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
  为加强数据安全管理，经国务院同意，现提出以下意见。
  （一）建立数据分类分级制度。2032年底前完成重点行业数据目录编制。（工业和信息化部牵头，国家发展改革委、财政部按职责分工负责）
  （二）加强集成电路和软件产业数据保护。（科技部负责）
  《关于旧办法的通知》（国办发〔2020〕1号）同时废止。
国务院办公厅
2031年5月6日
"""


@pytest.fixture(scope="module")
def carrier():
    gaz = load_gazetteer()
    docs = documents_of(SourceText("t.txt", Path("t.txt"), TEXT.splitlines(), "utf-8", "txt"))
    assert [d.header.doc_number for d in docs] == ["国办发〔2031〕99号"]
    return run_stages(docs[0], gaz), gaz


def test_stages_fill_the_carrier_with_hits(carrier):
    doc, _ = carrier
    assert [m.measure_no for m in doc.measures] == ["（一）", "（二）"]
    assert [(p.surface, p.agency_id) for p in doc.measures[0].assignment.leads] == \
        [("工业和信息化部", "agency:工业和信息化部")]
    assert [(d.measure, d.deadline) for d in doc.deadlines] == [(0, "2032-12-31"), (1, None)]
    assert [(s.kind, s.old.doc_number) for s in doc.supersessions] == [("repeals", "国办发〔2020〕1号")]
    assert {i.agency_id for i in doc.issuers} == {"agency:国务院办公厅"}
    for hit in doc.measures + doc.supersessions:  # offsets point into the carrier's text
        assert 0 <= hit.start < hit.end <= len(doc.text)


def test_the_writer_turns_hits_into_nodes_and_edges_with_provenance(carrier):
    doc, gaz = carrier
    records = Records()
    doc_id = write_document(records, doc, gaz)
    assert doc_id == "doc:国办发〔2031〕99号"
    leads = [e for e in records.edges.values() if e["type"] == "LEADS"]
    assert [(e["source"], records.nodes[e["target"]]["measure_no"]) for e in leads] == \
        [("agency:工业和信息化部", "（一）"), ("agency:科学技术部", "（二）")]
    first = records.nodes[leads[0]["target"]]
    assert first["source"] == {"file": "t.txt", "line_start": 5, "line_end": 5}
    assert first["deadline"] == "2032-12-31"
    repeal = next(e for e in records.edges.values() if e["type"] == "SUPERSEDES")
    assert records.nodes[repeal["target"]]["in_corpus"] is False and repeal["source"] == doc_id
