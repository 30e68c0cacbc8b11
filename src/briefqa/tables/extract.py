"""Extract: every table of the corpus as data, each row tied to the verbatim text it cites.

The ingest already reads each table row into one block, "column: value; column: value", and
records which table it belongs to and where each value stands (`Block.table`, `Block.cells`):
Markdown tables, HTML tables and CSV files alike. This stage turns those into tables of cells:

- a **CSV file** is read again by DuckDB (`read_csv`, every cell as text; the file decoded as
  the ingest decodes it), and each of its rows is tied to the block the ingest made of it by
  content; a file DuckDB reads differently (ragged rows, another delimiter) is taken from the
  ingest's own reading instead, and the catalog says so (`reader`);
- a **Markdown or HTML table** is taken from its row blocks.

A table's name comes from its caption or section, else its document's title; its caption is the
sentence before it. Tables of one document that list the same kind of thing under the same
columns (a list split in two by a heading) form a family, read together when a question asks
of the whole list. Typing the cells (values.py) and writing them is the store's work.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..document import PARAGRAPH, TABLE_ROW, Document, _humanise

log = logging.getLogger(__name__)

MAX_CAPTION_CHARS = 400
CHECK_BATCH = 100_000  # rows whose quotes are checked against DuckDB's reading at a time


@dataclass
class TableRows:
    """The rows of one table: the ingest's blocks, each the row's quote with its cells, then
    the rows held only as offsets (`Document.more_rows`: a large CSV file's rows past those
    embedded), whose cells are read again from the file when they are needed."""

    blocks: list = field(default_factory=list)
    width: int = 0
    more: object = None  # RowSpans or None

    def __len__(self) -> int:
        return len(self.blocks) + (len(self.more) if self.more is not None else 0)

    @property
    def complete(self) -> bool:
        """Whether every row's cells are known (no row held only as offsets)."""
        return self.more is None or len(self.more) == 0

    def offsets(self):
        """Where each row's quote stands in the text: (starts, ends), int64 arrays."""
        import numpy as np

        count = len(self.blocks)
        starts = np.fromiter((b.start for b in self.blocks), np.int64, count)
        ends = np.fromiter((b.end for b in self.blocks), np.int64, count)
        if not self.complete:
            starts = np.concatenate([starts, self.more.starts])
            ends = np.concatenate([ends, self.more.ends])
        return starts, ends

    def span(self, k: int) -> tuple[int, int]:
        if k < len(self.blocks):
            return self.blocks[k].start, self.blocks[k].end
        k -= len(self.blocks)
        return int(self.more.starts[k]), int(self.more.ends[k])

    def cells(self, k: int, text: str) -> list[str | None]:
        """Row k's cells by column position (None where empty), as the ingest read them (a
        row held as offsets only has none here: see `csv_cells`)."""
        row: list[str | None] = [None] * self.width
        for position, _name, start, end in self.blocks[k].cells:
            row[position] = text[start:end]
        return row


@dataclass
class TableSpec:
    """One table of a document, before it is typed and stored."""

    source: str
    ordinal: int  # which table of its document
    title: str  # its caption, section or document title
    document_title: str
    section: str | None
    caption: str  # the text just before it
    kind: str  # "csv", "md", "html"
    columns: list[str]  # by position; "" where the header cell is empty
    rows: TableRows
    reader: str = "ingest"  # or "duckdb": who read its cells
    note: str = ""  # why the ingest's reading was used, when DuckDB's was not
    text: str = field(default="", repr=False)  # its document's text, which rows index into


def document_tables(document: Document) -> list[TableSpec]:
    """The tables of a document, from its table-row blocks."""
    groups: dict[int, list] = {}
    for block in document.blocks:
        if block.kind == TABLE_ROW and block.table is not None and block.cells:
            groups.setdefault(block.table, []).append(block)
    more = document.more_rows
    specs = []
    for ordinal, blocks in sorted(groups.items()):
        extra = more if more is not None and more.table == ordinal and len(more) else None
        width = 1 + max(cell[0] for block in blocks for cell in block.cells)
        if extra is not None:
            width = max(width, len(extra.columns))
        columns = [""] * width
        named = [False] * width
        for block in blocks:
            for position, name, _start, _end in block.cells:
                if not named[position]:
                    columns[position], named[position] = str(name), True
            if all(named):
                break
        if extra is not None:  # columns no embedded row has a cell in
            for position, name in enumerate(extra.columns):
                if not named[position]:
                    columns[position], named[position] = str(name), True
        rows = TableRows(blocks, width, extra)
        section = blocks[0].section
        caption = _caption(document, blocks[0])
        if document.format == "csv":
            title = _humanise(Path(document.source).stem)
        else:
            title = (section or "").split(" > ")[-1] or _short(caption) or document.title
        specs.append(TableSpec(document.source, ordinal, title, document.title, section,
                               caption, document.format, columns, rows, text=document.text))
    return specs


def _caption(document: Document, first_row) -> str:
    """The paragraph just before a table (in its section): what the table is said to be."""
    before = None
    for block in document.blocks:
        if block is first_row:
            break
        before = block
    if before is None or before.kind != PARAGRAPH or before.section != first_row.section:
        return ""
    return document.text[before.start:before.end][-MAX_CAPTION_CHARS:]


def _short(caption: str) -> str:
    """A caption short enough to name its table ("Systems"), else nothing."""
    caption = caption.strip().rstrip(":")
    return caption if 0 < len(caption) <= 80 and len(caption.split()) <= 10 else ""


def families(specs: list[TableSpec]) -> dict[int, int]:
    """Tables of one document that list the same kind of thing (the same first column, and
    most of their columns shared or sections under one parent: a list split in two by
    headings): position of each table -> position of its family's first table."""
    family: dict[int, int] = {}
    for n, spec in enumerate(specs):
        family[n] = n
        for m in range(n):
            other = specs[m]
            if family[m] != m or other.source != spec.source:
                continue
            mine = [_squash(c) for c in spec.columns]
            theirs = [_squash(c) for c in other.columns]
            if not mine or not theirs or mine[0] != theirs[0] or not mine[0]:
                continue
            shared = len(set(mine) & set(theirs))
            siblings = _parent(spec.section) == _parent(other.section) and \
                spec.section != other.section
            if shared >= 2 and (shared >= 0.75 * min(len(mine), len(theirs)) or siblings):
                family[n] = m
                break
    return family


def _parent(section: str | None) -> str:
    return (section or "").rpartition(" > ")[0]


_NAME = re.compile(r"\b(?:[A-Z][\w]*(?:[-+][\w]+)*|[a-z]+\d[\w-]*|\w+-\w[\w-]*)")
MAX_NAMES = 400


def document_names(text: str) -> list[str]:
    """The names a document uses (capitalised words, words with digits or hyphens), most
    frequent first: a question may name them of a table of this document."""
    counts: dict[str, int] = {}
    for match in _NAME.finditer(text[:2_000_000]):
        word = match.group().lower()
        if len(word) >= 2:
            counts[word] = counts.get(word, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_NAMES]]


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


# ---------------------------------------------------------------------------------------------
# CSV files, read by DuckDB


def read_csv(con, spec: TableSpec, data: bytes, scratch: Path, table: str,
             progress=None) -> bool:
    """Read a CSV file's bytes with DuckDB into `table` (columns c0, c1, ...: every cell as
    text) and tie each row to the ingest's block for it. True when DuckDB's reading is used;
    False (with `spec.note` saying why) when the ingest's reading must be."""
    from ..ingest import decode_text

    text = decode_text(data, spec.source)
    path = scratch / f".{table}.csv"
    path.write_text(text, encoding="utf-8")
    try:
        raw = f"{table}_raw"
        try:
            con.execute(f"CREATE TEMP TABLE {raw} AS SELECT * FROM read_csv(?, header = true, "
                        "all_varchar = true, auto_detect = true, sample_size = -1)",
                        [str(path)])
        except Exception as exc:  # DuckDB says why it cannot read it
            spec.note = f"DuckDB could not read it ({str(exc).splitlines()[0][:160]})"
            return False
        names = [row[0] for row in con.execute(f"DESCRIBE {raw}").fetchall()]
        header = [" ".join(h.split()) or f"column {n + 1}" for n, h in enumerate(spec.columns)]
        if len(names) != len(spec.columns) or \
                [" ".join(n.split()) for n in names] != [h.strip() for h in header]:
            spec.note = "DuckDB read other columns than the ingest"
            con.execute(f"DROP TABLE {raw}")
            return False
        width = len(names)
        cells = ", ".join(f'"{_quoted(n)}" AS c{i}' for i, n in enumerate(names))
        # What the ingest wrote of each row: "name: value; ..." (values' spaces collapsed).
        pieces = ", ".join(
            f"CASE WHEN trim(c{i}) <> '' THEN ? || ': ' || "
            f"regexp_replace(trim(c{i}), '\\s+', ' ', 'g') END" for i in range(width))
        con.execute(f"CREATE TEMP TABLE {table}_read AS SELECT row_number() OVER () AS n, * "
                    f"FROM (SELECT {cells} FROM {raw}) WHERE concat_ws('', "
                    f"{', '.join(f'trim(c{i})' for i in range(width))}) <> ''")
        con.execute(f"DROP TABLE {raw}")
        expected = con.execute(
            f"SELECT count(*) FROM {table}_read").fetchall()[0][0]
        if expected != len(spec.rows):
            spec.note = f"DuckDB read {expected:,} rows, the ingest {len(spec.rows):,}"
            con.execute(f"DROP TABLE {table}_read")
            return False
        import numpy as np

        # Each row DuckDB read, written as the ingest writes it, against the ingest's quote:
        # a batch of rows at a time, so that the quotes are never all Python strings at once.
        header_names = [h.strip() for h in header]
        mismatched = 0
        for low in range(0, expected, CHECK_BATCH):
            high = min(expected, low + CHECK_BATCH)
            quotes = {"n": np.arange(low + 1, high + 1, dtype=np.int64),
                      "quote": np.array([text_of(spec, k) for k in range(low, high)],
                                        dtype=object)}
            con.register(f"{table}_quotes", quotes)
            mismatched += con.execute(
                f"SELECT count(*) FROM {table}_quotes q JOIN {table}_read r USING (n) "
                f"WHERE concat_ws('; ', {pieces}) IS DISTINCT FROM q.quote", header_names
            ).fetchall()[0][0]
            con.unregister(f"{table}_quotes")
            del quotes
            if progress is not None:
                progress(high - low)
            if mismatched:
                break
        if mismatched:
            spec.note = f"{mismatched:,} rows read by DuckDB differ from the ingest's"
            con.execute(f"DROP TABLE {table}_read")
            return False
        spec.reader = "duckdb"
        return True
    finally:
        path.unlink(missing_ok=True)


def text_of(spec: TableSpec, k: int) -> str:
    """Row k of a table as the ingest wrote it: its quote."""
    start, end = spec.rows.span(k)
    return spec.text[start:end]


def _quoted(name: str) -> str:
    return name.replace('"', '""')
