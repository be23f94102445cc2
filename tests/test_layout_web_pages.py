"""Government web pages: the document's text among navigation, the info table as metadata, the body
printed twice read once, headings in their own paragraphs.

On the saved pages of ../shared/samples/govcn and on short pages written here.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from extract.header import apply_page_metadata
from extract.read import read_source
from extract.segment import DocHeader
from extract.webpage import page_parts, read_info_table



def _page(tmp_path, html: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


NAV = ('<div class="top"><a href="/">首页</a> | <a href="/zc">政策</a> | <a href="/en">EN</a></div>'
       '<div class="crumb"><a href="/">首页</a> &gt; <a href="/zc">政策</a> &gt; <a href="/wj">国务院部门文件</a></div>')
LINKS = ('<div class="links">链接：<ul><li><a href="a">全国人大</a></li><li><a href="b">全国政协</a></li>'
         '<li><a href="c">国务院部门网站</a></li><li><a href="d">地方政府网站</a></li></ul></div>'
         '<div class="share"><a href="w">微信</a><a href="x">微博</a></div><script>var title="国务院关于测试的通知";</script>')
BODY = ("<p><strong>国务院办公厅关于促进测试产业发展的意见</strong></p><p>国办发〔2025〕12号</p>"
        "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p><p>为促进测试产业发展，现提出以下意见。</p>"
        "<p><strong>一、强化支持</strong></p><p><strong>（一）加大财政支持。</strong></p>"
        "<p>统筹用好现有资金渠道，支持测试产业发展。<strong>（财政部、工业和信息化部按职责分工负责）</strong></p>"
        "<p><strong>（二）加强金融服务</strong></p>"
        "<p>鼓励金融机构加大信贷投放。<strong>（中国人民银行牵头，金融监管总局配合）</strong></p>"
        "<p>国务院办公厅</p><p>2025年3月1日</p>")
INFO = ('<table><tr><td>标　　题：</td><td>国务院办公厅关于促进测试产业发展的意见</td></tr>'
        '<tr><td>发文机关：</td><td>国务院办公厅</td><td>发文字号：</td><td>国办发〔2025〕12号</td></tr>'
        '<tr><td>主题分类：</td><td>工业、交通</td><td>公文种类：</td><td>意见</td></tr>'
        '<tr><td>成文日期：</td><td>2025年03月01日</td></tr></table>')


def test_heading_paragraphs_and_parentheticals_in_strong(tmp_path, export_of):
    page = _page(tmp_path, f"<html><body>{NAV}<div class='content'>{BODY}</div>{LINKS}</body></html>")
    nodes, edges = export_of([page], tmp_path / "out")
    (doc,) = [n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"]]
    assert (doc["title"], doc["doc_number"], doc["date"], doc["doc_type"], doc["issuers"]) == \
        ("国务院办公厅关于促进测试产业发展的意见", "国办发〔2025〕12号", "2025-03-01", "意见", ["国务院办公厅"])
    roles = sorted((e["type"], nodes[e["source"]]["name"], nodes[e["target"]]["heading"]) for e in edges
                   if e["type"] in ("LEADS", "SUPPORTS"))
    assert roles == [("LEADS", "中国人民银行", "加强金融服务"), ("SUPPORTS", "国家金融监督管理总局", "加强金融服务"),
                     ("SUPPORTS", "工业和信息化部", "加大财政支持"), ("SUPPORTS", "财政部", "加大财政支持")]


def test_navigation_links_share_buttons_and_scripts_are_never_text(tmp_path):
    lines = read_source(_page(tmp_path, f"<html><body>{NAV}<div class='content'>{BODY}</div>{LINKS}</body></html>")).lines
    text = "\n".join(lines)
    for chrome in ("首页", "政策", "全国人大", "国务院部门网站", "微信", "链接", "var title"):
        assert chrome not in text, chrome
    assert "国办发〔2025〕12号" in text and "金融监管总局配合" in text


def test_the_line_numbering_is_that_of_the_whole_page(tmp_path):
    """Blanked lines keep their place: provenance is the extracted-line numbering of the page."""
    from extract.read import html_block_lines

    html = f"<html><body>{NAV}<div class='content'>{BODY}</div>{LINKS}</body></html>"
    every = html_block_lines(BeautifulSoup(html, "lxml"))
    lines = read_source(_page(tmp_path, html)).lines
    assert len(lines) == len(every)
    assert all(line in ("", whole) for line, whole in zip(lines, every))
    assert lines.index("国办发〔2025〕12号") == every.index("国办发〔2025〕12号")


def test_a_body_printed_twice_is_one_document(tmp_path, export_of):
    desktop = f"<div class='pages_content mhide'>{BODY}</div>"
    mobile = f"<div class='pages_content pages_contentm pchide'>{BODY}</div>"
    twice_by_class = _page(tmp_path, f"<html><body>{NAV}{INFO}{desktop}{mobile}{LINKS}</body></html>", "a.html")
    twice_unmarked = _page(tmp_path, f"<html><body>{NAV}<div>{BODY}</div><div>{BODY}</div>{LINKS}</body></html>", "b.html")
    for page in (twice_by_class, twice_unmarked):
        nodes, edges = export_of([page], tmp_path / page.stem)
        docs = [n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"]]
        assert len(docs) == 1, page.name
        measures = [n for n in nodes.values() if n["label"] == "Measure"]
        assert sum(1 for e in edges if e["type"] in ("LEADS", "SUPPORTS")) == 4
        first_copy_end = max(i for i, line in enumerate(read_source(page).lines, 1) if "2025年3月1日" in line)
        assert all(m["source"]["line_end"] <= first_copy_end for m in measures)


def test_the_info_table_is_the_metadata(tmp_path, export_of):
    body = BODY.replace("<p><strong>国务院办公厅关于促进测试产业发展的意见</strong></p><p>国办发〔2025〕12号</p>", "")
    page = _page(tmp_path, f"<html><body>{NAV}{INFO}<div class='content'>{body}</div>{LINKS}</body></html>")
    source = read_source(page)
    assert source.meta["发文字号"] == "国办发〔2025〕12号" and source.meta["成文日期"] == "2025年03月01日"
    assert "标　　题：" not in "\n".join(source.lines)  # the table is metadata, not text
    nodes, _ = export_of([page], tmp_path / "out")
    (doc,) = [n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"]]
    assert (doc["title"], doc["doc_number"], doc["date"], doc["doc_type"]) == \
        ("国务院办公厅关于促进测试产业发展的意见", "国办发〔2025〕12号", "2025-03-01", "意见")


def test_read_info_table_labels_and_values():
    meta = read_info_table("标　　题：\n关于测试的通知\n发文字号：\n来　　源：商务部网站\n公文种类：通知\n成文日期：2026年08月19日")
    assert meta == {"标题": "关于测试的通知", "来源": "商务部网站", "公文种类": "通知", "成文日期": "2026年08月19日"}


def test_a_heading_before_the_body_is_kept_only_when_the_body_lacks_it():
    body = "".join(f"<p>第{i}段正文内容，用于测试主要内容的识别与保留，不是导航。</p>" for i in range(6))
    soup = BeautifulSoup(f"<html><body><h1>测试页面的正式标题在此</h1><div>{body}</div>"
                         "<div><a href='a'>相关链接一</a><a href='b'>相关链接二</a></div></body></html>", "lxml")
    parts = page_parts(soup)
    assert id(soup.h1) not in parts.hidden
    soup2 = BeautifulSoup(f"<html><body><h1>测试页面的正式标题在此</h1><div><p>测试页面的正式标题在此</p>{body}</div>"
                          "</body></html>", "lxml")
    assert id(soup2.h1) in page_parts(soup2).hidden


# --- the sample pages -------------------------------------------------------------------------------------------------
SAMPLES = {
    "content_5670341.htm": ("国务院办公厅关于转发教育部等部门“十四五”特殊教育发展提升行动计划的通知", "国办发〔2021〕60号",
                            "2021-12-31", "通知", ["国务院办公厅"], 0),
    "content_6907900.htm": ("工业和信息化部等六部门关于印发《算力基础设施高质量发展行动计划》的通知", "工信部联通信〔2023〕180号",
                            "2023-10-08", "通知",
                            ["工业和信息化部", "中央网信办", "教育部", "国家卫生健康委", "人民银行", "国务院国资委"], 0),
    "关于重要工业品低价无序竞争成本核算有关事.html": (
        "国家发展改革委 市场监管总局关于重要工业品低价无序竞争成本核算有关事项的通知", "发改价格〔2026〕1303号",
        "2026-09-03", "通知", ["国家发展改革委", "市场监管总局"], 0),
    "商务部等9部门关于促进航空保税维修高质量.htm": (
        "商务部等9部门关于促进航空保税维修高质量发展的意见", None, "2026-08-19", "意见",
        ["商务部", "国家发展改革委", "工业和信息化部", "财政部", "人力资源社会保障部", "生态环境部", "海关总署", "税务总局",
         "中国民航局"], 13),
}


@pytest.fixture(scope="module")
def govcn(samples_dir, tmp_path_factory, export_of):
    return export_of([samples_dir / "govcn"], tmp_path_factory.mktemp("govcn"))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_page_is_one_document_with_its_metadata(govcn, name):
    nodes, edges = govcn
    title, number, date, doc_type, issuers, assignments = SAMPLES[name]
    docs = [n for n in nodes.values() if n["label"] == "Document" and n.get("source") and n["source"]["file"] == name]
    assert len(docs) == 1, [d["title"] for d in docs]
    (doc,) = docs
    assert (doc["title"], doc["doc_number"], doc["date"], doc["doc_type"], doc["issuers"]) == \
        (title, number, date, doc_type, issuers)
    measures = {n["id"] for n in nodes.values() if n["label"] == "Measure" and n["source"]["file"] == name}
    assert len({e["target"] for e in edges if e["type"] in ("LEADS", "SUPPORTS") and e["target"] in measures}) == assignments


def test_sample_assignments_of_the_desktop_copy(govcn, samples_dir):
    nodes, edges = govcn
    name = "商务部等9部门关于促进航空保税维修高质量.htm"
    lines = read_source(samples_dir / "govcn" / name).lines
    measure = next(n for n in nodes.values() if n["label"] == "Measure" and n["source"]["file"] == name
                   and n["text"].startswith("（三）维修企业提供保税维修"))
    roles = sorted((e["type"], nodes[e["source"]]["short_name"]) for e in edges if e["target"] == measure["id"])
    assert roles == [("SUPPORTS", "商务部"), ("SUPPORTS", "海关总署"), ("SUPPORTS", "税务总局"), ("SUPPORTS", "财政部")]
    assert lines[measure["source"]["line_start"] - 1].startswith("（三）维修企业提供保税维修")


def test_a_ministry_page_whose_body_starts_without_its_title(tmp_path, export_of):
    body = BODY.replace("<p><strong>国务院办公厅关于促进测试产业发展的意见</strong></p><p>国办发〔2025〕12号</p>", "")
    page = _page(tmp_path, f"<html><body>{NAV}<div class='main'><div class='article-title'>国务院办公厅关于促进测试产业发展的意见"
                           f"</div><div class='share-title'>国务院办公厅关于促进测试产业发展的意见</div>"
                           f"<div class='article-body'>{body}</div></div>{LINKS}</body></html>")
    lines = [line for line in read_source(page).lines if line]
    assert lines[0] == "国务院办公厅关于促进测试产业发展的意见" and lines.count(lines[0]) == 1
    nodes, _ = export_of([page], tmp_path / "out")
    (doc,) = [n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"]]
    assert (doc["title"], doc["date"], doc["doc_type"]) == ("国务院办公厅关于促进测试产业发展的意见", "2025-03-01", "意见")


def test_a_ministry_info_table_with_its_own_words():
    meta = read_info_table("索 引 号：\n000013-2025-0012\n发布机构：\n工业和信息化部\n文号：\n工信部联规〔2025〕3号\n"
                           "成文日期：\n2025-01-08\n标题：\n关于测试的通知")
    assert meta["发文机关"] == "工业和信息化部" and meta["发文字号"] == "工信部联规〔2025〕3号"
    headers = [DocHeader(0, 5, "关于测试的通知", (0, 0), "document", doc_type="通知")]
    apply_page_metadata(headers, meta)
    assert (headers[0].doc_number, headers[0].date, headers[0].issuers_text) == \
        ("工信部联规〔2025〕3号", "2025-01-08", "工业和信息化部")


def test_the_title_inside_a_page_header_block_and_not_a_sidebar_heading(tmp_path, export_of):
    body = BODY.replace("<p><strong>国务院办公厅关于促进测试产业发展的意见</strong></p>", "")
    side = "<div class='side'><h3>国务院办公厅关于另一件事情的通知</h3><p>相关阅读摘要，不是正文。</p></div>"
    page = _page(tmp_path, f"<html><body>{NAV}{side}<div class='head'><h1>国务院办公厅关于促进测试产业发展的意见</h1>"
                           f"<div class='info'>发布时间：2025-03-02</div></div><div class='text'>{body}</div>{LINKS}"
                           "</body></html>")
    lines = [line for line in read_source(page).lines if line]
    assert lines[0] == "国务院办公厅关于促进测试产业发展的意见" and "国务院办公厅关于另一件事情的通知" not in lines
    nodes, _ = export_of([page], tmp_path / "out")
    (doc,) = [n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"]]
    assert (doc["title"], doc["doc_number"], doc["date"]) == ("国务院办公厅关于促进测试产业发展的意见", "国办发〔2025〕12号",
                                                             "2025-03-01")
