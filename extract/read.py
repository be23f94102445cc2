"""Reading stage: documents in, text out.

Every input file becomes a :class:`SourceText` whose ``lines`` are the unit of
provenance for everything downstream (line *i*, 1-based, is ``lines[i-1]``).
Anything that cannot be turned into text raises :class:`UnreadableFile` with a
short human ``reason`` so the caller can report the file as skipped.

Libraries, and why:

* ``.txt`` -- no library on the happy path.  The corpus is UTF-8 or
  GBK/GB2312, so we try BOM -> strict UTF-8 -> strict GB18030 (a superset of
  GBK and GB2312): both are C codecs, linear-time and exact.
  ``charset-normalizer`` is only the last resort, because statistical
  detection is slower and can guess wrong where a strict decode is certain.
* ``.pdf`` -- ``pypdf``: pure Python, reads the text layer, no system
  dependencies.  Scanned PDFs (no text layer) are reported, not OCR'd.
* ``.docx`` -- ``python-docx``: body paragraphs and table cells in document
  order.
* ``.html``/``.htm`` -- ``beautifulsoup4`` with the ``lxml`` parser (fast and
  tolerant of the broken markup common on government sites); the charset
  comes from the BOM, strict UTF-8, then ``<meta charset>``, then the rest
  of the ``.txt`` chain.  Text inside script/style/nav/header/footer/head is
  dropped; one line per block element, blank lines dropped.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extract.webpage import page_parts, read_info_table

__all__ = [
    "SUPPORTED_SUFFIXES",
    "SourceText",
    "UnreadableFile",
    "html_block_lines",
    "iter_input_files",
    "read_source",
]

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")

_KIND_BY_SUFFIX = {
    ".txt": "txt",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}


class UnreadableFile(Exception):
    """A file that cannot be turned into text; ``reason`` says why."""

    def __init__(self, reason: str, path: str | Path | None = None) -> None:
        self.reason = reason
        self.path = Path(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path is not None else reason)


@dataclass(frozen=True)
class SourceText:
    """The text of one input file, split into provenance lines."""

    file: str  # file name only, as provenance records it
    path: Path
    lines: list[str] = field(repr=False)
    encoding: str
    kind: str  # "txt" | "pdf" | "docx" | "html"
    meta: dict[str, str] = field(default_factory=dict)  # a web page's info table (extract.webpage)


# --------------------------------------------------------------------------
# Input discovery
# --------------------------------------------------------------------------


def iter_input_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and directories (recursively) into a list of files.

    Arguments are taken in the order given; each directory's files are sorted
    by their path relative to that directory (component-wise, code point
    order), so the result does not depend on the file system's listing order.
    Hidden files and directories (name starting with ``.``) inside a
    directory are skipped; a file named explicitly is always kept.  Files with
    unsupported suffixes are returned too, so the caller can report them.
    The same file reached twice is listed once.  A path that does not exist
    raises ``FileNotFoundError``.
    """
    result: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = Path(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            result.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in _walk_dir(p):
                add(f)
        elif p.exists() or p.is_symlink():
            add(p)
        else:
            raise FileNotFoundError(f"input path does not exist: {p}")
    return result


def _walk_dir(root: Path) -> list[Path]:
    found: list[tuple[tuple[str, ...], Path]] = []
    # os.walk does not follow directory symlinks, so link cycles are harmless.
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            f = Path(dirpath, name)
            # Keep regular files and (possibly broken) symlinks; skip FIFOs,
            # sockets and devices, which could block or never end.
            if f.is_file() or f.is_symlink():
                found.append((f.relative_to(root).parts, f))
    found.sort(key=lambda item: item[0])
    return [f for _, f in found]


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def read_source(path: str | Path) -> SourceText:
    """Read one file into a :class:`SourceText` or raise :class:`UnreadableFile`."""
    path = Path(path)
    suffix = path.suffix.lower()
    kind = _KIND_BY_SUFFIX.get(suffix)
    if kind is None:
        what = suffix if suffix else "(no extension)"
        raise UnreadableFile(f"unsupported file type {what}", path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read file ({exc.strerror or exc})", path) from None
    if not data:
        raise UnreadableFile("empty file", path)

    try:
        if kind == "txt":
            text, encoding = _decode_text(data)
            lines = _split_lines(text)
        elif kind == "pdf":
            lines, encoding = _read_pdf(data), "pdf"
        elif kind == "docx":
            lines, encoding = _read_docx(data), "docx"
        else:
            lines, encoding, meta = _read_html(data)
    except UnreadableFile as exc:
        raise UnreadableFile(exc.reason, path) from None

    return SourceText(file=path.name, path=path, lines=lines, encoding=encoding, kind=kind,
                      meta=meta if kind == "html" else {})


def _split_lines(text: str) -> list[str]:
    """Split on CRLF, CR and LF only (not on U+2028, FF, VT... as
    ``str.splitlines`` would), so numbering matches editors and ``grep -n``.

    A trailing newline yields a final empty line: ``"a\\n"`` -> ``["a", ""]``.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


# --------------------------------------------------------------------------
# Text decoding
# --------------------------------------------------------------------------

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes that do not occur in text files: C0 controls except TAB, LF, VT, FF,
# CR and ESC; plus DEL.  (None of them is a GB18030 or UTF-8 trail byte.)
_CONTROL_BYTES = bytes(
    b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B)
) + b"\x7f"
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_BINARY_SAMPLE = 64 * 1024
_BINARY_RATIO = 0.05

# A strict decode that fails only on a handful of byte sequences (a truncated
# download, one corrupt character) is accepted with replacement characters if
# at most this share of the non-ASCII characters is bad.
_LOSSY_MAX_RATIO = 0.01
_LOSSY_MIN_GOOD = 8

_UNDECODABLE = "undecodable text (tried UTF-8, GB18030)"


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample.translate(None, _NON_CONTROL_BYTES))
    return controls > _BINARY_RATIO * len(sample)


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a whole text file; return ``(text, encoding name)``.

    Order: BOM -> strict UTF-8 -> ``declared`` (HTML meta, if not GB) ->
    strict GB18030 -> nearly-clean UTF-8/GB18030 with replacement ->
    charset-normalizer.
    """
    bom = _bom_encoding(data)
    if bom is not None:
        name, skip = bom
        body = data[skip:]
        try:
            text = body.decode(name.replace("-sig", ""))
        except UnicodeDecodeError:
            text = body.decode(name.replace("-sig", ""), errors="replace")
            name = f"{name} (lossy)"
        _check_not_blank(text)
        if _text_looks_binary(text):
            raise UnreadableFile("binary file (not text)")
        return text, name

    if _looks_binary(data):
        raise UnreadableFile("binary file (not text)")

    # Strict UTF-8 first even over a declared charset: non-ASCII text that
    # is valid UTF-8 is UTF-8 beyond reasonable doubt, while stale meta tags
    # (a page converted to UTF-8 that still says gb2312) are common.
    candidates = ["utf-8", "gb18030"]
    if declared and declared not in candidates:
        candidates.insert(1, declared)
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        _check_not_blank(text)
        if name == "gb18030" and _PRIVATE_USE_RE.search(text):
            # Real GBK text almost never uses the user-defined areas; Big5
            # (Traditional Chinese) bytes decoded as GB18030 land there.
            better = _charset_normalizer_big5(data)
            if better is not None:
                return better
        return text, name

    lossy = _decode_lossy(data)
    if lossy is not None:
        _check_not_blank(lossy[0])
        return lossy

    return _decode_with_charset_normalizer(data)


def _check_not_blank(text: str) -> None:
    if not text.strip():
        raise UnreadableFile("empty file" if not text else "whitespace-only file")


def _decode_lossy(data: bytes) -> tuple[str, str] | None:
    # UTF-8 first: bulk valid multi-byte UTF-8 is practically impossible by
    # accident, whereas UTF-8 Chinese often also "decodes" as GB18030.
    for name in ("utf-8", "gb18030"):
        bad, good = _count_decode_errors(data, name)
        if good >= _LOSSY_MIN_GOOD and bad <= _LOSSY_MAX_RATIO * good:
            break
    else:
        return None
    # Decode line by line: Python's GB18030 decoder in "replace" mode can
    # swallow the LF after a broken 4-byte sequence; LF and CR are never
    # trail bytes in UTF-8 or GB18030, so splitting first is exact.
    text = "\n".join(chunk.decode(name, errors="replace") for chunk in data.split(b"\n"))
    return text, f"{name} (lossy: {bad} undecodable byte{'s' if bad != 1 else ''} replaced)"


_ESCAPED_BYTE_RE = re.compile("[\udc80-\udcff]")


def _count_decode_errors(data: bytes, name: str) -> tuple[int, int]:
    """Return (#undecodable bytes, #non-ASCII characters decoded correctly)."""
    text = data.decode(name, errors="surrogateescape")
    bad = len(_ESCAPED_BYTE_RE.findall(text))
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return bad, good


_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")


def _charset_normalizer_big5(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding not in ("big5", "big5hkscs", "cp950"):
        return None
    return str(best), best.encoding


def _decode_with_charset_normalizer(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile(_UNDECODABLE)
    text = str(best)
    _check_not_blank(text)
    if _text_looks_binary(text):
        raise UnreadableFile("binary file (not text)")
    return text, best.encoding


def _text_looks_binary(text: str) -> bool:
    sample = text[:_BINARY_SAMPLE]
    if not sample:
        return False
    odd = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\x0b\x0c\r\x1b")
    )
    return odd > _BINARY_RATIO * len(sample)


# --------------------------------------------------------------------------
# Line cleaning for formats whose extracted text *is* the provenance
# --------------------------------------------------------------------------

_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """Normalise line breaks (CRLF, CR, FF, VT -> LF) and drop other C0/C1
    control characters; keep TAB."""
    text = text.replace("\r\n", "\n")
    text = text.translate({0x0D: "\n", 0x0C: "\n", 0x0B: "\n"})
    return _CONTROL_CHARS_RE.sub("", text)


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    old_level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(old_level)


def _read_pdf(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise UnreadableFile("damaged PDF: no %PDF header (not a PDF file)")
    pages: list[str] = []
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception as exc:  # e.g. AES without the crypto extra
                    raise UnreadableFile(f"encrypted PDF ({_short(exc)})") from None
                if not ok:
                    raise UnreadableFile("encrypted PDF (password required)")
            page_list = list(reader.pages)
        except UnreadableFile:
            raise
        except RecursionError:
            raise UnreadableFile("damaged PDF: object structure too deep") from None
        except Exception as exc:
            raise UnreadableFile(f"damaged PDF: {_short(exc)}") from None
        for number, page in enumerate(page_list, 1):
            try:
                pages.append(page.extract_text() or "")
            except RecursionError:
                raise UnreadableFile(f"damaged PDF: page {number}: object structure too deep") from None
            except Exception as exc:
                raise UnreadableFile(f"damaged PDF: page {number}: {_short(exc)}") from None
    if not pages:
        raise UnreadableFile("damaged PDF: no pages")
    text = "\n".join(_clean(p).rstrip("\n") for p in pages)
    if not text.strip():
        raise UnreadableFile("PDF has no text layer (scanned?)")
    return text.split("\n")


def _short(exc: BaseException, limit: int = 120) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return msg if len(msg) <= limit else msg[: limit - 1] + "…"


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def _read_docx(data: bytes) -> list[str]:
    import io

    import docx
    from docx.oxml.ns import qn
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    if not data.startswith(b"PK"):
        raise UnreadableFile("not a valid .docx (not a ZIP package)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableFile(f"not a valid .docx ({_short(exc)})") from None

    P, TBL, SDT, SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
    TR, TC = qn("w:tr"), qn("w:tc")
    lines: list[str] = []

    def block_items(element, parent):
        # Paragraphs and tables in document order, looking through content
        # controls (w:sdt), which python-docx's .paragraphs would miss.
        for child in element.iterchildren():
            if child.tag == P:
                yield Paragraph(child, parent)
            elif child.tag == TBL:
                yield Table(child, parent)
            elif child.tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from block_items(content, parent)

    def emit(element, parent, in_cell: bool) -> None:
        for item in block_items(element, parent):
            if isinstance(item, Paragraph):
                text = _clean(item.text)
                if in_cell and not text.strip():
                    continue  # empty cells carry no structure
                lines.extend(text.split("\n"))
            else:
                # Row by row, one cell after another.  Read w:tc elements
                # directly: a horizontally merged cell is then seen once, and
                # a vertically merged one only in its first row carries text.
                for tr in item._tbl.iterchildren(TR):
                    for tc in _row_cells(tr, TC, SDT, SDT_CONTENT):
                        emit(tc, _Cell(tc, item), in_cell=True)

    try:
        emit(document.element.body, document._body, in_cell=False)
    except Exception as exc:
        raise UnreadableFile(f"not a valid .docx ({_short(exc)})") from None
    if not any(line.strip() for line in lines):
        raise UnreadableFile("empty document (no text)")
    return lines


def _row_cells(tr, TC, SDT, SDT_CONTENT):
    for child in tr.iterchildren():
        if child.tag == TC:
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from (c for c in content.iterchildren() if c.tag == TC)


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "euccn", "csgb2312", "chinese", "ms936", "windows-936"}

_DROP_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "head"}
)
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center",
        "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "html", "legend", "li", "main", "menu", "ol", "option", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul",
    }
)
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_SEGMENT_BREAK = "\x00"  # marks collapsed whitespace that contained a newline
_SPACE_RUN_RE = re.compile(r"[ \x00]+")


def _declared_charset(data: bytes) -> str | None:
    head = data[:8192]
    m = _XML_ENCODING_RE.match(head) or _META_CHARSET_RE.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        return "cp1252"  # as browsers do (WHATWG encoding standard)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a meta tag readable as ASCII cannot mean UTF-16
    if codec in ("utf-8", "utf-8-sig"):
        return "utf-8"
    return codec


def _read_html(data: bytes) -> tuple[list[str], str, dict[str, str]]:
    from bs4 import BeautifulSoup

    text, encoding = _decode_text(data, declared=_declared_charset(data))
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as exc:  # lxml is very tolerant; this is a safety net
        raise UnreadableFile(f"damaged HTML ({_short(exc)})") from None
    parts = page_parts(soup)
    lines = html_block_lines(soup, parts.hidden, parts.bare)
    if not any(lines):
        raise UnreadableFile("no text in HTML page")
    meta = read_info_table("\n".join(html_block_lines(parts.tables[0]))) if parts.tables else {}
    return lines, encoding, meta


def html_block_lines(soup, hidden: frozenset[int] | set[int] = frozenset(),
                      bare: frozenset[int] | set[int] = frozenset()) -> list[str]:
    """One line per block element (and per <br>), inline content joined,
    whitespace collapsed as a browser would; blank lines dropped.

    Lines made only of text in `hidden` elements (or directly in a `bare` one) are kept as
    empty strings, so the numbering is the same whatever extract.webpage decides."""
    from bs4.element import NavigableString, PreformattedString, Tag

    lines: list[str] = []
    buf: list[str] = []
    shown = [False]  # whether the current line has text that is not hidden

    def flush() -> None:
        if buf:
            line = _finish_html_line("".join(buf))
            buf.clear()
            if line:
                lines.append(line if shown[0] else "")
        shown[0] = False

    # Iterative walk: badly nested pages (unclosed <font>...) can be
    # thousands of levels deep.
    END = object()
    stack: list[tuple[object, bool, bool]] = [(soup, False, False)]
    while stack:
        node, pre, off = stack.pop()
        if node is END:
            flush()
            continue
        if isinstance(node, NavigableString):
            if isinstance(node, PreformattedString):  # comments, doctype, CDATA, PIs
                continue
            s = _CONTROL_CHARS_RE.sub("", str(node).replace("\r\n", "\n").replace("\r", "\n"))
            for i, part in enumerate(s.split("\n") if pre else [_collapse_spaces(s)]):
                if i:
                    flush()
                buf.append(part)
                shown[0] = shown[0] or (not off and bool(part.replace(_SEGMENT_BREAK, "").strip()))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if node is not soup:
            if name in _DROP_TAGS:
                continue
            if name == "br":
                flush()
                continue
        is_block = name in _BLOCK_TAGS
        if is_block:
            flush()
            stack.append((END, pre, off))
        child_pre = pre or name in ("pre", "textarea", "listing", "plaintext")
        child_off = off or id(node) in hidden
        stack.extend((child, child_pre, child_off or (id(node) in bare and isinstance(child, NavigableString)))
                     for child in reversed(node.contents))
    flush()
    return lines


def _collapse_spaces(s: str) -> str:
    """Whitespace runs as one space, marking those that held a line break (see _finish_html_line)."""
    return _HTML_SPACE_RE.sub(lambda m: _SEGMENT_BREAK if "\n" in m.group() else " ", s)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _finish_html_line(raw: str) -> str:
    # CSS Text 3 segment-break rule: a source line break between two CJK
    # (wide) characters vanishes instead of becoming a space, so Chinese
    # wrapped in the HTML source is not split by stray spaces.
    def repl(m: re.Match) -> str:
        run = m.group()
        if _SEGMENT_BREAK in run and m.start() > 0 and m.end() < len(raw):
            if _is_wide(raw[m.start() - 1]) and _is_wide(raw[m.end()]):
                return ""
        return " "

    line = _SPACE_RUN_RE.sub(repl, raw)
    return line.replace("\xa0", " ").strip()
