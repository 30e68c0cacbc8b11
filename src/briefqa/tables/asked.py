"""What a question asks, independent of any table: the operation, the thing asked about,
the attribute, figures.

No word list of any corpus is in here; the words below are English: what asks for a count, a
superlative, a comparison, and what names a dimension ("memory" asks for bytes, "longest" for
a duration).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..lexical import fold, words
from .values import BIT_RATE, BYTE_RATE, BYTES, CLOCK, DATE, EUR, FLOPS, SECONDS, USD, WATTS

# The comparatives "how many more / times more ..." are said with
_MORE = r"more|fewer|less|longer|shorter|bigger|larger|higher|lower|greater|smaller|faster|slower"
_DIFFERENCE = re.compile(rf"\bhow (?:many|much) (?:{_MORE}|extra|additional)\b|"
                         r"\bby how (?:many|much)\b|\bdifference (?:between|in)\b|\bexceeds?\b|"
                         # "how much space beyond the default quota": not "beyond 4 nodes"
                         r"\bhow (?:many|much) [\w-]+ (?:beyond|on top of)\s+(?![~<>]?\d)|"
                         # "how many petaflops does Leonardo have above LISA's figure"
                         r"\bhow (?:many|much) [\w-]+ (?:does|do|did|can) [^?]{1,40}? "
                         r"(?:have|get|offer|give)\s+(?:above|over|beyond)\s+(?![~<>]?\d)|"
                         # "how many petaflops ahead of Leonardo is LUMI?", "how far behind"
                         r"\bhow (?:many|much|far) (?:[\w-]+\s+){0,2}?(?:ahead of|behind)\s+"
                         r"(?![~<>]?\d)|"
                         # "how many petaflops bigger is JUPITER than LUMI", "how many GB more
                         # does scratch hold than home": so much of a measure more
                         rf"\bhow (?:many|much) (?P<measured>[\w-]+) (?:{_MORE})\s+(?:is|are|was|"
                         r"were|does|"
                         r"do|did|has|have|can|could|will|would)\b(?=[^?]{1,80}?\bthan\b)",
                         re.I)
# "How many times more files can scratch hold than home?", "what is the ratio of ...": the
# first figure divided by the second (not a difference, nor "times" as a duration)
_RATIO = re.compile(rf"\bhow many times (?P<word>{_MORE}|as (?:much|many|big|large|long|fast|"
                    r"high))\b|\bwhat(?:'s| is)? the ratio (?:of|between)\b", re.I)
# "How much memory do the biggest nodes have?": what is measured, said before the superlative
_HOW_MUCH = re.compile(r"^\W*how much ((?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:do|does|did|is|are|can|"
                       r"will)\b", re.I)
# "How many petaflops separate JUPITER from LUMI?", "how far apart are ...", "the gap between
# ...": a difference, of what the words before "separate" measure
_APART = re.compile(r"\bhow (?:many|much) (?P<what>(?:[\w-]+\s+){0,2}?[\w-]+) (?:separates?|"
                    r"lies? between)\b|\bhow far apart\b|\b(?:gap|margin) between\b", re.I)
# "Among the partitions where I can ask for part of a node, which ...", "Of the pre-exascale
# machines that quote a figure, what ...": the rows asked among, said before the question.
SCOPE = re.compile(r"^\s*(?:among(?:st)?|of|from|out\s+of|in\s+the\s+(?:list|table)\s+of)\s+"
                   r"(?:all\s+)?(?:the|these|"
                   r"those|its|their|our|\w+'s)?\s*(?P<body>[^,?;]{3,160}?)\s*,\s*"
                   r"(?:which|what|who|how|where|when|is|are|does|do)\b", re.I)

# "How many MPI tasks per GPU should I use?", "how many nodes do I need to request?": advice
# on a setting, no count of rows
_ADVICE = re.compile(r"\bhow many\b[^?]*?\b(?:should|shall|ought to|(?:do|would|will) (?:i|we|you)"
                     r" need|(?:do|should) (?:i|we|you) (?:use|request|ask for|set|pick|choose))\b",
                     re.I)
_SUM = re.compile(r"\b(?:in total|total|altogether|combined|between them|together|sum of|"
                  r"add(?:ing)? up|add(?:ing)? (?:them|these|those|both)(?: \w+){0,2}? "
                  r"together|add(?:ing)? (?:them|these|those|both))\b", re.I)

# where the question proper starts after a clause before it ("Leaving X aside, how ...")
_QUESTION_AFTER_CLAUSE = re.compile(r",\s*(?=(?:which|what|how|who|where|when|is|are|was|were|"
                                    r"does|do|did|can|could|will|would|in|on|of|for|among)\b)",
                                    re.I)
# the words of adding itself, which a count of rows never says
_ADDING = re.compile(r"\b(?:add(?:ing)? up|sum of|add(?:ing)? (?:them|these|those|both))\b",
                     re.I)


def adding_spans(text: str) -> list[tuple[int, int]]:
    """Where a question says it adds up ("adding up", "add them together", "in total"):
    words of the operation, no condition."""
    return [m.span() for m in _SUM.finditer(text)]
_HOURS_A_DAY = re.compile(r"\b(?:how many hours|how long)\b[^?]*?\b(?:a|per|each|every) "
                          r"(?:day|weekday|working day)\b|\bhow many hours\b[^?]*\bdaily\b",
                          re.I)
# "Between my user home and the project persistent directory, which one ...": two things
# named before the question about them
BETWEEN_TWO = re.compile(r"^\W*between\s+(?P<a>[^,?;:]+?)\s+and\s+(?P<b>[^,?;:]+?)\s*,", re.I)
_COUNT = re.compile(r"\bhow many\b|^\W*(?:what is |what's |give |tell me )?the (?:total )?"
                    r"number of\b|\bcount (?:the|of)\b", re.I)
_MOST = r"most|highest|largest|biggest|greatest|longest|maximum|furthest|farthest|" \
    r"fastest|latest|newest|deepest|widest|heaviest|steepest|costliest|priciest|dearest|" \
    r"fattest|thickest|broadest"
_LEAST = r"least|lowest|smallest|fewest|shortest|minimum|earliest|oldest|slowest|" \
    r"tightest|strictest|cheapest|narrowest|lightest|thinnest|slimmest|" \
    r"first(?=\s*[?.!]|\s*$)"  # "went into service first?", not "the first wave"
SUPERLATIVE = re.compile(rf"(?<![\w-])(?:(?P<max>{_MOST})|(?P<min>{_LEAST}))(?![\w-])", re.I)
# "... and how many nodes have that much?", "how many such nodes", "how many nodes have the
# largest memory": the count asked is the winning row's own (its count column), not a count
_THAT_MUCH = re.compile(
    r"\bhow many\s+such\b|"
    r"\bhow many\b[^?,]*?\b(?:have|has|having|with|get|come with|are built|are there)\b"
    r"[^?,]{0,20}?\b(?:that|this|it|so|such)\b|"
    rf"\bhow many\b[^?,]*?\b(?:have|has|having|with|come with)\s+the\s+(?:{_MOST}|{_LEAST})\b",
    re.I)
MORE = r"more|bigger|larger|higher|greater|longer|faster|later|newer|further|wider|heavier|" \
    r"steeper|costlier|pricier|dearer|deeper|fatter|thicker|broader"
LESS = r"less|fewer|smaller|lower|shorter|slower|earlier|older|tighter|stricter|cheaper|" \
    r"narrower|lighter|thinner|slimmer"
COMPARATIVE = re.compile(rf"\b(?P<more>{MORE})\b|\b(?P<less>{LESS})\b", re.I)
# "more memory than (the standard) 256 GiB": a comparative, what it is of, then a figure
_THAN_FIGURE = (rf"(?:{MORE}|{LESS})\s+(?:[a-z-]+\s+){{1,2}}?than\s+"
                r"(?:the\s+(?:[a-z-]+\s+)?)?[~<>]?\d[\d,.]*")
# "512 GiB or more", "more than 200", "at least": bounds of a filter, not comparisons.
BOUND = re.compile(r"\b(?:or (?:more|less|fewer|above|higher|greater|below|lower|over|"
                    r"longer|shorter|larger|smaller|bigger)|"
                    r"(?:more|less|fewer|greater|higher|lower|larger|smaller|longer|shorter) "
                    r"than\s+(?:exactly\s+|the\s+(?:[a-z-]+\s+)?)?(?:[~<>]?\d[\d,.]*|an?\s|(?:one|two|three|four|five|six|"
                    r"seven|eight|nine|ten|twelve|twenty)\b)|"
                    r"at (?:least|most)|and (?:above|up|below)|"
                    # "more memory than the standard 256 GiB": a bound on what is named
                    rf"{_THAN_FIGURE})\b", re.I)
# "partitions with a maximum walltime of less than a day", "whose minimum ... is above 2":
# the word names a limit column (Max walltime) whose bound is the condition, not the row
# with the largest value
_LIMIT_NAMED = re.compile(r"\b(?:a|an|its|their|whose)\s+(?:max(?:imum)?|min(?:imum)?)\b"
                          r"(?=(?:\s+[\w/-]+){1,3}?\s+(?:(?:of|is|are|was|were)\s+)?"
                          r"(?:less|more|fewer|greater|longer|shorter|under|over|below|above|"
                          r"at least|at most|up to|beyond|exceeding|within)\b)", re.I)
_LISTING = re.compile(r"^\W*(?:(?:in|of|from|according to|per|on|for|among|amongst|within)\b"
                      r"[^?]{0,80}?,\s*|"
                      r"(?:on|in|at|for|from|with|under|across)\s+(?=which\b))?"
                      r"(?:which|list|name|show|what (?:are|were) the\s+\w+s|"
                      # "what memory sizes do the node types with ... have?"
                      r"what\s+(?:[\w-]+\s+)?[\w-]+s\s+(?=(?:do|does|did|are|were|can|"
                      r"could)\b))\b",
                      re.I)
_EXCLUDE = re.compile(r"\b(?:(?:leaving|setting|putting) aside|leaving out|except(?: for)?|"
                      r"excluding|other than|apart from|besides|not counting|aside from|"
                      r"ignoring|rather than|instead of|"
                      # "Leaving bench aside, ...": the name before "aside"
                      r"(?:leaving|setting|putting)(?=\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+"
                      r"aside\b))\s+(?:the\s+)?", re.I)
AT_LEAST = re.compile(r"\b(?:or more|or above|or higher|or greater|and above|and up|or "
                       r"over|or longer|or larger|or bigger|at least|minimum of)\b", re.I)
AT_MOST = re.compile(r"\b(?:or less|or fewer|or below|or lower|or shorter|or smaller|and "
                      r"below|at most|maximum of|up to)\b", re.I)
# "more than 256 GiB", "more than the base 256 GiB", "more memory than the standard 256 GiB"
ABOVE = re.compile(r"\b(?:(?:above|over|more than|greater than|exceeding|higher than|larger "
                    r"than|bigger than|longer than|beyond)(?:\s+the(?:\s+[a-z-]+)?)?|"
                    rf"(?:{MORE})\s+(?:[a-z-]+\s+){{1,2}}?than(?:\s+the(?:\s+[a-z-]+)?)?)"
                    r"\s*$", re.I)
BELOW = re.compile(r"\b(?:(?:below|under|less than|fewer than|lower than|smaller than|"
                    r"shorter than)(?:\s+the(?:\s+[a-z-]+)?)?|"
                    rf"(?:{LESS})\s+(?:[a-z-]+\s+){{1,2}}?than(?:\s+the(?:\s+[a-z-]+)?)?)"
                    r"\s*$", re.I)
NOT_ABOVE = re.compile(r"\bno(?:t)?\s+(?:more|longer|greater|higher|larger|bigger|over)"
                        r"(?:\s+than)?\s*$", re.I)
NOT_BELOW = re.compile(r"\bno(?:t)?\s+(?:less|fewer|shorter|lower|smaller|under)"
                        r"(?:\s+than)?\s*$", re.I)
BOUND_BEFORE = re.compile(r"\b(?:at (?:most|least)|up to|no(?:t)? (?:more|less|fewer|longer|"
                           r"shorter) than)\s+exactly\s+$", re.I)
# "which country [that hosts a EuroHPC machine] has ...": the groups' noun, and a clause
# about other rows (a join: `joins.clauses` reads the same forms)
_GROUP_CLAUSE = r"(?P<clause>\s+(?:(?:that|which|who)\s+\w+|whose|without|with\s+no)\b" \
    r"[^?,;]{1,60}?)?"
COUNT_BY = re.compile(r"\b(?:which|what)\s+(?P<noun>[\w-]+)" + _GROUP_CLAUSE +
                      r"\s+(?:has|have|had|holds?|hosts?|is home to|gets?|got|received?|won)"
                      r"\s+the\s+(?:(?P<max>most|largest number of|highest number of)|"
                      r"(?P<min>fewest|least|smallest number of))\b", re.I)
# "What's the most common system class ...?": the mode of a column, not its largest value.
MOST_COMMON = re.compile(r"\bmost\s+(?:common|frequent|usual|typical|widespread|popular)\b"
                         r"(?:\s+(?:amount|number|kind|type|value|size)s?\s+of\b)?", re.I)
_WHICH_IS = re.compile(r"\b(?:which|what)\s+((?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:is|are|was|were)"
                       r"\s+(?:the\s+)?$", re.I)
_HOW_MANY = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten"
# "Which countries have more than one AI factory?": groups kept by how many rows they have;
# "how many countries have more than one ...": how many such groups.
COUNT_HAVING = re.compile(
    r"\b(?:which|what|(?P<how_many>how many))\s+(?P<noun>[\w-]+)" + _GROUP_CLAUSE +
    r"\s+(?:has|have|had|holds?|hosts?|is home to|"
    r"are home to|gets?|counts?|lists?)\s+(?P<bound>(?:more than|at least|fewer than|less than)"
    rf"\s+(?:{_HOW_MANY})|(?:{_HOW_MANY})\s+or more|multiple|only one|just one|a single|"
    r"exactly one)\b", re.I)
_HAVING_FORMS = (("more than", ">"), ("at least", ">="), ("or more", ">="), ("fewer than", "<"),
                 ("less than", "<"))

# Words that ask for a dimension (English, for any corpus).
_DIMENSION_WORDS = {
    BYTES: "memory storage disk capacity quota space ram bytes byte volume "
           "kb mb gb tb pb kib mib gib tib pib",  # units standing alone: "how many TB"
    FLOPS: "performance flops petaflops exaflops teraflops compute computing peak speed "
           "fastest powerful tf pf ef tflops pflops eflops",
    SECONDS: "time duration long longer longest short shorter shortest walltime hours days "
             "minutes weeks months years retention purge purged purging",
    EUR: "budget cost costs price money funding euro euros expensive cheap spend spent",
    USD: "dollars dollar",
    WATTS: "power energy electricity electrical watts megawatts consumption kw mw",
    BYTE_RATE: "bandwidth throughput",
    BIT_RATE: "bandwidth throughput",
    DATE: "date year month day opened founded started began selected",
}
_ADJECTIVE_DIMENSION = {"longest": SECONDS, "shortest": SECONDS, "longer": SECONDS,
                        "shorter": SECONDS, "earliest": DATE, "latest": DATE, "earlier": DATE,
                        "later": DATE, "oldest": DATE, "newest": DATE, "first": DATE,
                        "fastest": FLOPS, "faster": FLOPS, "slower": FLOPS}
# A computer's size is its compute: "the bigger machine", "the largest system" ask for
# performance, as "faster" does.
_SIZE = frozenset(words("bigger larger biggest largest"))
_COMPUTERS = "machine machines system systems computer computers " \
    "cluster clusters"


def _size_of_computer(word: str, attribute: list[str]) -> bool:
    """Does "bigger" (or "largest") ask for the size of the computers it compares?"""
    return word.lower() in _SIZE and bool(attribute) and set(attribute) <= _COMPUTER_STEMS


# Nouns that say what kind of answer is wanted, not what it is about.
_GENERIC = frozenset(words("one ones thing things item items entry entries row rows figure "
                           "value number amount total kind type sort name names count "
                           "list table tables file csv document map guide page variant variants "
                           "configuration configurations flavour flavours flavor flavors "
                           "piece pieces element elements different distinct approximate "
                           "estimated"))
_ABBREVIATIONS = {"maximum": "max", "minimum": "min", "number": "no", "num": "no",
                  "january": "jan", "february": "feb", "march": "mar", "april": "apr",
                  "june": "jun", "july": "jul", "august": "aug", "september": "sep",
                  "sept": "sep", "october": "oct", "november": "nov", "december": "dec"}
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
# Figures written as words ("one day", "two jobs", "a week", "a full day"): read as digits.
_FIGURE_WORDS = re.compile(r"\b(?:(?P<n>" + "|".join(list(_NUMBER_WORDS)[1:]) +
                           r")|(?P<a>an?(?:\s+(?:full|whole|entire|complete|single))?)"
                           r"(?=\s+(?:second|minute|hour|day|week|month|year|thousand|million|"
                           r"billion)s?\b))"
                           r"\b", re.I)


def figures_written(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with figures written as words put as digits, right-aligned in the word's
    place (offsets kept), and where each was."""
    replaced = []

    def put(m: re.Match) -> str:
        digits = _NUMBER_WORDS[m.group().lower()] if m.group("n") else "1"
        replaced.append(m.span())
        return " " * (len(m.group()) - len(digits)) + digits
    return _FIGURE_WORDS.sub(put, text), replaced


# Words that ask for an operation, and everyday fillers: they need no table to explain them.
_CUES = ("how many much number count total altogether combined together sum between them "
         "which what who list name show give tell most least more less fewer than largest "
         "biggest highest greatest longest maximum furthest farthest fastest latest newest "
         "smallest lowest fewest shortest minimum earliest oldest first bigger larger higher "
         "greater longer faster later newer smaller lower shorter earlier older exceed exceeds "
         "difference per each every all any both either same other others versus vs compared "
         "compare common order leaving leave setting putting aside except excluding apart besides "
         "ignoring "
         "counting among amongst steepest costliest priciest dearest tightest strictest "
         "cheapest narrowest lightest steeper costlier pricier dearer deeper tighter stricter "
         "cheaper narrower lighter fattest thickest broadest thinnest slimmest fatter thicker "
         "broader thinner slimmer far expensive costly pricey")
_FILLERS = ("let lets allow allows allowed accept accepts accepted give gives given just rather "
            "whole only always simply also still currently exactly approximately around roughly there here me "
            "my you your we our they their it its them get gets got use uses used using make "
            "makes made available listed lists mentioned named shown say says said according "
            "going include includes including contain contains containing have has had run "
            "runs running can could would should may might must will one ones single "
            "respectively overall access summary summarise summarize summarises summarizes "
            "overview cover covers covered describe describes described publish published "
            "across keep keeps kept hold holds held quoted stated expressed user users someone "
            "marked labelled labeled rated share shares sit sits situated located based appear "
            "appears appearing come comes coming came carry carries carrying even though "
            "although whereas yet already put puts offer offers offered offering provide "
            "provides provided providing built ask asks asking instead grab actually really truly "
            "indeed look looking period periods terms somewhere anywhere elsewhere size sizes "
            "sign signing register registering enrol enroll subscribe docs documentation "
            "table tables "  # "how many partitions (both tables) ...": where, not what
            # the verb of a negation ("isn't located in Bologna"), read by negation.py
            "isn aren wasn weren doesn don didn hasn haven hadn won wouldn shouldn couldn")
# The kinds of document a question may name ("according to the brief"): the table must be
# of a document whose path or title says so.
DOCUMENT_KINDS = frozenset("brief paper report map guide handbook manual".split())


def keywords(text: str) -> set[str]:
    """Content words folded and stemmed, abbreviations and month names made one."""
    return {_STEMMED_ABBREVIATIONS.get(w, w)
            for w in words(text.replace("_", " ").replace("/", " "))}


_STEMMED_ABBREVIATIONS = {s: v for k, v in _ABBREVIATIONS.items() for s in words(k)}
DIMENSION_STEMS = {dimension: keywords(text) for dimension, text in _DIMENSION_WORDS.items()}
ALL_DIMENSION_STEMS = set().union(*DIMENSION_STEMS.values())
GENERIC_STEMS = frozenset(keywords(" ".join(_GENERIC)))
_COMPUTER_STEMS = frozenset(keywords(_COMPUTERS))
# Words for whatever a table of machines, devices or setups lists ("how many of the EuroHPC
# machines", "which systems"): what is counted when the question names the table by other
# words ("EuroHPC", "the supercomputer CSV"), and no condition of their own.
REFERENT_STEMS = frozenset(keywords("system systems machine machines"))
EXPLAINED_ANYWAY = GENERIC_STEMS | keywords(_CUES) | keywords(_FILLERS) | \
    keywords(" ".join(DOCUMENT_KINDS))
# What a column named "Max ..." / "Min ..." is, in other words: a limit, a cap ("the per-job
# cap", "the limit on jobs"); they explain a question of a table with such a column.
BOUND_COLUMN_STEMS = keywords("max min maximum minimum")
BOUND_WORD_STEMS = keywords("limit limits limited cap caps capped ceiling")


@dataclass
class Token:
    text: str  # as written
    low: str  # folded, number words as digits
    start: int
    end: int

    @functools.cached_property  # asked of every window of every column a question is linked to
    def distinctive(self) -> bool:
        """Capitalised (not first), with a digit or a joining mark: likely a name or value."""
        return bool(re.search(r"\d|[-+:./]", self.text)) or \
            (self.start > 0 and self.text[:1].isupper())


_TOKEN = re.compile(r"[^\W_]+(?:[-+:'’./][^\W_]+)*\+*")


def _or_more_compared(text: str, bound: re.Match) -> bool:
    """"more first-wave factories or more of the 2025 ones": "or more" begins the second
    side of a comparison, not a bound ("512 GiB or more", "two or more nodes"): no figure
    before it, and words of a thing after it."""
    if not re.match(r"or (?:more|fewer|less)$", bound.group(), re.I):
        return False
    before = text[max(0, bound.start() - 32):bound.start()]
    after = re.match(r"\s+(?:of\s+)?(?:the\s+)?([a-z][\w-]*)", text[bound.end():], re.I)
    return not re.search(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b)"
                         r"[^\d]{0,24}$", before, re.I) and after is not None and \
        after.group(1).lower() not in ("in", "on", "at", "per", "for", "than", "and", "or",
                                       "overall", "altogether", "total")


def tokenize(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = re.sub(r"[’']s$", "", m.group())
        low = fold(raw)
        out.append(Token(raw, _NUMBER_WORDS.get(low, low), m.start(), m.start() + len(raw)))
    return out


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


@dataclass
class Asked:
    """The operation a question asks for, and the words that say of what."""

    intent: str | None  # count, list, max, min, compare, difference, ratio, sum, count_by
    entity: list[str]  # the words of what is counted or listed ("AI factories")
    attribute: list[str]  # the words of what is measured ("memory", "queue wait")
    dimension: str | None  # the dimension its adjective implies ("longest": seconds)
    excluded_from: int | None  # where "except ..." begins, if it does
    said: str = ""  # the question's words for the attribute, or what is dated
    group: str | None = None  # count_by: the noun counted by ("country")
    # count_by: which groups are kept by how many rows each has ("more than one": (">", 1)),
    # and where the question says so
    having: tuple[str, int] | None = None
    having_span: tuple[int, int] | None = None
    # count_by: where a clause about the groups stands ("which country [that hosts a
    # EuroHPC machine] has the most ..."), which ends before the verb of the count
    group_clause: tuple[int, int] | None = None
    # compare: the smaller asked for ("which has a tighter quota, A or B?")
    less: bool = False
    # count_by: asked as "the most common ..." (of a table of kinds with a column of how many
    # of each, the kind with the most)
    common: bool = False
    # count_by with a bound: asked how many groups meet it ("how many countries have more
    # than one AI factory"), not which
    counts_groups: bool = False
    # where what is set aside ends, when a clause before the question sets it aside
    # ("Leaving Leonardo aside, how much do GAIA and MEGARIDE ..."); None: at the end
    excluded_to: int | None = None


# ("which is the most powerful": no noun; a verb right after "which" starts none)
_WHICH_NOUN = re.compile(r"\b(?:which|what)\s+(?:(?:kind|type|sort)s?\s+of\s+)?"
                         r"(?:of\s+the\s+|of\s+)?(?!(?:is|are|was|were|has|"
                         r"have|had|does|do|did|can|could|will|would)\b)((?:[\w'’-]+\s+){0,3}?"
                         r"[\w'’-]+?)(?=\s+(?:(?:isn|aren|wasn|weren|hasn|haven|hadn|doesn|don|"
                         r"didn|can|couldn|won|wouldn)['’]t|is|are|was|were|has|have|had|do|does|did|can|"
                         r"could|will|would|allow|allows|give|gives|let|lets|get|gets|use|"
                         r"uses|in|on|at|of|from|with|for|to|went|go|goes)\b|\?|,|$)", re.I)
# ("which one quotes ...": a verb after "one", no plural)
_WHICH_PLURAL = re.compile(r"\b(?:which|what)\s+(?:(?:kind|type|sort)s?\s+of\s+)?(?:of\s+the\s+)?"
                           r"(?!one\s)((?:[\w'’-]+\s+){0,2}?"
                           r"[\w'’-]+[^s\W]s)\b(?!\s+(?:of|for)\b)", re.I)
# "What's the partition with the shortest walltime?": the thing asked about, named before
# the condition that picks it.
_WHAT_THE = re.compile(r"\bwhat(?:['’]s|\s+is|\s+are|\s+was|\s+were)\s+the\s+"
                       r"((?:[\w'’-]+\s+){0,2}?[\w'’-]+?)\s+(?:with|that|whose|having)\b", re.I)
_NUMBER_OF = re.compile(r"\bnumber\s+of\s+(?:the\s+)?((?:[\w'’-]+\s+){0,4}?[\w'’-]+?)"
                        r"(?=\s+(?:are|is|were|was|do|does|did|have|has|can|could|in|on|at|"
                        r"from|with|for|to|across|of)\b|\?|$)", re.I)
# "how many does it list", "how many are there": no noun after "how many"; what is counted is
# then what "a table of ..." / "the list of ..." said before
_HOW_MANY_ALONE = re.compile(r"\bhow many\s+(?:does|do|did|is|are|were|was|can|will)\b", re.I)
_TABLE_OF = re.compile(r"\b(?:table|list)\s+of\s+((?:[\w'’-]+\s+){0,3}?[\w'’-]+?)"
                       r"(?=\s*(?:[-–—,;:.?]|\b(?:and|but|so|how|which|what|in|on|for)\b))",
                       re.I)
_COUNTED = re.compile(r"\bhow many\s+(?:of\s+(?:the\s+)?)?(?!(?:have|has|are|is|were|was|can|could|"
                      r"do|does|did)\b)((?:[\w'’-]+\s+){0,4}?[\w'’-]+?)"
                      r"(?=\s+(?:are|is|were|was|do|does|did|have|has|can|could|let|lets|in|"
                      r"on|at|from|with|for|to|get|give|there|sit|stand|appear|exist|made|make|"
                      r"run|use|offer|come|allow|hold|host|support|need|fall|carry|provide|"
                      r"include|will|would|should|may|might|must|that|which|who|whose|"
                      r"where|keeps?|stores?|retains?|costs?|takes?|only|just|also|still)\b|"
                      r"\?|$)",
                      re.I)

# Questions no table computes: a reason ("Why are most nodes set aside for ...?"), which
# thing sets a figure ("Which sbatch option sets how many tasks run on each node?": a look-up
# of the option, not a count), or what most of the rows hold ("What memory size do most
# LUMI-C nodes have?": "most" of them, not the most of anything)
# "which one is already operational and which is still deploying": two things asked, each
# of its own rows; one plan would answer one of them
_TWO_ASKED = re.compile(r"\bwhich\b[^?]*\band which\b(?!\s+(?:is|are|was|were)\s+"
                        r"(?:it|they|that|those)\b)", re.I)
_NO_COMPUTATION = re.compile(
    r"\s*(?:why\b|(?:which|what)\b[^?]{0,60}?\b(?:sets?|controls?|specif(?:y|ies)|determines?|"
    r"decides?|defines?|says?|tells?|changes?|chooses?|configures?)\s+how\s+(?:many|much)\b|"
    r"[^?]*\b(?:do|does|did|are|is|were|have|can|will|would)\s+most\s+(?:of\s+(?:the|its|their)\s+)?"
    r"[\w-]+(?:\s+[\w-]+)?\s+(?:have|hold|use|run|get|come|carry|offer|take|sit|are|do|"
    r"located|based|found|situated|made|built)\b)",
    re.I)


def asked(question: str, groups_counted: bool = True) -> Asked:
    """What the question asks for (see `Asked`). `groups_counted`: "how many countries have
    more than one AI factory" may be a count of groups (False: only a count of rows, as
    "how many partitions have more than 4 nodes" is)."""
    text = question
    if _NO_COMPUTATION.match(text) or _TWO_ASKED.search(text):
        return Asked(None, [], [], None, None, "")
    exclusion = _EXCLUDE.search(text)
    excluded_from = exclusion.end() if exclusion else None
    leading = exclusion and not text[:exclusion.start()].strip(" \t\"'“(") and \
        _QUESTION_AFTER_CLAUSE.search(text, exclusion.end())
    excluded_to = leading.start() if leading else None
    unbounded = BOUND.sub(lambda m: m.group() if _or_more_compared(text, m) else
                          " " * len(m.group()), text)
    for limit in _LIMIT_NAMED.finditer(text):
        unbounded = unbounded[:limit.start()] + " " * len(limit.group()) + unbounded[limit.end():]
    superlative = SUPERLATIVE.search(unbounded)
    comparative = COMPARATIVE.search(unbounded)
    names_two = re.search(r"\S\s+(?:or|vs\.?|versus)\s+\S|\bthan\b", unbounded, re.I) or \
        BETWEEN_TWO.search(unbounded)
    counting = _COUNT.search(text)
    if counting and superlative and _THAT_MUCH.search(text):
        # "the most memory on a node, and how many nodes have that much?": the row with the
        # largest, whose count the table gives beside it; a superlative, not a count
        counting = None
    by = COUNT_BY.search(text)
    most_common = MOST_COMMON.search(text)
    scope_said = SCOPE.match(text)
    if most_common and scope_said and scope_said.start("body") <= most_common.start() < \
            scope_said.end("body"):
        most_common = None  # "Of the most common s3cmd commands, how many ...": the rows
    bounded = COUNT_HAVING.search(text)
    if bounded and bounded.group("how_many") and not groups_counted:
        bounded = None
    intent, dimension, attribute, said, group = None, None, [], "", None
    having = _having(bounded.group("bound")) if bounded else None
    if having:
        intent, group = "count_by", bounded.group("noun")
    elif _HOURS_A_DAY.search(text):
        # "How many hours a day is the helpdesk open?": from the start to the end, of a
        # table of times of day (the linker finds its start and end rows)
        intent, dimension = "difference", CLOCK
    elif ratio := _RATIO.search(text):
        intent, match = "ratio", ratio
        word = (match.group("word") or "").lower().split()
        dimension = _ADJECTIVE_DIMENSION.get(word[-1]) if word else None
        attribute = _phrase_after(text, match.end())
    elif _DIFFERENCE.search(text):
        intent = "difference"
        match = _DIFFERENCE.search(text)
        dimension = _ADJECTIVE_DIMENSION.get(match.group().lower().split()[-1])
        attribute = sorted(keywords(match.group("measured"))) if match.group("measured") \
            else _phrase_after(text, match.end())  # "how many petaflops bigger is ..."
    elif _APART.search(text):
        intent, match = "difference", _APART.search(text)
        attribute = sorted(keywords(match.group("what") or ""))
    elif comparative and names_two:
        intent = "compare"
        dimension = _ADJECTIVE_DIMENSION.get(comparative.group().lower())
        attribute = _phrase_after(text, comparative.end())
        if _size_of_computer(comparative.group(), attribute):
            dimension, attribute = FLOPS, []  # "which is the bigger machine, A or B?"
        measured_by = _MEASURED_BY.search(text, comparative.end())
        if measured_by and _phrase_after(text, measured_by.end()):
            # "the bigger machine by its approximate peak": the peak, not the machine
            attribute = _phrase_after(text, measured_by.end())
        if dimension == SECONDS and re.match(r"\s*(?:before|until|till)\b",
                                             text[comparative.end():], re.I):
            attribute = []  # "keeps files longer before cleanup": the event ends the time
    elif by:
        intent, group = "count_by", by.group("noun")
    elif most_common and (not counting or counting.start() > most_common.start()):
        # "the most common system class (, and how many systems have it?)": the value most
        # rows hold (a count by it), not the largest value
        intent = "count_by"
        named = _WHICH_IS.search(text[:most_common.start()])  # "which class is the most common"
        group = " ".join(_phrase_after(text, most_common.end()) or
                         (sorted(keywords(named.group(1))) if named else [])) or None
    elif counting and _ADVICE.search(text):
        intent = None  # "how many MPI tasks per GPU should I use?": a setting to choose
    elif counting:
        intent = "count"
        if _SUM.search(text) and (re.search(r"[A-Z0-9][\w-]*\s+and\s+[A-Z0-9]", text) or
                                  _ADDING.search(text) and re.search(r"\w\s+and\s+\w", text)):
            # "how many ... do X and Y have between them", "adding up the job limits of the
            # standard and standard-g partitions, how many ...": two figures added
            intent = "sum"
    elif superlative:
        intent = "max" if superlative.group("max") else "min"
        word = superlative.group().lower()
        dimension = _ADJECTIVE_DIMENSION.get(word)
        after = superlative.end()
        common = re.match(r"\s+common\b", text[after:], re.I)
        if common:
            dimension, after = None, after + common.end()
        number_of = re.match(r"\s+(?:number|amount|quantity) of\b", text[after:], re.I)
        if number_of:
            after += number_of.end()
        attribute = _phrase_after(text, after)
        if dimension is None and _size_of_computer(word, attribute):
            dimension, attribute = FLOPS, []  # "the largest system": the most compute
        measured_by = _MEASURED_BY.search(text, after)
        if measured_by and _phrase_after(text, measured_by.end()):
            # "the most expensive in terms of billing rate": the rate, whatever "expensive"
            # measures
            dimension, attribute = None, _phrase_after(text, measured_by.end())
        measured = _HOW_MUCH.match(text[:superlative.start()])
        if measured:  # "How much memory do the biggest LUMI-C nodes have?": memory
            attribute, said = sorted(keywords(measured.group(1))), measured.group(1)
        if dimension == DATE and not attribute:
            said = " ".join(text[:superlative.start()].split()[-3:])
    elif _SUM.search(text):
        intent = "sum"
    elif _LISTING.search(text):
        intent = "list"
    if not said and attribute:
        said = _said(text, attribute)
    counted = _COUNTED.search(text)
    if counted is None and intent in ("count", "sum"):  # "what's the total number of nodes"
        counted = _NUMBER_OF.search(text)
    if intent == "count" and (counted is None and _HOW_MANY_ALONE.search(text) or (
            counted is not None and keywords(counted.group(1)) <= GENERIC_STEMS)):
        # "The page has a table of rclone subcommands - how many does it describe?", "...
        # how many entries are there?"
        counted = _TABLE_OF.search(text) or counted
    which = _WHICH_PLURAL.search(text) or _WHICH_NOUN.search(text) or _WHAT_THE.search(text)
    entity = sorted(keywords(counted.group(1))) if counted else \
        sorted(keywords(which.group(1))) if which else []
    if intent == "ratio":  # "how many times more files": files, not times
        entity = [w for w in entity if w not in keywords("times")]
    scope = SCOPE.match(text)
    if scope and ((counted and re.match(r"(?:are|is|were|was|sit|lie|stand|run|live|exist|"
                                        r"remain|belong|fall|come|appear)\b", counted.group(1),
                                        re.I)) or
                  (not counted and set(entity) <= GENERIC_STEMS)):
        # "Among the national stacks, how many are French?", "... how many sit in Bologna?",
        # "Of the pre-exascale machines on the map, which one is fastest?": the stacks are
        # counted, the machines compared
        entity = sorted(keywords(re.split(r"\s+(?:in|on|at|of|for|to|by|from|with|without|"
                                          r"under|over|across|that|which|who|whose|where)\s+",
                                          scope.group("body"))[0]))
    if having:
        entity = _phrase_after(text, bounded.end())  # "... more than one [AI factory]"
        return Asked(intent, entity, attribute, dimension, excluded_from, said, group,
                     having, bounded.span(), _clause_of(bounded),
                     counts_groups=bounded.group("how_many") is not None,
                     excluded_to=excluded_to)
    if by:
        entity = _phrase_after(text, by.end())  # "which country has the most [AI factories]"
        if intent == "count_by":
            return Asked(intent, entity, attribute, dimension, excluded_from, said, group,
                         group_clause=_clause_of(by), excluded_to=excluded_to)
    return Asked(intent, entity, attribute, dimension, excluded_from, said, group,
                 less=intent == "compare" and comparative.group("less") is not None,
                 common=intent == "count_by" and most_common is not None,
                 excluded_to=excluded_to)


def _clause_of(match: re.Match) -> tuple[int, int] | None:
    return match.span("clause") if match.group("clause") else None


def _having(bound: str) -> tuple[str, int]:
    """The bound on a group's count that COUNT_HAVING found, as (operator, number)."""
    low = " ".join(bound.lower().split())
    if low == "multiple":
        return ">", 1
    for said, operator in _HAVING_FORMS:
        if said in low:
            figure = low.replace(said, "").strip()
            return operator, int(figure) if figure.isdigit() else int(_NUMBER_WORDS[figure])
    return "=", 1  # only one, just one, a single, exactly one


# "bigger ... by its approximate peak", "larger in terms of memory": the measure named
_MEASURED_BY = re.compile(r"\b(?:by (?:its|their|the)|in terms of(?: (?:its|their|the))?|"
                          r"measured (?:by|in)(?: (?:its|their|the))?)\s+", re.I)


def _phrase_after(text: str, position: int) -> list[str]:
    """The noun phrase after a superlative or comparative: "the most [electrical power]",
    "the shortest [queue wait]" (up to a preposition, verb or the end)."""
    rest = text[position:]
    match = re.match(r"\s*((?:[\w'’/-]+\s*){0,4}?)(?=\b(?:of|in|on|at|for|to|from|with|per|a|"
                     r"an|the|than|or|and|between|among|is|are|does|do|can|has|have|across|"
                     r"allowed|available|run|runs)\b|[?,.;:]|$)", rest, re.I)
    if not match:
        return []
    phrase = sorted(keywords(match.group(1)))
    capped = _CAP_ON.match(rest[match.end():]) if phrase and set(phrase) <= _CAPS else None
    return sorted(keywords(capped.group("what"))) if capped else phrase


# "the tightest cap on the number of jobs I can submit": the limit is of what follows it
_CAPS = frozenset(keywords("cap caps limit limits ceiling maximum max"))
_CAP_ON = re.compile(r"\s*(?:on|of|for)\s+(?:the\s+|a\s+)?(?:(?:total\s+)?(?:number|amount|count)"
                     r"\s+of\s+)?(?P<what>(?:[\w-]+\s*){1,2}?)(?=\b(?:i|you|we|one|a|per|that|"
                     r"which|can|is|are|in|on)\b|[?,.;:]|$)", re.I)


def _said(question: str, stems: list[str]) -> str:
    """The question's own words for the stems given ("electrical power")."""
    tokens = [t for t in tokenize(question) if keywords(t.text) & set(stems)]
    if not tokens:
        return ""
    return question[tokens[0].start:tokens[-1].end]
