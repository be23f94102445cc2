"""Reading the export (nodes.jsonl + edges.jsonl, see ../shared/eval/README.md) into store rows."""
from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from kgcatalogue import manifest

from . import model


class ExportError(ValueError):
    """The export cannot be loaded as it is (missing file, bad line, unsafe name, dangling edge)."""


@dataclass
class Export:
    #: id → (label, stored properties); a repeated id keeps its last record
    nodes: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: (source, type, target) → stored properties; a repeated triple keeps its last record
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    duplicate_nodes: int = 0
    duplicate_edges: int = 0

    @property
    def rows(self) -> int:
        return len(self.nodes) + len(self.edges)

    def labels(self) -> set[str]:
        return {label for label, _ in self.nodes.values()}

    def types(self) -> set[str]:
        return {t for _, t, _ in self.edges}

    def isolated_nodes(self) -> set[str]:
        """Ids of nodes no edge of this export touches (a re-ingest keeps them although alone)."""
        touched = {n for (s, _, o) in self.edges for n in (s, o)}
        return {n for n in self.nodes if n not in touched}

    def document_subgraph(self, doc_ids: Iterable[str]) -> "Export":
        """The part of this export that belongs to the given documents: the documents, everything
        reached from them through incoming PART_OF, every edge touching those nodes, and the
        shared nodes (agencies, cited documents …) those edges lead to."""
        wanted = set(doc_ids)
        parts: dict[str, list[str]] = {}
        for (s, t, o) in self.edges:
            if t == model.PART_OF:
                parts.setdefault(o, []).append(s)
        owned = {d for d in wanted if d in self.nodes}
        stack = list(owned)
        while stack:
            for child in parts.get(stack.pop(), ()):
                if child not in owned:
                    owned.add(child)
                    stack.append(child)
        sub = Export()
        for key, props in self.edges.items():
            s, _, o = key
            if s in owned or o in owned:
                sub.edges[key] = props
        ids = owned | {s for s, _, _ in sub.edges} | {o for _, _, o in sub.edges}
        sub.nodes = {i: self.nodes[i] for i in ids if i in self.nodes}
        return sub


def _lines(path: Path) -> Iterator[bytes]:
    if not path.is_file():
        raise ExportError(f"{path} not found (an export is a directory with nodes.jsonl, edges.jsonl "
                          "and manifest.json, written by `policykg extract`)")
    with path.open("rb") as fh:
        yield from fh


def _read_jsonl(path: Path, describer: Optional[manifest.Describer] = None) -> Iterable[tuple[int, dict]]:
    """(line number, record) of a JSONL file read line by line (each line also fed to `describer`)."""
    for number, raw in enumerate(_lines(path), 1):
        if describer is not None:
            describer.add(raw)
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExportError(f"{path}:{number}: not UTF-8 ({exc})") from None
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ExportError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(record, dict):
            raise ExportError(f"{path}:{number}: expected a JSON object")
        yield number, record


def from_records(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]],
                 *, where: str = "records", check_edges: bool = True) -> Export:
    export = Export()
    for number, record in enumerate(nodes, 1):
        _add_node(export, record, f"{where} node {number}")
    for number, record in enumerate(edges, 1):
        _add_edge(export, record, f"{where} edge {number}")
    if check_edges:
        _check_dangling(export, where)
    return export


def check_manifest(export_dir: str | Path, described: Optional[dict[str, dict]] = None) -> None:
    """Raise ExportError unless nodes.jsonl and edges.jsonl are the export manifest.json describes
    (`described`: their descriptions made while they were read; by default they are read here)."""
    export_dir = Path(export_dir)
    for name in manifest.FILES:
        if not (export_dir / name).is_file():
            raise ExportError(f"{export_dir / name} not found (an export is a directory with nodes.jsonl, "
                              "edges.jsonl and manifest.json, written by `policykg extract`)")
    problem = manifest.mismatch(export_dir, described=described)
    if problem:
        raise ExportError(f"{export_dir} is not a complete export: {problem}; nothing was loaded — "
                          "run `policykg extract` (or `build`) again")


def read_export(export_dir: str | Path) -> Export:
    """Parse and check an export directory; raises ExportError naming the first problem (a missing
    or mismatched manifest first: the two files must come from the same run). The files are read
    line by line, never whole, and the lines parsed are the lines the manifest's digests are checked
    against (a file replaced while it is read is refused too)."""
    export_dir = Path(export_dir)
    export = Export()

    def read(name: str, describer: manifest.Describer) -> None:
        path = export_dir / name
        add = _add_node if name == "nodes.jsonl" else _add_edge
        for number, record in _read_jsonl(path, describer=describer):
            add(export, record, f"{path}:{number}")
    _read_described(export_dir, read)
    _check_dangling(export, str(export_dir / "edges.jsonl"))
    return export


def scan_export(export_dir: str | Path, on_node: Callable[[str, str, dict[str, Any]], None],
                on_edge: Callable[[str, str, str, dict[str, Any]], None]) -> None:
    """Read an export once, streamed, never whole: each node row (id, label, stored properties) to
    `on_node`, then each edge row (source, type, target, properties) to `on_edge`, repeats as
    `iter_export_nodes/edges` give them. Raises ExportError as `read_export` does — a torn export
    as torn, before its first bad line — and, after the last row, unless the lines read are the
    ones the manifest describes (dangling edges are the caller's to check)."""
    export_dir = Path(export_dir)

    def read(name: str, describer: manifest.Describer) -> None:
        if name == "nodes.jsonl":
            for row in iter_export_nodes(export_dir, describer):
                on_node(*row)
        else:
            for row in iter_export_edges(export_dir, describer):
                on_edge(*row)
    _read_described(export_dir, read)


def _read_described(export_dir: Path, read: Callable[[str, manifest.Describer], None]) -> None:
    """`read(file name, describer)` for nodes.jsonl then edges.jsonl, then the manifest checked
    against the descriptions made while reading; a missing manifest is reported before reading and
    a bad line after checking the manifest (a torn export is reported as torn)."""
    if not (export_dir / manifest.MANIFEST).is_file():
        check_manifest(export_dir)  # says what is missing
    described: dict[str, dict] = {}
    try:
        for name in manifest.FILES:
            describer = manifest.Describer()
            read(name, describer)
            described[name] = describer.description()
    except ExportError:
        check_manifest(export_dir)
        raise
    check_manifest(export_dir, described)


def checked_node(record: Mapping[str, Any], where: str) -> tuple[str, str, dict[str, Any]]:
    """An export node record → (id, label, stored properties), or ExportError naming `where`."""
    node_key(record, where)
    return model.node_row(record)


def node_key(record: Mapping[str, Any], where: str) -> str:
    """The id of an export node record after the checks `checked_node` makes (no properties
    converted: the pre-pass of a streamed load needs only this), or ExportError naming `where`."""
    if not record.get("id") or not record.get("label"):
        raise ExportError(f"{where}: a node needs `id` and `label`")
    if not model.is_identifier(record["label"]):
        raise ExportError(f"{where}: label {record['label']!r} is not a plain identifier")
    return str(record["id"])


def checked_edge(record: Mapping[str, Any], where: str) -> tuple[str, str, str, dict[str, Any]]:
    """An export edge record → (source, type, target, stored properties), or ExportError."""
    edge_key(record, where)
    return model.edge_row(record)


def edge_key(record: Mapping[str, Any], where: str) -> tuple[str, str, str]:
    """(source, type, target) of an export edge record after the checks `checked_edge` makes."""
    if not record.get("source") or not record.get("target") or not record.get("type"):
        raise ExportError(f"{where}: an edge needs `source`, `target` and `type`")
    if not model.is_identifier(record["type"]):
        raise ExportError(f"{where}: type {record['type']!r} is not a plain identifier")
    return str(record["source"]), str(record["type"]), str(record["target"])


def _add_node(export: Export, record: Mapping[str, Any], where: str) -> None:
    node_id, label, props = checked_node(record, where)
    if node_id in export.nodes:
        export.duplicate_nodes += 1
    export.nodes[node_id] = (label, props)


def _add_edge(export: Export, record: Mapping[str, Any], where: str) -> None:
    s, t, o, props = checked_edge(record, where)
    if (s, t, o) in export.edges:
        export.duplicate_edges += 1
    export.edges[(s, t, o)] = props


# --- streaming: one record at a time, never the whole export in memory ---------------------------
def _last_of_runs(rows: Iterable[tuple], key: Callable[[tuple], Any]) -> Iterator[tuple]:
    """Of consecutive rows with the same key keep the last (as `read_export` does for repeats; the
    extractor writes sorted exports, where repeats are neighbours)."""
    held: Optional[tuple] = None
    for row in rows:
        if held is not None and key(held) != key(row):
            yield held
        held = row
    if held is not None:
        yield held


def iter_export_nodes(export_dir: str | Path, describer: Optional[manifest.Describer] = None
                      ) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Node rows (id, label, stored properties) of an export, streamed from nodes.jsonl (each line
    also fed to `describer`)."""
    path = Path(export_dir) / "nodes.jsonl"
    rows = (checked_node(record, f"{path}:{number}") for number, record in _read_jsonl(path, describer))
    return _last_of_runs(rows, key=lambda r: r[0])


def iter_export_edges(export_dir: str | Path, describer: Optional[manifest.Describer] = None
                      ) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Edge rows (source, type, target, stored properties) of an export, streamed from edges.jsonl;
    several records of one (source, type, target) are one edge, the last one's properties."""
    path = Path(export_dir) / "edges.jsonl"
    rows = (checked_edge(record, f"{path}:{number}") for number, record in _read_jsonl(path, describer))
    return _last_of_runs(rows, key=lambda r: r[:3])


def _check_dangling(export: Export, where: str) -> None:
    dangling = [(s, t, o) for (s, t, o) in export.edges if s not in export.nodes or o not in export.nodes]
    if dangling:
        raise dangling_edges(where, len(dangling), dangling)


def dangling_edges(where: str, count: int, sample: Iterable[tuple[str, str, str]]) -> ExportError:
    """The error of an export whose `count` edges (`sample`: the first few) point at ids missing
    from its nodes.jsonl."""
    shown = ", ".join(f"{s} -{t}-> {o}" for s, t, o in list(sample)[:3])
    return ExportError(f"{where}: {count} edge(s) point at ids missing from nodes.jsonl, e.g. {shown}")


#: an edges.jsonl at least this large is checked by a second process beside the nodes (below it,
#: starting the process costs more than it saves)
CHECK_SPLIT_BYTES = 16 * 1048576


def check_export(export_dir: str | Path) -> dict[str, Any]:
    """Read the whole export once, streamed, holding only node ids, and raise ExportError on the
    first problem `read_export` would find (missing file, bad line, unsafe name, dangling edge), so
    a streamed load writes nothing from a bad export. Only what is checked is computed (the lines
    are parsed, the properties are not converted). Returns the row counts (repeats collapsed as
    `iter_export_*` collapse them) and `repeats_adjacent`: whether every repeated node id and edge
    (source, type, target) is a run of neighbouring lines — then the streamed rows name each node
    and edge once, and a load into an empty database may CREATE instead of MERGE. The extractor
    writes sorted exports, where it holds; an export that is not sorted is not checked further
    and counts as False (the load then MERGEs, which is right whatever the order).
    A large edges.jsonl is read by a second process while this one checks the manifest and the
    nodes (the load's server waits idle meanwhile: at 100× 5.5 s → 3.6 s); the first problem is
    still the one a reading in order finds: the manifest, then nodes.jsonl, then edges.jsonl."""
    edges_path = Path(export_dir) / "edges.jsonl"
    if edges_path.is_file() and edges_path.stat().st_size >= CHECK_SPLIT_BYTES:
        # spawn, not fork: the caller may run threads (a load's writers, Streamlit's sessions)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            edges = pool.submit(_edge_summary, edges_path)
            check_manifest(export_dir)
            ids, node_rows = _node_ids(Path(export_dir) / "nodes.jsonl")
            count, ascending, ends = edges.result()
    else:
        check_manifest(export_dir)
        ids, node_rows = _node_ids(Path(export_dir) / "nodes.jsonl")
        count, ascending, ends = _edge_summary(edges_path)
    if not ends <= ids:
        dangling = [key for key in _edge_keys(edges_path) if key[0] not in ids or key[2] not in ids]
        raise dangling_edges(str(edges_path), len(dangling), dangling)
    return {"nodes": len(ids), "edges": count, "repeats_adjacent": node_rows == len(ids) and ascending}


def _node_ids(nodes_path: Path) -> tuple[set[str], int]:
    """The node ids of nodes.jsonl (checked as `checked_node` checks) and its rows, a run of
    neighbouring lines with one id counted once."""
    ids: set[str] = set()
    node_rows = 0
    previous: Any = None
    for number, record in _read_jsonl(nodes_path):
        node_id = node_key(record, f"{nodes_path}:{number}")
        if node_id != previous:
            node_rows += 1
            ids.add(node_id)
        previous = node_id
    return ids, node_rows


def _edge_keys(edges_path: Path) -> Iterator[tuple[str, str, str]]:
    """(source, type, target) of edges.jsonl, checked as `checked_edge` checks, a run of
    neighbouring lines with one key given once."""
    previous = None
    for number, record in _read_jsonl(edges_path):
        key = edge_key(record, f"{edges_path}:{number}")
        if key != previous:
            yield key
        previous = key


def _edge_summary(edges_path: Path) -> tuple[int, bool, set[str]]:
    """(edges, whether their keys ascend, every id an edge names) of edges.jsonl (also run in a
    worker process: it returns what the check needs, not the edges)."""
    count, ascending, ends = 0, True, set()
    previous = None
    for key in _edge_keys(edges_path):
        ascending = ascending and (previous is None or key > previous)
        previous = key
        count += 1
        ends.add(key[0])
        ends.add(key[2])
    return count, ascending, ends
