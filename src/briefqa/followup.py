"""Follow-up questions: rewrite a fragment like "and LUMI?" into a full question, no model needed.

A chat follow-up often names only what changed ("and LUMI?", "what about Leonardo?",
"and in Italy?", "and 2024?") or points back with "it" ("How many GPUs does it have?"). The
previous question supplies the frame; the new words replace the part of it they stand for:

    >>> resolve_followup("and LUMI?", "What rank does Jupiter hold on the TOP500?")
    'What rank does LUMI hold on the TOP500?'
    >>> resolve_followup("and in Italy?", "Which AI factory is in Finland?")
    'Which AI factory is in Italy?'

A question that stands on its own is returned unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["resolve_followup", "is_fragment"]

# Words a question starts with that are not names, even though they are capitalised there.
_STARTERS = {
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was",
    "were", "do", "does", "did", "can", "could", "should", "would", "will", "has", "have",
    "had", "tell", "list", "name", "give", "show", "describe", "explain", "in", "on", "at",
    "for", "according", "and", "but", "or", "also", "so", "the", "a", "an", "please", "from",
    "by", "with", "to", "of", "as", "since", "during", "between", "among", "after", "before",
}
_AUXILIARIES = {
    "is", "are", "was", "were", "do", "does", "did", "can", "could", "should", "would", "will",
    "has", "have", "had", "may", "might", "must",
}
_PREPOSITIONS = {
    "of", "for", "in", "at", "by", "from", "about", "to", "with", "on", "under", "within",
    "behind", "across", "inside", "near",
}
# Prepositions that open a phrase which can replace a like phrase in the previous question.
_PHRASE_PREPOSITIONS = (
    "in", "at", "for", "from", "during", "by", "on", "since", "before", "after", "under",
    "within", "near", "outside", "inside", "across", "between",
)
# Capitalised technical words that are part of a question's frame rather than its subject.
_COMMON_ACRONYMS = {
    "ai", "eu", "hpc", "gpu", "gpus", "cpu", "cpus", "sme", "smes", "r&d", "pf", "ef", "tb",
    "pb", "gb", "it", "ict", "api", "apis", "llm", "llms", "ml",
}
_QUESTION_WORDS = {
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was",
    "were", "do", "does", "did", "can", "could", "should", "would", "will", "has", "have",
    "had", "tell", "list", "name", "give", "show", "describe", "explain",
}

_LEAD_INS = [
    # "and what about X", "what about X", "how about X"
    re.compile(r"^(?:(?:and|but|or|so|also|ok(?:ay)?|then),?\s+)?(?:what|how)\s+about\s+(?P<x>.+)$",
               re.I),
    re.compile(r"^(?:and\s+)?what\s+of\s+(?P<x>.+)$", re.I),
    re.compile(r"^(?:and\s+)?(?:the\s+)?same\s+(?:question\s+|thing\s+)?(?:for|about|with)\s+"
               r"(?P<x>.+)$", re.I),
    re.compile(r"^(?:and\s+)?as\s+for\s+(?P<x>.+)$", re.I),
    re.compile(r"^(?:and|but|or|also|plus)\s+(?P<x>.+)$", re.I),
]
_TRAILERS = re.compile(r"(?:,?\s+(?:then|too|as\s+well|instead|also|now))+$", re.I)
_END = re.compile(r"[\s?!.…]+$")
_MAX_FRAGMENT_WORDS = 6
_WORD = re.compile(r"[\w][\w&'’.+-]*")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


def resolve_followup(question: str, previous: str | None) -> str:
    """The question to ask: `question` itself, or, when it is a fragment or leans on "it",
    the previous question with the new part put in place of the one it replaces."""
    text = " ".join(str(question or "").split())
    prev = " ".join(str(previous or "").split())
    if not text or not prev:
        return text
    slot = _fragment_slot(text)
    if slot is not None:
        return _substitute(prev, slot) or text
    return _resolve_pronoun(text, prev) or text


def is_fragment(question: str) -> bool:
    """Whether the question names only a new subject ("and LUMI?") and needs a frame."""
    return _fragment_slot(" ".join(str(question or "").split())) is not None


# ---------------------------------------------------------------------------------------------
# Recognising a fragment


def _fragment_slot(text: str) -> str | None:
    """The new part of a fragment ("LUMI", "in Italy", "2024"), or None for a full question."""
    body = _END.sub("", text).strip()
    for pattern in _LEAD_INS:
        match = pattern.match(body)
        if match:
            slot = _clean_slot(match.group("x"))
            if slot and len(slot.split()) <= _MAX_FRAGMENT_WORDS and not _opens_question(slot):
                return slot
            return None
    # A bare "LUMI?" or "In Italy?": short, asked as a question, with no question word.
    if text.rstrip().endswith("?"):
        slot = _clean_slot(body)
        words = slot.split()
        if slot and len(words) <= 3 and not _opens_question(slot) and \
                (re.match(r"[A-Z0-9]", slot) or words[0].lower() in _PHRASE_PREPOSITIONS):
            return slot
    return None


def _clean_slot(slot: str) -> str:
    slot = _TRAILERS.sub("", _END.sub("", slot.strip())).strip(" ,;:")
    return slot


def _opens_question(slot: str) -> bool:
    first = slot.split()[0].lower().strip(",")
    return first in _QUESTION_WORDS


# ---------------------------------------------------------------------------------------------
# Putting the new part into the previous question


@dataclass
class _Candidate:
    start: int
    end: int
    text: str
    score: float


def _substitute(previous: str, slot: str) -> str | None:
    body, end = _split_end(previous)
    words = slot.split()
    first = words[0].lower()
    if first in _PHRASE_PREPOSITIONS and len(words) > 1:
        return _replace_phrase(body, first, slot) + end
    if _YEAR.match(slot):
        years = list(re.finditer(r"\b(?:1[89]|20)\d\d\b", body))
        if years:
            last = years[-1]
            return body[:last.start()] + slot + body[last.end():] + end
        return f"{body} in {slot}{end}"
    best = _main_entity(body)
    if best is not None:
        return body[:best.start] + slot + body[best.end:] + end
    pronoun = re.search(r"(?<!^)\b(it|they|them|this|that)\b(?!\s+(?:is|are|was|were)\b)", body,
                        re.I)
    if pronoun:
        return body[:pronoun.start()] + slot + body[pronoun.end():] + end
    return f"{body}, for {slot}{end}"


def _replace_phrase(body: str, preposition: str, phrase: str) -> str:
    """Swap "in Finland" for "in Italy"; or add the phrase when the frame has none like it."""
    target = r"(?:the\s+)?[A-Z0-9][\w&'’.-]*(?:\s+(?:[A-Z0-9][\w&'’.-]*|de|di|of|del|la))*"
    same = list(re.finditer(rf"\b{preposition}\s+{target}", body))
    if not same:
        # "in Italy" may stand for "at CINECA" or "in 2025": any place-like phrase will do.
        same = [m for m in re.finditer(rf"\b(?:in|at|from|within)\s+{target}", body)
                if preposition in ("in", "at", "from", "within")]
    same = [m for m in same if not _is_frame_phrase(m.group(0))]
    if same:
        last = same[-1]
        return body[:last.start()] + phrase + body[last.end():]
    return f"{body} {phrase}"


def _is_frame_phrase(phrase: str) -> bool:
    """"on the TOP500" or "in AI" belong to the question's frame, not its subject."""
    words = phrase.split()
    rest = [w for w in words[1:] if w.lower() != "the"]
    return bool(rest) and all(w.lower() in _COMMON_ACRONYMS for w in rest)


def _split_end(question: str) -> tuple[str, str]:
    match = _END.search(question)
    if match:
        return question[:match.start()], question[match.start():].strip() or "?"
    return question, "?"


def _candidates(body: str) -> list[_Candidate]:
    """Names in a question: runs of capitalised words (with a number after one, as in
    "MareNostrum 5"), each scored by how much it looks like the question's subject."""
    tokens = list(_WORD.finditer(body))
    out: list[_Candidate] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].group(0)
        if not _is_name(token) or (i == 0 and token.lower() in _STARTERS):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and (_is_name(tokens[j].group(0)) or
                                   tokens[j].group(0).isdigit()):
            if body[tokens[j - 1].end():tokens[j].start()].strip():  # punctuation breaks a run
                break
            j += 1
        start, end = tokens[i].start(), tokens[j - 1].end()
        text = body[start:end]
        before = tokens[i - 1].group(0).lower() if i > 0 else ""
        after = body[end:end + 2]
        score = 0.0
        if before in _AUXILIARIES:
            score += 3
        elif before in _PREPOSITIONS:
            score += 2
        elif before == "the":
            score -= 3
        if all(w.lower() in _COMMON_ACRONYMS for w in text.split()):
            score -= 4
        if after in ("'s", "’s"):
            score += 1
        out.append(_Candidate(start, end, text, score))
        i = j
    return out


def _is_name(token: str) -> bool:
    return bool(re.match(r"[A-Z]", token)) or bool(re.match(r"[a-z]+[A-Z]", token))


def _main_entity(body: str) -> _Candidate | None:
    candidates = [c for c in _candidates(body) if c.score >= 0]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.score, -c.start))


# ---------------------------------------------------------------------------------------------
# "How many GPUs does it have?" after a question about Jupiter


# "it" that stands for no thing: "is it true that", "it is possible to", "does it matter"
_DUMMY_IT = re.compile(r"\s+(?:(?:is|was|seems|seem)\s+)?(?:true|possible|likely|known|clear|"
                       r"the case|necessary|important|matter|mean|that)\b", re.I)


def _resolve_pronoun(text: str, previous: str) -> str | None:
    if len(text.split()) > 14 or any(c.score >= 0 for c in _candidates(_split_end(text)[0])):
        return None
    entity = _main_entity(_split_end(previous)[0])
    if entity is None:
        return None
    possessive = re.search(r"\bits\b", text)
    if possessive:
        return text[:possessive.start()] + f"{entity.text}’s" + text[possessive.end():]
    pronoun = re.search(r"(?<!^)\bit\b", text)
    if pronoun and not _DUMMY_IT.match(text[pronoun.end():]):
        return text[:pronoun.start()] + entity.text + text[pronoun.end():]
    return None
