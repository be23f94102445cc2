"""The app in a real browser: `policykg app` on a free port, Debian's chromium driven by
Playwright (no browser download: `executable_path=/usr/bin/chromium`). Every page is visited, the
graph frame is waited for until it has drawn, a node is clicked to expand it, an example Cypher
query is run, and a screenshot per page goes to tests/artifacts/ (gitignored). How long pages take
to open is measured by bench/app.py, with the same driver (tests/browser/driver.py).

Chromium comes from `make browser-deps` (apt: chromium, fonts-wqy-microhei). With CI set a missing
chromium FAILS this test; elsewhere it skips saying how to install it.
"""
from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest

from policykg import cli_app

from .driver import VIEWPORT, launch, missing_browser, open_page, settle

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
MEASURE_RGB = (0xF5, 0xA6, 0x23)  # ui.graphview.COLOURS["Measure"]


def _need_browser():
    msg = missing_browser()
    if msg and os.environ.get("CI"):
        pytest.fail("CI is set and " + msg)
    if msg:
        pytest.skip(msg)


@pytest.fixture(scope="module")
def server(corpus_dir, corpus_export, tmp_path_factory):
    _need_browser()
    import graph
    data = tmp_path_factory.mktemp("browser-data")
    with graph.open_store("embedded", path=data / "graph.json") as s:
        graph.load_export(s, corpus_export[0])
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(POLICYKG_DATA=str(data), POLICYKG_CORPUS=str(corpus_dir), POLICYKG_STORE="embedded")
    log = (tmp_path_factory.mktemp("browser-log") / "streamlit.log").open("w")
    try:  # started the way `make app` does it: `policykg app`, store loaded before the first visit
        proc, url = cli_app.start_in_background(env=env, log=log)
    except RuntimeError as exc:
        log.close()
        pytest.fail(f"{exc} (see {log.name})")
    try:
        yield url
    finally:
        cli_app.stop_background(proc)
        log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
        pg.set_default_timeout(30_000)
        yield pg
        browser.close()


def _open(pg, url: str, text: str) -> None:
    """Open a page by its address and wait until it has drawn (page-open times: bench/app.py)."""
    open_page(pg, url, text)
    settle(pg, 0)


def _shot(pg, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def _graph_canvas(pg):
    """The graph's canvas: the big one (data frames draw on small canvases)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for i in range(pg.locator("canvas").count()):
            canvas = pg.locator("canvas").nth(i)
            box = canvas.bounding_box()
            if box and box["height"] >= 400 and box["width"] >= 300:
                canvas.scroll_into_view_if_needed()
                pg.wait_for_timeout(300)
                return canvas.bounding_box()
        pg.wait_for_timeout(300)
    pytest.fail("the graph canvas never appeared")


def _drawn_pixels(pg, box, rgb, tol=40):
    """Screenshot the canvas region until nodes of colour `rgb` are drawn and the layout has settled
    (two equal frames); return the page coordinates of those pixels and how many colours the frame has."""
    from PIL import Image
    last, hits, colours = None, [], 0
    for _ in range(60):
        raw = pg.screenshot(clip=box)
        img = Image.open(io.BytesIO(raw)).convert("RGB")
        w, h = img.size
        px = img.load()
        hits = [(x, y) for y in range(0, h, 2) for x in range(0, w, 2)
                if all(abs(px[x, y][k] - rgb[k]) <= tol for k in range(3))]
        colours = len({px[x, y] for y in range(0, h, 8) for x in range(0, w, 8)})
        if hits and raw == last:
            break
        last = raw
        pg.wait_for_timeout(400)
    sx, sy = box["width"] / w, box["height"] / h
    return [(box["x"] + x * sx, box["y"] + y * sy) for x, y in hits], colours


def test_overview(page, server):
    _open(page, server + "/?lang=en", "Most-loaded agencies")
    settle(page, 1500)
    body = page.inner_text("body")
    assert "Nodes by label" in body and "Relationships by type" in body
    assert "国家发展改革委" in body or "商务部" in body  # the agency chart's axis labels are SVG text
    _shot(page, "01-overview")


def test_search(page, server):
    _open(page, server + "/search?lang=zh", "搜索文件标题")
    box = page.get_by_label("搜索文件标题、文号、任务内容、部门名称或简称")
    box.fill("商务部")
    box.press("Enter")
    page.get_by_text("找到").first.wait_for()
    settle(page)
    assert "商务部" in page.inner_text("body")
    _shot(page, "02-search")


def test_explorer_click_expands(page, server):
    _open(page, server + "/explorer?node=agency:商务部&lang=en", "Showing")
    box = _graph_canvas(page)
    points, colours = _drawn_pixels(page, box, MEASURE_RGB)
    assert colours > 3, "the graph frame is blank"
    assert points, "no measure node drawn"
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    _shot(page, "03-explorer-before")
    # outer measure nodes (not the centre): the middle of the pixels around the farthest ones
    remaining = sorted(points, key=lambda p: -((p[0] - cx) ** 2 + (p[1] - cy) ** 2))
    for attempt in range(3):
        if not remaining:
            break
        fx, fy = remaining[0]
        blob = [p for p in remaining if (p[0] - fx) ** 2 + (p[1] - fy) ** 2 <= 20 ** 2]
        x, y = sum(p[0] for p in blob) / len(blob), sum(p[1] for p in blob) / len(blob)
        remaining = [p for p in remaining if (p[0] - fx) ** 2 + (p[1] - fy) ** 2 > 40 ** 2]
        page.mouse.click(x, y)
        try:
            page.get_by_text("Expanded: 1").first.wait_for(timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                raise
    page.get_by_text("Expanded: 1").first.wait_for(timeout=30_000)
    settle(page)
    _drawn_pixels(page, _graph_canvas(page), MEASURE_RGB)
    body = page.inner_text("body")
    assert "Node details" in body and "Evidence" in body
    assert "Measure · measure:" in body  # the clicked node is in the side panel
    _shot(page, "03-explorer-expanded")


def test_reader(page, server):
    _open(page, server + "/reader?doc=doc:国办发〔2021〕24号&lang=zh", "文件信息")
    body = page.inner_text("body")
    assert "国务院办公厅关于加快发展外贸新业态新模式的意见" in body
    assert page.locator("a.ag").count() > 0 and page.locator(".pkg-doc .tag").count() > 0
    _shot(page, "04-reader")


def test_impact(page, server):
    _open(page, server + "/impact?agency=agency:商务部&lang=zh", "牵头任务")
    page.get_by_role("tab", name="假设分析").click()
    page.get_by_text("失去唯一牵头部门的任务").first.wait_for()
    settle(page)
    assert "失去唯一责任部门的任务" in page.inner_text("body")
    _shot(page, "05-impact")


def test_impact_shows_statutory_duties_of_samr(page, server):
    _open(page, server + "/impact?agency=agency:国家市场监督管理总局&lang=zh", "牵头任务")
    page.get_by_role("tab", name="法定职责").click()
    page.get_by_text("法定职责（法规条款）").first.wait_for()
    settle(page)
    body = page.inner_text("body")
    total = int(re.search(r"法定职责（法规条款）：(\d+) 条", body).group(1))
    assert total >= 50  # 国务院令第746号 alone binds it more than 40 times
    _shot(page, "05b-impact-statutory")


def test_console_runs_an_example(page, server):
    _open(page, server + "/console?lang=en", "Example queries")
    page.get_by_role("button", name="Run").click()
    page.get_by_text("rows in").first.wait_for()
    settle(page)
    assert "Refused" not in page.inner_text("body")
    # a write is refused
    area = page.get_by_label("Cypher query (read-only)")
    area.fill("MATCH (n) DETACH DELETE n")
    area.press("Control+Enter")
    page.get_by_role("button", name="Run").click()
    page.get_by_text("Refused").first.wait_for()
    _shot(page, "06-console-refused")
    area.fill("MATCH (a:Agency)-[r:LEADS]->(m:Measure) WHERE a.name = '商务部' RETURN a, r, m LIMIT 25")
    area.press("Control+Enter")
    page.get_by_role("button", name="Run").click()
    page.get_by_text("Nodes in the result").wait_for()
    settle(page)
    _drawn_pixels(page, _graph_canvas(page), MEASURE_RGB)
    _shot(page, "06-console")


def test_timeline(page, server):
    _open(page, server + "/timeline?lang=zh", "替代链")
    assert "全部废止、替代与修改关系" in page.inner_text("body")
    _shot(page, "07-timeline")
