"""Statutory duties and reorganisations on both stores (Neo4j marked `neo4j`): who holds a duty
today, an agency's statutory duties (own and inherited), and the what-if with them."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest_graph import open_neo4j, store, wipe_neo4j, write_export  # noqa: F401
from duties_fixture import EDGES, NODES
from graph import impact, queries


@pytest.fixture
def duties(store, tmp_path):  # noqa: F811
    store.load_export(write_export(Path(tmp_path) / "duties-export", nodes=NODES, edges=EDGES))
    return store


def test_a_2021_measure_led_by_cbirc_is_held_today_by_nfra(duties):
    rows = queries.holders_today(duties, "m:plan:1")
    lead = next(r for r in rows if r["role"] == "lead")
    assert lead["printed"]["name"] == "中国银行保险监督管理委员会"
    assert [t["name"] for t in lead["today"]] == ["国家金融监督管理总局"]
    assert [(v["from"], v["to"], v["date"]) for v in lead["via"]] == [
        ("中国银行保险监督管理委员会", "国家金融监督管理总局", "2023-05-18")]
    # 人民银行 passed only a part of its duties on: it still holds this one
    support = next(r for r in rows if r["role"] == "support")
    assert [t["name"] for t in support["today"]] == ["中国人民银行"] and support["via"] == []


def test_an_obligation_is_held_today_by_the_successor_of_the_body_it_binds(duties):
    (row,) = queries.holders_today(duties, "o:old:3")
    assert (row["role"], row["level"], row["printed"]["short_name"]) == ("binds", "national", "国家工商总局")
    assert [t["short_name"] for t in row["today"]] == ["市场监管总局"]
    assert queries.holders_today(duties, "o:reg:5")[0]["today"][0]["id"] == "agency:samr"
    with pytest.raises(queries.NotFound):
        queries.holders_today(duties, "doc:reg")


def test_statutory_duties_by_regulation_level_and_modality_with_inherited_ones(duties):
    got = queries.statutory_duties(duties, "市场监管总局")
    assert (got["total"], got["inherited"]) == (5, 1)
    assert got["by_level"] == {"county_and_above": 3, "national": 2}
    assert got["by_modality"] == {"obligation": 4, "permission": 1}
    first = got["regulations"][0]
    assert (first["document"]["name"], first["count"]) == ("中华人民共和国市场主体登记管理条例", 4)
    inherited = [o for o in got["obligations"] if o["inherited_from"]]
    assert [(o["id"], o["inherited_from"]["agency"]["name"], o["inherited_from"]["year"]) for o in inherited] == [
        ("o:old:3", "国家工商行政管理总局", "2018")]
    assert queries.statutory_duties(duties, "市场监管总局", inherited=False)["total"] == 4
    # counted without reading a clause, and listed a page at a time: own clauses, then inherited ones
    counts = queries.statutory_counts(duties, "市场监管总局")
    assert {k: counts[k] for k in ("total", "inherited", "by_level", "by_modality")} == {
        k: got[k] for k in ("total", "inherited", "by_level", "by_modality")}
    assert [(g["document"]["id"], g["count"]) for g in counts["regulations"]] == [
        (g["document"]["id"], g["count"]) for g in got["regulations"]]
    assert [o["id"] for o in got["obligations"]][-1] == "o:old:3"
    for offset in range(6):
        page = queries.statutory_page(duties, "市场监管总局", limit=2, offset=offset)
        assert page["obligations"] == got["obligations"][offset:offset + 2] and page["total"] == 5
    # a partial succession hands nothing down
    assert queries.inherited_measures(duties, "金融监管总局") == [
        {"id": "m:plan:1", "role": "lead", "measure_no": "（一）", "heading": "加大外贸信贷投放",
         "document": queries.brief(duties.get_nodes(["doc:plan"])["doc:plan"]),
         "inherited_from": {"agency": queries.brief(duties.get_nodes(["agency:cbirc"])["agency:cbirc"]),
                            "date": "2023-05-18", "year": "2023"}}]
    assert queries.agencies_with_statutory_duties(duties) == {"agency:samr", "agency:saic", "agency:mps",
                                                             "agency:nfra"}


def test_what_if_counts_statutory_duties(duties):
    abolished = impact.abolish(duties, "市场监管总局")["statutory"]
    assert abolished["total"] == 5
    assert abolished["sole"] == 4  # o:old:3, o:reg:21, o:reg:5, o:reg:6: no other agency is bound by them
    assert [(a["name"], a["obligations"]) for a in abolished["shared_with"]] == [("公安部", 1)]
    merged = impact.merge(duties, "市场监管总局", "公安部")["statutory"]["merged"]
    assert merged == {"before": 1, "after": 5}
    report = impact.agency_report(duties, "金融监管总局")
    assert report["statutory"]["total"] == 0 and [m["id"] for m in report["inherited_measures"]] == ["m:plan:1"]


def test_a_clause_binding_an_agency_and_its_predecessor_is_one_duty(store, tmp_path):  # noqa: F811
    """第六条 binds 市场监管总局 and (printed with the old name) 国家工商总局, whose duties it took
    over: one duty of its own, not one own and one inherited — in every count and page."""
    both = {"source": "o:reg:6", "target": "agency:saic", "type": "BINDS", "surface": "工商行政管理部门",
            "level": "national"}
    store.load_export(write_export(Path(tmp_path) / "both-export", nodes=NODES, edges=[*EDGES, both]))
    counts = queries.statutory_counts(store, "市场监管总局")
    assert (counts["total"], counts["inherited"]) == (5, 1)
    page = queries.statutory_page(store, "市场监管总局")
    assert page["total"] == 5 and [o["id"] for o in page["obligations"]].count("o:reg:6") == 1
    assert next(o for o in page["obligations"] if o["id"] == "o:reg:6")["inherited_from"] is None
    summary = impact.agency_summary(store, "市场监管总局")
    assert (summary["obligations"], summary["inherited"]) == (5, 1)
    abolished = impact.abolish(store, "市场监管总局", limit=0)["statutory"]
    assert (abolished["total"], abolished["sole"]) == (5, 4)  # 国家工商总局 is its own predecessor, not another
    assert impact.merge(store, "市场监管总局", "公安部", limit=0)["statutory"]["merged"] == {"before": 1, "after": 5}
    # 国家工商总局 itself: its own clause and 第六条
    assert queries.statutory_counts(store, "国家工商总局")["total"] == 2
