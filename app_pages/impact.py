"""Ministry impact analysis: an agency's duties, partners, obligations; what if it were abolished or merged."""
import pandas as pd
import streamlit as st

from graph import impact, queries
from ui import pager, selection, state
from ui.common import enum_name, lang, require_store, tr
from ui.i18n import t
from ui.html import link

st.title(tr("page_impact"))
store = require_store()


agencies = state.ask(queries.agency_workload)  # every agency, also those with no measure (they can be picked)
names = {a["id"]: f"{a['name']}" + (f"（{a['short_name']}）" if a.get("short_name") and a["short_name"] != a["name"] else "")
         + f" · {tr('leads')} {a['leads']} · {tr('supports')} {a['supports']}" for a in agencies}


def _agency_id(value: str):
    """An agency in the address: its id, or any of its names (a hand-typed link)."""
    if value in names:
        return value
    try:
        return queries.resolve_agency(store, value)["id"]
    except queries.NotFound:
        return None


asked = selection.get("agency")
if asked is not None and _agency_id(asked) is None:
    selection.report_unknown(tr("im_unknown", id=asked))
    st.stop()
if asked is not None and asked not in names:  # a name: show the agency's id in the address
    selection.put(agency=_agency_id(asked))
selection.bind("im_agency", "agency", valid=lambda v: v in names)
agency = st.selectbox(tr("im_pick"), list(names), format_func=names.get, key="im_agency",
                      on_change=lambda: selection.follow("im_agency", "agency", mp=None, sp=None, gp=None, op=None, dp=None))
if agency is None:
    st.stop()

@st.cache_data(ttl=60, show_spinner=False)
def _exports(key, agency_id):
    sub = impact.duty_subgraph(store, agency_id)
    return sub.number_of_nodes(), sub.number_of_edges(), impact.to_csv(sub), impact.to_graphml(sub)


with st.spinner("…"):
    summary = state.ask(impact.agency_summary, agency)

m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("im_metrics_leads"), summary["leads"])
m2.metric(tr("im_metrics_supports"), summary["supports"])
m3.metric(tr("im_metrics_deadline"), summary["with_deadline"])
m4.metric(tr("im_metrics_obligations"), summary["obligations"])
if not summary["leads"] + summary["supports"]:
    st.info(tr("im_none_measures"))


def measure_table(rows):
    return pd.DataFrame([{
        tr("role"): tr(r["role"]), tr("measure"): f"{r['measure_no'] or ''}{r['heading'] or ''}",
        tr("deadline"): r["deadline_text"] or r["deadline"] or "",
        tr("document"): (r["document"] or {}).get("name", ""),
        tr("other_leads"): "、".join(n for n, i in zip(r["leads"], r["lead_ids"]) if i != agency),
        tr("other_supports"): "、".join(n for n, i in zip(r["supports"], r["support_ids"]) if i != agency),
        tr("sectors"): "、".join(r["sectors"]),
    } for r in rows])


def paged_measures(param: str, total: int, question, *args) -> None:
    """Measures a page at a time: `question(store, agency, *args, limit=…, offset=…)` (graph.impact)
    gives the page; the page number lives in the address under `param`."""
    number, pages = pager.page_number(param, total, queries.PAGE_SIZE)
    page = state.ask(question, agency, *args, limit=queries.PAGE_SIZE, offset=(number - 1) * queries.PAGE_SIZE)
    if page["measures"]:
        st.caption(tr("im_page_range", a=page["offset"] + 1, b=page["offset"] + len(page["measures"]),
                      n=page["total"]))
        st.dataframe(measure_table(page["measures"]), hide_index=True, width="stretch",
                     height=min(520, 38 + 35 * len(page["measures"])))
    pager.buttons(param, number, pages)


TAB_LABELS = ["im_by_doc", "im_by_sector", "im_all", "im_partners", "im_statutory", "im_whatif",
              "im_download"]
def by_document():
    """The documents a page at a time (the database counts every one, reads the page's), measures
    in no document last; pick one for its measures."""
    size = queries.PAGE_SIZE
    number, pages = pager.page_number("dp", summary["total_documents"], size)
    listed = state.ask(impact.documents_of, agency, limit=size, offset=(number - 1) * size)
    groups = impact.document_groups(listed)
    if pages > 1:
        st.caption(tr("im_doc_range", a=listed["offset"] + 1, b=listed["offset"] + len(listed["documents"]),
                      n=listed["total"]))
    st.dataframe(pd.DataFrame([{tr("date"): (g["document"] or {}).get("date") or "",
                                tr("document"): (g["document"] or {}).get("name", "—"),
                                tr("leads"): g["leads"], tr("supports"): g["supports"]} for g in groups]),
                 hide_index=True, width="stretch", height=min(420, 38 + 35 * len(groups)))
    # the options are the documents' ids ("" for measures in none): a new page offers new options
    labels = {(g["document"] or {}).get("id", ""): f"{(g['document'] or {}).get('date') or ''} "
              f"{(g['document'] or {}).get('name', '—')}" for g in groups}
    pager.buttons("dp", number, pages)
    doc_id = st.selectbox(tr("rd_pick"), list(labels), format_func=labels.get, key="im_doc")
    if doc_id is not None:
        if doc_id:
            st.html(link(tr("open_reader"), "reader", doc=doc_id, lang=lang()))
        rows = state.ask(impact.document_measures, agency, doc_id or None)["measures"]
        st.dataframe(measure_table(rows), hide_index=True, width="stretch")


def by_sector():
    rows = state.ask(impact.sectors_of, agency)
    df = pd.DataFrame([{tr("sector"): s["sector"], tr("leads"): s["leads"], tr("supports"): s["supports"]}
                       for s in rows])
    if df.empty:
        return
    st.bar_chart(df.set_index(tr("sector")), horizontal=True, stack=True, color=["#D0021B", "#F5A623"], sort=False,
                 height=max(240, 28 * len(df)))
    by_name = {s["sector"]: s for s in rows}
    picked = by_name[st.selectbox(tr("sector"), list(by_name), key="im_sector",
                                  on_change=lambda: selection.put(sp=None))]
    paged_measures("sp", picked["measures"], impact.sector_measures, picked["id"])


def all_measures():
    """Every measure, a page at a time (the database counts them and reads only the page's rows)."""
    paged_measures("mp", summary["leads"] + summary["supports"], impact.measure_page)


def partners():
    rows = state.ask(queries.co_responsible, agency)[:30]
    if rows:
        pdf = pd.DataFrame([{tr("agency"): p.get("short_name") or p["name"], tr("shared"): p["measures"]}
                            for p in rows])
        st.bar_chart(pdf.set_index(tr("agency")), horizontal=True, sort=False, height=max(240, 24 * len(pdf)))
    else:
        st.caption(tr("none"))


def _inherited(row):
    src = row.get("inherited_from")
    return tr("im_from", name=src["agency"].get("short_name") or src["agency"]["name"], year=src["year"] or "") if src else ""


def statutory():
    """Statutory duties: clauses of regulations binding the agency (or a predecessor), by regulation."""
    report = state.ask(impact.statutory_report, agency, limit=0)  # counts; the clauses a page at a time
    duties = report["statutory"]
    if not duties["total"] and not report["inherited_measures"]:
        st.caption(tr("im_statutory_none"))
        return
    st.markdown("**" + tr("im_statutory_total", n=duties["total"], i=duties["inherited"]) + "**")
    if duties["total"]:
        st.dataframe(pd.DataFrame([{tr("document"): (g["document"] or {}).get("name", "—"), "#": g["count"],
                                    **{tr("level_" + k) if k != "—" else "—": v for k, v in g["by_level"].items()}}
                                   for g in duties["regulations"]]).fillna(0), hide_index=True, width="stretch")
        number, pages = pager.page_number("op", duties["total"], queries.PAGE_SIZE)
        clauses = state.ask(queries.statutory_page, agency, limit=queries.PAGE_SIZE,
                            offset=(number - 1) * queries.PAGE_SIZE)
        if pages > 1:
            st.caption(tr("im_clause_range", a=clauses["offset"] + 1, b=clauses["offset"] + len(clauses["obligations"]),
                          n=clauses["total"]))
        st.dataframe(pd.DataFrame([{tr("document"): (o["document"] or {}).get("name", ""), tr("article"): o["article"],
                                    tr("im_level"): tr("level_" + o["level"]) if o["level"] else "",
                                    tr("modality"): enum_name("modality", o["modality"]), tr("im_inherited"): _inherited(o),
                                    tr("text"): o["text"] or o["action"]} for o in clauses["obligations"]]),
                     hide_index=True, width="stretch")
        pager.buttons("op", number, pages)
    if report["inherited_measures"]:
        st.markdown("**" + tr("im_inherited_measures", n=len(report["inherited_measures"])) + "**")
        st.dataframe(pd.DataFrame([{tr("role"): tr(r["role"]), tr("measure"): f"{r['measure_no'] or ''}{r['heading'] or ''}",
                                    tr("document"): (r["document"] or {}).get("name", ""),
                                    tr("im_inherited"): _inherited(r)} for r in report["inherited_measures"]]),
                     hide_index=True, width="stretch")


def _groups(counts: dict, target=None, **fmt) -> None:
    """The groups of a what-if answer, each with its count and meaning (every measure is in one);
    the measures of the group picked, a page at a time."""
    for key, n in counts.items():
        st.markdown(f"**{tr('im_g_' + key, n=n, **fmt)}**")
        st.caption(tr("im_g_" + key + "_why", **fmt))
    shown = [k for k, n in counts.items() if n]
    if not shown:
        return
    group = st.radio(tr("im_list_group"), shown, horizontal=True, key=f"im_group_{target or ''}",
                     format_func=lambda k, _l=lang(): t("im_g_" + k, _l, n=counts[k], **fmt),
                     on_change=lambda: selection.put(gp=None))
    if target is None:
        paged_measures("gp", counts[group], impact.abolish_group, group)
    else:
        paged_measures("gp", counts[group], impact.merge_group, target, group)


def measures_if_abolished() -> None:
    gone = state.ask(impact.abolish, agency, limit=0)
    st.caption(tr("im_abolish_total", n=gone["measures"]))
    _groups(gone["counts"])


def measures_if_merged(target: str) -> None:
    merged = state.ask(impact.merge, agency, target, limit=0)
    into = merged["into"]["name"]
    st.markdown("**" + tr("im_merged_carry", name=into, l=merged["after"]["leads"], l0=merged["before"]["leads"],
                          s=merged["after"]["supports"], s0=merged["before"]["supports"]) + "**")
    st.caption(tr("im_merged_union", name=into, a=merged["agency"]["name"],
                  n=merged["after"]["leads"] + merged["after"]["supports"]))
    _groups(merged["counts"], target, name=into)
    partners = state.ask(impact.merged_partners, agency, target)
    if partners:
        st.markdown(f"**{tr('partners')}**")
        st.dataframe(pd.DataFrame([{tr("partners"): p["name"], tr("shared"): p["measures"]}
                                   for p in partners[:20]]), hide_index=True)


def statutory_if_abolished() -> None:
    part = state.ask(impact.abolish, agency, limit=0)["statutory"]
    st.markdown("**" + tr("im_statutory_sole", n=part["sole"]) + "**")
    if part["shared_with"]:
        st.dataframe(pd.DataFrame([{tr("partners"): a["name"], "#": a["obligations"]} for a in part["shared_with"][:20]]),
                     hide_index=True)


def statutory_if_merged(target: str) -> None:
    part = state.ask(impact.merge, agency, target, limit=0)["statutory"]
    st.markdown("**" + tr("im_statutory_sole", n=part["sole"]) + "**")
    if part["merged"]:
        st.markdown(tr("im_statutory_merged", **part["merged"]))


#: what changes, one section per kind of duty: (title key, if abolished, if merged into a target).
WHAT_IF_SECTIONS = [("im_section_measures", measures_if_abolished, measures_if_merged),
                    ("im_section_statutory", statutory_if_abolished, statutory_if_merged)]


def what_if():
    scenario = st.radio(tr("im_scenario"), ["abolished", "merged"], horizontal=True, key="im_scenario",
                        format_func=lambda s, _l=lang(): t("im_" + s, _l), on_change=lambda: selection.put(gp=None))
    target = None
    if scenario == "merged":
        others = [a for a in names if a != agency]
        target = st.selectbox(tr("im_target"), others, format_func=names.get, key="im_target",
                              on_change=lambda: selection.put(gp=None))
        if target is None:
            return
    for title, if_abolished, if_merged in WHAT_IF_SECTIONS:
        st.subheader(tr(title))
        if scenario == "merged":
            if_merged(target)
        else:
            if_abolished()


def downloads():
    """The files are made when a button is clicked (a ministry's subgraph at 100×: 14,000 nodes,
    70,000 edges, 4 s), not each time the tab opens; both come from one cached subgraph."""
    st.caption(tr("im_subgraph_holds", m=summary["leads"] + summary["supports"], d=summary["total_documents"]))
    base = agency.replace("agency:", "").replace("/", "_")
    key = state.store_key()
    c1, c2 = st.columns(2)
    c1.download_button(tr("im_csv"), lambda: ("\ufeff" + _exports(key, agency)[2]).encode("utf-8"),
                       file_name=f"{base}-duties.csv", mime="text/csv", key="im_dl_csv", on_click="ignore")
    c2.download_button(tr("im_graphml"), lambda: _exports(key, agency)[3], file_name=f"{base}-duties.graphml",
                       mime="application/xml", key="im_dl_graphml", on_click="ignore")


# only the open tab runs (the others would render seven tables and two charts for nothing)
tabs = st.tabs([tr(k) for k in TAB_LABELS], key="im_tab", on_change="rerun")
for tab, show in zip(tabs, [by_document, by_sector, all_measures, partners, statutory, what_if,
                            downloads]):
    if tab.open is not False:
        with tab:
            show()
