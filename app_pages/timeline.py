"""Timeline: the documents in force on a date, supersession chains, and the documents that cannot be
placed on a timeline (undated, or known only because others cite them) — listed with what is known."""
import datetime as dt

import pandas as pd
import streamlit as st

from graph import history, model, queries
from ui import pager, selection, state
from ui.common import enum_name, lang, require_store, tr
from ui.html import esc, link

st.title(tr("page_timeline"))
store = require_store()


# -- documents in force on a date (graph.history.documents_in_force) ------------------------------
st.subheader(tr("tl_in_force"))
day = st.date_input(tr("tl_date"), value=dt.date(2022, 1, 1), min_value=dt.date(1949, 10, 1),
                    max_value=dt.date(2035, 12, 31), key="tl_date")
page, number, pages = pager.fetch_page("fp", pager.TABLE_ROWS, lambda at: state.ask(
    history.in_force_page, day.isoformat(), limit=pager.TABLE_ROWS, offset=at))
rows = page["rows"]
st.caption(tr("tl_n_in_force", d=day.isoformat(), n=page["total"])
           + (" · " + tr("tl_rows", a=page["offset"] + 1, b=page["offset"] + len(rows)) if pages > 1 else ""))
st.dataframe(pd.DataFrame([{tr("date"): r.get("date"), tr("effective_date"): r.get("effective_date") or "",
                            tr("doc_number"): r.get("doc_number") or "", tr("title"): r.get("name") or r.get("title")}
                           for r in rows], columns=[tr("date"), tr("effective_date"), tr("doc_number"), tr("title")]),
             hide_index=True, width="stretch", height=300)
pager.buttons("fp", number, pages)
st.caption(tr("tl_in_force_rule"))

# -- a chain around one document ------------------------------------------------------------------
st.subheader(tr("tl_chain"))
with_amends = st.toggle(tr("tl_with_amends"), key="tl_amends")


everything = state.ask(queries.supersession_edges, include_amends=True)  # one question, both views
edges = [e for e in everything if with_amends or e["type"] == model.SUPERSEDES]
# the documents of the relations (those only cited too), as the relations read them
by_id = {d["id"]: {**d, "title": d["name"]} for e in everything for d in (e["newer"], e["older"])}


def _start(doc_id: str) -> str:
    """When a document starts to bind: its effective date, else its date ("" if neither is printed)."""
    d = by_id.get(doc_id, {})
    return d.get("effective_date") or d.get("date") or ""

chain_docs = sorted({x for e in edges for x in (e["newer"]["id"], e["older"]["id"])},
                    key=lambda i: (by_id.get(i, {}).get("date") or "", i), reverse=True)
if not chain_docs:
    st.caption(tr("tl_no_chain"))
    st.stop()


def _fmt(i):
    d = by_id.get(i, {"title": i})
    return " · ".join(x for x in (d.get("date") or tr("ov_undated"), d.get("doc_number"), d.get("title")) if x)


selection.bind("tl_doc", "doc", valid=lambda v: v in chain_docs)
pick = st.selectbox(tr("tl_pick"), chain_docs, format_func=_fmt, key="tl_doc",
                    on_change=lambda: selection.follow("tl_doc", "doc"))
# (graph.queries.supersession_chain, planned by the graph layer, would replace the two walks below)
older = queries.supersedes_transitive(store, pick, include_amends=with_amends)
newer = queries.superseded_by_chain(store, pick, include_amends=with_amends)


def _item(d, depth_key="depth"):
    target = link(d["name"], "reader", doc=d["id"], lang=lang()) if by_id.get(d["id"], {}).get("in_corpus") \
        else link(d["name"], "explorer", node=d["id"], lang=lang())
    return (f"<li><span style='color:#888;display:inline-block;min-width:6em'>{esc(d.get('date') or '—')}</span>"
            f"{target} <span style='color:#aaa'>({esc(tr('depth'))} {d.get(depth_key, 1)})</span></li>")


c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{tr('tl_newer')}**")
    st.html("<ul>" + "".join(_item(d) for d in newer) + "</ul>" if newer else f"<i>{esc(tr('none'))}</i>")
with c2:
    st.markdown(f"**{tr('tl_older')}**")
    st.html("<ul>" + "".join(_item(d) for d in older) + "</ul>" if older else f"<i>{esc(tr('none'))}</i>")

st.subheader(tr("tl_events"))
st.dataframe(pd.DataFrame([{tr("date"): e["newer"].get("date") or "", tr("effective_date"): _start(e["newer"]["id"]),
                            tr("document"): e["newer"]["name"], tr("ov_type"): enum_name("kind", e["kind"] or "amends"),
                            tr("tl_older_doc"): e["older"]["name"], tr("tl_older_date"): e["older"].get("date") or ""}
                           for e in edges]), hide_index=True, width="stretch")

# -- what cannot be placed on a timeline: said, not dropped ---------------------------------------------
st.subheader(tr("tl_unplaced"))
st.caption(tr("tl_unplaced_why"))
replaced_by = {}
for e in everything:
    replaced_by.setdefault(e["older"]["id"], []).append(e)


def _known(doc_id: str) -> str:
    return "；".join(tr("tl_known", kind=enum_name("kind_passive", e["kind"] or "amends"), by=e["newer"]["name"],
                        since=_start(e["newer"]["id"]) or tr("ov_undated"))
                     for e in replaced_by.get(doc_id, []))


unplaced, number, pages = pager.fetch_page("up", pager.TABLE_ROWS, lambda at: state.ask(
    queries.documents_page, limit=pager.TABLE_ROWS, offset=at, unplaced=True))
if pages > 1:
    st.caption(tr("tl_rows_of", a=unplaced["offset"] + 1, b=unplaced["offset"] + len(unplaced["rows"]),
                  n=unplaced["total"]))
st.dataframe(pd.DataFrame([{tr("title"): d.get("title") or d["id"], tr("doc_number"): d.get("doc_number") or "",
                            tr("doc_type"): d.get("doc_type") or "",
                            tr("tl_reason"): tr("tl_only_cited") if not d["in_corpus"] else tr("tl_undated"),
                            tr("tl_what_known"): _known(d["id"])} for d in unplaced["rows"]]),
             hide_index=True, width="stretch", height=360)
pager.buttons("up", number, pages)
