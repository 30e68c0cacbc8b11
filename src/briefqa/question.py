"""Question: what a question asks for: the kind of fact, the measure, what it counts, what it
is about, the names and documents it mentions."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .lexical import STOPWORDS, fold, without_urls, words
from .store import CODE_NAME, IndexData

# The kind of fact asked for


_NUMBER = re.compile(r"\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                     r"twelve|thirteen|fourteen|fifteen|twenty|thirty|forty|fifty|hundred|"
                     r"thousand|million|billion|trillion|dozen|half|twice|twofold|threefold|"
                     r"fourfold|quarter|third)s?\b", re.I)
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|" \
    r"November|December)"
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b{_MONTHS}\b|\b(?:this|next|last) year\b|"
                   r"\bby the end of\b|\bsince\b", re.I)
_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b|\b{_MONTHS} \d{{1,2}}\b|"
                  r"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b")
CAPITALISED = re.compile(r"\b[A-Z][\w’'&+-]*")
_EXPECTS = [
    ("number", re.compile(r"\bhow (?:many|much|large|big|long|fast|often|old)\b|"
                          r"\bthe (?:maximum|minimum|longest|shortest|max|min)\b|"
                          r"\b(?:what|which) (?:number|percentage|share|proportion|amount|"
                          r"size|capacity|performance|price|cost|rank)\b|\bnumber of\b", re.I)),
    # "On what date", "exact date": a year alone does not answer.
    ("day", re.compile(r"\b(?:what|which|exact)\s+(?:[\w-]+\s+)?(?:dates?|day)\b", re.I)),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which) (?:year|date|month|day)\b|\bsince when\b",
                        re.I)),
    # "Who ...", "what is the name of ..."; "which <kind> ..." is decided in `expected_kind`.
    ("name", re.compile(r"^\s*(?:who|whom|whose)\b|\bwhat is the name\b|\bname (?:of|the)\b",
                        re.I)),
    ("place", re.compile(r"^\s*where\b|\bin which (?:city|country|region|town)\b", re.I)),
]
# Words that point at the documents rather than at what is asked about.
META_WORDS = frozenset(words("brief paper report document documents authors author according "
                              "say says mention mentions describe describes state states "
                              "policy put simply "
                              # how a question frames what it asks, and fillers
                              "see think consider view regard believe argue overall generally "
                              "basically actually really exactly roughly"))


# "according to the brief", "per the map", "in the supercomputers table": which document.
_NAMES_DOCUMENT = re.compile(r"\b(?:(?:according to|per|in|from|by|on) (?:the |this |that |its |)|"
                             r"(?:does|do|did|would) the )"
                             r"((?:[\w-]+ ){0,2}(?:brief|paper|report|map|table|list|guide|"
                             r"document|file|page|csv|spreadsheet))\b", re.I)


def document_references(question: str) -> list[set[str]]:
    """What a question says it asks about ("according to the brief", "in the EuroHPC
    supercomputers table"), as word sets to find in a sentence's file path, title and section:
    the whole reference, the words before the kind of document, and the kind alone."""
    found = []
    for match in _NAMES_DOCUMENT.finditer(question):
        reference = words(match.group(1))
        found += [set(reference), set(reference[:-1]), {reference[-1]}] if reference else []
    return [r for r in found if r]


def _described(source: str, *names: str) -> set[str]:
    """The words a document's path and names (title, section) say of it."""
    return set(words(" ".join((source.replace("/", " ").replace("_", " "), *names))))


def is_referenced(references: list[set[str]], index: IndexData, unit_id: int) -> bool:
    unit = index.units[unit_id]
    described = _described(unit.source, index.documents[unit.source].title, unit.section or "")
    # The most specific reference that any document answers to decides.
    return any(reference <= described for reference in references)


def documents_named(question: str, index: IndexData) -> list[frozenset[str]]:
    """The documents each reference of the question names ("according to the brief, and how
    does the map ..."), as the sets of their sources, when they are not the same ones, nor
    all the documents; else []. A reference names the documents whose path or title hold
    all its words ("the map": the map's page and its CSV files)."""
    named = []
    for match in _NAMES_DOCUMENT.finditer(question):
        reference = set(words(match.group(1)))
        sources = frozenset(source for source, document in index.documents.items()
                            if reference <= _described(source, document.title))
        if sources and sources not in named and len(sources) < len(index.documents):
            named.append(sources)
    if any(a & b for n, a in enumerate(named) for b in named[n + 1:]):
        return []
    return named


# The verbs a yes/no question begins with ("Is ...", "Can I ...")
YES_NO_VERBS = r"is|are|was|were|do|does|did|can|could|will|would|has|have|should|must|may"
# A yes/no question, in any of its sentences ("I already have an ECDSA key. Can I ...?")
_YES_NO = re.compile(rf"(?:^|[.!?:]\s+)\W*(?:{YES_NO_VERBS})\b", re.I)


def asks_yes_no(question: str) -> bool:
    """Is any sentence of the question a yes/no question?"""
    return _YES_NO.search(question) is not None


def code_name_unknown(question: str, said: str, writes: Callable[[str], bool]) -> str | None:
    """A code-like name the question asks about ("LUMI's gpu-long partition") that no document
    writes (`writes`: `IndexData.writes`) and `said` does not say: the answer is about
    something else; else None."""
    for match in CODE_NAME.finditer(question):
        name = match.group()
        if not (_NAMED_AFTER.match(question, match.end()) and
                _NAMING_BEFORE.search(question, 0, match.start())):
            continue  # "a multi-node job", "to double-check partition ...": words, not a name
        if name.lower() not in said.lower() and not writes(name):
            return name
    return None


# What stands before a thing's name: "the", "LUMI's", "our" ("LUMI's gpu-long partition")
_NAMING_BEFORE = re.compile(r"(?:\b(?:the|a|an|my|our|your|its|their|this|that)|['’]s)\s+$",
                            re.I)


# The kinds of thing a code-like name names, said right after it ("the gpu-long partition")
_NAMED_AFTER = re.compile(r"\s+(?:partition|queue|module|flag|option|command|nodes?|tier|"
                          r"file\s*system|bucket|toolchain|package|container|image|"
                          r"environment|variable|stack|service)s?\b", re.I)


def name_unsaid(question: str, said: str, names: frozenset[str]) -> str | None:
    """For a question about a thing the corpus names ("Does LUMI's AI factory consortium
    include a university?", `IndexData.proper_names`): the name as the question writes it,
    when `said` (the answer's sentences, their sections and documents) never says it: "Ten
    AI factories have at least one university ..." speaks of the factories, not of LUMI;
    else None. (`extractive.thing_unspoken_of` asks it of yes/no questions and of table
    rows.)"""
    said_words = set(words(said))
    for match in re.finditer(r"(?<![\w-])[A-Z][\w+-]{2,}", question):
        name = match.group()
        if name in names and not set(words(name)) <= said_words:
            return name
    return None


# Code-like names, each a family whose members share one part: "LUMI-C", "LUMI-G", "LUMI-P"
# (a name and a short suffix), and "small-g", "standard-g", "dev-g" (words and a one-letter
# suffix). Both parts are read case-sensitively, so "LUMI-G" and "small-g" are not siblings.
_CODE_NAMES = (
    (re.compile(r"\b([A-Z][A-Z0-9]+)-([A-Z0-9]{1,3})\b"), 1),
    (re.compile(r"(?<![\w-])([a-z][a-z0-9]+)-([a-z])\b(?!-)"), 2),
)


def another_namesake(question: str, texts: list[str]) -> tuple[str, str] | None:
    """(asked, said) when the question names a thing by a code-like name ("the LUMI-C
    partition", "the large-g partition") that the answer's sentences never say, while they
    name a sibling of it, the same family with another member ("LUMI-G", "standard-g"): the
    answer speaks of another thing; else None."""
    said = " ".join(texts)
    for pattern, shared in _CODE_NAMES:
        for match in pattern.finditer(question):
            if re.search(rf"(?<![\w-]){re.escape(match.group(0))}(?![\w-])", said, re.I):
                continue
            sibling = next((m.group(0) for m in pattern.finditer(said)
                            if m.group(shared) == match.group(shared)
                            and m.group(3 - shared) != match.group(3 - shared)), None)
            if sibling:
                return match.group(0), sibling
    return None


# Nouns that ask for a name in any corpus; each corpus adds the kinds of thing its tables name
# (`IndexData.named_kinds`).
_NAMED_KINDS = frozenset(words("country countries city cities company companies organisation "
                               "organization partner partners region project model person "
                               "institution university town"))
# "Which country ..." or "In which city ...", not "... for which factory access is ...".
_WHICH = re.compile(r"^\W*(?:\w+\s+)?which ((?:[\w-]+ ){0,2}[\w-]+)", re.I)


def expected_kind(question: str, kinds: frozenset[str] = frozenset()) -> str | None:
    """The kind of fact asked for: "number", "day", "date", "name", "place", or None.
    `kinds`: the kinds of thing the corpus names, whose "which <kind>" asks for a name."""
    for kind, pattern in _EXPECTS:
        if pattern.search(question):
            return kind
        if kind == "name":
            which = _WHICH.search(question)
            if which and set(words(which.group(1))) & (_NAMED_KINDS | kinds):
                return "name"
    return None


def brings_new(kind: str, question: str, text: str) -> bool:
    """Does the sentence hold a fact of the asked-for kind that the question does not?"""
    asked = fold(question)
    if kind == "number":
        return any(fold(m) not in asked for m in _NUMBER.findall(text))
    if kind == "date":
        return any(fold(m) not in asked for m in _DATE.findall(text))
    if kind == "day":
        return any(fold(m) not in asked for m in _DAY.findall(text))
    question_words = set(words(question))
    for m in CAPITALISED.finditer(text):
        if m.start() > 0 and set(words(m.group())) - question_words:
            return True
    return False


_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+(?!(?:more|less|fewer)\b)([\w-]+(?:\s+[\w-]+){0,3})",
                       re.I)


def counted_thing(question: str) -> str | None:
    """What a "how many" or "how much" question counts ("GPUs", "EU funding"), or None when it
    does not say ("How much is ...", "How much more ...")."""
    match = _HOW_MANY.search(question)
    if not match:
        return None
    many = fold(match.group()).startswith("how many")
    kept: list[str] = []
    for token in match.group(1).split():
        folded = fold(token)
        if folded in ("or", "and") and kept:
            kept.append(token)  # "how many bids or expressions of interest"
            continue
        if not words(token) or folded in STOPWORDS:
            break
        if many and kept and _is_plural(kept[-1]):
            break  # "how many sites sit in ...": the count ends at its plural noun
        kept.append(token)
    while kept and fold(kept[-1]) in ("or", "and"):
        kept.pop()
    return " ".join(kept) or None


def _is_plural(token: str) -> bool:
    token = fold(token)
    return len(token) > 3 and token.endswith("s") and not token.endswith("ss")


def number_phrases(text: str) -> list[str]:
    """Each number in the text with the word before it and three after: "of 10 billion euros
    already"."""
    tokens = without_urls(text).split()
    return [" ".join(tokens[max(0, n - 1):n + 4]) for n, token in enumerate(tokens)
            if _NUMBER.search(token)]


RANK = r"#\s?\d+\b|\b\d+(?:st|nd|rd|th)\b|\b(?:ranked|ranks|rank|number|no\.)\s+#?\d+\b"

# Currencies as a sentence writes them; a question asking in one ("worth in euros") is not
# answered in another, no rate converting them here
_CURRENCIES = {"euro": r"€|\beuros?\b|\bEUR\b", "dollar": r"\$|\bdollars?\b|\bUSD\b",
               "pound": r"£|\bpounds?\b|\bGBP\b"}

# Measures a "how many/much" question can ask for, each with the words that ask for it and the
# units a sentence states it in. "How many megawatts does JUPITER draw?" is not answered by its
# petaflops, nor "How much does a GPU hour cost?" by a count of GPU hours.
_MEASURES = {
    # measure: (words that ask for it, names of its units, its units as written after a number)
    "money": (r"money|fund(?:s|ing)?|budget|cost|costs|price|prices|priced|worth|pay|paid|spend|"
              r"spent|invest(?:ed|ment|ments)?|fines?|penalty|penalties|fees?|tax|taxes|salary|"
              r"salaries|wages?|revenue|turnover|profits?|income|subsidy|subsidies|loans?",
              r"euros?|dollars?",
              "|".join(_CURRENCIES.values())),
    "power": (r"electricity|energy",
              r"watts?|kilowatts?|megawatts?|gigawatts?|kwh|mwh|gwh",
              r"\b\d[\d,.]*\s*(?:[kMG]Wh?|TWh)\b|\b(?:kilo|mega|giga)?watts?\b"),
    "storage": (r"storage|memory|disk",
                r"bytes|terabytes|petabytes|gigabytes",
                r"\b\d[\d,.]*\s*(?:[KMGTPE]i?B)\b|\b(?:kilo|mega|giga|tera|peta|exa)?bytes\b"),
    # an allocation of machine time ("50,000 GPU hours"), which is no duration
    "allocation": (r"(?:gpu|node|core|cpu)[- ]?(?:hours?|time)",
                   r"(?:gpu|node|core|cpu)[- ]?hours?",
                   r"\b(?:GPU|GCD|node|core|CPU)[- ]?hours?\b"),
    "time": (r"long|longest|shortest|time|duration|period",
             r"days|weeks|months|years|hours|minutes",
             # not "a few person-days" (work), nor "GPU hours" (an allocation)
             r"(?<!person-)(?<!person )(?<!man-)(?<!GPU-)(?<!GPU )(?<!GCD-)(?<!GCD )"
             r"(?<!node-)(?<!node )(?<!core-)(?<!core )(?<!CPU-)(?<!CPU )"
             r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b|"
             r"\b\d+(?:\.\d+)?\s*(?:h|hrs?|mins?|secs?|d)\b|\b\d{1,2}:\d\d(?::\d\d)?\b"),
    "compute": (r"performance|petaflop figure|flops figure",
                r"petaflops?|exaflops?|teraflops?|flops",
                r"\b\d[\d,.]*\s*(?:[TPE]F(?:LOPS)?|[TPE]flops|[TPE]Flop/s)(?![\w])|"
                r"\b(?:tera|peta|exa)?flops?\b"),
    # A place in a ranking: "#9", "9th", "ranked 9", "number 9"; "top 10" is no rank.
    "rank": (r"rank|ranking|ranked",
             r"",
             RANK),
}


def names_measure(text: str, with_unit_names_only: bool = False) -> str | None:
    """The first measure whose words or units the text uses ("budget": money)."""
    for measure, (asking, unit_names, _units) in _MEASURES.items():
        pattern = unit_names if with_unit_names_only or not asking else \
            "|".join(p for p in (asking, unit_names) if p)
        if not pattern:
            continue
        if re.search(rf"\b(?:{pattern})\b", fold(text)):
            return measure
    return None


_WHAT_IS = re.compile(r"\W*(?:what|which)(?:['’]s|\s+(?:is|was|are|were|will be))\s+"
                      r"(.+?)(?=\s+(?:of|for|in|at|on|to|from|by|per|with)\b|[?.!,]|$)", re.I)


def asked_measure(question: str) -> str | None:
    """The measure a question asks for, when it names one: in what a "how many/much" question
    counts ("how many megawatts", "how much EU funding"), in the rest of one that counts nothing
    named ("how much does a GPU hour cost"), or in the units it asks in ("... in petaflops")."""
    if re.search(r"\bby how much\b|\bhow much (?:more|less)\b", question, re.I):
        return None  # a ratio or a difference, in any units
    if re.search(r"\b(?:what|which) (?:rank|ranking|place|position)\b|\bwhere does .+ "
                 r"rank\b|\bhow (?:high|highly) (?:is|does) .+ rank", question, re.I):
        return "rank"
    if re.search(r"\bhow (?:quickly|soon)\b", question, re.I):
        return "time"  # "How quickly does the helpdesk reply?"
    match = re.search(r"\bhow (?:many|much|long)\b(.*)", question, re.I)
    if match is None:
        subject = _WHAT_IS.match(question)
        if subject and names_measure(subject.group(1)):
            return names_measure(subject.group(1))  # "What is the total budget of ..."
        units_asked = re.findall(r"\bin (\w+)", question, re.I)
        return names_measure(" ".join(units_asked), with_unit_names_only=True)
    if fold(match.group()).startswith("how long"):
        return "time"
    counted = counted_thing(question)
    return names_measure(counted if counted is not None else match.group(1))


def states_measure(measure: str, text: str) -> bool:
    return re.search(_MEASURES[measure][2], without_urls(text), re.I) is not None


# The measures an answer cannot give without a figure in their units ("how long": a time;
# money, or that it is free; not a rank)
_STATED_IN_UNITS = frozenset({"allocation", "time", "storage", "compute", "power", "money"})
_FREE = re.compile(r"\b(?:free(?: of charge)?|no (?:cost|charge|fee)s?|without (?:cost|charge)|"
                   r"not (?:charged|billed)|cost-free)\b", re.I)


def measure_unstated(question: str, texts: list[str]) -> str | None:
    """The measure the question asks for ("how long does the helpdesk take": a time), when
    none of the answer's sentences states a figure in its units ("a few person-days" of
    help is work, not time); else None."""
    measure = asked_measure(question)
    if measure not in _STATED_IN_UNITS or any(states_measure(measure, t) for t in texts):
        return None
    if measure == "money" and any(_FREE.search(t) for t in texts):
        return None  # "access is free of charge": a price
    return measure


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def figures_only_asked(question: str, texts: list[str]) -> str | None:
    """The measure a "how much" question asks for ("How much of the 10 billion euros went
    to LUMI?": money) when every figure the answer's sentences state is the question's own
    ("the considerable sum of 10 billion euros already invested"): they repeat what was
    asked about, not what was asked; else None."""
    measure = asked_measure(question)
    if measure not in _STATED_IN_UNITS or not any(states_measure(measure, t) for t in texts):
        return None
    said = {f.replace(",", "") for t in texts for f in _FIGURE.findall(without_urls(t))}
    own = {f.replace(",", "") for f in _FIGURE.findall(question)}
    return measure if said and said <= own else None


# "How many X ... compared with / versus / as opposed to Y?": two counts are asked for
_COUNTS_COMPARED = re.compile(r"\bhow many\b[^?]*?\b(?:compared? (?:with|to)|versus|vs\.?|"
                              r"as opposed to|against)\s", re.I)


def second_count_unstated(question: str, texts: list[str]) -> bool:
    """Whether a question asks for two counts side by side ("How many factories have
    regionally concentrated consortia compared with ones that bring in international
    partners?") and the answer's sentences state fewer than two numbers ("Three AI factories
    have consortia with partners distributed nationally"): half of the answer."""
    if not _COUNTS_COMPARED.search(question):
        return False
    said = {m.group().lower().replace(",", "") for t in texts
            for m in _NUMBER.finditer(without_urls(t))}
    return len(said) < 2


# Ways to reach something a question may ask for, each with how a sentence gives one
_CONTACTS = {
    "phone number": (r"(?:tele)?phone(?:\s+number)?", r"\+?\d[\d ()./-]{5,}\d"),
    "email address": (r"e-?mail(?:\s+address)?", r"[\w.+-]+@[\w-]+\.\w"),
    "port": (r"port(?:\s+number)?", r"\d{2,5}"),
    "web address": (r"url|website|web\s*site|web\s+address|web\s*page",
                    r"https?://|\bwww\.|\b[\w-]+\.(?:eu|com|org|net|fi|it|de|es)\b"),
}


def contact_unstated(question: str, texts: list[str]) -> str | None:
    """The way of reaching something the question asks for ("What phone number do I call for
    technical support?", "which port ...", "what email address ...") when none of the
    answer's sentences gives one (an email address for a phone number); else None."""
    for kind, (asks, gives) in _CONTACTS.items():
        if re.search(rf"\b(?:what|which)(?:['’]s|\s+is|\s+are)?\s+(?:the\s+)?"
                     rf"(?:[\w-]+\s+){{0,3}}?(?:{asks})\b", question, re.I) and \
                not any(re.search(gives, t) for t in texts):
            return kind
    return None


def currency_unstated(question: str, texts: list[str]) -> str | None:
    """The currency a question asks in ("What is the investment worth in euros?") when the
    answer states money only in others ("£750 million"); else None."""
    asked = re.search(r"\bin (euros?|dollars?|pounds?)\b", question, re.I)
    if asked is None:
        return None
    currency = asked.group(1).lower().rstrip("s")
    said = " ".join(texts)
    if re.search(_CURRENCIES[currency], said, re.I) or not any(
            re.search(p, said, re.I) for c, p in _CURRENCIES.items() if c != currency):
        return None
    return currency + "s"


# The items of an enumeration in one sentence, each a thing with its own terms: "Playground
# access which grants ..., fast lane which grants up to 50,000 GPU hours ..., and large-scale
# access which involves ..." (not "3, 6, or 12 months": no item begins at a figure)
_ITEMS = re.compile(r"\s*[;:]\s+|,\s+(?!(?:and\s+|or\s+)?[\d~<>])(?:and\s+|or\s+)?|"
                    r"\s+(?:and|while|whereas)\s+"
                    r"(?![\d~<>])", re.I)
_ITEM = re.compile(r"^\W*(?:and\s+|or\s+)?(?P<name>(?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:which|that|"
                   r"who|offering|granting|giving|providing)\b", re.I)


# The last item of an enumeration: "..., or Singapore's commitment", "..., and LUMI"
_LAST_ITEM = re.compile(r",\s+(?:and|or)\s+(?![\d~<>])\w", re.I)


def figure_of_another_item(question: str, text: str) -> str | None:
    """For a question that asks for a measure of one thing ("How many GPU hours do you get
    with Playground access?"), of a sentence that enumerates three things or more, each
    with its own terms ("X which ..., Y which ..., and Z which ...", or any "A, B, or C"):
    the words naming the thing asked about when they name an item with no figure of that
    measure while other items have one (Fast Lane's; the UK's £750 million beside
    Singapore's commitment); else None. A word names an item when no other item of the
    sentence says it ("access" is said of them all)."""
    measure = asked_measure(question)
    if measure is None or measure == "rank":
        return None
    parts = _ITEMS.split(without_urls(text))
    items = [(match.group("name"), part) for part in parts if (match := _ITEM.match(part))]
    if len(items) < 3 and _LAST_ITEM.search(text):
        # "such as the $500 billion project in the U.S., the UK's £750 million investment
        # ..., or Singapore's commitment to ...": each item named by all its words
        items = [(part, part) for part in parts if part.strip()]
    if len(items) < 3:
        return None
    figured = [n for n, (_, part) in enumerate(items) if states_measure(measure, part)]
    if not figured or len(figured) == len(items):
        return None
    asking = set(words(" ".join(_MEASURES[measure][:2])))  # "GPU hours": the measure
    asked = {w for w in words(question) if w not in STOPWORDS and w not in asking}
    said = Counter(w for _, part in items for w in set(words(part)))
    naming = [set(words(name)) & {w for w in asked if said[w] == 1} for name, _ in items]
    if any(naming[n] for n in figured):
        return None
    elsewhere = [named for named in naming if named]
    return " ".join(sorted(elsewhere[0])) if elsewhere else None


class CountedCheck:
    """Does a sentence count what the question counts? When the question asks for a measure
    (money, power, storage, compute, time, a rank), +1 when one of its numbers is stated in
    those units, else -1. Otherwise +1 when it holds the counted word, -1 when it holds no
    number at all, 0 when it holds a number of something it does not name (undecided)."""

    def __init__(self, question: str, index: IndexData) -> None:
        self.counted = counted_thing(question)
        self.measure = asked_measure(question)
        self.index = index

    def __call__(self, unit_id: int) -> float:
        text = self.index.units[unit_id].text
        if self.measure is not None:
            return 1.0 if states_measure(self.measure, text) else -1.0
        if self.counted is None or set(words(self.counted)) & self.index.unit_words(unit_id):
            return 1.0
        return 0.0 if _NUMBER.search(without_urls(text)) else -1.0


_AUXILIARY_OR_PREPOSITION = (r"(?:do|does|did|is|are|was|were|can|could|will|would|has|have|"
                             r"had|should|must|might|of|for|in|on|at|from|with|by)\b|"
                             # a verb and its object: "... source powers the ...", "keeps JUPITER"
                             r"\w+s\s+(?:the\b|a\b|an\b|its\b|their\b|(?-i:[A-Z]))")
# The noun phrase a question asks for, ended by an auxiliary or a preposition so that a verb
# ("What motivates cities to ...") is not taken for it.
_ASKED_ABOUT = re.compile(
    # "What is the name of JUPITER's chief engineer?"
    r"^\W*what\s+(?:is|was|are|were)\s+the\s+names?\s+of\s+(?:the\s+|its\s+|their\s+|"
    r"[\w-]+['’]s\s+)?((?:[\w-]+\s+){0,2}?[\w-]+)\s*(?=(?:of|for|in|at|on|who|that)\b|\?|"
    r"\(|$)"
    r"|^\W*(?:\w+\s+)?(?:what|which)\s+(?:(?:sort|kind|type|types|kinds)\s+of\s+)?"
    rf"((?:[\w-]+\s+){{0,2}}?[\w-]+)\s+(?={_AUXILIARY_OR_PREPOSITION})"
    r"|^\W*who\s+(?:is|was|are|were)\s+(?:the\s+)?((?:[\w-]+\s+){0,2}?[\w-]+)\s*"
    r"(?=(?:of|for|in|at|on)\b|\?|$)", re.I)
# Nouns that say what kind of answer is wanted rather than what it is about ("what
# proportion", "which machine", "what rank"), and abstract ones the documents may well
# discuss in other words ("what obstacles", "what options").
_ANSWER_TYPE_NOUNS = frozenset(words(
    "proportion share percentage percent number amount quantity figure factor ratio rate "
    "timeframe period time date year month day duration machine system computer thing body "
    "organisation organization entity institution place location site area region country "
    "city town kind type sort way reason role purpose name term word example rank ranking "
    "position spot standing level score status stage size capacity value total count "
    "obstacle barrier challenge problem issue risk benefit advantage disadvantage weakness "
    "strength option alternative criterion criteria lesson recommendation goal aim objective "
    "motivation cause effect impact consequence implication trend pattern approach strategy "
    "practice method process step measure requirement condition feature characteristic "
    "aspect difference similarity change development idea point conclusion finding name names"))


def never_mentioned(question: str, kind: str | None, index: IndexData) -> list[str]:
    """What the question asks for, when it is a word the documents never use: "What cooling
    technology does Leonardo use?" is not answered by a row about Leonardo."""
    return [w for w in asked_about(question) + asked_event(question, kind)
            if not w.isdigit() and index.bm25.document_frequency(w) == 0]


# Verbs that date anything ("When are the first models expected?"): no event of their own.
_TIMING_VERBS = frozenset(words("expect expected apply applies happen occur start begin due "
                                "planned plan set take place come"))


def asked_event(question: str, kind: str | None) -> list[str]:
    """For "when was X inaugurated?", the event the date is asked of: the question's last word."""
    if kind not in ("date", "day"):
        return []
    last = re.search(r"(\w+)\W*$", question)
    return [w for w in words(last.group(1))[-1:] if w not in _TIMING_VERBS] if last else []


def asked_about(question: str) -> list[str]:
    """The words of what a "what X", "which X" or "who is the X" question asks for ("cooling
    technology", "vendor", "executive director"), less nouns that only name a kind of answer."""
    match = _ASKED_ABOUT.search(question)
    if not match:
        return []
    asked = next(g for g in match.groups() if g)
    return [w for w in words(asked) if w not in _ANSWER_TYPE_NOUNS]


# Names and acronyms

_DEMONYMS = frozenset("Swiss French Dutch Danish Czech Greek Irish Polish Spanish Swedish Finnish "
                      "British Turkish Slovak Luxembourgish".split())
_DEMONYM = re.compile(r"(?:ish|ese|ian|ean|ican)$")


def _is_demonym(token: str) -> bool:
    """"Finnish", "Swiss": a word whose country may be named instead."""
    return bool(_DEMONYM.search(token)) or token in _DEMONYMS


@functools.lru_cache(maxsize=1024)  # asked of every candidate sentence
def question_names(question: str) -> frozenset[str]:
    """The words of the names in a question (capitalised, not its first word), leaving out
    words like "Swiss" or "Finnish" whose country may be named instead."""
    return frozenset(w for m in CAPITALISED.finditer(question)
                     if m.start() > 0 and not _is_demonym(m.group())
                     for w in words(m.group()))


def unknown_names(question: str, index: IndexData) -> list[str]:
    """Names in the question (capitalised, not its first word) that no document mentions, not
    even run together ("MareNostrum") or as a word like "Finnish" whose country may be named."""
    unknown = []
    for match in CAPITALISED.finditer(question):
        token = re.sub(r"[’']s?$", "", match.group())
        if match.start() == 0 or len(token) < 3 or _is_demonym(token):
            continue
        folded = words(token)
        if folded and all(index.bm25.document_frequency(v) == 0 for w in folded
                          for v in _with_plural(w)):
            unknown.append(token)
    return unknown


def _with_plural(word: str) -> tuple[str, ...]:
    """A word with its plural or singular as an acronym makes it, which the stemmer leaves:
    "SME" is named where the documents say "SMEs"."""
    return (word, word[:-1]) if word.endswith("s") and len(word) > 3 else (word, word + "s")


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]s?\b")  # "GPAI", "HPC", "EuroHPC JU", "LLMs"
_WORD_RUN = re.compile(r"[^\W\d_]+")


def acronym_matches(question: str, text: str) -> set[str]:
    """Question words that an acronym stands for: "general-purpose AI" in the question and
    "GPAI" in the text, or "HPC" in the question and "high-performance computing" in the
    text. Returns the question's words (as `words` gives them) that are matched this way."""
    matched: set[str] = set()
    for spelled, short in ((question, text), (text, question)):
        acronyms = {a.rstrip("s") for a in _ACRONYM.findall(short) if a.isupper() or
                    a.rstrip("s").isupper()}
        # "AI" would be any two words; an acronym both texts use needs no spelling out.
        folded = fold(spelled)
        acronyms = {a for a in acronyms if len(a) >= 3 and a.lower() not in folded}
        if not acronyms:
            continue
        prefixes = {a[:n] for a in acronyms for n in range(1, len(a) + 1)}
        runs = _WORD_RUN.findall(spelled)
        for first in range(len(runs)):
            initials = ""
            for last in range(first, min(first + 6, len(runs))):
                run = runs[last]
                initials += run if run.isupper() and len(run) > 1 else run[0].upper()
                if initials not in prefixes:
                    break
                if last > first and initials in acronyms:
                    words_spelled = words(" ".join(runs[first:last + 1]))
                    matched |= set(words_spelled) if spelled is question else \
                        set(words(initials))
    return matched


# The question, parsed once

# Where one question holds several: "...? ...?", "...; ...", "..., and what/how ...".
# "..., and what ...", "... and about how many ...": a second question joined by "and"
_PART_SPLIT = re.compile(r"(?<=\?)\s+|;\s+|,?\s+and\s+(?=(?:(?:up to|about|roughly|approximately|"
                         r"around|also|then|exactly)\s+)?(?:what|which|who|when|where|how|why)\b)|"
                         r"(?<=\.)\s+(?=(?:what|which|who|when|where|how|why)\b)", re.I)
_OF_EACH = re.compile(r"\b(?:each|respectively)\b", re.I)
_WH = r"(?:what|which|who|whom|whose|when|where|how|why)\b"
# a piece that asks: a question word among its first words ("TildeOpen: which ..."), or a
# question mark. Not after a longer lead-in ("If I keep data under /scratch, what's the quota
# and how long is it kept?"): the lead-in is said of every part, which alone asks too little
_ASKS = re.compile(rf"^\W*(?:[\w-]+[:,]?\s+){{0,3}}?{_WH}|\?\s*$", re.I)


@dataclass(frozen=True)
class Question:
    """What a question asks for, worked out once and handed to every answering strategy."""

    text: str
    kind: str | None  # "number", "date", "day", "name", "place", or None
    measure: str | None  # "money", "power", "storage", "time", "compute", or None
    counted: str | None  # what a "how many/much" question counts
    subject: tuple[str, ...]  # the words of what a "what X / which X" question asks for
    names: frozenset[str]  # the words of the names it mentions
    documents: tuple[frozenset[str], ...]  # the documents it names ("according to the map")
    parts: tuple[Question, ...] = ()  # its sub-questions, each whole, when it has several
    wants_list: bool = False  # "which two ...", "what services ...", "name the ..."
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"text": self.text, "kind": self.kind, "measure": self.measure,
                "counted": self.counted, "subject": list(self.subject),
                "names": sorted(self.names), "documents": [sorted(d) for d in self.documents],
                "parts": [p.to_dict() for p in self.parts]}


def parse_question(text: str, vector: np.ndarray | None = None, encode=None,
                   kinds: frozenset[str] = frozenset()) -> Question:
    """A normalised question, what it asks for, and its parts (see `Question`). `encode`
    (texts to unit vectors) gives each part its own vector; `kinds` are the kinds of thing
    the corpus names (`IndexData.named_kinds`)."""
    parts = split_parts(text)
    sub: tuple[Question, ...] = ()
    if len(parts) > 1:
        vectors = encode(parts) if encode is not None else [None] * len(parts)
        sub = tuple(_parsed(p, v, kinds) for p, v in zip(parts, vectors))
    return _parsed(text, vector, kinds, sub)


def _parsed(text: str, vector, kinds: frozenset[str],
            parts: tuple[Question, ...] = ()) -> Question:
    return Question(text=text, kind=expected_kind(text, kinds), measure=asked_measure(text),
                    counted=counted_thing(text), subject=tuple(asked_about(text)),
                    names=question_names(text),
                    documents=tuple(frozenset(r) for r in document_references(text)),
                    parts=parts, wants_list=wants_list(text), vector=vector)


# "Which two factories ...", "What services do ...", "Name the ...", "List ...".
_LIST = re.compile(r"^\W*(?:name|list|enumerate)\b|\b(?:which|what) (?:two|three|four|five|six|"
                   r"\d+|several|other|all|the)\s+[\w-]+s\b|^\W*(?:which|what)\s+"
                   r"(?:kinds? of |types? of |sorts? of )?(?:[\w-]+\s+)?[\w-]+(?<!s)s\s+"
                   r"(?:do|does|did|are|were|have|has)\b", re.I)


def wants_list(text: str) -> bool:
    """Whether a question asks for several items (their sentences are gathered)."""
    return bool(_LIST.search(text)) and not re.match(r"^\W*how\b", text, re.I)


_WHICH_WORDS = re.compile(r"\b(?:which|what)\s+((?:[\w’'-]+\s+){0,4})", re.I)
_NOT_PLURAL = re.compile(r"(?:ss|us|is|ics|’s|'s)$")


def asks_several(text: str) -> bool:
    """Whether the question asks for several things, so that no single figure or name is its
    answer: a list ("which factories help ...", "in which cities ...", "which five ...",
    "what are the ...", "which of the systems were ..."), a plural "which/what" noun before
    the question's verb, or a difference ("how many more ... than ...")."""
    if wants_list(text) or re.search(r"\b(?:what|who) are\b", text, re.I):
        return True
    if re.search(r"\bwhich of (?:the|these|those|its|their)\s[^?]*?\b(?:are|were|have|do)\b",
                 text, re.I):
        return True  # "which of the supercomputers ... were in the top ten"
    if re.search(r"\bhow (?:many|much) (?:more|fewer|less)\b[^?]*\bthan\b", text, re.I):
        return True  # a difference: neither figure alone answers it
    for match in _WHICH_WORDS.finditer(text):
        tokens = match.group(1).split()
        for n, token in enumerate(tokens):
            folded = fold(token)
            if folded in STOPWORDS:
                break
            if _NUMBER.fullmatch(folded):
                return True  # "which five ..."
            if not _is_plural(token) or _NOT_PLURAL.search(folded):
                continue
            # "which factories ...", "which AI factory supercomputers were ...", but not the
            # verb of "which country hosts LUMI" or "which system hosts the factory"
            after = fold(tokens[n + 1]) if n + 1 < len(tokens) else ""
            if n == 0 or (after in STOPWORDS and after not in _DETERMINERS):
                return True
    return False


_DETERMINERS = frozenset("a an the this that these those its their his her our my your".split())


def split_parts(text: str) -> list[str]:
    """The questions a question holds, each readable alone: "What is X's budget, and when did
    it open?" gives "What is X's budget" and "when did X open?". A lone question gives itself
    (a question about what each of two documents says is answered whole, its figures compared
    across the documents: see `answer.add_disagreements`)."""
    pieces = [p.strip() for p in _PART_SPLIT.split(text) if p and p.strip()]
    asking = [p for p in pieces if _ASKS.search(p) and len(re.findall(r"\w+", p)) >= 3]
    context = " ".join(p for p in pieces if p not in asking)  # "The brief and the map differ."
    if not asking or any(_OF_EACH.search(p) for p in asking[1:]):
        return [text]  # "..., and which industry in each case?": asked of the first's items
    parts = [asking[0]]
    for piece in asking[1:]:
        parts.append(_with_names_of(resolve_reference(piece, parts[-1]), parts[0]))
    if context:
        parts = [_with_names_of(p, context) for p in parts]
    return parts if len(parts) > 1 else [text]


def resolve_reference(part: str, previous: str) -> str:
    """"...and when did it open?" after "What is X's budget": "it" becomes X."""
    from .followup import resolve_followup

    return re.sub(r"([’']s)[’']s\b", r"\1", resolve_followup(part, previous))


def _with_names_of(part: str, other: str) -> str:
    """The part, with the names of `other` that it lacks added in brackets, so that it can be
    searched and read alone ("which two lack such a partner? (AI)")."""
    have = set(words(part))
    missing = [re.sub(r"[’']s$", "", m.group()) for m in CAPITALISED.finditer(other)
               if m.start() > 0 and len(m.group()) > 2 and not _is_demonym(m.group())
               and words(m.group()) and set(words(m.group())) - have]
    if not missing:
        return part
    end = "?" if part.rstrip().endswith("?") else ""
    return f"{part.rstrip().rstrip('?')} ({' '.join(dict.fromkeys(missing))}){end}"
