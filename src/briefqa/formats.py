"""Formats: read text, Markdown, HTML and CSV files into structured blocks."""

from __future__ import annotations

import csv
import logging
import re
from array import array

import numpy as np

from .document import (
    CODE,
    FRONT,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    Block,
    Document,
    RowSpans,
    _humanise,
    _Sections,
    _TextBuilder,
    row_text,
)
from .errors import DocumentError

log = logging.getLogger(__name__)


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
# A rule's cells are dashes, as a stray space inside them ("|--------- --|") is still read.
_TABLE_RULE = re.compile(r"^\s*+\|?\s*+:?-{2,}+[ -]*+:?\s*+(?:\|\s*+:?-{2,}+[ -]*+:?\s*+)*+"
                         r"\|?\s*+$")
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
    text = re.sub(r"<br\s{0,5}/?>", " ", text, flags=re.I)  # a line break parts words
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
    tables = 0  # tables read so far: each row's block says which it belongs to

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
                out.add_row([(n, h, c) for n, (h, c) in enumerate(zip(header, cells))],
                            sections.path, tables)
                i += 1
            tables += 1
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
            # Tables: each row becomes one block naming its columns, as in Markdown; a table
            # inside a cell is read as that cell's text.
            self.table_depth = 0
            self.tables = 0
            self.header: list[str] | None = None
            self.row: list[tuple[str, bool]] | None = None
            self.cell: list[str] | None = None
            self.cell_is_header = False

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

        def end_cell(self):
            if self.cell is not None:
                if self.row is None:
                    self.row = []
                self.row.append((" ".join("".join(self.cell).split()), self.cell_is_header))
                self.cell = None

        def end_row(self):
            self.end_cell()
            row, self.row = self.row, None
            if not row or not any(text for text, _ in row):
                return
            if self.header is None and all(is_header for _, is_header in row):
                self.header = [text for text, _ in row]
                return
            names = self.header or []
            builder.add_row([(n, names[n] if n < len(names) and names[n] else
                              f"column {n + 1}", text) for n, (text, _) in enumerate(row)],
                            sections.path, self.tables)

        def handle_starttag(self, tag, attrs):
            if tag in self.skip_tags and tag != "head":
                self.skipping += 1
            elif tag == "table":
                if self.table_depth == 0:
                    self.flush()
                    self.header, self.row, self.cell = None, None, None
                self.table_depth += 1
            elif self.table_depth == 1 and tag in ("tr", "td", "th"):
                if tag == "tr":
                    self.end_row()
                else:
                    self.end_cell()
                    self.cell, self.cell_is_header = [], tag == "th"
            elif self.cell is not None:
                if tag in self.block_tags:
                    self.cell.append(" ")
            elif tag == "title":
                self.flush()
                self.in_title = True
            elif tag in self.block_tags:
                self.flush()
                if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    self.heading_level = int(tag[1])
                self.kind = {"li": LIST_ITEM, "pre": CODE}.get(tag, PARAGRAPH)

        def handle_endtag(self, tag):
            if tag in self.skip_tags and tag != "head":
                self.skipping = max(0, self.skipping - 1)
            elif tag == "table" and self.table_depth:
                self.table_depth -= 1
                if self.table_depth == 0:
                    self.end_row()
                    self.tables += 1
            elif self.table_depth == 1 and tag in ("tr", "td", "th"):
                if tag == "tr":
                    self.end_row()
                else:
                    self.end_cell()
            elif self.cell is not None:
                if tag in self.block_tags:
                    self.cell.append(" ")
            elif tag == "title":
                self.flush()
                self.in_title = False
            elif tag in self.block_tags:
                self.flush()
                self.heading_level = 0
                self.kind = PARAGRAPH

        def handle_data(self, data):
            if self.skipping:
                return
            if self.cell is not None:
                self.cell.append(data)
            else:
                self.buffer.append(data)

    reader = Reader()
    reader.feed(_defuse_markup(text))
    reader.close()
    reader.end_row()
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


def csv_rows(text: str, source: str):
    """The non-empty rows of a CSV file's text, read one at a time (the dialect sniffed)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # A cell can be as long as the file (whose size is limited before this).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        for row in csv.reader(_lines(text), dialect):
            if any(cell.strip() for cell in row):
                yield row
    except csv.Error as exc:
        raise DocumentError(f"{source}: not a readable CSV file ({exc})") from exc


def _lines(text: str):
    """The text's lines, each with its line break, one at a time (io.StringIO would hold a
    copy of the whole text at four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end < 0 else end + 1
        yield text[start:end]
        start = end


def csv_header(row: list[str]) -> list[str]:
    return [h.strip() or f"column {n + 1}" for n, h in enumerate(row)]


def csv_cells(header: list[str], row: list[str]) -> list[tuple[int, str, str]]:
    """A data row's cells as (position, column name, value), spaces collapsed; a ragged row's
    cells past the header are "column N"."""
    names = header + [f"column {n + 1}" for n in range(len(header), len(row))]
    return [(n, h, " ".join(c.split())) for n, (h, c) in enumerate(zip(names, row))]


def load_csv(text: str, source: str, stem: str, embedded_rows: int | None = None) -> Document:
    """Each row becomes one block naming its columns: "name: MEGARIDE; role: ...". With
    `embedded_rows`, only that many rows become blocks (sentence units); the rest are in the
    text too, with their offsets held compactly (`Document.more_rows`), for the table store.
    The file is read a row at a time."""
    rows = csv_rows(text, source)
    first = next(rows, None)
    if first is None:
        raise DocumentError(f"{source}: the CSV file has no rows")
    header = csv_header(first)
    title = _humanise(stem)
    folder = source.rsplit("/", 2)[-2] if "/" in source else ""
    if folder and folder != "uploads":
        # A table is one part of a larger publication: name both, so a figure's origin is clear.
        title = f"{title} ({_humanise(folder)})"
    builder = _TextBuilder()
    builder.add(title, HEADING, None)
    ragged = widest = blocked = 0
    starts, ends = array("q"), array("q")
    for row in rows:
        if len(row) != len(header):
            ragged += 1
        cells = csv_cells(header, row)
        if embedded_rows is None or blocked < embedded_rows:
            builder.add_row(cells, " ".join(row[0].split()) or None, 0)
            blocked += 1
            continue
        text_of_row = row_text(cells)[0]
        if text_of_row:
            start, end = builder.add_row_text(text_of_row)
            starts.append(start)
            ends.append(end)
            widest = max(widest, len(row))
    if ragged:
        log.warning("%s: %d rows do not have %d columns; read as they are",
                    source, ragged, len(header))
    more = None
    if starts:
        columns = header + [f"column {n + 1}" for n in range(len(header), widest)]
        more = RowSpans(0, None, columns, np.frombuffer(starts, dtype=np.int64).copy(),
                        np.frombuffer(ends, dtype=np.int64).copy())
    return Document(source, title, builder.text(), "csv", builder.blocks, more_rows=more)
