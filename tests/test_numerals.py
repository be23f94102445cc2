"""Article and item numbers through 千 and 万: values, the outline, and a generated 1,260-article code
through the whole extraction (every article number right, no bogus parties)."""
from __future__ import annotations

import json

import pytest

from extract.numerals import chinese_int
from extract.outline import parse_outline

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """The way article numbers are printed: 10 → 十, 15 → 十五, 105 → 一百零五, 1260 → 一千二百六十,
    10000 → 一万. (Written here independently of the reader under test.)"""
    if n >= 10000:
        rest = n % 10000
        return to_chinese(n // 10000) + "万" + ("" if not rest else ("零" if rest < 1000 else "") + to_chinese(rest))
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += ("" if (value == 10 and digit == 1 and n < 20) else DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


@pytest.mark.parametrize("text,value", [
    ("十", 10), ("十五", 15), ("二十三", 23), ("一百零五", 105), ("九百九十九", 999), ("一千", 1000),
    ("一千零一", 1001), ("一千零十", 1010), ("一千二百六十", 1260), ("两千", 2000), ("九千九百九十九", 9999),
    ("一万", 10000), ("一万零一", 10001), ("三万五千", 35000), ("十万", 100000)])
def test_chinese_int(text, value):
    assert chinese_int(text) == value


def test_to_chinese_round_trips_through_the_reader():
    for n in range(1, 12001):
        assert chinese_int(to_chinese(n)) == n, (n, to_chinese(n))
    assert [to_chinese(n) for n in (10, 15, 105, 1010, 1260, 10000)] == [
        "十", "十五", "一百零五", "一千零一十", "一千二百六十", "一万"]


def test_outline_reads_articles_past_a_thousand():
    text = "\n".join(f"第{to_chinese(n)}条　经营者应当遵守本法。" for n in (999, 1000, 1260, 10000))
    items = parse_outline(text)
    assert [(i.kind, i.marker) for i in items] == [
        ("article", "第九百九十九条"), ("article", "第一千条"), ("article", "第一千二百六十条"), ("article", "第一万条")]


SUBJECTS = ["经营者", "消费者", "企业"]  # regulated parties (an agency subject would bind the agency)


def generated_code(articles: int) -> str:
    lines = ["中华人民共和国示范法典", "（2026年1月1日第十四届全国人民代表大会第一次会议通过）", ""]
    for n in range(1, articles + 1):
        lines.append(f"第{to_chinese(n)}条　{SUBJECTS[n % 3]}应当依照本法第{to_chinese(n)}项规定履行相应义务。")
    return "\n".join(lines) + "\n"


def test_a_1260_article_code_gets_every_article_number_and_no_bogus_parties(tmp_path):
    from policykg.cli import run_extract
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "code.txt").write_text(generated_code(1260), encoding="utf-8")
    report = run_extract([str(tmp_path / "in")], str(tmp_path / "out"), progress=False)
    assert report.skipped == []
    nodes = [json.loads(line) for line in (tmp_path / "out" / "nodes.jsonl").open(encoding="utf-8")]
    obligations = [n for n in nodes if n["label"] == "Obligation"]
    articles = sorted(chinese_int(o["article"][1:-1]) for o in obligations)
    assert articles == list(range(1, 1261))
    assert all(o["article"] == f"第{to_chinese(chinese_int(o['article'][1:-1]))}条" for o in obligations)
    by_article = {o["article"]: o["subject"] for o in obligations}
    assert by_article["第一千条"] == SUBJECTS[1000 % 3] and by_article["第一千二百六十条"] == SUBJECTS[1260 % 3]
    parties = {n["name"] for n in nodes if n["label"] == "RegulatedParty"}
    assert parties <= set(SUBJECTS), parties - set(SUBJECTS)
