"""The initial bulk load of an empty local Neo4j through neo4j-admin (policykg/neo4j_bulk.py).

It stops and restarts the server it fills, so it runs its own throwaway server (a free port, a
temporary data directory) rather than the shared test server, which it uses only to hold the
driver-loaded copy to compare with.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

import graph
from policykg import neo4j_server
from policykg.localhost import free_port

from conftest_graph import open_neo4j, wipe_neo4j
from test_cli_extract import NOTICE

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    if not (shutil.which("java") and shutil.which("mvn")):
        (pytest.fail if os.environ.get("CI") else pytest.skip)("the local Neo4j needs Java and Maven")
    data = tmp_path_factory.mktemp("bulk-data")
    info = neo4j_server.start(port=free_port(), data_dir=data)
    yield data, info
    neo4j_server.stop(data)


def _cli(*args, data, info, **extra_env):
    env = dict(os.environ, POLICYKG_DATA=str(data), NEO4J_URI=info.uri, NEO4J_USERNAME="neo4j",
               NEO4J_PASSWORD=info.password, COLUMNS="400", **extra_env)
    env.pop("NEO4J_DATABASE", None)
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True, env=env)


def test_bulk_import_equals_the_driver_load(own_server, corpus_export):
    data, info = own_server
    export, _ = corpus_export
    res = _cli("load", str(export), "--store", "neo4j", "--initial", data=data, info=info)
    assert res.returncode == 0, res.stderr
    assert "(bulk import)" in res.stdout
    driver = open_neo4j()
    wipe_neo4j(driver)
    graph.load_export(driver, export)
    with graph.open_store("neo4j", uri=info.uri, password=info.password) as bulk:
        assert bulk.counts() == driver.counts()
        assert bulk.counts()["nodes"]["Measure"] > 1000
        a, b = bulk.projection(), driver.projection()
    driver.close()
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert ({(s, k, o): d for s, o, k, d in a.edges(keys=True, data=True)}
            == {(s, k, o): d for s, o, k, d in b.edges(keys=True, data=True)})
    # a few round trips by hand: a list, a JSON column, an empty list, a boolean, an integer
    agency = next(n for _, n in a.nodes(data=True) if n["label"] == "Agency" and len(n.get("aliases", [])) > 1)
    assert all(isinstance(x, str) for x in agency["aliases"])
    doc = next(n for _, n in a.nodes(data=True) if n["label"] == "Document" and "sources_json" in n)
    assert json.loads(doc["sources_json"])[0]["file"] == doc["source_file"]
    assert isinstance(doc["line_start"], int) and doc["in_corpus"] is True
    assert any(n.get("generic_parties") == [] for _, n in a.nodes(data=True) if n["label"] == "Measure")


def test_build_bulk_imports_into_an_empty_local_database_and_upserts_after(own_server, tmp_path):
    data, info = own_server
    with graph.open_store("neo4j", uri=info.uri, password=info.password) as store:
        wipe_neo4j(store)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.txt").write_text(NOTICE, encoding="utf-8")
    env = {"POLICYKG_BULK_MIN_MB": "0"}  # the seed-sized export is below the default threshold
    first = _cli("build", str(tmp_path / "in"), "--store", "neo4j", "--out", str(tmp_path / "e"), "-q",
                 data=data, info=info, **env)
    assert first.returncode == 0, first.stderr
    assert "by bulk import (empty local database)" in first.stderr
    again = _cli("build", str(tmp_path / "in"), "--store", "neo4j", "--out", str(tmp_path / "e"), "-q",
                 data=data, info=info, **env)
    assert again.returncode == 0 and "by bulk import" not in again.stderr  # not empty any more: the driver loader
    with graph.open_store("neo4j", uri=info.uri, password=info.password) as store:
        counts = store.counts()
    assert counts["nodes"]["Document"] == 1 and counts["edges"]["SUPPORTS"] == 2


def test_initial_refuses_a_database_that_holds_anything(own_server, corpus_export):
    data, info = own_server
    with graph.open_store("neo4j", uri=info.uri, password=info.password) as store:
        if store.is_empty():
            graph.load_export(store, corpus_export[0])
    res = _cli("load", str(corpus_export[0]), "--store", "neo4j", "--initial", data=data, info=info)
    assert res.returncode == 1 and "not empty" in res.stderr and "Traceback" not in res.stderr


def test_initial_refuses_a_server_it_does_not_run(own_server, corpus_export, tmp_path):
    _, info = own_server
    res = _cli("load", str(corpus_export[0]), "--store", "neo4j", "--initial", data=tmp_path, info=info)
    assert res.returncode == 1 and "local Neo4j" in res.stderr and "without --initial" in res.stderr


def test_the_server_runs_the_launcher_compiled_once(own_server):
    """Starts (two per bulk import) run Launcher.class compiled once, not the source launcher, with
    the class-data-sharing archive."""
    data, _ = own_server
    classes = neo4j_server.compiled_launcher(neo4j_server.lib_dir())
    compiled = (classes / "Launcher.class").stat().st_mtime_ns
    assert neo4j_server.compiled_launcher(neo4j_server.lib_dir()) == classes
    assert (classes / "Launcher.class").stat().st_mtime_ns == compiled  # not compiled again
    pid = neo4j_server.status(data, check_bolt=False).pid
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        argv = fh.read().decode().split("\0")
    assert "Launcher" in argv and "Launcher.java" not in " ".join(argv)
    assert any(str(classes) in arg for arg in argv)
    # the bulk imports above stopped the server: its classes map from the archive a clean stop kept
    archive = next(a.split("=", 1)[1] for a in argv if a.startswith("-XX:SharedArchiveFile="))
    assert archive.startswith(str(classes)) and os.path.getsize(archive) > 10_000_000
