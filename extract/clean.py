"""Clean PDF-to-text artefacts while keeping every character traceable to its original line.

The corpus is text converted from PDF: every line is followed by a blank line, page numbers
stand on their own lines, download URLs and attachment file names are injected (even
mid-sentence), words and agency names are broken across lines, and spaces appear inside words.
Detectors downstream want one clean string per document region; provenance wants original
line numbers. `clean_lines` drops junk lines, `join_lines` glues the survivors into paragraphs
and keeps an offset -> line map, so any character span maps back to a 1-based line span.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

# --- junk line classes -------------------------------------------------------------------
_URL = re.compile(r"^(https?://|www\.|mailto:|javascript:)", re.I)
_FILE_JUNK = re.compile(r"\.(docx?|xlsx?|wps|pdf|zip|rar|et|ofd)\s*$", re.I)
_EXT_FRAGMENT = re.compile(r"^(lsx?|sx|s|ps|ocx?|oc|df|ls|ip|ar)$", re.I)
_CHROME = re.compile(r"^(?:打印本页|关闭窗口|字号大中小|【打印】|【关闭】|[•·]$|分享到|扫一扫|<!--.*-->$)")
#: Markdown heading marks of texts saved from a Markdown source (`# 条例名`, `## 第一章 总则`)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t\u3000]+")
_CHROME_ANY = re.compile(r"(打印本页\s*关闭窗口|字号\s*大\s*中\s*小)")
_DIGITS = re.compile(r"^\d{1,4}$")
_SPACE = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\ufeff]+")

# Characters that end a paragraph when they end a line.
_PARA_END = "。；：！？!?;:"
# Line-initial numbering markers: a line starting with one starts a new paragraph.
MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇]+[章节条]"
    r"|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,2}[.．、](?!\d)"
    r"|[（(]\d{1,2}[）)]"
    r"|专栏\s*\d+"
    r"|附件\s*\d*[:：]?"
    r"|【政策解读】|问：|答："
    r")"
)


@dataclass(frozen=True)
class Line:
    """One kept line: original 1-based line number and its normalised text (no spaces)."""

    no: int
    text: str
    raw: str


_FOLD = {o: o - 0xFEE0 for o in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_FOLD.update({ord("﹝"): "〔", ord("﹞"): "〕", ord("○"): "〇"})


def normalize_chars(s: str) -> str:
    """Fold full-width ASCII letters/digits to half-width; keep CJK punctuation as printed."""
    return s.translate(_FOLD)


def strip_spaces(s: str) -> str:
    """Remove all spaces: the PDF conversion puts them inside words and around digits."""
    return _SPACE.sub("", s)


def is_junk_line(text: str) -> bool:
    """URL, attachment file name, web chrome: never content."""
    t = text.strip()
    if not t:
        return True
    if _URL.match(t) or _CHROME.match(t) or re.fullmatch(r"\s*(?:" + _CHROME_ANY.pattern + r")\s*", t):
        return True
    if _FILE_JUNK.search(t) and ("/" in t or "=" in t or "%" in t):
        return True
    return False


def _page_number_lines(rows: list[tuple[int, str]]) -> set[int]:
    """Digit-only lines that are page numbers, not table row numbers or date fragments.

    A run of consecutive small integers close together (1, 2, 3 … within a few dozen lines)
    is a table or box numbering; a digit line right after a line ending in '-' is the tail of
    a date. Everything else digit-only is a page number.
    """
    digit_rows = [(i, int(t)) for i, (_, t) in enumerate(rows) if _DIGITS.match(t)]
    pages = set()
    for k, (i, v) in enumerate(digit_rows):
        prev_text = rows[i - 1][1] if i > 0 else ""
        if prev_text.endswith(("-", "－")):
            continue  # date fragment: 2021-12- / 16
        in_run = False
        for j, w in digit_rows[max(0, k - 3):k + 4]:
            if j != i and abs(j - i) <= 25 and abs(w - v) == 1 and v <= 150:
                in_run = True
                break
        if not in_run:
            pages.add(rows[i][0])
    return pages


def clean_lines(raw_lines: list[str]) -> list[Line]:
    """Drop blank, page-number, URL/file-name and chrome lines; join split dates and extensions."""
    rows = []
    for no, raw in enumerate(raw_lines, start=1):
        raw = _MARKDOWN_HEADING.sub("", raw)
        t = strip_spaces(_CHROME_ANY.sub("", normalize_chars(unicodedata.normalize("NFC", raw))))
        if t:
            rows.append((no, t, raw))
    pages = _page_number_lines([(no, t) for no, t, _ in rows])
    kept: list[Line] = []
    skip_next_fragment = False
    for idx, (no, t, raw) in enumerate(rows):
        if no in pages:
            continue
        if is_junk_line(t):
            skip_next_fragment = True
            continue
        if skip_next_fragment and _EXT_FRAGMENT.match(t):
            skip_next_fragment = False
            continue
        skip_next_fragment = False
        # attachment name whose extension broke across lines: "…情况表.x" / "lsx"
        if kept and _EXT_FRAGMENT.match(t) and re.search(r"\.[a-z]{1,2}$", kept[-1].text):
            continue
        if kept and _DIGITS.match(t) and kept[-1].text.endswith(("-", "－")):
            last = kept.pop()
            kept.append(Line(last.no, last.text + t, last.raw))
            continue
        kept.append(Line(no, t, raw))
    return kept


@dataclass
class JoinedText:
    """Kept lines glued into paragraphs ('\\n' between paragraphs) with an offset map."""

    text: str
    lines: list[Line]
    offsets: list[int] = field(default_factory=list)  # start offset of each kept line

    def line_index_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.offsets, offset) - 1)

    def line_at(self, offset: int) -> int:
        """Original 1-based line number of the character at `offset`."""
        return self.lines[self.line_index_at(offset)].no

    def line_span(self, start: int, end: int) -> tuple[int, int]:
        """Original line span (inclusive) of text[start:end]."""
        end = max(start, end - 1)
        # skip over leading/trailing paragraph separators
        while start < end and self.text[start] == "\n":
            start += 1
        while end > start and self.text[end] == "\n":
            end -= 1
        return self.line_at(start), self.line_at(end)

    def offset_of_line(self, index: int) -> int:
        return self.offsets[index]


def typical_width(lines: list[Line]) -> int:
    """Width of a full body line (75th percentile), used to tell short last lines apart."""
    lens = sorted(len(l.text) for l in lines if len(l.text) >= 8)
    if not lens:
        return 30
    return lens[int(len(lens) * 0.75)]


def ends_paragraph(line: str, width: int) -> bool:
    """A line ends its paragraph when it ends a sentence or is visibly shorter than full width."""
    if not line:
        return True
    if line.rfind("（") > line.rfind("）"):
        return False  # an open parenthetical continues on the next line
    last = line[-1]
    if last in _PARA_END:
        return True
    if last in "）)”」" and len(line) >= 2 and line[-2] in _PARA_END:
        return True
    if last == "）" and re.search(r"(负责|配合|负责落实|牵头|分工)）$", line):
        return True
    return len(line) < width * 0.8


def join_lines(lines: list[Line], width: int | None = None) -> JoinedText:
    """Glue lines into paragraphs: continuation lines are appended without a separator."""
    width = width or typical_width(lines)
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            if ends_paragraph(prev.text, width) or MARKER.match(line.text):
                parts.append("\n")
                pos += 1
        offsets.append(pos)
        parts.append(line.text)
        pos += len(line.text)
        prev = line
    return JoinedText("".join(parts), lines, offsets)
