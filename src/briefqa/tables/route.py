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
        catalog = getattr(index, "tables", None)  # None: an index that keeps no tables
        if catalog is None or not catalog.tables:
            return None
        linked = self.answerer.link(question, catalog)
        if linked.routed and linked.confidence >= self.min_confidence:
            return self.answerer
        if not linked.routed and self.answerer.prose(question, index) is not None:
            return self.answerer  # two named things' figures, found in the text
        if self.planner is not None and self.planner.wanted(question, catalog, linked):
            return self.planner  # the model may propose the plan the linker could not make
        return None
