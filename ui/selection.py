"""The one selection model of the app: what is selected lives in the address (URL query state).

Every page reads its selection from the address on every run and writes a change back to it, so
Back/Forward (Streamlit re-runs the page with the address's query on a history step), deep links
and shared links all show the same thing. The keys:

    lang     zh | en                    the UI language
    node     a node id                  the explorer's centre
    sel      a node id                  the node selected in the explorer's side panel
    expand   node ids, comma separated  nodes the explorer has expanded (in order)
    doc      a document id              the reader's document
    agency   an agency id               the impact page's agency
    q        text                       the search box
    p        a page number (1-based)    the search results page
    mp       a page number (1-based)    the impact page's list of all measures
    sp       a page number (1-based)    the impact page's measures of the sector picked
    gp       a page number (1-based)    the impact page's measures of the what-if group picked
    op       a page number (1-based)    the impact page's clauses of statutory duties

A page that is given an id the graph does not hold says so (`report_unknown`); it never shows
another node in its place.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import streamlit as st

LIST_SEPARATOR = ","


def get(key: str) -> Optional[str]:
    """The value of `key` in the address, or None (an empty value counts as given: "")."""
    return st.query_params.get(key)


def get_list(key: str) -> list[str]:
    """A comma-separated list in the address (the explorer's expanded nodes), in order."""
    raw = st.query_params.get(key) or ""
    return [v for v in raw.split(LIST_SEPARATOR) if v]


def put(**values: Optional[str | Iterable[str]]) -> None:
    """Write values into the address (None or an empty list removes the key), all in one change:
    Streamlit pushes one history entry for it, so one Back returns to the previous selection."""
    query = {k: st.query_params.get(k) for k in st.query_params}
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            value = LIST_SEPARATOR.join(value)
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    if query != {k: st.query_params.get(k) for k in st.query_params}:
        st.query_params.from_dict(query)


def bind(widget_key: str, param: str, valid: Optional[Callable[[str], bool]] = None) -> Optional[str]:
    """Keep a widget (selectbox, text input) and an address key in step: a value arriving by the
    address (a link, Back/Forward) is put into the widget before it is drawn; the widget's
    `on_change` should be `lambda: follow(widget_key, param)`. Returns the address value (None if
    absent or not `valid`)."""
    value = get(param)
    seen_key = f"_url_{widget_key}"
    if value is not None and (valid is None or valid(value)):
        if st.session_state.get(seen_key) != value:
            st.session_state[seen_key] = value
            st.session_state[widget_key] = value
        return value
    st.session_state.pop(seen_key, None)
    return None


def follow(widget_key: str, param: str, **also: Optional[str]) -> None:
    """on_change of a bound widget: the address takes the widget's value (and `also`)."""
    value = st.session_state.get(widget_key)
    st.session_state[f"_url_{widget_key}"] = value
    put(**{param: value}, **also)


def report_unknown(message: str) -> None:
    """Say that the address names something the graph does not hold (instead of showing another)."""
    st.error(message)
