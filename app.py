"""PolicyKG — the Streamlit app: `streamlit run app.py` (or `make app`).

Embedded store by default (data/graph.json or $POLICYKG_DATA); Neo4j when NEO4J_URI is set.
Original documents are read from $POLICYKG_CORPUS (default ../shared/corpus).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import selection, state
from ui.common import enum_name, lang, tr
from ui.i18n import LANGS

# a local icon: a ":material/…" page icon makes the browser fetch the favicon from fonts.gstatic.com,
# which fails offline (and is blocked in mainland China); nothing may leave 127.0.0.1
FAVICON = str(Path(__file__).resolve().parent / "ui" / "assets" / "favicon.png")
st.set_page_config(page_title="PolicyKG", page_icon=FAVICON, layout="wide")

current = lang()
with st.sidebar:
    choice = st.segmented_control(tr("lang"), options=list(LANGS), default=current, key="lang_switch",
                                  format_func=lambda c: {"zh": "中文", "en": "English"}[c])
    if choice and choice != current:
        st.session_state["lang"] = choice
        selection.put(lang=choice)
        st.rerun()

PAGES = [
    st.Page("app_pages/overview.py", title=tr("page_overview"), icon=":material/dashboard:", url_path="home", default=True),
    st.Page("app_pages/search.py", title=tr("page_search"), icon=":material/search:", url_path="search"),
    st.Page("app_pages/explorer.py", title=tr("page_explorer"), icon=":material/hub:", url_path="explorer"),
    st.Page("app_pages/reader.py", title=tr("page_reader"), icon=":material/description:", url_path="reader"),
    st.Page("app_pages/impact.py", title=tr("page_impact"), icon=":material/account_balance:", url_path="impact"),
    st.Page("app_pages/console.py", title=tr("page_console"), icon=":material/terminal:", url_path="console"),
    st.Page("app_pages/timeline.py", title=tr("page_timeline"), icon=":material/timeline:", url_path="timeline"),
]
# the default page is served at "/" only (Streamlit answers its own url_path with "Page not found"):
# this hidden twin makes `/overview` (a link, a bookmark) open the overview too
OVERVIEW_BY_ADDRESS = st.Page("app_pages/overview.py", title=tr("page_overview"), url_path="overview",
                              visibility="hidden")
page = st.navigation([*PAGES, OVERVIEW_BY_ADDRESS])

with st.sidebar:
    try:
        c = state.graph_counts()
        st.caption(tr("store_line", kind=enum_name("store", state.store_key()[0]), nodes=sum(c["nodes"].values()),
                      edges=sum(c["edges"].values())))
    except Exception as exc:  # the page itself explains; the sidebar just says it
        st.caption(tr("store_unavailable", error=exc))

page.run()
