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

try:  # a third of json.loads's time on the export's lines (docs/graph-stores.md, fifth pass)
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - a dependency (pyproject.toml); json alone gives the same records
    _fast_loads = None
#: orjson reads an integer beyond 64 bits as a float where json keeps it an int: a line with a run of
#: 19 digits or more (anywhere, also inside a string: cheap to tell, rare) is read by json instead
_DIGITS_ONLY = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_NUMBER = b"0" * 19


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


#: a part of a file: [start, end) in bytes, both at the start of a line (`split_export_file`)
Span = tuple[int, int]


def _lines(path: Path, span: Optional[Span] = None) -> Iterator[bytes]:
    if not path.is_file():
        raise ExportError(f"{path} not found (an export is a directory with nodes.jsonl, edges.jsonl "
                          "and manifest.json, written by `policykg extract`)")
    with path.open("rb") as fh:
        if span is None:
            yield from fh
            return
        fh.seek(span[0])
        left = span[1] - span[0]
        for raw in fh:
            if left <= 0:
                return
            left -= len(raw)
            yield raw


def _read_jsonl(path: Path, describer: Optional[manifest.Describer] = None,
                span: Optional[Span] = None) -> Iterable[tuple[int, dict]]:
    """(line number, record) of a JSONL file read line by line (each line also fed to `describer`);
    of its part `span` only, given one (the line numbers then count from the part's start)."""
    for number, raw in enumerate(_lines(path, span), 1):
        if describer is not None:
            describer.add(raw)
        if not raw.strip():
            continue
        if _fast_loads is not None and _LONG_NUMBER not in raw.translate(_DIGITS_ONLY):
            try:
                record = _fast_loads(raw)
            except ValueError:
                pass
            else:
                if isinstance(record, dict):
                    yield number, record
                    continue
        yield number, parse_line(raw, path, number)


def parse_line(raw: bytes, path: Path | str, number: int) -> dict:
    """One export line → its record as `json` reads it, or ExportError naming `path:number`.
    (`_read_jsonl` reads most lines with orjson, which gives the same records; a line it refuses
    or might read otherwise comes here, so what is accepted — NaN, integers beyond 64 bits — and
    the messages are json's.)"""
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
    return record


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


#: labels and types found plain identifiers (a few names, each checked once, not once per row)
_PLAIN_NAMES: set[str] = set()


def _plain_name(name: Any) -> bool:
    """model.is_identifier(name), remembered."""
    if type(name) is str and name in _PLAIN_NAMES:
        return True
    if model.is_identifier(name):
        _PLAIN_NAMES.add(name)
        return True
    return False


def _at(where: str, line: Optional[int]) -> str:
    return where if line is None else f"{where}:{line}"


def checked_node(record: Mapping[str, Any], where: str, line: Optional[int] = None
                 ) -> tuple[str, str, dict[str, Any]]:
    """An export node record → (id, label, stored properties), or ExportError naming `where`
    (and `line`: the message's text is made only for a bad record)."""
    node_key(record, where, line)
    return model.node_row(record)


def node_key(record: Mapping[str, Any], where: str, line: Optional[int] = None) -> str:
    """The id of an export node record after the checks `checked_node` makes (no properties
    converted: the pre-pass of a streamed load needs only this), or ExportError naming `where`."""
    if not record.get("id") or not record.get("label"):
        raise ExportError(f"{_at(where, line)}: a node needs `id` and `label`")
    if not _plain_name(record["label"]):
        raise ExportError(f"{_at(where, line)}: label {record['label']!r} is not a plain identifier")
    return str(record["id"])


def checked_edge(record: Mapping[str, Any], where: str, line: Optional[int] = None
                 ) -> tuple[str, str, str, dict[str, Any]]:
    """An export edge record → (source, type, target, stored properties), or ExportError."""
    edge_key(record, where, line)
    return model.edge_row(record)


def edge_key(record: Mapping[str, Any], where: str, line: Optional[int] = None) -> tuple[str, str, str]:
    """(source, type, target) of an export edge record after the checks `checked_edge` makes."""
    if not record.get("source") or not record.get("target") or not record.get("type"):
        raise ExportError(f"{_at(where, line)}: an edge needs `source`, `target` and `type`")
    if not _plain_name(record["type"]):
        raise ExportError(f"{_at(where, line)}: type {record['type']!r} is not a plain identifier")
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


def iter_export_nodes(export_dir: str | Path, describer: Optional[manifest.Describer] = None,
                      span: Optional[Span] = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Node rows (id, label, stored properties) of an export, streamed from nodes.jsonl (each line
    also fed to `describer`); of the part `span` of it only, given one (`split_export_file`)."""
    path = Path(export_dir) / "nodes.jsonl"
    where = str(path)
    rows = (checked_node(record, where, number) for number, record in _read_jsonl(path, describer, span))
    return _last_of_runs(rows, key=lambda r: r[0])


def iter_export_edges(export_dir: str | Path, describer: Optional[manifest.Describer] = None,
                      span: Optional[Span] = None) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Edge rows (source, type, target, stored properties) of an export, streamed from edges.jsonl;
    several records of one (source, type, target) are one edge, the last one's properties."""
    path = Path(export_dir) / "edges.jsonl"
    where = str(path)
    rows = (checked_edge(record, where, number) for number, record in _read_jsonl(path, describer, span))
    return _last_of_runs(rows, key=lambda r: r[:3])


def _line_key(raw: bytes, name: str) -> Any:
    """The key `_last_of_runs` compares for one line of `name` (None for a line that is blank or
    not a record: a reading in order reports it)."""
    try:
        record = json.loads(raw)
        return str(record["id"]) if name == "nodes.jsonl" else (
            str(record["source"]), str(record["type"]), str(record["target"]))
    except (ValueError, KeyError, TypeError):
        return None


def split_export_file(export_dir: str | Path, name: str, piece_bytes: int) -> list[Span]:
    """`name` (nodes.jsonl or edges.jsonl) cut into parts of about `piece_bytes`, each at the start
    of a line and never inside a run of neighbouring lines with one key (what `iter_export_*`
    collapse into one row), so the rows of the parts, one after another, are the rows of the file."""
    path = Path(export_dir) / name
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as fh:
        for target in range(piece_bytes, size, piece_bytes):
            if target <= cuts[-1]:
                continue
            fh.seek(target - 1)
            fh.readline()  # to the start of the next line
            first, key = fh.tell(), None
            while True:  # past the run the first line of the part belongs to
                at = fh.tell()
                raw = fh.readline()
                if not raw:
                    break
                if not raw.strip():
                    continue
                this = _line_key(raw, name)
                if key is None:
                    key = this
                    if key is None:
                        at = first
                        break
                elif this != key:
                    break
            if at < size and at > cuts[-1]:
                cuts.append(at)
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


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
    where = str(nodes_path)
    for number, record in _read_jsonl(nodes_path):
        node_id = node_key(record, where, number)
        if node_id != previous:
            node_rows += 1
            ids.add(node_id)
        previous = node_id
    return ids, node_rows


def _edge_keys(edges_path: Path) -> Iterator[tuple[str, str, str]]:
    """(source, type, target) of edges.jsonl, checked as `checked_edge` checks, a run of
    neighbouring lines with one key given once."""
    previous = None
    where = str(edges_path)
    for number, record in _read_jsonl(edges_path):
        key = edge_key(record, where, number)
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
