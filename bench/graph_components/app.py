"""Benchmark app: one synthetic policy graph drawn by one of several Streamlit graph components.

    /tmp/compvenv/bin/streamlit run bench/graph_components/app.py
    open  http://localhost:8501/?c=neo4j-viz&n=3000

?c= one of: none, neo4j-viz, echarts, echarts-hideoverlap, agraph, link-analysis, pyvis
    (none = baseline page without a graph)
?n= number of nodes (default 300).  The graph is deterministic (seed 42): nodes with Chinese
captions and 4 labels, ~2.5 edges per node.  Where a component returns a click to Python the page
shows "clicked: <node id>".  Used by measure.py in this folder.
"""
from __future__ import annotations

import random

import streamlit as st

COMPONENTS = ("none", "neo4j-viz", "echarts", "echarts-hideoverlap", "agraph", "link-analysis", "pyvis")
LABELS = ("Agency", "Document", "Measure", "Obligation")
COLOURS = {"Agency": "#D0021B", "Document": "#4C8BF5", "Measure": "#F5A623", "Obligation": "#7B61FF"}
HEIGHT = 600

_AGENCY = ["国家发展和改革委员会", "财政部", "生态环境部", "工业和信息化部", "国家市场监督管理总局",
           "中国人民银行", "商务部", "交通运输部", "国家能源局", "国家网信办"]
_TOPIC = ["数据安全", "碳排放", "中小企业", "跨境电商", "新能源汽车", "个人信息保护", "金融科技",
          "乡村振兴", "营商环境", "平台经济", "绿色金融", "人工智能"]
_DOC = ["关于促进{}发展的若干意见", "{}管理办法", "关于加强{}监管的通知", "{}实施方案"]
_MEASURE = ["完善{}标准体系", "加大{}财政支持", "优化{}审批流程", "建立{}监测机制"]
_OBLIG = ["{}企业应当报送年度报告", "{}经营者不得滥用市场地位", "{}主体应当履行备案义务"]


@st.cache_data
def make_graph(n: int, seed: int = 42) -> tuple[list[dict], list[dict]]:
    rnd = random.Random(seed)
    nodes = []
    for i in range(n):
        label = LABELS[0] if i % 10 == 0 else rnd.choice(LABELS[1:])
        topic = rnd.choice(_TOPIC)
        if label == "Agency":
            name = rnd.choice(_AGENCY)
        elif label == "Document":
            name = rnd.choice(_DOC).format(topic)
        elif label == "Measure":
            name = rnd.choice(_MEASURE).format(topic)
        else:
            name = rnd.choice(_OBLIG).format(topic)
        nodes.append({"id": f"n{i}", "label": label, "name": name})
    edges, seen = [], set()

    def add(a: int, b: int) -> None:
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            edges.append({"source": f"n{a}", "target": f"n{b}", "type": rnd.choice(["ISSUED_BY", "HAS_MEASURE", "IMPOSES"])})

    for i in range(1, n):               # a random tree keeps the graph connected ...
        add(i, rnd.randrange(i))
    while len(edges) < int(2.5 * n):    # ... plus random edges up to ~2.5 per node
        add(rnd.randrange(n), rnd.randrange(n))
    return nodes, edges


def short(name: str, width: int = 10) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def show_click(node_id) -> None:
    if node_id:
        st.markdown(f"clicked: `{node_id}`")


def draw_neo4j_viz(nodes, edges):
    from neo4j_viz import Node, Relationship, VisualizationGraph
    from neo4j_viz.streamlit import display_widget
    vg = VisualizationGraph(
        nodes=[Node(id=x["id"], caption=short(x["name"]), caption_size=2, color=COLOURS[x["label"]], size=24,
                    properties={"label": x["label"], "name": x["name"]}) for x in nodes],
        relationships=[Relationship(id=f"e{i}", source=e["source"], target=e["target"], caption=e["type"])
                       for i, e in enumerate(edges)])
    widget = vg.render_widget(height=f"{HEIGHT}px", theme="light", on_dangling="none", show_layout_button=False)
    display_widget(widget, key="g")
    picked = list(widget.selected.nodeIds or [])
    show_click(picked[-1] if picked else None)


def draw_echarts(nodes, edges, hide_overlap: bool = False):
    from streamlit_echarts import st_echarts
    options = {
        "tooltip": {},
        "series": [{
            "type": "graph", "layout": "force", "roam": True, "draggable": True,
            "categories": [{"name": l, "itemStyle": {"color": COLOURS[l]}} for l in LABELS],
            "data": [{"id": x["id"], "name": short(x["name"]), "category": LABELS.index(x["label"]),
                      "symbolSize": 12} for x in nodes],
            "links": [{"source": e["source"], "target": e["target"]} for e in edges],
            "label": {"show": True, "position": "right"},
            "force": {"repulsion": 60, "edgeLength": 30},
            "lineStyle": {"color": "#bbbbbb"},
            # echarts' own remedy for overlapping labels (the "-hideoverlap" variant)
            **({"labelLayout": {"hideOverlap": True}} if hide_overlap else {}),
        }],
    }
    result = st_echarts(options, height=f"{HEIGHT}px", key="g",
                        events={"click": "function(p){ if (p.dataType === 'node') return p.data.id; }"})
    ev = None
    try:
        ev = result["chart_event"]
    except Exception:
        ev = getattr(result, "chart_event", None)
    show_click(ev)


def draw_agraph(nodes, edges):
    from streamlit_agraph import Config, Edge, Node, agraph
    value = agraph(nodes=[Node(id=x["id"], label=short(x["name"]), title=x["name"], color=COLOURS[x["label"]], size=12)
                          for x in nodes],
                   edges=[Edge(source=e["source"], target=e["target"], label=e["type"]) for e in edges],
                   config=Config(width=1300, height=HEIGHT, directed=True, physics=True))
    show_click(value)


def draw_link_analysis(nodes, edges):
    from st_link_analysis import EdgeStyle, Event, NodeStyle, st_link_analysis
    elements = {"nodes": [{"data": {"id": x["id"], "label": x["label"], "name": short(x["name"])}} for x in nodes],
                "edges": [{"data": {"id": f"e{i}", "label": e["type"], "source": e["source"], "target": e["target"]}}
                          for i, e in enumerate(edges)]}
    value = st_link_analysis(elements, layout="cose", height=HEIGHT, key="g",
                             node_styles=[NodeStyle(l, COLOURS[l], "name") for l in LABELS],
                             edge_styles=[EdgeStyle(t, caption=None, directed=True) for t in ("ISSUED_BY", "HAS_MEASURE", "IMPOSES")],
                             events=[Event("clicked_node", "click tap", "node")])
    show_click((value or {}).get("data", {}).get("target_id") if isinstance(value, dict) else None)


def draw_pyvis(nodes, edges):
    from pyvis.network import Network
    net = Network(height=f"{HEIGHT - 20}px", width="100%", directed=True, cdn_resources="in_line")
    for x in nodes:
        net.add_node(x["id"], label=short(x["name"]), title=x["name"], color=COLOURS[x["label"]], size=12)
    for e in edges:
        net.add_edge(e["source"], e["target"], title=e["type"])
    html = net.generate_html(notebook=False)
    # pyvis has no way to send anything back to Python: st.components.v1.html is one-way
    st.components.v1.html(html, height=HEIGHT)
    st.caption("pyvis: no click API (HTML is rendered one-way)")


def main() -> None:
    st.set_page_config(page_title="graph component bench", layout="wide")
    c = st.query_params.get("c", "none")
    n = int(st.query_params.get("n", "300"))
    if c not in COMPONENTS:
        st.error(f"unknown component {c!r}; one of {COMPONENTS}")
        return
    nodes, edges = make_graph(n)
    st.markdown(f"**{c}** — {len(nodes)} nodes, {len(edges)} edges")
    {"none": lambda a, b: None, "neo4j-viz": draw_neo4j_viz, "echarts": draw_echarts,
     "echarts-hideoverlap": lambda a, b: draw_echarts(a, b, hide_overlap=True), "agraph": draw_agraph,
     "link-analysis": draw_link_analysis, "pyvis": draw_pyvis}[c](nodes, edges)
    st.markdown("script-done")


main()
