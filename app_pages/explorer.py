"""Graph explorer: a graph around a node; click a node to expand it; the most relevant neighbours
under a cap, "show more" per relationship type, expansion along one type, paths between agencies.

Everything that decides what is drawn is in the address (ui.selection): `node` (the centre),
`expand` (expanded nodes, each `id` or `id|TYPE` for one relationship type, in order), `more`
(`id|TYPE|direction|n`: n more of one group), `sel` (the node in the side panel), `to` (an agency
the centre agency is connected to by paths). Back undoes an expansion; a link reproduces the graph.
"""
import streamlit as st

from graph import model, queries
from ui import selection, state
from ui.common import enum_name, label_name, lang, property_value, require_store, tr
from ui.graphview import COLOURS, SELECTED_COLOUR, caption, draw, full_text, last_selected, legend
from ui.html import esc, link

st.title(tr("page_explorer"))
store = require_store()

ALL_LABELS = list(model.NODE_LABELS)
ALL_TYPES = list(model.REL_TYPES)
#: relationships listed in the side panel (outgoing first, by type): the first this many
RELATIONS_SHOWN = 200
SEP = "|"


def _parse(entries, width):
    return [tuple(e.split(SEP)) + (None,) * (width - len(e.split(SEP))) for e in entries]


# -- the selection, from the address ----------------------------------------------------------------
centre = selection.get("node")
if centre is None:  # no address yet: the busiest agency (not written to the address: Back stays simple)
    busiest = queries.agency_workload(store)
    centre = busiest[0]["id"] if busiest else None
expanded = [(n, t) for n, t in _parse(selection.get_list("expand"), 2)]
more = {(n, t, d): int(k) for n, t, d, k in _parse(selection.get_list("more"), 4) if (k or "").isdigit()}
selected = selection.get("sel") or centre


def _address() -> dict:
    """The explorer's address besides the centre and the selection (for links that keep the graph)."""
    return {k: selection.get(k) for k in ("expand", "more", "to") if selection.get(k)}


def _expand(node_id, rel_type=None):
    entry = node_id + (SEP + rel_type if rel_type else "")
    selection.put(expand=[*selection.get_list("expand"), entry], sel=node_id)


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
                if pick and pick != centre and st.button(tr("open"), key="ex_open"):
                    selection.put(node=pick, expand=None, more=None, sel=None, to=None)
                    st.rerun()
            else:
                st.info(tr("search_none", q=q))
    f2, f3, f4 = st.columns([3, 2, 1])
    with f2, st.expander(tr("ex_filters")):
        labels = st.pills(tr("ex_labels"), ALL_LABELS, selection_mode="multi", default=ALL_LABELS,
                          format_func=label_name, key="ex_labels")
        types = st.pills(tr("ex_rels"), ALL_TYPES, selection_mode="multi", default=ALL_TYPES,
                         format_func=lambda t: enum_name("rel", t), key="ex_types")
        if set(labels) != set(ALL_LABELS) or set(types) != set(ALL_TYPES):
            st.caption(tr("ex_filtered"))
    with f3:
        cap = st.slider(tr("ex_cap"), 1, 100, 12, step=1, key="ex_cap", help=tr("ex_cap_help"))
    with f4:
        st.write("")
        if st.button(tr("ex_reset"), key="ex_reset"):
            selection.put(expand=None, more=None, sel=None, to=None)
            st.rerun()

if not centre:
    st.stop()
if not store.get_nodes([centre]):
    selection.report_unknown(tr("ex_not_found", id=centre) if centre else tr("ex_empty"))
    st.stop()


def _clicked(picked):
    """A click selects the node for the side panel and expands it (once): into the address."""
    if picked and picked != st.session_state.get("ex_last_click"):
        st.session_state["ex_last_click"] = picked
        if picked != centre and picked not in [n for n, _ in expanded]:
            _expand(picked)
        else:
            selection.put(sel=picked)
        return True
    return False


graph_key = "ex_graph_" + str(abs(hash((centre, tuple(expanded), tuple(sorted(more.items()))))))
# a click arrives as the widget's state at the start of this run: act on it before drawing
if _clicked(last_selected(st.session_state.get("ex_graph_key", graph_key))):
    st.rerun()
st.session_state["ex_graph_key"] = graph_key

# -- collect: each expanded node's most relevant neighbours, at most `cap` (plus "more") each -----
wanted_types = types or ALL_TYPES
shown: dict[str, dict] = {}
hidden_groups: dict[str, list] = {}  # expanded node -> [(group, hidden count)]
for n, only in [(centre, None), *expanded]:
    # the database counts each group and reads only the nodes shown: cap, plus any "more" asked
    most = cap + max([k for (m, _, _), k in more.items() if m == n], default=0)
    try:
        hood = queries.neighbour_groups(store, n, rel_types=[only] if only else wanted_types, labels=labels,
                                        limit=most)
    except queries.NotFound:
        continue
    shown.setdefault(n, hood["centre"])
    budget = cap
    for g in hood["groups"]:
        take = min(g["count"], budget) + more.get((n, g["type"], g["direction"]), 0)
        budget -= min(g["count"], budget)
        for x in g["nodes"][:take]:
            shown.setdefault(x["id"], x)
        if g["count"] > take:
            hidden_groups.setdefault(n, []).append((g, g["count"] - take))

# -- paths from the centre agency to another agency ------------------------------------------------
path_to = selection.get("to")
paths = None
if path_to and shown[centre]["label"] == model.AGENCY:
    try:
        paths = state.ask(queries.agency_paths, centre, path_to)  # cached: once per pair, not on every rerun
        for p in paths["paths"]:
            for x in p["nodes"]:
                shown.setdefault(x["id"], x)
    except (queries.NotFound, ValueError):
        selection.report_unknown(tr("ex_path_unknown", id=path_to))

ids = list(shown)
edges = [{"source": s, "type": t, "target": o} for s, t, o in store.edges_among(ids, wanted_types)]
names = {**{l: label_name(l) for l in ALL_LABELS}, **{t: enum_name("rel", t) for t in ALL_TYPES}}
n_hidden = sum(k for groups in hidden_groups.values() for _, k in groups)

# side by side when there is room, the details under the graph when not (800 px): columns that wrap
st.html("<style>.st-key-ex_layout [data-testid='stHorizontalBlock']{flex-wrap:wrap}"
        ".st-key-ex_layout [data-testid='stColumn']{flex:1 1 460px;min-width:min(100%,460px)}</style>")
layout = st.container(key="ex_layout")
graph_col, side = layout.columns([3, 2])
with graph_col:
    st.caption((tr("ex_hidden", shown=len(ids), hidden=n_hidden) if n_hidden else tr("ex_all_shown", shown=len(ids)))
               + " " + tr("ex_click") + (" · " + tr("ex_expanded", n=len(expanded)) if expanded else ""))
    st.html(legend([l for l in ALL_LABELS if any(x["label"] == l for x in shown.values())], names)
            + legend(["selected"], {"selected": tr("ex_selected")}, {"selected": SELECTED_COLOUR}))
    # one widget per drawing: a new widget fits every node, so the clicked one stays in the canvas
    if _clicked(draw(shown.values(), edges, key=graph_key, centre=centre, height=560, names=names, selected=selected,
                     panel_keys=(tr("ex_panel_kind"), tr("ex_panel_text")))):
        st.rerun()  # only if the click was not seen before drawing
    with st.expander(tr("ex_listed", n=len(ids))):  # the full names (the canvas has no hover text)
        st.html("<div style='columns:2 220px;font-size:0.85rem'>" + "".join(
            f"<div title='{esc(full_text(x))}' style='break-inside:avoid'>"
            f"<span style='color:{COLOURS.get(x['label'], '#999')}'>●</span> "
            + link(caption(x, 40), "explorer", node=centre, **_address(), sel=x["id"], lang=lang()) + "</div>"
            for x in shown.values()) + "</div>")
    if paths is not None:
        st.markdown(f"**{tr('ex_paths', a=paths['from']['name'], b=paths['to']['name'], n=len(paths['paths']))}**")
        for p in paths["paths"]:
            st.html(" → ".join(link(x["name"][:30], "explorer", node=x["id"], lang=lang()) for x in p["nodes"]))
        if not paths["paths"]:
            st.caption(tr("ex_no_path", hops=queries.PATH_MAX_HOPS))


def _relation_row(r: dict) -> dict:
    """One relationship of the selected node as a table row: what the extractor saw, and where."""
    where = r.get("provenance") or {}
    lines = (f"{where.get('file')}:{where.get('line_start')}–{where.get('line_end')}" if where.get("file") else "")
    arrow = ("→ " if r["direction"] == "out" else "← ") + enum_name("rel", r["type"])
    extra = r.get("surface") or enum_name("kind", r.get("kind")) or "、".join(r.get("keywords") or [])
    return {tr("ex_rel_type"): arrow, tr("ex_rel_other"): r["other"]["name"],
            tr("ex_rel_evidence"): r.get("evidence") or extra or "", tr("ex_rel_where"): lines}


def _group_name(g) -> str:
    return enum_name("rel" if g["direction"] == "out" else "rel_in", g["type"])


def _grow(sel: str) -> None:
    """Show-more per relationship type (for an expanded node), or expand (along one type)."""
    if sel == centre or sel in [n for n, _ in expanded]:
        for g, k in hidden_groups.get(sel, []):
            step = min(k, max(cap, 10))
            if st.button(tr("ex_more", n=step, group=_group_name(g), k=k), key=f"ex_more_{g['type']}_{g['direction']}"):
                entries = [e for e in selection.get_list("more") if not e.startswith(SEP.join((sel, g["type"], g["direction"])) + SEP)]
                have = more.get((sel, g["type"], g["direction"]), 0)
                selection.put(more=[*entries, SEP.join((sel, g["type"], g["direction"], str(have + step)))])
                st.rerun()
        return
    groups = queries.neighbour_groups(store, sel, rel_types=wanted_types, limit=0)["groups"]  # counts only
    c1, c2 = st.columns(2)
    if c1.button(tr("ex_expand"), key="ex_expand_btn"):
        _expand(sel)
        st.rerun()
    along = {f"{g['type']}{SEP}{g['direction']}": f"{_group_name(g)} ({g['count']})" for g in groups}
    if along:
        pick = c2.selectbox(tr("ex_expand_along"), list(along), format_func=along.get, key="ex_along",
                            index=None, placeholder=tr("ex_expand_along_ph"))
        if pick:
            _expand(sel, pick.split(SEP)[0])
            st.rerun()


def _paths_picker(sel_node: dict) -> None:
    agencies = [a for a in queries.agency_workload(store) if a["id"] != sel_node["id"] and a["measures"]]
    options = {a["id"]: a.get("short_name") or a["name"] for a in agencies}
    current = path_to if path_to in options else None
    pick = st.selectbox(tr("ex_path_to"), list(options), format_func=options.get, key=f"ex_to_{current}",
                        index=list(options).index(current) if current else None, placeholder=tr("ex_path_ph"))
    if pick != current:
        selection.put(node=sel_node["id"], to=pick, sel=sel_node["id"])
        st.rerun()


with side:
    node = store.get_nodes([selected]).get(selected) if selected else None
    if not node:
        st.info(tr("ex_pick"))
        st.stop()
    st.subheader(tr("ex_details"))
    title = model.display_name(node)
    title = title if len(title) <= 80 else title[:79] + "…"
    st.html(f"<div style='font-size:1.05rem'><b>{esc(title)}</b></div>"
            f"<div style='color:#666'>{esc(label_name(node['label']))} · <code>{esc(node['id'])}</code></div>")
    doc_id = node["id"] if node["label"] == model.DOCUMENT else node.get("document")
    links = []
    if doc_id and node.get("in_corpus", True) is not False:
        links.append(link(tr("open_reader"), "reader", doc=doc_id, lang=lang()))
    if selected != centre:
        links.append(link(tr("open_explorer"), "explorer", node=selected, lang=lang()))
    if node["label"] == model.AGENCY:
        links.append(link(tr("page_impact"), "impact", agency=selected, lang=lang()))
    if links:
        st.html(" · ".join(links))
    _grow(selected)
    if node["label"] == model.AGENCY and selected == centre:
        _paths_picker(node)
    props = {k: v for k, v in node.items() if k not in ("text", "label", "id") and v not in (None, "", [])}
    st.markdown(f"**{tr('ex_properties')}**")
    st.dataframe([{tr("ex_prop_key"): enum_name("prop", k), tr("ex_prop_value"): property_value(k, v)}
                  for k, v in sorted(props.items())], hide_index=True, width="stretch",
                 height=min(400, 38 + 35 * len(props)))
    if node.get("text"):
        st.markdown(f"**{tr('text')}**")
        st.html(f"<div class='pkg-evidence' style='background:#fafafa;border-left:3px solid #F5A623;"
                f"padding:6px 10px;white-space:pre-wrap'>{esc(node['text'])}</div>")
    relations = queries.relationships_page(store, selected, limit=RELATIONS_SHOWN)  # a hub has 13,000
    if relations["total"]:
        with st.expander(tr("ex_relations", n=relations["total"]), expanded=node["label"] == model.MEASURE):
            if relations["total"] > len(relations["rows"]):
                st.caption(tr("ex_relations_first", k=len(relations["rows"]), n=relations["total"]))
            st.dataframe([_relation_row(r) for r in relations["rows"]], hide_index=True, width="stretch",
                         height=min(320, 38 + 35 * len(relations["rows"])))
    if node.get("source_file"):
        st.markdown(f"**{tr('ex_evidence')}** — " + tr("rd_lines", a=node.get("line_start"),
                                                        b=node.get("line_end"), file=node["source_file"]))
        lines = state.source_lines(node["source_file"], node.get("line_start"),
                                   min(node.get("line_end") or 0, (node.get("line_start") or 0) + 40))
        if lines is None:
            st.warning(tr("ex_no_file", file=node["source_file"], dir=str(state.corpus_dir())))
        else:
            body = "".join(f"<div><span style='color:#aaa;display:inline-block;width:4em'>{n}</span>"
                           f"{esc(text)}</div>" for n, text in lines)
            st.html(f"<div class='pkg-evidence' style='max-height:320px;overflow:auto;font-size:0.9rem;"
                    f"background:#fafafa;padding:6px'>{body}</div>")
