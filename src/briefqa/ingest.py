"""Ingest: read a corpus file (txt, md, pdf, html, csv) into a Document of structured blocks."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import DocumentError
from .settings import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)

# Block kinds. Headings are kept in the text for reading but are not answer sentences.
HEADING, FRONT, PARAGRAPH, LIST_ITEM, TABLE_ROW, CODE = (
    "heading", "front", "paragraph", "list_item", "table_row", "code",
)
SECTION_SEPARATOR = " > "


@dataclass
class Block:
    kind: str
    start: int
    end: int
    section: str | None = None
    page: int | None = None


@dataclass
class Document:
    """One file's extracted text; every block and citation offset indexes into `text`."""

    source: str
    title: str
    text: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    # For paged formats: (offset, page) where each page's text begins.
    page_starts: list[tuple[int, int]] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        blocks = [Block(**b) for b in data.get("blocks", [])]
        pages = [tuple(p) for p in data.get("page_starts", [])]
        return cls(data["source"], data["title"], data["text"], data["format"], blocks, pages)


class _TextBuilder:
    """Assembles a document's text block by block, remembering each block's offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []

    def add(self, text: str, kind: str, section: str | None, page: int | None = None,
            separator: str = "\n") -> None:
        text = text.strip()
        if not text:
            return
        if self.length:
            self.parts.append(separator)
            self.length += len(separator)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        self.blocks.append(Block(kind, start, self.length, section, page))

    def text(self) -> str:
        return "".join(self.parts)


class _Sections:
    """A heading stack turned into paths such as "AI Factories in Focus > Scale and Access"."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))

    @property
    def path(self) -> str | None:
        return SECTION_SEPARATOR.join(t for _, t in self.stack) or None


# ---------------------------------------------------------------------------------------------
# Reading bytes as text


def decode_text(data: bytes, name: str) -> str:
    """Decode text files whatever their encoding; refuse what is really binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:8192]:
        encoding = _bomless_utf16(data[:8192])
        if encoding is None:
            raise DocumentError(f"{name}: looks like a binary file, not text")
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise DocumentError(f"{name}: looks like a binary file, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters other than line breaks and tabs carry nothing a reader can see.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 saved without a BOM: mostly ASCII, so every other byte is zero."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def human_size(size: int) -> str:
    """Bytes as a person reads them: "850 bytes", "48.8 KB", "20.0 MB"."""
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}"
    return f"{size:.1f} GB"


def _humanise(stem: str) -> str:
    """A file name as a title: "ai_factories" -> "AI factories"."""
    # Acronyms and code names mixing letters and digits ("it4lia") are written in capitals.
    words = [w.upper() if w.lower() in _ACRONYMS or (re.search(r"\d", w) and w.isalnum())
             else w for w in re.split(r"[_\-\s]+", stem) if w]
    if not words:
        return stem
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


_ACRONYMS = {"ai", "hpc", "eu", "gpu", "cpu", "csv", "llm", "it"}


# ---------------------------------------------------------------------------------------------
# Plain text


_TERMINAL = tuple('.!?:;,"”’)]')


def _looks_like_title(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= 120
        and len(stripped.split()) <= 14
        and not stripped.endswith(_TERMINAL)
        and not stripped.startswith(("-", "*", "•"))
    )


def load_txt(text: str, source: str, stem: str) -> Document:
    """One paragraph a line (or blank-line separated paragraphs); short unpunctuated lines are
    section titles; a lone "-" line makes the next paragraph a list item."""
    paragraphs: list[tuple[int, int]] = []
    if "\n\n" in text.strip():
        for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", text):
            paragraphs.append((m.start(), m.end()))
    else:
        for m in re.finditer(r"[^\n]+", text):
            line = m.group()
            if line.strip():
                start = m.start() + (len(line) - len(line.lstrip()))
                paragraphs.append((start, m.start() + len(line.rstrip())))

    blocks: list[Block] = []
    sections = _Sections()
    seen_body = False
    previous_was_heading = False
    list_marker = False
    front: list[str] = []
    for start, end in paragraphs:
        para = text[start:end]
        if para.strip() in ("-", "*", "•"):
            list_marker = True
            continue
        if list_marker:
            blocks.append(Block(LIST_ITEM, start, end, sections.path))
            list_marker = False
            seen_body, previous_was_heading = True, False
            continue
        if "\n" not in para and _looks_like_title(para):
            if not seen_body:
                front.append(para)
                blocks.append(Block(FRONT, start, end, None))
                continue
            # Two titles in a row: the first is the parent of the second. Plain text says
            # nothing else of levels, so a lone title starts a top-level section: a missing
            # parent misleads less than a wrong one.
            sections.enter(2 if previous_was_heading else 1, para)
            blocks.append(Block(HEADING, start, end, sections.path))
            previous_was_heading = True
            continue
        if not seen_body and front:
            # The last line of the front matter titles the first body section.
            last = blocks[-1]
            last.kind = HEADING
            sections.enter(1, text[last.start:last.end])
            last.section = sections.path
            front.pop()
        blocks.append(Block(PARAGRAPH, start, end, sections.path))
        seen_body, previous_was_heading = True, False

    title = next((f for f in front if len(f.split()) >= 3), front[0] if front else "") \
        or _first_line(text) or _humanise(stem)
    return Document(source, title, text, "txt", blocks)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


# ---------------------------------------------------------------------------------------------
# Markdown

_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
# Possessive quantifiers and bounded character classes throughout: a hostile line of many
# spaces or brackets must cost linear time, not quadratic or cubic.
_HEADING = re.compile(r"^(#{1,6})\s++(.*)$")
_FENCE = re.compile(r"^(\s*)(```+|~~~+)")
_TABLE_RULE = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_ADMONITION = re.compile(
    r'^(\s*+)(?:!!!|\?\?\?\+?|===)\s*+(\w[\w-]*+)?\s*+(?:"(.*)")?\s*+$')


_INLINE_HTML = re.compile(
    r"</?(?:a|b|i|u|em|strong|br|span|div|sup|sub|img|code|kbd|p|small|mark|abbr|del|ins)"
    r"\b[^>\n]{0,200}>", re.I)


# A link's target, which may hold one level of parentheses (Wikipedia-style URLs).
_LINK_TARGET = r"\((?:[^()]|\([^()]*\))*\)"


def clean_inline_markdown(text: str) -> str:
    text = re.sub(r"!\[([^\[\]]*)\]" + _LINK_TARGET, r"\1", text)
    text = re.sub(r"\[([^\[\]]+)\]" + _LINK_TARGET, r"\1", text)
    text = re.sub(r"\[([^\[\]]+)\]\[[^\[\]]*\]", r"\1", text)
    text = re.sub(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = _INLINE_HTML.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _table_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [clean_inline_markdown(c) for c in re.split(r"(?<!\\)\|", line)]


def load_markdown(text: str, source: str, stem: str) -> Document:
    """Headings become sections; paragraphs are joined; each table row becomes a block naming
    its columns; fenced code stays whole; admonitions and tabs are read as their content."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                lines = lines[i + 1:]
                break

    out = _TextBuilder()
    sections = _Sections()
    title: str | None = None
    paragraph: list[str] = []
    paragraph_kind = PARAGRAPH

    def flush() -> None:
        nonlocal paragraph, paragraph_kind
        if paragraph:
            out.add(clean_inline_markdown(" ".join(p.strip() for p in paragraph)),
                    paragraph_kind, sections.path)
        paragraph, paragraph_kind = [], PARAGRAPH

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker = fence.group(2)
            indent = len(fence.group(1))
            code = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                code.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i])
                i += 1
            out.add("\n".join(code).rstrip(), CODE, sections.path)
            i += 1
            continue
        heading = _HEADING.match(line) if not line.startswith(" ") else None
        if heading:
            flush()
            name = heading.group(2).rstrip().rstrip("#").rstrip()
            level, name = len(heading.group(1)), clean_inline_markdown(name)
            if title is None and level == 1:
                title = name
                out.add(name, HEADING, None)
            else:
                sections.enter(level, name)
                out.add(name, HEADING, sections.path)
            i += 1
            continue
        if not stripped or _LINK_DEF.match(line) or re.fullmatch(r"([-*_])(\s*\1){2,}", stripped):
            flush()
            i += 1
            continue
        admonition = _ADMONITION.match(line)
        if admonition:
            flush()
            kind_word, label = admonition.group(2), admonition.group(3)
            caption = label or (kind_word or "").capitalize()
            if caption:
                out.add(clean_inline_markdown(caption) + ":", PARAGRAPH, sections.path)
            # Its body is indented; dedent it in place and read on.
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith("    ")):
                lines[j] = lines[j][4:] if lines[j].startswith("    ") else lines[j]
                j += 1
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            flush()
            header = _table_cells(line)
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = _table_cells(lines[i])
                pairs = [f"{h}: {c}" for h, c in zip(header, cells) if c]
                out.add("; ".join(pairs), TABLE_ROW, sections.path)
                i += 1
            continue
        if stripped.startswith("<") and re.match(r"<[a-zA-Z!/]", stripped):
            flush()
            html_lines = []
            while i < len(lines) and lines[i].strip():
                html_lines.append(lines[i])
                i += 1
            inner = re.sub(r"<[^<>]*>", " ", "\n".join(html_lines))
            inner = re.sub(r"\s+", " ", inner).strip()
            if inner:
                out.add(inner, PARAGRAPH, sections.path)
            continue
        if _LIST_ITEM.match(line):
            flush()
            paragraph, paragraph_kind = [_LIST_ITEM.sub("", line, count=1)], LIST_ITEM
            i += 1
            continue
        paragraph.append(re.sub(r"^\s*>\s?", "", line))
        i += 1
    flush()
    doc_text = out.text()
    return Document(source, title or _humanise(stem), doc_text, "md", out.blocks)


# ---------------------------------------------------------------------------------------------
# HTML


def load_html(text: str, source: str, stem: str) -> Document:
    """Visible text only: scripts, styles and markup never reach the document text."""
    from html.parser import HTMLParser

    builder = _TextBuilder()
    sections = _Sections()
    state = {"title": None}

    class Reader(HTMLParser):
        skip_tags = {"script", "style", "noscript", "template", "head", "svg"}
        block_tags = {"p", "div", "li", "td", "th", "tr", "pre", "section", "article",
                      "blockquote", "br", "dd", "dt", "figcaption", "caption", "table", "ul",
                      "ol", "h1", "h2", "h3", "h4", "h5", "h6", "title", "body", "header",
                      "footer", "main", "nav"}

        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.skipping = 0
            self.buffer: list[str] = []
            self.kind = PARAGRAPH
            self.in_title = False
            self.heading_level = 0

        def flush(self):
            piece = " ".join(" ".join(self.buffer).split())
            self.buffer = []
            if not piece:
                return
            if self.in_title:
                state["title"] = state["title"] or piece
            elif self.heading_level:
                if state["title"] is None and self.heading_level == 1:
                    state["title"] = piece
                    builder.add(piece, HEADING, None)
                else:
                    sections.enter(self.heading_level, piece)
                    builder.add(piece, HEADING, sections.path)
            else:
                builder.add(piece, self.kind, sections.path)

        def handle_starttag(self, tag, attrs):
            if tag in self.skip_tags and tag != "head":
                self.skipping += 1
            elif tag == "title":
                self.flush()
                self.in_title = True
            elif tag in self.block_tags:
                self.flush()
                if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    self.heading_level = int(tag[1])
                self.kind = {"li": LIST_ITEM, "pre": CODE, "tr": TABLE_ROW}.get(tag, PARAGRAPH)

        def handle_endtag(self, tag):
            if tag in self.skip_tags and tag != "head":
                self.skipping = max(0, self.skipping - 1)
            elif tag == "title":
                self.flush()
                self.in_title = False
            elif tag in self.block_tags:
                self.flush()
                self.heading_level = 0
                self.kind = PARAGRAPH

        def handle_data(self, data):
            if not self.skipping:
                self.buffer.append(data)

    reader = Reader()
    reader.feed(_defuse_markup(text))
    reader.close()
    reader.flush()
    return Document(source, state["title"] or _humanise(stem), builder.text(), "html",
                    builder.blocks)


def _defuse_markup(text: str) -> str:
    """html.parser rescans the rest of the page for every '<' that is never closed (quadratic
    on a hostile page) and asserts on a '<![' that names nothing; a '<' after the last '>'
    cannot open anything, so both become text."""
    last = text.rfind(">")
    if "<" in text[last + 1:]:
        text = text[:last + 1] + text[last + 1:].replace("<", "&lt;")
    return re.sub(r"<!\[(?![A-Za-z])", "&lt;![", text)


# ---------------------------------------------------------------------------------------------
# CSV


def load_csv(text: str, source: str, stem: str) -> Document:
    """Each row becomes one block naming its columns: "name: MEGARIDE; role: ..."."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # A cell can be as long as the file (whose size is limited before this).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise DocumentError(f"{source}: not a readable CSV file ({exc})") from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise DocumentError(f"{source}: the CSV file has no rows")
    header = [h.strip() or f"column {n + 1}" for n, h in enumerate(rows[0])]
    title = _humanise(stem)
    folder = source.rsplit("/", 2)[-2] if "/" in source else ""
    if folder and folder != "uploads":
        # A table is one part of a larger publication: name both, so a figure's origin is clear.
        title = f"{title} ({_humanise(folder)})"
    builder = _TextBuilder()
    builder.add(title, HEADING, None)
    ragged = 0
    for row in rows[1:]:
        if len(row) != len(header):
            ragged += 1
        names = header + [f"column {n + 1}" for n in range(len(header), len(row))]
        pairs = [f"{h}: {' '.join(c.split())}" for h, c in zip(names, row) if c.strip()]
        if pairs:
            builder.add("; ".join(pairs), TABLE_ROW, " ".join(row[0].split()) or None)
    if ragged:
        log.warning("%s: %d rows do not have %d columns; read as they are",
                    source, ragged, len(header))
    return Document(source, title, builder.text(), "csv", builder.blocks)


# ---------------------------------------------------------------------------------------------
# PDF


def load_pdf(data: bytes, source: str, stem: str) -> Document:
    """Text with page numbers; running headers, footers and page numbers are dropped; bold
    lines standing alone are section titles; lines are re-joined into paragraphs."""
    from .pdf import read_pdf_lines

    pages = read_pdf_lines(data, source)
    repeated = _repeated_lines(pages)
    builder = _TextBuilder()
    sections = _Sections()
    title = None
    page_starts: list[tuple[int, int]] = []
    paragraph: list[tuple[str, int]] = []  # (line, page)
    paragraph_kind = PARAGRAPH

    def flush():
        nonlocal paragraph, paragraph_kind
        if paragraph:
            text, breaks = _join_lines(paragraph)
            builder.add(text, paragraph_kind, sections.path, paragraph[0][1])
            start = builder.blocks[-1].start
            page_starts.extend((start + offset, page) for offset, page in breaks)
        paragraph, paragraph_kind = [], PARAGRAPH

    for page_number, lines in enumerate(pages, start=1):
        first_on_page = True
        for n, line in enumerate(lines):
            text = line.text.strip()
            edge = n < 2 or n >= len(lines) - 2
            if not text or (edge and (_is_page_number(text) or text in repeated)):
                continue
            if line.bold and len(text) < 150:
                flush()
                if title is None:
                    title = text
                    builder.add(text, HEADING, None, page_number)
                else:
                    level = 1 if line.size >= 13 else 2
                    sections.enter(level, text)
                    builder.add(text, HEADING, sections.path, page_number)
                page_starts.append((builder.blocks[-1].start, page_number))
                first_on_page = False
                continue
            bullet = re.match(r"^[•\-–▪●◦]\s+", text)
            # A paragraph runs on over a page break unless its last line ended a sentence.
            continues = first_on_page and paragraph and not paragraph[-1][0].rstrip().endswith(
                (".", "!", "?", ":", "”", '"'))
            if bullet or (line.gap_before and not continues) or not paragraph:
                flush()
                if bullet:
                    text, paragraph_kind = text[bullet.end():], LIST_ITEM
            paragraph.append((text, page_number))
            first_on_page = False
    flush()
    if not builder.blocks:
        raise DocumentError(f"{source}: the PDF has no text layer (scanned?); nothing to index")
    return Document(source, title or _humanise(stem), builder.text(), "pdf", builder.blocks,
                    sorted(set(page_starts)))


def _join_lines(lines: list[tuple[str, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Re-join wrapped lines; also say at which offsets a new page begins."""
    joined = ""
    breaks: list[tuple[int, int]] = []
    page = None
    for line, line_page in lines:
        line = " ".join(line.split())
        if joined and not (joined.endswith("-") and joined[-2:-1].isalpha()):
            joined += " "
        if line_page != page:
            breaks.append((len(joined), line_page))
            page = line_page
        joined += line
    return joined, breaks


def _is_page_number(text: str) -> bool:
    return bool(re.fullmatch(r"(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", text, re.I))


def _repeated_lines(pages) -> set[str]:
    """Lines at the top or bottom of at least half the pages: running headers and footers."""
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        edges = {ln.text.strip() for ln in lines[:2] + lines[-2:]}
        for text in edges:
            counts[text] = counts.get(text, 0) + 1
    return {t for t, c in counts.items() if t and c >= max(2, len(pages) // 2)}


# ---------------------------------------------------------------------------------------------


def load_document(path: Path, source: str, max_bytes: int | None = None,
                  max_chars: int | None = None) -> Document:
    """Read any supported file; raise DocumentError with the reason when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{source}: unsupported file type {suffix or '(none)'}; "
                            f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise DocumentError(f"{source}: {human_size(size)} is over the "
                                f"{human_size(max_bytes)} limit for one file")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    return parse_document(data, source, suffix, max_chars)


def parse_document(data: bytes, source: str, suffix: str,
                   max_chars: int | None = None) -> Document:
    """A file's bytes as a Document; whatever goes wrong is a DocumentError naming the file."""
    stem = Path(source).stem
    if not data.strip():
        raise DocumentError(f"{source}: the file is empty")
    try:
        if suffix == ".pdf":
            document = load_pdf(data, source, stem)
            _check_length(document.text, source, max_chars)
        else:
            text = decode_text(data, source)
            _check_length(text, source, max_chars)
            loader = {".md": load_markdown, ".markdown": load_markdown, ".html": load_html,
                      ".htm": load_html, ".csv": load_csv}.get(suffix, load_txt)
            document = loader(text, source, stem)
    except DocumentError:
        raise
    except Exception as exc:  # a reader's bug on one strange file must not stop the others
        raise DocumentError(f"{source}: could not be read ({type(exc).__name__}: "
                            f"{str(exc)[:200]})") from exc
    if not any(b.kind != HEADING for b in document.blocks):
        raise DocumentError(f"{source}: no readable text found")
    # HTML entities (&#27;) and PDF text can still carry control characters, which a terminal
    # would obey; one space for one character keeps every offset.
    document.text = _INVISIBLE_CONTROLS.sub(" ", document.text)
    return document


_INVISIBLE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _check_length(text: str, source: str, max_chars: int | None) -> None:
    if max_chars is not None and len(text) > max_chars:
        raise DocumentError(f"{source}: its text is {len(text):,} characters long, over the "
                            f"{max_chars:,} limit for one document (BRIEFQA_MAX_DOCUMENT_CHARS)")
