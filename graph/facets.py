"""Facets: what the database groups and filters a node's neighbours by.

A hub (a ministry leads or supports ~12,500 measures of a 100× corpus) is summarised by counting
its neighbours in groups — by document, by sector, by whether another agency also leads them — and
listed a page of one group at a time. The stores' `neighbour_counts` and `neighbours_by_document`
take these facets; this module writes the Cypher both dialects share for them (EXISTS subqueries,
`IN` on lists, IS NULL), each store supplying its own spelling of a relationship pattern.

In the query, `a` is the start node, `b` the neighbour, `ts` the list of the types through which
`a` reaches `b`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from .store import Direction


@dataclass(frozen=True)
class Prop:
    """The neighbour's property `name`. As a filter, a list value matches any of its items."""
    name: str


@dataclass(frozen=True)
class Present:
    """Whether the neighbour has any of the properties `names` set."""
    names: tuple[str, ...]


@dataclass(frozen=True)
class Through:
    """Whether the start node reaches the neighbour through one of `rel_types` (e.g. it leads it)."""
    rel_types: tuple[str, ...]


@dataclass(frozen=True)
class AlsoReached:
    """Whether another node reaches the neighbour the way the start node does (same direction),
    through one of `rel_types`: any node other than the start and those in `besides`, or only the
    node whose id is `by` (or one of the ids `by` lists); with `label`, only a node of that label
    counts (another agency also leads this measure; 财政部 supports it; the clause binds another
    agency, not a party)."""
    rel_types: tuple[str, ...]
    by: Optional[str | tuple[str, ...]] = None
    besides: tuple[str, ...] = ()
    label: Optional[str] = None


@dataclass(frozen=True)
class EdgeProp:
    """A property of the edge through which the start reaches the neighbour (the smallest value
    when several edges do): the level at which a clause binds an agency."""
    name: str


@dataclass(frozen=True)
class Reaches:
    """The node the neighbour reaches through `rel_type` (its sector through CONCERNS). Grouped by,
    a neighbour counts once per node it reaches, and under None when it reaches none (unless
    `none` is False: then those are not counted, one query less); as a filter, the value is that
    node's id, or None for neighbours reaching none (`none` plays no part in filters)."""
    rel_type: str
    direction: Direction = "out"
    none: bool = True


@dataclass(frozen=True)
class NamedReaches:
    """As a filter only: the node (of `label`) whose id is the neighbour's property `name` reaches
    the node of the value's id through `rel_type` (the measure's document concerns sector S); None:
    it reaches none, or the neighbour names none. Where the store joins on named nodes
    (LadybugDB), a join from the value's node, not a subquery per neighbour: a hub's 12,500
    measures kept by their document's sector in 16 ms at 100×."""
    name: str
    rel_type: str
    label: str


@dataclass(frozen=True)
class Label:
    """The neighbour's label (Agency, Measure …). As a filter, a list value matches any of them."""


Facet = Union[Prop, Present, Through, AlsoReached, Reaches, NamedReaches, Label, EdgeProp]
#: which neighbours to keep: facet → value (all must hold), or a list of such (any must hold)
Filter = Union[Mapping[Facet, Any], Sequence[Mapping[Facet, Any]]]
#: a store's relationship pattern: (types, variable) → `r2:A|B`, or None when it has none of the types
RelPattern = Callable[[Sequence[str], str], Optional[str]]
#: a store's spelling of the neighbour's property `name` (NULL when the store has no such column)
Column = Callable[[str], str]
#: a store's label of the nodes reaching `b` through types in a direction, when there is one
EndLabel = Callable[[Sequence[str], Direction], Optional[str]]


def _oriented(direction: Direction, rel: str, near: str, far: str) -> str:
    return {"out": f"({near})-[{rel}]->({far})", "in": f"({far})-[{rel}]->({near})",
            "both": f"({near})-[{rel}]-({far})"}[direction]


class FacetCypher:
    """Cypher for facets of one query: conditions for WHERE, expressions for RETURN, and the
    parameters they use (`params`, named f0, f1, …).

    How a store's head gives `a`, `b` and the edges between them: the list `ts` of the types
    through which `a` reaches `b` after a grouping WITH — or, when each row is the one edge
    reaching its `b`, `one_type`, the expression of that edge's type (`label(r)`; the row's `ts`
    is then that string). `edge` spells an edge property (`edge_alias` after the WITH), and
    `end(types, direction)` gives the label of the nodes reaching `b` the way `a` does when the
    store knows it is one (a labelled node in an EXISTS pattern spares LadybugDB a look at every
    table)."""

    def __init__(self, direction: Direction, rel: RelPattern, column: Column, label: str, *,
                 one_type: Optional[str] = None, edge: Optional[Column] = None,
                 end: Optional[EndLabel] = None, join_named: bool = True, id_label: str = "") -> None:
        self.direction, self.rel, self.column, self.label = direction, rel, column, label
        self.one_type, self.edge, self.end = one_type, edge or edge_alias, end
        # a filter on one named node as a join from it (LadybugDB: 4 ms instead of 25 on a hub; Neo4j's
        # planner ran it once per neighbour: a sector's page took 46 s at 100×), and the label under
        # which the store finds a node by id through an index (Neo4j: the base label)
        self.join_named, self.id_label = join_named, id_label
        self.types = one_type or "ts"  # what a row returns as its types
        self.params: dict[str, Any] = {}
        self.joins: list[str] = []  # MATCH clauses some filters need, before the WHERE

    def _param(self, value: Any) -> str:
        name = f"f{len(self.params)}"
        self.params[name] = value
        return "$" + name

    def expression(self, facet: Facet) -> str:
        """The facet's value for `b` (not for Reaches: see `reach`)."""
        if isinstance(facet, Prop):
            return self.column(facet.name)
        if isinstance(facet, Label):
            return self.label
        if isinstance(facet, Present):
            return "(" + " OR ".join(f"{self.column(n)} IS NOT NULL" for n in facet.names) + ")"
        if isinstance(facet, Through):
            if self.one_type:
                return f"({self.one_type} IN {self._param(list(facet.rel_types))})"
            return "(" + " OR ".join(f"{self._param(t)} IN ts" for t in facet.rel_types) + ")"
        if isinstance(facet, EdgeProp):
            return self.edge(facet.name)
        if isinstance(facet, AlsoReached):
            rel = self.rel(facet.rel_types, "r2")
            if rel is None:
                return "false"
            if isinstance(facet.by, tuple):
                who = f"o.id IN {self._param(list(facet.by))}"
            else:  # `o <> a` compares nodes, not their ids: LadybugDB reads no id (2× faster)
                who = f"o.id = {self._param(facet.by)}" if facet.by is not None else "o <> a"
            if facet.besides and facet.by is None:
                who += f" AND NOT o.id IN {self._param(list(facet.besides))}"
            label = facet.label or (self.end(facet.rel_types, self.direction) if self.end else None)
            assert label is None or label.isidentifier(), label
            other = f"o:{label}" if label else "o"
            return f"EXISTS {{ MATCH {_oriented(self.direction, rel, other, 'b')} WHERE {who} }}"
        raise TypeError(f"no expression for {facet!r}")

    def condition(self, facet: Facet, value: Any, join: bool = True) -> str:
        """`b`'s facet has `value` (`join`: a Reaches facet may be a join rather than a subquery)."""
        if isinstance(facet, Reaches):
            rel = self.rel([facet.rel_type], "r3")
            if rel is None:
                return "true" if value is None else "false"
            if value is None:
                return f"NOT EXISTS {{ MATCH {_oriented(facet.direction, rel, 'b', 'x')} }}"
            if not join:
                return (f"EXISTS {{ MATCH {_oriented(facet.direction, rel, 'b', 'x')} "
                        f"WHERE x.id = {self._param(value)} }}")
            # a join, not an EXISTS per neighbour (LadybugDB: 3× faster); ids are unique, so no row repeats
            far = f"y{len(self.joins)}"
            self.joins.append(f"MATCH {_oriented(facet.direction, rel.replace('r3', 'r' + far), 'b', far)}")
            return f"{far}.id = {self._param(value)}"
        if isinstance(facet, NamedReaches):
            return self._named_reaches(facet, value, join)
        if isinstance(facet, AlsoReached) and join and self.join_named and value is True \
                and isinstance(facet.by, str) and len(facet.rel_types) == 1 and self.rel(facet.rel_types, "r2"):
            return self._reached_by_join(facet)
        if isinstance(facet, Label):
            values = sorted(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            return f"{self.label} IN {self._param(values)}"
        if isinstance(facet, (Prop, EdgeProp)):
            column = self.expression(facet)
            if value is None:
                return f"{column} IS NULL"
            if isinstance(value, (list, tuple, set, frozenset)):
                return f"{column} IN {self._param(sorted(value))}"
            return f"{column} = {self._param(value)}"
        return ("" if value else "NOT ") + self.expression(facet)

    def _reached_by_join(self, facet: AlsoReached) -> str:
        """`facet` (one named node, one type) as true, written as a join from that node: a store
        holds one edge per source, type and target, so no row repeats, and it costs LadybugDB 4 ms
        where a subquery per neighbour costs 25."""
        k = len(self.joins)
        label = facet.label or (self.end(facet.rel_types, self.direction) if self.end else None)
        other = (f"o{k}:{label}" if label else f"o{k}") + f" {{id: {self._param(facet.by)}}}"
        self.joins.append(f"MATCH {_oriented(self.direction, self.rel(facet.rel_types, f'ro{k}'), other, 'b')}")
        return ""  # the join is the whole condition

    def _named_reaches(self, facet: NamedReaches, value: Any, join: bool) -> str:
        rel = self.rel([facet.rel_type], "r4")
        assert facet.label.isidentifier() and (not self.id_label or self.id_label.isidentifier()), facet.label
        named = f"(n:{facet.label}{':' + self.id_label if self.id_label else ''})-[{rel}]->(x)"
        if rel is None:
            return "true" if value is None else "false"
        if value is None:
            return f"NOT EXISTS {{ MATCH {named} WHERE n.id = {self.column(facet.name)} }}"
        if not join or not self.join_named:
            return f"EXISTS {{ MATCH {named} WHERE n.id = {self.column(facet.name)} AND x.id = {self._param(value)} }}"
        k = len(self.joins)
        self.joins.append(f"MATCH (y{k} {{id: {self._param(value)}}})<-[{rel.replace('r4', f'rn{k}')}]-(n{k}:{facet.label})")
        return f"n{k}.id = {self.column(facet.name)}"

    def where(self, where: Optional[Filter], also: str = "") -> str:
        """` [MATCH …] WHERE …` for the filters (after the WITH that makes `ts`), or ``: a mapping
        (facet → value, all must hold), or a list of them (any must hold); `also`: a condition
        of the caller's that must hold too."""
        anyof = alternatives(where)
        if len(anyof) == 1:  # all of one mapping: a Reaches value may be a join
            text = " AND ".join(c for c in (self.condition(f, v) for f, v in anyof[0].items()) if c)
        else:
            text = " OR ".join("(" + (" AND ".join(self.condition(f, v, join=False) for f, v in one.items())
                                      or "true") + ")" for one in anyof) if anyof else "false"
        if also:
            text = f"({text}) AND ({also})" if text else also
        return "".join(" " + j for j in self.joins) + ((" WHERE " + text) if text else "")

    def reach(self, facet: Reaches) -> Optional[str]:
        """The MATCH giving `x`, a node `b` reaches (one row per such node), or None when the store
        has no such edges."""
        rel = self.rel([facet.rel_type], "r3")
        return None if rel is None else f"MATCH {_oriented(facet.direction, rel, 'b', 'x')}"


def edge_alias(name: str) -> str:
    """The query's name for the edge property `name` (made in the head, see `edge_props`)."""
    assert name.isidentifier(), name
    return f"e_{name}"


def alternatives(where: Optional[Filter]) -> list[Mapping[Facet, Any]]:
    """A filter as the list of its alternatives (any must hold): None keeps everything."""
    if where is None:
        return [{}]
    return [where] if isinstance(where, Mapping) else list(where)


def edge_props(by: Sequence[Facet] = (), where: Optional[Filter] = None) -> list[str]:
    """The edge properties `by` and `where` name: the head aggregates each (`edge_alias`)."""
    facets = [*by, *(f for one in alternatives(where) for f in one)]
    return sorted({f.name for f in facets if isinstance(f, EdgeProp)})


def split_reach(by: Sequence[Facet]) -> tuple[list[Facet], Optional[Reaches]]:
    """The facets other than Reaches, and the Reaches one (at most one is allowed)."""
    reaches = [f for f in by if isinstance(f, Reaches)]
    if len(reaches) > 1:
        raise ValueError("neighbour_counts groups by at most one Reaches facet")
    return [f for f in by if not isinstance(f, Reaches)], (reaches[0] if reaches else None)


def counting_queries(head: str, by: Sequence[Facet], where: Optional[Filter],
                     direction: Direction, rel: RelPattern, column: Column, label: str, **spelling: Any
                     ) -> list[tuple[str, dict[str, Any], Optional[int]]]:
    """The queries counting `b` grouped by `by`, after `head` (which MATCHes `a` and `b`, and ends
    WITH a, b, ts unless `spelling` — FacetCypher's keywords — says how to read them without):
    (query returning ts then one column per facet then the count, its parameters, the position of
    the Reaches facet in `by` when this query leaves it out: the neighbours reaching none, to be
    reported under None)."""
    plain, reach = split_reach(by)
    out = []
    for reaching in (((True, False) if reach.none else (True,)) if reach else (None,)):
        cy = FacetCypher(direction, rel, column, label, **spelling)
        filters: Any = where
        if reaching is False:  # the neighbours reaching none: that condition added to each alternative
            filters = [{**one, reach: None} for one in alternatives(where)]
        text = head + cy.where(filters)
        columns = [cy.expression(f) for f in plain]
        missing = None
        if reaching:
            match = cy.reach(reach)
            if match is None:
                continue
            text += f" {match}"
            columns.insert(by.index(reach), "x.id")
        elif reaching is False:
            missing = by.index(reach)
        returned = ", ".join([f"{cy.types} AS ts", *(f"{c} AS c{i}" for i, c in enumerate(columns)), "count(*) AS n"])
        out.append((f"{text} RETURN {returned}", cy.params, missing))
    return out


def types_of(ts: str | Sequence[str]) -> tuple[str, ...]:
    """A row's `ts` as the sorted types (a string when each row is one edge: its type)."""
    return (ts,) if isinstance(ts, str) else tuple(sorted(ts))


def count_rows(rows: Sequence[Sequence[Any]], missing: Optional[int]) -> list[tuple[tuple[str, ...], tuple, int]]:
    """Rows of a counting query as (sorted types, facet values, count); `missing`: where the
    Reaches facet's value (None) goes."""
    out = []
    for ts, *values, n in rows:
        values = list(values)
        if missing is not None:
            values.insert(missing, None)
        out.append((types_of(ts), tuple(values), n))
    return out
