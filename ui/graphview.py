"""The interactive graph: neo4j-viz (GPL-3.0) as a Streamlit v2 component; clicks come back to Python."""
from __future__ import annotations

import re
from typing import Any, Iterable, Optional

import streamlit as st

from graph import model


COLOURS = {model.DOCUMENT: "#4C8BF5", model.MEASURE: "#F5A623", model.AGENCY: "#D0021B",
           model.OBLIGATION: "#7B61FF", model.REGULATED_PARTY: "#50A14F", model.SECTOR: "#19A9A9"}
SIZES = {model.DOCUMENT: 38, model.AGENCY: 40, model.MEASURE: 30, model.OBLIGATION: 30, model.SECTOR: 30,
         model.REGULATED_PARTY: 30}
#: the node the reader clicked last: drawn dark, so it is found at a glance after the graph grows
SELECTED_COLOUR = "#2D2D2D"


#: a caption's width in characters: readable at the zoom that fits a few dozen nodes
CAPTION_WIDTH = 12
_TITLE_HEAD = re.compile(r"^.*?关于(?=.{4})")
_TITLE_TAIL = re.compile(r"的(通知|意见|决定|批复|函|公告|通告|复函)$")


def short_title(title: str) -> str:
    """A document's title without its issuer prefix (…关于) and its kind (的通知, 的意见 …):
    工业和信息化部关于印发《…》的通知 → 印发《…》."""
    return _TITLE_TAIL.sub("", _TITLE_HEAD.sub("", title)) or title


def caption(node: dict[str, Any], width: int = CAPTION_WIDTH) -> str:
    """A short caption: a measure's number and first words, a document's 文号 (else its short
    title), an agency's short name; the full text goes to the hover panel (`full_text`)."""
    label = node.get("label")
    if label == model.MEASURE:
        name = f"{node.get('measure_no') or ''}{node.get('heading') or node.get('name') or ''}"
    elif label == model.DOCUMENT:
        name = node.get("doc_number") or short_title(str(node.get("name") or node.get("title") or node.get("id")))
    elif label == model.AGENCY:
        name = node.get("short_name") or node.get("name") or node.get("id")
    else:
        name = str(node.get("name") or node.get("id"))
    name = str(name)
    return name if len(name) <= width else name[: width - 1] + "…"


def full_text(node: dict[str, Any]) -> str:
    """What the hover panel shows: the node's whole name (measure number and heading, title and 文号)."""
    parts = [node.get("measure_no"), node.get("name") or node.get("title") or node.get("id"), node.get("doc_number")]
    return " ".join(str(p) for p in parts if p)


def draw(nodes: Iterable[dict[str, Any]], edges: Iterable[dict[str, Any]], key: str,
         centre: Optional[str] = None, height: int = 560, names: Optional[dict[str, str]] = None,
         selected: Optional[str] = None,
         panel_keys: tuple[str, str] = ("label", "name")) -> Optional[str]:
    """Draw nodes (dicts with id, label, name, …) and edges (source, type, target); return the id of
    the node the user selected (clicked) last, or None; `selected` is drawn in SELECTED_COLOUR. `names` maps labels and relationship types
    to the words shown (the UI language); `panel_keys` name the two properties the widget's panel
    lists for a node (its kind and its full text)."""
    from neo4j_viz import Node, Relationship, VisualizationGraph
    from neo4j_viz.streamlit import display_widget

    names = names or {}
    kind_key, text_key = panel_keys
    vnodes, ids = [], set()
    for n in nodes:
        if n["id"] in ids:
            continue
        ids.add(n["id"])
        label = n.get("label") or ""
        colour = SELECTED_COLOUR if n["id"] == selected else COLOURS.get(label, "#999999")
        vnodes.append(Node(id=n["id"], caption=caption(n), caption_size=2, color=colour,
                           size=SIZES.get(label, 16) + (8 if n["id"] == centre else 0),
                           properties={kind_key: names.get(label, label), text_key: full_text(n)}))
    rels = [Relationship(id=f"{e['source']}|{e['type']}|{e['target']}", source=e["source"], target=e["target"],
                         caption=names.get(e["type"], e["type"]))
            for e in edges if e["source"] in ids and e["target"] in ids]
    vg = VisualizationGraph(nodes=vnodes, relationships=rels)
    # a new `key` mounts a new widget, which fits every node into the canvas on its first drawing;
    # the same key keeps the widget's view (pan, zoom) as the nodes change
    widget = vg.render_widget(height=f"{height}px", theme="light", on_dangling="none",
                              show_layout_button=False)
    display_widget(widget, key=key)
    picked = list(widget.selected.nodeIds or [])
    return picked[-1] if picked else None


def legend(labels: Iterable[str], names: dict[str, str], colours: Optional[dict[str, str]] = None) -> str:
    from .html import esc
    colours = colours or COLOURS
    return " ".join(f'<span style="display:inline-block;margin-right:10px"><span style="display:inline-block;'
                    f'width:10px;height:10px;border-radius:5px;background:{colours.get(l, "#999")};'
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
