"""A small export for statutory duties and reorganisations, shared by tests/test_duties_graph.py and
tests/test_duties_app.py (a module, not a conftest.py): a 2021 measure led by 银保监会, succeeded in
2023 by 国家金融监督管理总局; a regulation's obligations binding 市场监管总局 at several levels, one
also binding 公安部; an older rule binding 国家工商行政管理总局, which 市场监管总局 succeeded in 2018;
and a partial succession (人民银行 → 金融监管总局, some duties only) that must not be followed."""
from __future__ import annotations

F = "002_duties.txt"


def _src(a, b):
    return {"file": F, "line_start": a, "line_end": b}


#: measures and obligations carry the id of their document, as the writer gives them
NODES = [
    {"id": "doc:reg", "label": "Document", "title": "中华人民共和国市场主体登记管理条例", "doc_number": "国务院令第746号",
     "date": "2021-07-27", "doc_type": "行政法规", "in_corpus": True, "source": _src(1, 60)},
    {"id": "doc:old", "label": "Document", "title": "企业登记程序规定", "doc_number": "国家工商行政管理总局令第9号",
     "date": "2004-06-14", "doc_type": "部门规章", "in_corpus": True, "source": _src(61, 90)},
    {"id": "doc:plan", "label": "Document", "title": "关于银行业保险业支持外贸发展的通知", "doc_number": "银保监发〔2021〕9号",
     "date": "2021-03-01", "doc_type": "通知", "in_corpus": True, "source": _src(91, 120)},
    {"id": "agency:samr", "label": "Agency", "name": "国家市场监督管理总局", "short_name": "市场监管总局",
     "aliases": ["市场监管总局", "国家市场监督管理总局"], "verified": True},
    {"id": "agency:saic", "label": "Agency", "name": "国家工商行政管理总局", "short_name": "国家工商总局",
     "aliases": ["国家工商总局"], "verified": True},
    {"id": "agency:cbirc", "label": "Agency", "name": "中国银行保险监督管理委员会", "short_name": "银保监会",
     "aliases": ["银保监会"], "verified": True},
    {"id": "agency:nfra", "label": "Agency", "name": "国家金融监督管理总局", "short_name": "金融监管总局",
     "aliases": ["金融监管总局"], "verified": True},
    {"id": "agency:pbc", "label": "Agency", "name": "中国人民银行", "short_name": "人民银行", "aliases": ["人民银行"],
     "verified": True},
    {"id": "agency:mps", "label": "Agency", "name": "公安部", "short_name": "公安部", "aliases": ["公安部"],
     "verified": True},
    {"id": "m:plan:1", "label": "Measure", "document": "doc:plan", "measure_no": "（一）", "heading": "加大外贸信贷投放",
     "text": "（一）加大外贸信贷投放。（银保监会牵头，人民银行配合）", "generic_parties": [], "source": _src(95, 96)},
    {"id": "m:plan:2", "label": "Measure", "document": "doc:plan", "measure_no": "（二）", "heading": "优化跨境结算",
     "text": "（二）优化跨境结算。（人民银行负责）", "generic_parties": [], "source": _src(97, 98)},
    {"id": "o:reg:5", "label": "Obligation", "document": "doc:reg", "subject": "国务院市场监督管理部门", "modality": "obligation",
     "action": "主管全国市场主体登记管理工作", "article": "第五条", "source": _src(10, 11)},
    {"id": "o:reg:6", "label": "Obligation", "document": "doc:reg", "subject": "登记机关", "modality": "obligation",
     "action": "优化市场主体登记办理流程", "article": "第六条", "source": _src(12, 14)},
    {"id": "o:reg:21", "label": "Obligation", "document": "doc:reg", "subject": "登记机关", "modality": "permission",
     "action": "对申请材料进行核查", "article": "第二十一条", "source": _src(30, 31)},
    {"id": "o:reg:44", "label": "Obligation", "document": "doc:reg", "subject": "登记机关、公安机关", "modality": "obligation",
     "action": "依法查处", "article": "第四十四条", "penalty": True, "source": _src(50, 51)},
    {"id": "o:old:3", "label": "Obligation", "document": "doc:old", "subject": "企业登记机关", "modality": "obligation",
     "action": "受理企业登记申请", "article": "第三条", "source": _src(70, 71)},
    {"id": "party:enterprise", "label": "RegulatedParty", "name": "企业", "kind": "enterprise", "aliases": ["企业"]},
]

EDGES = [
    {"source": "m:plan:1", "target": "doc:plan", "type": "PART_OF"},
    {"source": "m:plan:2", "target": "doc:plan", "type": "PART_OF"},
    {"source": "agency:cbirc", "target": "m:plan:1", "type": "LEADS"},
    {"source": "agency:pbc", "target": "m:plan:1", "type": "SUPPORTS"},
    {"source": "agency:pbc", "target": "m:plan:2", "type": "LEADS"},
    {"source": "agency:samr", "target": "doc:reg", "type": "ISSUED_BY"},
    *({"source": o, "target": d, "type": "PART_OF"} for o, d in (("o:reg:5", "doc:reg"), ("o:reg:6", "doc:reg"),
                                                                 ("o:reg:21", "doc:reg"), ("o:reg:44", "doc:reg"),
                                                                 ("o:old:3", "doc:old"))),
    {"source": "o:reg:5", "target": "agency:samr", "type": "BINDS", "surface": "国务院市场监督管理部门",
     "level": "national"},
    {"source": "o:reg:6", "target": "agency:samr", "type": "BINDS", "surface": "登记机关", "level": "county_and_above",
     "defined_as": "县级以上地方人民政府承担市场主体登记工作的部门"},
    {"source": "o:reg:21", "target": "agency:samr", "type": "BINDS", "surface": "登记机关", "level": "county_and_above"},
    {"source": "o:reg:44", "target": "agency:samr", "type": "BINDS", "surface": "登记机关", "level": "county_and_above"},
    {"source": "o:reg:44", "target": "agency:mps", "type": "BINDS", "surface": "公安机关", "level": "all"},
    {"source": "o:old:3", "target": "agency:saic", "type": "BINDS", "surface": "企业登记机关", "level": "national"},
    {"source": "agency:cbirc", "target": "agency:nfra", "type": "SUCCEEDED_BY", "date": "2023-05-18",
     "instrument": "党和国家机构改革方案（2023年3月）"},
    {"source": "agency:saic", "target": "agency:samr", "type": "SUCCEEDED_BY", "date": "2018-04-10",
     "instrument": "深化党和国家机构改革方案（2018年3月）"},
    {"source": "agency:pbc", "target": "agency:nfra", "type": "SUCCEEDED_BY", "date": "2023-05-18",
     "instrument": "党和国家机构改革方案（2023年3月）", "part": "金融消费者保护职责"},
]
