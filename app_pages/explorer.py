"""Graph explorer: a graph around a node; click a node to expand it; filters, a cap, a side panel."""
import streamlit as st

from graph import model, queries
from ui import state
from ui.common import label_name, lang, require_store, tr
from ui.graphview import draw, last_selected, legend
from ui.html import esc, link

st.title(tr("page_explorer"))
store = require_store()

ALL_LABELS = list(model.NODE_LABELS)
ALL_TYPES = list(model.REL_TYPES)

# -- the centre: ?node=… , a pick from the search box, or the busiest agency --------------------
param = st.query_params.get("node")
if param and param != st.session_state.get("ex_param"):
    st.session_state["ex_param"] = param
    st.session_state["ex_centre"] = param
    st.session_state["ex_expanded"] = []
    st.session_state["ex_selected"] = param
if "ex_centre" not in st.session_state:
    busiest = queries.agency_workload(store)
    st.session_state["ex_centre"] = busiest[0]["id"] if busiest else None
    st.session_state["ex_expanded"] = []
    st.session_state["ex_selected"] = st.session_state["ex_centre"]

with st.container(border=True):
    c1, c2 = st.columns([2, 3])
    with c1:
        q = st.text_input(tr("ex_start"), key="ex_q", placeholder=tr("search_hint"))
    with c2:
        if q.strip():
            hits = queries.search(store, q, limit=30)
            options = {h["id"]: f"{label_name(h['label'])} · {h['name']}" for h in hits}
            if options:
                pick = st.selectbox(" ", list(options), format_func=options.get, key="ex_pick",
                                    label_visibility="hidden")
                if pick and pick != st.session_state["ex_centre"] and st.button(tr("open"), key="ex_open"):
                    st.session_state.update(ex_centre=pick, ex_expanded=[], ex_selected=pick)
                    st.rerun()
            else:
                st.info(tr("search_none", q=q))
    f2, f3, f4 = st.columns([3, 2, 1])
    with f2, st.expander(tr("ex_filters")):
        labels = st.pills(tr("ex_labels"), ALL_LABELS, selection_mode="multi", default=ALL_LABELS,
                          format_func=lambda l, _n={l: label_name(l) for l in ALL_LABELS}: _n[l], key="ex_labels")
        types = st.pills(tr("ex_rels"), ALL_TYPES, selection_mode="multi", default=ALL_TYPES, key="ex_types")
        if set(labels) != set(ALL_LABELS) or set(types) != set(ALL_TYPES):
            st.caption(tr("ex_filtered"))
    with f3:
        cap = st.slider(tr("ex_cap"), 10, 300, 80, step=10, key="ex_cap")
    with f4:
        st.write("")
        if st.button(tr("ex_reset"), key="ex_reset"):
            st.session_state.update(ex_expanded=[], ex_selected=st.session_state["ex_centre"])
            st.rerun()

centre = st.session_state["ex_centre"]
if not centre:
    st.stop()
expanded = st.session_state["ex_expanded"]
graph_key = f"ex_graph_{centre}"


def _clicked(picked):
    """A click selects the node for the side panel and expands it (once)."""
    if picked and picked != st.session_state.get("ex_last_click"):
        st.session_state["ex_last_click"] = picked
        st.session_state["ex_selected"] = picked
        if picked != centre and picked not in expanded:
            expanded.append(picked)
            return True
    return False


def _relation_row(r: dict) -> dict:
    """One relationship of the selected node as a table row: what the extractor saw, and where."""
    where = r.get("provenance") or {}
    lines = (f"{where.get('file')}:{where.get('line_start')}–{where.get('line_end')}" if where.get("file") else "")
    arrow = f"→ {r['type']}" if r["direction"] == "out" else f"← {r['type']}"
    extra = r.get("surface") or r.get("kind") or "、".join(r.get("keywords") or [])
    return {tr("ex_rel_type"): arrow, tr("ex_rel_other"): r["other"]["name"],
            tr("ex_rel_evidence"): r.get("evidence") or extra or "", tr("ex_rel_where"): lines}


# a click arrives as the widget's state at the start of this run: act on it before drawing
_clicked(last_selected(graph_key))

# -- collect: the centre's and every expanded node's neighbours, filtered, capped ---------------
wanted_types = types or ALL_TYPES
found: dict[str, dict] = {}
order: list[str] = []
hidden_by_filter = 0
try:
    for n in [*reversed(expanded), centre]:  # the latest expansion's neighbours first
        hood = queries.neighbourhood(store, n, depth=1, rel_types=wanted_types, limit=1000)
        for node in [hood["centre"], *hood["nodes"]]:
            if node["id"] in found:
                continue
            keep = node["id"] in (centre, *expanded) or node["label"] in labels
            if not keep:
                hidden_by_filter += 1
                found[node["id"]] = None
                continue
            found[node["id"]] = node
            order.append(node["id"])
except queries.NotFound:
    st.warning(tr("ex_not_found", id=centre))
    busiest = queries.agency_workload(store)
    if busiest and busiest[0]["id"] != centre:
        st.session_state.update(ex_centre=busiest[0]["id"], ex_expanded=[], ex_selected=busiest[0]["id"])
        if st.button(tr("ex_reset")):
            st.rerun()
    st.stop()
pinned = [n for n in (centre, *expanded) if found.get(n)]
order = [n for n in order if n not in pinned]
rest = [n for n in order if n not in pinned]
shown_ids = pinned + rest[: max(0, cap - len(pinned))]
hidden = len(rest) - (len(shown_ids) - len(pinned)) + hidden_by_filter
nodes = [found[n] for n in shown_ids]
edges = [{"source": s, "type": t, "target": o} for s, t, o in store.edges_among(shown_ids, wanted_types)]

graph_col, side = st.columns([3, 2])
with graph_col:
    st.caption((tr("ex_hidden", shown=len(shown_ids), hidden=hidden) if hidden
                else tr("ex_all_shown", shown=len(shown_ids))) + " " + tr("ex_click")
               + (" · " + tr("ex_expanded", n=len(expanded)) if expanded else ""))
    st.html(legend([l for l in ALL_LABELS if any(n["label"] == l for n in nodes)],
                   {l: label_name(l) for l in ALL_LABELS}))
    # one widget per centre: a remounted widget measures its canvas before it is laid out
    if _clicked(draw(nodes, edges, key=graph_key, centre=centre, height=560)):
        st.rerun()  # only if the click was not seen before drawing

with side:
    sel = st.session_state.get("ex_selected") or centre
    node = store.get_nodes([sel]).get(sel)
    if not node:
        st.info(tr("ex_pick"))
    else:
        st.subheader(tr("ex_details"))
        title = model.display_name(node)
        title = title if len(title) <= 60 else title[:59] + "…"
        st.html(f"<div style='font-size:1.05rem'><b>{esc(title)}</b></div>"
                f"<div style='color:#666'>{esc(label_name(node['label']))} · <code>{esc(node['id'])}</code></div>")
        doc_id = node["id"] if node["label"] == model.DOCUMENT else node.get("document")
        links = []
        if doc_id and node.get("in_corpus", True) is not False:
            links.append(link(tr("open_reader"), "reader", doc=doc_id, lang=lang()))
        if sel != centre:
            links.append(link(tr("open_explorer"), "explorer", node=sel, lang=lang()))
        if links:
            st.html(" · ".join(links))
        if sel not in expanded and sel != centre and st.button(tr("ex_expand"), key="ex_expand_btn"):
            expanded.append(sel)
            st.rerun()
        props = {k: v for k, v in node.items() if k not in ("text", "label", "id") and v not in (None, "", [])}
        left = right = st
        left.markdown(f"**{tr('ex_properties')}**")
        left.dataframe([{"key": k, "value": ", ".join(map(str, v)) if isinstance(v, list) else str(v)}
                      for k, v in sorted(props.items())], hide_index=True, width="stretch",
                     height=min(400, 38 + 35 * len(props)))
        if node.get("text"):
            right.markdown(f"**{tr('text')}**")
            right.html(f"<div class='pkg-evidence' style='background:#fafafa;border-left:3px solid #F5A623;"
                    f"padding:6px 10px;white-space:pre-wrap'>{esc(node['text'])}</div>")
        relations = queries.relationships_of(store, sel)
        if relations:
            with st.expander(tr("ex_relations", n=len(relations)), expanded=node["label"] == model.MEASURE):
                st.dataframe([_relation_row(r) for r in relations], hide_index=True, width="stretch",
                             height=min(320, 38 + 35 * len(relations)))
        if node.get("source_file"):
            right.markdown(f"**{tr('ex_evidence')}** — " + tr("rd_lines", a=node.get("line_start"),
                                                           b=node.get("line_end"), file=node["source_file"]))
            lines = state.source_lines(node["source_file"], node.get("line_start"),
                                       min(node.get("line_end") or 0, (node.get("line_start") or 0) + 40))
            if lines is None:
                right.warning(tr("ex_no_file", file=node["source_file"], dir=str(state.corpus_dir())))
            else:
                body = "".join(f"<div><span style='color:#aaa;display:inline-block;width:4em'>{n}</span>"
                               f"{esc(text)}</div>" for n, text in lines)
                right.html(f"<div class='pkg-evidence' style='max-height:320px;overflow:auto;font-size:0.9rem;"
                        f"background:#fafafa;padding:6px'>{body}</div>")
