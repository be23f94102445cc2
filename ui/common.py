"""What every page does first: the language, the store (or how to build one), shared widgets."""
from __future__ import annotations

from typing import Any

import streamlit as st

import graph
from . import state
from .i18n import LANGS, PROPERTY_ENUMS, enum, t

LABEL_KEYS = {graph.model.DOCUMENT: "document", graph.model.MEASURE: "measure", graph.model.AGENCY: "agency",
              graph.model.OBLIGATION: "obligation", graph.model.SECTOR: "sector",
              graph.model.REGULATED_PARTY: "party"}


def lang() -> str:
    """The UI language: the address's `lang` (a link, Back/Forward), else the session's, else 中文."""
    q = st.query_params.get("lang")
    if q in LANGS:
        st.session_state["lang"] = q
    return st.session_state.get("lang", "zh")


def tr(key: str, **fmt: Any) -> str:
    return t(key, lang(), **fmt)


def enum_name(table: str, value: Any) -> str:
    """An enum value (ui.i18n.ENUMS: modality, kind, rel, prop …) in the UI language."""
    return enum(table, value, lang())


def property_value(key: str, value: Any) -> str:
    """A node property's value for the UI: enum codes and booleans in words, lists joined."""
    if isinstance(value, bool):
        return enum("bool", str(value), lang())
    if isinstance(value, list):
        return "、".join(property_value(key, v) for v in value)
    return enum(PROPERTY_ENUMS[key], value, lang()) if key in PROPERTY_ENUMS else str(value)


def label_name(label: str) -> str:
    return tr(LABEL_KEYS[label]) if label in LABEL_KEYS else label


def require_store() -> graph.GraphStore:
    """The store, or stop the page with how to build a graph."""
    try:
        store = state.get_store()
        counts = state.graph_counts()
    except graph.StoreError as exc:
        st.error(tr("store_unavailable", error=str(exc)))
        _how_to_build()
        st.stop()
    if not sum(counts["nodes"].values()):
        st.warning(tr("no_graph_title"))
        _how_to_build()
        st.stop()
    return store


def _how_to_build() -> None:
    st.markdown(tr("no_graph_body"))
    st.code("make run                      # ../shared/corpus → data/graph.json\n"
            "# or: .venv/bin/policykg build PATH_TO_DOCUMENTS\n"
            "# or: .venv/bin/policykg extract PATH --out out/export && .venv/bin/policykg load out/export\n"
            "# Neo4j: make neo4j; eval \"$(.venv/bin/policykg neo4j status --env)\"; "
            ".venv/bin/policykg load out/export --store neo4j", language="bash")


def page_link_params(**params: str) -> dict:
    return {**params, "lang": lang()}
