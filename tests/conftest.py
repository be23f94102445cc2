"""Fixtures shared by the extraction tests: where the seed corpus and the dev gold live."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _need(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI runs with shared/ beside the clone")
        pytest.skip(f"{path} not found (the seed corpus lives in ../shared beside the repo)")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _need(SHARED / "corpus")


@pytest.fixture(scope="session")
def dev_gold() -> Path:
    return _need(SHARED / "eval" / "dev")


@pytest.fixture(scope="session")
def corpus_export(corpus_dir, tmp_path_factory):
    """One extraction of the seed corpus, shared by the integration tests."""
    from policykg.cli import run_extract

    out = tmp_path_factory.mktemp("export")
    report = run_extract([str(corpus_dir)], str(out), progress=False)
    assert report.skipped == []
    return out, report


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """Texts in the layouts users bring besides the seed (national database, government web pages)."""
    return _need(SHARED / "samples")


@pytest.fixture(scope="session")
def export_of():
    """Extract files or folders into a directory: (nodes by id, edges) of the export written there."""
    import json

    from policykg.cli import run_extract

    def run(paths, out: Path):
        run_extract([str(p) for p in paths], str(out), progress=False)
        nodes = {n["id"]: n for n in map(json.loads, (out / "nodes.jsonl").read_text(encoding="utf-8").splitlines())}
        edges = [json.loads(line) for line in (out / "edges.jsonl").read_text(encoding="utf-8").splitlines()]
        return nodes, edges

    return run
