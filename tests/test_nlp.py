"""spaCy + jieba: gazetteer-aware words, agency spans on the Doc, noun-headed parties."""
from extract.nlp import ends_in_noun, make_doc, words


def test_agency_names_stay_one_word():
    assert "人力资源社会保障部" in words("由人力资源社会保障部牵头负责")


def test_doc_carries_agency_spans_by_character_offset():
    text = "国家发展改革委会同财政部部署工作，财政部门配合。"
    doc = make_doc(text)
    spans = [(s.text, s.label_) for s in doc.spans["agencies"]]
    assert spans == [("国家发展改革委", "agency:国家发展和改革委员会"), ("财政部", "agency:财政部")]


def test_party_heads():
    for good in ("企业", "申请人", "直播间运营者", "登记机关"):
        assert ends_in_noun(good), good
    for bad in ("受委托的", "统筹", "登记机关能够", "地"):
        assert not ends_in_noun(bad), bad


def test_shipped_user_dictionary_matches_the_gazetteer():
    from extract.agencies import load_gazetteer
    from extract.nlp import USER_DICT

    assert USER_DICT.read_text(encoding="utf-8") == load_gazetteer().jieba_user_dict(), \
        "regenerate with: python -m extract.nlp"
