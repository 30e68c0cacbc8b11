"""What one table row can answer: the answer step's check of a row it would assert.

A row is the likeliest candidate, confidently, yet does not answer when
- its cell for what the question asks gives no value ("Which organisation leads HammerHAI?"
  of a row whose lead_or_host is "unknown": see `presence.py`);
- the question asks for several rows of its own table ("How many of the stacks are French?",
  "Which IT4LIA components come with a storage figure?" of a row of the stacks, of the
  components): one row is one of them, not the count or the list;
- the question compares, subtracts or adds two figures ("Is the scratch quota bigger than the
  object storage quota?", "how much extra space is that over the default?"): one row states
  one side of it, not the result;
- the question asks what a name is ("What is LISA?") of a row about something else that only
  lists the name among its cells (the factory IT4LIA, built on "Leonardo, LISA, ...");
- the question names the table it asks of ("in the EuroHPC supercomputers table") and the row
  is of another one;
- the question counts a thing ("How many startups have received Fast Lane allocations?") that
  no column or cell of the row names, and no figure of the row is in the measure asked.
- the question sets aside what a cell of the row holds ("Which hub isn't located in Chile?" of
  the row of a Chilean hub).
Either way the row is where the documents speak of it: shown as passages, not asserted.
"""

from __future__ import annotations

import re

from .presence import is_missing


def asked_but_missing(question: str, cells: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of a row's cells (column name, cell text), those the question asks for (it names their
    column, and does not quote their cell) that give no value."""
    from .asked import tokenize
    from .linker import column_mention

    tokens = tokenize(question)
    low = question.lower()
    asked = [(name, value) for name, value in cells
             if column_mention(name, question, tokens)[0] > 0 and
             (not value.strip() or value.strip().lower() not in low)]
    return [(name, value) for name, value in asked if is_missing(value)]


def one_of_many(question: str, source: str, section: str | None,
                cells: list[tuple[str, str]], catalog) -> str | None:
    """The label of the row's table, where the question counts what that table lists, or
    lists several of them (it names them in the plural: "which components"); else None."""
    from .asked import GENERIC_STEMS, asked, keywords
    from .linker import Linker

    what = asked(question)
    if what.intent not in ("count", "count_by", "list"):
        return None
    tables = _row_tables(source, section, cells, catalog)
    if len(tables) != 1:
        return None
    listed = (set(what.entity) - GENERIC_STEMS) & Linker.entity_words(tables[0])
    if not listed:
        return None
    if what.intent == "list" and not any(
            keywords(word) & listed and re.search(r"[^s]s$", word.lower())
            for word in re.findall(r"[\w'’-]+", question)):
        return None  # "which lab works with ...": one of them may be the answer
    return tables[0].label


def one_side(question: str) -> bool:
    """Whether the question compares, subtracts or adds two figures (see `asked.py`): what
    one row states is one side of it, not its result."""
    from .asked import asked

    return asked(question).intent in ("compare", "difference", "ratio", "sum") or \
        _HOW_COMPARE.search(question) is not None


# "How does LISA's performance compare with Leonardo's?": two things set side by side
_HOW_COMPARE = re.compile(r"\bhow (?:does|do|did|would)\b[^?]{1,80}?\bcompare(?:s|d)?\s+"
                          r"(?:with|to|against)\b|\bcompared? (?:with|to)\b", re.I)


def _row_tables(source: str, section: str | None, cells: list[tuple[str, str]], catalog):
    """The tables a row may be of: those of its document with all its columns (by its section
    where the document has several)."""
    names = {name for name, _ in cells}
    tables = [t for t in (catalog.tables if catalog is not None else ())
              if t.source == source and names <= {c.name for c in t.columns}]
    if len(tables) > 1:  # several tables of one document: the row's section tells
        tables = [t for t in tables if t.section == section]
    return tables


# "What is LISA?", "What are the GAIA nodes?", "What does MEGARIDE stand for?"
_DEFINE = re.compile(r"^\W*(?i:what|who)\s+(?i:is|are|was|were)\s+(?i:an?\s+|the\s+)?"
                     r"(?P<name>[A-Z][\w+/-]*(?:\s+[A-Z0-9][\w+/-]*)*)|"
                     r"^\W*(?i:what\s+(?:does|do))\s+(?P<abbr>[A-Z][\w+/-]*)\s+"
                     r"(?i:stand for|mean)\b")


_NAME_ASKED = re.compile(r"\b(?:called|named|known as|the name)\b", re.I)


def mentions_only(question: str, cells: list[tuple[str, str]]) -> str | None:
    """For "What is X?": the row's name (its first cell) when X is not it but is said in
    another of its cells: the row lists X, it does not say what X is; else None."""
    match = _DEFINE.search(question)
    if match is None or not cells or _NAME_ASKED.search(question):
        return None  # "What is the Czech AI Factory called?" asks the row's own name
    name = (match.group("name") or match.group("abbr")).lower()
    first = cells[0][1].lower()
    if name in first or not any(name in value.lower() for _n, value in cells[1:]):
        return None
    return cells[0][1]


# "in the EuroHPC supercomputers table", "according to the factories CSV"
_TABLE_NAMED = re.compile(r"\b(?:in|from|on|of|according to|per)\s+the\s+(?P<what>(?:[\w'’-]+\s+)"
                          r"{1,4}?)(?:table|list|csv|spreadsheet|file)\b", re.I)


def names_another_table(question: str, source: str, section: str | None,
                        cells: list[tuple[str, str]], catalog) -> str | None:
    """The label of the table the question names ("the EuroHPC supercomputers table") when
    the row is of another one, whose title and file the words do not name; else None."""
    from .asked import GENERIC_STEMS, keywords

    match = _TABLE_NAMED.search(question)
    own = _row_tables(source, section, cells, catalog)
    if match is None or len(own) != 1:
        return None
    said = keywords(match.group("what")) - GENERIC_STEMS

    def named(table) -> bool:
        return said <= keywords(table.title) | keywords(table.source.rsplit("/", 1)[-1]) | \
            keywords(table.document_title)
    if not said or named(own[0]):
        return None
    others = [t for t in catalog.tables if t is not own[0] and named(t)]
    return others[0].label if others else None


def counts_another_thing(question: str, cells: list[tuple[str, str]]) -> str | None:
    """For "how many X": X, when the row neither names X (in a column's name or a cell) nor
    states a figure in the measure asked (petaflops for "how many petaflops"): its figures
    count something else ("Up to 50,000 GPU hours" for how many startups got them); else
    None."""
    from ..lexical import words
    from ..question import asked_measure, counted_thing, states_measure

    counted = counted_thing(question)
    if not counted or not cells:
        return None
    measure = asked_measure(question)
    text = "; ".join(f"{name}: {value}" for name, value in cells)
    if measure is not None:
        return None if states_measure(measure, text) else counted
    said = set(words(text))
    # "orgs" names organisations: a word of the row that begins the counted word names it
    naming = [t for t in said for w in words(counted)
              if w == t or (len(t.rstrip("s")) >= 3 and w.startswith(t.rstrip("s")))]
    if not naming:
        return counted
    # ... and gives a number of it: "340 GPUs", "Nodes: 1888", not "interactive CPU/GPU nodes"
    stems = "|".join(re.escape(t.rstrip("s")) for t in naming)
    numbered = re.compile(rf"\d[\d,.]*\s*[kKM]?\s*(?:[\w/+-]+\s+){{0,2}}?(?:{stems})\w*\b|"
                          rf"\b(?:{stems})\w*(?:\s+[\w/()-]+){{0,3}}:\s*[~<>]?\d", re.I)
    return None if numbered.search(text) else counted


# "isn't located in Chile", "not based at the DAMA Tecnopolo", "outside Chile", "other than
# Chile": what the question sets aside, up to the end of its clause
_SET_ASIDE = re.compile(
    r"(?:\b(?:not|never)|n['’]t)\s+(?:(?:located|based|situated|hosted|found|sited|placed)\s+)?"
    r"(?:in|at|on|from|within)\s+(?P<negated>[^?,;.!]+)|"
    r"\b(?:outside(?:\s+of)?|other\s+than|except(?:\s+for)?|excluding|apart\s+from|"
    r"aside\s+from|besides|rather\s+than)\s+(?P<excluded>[^?,;.!]+)", re.I)
_CLAUSE_END = re.compile(r"\s+(?:or|and|but|nor|which|that|who|where|when|while|with)\s+", re.I)


def holds_what_is_set_aside(question: str, cells: list[tuple[str, str]]) -> str | None:
    """The cell of the row that holds what the question sets aside ("Which hub isn't located
    in Chile?" of a row whose country is "Chile"): a row the question excludes is no answer to
    it; else None. Each thing set aside ("in Chile or Norway": both) is read from its first
    words, the longest run of them that a cell, or a part of it, says whole."""
    from ..lexical import STOPWORDS

    parts = None  # what the row's cells name, read when the question sets something aside
    for match in _SET_ASIDE.finditer(question):
        parts = _cell_parts(cells) if parts is None else parts
        said = match.group("negated") or match.group("excluded")
        for clause in _CLAUSE_END.split(said):
            tokens = re.findall(r"[\w'’+/-]+", clause)
            while tokens and tokens[0].lower() in STOPWORDS:
                tokens = tokens[1:]  # "the DAMA Tecnopolo site": DAMA Tecnopolo ...
            for n in range(min(len(tokens), 5), 0, -1):
                if tokens[n - 1].lower() in STOPWORDS or len("".join(tokens[:n])) < 3:
                    continue
                phrase = re.compile(r"\s+".join(map(re.escape, tokens[:n])), re.I)
                held = next((value for value in parts if phrase.fullmatch(value)), None)
                if held is not None:
                    return held
    return None


def _cell_parts(cells: list[tuple[str, str]]) -> list[str]:
    """What a row's cells name: each cell whole, and its parts between commas, slashes,
    brackets or "and" ("DAMA Tecnopolo, Bologna": DAMA Tecnopolo, Bologna); not a few
    words inside a note ("accelerated GPU" of "... with an accelerated GPU partition")."""
    parts = []
    for _name, value in cells:
        parts.append(value.strip())
        parts.extend(p for p in re.split(r"\s*[,;/()|+]\s*|\s+(?:and|or|&)\s+", value)
                     if p and p != value)
    return parts
