"""The export's manifest: what makes nodes.jsonl + edges.jsonl one unit.

`extract/export.py` writes the two files, then `manifest.json` last — their row counts and SHA-256 —
after removing the old manifest before it swaps the files in. `graph/export.py` refuses an export
whose manifest is missing or does not match its files, so a run killed between the two renames
(a new nodes.jsonl beside an old edges.jsonl) is refused with a clear message instead of being
loaded. Shared here because both sides must agree on the format (extract/ may not import graph/).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Optional

MANIFEST = "manifest.json"
FORMAT = "policykg-export/1"
FILES = ("nodes.jsonl", "edges.jsonl")


class Describer:
    """What the manifest records of one file — its rows (non-blank lines) and SHA-256 — fed line by
    line as it is read or written (`add(line)`, then `description()`)."""

    def __init__(self) -> None:
        self.digest, self.rows = hashlib.sha256(), 0

    def add(self, line: bytes) -> bytes:
        self.digest.update(line)
        self.rows += bool(line.strip())
        return line

    def add_lines(self, block: bytes) -> bytes:
        """Whole export lines at once (none blank: each is an `export_line`, whose JSON escapes
        every newline but its last), one call per block rather than per line."""
        self.digest.update(block)
        self.rows += block.count(b"\n")
        return block

    def description(self) -> dict:
        return {"rows": self.rows, "sha256": self.digest.hexdigest()}


def describe_file(path: str | Path) -> dict:
    """The description of a file read in pieces (an export too large to hold)."""
    describer = Describer()
    with open(path, "rb") as fh:
        for line in fh:
            describer.add(line)
    return describer.description()


#: the one encoder of export lines (json.dumps with options builds a new encoder on every call: a
#: sixth of the time of encoding a million records, in the process that writes the export)
_EXPORT_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def export_line(record: dict) -> bytes:
    """One record as a line of the export: keys sorted, UTF-8 without escapes."""
    return (_EXPORT_ENCODER.encode(record) + "\n").encode("utf-8")


def write_export_files(directory: str | Path, nodes: Iterable[dict], edges: Iterable[dict]) -> dict[str, dict]:
    """Write an export of records as one unit (`write_export_lines`)."""
    return write_export_lines(directory, map(export_line, nodes), map(export_line, edges))


def write_export_lines(directory: str | Path, node_lines: Iterable[bytes], edge_lines: Iterable[bytes]) -> dict[str, dict]:
    """Write an export as one unit: nodes.jsonl and edges.jsonl line by line (each an `export_line`,
    or a block of whole ones) to temporary names (fsynced), the old manifest removed, both renamed into place, the new manifest
    written last — so an interrupted run leaves either the old export or one `load` refuses, and a
    run failing while it writes leaves the old export and no temporary file. Returns each file's
    description (its rows)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    moves, described = [], {}
    try:
        for name, lines in zip(FILES, (node_lines, edge_lines)):
            tmp, describer = directory / f".{name}.tmp", Describer()
            moves.append((tmp, directory / name))
            with open(tmp, "wb") as fh:
                for line in lines:
                    fh.write(describer.add_lines(line))
                fh.flush()
                os.fsync(fh.fileno())
            described[name] = describer.description()
    except BaseException:
        for tmp, _ in moves:
            tmp.unlink(missing_ok=True)
        raise
    (directory / MANIFEST).unlink(missing_ok=True)  # from here until the end: not a complete export
    for tmp, final in moves:
        os.replace(tmp, final)
    write_manifest(directory, described)
    return described


def manifest_text(files: dict[str, dict]) -> str:
    return json.dumps({"format": FORMAT, "files": files}, sort_keys=True, indent=1) + "\n"


def write_manifest(directory: str | Path, files: Optional[dict[str, dict]] = None) -> Path:
    """Write DIR/manifest.json (atomically, fsynced) for the files as they are now, or for `files`
    as the writer described them while writing."""
    directory = Path(directory)
    if files is None:
        files = {name: describe_file(directory / name) for name in FILES}
    tmp = directory / f".{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(manifest_text(files))
        fh.flush()
        os.fsync(fh.fileno())
    final = directory / MANIFEST
    os.replace(tmp, final)
    return final


def mismatch(directory: str | Path, described: Optional[dict[str, dict]] = None) -> Optional[str]:
    """Why the files — as `described` while they were read; by default the files in `directory`,
    read in pieces — do not form the export the manifest describes, or None if they do."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return (f"{path} is missing: the export was not written to the end (an interrupted "
                "`policykg extract`?) or by an older version")
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        recorded = None
    files = recorded.get("files") if isinstance(recorded, dict) else None
    if not isinstance(files, dict) or recorded.get("format") != FORMAT:
        return f"{path} is not a {FORMAT} manifest"
    if described is None:
        described = {name: describe_file(Path(directory) / name) for name in FILES}
    for name, description in described.items():
        if files.get(name) != description:
            return (f"{Path(directory) / name} does not match {path} (it was replaced or changed after "
                    "the export was written, e.g. a run killed between writing its two files)")
    return None
