"""Matrix: tables whose rows and columns name the same things, each cell a figure for a pair.

LUMI's "Inter- and intra-partition bandwidth" lists the partitions down its first column and
again across its header; the cell of row LUMI-G and column LUMI-F is the bandwidth between
the two, the diagonal each partition's bandwidth within itself, and the half left blank is the
other half read the other way round. A plan of rows and columns (plan.py) cannot say "the cell
of LUMI-G and LUMI-F", so such a table is read here, as cells:

- the largest or smallest cell **between two different** things ("Between which two
  partitions is the bandwidth the lowest?"), **within one** ("the most bandwidth within
  itself"), or of **one named thing** with any other ("From LUMI-C, which partition ...");
- two cells **compared, added or subtracted**, each named by its pair ("between LUMI-G and
  LUMI-C", "within LUMI-C", "from LUMI-G to LUMI-F or to LUMI-P": the pair shares LUMI-G);
- one cell **looked up** ("What's the total bandwidth for traffic inside the CPU partition?").

A label is named as written or by a word only its definition in the document has ("- **LUMI-G:**
the AMD MI250x GPU nodes": "the GPU partition").

A question is read only when it names the table's measure by a word of its title or caption
("bandwidth"), and every pair it names stands in the table; otherwise it is not read here.
Each cell is cited by its row's quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .asked import GENERIC_STEMS, SUPERLATIVE, asked, keywords, squash
from .execute import Executor, RowResult
from .store import TableInfo

MIN_SHARED = 2  # labels both down the first column and across the header, at least
AGGREGATES = ("max", "min", "compare", "sum", "difference")
CELL = "cell"  # one pair's figure, looked up ("the bandwidth inside the CPU partition")
_WITHIN = r"(?:within|inside|internal(?:ly)?|intra(?:-\w+)?|itself|themselves)"
_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
_BETWEEN = re.compile(r"\b(?:between|different|distinct|pairs?|pairings?|two|inter(?:-\w+)?)\b",
                      re.I)


@dataclass(frozen=True)
class Cell:
    """One figure of a matrix: its row's label, its column's label, and the row it stands in
    (`row.value_text` its text, `row.value` its value in the dimension's base unit)."""

    across: str
    down: str
    row: RowResult

    @property
    def value(self) -> float:
        return float(self.row.value)

    @property
    def pair(self) -> str:
        """How the answer names the cell: "between LUMI-G and LUMI-F", "within LUMI-C"."""
        if self.across == self.down:
            return f"within {self.across}"
        return f"between {self.across} and {self.down}"


@dataclass(frozen=True)
class MatrixFinding:
    """What a question asks of one matrix table: the cells it rests on (max, min: the
    winners; compare, sum, difference: the two named, in the question's order)."""

    table: TableInfo
    aggregate: str
    cells: tuple[Cell, ...]
    dimension: str
    scope: str = ""  # max, min: which cells were weighed, in words
    considered: int = 0  # max, min: how many
    smaller: bool = False  # compare: the smaller is the one asked for


def is_matrix(table: TableInfo) -> bool:
    """Whether the first column's labels also head the other columns (at least
    `MIN_SHARED`, and most of the labels), the cells beside them figures of one dimension."""
    if not table.columns or table.rows < MIN_SHARED:
        return False
    labels = {squash(v) for v in table.columns[0].values}
    heads = {squash(c.name) for c in table.columns[1:] if c.name}
    shared = labels & heads
    if len(shared) < MIN_SHARED or len(shared) < 0.6 * len(labels):
        return False
    return _dimension(table) is not None


def _dimension(table: TableInfo) -> str | None:
    """The one dimension of every labelled column's figures, if they share one."""
    found = {d for c in table.columns[1:] if c.name for d in c.dimensions}
    return next(iter(found)) if len(found) == 1 else None


def measure_words(table: TableInfo) -> set[str]:
    """The words that name what the cells measure: of its title and caption, less its
    labels' words and words any table's description has ("table", "overview")."""
    labels = {w for v in table.columns[0].values for w in keywords(v)} | \
        {w for c in table.columns for w in keywords(c.name)}
    return (keywords(table.title) | keywords(table.caption)) - labels - GENERIC_STEMS


def cells_of(table: TableInfo, executor: Executor) -> list[Cell]:
    """Every figure of the matrix, as (row label, column label, row); the blank half left
    out (it is the other half read the other way round)."""
    dimension = _dimension(table)
    typed = {c.position: c.dimensions[dimension]["column"] for c in table.columns[1:]
             if c.name and dimension in c.dimensions}
    width = len(table.columns)
    records = executor.every_row(table.name, [typed[p] for p in sorted(typed)])
    out = []
    for record in records:
        texts = list(record[3:3 + width])
        label = (texts[0] or "").strip()
        if not label:
            continue
        figures = record[3 + width:]
        for k, position in enumerate(sorted(typed)):
            value, qualifier = figures[2 * k], figures[2 * k + 1]
            if value is None:
                continue
            row = RowResult(table.name, int(record[0]), int(record[1]), int(record[2]), texts,
                            float(value), qualifier, (texts[position] or "").strip())
            out.append(Cell(label, table.columns[position].name.strip(), row))
    return out


def find_cells(question: str, tables: list[TableInfo], executor: Executor,
               text_of: Callable[[str], str] | None = None) -> MatrixFinding | None:
    """What the question asks of one of these matrix tables (see the module; `is_matrix`),
    or None; `text_of(source)`, a document's text, gives the labels' definitions (see
    `definitions`)."""
    if not tables:
        return None
    what = asked(question)
    if what.intent in (None, "count_by") and not _HOW_MANY.search(question):
        # "which pairing has the most aggregate bandwidth": a largest, not a count by pairs
        superlative = SUPERLATIVE.search(question)
        if superlative:
            what = replace(what, intent="max" if superlative.group("max") else "min")
    if what.intent is None and not _HOW_MANY.search(question):
        what = replace(what, intent=CELL)
    if what.intent not in (*AGGREGATES, CELL):
        return None
    said = keywords(question)
    for table in tables:
        if not measure_words(table) & said:
            continue
        cells = cells_of(table, executor)
        labels = {c.across for c in cells} | {c.down for c in cells}
        defined = definitions(text_of(table.source) if text_of else "", labels)
        found = _read(question, what, table, cells, defined)
        if found is not None:
            return found
    return None


def definitions(text: str, labels: set[str]) -> dict[str, set[str]]:
    """What the document says each label is, where it defines it on a line of its own
    ("- **LUMI-G:** the AMD MI250x GPU nodes"): label -> the words of the definition that
    no other label's has (the words that tell it apart: "gpu" for LUMI-G)."""
    said: dict[str, set[str]] = {}
    own = {w for label in labels for w in keywords(label) | keywords(label.replace("-", " "))}
    for label in labels:
        m = re.search(rf"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?{re.escape(label)}(?:\*\*)?[ \t]*:"
                      rf"(?:\*\*)?[ \t]*(.+)$", text, re.I | re.M)
        if m:
            said[label] = {w for w in keywords(m.group(1)) - GENERIC_STEMS - own
                           if w.isalpha() and len(w) >= 3}
    return {label: words - set().union(*[w for other, w in said.items() if other != label])
            for label, words in said.items()}


def _read(question: str, what, table: TableInfo, cells: list[Cell],
          defined: dict[str, set[str]]) -> MatrixFinding | None:
    labels = sorted({c.across for c in cells} | {c.down for c in cells}, key=len, reverse=True)
    named = _mentions(question, labels, defined)
    dimension = _dimension(table) or ""
    if what.intent in ("max", "min"):
        return _extreme(question, what, table, cells, named, dimension)
    pairs = _pairs(question, named)
    if pairs is not None and len(pairs) == 1 and what.intent == "sum":
        what = replace(what, intent=CELL)  # "the total bandwidth inside ...": one figure
    if pairs is None or len(pairs) != (1 if what.intent == CELL else 2):
        return None
    found = [_cell(cells, a, b) for a, b in pairs]
    if any(c is None for c in found):
        return None  # a pair the table does not give
    return MatrixFinding(table, what.intent, tuple(found), dimension, smaller=what.less)


def _mentions(question: str, labels: list[str],
              defined: dict[str, set[str]]) -> list[tuple[int, int, str]]:
    """Where the question names a label (whole, any case; the longest first), in order; or,
    for a label it does not name, a word only that label's definition has ("the GPU
    partition": LUMI-G), where no named label stands beside it."""
    out: list[tuple[int, int, str]] = []
    for label in labels:
        for m in re.finditer(rf"(?<![\w-]){re.escape(label)}(?![\w-])", question, re.I):
            if not any(s < m.end() and m.start() < e for s, e, _ in out):
                out.append((m.start(), m.end(), label))
    named = {label for _, _, label in out}
    for label, words in defined.items():
        if label in named:
            continue
        for m in re.finditer(r"[\w-]+", question):
            beside = question[max(0, m.start() - 12):m.end() + 12]
            if keywords(m.group()) & words and not any(
                    re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", beside, re.I)
                    for n in labels):
                out.append((m.start(), m.end(), label))
                break
    return sorted(out)


def _extreme(question, what, table, cells, named, dimension) -> MatrixFinding | None:
    """The largest or smallest cell of those the question weighs: within one, between two
    different ones, or of the one it names."""
    within = re.search(rf"\b{_WITHIN}\b", question, re.I)
    between = _BETWEEN.search(question)
    names = {label for _, _, label in named}
    if len(names) > 1:
        return None  # two named: a cell, not a largest
    if within and not between:
        pool, scope = [c for c in cells if c.across == c.down], "within one"
    elif between and not within:
        pool, scope = [c for c in cells if c.across != c.down], "between two different ones"
    else:
        return None  # which cells are meant is not said
    if names:
        name = next(iter(names))
        pool = [c for c in pool if name in (c.across, c.down)]
        scope += f", involving {name}"
    if not pool:
        return None
    best = (max if what.intent == "max" else min)(c.value for c in pool)
    winners = tuple(c for c in pool if c.value == best)
    return MatrixFinding(table, what.intent, winners, dimension, scope, len(pool))


def _pairs(question: str, named: list[tuple[int, int, str]]) -> list[tuple[str, str]] | None:
    """The cells a question names (one looked up; two compared, added or subtracted), as
    label pairs, in order: "within X" is (X, X); "between X and Y", "from X to Y" is (X, Y);
    a label left over pairs with the one the others were named from ("from X to Y or to Z");
    three labels, one of them said with "to", "from" or "with" and the others as
    alternatives, pair that one with each."""
    found: list[tuple[int, tuple[str, str]]] = []
    used: set[int] = set()
    for n, (start, end, label) in enumerate(named):
        before = question[max(0, start - 30):start]
        if re.search(rf"\b{_WITHIN}\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}$", before, re.I) or \
                re.match(rf"\s+(?:\w+\s+){{0,2}}{_WITHIN}\b", question[end:], re.I):
            found.append((start, (label, label)))
            used.add(n)
    for n in range(len(named) - 1):
        if n in used or n + 1 in used:
            continue
        (s1, e1, a), (s2, _e2, b) = named[n], named[n + 1]
        gap = question[e1:s2]
        lead = question[max(0, s1 - 20):s1]
        if re.fullmatch(r"\s*(?:[\w-]+\s+){0,3}?(?:and|&|to|-|–|—)\s*(?:the\s+)?", gap, re.I) and \
                re.search(r"\b(?:between|from)\s+(?:the\s+)?$", lead, re.I) or \
                re.search(r"\bfrom\s+(?:the\s+)?$", lead, re.I) and \
                re.search(r"\bto\b", gap, re.I) and len(gap) <= 60:
            found.append((s1, (a, b)))
            used |= {n, n + 1}
    left = [named[n] for n in range(len(named)) if n not in used]
    if len(found) == 1 and len(left) == 1 and found[0][1][0] != found[0][1][1]:
        anchor = found[0][1][0]  # "from X to Y or to Z": Z pairs with X
        found.append((left[0][0], (anchor, left[0][2])))
        left = []
    if not found and len(left) == 3:
        anchors = [m for m in left if re.search(r"\b(?:to|from|with)\s+(?:the\s+)?$",
                                                question[max(0, m[0] - 12):m[0]], re.I)]
        if len(anchors) == 1:
            others = [m for m in left if m is not anchors[0]]
            found = [(m[0], (anchors[0][2], m[2])) for m in others]
            left = []
    if left or not found:
        return None
    found.sort()
    return [pair for _, pair in found]


def _cell(cells: list[Cell], a: str, b: str) -> Cell | None:
    """The cell of the pair, read either way round (a blank half is the other half)."""
    for c in cells:
        if (c.across, c.down) == (a, b):
            return c
    for c in cells:
        if (c.across, c.down) == (b, a):
            return replace(c, across=a, down=b)
    return None
