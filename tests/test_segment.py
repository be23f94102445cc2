"""Document boundaries and headers on a small compilation written for the test."""
from extract.clean import clean_lines, typical_width
from extract.header import describe, doc_type_of, format_title, resolve_nested
from extract.segment import docno_of, find_document_starts, parse_date_line

COMPILATION = """国务院关于加快建立健全绿色低碳循环发展经济体系的指导意见
国发〔2021〕4 号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
建立健全绿色低碳循环发展经济体系，促进经济社会发展全面绿色转型，是解决我国资源环境
生态问题的基础之策。现提出如下意见。
一、总体要求
（一）指导思想。以习近平新时代中国特色社会主义思想为指导，深入贯彻党的十九大精神。
国务院
2021年 2 月 2 日
17
 【政策解读】
推动绿色成为发展的底色——国家发展改革委有关负责人谈建立健
全绿色低碳循环发展经济体系
新华社北京 2 月 23 日电 国务院近日印发《关于加快建立健全绿色低碳循环发展经济体系的指导意见》。
 中共中央办公厅 国务院办公厅印发《建设高标准市场体系行动方案》
新华社北京 1 月 31 日电 近日，中共中央办公厅、国务院办公厅印发了《建设高标准市场体系行动方案》，并发出通知。
《建设高标准市场体系行动方案》全文如下。
建设高标准市场体系是加快完善社会主义市场经济体制的重要内容。
 国务院关于印发“十四五”就业促进规划的通知
国发〔2021〕14 号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《“十四五”就业促进规划》印发给你们，请认真贯彻执行。
国务院
2021年 8 月 23日
（此件公开发布）
“十四五”就业促进规划
就业是最大的民生，也是经济发展最基本的支撑。
 工业和信息化部办公厅关于开展第三批专精特新“小巨人”企
业培育工作的通知
各省、自治区、直辖市及计划单列市、新疆生产建设兵团中小企
业主管部门：
为贯彻习近平总书记重要指示精神，现组织开展第三批专精特新“小巨人”企业培育工作。
工业和信息化部办公厅
2021年 4 月 19 日
"""


def segment(text):
    raw = []
    for line in text.splitlines():
        raw += [line, ""]
    lines = clean_lines(raw)
    width = typical_width(lines)
    headers = [describe(lines, h, width) for h in find_document_starts(lines, width)]
    resolve_nested(lines, headers, width)
    return lines, headers


def test_documents_found_with_their_kinds_and_start_lines():
    lines, headers = segment(COMPILATION)
    got = [(lines[h.start].no, h.kind, h.doc_type) for h in headers]
    assert got == [(1, "document", "意见"), (23, "interpretation", "解读"), (29, "wrapper", "方案"),
                   (37, "document", "通知"), (55, "document", "通知")]


def test_headers_title_number_date():
    _, headers = segment(COMPILATION)
    first, interp, wrapper, cover, no_docno = headers
    assert first.title == "国务院关于加快建立健全绿色低碳循环发展经济体系的指导意见"
    assert first.doc_number == "国发〔2021〕4号" and first.date == "2021-02-02"
    assert interp.title == "推动绿色成为发展的底色——国家发展改革委有关负责人谈建立健全绿色低碳循环发展经济体系"
    assert interp.doc_number is None
    assert wrapper.title == "建设高标准市场体系行动方案" and wrapper.date is None
    assert cover.doc_number == "国发〔2021〕14号" and cover.date == "2021-08-23"
    # a document without a 文号 line is still found, confirmed by its 主送 block
    assert no_docno.doc_number is None and no_docno.date == "2021-04-19"
    assert no_docno.title.startswith("工业和信息化部办公厅关于开展第三批")


def test_enclosure_after_cover_notice_is_not_a_new_document():
    lines, headers = segment(COMPILATION)
    cover = headers[3]
    enclosure = next(i for i, l in enumerate(lines) if l.text == "“十四五”就业促进规划")
    assert cover.start < enclosure < cover.end


def test_docno_forms():
    assert docno_of("国发〔2021〕4号") == "国发〔2021〕4号"
    assert docno_of("（人社部发〔2020〕90号）") == "人社部发〔2020〕90号"
    assert docno_of("工信部企业[2017]156号") == "工信部企业〔2017〕156号"
    assert docno_of("财政部税务总局公告2021年第11号") == "财政部税务总局公告2021年第11号"
    assert docno_of("根据《通知》（国发〔2021〕7号）要求，") is None


def test_dates_and_types():
    assert parse_date_line("市场监管总局商务部2021年11月25日") == "2021-11-25"
    assert parse_date_line("二〇二一年三月五日") == "2021-03-05"
    assert doc_type_of("关于取消港口建设费和调整民航发展基金有关政策的公告") == "通告"
    assert doc_type_of("国务院反垄断委员会关于平台经济领域的反垄断指南") == "指引"
    assert doc_type_of("知识产权强国建设纲要（2021－2035年）") == "规划"


def test_decree_header():
    text = "中华人民共和国国务院令\n第 746 号\n《中华人民共和国市场主体登记管理条例》已经国务院常务会议通过，现予公布，自 2022 年 3 月 1 日起施行。\n总理  李克强\n2021年 7 月 27日\n中华人民共和国市场主体登记管理条例\n第一章 总  则\n"
    _, headers = segment(text)
    (h,) = headers
    assert (h.title, h.doc_number, h.date, h.doc_type, h.effective_date) == (
        "中华人民共和国市场主体登记管理条例", "国务院令第746号", "2021-07-27", "行政法规", "2022-03-01")


def test_format_title_drops_letter_spacing_keeps_issuer_spaces():
    class L:
        def __init__(self, raw):
            self.raw = raw
    assert format_title([L(" 财政部 工业和信息化部关于支持“专精特新”中小企业高质量发展"), L("的通知 ")]) == \
        "财政部 工业和信息化部关于支持“专精特新”中小企业高质量发展的通知"
    assert format_title([L("交 通 运 输 部 关于印发 2021 年工作要点的通知")]) == "交通运输部 关于印发2021年工作要点的通知"


def test_single_document_without_header_cues_is_still_a_document():
    text = "关于推动农村寄递物流发展的若干意见\n一、总体要求\n（一）加快建设农村寄递物流体系，推动县乡村三级物流共同配送。（国家邮政局牵头负责）\n"
    lines, headers = segment(text)
    assert len(headers) == 1
    assert headers[0].title == "关于推动农村寄递物流发展的若干意见" and headers[0].doc_type == "意见"


def test_regulation_title_with_trial_suffix_above_first_chapter():
    text = ("国务院办公厅\n2021年4月22日\n"
            " 国家互联网信息办公室、公安部、商务部、文化和旅游\n部、国家税务总局、国家市场监督管理总局、国家广播电视总\n局\n"
            "网络直播营销管理办法（试行）\n第一章 总 则\n第一条 为加强网络直播营销管理，制定本办法。\n")
    lines, headers = segment(text)
    assert [h.doc_type for h in headers][-1] == "办法"
    assert headers[-1].title.endswith("网络直播营销管理办法（试行）")


def test_web_news_that_prints_the_announced_text_is_a_wrapper_with_its_web_date():
    text = ("中国人民银行\n2021 年 12 月 23日\n"
            " 中国人民银行发布《动产和权利担保统一登记办法》\n"
            " 字号 大 中 小 文章来源：沟通交流 2021-12-29 20:00:00\n 打印本页  关闭窗口\n"
            "为规范动产和权利担保统一登记服务，中国人民银行于近日发布《办法》。\n附件\n"
            "动产和权利担保统一登记办法\n第一章 总  则\n第一条 为规范动产和权利担保统一登记，制定本办法。\n")
    _, headers = segment(text)
    h = headers[-1]
    assert (h.kind, h.title, h.doc_type, h.date) == ("wrapper", "动产和权利担保统一登记办法", "办法", "2021-12-29")


def test_reprinted_regulation_titled_in_book_marks():
    text = ("务实施情况评估。重大事项及时向党中央、国务院报告。\n《审计机关审计听证规定》\n"
            "第一条 为规范审计机关的审计处罚程序，制定本规定。\n第二条 审计听证应当遵循公正原则。\n")
    _, headers = segment(text)
    assert headers[-1].title == "审计机关审计听证规定"


def test_a_heading_over_only_its_cover_letter_is_a_notice():
    """When only the cover letter of an enclosure is printed under the enclosure's name, the text is
    that letter (通知); when the enclosure follows, it keeps the enclosure's genre."""
    letter = ("社会资本投资农业农村指引\n农办计财〔2021〕15 号\n各省、自治区、直辖市农业农村厅（局、委）：\n"
              "我们对 2020 年 4 月制定的《社会资本投资农业农村指引》进行了修订，形成《社会资本投资农业农村指引\n"
              "（2021 年）》，现印发你们。请结合本地实际，充分发挥财政政策引导撬动作用，\n"
              "切实发挥社会资本投资农业农村的作用。\n农业农村部办公厅 国家乡村振兴局综合司\n2021 年 4 月 22 日\n")
    _, (h,) = segment(letter)
    assert (h.title, h.doc_type) == ("社会资本投资农业农村指引", "通知")
    enclosure = "\n".join(f"（{n}）第{n}项任务。各地要加快推进有关工作，确保取得实效。" for n in
                          "一二三四五六七八九十")
    _, (h,) = segment(letter.replace("农业农村部办公厅", enclosure + "\n农业农村部办公厅"))
    assert h.doc_type == "指引"
