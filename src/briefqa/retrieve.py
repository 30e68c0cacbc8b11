"""Retrieve: hybrid search over sentence units, dense (FAISS) and lexical (BM25), fused by rank.

Dense similarity is the better of a unit's own vector and its window's (the sentence read with
up to two neighbours each side), so a sentence that leans on the one before it is still found;
BM25 reads "title > section path > sentence". Both rankings are fused by weighted reciprocal
rank. Each choice was measured on held-out questions (README, "Retrieval").

Reciprocal-rank fusion is written here (a few lines) rather than taken from llama-index's
QueryFusionRetriever, which wants an LLM for query rewriting and llama-index's import on the
serving path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .settings import RetrievalSettings
from .store import IndexData

if TYPE_CHECKING:  # pragma: no cover
    from .answer import Citation


@dataclass(frozen=True)
class Hit:
    """A candidate as retrieval found it: which unit, and how it scored."""

    unit_id: int
    dense: float  # cosine similarity of question and unit
    lexical: float  # BM25 score
    fused: float  # weighted reciprocal-rank fusion of both rankings
    window: float = 0.0  # cosine similarity of question and the unit read with its neighbours
    dense_rank: int = 0  # 1-based rank by max(dense, window); 0 when outside that ranking
    lexical_rank: int = 0  # 1-based rank by BM25; 0 when outside that ranking


@dataclass(frozen=True)
class Candidate:
    """A candidate as an answerer reads it: its text, where it stands (offsets into its
    document's text, section, page) and its retrieval scores."""

    hit: Hit
    source: str
    title: str
    section: str | None
    page: int | None
    kind: str  # "paragraph", "list_item", "table_row", "code"
    text: str
    start: int
    end: int

    @property
    def unit_id(self) -> int:
        return self.hit.unit_id


@dataclass(frozen=True)
class Retrieved:
    """What every Answerer gets: the question's candidates, best first, and a read-only view
    of the index behind them (`corpus`: the units around a candidate, word rarities, vectors)
    for answerers that weigh more than the candidates' own text; `cite` makes a candidate a
    Citation whose quote is the document's text at its offsets."""

    hits: tuple[Hit, ...]
    corpus: IndexData

    @property
    def candidates(self) -> list[Candidate]:
        out = []
        for hit in self.hits:
            unit = self.corpus.units[hit.unit_id]
            out.append(Candidate(hit, unit.source, self.corpus.documents[unit.source].title,
                                 unit.section, unit.page, unit.kind, unit.text, unit.start,
                                 unit.end))
        return out

    def cite(self, unit_id: int, number: int, *, related: bool = False,
             score: float = 0.0) -> Citation:
        return cite(self.corpus, unit_id, number, related=related, score=score)


def cite(index: IndexData, unit_id: int, number: int, *, related: bool = False,
         score: float = 0.0) -> Citation:
    """A unit as Citation `number`: its verbatim quote (the document's text at its offsets),
    where it stands and the passage around it."""
    from .answer import Citation

    unit = index.units[unit_id]
    document = index.documents[unit.source]
    return Citation(number, unit.source, document.title, unit.section, unit.page,
                    document.text[unit.start:unit.end], unit.start, unit.end,
                    document.text[unit.context_start:unit.context_end], unit.context_start,
                    related, round(score, 4))


def hybrid_search(index: IndexData, query_vector: np.ndarray, query: str, candidates: int,
                  settings: RetrievalSettings | None = None) -> list[Hit]:
    """The best `candidates` units by fused rank, each with its scores and ranks. The index
    ranks (`dense_ranking`, `lexical_ranking`: FAISS and BM25 in memory, or SQL in the
    PostgreSQL store); the fusion is the same for every index."""
    settings = settings or RetrievalSettings()
    total = len(index.units)
    if total == 0:
        return []
    k = min(candidates, total)
    query_vector = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
    dense_ranked = index.dense_ranking(query_vector, k)
    lexical = index.lexical_ranking(query, k, dense_ranked)

    fused: dict[int, float] = {}
    ranks: dict[str, dict[int, int]] = {"dense": {}, "lexical": {}}
    for name, ranking, weight in (("dense", dense_ranked, settings.dense_weight),
                                  ("lexical", lexical.ranked, settings.lexical_weight)):
        for rank, unit_id in enumerate(ranking, start=1):
            ranks[name][unit_id] = rank
            fused[unit_id] = fused.get(unit_id, 0.0) + weight / (settings.rrf_k + rank)
    ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:candidates]

    ids = [unit_id for unit_id, _ in ranked]
    own = index.vectors_for(ids) @ query_vector[0]
    windowed = index.window_vectors_for(ids) @ query_vector[0]
    return [Hit(unit_id, float(d), lexical.score(unit_id), score, float(w),
                ranks["dense"].get(unit_id, 0), ranks["lexical"].get(unit_id, 0))
            for (unit_id, score), d, w in zip(ranked, own, windowed)]
