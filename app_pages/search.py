"""Search: one box over titles, 文号, measure text, agency names and aliases; honest counts, by kind, paged.

The query, the kind shown and the page are in the address (ui.selection: q, kind, p), so a search
can be shared and Back returns to the previous one.
"""
import streamlit as st

from graph import model, queries
from ui import pager, selection
from ui.common import label_name, lang, require_store, tr
from ui.html import esc, link

PAGE_SIZE = 50

st.title(tr("page_search"))
store = require_store()

selection.bind("search_q", "q")
q = st.text_input(tr("search_box"), key="search_q", placeholder=tr("search_hint"),
                  on_change=lambda: selection.follow("search_q", "q", kind=None, p=None))
if not q.strip():
    st.caption(tr("search_hint"))
    st.stop()

summary = queries.search_page(store, q, limit=0)
if not summary["total"]:
    st.info(tr("search_none", q=q))
    st.stop()
counts = summary["counts"]
kind = selection.get("kind")
kind = kind if kind in counts else next(iter(counts))
more = set(summary["more"])  # kinds with more matches than the search reads (queries.SEARCH_CAP)
if more:
    st.caption(tr("search_found_more", n=summary["total"], cap=queries.SEARCH_CAP,
                  kinds="、".join(label_name(l) for l in counts if l in more)))
else:
    st.caption(tr("search_found", n=summary["total"]))
picked = st.segmented_control(tr("search_kind"), list(counts), default=kind, key=f"search_kind_{q}_{kind}",
                              format_func=lambda l: f"{label_name(l)} · {counts[l]}{'+' if l in more else ''}")
if picked and picked != kind:
    selection.put(kind=picked, p=None)
    st.rerun()

number, pages = pager.page_number("p", counts[kind], PAGE_SIZE)
found = queries.search_page(store, q, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE, label=kind)
first, last = found["offset"] + 1, found["offset"] + len(found["hits"])
st.caption(tr("search_range", a=first, b=last, n=f"{found['total']}{'+' if found['more'] else ''}",
              kind=label_name(kind)))


def _row(h: dict) -> str:
    extra = " · ".join(esc(h[k]) for k in ("doc_number", "date", "measure_no", "short_name")
                       if h.get(k) and h.get(k) != h["name"])
    target = ""
    if h["label"] == model.DOCUMENT:
        target = link(tr("open_reader"), "reader", doc=h["id"], lang=lang()) + " · "
    elif h["label"] == model.AGENCY:
        target = link(tr("page_impact"), "impact", agency=h["id"], lang=lang()) + " · "
    doc = h.get("document")
    where = (f"<div class='pkg-in'>{esc(tr('in_document'))}：" + link(doc["name"], "reader", doc=doc["id"], lang=lang())
             + (f" · {esc(doc['doc_number'])}" if doc.get("doc_number") else "") + "</div>") if doc else ""
    return (f"<li><b>{esc(h['name'])}</b>{' · ' + extra if extra else ''} — {target}"
            f"{link(tr('open_explorer'), 'explorer', node=h['id'], lang=lang())}{where}</li>")


st.html("<style>.pkg-results li{margin-bottom:4px}.pkg-in{color:#666;font-size:0.9em}</style>"
        "<ul class='pkg-results'>" + "".join(_row(h) for h in found["hits"]) + "</ul>")
pager.buttons("p", number, pages)
