"""Tests for the agency gazetteer (extract/data/agencies.json) and matcher (extract/agencies.py)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from extract.agencies import (
    KINDS,
    AgencyEntry,
    AgencyMention,
    Gazetteer,
    load_gazetteer,
    looks_like_agency,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GROUPS = SHARED / "eval" / "dev" / "agency_groups.json"
CORPUS = SHARED / "corpus"
DATA = Path(__file__).resolve().parents[1] / "extract" / "data" / "agencies.json"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entry.name) for m in gaz.find(text)]


# --- data file ---------------------------------------------------------------------------------


def test_data_file_is_well_formed():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(data) >= 150
    names = [e["name"] for e in data]
    assert len(names) == len(set(names))
    for e in data:
        assert set(e) <= {"name", "short_name", "aliases", "kind", "parent", "note"}, e
        assert e["kind"] in KINDS, e
        assert isinstance(e["aliases"], list)
        assert not re.search(r"\s", e["name"] + e["short_name"] + "".join(e["aliases"]))
        if "parent" in e:
            assert e["parent"] in names, e
        if e["kind"] == "sub_unit":
            assert "parent" in e, e


def test_no_alias_collision_across_entries():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for e in data:
        for form in {e["name"], e["short_name"], *e["aliases"]}:
            assert owner.setdefault(form, e["name"]) == e["name"], f"{form}: {owner[form]} vs {e['name']}"


def test_collision_raises():
    a = AgencyEntry("agency:甲部", "甲部", "甲部", ("甲",), "ministry")
    b = AgencyEntry("agency:乙部", "乙部", "乙部", ("甲",), "ministry")
    with pytest.raises(ValueError):
        Gazetteer([a, b])


def test_loader_is_cached_and_sized(gaz):
    assert load_gazetteer() is gaz
    assert load_gazetteer(DATA) is gaz
    assert len(gaz) >= 150
    assert all(e.id == "agency:" + e.name for e in gaz)


def test_excluded_ambiguous_forms(gaz):
    # local-government usages must not be aliases
    for form in ["工信厅", "经信委", "市场监管局", "中办"]:
        assert gaz.resolve(form) is None, form


@pytest.mark.parametrize("text, found", [
    ("请国办牵头研究", ["国务院办公厅"]),
    ("国办发〔2021〕60号", []),                      # a 文号 prefix
    ("全国办理营业执照", []),
    ("运用央行资金精准支持", ["中国人民银行"]),
    ("中央行政事业单位", []),
    ("人行、金融监管总局按职责分工负责", ["中国人民银行", "国家金融监督管理总局"]),
    ("规范纳税人缴费人行为", []),
    ("建设人行道", []),
    ("当事人行政复议", []),
    ("各国办理签证", []),
    ("经国办同意", ["国务院办公厅"]),
    ("中华人民共和国工业和信息化部令", ["工业和信息化部"]),
    ("中华人民共和国财政部", ["财政部"]),
    ("中央金融办、中央社会工作部、国家数据局", ["中央金融委员会办公室", "中央社会工作部", "国家数据局"]),
])
def test_everyday_short_forms_only_in_their_own_context(gaz, text, found):
    assert [m.entry.name for m in gaz.find(text)] == found


def test_full_official_names_resolve(gaz):
    for full, short in [("中华人民共和国工业和信息化部", "工业和信息化部"), ("中华人民共和国财政部", "财政部"),
                        ("中华人民共和国国家发展和改革委员会", "国家发展改革委"), ("中华人民共和国海关总署", "海关总署")]:
        assert full in gaz.get("agency:" + gaz.resolve(short).name).all_forms()


def forms_naming_two_bodies(gaz) -> list[tuple[str, str]]:
    """(entry, form) where the form splits into names of two bodies (`财政部税务总局`,
    `国家发展改革委、财政部`): pieces resolving to another entry that is neither the form's own
    entry nor one of its ancestors (国务院国资委 = 国务院 + 国资委 is one body under its parent)."""
    sep = re.compile(r"[、，,和及与\s\u3000]+")
    out = []
    for e in gaz:
        own = {e.id}
        parent = e.parent
        while parent:
            own.add("agency:" + parent)
            parent = gaz.get("agency:" + parent).parent if gaz.get("agency:" + parent) else None
        for form in e.all_forms():
            if any(len({x for x in seg} - own) >= 1 and len(set(seg)) >= 2 for seg in _segmentations(gaz, form, sep)):
                out.append((e.name, form))
    return out


def _segmentations(gaz, form: str, sep):
    """Every way to cut `form` into at least two pieces that are gazetteer forms (entry ids)."""
    n = len(form)
    stack = [(0, [])]
    while stack:
        i, acc = stack.pop()
        if i == n:
            if len(acc) >= 2:
                yield acc
            continue
        m = sep.match(form, i)
        if m and acc:
            stack.append((m.end(), acc))
        for j in range(i + 1, n + 1):
            if j - i < n:
                entry = gaz.resolve(form[i:j]) if not form.startswith("中华人民共和国", i) else None
                if entry is not None:
                    stack.append((j, acc + [entry.id]))


def test_no_gazetteer_form_names_two_bodies(gaz):
    assert forms_naming_two_bodies(gaz) == []
    planted = Gazetteer([*gaz.entries[:3], AgencyEntry("agency:财政部", "财政部", "财政部", ("财政部税务总局",), "ministry"),
                         AgencyEntry("agency:国家税务总局", "国家税务总局", "税务总局", (), "directly_affiliated_agency")])
    assert forms_naming_two_bodies(planted) == [("财政部", "财政部税务总局")]


# --- resolve -----------------------------------------------------------------------------------


@pytest.mark.skipif(not GROUPS.exists(), reason="dev gold not available")
def test_dev_agency_groups_resolve():
    gaz = load_gazetteer()
    groups = json.loads(GROUPS.read_text(encoding="utf-8"))
    group_entries = []
    for group in groups:
        entries = {gaz.resolve(form) for form in group}
        assert None not in entries, [f for f in group if gaz.resolve(f) is None]
        assert len(entries) == 1, group
        group_entries.append(entries.pop().id)
    dup = [k for k, v in Counter(group_entries).items() if v > 1]
    assert not dup, dup


@pytest.mark.parametrize(
    "forms",
    [
        ["国家发展改革委", "发展改革委", "国家发展和改革委员会", "发改委", "国家发改委"],
        ["应急部", "应急管理部"],
        ["卫生健康委", "国家卫生健康委", "国家卫生健康委员会"],
        ["人民银行", "中国人民银行"],
        ["银保监会", "中国银保监会", "中国银行保险监督管理委员会"],
        ["证监会", "中国证监会"],
        ["税务总局", "国家税务总局"],
        ["市场监管总局", "国家市场监督管理总局"],
        ["国资委", "国务院国资委", "国务院国有资产监督管理委员会"],
        ["外汇局", "国家外汇局", "国家外汇管理局"],
        ["知识产权局", "国家知识产权局"],
        ["医保局", "国家医保局"],
        ["能源局", "国家能源局"],
        ["铁路局", "国家铁路局"],
        ["民航局", "中国民航局"],
        ["林草局", "国家林草局", "国家林业和草原局"],
        ["科技部", "科学技术部"],
        ["工信部", "工业和信息化部"],
        ["党中央", "中共中央"],
        ["中央网信办", "国家互联网信息办公室", "国家网信办", "网信办"],
        ["全国总工会", "中华全国总工会"],
        ["贸促会", "中国贸促会"],
        ["供销合作总社", "中华全国供销合作总社"],
        ["开发银行", "国家开发银行", "国开行"],
        ["进出口银行", "中国进出口银行"],
        ["农业发展银行", "中国农业发展银行"],
        ["建设银行", "中国建设银行"],
        ["中国出口信用保险公司", "中国信保", "中信保公司"],
        ["国铁集团", "中国国家铁路集团有限公司"],
        ["中国邮政集团", "中国邮政集团有限公司"],
        ["全国人大常委会", "全国人民代表大会常务委员会"],
    ],
)
def test_variants_resolve_to_one_entry(gaz, forms):
    entries = {gaz.resolve(f) for f in forms}
    assert None not in entries
    assert len(entries) == 1


def test_resolve_is_whitespace_insensitive_and_prefix_tolerant(gaz):
    assert gaz.resolve("交 通 运 输 部").name == "交通运输部"
    assert gaz.resolve(" 财  政  部\n") is gaz.resolve("财政部")
    assert gaz.resolve("中华人民共和国商务部") is gaz.resolve("商务部")
    assert gaz.resolve("不存在的机构") is None


def test_sub_units_are_separate_entries(gaz):
    pairs = {
        "工业和信息化部办公厅": "工业和信息化部",
        "国家发展改革委办公厅": "国家发展和改革委员会",
        "中国银保监会办公厅": "中国银行保险监督管理委员会",
        "教育部办公厅": "教育部",
        "科技部火炬中心": "科学技术部",
        "商标局": "国家知识产权局",
        "国家知识产权局商标局": "国家知识产权局",
        "国管局办公室": "国家机关事务管理局",
        "国家开发银行办公室": "国家开发银行",
        "国家乡村振兴局综合司": "国家乡村振兴局",
    }
    for sub, parent in pairs.items():
        entry = gaz.resolve(sub)
        assert entry is not None, sub
        assert entry.kind == "sub_unit" and entry.parent == parent, (sub, entry)
        assert entry is not gaz.resolve(parent)


def test_entry_all_forms(gaz):
    e = gaz.resolve("发改委")
    forms = e.all_forms()
    assert forms[0] == "国家发展和改革委员会" and forms[1] == "国家发展改革委"
    assert "发展改革委" in forms and len(forms) == len(set(forms))
    assert e.kind == "commission" and e.id == "agency:国家发展和改革委员会"


# --- find --------------------------------------------------------------------------------------


def test_find_longest_match_wins(gaz):
    ms = gaz.find("国家发展改革委牵头")
    assert len(ms) == 1
    assert (ms[0].start, ms[0].end, ms[0].surface) == (0, 7, "国家发展改革委")
    assert isinstance(ms[0], AgencyMention)
    assert found(gaz, "（发展改革委牵头负责）") == [("发展改革委", "国家发展和改革委员会")]


@pytest.mark.parametrize(
    "text",
    ["各地财政部门要加强", "公安部门", "商务部门", "人社部门", "商务主管部门", "教育部门", "科技部门",
     "省级人力资源社会保障部门", "交通运输部门"],
)
def test_find_rejects_department_words(gaz, text):
    assert gaz.find(text) == []


def test_find_generic_state_council_parties(gaz):
    assert found(gaz, "市场监管总局等国务院相关部门") == [("市场监管总局", "国家市场监督管理总局")]
    assert found(gaz, "（市场监管总局等国务院相关部门及各地区按职责分工负责）") == [("市场监管总局", "国家市场监督管理总局")]
    assert gaz.find("国务院有关部门") == [] and gaz.find("国务院各部委") == []
    assert gaz.find("国务院价格主管部门") == []
    # but real mentions of the State Council stay
    assert [m.surface for m in gaz.find("经国务院同意")] == ["国务院"]
    assert [m.surface for m in gaz.find("国务院会同有关部门")] == ["国务院"]
    assert [m.surface for m in gaz.find("党中央、国务院决策部署")] == ["党中央", "国务院"]


def test_find_rejects_local_bureaus(gaz):
    for text in ["地方知识产权局", "省知识产权局", "各省级知识产权局要", "市场监管局", "县市场监管局",
                 "新疆生产建设兵团发展改革委", "党委网信办", "各地国资委"]:
        assert gaz.find(text) == [], text
    assert found(gaz, "（知识产权局负责）") == [("知识产权局", "国家知识产权局")]


def test_find_other_word_hazards(gaz):
    assert gaz.find("中国银行业协会") == []
    assert gaz.find("各有关铁路局集团公司") == []
    assert gaz.find("各银保监会派出机构") == []
    assert found(gaz, "在工业和信息化部门户网站公布")[0][0] == "工业和信息化部"


def test_find_sub_unit_not_ministry(gaz):
    ms = gaz.find("工业和信息化部办公厅关于印发")
    assert len(ms) == 1 and ms[0].entry.name == "工业和信息化部办公厅"
    assert ms[0].entry.parent == "工业和信息化部"
    assert found(gaz, "请报科技部火炬中心") == [("科技部火炬中心", "科学技术部火炬高技术产业开发中心")]


def test_find_military_body(gaz):
    text = "（国家知识产权局、中央军委装备发展部等按职责分工负责）"
    assert [m.surface for m in gaz.find(text)] == ["国家知识产权局", "中央军委装备发展部"]
    assert gaz.find(text)[1].entry.name == "中央军事委员会装备发展部"


def test_find_on_letter_spaced_text_after_space_removal(gaz):
    raw = "交 通 运 输 部\n\n财  政  部\n\n工业和信息\n\n化部"
    text = re.sub(r"\s+", "", raw)
    assert [m.entry.name for m in gaz.find(text)] == ["交通运输部", "财政部", "工业和信息化部"]


def test_find_joint_issuers_and_offsets(gaz):
    text = "中国人民银行银保监会财政部发展改革委工业和信息化部关于"
    ms = gaz.find(text)
    assert [m.surface for m in ms] == ["中国人民银行", "银保监会", "财政部", "发展改革委", "工业和信息化部"]
    assert all(text[m.start:m.end] == m.surface for m in ms)
    assert found(gaz, "中华人民共和国商务部令") == [("中华人民共和国商务部", "商务部")]


# --- jieba -------------------------------------------------------------------------------------


def test_jieba_user_dict(gaz, tmp_path):
    text = gaz.jieba_user_dict()
    lines = text.splitlines()
    assert all(re.fullmatch(r"\S+ \d+ (nt|n)", line) for line in lines)
    words = {line.split()[0] for line in lines if line.endswith(" nt")}
    assert words == set(gaz.forms())
    path = gaz.write_jieba_user_dict(tmp_path / "agencies.dict")
    assert path.read_text(encoding="utf-8") == text

    jieba = pytest.importorskip("jieba")
    tok = jieba.Tokenizer()
    tok.load_userdict(str(path))
    tokens = tok.lcut("各地财政部门要会同国家发展改革委、市场监管总局和工业和信息化部办公厅")
    assert "国家发展改革委" in tokens and "市场监管总局" in tokens and "工业和信息化部办公厅" in tokens
    assert "财政部" not in tokens
    assert "应急管理部" not in tok.lcut("应急管理部门")


# --- looks_like_agency --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["某某市大数据管理局", "中国物流与采购联合会", "国家能源集团有限公司", "中共中央对外联络部", "应急管理部"]
)
def test_looks_like_agency_true(name):
    assert looks_like_agency(name)


@pytest.mark.parametrize(
    "name", ["国务院相关部门", "有关部门", "各地区", "地方各级人民政府", "要加强管理", "负责", "部",
             "市场监管总局等国务院相关部门", "商务部会同", "这是一个非常非常非常非常长的名称管理委员会"]
)
def test_looks_like_agency_false(name):
    assert not looks_like_agency(name)


# --- corpus ------------------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")), reason="corpus absent")
def test_corpus_counts(gaz):
    text = "\n".join(re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt")))
    ms = gaz.find(text)
    by_name = Counter(m.entry.name for m in ms)
    assert by_name["工业和信息化部"] >= 300
    assert gaz.resolve("国家发展改革委") is gaz.resolve("国家发展和改革委员会")
    surfaces = Counter(m.surface for m in ms)
    assert surfaces["国家发展改革委"] >= 150 and surfaces["国家发展和改革委员会"] >= 1
    assert {m.entry.id for m in ms if m.surface in ("国家发展改革委", "国家发展和改革委员会")} == {
        "agency:国家发展和改革委员会"
    }
    # nothing matched inside X部门 / local bureaus
    assert not [m for m in ms if m.entry.name.endswith("部") and text[m.end:m.end + 1] == "门"
                and text[m.end:m.end + 2] != "门户"]
    assert not [m for m in ms if text[max(0, m.start - 2):m.start] == "地方"]


def test_a_class_of_bodies_is_not_an_agency():
    assert looks_like_agency("民航各地区管理局") is False
    assert looks_like_agency("中国民航局华东地区管理局") is True
