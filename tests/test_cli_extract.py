"""The extract command on a folder of bad inputs: each is reported, none stops the run."""
import json
import os
import subprocess
import sys

import pytest

NOTICE = ("国务院办公厅关于进一步加大对中小企业纾困帮扶力度的通知\n\n国办发〔2021〕45号\n\n"
          "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n\n"
          "一、加大纾困资金支持力度。鼓励地方安排中小企业纾困资金。（财政部、工业和信息化部按职责分工负责）\n\n"
          "国务院办公厅\n\n2021年11月10日\n")


def _minimal_pdf() -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            None, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    stream = b"BT /F1 12 Tf 20 100 Td (Policy text) Tj ET"
    objs[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


@pytest.fixture()
def bad_inputs(tmp_path):
    d = tmp_path / "inputs"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "gbk_notice.txt").write_bytes(NOTICE.encode("gbk"))
    (d / "truncated.pdf").write_bytes(_minimal_pdf()[:120])
    (d / "table.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    line = "各地区要加强组织领导，确保各项措施落到实处，切实减轻市场主体负担。\n\n".encode("utf-8")
    (d / "big.txt").write_bytes(line * (20_000_000 // len(line) + 1))
    return d


def run_cli(*args):
    env = dict(os.environ, COLUMNS="120")
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True, env=env)


def test_bad_files_are_reported_and_skipped(bad_inputs, tmp_path):
    out = tmp_path / "out"
    res = run_cli("extract", str(bad_inputs), "--out", str(out))
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    for name, reason in [("empty.txt", "empty file"), ("binary.txt", "binary"), ("truncated.pdf", "PDF"),
                         ("table.xlsx", "unsupported file type")]:
        line = next(l for l in res.stderr.splitlines() if name in l)
        assert reason in line, line
    nodes = [json.loads(l) for l in (out / "nodes.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = {n["title"]: n for n in nodes if n["label"] == "Document"}
    gbk = docs["国务院办公厅关于进一步加大对中小企业纾困帮扶力度的通知"]
    assert gbk["doc_number"] == "国办发〔2021〕45号" and gbk["source"]["file"] == "gbk_notice.txt"
    assert any(n["label"] == "Measure" and n["source"]["file"] == "gbk_notice.txt" for n in nodes)


def test_clean_run_exits_zero_and_usage_errors_exit_two(tmp_path):
    (tmp_path / "n.txt").write_text(NOTICE, encoding="utf-8")
    assert run_cli("extract", str(tmp_path / "n.txt"), "--out", str(tmp_path / "o"), "-q").returncode == 0
    assert run_cli("extract", "--out", str(tmp_path / "o")).returncode == 2
    missing = run_cli("extract", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_help_explains_every_option():
    res = run_cli("extract", "--help")
    for option in ("--out", "--quiet", "--list-unverified", "Exit code"):
        assert option in res.stdout


def test_build_extracts_and_loads_into_the_embedded_store(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.txt").write_text(NOTICE, encoding="utf-8")
    env = dict(os.environ, POLICYKG_DATA=str(tmp_path / "data"), POLICYKG_STORE="embedded")
    res = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(tmp_path / "in"), "-q"],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "data" / "export" / "nodes.jsonl").exists()
    import graph
    with graph.open_store("embedded", path=str(tmp_path / "data" / "graph.lbdb")) as store:
        counts = store.counts()
    assert counts["nodes"]["Document"] == 1 and counts["edges"]["SUPPORTS"] == 2
    assert graph.last_build(tmp_path / "data")["corpus"] == [str((tmp_path / "in").resolve())]


def test_build_again_replaces_what_the_files_no_longer_yield(tmp_path):
    (tmp_path / "in").mkdir()
    notice = tmp_path / "in" / "n.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    env = dict(os.environ, POLICYKG_DATA=str(tmp_path / "data"), POLICYKG_STORE="embedded")

    def build(*extra):
        res = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(tmp_path / "in"), "-q", *extra],
                             capture_output=True, text=True, env=env)
        assert res.returncode == 0, res.stderr
        said.append(" ".join((res.stdout + res.stderr).split()))  # the console wraps long lines
        import graph
        with graph.open_store("embedded", path=str(tmp_path / "data" / "graph.lbdb")) as store:
            return store.counts()

    said: list[str] = []
    first = build()
    assert first["edges"]["SUPPORTS"] == 2 and "re-ingested" not in said[-1]  # nothing held before
    lines = NOTICE.splitlines()
    notice.write_text("\n".join(l for l in lines if "按职责分工负责" not in l) + "\n", encoding="utf-8")
    assert build("--upsert")["edges"].get("SUPPORTS") == 2  # an upsert keeps what is gone from the file
    assert build()["edges"].get("SUPPORTS") is None  # a build replaces it
    measures = first["nodes"]["Measure"] + first["nodes"].get("Obligation", 0)
    assert f"1 file(s) re-ingested: their {measures} measures/obligations replaced by the export's" in said[-1]


def test_build_into_an_unreachable_neo4j_fails_before_extracting(tmp_path):
    """The server is checked first: one error line, exit 1, and no export written."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.txt").write_text(NOTICE, encoding="utf-8")
    env = dict(os.environ, POLICYKG_DATA=str(tmp_path / "data"), NEO4J_URI="bolt://127.0.0.1:9",
               NEO4J_PASSWORD="whatever1")
    res = subprocess.run([sys.executable, "-m", "policykg.cli", "build", str(tmp_path / "in"), "-q",
                          "--store", "neo4j", "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach Neo4j at bolt://127.0.0.1:9"), res.stderr
    assert not (tmp_path / "out").exists()
