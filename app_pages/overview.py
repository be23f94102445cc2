"""Overview: counts, busiest agencies, documents by type and month, extraction quality."""
import json

import pandas as pd
import streamlit as st

import graph
from graph import queries
from ui import state
from ui.common import label_name, require_store, tr

st.title(tr("page_overview"))
store = require_store()
counts = state.graph_counts()

c1, c2 = st.columns(2)
with c1:
    st.subheader(tr("ov_nodes"))
    st.dataframe(pd.DataFrame([{tr("ov_label"): f"{label_name(k)} ({k})", tr("ov_count"): v}
                               for k, v in sorted(counts["nodes"].items(), key=lambda kv: -kv[1])]),
                 hide_index=True, width="stretch")
with c2:
    st.subheader(tr("ov_edges"))
    st.dataframe(pd.DataFrame([{tr("ov_type"): k, tr("ov_count"): v}
                               for k, v in sorted(counts["edges"].items(), key=lambda kv: -kv[1])]),
                 hide_index=True, width="stretch")


@st.cache_data(ttl=60, show_spinner=False)
def _workload(key):
    return queries.agency_workload(store)


@st.cache_data(ttl=60, show_spinner=False)
def _docs(key):
    return queries.documents_overview(store)


st.subheader(tr("ov_agencies"))
load = [r for r in _workload(state.store_key()) if r["measures"]][:15]
if load:
    import altair as alt
    long = pd.DataFrame([{tr("agency"): r["short_name"] or r["name"], tr("role"): tr(role), tr("ov_count"): r[role + "s"],
                          "order": r["measures"]} for r in load for role in ("lead", "support")])
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X(f"sum({tr('ov_count')}):Q", title=tr("measures")),
        y=alt.Y(f"{tr('agency')}:N", sort=alt.EncodingSortField(field="order", order="descending"), title=None),
        color=alt.Color(f"{tr('role')}:N", scale=alt.Scale(range=["#D0021B", "#F5A623"]),
                        sort=[tr("lead"), tr("support")]),
        tooltip=[tr("agency"), tr("role"), tr("ov_count")]).properties(height=420)
    st.altair_chart(chart, width="stretch")

docs = _docs(state.store_key())
in_corpus = [d for d in docs if d["in_corpus"]]
st.caption(tr("ov_in_corpus", n=len(in_corpus), m=len(docs) - len(in_corpus)))
c3, c4 = st.columns(2)
with c3:
    st.subheader(tr("ov_doc_types"))
    import altair as alt
    types = pd.Series([d["doc_type"] or "—" for d in in_corpus]).value_counts().rename_axis("t").reset_index(name="n")
    st.altair_chart(alt.Chart(types).mark_bar().encode(
        x=alt.X("n:Q", title=tr("ov_count")), y=alt.Y("t:N", sort="-x", title=None),
        tooltip=["t", "n"]).properties(height=360), width="stretch")
with c4:
    st.subheader(tr("ov_doc_months"))
    months = pd.Series([d["month"] for d in in_corpus if d["month"]]).value_counts().sort_index()
    st.bar_chart(months.rename(tr("ov_count")), height=360)
    undated = sum(1 for d in in_corpus if not d["month"])
    if undated:
        st.caption(f"{tr('ov_undated')}: {undated}")

st.subheader(tr("ov_quality"))
candidates = [graph.default_data_dir() / "score.json", state.ROOT / "out" / "score.json"]
found = next((p for p in candidates if p.is_file()), None)
if found:
    scores = json.loads(found.read_text(encoding="utf-8"))
    st.dataframe(pd.DataFrame([{"metric": k, "score": v} for k, v in scores.items()
                               if isinstance(v, (int, float))]), hide_index=True, width="stretch",
                 column_config={"score": st.column_config.NumberColumn(format="%.3f")}, height=300)
    import datetime as _dt
    st.caption(f"{found} · {_dt.datetime.fromtimestamp(found.stat().st_mtime):%Y-%m-%d %H:%M}")
else:
    st.info(tr("ov_quality_none", cmd="make score-json"))
