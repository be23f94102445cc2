"""Search: one box over titles, 文号, measure text, agency names and aliases; results by kind."""
import streamlit as st

from graph import model, queries
from ui.common import label_name, lang, require_store, tr
from ui.html import esc, link

st.title(tr("page_search"))
store = require_store()

q = st.text_input(tr("search_box"), key="search_q", placeholder=tr("search_hint"))
if q.strip():
    hits = queries.search(store, q, limit=200)
    if not hits:
        st.info(tr("search_none", q=q))
    else:
        st.caption(tr("search_found", n=len(hits)))
        groups: dict = {}
        for h in hits:
            groups.setdefault(h["label"], []).append(h)
        for label in queries.SEARCH_ORDER:
            if label not in groups:
                continue
            with st.expander(f"{label_name(label)} · {len(groups[label])}", expanded=True):
                rows = []
                for h in groups[label][:50]:
                    extra = " · ".join(esc(h[k]) for k in ("doc_number", "date", "measure_no", "short_name")
                                       if h.get(k) and h.get(k) != h["name"])
                    target = ""
                    if label == model.DOCUMENT:
                        target = link(tr("open_reader"), "reader", doc=h["id"], lang=lang()) + " · "
                    elif label == model.AGENCY:
                        target = link(tr("page_impact"), "impact", agency=h["id"], lang=lang()) + " · "
                    rows.append(f"<li><b>{esc(h['name'])}</b>{' · ' + extra if extra else ''} — {target}"
                                f"{link(tr('open_explorer'), 'explorer', node=h['id'], lang=lang())}</li>")
                st.html("<ul class='pkg-results'>" + "".join(rows) + "</ul>")
else:
    st.caption(tr("search_hint"))
