"""Assignment parentheticals: every form printed in the corpus, roles per the eval README."""
import pytest

from extract.agencies import load_gazetteer
from extract.responsibility import find_assignments, parse_assignment

GAZ = load_gazetteer()


def roles(raw):
    a = parse_assignment(raw, GAZ)
    assert a is not None, raw
    return ([p.surface for p in a.leads], [p.surface for p in a.supports], a.generic)


@pytest.mark.parametrize("raw, leads, supports, generic", [
    ("（财政部牵头，审计署等国务院相关部门及各地区按职责分工负责）", ["财政部"], ["审计署"], ["国务院相关部门", "各地区"]),
    ("（税务总局负责）", ["税务总局"], [], []),
    ("（人民银行、银保监会牵头，国务院相关部门及各地区按职责分工负责）", ["人民银行", "银保监会"], [], ["国务院相关部门", "各地区"]),
    ("（国家发展改革委、商务部负责）", [], ["国家发展改革委", "商务部"], []),
    ("（人力资源社会保障部等国务院相关部门按职责分工负责）", ["人力资源社会保障部"], [], ["国务院相关部门"]),
    ("（国家医保局及各地区按职责分工负责）", ["国家医保局"], [], ["各地区"]),
    ("（工业和信息化部、证监会会同各地方按职责分工负责）", ["工业和信息化部", "证监会"], [], ["各地方"]),
    ("（国家外汇局牵头，银保监会配合）", ["国家外汇局"], ["银保监会"], []),
    ("（财政部、科技部会同有关部门负责落实）", ["财政部", "科技部"], [], ["有关部门"]),
    ("（各地区负责）", [], [], ["各地区"]),
    ("（国务院办公厅牵头，各地区、各部门负责）", ["国务院办公厅"], [], ["各地区", "各部门"]),
    ("（发展改革委牵头负责）", ["发展改革委"], [], []),
    ("（商务部牵头，相关单位及地区按职责分工负责）", ["商务部"], [], ["相关单位", "地区"]),
    ("（民政部牵头，中国残联等相关单位及各地区按职责分工负责）", ["民政部"], ["中国残联"], ["相关单位", "各地区"]),
    ("（生态环境部、人民银行、银保监会、证监会按分工负责）", [], ["生态环境部", "人民银行", "银保监会", "证监会"], []),
    ("（人力资源社会保障部、教育部等按职责分工负责）", [], ["人力资源社会保障部", "教育部"], []),
    ("（开发银行负责）", ["开发银行"], [], []),
    ("（国务院相关部门和地方各级人民政府按职责分工负责）", [], [], ["国务院相关部门", "地方各级人民政府"]),
])
def test_assignment_roles(raw, leads, supports, generic):
    assert roles(raw) == (leads, supports, generic)


def test_scope_suffix_is_kept_apart():
    a = parse_assignment("（商务部负责；适用范围：自贸试验区）", GAZ)
    assert [p.surface for p in a.leads] == ["商务部"]
    assert a.scope == "适用范围：自贸试验区"


@pytest.mark.parametrize("raw", ["（以下简称《通知》）", "（2021年版）", "（国发〔2021〕7号）", "（局）"])
def test_non_assignments_are_ignored(raw):
    assert parse_assignment(raw, GAZ) is None


def test_find_assignments_in_a_sentence_with_other_parentheses():
    text = "（十六）清理规范口岸收费（含港口费用）。加快修订收费目录。（交通运输部牵头，国家发展改革委、财政部按职责分工负责）"
    found = find_assignments(text, GAZ)
    assert len(found) == 1
    assert [p.surface for p in found[0].leads] == ["交通运输部"]
    assert [p.surface for p in found[0].supports] == ["国家发展改革委", "财政部"]
    assert text[found[0].start:found[0].end] == found[0].raw


def test_unknown_agency_like_name_is_kept_unverified():
    a = parse_assignment("（国家数字经济促进办公室牵头，各地区负责）", GAZ)
    assert [(p.surface, p.agency_id) for p in a.leads] == [("国家数字经济促进办公室", None)]


def test_members_of_a_group_and_classes_of_bodies_are_generic():
    assert roles("（国务院促进中小企业发展工作领导小组各成员单位按职责分工负责）") == \
        ([], [], ["国务院促进中小企业发展工作领导小组各成员单位"])
    assert roles("（中央级科研院所负责落实）") == ([], [], ["中央级科研院所"])
    assert roles("（发展改革委、商务部、统计局、中国物流与采购联合会按职责分工负责）")[1] == \
        ["发展改革委", "商务部", "统计局", "中国物流与采购联合会"]
