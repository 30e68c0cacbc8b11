"""Route: which questions the computed answer takes.

A question goes to the `ComputedAnswerer` when the linker maps it to a plan over the corpus's
tables (a count, a list with a condition, a superlative, a comparison, a sum or a difference
of rows it names) with enough confidence, or when it asks such a thing of a table that lacks
what it asks for (declined, saying what is missing). With a bring-your-own language model
(`planner`, see `tables.llmplan`), a question the linker cannot map that still asks for such a
computation, in words that touch the tables, goes to the model's plan. Every other question is
answered exactly as before. Linking reads the table catalog (tables.json) only; DuckDB is
imported when the plan is run.
"""

from __future__ import annotations

from .answerer import ComputedAnswerer

MIN_CONFIDENCE = 1.5  # the linker's score below which a plan is not trusted


class TableRoute:
    """Decides, per question, whether the computed answer takes it."""

    def __init__(self, answerer: ComputedAnswerer | None = None,
                 min_confidence: float = MIN_CONFIDENCE, fallback=None, planner=None) -> None:
        self.answerer = answerer or ComputedAnswerer(fallback=fallback)
        self.min_confidence = min_confidence
        self.planner = planner  # an `llmplan.LLMPlanner`, only when a model is configured
        if planner is not None and planner.computed is None:
            planner.computed = self.answerer  # one linker per catalog, shared

    def take(self, question: str, index):
        """The answerer that should answer this question (the computed one, or the model's
        plan), else None."""
        return self.route(question, index)[0]

    def route(self, question: str, index) -> tuple[object | None, str]:
        """`take`'s answer, and why, in words (the answer's "route" stage)."""
        catalog = getattr(index, "tables", None)  # None: an index that keeps no tables
        if catalog is None or not catalog.tables:
            return None, "not computed: the documents hold no tables"
        linked = self.answerer.link(question, catalog)
        if not linked.plans and self.answerer.matrix(question, index) is not None:
            return self.answerer, "computed: cells of a table of pairs (a matrix)"
        plan = f"a {linked.intent or 'table'} plan" if linked.plans else "a decline"
        if linked.routed and linked.confidence >= self.min_confidence:
            return self.answerer, (f"computed: {plan} at linker confidence "
                                   f"{linked.confidence:.2f} ≥ {self.min_confidence:.2f}")
        if not linked.routed and self.answerer.prose(question, index) is not None:
            # two named things' figures, found in the text
            return self.answerer, "computed: two named things' figures compared in the text"
        if self.planner is not None and self.planner.wanted(question, catalog, linked):
            # the model may propose the plan the linker could not make
            return self.planner, "computed: the language model's plan, the linker having none"
        if linked.routed:
            return None, (f"not computed: {plan} at linker confidence {linked.confidence:.2f}"
                          f" < {self.min_confidence:.2f}")
        return None, "not computed: the linker found no plan over the tables"
