"""What one table row can answer: the answer step's check of a row it would assert.

A row is the likeliest candidate, confidently, yet does not answer when
- its cell for what the question asks gives no value ("Which organisation leads HammerHAI?"
  of a row whose lead_or_host is "unknown": see `presence.py`);
- the question asks for several rows of its own table ("How many of the stacks are French?",
  "Which IT4LIA components come with a storage figure?" of a row of the stacks, of the
  components): one row is one of them, not the count or the list;
- the question compares, subtracts or adds two figures ("Is the scratch quota bigger than the
  object storage quota?", "how much extra space is that over the default?"): one row states
  one side of it, not the result.
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
    names = {name for name, _ in cells}
    tables = [t for t in (catalog.tables if catalog is not None else ())
              if t.source == source and names <= {c.name for c in t.columns}]
    if len(tables) > 1:  # several tables of one document: the row's section tells
        tables = [t for t in tables if t.section == section]
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
