"""Duty holders on short texts written for each form (extract/duty_holders.py, extract/parties.py,
find_bindings), and on the seed corpus: 国务院令第746号's duties reach 国家市场监督管理总局, every
RegulatedParty is an actor."""
from __future__ import annotations

import json

import pytest

from extract.agencies import load_gazetteer
from extract.duty_holders import find_definitions, resolve_holders
from extract.obligations import find_bindings, find_obligations
from extract.parties import classify_party

GAZ = load_gazetteer()
_N = "一二三四五六七八九十"


def _article(n: int) -> str:
    return f"第{_N[n - 1] if n <= 10 else '十' + _N[n - 11]}条"


# a regulation written for these tests: a definition in 第二条 used ten articles later (第十三条), an
# elided subject (第十三条 second clause), coordinated subjects with a provincial counterpart (第十四条),
# a penalty clause (第十五条), a class of several bodies (第十六条)
ARTICLES = ["为了规范网络货运经营活动，制定本条例。",
            "县级以上地方人民政府交通运输主管部门（以下简称运输管理机构）负责本行政区域内网络货运的监督管理工作。",
            *["经营者应当建立健全安全生产制度。"] * 10,
            "运输管理机构应当对经营者提交的材料进行审查；发现材料不齐全的，应当一次性告知需要补正的全部内容。",
            "省、自治区、直辖市人民政府交通运输主管部门和公安机关应当建立信息共享机制。",
            "经营者未按照规定报送运单数据的，由运输管理机构责令改正，处1万元以上5万元以下的罚款。",
            "税务机关、海关和国务院金融管理部门应当加强协作。"]
TEXT = "\n".join(f"{_article(n)} {a}" for n, a in enumerate(ARTICLES, 1))


def _bound():
    obligations = find_obligations(TEXT, GAZ)
    bindings = find_bindings(obligations, GAZ, find_definitions(TEXT))
    out = []
    for k, o in enumerate(obligations):
        got = [(GAZ.get(b.agency_id).name if b.agency_id else b.party, b.level or b.party_kind)
               for b in bindings if b.obligation == k]
        out.append((o.article, o.subject, o.penalty, o.subject_implicit, got))
    return out


def test_a_definition_is_carried_to_a_mention_ten_articles_later():
    (d,) = find_definitions(TEXT)
    assert (d.term, d.holder) == ("运输管理机构", "县级以上地方人民政府交通运输主管部门")
    first = next(r for r in _bound() if r[0] == "第十三条")
    assert first[1:] == ("运输管理机构", False, False, [("交通运输部", "county_and_above")])
    # before its definition the term is nobody's
    assert resolve_holders("运输管理机构", GAZ, [d], at=d.start)[0].body is None


def test_an_elided_subject_carries_the_holder_of_the_previous_clause():
    second = [r for r in _bound() if r[0] == "第十三条"][1]
    assert second[3] is True and second[4] == [("交通运输部", "county_and_above")]


def test_coordinated_subjects_bind_each_body_at_its_level():
    row = next(r for r in _bound() if r[0] == "第十四条")
    assert row[4] == [("交通运输部", "provincial"), ("公安部", "all")]
    row = next(r for r in _bound() if r[0] == "第十六条")
    # a class of several bodies binds no ministry: it stays a party
    assert row[4] == [("国家税务总局", "all"), ("海关总署", "all"), ("国务院金融管理部门", "role")]


def test_a_penalty_clause_binds_the_enforcing_body():
    row = next(r for r in _bound() if r[0] == "第十五条")
    assert row[1:] == ("运输管理机构", True, False, [("交通运输部", "county_and_above")])


@pytest.mark.parametrize("printed, body, level", [
    ("国务院市场监督管理部门", "国家市场监督管理总局", "national"),
    ("国家网信部门", "中央网络安全和信息化委员会办公室", "national"),
    ("国家网信部门等有关主管部门", "中央网络安全和信息化委员会办公室", "national"),
    ("县级以上人民政府市场监督管理部门", "国家市场监督管理总局", "county_and_above"),
    ("县级以上地方人民政府水行政主管部门", "水利部", "county_and_above"),
    ("省、自治区、直辖市人民政府商务主管部门", "商务部", "provincial"),
    ("省级财政部门", "财政部", "provincial"),
    ("地方各级财政部门", "财政部", "local"),
    ("公安机关", "公安部", "all"),
    ("国家安全机关", "国家安全部", "all"),
    ("税务机关", "国家税务总局", "all"),
    ("海关", "海关总署", "all"),
    ("国务院价格主管部门", "国家发展和改革委员会", "national"),
    ("国务院银行保险监督管理机构", "中国银行保险监督管理委员会", "national"),  # as named when issued
    ("国务院反垄断执法机构", "国家市场监督管理总局", "national"),
    ("工业和信息化部门", "工业和信息化部", "all"),
    ("县级以上地方人民政府承担市场主体登记工作的部门", "国家市场监督管理总局", "county_and_above"),
    ("市场监管总局", "国家市场监督管理总局", "national"),
    ("中国人民银行及其省会（首府）城市中心支行以上分支机构", "中国人民银行", "all"),
    ("国家金融监督管理总局派出机构", "国家金融监督管理总局", "local"),
])
def test_printed_holders_resolve_to_the_national_body_and_level(printed, body, level):
    assert [(h.body, h.level) for h in resolve_holders(printed, GAZ)] == [(body, level)]


@pytest.mark.parametrize("printed", ["有关部门", "有关主管部门", "地方各级人民政府", "国务院金融管理部门",
                                     "保护工作部门", "政策制定机关", "国务院有关部门", "登记机关"])
def test_generic_parties_roles_and_classes_bind_no_ministry(printed):
    assert [h.body for h in resolve_holders(printed, GAZ)] == [None]


def test_so_called_definitions_and_defined_terms_with_a_qualifier():
    text = "第二条 本条例所称登记机关，是指县级以上地方人民政府市场监督管理部门。第九条 迁出地登记机关应当及时移交档案。"
    (d,) = find_definitions(text)
    assert (d.term, d.holder) == ("登记机关", "县级以上地方人民政府市场监督管理部门")
    (h,) = resolve_holders("迁出地登记机关", GAZ, [d], at=len(text))
    assert (h.body, h.level, h.defined_as) == ("国家市场监督管理总局", "county_and_above", d.holder)
    role = "安全保护和监督管理部门是负责关键信息基础设施安全保护工作的部门（以下简称保护工作部门）。"
    (d,) = find_definitions(role)
    assert d.holder == "负责关键信息基础设施安全保护工作的部门"
    assert resolve_holders("保护工作部门", GAZ, [d], at=len(role))[0].body is None


def test_a_definition_whose_holder_follows_and_a_unit_named_inside_its_holder():
    text = ("第四条 企业法人登记主管机关（以下简称登记主管机关）是国家市场监督管理总局和地方各级市场监督管理部门。"
            "第五条 直辖市公安机关交通管理部门车辆管理所负责本行政区域内机动车登记业务。"
            "第九条 上级登记主管机关应当加强指导。第十条 车辆管理所应当当场办理。")
    defs = find_definitions(text)
    assert [(d.term, d.holder) for d in defs] == [
        ("登记主管机关", "国家市场监督管理总局和地方各级市场监督管理部门"), ("车辆管理所", "直辖市公安机关交通管理部门")]
    # one body named at two tiers binds it once, at every tier
    assert [(h.body, h.level) for h in resolve_holders("上级登记主管机关", GAZ, defs, at=len(text))] == [
        ("国家市场监督管理总局", "all")]
    assert [(h.body, h.level) for h in resolve_holders("车辆管理所", GAZ, defs, at=len(text))] == [("公安部", "all")]


@pytest.mark.parametrize("printed, body, level", [
    ("公安机关交通管理部门", "公安部", "all"), ("省级公安机关交通管理部门", "公安部", "provincial")])
def test_a_department_inside_an_organ_belongs_to_its_system(printed, body, level):
    assert [(h.body, h.level) for h in resolve_holders(printed, GAZ)] == [(body, level)]


def test_judicial_organs_are_not_the_ministry_of_justice():
    assert resolve_holders("司法机关", GAZ)[0].body is None
    assert classify_party("司法机关").kind == "government"
    assert resolve_holders("县级以上地方人民政府司法行政部门", GAZ)[0].body == "司法部"


@pytest.mark.parametrize("printed, name, kind", [
    ("企业", "企业", "enterprise"), ("相关企业", "企业", "enterprise"), ("控股企业", "企业", "enterprise"),
    ("跨省、自治区、直辖市经营的企业", "企业", "enterprise"), ("市场主体", "市场主体", "enterprise"),
    ("关键信息基础设施运营者", "运营者", "operator"), ("平台经营者", "平台经营者", "operator"),
    ("申请人", "申请人", "applicant"), ("任何个人", "个人", "individual"), ("其他单位", "单位", "organisation"),
    ("有关主管部门", "有关部门", "government"), ("地方各级人民政府", "地方人民政府", "government"),
    ("政策制定机关", "政策制定机关", "role"),
])
def test_printed_subjects_are_normalised_onto_actor_classes(printed, name, kind):
    cls = classify_party(printed)
    assert (cls.name, cls.kind) == (name, kind)


@pytest.mark.parametrize("thing", ["资产负债表", "行迹", "结果", "出资方式", "企业名称", "该字词", "市场主体歇业的期限最长"])
def test_a_thing_is_never_a_party(thing):
    assert classify_party(thing) is None


ACTOR_KINDS = {"enterprise", "operator", "applicant", "individual", "organisation", "government", "role"}


@pytest.mark.corpus
def test_every_party_of_the_seed_corpus_is_an_actor(corpus_export):
    out, _ = corpus_export
    nodes = [json.loads(line) for line in open(out / "nodes.jsonl", encoding="utf-8")]
    parties = {n["name"]: n["kind"] for n in nodes if n["label"] == "RegulatedParty"}
    assert parties == {
        "上级机关": "role", "个人": "individual", "人员": "individual", "企业": "enterprise", "保护工作部门": "role",
        "具体业务机构": "role", "单位": "organisation", "受理投诉部门": "role", "地方人民政府": "government",
        "子基金管理机构": "role", "市场主体": "enterprise", "平台经营者": "operator", "当事人": "individual",
        "政策制定机关": "role", "有关部门": "government", "服务提供者": "operator", "本级联席会议办公室": "role",
        "各级联席会议办公室": "role", "牵头部门": "role", "用户": "individual", "申请人": "applicant",
        "经营者": "operator", "联席会议办公室": "role", "起草部门": "role", "运营者": "operator",
        "金融机构": "enterprise"}
    assert set(parties.values()) <= ACTOR_KINDS


@pytest.mark.corpus
def test_the_duties_of_state_council_decree_746_bind_samr(corpus_export):
    out, _ = corpus_export
    nodes = {n["id"]: n for n in map(json.loads, open(out / "nodes.jsonl", encoding="utf-8"))}
    edges = [json.loads(line) for line in open(out / "edges.jsonl", encoding="utf-8")]
    mine = {i for i, n in nodes.items() if n["label"] == "Obligation" and n["document"] == "doc:国务院令第746号"}
    samr = [e for e in edges if e["type"] == "BINDS" and e["source"] in mine
            and e["target"] == "agency:国家市场监督管理总局"]
    levels = {e["level"] for e in samr}
    assert len(samr) >= 40 and levels == {"national", "county_and_above"}
    by_surface = {e["surface"] for e in samr}
    assert {"国务院市场监督管理部门", "登记机关"} <= by_surface
    defined = next(e for e in samr if e["surface"] == "登记机关")
    assert defined["defined_as"] == "县级以上地方人民政府承担市场主体登记工作的部门"


def test_subjects_printed_as_relative_clauses_topics_and_actors_of_conditions():
    text = "\n".join([
        "第一条 为了规范登记，制定本规定。",
        "第二条 从事机动车查验工作的人员，应当持有公安机关交通管理部门颁发的资格证书。",
        "第三条 申请企业法人登记的单位应当具备下列条件：", "（一）名称、组织机构和章程；", "（二）固定的经营场所。",
        "第四条 申请人完成筹建后，应当向同级公安机关申请信息网络安全审核。",
        "第五条 出口经营者、进口商发现两用物项出口存在违法情形的，应当立即停止出口。",
        "第六条 核发校车标牌的公安机关交通管理部门应当及时收回校车标牌。"])
    obligations = find_obligations(text, GAZ)
    assert [(o.article, o.subject) for o in obligations] == [
        ("第二条", "从事机动车查验工作的人员"), ("第三条", "申请企业法人登记的单位"), ("第四条", "申请人"),
        ("第五条", "出口经营者、进口商"), ("第六条", "核发校车标牌的公安机关交通管理部门")]
    bound = [(b.surface, GAZ.get(b.agency_id).name if b.agency_id else b.party)
             for b in find_bindings(obligations, GAZ, find_definitions(text))]
    assert bound == [("从事机动车查验工作的人员", "人员"), ("申请企业法人登记的单位", "单位"), ("申请人", "申请人"),
                     ("出口经营者", "经营者"), ("进口商", "经营者"),
                     ("核发校车标牌的公安机关交通管理部门", "公安部")]


def test_duties_without_a_modal_word_and_the_enforcing_body_of_a_penalty():
    text = "\n".join([
        "第一条 为了规范安全生产，制定本条例。",
        "第二条 地方各级人民政府对本行政区域的安全生产工作负总责。",
        "第三条 县级以上地方人民政府应急管理部门对本行政区域内安全生产工作实施综合监督管理。",
        "第四条 国务院市场监督管理部门主管全国市场主体登记管理工作。",
        "第五条 未取得许可擅自经营的，由县级以上地方人民政府商务主管部门责令停止经营，并处1万元以上5万元以下的罚款。"])
    obligations = find_obligations(text, GAZ)
    assert [(o.article, o.subject, o.trigger, o.implicit_modality, o.penalty) for o in obligations] == [
        ("第二条", "地方各级人民政府", "负总责", False, False),
        ("第三条", "县级以上地方人民政府应急管理部门", "实施综合监督管理", True, False),
        ("第四条", "国务院市场监督管理部门", "主管", True, False),
        ("第五条", "县级以上地方人民政府商务主管部门", "责令", True, True)]
    bound = [(b.obligation, GAZ.get(b.agency_id).name if b.agency_id else b.party, b.level or b.party_kind)
             for b in find_bindings(obligations, GAZ)]
    assert bound == [(0, "地方人民政府", "government"), (1, "应急管理部", "county_and_above"),
                     (2, "国家市场监督管理总局", "national"), (3, "商务部", "county_and_above")]
