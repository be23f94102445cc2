"""Facets (graph/facets.py): a node's neighbours counted in groups and filtered by the database, on
both stores — each answer checked against the same count done here by hand over the records."""
from __future__ import annotations

import itertools
from collections import Counter

import pytest

from graph.export import from_records
from graph.facets import AlsoReached, EdgeProp, NamedReaches, Present, Prop, Reaches, Through

from conftest_graph import store  # noqa: F401

ROLES = ["LEADS", "SUPPORTS"]
AGENCIES = ("agency:x", "agency:y", "agency:z")
#: measure → (document property, deadline, deadline_text, its own sectors)
MEASURES = {"m:1": ("doc:a", "2022-12-31", None, ["sec:trade"]),
            "m:2": ("doc:a", None, "长期", []),
            "m:3": ("doc:a", None, None, ["sec:trade", "sec:tax"]),
            "m:4": ("doc:b", None, None, []),
            "m:5": ("doc:b", "2023-06-30", None, ["sec:tax"]),
            "m:6": (None, None, None, []),
            "m:7": ("doc:b", None, None, [])}
ROLE_EDGES = [("agency:x", "LEADS", "m:1"), ("agency:x", "LEADS", "m:2"), ("agency:x", "SUPPORTS", "m:3"),
              ("agency:x", "SUPPORTS", "m:4"), ("agency:x", "LEADS", "m:5"), ("agency:x", "SUPPORTS", "m:5"),
              ("agency:x", "SUPPORTS", "m:6"), ("agency:x", "LEADS", "m:7"),
              ("agency:y", "LEADS", "m:2"), ("agency:y", "SUPPORTS", "m:1"), ("agency:y", "LEADS", "m:3"),
              ("agency:z", "SUPPORTS", "m:2"), ("agency:z", "SUPPORTS", "m:4"), ("agency:z", "LEADS", "m:6")]
#: document → the sectors it concerns (a measure without its own takes them)
DOCUMENT_SECTORS = {"doc:a": ["sec:tax"], "doc:b": []}
DOC_SECTOR = NamedReaches("document", "CONCERNS", "Document")
#: a property on some role edges (the smallest counts when two edges reach a measure)
NOTES = {("agency:x", "LEADS", "m:1"): "b", ("agency:x", "LEADS", "m:5"): "c", ("agency:x", "SUPPORTS", "m:5"): "a",
         ("agency:z", "SUPPORTS", "m:4"): "d"}
NODES = ([{"id": a, "label": "Agency", "name": a} for a in AGENCIES]
         + [{"id": d, "label": "Document", "title": d} for d in ("doc:a", "doc:b")]
         + [{"id": s, "label": "Sector", "name": s} for s in ("sec:trade", "sec:tax")]
         + [{"id": m, "label": "Measure", "heading": m, "document": d, "deadline": dl, "deadline_text": dt}
            for m, (d, dl, dt, _) in MEASURES.items()])
EDGES = ([{"source": s, "type": t, "target": o, **({"note": NOTES[(s, t, o)]} if (s, t, o) in NOTES else {})}
          for s, t, o in ROLE_EDGES]
         + [{"source": m, "type": "PART_OF", "target": d} for m, (d, *_rest) in MEASURES.items() if d]
         + [{"source": m, "type": "CONCERNS", "target": s} for m, (*_rest, secs) in MEASURES.items() for s in secs]
         + [{"source": d, "type": "CONCERNS", "target": s} for d, secs in DOCUMENT_SECTORS.items() for s in secs])


def _types(agency: str, m: str) -> tuple[str, ...]:
    return tuple(sorted({t for s, t, o in ROLE_EDGES if s == agency and o == m}))


def _value(facet, agency: str, m: str):
    doc, deadline, deadline_text, sectors = MEASURES[m]
    if isinstance(facet, Prop):
        return {"document": doc, "deadline": deadline}[facet.name]
    if isinstance(facet, Present):
        return any({"deadline": deadline, "deadline_text": deadline_text}[n] is not None for n in facet.names)
    if isinstance(facet, Through):
        return any(t in facet.rel_types for t in _types(agency, m))
    if isinstance(facet, AlsoReached):
        by = (facet.by,) if isinstance(facet.by, str) else facet.by
        return any(o == m and t in facet.rel_types and (s in by if by else s != agency and s not in facet.besides)
                   for s, t, o in ROLE_EDGES)
    if isinstance(facet, EdgeProp):
        return min((NOTES[e] for e in ROLE_EDGES if e[0] == agency and e[2] == m and e in NOTES), default=None)
    raise TypeError(facet)


def _by_hand(agency: str, by, where=None) -> Counter:
    out: Counter = Counter()
    for m in sorted({o for s, _, o in ROLE_EDGES if s == agency}):
        if where is not None and not _kept(where, agency, m):
            continue
        keys = [[v for v in MEASURES[m][3]] or [None] if isinstance(f, Reaches) else [_value(f, agency, m)]
                for f in by]
        for values in itertools.product(*keys):
            out[(_types(agency, m), values)] += 1
    return out


def _kept(where, agency: str, m: str) -> bool:
    """`where` as the stores read it: a mapping (all hold) or a list of them (any does)."""
    alternatives = [where] if isinstance(where, dict) else where
    return any(all(_matches(f, v, agency, m) for f, v in one.items()) for one in alternatives)


def _matches(facet, value, agency: str, m: str) -> bool:
    if isinstance(facet, Reaches):
        sectors = MEASURES[m][3]
        return not sectors if value is None else value in sectors
    if isinstance(facet, NamedReaches):
        sectors = DOCUMENT_SECTORS.get(MEASURES[m][0], [])
        return not sectors if value is None else value in sectors
    if isinstance(facet, Prop) and isinstance(value, list):
        return _value(facet, agency, m) in value
    return _value(facet, agency, m) == value


@pytest.fixture
def graph_store(store):
    store.load(from_records(NODES, EDGES))
    return store


FACET_SETS = [[], [Prop("document")], [Present(("deadline", "deadline_text"))], [Through(("LEADS",))],
              [AlsoReached(("LEADS",))], [AlsoReached(("SUPPORTS",), "agency:z")], [Reaches("CONCERNS")],
              [Prop("document"), AlsoReached(("LEADS",)), AlsoReached(("SUPPORTS",))],
              [Reaches("CONCERNS"), Through(("LEADS",))], [EdgeProp("note")],
              [AlsoReached(("LEADS", "SUPPORTS"), besides=("agency:y",))],
              [AlsoReached(("LEADS",), by=("agency:y", "agency:z")), EdgeProp("note")]]


@pytest.mark.parametrize("by", FACET_SETS, ids=lambda by: "+".join(type(f).__name__ for f in by) or "none")
def test_counts_equal_the_count_by_hand(graph_store, by):
    for agency in AGENCIES:
        got = Counter()
        for types, values, n in graph_store.neighbour_counts(agency, ROLES, "out", by=by):
            got[(types, values)] += n
        assert got == _by_hand(agency, by), agency


def test_reaches_without_none_leaves_out_what_reaches_nothing(graph_store):
    rows = graph_store.neighbour_counts("agency:x", ROLES, by=[Reaches("CONCERNS", none=False)])
    assert sorted((t, v, n) for t, v, n in rows) == [
        (("LEADS",), ("sec:trade",), 1), (("LEADS", "SUPPORTS"), ("sec:tax",), 1),
        (("SUPPORTS",), ("sec:tax",), 1), (("SUPPORTS",), ("sec:trade",), 1)]


WHERES = [{Prop("document"): "doc:b"}, {Prop("document"): None}, {Prop("document"): ["doc:a", "doc:b"]},
          {Reaches("CONCERNS"): "sec:tax"}, {Reaches("CONCERNS"): None},
          {Reaches("CONCERNS"): None, Prop("document"): ["doc:b"]},
          {Through(("LEADS",)): True, AlsoReached(("LEADS",)): False},
          {AlsoReached(("LEADS",)): False, AlsoReached(("SUPPORTS",)): False},
          {AlsoReached(("SUPPORTS",), "agency:z"): True, Through(("LEADS",)): False},
          {EdgeProp("note"): "a"}, {EdgeProp("note"): None},
          [{Reaches("CONCERNS"): "sec:trade"}, {Prop("document"): None}],
          {DOC_SECTOR: "sec:tax"}, {DOC_SECTOR: "sec:tax", Reaches("CONCERNS"): None}, {DOC_SECTOR: None},
          {DOC_SECTOR: "sec:trade"}, {DOC_SECTOR: "sec:none"},
          {AlsoReached(("LEADS",), "agency:y"): True}, {AlsoReached(("LEADS",), "agency:nobody"): True},
          {AlsoReached(("LEADS", "SUPPORTS"), "agency:x"): True, Prop("document"): "doc:a"},
          [{DOC_SECTOR: "sec:tax", Through(("LEADS",)): True}, {DOC_SECTOR: None, Reaches("CONCERNS"): None}]]


@pytest.mark.parametrize("where", WHERES, ids=range(len(WHERES)))
def test_filters_count_and_page_what_matches(graph_store, where):
    for agency in AGENCIES:
        expected = _by_hand(agency, [Prop("document")], where)
        got = Counter()
        for types, values, n in graph_store.neighbour_counts(agency, ROLES, by=[Prop("document")], where=where):
            got[(types, values)] += n
        assert got == expected, agency
        whole = graph_store.neighbours_by_document(agency, ROLES, where=where)
        ids = [m for m, _, _ in whole["rows"]]
        assert sorted(ids) == sorted(m for m in MEASURES if _types(agency, m) and _kept(where, agency, m))
        assert whole["total"] == len(ids) == sum(expected.values())
        for offset in range(len(ids) + 1):
            page = graph_store.neighbours_by_document(agency, ROLES, limit=2, offset=offset, where=where)
            assert page["rows"] == whole["rows"][offset:offset + 2] and page["total"] == whole["total"]


def test_a_group_of_agencies_shares_measures_counted_once(graph_store):
    """shared_neighbour_counts with a list `of`: the measures any of them has, shared with each other
    agency, once each (x and y merged share m:2 and m:4 … with z)."""
    rows = graph_store.shared_neighbour_counts(ROLES, of=["agency:x", "agency:y"])
    assert sorted(rows) == [("agency:x", "agency:z", 3, 0)]
    assert sorted(graph_store.shared_neighbour_counts(ROLES, "LEADS", of=["agency:y", "agency:z"])) == [
        ("agency:y", "agency:x", 5, 1)]
