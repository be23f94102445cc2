"""Cypher console: read-only, a row cap and a time limit; results as a table and, with nodes, a graph."""
import json
import re

import pandas as pd
import streamlit as st

import graph
from graph import console
from ui.common import enum_name, label_name, lang, require_store, tr
from ui.graphview import draw

st.title(tr("page_console"))
store = require_store()
st.caption(tr("co_readonly_neo4j") if store.kind == "neo4j" else tr("co_readonly_embedded"))

examples = {q: (zh if lang() == "zh" else en) for en, zh, q in console.EXAMPLES}
if "co_query" not in st.session_state:
    st.session_state["co_query"] = console.EXAMPLES[0][2]


def _use_example():
    st.session_state["co_query"] = st.session_state["co_example"]
    st.session_state.pop("co_result", None)


st.selectbox(tr("co_examples"), list(examples), format_func=examples.get, key="co_example",
             on_change=_use_example)
query = st.text_area(tr("co_query"), key="co_query", height=110)
c1, c2, c3 = st.columns([1, 1, 4])
cap = c1.number_input(tr("co_cap"), 1, 5000, 200, step=50, key="co_cap")
timeout = c2.number_input(tr("co_timeout"), 1, 60, 10, key="co_timeout")
c3.write("")
run = c3.button(tr("co_run"), type="primary", key="co_run")

READ_ONLY = re.compile(r"the console is read-only: (.+) is not allowed")
NOT_SUPPORTED = re.compile(r"the embedded store does not support (.+?) in Cypher")
NOT_PARSED = re.compile(r"the embedded store \(grand-cypher\) cannot run this query: (.*?)\. It supports", re.S)
TOO_LONG = re.compile(r"the query ran longer than ([\d.]+) s")
NEO4J_SYNTAX = re.compile(r"Invalid input|SyntaxError|Unknown function|not defined|Variable `", re.I)


def explain(exc: Exception) -> tuple[str, str]:
    """What went wrong, in the UI language: (st level, message). The graph layer's messages are
    English sentences for the CLI; the page says the same in words of the reader's language."""
    text = str(exc)
    if isinstance(exc, console.WriteRefused):
        found = READ_ONLY.search(text)
        return "error", tr("co_refused", error=tr("co_readonly_what", what=found.group(1)) if found else text)
    if isinstance(exc, graph.UnsupportedQuery):
        found = NOT_SUPPORTED.search(text)
        if found:
            return "warning", tr("co_needs_neo4j", error=found.group(1))
        parsed = NOT_PARSED.search(text)
        return "error", tr("co_syntax", error=(parsed.group(1) if parsed else text).strip())
    found = TOO_LONG.search(text)
    if found:
        return "error", tr("co_too_long", s=found.group(1))
    if NEO4J_SYNTAX.search(text):
        return "error", tr("co_syntax", error=text.replace("Neo4j rejected the query: ", ""))
    return "error", tr("co_error", error=text)


if run:
    try:
        with st.spinner("…"):
            st.session_state["co_result"] = console.run_read_only(store, query, row_cap=int(cap),
                                                                  timeout_s=float(timeout))
        st.session_state.pop("co_error", None)
    except graph.StoreError as exc:
        st.session_state["co_error"] = explain(exc)
        st.session_state.pop("co_result", None)

if "co_error" in st.session_state:
    level, message = st.session_state["co_error"]
    getattr(st, level)(message)
result = st.session_state.get("co_result")
if result is not None:
    st.caption(tr("co_rows", n=len(result.rows), s=result.seconds))
    if result.truncated:
        st.warning(tr("co_truncated", n=len(result.rows)))

    def cell(v):
        if isinstance(v, dict):
            return v.get("name") or v.get("title") or v.get("heading") or v.get("type") or json.dumps(v, ensure_ascii=False)[:200]
        if isinstance(v, list):
            return json.dumps(v, ensure_ascii=False)[:200]
        return v
    st.dataframe(pd.DataFrame([{k: cell(v) for k, v in r.items()} for r in result.rows], columns=result.columns),
                 hide_index=True, width="stretch")
    if result.node_ids:
        ids = result.node_ids[:150]
        st.markdown(f"**{tr('co_graph')}**")
        nodes = store.get_nodes(ids)
        briefs = [{"id": i, "label": n.get("label"), "name": graph.model.display_name(n),
                   "measure_no": n.get("measure_no"), "heading": n.get("heading")} for i, n in nodes.items()]
        edges = [{"source": s, "type": t, "target": o} for s, t, o in store.edges_among(ids)]
        names = {**{l: label_name(l) for l in graph.model.NODE_LABELS},
                 **{t: enum_name("rel", t) for t in graph.model.REL_TYPES}}
        draw(briefs, edges, key="co_graph", centre=ids[0], height=460, names=names,
             panel_keys=(tr("ex_panel_kind"), tr("ex_panel_text")))
