"""Document: a file's text as structured blocks, the shape every format reader builds."""

from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, field, replace

import numpy as np

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
    # Table rows only: which table of the document the row belongs to (0, 1, ...), and each
    # non-empty cell as [column position, column name, start, end] in the document's text.
    table: int | None = None
    cells: list | None = None


@dataclass
class RowSpans:
    """More rows of one table, held compactly: where each row's text ("column: value; ...")
    stands in its document's text, without a block or cells each. A large CSV file's rows past
    the first `Settings.max_embedded_rows` are these: they are in the text (and so citable) and
    in the table store, but not sentence units (not embedded, not in BM25). Their cells are
    read again from the file by whoever needs them (the table store)."""

    table: int
    section: str | None
    columns: list[str]  # the table's column names by position, as wide as its widest row
    starts: np.ndarray  # int64, one a row
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def to_dict(self) -> dict:
        return {"table": self.table, "section": self.section, "columns": list(self.columns),
                "starts": _packed(self.starts), "ends": _packed(self.ends)}

    @classmethod
    def from_dict(cls, data: dict) -> RowSpans:
        return cls(data["table"], data["section"], list(data["columns"]),
                   _unpacked(data["starts"]), _unpacked(data["ends"]))


def _packed(values: np.ndarray) -> str:
    return base64.b64encode(np.asarray(values, dtype="<i8").tobytes()).decode("ascii")


def _unpacked(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<i8").astype(np.int64)


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
    # A large table's rows past those given as blocks (see RowSpans); None for most documents.
    more_rows: RowSpans | None = None

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page

    def to_dict(self) -> dict:
        more = self.more_rows  # its arrays are packed below, not copied field by field
        data = asdict(replace(self, more_rows=None))
        del data["more_rows"]
        for block in data["blocks"]:  # most blocks are not table rows: no empty fields
            if block["table"] is None:
                del block["table"], block["cells"]
        if more is not None:
            data["more_rows"] = more.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        blocks = [Block(**b) for b in data.get("blocks", [])]
        pages = [tuple(p) for p in data.get("page_starts", [])]
        more = data.get("more_rows")
        return cls(data["source"], data["title"], data["text"], data["format"], blocks, pages,
                   RowSpans.from_dict(more) if more else None)


class _TextBuilder:
    """Assembles a document's text block by block, remembering each block's offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.joined: list[str] = []  # parts already joined, a few thousand at a time
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

    def add_row(self, cells: list[tuple[int, str, str]], section: str | None, table: int,
                page: int | None = None) -> None:
        """A table row as one block, "column: value; column: value", remembering where each
        value stands. `cells`: (column position, column name, value); empty values are left
        out."""
        text, placed, lead = row_text(cells)
        if not text:
            return
        self.add(text, TABLE_ROW, section, page)
        block = self.blocks[-1]
        block.table = table
        block.cells = [[p, n, block.start + s - lead, block.start + e - lead]
                       for p, n, s, e in placed]

    def add_row_text(self, text: str) -> tuple[int, int]:
        """A row's text (`row_text`, not empty) without a block: where it stands."""
        if self.length:
            self.parts.append("\n")
            self.length += 1
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        if len(self.parts) >= 4096:  # a million small strings would fragment the heap
            self.joined.append("".join(self.parts))
            self.parts.clear()
        return start, self.length

    def text(self) -> str:
        return "".join([*self.joined, *self.parts])


def row_text(cells) -> tuple[str, list, int]:
    """A table row's text, "column: value; column: value" (empty values left out, the whole
    stripped), where each value stands in it before the strip, and how much the strip took off
    its front."""
    text, placed = "", []
    for position, name, value in cells:
        value = value.strip()
        if not value:
            continue
        if text:
            text += "; "
        text += f"{name}: "
        placed.append([position, name, len(text), len(text) + len(value)])
        text += value
    lead = len(text) - len(text.lstrip())
    return text.strip(), placed, lead


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
