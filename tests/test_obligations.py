"""Obligation extraction: unit tests on short texts, and one article of the seed corpus."""
from __future__ import annotations

import json


from extract.obligations import find_obligations, has_articles
from extract.parties import normalize_party


def _obs(text):
    return [(o.article, o.paragraph, o.modality, o.subject) for o in find_obligations(text)]


def test_simple_modalities():
    t = ("第三条登记机关应当公开办理程序。\n"
         "第四条经营者不得滥用市场支配地位。\n"
         "第五条申请人可以委托他人办理。")
    assert _obs(t) == [("第三条", 1, "obligation", "登记机关"), ("第四条", 1, "prohibition", "经营者"),
                       ("第五条", 1, "permission", "申请人")]


def test_two_modals_two_records_and_coordinated_duties_one():
    t = "第七条区域名称在企业名称中使用时应当与行政区划名称连用，不得单独使用。"
    obs = find_obligations(t)
    assert [(o.modality, o.subject, o.condition) for o in obs] == [
        ("obligation", "区域名称", None), ("prohibition", "区域名称", None)]
    t2 = "第三条企业登记机关应当提升规范化水平，为企业和群众提供高效、便捷的服务。"
    assert len(find_obligations(t2)) == 1


def test_modal_inside_condition_is_not_an_obligation():
    t = ("第九条人民法院依法认定企业名称应当停止使用的，企业应当自收到文书之日起30日内办理变更登记。\n"
         "第十条设立企业依法应当报经批准的，保留期为1年。")
    obs = find_obligations(t)
    assert [(o.article, o.subject) for o in obs] == [("第九条", "企业")]
    assert obs[0].condition == "人民法院依法认定企业名称应当停止使用的"


def test_enumerated_list_is_one_record():
    t = ("第十一条企业名称不得有下列情形：\n（一）损害国家尊严或者利益；\n"
         "（二）法律、行政法规以及国家规定禁止的其他情形。\n第十二条本规定自2021年3月1日起施行。")
    obs = find_obligations(t)
    assert len(obs) == 1 and obs[0].modality == "prohibition" and obs[0].subject == "企业名称"
    assert t[obs[0].start:obs[0].end].rstrip("。").endswith("其他情形")  # the span covers the whole list


def test_subject_of_condition_and_topic():
    t = ("第二十条企业登记机关发现已经登记的企业名称不符合本规定的，应当及时纠正。"
         "其他单位或者个人认为企业名称不符合本规定的，可以请求企业登记机关予以纠正。\n"
         "第十五条有投资关系的企业，其名称中可以含有另一个企业的名称。")
    obs = find_obligations(t)
    assert [(o.subject, o.subject_class) for o in obs] == [
        ("企业登记机关", "agency"), ("其他单位或者个人", "other"), ("有投资关系的企业", "regulated_party")]


def test_activity_subject_is_null_and_paragraph_numbers():
    t = "第二十三条使用企业名称应当遵守法律法规，不得损害他人合法权益。\n企业应当办理变更登记。"
    assert _obs(t) == [("第二十三条", 1, "obligation", None), ("第二十三条", 1, "prohibition", None),
                       ("第二十三条", 2, "obligation", "企业")]


def test_implicit_modality_and_penalties():
    t = ("第二十条企业登记机关在办理企业登记时，发现企业名称不符合本规定的，不予登记并书面说明理由。\n"
         "第三十条违反本条例规定的，由登记机关责令改正，处1万元以上10万元以下的罚款。\n"
         "第三十一条申请人违反本规定的，依照有关法律、行政法规的规定予以处罚。")
    obs = find_obligations(t)
    assert [(o.subject, o.implicit_modality, o.penalty) for o in obs] == [
        ("企业登记机关", True, False), ("登记机关", True, True), (None, True, True)]


def test_not_obligations():
    t = ("第一条为了规范企业名称登记管理，制定本规定。\n"
         "第二条本办法所称企业，是指依法设立的企业。\n"
         "第三条国家鼓励企业开展创新。\n"
         "第四条个体工商户的名称登记管理，参照本规定执行。\n"
         "第五条本规定自2021年3月1日起施行。\n"
         "第六条分析相关市场时，可以考虑下列因素。")
    assert find_obligations(t) == []


def test_article_headings_and_end_of_regulation():
    t = ("第一条 目的和依据\n为了预防垄断行为，制定本指南。\n第二条 执法机构\n执法机构应当依法履行职责。\n"
         "国务院反垄断委员会\n2021年2月7日")
    assert _obs(t) == [("第二条", 1, "obligation", "执法机构")]


def test_normalize_party_and_has_articles():
    assert normalize_party("跨省、自治区、直辖市经营的企业") == "企业"
    assert normalize_party("相关企业") == "企业"
    assert has_articles("第一条为了…\n第二条本办法…\n第三条本办法…") and not has_articles("第十条甲\n第六条乙\n第七条丙") and not has_articles("一、总体要求\n（一）指导思想。")


# --- corpus integration --------------------------------------------------------------------------
def test_corpus_article_obligations(corpus_export):
    out, _ = corpus_export
    nodes = [json.loads(l) for l in (out / "nodes.jsonl").open(encoding="utf-8")]
    obs = [n for n in nodes if n["label"] == "Obligation"
           and n["source"]["file"].startswith("000_") and n["source"]["line_start"] < 233]
    art23 = sorted((o["paragraph"], o["modality"], o["subject"] or "", o["implicit_modality"])
                   for o in obs if o["article"] == "第二十三条")
    # 企业名称登记管理规定 第二十三条: two duties of para 1, the company's duty and three acts of the registrar
    assert art23 == [(1, "obligation", "", False), (1, "prohibition", "", False),
                     (2, "obligation", "企业", False), (2, "obligation", "企业登记机关", True),
                     (2, "obligation", "企业登记机关", True), (2, "obligation", "企业登记机关", True)]
    edges = [json.loads(l) for l in (out / "edges.jsonl").open(encoding="utf-8")]
    ids = {o["id"] for o in obs}
    assert {e["type"] for e in edges if e["source"] in ids} == {"PART_OF", "BINDS"}


def test_dev_obligation_gate(corpus_export, dev_gold):
    import subprocess
    import sys

    out, _ = corpus_export
    score = dev_gold.parent / "score.py"
    res = subprocess.run([sys.executable, str(score), str(out), str(dev_gold), "--min", "obligation_f1=0.90",
                          "--min", "obligation_subject_acc=0.85"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


def test_penalty_agent_inherited_and_agent_of_you():
    t = ("第一条为了规范管理，制定本办法。\n第二条本办法适用于全国。\n"
         "第三条运营者有下列情形之一的，由有关主管部门依据职责责令改正，给予警告；拒不改正的，处10万元以上100万元以下罚款：\n"
         "（一）未履行义务；\n（二）未报告。\n"
         "第四条营业执照样式由国务院市场监督管理部门统一制定。")
    obs = find_obligations(t)
    assert [(o.article, o.subject, o.penalty, o.subject_implicit) for o in obs] == [
        ("第三条", "有关主管部门", True, False), ("第三条", "有关主管部门", True, True),
        ("第四条", "国务院市场监督管理部门", False, False)]


def test_relative_clauses_and_continuations_are_not_new_duties():
    t = ("第二条省级以上人民政府负责中小企业促进工作综合管理的部门受理投诉。\n"
         "第十一条子基金不得从事贷款业务，以及其他国家法律法规禁止私募基金从事的业务，不得用于赞助、捐赠等支出。\n"
         "第五条投诉人应当有具体的投诉事项，并对提供材料的真实性负责。")
    obs = find_obligations(t)
    assert [(o.article, o.modality, o.subject) for o in obs] == [
        ("第十一条", "prohibition", "子基金"), ("第十一条", "prohibition", "子基金"),
        ("第五条", "obligation", "投诉人"), ("第五条", "obligation", "投诉人")]


def test_article_numbers_in_a_table_are_not_a_regulation():
    t = ("第一条为了规范管理，制定本办法。\n第二条登记机关应当公开办理程序。\n第三条申请人应当如实提交材料。\n"
         "附表\n第十条植物检疫机构应当检疫。\n第六条部门应当公示。")
    assert [o.article for o in find_obligations(t)] == ["第二条", "第三条"]
