"""As-of questions (documents in force, supersession chains) and obligations, on both stores."""
from __future__ import annotations

import pytest

from graph import history, queries
from conftest_graph import seed  # noqa: F401

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

