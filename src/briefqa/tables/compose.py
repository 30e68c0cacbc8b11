"""Compose: a computed result in words, with every row it used cited (see answerer.py).

    Computed: 2 rows of ‘AI factories’ (ai_factories.csv) have country “Poland”:
    PIAST [1], Gaia AI Factory [2].

- The sentence that states the result is briefqa's own, not a quote: it begins "Computed:".
  Every figure in it is a cell of a cited row, or what briefqa computed from them (a count,
  a sum, a difference), said as such.
- Every counted, listed or compared row is a citation: its quote is the row's text in its
  document (`source_text[start:end] == quote`).
- `Answer.short` is the result: for a figure that is a cell, a span of the first cited row's
  quote; for a count, a sum or a difference there is no quote to point into, so the span's
  `citation` is 0, meaning "briefqa's own statement" (and its start and end are -1).
- `Answer.computation` is the plan as data: tables, filters, aggregate, the result, whether an
  approximate cell went into it, and the rows (for the chat's small table).
- Two tables that list the same things give both results, each with its table; where they
  differ, `disagreements` and a note say so. Figures that are not comparable as stated
  (different units, text) are both shown, with no winner; approximate cells and bounds are
  said to be approximate.
"""

from __future__ import annotations

import re

from ..answer import Answer, Citation, Disagreement, Span
from ..lexical import fold
from .aliases import ALIASED, SINGLE
from .asked import ALL_DIMENSION_STEMS, DIMENSION_STEMS, GENERIC_STEMS, keywords
from .execute import Result, RowResult
from .matrix import MatrixFinding
from .namewords import NAMED
from .plan import HAVING_WORDS, TABLE_GROUP, Filter, Linked, Plan
from .presence import GIVEN, MISSING
from .prose import ProseFinding
from .sameness import DIFFERS, SAME
from .store import TableCatalog, TableInfo
from .values import CLOCK, DATE, NUMBER, SECONDS, describe, plain, plural, quantities, singular
from .vocabulary import is_action

COMPUTED = "computed"
SHOWN_ROWS = 25  # rows named in the answer's sentence; all are cited
APPROXIMATE = " (approximate: a figure is stated with “~”, “>” or “up to”)"
TABLE_ROWS = 50  # rows shown in the chat's table
_OPERATOR_WORDS = {"=": "is", "!=": "is not", "contains": "includes",
                   "excludes": "does not include", ">": "is above", ">=": "is at least",
                   "<": "is below", "<=": "is at most"}
_QUALIFIER_WORDS = {"~": "approximate", ">": "a lower bound", "<": "an upper bound"}
_DATE_OPERATOR_WORDS = {"=": "is", ">": "is after", ">=": "is on or after", "<": "is before",
                        "<=": "is on or before"}

def titled(tables: list) -> str:
    """How an answer names several tables by their titles: "‘A’ and ‘B’", or, for tables of
    one section under its title, "the 2 tables ‘A’"."""
    titles = list(dict.fromkeys(t.title for t in tables))
    if len(titles) == 1 and len(tables) > 1:
        return f"the {len(tables)} tables ‘{titles[0]}’"
    return " and ".join(f"‘{t}’" for t in titles)


def _read_as(results: list[Result], question: str) -> list[str]:
    """Where the question's words for a row are not the row's name in the table ("project
    flash" for the row "Project fast", "my home directory" for "User home"): say so, so that
    the reader can check the reading."""
    out = []
    for result in results:
        for f in result.plan.items:
            if f.operator != "=" or not f.said or f.said_end <= f.said_start:
                continue
            said, value = question[f.said_start:f.said_end], str(f.value)
            if not keywords(said) <= keywords(value) and not keywords(value) <= keywords(said):
                note = f"“{' '.join(said.split())}” is read as the row “{value}”."
                if note not in out:
                    out.append(note)
    return out


def _bare_figure(cell: str) -> bool:
    """A cell that is a figure alone ("32", "1,376"): no name for a row."""
    return bool(re.fullmatch(r"[\d.,\s]+", cell))


_BOUND_RANK = {"<": -1, ">": 1}  # a cell's qualifier: below, at or beyond its figure


def _in_unit_of(texts: list[str], values: list[float], total: float) -> str | None:
    """A result in the unit its two figures are written in ("7.2 TB/s" and "9.6 TB/s":
    "16.8 TB/s"), when they share one; else None."""
    parts = [re.fullmatch(r"\s*([\d.,]+)\s*(\S.*?)\s*", t or "") for t in texts]
    if not all(parts) or parts[0].group(2) != parts[1].group(2):
        return None
    number = float(parts[0].group(1).replace(",", ""))
    if not number or not values[0]:
        return None
    figure = f"{total * number / values[0]:.6f}".rstrip("0").rstrip(".")
    return f"{figure} {parts[0].group(2)}"


class Composer:
    """The answer's words, citations and data from the results of one or more plans."""

    def __init__(self, question: str, catalog: TableCatalog, index) -> None:
        self.question = question
        self.catalog = catalog
        self.index = index
        self.citations: list[Citation] = []
        self._cited: dict[tuple[str, int], int] = {}

    # -- citations ----------------------------------------------------------------------------

    def cite(self, row: RowResult) -> int:
        table = self.catalog.by_name[row.table]
        key = (table.source, row.start)
        if key in self._cited:
            return self._cited[key]
        document = self.index.documents[table.source]
        unit = _unit_at(self.index, table.source, row.start)
        section = unit.section if unit else table.section
        page = unit.page if unit else None
        context_start = unit.context_start if unit else row.start
        context_end = max(unit.context_end if unit else row.end, row.end)
        number = len(self.citations) + 1
        self.citations.append(Citation(
            number, table.source, document.title, section, page,
            document.text[row.start:row.end], row.start, row.end,
            document.text[context_start:context_end], context_start))
        self._cited[key] = number
        return number

    def name(self, row: RowResult) -> str:
        """How a row is called: its first cell (else its first non-empty one); a bare figure
        with its column's name ("Nodes: 32")."""
        first = next(((n, c) for n, c in enumerate(row.cells) if c), None)
        if first is None:
            return "row"
        position, cell = first
        heading = self.catalog.by_name[row.table].columns[position].name \
            if row.table in self.catalog.by_name else ""
        if heading and _bare_figure(cell):
            return f"{heading}: {cell.strip()}"
        return cell

    def item_names(self, result: Result) -> list[str]:
        """How the rows compared are called: their names, or, where they share a name or
        their names are bare figures (two rows of LUMI-D's nodes, both "8"), the cell that
        told them apart in the question ("the row with no GPUs (“none”)")."""
        names = [self.name(r) for r in result.rows]
        items = [result.plan.items[r.item] if r.item is not None else None
                 for r in result.rows]
        if len(set(names)) < len(names) and all(i is not None and i.qualifier for i in items):
            # one row twice, each figure by the question's words for it: "LISA
            # (mixed-precision)", "LISA (double-precision)"
            return [f"{name} ({_qualifying(item.qualifier, name)})"
                    for name, item in zip(names, items)]
        if len(set(names)) == len(names) and not any(
                _bare_figure(next((c for c in r.cells if c), "")) for r in result.rows):
            return names
        out = []
        for row, name in zip(result.rows, names):
            item = result.plan.items[row.item] if row.item is not None else None
            ref = item.columns[0] if item is not None and item.columns else None
            cell = row.cells[ref.position] if ref is not None and \
                ref.position < len(row.cells) else None
            if cell and ref.position != 0:
                cell = " ".join(cell.split())
                out.append(f"the row with no {ref.name} (“{cell}”)" if item.operator ==
                           "missing" else f"the row whose {ref.name} is “{cell}”")
            else:
                out.append(name)
        return out

    def figure_span(self, row: RowResult, number: int, dimension: str | None) -> Span | None:
        """The measured figure inside the row's quote ("1024 GiB"), as a span."""
        citation = self.citations[number - 1]
        text = row.value_text or ""
        at = citation.quote.find(text) if text else -1
        if at < 0:
            squeezed = " ".join(text.split())
            at = citation.quote.find(squeezed) if squeezed else -1
            text = squeezed
        if at < 0:
            return None
        for q in quantities(text):
            if q.dimension == dimension:
                s, e = at + q.start, at + q.end
                return Span(citation.quote[s:e], number, citation.start + s, citation.start + e)
        return Span(citation.quote[at:at + len(text)], number, citation.start + at,
                    citation.start + at + len(text))

    # -- words --------------------------------------------------------------------------------

    def label(self, plan: Plan) -> str:
        tables = [self.catalog.by_name[t] for t in plan.tables]
        if len(tables) == 1:
            return tables[0].label
        return f"{titled(tables)} ({tables[0].source.rsplit('/', 1)[-1]})"

    def noun(self, plan: Plan, n: int) -> str:
        """What a table's rows are, in its own title's words ("factories", "partitions"),
        else "rows"."""
        table = self.catalog.by_name[plan.tables[0]]
        title = re.sub(r"\([^)]*\)", " ", table.title)
        # the title's head noun: "Slurm partitions allocatable by resources" lists partitions
        title = re.split(r"\s(?:allocatable|available|by|for|of|per|with|in|from|on)\s", title)[0]
        plurals = [] if is_action(title) else [  # "Request CPU cores": a table of options
            w for w in re.findall(r"[A-Za-z][A-Za-z-]{2,}", title)
            if w.lower().endswith("s") and not w.lower().endswith("ss")]
        if plurals:
            word = plurals[-1].lower()
            return word if n != 1 else singular(word)
        # else what its first column names ("Dependency type": dependency types)
        first = re.sub(r"\s+names?$", "", table.columns[0].name.strip(), flags=re.I) \
            if table.columns else ""
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z][A-Za-z0-9-]*){0,2}", first) and \
                len(first) >= 3:  # "Sub-command": sub-commands; "s3cmd command": s3cmd commands
            head, _, last = first.lower().rpartition(" ")
            return f"{head} {_of_column(last, n)}".strip()
        return "rows" if n != 1 else "row"

    def conditions(self, plan: Plan, filters: tuple[Filter, ...] | None = None) -> str:
        parts = []
        joined = filters is None  # the plan's own conditions: its joins are said too
        filters = list(plan.filters if filters is None else filters)
        paired = {}  # "in 2025": from its first day to its last, said once
        for f in filters:
            pair = next((g for g in filters if g.columns == f.columns and g.said == f.said
                         and g.dimension == DATE and g.operator == "<"), None)
            if f.dimension == DATE and f.operator == ">=" and pair is not None:
                paired[id(f)], paired[id(pair)] = pair, None
        for f in filters:
            column = f.columns[0].name or "its first column"
            if id(f) in paired:
                pair = paired[id(f)]
                if pair is not None:
                    last = plain(float(pair.value) - 1, DATE)
                    parts.append(f"{column} is from {plain(float(f.value), DATE)} to {last}")
            elif f.operator == MISSING:
                parts.append(f"{column} is not given (blank, “unknown”, “N/A” or the like)")
            elif f.operator == GIVEN and f.dimension:  # "Retention is given in days"
                parts.append(f"{column} gives a figure ({describe(f.dimension)})")
            elif f.operator == GIVEN:
                parts.append(f"{column} is given")
            elif f.operator == NAMED:
                parts.append(f"{column} holds the word “{f.value}”")
            elif f.operator in (ALIASED, SINGLE):
                names = "more than one name" if f.operator == ALIASED else "one name"
                parts.append(f"{column} gives {names}")
            elif f.operator in (SAME, DIFFERS):
                verb = "is the same as" if f.operator == SAME else "differs from"
                parts.append(f"{column} {verb} its {f.value} (both given)")
            elif f.operator in ("in", "not in"):
                among = "among" if f.operator == "in" else "not among"
                parts.append(f"{column} {among} " + ", ".join(f"“{v}”" for v in f.value))
            elif f.dimension == DATE:
                parts.append(f"{column} {_DATE_OPERATOR_WORDS[f.operator]} "
                             f"{plain(float(f.value), f.dimension)}")
            elif f.dimension:
                # the question's words for the figure, without its own bound ("more than")
                said = _BOUND_WORDS.sub("", f.said).strip() if f.said else ""
                parts.append(f"{column} {_OPERATOR_WORDS[f.operator]} "
                             f"{said or plain(float(f.value), f.dimension)}")
            else:
                parts.append(f"{column} {_OPERATOR_WORDS[f.operator]} “{f.value}”")
        if joined:
            for join in plan.joins:
                other = self.catalog.by_name[join.table]
                of = f"{'no' if join.negate else 'a'} row of {other.label}"
                where = self.conditions(Plan((join.table,), "list", join.filters))
                parts.append(f"{join.columns[0].name} matches the {join.other.name} of {of}"
                             + (f" whose {where}" if where else ""))
        return " and ".join(parts)

    def say_joins(self, result: Result) -> str:
        """The other table's rows a join matched, each cited (a negated join matches none:
        the condition says so)."""
        out = []
        for join, partners in zip(result.plan.joins, result.partners):
            label = self.catalog.by_name[join.table].label
            if partners:
                out.append(f" The rows of {label} matched: {self.listed(partners)}.")
        return "".join(out)

    def listed(self, rows: list[RowResult], plan: Plan | None = None) -> str:
        """The rows by name with their markers; a figure a condition is on, or the list's
        figure asked for, is shown too ("128 [1] (Memory: 512 GiB)")."""
        shown = list(dict.fromkeys(f.columns for f in (plan.filters if plan else ())
                                   if f.dimension))
        if plan is not None and plan.aggregate == "list" and plan.measure:
            shown.append(plan.measure)  # "what memory sizes ...": the figure asked, each row's
        named = []
        for r in rows:
            label = f"{self.name(r)} [{self.cite(r)}]"
            for refs in shown:
                ref = next((c for c in refs if c.table == r.table), None)
                if ref is not None and r.cells[ref.position]:
                    label += f" ({ref.name}: {r.cells[ref.position]})"
            named.append(label)
        for r in rows:
            self.cite(r)
        if len(named) > SHOWN_ROWS:
            named = named[:SHOWN_ROWS] + [f"and {len(rows) - SHOWN_ROWS} more (cited below)"]
        return ", ".join(named)

    # -- composing ----------------------------------------------------------------------------

    def compose(self, results: list[Result], linked: Linked) -> Answer:
        sentences, shorts, data, notes = [], [], [], []
        answered = False
        for result in results:
            sentence, short, done, extra = self.say(result)
            if done and result.plan.joins:
                sentence += self.say_joins(result)
            sentences.append(sentence)
            shorts.append(short)
            notes.extend(extra)
            data.append(self.record(result))
            answered = answered or done
        disagreements = []
        if len(results) > 1:
            summaries = [d.get("result") for d in data]
            if len({repr(s) for s in summaries}) > 1:
                labels = [self.label(r.plan) for r in results]
                notes.append("The tables differ: " + "; ".join(
                    f"{_said_result(s)} in {label}" for s, label in zip(summaries, labels)) + ".")
                spans = [s for s in shorts if s is not None]
                if len(spans) >= 2:
                    disagreements.append(Disagreement(self.question, spans))
            else:
                notes.append("The tables agree: " + ", ".join(
                    self.label(r.plan) for r in results) + ".")
        notes.extend(_read_as(results, self.question))
        if any(d.get("approximate") for d in data):
            notes.append("Some figures used are approximate or bounds as the documents state "
                         "them (“~”, “>”, “up to”): the result is no more exact than they are.")
        computation = dict(data[0])
        if len(data) > 1:
            computation["results"] = data
        text = " ".join(sentences)
        short = next((s for s in shorts if s is not None), None)
        status = "answered" if answered else "not_found"
        return Answer(self.question, text, answered, self.citations if answered else [],
                      confidence=min(1.0, linked.confidence / 10), mode=COMPUTED,
                      short=short if answered else None, disagreements=disagreements,
                      notes=notes, status=status, computation=computation)

    def say(self, result: Result) -> tuple[str, Span | None, bool, list[str]]:
        """One result in words: (sentence, short answer, answered?, notes)."""
        plan = result.plan
        label = self.label(plan)
        where = self.conditions(plan)
        if plan.aggregate in ("count", "list"):
            n = result.total
            if n == 0:
                return (f"Computed: no row of {label} has {where or 'a row'}.", None, False, [])
            noun = self.noun(plan, n)
            lead = f"{n} {noun} in {label}" + (f" whose {where}" if where else "")
            sentence = f"Computed: {lead}: {self.listed(result.rows, plan)}."
            extra = [f"Only the first {len(result.rows)} of {n} rows are cited."] \
                if result.truncated else []
            # "How many ...": the count; "which ...": the rows are the answer, and their
            # number alone would answer another question
            short = Span(str(n), 0, -1, -1) if plan.aggregate == "count" else None
            return sentence, short, True, extra
        if plan.aggregate == "count_by" and plan.having:
            return self.say_having(result, label, where)
        if plan.aggregate == "count_by":
            if not result.groups:
                return f"Computed: no row of {label} has {where or 'a value there'}.", None, \
                    False, []
            column = plan.group[0].name
            top = int(result.value or 0)
            if plan.items:
                return self.say_groups(result, label)
            winners = [g for g, n in result.groups if n == top]
            most = "fewest" if plan.order == "asc" else "most"
            rest = "; ".join(f"{g} {n}" for g, n in result.groups[:8])
            scope = f" whose {where}" if where else ""
            held = f"{top} each" if len(winners) > 1 else f"{top} {'row' if top == 1 else 'rows'}"
            sentence = (f"Computed: counted by {column}, the {most} rows of {label}{scope} have "
                        f"{' and '.join(f'“{w}”' for w in winners)} ({held}): "
                        f"{self.listed(result.rows)}. All counts: {rest}.")
            return sentence, Span(", ".join(winners), 0, -1, -1), True, []
        if plan.aggregate in ("max", "min"):
            return self.say_extreme(result, label, where)
        if plan.aggregate == "sum" and not plan.items:
            return self.say_total(result, label, where)
        return self.say_items(result, label)

    def say_having(self, result: Result, label: str, where: str):
        """The values of a column held by more (or fewer) rows than a bound ("countries with
        more than one factory": Germany 3, Italy 2), every row of each cited."""
        plan = result.plan
        operator, bound = plan.having
        bounded = f"{HAVING_WORDS[operator]} {bound} {self.noun(plan, bound)}"
        column = plan.group[0].name
        scope = f" whose {where}" if where else ""
        if not result.groups:
            return (f"Computed: counted by {column} in {label}{scope}, no {column} has "
                    f"{bounded}.", Span("none", 0, -1, -1), True, [])
        counts = ", ".join(f"{g} ({n})" for g, n in result.groups)
        kept = len(result.groups)
        sentence = (f"Computed: counted by {column} in {label}{scope}, {kept} "
                    f"{_of_column(column, kept)} {'has' if kept == 1 else 'have'} {bounded}: "
                    f"{counts}: {self.listed(result.rows)}.")
        if plan.count_values:  # "how many countries have ...": the number of them
            return sentence, Span(str(kept), 0, -1, -1), True, []
        return sentence, Span(", ".join(g for g, _n in result.groups), 0, -1, -1), True, []

    def say_groups(self, result: Result, label: str):
        """Two values of a column compared by how many rows hold each ("Poland or Italy":
        3 and 2 rows), every row of both cited; a tie has no winner."""
        plan = result.plan
        counts = {fold(g): n for g, n in result.groups}
        said = [(str(f.value), counts.get(fold(str(f.value)), 0)) for f in plan.items]
        column = plan.group[0].name
        ranked = sorted(said, key=lambda x: x[1], reverse=plan.order != "asc")
        tie = said[0][1] == said[1][1]
        word = "fewer" if plan.order == "asc" else "more"
        if plan.count_difference:  # "how many more factories does Poland have than Italy?"
            (first, n1), (second, n2) = said
            noun = self.noun(plan, n1)
            tables = plan.group[0].position == TABLE_GROUP
            named = [f"‘{v}’" if tables else f"“{v}”" for v in (first, second)]
            verb = "lists" if tables else "has"
            verdict = f"neither {verb} more" if n1 == n2 else \
                f"{named[0]} {verb} {n1 - n2} more" if n1 > n2 else \
                f"{named[0]} {verb} {n2 - n1} fewer"
            scope = "" if tables else f"counted by {column} in {label}, "
            sentence = (f"Computed: {scope}{named[0]} {verb} {n1} {noun} and {named[1]} {n2}: "
                        f"{n1} − {n2} = {n1 - n2}".replace("= -", "= −") +
                        f", so {verdict}: {self.listed(result.rows)}.")
            return sentence, Span(str(abs(n1 - n2)), 0, -1, -1), True, []
        if plan.group[0].position == TABLE_GROUP:  # two tables, by how many rows each lists
            noun = self.noun(plan, 2)
            verdict = f"neither lists {word}: {said[0][1]} each" if tie else \
                f"‘{ranked[0][0]}’ lists {word} ({ranked[0][1]} against {ranked[1][1]})"
            sentence = ("Computed: " + " and ".join(f"‘{v}’ lists {n} {noun}" for v, n in said)
                        + f", so {verdict}: {self.listed(result.rows)}.")
            return sentence, None if tie else Span(ranked[0][0], 0, -1, -1), True, []
        verdict = f"neither has {word}: {said[0][1]} rows each" if tie else \
            f"“{ranked[0][0]}” has {word} ({ranked[0][1]} rows against {ranked[1][1]})"
        sentence = (f"Computed: counted by {column} in {label}, "
                    + "; ".join(f"“{v}” {n}" for v, n in said)
                    + f", so {verdict}: {self.listed(result.rows)}.")
        short = None if tie else Span(ranked[0][0], 0, -1, -1)
        return sentence, short, True, []

    def say_total(self, result: Result, label: str, where: str):
        """A column added up over the rows ("how many nodes": 1888 + 128 + 32)."""
        plan = result.plan
        column = plan.measure[0].name if plan.measure else "the figure"
        if not result.rows or result.value is None:
            return f"Computed: no row of {label} gives {column}.", None, False, []
        cited = [(r, self.cite(r)) for r in result.rows]
        spans = [self.figure_span(r, n, plan.dimension) for r, n in cited]
        def times(r) -> str:  # "8 × 4 TiB": the row stands for 8 things of 4 TiB each
            w = result.weights.get((r.table, r.row))
            return "" if w is None else f"{w:g} × "
        terms = " + ".join(f"{times(r)}{s.text if s else r.value_text} [{n}]"
                           for (r, n), s in zip(cited[:SHOWN_ROWS], spans))
        binary = all(re.search(r"[KMGTPE]iB\b", r.value_text or "") for r in result.rows)
        total = plain(result.value, plan.dimension or "number", binary)
        scope = f" whose {where}" if where else ""
        if plan.weight:
            column = f"{column} times {plan.weight[0].name}"
        sentence = f"Computed: {column} of the rows of {label}{scope} add up to " \
            f"{total}{_counted(plan)}: {terms}."
        extra = [f"Only the first {len(result.rows)} of {result.total} rows are cited."] \
            if result.total > len(result.rows) else []
        return sentence, Span(total, 0, -1, -1), True, extra

    def say_extreme(self, result: Result, label: str, where: str):
        plan = result.plan
        column = plan.measure[0].name if plan.measure else "the figure"
        if not result.rows:
            return (f"Computed: no row of {label}" + (f" with {where}" if where else "") +
                    f" gives {column} as {describe(plan.dimension or '')}.", None, False, [])
        word = {"max": "largest", "min": "smallest"}[plan.aggregate]
        if plan.dimension == DATE:
            word = {"max": "latest", "min": "earliest"}[plan.aggregate]
        cited = [(r, self.cite(r)) for r in result.rows]
        spans = [self.figure_span(r, n, plan.dimension) for r, n in cited]
        figure = spans[0].text if spans[0] else plain(result.value, plan.dimension)
        cell = " ".join((result.rows[0].value_text or "").split())
        if cell and cell != figure:  # the whole cell, as written
            figure += f" (“{cell if len(cell) <= 160 else cell[:157] + '…'}”)"
        who = " and ".join(f"{self.name(r)} [{n}]" for r, n in cited[:SHOWN_ROWS])
        scope = f" (rows with {where})" if where else ""
        said = column if _names_its_figures(column, plan.dimension) else f"figure of {column}"
        sentence = f"Computed: the {word} {said} in {label}{scope} is {figure}, for {who}."
        extra = []
        approximate = [s.text for (r, _), s in zip(cited, spans) if r.qualifier and s]
        if approximate:
            sentence += f" That figure is {_QUALIFIER_WORDS[result.rows[0].qualifier]} as " \
                        f"stated (“{approximate[0]}”)."
        if len(cited) > 1:
            extra.append(f"{len(cited)} rows share the {word} {column}.")
        if result.compared:
            # every row weighed is cited, as a count cites every row counted; said in a note,
            # beside the answer, not as part of what it asserts
            others = [(r, self.cite(r)) for r in result.compared[:SHOWN_ROWS]]
            named = [f"{self.name(r)} {s.text if s else r.value_text} [{n}]" for (r, n), s in
                     zip(others, [self.figure_span(r, n, plan.dimension) for r, n in others])]
            left = len(result.compared) - len(others)
            if left:
                named.append(f"and {left} more (only the first {len(others)} cited)")
            extra.append(f"Weighed against {len(result.compared)} other "
                         f"row{'s' if len(result.compared) != 1 else ''}: " +
                         ", ".join(named) + ".")
        short = spans[0]
        if re.match(r"\s*(?:which|who)\b", self.question, re.I):
            # "Which partition allows the fewest jobs?": the row is the answer, not its
            # figure; rows that share it leave no one short answer
            short = self.name_span(*cited[0]) if len(cited) == 1 else None
        return sentence, short, True, extra

    def name_span(self, row: RowResult, number: int) -> Span | None:
        """The row's name inside its quote, as a span."""
        citation = self.citations[number - 1]
        name = self.name(row)
        at = citation.quote.find(name)
        if at < 0:
            return None
        return Span(name, number, citation.start + at, citation.start + at + len(name))

    def say_items(self, result: Result, label: str):
        plan = result.plan
        column = plan.measure[0].name if plan.measure else "the figure"
        measured = column if _names_its_figures(column, plan.dimension) else "figure"
        if len(result.rows) < len(plan.items):
            missing = ", ".join(f"“{m}”" for m in result.missing) or "one of them"
            return (f"Computed: {label} has no row for {missing} with {column}.", None, False,
                    [])
        cited = [(r, self.cite(r)) for r in result.rows]
        spans = [self.figure_span(r, n, plan.dimension) for r, n in cited]
        names = self.item_names(result)
        stated = [f"{s.text if s else (r.value_text or '?')} for {name} [{n}]"
                  for (r, n), s, name in zip(cited, spans, names)]
        values = [r.value for r in result.rows]
        comparable = plan.dimension is not None and all(v is not None for v in values)
        head = f"Computed: {column} in {label} is " + " and ".join(stated)
        if not comparable:
            return (head + "; these are not comparable as stated, so no winner is given.",
                    None, True, ["The figures are not in comparable units or not figures."])
        approximate = any(r.qualifier for r in result.rows)
        caveat = APPROXIMATE \
            if approximate else ""
        if plan.aggregate == "compare":
            # "> 50,000" is beyond "Up to 50,000": at one figure, the bounds order them
            ranks = [(v, _BOUND_RANK.get(r.qualifier or "", 0))
                     for v, r in zip(values, result.rows)]
            if ranks[0] == ranks[1]:
                return head + f"; they are the same{caveat}.", spans[0], True, []
            # the one asked for: the larger, or the smaller where the question asks which is
            # less ("a tighter quota", "fewer nodes", "earlier")
            smaller = plan.order == "asc"
            won = (0 if ranks[0] > ranks[1] else 1) ^ smaller
            if plan.dimension == DATE:
                verdict = f"{names[won]} is the {'earlier' if smaller else 'later'}"
            else:
                verdict = f"{names[won]} has the {'smaller' if smaller else 'larger'} {measured}"
            return head + f"; {verdict}{caveat}.", spans[won], True, []
        if plan.aggregate == "ratio":
            return self.say_ratio(head, values, spans, names, measured, caveat)
        total = values[0] + values[1] if plan.aggregate == "sum" else values[0] - values[1]
        sign = "+" if plan.aggregate == "sum" else "−"
        figures = [s.text if s else plain(v, plan.dimension) for s, v in zip(spans, values)]
        # from one time of day to another: a duration ("10 hours"), not a time of day
        unit = SECONDS if plan.dimension == CLOCK else plan.dimension
        said = plain(abs(total) if plan.aggregate == "difference" else total, unit)
        if plan.aggregate == "difference" and total < 0:
            sentence = (head + f"; {figures[0]} {sign} {figures[1]} = −{said}: {names[0]} has "
                        f"{said} less{caveat}.")
        else:
            sentence = head + f"; {figures[0]} {sign} {figures[1]} = {said}{caveat}."
            if plan.dimension == CLOCK and plan.aggregate == "difference" and total > 0:
                sentence = sentence[:-1] + f": {said} from {names[1]} to {names[0]}."
            elif plan.aggregate == "difference" and total > 0:
                more = "more" if measured == "figure" else f"more {measured}"
                sentence = sentence[:-1] + f": {names[0]} has {said} {more} than {names[1]}."
        return sentence, Span(said, 0, -1, -1), True, []

    def say_ratio(self, head: str, values: list[float], spans: list, names: list[str],
                  measured: str, caveat: str):
        """"How many times more files": the larger figure divided by the smaller, said as a
        multiple ("20 times the figure of User home"), whichever the question named first
        ("which has more, GAIA or MEGARIDE, and how many times as much?" asks it of the
        larger; a multiple below one answers no one); none where the smaller is zero."""
        figures = [s.text if s else plain(v, NUMBER) for s, v in zip(spans, values)]
        if values[0] < values[1]:
            figures, values, names = figures[::-1], values[::-1], names[::-1]
        if not values[1]:
            return (head + f"; {names[1]} has none, so no multiple can be given.", None, True,
                    [])
        times = plain(values[0] / values[1], NUMBER)
        what = "the figure" if measured == "figure" else f"the {measured}"
        sentence = (head + f"; {figures[0]} ÷ {figures[1]} = {times}: {names[0]} has {times} "
                    f"times {what} of {names[1]}{caveat}.")
        return sentence, Span(f"{times} times", 0, -1, -1), True, []

    def compose_prose(self, found: ProseFinding) -> Answer:
        """Two things' figures found in sentences, compared, added or subtracted."""
        spans, stated = [], []
        for figure in found.figures:
            unit = self.index.units[figure.unit_id]
            number = self._cite_unit(figure.unit_id)
            q = figure.quantity
            text = unit.text[q.start:q.end]
            spans.append(Span(text, number, unit.start + q.start, unit.start + q.end))
            stated.append(f"{text} for {figure.name} [{number}]")
        head = "Computed from the text: " + " and ".join(stated)
        a, b = (f.quantity for f in found.figures)
        approximate = bool(a.qualifier or b.qualifier)
        caveat = APPROXIMATE \
            if approximate else ""
        names = found.names
        notes, short, result = [], None, None
        if not found.comparable:
            sentence = (head + f"; these are not comparable as stated ({describe(a.dimension)} "
                        f"against {describe(b.dimension)}), so no winner is given.")
            notes.append("The figures count or measure different things, as the documents "
                          "state them.")
        elif found.aggregate == "compare":
            if a.value == b.value:
                sentence, short = head + f"; they are the same{caveat}.", spans[0]
            else:
                high = 0 if a.value > b.value else 1
                sentence = head + f"; {names[high]} has the larger figure{caveat}."
                short = spans[high]
            result = names[0 if a.value >= b.value else 1]
        else:
            total = a.value + b.value if found.aggregate == "sum" else a.value - b.value
            said = plain(abs(total) if found.aggregate == "difference" else total, a.dimension)
            sign = "+" if found.aggregate == "sum" else "−"
            sentence = head + f"; {spans[0].text} {sign} {spans[1].text} = " \
                f"{'−' if total < 0 else ''}{said}{caveat}."
            short, result = Span(said, 0, -1, -1), said
        computation = {"table": None, "source": "text", "aggregate": found.aggregate,
                       "items": names, "dimension": a.dimension if found.comparable else None,
                       "figures": [sp.text for sp in spans], "result": result,
                       "approximate": approximate, "rows": []}
        return Answer(self.question, sentence, True, self.citations, confidence=0.5,
                      mode=COMPUTED, short=short, notes=notes, status="answered",
                      computation=computation)

    def compose_matrix(self, found: MatrixFinding) -> Answer:
        """Cells of a matrix table: the largest or smallest of those weighed, or two
        compared, added or subtracted (matrix.py); each cited by its row's quote."""
        label = found.table.label
        numbers = [self.cite(c.row) for c in found.cells]
        spans = [self.figure_span(c.row, n, found.dimension)
                 for c, n in zip(found.cells, numbers)]
        texts = [s.text if s else c.row.value_text for c, s in zip(found.cells, spans)]
        stated = [f"{t} {c.pair} [{n}]" for c, t, n in zip(found.cells, texts, numbers)]
        caveat = APPROXIMATE \
            if any(c.row.qualifier for c in found.cells) else ""
        values = [c.value for c in found.cells]
        if found.aggregate == "cell":
            cell = found.cells[0]
            sentence = (f"Computed: in {label}, the figure {cell.pair} is {texts[0]} "
                        f"[{numbers[0]}] (row {cell.across}, column {cell.down}){caveat}.")
            short, result = spans[0], texts[0]
        elif found.aggregate in ("max", "min"):
            word = "largest" if found.aggregate == "max" else "smallest"
            sentence = (f"Computed: of the {found.considered} figures in {label} "
                        f"{found.scope}, the {word} is " + " and ".join(stated) + f"{caveat}.")
            short, result = spans[0], texts[0]
        elif found.aggregate == "compare":
            head = f"Computed: in {label}, the figure is " + " and ".join(stated)
            if values[0] == values[1]:
                sentence, short, result = head + f"; they are the same{caveat}.", spans[0], None
            else:
                won = (0 if values[0] > values[1] else 1) ^ found.smaller
                size = "smaller" if found.smaller else "larger"
                sentence = head + f"; {found.cells[won].pair} is the {size}{caveat}."
                short, result = spans[won], found.cells[won].pair
        else:
            total = values[0] + values[1] if found.aggregate == "sum" else values[0] - values[1]
            said = _in_unit_of(texts, values, abs(total)) or plain(
                abs(total) if found.aggregate == "difference" else total, found.dimension)
            sign = "+" if found.aggregate == "sum" else "−"
            sentence = (f"Computed: in {label}, " + " and ".join(stated) +
                        f"; {texts[0]} {sign} {texts[1]} = {'−' if total < 0 else ''}{said}"
                        f"{caveat}.")
            short, result = Span(said, 0, -1, -1), said
        computation = {
            "table": label, "source": "matrix", "aggregate": found.aggregate,
            "dimension": found.dimension, "scope": found.scope or None,
            "considered": found.considered or None, "result": result,
            "approximate": bool(caveat),
            "cells": [{"row": c.across, "column": c.down, "value": t, "citation": n}
                      for c, t, n in zip(found.cells, texts, numbers)],
            "rows": [{"citation": n, "table": label,
                      "columns": [col.name for col in found.table.columns],
                      "cells": list(c.row.cells), "value": t}
                     for k, (c, t, n) in enumerate(zip(found.cells, texts, numbers))
                     if n not in numbers[:k]]}  # a row holding both cells, shown once
        return Answer(self.question, sentence, True, self.citations, confidence=0.5,
                      mode=COMPUTED, short=short, status="answered", computation=computation)

    def _cite_unit(self, unit_id: int) -> int:
        unit = self.index.units[unit_id]
        key = (unit.source, unit.start)
        if key not in self._cited:
            document = self.index.documents[unit.source]
            self.citations.append(Citation(
                len(self.citations) + 1, unit.source, document.title, unit.section, unit.page,
                document.text[unit.start:unit.end], unit.start, unit.end,
                document.text[unit.context_start:unit.context_end], unit.context_start))
            self._cited[key] = len(self.citations)
        return self._cited[key]

    # -- data ---------------------------------------------------------------------------------

    def record(self, result: Result) -> dict:
        """The computation as data (JSON-safe)."""
        plan = result.plan
        tables = [self.catalog.by_name[t] for t in plan.tables]
        data = {"table": self.label(plan), "tables": [_table_record(t) for t in tables],
                "aggregate": plan.aggregate,
                "filters": [f.to_dict() for f in plan.filters],
                "measure": plan.measure[0].name if plan.measure else None,
                "dimension": plan.dimension,
                "items": [f.to_dict() for f in plan.items],
                "group": plan.group[0].name if plan.group else None,
                **({"having": list(plan.having)} if plan.having else {}),
                **({"count_values": True} if plan.count_values else {}),
                **({"weight": plan.weight[0].name} if plan.weight else {}),
                **({"joins": [j.to_dict() for j in plan.joins]} if plan.joins else {}),
                "result": _result_value(result),
                "rows_matched": result.total,
                "approximate": result.approximate,
                "rows": [],
                **({"compared": [
                    {"citation": self._cited.get((self.catalog.by_name[r.table].source,
                                                  r.start)),
                     "cells": list(r.cells), "value": r.value_text}
                    for r in result.compared[:TABLE_ROWS]]} if result.compared else {})}
        for r in result.rows[:TABLE_ROWS]:
            table = self.catalog.by_name[r.table]
            number = self._cited.get((table.source, r.start))
            data["rows"].append({"citation": number, "table": table.label,
                                 "columns": [c.name for c in table.columns],
                                 "cells": list(r.cells), "value": r.value_text})
        return data


def _names_its_figures(column: str, dimension: str | None) -> bool:
    """Whether a column's name says what its figures measure ("Memory", "Max jobs"), not
    something else ("Class": "Exascale (~1 EF)", said "the larger figure", not "the larger
    Class")."""
    return not dimension or dimension not in DIMENSION_STEMS or \
        bool(keywords(column) & ALL_DIMENSION_STEMS)


def _counted(plan: Plan) -> str:
    """What a total of plain counts counts, from its column's plural name (" nodes",
    " CPU cores"), else nothing."""
    name = plan.measure[0].name.strip() if plan.measure else ""
    if plan.dimension not in (None, NUMBER) or not re.fullmatch(r"[A-Za-z][A-Za-z -]*[a-z]s",
                                                                  name):
        return ""
    return " " + (name if name[:2].isupper() else name[0].lower() + name[1:])


def _table_record(table: TableInfo) -> dict:
    return {"title": table.title, "source": table.source, "section": table.section,
            "reader": table.reader}


_BOUND_WORDS = re.compile(r"^(?:no\s+)?(?:more|less|fewer|greater|higher|lower|larger|"
                          r"smaller|longer|shorter)\s+than\s+|^(?:at (?:least|most)|above|"
                          r"over|under|below|up to|exceeding|beyond)\s+", re.I)


def _of_column(column: str, n: int) -> str:
    """What n values of a column are called: "countries" for a column "Country", else
    "values of lead_or_host"."""
    word = column.strip().lower()
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)?", word):  # "sub-command": sub-commands
        return f"value{'s' if n != 1 else ''} of {column}"
    return word if n == 1 else plural(word)


def _result_value(result: Result):
    plan = result.plan
    if plan.aggregate in ("count", "list"):
        return result.total
    if plan.aggregate == "count_by" and plan.having:
        return {"groups": [[g, n] for g, n in result.groups], "kept": len(result.groups)}
    if plan.aggregate == "count_by":
        top = int(result.value or 0)
        return {"groups": [[g, n] for g, n in result.groups], "top": top}
    if result.value is None:
        return [r.value_text for r in result.rows] or None
    return plain(result.value, plan.dimension or "number")


def _said_result(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{g} {n}" for g, n in value.get("groups", [])[:4])
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return str(value)


def _unit_at(index, source: str, start: int):
    """The indexed unit that begins where a row's quote begins (for its section and page)."""
    position = index.unit_starting.get((source, start))
    return None if position is None else index.units[position]


def _qualifying(qualifier: str, name: str) -> str:
    """The words of an item's qualifier that say which figure, without the row's name or
    words that say nothing of it ("LISA's mixed-precision figure": "mixed-precision")."""
    said = keywords(name) | GENERIC_STEMS
    kept = [w for w in re.findall(r"[\w-]+(?:['’]s)?", qualifier) if keywords(w) - said]
    return " ".join(kept) or qualifier
