"""The samples of the other layouts scored against their hand-checked gold (tests/data/samples_gold)
with the reference scorer, like the dev-gold gate.

supersedes_f1 stays below 1 for a reason of the scorer, not of the extraction: it compares edges by
their endpoints' 文号 and titles only, so the same revision printed in two versions of one
regulation (互联网上网服务营业场所管理条例 2019 and 2022) counts once, and the newer → older link of
the two versions is an edge the gold does not list.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

GOLD = Path(__file__).parent / "data" / "samples_gold"
MINIMA = {"doc_recall": 1.0, "doc_title_acc": 1.0, "doc_doc_number_acc": 1.0, "doc_date_acc": 1.0,
          "doc_doc_type_acc": 1.0, "resp_any_f1": 1.0, "resp_lead_f1": 1.0, "measure_recall": 1.0,
          "supersedes_f1": 0.85}


def test_samples_score_against_their_gold(samples_dir, tmp_path, export_of):
    scorer = samples_dir.parent / "eval" / "score.py"
    export_of([samples_dir], tmp_path / "export")
    result = subprocess.run([sys.executable, str(scorer), str(tmp_path / "export"), str(GOLD),
                             "--json", str(tmp_path / "scores.json")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert set(MINIMA) <= set(scores) and scores["doc_extra"] == 0
    assert {k: v for k, v in scores.items() if k in MINIMA and v < MINIMA[k]} == {}
