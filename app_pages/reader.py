"""Document reader: the original text with measures, obligations, agencies and citations marked."""
import streamlit as st

from graph import model, queries
from ui import state
from ui.common import lang, require_store, tr
from ui.html import esc, link, mark_spans

st.title(tr("page_reader"))
store = require_store()


@st.cache_data(ttl=60, show_spinner=False)
def _docs(key):
    return queries.documents_overview(store)


docs = [d for d in _docs(state.store_key()) if d["in_corpus"]]
by_id = {d["id"]: d for d in _docs(state.store_key())}
param = st.query_params.get("doc")
if param and param in by_id and param != st.session_state.get("rd_param"):
    st.session_state["rd_param"] = param
    st.session_state["rd_doc"] = param
options = [d["id"] for d in docs]
if st.session_state.get("rd_doc") in by_id and st.session_state["rd_doc"] not in options:
    options.insert(0, st.session_state["rd_doc"])
if not options:
    st.info(tr("rd_not_in_corpus"))
    st.stop()


def _fmt(i):
    d = by_id[i]
    return " · ".join(x for x in (d.get("date"), d.get("doc_number"), d.get("title")) if x)


doc_id = st.selectbox(tr("rd_pick"), options, format_func=_fmt, key="rd_doc")
detail = queries.document_detail(store, doc_id)
doc = detail["document"]

text_col, meta_col = st.columns([5, 2])
with meta_col:
    st.subheader(tr("rd_meta"))
    rows = [(tr("title"), doc.get("title")), (tr("doc_number"), doc.get("doc_number")),
            (tr("doc_type"), doc.get("doc_type")), (tr("date"), doc.get("date")),
            (tr("effective_date"), doc.get("effective_date"))]
    html = "".join(f"<tr><th style='text-align:left;padding-right:8px;white-space:nowrap'>{esc(k)}</th>"
                   f"<td>{esc(v)}</td></tr>" for k, v in rows if v)
    issuers = ", ".join(link(i["name"], "explorer", node=i["id"], lang=lang()) for i in detail["issuers"])
    if issuers:
        html += f"<tr><th style='text-align:left'>{esc(tr('issuers'))}</th><td>{issuers}</td></tr>"
    sectors = ", ".join(link(s["name"], "explorer", node=s["id"], lang=lang()) for s in detail["sectors"])
    if sectors:
        html += f"<tr><th style='text-align:left'>{esc(tr('sectors'))}</th><td>{sectors}</td></tr>"
    st.html(f"<table class='pkg-meta'>{html}</table>"
            + f"<p>{link(tr('open_explorer'), 'explorer', node=doc_id, lang=lang())}</p>")
    st.caption(tr("rd_counts", m=len(detail["measures"]), o=len(detail["obligations"])))
    st.subheader(tr("rd_relations"))
    any_rel = False
    for key in ("supersedes", "superseded_by", "amends", "amended_by", "cites", "cited_by"):
        items = detail[key]
        if not items:
            continue
        any_rel = True
        lis = "".join(
            "<li>" + (link(i["name"], "reader", doc=i["id"], lang=lang()) if by_id.get(i["id"], {}).get("in_corpus")
                      else link(i["name"], "explorer", node=i["id"], lang=lang()))
            + (f" <span style='color:#888'>{esc(i.get('date') or '')}</span>" if i.get("date") else "") + "</li>"
            for i in items)
        st.html(f"<b>{esc(tr(key))}</b> ({len(items)})<ul style='margin-top:2px'>{lis}</ul>")
    if not any_rel:
        st.caption(tr("none"))

CSS = """<style>
.pkg-doc{max-height:75vh;overflow:auto;font-size:0.95rem;line-height:1.7;border:1px solid #eee;padding:8px 12px}
.pkg-doc .ln{color:#bbb;display:inline-block;width:3.5em;font-size:0.8rem;user-select:none}
.pkg-doc .m{background:#FFF4E0;border-left:3px solid #F5A623;margin:2px 0;padding:2px 4px}
.pkg-doc .o{background:#F0ECFF;border-left:3px solid #7B61FF;margin:2px 0;padding:2px 4px}
.pkg-doc .tag{font-size:0.75rem;border-radius:3px;padding:0 4px;margin-right:4px;text-decoration:none;color:#fff}
.pkg-doc .tag.m{background:#F5A623}.pkg-doc .tag.o{background:#7B61FF}
.pkg-doc a.ag{color:#B0001A;background:#FFE5E8;text-decoration:none;border-radius:2px}
.pkg-doc a.ci{color:#1A56C4;background:#E6EEFF;text-decoration:none;border-radius:2px}
</style>"""

with text_col:
    if doc.get("in_corpus") is False or not doc.get("source_file"):
        st.info(tr("rd_not_in_corpus"))
        st.stop()
    lines = state.source_lines(doc["source_file"], doc.get("line_start"), doc.get("line_end"))
    if lines is None:
        st.warning(tr("ex_no_file", file=doc["source_file"], dir=str(state.corpus_dir())))
        st.stop()
    st.caption(tr("rd_lines", a=doc.get("line_start"), b=doc.get("line_end"), file=doc["source_file"])
               + " · " + tr("rd_legend"))
    # which item owns each line: the innermost (shortest span) measure/obligation covering it
    items = detail["measures"] + detail["obligations"]
    owner: dict[int, dict] = {}
    for it in sorted(items, key=lambda i: -((i.get("line_end") or 0) - (i.get("line_start") or 0))):
        if it.get("source_file") == doc["source_file"] and it.get("line_start"):
            for n in range(it["line_start"], (it.get("line_end") or it["line_start"]) + 1):
                owner[n] = it
    # terms to mark: agencies responsible for / bound by items, issuers; cited documents by title
    terms: list[tuple[str, str]] = []
    agencies = {a["id"]: a for it in items for a in it.get("leads", []) + it.get("supports", []) + it.get("binds", [])
                if a.get("label") == model.AGENCY}
    agencies.update({a["id"]: a for a in detail["issuers"]})
    agency_nodes = store.get_nodes(list(agencies))
    for aid, a in agency_nodes.items():
        for name in {a.get("name"), a.get("short_name"), *(a.get("aliases") or [])}:
            if name and len(name) >= 2:
                terms.append((name, "A" + aid))
    for c in detail["cites"] + detail["supersedes"] + detail["amends"]:
        for name in {c.get("name"), c.get("doc_number")}:
            if name and len(name) >= 4:
                terms.append((name, "D" + c["id"]))

    def render_line(text: str) -> str:
        out = []
        for piece, key in mark_spans(text, terms):
            if key is None:
                out.append(esc(piece))
            elif key[0] == "A":
                out.append(link(piece, "explorer", css="ag", node=key[1:], lang=lang()))
            else:
                target = key[1:]
                page = "reader" if by_id.get(target, {}).get("in_corpus") else "explorer"
                out.append(link(piece, page, css="ci", **({"doc": target} if page == "reader" else {"node": target}),
                                lang=lang()))
        return "".join(out)

    parts, current, pending = [], None, ""
    for n, text in lines:
        it = owner.get(n)
        if it is not current:
            if current is not None:
                parts.append("</div>")
            if it is not None:
                kind = "m" if it["label"] == model.MEASURE else "o"
                roles = ""
                if kind == "m":
                    roles = " ".join(filter(None, [
                        (tr("lead") + ": " + "、".join(a["name"] for a in it["leads"])) if it["leads"] else "",
                        (tr("support") + ": " + "、".join(a["name"] for a in it["supports"])) if it["supports"] else ""]))
                else:
                    roles = " · ".join(x for x in (it.get("article"), it.get("modality")) if x)
                tag = link(it.get("measure_no") or it.get("article") or tr("measure" if kind == "m" else "obligation"),
                           "explorer", css=f"tag {kind}", title=roles, node=it["id"], lang=lang())
                parts.append(f"<div class='{kind}' id='{esc(it['id'])}'>")
                pending = tag
            current = it
        if not text.strip():
            continue  # blank lines of the original: numbering stays, space goes
        parts.append(f"<div><span class='ln'>{n}</span>{pending}{render_line(text)}</div>")
        pending = ""
    if current is not None:
        parts.append("</div>")
    st.html(CSS + "<div class='pkg-doc'>" + "".join(parts) + "</div>")
