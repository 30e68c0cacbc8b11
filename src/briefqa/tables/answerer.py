"""Answerer: the computed answer (mode "computed") on the Answerer seam.

The question is linked to plans (`plan.Linker`), each plan is run (`execute.Executor`), or a
table of pairs is read (`matrix`), or two figures are found in the text (`prose`); the answer
says what was computed and cites every row it used, in the words of `compose.Composer`. A
question no table can support is declined with what is missing.
- A plan's result is asserted only when the plan accounts for every condition the question
  sets: a condition on time ("before October 2025") is applied to a date column or the plan
  is not asserted (a year in a table's name, "2025 selections", is no filter for it); a
  comparative a count does not compute ("the newest factories") likewise. Such a plan is not
  asserted: the answer is the one the question had before (`fallback`), and its computation
  and trace say which plan was not asserted and why. `MIN_ACCOUNTED` (off by default, see
  there) can also hold back plans that explain too small a share of the question's words.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

from ..answer import Answer, Step
from ..lexical import words
from ..question import document_references, unknown_names
from .asked import DOCUMENT_KINDS, asked, keywords
from .cellfigures import figure_asked
from .compose import COMPUTED, Composer, titled
from .execute import Executor, PlanError, Result, combined
from .linker import Linker
from .matrix import MatrixFinding, find_cells
from .plan import Linked, Plan
from .prose import ProseFinding, find_figures
from .store import TableCatalog

# The least share of a question's restricting parts (its content words and conditions) a
# plan must account for to be asserted (`Plan.accounted`). Measured on computed-dev (issue
# 15): the share did not separate right from wrong computed answers there (all 35 linked
# plans asserted were right; 12 of them leave one word unexplained, at 0.50-0.86, and the
# chat's wrong "12 factories selected before October 2025" stands at 0.75), so it is off:
# 0.0. Unaccounted conditions are the gate; the share is shown in each computation
# ("accounted") and its threshold beside it ("min_accounted").
MIN_ACCOUNTED = 0.0


class ComputedAnswerer:
    """Counts, lists, superlatives, comparisons, sums and differences over the corpus's
    tables (see the module). `link` is what the router asks first."""

    mode = COMPUTED

    def __init__(self, max_rows: int = 200, timeout: float = 5.0, fallback=None,
                 min_accounted: float = MIN_ACCOUNTED) -> None:
        self.max_rows = max_rows
        self.timeout = timeout
        self.min_accounted = min_accounted  # see MIN_ACCOUNTED
        # Answers when a plan finds no row (its linking was likely wrong): the assistant's own.
        self.fallback = fallback
        self._linkers: dict[int, tuple[TableCatalog, Linker]] = {}
        self._linked: OrderedDict[tuple[int, str], Linked] = OrderedDict()
        self._lock = threading.Lock()

    # -- linking ------------------------------------------------------------------------------

    def linker(self, catalog: TableCatalog) -> Linker:
        with self._lock:
            known = self._linkers.get(id(catalog))
            if known is None or known[0] is not catalog:
                self._linkers = {id(catalog): (catalog, Linker(catalog))}  # one index at a time
                known = self._linkers[id(catalog)]
            return known[1]

    def link(self, question: str, catalog: TableCatalog) -> Linked:
        """The question's plans over this catalog (remembered for a few questions)."""
        key = (id(catalog), question)
        with self._lock:
            if key in self._linked:
                return self._linked[key]
        linked = self.linker(catalog).link(question) if catalog.tables else Linked()
        with self._lock:
            self._linked[key] = linked
            while len(self._linked) > 64:
                self._linked.popitem(last=False)
        return linked

    def matrix(self, question: str, index) -> MatrixFinding | None:
        """Cells of a matrix table the question asks for (matrix.py), when no plan over
        rows does (remembered for a few questions)."""
        key = (id(index), "matrix", question)
        with self._lock:
            if key in self._linked:
                return self._linked[key]
        catalog = index.tables
        matrices = self.linker(catalog).matrices if catalog is not None else []
        found = find_cells(question, matrices, Executor(catalog, self.max_rows, self.timeout),
                           lambda source: index.documents[source].text) if matrices else None
        with self._lock:
            self._linked[key] = found
        return found

    def prose(self, question: str, index) -> ProseFinding | None:
        """For a comparison, sum or difference no table answers: the two figures in the
        text (remembered for a few questions)."""
        key = (id(index), "prose", question)
        with self._lock:
            if key in self._linked:
                return self._linked[key]
        what = asked(question)
        refs = [next(iter(r)) for r in document_references(question) if len(r) == 1]
        documents = [r[:4] for r in refs if r in DOCUMENT_KINDS]
        found = find_figures(question, what, index, documents or None)
        with self._lock:
            self._linked[key] = found
        return found

    # -- answering ----------------------------------------------------------------------------

    def answer(self, question, retrieved) -> Answer:
        index = retrieved.corpus
        catalog = index.tables
        linked = self.link(question.text, catalog)
        if not linked.plans:
            cells = self.matrix(question.text, index)
            if cells is not None:
                return Composer(question.text, catalog, index).compose_matrix(cells)
        if not linked.routed:
            found = self.prose(question.text, index)
            if found is not None:
                return Composer(question.text, catalog, index).compose_prose(found)
        if linked.decline:
            return _declined(question.text, linked.decline, linked)
        if not linked.plans:
            return _declined(question.text, "no table answers this question", linked)
        # "REPACSS", not "Bull" of "BullSequana": a name that begins no word of the documents
        # (looked up only where a plan leaves a word unexplained)
        unknown = [name for name in unknown_names(question.text, index)
                   if not _begins_a_word(name, index)] \
            if any(plan.unexplained for plan in linked.plans) else []
        held = [(plan, self.held_back(plan, unknown)) for plan in linked.plans]
        plans = [plan for plan, why in held if why is None]
        if not plans:
            return self.not_asserted(question, retrieved, linked, held)
        notes = [f"Not computed over {self._label(catalog, plan)}: {why}."
                 for plan, why in held if why is not None]
        executor = Executor(catalog, self.max_rows, self.timeout)
        results = []
        for plan in plans:
            try:
                results.append(_figures_asked(executor.run(plan), question.text))
            except PlanError as exc:
                return _declined(question.text, str(exc), linked)
        if len(plans) < len(linked.plans):
            linked = dataclasses.replace(linked, plans=plans)
        answer = Composer(question.text, catalog, index).compose(results, linked)
        answer.computation = {**(answer.computation or {}), "accounted": round(min(
            p.accounted for p in plans), 3), "min_accounted": self.min_accounted}
        if notes:
            answer.notes = [*answer.notes, *notes]
        if answer.status != "answered" and self.fallback is not None:
            # No row matched: the plan may well have misread the question; say what was
            # tried and answer as before.
            answer_before = self.fallback.answer(question, retrieved)
            tried = answer.text.removeprefix("Computed: ")
            return dataclasses.replace(answer_before, notes=[
                *answer_before.notes, f"Tried computing over the tables: {tried}"])
        return answer


    def held_back(self, plan: Plan, unknown: list[str] = ()) -> str | None:
        """Why a plan's result is not to be asserted (None: it may be): a condition of the
        question it does not account for, a name it leaves unexplained that no document
        mentions (`unknown`: "the REPACSS GPU nodes" are not the tables' nodes), or too small
        a share of the question explained."""
        strange = [name for name in unknown if keywords(name) & set(plan.unexplained)]
        if strange:
            return "the question names " + " and ".join(f"‘{n}’" for n in strange) + \
                ", which no document mentions"
        if plan.unaccounted:
            return "the plan does not account for " + " and ".join(
                f"‘{u}’" for u in plan.unaccounted)
        if plan.accounted < self.min_accounted:
            return (f"the plan accounts for {plan.accounted:.0%} of the question's words, "
                    f"below {self.min_accounted:.0%}")
        return None

    def not_asserted(self, question, retrieved, linked: Linked, held) -> Answer:
        """No plan accounts for the question as asked: the answer it had before (the
        fallback's), with the plan that was not asserted and why in its computation, notes
        and trace; without a fallback, declined saying why."""
        catalog = retrieved.corpus.tables
        plan, why = held[0]
        label = self._label(catalog, plan)
        record = {"not_computed": why, "table": label, "plan": plan.to_dict(),
                  "unaccounted": list(plan.unaccounted), "accounted": round(plan.accounted, 3),
                  "min_accounted": self.min_accounted, "intent": linked.intent}
        note = f"Not computed over {label}: {why}, so its result is not asserted."
        step = Step("computed", f"not asserted: {why}", 0.0,
                    {"table": label, "plan": plan.to_dict()})
        if self.fallback is None:
            answer = _declined(question.text, f"{why} (over {label})", linked)
            return dataclasses.replace(answer, computation={**answer.computation, **record},
                                       trace=[*answer.trace, step])
        before = self.fallback.answer(question, retrieved)
        return dataclasses.replace(before, notes=[*before.notes, note], computation=record,
                                   trace=[*before.trace, step])

    @staticmethod
    def _label(catalog: TableCatalog, plan: Plan) -> str:
        tables = [catalog.by_name[t] for t in plan.tables if t in catalog.by_name]
        if len(tables) == 1:
            return tables[0].label
        return titled(tables) or "the tables"


def _figures_asked(result: Result, question: str) -> Result:
    """The rows a comparison, sum or difference names, each with the figure of its cell the
    question asks for where the cell states several (cellfigures.py), and the result
    worked out again from them."""
    plan = result.plan
    if plan.aggregate not in ("compare", "difference", "ratio", "sum") or not plan.items or \
            not plan.dimension:
        return result
    names = {w for r in result.rows for w in keywords(r.cells[0] or "")}
    for row in result.rows:
        ref = next((r for r in plan.measure if r.table == row.table), None)
        if ref is None or row.value is None:
            continue
        item = plan.items[row.item] if row.item is not None else None
        picked = figure_asked(row.cells[ref.position] or "", plan.dimension,
                              item.qualifier if item is not None and item.qualifier
                              else question, names | keywords(ref.name))
        if picked is not None:
            row.value, row.value_text = picked.value, picked.text
            row.qualifier = picked.qualifier or None
    values = [r.value for r in result.rows]
    if len(values) == 2 and None not in values and plan.aggregate != "compare":
        result.value = combined(plan.aggregate, values)
    return result


def _declined(question: str, reason: str, linked: Linked) -> Answer:
    text = f"Computed: {reason[:1].upper()}{reason[1:]}, so this cannot be computed."
    return Answer(question, text, False, [], mode=COMPUTED, status="not_found",
                  notes=[f"Not computed: {reason}."],
                  computation={"declined": reason, "intent": linked.intent,
                               "links": list(linked.links)})


def _begins_a_word(name: str, index) -> bool:
    """Whether a name of four letters or more begins a word the documents use ("Bull" of
    "BullSequana", which `unknown_names` counts as unknown)."""
    stems = words(name)
    head = stems[0] if stems else ""
    return len(head) >= 4 and index.bm25.begins_a_word(head)
