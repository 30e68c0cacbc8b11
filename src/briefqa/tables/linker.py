"""Linking the question's words to the catalog: a question linked to plans (plan.py).

A plan is built only from what the catalog holds: the question's words are linked to table
names (title, section, file, caption), column names, cell values (as written, run together, a
word inside a cell, a demonym of a one-word value: "German" and "Germany" meet at their root)
and numbers with units ("512 GiB or more"). What the question asks is read by asked.py, its
conditions on time and figures by conditions.py, on whether a cell gives a value by
presence.py, on a column of yes and no by yesno.py; joins.py reads its clauses about another
table, negation.py keeps the plans that negate what it negates, and unchecked.py names what a
plan leaves unchecked (which holds its result back).

The linker either gives plans (one per table that answers: two tables that list the same
things give two), a `decline` naming what no table gives ("no table gives electrical
power"), or nothing (the question is not a computation over a table: the extractive answer
is given as before).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass, field

from ..lexical import STOPWORDS, american, fold, words
from .aliases import alias_condition, has_aliases
from .asked import (
    ALL_DIMENSION_STEMS,
    BETWEEN_TWO,
    BOUND,
    BOUND_COLUMN_STEMS,
    BOUND_WORD_STEMS,
    COMPARATIVE,
    DIMENSION_STEMS,
    DOCUMENT_KINDS,
    EXPLAINED_ANYWAY,
    GENERIC_STEMS,
    LESS,
    MORE,
    REFERENT_STEMS,
    Asked,
    Token,
    adding_spans,
    asked,
    keywords,
    squash,
    tokenize,
)
from .conditions import (
    TimeCondition,
    numeric_filters,
    periods,
    span_of,
    time_conditions,
    time_filters,
    unused_comparisons,
)
from .execute import whole_words
from .joins import RELATION_STEMS, anchor_of, clauses, same_column
from .matrix import is_matrix
from .namewords import NAMED, name_words
from .negation import negated_words, negation_kept
from .plan import TABLE_GROUP, ColumnRef, Filter, Join, Linked, Plan
from .presence import GIVEN, is_missing, presences, units_said
from .purpose import first_word, first_word_stem, purposes_said
from .sameness import DIFFERS, SAME, samenesses
from .store import ColumnInfo, TableCatalog, TableInfo
from .unchecked import cells_elsewhere, quoted_unchecked, scope_unchecked
from .values import CLOCK, COUNT, DATE, NUMBER, SECONDS, quantities, singular
from .vocabulary import glossary, is_action, kinds_of_rows, negated_kinds, restricts, row_aliases
from .yesno import is_yes_no, said_otherwise, yes_no_conditions

# "adding up all the memory variants", "across every walltime": a column named over all its
# values, no condition on it
_EVERY = re.compile(r"\b(?:all|every|each|any|across)\s+(?:(?:the|its|their|of\s+the)\s+)?$",
                    re.I)

# "the highest quoted figure", "of the machines that have a performance figure", "the map
# gives an approximate FLOPS figure for": a largest or smallest among the rows that state one
_QUOTED = re.compile(r"\b(?:quoted|stated)\s+(?:[\w-]+\s+){0,2}?(?:figures?|values?|numbers?|"
                     r"performance|capacity|memory|power)\b|\b(?:have|has|having|with|give|gives|"
                     r"quote|quotes|state|states)\s+(?:an?|any|the)\s+(?:[\w-]+\s+){0,2}?"
                     r"(?:figures?|values?|numbers?)\b", re.I)

# A cell that is a value and an aside on it: "Exascale (~1 EF)", "Mid-range (incoming)"
_HEAD = re.compile(r"^\s*([^()]*?\w)\s*\([^()]*\)\s*$")


@dataclass
class ValueLink:
    column: ColumnRef
    value: str  # the cell text linked
    kind: str  # "exact", "demonym", "cover", "contains"
    needle: str  # what a filter looks for in the cells (as the cells write it)
    start: int  # where in the question
    end: int
    key: bool  # in the table's first column (a row's name)
    rows: int  # how many rows hold the value

    @property
    def strength(self) -> float:
        return _KIND_STRENGTH[self.kind]


_KIND_STRENGTH = {"exact": 1.0, "demonym": 0.9, "cover": 0.8, "contains": 0.6}


@dataclass
class TableLinks:
    table: TableInfo
    described: float = 0.0  # how well its names (title, file, section, caption) match
    distinct: set[str] = field(default_factory=set)  # the words that matched its names
    values: list[ValueLink] = field(default_factory=list)
    columns: dict[int, float] = field(default_factory=dict)  # mentioned columns: strength
    mentioned: dict[int, tuple[int, int]] = field(default_factory=dict)  # where mentioned


# an aside about which tables are meant: "(both tables)", "(across all lists)"
_ASIDE = re.compile(r"\(((?:\s*\b(?:in|across|from|of|both|all|either|any|the|tables?|lists?|"
                    r"combined|together)\b)+\s*)\)", re.I)


class Linker:
    """Links questions to plans over one catalog (its word statistics worked out once)."""

    def __init__(self, catalog: TableCatalog) -> None:
        self.catalog = catalog
        # a matrix's rows are no list of things: its cells are read by matrix.py
        self.matrices = [t for t in catalog.tables if is_matrix(t)]
        self.tables = [t for t in catalog.tables if t not in self.matrices]
        self._describe = {t.name: self._descriptors(t) for t in self.tables}
        self._names = {t.name: set().union(*[ws for ws, w in self._describe[t.name]
                                             if w >= 0.6]) for t in self.tables}
        self._kinds = {t.name: kinds_of_rows(t.title) for t in self.tables}
        self._glossary = glossary(self.tables)
        # every name the glossary describes, found in a question in one pass
        self._glossed = re.compile(r"(?<![\w-])(" + "|".join(
            re.escape(n) for n in sorted(self._glossary, key=len, reverse=True)) +
            r")(?![\w-])", re.I) if self._glossary else None
        self._aliases = row_aliases(self.tables)
        frequency: dict[str, int] = {}
        for fields in self._describe.values():
            for w in set().union(*[ws for ws, _ in fields]):
                frequency[w] = frequency.get(w, 0) + 1
        n = max(1, len(self.tables))
        self._idf = {w: math.log(1 + n / c) / math.log(1 + n) for w, c in frequency.items()}
        # Every cell as written, its tokens and its letters run together ("userhome").
        self._values = {t.name: [[(v, [x.low for x in tokenize(v)], squash(v)) for v in c.values]
                                 for c in t.columns] for t in self.tables}
        self._words = {t.name: self._all_words(t) for t in self.tables}
        self._held: dict[str, tuple] = {}  # `_held_words`, on first use
        self._lists = {t.name: self.entity_words(t) for t in self.tables}  # what each lists
        self._everything_listed = set().union(*self._lists.values()) if self._lists else set()
        # The folders a table's document sits in ("lumi-userguide/storage"): they name the
        # collection it belongs to ("the LUMI guide"), never a row.
        self._folders = {t.name: keywords(" ".join(t.source.split("/")[:-1])) for t in self.tables}
        self._keys = {t.name: {squash(v) for v in t.columns[0].values} if t.columns else set()
                      for t in self.tables}
        # the words of its columns' names but the first's ("Max files": max, file)
        self._headed = {t.name: set().union(*[keywords(c.name) for c in t.columns[1:]])
                        for t in self.tables}
        self._cells = {squash(v) for t in self.tables for c in t.columns for v in c.values
                       if len(v) <= 40}
        self._explains_cache: dict[str, frozenset[str]] = {}  # see _explained_by
        self._column_facts: dict[tuple[str, str, int], bool] = {}  # see _column_fact
        self._qualifier_words: dict[tuple[str, int, str], frozenset[str]] = {}  # _qualifiers

    # -- the catalog's words ------------------------------------------------------------------

    @staticmethod
    def _descriptors(table: TableInfo) -> list[tuple[set[str], float]]:
        stem = table.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        parents = (table.section or "").rpartition(" > ")[0]
        kind = {"csv": "csv spreadsheet dataset", "md": "table",
                "html": "table"}.get(table.kind, "")
        return [(keywords(table.title), 1.0), (keywords(stem), 1.0), (keywords(kind), 0.6),
                (keywords(table.document_title), 0.7), (keywords(parents), 0.6),
                (keywords(table.caption), 0.4)]

    @staticmethod
    def entity_words(table: TableInfo) -> set[str]:
        """What a table lists: the plural nouns of its title and file name, and the words of
        its first column's name ("Login node name": login, node)."""
        found: set[str] = set()
        stem = table.source.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("_", " ")
        title = re.sub(r"\([^)]*\)", " ", table.title)  # not "(startups / SMEs)"
        # "Request CPU cores": a table of the options that do it, not of cores
        for text in (stem,) if is_action(title) else (title, stem):
            tokens = re.findall(r"[A-Za-z][A-Za-z-]+", text)
            for n, token in enumerate(tokens):
                if len(token) > 3 and token.lower().endswith("s") and \
                        not token.lower().endswith("ss"):
                    found |= keywords(token)
                    if n and n == len(tokens) - 1 and (tokens[n - 1].islower() or (
                            n == 1 and tokens[0].istitle())):
                        found |= keywords(tokens[n - 1])  # "disk storage areas": storage
        if table.columns:
            first = keywords(table.columns[0].name) - GENERIC_STEMS
            found |= first
            for words_of_kind in _SAME_ROWS:  # "Option": its rows are flags, too
                if first & words_of_kind:
                    found |= words_of_kind
        if not found:
            found |= keywords(table.title) - GENERIC_STEMS
        return found

    def _all_words(self, table: TableInfo) -> set[str]:
        out: set[str] = set()
        for ws, _ in self._describe[table.name]:
            out |= ws
        for column in table.columns:
            out |= keywords(column.name)
            for value in column.values[:100]:
                out |= keywords(value)
        for name in table.names:
            out |= keywords(name)
        return out

    # -- linking ------------------------------------------------------------------------------

    def links(self, question: str) -> list[TableLinks]:
        tokens = tokenize(question)
        stems = keywords(question)
        # The question's runs of up to six words, run together, where each stands: what a
        # cell run together ("user home" for "userhome") is looked up in.
        windows: dict[str, tuple[int, int]] = {}
        for i in range(len(tokens)):
            for j in range(i + 1, min(len(tokens), i + 6) + 1):
                windows.setdefault("".join(squash(t.low) for t in tokens[i:j]),
                                   (tokens[i].start, tokens[j - 1].end))
        found = []
        for table in self.tables:
            tl = TableLinks(table)
            for ws, weight in self._describe[table.name]:
                for w in sorted(ws & stems):  # the same sum in every process
                    if w not in tl.distinct:
                        tl.described += weight * self._idf.get(w, 1.0)
                        tl.distinct.add(w)
            for column in table.columns:
                strength, where = column_mention(column.name, question, tokens)
                if strength < 1.0 and self._column_fact("yes/no", is_yes_no, table,
                                                        column.position):
                    other = said_otherwise(column.name, tokens)  # "raised": Expandable
                    if other is not None:
                        strength, where = 1.0, other
                if strength > 0:
                    tl.columns[column.position] = strength
                    tl.mentioned[column.position] = where
                tl.values.extend(self._value_links(table, column, tokens, windows, question))
            found.append(tl)
        return found

    def _value_links(self, table: TableInfo, column: ColumnInfo, tokens: list[Token],
                     windows: dict[str, tuple[int, int]], question: str) -> list[ValueLink]:
        """The cells of a column the question names: the whole cell (as written, or run
        together: "userhome"), a people's word for a one-word cell ("German"), all the words
        of a cell of several, or a distinctive word or phrase inside a cell."""
        ref = ColumnRef(table.name, column.position, column.name)
        key = column.position == 0
        counts = column.counts or [1] * len(column.values)
        values = self._values[table.name][column.position]
        lows = [t.low for t in tokens]
        named = self._names[table.name]
        kinds = self._kinds[table.name]
        out: list[ValueLink] = []

        own_name = keywords(re.sub(r"^[^(]*", "", column.name))  # its aside: "(2026)"

        def add(value, kind, needle, start, end, rows):
            said = keywords(question[start:end])
            if said and said <= named and not (said <= kinds.keys() and restricts(
                    question, start, said, kinds)):
                return  # the question's words name the table, not a row
            if said and said <= own_name:
                return  # "2026" of a column "Status (2026)": they name the column
            out.append(ValueLink(ref, value, kind, needle, start, end, key, rows))

        folded_question = fold(question)
        for (value, vlows, squashed), rows in zip(values, counts):
            content = [w for w in vlows if w not in STOPWORDS]
            if not content:
                continue
            if re.match(r"[^\w\s(\[\"“‘'~<>]", value) and fold(value) not in folded_question:
                continue  # "--partition" is named only as written
            span = _find(lows, vlows)
            if span is not None:
                add(value, "exact", value, tokens[span[0]].start, tokens[span[1] - 1].end, rows)
                continue
            if len(squashed) >= 4 and squashed in windows:
                add(value, "exact", value, *windows[squashed], rows)
                continue
            head = _HEAD.match(value)  # "Exascale (~1 EF)": "exascale" names it whole
            if head and re.search(r"[^\W\d]", head.group(1)):  # not "1 (200)": a figure
                head_lows = [t.low for t in tokenize(head.group(1))]
                span = _find(lows, head_lows) if any(
                    w not in STOPWORDS for w in head_lows) else None
                if span is not None:
                    add(value, "exact", head.group(1), tokens[span[0]].start,
                        tokens[span[1] - 1].end, rows)
                    continue
            if len(vlows) == 1 and value[:1].isupper() and value.isalpha():
                demonym = next((t for t in tokens if t.text[:1].isupper()
                                and _demonym_of(t.low, vlows[0])), None)
                if demonym is not None:
                    add(value, "demonym", value, demonym.start, demonym.end, rows)
                    continue
            span = _covered(lows, vlows)
            if span is not None:
                add(value, "cover", value, tokens[span[0]].start, tokens[span[1]].end, rows)
        for meant, start, end in negated_kinds(question, kinds):
            # "aren't up and running yet" of systems "(operational & incoming)": the cells
            # that say "incoming", unless the question counts them in
            if not restricts(question, start, {meant}, kinds):
                continue
            for (value, _vlows, _sq), rows in zip(values, counts):
                word = next((t.text for t in tokenize(value) if keywords(t.text) == {meant}),
                            None)
                if word is not None:
                    add(value, "contains", word, start, end, rows)
        if key:  # "Project flash", where a sibling table calls the same row so
            for own, alias in self._aliases.get(table.name, {}).items():
                if any(v.value == own for v in out):
                    continue
                alias_lows = [x.low for x in tokenize(alias)]
                span = _find(lows, alias_lows)
                if span is not None:
                    add(own, "exact", own, tokens[span[0]].start, tokens[span[1] - 1].end,
                        1)
                    continue
                covered = _covered(lows, alias_lows)  # "project ..., flash"
                if covered is not None:
                    # where it says the alias's own word: "project persistent, scratch" is
                    # another row's
                    first, last = covered
                    odd = set(alias_lows) - STOPWORDS - {x.low for x in tokenize(own)}
                    at = [n for n in range(first, last + 1) if lows[n] in odd] or [first, last]
                    add(own, "cover", own, tokens[at[0]].start, tokens[at[-1]].end, 1)
        if key:  # "project scratch or the flash area": "project" said once for both rows
            for link in [v for v in out if v.kind == "exact"]:
                head = [t.low for t in tokenize(link.needle)][:-1]
                after = re.match(r"\s*(?:,|or|and|nor)\s+(?:(?:the|a|an)\s+)?([^\W_][\w-]*)",
                                 question[link.end:], re.I)
                if not head or after is None:
                    continue
                wanted = [*head, fold(after.group(1))]
                start, end = link.end + after.start(1), link.end + after.end(1)
                names = [(v, vl) for v, vl, _s in values] + \
                    [(own, [t.low for t in tokenize(alias)])
                     for own, alias in self._aliases.get(table.name, {}).items()]
                own = next((own for own, name_lows in names if name_lows == wanted), None)
                if own is not None and not any(v.value == own for v in out):
                    add(own, "cover", own, start, end, 1)
        taken = {(v.start, v.end) for v in out}
        # A distinctive word or phrase of the question inside longer cells ("LUMI-C" in
        # "LUMI-C and LUMI-G", "exascale" of "exascale-class" in "Exascale (~1 EF)"); in a
        # column of prose (long cells) only a phrase of several words.
        total_rows = max(1, table.rows)
        prose = bool(column.values) and \
            sum(len(v) for v in column.values) / len(column.values) > 40
        for i in range(len(tokens)):
            for j in range(i + 1, min(len(tokens), i + 3) + 1):
                window = tokens[i:j]
                # "HPE", "BullSequana": a maker's or a product's name, a word alone
                acronym = j - i == 1 and re.fullmatch(r"[A-Z]{3,5}|[A-Z][a-z]+[A-Z][a-z]+\w*",
                                                      window[0].text)
                # "as AI-optimized": the words without "as" are tried on their own
                edged = j - i > 1 and (window[0].low in STOPWORDS or
                                       window[-1].low in STOPWORDS)
                # "named in the helpdesk topic list", "search for modules": words of a cell
                # together, two not short nor stopwords, say it as surely as a distinctive
                # one (a window that begins or ends with a stopword is left out below)
                content = [t for t in window if t.low not in STOPWORDS]
                phrase = len(content) >= 2 and all(len(t.low) >= 4 for t in content)
                if not (phrase or any(t.distinctive for t in window)) or edged or \
                        all(t.low in STOPWORDS for t in window) or \
                        (prose and j - i < 2 and not acronym):
                    continue
                span = (window[0].start, window[-1].end)
                if span in taken:
                    continue
                candidates = {tuple(t.low for t in window)}
                if j == i + 1 and "-" in window[0].low and not re.search(r"\d", window[0].low):
                    candidates |= {(p,) for p in window[0].low.split("-") if len(p) >= 4}
                # "AI-optimised" of a cell that writes "AI-optimized", and the other way
                candidates |= {tuple(_other_spelling(w) for w in c) for c in candidates}
                for candidate in candidates:
                    holders = [(v, rows) for (v, vl, _), rows in zip(values, counts)
                               if _find(vl, list(candidate)) is not None]
                    held = sum(rows for _, rows in holders)
                    if not holders or held >= max(2, (0.3 if prose and not acronym else 0.9) *
                                                  total_rows):
                        continue
                    for v, rows in holders:
                        add(v, "contains", _needle(v, candidate), *span, rows)
        return out

    # -- plans --------------------------------------------------------------------------------

    def link(self, question: str, groups_counted: bool = True) -> Linked:
        """The question's plans (see the module)."""
        # "how many partitions (both tables) ...": the aside reads as if said without its
        # brackets (blanked, every offset kept)
        question = _ASIDE.sub(lambda m: f" {m.group(1)} ", question)
        what = asked(question, groups_counted)
        if what.intent is None or not self.tables:
            return Linked(intent=what.intent)
        if what.intent == "ratio":  # "how many times more": a multiple, not a duration
            question = re.sub(r"\btimes\b", lambda m: " " * len(m.group()), question, count=1)
        links = self.links(question)
        plain = negation_kept(question, self._link(what, question, links), self._opposed)
        if what.counts_groups and not plain.plans:
            # no column to count groups by ("how many partitions have more than 4 nodes"):
            # the rows counted, with a condition
            return self.link(question, groups_counted=False)
        best = plain.plans[0] if plain.plans else None
        if best is not None and not (best.unaccounted or best.unexplained):
            return plain  # read whole without another table: as before
        joined = negation_kept(question, self._link_joined(what, question, links),
                               self._opposed)
        return joined if joined is not None and joined.plans else plain

    def _opposed(self, plan: Plan, negated: set[str]) -> bool:
        """Whether the plan keeps the rows of a kind its title sets against a kind the
        question negates ("not operational yet" and a filter on "incoming" in a table of
        systems "(operational & incoming)"), or its tables hold none of what is negated,
        which another table holds ("the disk storage areas (not object storage)": the table
        of disk areas, beside the table of object storage)."""
        kin = {m.name for t in plan.tables for m in self.catalog.family(self.catalog.by_name[t])}
        own = set().union(*[self._held_words(t)[0] for t in plan.tables])
        wanted = negated - GENERIC_STEMS
        # ... a row of a table of another family names it whole ("Object storage"; not "GPU
        # memory", of a family of tables of options, see `_choose_members`)
        if wanted - own and any(wanted <= row for t in self.tables if t.name not in kin
                                for row in self._held_words(t.name)[1]):
            return True
        for table in plan.tables:
            kinds = self._kinds[table]
            against = set().union(*[kinds.get(w, set()) for w in negated])
            if any(f.operator in ("=", "contains") and keywords(f.said) & against
                   for f in plan.filters):
                return True
            # "aren't running yet": a filter on the kind its negated words name
            if any(f.operator in ("contains", "in") and all(
                    keywords(str(v)) <= kinds.keys() for v in f.values) and
                   keywords(f.said) & negated for f in plan.filters):
                return True
        return False

    def _link_joined(self, what: Asked, question: str,
                     full: list[TableLinks]) -> Linked | None:
        """The question read as one table's rows with a condition on another's ("factories in
        a country that also hosts a supercomputer", see `Join`): the clause that names the
        other table is set aside, the rest planned over the first table, and the clause
        becomes the plan's join. None when no clause names another table."""
        for start, end in clauses(question):
            if what.group_clause and start < what.group_clause[1] < end:
                end = what.group_clause[1]  # "that host a machine [have more than one]"
            if not keywords(question[start:end]) & self._everything_listed:
                continue  # it names what no table lists: no join (see `_join`)
            blanked = question[:start] + " " * (end - start) + question[end:]
            linked = self._link(what, blanked, self.links(blanked),
                                clause=(start, end, question, full))
            if linked.plans and all(p.joins for p in linked.plans):
                return linked
        return None

    def _link(self, what: Asked, question: str, links: list[TableLinks],
              clause=None) -> Linked:
        candidates = []
        for tl in links:
            made = self._plan(what, tl, links, question, clause)
            if made is not None:
                candidates.append((*made[:4], round(self._last_entity, 2)))
        if not candidates:
            return Linked(intent=what.intent)
        # The table that lists what is asked about first, then the best linked.
        candidates.sort(key=lambda c: (-c[4], -c[0]))
        best_score, best_plan, best_decline, best_links, _entity = candidates[0]
        if best_plan is None:
            if self._given_anywhere(what):
                return Linked(intent=what.intent)  # some table may give it: not ours to deny
            return Linked(decline=best_decline, confidence=best_score, intent=what.intent,
                          links=best_links)
        plans = [best_plan]
        for score, plan, _decline, _links, _entity in candidates[1:]:
            if plan is None or score < 0.75 * best_score or \
                    any(set(plan.tables) & set(p.tables) for p in plans):
                continue
            if _same_kind(plan, best_plan) and self._same_things(plan, best_plan):
                plans.append(plan)
            elif self._siblings(plan, plans[0]):
                mine, theirs = (self._another_kind(p, question) for p in (plans[0], plan))
                if mine != theirs:  # "disk storage areas": not object storage's table
                    plans[0] = plans[0] if theirs else plan
                    continue
                plans[0] = dataclasses.replace(
                    plans[0], tables=(*plans[0].tables, *plan.tables),
                    measure=(*plans[0].measure, *plan.measure))
        return Linked(plans=plans, confidence=best_score, intent=what.intent,
                      links=best_links)

    def _given_anywhere(self, what: Asked) -> bool:
        """Does any table have a column named by the words asked for, or of the dimension
        they ask for? (A decline says "no table gives ...": it must be true.)"""
        asked_words = (set(what.attribute) or keywords(what.said)) - GENERIC_STEMS
        dimensions = {d for d, stems in DIMENSION_STEMS.items() if stems & asked_words}
        for table in self.tables:
            for column in table.columns:
                if asked_words & keywords(column.name) or dimensions & set(column.dimensions):
                    return True
        return False

    def _siblings(self, plan: Plan, other: Plan) -> bool:
        """Are two largest (smallest) plans over tables of one section of a document that
        list different things with a column of the same name ("Which LUMI storage area is
        billed at the steepest rate?": the disk areas' table and object storage's, each with
        a Billing rate)? Then the largest is taken over both."""
        if plan.aggregate not in ("max", "min") or other.aggregate != plan.aggregate or \
                plan.filters or other.filters or plan.dimension != other.dimension or \
                self._same_things(plan, other):
            return False
        tables = [self.catalog.by_name[t] for t in (*plan.tables, *other.tables)]
        return len({(t.source, t.section) for t in tables}) == 1 and \
            len({r.name for r in (*plan.measure, *other.measure)}) == 1

    def _another_kind(self, plan: Plan, question: str) -> bool:
        """Are all of a plan's rows things of another kind than the question says ("Object
        storage" where it asks of "disk storage")? Each row's name shares a word with the
        question, the question puts a word of its own before that word ("disk"), not a name,
        and the row's name has a word the question does not say ("object")."""
        said = keywords(question)
        pairs = [(keywords(m.group(1)), keywords(m.group(2)))  # (a lower-case word, the next)
                 for m in re.finditer(r"\b([a-z][\w-]*)\s+([\w-]+)", question)]
        for table in plan.tables:
            headed = self._headed[table]  # "billed" of a column "Billing rate" is no kind
            for name in self.catalog.by_name[table].columns[0].values:
                own = keywords(name)
                shared = own & said
                if not shared or own <= said:
                    return False
                if not any(before - own - headed - GENERIC_STEMS - EXPLAINED_ANYWAY
                           for before, word in pairs if word & shared):
                    return False
        return True

    def _same_things(self, plan: Plan, other: Plan) -> bool:
        """Do two tables list the same things (a third of their rows' names shared)?"""
        mine = set().union(*[self._keys[t] for t in plan.tables])
        theirs = set().union(*[self._keys[t] for t in other.tables])
        return bool(mine and theirs) and \
            len(mine & theirs) >= 0.3 * min(len(mine), len(theirs))

    def _plan(self, what: Asked, tl: TableLinks, everything: list[TableLinks],
              question: str, clause=None):
        """(score, plan, decline, links) for one table or its family; None when it does
        not answer the question. With a `clause` (start, end, the whole question, its
        links) the question comes with that clause blanked, and the plan must join the
        table the clause names (see `_join`)."""
        table = tl.table
        family = self.catalog.family(table)
        if family[0].name != table.name:
            return None  # a family is planned from its first table
        members = {t.name: next(x for x in everything if x.table.name == t.name)
                   for t in family}
        tls = [members[name] for name in self._choose_members(members, question)]
        times = time_conditions(question)
        if what.intent in ("count", "list"):  # "after a fixed number of days": no time
            said_units = [(s, e) for _d, s, e in units_said(question)]
            times = [t for t in times if not any(s < t.end and t.start < e
                                                 for s, e in said_units)]
        tls, by_period = _members_of_period(times, tls, len(members))
        tables = tuple(m.table.name for m in tls)
        join = None
        if clause is not None:
            join = self._join(clause, tls)
            if join is None:
                return None
        if not self._names_document(question, tls):
            return None
        described = max(m.described for m in tls)
        entity_words = set().union(*[self._lists[m.table.name] for m in tls])
        known = set().union(*[self._words[m.table.name] for m in tls])
        asked_entity = [w for w in what.entity if w not in GENERIC_STEMS and
                        not (w == "part" and _PARTS_OF.search(question))]
        if described >= 1.0 or any(v.kind == "exact" and not v.key for m in tls
                                   for v in m.values):
            # "the EuroHPC machines", "the pre-exascale machines": the table named, or a
            # cell of it said, its things meant
            entity_words = entity_words | (set(asked_entity) & REFERENT_STEMS)
        entity = 0.0
        if asked_entity and set(asked_entity) & entity_words:
            entity = sum(w in entity_words or w in known for w in asked_entity) / \
                len(asked_entity)
        elif asked_entity and set(what.entity) & GENERIC_STEMS and any(
                set(asked_entity) <= keywords(m.table.title) for m in tls):
            entity = 1.0  # "the pieces of the IT4LIA infrastructure": the rows of that table
        self._last_entity = entity
        if what.intent in ("compare", "difference") and len(members) >= 2 and \
                clause is None:
            compared = self._tables_compared(question, list(members.values()),
                                             than=what.intent == "difference")
            if compared is not None and (entity >= 0.5 or keywords(question) & entity_words):
                # "Does the map list more first-wave factories or more 2025 ones?": the rows
                # of each table counted, every row of both cited
                sides, spans = compared
                unexplained = self._unexplained(question, sides, list(spans))
                if len(unexplained) > 1:
                    return None
                refs = tuple(ColumnRef(m.table.name, TABLE_GROUP, "table") for m in sides)
                items = tuple(Filter((ref,), "=", m.table.title, said=question[s:e],
                                     said_start=s, said_end=e)
                              for ref, m, (s, e) in zip(refs, sides, spans))
                fewer = COMPARATIVE.search(question)
                score = described + 2.0 * entity + 1.0
                links = _links_of(sides)
                return score, Plan(
                    tuple(m.table.name for m in sides), "count_by", group=refs, items=items,
                    order="asc" if fewer and fewer.group("less") else "desc",
                    confidence=score, links=tuple(links), unexplained=tuple(unexplained),
                    count_difference=what.intent == "difference"), None, links
        links = _links_of(tls)
        mentioned = {m.table.name: m.columns for m in tls}
        where = {m.table.name: m.mentioned for m in tls}
        values = [v for m in tls for v in m.values]
        if what.intent in ("count", "list") and asked_entity:
            # "how many module sub-commands": the word for what is counted is no condition,
            # though a cell holds it somewhere ("Search for commands"); words before it that
            # are not what the table lists are ("how many petascale-class machines")
            head = set(asked_entity) & entity_words

            def counted(words: set[str]) -> bool:
                return words <= set(asked_entity) and (not head or bool(words & head))
            values = [v for v in values if not (
                v.kind == "contains" and counted(keywords(question[v.start:v.end])))]
        # "the higher max-jobs limit": words that name a column of the table (Max jobs) are
        # no loose condition on another column's cells ("Small GPU jobs")
        def names_column(v: ValueLink, m: TableLinks, position: int) -> bool:
            start, end = m.mentioned[position]  # said in a few words, not strewn about
            return start <= v.start and v.end <= end and \
                end - start <= 2 * len(m.table.columns[position].name) + 8
        values = [v for v in values if not (v.kind == "contains" and any(
            m.table.name == v.column.table and position != v.column.position and
            strength >= 0.99 and names_column(v, m, position)
            for m in tls for position, strength in m.columns.items()
            if position in m.mentioned))]
        set_aside = [v for v in values if what.excluded_from is not None and
                     v.start >= what.excluded_from and
                     (what.excluded_to is None or v.start < what.excluded_to)]
        named = [v for v in values if v not in set_aside]  # what the items may be
        grouped = self._group_items(what, named, tls, entity_words, question) \
            if what.intent in ("compare", "difference") else []
        items = grouped or (self._items(named, tls, question) if what.intent in (
            "compare", "difference", "ratio", "sum") else [])
        # two rows named by their names (the first column's cells, as written): the table
        # that lists them is the one asked about
        named_pair = len(items) == 2 and not grouped and \
            all(c.position == 0 for f in items for c in f.columns)
        if what.intent in ("compare", "difference", "ratio", "sum") and len(items) < 2:
            items = self._loose_items(question, tls) or items
        if what.intent in ("compare", "difference", "ratio") and len(items) < 2:
            items = self._presence_items(question, tls) or items
        if what.intent == "difference" and what.dimension == CLOCK and len(items) < 2:
            items = self._start_and_end(tls)
        if what.intent == "difference" and len(items) == 2 and re.search(
                r"\bahead of\s+(?:the\s+)?$", question[:items[0].said_start], re.I):
            items = items[::-1]  # "how many petaflops ahead of Leonardo is LUMI": LUMI's less
        item_spans = {(f.said_start, f.said_end) for f in items}
        values = [v for v in values if not any(s <= v.start and v.end <= e
                                               for s, e in item_spans)]
        excluded = [v for v in values if v in set_aside]
        values = [v for v in values if v not in excluded]
        filters, used = self._filters(values, mentioned, where, question, tls)
        for v in excluded:
            if v.rows and v.kind != "contains" and not _named_elsewhere(v, excluded, mentioned):
                filters.append(Filter((v.column,), "excludes", v.needle,
                                      said=question[v.start:v.end]))
        if any(f.operator == "excludes" and all(
                c.position == 0 and all(fold(str(f.value)) in fold(name)
                                        for name in m.table.columns[0].values)
                for c in f.columns for m in tls if m.table.name == c.table) for f in filters):
            return None  # "(not object storage)" of the object storage table: none of it
        lead = _exclusion_lead(question, what.excluded_from, excluded)
        if what.excluded_from is not None and not any(f.operator == "excludes"
                                                      for f in filters):
            filters.extend(self._loosely_excluded(question, what.excluded_from, tls))
        # "setting aside small-gpu" of a family: the rows of its other tables are kept too
        # (their column of the same name holds no such cell), not left out with the table
        filters = [self._across(f, tls) if f.operator in ("excludes", "!=") else f
                   for f in filters]
        numeric, numeric_spans = numeric_filters(question, [m.table for m in tls], mentioned)
        if what.having_span:  # "more than one AI factory" bounds the groups, not a column
            start, end = what.having_span
            kept = [(f, span) for f, span in zip(numeric, numeric_spans)
                    if not (span[0] < end and start < span[1])]
            numeric, numeric_spans = [f for f, _ in kept], [span for _, span in kept]
        if numeric_spans:  # "512 GiB or more" is a bound, not the cell "512 GiB"
            overlapping = [f for f in filters if any(
                s <= question.find(f.said) < e for s, e in numeric_spans)]
            filters = [f for f in filters if f not in overlapping]
        filters = [f for f in filters if not _unit_asked(question, f)]
        apart = _listed_apart(question, filters)
        if apart is not None:
            # "the disk storage areas (home, project, scratch, flash)": a list of the rows in
            # brackets, only some of them found; a list as long as the table names all of its
            # rows (no condition), a shorter one rows we cannot tell
            listed, found = apart
            if listed < max(m.table.rows for m in tls):
                return None
            filters = [f for f in filters if f not in found]
        filters.extend(numeric)
        present, present_spans, given_anyway = self._presence_filters(question, tls)
        compared_columns, compared_spans = self._sameness_filters(question, tls)
        if compared_columns:  # "the same flag for Fortran and C/C++": no other condition
            filters = [f for f in filters if not any(
                f.said and s <= question.find(f.said) < e for s, e in compared_spans)]
            filters.extend(compared_columns)
            present_spans = [*present_spans, *compared_spans]
        # "or the nodes without GPUs": the words of an item name a row, not a condition
        kept_present = [(p, (s, e)) for p, (s, e) in zip(present, present_spans)
                        if not any(a <= s and e <= b for a, b in item_spans)]
        present, present_spans = [p for p, _ in kept_present], [x for _, x in kept_present]
        if present:  # "who leads is not known": no other condition from the same words
            filters = [f for f in filters if not any(
                f.said and set(f.columns) & set(p.columns) and s <= question.find(f.said) < e
                for p, (s, e) in zip(present, present_spans))]
            # "no C/C++ option (marked not available or N/A)": the cells it names say it
            named = {r for f in filters for r in f.columns}
            filters.extend(p for p in present if not set(p.columns) & named)
        if what.intent in ("count", "list"):
            in_units, unit_spans = self._unit_filters(question, tls)
            if len(in_units) < len(units_said(question)):
                return None  # "kept for a fixed number of days" of a table of no durations
            filters.extend(in_units)
            present_spans = [*present_spans, *unit_spans]
            for_purpose, purpose_spans, unmet = self._purpose_filters(question, tls)
            if unmet:
                return None  # "for listing stuff" of a table that says what rows are for nowhere
            filters.extend(for_purpose)
            present_spans = [*present_spans, *purpose_spans]
            in_name, name_spans = self._name_word_filters(question, tls)
            if in_name:  # "gpu" of "have gpu in their name": no other condition of its own
                filters = [f for f in filters if not (f.said and any(
                    s <= question.find(f.said) < e for s, e in name_spans))]
                filters.extend(in_name)
                present_spans = [*present_spans, *name_spans]
        if what.intent in ("count", "list", "max", "min"):
            yes_no, yes_no_spans, subjects = self._yes_no_filters(question, tls, filters)
            filters.extend(yes_no)
            present_spans = [*present_spans, *yes_no_spans]
            aliased, aliased_spans = self._alias_filters(question, tls)
            filters.extend(aliased)
            present_spans = [*present_spans, *aliased_spans]
            given_anyway = {*given_anyway, *subjects}
        numeric_spans = [*numeric_spans, *present_spans]
        explained = self._explains(question, tls, [*used, *excluded],
                                   [*item_spans, *numeric_spans])
        if not explained:
            return None
        # "the shortest time before it is purged", "how long until files are deleted": the
        # event ends the duration measured (a column of durations), it sets no condition
        measured = [t for t in times if t.low is None and what.dimension == SECONDS and
                    what.intent in ("max", "min", "compare", "difference", "ratio") and
                    re.search(r"\b(?:time|long(?:er|est)?|short(?:er|est)|period|duration)\s+$",
                              question[:t.start], re.I)]
        times = [t for t in times if t not in measured]
        filters, untimed = time_filters(times, [m.table for m in tls], filters, question)
        spans = [(v.start, v.end) for v in [*used, *excluded]] + list(item_spans) + \
            list(numeric_spans) + [span_of(question, f.said) for f in filters if f.said] + \
            [(t.start, t.end) for t in [*times, *measured]] + adding_spans(question) + lead + \
            _contrast_of_given(question, what.excluded_from, filters, tls) + \
            [(s, e) for m in tls for _k, s, e in negated_kinds(question, self._kinds[m.table.name])]
        # "by default" of a table with no Default column: its figures are the defaults
        defaults = set() if any(DEFAULT in self._headed[m.table.name] for m in tls) \
            else {DEFAULT}
        unexplained = self._unexplained(question, tls, spans,
                                        set(what.attribute) | keywords(what.said) | defaults |
                                        (entity_words & REFERENT_STEMS) |
                                        (_SPAN_STEMS if what.dimension == CLOCK else set()))
        self._last_unexplained = unexplained
        # What restricts the question: its content words (beyond what any question says:
        # "how many", "which", fillers) and its conditions on time; a plan accounts for a
        # share of them (the answerer's gate, see `Plan.unaccounted`).
        compared = unused_comparisons(question, what, [*spans, *numeric_spans], {
            w for m in tls for c in m.table.columns for w in keywords(c.name)})
        conditions = len(times) + len(compared)
        parts = len(self._content_words(question, spans)) + conditions
        checked = [*spans, *item_spans]
        if what.intent in ("max", "min"):  # "of the machines that have a FLOPS figure"
            checked += [m.span() for m in _QUOTED.finditer(question)]
        naming = set(asked_entity) | entity_words
        for m in tls:
            naming |= self._folders[m.table.name]
        unaccounted = (*untimed, *compared,
                       *cells_elsewhere(question, tls, everything, [*spans, *item_spans]),
                       *quoted_unchecked(question, [m.table for m in tls], [*spans, *item_spans]),
                       *scope_unchecked(question, [m.table for m in tls], checked, naming,
                                        picked=len(tls) < len(members) or bool(items)))
        accounted = 1.0 - (len(unaccounted) + len(unexplained)) / parts if parts else 1.0

        def account(plan: Plan) -> Plan:
            plan.unaccounted, plan.unexplained = unaccounted, tuple(unexplained)
            plan.accounted = max(0.0, accounted)
            # "cheapest in euros", answered with a walltime: a word for another kind of
            # measure than the plan's, that nothing of the tables explains; or one said of
            # what is measured ("the highest memory bandwidth", measured in GiB of memory)
            measured = {w for r in plan.measure for w in keywords(r.name)} | (
                keywords(plan.dimension[len(COUNT):]) if plan.dimension and
                plan.dimension.startswith(COUNT) else set())
            other = {w for w in {*unexplained, *(what.attribute if plan.measure else ())}
                     if plan.dimension and any(
                         w in stems for d, stems in DIMENSION_STEMS.items()
                         if d != plan.dimension) and
                     w not in DIMENSION_STEMS.get(plan.dimension, set()) and w not in measured}
            if other:
                plan.unaccounted = (*plan.unaccounted, *sorted(other))
            plan.joins = (join,) if join else ()
            return plan
        allowed = 1 if filters or items or join or described >= 1.5 or \
            what.intent not in ("count", "list") else 0
        # A question that asks of something no part of the plan accounts for gets no plan
        # (it may still be declined, when what it asks for is what no table gives).
        blocked = len(unexplained) > allowed
        strengths = sorted((v.strength for v in used), reverse=True)
        score = described + 2.0 * entity + sum(strengths[:1]) + 0.3 * sum(strengths[1:])
        score += 0.5 * sum(max(c.values(), default=0.0) for c in mentioned.values())
        if named_pair:
            score += 0.5
        plain = Plan(tables, "count", confidence=score)  # what is returned is replaced below
        if what.intent in ("count", "list"):
            generic_ask = not asked_entity
            counted = self._counted_column(what, tls) if what.intent == "count" else ()
            weight = self._weight(question, tls, counted) if counted else ()
            # "how many CPU cores across its node types": a column of cores per node, and of
            # nodes per row; what is counted is not the rows, nor must the table list cores
            weighted = {(r.table, r.position) for r in counted} if weight else set()
            names_row = any(f.operator in ("=", "contains") and
                            all(c.position == 0 for c in f.columns) for f in filters)
            # a bound no filter carries ("with X have more than one AI factory") is more
            # than the values of a column answer
            bound_left = any(not any(s <= m.start() < e for s, e in numeric_spans) and
                             not self._exists(question, m.end(), tls)
                             for m in BOUND.finditer(question))
            values_of = self._values_asked(asked_entity, tls, question) \
                if entity < 0.5 and not (join or names_row or unexplained or bound_left or
                                         weighted) else ()
            if values_of:
                # "Which countries have AI factories with an unknown lead?": the values of a
                # column among the rows that meet the conditions, each with its rows; "how
                # many countries have ...": how many such values
                if blocked:
                    return None
                return score, account(Plan(
                    tables, "count_by", tuple(_either(filters)), group=values_of,
                    order="desc", having=(">=", 1), confidence=score, links=tuple(links),
                    count_values=what.intent == "count")), None, links
            shown = self._figures_asked(asked_entity, tls) \
                if what.intent == "list" and filters and not (join or names_row) else ()
            if shown:
                # "What memory sizes do the node types with more than 100 nodes have?": the
                # rows that meet the conditions, each with its figure of the column asked
                if blocked:
                    return None
                return score, account(Plan(
                    tables, "list", tuple(_either(filters)), measure=shown,
                    confidence=score, links=tuple(links))), None, links
            if not (entity >= 0.5 or weighted or (generic_ask and described >= (
                    1.5 if what.intent == "list" else 1.0) and (filters or join))):
                return None
            if what.intent == "list" and not (filters or join or by_period):
                return None  # "which X ...?" without a condition: not a computation
            if any(f.operator in ("=", "contains") and all(c.position == 0 for c in f.columns)
                   for f in filters) and len([f for f in filters if all(
                       c.position == 0 for c in f.columns)]) == 1:
                return None  # one row named by its name: a look-up, not a count
            conditioned = [r for f in filters for r in f.columns] + \
                list(join.columns if join else ()) + list(given_anyway)
            filtered = {(r.table, r.position) for r in conditioned}
            filtered_names = {squash(r.name) for r in conditioned} | {
                squash(str(f.value)) for f in filters if f.operator in (SAME, DIFFERS)}
            sources = {m.table.source for m in tls}
            # words that name a column of these tables name no column of another ("a table
            # of s3cmd commands": its "s3cmd command" column, not a "Command" column beside)
            own = [span for m in tls for span in m.mentioned.values()]
            for other in everything:  # this table's, or another of its document's
                if other.table.source not in sources:
                    continue
                for position, strength in other.columns.items():
                    name = squash(other.table.columns[position].name)
                    said_at, said_end = other.mentioned.get(position, (0, 0))
                    if other not in tls and any(s < said_end and said_at < e
                                                for s, e in own) or re.match(
                            r"\s*(?:tables?|lists?|spreadsheets?)\b", question[said_end:]):
                        continue  # ... and "the storage quota tables" names tables
                    if strength >= 0.99 and position > 0 and name not in filtered_names and \
                            (other.table.name, position) not in filtered | weighted and \
                            not _EVERY.search(question[:said_at]) and \
                            not _leads_to_condition(question, said_end, filters):
                        return None  # the question names a column it sets no condition on
            if what.intent == "count" and not self._subject_accounted(question, tls, spans):
                return None  # "how many GPUs does a LUMI-G node have": a figure of it
            if what.intent == "count" and _PER_UNIT.search(question):
                return None  # "how many CPU cores per node": a rate, which no count of rows is
            filters = _either(filters)
            if counted:  # "how many nodes" of a table with a column of node counts: added up
                if weight is None:
                    return None
                plain = account(Plan(tables, "sum", tuple(filters), counted, NUMBER,
                                     confidence=score, links=tuple(links), weight=weight))
                if blocked:
                    return None
                return score, plain, None, links
            plain = account(Plan(tables, what.intent, tuple(filters), confidence=score,
                                 links=tuple(links)))
            if blocked:
                return None
            return score, plain, None, links
        if grouped:  # "does Poland or Italy have more AI factories": the rows of each counted
            if blocked:
                return None
            column = tuple(dict.fromkeys(c for f in grouped for c in f.columns))
            filters = [f for f in filters if not any(  # "Italy have more AI factories": no
                a < g.said_end and g.said_start < b for g in grouped  # cell of its own
                for a, b in [span_of(question, f.said)])]
            score += 1.0  # what is compared is what the table lists (as an entity matched)
            within = Filter(column, "in", tuple(str(f.value) for f in grouped),
                            said=" or ".join(f.said for f in grouped))
            fewer = COMPARATIVE.search(question)
            return score, account(Plan(
                tables, "count_by", (*filters, within), group=column, items=tuple(grouped),
                order="asc" if fewer and fewer.group("less") else "desc", confidence=score,
                links=tuple(links), count_difference=what.intent == "difference")), None, links
        if what.intent == "count_by":
            weight = self._weight(question, tls, ()) if what.common else ()
            group = self._group(what, tls, set(weight or ()) if what.common else None)
            if what.common and group and keywords(question) & entity_words:
                entity = 1.0  # "the most common robot class", "... maker of robots": robots'
            if weight:
                # "the most common node configuration" of a table of kinds of node with a
                # column of how many of each: the kind with the most; "the most common
                # amount of memory" would be a column of that row (no such plan: none)
                if group or blocked:
                    return None
                return score, account(Plan(tables, "max", tuple(filters), weight, NUMBER,
                                           "desc", confidence=score,
                                           links=tuple(links))), None, links
            if not group or entity < 0.5:
                return None
            if blocked:
                return None
            return score, account(Plan(
                tables, "count_by", tuple(filters), group=group,
                order="asc" if re.search(r"\b(?:fewest|least|smallest)\b", question, re.I)
                and not what.having else "desc", having=what.having, confidence=score,
                links=tuple(links), count_values=what.counts_groups)), None, links
        # max, min, compare, difference, sum: a measure is needed
        whole = what.intent == "sum" and len(items) < 2  # a column added up over the rows
        if whole:
            items = []
        if what.intent in ("compare", "difference", "ratio") and len(items) < 2:
            # one row named (an item, or a filter on the rows' names), its figures compared
            named = items or [f for f in filters if f.operator in ("=", "contains") and
                              all(c.position == 0 for c in f.columns)]
            twice = self._one_row_twice(question, named[0]) if len(named) == 1 else []
            if len(twice) == 2:
                filters = [f for f in filters if f is not named[0]]
                items = twice
        if what.intent in ("compare", "difference", "ratio") and len(items) < 2:
            return None
        if what.intent in ("max", "min") and not (entity >= 0.5 or described >= 1.0 or
                                                  any(v.key for v in used)):
            return None
        if DEFAULT in what.attribute and not any(DEFAULT in self._headed[m.table.name]
                                                 for m in tls):
            # "the most files by default": a table's figures are its defaults, unless a
            # column says which are ("Default walltime" beside "Max walltime")
            what = dataclasses.replace(what, attribute=[w for w in what.attribute
                                                        if w != DEFAULT])
        measure, dimension, measure_score = self._measure(what, tls, mentioned, question,
                                                          items)
        if any(f.qualifier for f in items):
            # "LISA's mixed-precision figure than its double-precision one": the one column
            # and kind of figure whose cells say both sides' words after a figure; two
            # sides that name two things ("the flash area or LUMI-O") are no such figures
            if not measure:
                measure, dimension, measure_score = self._qualified_measure(items, tls)
            if not measure or not all(
                    keywords(f.qualifier) & self._qualifiers(measure, dimension) -
                    GENERIC_STEMS - EXPLAINED_ANYWAY for f in items):
                return None
        named_rows = set().union(*[keywords(question[f.said_start:f.said_end]) for f in items
                                   if f.said_end > f.said_start])
        attribute = [w for w in what.attribute if w not in GENERIC_STEMS | named_rows]
        linked_attribute = [w for w in attribute if w in ALL_DIMENSION_STEMS or any(
            w in keywords(c.name) or COUNT + singular(w) in c.dimensions
            for m in tls for c in m.table.columns)]
        if measure == ():
            return None  # several columns would do: not for the tables to answer
        if measure and items and dimension:
            # "LISA's double-precision figure": the words after a figure in the measured
            # column's cells ("65 PFlops double precision"), which pick it (cellfigures.py)
            linked_attribute += [w for w in attribute if w not in linked_attribute and
                                 w in self._qualifiers(measure, dimension)]
        if measure and self._other_dimension(attribute, measure, dimension):
            return None  # "draws the most power", measured in nodes
        if measure is None or (attribute and not linked_attribute):
            points = re.search(r"\b(?:table|csv|spreadsheet|list|map)s?\b", question, re.I) or \
                (entity >= 0.99 and described >= 1.5)
            if points and (entity >= 0.5 or items) and described >= 0.5 and \
                    (attribute or what.said):
                said = what.said or " ".join(attribute)
                reason = f"no table gives a date for “{said}”" if what.dimension == DATE \
                    and not attribute else f"no table gives {said}"
                return score, None, reason, links
            return None
        if len(self._loose_attribute(attribute, linked_attribute, tls)) > 1:
            return None  # "the shortest average queue wait": more than the column measures
        if dimension == NUMBER and not self._figures_lead(measure):
            return None  # "MareNostrum 5": a figure inside a name measures nothing
        score += measure_score
        # "the most GPU hours": the measured column's own name, said where its cells say it
        # too ("Up to 50,000 GPU hours"), is what is measured, no condition on it
        measure_words = {w for r in measure for w in keywords(r.name)}
        filters = [f for f in filters if not (
            f.operator == "contains" and set(f.columns) & set(measure) and f.said and
            keywords(f.said) <= measure_words and keywords(str(f.value)) <= measure_words)]
        if what.intent in ("max", "min"):
            filters = _either(filters)
            if blocked:
                return None
            return score, account(Plan(tables, what.intent, tuple(filters), measure,
                                       dimension, "desc" if what.intent == "max" else "asc",
                                       confidence=score, links=tuple(links))), None, links
        if blocked:
            return None
        if whole:
            named = [mentioned[r.table].get(r.position, 0.0) for r in measure]
            weight = self._weight(question, tls, measure)
            if not named or min(named) < 0.99 or weight is None:
                return None  # only a column the question names is added up
            return score, account(Plan(tables, "sum", tuple(filters), measure, dimension,
                                       confidence=score, links=tuple(links),
                                       weight=weight)), None, links
        return score, account(Plan(tables, what.intent, tuple(filters), measure, dimension,
                                   "asc" if what.less else None, items=tuple(items[:2]),
                                   confidence=score, links=tuple(links))), None, links

    @staticmethod
    def _other_dimension(attribute: list[str], measure: tuple[ColumnRef, ...],
                         dimension: str | None) -> bool:
        """Whether what is asked for is a kind of measure ("power": flop/s or watts) that
        the measured column is not of, nor named by ("the most power" of a column of node
        counts)."""
        kinds = {d for w in attribute for d, stems in DIMENSION_STEMS.items() if w in stems}
        named = {w for r in measure for w in keywords(r.name)}
        return bool(kinds) and dimension not in kinds and not set(attribute) & named

    def _loose_attribute(self, attribute: list[str], linked: list[str],
                         tls: list[TableLinks]) -> list[str]:
        """The words of what is measured that neither the measured column nor anything of
        the tables accounts for: "average queue wait" asks more than a walltime column
        holds, even where "time" names its dimension."""
        explained = set(EXPLAINED_ANYWAY).union(*[self._explained_by(m.table) for m in tls])
        return [w for w in attribute if w not in linked and w not in explained]

    def _names_document(self, question: str, tls: list[TableLinks]) -> bool:
        """"according to the brief": only tables of a document whose path or title says
        "brief" answer it (the kinds of document are English words: map, guide, report)."""
        from ..question import document_references

        if re.search(r"\b(?:csv|spreadsheet)s?\b", question, re.I) and \
                any(m.table.kind != "csv" for m in tls):
            return False  # "the factories CSV": a CSV file's table
        kinds = {next(iter(r)) for r in document_references(question) if len(r) == 1}
        kinds = {k for k in kinds if k in {w for d in DOCUMENT_KINDS for w in words(d)}}
        if not kinds:
            return True
        for m in tls:
            place = squash(m.table.source) + squash(m.table.document_title)
            if not all(k[:4] in place for k in kinds):
                return False
        return True

    def _explains(self, question: str, tls: list[TableLinks], used: list[ValueLink],
                  spans: list[tuple[int, int]]) -> bool:
        """Every name the question mentions (a capitalised word, a word with digits or a
        hyphen) is one the table's document, names, columns or linked cells account for:
        "LUMI-G and LUMI-C" is not answered by a table of LUMI-C alone."""
        covered = [(v.start, v.end) for v in used] + list(spans)
        known = set().union(*[self._words[m.table.name] | self._folders[m.table.name]
                              for m in tls])
        names = set().union(*[set(m.table.names) for m in tls])
        for token in tokenize(question):
            if not token.distinctive or token.low in STOPWORDS or \
                    squash(token.low) not in self._cells:
                continue  # only a name that is a cell somewhere must be accounted for
            if any(s <= token.start and token.end <= e for s, e in covered):
                continue
            if token.low in names or keywords(token.text) <= known or token.low.isdigit():
                continue
            return False
        return True

    def _unexplained(self, question: str, tls: list[TableLinks],
                     spans: list[tuple[int, int]], also: set[str] = frozenset()) -> list[str]:
        """The question's content words that nothing of the plan accounts for: not the
        tables' names, columns, document, nor a cell it uses, nor an operation or a filler
        word. "How many factories are in top-tier innovator regions?" leaves "top-tier
        innovator regions": a condition no table can check."""
        explained = set(EXPLAINED_ANYWAY) | set(also)
        for m in tls:
            explained |= self._explained_by(m.table)
        if self._glossed is not None:  # "the LUMI-D data analytics nodes"
            for m in self._glossed.finditer(question):
                explained |= self._glossary[m.group(1).lower()]
        left = []
        # "the AI factories data file": words for the document, not a condition
        spans = [*spans, *(m.span() for m in _DATA_FILE.finditer(question)),
                 *(m.span(1) for m in _PARTS_OF.finditer(question))]
        for token in tokenize(question):
            if any(s <= token.start and token.end <= e for s, e in spans) or \
                    token.low.isdigit():
                continue
            unknown = [w for w in keywords(token.text) if w not in explained and not w.isdigit()]
            if len(unknown) > 1 and "-" in token.text:  # "command-line": one modifier
                unknown = [token.low]
            left.extend(w for w in unknown if w not in left)
        return left

    def _named_by(self, table: TableInfo) -> set[str]:
        """The words that name a table or its columns, never its cells: its names, what it
        lists, its document's folders, its descriptors, its columns' names."""
        words_of = self._names[table.name] | self._lists[table.name] | \
            self._folders[table.name]
        for ws, _ in self._describe[table.name]:
            words_of |= ws
        for column in table.columns:
            words_of |= keywords(column.name)
        return words_of

    def _explained_by(self, table: TableInfo) -> frozenset[str]:
        """The words a table accounts for in any question: its names, what it lists, its
        document's folders, its descriptors, its columns' names (a "Max" column: a limit, a
        cap), the words of its columns' dimensions and of its rows' names. Worked out once a
        table, on first use."""
        found = self._explains_cache.get(table.name)
        if found is None:
            words_of = set(self._named_by(table))
            for column in table.columns:
                if keywords(column.name) & BOUND_COLUMN_STEMS:
                    words_of |= BOUND_WORD_STEMS
                for dimension in column.dimensions:  # "petaflops", "performance": flop/s
                    words_of |= DIMENSION_STEMS.get(dimension, set())
                    if dimension.startswith(COUNT):  # "512 nodes": nodes
                        words_of |= keywords(dimension[len(COUNT):])
            words_of |= {w for name in table.names[:200] for w in keywords(name)}
            found = self._explains_cache[table.name] = frozenset(words_of)
        return found

    @staticmethod
    def _content_words(question: str, spans: list[tuple[int, int]]) -> set[str]:
        """The question's content words outside the spans given (a linked cell, a condition
        on time): not an operation, a filler or a figure."""
        out: set[str] = set()
        for token in tokenize(question):
            if any(s <= token.start and token.end <= e for s, e in spans) or \
                    token.low.isdigit():
                continue
            out |= {w for w in keywords(token.text) if w not in EXPLAINED_ANYWAY
                    and not w.isdigit()}
        return out

    def _join(self, clause, tls: list[TableLinks]) -> Join | None:
        """The join a clause asks for (see `Join`), or None. The other table is the one the
        clause names best (its title, file and what it lists), not one of the plan's; the
        columns joined are the one the clause hangs on when both tables have it ("in a
        country that ..."), else, when it hangs on what the other table lists ("built on a
        supercomputer that ..."), the other table's names found in a column of the plan's
        table, else the one column of the same name both have."""
        start, end, question, full = clause
        text = question[start:end]
        said = keywords(text)
        mine = {m.table.name for m in tls}
        first = tls[0].table

        def named(table: TableInfo) -> float:
            listed = self._lists[table.name]
            if not said & listed:
                return 0.0  # the clause must name what the other table lists
            words_of = self._names[table.name] | listed
            # "the supercomputer list", "the supercomputers CSV": a table named as one
            as_table = any(keywords(m.group(1)) & listed for m in re.finditer(
                r"([\w-]+)\s+(?:list|table|csv|spreadsheet|sheet)\b", text, re.I))
            return sum(self._idf.get(w, 1.0) for w in sorted(said & words_of)) + \
                0.1 * (table.kind == first.kind) + 0.1 * (table.source == first.source) + \
                1.0 * as_table
        scored = sorted(((named(m.table), m.table.name) for m in full
                         if m.table.name not in mine), reverse=True)
        if not scored or scored[0][0] < 1.0:
            return None
        other = self.catalog.by_name[scored[0][1]]
        family = [t for t in self.catalog.family(other) if t.name != other.name]
        if family and not said & (self._names[other.name] - set().union(
                *[self._names[t.name] for t in family])):
            return None  # "no AI factory": the whole family, not the one table it names too
        anchor = anchor_of(text)
        negate = bool(re.search(r"\b(?:no|not|none|never|without)\b", text, re.I))
        pairs = []
        for m in tls:
            pair = None
            if anchor:  # the column the clause hangs on, in both tables
                pair = same_column(m.table, other, anchor)
            # "built on a supercomputer that ...", or on "a machine that the supercomputers
            # CSV lists as ...": what the other table lists, by its name or as its rows
            if pair is None and anchor and anchor & (self._lists[other.name] | REFERENT_STEMS):
                pair = self._names_in(m.table, other)
            if pair is None and not anchor:
                pair = same_column(m.table, other)
            if pair is None:
                return None
            pairs.append(pair)
        if len({p[1].position for p in pairs}) != 1:
            return None
        # The other table's cells the clause names restrict its rows ("whose machine is an
        # exascale or pre-exascale system"); a clause with more than one word that neither
        # they nor the other table's names explain is not read as a join (a word of its
        # cells that no filter uses, "exascale" beside "Exascale (~1 EF)", is a condition
        # left out: not explained).
        theirs = next(m for m in full if m.table.name == other.name)
        inside = [v for v in theirs.values if start <= v.start and v.end <= end]
        filters, used = self._filters(inside, {other.name: theirs.columns},
                                      {other.name: theirs.mentioned}, question, [theirs])
        filters = [f for f in _either(filters) if all(c.table == other.name for c in f.columns)]
        covered = [(v.start, v.end) for v in used]
        explained = self._named_by(other) | anchor | EXPLAINED_ANYWAY | RELATION_STEMS
        # A word of the clause that is a whole word of some of the other table's cells
        # ("exascale" of "Exascale (~1 EF)") restricts its rows too, as a cell it contains.
        for token in tokenize(text):
            at = (start + token.start, start + token.end)
            if token.low in STOPWORDS or keywords(token.text) <= explained or \
                    any(s <= at[0] and at[1] <= e for s, e in covered):
                continue
            held = [(sum(token.low in lows for _v, lows, _sq in cells), position)
                    for position, cells in enumerate(self._values[other.name])]
            rows, position = max(held, default=(0, 0))
            if 0 < rows < 0.9 * other.rows:
                column = other.columns[position]
                filters.append(Filter((ColumnRef(other.name, position, column.name),),
                                      "contains", token.low, said=token.text))
                covered.append(at)
        filters = _either(filters)
        left = {w for token in tokenize(text)
                if not any(s <= start + token.start and start + token.end <= e
                           for s, e in covered)
                for w in keywords(token.text) if w not in explained and not w.isdigit()}
        if len(left) > 1:
            return None
        return Join(tuple(p[0] for p in pairs), other.name, pairs[0][1], negate,
                    tuple(filters), text.strip())

    def _names_in(self, table: TableInfo, other: TableInfo):
        """(the column of `table` that holds the most of `other`'s row names as whole words,
        `other`'s first column), or None when no column holds two of them."""
        if not other.columns:
            return None
        names = [v.lower() for v in other.columns[0].values if len(v) >= 3]
        best, held = None, 1
        for column in table.columns[1:]:
            n = sum(any(re.search(whole_words(name), value.lower()) for name in names)
                    for value in column.values)
            if n > held:
                best, held = column, n
        if best is None:
            return None
        return (ColumnRef(table.name, best.position, best.name),
                ColumnRef(other.name, 0, other.columns[0].name))

    def _choose_members(self, members: dict[str, TableLinks], question: str = "") -> list[str]:
        """A family is read whole unless the question's words pick one of its tables (words
        of its title or caption that the others lack); words it negates ("for GPUs (not GPU
        memory)") pick none, and leave out a table they alone name."""
        names = list(members)
        if len(names) == 1:
            return names
        negated = negated_words(question)
        shared = set.intersection(*[m.distinct for m in members.values()])
        own = {n: sum(self._idf.get(w, 1.0) for w in m.distinct - shared - negated)
               for n, m in members.items()}
        left_out = {n for n, m in members.items() if (m.distinct - shared) & negated and
                    not own[n]}
        if left_out and len(left_out) < len(names):
            names = [n for n in names if n not in left_out]
            if len(names) == 1:
                return names
        best = max(names, key=lambda n: own[n])
        others = max((own[n] for n in names if n != best), default=0.0)
        if (own[best] >= 1.0 or (own[best] >= 0.8 and not others)) and own[best] > 1.5 * others:
            return [best]
        return names

    def _filters(self, values: list[ValueLink], mentioned, where, question: str,
                 tls: list[TableLinks]):
        """One filter per place in the question that names a cell: in each table, the
        column the question also names, else the one nearest... else its first column."""
        by_span: dict[tuple[int, int], list[ValueLink]] = {}
        for v in values:
            by_span.setdefault((v.start, v.end), []).append(v)
        kept: list[tuple[int, int]] = []
        strongest = {span: max(v.strength for v in group) for span, group in by_span.items()}
        for s in sorted(by_span, key=lambda s: (-strongest[s], -(s[1] - s[0]))):
            loose = strongest[s] <= _KIND_STRENGTH["contains"]
            if not any((k[0] <= s[0] and s[1] <= k[1]) or
                       (loose and k[0] < s[1] and s[0] < k[1]) for k in kept):
                kept.append(s)  # a mention inside another, or a loose one overlapping: not
        filters, used = [], []
        negated_end = None  # "not X or Y": Y is negated too
        for span in sorted(kept):
            group = by_span[span]
            best_kind = max(v.strength for v in group)
            group = [v for v in group if v.strength == best_kind]
            chosen: list[ValueLink] = []
            per_table: dict[str, list[ValueLink]] = {}
            for v in group:
                per_table.setdefault(v.column.table, []).append(v)
            for table, options in per_table.items():
                def rank(v: ValueLink, table=table) -> tuple:
                    near = where.get(table, {}).get(v.column.position)
                    distance = abs(near[0] - v.start) if near else 999
                    return (-(mentioned.get(table, {}).get(v.column.position, 0) > 0),
                            distance, -v.key, v.column.position)
                options.sort(key=rank)
                chosen.extend(v for v in options if v.column == options[0].column)
            said = question[span[0]:span[1]]
            columns = tuple(dict.fromkeys(v.column for v in chosen))
            needles = tuple(dict.fromkeys(v.needle for v in chosen))
            if chosen[0].kind == "cover":
                f = Filter(columns, "=" if len(needles) == 1 else "in",
                           needles[0] if len(needles) == 1 else needles, said=said)
            elif len({n.lower() for n in needles}) == 1:
                f = Filter(columns, "contains", needles[0], said=said)
            else:
                f = Filter(columns, "in", needles, said=said)
            before = question[:span[0]]
            negation = re.search(r"(?:\b(?:not|no|without|never|non)\b|\b\w+n['’]t\b)\s*-?\s*"
                                 r"(?:\w+\s+){0,2}$", before, re.I)  # "isn't in Bologna"
            if negation and any(k[0] <= negation.start() < k[1] for k in kept):
                negation = None  # "marked not available or N/A": "not" is a cell's word
            if negation or re.search(r"\b(?:rather than|instead of)\s+(?:[\w'’]+\s+)"
                                            r"{0,3}$", before, re.I) or (
                    negated_end is not None and re.fullmatch(
                        r"[\s,]*(?:or|and|nor)?\s*(?:an?|the)?\s*",
                        question[negated_end:span[0]], re.I)):
                negated_end = span[1]
                # "not X", "rather than tied to a user's or project's lifetime": none of them
                for value in f.values:
                    filters.append(Filter(f.columns, "excludes" if f.operator == "contains"
                                          else "!=", value, said=f.said))
                used.append(max(chosen, key=lambda v: v.strength))
                continue
            filters.append(f)
            used.append(max(chosen, key=lambda v: v.strength))
        # "an unknown lead but a known base system": a word whose "un-" form is a cell.
        for m in tls:
            for position, (s, _e) in m.mentioned.items():
                match = re.search(r"\b(known|certain|available|specified|confirmed|named)\s+"
                                  r"(?:\w+\s+){0,1}$", question[max(0, s - 24):s], re.I)
                if not match or re.search(r"\b(?:no|not|without|n[o'’]t)\s+$",
                                          question[:max(0, s - 24) + match.start()], re.I):
                    continue  # "no known lead": a lead missing (presence.py), not a known one
                column = m.table.columns[position]
                # "unknown" for "known"; a named thing is a known one ("a named lead")
                opposites = ("un" + match.group(1).lower(), "unknown")
                opposite = next((v for o in opposites for v in column.values
                                 if fold(v) == o), None)
                if opposite is None:
                    continue
                ref = ColumnRef(m.table.name, position, column.name)
                filters = [f for f in filters if not (ref in f.columns and
                                                      str(f.value).lower() == opposite.lower())]
                filters.append(Filter((ref,), "excludes", opposite, said=match.group(1)))
        return filters, used

    def _presence_filters(self, question: str, tls: list[TableLinks]):
        """"do we not know who leads", "nothing on the C/C++ side", "have a Fortran flag":
        a column's cells missing or given (see `presence.py`), one filter over the tables
        that say it at the same words; where the question says each; and the columns said to
        be given that give every cell (no condition, but what those words ask is met)."""
        said: dict[tuple[str, int, int], list[ColumnRef]] = {}
        full: set[ColumnRef] = set()
        for m in tls:
            columns = m.table.columns
            # a column named in a few words, not by words strewn over the question ("a
            # maximum of 4 nodes per job" does not name Max jobs)
            compact = {p: (s, e) for p, (s, e) in m.mentioned.items()
                       if e - s <= 2 * len(columns[p].name) + 8}

            def has_missing(position: int, table=m.table) -> bool:
                return self._has_missing(table, position)

            for p in presences(question, compact, m.columns, has_missing):
                ref = ColumnRef(m.table.name, p.position, columns[p.position].name)
                said.setdefault((p.state, p.start, p.end), []).append(ref)
                if p.state == GIVEN and not has_missing(p.position):
                    full.add(ref)
        filters = [Filter(tuple(refs), state, "", said=question[start:end])
                   for (state, start, end), refs in said.items() if not set(refs) <= full]
        return filters, [(start, end) for _, start, end in said], full

    @staticmethod
    def _across(f: Filter, tls: list[TableLinks]) -> Filter:
        """A filter on the column of that name in every table of `tls` that has one."""
        names = {fold(c.name) for c in f.columns}
        refs = list(f.columns)
        for m in tls:
            if any(r.table == m.table.name for r in refs):
                continue
            column = next((c for c in m.table.columns if fold(c.name) in names), None)
            if column is not None:
                refs.append(ColumnRef(m.table.name, column.position, column.name))
        return dataclasses.replace(f, columns=tuple(refs))

    def _unit_filters(self, question: str, tls: list[TableLinks]):
        """"kept for a fixed number of days", "a storage figure in petabytes": rows whose
        cell gives a figure of that kind (see `presence.units_said`), in the one column of
        each table that holds such figures (or the one the question names, of several)."""
        filters, spans = [], []
        for dimension, start, end in units_said(question):
            refs = []
            for m in tls:
                holding = [c for c in m.table.columns if dimension in c.dimensions]
                named = [c for c in holding if m.columns.get(c.position, 0.0) >= 0.5]
                chosen = named if len(named) == 1 else holding if len(holding) == 1 else []
                refs.extend(ColumnRef(m.table.name, c.position, c.name) for c in chosen)
            if refs:
                filters.append(Filter(tuple(refs), GIVEN, "", dimension=dimension,
                                      said=question[start:end]))
                spans.append((start, end))
        return filters, spans

    @staticmethod
    def _purpose_filters(question: str, tls: list[TableLinks]):
        """"how many are just for listing stuff": rows whose description begins with the
        verb ("List all objects ..."), in each table's column of prose that begins some
        cell with it (see `purpose.py`); a purpose the tables' titles say ("options for
        requesting GPUs" of "Request GPUs") names them, no condition. (filters, where they
        are said, how many purposes no column meets)."""
        filters, spans, unmet = [], [], 0
        for verb, start, end in purposes_said(question):
            if all(verb in set(words(m.table.title)) for m in tls):
                spans.append((start, end))  # "options for requesting GPUs": "Request GPUs"
                continue
            refs, written = [], set()
            for m in tls:
                for column in m.table.columns[1:]:
                    begun = [v for v in column.values if first_word_stem(v) == verb]
                    if begun and len(begun) < len(column.values):
                        refs.append(ColumnRef(m.table.name, column.position, column.name))
                        written |= {first_word(v) for v in begun}
            if refs and len(written) == 1:
                filters.append(Filter(tuple(refs), "contains", written.pop(),
                                      said=question[start:end]))
                spans.append((start, end))
            else:
                unmet += 1
        return filters, spans, unmet

    @staticmethod
    def _name_word_filters(question: str, tls: list[TableLinks]):
        """"have gpu in their name": rows whose name (the first column, of every table of
        `tls`) holds the word (see `namewords.py`)."""
        filters, spans = [], []
        keys = tuple(ColumnRef(m.table.name, 0, m.table.columns[0].name) for m in tls
                     if m.table.columns)
        for word, start, end in name_words(question):
            if keys:
                filters.append(Filter(keys, NAMED, word, said=question[start:end]))
                spans.append((start, end))
        return filters, spans

    def _qualified_measure(self, items: list[Filter], tls: list[TableLinks]):
        """The column and dimension whose figures are followed, in its cells, by the words
        of each item's qualifier; (measure, dimension, score) as `_measure` gives, or
        (None, None, 0.0) when none or several are."""
        sides = [keywords(f.qualifier) - GENERIC_STEMS - EXPLAINED_ANYWAY for f in items]
        found = []
        for m in tls:
            for column in m.table.columns:
                for dimension in column.dimensions:
                    ref = (ColumnRef(m.table.name, column.position, column.name),)
                    words = self._qualifiers(ref, dimension)
                    if all(side & words for side in sides):
                        found.append((ref, dimension))
        if len(found) != 1:
            return None, None, 0.0
        return found[0][0], found[0][1], 1.0

    @staticmethod
    def _one_row_twice(question: str, item: Filter) -> list[Filter]:
        """"How much higher is LISA's mixed-precision figure than its double-precision one?",
        "how far apart are LISA's mixed-precision and double-precision figures?": one row
        named, and two sides that each say other words of a figure; the row twice, each
        with its side's words (`Filter.qualifier`), or the one item as it was."""
        sides = alternatives(question)
        if len(sides) != 2:
            apart = re.search(r"\b(?:are|is)\s+(?P<a>.+?)\s+and\s+(?P<b>[^?,;]+)", question)
            sides = [apart.span("a"), apart.span("b")] if apart else []
        if len(sides) != 2:
            return [item]
        name = keywords(item.said)
        words = [keywords(question[s:e]) - name - GENERIC_STEMS - EXPLAINED_ANYWAY
                 for s, e in sides]
        if not all(words) or words[0] == words[1]:
            return [item]
        return [dataclasses.replace(item, qualifier=question[s:e]) for s, e in sides]

    @staticmethod
    def _tables_compared(question: str, family: list[TableLinks], than: bool = False):
        """"Does the map list more first-wave factories or more of the 2025 ones?": each
        side of "A or B" (of "A than B" for a difference, `than`) picks one table of a
        family, by a period its title states or by words only its title has; (the two
        tables, the two sides' spans), or None."""
        # "A or B"; "how many more ... A than B" (a difference) only
        joins = list(re.finditer(r"\s(?:than)\s" if than else r"\s(?:or|vs\.?|versus)\s",
                                 question, re.I))
        if len(joins) != 1:
            return None
        join = joins[0]
        # each side from its comparative (or the question's start) to the join, from the
        # join to a comma or the end: "more first-wave factories or more from the 2025 ..."
        before = [m for m in COMPARATIVE.finditer(question[:join.start()])]
        left = before[-1].end() if before else 0
        right = re.search(r"[,;?]|$", question[join.end():])
        sides = [(left, join.start()), (join.end(), join.end() + right.start())]
        named = {m.table.name: keywords(f"{m.table.title} {m.table.caption}") for m in family}
        # per table: the words only its title has, and the periods its names state
        marks = [(m, named[m.table.name] - set().union(
                      *[w for n, w in named.items() if n != m.table.name]),
                  periods(" ".join((m.table.title, m.table.caption, m.table.section or ""))))
                 for m in family]
        picked = []
        for start, end in sides:
            said = keywords(question[start:end])
            times = [t for t in time_conditions(question[start:end])
                     if t.low is not None and not t.bound]
            chosen = [m for m, own, stated in marks
                      if said & own or any(t.low <= low and high <= t.high
                                           for t in times for low, high in stated)]
            if len(chosen) != 1:
                return None
            picked.append(chosen[0])
        if picked[0] is picked[1]:
            return None
        return picked, sides

    def _sameness_filters(self, question: str, tls: list[TableLinks]):
        """"the identical flag for Fortran and for C/C++": two columns a row's cells are
        compared in (see `sameness.py`), one filter over the tables that name both; and where
        the question says each."""
        said: dict[tuple[str, int, int, str], list[ColumnRef]] = {}
        for m in tls:
            columns = m.table.columns
            for c in samenesses(question, m.mentioned, key=0):
                ref = ColumnRef(m.table.name, c.first, columns[c.first].name)
                said.setdefault((c.state, c.start, c.end, columns[c.second].name),
                                []).append(ref)
        filters = [Filter(tuple(refs), state, other, said=question[start:end])
                   for (state, start, end, other), refs in said.items()]
        return filters, [(start, end) for _, start, end, _ in said]

    def _alias_filters(self, question: str, tls: list[TableLinks]):
        """"Which sub-commands also have a shorter alias?": the rows whose name cell gives
        several names (see `aliases.py`), of the tables whose first column holds such
        cells; one filter over them, and where the question says it."""
        said = alias_condition(question)
        refs = [ColumnRef(m.table.name, 0, m.table.columns[0].name) for m in tls
                if m.table.columns and self._column_fact("aliases", has_aliases, m.table, 0)]
        if said is None or not refs:
            return [], []
        return [Filter(tuple(refs), said.state, "", said=question[said.start:said.end])], \
            [(said.start, said.end)]

    def _yes_no_filters(self, question: str, tls: list[TableLinks], filters: list[Filter]):
        """"Which storage areas can have their quota expanded?": a yes/no column the question
        names (see `yesno.py`) keeps the rows whose cell says yes, or, denied ("cannot be
        expanded"), those whose cell does not; one filter over the tables that name it at the
        same words, none on a column another filter already sets. Returns the filters, where
        the question says each, and the columns named as what the condition is of, right
        before it ("their quota expanded": Quota, no condition of its own)."""
        said: dict[tuple[bool, int, int], list[ColumnRef]] = {}
        subjects: set[ColumnRef] = set()
        constrained = {r for f in filters for r in f.columns}
        for m in tls:
            columns = m.table.columns

            def yes_no(position: int, table=m.table) -> bool:
                return self._column_fact("yes/no", is_yes_no, table, position)

            for c in yes_no_conditions(question, m.mentioned, m.columns, yes_no):
                ref = ColumnRef(m.table.name, c.position, columns[c.position].name)
                if ref in constrained:
                    continue
                said.setdefault((c.yes, c.start, c.end), []).append(ref)
                # right before it or after it: "their quota expanded", "a bigger quota"
                subjects |= {ColumnRef(m.table.name, p, columns[p].name)
                             for p, (s, e) in m.mentioned.items() if p != c.position and (
                                 (e <= c.start and re.fullmatch(r"[\s\w'’]{0,12}",
                                                                question[e:c.start])) or
                                 _names_next(question[c.end:], columns[p].name))}
        out = [Filter(tuple(refs), "contains" if yes else "excludes", "yes",
                      said=question[start:end]) for (yes, start, end), refs in said.items()]
        return out, [(start, end) for _, start, end in said], subjects

    def _measure(self, what: Asked, tls: list[TableLinks], mentioned, question: str,
                 items: list[Filter] = ()):
        """The column measured: named by the question ("max jobs", "walltime"), or holding
        the dimension its words ask for ("memory": bytes, "longest": a duration). None when
        none is, or when several would do equally and the question names none of them."""
        # a row's name is no attribute ("exceed Leonardo's": Leonardo is one of the rows)
        named_rows = set().union(*[keywords(question[f.said_start:f.said_end]) for f in items
                                   if f.said_end > f.said_start])
        attribute = set(what.attribute) - named_rows
        if what.intent in ("compare", "difference", "ratio"):
            # "which is the higher figure": no attribute; "more files" of a column "Max files"
            # is one
            attribute -= GENERIC_STEMS - set().union(*[self._headed[m.table.name] for m in tls])
        wanted = {what.dimension} if what.dimension else set()
        # "how many petaflops does A have above B's double-precision figure": the unit counted
        unit = set(what.entity) if what.intent in ("difference", "ratio", "sum", "compare") \
            else set()
        # ... not the rows' own name ("Of the storage areas, how many more files ...")
        unit -= set().union(*[self._lists[m.table.name] | keywords(m.table.title) for m in tls])
        for dimension, stems in DIMENSION_STEMS.items():
            if stems & ((attribute | unit) if attribute else keywords(question)):
                wanted.add(dimension)
        said = re.findall(r"[A-Za-z]+", question)
        counted = {COUNT + singular(w) for w in said} | {  # "GPU hours": count:gpu-hour
            COUNT + f"{a.lower()}-{singular(b)}" for a, b in zip(said, said[1:])}
        quoted = what.intent in ("max", "min") and _QUOTED.search(question)
        scored = []
        # the rows compared are named by one column ("the ones without GPUs"), the figures
        # compared stand in another
        naming = {r for f in items for r in f.columns} if any(
            f.operator in ("missing", "given") for f in items) else set()
        for m in tls:
            for column in m.table.columns:
                if ColumnRef(m.table.name, column.position, column.name) in naming:
                    continue
                named = mentioned[m.table.name].get(column.position, 0.0)
                place = m.mentioned.get(column.position)
                if place and any(f.said_start <= place[0] < f.said_end for f in items):
                    named = 0.0  # "LUMI-C" names a row here, not the column of that name
                if attribute and named and not (attribute & keywords(column.name)):
                    named *= 0.5  # named elsewhere in the question than as what is measured
                figures = len(scored)
                for dimension, info in column.dimensions.items():
                    share = info["cells"] / max(1, m.table.rows)
                    # two rows named: their own cells are what counts, a column of figures
                    # for some rows will do (the answer gives no winner if theirs lack one)
                    # "the highest quoted figure": among the rows that state one
                    few = share < 0.3 and not (len(items) == 2 and info["cells"] >= 2) and \
                        not (quoted and info["cells"] >= 2)
                    if (few and named < 0.5) or (column.position == 0 and share < 0.5):
                        continue
                    if dimension == DATE and what.dimension == DATE and named < 0.5:
                        continue  # "first": only a date the question names
                    score = named + (1.0 if dimension in wanted else 0.0) + \
                        (0.8 if dimension in counted else 0.0)
                    if dimension == NUMBER and named:
                        score += 0.3
                    if score <= 0.3:
                        continue
                    if what.dimension and dimension != what.dimension and named < 0.5:
                        continue
                    scored.append((score + 0.2 * share, named, dimension, m.table.name,
                                   column.position, score))
                # a column named that holds no figure for them: its cells shown side by side
                # ("210 (200 running)" is a figure, 210, though two stand in the cell)
                if what.intent == "compare" and named >= 0.99 and column.position > 0 and \
                        attribute & keywords(column.name) and len(scored) == figures:
                    scored.append((named + 0.5, named, None, m.table.name, column.position,
                                   named + 0.5))
        if not scored:
            return None, None, 0.0
        scored.sort(key=lambda s: (-s[0], s[3], s[4]))
        top = scored[0]
        rivals = [s for s in scored[1:] if s[3] == top[3] and s[4] != top[4]
                  and abs(s[5] - top[5]) < 1e-9]
        if rivals and not (top[2] == CLOCK and what.dimension == CLOCK and
                           all(r[2] == CLOCK for r in rivals)):
            return (), None, 0.0  # several columns would do, and the question says none
        # (times of day in several zones: each gives the same hours; the first is taken)
        dimension = top[2]
        refs = []
        for m in tls:
            options = [s for s in scored if s[3] == m.table.name and s[2] == dimension]
            if m.table.name == top[3]:
                options = [top]
            if options:
                c = m.table.columns[options[0][4]]
                refs.append(ColumnRef(m.table.name, c.position, c.name))
        return tuple(refs), dimension, top[0]

    def _items(self, values: list[ValueLink], tls, question: str = "") -> list[Filter]:
        """The two rows a comparison names, in the question's order: cells of one column
        that each name one row; of a family, one column by name across its tables
        ("small or standard": the partitions allocatable by resources and by node)."""
        by_column: dict[tuple[str, str], list[ValueLink]] = {}
        for v in values:
            if v.rows == 1 or (v.key and v.kind != "contains"):
                family = self.catalog.by_name[v.column.table].family or v.column.table
                by_column.setdefault((family, fold(v.column.name)), []).append(v)
        best: list[ValueLink] = []
        for options in by_column.values():
            spans: dict[tuple[int, int], list[ValueLink]] = {}
            for v in options:
                spans.setdefault((v.start, v.end), []).append(v)
            distinct = []
            for span in sorted(spans, key=lambda s: -(s[1] - s[0])):
                if any(d.start <= span[0] and span[1] <= d.end for d in distinct):
                    continue
                group = spans[span]
                strongest = max(v.strength for v in group)
                group = [v for v in group if v.strength == strongest]
                if len({v.value for v in group}) == 1:
                    distinct.append(group[0])
            if len({v.value for v in distinct}) >= 2 and (
                    len(distinct) > len(best) or (len(distinct) == len(best) and
                                                  sum(v.key for v in distinct) >
                                                  sum(v.key for v in best))):
                best = distinct
        best.sort(key=lambda v: v.start)
        best = best[:2]
        joins = list(_JOINS.finditer(question))
        parts = alternatives(question) if joins and joins[-1].group().strip().lower() != \
            "than" else []  # "A or B" names both there; "A is larger than B" names A before
        if len(best) == 2 and len(parts) == 2 and not all(
                s <= v.start and v.end <= e for v, (s, e) in zip(best, parts)):
            return []  # "which is the more powerful system: LUMI or Leonardo?": not "system"
        return [Item(v.column, v.value, v.start, v.end) .filter for v in best]

    def _start_and_end(self, tls: list[TableLinks]) -> list[Filter]:
        """"How many hours a day is it open?": the end and the start of a table of times of
        day whose first column names its rows so ("Start", "End"; "Opens", "Closes"; "From",
        "To"), end first (the hours from the one to the other)."""
        for m in tls:
            if not m.table.columns or not any(CLOCK in c.dimensions for c in m.table.columns):
                continue
            column = m.table.columns[0]
            ref = ColumnRef(m.table.name, 0, column.name)
            found = {}
            for value in column.values:
                word = value.strip().strip("*").lower()
                for side, said in (("start", _STARTS), ("end", _ENDS)):
                    if word in said:
                        found.setdefault(side, value)
            if len(found) == 2 and m.table.rows == 2:
                return [Filter((ref,), "=", found["end"], said=found["end"]),
                        Filter((ref,), "=", found["start"], said=found["start"])]
        return []

    def _presence_items(self, question: str, tls: list[TableLinks]) -> list[Filter]:
        """"Which nodes have more memory: the ones with A40 GPUs or the ones without GPUs?":
        the two rows of "A or B" in one table, where one or both are named not by a cell but
        by a column their cell leaves missing ("none") or gives, in words said in that part
        (presence.py); each part names exactly one row."""
        parts = alternatives(question)
        if len(parts) != 2:
            return []
        for m in tls:
            found = [self._one_row_in(question, m, part) for part in parts]
            for n in (0, 1):  # "the GPU nodes or the nodes without GPUs": those with them
                other = found[1 - n]
                if found[n] is None and other is not None and other.operator == "missing":
                    found[n] = self._given_in(question, m, parts[n], other.columns[0])
                if found[n] is None and other is not None and \
                        other.operator in ("missing", "given", "contains", "="):
                    found[n] = self._elided(question, m, parts[n], other)
            if all(found) and found[0].to_dict() != found[1].to_dict() and any(
                    f.operator in ("missing", "given") for f in found):
                return found
        return []

    def _elided(self, question: str, m: TableLinks, part: tuple[int, int],
                other: Filter) -> Filter | None:
        """"the ones with GPUs or the ones without": the one row whose cell of the column the
        other alternative names is the other way (missing where it is given, or given); "the
        ones with the A40 GPUs or the ones without": a cell named gives it."""
        if not re.search(r"\bwith(?:out)?\s*$", question[part[0]:part[1]], re.I):
            return None
        if other.operator in ("contains", "=") and not re.search(
                r"\bwithout\s*$", question[part[0]:part[1]], re.I):
            return None  # "the A40 ones or the ones with": no row the other way
        state = "missing" if other.operator != "missing" else "given"
        ref = other.columns[0]
        missing = _missing_rows(m.table.columns[ref.position])
        if ref.table != m.table.name or \
                (missing if state == "missing" else m.table.rows - missing) != 1:
            return None
        return Filter((ref,), state, "", said=question[part[0]:part[1]].strip(),
                      said_start=part[0], said_end=part[1])

    def _given_in(self, question: str, m: TableLinks, part: tuple[int, int],
                  ref: ColumnRef) -> Filter | None:
        """The one row that gives a cell in this column, where these words name the
        column plainly (the other alternative having named the rows without it)."""
        text = question[part[0]:part[1]]
        column = m.table.columns[ref.position]
        said = {singular(w) for w in keywords(column.name)}  # "the GPU nodes": GPUs
        missing = _missing_rows(column)
        if not said or not said <= {singular(w) for w in keywords(text)} or \
                m.table.rows - missing != 1:
            return None
        return Filter((ref,), GIVEN, "", said=text.strip(), said_start=part[0],
                      said_end=part[1])

    def _one_row_in(self, question: str, m: TableLinks,
                    part: tuple[int, int]) -> Filter | None:
        """The one row of a table that these words of the question name: by a cell of it
        alone, or by a column its cell leaves missing or gives (see `_presence_items`)."""
        start, end = part
        cells = [v for v in m.values if start <= v.start and v.end <= end and v.rows == 1]
        if len({v.value for v in cells}) == 1:
            v = cells[0]
            return Item(v.column, v.value, v.start, v.end).filter
        text = question[start:end]
        tokens = tokenize(text)
        for column in m.table.columns:
            strength, where = column_mention(column.name, text, tokens)
            if strength < 0.99:
                continue
            mention = {column.position: (start + where[0], start + where[1])}
            has_missing = functools.partial(self._has_missing, m.table)
            for p in presences(question, mention, {column.position: strength}, has_missing):
                missing = _missing_rows(column)
                rows = missing if p.state == "missing" else m.table.rows - missing
                if rows == 1 and (missing or p.state == "missing"):
                    return Filter((ColumnRef(m.table.name, column.position, column.name),),
                                  p.state, "", said=question[p.start:p.end],
                                  said_start=p.start, said_end=p.end)
        return None

    def _group_items(self, what: Asked, values: list[ValueLink], tls: list[TableLinks],
                     entity_words: set[str], question: str) -> list[Filter]:
        """"Does Poland or Italy have more AI factories?": the two values of one column (not
        the rows' names) that "A or B" / "A than B" name, when what is compared is the
        things the table lists (its rows are counted for each value)."""
        parts = alternatives(question)
        if len(parts) != 2:
            return []
        # the words of the two values themselves ("more high-confidence or medium-confidence
        # entries") and "more common" ask for no measure: what is compared is then the rows
        said = set().union(*[keywords(question[a:b]) for a, b in parts])
        asked_words = set(what.attribute) - EXPLAINED_ANYWAY - said - _MORE_ROWS
        names = set().union(*[self._names[m.table.name] for m in tls])
        if not asked_words <= entity_words | names or not (
                asked_words & entity_words or not asked_words and (
                    keywords(question) & entity_words or set(what.attribute) & _MORE_ROWS)):
            return []
        found: list[Filter] = []
        for start, end in parts:
            # a cell said whole, or as the first half of a compound ("high-confidence")
            options = [v for v in values if start <= v.start and v.end <= end and not v.key
                       and (v.kind in ("exact", "demonym") or v.kind == "contains" and
                            _said_whole(question[v.start:v.end], v))]
            if not options or len({(fold(v.value), v.column.name) for v in options}) != 1:
                return []
            columns = tuple(dict.fromkeys(v.column for v in options))
            found.append(Filter(columns, "=", options[0].value, said=options[0].value,
                                said_start=options[0].start, said_end=options[0].end))
        if found[0].columns != found[1].columns or \
                fold(str(found[0].value)) == fold(str(found[1].value)):
            return []
        return found

    def _weight(self, question: str, tls: list[TableLinks],
                measure: tuple[ColumnRef, ...]):
        """"The combined memory of all LUMI-D nodes" of a table whose rows are kinds of node,
        each with a column "Nodes" (how many of that kind): that column, by which each row's
        figure is multiplied. Its name must be the plural noun alone, said in the question,
        its cells all plain counts; () where none has one, None where only some tables do
        or where the question asks of each one ("How many cores does each node have?": a
        figure of one row, not a total; no plan)."""
        said = {singular(w) for w in re.findall(r"[A-Za-z]+", question.lower())}
        each = {singular(w) for m in re.finditer(r"\b(?:each|every|per|single)\s+((?:\S+\s*){1,3})",
                                                 question.lower())
                for w in re.findall(r"[a-z]+", m.group(1))}  # "each LUMI-C node": node
        refs = []
        for m in tls:
            measured = {r.position for r in measure if r.table == m.table.name}
            found = None
            for column in m.table.columns:
                name = column.name.strip()
                if column.position in measured or not re.fullmatch(r"[A-Za-z]+s", name) or \
                        singular(name.lower()) not in said:
                    continue
                cells = [v for v in column.values if v.strip()]
                if cells and all(re.fullmatch(r"\d[\d,]*", v.strip()) for v in cells) and \
                        (column.dimensions.get(NUMBER) or {}).get("cells", 0) >= m.table.rows:
                    if singular(name.lower()) in each:
                        return None  # "cores does each node have": one node's, no total
                    found = ColumnRef(m.table.name, column.position, column.name)
                    break
            if found:
                refs.append(found)
        if refs and measure and len(refs) != len({r.table for r in measure}):
            return None
        return tuple(refs)

    def _figures_lead(self, measure: tuple[ColumnRef, ...]) -> bool:
        """Do at least half the cells of each measured column begin with their figure?"""
        by_name = {t.name: t for t in self.tables}
        for ref in measure:
            cells = [v for v in by_name[ref.table].columns[ref.position].values if v.strip()]
            if cells and sum(bool(re.match(r"\s*[~<>≈]?\s*[\d.]", v)) for v in cells) < \
                    0.5 * len(cells):
                return False
        return True

    def _counted_column(self, what: Asked, tls: list[TableLinks]) -> tuple[ColumnRef, ...]:
        """"How many nodes ...?" of a table with a column "Nodes" of plain numbers: that
        column, to be added up (a row per node type is not a node)."""
        asked_words = set(what.entity) - GENERIC_STEMS
        refs = []
        for m in tls:
            for column in m.table.columns:
                info = column.dimensions.get(NUMBER)
                if info and info["cells"] >= 0.8 * m.table.rows and \
                        keywords(column.name) and keywords(column.name) <= asked_words:
                    refs.append(ColumnRef(m.table.name, column.position, column.name))
                    break
        return tuple(refs) if len(refs) == len(tls) else ()

    def _loose_items(self, question: str, tls: list[TableLinks]) -> list[Filter]:
        """The two rows of "A or B" / "A than B" when the question names them loosely ("my
        home directory" for the row "User home"): in each part, the one row name of the
        table that shares most of its words, not shared with the table's own names."""
        parts = alternatives(question)
        if len(parts) != 2:
            return []
        for m in tls:
            if not m.table.columns:
                continue
            column = m.table.columns[0]
            ref = ColumnRef(m.table.name, 0, column.name)
            named = self._names[m.table.name]
            found = []
            for start, end in parts:
                words_of = keywords(question[start:end]) - named - GENERIC_STEMS
                scores = [(len(words_of & keywords(v)), v) for v in column.values]
                scores = [x for x in scores if x[0] > 0]
                scores.sort(key=lambda x: -x[0])
                if not scores or (len(scores) > 1 and scores[1][0] == scores[0][0]):
                    break
                found.append(Filter((ref,), "=", scores[0][1], said=question[start:end].strip(),
                                    said_start=start, said_end=end))
            if len(found) == 2 and found[0].value != found[1].value:
                return found
        return []

    def _loosely_excluded(self, question: str, start: int,
                          tls: list[TableLinks]) -> list[Filter]:
        """"Apart from the benchmarking partition" where a row is named "bench": the word
        after "apart from", "except" ... that one row name of a table begins (a name of four
        letters or more, the word longer), when no row is named as written."""
        match = re.match(r"\s*(?:the\s+)?([\w-]+)", question[start:])
        if not match:
            return []
        word = match.group(1).lower()
        for m in tls:
            if not m.table.columns:
                continue
            column = m.table.columns[0]
            names = {v for v in column.values if len(v) >= 4 and len(word) > len(v) and
                     word.startswith(v.lower())}
            if len(names) == 1:
                return [Filter((ColumnRef(m.table.name, 0, column.name),), "excludes",
                               names.pop(), said=match.group(1))]
        return []

    def _has_missing(self, table: TableInfo, position: int) -> bool:
        """Whether a column has a cell that gives no value (see `presence.py`)."""
        return self._column_fact("missing", lambda cells: any(map(is_missing, cells)), table,
                                 position)

    def _qualifiers(self, measure: tuple[ColumnRef, ...], dimension: str) -> set[str]:
        """The words that follow a figure of the dimension in the measured columns' cells,
        up to the next figure ("65 PFlops double precision and 650 PFlops mixed-precision":
        double, precision, mixed)."""
        found: set[str] = set()
        for ref in measure:
            key = (ref.table, ref.position, dimension)
            if key not in self._qualifier_words:  # worked out once a column and dimension
                words_of: set[str] = set()
                table = self.catalog.by_name[ref.table]
                for cell in table.columns[ref.position].values[:200]:
                    figures = [q for q in quantities(cell) if q.dimension == dimension]
                    for n, q in enumerate(figures):
                        end = figures[n + 1].start if n + 1 < len(figures) else len(cell)
                        words_of |= keywords(cell[q.end:end])
                self._qualifier_words[key] = frozenset(words_of - GENERIC_STEMS)
            found |= self._qualifier_words[key]
        return found

    def _column_fact(self, fact: str, test, table: TableInfo, position: int) -> bool:
        """`test` of a column's cell texts, worked out once a column (a fact of the catalog,
        asked again on every question that names the column)."""
        key = (fact, table.name, position)
        found = self._column_facts.get(key)
        if found is None:
            found = self._column_facts[key] = test(table.columns[position].values)
        return found

    def _held_words(self, name: str) -> tuple[frozenset[str], list[frozenset[str]]]:
        """The words a table itself holds (its title's, its columns' names, its cells'), and
        those of each of its rows' names, of its first thousand rows; read once a table,
        where a negation asks for them."""
        found = self._held.get(name)
        if found is None:
            table = self.catalog.by_name[name]
            held = keywords(table.title)
            for column in table.columns:
                held |= keywords(column.name)
                for value in column.values[:1000]:
                    held |= keywords(value)
            rows = [frozenset(keywords(v)) for v in table.columns[0].values[:1000]] \
                if table.columns else []
            found = self._held[name] = (frozenset(held), rows)
        return found

    def _exists(self, question: str, at: int, tls: list[TableLinks]) -> bool:
        """Is the bound ending at `at` "at least one <what the tables list>" ("how many
        countries host at least one factory")? Then it is what a value's rows being counted
        already says (one row or more), no bound of its own."""
        match = re.match(r"\s+(?:one|a|a\s+single)\s+([\w-]+)", question[at:], re.I)
        listed = set().union(*[self._lists[m.table.name] for m in tls])
        return bool(match) and bool(keywords(match.group(1)) & listed)

    def _subject_accounted(self, question: str, tls: list[TableLinks],
                           spans: list[tuple[int, int]]) -> bool:
        """"How many X does <subject> have?" counts rows only where the subject is what the
        plan's tables, their documents or its conditions name ("does Poland have": a filter;
        "does LUMI-C have": the table of LUMI-C's nodes; "does LUMI have": the LUMI guide's);
        else it asks for a figure of the subject."""
        match = _HAS_SUBJECT.search(question)
        if match is None:
            return True
        start, end = match.span("subject")
        said = {w for s, e in spans if s < end and start < e
                for w in keywords(question[max(s, start):min(e, end)])}
        named = set().union(*[m.distinct | self._folders[m.table.name] |
                              keywords(m.table.document_title) for m in tls])
        wanted = keywords(match.group("subject")) - GENERIC_STEMS - EXPLAINED_ANYWAY
        return wanted <= said | named

    def _values_asked(self, asked_entity: list[str], tls: list[TableLinks],
                      question: str) -> tuple[ColumnRef, ...]:
        """"Which countries have AI factories ...?" of a table of factories with a country
        column: that column in each table, where the question asks for what a column holds
        (the words of its name, not the first column's) and also names what the table lists;
        else (). Not where the question names one row ("which partitions does
        MareNostrum 5 have": a look-up)."""
        wanted = set(asked_entity)
        if not wanted:
            return ()
        rest = keywords(question) - wanted
        if any(not (self._lists[m.table.name] - GENERIC_STEMS) & rest for m in tls):
            return ()
        # names, not figures ("CPU cores": 128)
        return _one_column_named(wanted, tls, GENERIC_STEMS, figures=False)

    def _figures_asked(self, asked_entity: list[str], tls: list[TableLinks]
                       ) -> tuple[ColumnRef, ...]:
        """"What memory sizes do ...": the one column of figures in each table whose name is
        what the question asks for (its words, beyond generic ones); else ()."""
        plain = GENERIC_STEMS | EXPLAINED_ANYWAY  # "sizes", "maximum"
        wanted = set(asked_entity) - plain
        return _one_column_named(wanted, tls, plain, figures=True) if wanted else ()

    def _group(self, what: Asked, tls,
               named_whole: set[ColumnRef] | None = None) -> tuple[ColumnRef, ...]:
        """"Which country has the most ...": the column counted by, whose name holds the
        noun. With `named_whole` (for "the most common robot class"), else the column whose
        whole name the words say (the longest such, not one of `named_whole`)."""
        noun = keywords(what.group or "")
        refs = []
        for m in tls:
            column = next((c for c in m.table.columns
                           if noun and noun <= keywords(c.name)), None)
            if column is None and named_whole is not None:
                named = [c for c in m.table.columns if keywords(c.name) and
                         keywords(c.name) <= noun and
                         ColumnRef(m.table.name, c.position, c.name) not in named_whole]
                column = max(named, key=lambda c: len(keywords(c.name)), default=None)
            if column is not None:
                refs.append(ColumnRef(m.table.name, column.position, column.name))
        return tuple(refs)


# "How many CPU cores per node ...", "how many GPUs on each node": so many of one thing for
# each of another, a figure some row states, never the number of rows that meet conditions
_PER_UNIT = re.compile(
    r"\bhow many\s+(?:[\w-]+\s+){1,3}?(?:per|(?:for|in|on|of)?\s*(?:each|every))\s+"
    r"(?:single\s+)?[a-z][\w-]*", re.I)
# "How many GPUs does a LUMI-G node have?": the thing whose figure a count may ask for
_HAS_SUBJECT = re.compile(
    r"\bhow many\b[^?]*?\b(?:does|do|did|can|could|will|would)\s+(?P<subject>[^?]+?)\s+"
    r"(?:have|hold|contain|offer|provide|get|include|support|use|run|need|allow|give)\b",
    re.I)
@dataclass
class Item:
    """One of the rows a comparison names: its cell, and where the question names it."""

    column: ColumnRef
    value: str
    start: int
    end: int

    @property
    def filter(self) -> Filter:
        return Filter((self.column,), "=", self.value, said=self.value,
                      said_start=self.start, said_end=self.end)


# How a table of times of day names its two rows (see `Linker._start_and_end`).
_STARTS = frozenset("start starts opens open opening from begin begins first".split())
_ENDS = frozenset("end ends closes close closing to until last".split())
# The words of hours from a time of day to another ("how many hours a day is it open")
_SPAN_STEMS = frozenset(keywords("hours hour long day days daily weekday weekdays working "
                                 "open opened staffed manned available"))

def _missing_rows(column: ColumnInfo) -> int:
    """How many rows leave the column's cell missing (see presence.py)."""
    return sum(n for v, n in zip(column.values, column.counts or [1] * len(column.values))
               if is_missing(v))


def _names_next(text: str, name: str) -> bool:
    """Does the text start with a word of the name ("[a bigger] quota")?"""
    match = re.match(r"\s{1,2}([\w'’-]+)", text)
    return bool(match and keywords(match.group(1)) & keywords(name))


_AMERICAN_IZ = re.compile(r"(?<=\w{3})iz(?=(?:e|es|ed|ing|ation|ations)$)")


def _other_spelling(word: str) -> str:
    """A word in the other of British and American spellings: "optimised" <-> "optimized",
    "organisation" <-> "organization" (the American form as `lexical.american` gives it);
    other words as they are."""
    spelled = american(word)
    return spelled if spelled != word else _AMERICAN_IZ.sub("is", word)


def _needle(value: str, candidate) -> str:
    """The words a "contains" filter looks for, as the cell writes them."""
    low = fold(value)
    phrase = " ".join(candidate)
    at = low.find(phrase)
    return value[at:at + len(phrase)] if at >= 0 else phrase


def _members_of_period(times: list[TimeCondition], tls: list[TableLinks],
                       family: int) -> tuple[list[TableLinks], bool]:
    """"Which AI factories were selected in 2025?" of a family (of `family` tables) whose
    tables' names state their periods ("Dec 2024 selection", "2025 selections"): the tables of
    that period only, and whether they are fewer than the family (a condition, as a filter
    would be)."""
    if family < 2:
        return tls, False
    times = [t for t in times if not t.bound and t.low is not None and t.exact]
    if len(times) != 1:
        return tls, False
    t = times[0]
    inside = [m for m in tls if any(
        t.low <= low and high <= t.high for low, high in
        periods(" ".join((m.table.title, m.table.caption, m.table.section or ""))))]
    if not inside or len(inside) == family:
        return tls, False
    return inside, True


def _either(filters: list[Filter]) -> list[Filter]:
    """"Of A, B and C, which ...": several rows named by their first column are a set to
    choose among, not conditions that must all hold."""
    by_columns: dict[tuple, list[Filter]] = {}
    for f in filters:
        if f.operator in ("=", "contains", "in") and not f.dimension:
            # a family's tables are one list: its column of a name is one column, whichever
            # of its tables hold the value ("Spain or Italy": Italy in one table only)
            by_columns.setdefault(tuple(sorted({c.name for c in f.columns})), []).append(f)
    labelled = next((group for key, group in by_columns.items()
                     if len(group) >= 2), None)  # "for Spain and for Poland": either
    if labelled is None:
        labelled = [f for f in filters if f.operator in ("=", "contains", "in") and
                    all(c.position == 0 for c in f.columns)]
    if len(labelled) < 2:
        return filters
    values: dict[str, str] = {}  # "incoming" and "Incoming": one value
    for f in labelled:
        for value in f.value if isinstance(f.value, tuple) else (str(f.value),):
            values.setdefault(str(value).lower(), value)
    columns = tuple(dict.fromkeys(c for f in labelled for c in f.columns))
    said = ", ".join(f.said for f in labelled)
    if len(values) == 1 and all(f.operator == "contains" for f in labelled):
        return [f for f in filters if f not in labelled] + [
            Filter(columns, "contains", next(iter(values.values())), said=said)]
    return [f for f in filters if f not in labelled] + [
        Filter(columns, "in", tuple(values.values()), said=said)]


def _covered(lows: list[str], cell_lows: list[str]) -> tuple[int, int] | None:
    """Where the question says all the content words of a cell of several, close together
    (at most two other words among them): the first and last token, or None."""
    content = {w for w in cell_lows if w not in STOPWORDS}
    if len({w for w in content if not w.isdigit()}) < 2 or not content <= set(lows):
        return None
    first, last = _tightest(lows, content)
    return (first, last) if last - first + 1 <= len(cell_lows) + 2 else None


def _tightest(lows: list[str], wanted: set[str]) -> tuple[int, int]:
    """The shortest run of tokens holding every wanted word (first and last index)."""
    best = (0, len(lows) - 1)
    for i, w in enumerate(lows):
        if w not in wanted:
            continue
        seen: set[str] = set()
        for j in range(i, len(lows)):
            if lows[j] in wanted:
                seen.add(lows[j])
            if seen == wanted:
                if j - i < best[1] - best[0]:
                    best = (i, j)
                break
    return best


def _find(haystack: list[str], needle: list[str]) -> tuple[int, int] | None:
    n = len(needle)
    if not n:
        return None
    for i in range(len(haystack) - n + 1):
        if haystack[i:i + n] == needle:
            return i, i + n
    return None


_DEMONYM_ENDINGS = re.compile(r"(?:ish|ese|ian|ean|an|ch)$")


def _demonym_of(word: str, value: str) -> bool:
    """"german" and "germany", "polish" and "poland", "spanish" and "spain": a people's word
    and a one-word place share their root (from the data: no list of places)."""
    if word == value or len(word) < 5 or not word.isalpha() or \
            not _DEMONYM_ENDINGS.search(word):
        return False
    root = _DEMONYM_ENDINGS.sub("", word)
    if len(root) < 3:
        return False
    common = 0
    for a, b in zip(root, value):
        if a != b:
            break
        common += 1
    return value.startswith(root) or (common >= 3 and common >= len(root) - 1) or (
        common >= 2 and len(_consonants(root)) >= 3  # "french": france
        and _consonants(value).startswith(_consonants(root)))


def _consonants(word: str) -> str:
    return re.sub(r"[aeiouy]", "", word)


def column_mention(name: str, question: str, tokens: list[Token]):
    """How much of a column's name the question says (1.0: all its words), and where."""
    name_words = keywords(name) - {"no"}
    if not name_words:
        return 0.0, (0, 0)
    positions, found = [], set()
    for t in tokens:
        hit = keywords(t.text) & name_words
        if hit:
            found |= hit
            positions.append((t.start, t.end))
    squashed = squash(name)
    if len(squashed) >= 5 and said_whole(squashed, [squash(t.text) for t in tokens]):
        found = name_words
    if not found:
        return 0.0, (0, 0)
    strength = len(found) / len(name_words)
    if found <= GENERIC_STEMS:
        strength *= 0.3
    where = (positions[0][0], positions[-1][1]) if positions else (0, 0)
    return strength, where


def _unit_asked(question: str, f: Filter) -> bool:
    """"..., in TiB?": a unit the answer is asked in, not a cell to look for."""
    if f.dimension or not f.said:
        return False
    at = question.find(f.said)
    if at < 0 or not re.search(r"\b(?:in|as)\s+$", question[:at], re.I):
        return False
    found = quantities("1 " + f.said)
    return len(found) == 1 and found[0].dimension not in (NUMBER, DATE) and \
        not found[0].dimension.startswith(COUNT) and found[0].end == len(f.said) + 2


def said_whole(squashed: str, said: list[str]) -> bool:
    """Is a name, run together, said as whole words ("Max jobs" in "max jobs", "maxjobs",
    "max-jobs"), not inside a word ("Command" in "subcommands")? A plural ending allowed."""
    for i in range(len(said)):
        run = ""
        for word in said[i:]:
            run += word
            if run.startswith(squashed) and run[len(squashed):] in ("", "s", "es"):
                return True
            if len(run) >= len(squashed):
                break
    return False


_JOINS = re.compile(r"\s(?:or|than|vs\.?|versus)\s", re.I)
_DATA_FILE = re.compile(r"\bdata\s+files?\b", re.I)
# "which part of the IT4LIA infrastructure ...", "how many parts of ...": its rows, whatever
# they are called (not "as part of their base system")
_PARTS_OF = re.compile(r"\b(?:which|what|how\s+many)\s+(parts?)\s+(?:of|in|within)\b", re.I)
# Words for the rows of a first column that name one another's rows (English, for any
# corpus): a column "Option" lists flags.
_SAME_ROWS = tuple(frozenset(keywords(text)) for text in (
    "option options flag flags switch switches",))
_COMPARATIVES = frozenset(MORE.split("|")) | frozenset(LESS.split("|"))
_STOPS = frozenset("in on at for to from of between is are was were does do did has have had can "
                   "could will would which what who whose whether".split()) | _COMPARATIVES


def _links_of(tls: list[TableLinks]) -> list[str]:
    """What the question's words were linked to, table by table (a plan's `links`)."""
    return [f"{m.table.label}: " + ", ".join(sorted(m.distinct)) for m in tls if m.distinct]


def _said_whole(text: str, link: ValueLink) -> bool:
    """A cell said whole, alone or before its column's name ("high-confidence")."""
    head, _dash, rest = fold(text).partition("-")
    return head == fold(link.value) and keywords(rest) <= keywords(link.column.name)


def _listed_apart(question: str, filters: list[Filter]):
    """A list in brackets ("(home, project, scratch, flash)") whose names the filters find
    only some of: (how many names it lists, the filters said inside it); None otherwise."""
    for m in re.finditer(r"\(([^()]{3,160})\)", question):
        names = [n for n in re.split(r"\s*(?:,|\band\b|\bor\b)\s*", m.group(1)) if n.strip()]
        if len(names) < 3:
            continue
        inside = [f for f in filters if f.said and m.start() <= question.find(f.said) < m.end()]
        values = {str(v).lower() for f in inside
                  for v in (f.value if isinstance(f.value, tuple) else (f.value,))}
        if inside and len(values) < len(names):
            return len(names), inside
    return None


DEFAULT = "default"
# "Are high or medium confidence entries more common?": more rows, not more of a measure
_MORE_ROWS = keywords("common frequent numerous usual often")


def _one_column_named(wanted: set[str], tls: list[TableLinks], plain: set[str],
                      figures: bool) -> tuple[ColumnRef, ...]:
    """In each table, the one column past the first whose name, less `plain` words, is the
    words `wanted`, of figures (at least half its cells typed) or of names as `figures` says;
    () where a table has none or several."""
    refs = []
    for m in tls:
        found = [c for c in m.table.columns[1:]
                 if wanted == keywords(c.name) - plain and figures == any(
                     d["cells"] >= 0.5 * max(1, m.table.rows) for d in c.dimensions.values())]
        if len(found) != 1:
            return ()
        refs.append(ColumnRef(m.table.name, found[0].position, found[0].name))
    return tuple(refs)


def _named_elsewhere(link, links, mentioned: dict[str, dict[int, float]]) -> bool:
    """"named rather than unknown", where "unknown" is a cell of two columns: the link is
    to a column the question does not name while the same words link to one it names."""
    def named(v) -> bool:
        return mentioned.get(v.column.table, {}).get(v.column.position, 0.0) > 0
    return not named(link) and any(v is not link and (v.start, v.end) == (link.start, link.end)
                                   and named(v) for v in links)


def _leads_to_condition(question: str, end: int, filters) -> bool:
    """"hosted somewhere other than Finland": a column's word that leads, within three words,
    to a condition the plan sets (on the country) is the condition's verb, not a column asked
    about."""
    for f in filters:
        at = question.find(f.said, end) if f.said else -1
        between = question[end:at] if at >= 0 else ""
        if at >= 0 and len(between.split()) <= 3 and \
                not re.search(r"[,;:?]|\b(?:and|or|but)\b", between, re.I):
            return True
    return False


def _exclusion_lead(question: str, start: int | None, excluded) -> list[tuple[int, int]]:
    """"rather than lasting for the user or project lifetime": the few words between the
    words that set rows aside and the first cell they name belong to the setting aside."""
    named = [v.start for v in excluded if v.rows and v.kind != "contains"]
    if start is None or not named or min(named) <= start:
        return []
    if len(question[start:min(named)].split()) > 3:
        return []
    return [(start, min(named))]


def _contrast_of_given(question: str, start: int | None, filters: list[Filter],
                       tls: list[TableLinks]) -> list[tuple[int, int]]:
    """"a retention period counted in days rather than tied to a lifetime": where a condition
    keeps the rows whose column gives a figure, the words after "rather than" that say what
    the other cells of that column hold ("lifetime": "User lifetime") are the rows it sets
    aside, no condition of their own; the clause, up to its end, is accounted for."""
    given = [r for f in filters if f.operator == GIVEN and f.dimension for r in f.columns]
    if start is None or not given:
        return []
    end = re.search(r"[,;?.!]|$", question[start:]).start() + start
    cells = {w for m in tls for r in given if r.table == m.table.name
             for value in m.table.columns[r.position].values for w in keywords(value)}
    return [(start, end)] if keywords(question[start:end]) & cells else []


def alternatives(question: str) -> list[tuple[int, int]]:
    """Where "A or B" / "A than B" name the two things compared: the words either side, up to
    a comma, a preposition, a verb or a comparative (at most five each)."""
    joins = list(_JOINS.finditer(question))
    if not joins:
        between = BETWEEN_TWO.search(question)
        return [between.span("a"), between.span("b")] if between else []
    join = joins[-1]
    left = list(re.finditer(r"[\w'’/.+-]+|[,:;]", question[:join.start()]))
    kept = []
    for m in reversed(left):
        if m.group() in ",:;" or m.group().lower() in _STOPS or len(kept) == 5:
            break
        kept.append(m)
    right = []
    for m in re.finditer(r"[\w'’/.+-]+|[,?;:]", question[join.end():]):
        word = m.group().lower()
        if not right and (word in ("in", "on", "at", "for", "the", "a", "an", "of") or
                          word in _COMPARATIVES):
            continue  # "... or more of the 2025 ones", "or in the later 2025 selections"
        if word in (",", "?", ";", ":") or word in _STOPS or len(right) == 5:
            break
        right.append(m)
    if not kept and join.group().strip().lower() == "than":
        # "how many more factories does Poland have than Italy": the subject of the verb
        subject = re.search(r"\b(?:does|do|did|is|are|can|will)\s+(?P<a>[^,;?]{1,40}?)\s+"
                            r"(?:have|has|get|hold|list|offer|allow|contain|host)\s+$",
                            question[:join.start()] + " ", re.I)
        if subject and right:
            offset = join.end()
            return [subject.span("a"), (offset + right[0].start(), offset + right[-1].end())]
    if not kept or not right:
        return []
    offset = join.end()
    return [(kept[-1].start(), kept[0].end()),
            (offset + right[0].start(), offset + right[-1].end())]


def _same_kind(plan: Plan, other: Plan) -> bool:
    """Two plans over different tables that compute the same thing (both shown)."""
    return plan.aggregate == other.aggregate and \
        sorted(f.said for f in plan.filters) == sorted(f.said for f in other.filters) and \
        [f.said for f in plan.items] == [f.said for f in other.items]
