"""Chunk: split a Document's blocks into sentence units, each with its offsets and context."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .ingest import CODE, HEADING, TABLE_ROW, Document
from .lexical import without_urls

MAX_UNIT_CHARS = 1200
CONTEXT_SENTENCES = 2

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "cf", "dr", "mr", "mrs", "ms", "prof", "st", "no", "nos", "fig",
    "figs", "approx", "inc", "ltd", "jr", "sr", "u.s", "u.k", "e.u", "al", "ca", "resp", "incl",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vol",
    "p", "pp", "ed", "eds", "ref", "sec", "ch", "min", "max", "dept", "est", "mt", "ft",
}
# A candidate boundary: terminal punctuation, closing quotes/brackets, whitespace, and then
# something that can open a sentence.
_CANDIDATE = re.compile(r"[.!?…]+[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9À-ÖØ-ÞΑ-ΩА-Я])")
_WORD_BEFORE = re.compile(r"([\w.]+)[.]$")


@dataclass
class Unit:
    """A sentence (or table row, or list item) of a document: what gets embedded and cited."""

    source: str
    section: str | None
    page: int | None
    kind: str
    start: int
    end: int
    context_start: int
    context_end: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, shifted by `offset`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        end = m.end()
        punct_end = len(m.group().rstrip())
        before = text[start:m.start() + 1]
        word = _WORD_BEFORE.search(before)
        if m.group()[0] == "." and word:
            token = word.group(1).lower()
            if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or \
                    re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
                continue
        spans.append((start, m.start() + punct_end))
        start = end
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        for piece in _cap_length(text, s, e):
            if re.search(r"\w", text[piece[0]:piece[1]]):
                result.append((piece[0] + offset, piece[1] + offset))
    return result


def _cap_length(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a run-on "sentence" (a huge line, a data dump) at spaces into bounded pieces."""
    pieces = []
    while end - start > MAX_UNIT_CHARS:
        cut = text.rfind(" ", start + MAX_UNIT_CHARS // 2, start + MAX_UNIT_CHARS)
        if cut <= start:
            cut = start + MAX_UNIT_CHARS
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def chunk_document(document: Document) -> list[Unit]:
    """Sentence units of every non-heading block; code blocks join the sentence before them."""
    units: list[Unit] = []
    text = document.text
    for block in document.blocks:
        if block.kind == HEADING:
            continue
        if block.kind == CODE:
            previous = units[-1] if units else None
            if previous and previous.section == block.section and block.start - previous.end < 4:
                previous.end = previous.context_end = block.end
                previous.text = text[previous.start:previous.end]
                continue
            spans = [(block.start, block.end)]
        elif block.kind == TABLE_ROW:
            spans = _cap_length(text, block.start, block.end)
        else:
            spans = split_sentences(text[block.start:block.end], block.start)
        for n, (start, end) in enumerate(spans):
            first = spans[max(0, n - CONTEXT_SENTENCES)][0]
            last = spans[min(len(spans) - 1, n + CONTEXT_SENTENCES)][1]
            page = document.page_at(start) if document.page_starts else block.page
            units.append(Unit(document.source, block.section, page, block.kind, start, end,
                              first, last, text[start:end]))
    return units


def embedding_text(unit: Unit, title: str = "") -> str:
    """What the dense index sees: the sentence (web addresses left out), with its section; a
    table row after the name of its table (its section, else the document's title), so that
    it is found by what its columns are about and not only by its cells."""
    text = without_urls(unit.text)
    section = (unit.section or "").rsplit(" > ", 1)[-1]
    if unit.kind == TABLE_ROW:
        table = section or title
        return f"{table}: {text}" if table else text
    return f"{text} ({section})" if section else text


def window_text(unit: Unit, document_text: str) -> str | None:
    """The sentence read with its neighbours (up to `CONTEXT_SENTENCES` each side in its
    paragraph), for a second vector: "It is not enough." is found through what surrounds it.
    None when the window is the sentence itself (table rows, one-sentence paragraphs)."""
    if (unit.context_start, unit.context_end) == (unit.start, unit.end):
        return None
    text = without_urls(document_text[unit.context_start:unit.context_end])
    section = (unit.section or "").rsplit(" > ", 1)[-1]
    return f"{text} ({section})" if section else text


def unit_words_text(unit: Unit) -> str:
    """The words a unit offers a question: its sentence and its section's words."""
    return f"{unit.section or ''} {without_urls(unit.text)}"


def lexical_text(unit: Unit, title: str = "") -> str:
    """What the BM25 index sees: "title > section path > sentence", so that a sentence is found
    by the words of the document and the section it stands in as well as its own."""
    return f"{title} > {unit_words_text(unit)}" if title else unit_words_text(unit)
