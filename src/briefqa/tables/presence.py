"""Presence: conditions on whether a row gives a value at all.

"For how many factories do we still not know who leads them?", "Which features have nothing
on the C/C++ side?", "Which ones have a Fortran flag?": a column's cell is *missing* when it is
blank or a placeholder that says the value is not given ("unknown", "N/A", "-", "Not
available", "TBD"), and *given* otherwise. A condition is read only where the question says
it of a column it names, right beside the words that say it; "missing" only of a column that
has a missing cell (of any other, a misreading would answer "none"), "given" of any (of a
column with every cell given it keeps every row, as no condition would).

"Which storage areas keep data for a fixed number of days?", "... a retention counted in
days", "a storage figure in petabytes": a figure of that kind is *given* in the cell (a
retention of "90 days", not "Project lifetime"); `units_said` finds the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .values import COUNT, NUMBER, quantities

MISSING, GIVEN = "missing", "given"

# What a cell says when it gives no value (compared folded: lower case, no markup, no
# trailing full stop). English, as the documents' tables write it.
PLACEHOLDERS = frozenset({
    "", "-", "--", "–", "—", "?", "n/a", "na", "n.a", "none", "unknown", "not known",
    "not available", "not applicable", "not given", "not stated", "not specified",
    "not disclosed", "not public", "not published", "unspecified", "undisclosed", "tbd",
    "tba", "tbc", "to be confirmed", "to be announced", "to be determined"})

# The noun a column's name may come with, that says what its cells are ("a Fortran flag",
# "the C/C++ side", "a lead given"): one of these words.
_NOUN_AFTER = re.compile(
    r"^\s+(?:flags?|options?|sides?|values?|figures?|entry|entries|fields?|columns?|cells?|"
    r"settings?|organi[sz]ations?|institutions?|names?|details?|information|"
    r"given|listed|stated|specified|named|known)\b", re.I)
_GIVEN_WORDS = r"known|stated|listed|named|given|public|specified"
_KNOWN = rf"(?:(?:{_GIVEN_WORDS})\s+)?"
# The words that say a value is missing: before the column ("without a Fortran flag", "do we
# not know who leads", "nothing on the C/C++ side") or after it ("whose host is unknown").
_MISSING_BEFORE = re.compile(
    r"\b(?:(?:do|does|did)(?:n['’]t|\s+not)\s+(?:yet\s+)?(?:have|list|give|state|come\s+with)"
    r"(?:\s+(?:a|an|any))?|"  # "don't have a known lead"
    r"(?:not|n[o']t)\s+(?:yet\s+)?(?:know|known|given|listed|stated|specified|named|"
    r"say|said|public)|without(?:\s+(?:a|an|any))?|(?:but|and|yet|or)\s+no|lacks?(?:\s+(?:a|an|any))?|lacking(?:\s+"
    r"(?:a|an|any))?|missing(?:\s+(?:a|an|its|their))?|(?:has|have|having|with|gives?|"
    r"lists?|(?:is|are)(?:\s+there)?)\s+no|nothing\s+(?:on|for|in|under|as)(?:\s+(?:the|its|their))?|unknown)"
    r"[\s,]+(?:(?:who|what|which|where|whom)\s+)?" + _KNOWN + "$", re.I)
_MISSING_AFTER = re.compile(
    r"^\s*(?:(?:(?:is|are|was|were)\s+)?(?:still\s+)?(?:unknown|missing|not\s+(?:yet\s+)?"
    r"(?:known|given|listed|stated|specified|public))|(?:is|are)\s+(?:left\s+)?(?:blank|empty))"
    r"\b", re.I)
# The words that say a value is given: "have a Fortran flag", "which list an operator", "has
# a known base system".
_GIVEN_BEFORE = re.compile(
    r"\b(?:have|has|having|with|give|gives|list|lists|state|states|come\s+with|comes\s+with)"
    r"\s+(?:a|an|any|some)\s+(?P<known>" + _KNOWN + r")$|\bwith\s+$", re.I)
# ... and after the column's name: "has a base system filled in", "with a host given"
_GIVEN_AFTER = re.compile(r"^\s*(?:filled\s+(?:in|out)|(?:is|are)\s+(?:known|given|filled))\b",
                          re.I)
_SAID_GIVEN = re.compile(rf"\b(?:{_GIVEN_WORDS})\s*$", re.I)
_NEAR = 40  # characters between the words and the column's name, at most


def folded(cell: str) -> str:
    """A cell as compared with the placeholders: lower case, no markup, one space."""
    text = re.sub(r"[`*_]|<br\s*/?>", " ", str(cell or ""))
    return " ".join(text.split()).lower().rstrip(".")


def is_missing(cell: str) -> bool:
    return folded(cell) in PLACEHOLDERS


@dataclass(frozen=True)
class Presence:
    """A condition on a column: its cells `missing` or `given`, said by the question's
    words from `start` to `end`."""

    position: int  # the column's
    state: str
    start: int
    end: int


def presences(question: str, mentioned: dict[int, tuple[int, int]],
              strengths: dict[int, float], has_missing) -> list[Presence]:
    """The conditions on presence the question sets on the columns it names (`mentioned`:
    a column's position -> where the question names it; `strengths`: how much of its name
    it says; `has_missing(position)`: whether that column has a missing cell). Where several
    columns are named at the same words, the one named most wholly ("a maximum walltime":
    Max walltime, not Max jobs), and none where they tie ("a maximum")."""
    out: list[Presence] = []
    at: dict[int, list[float]] = {}  # where a mention starts -> the strengths named there
    for position, (start, _end) in mentioned.items():
        at.setdefault(start, []).append(strengths.get(position, 0.0))
    for position, (start, end) in sorted(mentioned.items(), key=lambda kv: kv[1]):
        strength = strengths.get(position, 0.0)
        best = max(at[start])
        if end <= start or strength < best or at[start].count(best) > 1:
            continue  # "a maximum": Max jobs, Max walltime or Max resources/job, none said
        before = question[max(0, start - _NEAR):start]
        noun = _NOUN_AFTER.match(question[end:])
        named_end = end + (noun.end() if noun else 0)
        missing = _MISSING_BEFORE.search(before) if has_missing(position) else None
        if missing:
            out.append(Presence(position, MISSING, start - len(before) + missing.start(),
                                named_end))
            continue
        after = _MISSING_AFTER.match(question[named_end:named_end + _NEAR]) \
            if has_missing(position) else None
        if after:
            out.append(Presence(position, MISSING, start, named_end + after.end()))
            continue
        given = _GIVEN_BEFORE.search(before)
        after = _GIVEN_AFTER.match(question[named_end:named_end + _NEAR]) if given else None
        # of a column named whole ("a Fortran flag"; not "a maximum"), or said to be given
        # ("a known base system", "a base system filled in", "a lead named")
        said = given and (given.group("known") or after or
                          (noun and _SAID_GIVEN.search(noun.group())))
        if given and (strength >= 0.99 or said):
            out.append(Presence(position, GIVEN, start - len(before) + given.start(),
                                named_end + (after.end() if after else 0)))
    return out



# "counted in days", "a storage figure in petabytes", "a fixed number of days"; not "in 3
# days" (a figure: a bound) nor "in Bologna" (no unit)
_IN_UNIT = re.compile(r"(?<![\d.,]\s)(?<!\d)\b(?:(?:measured|counted|expressed|given|stated)\s+)?"
                      r"(?:in|(?:a\s+)?(?:fixed\s+|set\s+|given\s+)?"
                      r"number\s+of)\s+(?P<unit>[A-Za-z]{2,12})\b", re.I)


def units_said(question: str) -> list[tuple[str, int, int]]:
    """(dimension, start, end) for each place the question asks for a figure in a unit of
    measure ("in days": a duration; "in petabytes": bytes), not a count of things ("a
    number of nodes") nor a bare number."""
    out = []
    for m in _IN_UNIT.finditer(question):
        found = quantities("2 " + m.group("unit"))
        if len(found) != 1 or found[0].dimension == NUMBER or \
                found[0].dimension.startswith(COUNT):
            continue
        out.append((found[0].dimension, m.start(), m.end()))
    return out
