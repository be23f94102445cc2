"""Where the graph lives on disk, and what the last build recorded there.

`default_data_dir` is `$POLICYKG_DATA` or `data/` in the checkout. `record_build` / `last_build`
keep `build.json` there: the corpus folders a graph was built from, so the app's reader finds the
original files. The CLI writes it, the app reads it; neither needs the other.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Iterable

BUILD_RECORD = "build.json"


def default_data_dir() -> Path:
    """$POLICYKG_DATA, else `data/` in the project (the checkout this package is installed from)."""
    env = os.environ.get("POLICYKG_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def record_build(data_dir: Path, paths: Iterable[str], out: str, kind: str) -> None:
    """Remember what the graph was built from, so the app's document reader finds the originals."""
    record = {"corpus": [str(Path(p).resolve()) for p in paths], "export": str(Path(out).resolve()),
              "store": kind, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    (Path(data_dir) / BUILD_RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")


def last_build(data_dir: Path) -> dict | None:
    """What the last `policykg build` recorded in `data_dir`, or None."""
    try:
        return json.loads((Path(data_dir) / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
