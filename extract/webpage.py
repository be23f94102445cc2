"""Which parts of a saved government web page are the document.

A page saved from the State Council policy library (www.gov.cn/zhengce) or a ministry's site
holds the document among navigation, breadcrumbs, share buttons, link lists to other sites,
footers and scripts; the policy library also prints an info table (标题, 发文机关, 发文字号,
成文日期, 公文种类, 主题分类) and prints the body — or the info table — twice, once for desktop and
once for mobile. `page_parts(soup)` decides, element by element, what is text of the document:

1. **Copies for another screen** are not text: an element hidden by its class (`pchide`,
   `hidden-pc`, `visible-xs`, `mobile-only`, `hide`, `hidden`, `d-none` …) or by an inline
   `display:none`, and a block whose text repeats an earlier block's text word for word (≥ 30
   characters) — the page's second printing of the body.
2. **The info table** (the smallest element naming at least three of its labels) is not text
   either; `read_info_table` reads its lines into label → value (the reader's `SourceText.meta`).
3. **The main text** is the deepest element holding at least 60 % of the page's remaining
   non-link text (a link list or a menu is mostly link text, so it never wins). Everything
   outside it is dropped, except the last heading before it (h1, h2, or an element whose class
   names a title) when the main text does not print its words (a body starting without its title).

The line numbering is not changed by any of this: the reader still makes one line per block
element of the whole page and blanks the lines that are not text, so provenance is the
extracted-line numbering (see docs/data-model.md). Chosen over a general main-content extractor
(trafilatura) because the rules keep that numbering, keep the `<strong>` headings and the info
table, and are exact on the page templates we have (see README, "Government web pages").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["INFO_LABELS", "SAME_LABEL", "PageParts", "page_parts", "read_info_table"]

#: the info table's labels, as printed (spaces inside a label are layout: 标　　题)
INFO_LABELS = ("标题", "发文机关", "发文字号", "成文日期", "公文种类", "主题分类", "发布日期", "索引号", "来源",
               "发布机构", "发文单位", "发布单位", "文号")
#: other sites' words for the policy library's labels (a ministry's table says 发布机构, 文号)
SAME_LABEL = {"发布机构": "发文机关", "发文单位": "发文机关", "发布单位": "发文机关", "文号": "发文字号"}
_LABEL = re.compile(r"^(?P<label>" + "|".join(INFO_LABELS) + r")[:：](?P<value>.*)$")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_HIDING_CLASS = re.compile(r"^(?:pchide|pc[-_]hide|hide[-_]pc|hidden[-_](?:pc|lg|md)|visible[-_]xs|mobile[-_]only|"
                           r"show[-_]mobile|hide|hidden|d[-_]none)$", re.I)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_BLOCKS = frozenset({"div", "section", "article", "table", "tbody", "tr", "td", "ul", "ol", "li", "dl", "p",
                     "main", "center", "blockquote", "form"})
_HEADINGS = frozenset({"h1", "h2"})  # h3, h4 are more often a sidebar's or a box's
_TITLE_CLASS = re.compile(r"title|biaoti", re.I)
_COPY_MIN = 30
_MAIN_SHARE = 0.6
_WORD = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")


@dataclass
class PageParts:
    """Elements (by `id()`) whose text is not the document's, and the info tables."""

    hidden: set[int] = field(default_factory=set)
    tables: list = field(default_factory=list)  # the info tables, in page order
    bare: set[int] = field(default_factory=set)  # around the main text: their own strings are not text


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _is_hiding(tag) -> bool:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    return any(_HIDING_CLASS.match(c) for c in classes) or bool(_DISPLAY_NONE.search(tag.get("style") or ""))


def _children(tag) -> list:
    from bs4.element import Tag

    return [c for c in tag.contents if isinstance(c, Tag) and c.name not in _NOT_TEXT]


_NOT_TEXT = frozenset({"script", "style", "noscript", "head", "template"})


def read_info_table(text: str) -> dict[str, str]:
    """Label → value of an info table's text (labels and values one per line or `label：value`)."""
    meta: dict[str, str] = {}
    label = None
    for raw in text.split("\n"):
        token = _SPACES.sub(" ", raw).strip()
        m = _LABEL.match(token.replace(" ", "")) if token else None
        if m:
            label = SAME_LABEL.get(m["label"], m["label"])
            value = re.split(r"[:：]", token, maxsplit=1)[-1].strip() if m["value"] else ""
            if value:
                meta.setdefault(label, value)
                label = None
            continue
        if label and token:
            meta.setdefault(label, token)
            label = None
    return meta


def _labels_in(text: str) -> int:
    flat = _SPACES.sub("", text)
    return sum(1 for label in INFO_LABELS if re.search(label + "[:：]", flat))


def _copies_and_tables(body, parts: PageParts) -> list:
    """Mark copies for another screen (hidden by class, or repeating an earlier block) and return
    the info tables (the smallest elements naming three labels or more), in page order."""
    seen_texts: set[str] = set()
    tables = []
    stack: list = list(reversed(_children(body)))
    while stack:
        tag = stack.pop()
        if isinstance(tag, str):  # a block's subtree is done: later blocks may repeat it, not its parts
            seen_texts.add(tag)
            continue
        if _is_hiding(tag):
            parts.hidden.add(id(tag))
            continue
        children = _children(tag)
        if len(children) == 1 and not any(isinstance(c, str) and c.strip() for c in tag.contents):
            stack.append(children[0])  # a mere wrapper: its child holds the same text
            continue
        text = _SPACES.sub("", tag.get_text()) if tag.name in _BLOCKS else ""
        if len(text) >= _COPY_MIN and text in seen_texts and tag.name in ("div", "section", "article", "table"):
            parts.hidden.add(id(tag))  # the second printing of a block (desktop / mobile)
            continue
        if text and _labels_in(text) >= 3 and not any(_labels_in(c.get_text()) >= 3 for c in children):
            tables.append(tag)
            continue
        if len(text) >= _COPY_MIN:
            stack.append(text)
        stack.extend(reversed(children))
    return tables


def _non_link_words(body, hidden: set[int]) -> dict[int, int]:
    """Word characters outside links, per element (hidden elements count 0), in one pass."""
    from bs4.element import NavigableString, PreformattedString

    counts: dict[int, int] = {}
    stack = [(body, False, False)]
    while stack:
        node, in_link, done = stack.pop()
        if done:
            counts[id(node)] = sum(counts.get(id(c), 0) for c in node.contents) + sum(
                _words(str(c)) for c in node.contents
                if isinstance(c, NavigableString) and not isinstance(c, PreformattedString) and not in_link)
            continue
        if id(node) in hidden:
            counts[id(node)] = 0
            continue
        stack.append((node, in_link, True))
        stack.extend((c, in_link or c.name == "a", False) for c in reversed(_children(node)))
    return counts


def _main_element(body, hidden: set[int]):
    """The deepest element holding at least 60 % of the page's non-link text, or None."""
    counts = _non_link_words(body, hidden)
    total = counts.get(id(body), 0)
    if total < 50:
        return None
    best = body
    while True:
        inner = next((c for c in _children(best) if counts.get(id(c), 0) >= _MAIN_SHARE * total), None)
        if inner is None:
            return best
        best = inner


def page_parts(soup) -> PageParts:
    """What of the page is the document's text (see the module docstring)."""
    body = soup  # not soup.body: lxml makes several <html>/<body> of a page with stray markup
    parts = PageParts()
    parts.tables = _copies_and_tables(body, parts)
    parts.hidden.update(id(t) for t in parts.tables)
    main = _main_element(body, parts.hidden)
    if main is None:
        return parts
    kept = [main]
    heading = _title_before(body, main, parts.hidden)
    if heading is not None:
        kept.append(heading)
    ancestors = {id(p) for k in kept for p in k.parents} | {id(body)}
    parts.bare = ancestors - {id(k) for k in kept}
    stack = list(_children(body))
    while stack:
        tag = stack.pop()
        if any(tag is k for k in kept):
            continue
        if id(tag) in ancestors:
            stack.extend(_children(tag))
        else:
            parts.hidden.add(id(tag))
    return parts


def _title_before(body, main, hidden: set[int]):
    """The last heading before the main text, when the main text does not print its words."""
    main_text = _SPACES.sub("", main.get_text())
    found = None
    stack = list(reversed(_children(body)))
    while stack:
        tag = stack.pop()
        if tag is main:
            break
        if id(tag) in hidden:
            continue
        if _is_heading(tag) and _is_new_heading(tag, main_text):
            found = tag
            continue
        stack.extend(reversed(_children(tag)))
    return found


def _is_heading(tag) -> bool:
    """h1, h2, or an element its page calls a title (`article_title`, `xxgk-title`; not a share box's)."""
    if tag.name in _HEADINGS:
        return True
    names = " ".join([*(tag.get("class") or []), tag.get("id") or ""])
    return bool(_TITLE_CLASS.search(names)) and "share" not in names.lower()


def _is_new_heading(tag, main_text: str) -> bool:
    text = _SPACES.sub("", tag.get_text())
    core = re.sub(r"[（(][^（）()]*[）)]$", "", text)
    return len(core) >= 8 and core not in main_text
