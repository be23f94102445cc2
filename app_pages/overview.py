"""Overview: what the graph holds, and the three questions it answers, one click away; then counts,
the busiest agencies, documents by type and month (and extraction quality when a score file exists)."""
import json

import pandas as pd
import streamlit as st

import graph
from graph import model, queries
from ui import state
from ui.common import enum_name, label_name, lang, require_store, tr
from ui.html import esc, link

st.title(tr("page_overview"))
store = require_store()
counts = state.graph_counts()


@st.cache_data(ttl=60, show_spinner=False)
def _parties(key):
    rows = [p for p in queries.party_workload(store) if p["obligations"]]
    # enterprises first: the question the card asks
    return sorted(rows, key=lambda p: ("企业" not in (p["name"] or ""), -p["obligations"], p["id"]))


tally = state.ask(queries.document_tallies)  # counted by the database, not read whole
load = [r for r in state.ask(queries.agency_workload) if r["measures"]]
parties = _parties(state.store_key())
nodes, edges = counts["nodes"], counts["edges"]

# -- what the graph holds ---------------------------------------------------------------------------
st.markdown(tr("ov_holds", docs=tally["in_corpus"], cited=tally["cited"], measures=nodes.get(model.MEASURE, 0),
               agencies=len(load), obligations=nodes.get(model.OBLIGATION, 0), parties=len(parties),
               supersedes=edges.get(model.SUPERSEDES, 0) + edges.get(model.AMENDS, 0)))

# -- the three main questions, each a link straight to its answer -------------------------------------
CARD = ("<div style='border:1px solid #e6e6e6;border-radius:8px;padding:10px 14px;height:100%'>"
        "<div style='font-weight:600;margin-bottom:6px'>{title}</div><div style='color:#555;font-size:0.9rem;"
        "margin-bottom:6px'>{what}</div>{links}</div>")
q1, q2, q3 = st.columns(3)
with q1:
    top = load[:4]
    st.html(CARD.format(title=esc(tr("ov_q_duties")), what=esc(tr("ov_q_duties_what")),
                        links=" · ".join(link(a.get("short_name") or a["name"], "impact", agency=a["id"], lang=lang())
                                         for a in top)))
with q2:
    newest = state.ask(queries.supersession_edges, limit=3)
    links = "".join(f"<div>{link(e['newer']['name'][:28], 'timeline', doc=e['newer']['id'], lang=lang())}</div>"
                    for e in newest)
    st.html(CARD.format(title=esc(tr("ov_q_replaced")), what=esc(tr("ov_q_replaced_what")),
                        links=links or link(tr("page_timeline"), "timeline", lang=lang())))
with q3:
    st.html(CARD.format(title=esc(tr("ov_q_must")), what=esc(tr("ov_q_must_what")),
                        links=" · ".join(link(f"{p['name']} ({p['obligations']})", "explorer", node=p["id"],
                                              expand=p["id"] + "|" + model.BINDS, lang=lang())
                                         for p in parties[:5])))
st.write("")

c1, c2 = st.columns(2)
with c1:
    st.subheader(tr("ov_nodes"))
    st.dataframe(pd.DataFrame([{tr("ov_label"): label_name(k), tr("ov_count"): v}
                               for k, v in sorted(nodes.items(), key=lambda kv: -kv[1])]),
                 hide_index=True, width="stretch")
with c2:
    st.subheader(tr("ov_edges"))
    st.dataframe(pd.DataFrame([{tr("ov_type"): enum_name("rel", k), tr("ov_count"): v}
                               for k, v in sorted(edges.items(), key=lambda kv: -kv[1])]),
                 hide_index=True, width="stretch")

st.subheader(tr("ov_agencies"))
if load:
    import altair as alt
    long = pd.DataFrame([{tr("agency"): r["short_name"] or r["name"], tr("role"): tr(role), tr("ov_count"): r[role + "s"],
                          "order": r["measures"]} for r in load[:15] for role in ("lead", "support")])
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X(f"sum({tr('ov_count')}):Q", title=tr("measures")),
        y=alt.Y(f"{tr('agency')}:N", sort=alt.EncodingSortField(field="order", order="descending"), title=None),
        color=alt.Color(f"{tr('role')}:N", scale=alt.Scale(range=["#D0021B", "#F5A623"]),
                        sort=[tr("lead"), tr("support")]),
        tooltip=[tr("agency"), tr("role"), tr("ov_count")]).properties(height=420)
    st.altair_chart(chart, width="stretch")

st.caption(tr("ov_in_corpus", n=tally["in_corpus"], m=tally["cited"]))
c3, c4 = st.columns(2)
with c3:
    st.subheader(tr("ov_doc_types"))
    import altair as alt
    types = pd.DataFrame([{"t": t or "—", "n": n} for t, n in tally["types"].most_common()], columns=["t", "n"])
    types = types.groupby("t", as_index=False)["n"].sum()  # no type and a type printed "—" are one bar
    st.altair_chart(alt.Chart(types).mark_bar().encode(
        x=alt.X("n:Q", title=tr("ov_count")), y=alt.Y("t:N", sort="-x", title=None),
        tooltip=[alt.Tooltip("t:N", title=tr("doc_type")), alt.Tooltip("n:Q", title=tr("ov_count"))]
    ).properties(height=360), width="stretch")
with c4:
    st.subheader(tr("ov_doc_months"))
    months = pd.Series(dict(tally["months"]), dtype="int64").sort_index()
    st.bar_chart(months.rename(tr("ov_count")), height=360)
    undated = tally["undated"]
    if undated:
        st.caption(f"{tr('ov_undated')}: {undated} · " + link(tr("page_timeline"), "timeline", lang=lang()),
                   unsafe_allow_html=True)

# extraction quality: shown when a score file is there (the gate itself is `make score`, for developers)
found = next((p for p in (graph.default_data_dir() / "score.json", state.ROOT / "out" / "score.json") if p.is_file()),
             None)
if found:
    st.subheader(tr("ov_quality"))
    scores = json.loads(found.read_text(encoding="utf-8"))
    st.dataframe(pd.DataFrame([{tr("ov_metric"): k, tr("ov_score"): v} for k, v in scores.items()
                               if isinstance(v, (int, float))]), hide_index=True, width="stretch",
                 column_config={tr("ov_score"): st.column_config.NumberColumn(format="%.3f")}, height=300)
