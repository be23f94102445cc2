"""Writing rows into the embedded store in bounded memory: the one path of every load and re-ingest.

The rows come from an export directory, streamed line by line (`load_export`, `replace_export`), or
from an `Export` in memory (`load`, `replace_documents`, the migration of graph.json). Either way
they are read once and never held whole:

1. **Plan** (the one pass over the rows): each node's id and label (ids only), the table of each
   row (a node table per label, a relationship table per type and end labels), the types of the
   properties the tables have no column for yet (what `Schema.plan` makes columns from), repeated
   ids, dangling edges. Each row is spilled, pickled, to its table's file in a temporary
   directory. A bad or torn export is refused at the end of this pass, before anything is written.
2. **Table files**: once the columns are made, each table's spill is encoded into its Parquet file
   (`pyarrow.parquet.ParquetWriter`, `ROW_GROUP` rows at a time), one table at a time.
3. **Upsert** (in the load's transaction): a node re-extracted under another label leaves its old
   table; per table, the rows the store holds and whose values differ get every column set by
   `LOAD FROM … SET` (so a dropped property goes), rows it holds as they are are left alone, and
   the others arrive by `COPY`. A re-ingest first deletes what the documents' new rows no longer
   have (`Upsert.stale_edges`, and the owned nodes that are gone): the same graph as deleting all
   they own and writing it back, with a fraction of the writes.

What is held is the id → label map (and, on a re-ingest, the ids the documents own): memory grows
with the number of ids, not with the properties.
"""
from __future__ import annotations

import pickle
from array import array
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from . import model
from .export import Export, dangling_edges, scan_export
from .ladybug_schema import PRIMARY_KEY, Schema, add_kinds, arrow_type, encode, quote
from .store import LoadError, Progress

#: rows per Parquet row group, and per table held before it is written (a few MB of Python objects)
ROW_GROUP = 5000

NodeSink = Callable[[str, str, dict[str, Any]], None]
EdgeSink = Callable[[str, str, str, dict[str, Any]], None]


class Rows:
    """Where a load's rows come from: `scan` hands each node row, then each edge row, to the sinks."""
    #: every edge's ends must be among the rows (an export directory); otherwise an end may be a
    #: node the store already holds (`outside_ids`)
    closed = False
    where = "the rows to load"

    def scan(self, on_node: NodeSink, on_edge: EdgeSink) -> None:
        raise NotImplementedError

    def outside_ids(self) -> list[str]:
        """Edge ends that are not among the rows' nodes (looked up in the store)."""
        return []


class ExportRows(Rows):
    """The rows of an `Export` in memory."""

    def __init__(self, export: Export) -> None:
        self.export = export

    def scan(self, on_node: NodeSink, on_edge: EdgeSink) -> None:
        for node_id, (label, props) in self.export.nodes.items():
            on_node(node_id, label, props)
        for (s, t, o), props in self.export.edges.items():
            on_edge(s, t, o, props)

    def outside_ids(self) -> list[str]:
        return sorted({n for s, _, o in self.export.edges for n in (s, o)} - set(self.export.nodes))


class ExportFiles(Rows):
    """The rows of an export directory, streamed, and checked against its manifest."""
    closed = True

    def __init__(self, export_dir: str | Path) -> None:
        self.export_dir = Path(export_dir)
        self.where = str(self.export_dir / "edges.jsonl")

    def scan(self, on_node: NodeSink, on_edge: EdgeSink) -> None:
        scan_export(self.export_dir, on_node, on_edge)


class _Spill:
    """One table's rows as they come, pickled in batches to a temporary file, read back in order."""

    def __init__(self, path: Path) -> None:
        self.path, self.rows, self.count = path, [], 0
        self._file: Any = None

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= ROW_GROUP:
            self._dump()

    def _dump(self) -> None:
        if self._file is None:
            self._file = open(self.path, "wb")
        pickle.dump(self.rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.rows = []

    def read(self) -> Iterator[tuple]:
        """The rows, in the order they came; the file is removed afterwards."""
        if self._file is not None:
            self._dump()
            self._file.close()
            with open(self.path, "rb") as fh:
                while True:
                    try:
                        batch = pickle.load(fh)
                    except EOFError:
                        break
                    yield from batch
            self.path.unlink()
        else:
            yield from self.rows


class LoadPlan:
    """The one pass over the rows: ids and labels, tables and property types, and each row spilled
    to its table's file under `tmp`."""

    def __init__(self, rows: Rows, schema: Schema, known: Mapping[str, str], tmp: Path) -> None:
        self.labels: list[str] = []  # label number → label
        self._numbers: dict[str, int] = {}  # label → its number
        self.ids: dict[str, int] = {}  # id → label number × 2, + 1 once an edge touches it
        self.node_kinds: dict[str, dict[str, set]] = {}
        self.edge_kinds: dict[tuple[str, str, str], dict[str, set]] = {}
        self.node_spills: dict[str, _Spill] = {}
        self.edge_spills: dict[tuple[str, str, str], _Spill] = {}
        self.doc_files: dict[str, str] = {}  # Document id → its source_file
        #: the last row of each id given more than once (its earlier rows are skipped)
        self.repeated_nodes: dict[str, tuple[str, dict[str, Any]]] = {}
        self.repeated_edges: set[int] = set()  # hashes of (source, type, target) given more than once
        self.edges = 0
        self.where, self.tmp = rows.where, tmp
        self._schema, self._known, self._closed = schema, known, rows.closed
        self._dangling: list[tuple[str, str, str]] = []
        self._dangling_count = 0
        self._hashes, self._last, self._sorted = array("q"), None, True
        rows.scan(self._node, self._edge)
        self._finish()

    def label_of(self, node_id: str) -> Optional[str]:
        code = self.ids.get(node_id)
        return self.labels[code >> 1] if code is not None else self._known.get(node_id)

    def isolated(self) -> set[str]:
        """Ids of nodes no edge of the rows touches (a re-ingest keeps them although alone)."""
        return {i for i, code in self.ids.items() if not code & 1}

    def _spill(self, spills: dict, key: Any) -> _Spill:
        if key not in spills:
            spills[key] = _Spill(self.tmp / f"spill{len(self.node_spills) + len(self.edge_spills)}.pickle")
        return spills[key]

    def _node(self, node_id: str, label: str, props: dict[str, Any]) -> None:
        if label not in self._numbers:
            self._numbers[label] = len(self.labels)
            self.labels.append(label)
        if node_id in self.ids:
            self.repeated_nodes[node_id] = (label, props)
            self.doc_files.pop(node_id, None)
        else:
            self._spill(self.node_spills, label).add((node_id, props))
        self.ids[node_id] = self._numbers[label] * 2
        add_kinds(self.node_kinds.setdefault(label, {}), self._schema.node_columns.get(label, {}), props)
        if label == model.DOCUMENT and props.get("source_file"):
            self.doc_files[node_id] = props["source_file"]

    def _edge(self, s: str, t: str, o: str, props: dict[str, Any]) -> None:
        ends = self._touch(s), self._touch(o)
        if None in ends:
            self._dangling_count += 1
            if len(self._dangling) < 3:
                self._dangling.append((s, t, o))
            return
        table = (t, *ends)
        add_kinds(self.edge_kinds.setdefault(table, {}), self._schema.rel_columns.get(t, {}), props)
        self._spill(self.edge_spills, table).add((s, o, props))
        self.edges += 1
        key = (s, t, o)
        # an export lists its edges sorted (a repeat is a neighbour, already merged); only
        # unsorted rows need the hashes to find repeats
        if self._last is not None and key <= self._last:
            self._sorted = False
        self._last = key
        self._hashes.append(hash(key))

    def _touch(self, node_id: str) -> Optional[str]:
        code = self.ids.get(node_id)
        if code is None:
            return self._known.get(node_id)
        self.ids[node_id] = code | 1
        return self.labels[code >> 1]

    def _finish(self) -> None:
        if self._dangling_count and self._closed:
            raise dangling_edges(self.where, self._dangling_count, self._dangling)
        if self._dangling_count:
            s, t, o = self._dangling[0]
            raise LoadError(f"edge {s} -{t}-> {o}: endpoint missing from the store and the export "
                            f"({self._dangling_count} such edge(s)); nothing was changed")
        if not self._sorted:
            seen: set[int] = set()
            self.repeated_edges = {h for h in self._hashes if h in seen or seen.add(h)}
        self._hashes = array("q")


class _TableFile:
    """One table's Parquet file (columns c0, c1, … in table order: COPY reads them by position,
    LOAD FROM by name), written a row group at a time."""

    def __init__(self, path: Path, types: Sequence[str]) -> None:
        self.path, self.types = path, list(types)
        self.rows: list[list[Any]] = []
        self.count = 0
        self._writer: Any = None

    def add(self, row: list[Any]) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        if not self.rows:
            return
        columns = list(zip(*self.rows))
        table = pa.table([pa.array(c, type=arrow_type(t)) for c, t in zip(columns, self.types)],
                         names=[f"c{i}" for i in range(len(self.types))])
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema)
        self._writer.write_table(table)
        self.rows = []

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.close()

    @property
    def name(self) -> str:
        """The path as a string literal's content in Cypher."""
        return str(self.path).replace("\\", "\\\\").replace("'", "\\'")


class TableFiles:
    """Each table's spill encoded into its Parquet file, one table at a time, once the columns are
    made (a repeated id is written once, with its last row)."""

    def __init__(self, plan: LoadPlan, schema: Schema, progress: Optional[Progress]) -> None:
        self.plan, self.tmp = plan, plan.tmp
        self.nodes: dict[str, _TableFile] = {}
        self.edges: dict[tuple[str, str, str], _TableFile] = {}
        held: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for node_id, (label, props) in plan.repeated_nodes.items():
            held.setdefault(label, []).append((node_id, props))
        for label in sorted(set(plan.node_spills) | set(held)):
            columns = schema.node_columns[label]
            table = self._file(self.nodes, label, columns.values())
            spilled = plan.node_spills[label].read() if label in plan.node_spills else ()
            for node_id, props in spilled:
                if node_id not in plan.repeated_nodes:
                    table.add(encode(columns, {**props, PRIMARY_KEY: node_id}))
            for node_id, props in held.get(label, ()):
                table.add(encode(columns, {**props, PRIMARY_KEY: node_id}))
            table.close()
            if progress:
                progress(f"encoding:{label}", table.count, table.count)
        for key, spill in sorted(plan.edge_spills.items()):
            columns = schema.rel_columns[key[0]]
            table = self._file(self.edges, key, ["STRING", "STRING", *columns.values()])
            last: dict[tuple[str, str], dict[str, Any]] = {}
            for s, o, props in spill.read():
                if plan.repeated_edges and hash((s, key[0], o)) in plan.repeated_edges:
                    last[(s, o)] = props
                else:
                    table.add([s, o, *encode(columns, props)])
            for (s, o), props in last.items():
                table.add([s, o, *encode(columns, props)])
            table.close()
            if progress:
                progress(f"encoding:{key[0]}", table.count, table.count)
        # a table whose only rows were repeated under another label has nothing to write
        self.nodes = {label: table for label, table in self.nodes.items() if table.count}

    def counts(self) -> dict[str, int]:
        return {"nodes": sum(t.count for t in self.nodes.values()),
                "edges": sum(t.count for t in self.edges.values())}

    def _file(self, tables: dict, key: Any, types: Iterable[str]) -> _TableFile:
        tables[key] = _TableFile(self.tmp / f"rows{len(self.nodes) + len(self.edges)}.parquet", list(types))
        return tables[key]


class Upsert:
    """The table files written into the store, inside the load's transaction (`conn`): what the
    store already holds is updated in place, and only what is new is added — a re-ingest of an
    unchanged corpus rewrites values, not the graph's structure."""

    def __init__(self, conn: Any, schema: Schema, files: TableFiles, progress: Optional[Progress]) -> None:
        self.conn, self.schema, self.files, self.progress = conn, schema, files, progress

    def run(self) -> None:
        ids = self._ids_file("ids", ((i, self.files.plan.labels[code >> 1]) for i, code in self.files.plan.ids.items()))
        for table in sorted(self.schema.node_columns) if ids else ():
            # a node re-extracted under another label leaves its old table (with its edges: the
            # rows bring the ones it still has)
            self.conn.execute(f"LOAD FROM '{ids.name}' MATCH (n:{quote(table)} {{id: c0}}) WHERE c1 <> $label "
                              "DETACH DELETE n", {"label": table})
        for label, table in sorted(self.files.nodes.items()):
            self._nodes(label, table)
        for (rel_type, source, target), table in sorted(self.files.edges.items()):
            self._edges(rel_type, source, target, table)

    def stale_edges(self, sources: Sequence[str], targets: Sequence[str]) -> None:
        """Delete the edges that leave `sources` or enter `targets` and that the rows do not have
        (a re-ingest: what the documents and the nodes they own no longer say)."""
        for end, ids in (("a", sources), ("b", targets)):
            ends = self._ids_file(f"{end}-ends", ((i, "") for i in ids))
            labels = {self.files.plan.label_of(i) or model.DOCUMENT for i in ids}  # a listed document may be gone
            for rel_type, pairs in sorted(self.schema.pairs.items()) if ends else ():
                for source, target in sorted(p for p in pairs if p[0 if end == "a" else 1] in labels):
                    a, b = ("{id: c0}", "") if end == "a" else ("", "{id: c0}")
                    pattern = f"(a:{quote(source)} {a})-[r:{quote(rel_type)}]->(b:{quote(target)} {b})"
                    held = self.conn.execute(f"LOAD FROM '{ends.name}' MATCH {pattern} "
                                             "RETURN a.id AS c0, b.id AS c1").get_as_arrow()
                    table = self.files.edges.get((rel_type, source, target))
                    stale = held if table is None else _without(held, ["c0", "c1"], _keys(_read(table, ["c0", "c1"]), ["c0", "c1"]))
                    if stale.num_rows:
                        doomed = self._ids_file("stale", zip(stale.column("c0").to_pylist(),
                                                             stale.column("c1").to_pylist()))
                        self.conn.execute(f"LOAD FROM '{doomed.name}' MATCH (a:{quote(source)} {{id: c0}})"
                                          f"-[r:{quote(rel_type)}]->(b:{quote(target)} {{id: c1}}) DELETE r")

    def _ids_file(self, name: str, pairs: Iterable[tuple[str, str]]) -> Optional[_TableFile]:
        """Pairs of strings as a Parquet file (c0, c1); None when there are none."""
        ids = _TableFile(self.files.tmp / f"{name}.parquet", ["STRING", "STRING"])
        for pair in pairs:
            ids.add(list(pair))
        ids.close()
        return ids if ids.count else None

    def _nodes(self, label: str, table: _TableFile) -> None:
        columns = {c: k for k, c in enumerate(self.schema.node_columns[label]) if c != PRIMARY_KEY}
        self._upsert(table, f"MATCH (n:{quote(label)} {{id: c0}})", "n", columns, f"COPY {quote(label)} FROM '{{}}'")
        if self.progress:
            self.progress(f"nodes:{label}", table.count, table.count)

    def _edges(self, rel_type: str, source: str, target: str, table: _TableFile) -> None:
        columns = {c: k + 2 for k, c in enumerate(self.schema.rel_columns[rel_type])}
        self._upsert(table, f"MATCH (a:{quote(source)} {{id: c0}})-[r:{quote(rel_type)}]->(b:{quote(target)} {{id: c1}})",
                     "r", columns, f"COPY {quote(rel_type)} FROM '{{}}' (from='{source}', to='{target}')")
        if self.progress:
            self.progress(f"edges:{rel_type} {source}→{target}", table.count, table.count)

    def _upsert(self, table: _TableFile, match: str, var: str, columns: Mapping[str, int], copy: str) -> None:
        """The rows of `table` that `match` finds (by c0, an edge by c0 and c1) and whose values
        differ get every column set (`var`: the node or edge; `columns`: column → its position);
        the rest arrive by `copy` (with {} for the file). A row the store holds as it is costs a
        lookup, not a write (a re-ingest of a corpus that barely changed writes little)."""
        keys = ["c0"] if var == "n" else ["c0", "c1"]
        there = self.conn.execute(f"LOAD FROM '{table.name}' {match} RETURN {', '.join(keys)}").get_as_arrow()
        differs = " OR ".join(f"(({var}.{quote(c)} IS NULL) <> (c{k} IS NULL) OR {var}.{quote(c)} <> c{k})"
                              for c, k in columns.items())
        changed = self.conn.execute(f"LOAD FROM '{table.name}' {match} WHERE {differs} "
                                    f"RETURN {', '.join(keys)}").get_as_arrow() if there.num_rows else there
        if changed.num_rows:
            rows = _rows_of(table, changed, self.files.tmp / f"changed-{table.path.name}", keep=True)
            sets = ", ".join(f"{var}.{quote(c)} = c{k}" for c, k in columns.items())
            self.conn.execute(f"LOAD FROM '{rows.name}' {match} SET {sets}")
        new = _rows_of(table, there, self.files.tmp / f"new-{table.path.name}", keep=False)
        if new is not None:
            self.conn.execute(copy.format(new.name))


# Rows are told apart by their key — a node's id (c0), an edge's ends (c0, c1) — as Arrow columns,
# so that the store's answers (ids by the hundred thousand) never become Python objects.
def _keys(table: Any, columns: Sequence[str]) -> Any:
    import pyarrow.compute as pc
    parts = [table.column(c).cast("string") for c in columns]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")


def _without(table: Any, columns: Sequence[str], keys: Any) -> Any:
    """The rows of `table` whose key (of `columns`) is not among `keys`."""
    import pyarrow.compute as pc
    return table.filter(pc.invert(pc.is_in(_keys(table, columns), value_set=keys)))


def _read(table: _TableFile, columns: list[str]) -> Any:
    import pyarrow.parquet as pq
    return pq.read_table(table.path, columns=columns)


def _rows_of(table: _TableFile, there: Any, path: Path, keep: bool) -> Optional[_TableFile]:
    """`table`'s rows whose key is among those of `there` (`keep`), or those whose key is not;
    `table` itself when that is all of it, None when no row is left."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    if there.num_rows in (0, table.count):
        return table if (there.num_rows == 0) != keep else None
    out, writer, keys = _TableFile(path, table.types), None, _keys(there, there.column_names)
    for batch in pq.ParquetFile(table.path).iter_batches(batch_size=ROW_GROUP):
        found = pc.is_in(_keys(batch, there.column_names), value_set=keys)
        kept = batch.filter(found if keep else pc.invert(found))
        if kept.num_rows:
            writer = writer or pq.ParquetWriter(path, kept.schema)
            writer.write_batch(kept)
            out.count += kept.num_rows
    if writer is not None:
        writer.close()
    return out if out.count else None
