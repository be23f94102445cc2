"""The whole graph in other formats: neo4j-admin CSV, GraphML, JSONL (`policykg export`).

Rows come from one of two sources, streamed:
- an export directory (nodes.jsonl + edges.jsonl, read line by line — `rows_of_export`); this is
  what the Neo4j bulk import uses, since the database it fills is empty;
- a store (`rows_of_store`): the graph it holds, whichever runs built it.
Either way a row is the stored form (graph.model): nodes (id, label, properties), edges
(source, type, target, properties); the export format's `source` dict is flattened to
source_file/line_start/line_end and nested values are JSON strings under `<key>_json`.

neo4j-admin CSV (`neo4j-admin database import full`): one header file and one data file per node
label (`id:ID`, `:LABEL` = Node + the label, typed property columns: `:long`, `:double`,
`:boolean`, `:string[]` …) and per relationship type (`:START_ID`, `:END_ID`, `:TYPE`). The
column types are found in a first pass over the rows (a column mixing ints and floats is
`double`; any other mix is written as strings); the array delimiter is the first of a few
candidates that occurs in no list element. `import.json` in the output lists the files and the
options to pass (the bulk loader reads it). GraphML keeps lists as JSON strings (GraphML has no
list type); node labels in `labels` (":Node:Agency"), edge types in `label`.
"""
from __future__ import annotations

import json
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional
from xml.sax.saxutils import escape, quoteattr

from kgcatalogue import manifest

from . import model
from .export import ExportError, Span, check_manifest, iter_export_edges, iter_export_nodes, split_export_file

NodeRow = tuple[str, str, dict[str, Any]]
EdgeRow = tuple[str, str, str, dict[str, Any]]
FORMATS = ("neo4j-admin", "graphml", "jsonl")
KINDS = ("nodes", "edges")
ARRAY_DELIMITERS = ("|", ";", "¦", "\x1f")
_SCALAR_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


@dataclass
class Rows:
    """A re-iterable source of node and edge rows (each call starts a new pass)."""

    nodes: Callable[[], Iterable[NodeRow]]
    edges: Callable[[], Iterable[EdgeRow]]
    #: the export directory the rows are read from (lets worker processes read it themselves)
    export_dir: Optional[Path] = None


def rows_of_export(export_dir: str | Path) -> Rows:
    check_manifest(export_dir)  # the two files must be one export (an interrupted extract is refused)
    return _export_rows(Path(export_dir))


def rows_of_store(store) -> Rows:
    graph = store.projection()

    def nodes() -> Iterator[NodeRow]:
        for node_id in sorted(graph.nodes):
            attrs = dict(graph.nodes[node_id])
            label = attrs.pop("label", None) or model.BASE_LABEL
            yield node_id, label, {**attrs, "id": node_id}

    def edges() -> Iterator[EdgeRow]:
        for s, o, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
            yield s, key, o, {k: v for k, v in attrs.items() if k != "type"}
    return Rows(nodes, edges)


# --- column types ----------------------------------------------------------------------------
def value_type(value: Any) -> str:
    if isinstance(value, list):
        inner = {value_type(v) for v in value} or {"string"}
        return (inner.pop() if len(inner) == 1 else "string") + "[]"
    return _SCALAR_TYPES.get(type(value), "string")


def merge_types(a: Optional[str], b: str) -> str:
    if a is None or a == b:
        return b
    if {a, b} == {"long", "double"} or {a, b} == {"long[]", "double[]"}:
        return "double" + ("[]" if a.endswith("[]") else "")
    if a.endswith("[]") and b.endswith("[]"):
        return "string[]"
    return "string"


@dataclass
class Columns:
    """Per label / per type: each property and its type; plus what no list element contains."""

    props: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    unsafe_delimiters: set[str] = field(default_factory=set)
    #: group → property → keys of the rows where it is an empty list (CSV cannot say [])
    empty_lists: dict[str, dict[str, list]] = field(default_factory=dict)
    #: group → property → rows where it is a list (empty or not)
    list_rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def see(self, group: str, row_key: Any, props: dict[str, Any]) -> None:
        columns = self.props.setdefault(group, {})
        self.rows[group] = self.rows.get(group, 0) + 1
        for key, value in props.items():
            columns[key] = merge_types(columns.get(key), value_type(value))
            if isinstance(value, list):
                self.unsafe_delimiters.update(d for d in ARRAY_DELIMITERS if any(d in str(v) for v in value))
                lists = self.list_rows.setdefault(group, {})
                lists[key] = lists.get(key, 0) + 1
                if not value:
                    self.empty_lists.setdefault(group, {}).setdefault(key, []).append(row_key)

    def empty_list_spec(self) -> tuple[dict[str, list[str]], dict[str, dict[str, list]]]:
        """The empty lists to set after an import: (group → the properties that are a list in every
        row of the group — after the import, missing exactly where the list was empty, so they are
        set group-wide without naming rows —, group → property → the rows' keys, for the others)."""
        whole: dict[str, list[str]] = {}
        by_key: dict[str, dict[str, list]] = {}
        for group, props in self.empty_lists.items():
            for key, rows in props.items():
                if self.list_rows[group][key] == self.rows[group]:
                    whole.setdefault(group, []).append(key)
                else:
                    by_key.setdefault(group, {})[key] = rows
        return whole, by_key

    def delimiter(self) -> str:
        for candidate in ARRAY_DELIMITERS:
            if candidate not in self.unsafe_delimiters:
                return candidate
        raise ExportError("every array delimiter candidate occurs inside some list value; "
                          "the graph cannot be written as neo4j-admin CSV")


def _scan(rows: Rows) -> tuple[Columns, Columns]:
    return _scan_kind(rows, "nodes"), _scan_kind(rows, "edges")


def _scan_kind(rows: Rows, kind: str) -> Columns:
    columns = Columns()
    if kind == "nodes":
        for node_id, label, props in rows.nodes():
            columns.see(label, node_id, {k: v for k, v in props.items() if k != "id"})
    else:
        for s, rel_type, o, props in rows.edges():
            columns.see(rel_type, [s, o], props)
    return columns


# --- neo4j-admin CSV -------------------------------------------------------------------------
def _cell(value: Any, typ: str, delimiter: str) -> str:
    if value is None:
        return ""
    if typ.endswith("[]"):
        value = value if isinstance(value, list) else [value]
        return _quoted(delimiter.join(_plain(v) for v in value))
    if typ == "string":
        return _quoted(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _header(columns: dict[str, str]) -> list[str]:
    return [f"{key}:{typ}" for key, typ in columns.items()]


class _CsvFiles:
    """One header file and one data file per group (label or type), opened as rows arrive; with
    `part`, only the data files, named `<kind>_<group>.<part>.csv` (the caller writes the headers)."""

    def __init__(self, out: Path, kind: str, part: Optional[int] = None) -> None:
        self.out, self.kind, self.part = out, kind, part
        self.handles: dict[str, Any] = {}

    def write(self, group: str, header: list[str], cells: list[str]) -> None:
        fh = self.handles.get(group)
        if fh is None:
            base = f"{self.kind}_{group}"
            if self.part is None:
                (self.out / f"{base}_header.csv").write_text(",".join(header) + "\n", encoding="utf-8")
            fh = self.handles[group] = open(self.out / _data_file(base, self.part), "w", encoding="utf-8",
                                            newline="\n")
        fh.write(",".join(cells) + "\n")

    def close(self) -> list[str]:
        for fh in self.handles.values():
            fh.close()
        return [f"{self.kind}_{group}" for group in sorted(self.handles)]


def _data_file(base: str, part: Optional[int]) -> str:
    return f"{base}.csv" if part is None else f"{base}.{part:04d}.csv"


def _write_kind(rows: Rows, kind: str, columns: Columns, delimiter: str, out: Path,
                part: Optional[int] = None) -> list[str]:
    """The header + data files of one kind (nodes or edges) — only the data files of part `part`,
    given one —; returns their base names."""
    files = _CsvFiles(out, kind, part)
    if kind == "nodes":
        for node_id, label, props in rows.nodes():
            cols = columns.props[label]
            files.write(label, ["id:ID", ":LABEL", *_header(cols)],
                        [_quoted(node_id), _quoted(delimiter.join((model.BASE_LABEL, label)))]
                        + [_cell(props.get(k), t, delimiter) for k, t in cols.items()])
    else:
        for s, rel_type, o, props in rows.edges():
            cols = columns.props[rel_type]
            files.write(rel_type, [":START_ID", ":END_ID", ":TYPE", *_header(cols)],
                        [_quoted(s), _quoted(o), _quoted(rel_type)]
                        + [_cell(props.get(k), t, delimiter) for k, t in cols.items()])
    return files.close()


def _scan_export(export_dir: Path, kind: str, span: Optional[Span] = None) -> Columns:
    """Worker process: the column types of one file of an export (of its part `span`)."""
    return _scan_kind(_export_rows(export_dir, span), kind)


def _write_export(export_dir: Path, kind: str, columns: Columns, delimiter: str, out: Path,
                  span: Optional[Span] = None, part: Optional[int] = None) -> list[str]:
    """Worker process: the CSV files of one file of an export (the data files of its part `span`,
    numbered `part`)."""
    return _write_kind(_export_rows(export_dir, span), kind, columns, delimiter, out, part)


def _export_rows(export_dir: Path, span: Optional[Span] = None) -> Rows:
    """rows_of_export without the manifest check (made once by the caller, not in each worker);
    with `span`, the rows of that part of either file."""
    return Rows(lambda: iter_export_nodes(export_dir, span=span), lambda: iter_export_edges(export_dir, span=span),
                export_dir)


#: the bulk import's CSV is written in parts of nodes.jsonl and edges.jsonl of about this size, by a
#: pool of processes taking the next part as they finish one (the two files alone kept one process
#: waiting for the other: edges cost twice the CPU per byte)
PART_BYTES = 12 * 1048576


def merge_columns(parts: Iterable[Columns]) -> Columns:
    """The columns of the parts' rows read one after another (`_scan_kind` over the whole file)."""
    out = Columns()
    for part in parts:
        for group, cols in part.props.items():
            mine = out.props.setdefault(group, {})
            for key, typ in cols.items():
                mine[key] = merge_types(mine.get(key), typ)
        for group, n in part.rows.items():
            out.rows[group] = out.rows.get(group, 0) + n
        out.unsafe_delimiters |= part.unsafe_delimiters
        for group, props in part.empty_lists.items():
            for key, rows in props.items():
                out.empty_lists.setdefault(group, {}).setdefault(key, []).extend(rows)
        for group, props in part.list_rows.items():
            lists = out.list_rows.setdefault(group, {})
            for key, n in props.items():
                lists[key] = lists.get(key, 0) + n
    return out


def _write_parts(export_dir: Path, out: Path, jobs: int, part_bytes: int
                 ) -> tuple[Columns, Columns, str, list[str]]:
    """Both files of an export in parts over `jobs` processes: every part scanned, the columns
    merged (in file order), then every part written as its own data files, joined in order into
    its group's. Returns (node columns, edge columns, delimiter, the groups' base names)."""
    spans = {kind: split_export_file(export_dir, f"{kind}.jsonl", part_bytes) for kind in KINDS}
    # both files side by side, part by part (in the order the parts are joined below)
    tasks = sorted(((kind, i, span) for kind in KINDS for i, span in enumerate(spans[kind])),
                   key=lambda t: ((t[1] + 1) / len(spans[t[0]]), t[0]))
    # spawn, not fork: the caller may run threads (the bulk import stops the server meanwhile)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        scans = {(kind, i): pool.submit(_scan_export, export_dir, kind, span) for kind, i, span in tasks}
        node_cols, edge_cols = (merge_columns(scans[(kind, i)].result() for i in range(len(spans[kind])))
                                for kind in KINDS)
        delimiter = _delimiter(node_cols, edge_cols)
        cols = {"nodes": node_cols, "edges": edge_cols}
        writes = {(kind, i): pool.submit(_write_export, export_dir, kind, cols[kind], delimiter, out, span, i)
                  for kind, i, span in tasks}
        # each group's parts joined, in order, into its one data file while the later parts are
        # written (neo4j-admin reads one file per group ~5 s faster at 100× than ~200 parts)
        bases: set[str] = set()
        for kind, i, _ in tasks:
            for base in writes[(kind, i)].result():
                mode = "ab" if base in bases else "wb"
                bases.add(base)
                part = out / _data_file(base, i)
                with open(out / _data_file(base, None), mode) as whole, open(part, "rb") as fh:
                    shutil.copyfileobj(fh, whole, 1 << 20)
                part.unlink()
    for kind, columns in cols.items():
        head = ["id:ID", ":LABEL"] if kind == "nodes" else [":START_ID", ":END_ID", ":TYPE"]
        for group, props in columns.props.items():
            (out / f"{kind}_{group}_header.csv").write_text(",".join(head + _header(props)) + "\n", encoding="utf-8")
    return node_cols, edge_cols, delimiter, sorted(bases)


def write_neo4j_admin(rows: Rows, out: Path, jobs: int = 1, part_bytes: int = PART_BYTES) -> dict[str, Any]:
    """Header + data CSV files per label and per type in `out`, and `import.json` describing them.
    With `jobs` ≥ 2 and rows read from an export, both files are converted in parts of about
    `part_bytes` (`split_export_file`) by `jobs` processes: every part scanned for the column types,
    the array delimiter chosen (one for the whole import), then every part written and joined in
    order into its group's file — the same files, byte for byte, as one process writes. A bad line
    is reported as a reading in order finds it."""
    out.mkdir(parents=True, exist_ok=True)
    if jobs >= 2 and rows.export_dir is not None:
        try:
            node_cols, edge_cols, delimiter, bases = _write_parts(rows.export_dir, out, jobs, part_bytes)
        except ExportError:  # a part's line numbers count from its start: say it as one reading does
            _scan(rows)
            raise
        node_files = [b for b in bases if b.startswith("nodes_")]
        edge_files = [b for b in bases if b.startswith("edges_")]
    else:
        node_cols, edge_cols = _scan(rows)
        delimiter = _delimiter(node_cols, edge_cols)
        node_files = _write_kind(rows, "nodes", node_cols, delimiter, out)
        edge_files = _write_kind(rows, "edges", edge_cols, delimiter, out)
    manifest = {"format": "neo4j-admin", "array_delimiter": delimiter, "nodes": node_files,
                "relationships": edge_files, "node_rows": node_cols.rows, "relationship_rows": edge_cols.rows}
    # an empty cell imports as no property: which rows hold an empty list, to set after the import
    (node_labels, nodes), (edge_types, edges) = node_cols.empty_list_spec(), edge_cols.empty_list_spec()
    (out / "empty_lists.json").write_text(json.dumps({"labels": node_labels, "types": edge_types, "nodes": nodes,
                                                      "relationships": edges}, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    (out / "import.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def _delimiter(node_cols: Columns, edge_cols: Columns) -> str:
    return Columns(unsafe_delimiters=node_cols.unsafe_delimiters | edge_cols.unsafe_delimiters).delimiter()


def neo4j_admin_arguments(out: Path) -> list[str]:
    """The `neo4j-admin database import full` options for the files `write_neo4j_admin` wrote."""
    manifest = json.loads((out / "import.json").read_text(encoding="utf-8"))
    args = [f"--array-delimiter={manifest['array_delimiter']}", "--multiline-fields=true",
            "--id-type=string", "--ignore-empty-strings=false", "--normalize-types=false"]
    args += [f"--nodes={out / (b + '_header.csv')},{out / (b + '.csv')}" for b in manifest["nodes"]]
    args += [f"--relationships={out / (b + '_header.csv')},{out / (b + '.csv')}" for b in manifest["relationships"]]
    return args


# --- GraphML and JSONL -------------------------------------------------------------------------
_GRAPHML_TYPES = {"boolean": "boolean", "long": "long", "double": "double"}


def _graphml_value(value: Any) -> str:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


def _graphml_keys(fh, domain: str, columns: Columns) -> dict[str, str]:
    merged: dict[str, str] = {}
    for cols in columns.props.values():
        for key, typ in cols.items():
            merged[key] = merge_types(merged.get(key), typ)
    ids = {}
    merged.pop("id", None)  # the node's id attribute
    for n, (key, typ) in enumerate(sorted(merged.items())):
        ids[key] = f"{domain[0]}{n}"
        fh.write(f'  <key id="{ids[key]}" for="{domain}" attr.name={quoteattr(key)} '
                 f'attr.type="{_GRAPHML_TYPES.get(typ, "string")}"/>\n')
    return ids


def write_graphml(rows: Rows, path: Path) -> dict[str, int]:
    node_cols, edge_cols = _scan(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = {"nodes": 0, "edges": 0}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                 '  <key id="labels" for="node" attr.name="labels" attr.type="string"/>\n'
                 '  <key id="label" for="edge" attr.name="label" attr.type="string"/>\n')
        node_keys, edge_keys = _graphml_keys(fh, "node", node_cols), _graphml_keys(fh, "edge", edge_cols)
        fh.write('  <graph id="policykg" edgedefault="directed">\n')
        for node_id, label, props in rows.nodes():
            data = "".join(f'<data key="{node_keys[k]}">{escape(_graphml_value(v))}</data>'
                           for k, v in sorted(props.items()) if k != "id")
            fh.write(f'    <node id={quoteattr(node_id)}><data key="labels">:{model.BASE_LABEL}:{label}</data>'
                     f'{data}</node>\n')
            counts["nodes"] += 1
        for s, rel_type, o, props in rows.edges():
            data = "".join(f'<data key="{edge_keys[k]}">{escape(_graphml_value(v))}</data>'
                           for k, v in sorted(props.items()))
            fh.write(f'    <edge source={quoteattr(s)} target={quoteattr(o)}>'
                     f'<data key="label">{rel_type}</data>{data}</edge>\n')
            counts["edges"] += 1
        fh.write("  </graph>\n</graphml>\n")
    return counts


def write_jsonl(rows: Rows, out: Path) -> dict[str, int]:
    """The export format (nodes.jsonl + edges.jsonl + manifest.json, written as one unit as
    `policykg extract` writes it), which `policykg load` reads back."""
    nodes = ({**model.from_stored(props), "id": node_id, "label": label} for node_id, label, props in rows.nodes())
    edges = ({**model.from_stored(props), "source": s, "type": t, "target": o} for s, t, o, props in rows.edges())
    described = manifest.write_export_files(out, nodes, edges)
    return {"nodes": described["nodes.jsonl"]["rows"], "edges": described["edges.jsonl"]["rows"]}


def write_format(rows: Rows, fmt: str, out: Path) -> dict[str, Any]:
    """Write the rows as `fmt` under `out` (a directory; GraphML goes to out/graph.graphml)."""
    if fmt == "neo4j-admin":
        manifest = write_neo4j_admin(rows, out)
        return {"nodes": sum(manifest["node_rows"].values()),
                "edges": sum(manifest["relationship_rows"].values())}
    if fmt == "graphml":
        return write_graphml(rows, out / "graph.graphml")
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    raise ExportError(f"unknown format {fmt!r}: use " + ", ".join(FORMATS))
