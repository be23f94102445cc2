"""`policykg query …` answers from the embedded store built from the seed corpus."""
import json
import os
import subprocess
import sys

import pytest

import graph


@pytest.fixture(scope="module")
def data_dir(corpus_export, tmp_path_factory):
    d = tmp_path_factory.mktemp("querydata")
    with graph.open_store("embedded", path=d / "graph.lbdb") as store:
        store.load_export(corpus_export[0])
    return d


def ask(data_dir, *args):
    env = dict(os.environ, POLICYKG_DATA=str(data_dir), POLICYKG_STORE="embedded")
    return subprocess.run([sys.executable, "-m", "policykg.cli", "query", *args, "--json"],
                          capture_output=True, text=True, env=env)


def test_duties_partners_and_in_force(data_dir):
    duties = json.loads(ask(data_dir, "duties", "工业和信息化部", "--limit", "500").stdout)
    assert {r["role"] for r in duties if r["kind"] == "measure"} == {"lead", "support"}
    assert all(r["document"] for r in duties)
    partners = json.loads(ask(data_dir, "partners", "商务部").stdout)
    assert partners[0]["measures"] >= partners[-1]["measures"]
    in_force = json.loads(ask(data_dir, "in-force", "2022-06-30", "--limit", "500").stdout)  # effective 2022-03-01
    assert any(d["id"] == "doc:国务院令第746号" for d in in_force)


def test_duties_list_statutory_duties_and_who_holds_a_duty_today(data_dir):
    duties = json.loads(ask(data_dir, "duties", "市场监管总局", "--limit", "2000").stdout)
    statutory = [r for r in duties if r["kind"] == "statutory"]
    decree = [r for r in statutory if r["document"] == "中华人民共和国市场主体登记管理条例"]
    assert len(decree) >= 40 and {r["level"] for r in decree} == {"national", "county_and_above"}
    assert {r["role"] for r in statutory} == {"binds"}
    with graph.open_store("embedded", path=data_dir / "graph.lbdb") as store:
        led = sorted(m for _, _, m in store.expand(["agency:中国银行保险监督管理委员会"], ["LEADS"], "out"))
    today = json.loads(ask(data_dir, "holder-today", led[0]).stdout)
    cbirc = next(r for r in today if r["printed"] == "中国银行保险监督管理委员会")
    assert cbirc["today"] == "国家金融监督管理总局" and "2023-05-18" in cbirc["via"]
    inherited = json.loads(ask(data_dir, "duties", "金融监管总局", "--limit", "500").stdout)
    assert inherited and {r["kind"] for r in inherited} == {"inherited measure"}
    assert {r["inherited"] for r in inherited} == {"中国银行保险监督管理委员会, 2023"}


def test_chain_and_obligations(data_dir):
    chain = json.loads(ask(data_dir, "chain", "doc:国务院令第746号").stdout)
    assert sum(r["relation"] == "older" for r in chain) == 5
    obligations = json.loads(ask(data_dir, "obligations", "企业").stdout)
    assert obligations and {o["modality"] for o in obligations} <= {"obligation", "prohibition", "permission"}


def test_paths_between_two_agencies(data_dir):
    paths = json.loads(ask(data_dir, "paths", "商务部/海关总署").stdout)
    assert paths and {p["hops"] for p in paths} == {2}  # they share measures: agency → measure → agency
    assert all(p["path"].startswith("商务部 → ") and p["path"].endswith(" → 海关总署") for p in paths)
    res = ask(data_dir, "paths", "商务部")
    assert res.returncode == 1 and "A/B" in res.stderr


def test_unknown_names_exit_one_with_a_message(data_dir):
    res = ask(data_dir, "duties", "不存在的部委")
    assert res.returncode == 1 and "error" in res.stderr
    res = ask(data_dir, "in-force", "June 2021")
    assert res.returncode == 1 and "not a date" in res.stderr and "Traceback" not in res.stderr


def test_a_graph_never_built_says_how_to_build_one(tmp_path):
    res = ask(tmp_path / "nothing", "duties", "商务部")
    assert res.returncode == 1 and "policykg build" in " ".join(res.stderr.split()) and "Traceback" not in res.stderr
    assert not (tmp_path / "nothing").exists()  # asking creates nothing
