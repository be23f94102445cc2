"""The interactive graph: neo4j-viz (GPL-3.0) as a Streamlit v2 component; clicks come back to Python."""
from __future__ import annotations

from typing import Any, Iterable, Optional

import streamlit as st

from graph import model


COLOURS = {model.DOCUMENT: "#4C8BF5", model.MEASURE: "#F5A623", model.AGENCY: "#D0021B",
           model.OBLIGATION: "#7B61FF", model.REGULATED_PARTY: "#50A14F", model.SECTOR: "#19A9A9"}
SIZES = {model.DOCUMENT: 34, model.AGENCY: 34, model.MEASURE: 24, model.OBLIGATION: 24, model.SECTOR: 26,
         model.REGULATED_PARTY: 24}


def caption(node: dict[str, Any], width: int = 10) -> str:
    name = str(node.get("name") or node.get("id"))
    if node.get("label") == model.MEASURE and node.get("measure_no"):
        name = f"{node['measure_no']}{node.get('heading') or ''}" if node.get("heading") else name
    return name if len(name) <= width else name[: width - 1] + "…"


def draw(nodes: Iterable[dict[str, Any]], edges: Iterable[dict[str, Any]], key: str,
         centre: Optional[str] = None, height: int = 560) -> Optional[str]:
    """Draw nodes (dicts with id, label, name, …) and edges (source, type, target); return the id of
    the node the user selected (clicked) last, or None."""
    from neo4j_viz import Node, Relationship, VisualizationGraph
    from neo4j_viz.streamlit import display_widget

    vnodes, ids = [], set()
    for n in nodes:
        if n["id"] in ids:
            continue
        ids.add(n["id"])
        label = n.get("label") or ""
        vnodes.append(Node(id=n["id"], caption=caption(n), caption_size=2, color=COLOURS.get(label, "#999999"),
                           size=SIZES.get(label, 16) + (8 if n["id"] == centre else 0),
                           properties={"label": label, "name": str(n.get("name") or "")}))
    rels = [Relationship(id=f"{e['source']}|{e['type']}|{e['target']}", source=e["source"], target=e["target"],
                         caption=e["type"])
            for e in edges if e["source"] in ids and e["target"] in ids]
    vg = VisualizationGraph(nodes=vnodes, relationships=rels)
    # the widget fits the first drawing and then keeps its view as nodes are added, so an expansion
    # grows around what is on screen (setting pan/zoom from Python drew off-centre after reruns)
    widget = vg.render_widget(height=f"{height}px", theme="light", on_dangling="none",
                              show_layout_button=False)
    display_widget(widget, key=key)
    picked = list(widget.selected.nodeIds or [])
    return picked[-1] if picked else None


def legend(labels: Iterable[str], names: dict[str, str]) -> str:
    from .html import esc
    return " ".join(f'<span style="display:inline-block;margin-right:10px"><span style="display:inline-block;'
                    f'width:10px;height:10px;border-radius:5px;background:{COLOURS.get(l, "#999")};'
                    f'margin-right:4px"></span>{esc(names.get(l, l))}</span>' for l in labels)


def last_selected(key: str) -> Optional[str]:
    """The node the user selected in the widget `key`, read from the session state *before* the
    widget is drawn again (so a page can act on a click in the same run, without st.rerun)."""
    try:
        state = st.session_state[key]
    except (KeyError, AttributeError):
        return None
    selected = state.get("selected") if isinstance(state, dict) else None
    if isinstance(selected, dict):
        ids = selected.get("nodeIds") or []
    else:
        ids = list(getattr(selected, "nodeIds", None) or [])
    return ids[-1] if ids else None
