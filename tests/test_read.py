"""Tests for extract.read: real files written to tmp_path at test time."""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import time
import warnings
import zipfile
from pathlib import Path

import pytest

from extract.read import (
    SUPPORTED_SUFFIXES,
    SourceText,
    UnreadableFile,
    iter_input_files,
    read_source,
)

TITLE = "国务院关于印发《企业名称登记管理规定》的通知"
CHINESE_LINES = [
    TITLE,
    "国发〔2020〕12号",
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "第一条 为了规范企业名称登记管理，保护企业的合法权益，制定本规定。",
    "",
    "第二条 县级以上人民政府市场监督管理部门负责中国境内设立企业的企业名称登记管理。",
]


# --------------------------------------------------------------------------
# fixtures / builders
# --------------------------------------------------------------------------


def _pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal, valid PDF: one Helvetica text line per entry, ASCII only.
    A page given as [] has no content stream at all (like a blank scan)."""
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        ops += [f"({_pdf_escape(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        objs.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
            ).encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PDF_PAGES = [
    ["State Council Notice No. 734", "Article 1 (scope) applies."],
    ["Page two: the Ministry shall report."],
]


@pytest.fixture
def write(tmp_path: Path):
    def _write(name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return p

    return _write


def reason_of(path: Path) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_source(path)
    assert info.value.reason  # a human reason, never empty
    assert str(path) in str(info.value)
    return info.value.reason


# --------------------------------------------------------------------------
# .txt decoding
# --------------------------------------------------------------------------


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".pdf", ".docx", ".html", ".htm")


def test_utf8(write):
    text = "\n".join(CHINESE_LINES)
    src = read_source(write("a.txt", text))
    assert isinstance(src, SourceText)
    assert src.lines == CHINESE_LINES
    assert (src.file, src.kind, src.encoding) == ("a.txt", "txt", "utf-8")
    assert src.path.name == "a.txt"
    with pytest.raises(dataclasses.FrozenInstanceError):
        src.file = "b.txt"  # type: ignore[misc]


def test_utf8_with_bom(write):
    src = read_source(write("bom.txt", b"\xef\xbb\xbf" + "\n".join(CHINESE_LINES).encode()))
    assert src.encoding == "utf-8-sig"
    assert src.lines == CHINESE_LINES
    assert not src.lines[0].startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(write, codec):
    data = "\ufeff" + "\r\n".join(CHINESE_LINES)
    src = read_source(write("u16.txt", data.encode(codec)))
    assert src.encoding == codec
    assert src.lines == CHINESE_LINES


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_gb_family_decodes_to_correct_chinese(write, codec):
    original = "\n".join(CHINESE_LINES)
    src = read_source(write("gbk.txt", original.encode(codec)))
    assert src.encoding == "gb18030"
    assert "\n".join(src.lines) == original
    assert src.lines[0] == TITLE


def test_gbk_title_exactly(write):
    src = read_source(write("t.txt", "国务院关于印发…的通知".encode("gbk")))
    assert src.lines == ["国务院关于印发…的通知"]


def test_crlf_and_cr_keep_numbering(write):
    raw = "第一行\r\n第二行\r\n\r\n第四行\r第五行\n第六行\r\n"
    src = read_source(write("crlf.txt", raw))
    assert src.lines == ["第一行", "第二行", "", "第四行", "第五行", "第六行", ""]
    # numbering equals the file's: line i is lines[i-1]
    assert src.lines[3] == "第四行"
    assert not any("\r" in line for line in src.lines)


def test_numbering_matches_newline_count(write):
    raw = "a\nb\n\nc\n"
    src = read_source(write("n.txt", raw))
    assert len(src.lines) == raw.count("\n") + 1
    assert src.lines == ["a", "b", "", "c", ""]


def test_only_cr_lf_crlf_break_lines_in_txt(write):
    # str.splitlines() would also break on these; editors and grep -n don't.
    raw = "甲\u2028乙\x0c丙\x1c丁\x85戊\n第二行"
    src = read_source(write("ls.txt", raw))
    assert src.lines == ["甲\u2028乙\x0c丙\x1c丁\x85戊", "第二行"]


def test_gbk_crlf(write):
    src = read_source(write("g.txt", "\r\n".join(CHINESE_LINES).encode("gbk")))
    assert src.lines == CHINESE_LINES


def test_truncated_gbk_is_read_lossily_not_dropped(write):
    # A download cut in the middle of the last character.
    data = "\n".join(CHINESE_LINES * 3).encode("gbk")[:-1]
    src = read_source(write("cut.txt", data))
    assert src.encoding.startswith("gb18030") and "lossy" in src.encoding
    assert src.lines[: len(CHINESE_LINES)] == CHINESE_LINES
    assert len(src.lines) == len(CHINESE_LINES) * 3


def test_truncated_utf8_prefers_utf8(write):
    data = "\n".join(CHINESE_LINES * 3).encode("utf-8")[:-1]
    src = read_source(write("cut8.txt", data))
    assert src.encoding.startswith("utf-8") and "lossy" in src.encoding
    assert src.lines[: len(CHINESE_LINES)] == CHINESE_LINES


def test_big5_is_not_misread_as_gb18030(write):
    text = "中文繁體字測試，臺灣政府公告文件內容。行政院函\n" * 20
    src = read_source(write("big5.txt", text.encode("big5")))
    assert src.encoding == "big5"
    assert src.lines[0] == "中文繁體字測試，臺灣政府公告文件內容。行政院函"


def test_large_txt_20mb(write):
    lines = CHINESE_LINES * 1
    block = "\n".join(lines) + "\n"
    reps = 20 * 1024 * 1024 // len(block.encode()) + 1
    data = (block * reps).encode("utf-8")
    assert len(data) >= 20 * 1024 * 1024
    path = write("big.txt", data)
    t0 = time.perf_counter()
    src = read_source(path)
    elapsed = time.perf_counter() - t0
    assert len(src.lines) == data.count(b"\n") + 1 == len(lines) * reps + 1
    assert src.lines[-2] == lines[-1]
    assert elapsed < 15, f"reading 20 MB took {elapsed:.1f}s"


def test_large_gbk_txt(write):
    block = ("\r\n".join(CHINESE_LINES) + "\r\n").encode("gbk")
    data = block * (5 * 1024 * 1024 // len(block) + 1)
    src = read_source(write("big_gbk.txt", data))
    assert src.encoding == "gb18030"
    assert len(src.lines) == data.count(b"\n") + 1
    assert src.lines[: len(CHINESE_LINES)] == CHINESE_LINES


# --------------------------------------------------------------------------
# unreadable inputs
# --------------------------------------------------------------------------


def test_empty_file(write):
    assert reason_of(write("e.txt", b"")) == "empty file"


@pytest.mark.parametrize("data", [b"   \n\n\t \r\n", "\u3000\u3000\n  ".encode("utf-8"), b"\xef\xbb\xbf  \n"])
def test_whitespace_only_file(write, data):
    assert "whitespace" in reason_of(write("w.txt", data)) or "empty" in reason_of(write("w.txt", data))


def test_binary_file_with_nuls(write):
    rng = random.Random(1)
    data = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 16
    assert "binary" in reason_of(write("blob.txt", data))


def test_binary_file_without_nuls(write):
    rng = random.Random(2)
    data = bytes(rng.randrange(1, 256) for _ in range(4096))
    assert "binary" in reason_of(write("blob2.txt", data))


def test_unsupported_suffix(write):
    r = reason_of(write("table.xlsx", b"PK\x03\x04 whatever"))
    assert r == "unsupported file type .xlsx"
    assert "unsupported" in reason_of(write("README", b"hello"))


def test_missing_file(tmp_path):
    assert "cannot read" in reason_of(tmp_path / "nope.txt")


def test_suffix_is_case_insensitive(write):
    src = read_source(write("UPPER.TXT", "中文"))
    assert src.kind == "txt" and src.lines == ["中文"]


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def test_pdf_text_layer(write):
    src = read_source(write("doc.pdf", make_pdf(PDF_PAGES)))
    assert src.kind == "pdf"
    assert src.file == "doc.pdf"
    joined = "\n".join(src.lines)
    assert "State Council Notice No. 734" in joined
    assert "Article 1 (scope) applies." in joined
    assert "Page two: the Ministry shall report." in joined
    # page order kept, page boundary is a newline, no form feeds
    assert joined.index("734") < joined.index("Page two")
    assert not any(ch in joined for ch in "\x0c\r")
    assert [l for l in src.lines if l.strip()] == [
        "State Council Notice No. 734",
        "Article 1 (scope) applies.",
        "Page two: the Ministry shall report.",
    ]


def test_truncated_pdf(write, caplog, capsys):
    data = make_pdf(PDF_PAGES)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any leaked warning fails the test
        with caplog.at_level(logging.DEBUG):
            r = reason_of(write("cut.pdf", data[: len(data) // 2]))
    assert r.startswith("damaged PDF")
    assert not [rec for rec in caplog.records if rec.name.startswith("pypdf")]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert logging.getLogger("pypdf").level == logging.NOTSET  # restored


def test_garbage_pdf(write):
    assert reason_of(write("g.pdf", b"this is not a pdf at all\n" * 20)).startswith("damaged PDF")
    assert reason_of(write("h.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8)).startswith("damaged PDF")


def test_pdf_without_text_layer(write):
    assert reason_of(write("scan.pdf", make_pdf([[], []]))) == "PDF has no text layer (scanned?)"


def test_pdf_written_by_pypdf_writer_without_text(write):
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    w.write(buf)
    assert "no text layer" in reason_of(write("blank.pdf", buf.getvalue()))


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def test_docx_paragraphs_and_table_in_order(write, tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph("各省、自治区、直辖市人民政府：")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "部门"
    table.cell(0, 1).text = "职责"
    table.cell(1, 0).text = "国家发展改革委"
    table.cell(1, 1).text = "牵头负责"
    d.add_paragraph("第一条 本办法自发布之日起施行。")
    path = tmp_path / "doc.docx"
    d.save(path)
    src = read_source(path)
    assert src.kind == "docx"
    assert [l for l in src.lines if l.strip()] == [
        TITLE,
        "各省、自治区、直辖市人民政府：",
        "部门",
        "职责",
        "国家发展改革委",
        "牵头负责",
        "第一条 本办法自发布之日起施行。",
    ]


def test_docx_merged_cells_once(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    merged = t.cell(0, 0).merge(t.cell(0, 1))
    merged.text = "合并单元格"
    t.cell(0, 2).text = "右侧"
    path = tmp_path / "m.docx"
    d.save(path)
    assert read_source(path).lines == ["合并单元格", "右侧"]


def test_corrupt_docx(write, tmp_path):
    assert reason_of(write("bad.docx", b"not a zip file at all")).startswith("not a valid .docx")
    zpath = tmp_path / "zip.docx"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("hello.txt", "not word")
    assert reason_of(zpath).startswith("not a valid .docx")


def test_truncated_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    full = tmp_path / "full.docx"
    d.save(full)
    data = full.read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    assert reason_of(cut).startswith("not a valid .docx")


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

GBK_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>中国政府网</title>
<style>p {{ color: red; }}</style>
<script>var secret = "脚本内容不应出现"; document.write("x");</script>
</head><body>
<header>网站首页 | 登录</header>
<nav><a href="/">导航栏</a></nav>
<h1>{title}</h1>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>现将《企业名称登记管理规定》印发给你们，<b>请认真贯彻执行</b>。</p>
<div>国务院<br>2020年12月28日</div>
<!-- 注释不应出现 -->
<footer>版权所有 主办单位</footer>
</body></html>
"""


def test_html_gbk_meta(write):
    page = GBK_PAGE.format(title=TITLE)
    src = read_source(write("page.html", page.encode("gbk")))
    assert src.kind == "html"
    assert src.encoding == "gb18030"
    text = "\n".join(src.lines)
    assert "脚本内容不应出现" not in text and "document.write" not in text
    assert "color" not in text
    for noise in ("导航栏", "网站首页", "版权所有", "注释不应出现"):
        assert noise not in text
    assert src.lines == [
        TITLE,
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "现将《企业名称登记管理规定》印发给你们，请认真贯彻执行。",
        "国务院",
        "2020年12月28日",
    ]


def test_html_charset_in_content_type_meta_and_htm_suffix(write):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"</head><body><p>{TITLE}</p></body></html>"
    )
    src = read_source(write("page.htm", page.encode("gbk")))
    assert src.lines == [TITLE]


def test_html_without_meta_falls_back(write):
    page = f"<html><body><p>{TITLE}</p><p>第二段</p></body></html>"
    assert read_source(write("u.html", page.encode("utf-8"))).lines == [TITLE, "第二段"]
    src = read_source(write("g.html", page.encode("gbk")))
    assert (src.encoding, src.lines) == ("gb18030", [TITLE, "第二段"])


def test_html_wrong_meta_is_not_trusted_blindly(write):
    page = f'<html><head><meta charset="utf-8"></head><body><p>{TITLE}</p></body></html>'
    assert read_source(write("w.html", page.encode("gbk"))).lines == [TITLE]


def test_html_source_line_wrap_inside_chinese_paragraph(write):
    page = "<html><body><p>国务院关于\n    印发通知的\nNotice of the\nState Council</p>" "<table><tr><td>单元一</td><td></td><td>单元二</td></tr></table></body></html>"
    src = read_source(write("wrap.html", page))
    assert src.lines == ["国务院关于印发通知的 Notice of the State Council", "单元一", "单元二"]


def test_html_stale_gbk_meta_on_utf8_page(write):
    page = f'<html><head><meta charset="gb2312"></head><body><p>{TITLE}</p></body></html>'
    src = read_source(write("stale.html", page.encode("utf-8")))
    assert (src.encoding, src.lines) == ("utf-8", [TITLE])


def test_html_without_text(write):
    assert "no text" in reason_of(write("empty.html", "<html><head><script>x=1</script></head><body> </body></html>"))


def test_html_deeply_nested(write):
    page = "<html><body>" + "<div><font>" * 3000 + "深层文本" + "</font></div>" * 3000 + "</body></html>"
    assert read_source(write("deep.html", page)).lines == ["深层文本"]


# --------------------------------------------------------------------------
# iter_input_files
# --------------------------------------------------------------------------


def test_iter_input_files_order_and_hidden(tmp_path):
    root = tmp_path / "in"
    for rel in [
        "b.txt",
        "a.txt",
        "sub/z.pdf",
        "sub/deeper/c.docx",
        "a/x.html",
        "notes.xlsx",
        ".hidden.txt",
        ".git/config.txt",
        "sub/.cache/k.txt",
    ]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    found = iter_input_files([root])
    rels = [p.relative_to(root).as_posix() for p in found]
    assert rels == ["a/x.html", "a.txt", "b.txt", "notes.xlsx", "sub/deeper/c.docx", "sub/z.pdf"]
    assert iter_input_files([str(root)]) == found  # str accepted, deterministic
    assert all(isinstance(p, Path) for p in found)


def test_iter_input_files_mixed_args(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "2.txt").write_text("x")
    (d / "1.txt").write_text("x")
    single = tmp_path / "single.txt"
    single.write_text("x")
    hidden = tmp_path / ".explicit.txt"
    hidden.write_text("x")
    got = iter_input_files([single, d, hidden, d / "1.txt"])
    assert got == [single, d / "1.txt", d / "2.txt", hidden]


def test_iter_input_files_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        iter_input_files([tmp_path / "missing"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_iter_input_files_skips_fifos(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text("x")
    assert iter_input_files([tmp_path]) == [tmp_path / "ok.txt"]


# --------------------------------------------------------------------------
# the real corpus, when present
# --------------------------------------------------------------------------

_CORPUS_CANDIDATES = [
    Path(__file__).resolve().parents[1].parent / "shared" / "corpus",
    Path("/work/shared/corpus"),
]
CORPUS = next((p for p in _CORPUS_CANDIDATES if p.is_dir()), None)


@pytest.mark.corpus
@pytest.mark.skipif(CORPUS is None, reason="shared corpus not available")
def test_corpus_line_counts():
    files = [p for p in iter_input_files([CORPUS]) if p.suffix == ".txt"]
    assert [p.name for p in files] == ["000_9c1ae6a01c93274d.txt", "001_930c2c62b2ac2798.txt"]
    counts = [len(read_source(p).lines) for p in files]
    assert counts == [45386, 9353]
    for p in files:
        src = read_source(p)
        assert src.encoding == "utf-8"
        assert len(src.lines) == p.read_bytes().count(b"\n") + 1
