"""Retrieve: hybrid search over sentence units, dense (FAISS) and lexical (BM25), fused by rank.

Reciprocal-rank fusion is written here (a few lines) rather than taken from llama-index's
QueryFusionRetriever, which wants an LLM for query rewriting and llama-index's import on the
serving path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .index import IndexData

RRF_K = 60


@dataclass
class Hit:
    unit_id: int
    dense: float  # cosine similarity of question and unit
    lexical: float  # BM25 score
    fused: float  # reciprocal-rank fusion of both rankings


def hybrid_search(index: IndexData, query_vector: np.ndarray, query: str,
                  candidates: int) -> list[Hit]:
    """The best `candidates` units by fused rank, each with both of its scores."""
    total = len(index.units)
    if total == 0:
        return []
    k = min(candidates, total)
    dense_scores, dense_ids = index.faiss_index.search(query_vector.reshape(1, -1), k)
    dense_ranked = [int(i) for i in dense_ids[0] if i >= 0]
    dense_by_id = {int(i): float(s) for i, s in zip(dense_ids[0], dense_scores[0]) if i >= 0}

    lexical_scores = index.bm25.scores(query)
    if k < total:
        top = np.argpartition(-lexical_scores, k - 1)[:k]
    else:
        top = np.arange(total)
    lexical_ranked = [int(i) for i in top[np.argsort(-lexical_scores[top])]
                      if lexical_scores[i] > 0]

    fused: dict[int, float] = {}
    for ranking in (dense_ranked, lexical_ranked):
        for rank, unit_id in enumerate(ranking):
            fused[unit_id] = fused.get(unit_id, 0.0) + 1.0 / (RRF_K + rank + 1)

    missing = [i for i in fused if i not in dense_by_id]
    if missing:
        vectors = index.vectors_for(missing)
        for unit_id, score in zip(missing, vectors @ query_vector):
            dense_by_id[unit_id] = float(score)

    ranked = sorted(fused.items(), key=lambda item: -item[1])[:candidates]
    return [Hit(i, dense_by_id[i], float(lexical_scores[i]), score) for i, score in ranked]
