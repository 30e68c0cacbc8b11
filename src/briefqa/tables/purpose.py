"""Purpose: a condition on what a row is for, said as an activity.

"Of the rclone subcommands, how many are just for listing stuff?", "which commands are used
for copying files?": the rows whose description (a column of prose whose cells say what the
row does, "List all objects in the path") begins with the verb the question names, in any of
its forms ("listing", "List"). English verbs, any corpus's tables.
"""

from __future__ import annotations

import re

from ..lexical import stem

_SAID = re.compile(
    r"\b(?:(?:just|only|purely|mainly|solely|meant|used|there|made|designed)\s+)?(?:for|to)\s+"
    r"(?P<verb>[a-z]+ing)\b(?:\s+(?:stuff|things|items|objects|files|data|anything))?", re.I)


def purposes_said(question: str) -> list[tuple[str, int, int]]:
    """(verb stem, start, end) for each activity the question says rows are for ("for
    listing stuff": "list")."""
    return [(stem(m.group("verb").lower()), m.start(), m.end())
            for m in _SAID.finditer(question)]


def first_word(cell: str) -> str | None:
    """The word a cell begins with, as written ("List all objects ...": "List")."""
    m = re.match(r"\W*([A-Za-z]+)", cell)
    return m.group(1) if m else None


def first_word_stem(cell: str) -> str | None:
    """The stem of the word a cell begins with ("List all objects ...": "list")."""
    word = first_word(cell)
    return stem(word.lower()) if word else None
