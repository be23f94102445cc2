"""As-of questions (documents in force, supersession chains) and obligations, on both stores."""
from __future__ import annotations

import pytest

from graph import history, model, queries
from conftest_graph import EDGES, NODES, seed, store, write_export  # noqa: F401

REGISTRATION = "doc:国务院令第746号"  # 中华人民共和国市场主体登记管理条例, in force 2022-03-01


def test_documents_in_force_respect_issue_effective_and_repeal_dates(seed):
    before = {d["id"] for d in history.documents_in_force(seed, "2021-06-30")}
    after = {d["id"] for d in history.documents_in_force(seed, "2022-06-30")}
    assert REGISTRATION not in before            # issued 2021-07-27
    assert REGISTRATION in after
    assert "doc:国发〔2021〕4号" in before and "doc:国发〔2021〕4号" in after
    # interpretations are not policies, undated ones are left out
    nodes = seed.get_nodes(after)
    assert all(n.get("doc_type") not in ("解读", "导读") and n.get("date") for n in nodes.values())
    with pytest.raises(ValueError):
        history.documents_in_force(seed, "June 2021")


def test_repealed_document_leaves_force_on_the_repealing_date(seed):
    chain = history.supersession_chain(seed, REGISTRATION)
    older = [r for r in chain if r["relation"] == "older"]
    assert len(older) == 5 and {r["name"] for r in older} >= {"中华人民共和国公司登记管理条例"}
    assert chain[0]["relation"] == "self" or chain[0]["date"] is not None


def test_obligations_of_an_agency_and_of_a_party(seed):
    # 企业登记机关 is a term 企业名称登记管理规定 defines for the 市场监督管理部门: it names 市场监管总局
    duties = history.obligations_of(seed, "企业登记机关")
    names = [d for d in duties if d["document"] == "企业名称登记管理规定"]
    assert len(names) >= 10 and {"第三条", "第十八条"} <= {d["article"] for d in names}
    assert len(duties) > len(names)  # and every other duty of 市场监管总局
    for doc in {d["document_id"] for d in duties}:  # by document, then by article number
        articles = [d["article"] for d in duties if d["document_id"] == doc]
        assert articles == sorted(articles, key=history._article_no)
    assert [d["document_id"] or "" for d in duties] == sorted(d["document_id"] or "" for d in duties)
    with pytest.raises(queries.NotFound):
        history.obligations_of(seed, "不存在的单位")


def test_article_numbers_order_numerically():
    assert [history._article_no(a) for a in ("第二条", "第十条", "第二十三条", "第一百零五条")] == [2, 10, 23, 105]



def _in_force_read_whole(store, on: str) -> list[str]:
    """The documents in force on `on` as an earlier version worked them out: every document and
    relation read, the rule applied here (the reference the database's filter must equal)."""
    g = store.projection(labels=[model.DOCUMENT], rel_types=[model.SUPERSEDES, model.AMENDS])
    repealed = {o for s, o, k, attrs in g.edges(keys=True, data=True)
                if history._replaces(k, attrs) and (history._start(g.nodes[s]) or "9999") <= on}
    return sorted((a["date"], n) for n, a in g.nodes(data=True)
                  if a.get("in_corpus") is not False and a.get("doc_type") not in history.NOT_POLICIES
                  and a.get("date") and a["date"] <= on and (a.get("effective_date") or "") <= on
                  and (a.get("version_date") or "") <= on and n not in repealed)


@pytest.mark.parametrize("on", ["2019-12-31", "2021-06-30", "2021-12-31", "2022-06-30", "2030-01-01"])
def test_in_force_pages_are_slices_of_the_rule_applied_to_every_document(seed, on):
    whole = history.documents_in_force(seed, on)
    assert [(d["date"], d["id"]) for d in whole] == _in_force_read_whole(seed, on)
    first, second = history.in_force_page(seed, on, limit=20), history.in_force_page(seed, on, limit=20, offset=20)
    assert first["total"] == second["total"] == len(whole)
    assert first["rows"] + second["rows"] == whole[:40]


def test_a_repealed_text_leaves_the_page_on_the_repealing_date_and_a_partial_repeal_keeps_it(store, tmp_path):
    """The database keeps what is in force; the relations that end a text's force are read apart."""
    nodes = [{**n, "in_corpus": True} if n["id"] in ("doc:notice-2019", "doc:notice-2015") else n for n in NODES]
    nodes = [{**n, "date": "2015-02-01"} if n["id"] == "doc:notice-2015" else n for n in nodes]
    edges = [{**e, "partial": True} if e["target"] == "doc:notice-2015" else e for e in EDGES]
    store.load_export(write_export(tmp_path / "export", nodes, edges))

    def in_force(on):
        page = history.in_force_page(store, on, limit=2)
        assert page["total"] == len(history.documents_in_force(store, on))
        return [d["id"] for d in history.documents_in_force(store, on)], page
    ids, page = in_force("2023-04-24")
    assert "doc:notice-2019" in ids and "doc:notice-2015" in ids
    assert [d["id"] for d in page["rows"]] == ids[:2] == ["doc:notice-2015", "doc:notice-2019"]
    ids, _ = in_force("2023-04-25")  # the day the 2023 notice repeals the 2019 one
    assert "doc:notice-2019" not in ids and "doc:notice-2015" in ids  # only partly replaced: still in force
