"""Name words: a condition on the words a row's name is made of.

"How many of the flags have gpu in their name?", "Which options' names contain 'per'?": the
row's name (its first cell, "--gpus-per-node") holds the word as one of its parts, read apart
at hyphens, spaces and punctuation, with or without a plural ending ("gpu" is in "--gpus" and
in "--gpu-bind", not in "amdgpu"). The word is data: it reaches the query as a parameter
(`pattern`), never as SQL.
"""

from __future__ import annotations

import re

NAMED = "named"

# a word, bare or quoted, or a phrase in double quotes or backticks ("a' OR 1=1")
_QUOTED = (r"(?:[\"“`](?P<{name}_phrase>[^\"”`]{{1,40}})[\"”`]|"
           r"[\"'“‘`]?(?P<{name}>[\w.+-]+?)[\"'”’`]?)")
_SAID = re.compile(
    r"\b(?:have|has|having|with|contain(?:s|ing)?|include(?:s|ing)?|carry|carries|use|uses)\s+"
    r"(?:the\s+(?:word|string|text|letters)\s+)?" + _QUOTED.format(name="word") +
    r"\s+(?:in|within|inside|as part of)\s+(?:their|its|the)\s+(?:own\s+)?(?:[\w-]+\s+)?"
    r"names?\b|"
    r"\bnames?\s+(?:contains?|includes?|containing|including|holds?|holding|with)\s+"
    r"(?:the\s+(?:word|string|text|letters)\s+)?" + _QUOTED.format(name="other") +
    r"(?=[\s?.,;!]|$)", re.I)


def name_words(question: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for each place the question asks for rows whose name holds a word
    ("have gpu in their name"); the span covers the whole condition."""
    out = []
    for m in _SAID.finditer(question):
        said = next(g for g in (m.group("word_phrase"), m.group("word"), m.group("other_phrase"),
                                m.group("other")) if g)
        out.append((said.lower(), m.start(), m.end()))
    return out


def pattern(word: str) -> str:
    """The regular expression (over the lower-cased cell) for a name that holds `word` as
    one of its parts, plural or not."""
    return r"(^|[^a-z0-9])" + re.escape(word.lower()) + r"(e?s)?($|[^a-z0-9])"
