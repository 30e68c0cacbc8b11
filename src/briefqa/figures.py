"""Figures: the numbers, dates and names inside quotes, for the short answer and for finding
where two documents give different figures for the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexical import fold, words

# "4,480", "531,51", "306.31", "~380", "1", "10 752": digits with separators inside.
_WORD_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORD_NUMBERS.update(thirty=30, forty=40, fifty=50, sixty=60, seventy=70, eighty=80, ninety=90,
                     hundred=100)
_NUMBER = re.compile(r"(?<![\w.,])[~≈]?\d+(?:[.,\u202f ]\d+)*(?![\w])|"
                     rf"\b(?:{'|'.join(_WORD_NUMBERS)})\b", re.I)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6,
          "bn": 1e9, "k": 1e3}
# Units a figure may be stated in, by measure, with the factor to a common unit.
_UNITS = {
    "compute": {"tf": 1e-3, "tflops": 1e-3, "teraflops": 1e-3, "pf": 1.0, "pflops": 1.0,
                "petaflops": 1.0, "petaflop": 1.0, "ef": 1e3, "eflops": 1e3, "exaflops": 1e3,
                "exaflop": 1e3},
    "storage": {"tb": 1e-3, "terabytes": 1e-3, "pb": 1.0, "petabytes": 1.0, "eb": 1e3},
    "power": {"kw": 1e-3, "mw": 1.0, "megawatts": 1.0, "gw": 1e3},
    "money": {"euros": 1.0, "euro": 1.0, "eur": 1.0, "€": 1.0, "dollars": 1.0, "$": 1.0,
              "usd": 1.0, "£": 1.0, "pounds": 1.0},
}
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|" \
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
_DATE = re.compile(rf"\b(?:\d{{1,2}} {_MONTHS}(?: (?:19|20)\d\d)?|{_MONTHS} (?:\d{{1,2}}, )?"
                   rf"(?:19|20)\d\d|(?:mid|early|late)[- ](?:19|20)\d\d|(?:19|20)\d\d)\b", re.I)
_NAME = re.compile(r"\b[A-Z][\w’'&.+-]*(?:\s+(?:[A-Z0-9][\w’'&+-]*|of|de|di|der))*")


@dataclass
class Figure:
    """A number in a text, with what it is stated in."""

    start: int
    end: int  # the number and its unit words
    value: float  # in the measure's common unit where the unit is known
    measure: str | None  # "compute", "storage", "power", "money", or None

    def same_measure(self, other: Figure) -> bool:
        return self.measure is not None and self.measure == other.measure

    def differs(self, other: Figure) -> bool:
        return abs(self.value - other.value) > 0.02 * max(abs(self.value), abs(other.value))


def parse_number(token: str) -> float | None:
    """"4,480" -> 4480, "531,51" -> 531.51 (a decimal comma), "930,00" -> 930, "~380" -> 380."""
    if token.lower() in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[token.lower()])
    token = token.lstrip("~≈").replace("\u202f", " ")
    if " " in token:
        token = token.replace(" ", "") if all(len(p) == 3 for p in token.split(" ")[1:]) \
            else token.split(" ")[0]
    groups = re.split(r"[.,]", token)
    separators = re.findall(r"[.,]", token)
    if not separators:
        return float(token)
    last = groups[-1]
    if len(set(separators)) == 1 and len(last) == 3 and (len(separators) > 1 or
                                                        len(groups[0]) <= 3):
        return float("".join(groups))  # thousands: 4,480 / 10.752
    whole = "".join(groups[:-1])
    try:
        return float(f"{whole}.{last}")  # a decimal point or comma: 531,51 / 306.31
    except ValueError:
        return None


def figures(text: str) -> list[Figure]:
    """The numbers of a text with their units ("~380 PF", "10 billion euros", "€290M")."""
    out = []
    for match in _NUMBER.finditer(text):
        value = parse_number(match.group())
        if value is None:
            continue
        end = match.end()
        after = text[end:end + 40]
        before = text[max(0, match.start() - 2):match.start()]
        measure = None
        scale = re.match(r"\s?(thousand|million|billion|trillion|bn|m|k)\b", after, re.I)
        if scale:
            value *= _SCALE[scale.group(1).lower()]
            end += scale.end()
            after = text[end:end + 40]
        unit = re.match(r"\s?(?:peak\s+)?([A-Za-z€$£]+)", after)
        start = match.start() - (before.endswith("#"))  # "#4": a rank
        if "€" in before or "$" in before or "£" in before:
            measure = "money"
            start = match.start() - len(before) + min(before.find(c) for c in "€$£"
                                                      if c in before)
        elif unit:
            name = unit.group(1).lower()
            for kind, factors in _UNITS.items():
                if name in factors:
                    measure, value = kind, value * factors[name]
                    end += unit.end()
                    break
        out.append(Figure(start, end, value, measure))
    return out


def figure_near(text: str, name_words: set[str]) -> Figure | None:
    """The figure with a unit that follows the first mention of a name most closely ("LUMI in
    Kajaani (#9 with 531,51 peak petaflops)" gives 531,51 PF for LUMI)."""
    measured = [f for f in figures(text) if f.measure]
    if not measured:
        return None
    if not name_words:
        return measured[0] if len(measured) == 1 else None
    mentions = [m.start() for m in re.finditer(r"[\w-]+", text)
                if set(words(m.group())) & name_words]
    if not mentions:
        return None
    first = mentions[0]
    following = [f for f in measured if f.start >= first]
    nearest = min(following or measured, key=lambda f: abs(f.start - first))
    return nearest if abs(nearest.start - first) <= 80 else None


def short_span(text: str, kind: str | None, question: str, names: set[str] = frozenset(),
               measure: str | None = None,
               counted: str | None = None,
               subject: tuple[str, ...] = ()) -> tuple[int, int] | None:
    """Where, in a quote, the figure, date or name that answers lies: a number (in the asked
    measure, if any) or date the question does not already hold, closest after a name the
    question mentions ("TOP500 #4"); or a name it does not already use. None rather than a
    figure of something else: a rank must be a place in a ranking ("#9", not "top 10"), a count
    must count what is asked ("13 sites" is no count of factories), and where the quote names
    what the question asks about, the figure must follow such a mention closely. A figure of a
    question that names neither measure nor counted thing ("How large was the model?") must
    be said of one of the question's words ("70 billion parameter large language model"); a
    name must follow what the question asks the name of ("GPU partition LUMI-G"), a place
    must be where something is ("in Memphis")."""
    asked = fold(question)
    if measure == "rank":  # "#9", "ranked 9th": a place in a ranking, never "top 10"
        from .question import RANK

        for m in re.finditer(RANK, text, re.I):
            if fold(m.group()) not in asked:
                return m.start(), m.end()
        return None
    if kind == "number":
        found = [f for f in figures(text)
                 if fold(text[f.start:f.end].lstrip("~≈#")) not in asked
                 and not _part_of_name(text, f.start)
                 and (measure is None or f.measure in (measure, None))]
        if measure is not None:  # a figure of the measure asked, never a bare number
            found = [f for f in found if f.measure == measure]
        if counted and measure is None:
            head = words(counted)[-1:]
            found = [f for f in found if head and head[0] in words(_counts(text, f.end))]
        elif measure is None:
            if not names:
                return None  # a figure of nothing in particular: it may be any figure
            # "How large was the model ... on Alps?": a figure of one of the asked words, not
            # any figure near the name ("10,752 ... superchips" is no size of a model)
            said_of = set(words(question)) - names
            found = [f for f in found if set(words(_counts(text, f.end))) & said_of]
        if not found:
            return None
        mentions = _mentions(text, names)
        if mentions:
            def distance(f: Figure) -> int:
                if set(words(_counts(text, f.end))) & names:
                    return 0  # it counts the named thing: "4,480 NVIDIA Hopper GPUs" (not
                    # "930,00 peak petaflops), LUMI ...": the name after is another's)
                before = [f.start - end for end in mentions if end <= f.start]
                return min(before) if before else len(text) + f.start
            found = [f for f in found if distance(f) <= NEAR_NAME]
            found.sort(key=distance)
        if not found:
            return None
        best = found[0]
        return best.start, best.end if best.measure else _with_unit_words(text, best.end)
    if kind in ("date", "day"):
        for m in _DATE.finditer(text):
            if fold(m.group()) not in asked:
                return m.start(), m.end()
        return None
    if kind in ("name", "place"):
        question_words = set(words(question))
        named = [(m.start(), m.start() + len(m.group().rstrip(".,;:")))
                 for m in _NAME.finditer(text)
                 if m.start() > 0 and set(words(m.group())) - question_words
                 and not _echoes(m.group(), question)]
        marked = [s for s in named if _marked(text, s[1], question_words)]
        if marked:  # "Who leads it?": "CINECA (lead), ARNES (Slovenia)"
            return marked[0]
        spans = [s for s in named if not text[:s[0]].rstrip().endswith(":")]
        if kind == "place":  # where something is: "Colossus in Memphis", not "AI-specific"
            spans = [s for s in spans if _PLACED.search(text[max(0, s[0] - 6):s[0]])]
        elif subject:  # "the name of LUMI's GPU partition": the name that follows most of it
            def held(span: tuple[int, int]) -> int:
                return len(set(words(text[max(0, span[0] - NEAR_SUBJECT):span[0]]))
                           & set(subject))

            spans = sorted((s for s in spans if held(s)), key=held, reverse=True)
        if not spans or _enumerated(text, spans[0], named):
            return None  # one item of a list ("startups, SMEs, researchers") is no answer
        return spans[0]
    return None


def _echoes(name: str, question: str) -> bool:
    """A name the question already says in other words: "Switzerland" for "Swiss
    researchers", "Finland" for "the Finnish factory" (a people's word and its place share
    their first letters)."""
    said = [w.lower() for w in re.findall(r"\b[A-Z][a-z]{3,}\b", question[1:])]
    for word in re.findall(r"[A-Za-z]{4,}", name):
        low = word.lower()
        if any(w != low and w[:3] == low[:3] and _PEOPLE.search(w) for w in said):
            return True
    return False


_PEOPLE = re.compile(r"(?:ish|ian|an|ese|ss|ch|ic|ek)$")


def _marked(text: str, end: int, question_words: set[str]) -> bool:
    """Whether a name is marked by the role the question asks about: "CINECA (lead)" for
    "Who leads ...?"."""
    mark = re.match(r"\s*\(([^()]{2,30})\)", text[end:])
    return bool(mark) and bool(set(words(mark.group(1))) & question_words)


def _enumerated(text: str, span: tuple[int, int], names: list[tuple[int, int]]) -> bool:
    """Whether a name is one item of a list: between commas (or "and") in a stretch with two
    commas and a conjunction ("startups, SMEs, researchers, and ..."; not the apposition
    "one factory, HammerHAI, ..."), or one of two or more names that each begin a list item
    ("Jupiter in Jülich (#4), LUMI in Kajaani (#9), and Leonardo ...")."""
    before, after = text[:span[0]], text[span[1]:]
    separated = re.search(r"(?:,|\band|\bor)\s*$", before) and \
        re.match(r"\s*(?:,|and\b|or\b)", after)
    window = text[max(0, span[0] - 80):span[1] + 80]
    if separated and len(re.findall(r",\s", window)) >= 2 and \
            re.search(r"(?:,\s*|\s)(?:and|or)\s", window):  # not "one factory, HammerHAI, ..."
        return True
    items = [s for s in names
             if re.search(r"(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)$", text[:s[0]])]
    if len(items) < 2:
        return False
    later = [s for s in items if s[0] > span[0]]
    return span in items or (bool(later) and "," in text[span[1]:later[0][0]]
                             and text[span[1]:later[0][0]].count(",") == 1)


NEAR_NAME = 80  # characters: a figure this soon after a name the question mentions is its
NEAR_SUBJECT = 30  # characters: a name this soon after what the question asks the name of
_PLACED = re.compile(r"\b(?:in|at|near|outside|from)\s+(?:the\s+)?$", re.I)


def _mentions(text: str, names: set[str]) -> list[int]:
    """Where mentions of the names end, a name written apart included ("Mare Nostrum")."""
    tokens = list(re.finditer(r"[\w-]+", text))
    ends = []
    for n, m in enumerate(tokens):
        if set(words(m.group())) & names:
            ends.append(m.end())
        elif n + 1 < len(tokens) and set(words(m.group() + tokens[n + 1].group())) & names:
            ends.append(tokens[n + 1].end())
    return ends


def _counts(text: str, end: int) -> str:
    """What a figure counts or is said of: the words after it, up to four, before the next
    figure or clause ("250 petaflops, 4992 nodes": "250" counts no nodes)."""
    clause = re.split(r"[,;:()\[\]]|\s\d", text[end:], maxsplit=1)[0]
    return " ".join(clause.split()[:4])


def _part_of_name(text: str, start: int) -> bool:
    """"MareNostrum 5", "TOP500": the number belongs to the name before it."""
    before = text[max(0, start - 15):start]
    return bool(re.search(r"[A-Z][A-Za-z]+\s?$", before)) and not re.search(
        r"\b(?:with|of|has|have|to|by|from|about|and|or)\s?$", before, re.I)


def _with_unit_words(text: str, end: int) -> int:
    """The figure and the words that say what it counts ("4,480 NVIDIA Hopper GPUs")."""
    tail = re.match(r"(?:\s+(?!(?:in|on|at|of|for|and|or|the|to|with|by|from|is|are|was|"
                    r"were|x)\b)[\w’'-]+){0,3}", text[end:])  # "10 x storage-volume": no unit
    return end + (tail.end() if tail else 0)
