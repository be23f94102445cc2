"""The one normalisation of 文号 and titles, used by extraction and by search.

`norm_docno` reads a printed 文号 (国发〔2021〕24号, 国发[2021]24号, 国发（2021）24号, with spaces and
line breaks) into its canonical form with 〔〕; `norm_key` is the comparison key of a title or
文号 (no spaces, quotes or book-title marks; brackets canonical). A user typing a 文号 with square
or round brackets finds the document printed with 〔〕.
"""
from __future__ import annotations

import re

_YEAR_BRACKETS = re.compile(r"[\[［(（﹝【〔]\s*(\d{4})\s*[\]］)）﹞】〕]")


def _year_brackets(s: str) -> str:
    """〔2021〕 for any bracket printed around a 文号's year."""
    return _YEAR_BRACKETS.sub(r"〔\1〕", s)


def norm_key(s: str | None) -> str:
    """Comparison key for titles and 文号: no spaces, quotes or book-title marks."""
    if not s:
        return ""
    s = _year_brackets(re.sub(r"[\s《》〈〉<>﹤﹥“”\"'‘’]", "", s))
    return s.replace("[", "〔").replace("]", "〕").replace("(", "（").replace(")", "）")


_DOCNO_GLUE = re.compile(r"^.*(?:按照|根据|依据|依照|落实|贯彻|执行|参照|印发|转发|详见|见|的|通知|公告|通告|意见|办法|方案|规划|批复|函|决定|》|”|）|\))(?=.)")


def norm_docno(s: str | None) -> str | None:
    """文号 without spaces, with 〔〕 brackets, without a glued title tail (…的通知国发〔2021〕7号)."""
    if not s:
        return None
    s = _year_brackets(re.sub(r"\s+", "", s)).replace("[", "〔").replace("]", "〕").replace("﹝", "〔").replace("﹞", "〕")
    s = re.sub(r"(?:发布|公布|印发)$", "", s)
    head = re.match(r"^(.*?)(〔|\d{4}年|令第|公告\d)", s)
    if head and head.group(1):
        g = _DOCNO_GLUE.match(head.group(1))
        if g:
            s = s[g.end():]
    return s or None
