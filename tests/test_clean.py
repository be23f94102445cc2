"""PDF artefacts: what is dropped, what is kept, and that lines still map back."""
from extract.clean import clean_lines, join_lines


def spaced(*lines):
    """Corpus layout: every text line followed by a blank line."""
    out = []
    for l in lines:
        out += [l, ""]
    return out


def texts(lines):
    return [l.text for l in lines]


def test_page_numbers_dropped_but_table_row_numbers_kept():
    raw = spaced("第一段内容继续", "17", "后面的内容。",
                 "序号 改革事项", "1", "开展一照多址", "2", "简化审批", "3", "取消证明")
    kept = texts(clean_lines(raw))
    assert "17" not in kept
    assert ["1", "2", "3"] == [t for t in kept if t.isdigit()]


def test_date_fragment_is_joined_not_dropped():
    kept = clean_lines(spaced("发文机关：商务部 发布日期：2021-12-", "16", "正文。"))
    assert kept[0].text.endswith("2021-12-16")
    assert kept[0].no == 1


def test_url_and_file_name_junk_removed_even_mid_sentence():
    raw = ["…推动大众创业、",
           "https://www.miit.gov.cn/api-gateway/file-download?fileUrl=/a.doc&fileName=%E5.doc",
           " 万众创新。", "mailto:zph@ncss.org.cn", "javascript:;", " 打印本页  关闭窗口"]
    lines = clean_lines(raw)
    assert texts(lines) == ["…推动大众创业、", "万众创新。"]
    joined = join_lines(lines)
    assert "大众创业、万众创新" in joined.text


def test_broken_extension_fragment_dropped():
    kept = texts(clean_lines(spaced("附件：2.基本情况表.x", "lsx", "工业和信息化部办公厅")))
    assert "lsx" not in kept


def test_spaces_inside_words_and_letter_spacing_removed():
    kept = texts(clean_lines(["交 通 运 输 部", "国发〔2014〕 52号", "平台经济领域的 反垄断指南"]))
    assert kept == ["交通运输部", "国发〔2014〕52号", "平台经济领域的反垄断指南"]


def test_join_keeps_names_split_across_lines_and_maps_offsets_to_lines():
    raw = spaced("加强统筹协调，确保落实到位，推动各项工作取得实效，国家发展改革",
                 "委牵头。", "（二）第二项。")
    joined = join_lines(clean_lines(raw))
    assert "国家发展改革委牵头。" in joined.text
    start = joined.text.index("国家发展改革委")
    assert joined.line_span(start, start + 7) == (1, 3)
    assert joined.text.split("\n")[1].startswith("（二）")


def test_open_parenthetical_never_ends_a_paragraph():
    raw = spaced("试点任务有基础、见实效。（生态", "环境部牵头，各相关部门按分工负责）", "2.下一项。")
    joined = join_lines(clean_lines(raw), width=40)
    assert "（生态环境部牵头，各相关部门按分工负责）" in joined.text


def test_web_chrome_dropped_but_text_starting_with_the_same_word_kept():
    kept = texts(clean_lines([" 字号 大 中 小 文章来源：沟通交流 2021-12-29 20:00:00", "字号应当符合规范。", "•", "打印本页"]))
    assert kept == ["文章来源：沟通交流2021-12-2920:00:00", "字号应当符合规范。"]  # chrome words go, the date stays
