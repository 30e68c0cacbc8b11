"""Vocabulary: what the documents call their tables' rows and names, drawn from their own
titles and tables, for the linker (linker.py):

- the kinds of row a table's title joins ("supercomputers (operational & incoming)"), each a
  condition where cells hold it (`kinds_of_rows`, `restricts`);
- a row two tables of one section name differently ("Project flash" beside "Project fast",
  `row_aliases`);
- what a page's title says a name is ("Data Analytics Nodes - LUMI-D", `glossary`);
- a title that says what to do ("Request CPU cores", `is_action`): its table lists the ways
  to do it, not the thing it names.
"""

from __future__ import annotations

import re

from .asked import keywords
from .negation import negated_words
from .store import TableInfo

# the verbs a how-to heading begins with, said as an order
_ACTIONS = frozenset("request specify set use run submit install configure load create get "
                     "check choose select allocate reserve build compile launch enable disable "
                     "add remove change define".split())


def is_action(title: str) -> bool:
    """Does a title say what to do ("Request CPU cores", "Set the job name")? The table under
    it lists the ways to do it (its first column says what: options), not cores or names."""
    first = re.match(r"\s*([A-Za-z]+)\b", title)
    return bool(first) and first.group(1).lower() in _ACTIONS


def kinds_of_rows(title: str) -> dict[str, set[str]]:
    """The words a title joins as kinds of its rows ("supercomputers (operational &
    incoming)": operational, incoming), each with the kinds it is set against: each names the
    table and, where cells hold it, rows of it ("the systems still marked as incoming"); "not
    operational" there are the incoming ones."""
    found: dict[str, set[str]] = {}
    for match in re.finditer(r"([A-Za-z][\w-]*)\s*(?:&|\band\b|\bor\b|/)\s*([A-Za-z][\w-]*)",
                             title):
        one, other = keywords(match.group(1)), keywords(match.group(2))
        for w in one:
            found.setdefault(w, set()).update(other - one)
        for w in other:
            found.setdefault(w, set()).update(one - other)
    return found


_DEFINED = (re.compile(r"^(?P<said>[^-–—:()]{3,60}?)\s+[-–—]\s+(?P<name>[A-Z][\w-]*[A-Z0-9])$"),
            re.compile(r"^(?P<name>[A-Z][\w-]*[A-Z0-9])\s*[-–—:]\s+(?P<said>[^-–—:()]{3,60})$"),
            re.compile(r"^(?P<said>[^-–—:()]{3,60}?)\s+\((?P<name>[A-Z][\w-]*[A-Z0-9])\)$"))


def row_aliases(tables: list[TableInfo]) -> dict[str, dict[str, str]]:
    """Rows two tables of one section both list, named differently in one place: where the
    first columns hold the same names but one ("Project flash" in the one, "Project fast"
    in the other, beside the same three), the odd names are one row's. Table -> its own
    name -> the other table's."""
    out: dict[str, dict[str, str]] = {}
    for t in tables:
        for other in tables:
            if other is t or other.source != t.source or other.section != t.section or \
                    not t.columns or not other.columns:
                continue
            mine, theirs = set(t.columns[0].values), set(other.columns[0].values)
            if len(mine) != t.rows or len(theirs) != other.rows:
                continue  # names repeated or not all known
            only_mine, only_theirs = mine - theirs, theirs - mine
            if len(only_mine) == len(only_theirs) == 1 and len(mine & theirs) >= 2:
                own, alias = next(iter(only_mine)), next(iter(only_theirs))
                if keywords(own) & keywords(alias):  # "Project ...": one kind of row
                    out.setdefault(t.name, {})[own] = alias
    return out


def glossary(tables: list[TableInfo]) -> dict[str, frozenset[str]]:
    """What the documents call their names, from the titles and sections of their tables'
    pages: "Data Analytics Nodes - LUMI-D" says LUMI-D are data analytics nodes, so a question
    that says "the LUMI-D data analytics nodes" says nothing more than "LUMI-D". Name (lower
    case) -> the words that describe it; a name described differently in two places keeps
    the words of both."""
    found: dict[str, set[str]] = {}
    heads = {h for t in tables for h in (t.title, t.document_title,
                                         *(t.section or "").split(" > ")) if h}
    for head in sorted(heads):
        for pattern in _DEFINED:
            match = pattern.match(head.strip())
            if match:
                found.setdefault(match.group("name").lower(), set()).update(
                    keywords(match.group("said")))
                break
    return {name: frozenset(words_of) for name, words_of in found.items()}


_INCLUDING = re.compile(r"\b(?:counting|including|incl|plus|with|also)\s+(?:the\s+)?"
                        r"(?:(?:ones|those)\s+(?:that|which)\s+)?$", re.I)
# Plain words for being in service, the state a title's "operational" names: a machine "not
# running yet", "not online", "not up and running", "not arrived yet" is not operational.
_IN_SERVICE = keywords("operational running operating online live active working arrived "
                       "deployed installed")
_NOT_STATE = re.compile(r"(?:\b(?:not|never)\s+|n['’]t\s+)(?:yet\s+)?(?:(?:be|been|come|gone|"
                        r"become|fully)\s+)?(?:up\s+and\s+)?(?P<word>[a-z]+)(?:\s+yet\b)?",
                        re.I)


def negated_kinds(question: str, kinds: dict[str, set[str]]) -> list[tuple[str, int, int]]:
    """The kinds of row a question names by negating the one set against them: in a table of
    systems "(operational & incoming)", "not operational yet", "aren't up and running yet",
    "have not come online" name the incoming ones. Each: (the kind meant, where the words
    start, where they end); only where the title sets exactly one kind against the one
    negated."""
    out = []
    for match in _NOT_STATE.finditer(question):
        word = keywords(match.group("word"))
        for kind, against in kinds.items():
            if len(against) != 1 or not (word & {kind} or (
                    word & _IN_SERVICE and kind in _IN_SERVICE)):
                continue
            start = match.start()
            while start > 0 and question[start - 1].isalpha():  # "aren't": the whole word
                start -= 1
            out.append((next(iter(against)), start, match.end()))
    return out


def restricts(question: str, start: int, said: set[str], kinds: dict[str, set[str]]) -> bool:
    """Whether a kind of row the title names restricts the rows asked about: not when the
    question names the kinds set against it too ("operational and incoming machines") or
    counts it in ("which are exascale-class, counting incoming ones"); yes when the others
    are named negated ("not operational yet and still marked as incoming")."""
    against = set().union(*[kinds[w] for w in said])
    named = keywords(question) - negated_words(question)
    return not (against & named or _INCLUDING.search(question[:start]))
