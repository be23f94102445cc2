"""Document reader: the original text with measures, obligations, agencies (lead / support) and citations marked.

The document is the address's `doc` (ui.selection): picking another pushes a history entry, so
Back returns to the document read before; an unknown id is reported, never replaced by another.
"""
import streamlit as st

from graph import model, queries
from ui import pager, selection, state
from ui.common import enum_name, lang, require_store, tr
from ui.html import esc, link, mark_lines

st.title(tr("page_reader"))
store = require_store()


asked = selection.get("doc")
chosen = st.session_state.get("rd_doc")
# id → the row of every document the picker may show: the one asked for and the one shown, then a page
by_id = {i: queries.document_row(n) for i, n in store.get_nodes([x for x in (asked, chosen) if x],
                                                                 queries.DOCUMENT_ROW).items()
         if n.get("label") == model.DOCUMENT}
if asked is not None and asked not in by_id:
    selection.report_unknown(tr("rd_unknown", id=asked) if asked else tr("rd_empty"))
words = st.session_state.get("rd_filter") or ""
listing = state.ask(queries.documents_page, limit=pager.PICKER_ROWS, in_corpus=True, text=words or None)
total = listing["total"] if not words else state.ask(queries.documents_page, limit=0, in_corpus=True)["total"]
if total > pager.PICKER_ROWS:  # the filter is offered when the list does not hold every document
    st.text_input(tr("rd_filter"), key="rd_filter", placeholder=tr("rd_filter_hint"))
if total > pager.PICKER_ROWS:
    st.caption(tr("rd_listed", n=len(listing["rows"]), m=listing["total"]))
by_id.update({d["id"]: d for d in listing["rows"]})
options = [d["id"] for d in listing["rows"]]
for keep in (chosen, asked):  # what is shown stays an option whatever the filter lists
    if keep in by_id and keep not in options:
        options.insert(0, keep)  # (a cited-only document: its page says it has no text here)
if not options:
    st.info(tr("rd_not_in_corpus") if not total else tr("rd_no_match", q=words))
    st.stop()


def _fmt(i):
    d = by_id[i]
    return " · ".join(x for x in (d.get("date"), d.get("doc_number"), d.get("title")) if x)


selection.bind("rd_doc", "doc", valid=lambda v: v in options)
doc_id = st.selectbox(tr("rd_pick"), options, format_func=_fmt, key="rd_doc", placeholder=tr("rd_choose"),
                      on_change=lambda: selection.follow("rd_doc", "doc"),
                      **({} if "rd_doc" in st.session_state else {"index": None}))
if doc_id is None:
    st.stop()
detail = queries.document_detail(store, doc_id)
doc = detail["document"]
related = {i["id"] for k in ("supersedes", "superseded_by", "amends", "amended_by", "cites", "cited_by") for i in detail[k]}
readable = {i for i, n in store.get_nodes(sorted(related), ["in_corpus"]).items() if n.get("in_corpus") is not False}


def _metadata() -> None:
    rows = [(tr("title"), doc.get("title")), (tr("doc_number"), doc.get("doc_number")),
            (tr("doc_type"), doc.get("doc_type")), (tr("date"), doc.get("date")),
            (tr("effective_date"), doc.get("effective_date"))]
    html = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows if v)
    for key in ("issuers", "sectors"):
        names = ", ".join(link(i["name"], "explorer", node=i["id"], lang=lang()) for i in detail[key])
        if names:
            html += f"<tr><th>{esc(tr(key))}</th><td>{names}</td></tr>"
    counts = tr("rd_counts", m=len(detail["measures"]), o=len(detail["obligations"]))
    html += f"<tr><th></th><td>{esc(counts)} · {link(tr('open_explorer'), 'explorer', node=doc_id, lang=lang())}</td></tr>"
    st.html("<style>.pkg-meta th{text-align:left;padding-right:10px;white-space:nowrap;vertical-align:top;color:#555}"
            ".pkg-meta td{overflow-wrap:anywhere}</style>"
            f"<table class='pkg-meta'>{html}</table>")


def _relations() -> None:
    shown = 0
    for key in ("supersedes", "superseded_by", "amends", "amended_by", "cites", "cited_by"):
        items = detail[key]
        if not items:
            continue
        shown += len(items)
        lis = "".join(
            "<li>" + (link(i["name"], "reader", doc=i["id"], lang=lang()) if i["id"] in readable
                      else link(i["name"], "explorer", node=i["id"], lang=lang()))
            + (f" <span style='color:#888'>{esc(i.get('date') or '')}</span>" if i.get("date") else "") + "</li>"
            for i in items)
        st.html(f"<b>{esc(tr(key))}</b> ({len(items)})<ul style='margin-top:2px'>{lis}</ul>")
    if not shown:
        st.caption(tr("none"))


# metadata above the text (not a side column): readable at 800 px as at 1440
_metadata()
with st.expander(tr("rd_relations") + f" ({sum(len(detail[k]) for k in ('supersedes', 'superseded_by', 'amends', 'amended_by', 'cites', 'cited_by'))})"):
    _relations()

CSS = """<style>
.pkg-doc{max-height:75vh;overflow:auto;font-size:0.95rem;line-height:1.7;border:1px solid #eee;padding:8px 12px}
.pkg-doc .ln{color:#bbb;display:inline-block;width:3.5em;font-size:0.8rem;user-select:none}
.pkg-doc .m{background:#FFF4E0;border-left:3px solid #F5A623;margin:2px 0;padding:2px 4px}
.pkg-doc .o{background:#F0ECFF;border-left:3px solid #7B61FF;margin:2px 0;padding:2px 4px}
.pkg-doc .tag{font-size:0.75rem;border-radius:3px;padding:0 4px;margin-right:4px;text-decoration:none;color:#fff}
.pkg-doc .tag.m{background:#F5A623}.pkg-doc .tag.o{background:#7B61FF}
.pkg-doc .roles{font-size:0.8rem;color:#555;margin:0 0 2px 3.5em}
.pkg-doc a.ag, .pkg-legend .ag{color:#B0001A;background:#FFE5E8;text-decoration:none;border-radius:2px}
.pkg-doc a.ag.lead, .pkg-legend .lead{color:#fff;background:#D0021B;font-weight:600;padding:0 2px}
.pkg-doc a.ag.sup, .pkg-legend .sup{color:#B0001A;background:#FFE5E8;border-bottom:2px dashed #D0021B}
.pkg-doc a.ci, .pkg-legend .ci{color:#1A56C4;background:#E6EEFF;text-decoration:none;border-radius:2px}
.pkg-legend .m{background:#FFF4E0;border-left:3px solid #F5A623;padding:0 4px}
.pkg-legend .o{background:#F0ECFF;border-left:3px solid #7B61FF;padding:0 4px}
</style>"""

if doc.get("in_corpus") is False or not doc.get("source_file"):
    st.info(tr("rd_not_in_corpus"))
    st.stop()
lines = state.source_lines(doc["source_file"], doc.get("line_start"), doc.get("line_end"))
if lines is None:
    st.warning(tr("ex_no_file", file=doc["source_file"], dir=str(state.corpus_dir())))
    st.stop()
st.caption(tr("rd_lines", a=doc.get("line_start"), b=doc.get("line_end"), file=doc["source_file"]))
st.html(CSS + "<div class='pkg-legend' style='font-size:0.85rem'>" + esc(tr("rd_legend")) + " "
        + f"<span class='m'>{esc(tr('measure'))}</span> <span class='o'>{esc(tr('obligation'))}</span> "
        + f"<span class='ci'>{esc(tr('rd_cited'))}</span> · {esc(tr('rd_roles'))} "
        + f"<span class='lead'>{esc(tr('lead'))}</span> <span class='sup'>{esc(tr('support'))}</span></div>")

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
for aid, a in store.get_nodes(list(agencies)).items():
    for name in {a.get("name"), a.get("short_name"), *(a.get("aliases") or [])}:
        if name and len(name) >= 2:
            terms.append((name, "A" + aid))
for c in detail["cites"] + detail["supersedes"] + detail["amends"]:
    for name in {c.get("name"), c.get("doc_number")}:
        if name and len(name) >= 4:
            terms.append((name, "D" + c["id"]))


def _role_class(aid: str, item) -> str:
    if item is None or item["label"] != model.MEASURE:
        return "ag"
    if any(a["id"] == aid for a in item["leads"]):
        return "ag lead"
    return "ag sup" if any(a["id"] == aid for a in item["supports"]) else "ag"


def render_line(pieces, item) -> str:
    out = []
    for piece, key in pieces:
        if key is None:
            out.append(esc(piece))
        elif key[0] == "A":
            role = _role_class(key[1:], item)
            tip = {"ag lead": tr("lead"), "ag sup": tr("support")}.get(role)
            out.append(link(piece, "explorer", css=role, title=tip, node=key[1:], lang=lang()))
        else:
            target = key[1:]
            page = "reader" if target in readable else "explorer"
            out.append(link(piece, page, css="ci", **({"doc": target} if page == "reader" else {"node": target}),
                            lang=lang()))
    return "".join(out)


def _opening(it) -> tuple[str, str]:
    """The start of a measure's / obligation's block: its tag, and who leads and supports it, in words."""
    kind = "m" if it["label"] == model.MEASURE else "o"
    if kind == "m":
        roles = " · ".join(filter(None, [
            (tr("lead") + "：" + "、".join(a["name"] for a in it["leads"])) if it["leads"] else "",
            (tr("support") + "：" + "、".join(a["name"] for a in it["supports"])) if it["supports"] else ""]))
    else:
        roles = " · ".join(x for x in (it.get("article"), enum_name("modality", it.get("modality"))) if x)
    tag = link(it.get("measure_no") or it.get("article") or tr("measure" if kind == "m" else "obligation"),
               "explorer", css=f"tag {kind}", title=roles, node=it["id"], lang=lang())
    return (f"<div class='{kind}' id='{esc(it['id'])}'>"
            + (f"<div class='roles'>{esc(roles)}</div>" if roles else "")), tag


marked = mark_lines([text for _, text in lines], terms)
parts, current, pending = [], None, ""
for (n, text), pieces in zip(lines, marked):
    it = owner.get(n)
    if it is not current:
        if current is not None:
            parts.append("</div>")
        if it is not None:
            opening, pending = _opening(it)
            parts.append(opening)
        current = it
    if not text.strip():
        continue  # blank lines of the original: numbering stays, space goes
    parts.append(f"<div><span class='ln'>{n}</span>{pending}{render_line(pieces, it)}</div>")
    pending = ""
if current is not None:
    parts.append("</div>")
st.html(CSS + "<div class='pkg-doc'>" + "".join(parts) + "</div>")
