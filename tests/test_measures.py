"""Outline and measures: nesting, splitting by parentheticals, articles are not measures."""
from extract.agencies import load_gazetteer
from extract.clean import clean_lines, join_lines
from extract.measures import find_measures
from extract.outline import parse_outline

GAZ = load_gazetteer()

TASKS = """一、直面市场主体需求，创新实施宏观政策
（一）继续围绕市场主体关切，科学精准实施宏观政策。（财政部、人民银行等国务院相关部门及各地区按职责分工负责）
具体措施：
1．完善常态化财政资金直达机制，强化跟踪监控。（财政部牵头，审计署等国务院相关部门及各地区按职责分工负责）
2．建立税费优惠政策同步发布机制。（税务总局负责）推动征管信息系统功能优化。（税务总局、海关总署按职责分工负责）
二、保障措施
（二）加强组织领导。各地区要狠抓落实。
"""


def joined(text):
    return join_lines(clean_lines(text.splitlines()), width=60)


def test_outline_nests_items_by_marker_rank():
    j = joined(TASKS)
    items = parse_outline(j.text)
    markers = [(it.marker, items[it.parent].marker if it.parent is not None else None) for it in items]
    assert markers == [("一、", None), ("（一）", "一、"), ("1.", "（一）"), ("2.", "（一）"),
                       ("二、", None), ("（二）", "二、")]


def test_measures_split_by_parenthetical_with_roles():
    j = joined(TASKS)
    _, measures = find_measures(j.text, GAZ)
    assigned = [m for m in measures if m.assignment]
    got = [(m.measure_no, m.part, [p.surface for p in m.assignment.leads], [p.surface for p in m.assignment.supports])
           for m in assigned]
    assert got == [("（一）", 1, [], ["财政部", "人民银行"]),
                   ("1.", 1, ["财政部"], ["审计署"]),
                   ("2.", 1, ["税务总局"], []),
                   ("2.", 2, [], ["税务总局", "海关总署"])]
    second = assigned[3]
    assert second.text.startswith("推动征管信息系统功能优化")
    assert assigned[0].heading == "继续围绕市场主体关切，科学精准实施宏观政策"
    # the parent's span stops at its own parenthetical, not at 具体措施：
    assert j.line_span(assigned[0].start, assigned[0].end) == (2, 2)


def test_items_inside_articles_are_not_measures():
    text = "第四条 有下列情形之一的，不予登记：\n（一）损害国家尊严或者利益；\n（二）违背公序良俗；\n"
    _, measures = find_measures(joined(text).text, GAZ)
    assert measures == []
