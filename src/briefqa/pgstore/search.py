"""Search: the dense and lexical rankings of one generation, in SQL.

Dense. The units closest to the question by inner product (cosine: vectors are unit length),
of their own vector and, separately, of their window's. Up to `exact_above` units in the
generation the search is exact: a scan of the generation's vectors (the ORDER BY expression is
one the HNSW index cannot serve, on purpose). Past it, pgvector's HNSW indexes answer, with
`hnsw.ef_search` candidates per search and iterative scans (pgvector 0.8) so that rows of
other generations, filtered out by the join, never leave a result short. Either way a few
more rows than asked are fetched with their vectors and re-scored here with numpy, as the
embedded index scores them, and ties go to the lower unit id, as FAISS breaks them.

Lexical. BM25 over briefqa's own tokens, as lexical.BM25 scores them: each posting's weight
idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)), summed over the question's
distinct terms, computed in the database from the postings and the generation's statistics.
Up to the same size every matching unit's score is fetched and the top k chosen exactly as
the embedded index chooses them (so ties fall the same way); past it the database returns
only the top k, and the scores of the units the dense side found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lexical import tokens
from ..store import LexicalRanking

# Rows fetched beyond k and re-scored here, so that a near tie in pgvector's float order
# cannot push out a unit numpy (and FAISS) would keep.
MARGIN = 16
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class DenseRows:
    """What the dense search found: unit ids with their vectors, own and window."""

    sentence: list[tuple[int, np.ndarray]]
    window: list[tuple[int, np.ndarray]]


_DENSE_EXACT = """
(SELECT 0 AS side, f.first_unit + u.position AS id, u.embedding AS vector
   FROM briefqa_generation_files f JOIN briefqa_units u ON u.doc_id = f.doc_id
  WHERE f.generation = %(g)s
  ORDER BY (u.embedding <#> %(q)s) + 0, 2 LIMIT %(n)s)
UNION ALL
(SELECT 1, f.first_unit + u.position, u.window_embedding
   FROM briefqa_generation_files f JOIN briefqa_units u ON u.doc_id = f.doc_id
  WHERE f.generation = %(g)s AND u.window_embedding IS NOT NULL
  ORDER BY (u.window_embedding <#> %(q)s) + 0, 2 LIMIT %(n)s)
"""

_DENSE_HNSW = """
(SELECT 0 AS side, f.first_unit + u.position AS id, u.embedding AS vector
   FROM briefqa_units u JOIN briefqa_generation_files f
     ON f.doc_id = u.doc_id AND f.generation = %(g)s
  ORDER BY u.embedding <#> %(q)s LIMIT %(n)s)
UNION ALL
(SELECT 1, f.first_unit + u.position, u.window_embedding
   FROM briefqa_units u JOIN briefqa_generation_files f
     ON f.doc_id = u.doc_id AND f.generation = %(g)s
  ORDER BY u.window_embedding <#> %(q)s LIMIT %(n)s)
"""

_SCORED = """
SELECT f.first_unit + p.position AS id,
       sum(t.idf::float8 * p.tf * %(k1p)s / (p.tf + %(k1)s * (%(b0)s + %(b)s * p.length
           / %(avg)s))) AS score
  FROM briefqa_terms t
  JOIN briefqa_postings p ON p.term = t.term
  JOIN briefqa_generation_files f ON f.doc_id = p.doc_id AND f.generation = %(g)s
 WHERE t.generation = %(g)s AND t.term = ANY(%(terms)s::text[])
 GROUP BY 1
"""

_LEXICAL_TOP = f"""
WITH scored AS MATERIALIZED ({_SCORED})
(SELECT id, score, true FROM scored ORDER BY score DESC, id LIMIT %(k)s)
UNION ALL
(SELECT id, score, false FROM scored WHERE id = ANY(%(also)s::bigint[]))
"""


def dense_rows(conn, generation: int, query_vector: np.ndarray, k: int,
               exact: bool) -> DenseRows:
    """The k + MARGIN units nearest the question by their own vector and by their window's,
    with those vectors."""
    statement = _DENSE_EXACT if exact else _DENSE_HNSW
    with conn.cursor(binary=True) as cur:
        cur.execute(statement, {"g": generation, "q": np.asarray(query_vector).ravel(),
                                "n": k + MARGIN}, binary=True)
        rows = cur.fetchall()
    sentence = [(int(r[1]), r[2]) for r in rows if r[0] == 0]
    window = [(int(r[1]), r[2]) for r in rows if r[0] == 1]
    return DenseRows(sentence, window)


def dense_ranking(found: DenseRows, query_vector: np.ndarray, k: int) -> list[int]:
    """As IndexData.dense_ranking ranks: each side's top k by numpy's inner product (ties to
    the lower id), then each unit by the better of its two, best first."""
    query = np.asarray(query_vector, dtype=np.float32).ravel()

    def top(rows):
        if not rows:
            return {}
        scores = np.vstack([v for _, v in rows]) @ query
        ranked = sorted(((float(s), i) for (i, _), s in zip(rows, scores)),
                        key=lambda item: (-item[0], item[1]))[:k]
        return {i: s for s, i in ranked}

    sentence, window = top(found.sentence), top(found.window)
    best = {u: max(sentence.get(u, -1.0), window.get(u, -1.0)) for u in {*sentence, *window}}
    return sorted(best, key=lambda u: (-best[u], u))[:k]


def query_terms(query: str) -> list[str]:
    """The question's distinct BM25 terms (lexical.BM25.scores reads each once)."""
    return sorted(set(tokens(query)))


def lexical_ranking(conn, generation: int, average: float, total: int, query: str, k: int,
                    also, exact: bool) -> LexicalRanking:
    """The k units BM25 scores highest, and the score of every unit the caller needs."""
    terms = query_terms(query)
    if not terms:
        return LexicalRanking([], {})
    params = {"g": generation, "terms": terms, "avg": max(float(average), 1e-6),
              "k1": K1, "k1p": K1 + 1, "b": B, "b0": 1 - B}
    if exact:
        rows = conn.execute(_SCORED, params).fetchall()
        scores = np.zeros(total, dtype=np.float32)
        for unit_id, score in rows:
            scores[int(unit_id)] = score
        top = np.argpartition(-scores, k - 1)[:k] if k < total else np.arange(total)
        ranked = [int(i) for i in top[np.lexsort((top, -scores[top]))] if scores[i] > 0]
        return LexicalRanking(ranked, scores)
    rows = conn.execute(_LEXICAL_TOP, {**params, "k": k, "also": [int(i) for i in also]}
                        ).fetchall()
    ranked = [int(r[0]) for r in rows if r[2] and r[1] > 0]
    scores = {int(r[0]): np.float32(r[1]) for r in rows}
    return LexicalRanking(ranked, scores)


def begins_a_term(conn, generation: int, prefix: str) -> bool:
    """Whether some term of the generation begins with `prefix` (a literal, not a pattern)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    row = conn.execute("SELECT 1 FROM briefqa_terms WHERE generation = %s AND term LIKE %s "
                       "LIMIT 1", (generation, pattern)).fetchone()
    return row is not None


def term_idf(conn, generation: int, terms: list[str]) -> dict[str, float]:
    """The idf of each term the generation holds (absent: it never occurs)."""
    rows = conn.execute("SELECT term, idf FROM briefqa_terms WHERE generation = %s AND "
                        "term = ANY(%s::text[])", (generation, list(terms))).fetchall()
    # A `real` arrives as its shortest decimal: read back as the float32 it is.
    return {r[0]: float(np.float32(r[1])) for r in rows}
