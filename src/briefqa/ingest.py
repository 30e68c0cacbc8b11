"""Ingest: read a corpus file (txt, md, pdf, html, csv) into a Document of structured blocks."""

from __future__ import annotations

import re
from pathlib import Path

from .document import (
    CODE,
    FRONT,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    SECTION_SEPARATOR,
    TABLE_ROW,
    Block,
    Document,
    _humanise,
    _Sections,
    _TextBuilder,
)
from .errors import DocumentError
from .formats import clean_inline_markdown, load_csv, load_html, load_markdown, load_txt
from .settings import SUPPORTED_SUFFIXES

# The stage's API; the shared structures and the per-format readers are re-exported from here.
__all__ = [
    "CODE", "FRONT", "HEADING", "LIST_ITEM", "PARAGRAPH", "SECTION_SEPARATOR", "TABLE_ROW",
    "Block", "Document", "clean_inline_markdown", "decode_text", "human_size", "load_csv",
    "load_document", "load_html", "load_markdown", "load_pdf", "load_txt", "parse_document",
]


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
                  max_chars: int | None = None, embedded_rows: int | None = None) -> Document:
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
    return parse_document(data, source, suffix, max_chars, embedded_rows)


def parse_document(data: bytes, source: str, suffix: str,
                   max_chars: int | None = None, embedded_rows: int | None = None) -> Document:
    """A file's bytes as a Document; whatever goes wrong is a DocumentError naming the file.
    `embedded_rows`: a CSV file's rows past this many are not blocks (see `load_csv`); the
    character limit, which bounds what is embedded, then applies to the rows that are."""
    stem = Path(source).stem
    if not data.strip():
        raise DocumentError(f"{source}: the file is empty")
    try:
        if suffix == ".pdf":
            document = load_pdf(data, source, stem)
            _check_length(document.text, source, max_chars)
        else:
            text = decode_text(data, source)
            if suffix == ".csv" and embedded_rows is not None:
                document = load_csv(text, source, stem, embedded_rows)
                del text
                last = max((b.end for b in document.blocks), default=0)
                _check_length(document.text[:last], source, max_chars)
            else:
                _check_length(text, source, max_chars)
                loader = {".md": load_markdown, ".markdown": load_markdown,
                          ".html": load_html, ".htm": load_html,
                          ".csv": load_csv}.get(suffix, load_txt)
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
