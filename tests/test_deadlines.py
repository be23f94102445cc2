"""Deadlines of measures."""
from __future__ import annotations

import json

import pytest

from extract.deadlines import find_deadline


@pytest.mark.parametrize("text,deadline,printed", [
    ("2025年底前基本建成", "2025-12-31", "2025年底前"),
    ("2021 年年底前完成清理", "2021-12-31", "2021年年底前"),
    ("到2022年，基本建立制度体系", "2022", "到2022年"),
    ("到2025年底，实现全覆盖", "2025-12-31", "2025年底"),
    ("2021年6月底前出台实施细则", "2021-06-30", "2021年6月底前"),
    ("2022年2月前完成", "2022-01-31", "2022年2月前"),
    ("于2021年9月30日前报送", "2021-09-30", "2021年9月30日前"),
    ("2022年上半年完成试点", "2022-06-30", "2022年上半年"),
    ("2021年第三季度", "2021-09-30", "2021年第三季度"),
    ("“十四五”期间累计培育", "2025", "“十四五”期间"),
    ("到二〇三五年基本实现", "2035", "到二〇三五年"),
    ("2023年前建成", "2023", "2023年前"),
])
def test_dated(text, deadline, printed):
    assert find_deadline(text) == (deadline, printed)


def test_open_ended_relative_and_none():
    assert find_deadline("（十六）清理规范口岸收费。长期坚持。") == (None, "长期坚持")
    assert find_deadline("年内完成") == (None, "年内")
    assert find_deadline("本通知自2021年9月30日起施行。") == (None, None)  # an effective date, not a deadline
    assert find_deadline("") == (None, None)


def test_first_limit_wins():
    assert find_deadline("2021年底前出台方案，到2025年全面推开")[0] == "2021-12-31"


def test_corpus_measures_carry_deadlines(corpus_export):
    out, _ = corpus_export
    ms = [json.loads(l) for l in (out / "nodes.jsonl").open(encoding="utf-8")]
    ms = [m for m in ms if m["label"] == "Measure"]
    assert all("deadline" in m and "deadline_text" in m for m in ms)
    dated = [m for m in ms if m["deadline"]]
    assert len(dated) > 50
    assert all(len(m["deadline"]) in (4, 10) for m in dated)
