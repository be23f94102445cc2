"""The aggregating primitives (counted, paired and paged by the database) and the paged questions
on them, on both stores: a page is the slice of the whole answer, the totals count everything."""
from __future__ import annotations

import pytest

from graph import analysis, queries
from graph.export import from_records

from conftest_graph import export_dir, loaded, store  # noqa: F401

ROLES = ["LEADS", "SUPPORTS"]

#: an agency with measures nested four deep, one in no document, one it both leads and supports
NODES = [{"id": "agency:x", "label": "Agency", "name": "某某部", "short_name": "某某部", "aliases": ["某某部"]},
         {"id": "agency:y", "label": "Agency", "name": "另一部", "short_name": "另一部", "aliases": ["另一部"]},
         {"id": "doc:a", "label": "Document", "title": "甲文件", "date": "2020-01-01"},
         {"id": "doc:b", "label": "Document", "title": "乙文件", "date": "2021-01-01"},
         *({"id": m, "label": "Measure", "heading": f"措施{m}", "text": f"正文{m}"}
           for m in ("m:a1", "m:a1.1", "m:a1.1.1", "m:a1.1.1.1", "m:b1", "m:both", "m:loose"))]
EDGES = [{"source": s, "type": t, "target": o} for s, t, o in [
    ("m:a1", "PART_OF", "doc:a"), ("m:a1.1", "PART_OF", "m:a1"), ("m:a1.1.1", "PART_OF", "m:a1.1"),
    ("m:a1.1.1.1", "PART_OF", "m:a1.1.1"), ("m:b1", "PART_OF", "doc:b"), ("m:both", "PART_OF", "doc:b"),
    ("agency:x", "LEADS", "m:a1.1.1.1"), ("agency:x", "LEADS", "m:b1"), ("agency:x", "LEADS", "m:both"),
    ("agency:x", "SUPPORTS", "m:a1"), ("agency:x", "SUPPORTS", "m:loose"), ("agency:x", "SUPPORTS", "m:both"),
    ("agency:y", "LEADS", "m:a1"), ("agency:y", "LEADS", "m:b1")]]


@pytest.fixture
def nested(store):
    store.load(from_records(NODES, EDGES))
    return store


def test_typed_degrees_count_each_combination_of_types(nested):
    assert nested.typed_degrees(["agency:x", "agency:y", "doc:a"], ROLES) == {
        "agency:x": {("LEADS",): 2, ("SUPPORTS",): 2, ("LEADS", "SUPPORTS"): 1},
        "agency:y": {("LEADS",): 2}}
    assert nested.typed_degrees(["m:both"], ROLES, "in") == {"m:both": {("LEADS", "SUPPORTS"): 1}}
    assert queries.role_counts(nested, ["agency:x", "agency:y"]) == {
        "agency:x": {"leads": 3, "supports": 2}, "agency:y": {"leads": 2, "supports": 0}}


def test_neighbour_page_counts_all_and_returns_a_slice_in_id_order(nested):
    every = ["m:a1", "m:a1.1.1.1", "m:b1", "m:both", "m:loose"]
    assert nested.neighbour_page(["agency:x"], ROLES) == (5, every)
    assert nested.neighbour_page(["agency:x"], ROLES, limit=2, offset=1) == (5, every[1:3])
    assert nested.neighbour_page(["agency:x"], ROLES, limit=2, offset=9) == (5, [])
    # several start nodes of several labels: their neighbours once each
    total, ids = nested.neighbour_page(["agency:x", "agency:y", "doc:b"], None, "both")
    assert (total, ids) == (5, ["m:a1", "m:a1.1.1.1", "m:b1", "m:both", "m:loose"])


def test_neighbour_page_sole_keeps_what_no_other_node_reaches(nested):
    assert nested.neighbour_page(["agency:x"], ["LEADS"], sole=True) == (2, ["m:a1.1.1.1", "m:both"])
    assert nested.neighbour_page(["agency:y"], ["LEADS"], sole=True) == (1, ["m:a1"])
    assert nested.neighbour_page(["agency:x", "agency:y"], ["LEADS"], sole=True) == (
        4, ["m:a1", "m:a1.1.1.1", "m:b1", "m:both"])


def test_neighbours_by_document_follow_part_of_to_any_depth(nested):
    whole = nested.neighbours_by_document("agency:x", ROLES)
    assert (whole["total"], whole["documents"]) == (5, 2)
    assert whole["rows"] == [("m:a1", ("SUPPORTS",), "doc:a"), ("m:a1.1.1.1", ("LEADS",), "doc:a"),
                             ("m:b1", ("LEADS",), "doc:b"), ("m:both", ("LEADS", "SUPPORTS"), "doc:b"),
                             ("m:loose", ("SUPPORTS",), None)]
    for offset in range(6):
        for limit in (0, 1, 2, 5):
            page = nested.neighbours_by_document("agency:x", ROLES, limit=limit, offset=offset)
            assert page == {**whole, "rows": whole["rows"][offset:offset + limit]}, (offset, limit)
    assert nested.neighbours_by_document("agency:y", ROLES)["rows"] == [("m:a1", ("LEADS",), "doc:a"),
                                                                        ("m:b1", ("LEADS",), "doc:b")]


#: the writer's `document` property on every measure in a document (extract/records.py)
DOCUMENT_OF = {"m:a1": "doc:a", "m:a1.1": "doc:a", "m:a1.1.1": "doc:a", "m:a1.1.1.1": "doc:a",
               "m:b1": "doc:b", "m:both": "doc:b"}


@pytest.mark.parametrize("documented", [set(DOCUMENT_OF), {"m:b1", "m:both"}], ids=["all", "some"])
def test_neighbours_by_document_read_the_document_property_and_walk_the_rest(store, documented):
    """With the property on every measure the database orders by it; a measure lacking it (an older
    export) is walked. Either way the answer is the one the walk alone gives."""
    nodes = [dict(n, document=DOCUMENT_OF[n["id"]]) if n["id"] in documented else n for n in NODES]
    store.load(from_records(nodes, EDGES))
    whole = store.neighbours_by_document("agency:x", ROLES)
    assert (whole["total"], whole["documents"]) == (5, 2)
    assert [(m, d) for m, _, d in whole["rows"]] == [("m:a1", "doc:a"), ("m:a1.1.1.1", "doc:a"), ("m:b1", "doc:b"),
                                                     ("m:both", "doc:b"), ("m:loose", None)]
    for offset in range(6):
        page = store.neighbours_by_document("agency:x", ROLES, limit=2, offset=offset)
        assert page == {**whole, "rows": whole["rows"][offset:offset + 2]}, offset


def test_neighbours_by_document_order_by_the_property_in_the_database(store):
    """The property, not the walk, is what the database reads when every measure has it: a measure
    whose property names another document is ordered under that one."""
    nodes = [dict(n, document="doc:b" if n["id"] == "m:a1" else DOCUMENT_OF[n["id"]]) if n["id"] in DOCUMENT_OF
             else dict(n, document=None) if n["label"] == "Measure" else n for n in NODES]
    store.load(from_records(nodes, EDGES))
    rows = store.neighbours_by_document("agency:x", ROLES)["rows"]
    assert [(m, d) for m, _, d in rows][:3] == [("m:a1.1.1.1", "doc:a"), ("m:a1", "doc:b"), ("m:b1", "doc:b")]


def test_shared_neighbour_counts_pair_agencies_in_the_database(nested):
    assert nested.shared_neighbour_counts(ROLES, "LEADS", of="agency:x") == [("agency:x", "agency:y", 2, 1)]
    assert nested.shared_neighbour_counts(ROLES, of="agency:y") == [("agency:y", "agency:x", 2, 0)]
    assert nested.shared_neighbour_counts(ROLES, "LEADS") == [("agency:x", "agency:y", 2, 1)]
    assert nested.shared_neighbour_counts(ROLES, of="agency:nobody") == []


def test_duties_of_pages_are_slices_of_the_whole_answer(nested):
    whole = queries.duties_of(nested, "某某部")
    assert (whole["leads"], whole["supports"], whole["total"], whole["total_documents"]) == (3, 2, 5, 2)
    assert [((g["document"] or {}).get("id"), [(m["id"], m["role"]) for m in g["measures"]])
            for g in whole["documents"]] == [
        ("doc:a", [("m:a1", "support"), ("m:a1.1.1.1", "lead")]),
        ("doc:b", [("m:b1", "lead"), ("m:both", "lead")]), (None, [("m:loose", "support")])]
    assert whole["documents"][0]["measures"][0]["text"] == "正文m:a1"
    flat = [(g["document"], m) for g in whole["documents"] for m in g["measures"]]
    for offset in range(6):
        page = queries.duties_of(nested, "agency:x", limit=2, offset=offset)
        assert {k: page[k] for k in ("leads", "supports", "total", "total_documents", "offset")} == {
            "leads": 3, "supports": 2, "total": 5, "total_documents": 2, "offset": offset}
        assert [(g["document"], m) for g in page["documents"] for m in g["measures"]] == flat[offset:offset + 2]


def test_paged_duties_on_the_fixture_match_the_whole(loaded):
    whole = queries.duties_of(loaded, "商务部")
    assert (whole["total"], whole["total_documents"]) == (4, 2)
    first = queries.duties_of(loaded, "商务部", limit=3)
    assert [[m["id"] for m in g["measures"]] for g in first["documents"]] == [
        ["m:opinion:1", "m:opinion:1.1", "m:opinion:2"]]
    rest = queries.duties_of(loaded, "商务部", limit=3, offset=3)
    assert [(g["document"]["id"], [m["id"] for m in g["measures"]]) for g in rest["documents"]] == [
        ("doc:plan", ["m:plan:1"])]


def test_sole_lead_page(nested):
    page = queries.sole_lead_page(nested, "某某部", limit=1, offset=1)
    assert (page["total"], [m["id"] for m in page["measures"]]) == (2, ["m:both"])
    assert page["measures"][0]["heading"] == "措施m:both"
    assert queries.sole_lead_measures(nested, "某某部") == queries.sole_lead_page(nested, "某某部")["measures"]


def test_co_responsible_and_the_network_count_in_the_database(nested):
    assert [(a["id"], a["measures"]) for a in queries.co_responsible(nested, "某某部")] == [("agency:y", 2)]
    net = analysis.co_responsibility_network(nested)
    assert net["agency:x"]["agency:y"] == {"weight": 2, "co_leads": 1}


def test_neighbourhood_of_a_hub_takes_the_smallest_ids_at_the_cut(nested):
    hood = queries.neighbourhood(nested, "agency:x", depth=2, limit=3)
    assert [(n["id"], n["distance"]) for n in hood["nodes"]] == [("m:a1", 1), ("m:a1.1.1.1", 1), ("m:b1", 1)]
    assert {(e["source"], e["target"]) for e in hood["edges"]} == {
        ("agency:x", "m:a1"), ("agency:x", "m:a1.1.1.1"), ("agency:x", "m:b1")}
    wide = queries.neighbourhood(nested, "agency:x", depth=2, limit=9)
    assert [(n["id"], n["distance"]) for n in wide["nodes"]] == [
        ("m:a1", 1), ("m:a1.1.1.1", 1), ("m:b1", 1), ("m:both", 1), ("m:loose", 1),
        ("agency:y", 2), ("doc:a", 2), ("doc:b", 2), ("m:a1.1", 2)]


def test_neighbour_groups_count_everything_and_read_only_what_is_shown(loaded):
    """Counts per group from the database; `limit` keeps each group's first nodes in reading order
    (the whole group's order); `labels` leaves other labels out of counts and nodes."""
    whole = queries.neighbour_groups(loaded, "agency:mofcom")
    firsts = queries.neighbour_groups(loaded, "agency:mofcom", limit=1)
    assert [(g["type"], g["direction"], g["count"]) for g in firsts["groups"]] == [
        (g["type"], g["direction"], g["count"]) for g in whole["groups"]]
    assert [g["nodes"] for g in firsts["groups"]] == [g["nodes"][:1] for g in whole["groups"]]
    assert all(g["nodes"] == [] for g in queries.neighbour_groups(loaded, "agency:mofcom", limit=0)["groups"])
    documents_only = queries.neighbour_groups(loaded, "agency:mofcom", labels=["Document"])
    assert [(g["type"], g["direction"], [n["id"] for n in g["nodes"]]) for g in documents_only["groups"]] == [
        ("ISSUED_BY", "in", ["doc:notice-2023"])]
    measure = queries.neighbour_groups(loaded, "m:opinion:1", rel_types=["LEADS", "SUPPORTS"], labels=["Agency"],
                                       limit=1)
    assert [(g["type"], g["count"], [n["id"] for n in g["nodes"]]) for g in measure["groups"]] == [
        ("LEADS", 1, ["agency:mofcom"]), ("SUPPORTS", 2, ["agency:customs"])]


def test_relationships_page_is_a_slice_of_every_relationship(loaded):
    whole = queries.relationships_page(loaded, "agency:mofcom")
    assert whole["total"] == len(whole["rows"]) == 5
    assert [(r["direction"], r["type"], r["other"]["id"]) for r in whole["rows"]] == [
        ("out", "LEADS", "m:opinion:1"), ("out", "LEADS", "m:opinion:2"), ("out", "LEADS", "m:plan:1"),
        ("out", "SUPPORTS", "m:opinion:1.1"), ("in", "ISSUED_BY", "doc:notice-2023")]
    for offset in range(6):
        page = queries.relationships_page(loaded, "agency:mofcom", limit=2, offset=offset)
        assert page["rows"] == whole["rows"][offset:offset + 2] and page["total"] == 5
    assert queries.relationships_of(loaded, "agency:mofcom") == whole["rows"]
