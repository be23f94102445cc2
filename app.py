"""PolicyKG — the Streamlit app: `streamlit run app.py` (or `make app`).

Embedded store by default (data/graph.lbdb or $POLICYKG_DATA/graph.lbdb, opened read-only); Neo4j when NEO4J_URI is set.
Original documents are read from $POLICYKG_CORPUS (default ../shared/corpus).
"""
from __future__ import annotations

import streamlit as st

from ui import state
from ui.common import lang, tr
from ui.i18n import LANGS

st.set_page_config(page_title="PolicyKG", page_icon=":material/hub:", layout="wide")

current = lang()
with st.sidebar:
    choice = st.segmented_control(tr("lang"), options=list(LANGS), default=current, key="lang_switch",
                                  format_func=lambda c: {"zh": "中文", "en": "English"}[c])
    if choice and choice != current:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()

PAGES = [
    st.Page("app_pages/overview.py", title=tr("page_overview"), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("app_pages/search.py", title=tr("page_search"), icon=":material/search:", url_path="search"),
    st.Page("app_pages/explorer.py", title=tr("page_explorer"), icon=":material/hub:", url_path="explorer"),
    st.Page("app_pages/reader.py", title=tr("page_reader"), icon=":material/description:", url_path="reader"),
    st.Page("app_pages/impact.py", title=tr("page_impact"), icon=":material/account_balance:", url_path="impact"),
    st.Page("app_pages/console.py", title=tr("page_console"), icon=":material/terminal:", url_path="console"),
    st.Page("app_pages/timeline.py", title=tr("page_timeline"), icon=":material/timeline:", url_path="timeline"),
]
page = st.navigation(PAGES)

with st.sidebar:
    try:
        c = state.graph_counts()
        st.caption(tr("store_line", kind=state.store_key()[0], nodes=sum(c["nodes"].values()),
                      edges=sum(c["edges"].values())))
    except Exception as exc:  # the page itself explains; the sidebar just says it
        st.caption(tr("store_unavailable", error=exc))

page.run()
