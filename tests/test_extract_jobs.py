"""Extraction on several cores, and bounded work per file (policykg/extract_pool.py)."""
import json
import subprocess
import sys
import time
from pathlib import Path

from policykg.cli import run_extract
from policykg.extract_pool import FileLimits

from test_cli_extract import NOTICE, run_cli

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def test_two_jobs_write_the_same_export_as_one(corpus_dir, tmp_path):
    inputs = [str(corpus_dir)] + ([str(SAMPLES)] if SAMPLES.exists() else [])
    one = run_extract(inputs, str(tmp_path / "one"), progress=False, jobs=1)
    two = run_extract(inputs, str(tmp_path / "two"), progress=False, jobs=2)
    assert one.files_read == two.files_read and len(one.files_read) >= 2
    for name in ("nodes.jsonl", "edges.jsonl"):
        a, b = (tmp_path / "one" / name).read_bytes(), (tmp_path / "two" / name).read_bytes()
        assert a == b and a.count(b"\n") > 1000, name


def _one_line_file(path: Path, megabytes: int) -> Path:
    """A file with no line break: agency names and measure-like sentences repeated."""
    unit = "工业和信息化部、财政部按职责分工负责，加大对中小企业的支持力度；".encode("utf-8")
    with path.open("wb") as fh:
        for _ in range(megabytes):
            fh.write(unit * (1048576 // len(unit)))
    return path


def test_a_file_over_the_time_limit_is_stopped_and_named_the_rest_is_exported(tmp_path):
    (tmp_path / "in").mkdir()
    huge = _one_line_file(tmp_path / "in" / "one_line.txt", 50)
    (tmp_path / "in" / "notice.txt").write_text(NOTICE, encoding="utf-8")
    started = time.monotonic()
    res = run_cli("extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "2",
                  "--file-timeout", "3", "--max-file-mb", "100")
    assert time.monotonic() - started < 60
    assert res.returncode == 1 and "Traceback" not in res.stderr
    line = next(l for l in res.stderr.splitlines() if huge.name in l)
    assert "skipped" in line and "longer than 3 s" in line
    docs = [json.loads(l) for l in (tmp_path / "out" / "nodes.jsonl").read_text(encoding="utf-8").splitlines()]
    titles = {n["title"] for n in docs if n["label"] == "Document"}
    assert titles == {"国务院办公厅关于进一步加大对中小企业纾困帮扶力度的通知"}


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    (tmp_path / "in").mkdir()
    huge = _one_line_file(tmp_path / "in" / "big.txt", 3)
    (tmp_path / "in" / "notice.txt").write_text(NOTICE, encoding="utf-8")
    report = run_extract([str(tmp_path / "in")], None, progress=False, jobs=1,
                         limits=FileLimits(max_bytes=2 * 1048576, seconds=60))
    assert report.files_read == [str(tmp_path / "in" / "notice.txt")]
    assert report.skipped == [(str(huge), "file too large (3.0 MB; the limit is 2 MB, --max-file-mb)")]
    assert report.nodes["Document"] == 1


def test_help_names_jobs_and_limits():
    for command in ("extract", "build"):
        out = subprocess.run([sys.executable, "-m", "policykg.cli", command, "--help"],
                             capture_output=True, text=True).stdout
        for option in ("--jobs", "--max-file-mb", "--file-timeout", "all cores"):
            assert option in out, (command, option)
