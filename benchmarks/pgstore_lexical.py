"""Which lexical side in PostgreSQL comes closer to today's BM25 (benchmarks/pgstore.py).

Three candidates, each measured against the embedded index's BM25 (lexical.BM25 built from
the same units) on the questions of evals/facts.jsonl:
  tables         BM25 statistics kept in tables (postings, per-generation document
                 frequencies and idf), scored in SQL: what the store does
  fts-english    PostgreSQL full-text search: to_tsvector('english', title > section >
                 sentence) in a GIN index, the question's lexemes OR-ed, ranked by ts_rank_cd
  fts-tokens     the same over briefqa's own tokens (stems, joined names, British and American
                 spellings) through the 'simple' configuration, ranked by ts_rank_cd
Measured: the share of the embedded top 10 / top 40 each finds in its own, how often its
first is the embedded first, and the answers given with it as the lexical side.
"""

from __future__ import annotations

import numpy as np


def compare(url: str, cases: list[dict]) -> dict:
    import dataclasses

    from briefqa import Assistant
    from briefqa.answer import normalise_question
    from briefqa.chunk import lexical_text
    from briefqa.lexical import BM25, tokens
    from briefqa.pgstore import search
    from briefqa.pgstore.reader import PgIndex, open_reader
    from briefqa.settings import Settings
    from briefqa.store import LexicalRanking

    settings = Settings.from_env(store=url)
    index = open_reader(settings)
    units = list(index.units)
    titles = {s.source: s.title for s in index.sources()}
    texts = [lexical_text(u, titles[u.source]) for u in units]
    reference = BM25.build(texts)
    _fts_table(index, texts, [" ".join(tokens(t)) for t in texts])
    k = settings.candidates
    g = index.generation

    def tables(query):
        return index.store.run(lambda conn: search.lexical_ranking(
            conn, g.generation, g.average_length, g.units, query, k, (), True))

    def fts(query, column):
        if column == "english":
            statement = ("WITH q AS (SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery "
                         "AS query FROM unnest(to_tsvector('english', %s))) SELECT unit_id, "
                         "ts_rank_cd(english, q.query) FROM bench_fts, q WHERE english @@ "
                         "q.query ORDER BY 2 DESC, 1 LIMIT %s")
            value = query
        else:
            statement = ("WITH q AS (SELECT string_agg(quote_literal(t), ' | ')::tsquery AS "
                         "query FROM unnest(%s::text[]) t) SELECT unit_id, "
                         "ts_rank_cd(simple, q.query) FROM bench_fts, q WHERE simple @@ "
                         "q.query ORDER BY 2 DESC, 1 LIMIT %s")
            value = sorted(set(tokens(query)))
        rows = index.store.run(lambda conn: conn.execute(statement, (value, k)).fetchall())
        return LexicalRanking([int(r[0]) for r in rows], {int(r[0]): float(r[1]) for r in rows})

    variants = {"tables": tables, "fts-english": lambda q: fts(q, "english"),
                "fts-tokens": lambda q: fts(q, "simple")}
    overlap = {name: {"top10": [], "top40": [], "first": []} for name in variants}
    for case in cases:
        query = normalise_question(case["question"], 4000)
        scores = reference.scores(query)
        top = np.argpartition(-scores, k - 1)[:k]
        wanted = [int(i) for i in top[np.lexsort((top, -scores[top]))] if scores[i] > 0]
        if not wanted:
            continue
        for name, ranking in variants.items():
            got = ranking(query).ranked
            for n, key in ((10, "top10"), (40, "top40")):
                expected = set(wanted[:n])
                overlap[name][key].append(len(expected & set(got[:n])) / len(expected))
            overlap[name]["first"].append(1.0 if got[:1] == wanted[:1] else 0.0)

    # Answers with each as the lexical side (word rarities stay the tables').
    answers = {}
    for name, ranking in variants.items():
        class Variant(PgIndex):
            def lexical_ranking(self, query, k, also=(), _ranking=ranking):
                return _ranking(query)

        variant = Variant(index.store, index.generation, index.settings)
        variant.latest = lambda v=variant: v
        qa = Assistant(dataclasses.replace(settings), variant)
        answers[name] = {c["question"]: _key(qa.ask(c["question"])) for c in cases}
    same = {name: sum(1 for q in answers[name] if answers[name][q] == answers["tables"][q])
            for name in variants}
    index.store.run(lambda conn: conn.execute("DROP TABLE IF EXISTS bench_fts"))
    index.close()
    return {"questions": len(cases), "units": len(units),
            "variants": {name: {"top10_overlap": float(np.mean(v["top10"])),
                                "top40_overlap": float(np.mean(v["top40"])),
                                "same_first": float(np.mean(v["first"])),
                                "answers_as_embedded": same[name]}
                         for name, v in overlap.items()},
            "note": "answers_as_embedded counts answers equal (text and citations) to the "
                    "store's with BM25 tables, which equal the embedded index's"}


def _fts_table(index, english: list[str], simple: list[str]) -> None:
    def work(conn):
        conn.execute("DROP TABLE IF EXISTS bench_fts")
        conn.execute("CREATE TABLE bench_fts (unit_id bigint PRIMARY KEY, english tsvector, "
                     "simple tsvector)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bench_fts VALUES (%s, to_tsvector('english', %s), "
                            "to_tsvector('simple', %s))",
                            [(i, e, s) for i, (e, s) in enumerate(zip(english, simple))])
        conn.execute("CREATE INDEX ON bench_fts USING gin (english)")
        conn.execute("CREATE INDEX ON bench_fts USING gin (simple)")

    index.store.run(work)


def _key(answer) -> list:
    return [answer.text, [[c.source, c.start, c.end] for c in answer.citations]]
