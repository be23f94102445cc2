"""The scoped supersession gate keeps in-scope edges and drops the others."""
import importlib.util
import json
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "score_in_scope", Path(__file__).resolve().parents[1] / "tools" / "score_in_scope.py")
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
gold_scope, in_scope = _mod.gold_scope, _mod.in_scope


def test_scope_from_gold_documents(tmp_path):
    (tmp_path / "documents.jsonl").write_text("\n".join(json.dumps(d) for d in [
        {"file": "a.txt", "start_line": 10, "end_line": 50}, {"file": "a.txt", "start_line": 60, "end_line": 90}]),
        encoding="utf-8")
    scope = gold_scope(tmp_path)
    assert scope == {"a.txt": (10, 90)}
    assert in_scope({"provenance": {"file": "a.txt", "line_start": 70}}, scope)
    assert not in_scope({"provenance": {"file": "a.txt", "line_start": 91}}, scope)
    assert not in_scope({"provenance": {"file": "b.txt", "line_start": 70}}, scope)
    assert not in_scope({}, scope)
