"""Verify: check one generated sentence against the passages it cites (figures, names, negation,
quantifiers, words and meaning) before it may be shown as grounded."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ..chunk import split_sentences
from ..lexical import STOPWORDS, fold, stem
from ..settings import VerifySettings

Encode = Callable[[list[str]], np.ndarray]  # texts -> unit vectors, one row each


@dataclass
class Check:
    """The verdict on one sentence: supported or not, and why not."""

    sentence: str
    supported: bool
    reasons: list[str] = field(default_factory=list)
    coverage: float = 0.0  # share of its content words the cited passages hold
    similarity: float = 0.0  # cosine of the sentence and its best support
    support: list[str] = field(default_factory=list)  # the cited sentences that carry it

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Tokens: words, numbers and names with their positions

_WORD_VALUES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "hundred": 100,
}
_TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}
# "twice", "doubled", "threefold": a figure too ("tripled" does not restate "doubled").
_MULTIPLES = {
    "twice": 2, "double": 2, "doubled": 2, "doubles": 2, "doubling": 2, "twofold": 2,
    "triple": 3, "tripled": 3, "triples": 3, "tripling": 3, "threefold": 3, "thrice": 3,
    "quadruple": 4, "quadrupled": 4, "fourfold": 4, "fivefold": 5, "tenfold": 10,
    "half": 0.5, "halved": 0.5, "halve": 0.5, "halving": 0.5,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "mn": 1e6, "billion": 1e9,
           "billions": 1e9, "bn": 1e9, "trillion": 1e12, "quadrillion": 1e15,
           "quintillion": 1e18}

# A number with thousands separators (4,480; 4 480 with a narrow space), a decimal (1.5 or,
# written the continental way, 1,5), or a plain run of digits; letters and digits mixed make
# one name (H100, TOP500, MI250X), except a number with a short unit or ordinal (10bn, 4th).
_TOKEN = re.compile(
    r"(?P<acronym>(?<![^\W_])(?:[A-Z]\.){2,}(?![^\W_])|[^\W_]+-[A-Z0-9]{1,2}(?![^\W_]))|"
    r"(?P<num>\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?P<suffix>st|nd|rd|th|s|bn|mn|k|m|x|%)?(?![^\W_])"
    r"|(?P<mixed>[^\W_]*(?:\d[^\W\d_]|[^\W\d_]\d)[^\W_]*)"
    r"|(?P<word>[^\W\d_]+)")


@dataclass
class Token:
    text: str  # as written
    value: str  # folded
    stem: str
    kind: str  # "word", "number", "mixed"
    start: int
    capital: bool
    number: float | None = None
    scale: float | None = None  # "10 billion": 1e9
    ordinal: bool = False
    pause: bool = False  # punctuation stands between this token and the one before


_PAUSE = re.compile(r"[,;:()\[\]—–!?]|\.\s")


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):
            raw = m.group("num")
            suffix = (m.group("suffix") or "").lower()
            out.append(Token(raw, _number_text(raw), _number_text(raw), "number", m.start(),
                             False, number=_parse_number(raw),
                             scale=_SCALES.get(suffix), ordinal=suffix in ("st", "nd", "rd",
                                                                           "th")))
        elif m.group("acronym"):
            raw = m.group("acronym")
            value = fold(raw).replace(".", "")
            out.append(Token(raw, value, value, "mixed" if "-" in raw else "word", m.start(),
                             True))
        else:
            raw = m.group("mixed") or m.group("word")
            value = fold(raw)
            kind = "mixed" if m.group("mixed") else "word"
            out.append(Token(raw, value, stem(value) if kind == "word" else value, kind,
                             m.start(), raw[:1].isupper()))
    _read_number_words(out, text)
    for before, t in zip(out, out[1:]):
        t.pause = bool(_PAUSE.search(text[before.start + len(before.text):t.start]))
    return out


def _number_text(raw: str) -> str:
    value = _parse_number(raw)
    return f"{value:g}" if value is not None else raw


def _parse_number(raw: str) -> float | None:
    s = re.sub(r"[\u00a0\u202f\u2009]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", s):  # a decimal comma: 1,5 (a thousands one is caught above)
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _read_number_words(tokens: list[Token], text: str) -> None:
    """Number words become numbers ("thirteen" = 13, "twenty-five" = 25, "first" = 1st), a
    scale word scales the number before it ("10 billion"), and "twice" is the figure 2."""
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "word" and t.value in _WORD_VALUES:
            value = float(_WORD_VALUES[t.value])
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if t.value in _TENS and nxt is not None and nxt.value in _WORD_VALUES and \
                    _WORD_VALUES[nxt.value] < 10 and \
                    text[t.start + len(t.text):nxt.start] in ("-", " "):
                value += _WORD_VALUES[nxt.value]
                del tokens[i + 1]
            t.kind, t.number = "number", value
        elif t.kind == "word" and t.value in _ORDINAL_WORDS:
            t.kind, t.number, t.ordinal = "number", float(_ORDINAL_WORDS[t.value]), True
        elif t.kind == "word" and t.value in _MULTIPLES:
            t.kind, t.number = "number", float(_MULTIPLES[t.value])
        if t.kind == "number":
            t.value = t.stem = f"{t.number:g}"
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.kind == "word" and nxt.value in (*_SCALES, "hundred"):
                t.scale = _SCALES.get(nxt.value, 100.0)
                nxt.kind = "scale"
        i += 1


# ---------------------------------------------------------------------------------------------
# What a sentence asserts: its figures, names and content words

# Words that open a sentence without being a name ("Currently, ..."), and words about the
# passages rather than about what they say ("according to the passage").
_OPENERS = frozenset("""
a an the this these those that it its their they there here we our one each every all both
some many most several few such in on at by for with from of to into onto as after before
since during until while when where why how what which who whose although though because
unlike like beyond despite besides among between across within without under over through
according currently today now however also moreover furthermore additionally meanwhile
instead yet still even only just not no nor neither either overall together thanks given if
whereas then once further indeed notably specifically similarly likewise altogether apart
around about approximately roughly nearly almost more less fewer other another any
""".split())
_META = frozenset("according passage passages document documents source sources excerpt "
                  "text cited".split())
_LIGHT = frozenset("""
via per within across among amongst upon whether whose thus hence therefore however although
though even well around approximately roughly nearly almost currently
several various respectively overall together indeed notably also
""".split())

# Words whose presence changes what a sentence claims, by kind. A sentence may drop one that
# its source has ("only 12" -> "12"), never add one; a negation must agree both ways.
_CLASSES = {
    "negation": re.compile(r"\b(?:not|no|never|none|nor|neither|nobody|nothing|nowhere|"
                           r"without|cannot|(?:fails?|failed|failing|unable) to)\b|n['’]t\b"),
    "only": re.compile(r"\b(?:only|solely|exclusively|sole|merely|alone|on (?:its|their) own|"
                       r"by (?:itself|themselves))\b"),
    "certainty": re.compile(r"\b(?:clearly|certainly|definitely|undoubtedly|unambiguously|"
                            r"unequivocally|absolutely|completely|fully|guaranteed|"
                            r"guarantees?|proven|always)\b"),
    "all": re.compile(r"\b(?:all|every|each|any|entire|entirely|whole|always|everyone|"
                      r"everything|universal|universally)\b"),
    "most": re.compile(r"\b(?:most|majority|mostly|largely|mainly|predominantly)\b"),
    "more": re.compile(r"\b(?:more|greater|larger|higher|bigger|exceed|exceeds|exceeded|"
                       r"exceeding|at least)\b"),
    "less": re.compile(r"\b(?:less|fewer|smaller|lower|at most|up to)\b"),
    "superlative": re.compile(r"\b(?:largest|biggest|greatest|highest|lowest|smallest|fastest|"
                              r"slowest|strongest|weakest|best|worst|newest|oldest|latest|"
                              r"earliest|longest|shortest|leading|foremost)\b"),
    # what has happened by now: "already operational" is not "incoming"
    "already": re.compile(r"\b(?:already|now (?:operational|available|running|in operation)|"
                          r"adopted|enacted|completed|in force)\b"),
    "against": re.compile(r"\b(?:against|opposes?|opposed|rejects?|rejected)\b"),
}
# A source that hedges ("may hamper", "stand a better chance", "remains to be seen") does not
# support a sentence that does not ("will prevent", "are guaranteed", "is clear").
_HEDGED_SOURCE = re.compile(r"\b(?:may|might|could|would|likely|unlikely|possibly|possible|"
                            r"perhaps|potentially|chance|chances|seems?|suggests?|appears?|"
                            r"expected|remains to be seen|unclear|uncertain|uncertainty)\b")
_HEDGED = re.compile(_HEDGED_SOURCE.pattern[:-3] + r"|can|probably|presumably|arguably|"
                     r"tends?|aims?|hopes?|intends?|plans?|planned|unknown)\b")
# Before and after are opposites: "conducted after" is not "conducted prior to".
_BEFORE = re.compile(r"\b(?:before|prior|earlier|until|previously|ahead of)\b")
_AFTER = re.compile(r"\b(?:after|following|later|subsequently|afterwards)\b")
# What the cited text may say instead: "more than 30" is "over 30" there.
_SOURCE_CLASSES = {
    "more": re.compile(_CLASSES["more"].pattern[:-3] + r"|over|above|beyond)\b"),
    "less": re.compile(_CLASSES["less"].pattern[:-3] + r"|under|below)\b"),
}
_CLAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s|\b(?:but|although|though|while|whereas|however|"
                     r"yet|which|who)\b")
_PARTS = re.compile(r"[;:()—–]|,\s+|\s+and\s+|\s+but\s+|\s+while\s+|\s+whereas\s+")
_NEGATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "non", "dis")


@dataclass
class Claim:
    """The parts of a sentence that the verifier checks."""

    tokens: list[Token]
    figures: list[Token]
    names: list[Token]
    content: list[Token]  # content words that are neither figures nor names


def read_claim(sentence: str) -> Claim:
    tokens = tokenize(sentence)
    figures = [t for t in tokens if t.kind == "number"]
    names, content = [], []
    first_word = next((n for n, t in enumerate(tokens) if t.kind != "scale"), None)
    for n, t in enumerate(tokens):
        if t.kind in ("number", "scale") or len(t.value) < 2 and t.kind == "word":
            continue
        if t.kind == "mixed" or (t.capital and t.value not in STOPWORDS and (
                n != first_word or _name_like(t))):
            names.append(t)
        elif t.value not in STOPWORDS and t.value not in _META and t.value not in _LIGHT:
            content.append(t)
    return Claim(tokens, figures, names, content)


def _name_like(t: Token) -> bool:
    """A sentence's first word is a name unless it is a word that opens sentences."""
    if t.text.isupper() and len(t.text) > 1 or any(c.isupper() for c in t.text[1:]):
        return True
    return t.value not in _OPENERS


# ---------------------------------------------------------------------------------------------
# What the cited passages hold


class Source:
    """The cited passages, read once: their sentences, tokens, figures and words."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.sentences: list[str] = []
        for text in texts:
            self.sentences += [text[s:e] for s, e in split_sentences(text)]
        self.tokens = [tokenize(s) for s in self.sentences]
        every = [t for ts in self.tokens for t in ts]
        self.values = {t.value for t in every if t.kind != "number"}
        self.stems = {t.stem for t in every if t.kind != "number"}
        self.roots = {_root(v) for v in self.values if len(_root(v)) >= 4}
        self.joined = set()
        for ts in self.tokens:
            words = [t.value for t in ts if t.kind != "scale"]
            for k in (2, 3):
                self.joined |= {"".join(words[i:i + k]) for i in range(len(words) - k + 1)}
            # "TOP500" holds the number 500, "H100" the number 100
        self.numbers: list[Token] = [t for t in every if t.kind == "number"]
        for t in every:
            if t.kind == "mixed":
                for digits in re.findall(r"\d+", t.value):
                    self.numbers.append(Token(digits, digits, digits, "number", t.start, False,
                                              number=float(digits)))

    def has_figure(self, f: Token) -> bool:
        for t in self.numbers:
            if f.ordinal != t.ordinal:
                continue
            if f.scale is not None:
                if _same(f.number * f.scale, t.number * (t.scale or 1.0)):
                    return True
            elif _same(f.number, t.number) or (
                    t.scale is not None and _same(f.number, t.number * t.scale)):
                return True
        return False

    def has_name(self, name: Token, claim: Claim) -> bool:
        v = name.value
        if v in self.values or name.stem in self.stems:
            return True
        if len(_root(v)) >= 4 and _root(v) in self.roots:  # "Italian" and "Italy"
            return True
        # "Mare Nostrum" and "MareNostrum", "Top 500" and "TOP500"
        words = [t.value for t in claim.tokens if t.kind != "scale"]
        at = next((i for i, t in enumerate(claim.tokens) if t is name), None)
        if at is not None:
            for k in (2, 3):
                for first in range(max(0, at - k + 1), at + 1):
                    if first + k <= len(words) and "".join(words[first:first + k]) in \
                            self.values | self.joined:
                        return True
        return v in self.joined

    def has_word(self, t: Token) -> bool:
        if t.value in self.values or t.stem in self.stems:
            return True
        return len(t.stem) >= 6 and any(s[:6] == t.stem[:6] for s in self.stems if len(s) >= 6)


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


_DEMONYM = re.compile(r"(?:ians|ian|eans|ean|ese|ish|ans|an|ia|y|s)$")


def _root(value: str) -> str:
    """"italian" and "italy", "german" and "germany" meet at one root."""
    previous = None
    while previous != value and len(value) > 4:
        previous, value = value, _DEMONYM.sub("", value)
    return value


# ---------------------------------------------------------------------------------------------
# The verifier


class Verifier:
    """Checks sentences against the passages they cite; `encode` is the embedding model."""

    def __init__(self, settings: VerifySettings | None = None, encode: Encode | None = None,
                 cache_size: int = 4096) -> None:
        self.settings = settings or VerifySettings()
        self.encode = encode
        self._vectors: dict[str, np.ndarray] = {}
        self.replacements: list[tuple[str, str, float]] = []  # (word, replaced, similarity)
        self._cache_size = cache_size

    def check(self, sentence: str, cited: Sequence[str]) -> Check:
        """Is `sentence` supported by the texts it cites? Every figure, date and name must
        occur in them, each where they have it; negation, quantifiers and hedges must agree
        with the cited clauses that carry it; its words must be held (or paraphrased) clause
        by clause, and its meaning close."""
        s = self.settings
        sentence = " ".join(sentence.split())
        claim = read_claim(sentence)
        source = Source(cited)
        reasons: list[str] = []
        if not source.sentences:
            return Check(sentence, False, ["it cites nothing"])
        folded = _plain(sentence)
        if any(_plain(x) == folded for x in source.sentences):  # quoted as it stands
            return Check(sentence, True, [], 1.0, 1.0, [next(
                x for x in source.sentences if _plain(x) == folded)])
        if not claim.content and not claim.names and not claim.figures:
            return Check(sentence, False, ["it says nothing that can be checked"])

        for f in claim.figures:
            if not source.has_figure(f):
                reasons.append(f"the figure {f.text} is not in what it cites")
        for name in claim.names:
            if not source.has_name(name, claim):
                reasons.append(f"“{name.text}” is not in what it cites")

        # The share of the sentence's words that the cited text holds: its figures and names
        # (each checked above) and its content words.
        unmatched = [t for t in claim.content if not source.has_word(t)]
        support = self._support(claim, source)
        uncovered = self._unparaphrased(unmatched, claim, source, support)
        total = len(claim.content) + len(claim.figures) + len(claim.names)
        coverage = 1.0 - len(uncovered) / total if total else 1.0
        if uncovered and (coverage < s.min_coverage or len(uncovered) > s.max_uncovered):
            shown = ", ".join(f"“{t.text}”" for t in uncovered[:4])
            reasons.append(f"what it cites does not hold {shown}")
        else:
            reasons += _clauses_held(sentence, claim, unmatched)
        reasons += _scope_held(sentence, claim, unmatched)
        for t in unmatched:
            if _negates(t, source):
                reasons.append(f"“{t.text}” reverses what it cites")
            elif (base := _prefixed(t, source)) is not None:
                reasons.append(f"“{t.text}” is not what it cites (“{base}”)")

        reasons += self._replaced_words(unmatched, claim, source)
        reasons += self._agreement(sentence, claim, source, support)
        reasons += self._substitution(claim, source)
        reasons += _figures_follow(claim, source)

        similarity = self._similarity(sentence, [source.sentences[i] for i in support])
        if self.encode is not None and similarity < s.min_similarity:
            reasons.append(f"its meaning is not close to what it cites "
                           f"(similarity {similarity:.2f})")
        return Check(sentence, not reasons, reasons, round(coverage, 4), round(similarity, 4),
                     [source.sentences[i] for i in support])

    # -- the parts ----------------------------------------------------------------------------

    def _support(self, claim: Claim, source: Source) -> list[int]:
        """The cited sentences that carry the claim: greedily, those that hold most of its
        figures, names and words (three at most)."""
        wanted = {("n", f.value) for f in claim.figures} | \
            {("w", t.stem) for t in claim.names + claim.content}
        held = []
        for ts in source.tokens:
            have = {("n", t.value) for t in ts if t.kind == "number"} | \
                {("w", t.stem) for t in ts if t.kind != "number"}
            held.append(have & wanted)
        chosen: list[int] = []
        left = set(wanted)
        while left and len(chosen) < 3:
            best = max(range(len(held)), key=lambda i: (len(held[i] & left), -i))
            if not held[best] & left:
                break
            chosen.append(best)
            left -= held[best]
        return chosen or [0]

    def _agreement(self, sentence: str, claim: Claim, source: Source,
                   support: list[int]) -> list[str]:
        """Negation agrees both ways; "only", "all", "most", "more", "less" and superlatives
        in the sentence must be in the cited clauses that hold its content."""
        wanted = {f.value for f in claim.figures} | {t.stem for t in claim.names + claim.content}
        clauses = []
        for i in support:
            for clause in _CLAUSE.split(source.sentences[i]):
                ts = tokenize(clause or "")
                shared = {t.stem for t in ts} & wanted
                if shared:  # a clause that shares nothing with the sentence is not its source
                    clauses.append(fold(clause))
        cited = " ".join(clauses) if clauses else " ".join(
            fold(source.sentences[i]) for i in support)
        mine = fold(sentence)
        reasons = []
        # Negated is an odd number of negations in a clause: "does not mean that they cannot"
        # is not negated.
        here = any(_negations(c or "") % 2 for c in _CLAUSE.split(mine))
        there = any(_negations(c) % 2 for c in (clauses or [cited]))
        if here != there:
            reasons.append("it negates what it cites" if here else "what it cites is negated")
        for kind, pattern in _CLASSES.items():
            if kind == "negation":
                continue
            if pattern.search(mine) and not (_SOURCE_CLASSES.get(kind) or pattern).search(cited):
                word = pattern.search(mine).group()
                reasons.append(f"“{word}” is not in what it cites")
        # the sentence's own hedges, not words it copies from its source ("the EU hopes")
        copied = set(_HEDGED.findall(cited)) - set(_HEDGED_SOURCE.findall(cited))
        if _HEDGED_SOURCE.search(cited) and not set(_HEDGED.findall(mine)) - copied:
            word = _HEDGED_SOURCE.search(cited).group()
            reasons.append(f"it states as certain what its source only says “{word}”")
        for one, other in ((_BEFORE, _AFTER), (_AFTER, _BEFORE)):
            if one.search(mine) and other.search(cited) and not one.search(cited):
                reasons.append(f"“{one.search(mine).group()}” reverses what it cites")
        return reasons

    def _substitution(self, claim: Claim, source: Source) -> list[str]:
        """A figure or name put in another's place: "four factories are in leading regions"
        against "five factories are in leading regions, four in strong ones". Each figure and
        name is read with the word beside it (up to `frame_gap` small words apart); when the
        cited text has that frame only around a different figure or name, it is not
        supported."""
        gap = self.settings.frame_gap
        if gap < 0:
            return []
        tokens = [t for t in claim.tokens if t.kind != "scale"]
        reasons = []
        for at, anchor in enumerate(tokens):
            if anchor not in claim.figures and anchor not in claim.names:
                continue
            found, rival = False, None
            for frame in _frames(tokens, at, gap):
                for ts in source.tokens:
                    plain = [t for t in ts if t.kind != "scale"]
                    for slot in _slots(ts, frame):
                        if _same_anchor(anchor, slot):
                            found = True
                        elif _anchor_like(slot, anchor, ts) and not _beside(anchor, slot, plain):
                            rival = rival or slot
            if rival is not None and not found:
                reasons.append(f"“{anchor.text}” stands where what it cites has "
                               f"“{rival.text}”")
        return reasons

    def _unparaphrased(self, unmatched: list[Token], claim: Claim, source: Source,
                       support: list[int]) -> list[Token]:
        """The words the cited text does not hold and does not say otherwise either: a word
        whose phrase ("factories chosen prior to") is close in meaning to a phrase of the
        cited sentences around a word the sentence does not use ("factories selected before
        October") is a paraphrase; an added detail ("tax incentives for startups") has no
        such counterpart."""
        if self.encode is None or not unmatched:
            return unmatched
        w = 2
        mine = {t.stem for t in claim.tokens}
        theirs = []
        for i in support:
            ts = source.tokens[i]
            theirs += [_phrase(ts, k, w) for k, t in enumerate(ts)
                       if _is_content(t) and t.stem not in mine]
        if not theirs:
            return unmatched
        tokens = claim.tokens
        phrases = [_phrase(tokens, next(i for i, t in enumerate(tokens) if t is u), w)
                   for u in unmatched]
        vectors = self._encode(phrases + theirs)
        mine_v, theirs_v = vectors[:len(phrases)], vectors[len(phrases):]
        best = (mine_v @ theirs_v.T).max(axis=1)
        return [u for u, score in zip(unmatched, best)
                if score < self.settings.min_phrase_similarity]

    def _replaced_words(self, uncovered: list[Token], claim: Claim,
                        source: Source) -> list[str]:
        """A word put in another's place with the words on both sides kept ("knowledge bases in
        the automotive sector" against "... in the digital sector"): unless the two mean
        nearly the same to the embedding model, the sentence says something else."""
        if self.encode is None or not uncovered:
            return []
        tokens = [t for t in claim.tokens if t.kind != "scale"]
        mine = {t.stem for t in tokens}
        reasons = []
        for word in uncovered:
            at = next(i for i, t in enumerate(tokens) if t is word)
            frames = _frames(tokens, at, self.settings.frame_gap)
            before = [f for f in frames if f[0] < 0]
            after = [f for f in frames if f[0] > 0]
            if not before or not after:
                continue
            for ts in source.tokens:
                left = {id(t) for t in _slots(ts, before[0])}
                both = [t for t in _slots(ts, after[0]) if id(t) in left]
                rivals = [t for t in both if t.kind == "word" and t.stem not in mine
                          and t.value not in STOPWORDS]
                if rivals:
                    a, b = self._encode([word.value, rivals[0].value])
                    self.replacements.append((word.value, rivals[0].value, float(a @ b)))
                    if float(a @ b) < self.settings.min_replacement_similarity:
                        reasons.append(f"“{word.text}” stands where what it cites has "
                                       f"“{rivals[0].text}”")
                    break
        return reasons

    def _similarity(self, sentence: str, support: list[str]) -> float:
        if self.encode is None or not support:
            return 0.0
        texts = [sentence, " ".join(support), *support] if len(support) > 1 else \
            [sentence, support[0]]
        # a sentence may restate one clause of a long cited sentence ("It is set to receive
        # ..." of "X includes ... and is set to receive ...")
        texts += [c.strip() for text in support for c in _PARTS.split(text)
                  if len(c.split()) >= 4 and c.strip() not in texts]
        vectors = self._encode(texts)
        return float(max(vectors[1:] @ vectors[0]))

    def _encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            if len(self._vectors) + len(missing) > self._cache_size:
                self._vectors.clear()
            for text, vector in zip(missing, np.asarray(self.encode(missing))):
                self._vectors[text] = vector
        return np.vstack([self._vectors[t] for t in texts])


def _clauses_held(sentence: str, claim: Claim, uncovered: list[Token]) -> list[str]:
    """Each clause must be held too: a detail added in a clause of its own ("..., while
    charging large companies market rates") is not supported by the rest being right."""
    missing = {id(t) for t in uncovered}
    checked = {id(t) for t in claim.content + claim.names + claim.figures}
    reasons = []
    start = 0
    for m in [*_CLAUSE.finditer(sentence), None]:
        end = m.start() if m else len(sentence)
        words = [t for t in claim.tokens if start <= t.start < end and id(t) in checked]
        lost = [t for t in words if id(t) in missing]
        if len(words) >= 3 and len(lost) * 2 > len(words):
            reasons.append(f"what it cites does not hold “{sentence[start:end].strip()}”")
        start = m.end() if m else end
    return reasons


_SCOPED = re.compile("|".join(_CLASSES[k].pattern for k in ("superlative", "certainty")))


def _scope_held(sentence: str, claim: Claim, unmatched: list[Token]) -> list[str]:
    """What a superlative is said of must be in the source word for word: "the fastest
    supercomputer in the world" is not "Europe's fastest"."""
    missing = {id(t) for t in unmatched}
    reasons = []
    for m in re.finditer(_SCOPED.pattern, sentence, re.I):
        stop = re.search(r"[,;:()]", sentence[m.end():])
        end = m.end() + stop.start() if stop else len(sentence)
        after = [t for t in claim.tokens if m.end() <= t.start < end][:4]
        lost = [t for t in after if id(t) in missing]
        if lost:
            reasons.append(f"what it cites does not say “{m.group()}” of “{lost[0].text}”")
            break
    return reasons


def _negations(clause: str) -> int:
    """How many negations a clause holds; "neither ... nor" is one."""
    found = _CLASSES["negation"].findall(clause)
    return len(found) - (1 if "neither" in found and "nor" in found else 0)


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def _figures_follow(claim: Claim, source: Source) -> list[str]:
    """A figure right after a name ("Jupiter in Jülich is #9") must be, in the cited text too,
    the first figure after that name: there "#4" follows Jülich and "#9" follows Kajaani."""
    tokens = [t for t in claim.tokens if t.kind != "scale"]
    reasons = []
    for i, name in enumerate(tokens):
        if name not in claim.names:
            continue
        j = i + 1
        while j < len(tokens) and j - i <= 3 and tokens[j].value in STOPWORDS and \
                tokens[j].kind == "word" and not tokens[j].pause:
            j += 1
        if j >= len(tokens) or tokens[j].kind != "number" or tokens[j].pause:
            continue
        figure = tokens[j]
        if _is_year(figure):  # "on the TOP500 in 2025": a year dates, it does not describe
            continue
        follows, seen = False, False
        for ts in source.tokens:
            plain = [t for t in ts if t.kind != "scale"]
            for k, t in enumerate(plain):
                if not _same_anchor(name, t) or t.kind == "number":
                    continue
                nxt = next((x for x in plain[k + 1:] if x.kind == "number"), None)
                if nxt is not None:
                    seen = True
                    follows = follows or _same_anchor(figure, nxt)
        if seen and not follows and source.has_figure(figure):
            reasons.append(f"“{figure.text}” is said of something else in what it cites")
    return reasons


def _is_year(t: Token) -> bool:
    return t.scale is None and not t.ordinal and t.number is not None and \
        t.number.is_integer() and 1900 <= t.number <= 2100 and t.text.isdigit()


def _frames(tokens: list[Token], at: int, gap: int) -> list[tuple[int, tuple[str, ...], str]]:
    """The frames of tokens[at]: (side, small words between, the word beside it), where side
    -1 is a word before it and +1 a word after it."""
    frames = []
    for side in (-1, 1):
        between: list[str] = []
        i = at + side
        while 0 <= i < len(tokens):
            t = tokens[i]
            if (tokens[i + 1] if side < 0 else t).pause:
                break  # a frame does not reach across punctuation
            if _is_content(t):
                words = tuple(between if side > 0 else reversed(between))
                frames.append((side, words, _key(t)))
                break
            if len(between) >= gap:
                break
            between.append(t.value)
            i += side
    return frames


def _slots(tokens: list[Token], frame: tuple[int, tuple[str, ...], str]) -> list[Token]:
    """The tokens of a cited sentence that stand in `frame`'s place."""
    side, between, word = frame
    ts = [t for t in tokens if t.kind != "scale"]
    out = []
    for k, t in enumerate(ts):
        if _key(t) != word:
            continue
        # the slot is on the other side of the framing word
        if side > 0:  # frame word after the slot: slot, between..., word
            first = k - len(between)
            slot = first - 1
            if slot >= 0 and tuple(x.value for x in ts[first:k]) == between:
                out.append(ts[slot])
        else:  # frame word before the slot: word, between..., slot
            slot = k + len(between) + 1
            if slot < len(ts) and tuple(x.value for x in ts[k + 1:slot]) == between:
                out.append(ts[slot])
    return out


def _phrase(tokens: list[Token], at: int, w: int) -> str:
    return " ".join(t.text for t in tokens[max(0, at - w):at + w + 1])


def _beside(anchor: Token, slot: Token, tokens: list[Token]) -> bool:
    """The anchor itself stands next to the slot ("Barcelona, Spain", "European Union (EU)"):
    the slot is another name for the same thing, not a rival."""
    at = next(i for i, t in enumerate(tokens) if t is slot)
    for step in (-1, 1):
        for distance in (1, 2):
            i = at + step * distance
            if not 0 <= i < len(tokens):
                break
            if _same_anchor(anchor, tokens[i]):
                return True
            if not (tokens[i].capital and tokens[i].value not in STOPWORDS):
                break  # only a name may stand between: "European Union (EU)"
    return False


def _same_anchor(anchor: Token, t: Token) -> bool:
    if anchor.kind == "number":
        return t.kind == "number" and (_same(anchor.number, t.number) or _same(
            anchor.number * (anchor.scale or 1.0), t.number * (t.scale or 1.0)))
    if t.kind == "number":
        return False
    # "Mare" and "Nostrum" are parts of "MareNostrum"
    return t.value == anchor.value or t.stem == anchor.stem or (
        min(len(t.value), len(anchor.value)) >= 3 and (t.value in anchor.value
                                                       or anchor.value in t.value))


def _anchor_like(t: Token, anchor: Token, sentence: list[Token]) -> bool:
    """Is `t` a figure (for a figure) or a name (for a name), as `anchor` is?"""
    if anchor.kind == "number":
        return t.kind == "number" and t.ordinal == anchor.ordinal
    return t.kind == "mixed" or (t.kind == "word" and t.capital and t.value not in STOPWORDS
                                 and sentence and t is not sentence[0])


def _is_content(t: Token) -> bool:
    return t.kind in ("number", "mixed") or (t.kind == "word" and t.value not in STOPWORDS
                                              and len(t.value) > 1)


def _key(t: Token) -> str:
    return t.value if t.kind == "number" else t.stem


def _prefixed(t: Token, source: Source) -> str | None:
    """"gigafactories" against "factories" (or the other way round): a word with a prefix
    added or dropped is another word."""
    for v in source.values:
        if len(v) >= 5 and len(t.value) - len(v) >= 2 and t.value.endswith(v):
            return v
        if len(t.value) >= 5 and len(v) - len(t.value) >= 2 and v.endswith(t.value):
            return v
    return None


def _negates(t: Token, source: Source) -> bool:
    """"unavailable" against "available": a word that is a cited word with a negative
    prefix, or the other way round."""
    for prefix in _NEGATIVE_PREFIXES:
        if t.value.startswith(prefix) and len(t.value) - len(prefix) >= 4 and \
                stem(t.value[len(prefix):]) in source.stems:
            return True
        if any(s == prefix + t.stem or s == stem(prefix + t.value) for s in source.stems):
            return True
    return False
