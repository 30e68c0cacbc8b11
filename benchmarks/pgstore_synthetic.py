"""The synthetic large store of benchmarks/pgstore.py: the 1x store replicated in the database.

Copies 2..N of every document of the 1x store are written by SQL alone: the document rows as
they are (under synthetic/NNNN/ names), the units with every vector perturbed (a unit-length
vector plus one of 4,096 fixed Gaussian noise vectors of norm about 0.3, normalised again:
cosine about 0.96 to the original), so no two copies hold the same vector. Postings are not
replicated (so lexical search still sees the 1x units only, and no lexical figure is given);
the generation is committed as a build would commit it. Then: exact search over all units,
two replica processes answering with it, and the HNSW index built within a time limit (its
progress reported when it does not finish), with its recall@40 against exact search.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np

NOISE_VECTORS = 4096
NOISE_NORM = 0.3
QUESTIONS = 20


def run(args, server, work) -> dict:
    import psycopg

    from .common import SUITE, load_cases, median, quantile
    from .pgstore import PASSWORD, _exists, _has_generation, _index, _scaled_corpus

    if server.local is None:
        return {"skipped": "the synthetic store is made by cloning a database: local server "
                           "only"}
    copies = args.synthetic_copies
    if not (_exists(server, "bench_1x") and _has_generation(server.url("bench_1x"))):
        server.database("bench_1x")
        _index(server.url("bench_1x"), _scaled_corpus(work / "corpus-1x", 1), work / "local", 2)
    name = f"bench_{copies}x_synthetic"
    server.local.database("bench_1x", "bench", PASSWORD)  # the role, its password
    server.local.clone_database("bench_1x", name, "bench")
    url = server.url(name)
    result: dict = {"copies": copies, "notes": [
        "vectors replicated with noise (cosine ~0.96 to the original), not embedded",
        "postings not replicated: lexical search sees the 1x units only",
        "each distinct embedding computed once, at 1x"]}
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        from briefqa.pgstore.connect import register_vector

        register_vector(conn)
        base = conn.execute("SELECT current FROM briefqa_store").fetchone()[0]
        dimension = conn.execute("SELECT dimension FROM briefqa_store").fetchone()[0]
        _noise(conn, dimension)
        batch = max(1, 40_000 // max(1, _units(conn, base)) + 1)
        for first in range(2, copies + 1, batch):
            last = min(first + batch - 1, copies)
            _copy(conn, base, first, last)
            print(f"  synthetic: copies up to {last} of {copies} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
        result["load_seconds"] = time.perf_counter() - started
        generation = _commit(conn, base)
        conn.execute("ANALYZE briefqa_units")
        result["units"] = _units(conn, generation)
        result["files"] = conn.execute("SELECT files FROM briefqa_generations WHERE "
                                       "generation = %s", (generation,)).fetchone()[0]
        result["database_mb"] = conn.execute(
            "SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    print(f"  synthetic: {result['units']:,} units in {result['load_seconds']:.0f} s", flush=True)

    questions = [c["question"] for c in load_cases(SUITE)][:QUESTIONS]
    vectors = _question_vectors(questions)
    exact = _timed_search(url, generation, vectors, hnsw=False)
    result["exact_search_p50_ms"] = median(exact["times"]) * 1000
    result["exact_search_p95_ms"] = quantile(exact["times"], 0.95) * 1000
    print(f"  synthetic: exact search p50 {result['exact_search_p50_ms']:.0f} ms", flush=True)

    replicas = _replicas(url, work, QUESTIONS // 2)
    result["replica_search"] = "exact"
    result["replica_p50_ms"] = [r["p50_ms"] for r in replicas]
    result["replica_p95_ms"] = [r["p95_ms"] for r in replicas]
    result["replica_peak_rss_mb"] = [r["peak_rss_mb"] for r in replicas]
    result["replica_questions"] = replicas[0]["questions"]
    print(f"  synthetic: replicas p50 {result['replica_p50_ms']} ms", flush=True)

    result.update(_hnsw(url, generation, vectors, exact, args.hnsw_minutes, median, quantile))
    return result


def _noise(conn, dimension: int) -> None:
    rng = np.random.default_rng(20261206)
    noise = rng.normal(0.0, NOISE_NORM / np.sqrt(dimension), (NOISE_VECTORS, dimension))
    from psycopg import sql

    conn.execute("DROP TABLE IF EXISTS bench_noise")
    conn.execute(sql.SQL("CREATE TABLE bench_noise (id integer PRIMARY KEY, noise vector({}))")
                 .format(sql.Literal(int(dimension))))
    with conn.cursor() as cur:
        with cur.copy("COPY bench_noise (id, noise) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "vector"])
            for n, row in enumerate(noise.astype(np.float32)):
                copy.write_row((n, row))


def _units(conn, generation: int) -> int:
    return int(conn.execute("SELECT units FROM briefqa_generations WHERE generation = %s",
                            (generation,)).fetchone()[0])


def _copy(conn, base: int, first: int, last: int) -> None:
    """Copies first..last of every document of generation `base`, vectors perturbed."""
    with conn.transaction():
        conn.execute(
            "CREATE TEMP TABLE bench_map ON COMMIT DROP AS SELECT f.doc_id AS old, c AS copy, "
            "nextval('briefqa_documents_doc_id_seq') AS new FROM briefqa_generation_files f, "
            "generate_series(%s::int, %s::int) c WHERE f.generation = %s", (first, last, base))
        conn.execute(
            "INSERT INTO briefqa_documents (doc_id, build, source, sha256, size, mtime_ns, "
            "content_key, title, format, text, blocks, page_starts, units, lexical_total, "
            "kind_columns, kind_titles) SELECT m.new, d.build, 'synthetic/' || "
            "lpad(m.copy::text, 4, '0') || '/' || d.source, d.sha256, d.size, d.mtime_ns, "
            "'synthetic-' || m.copy || '-' || d.content_key, d.title, d.format, d.text, "
            "d.blocks, d.page_starts, d.units, d.lexical_total, d.kind_columns, d.kind_titles "
            "FROM bench_map m JOIN briefqa_documents d ON d.doc_id = m.old")
        conn.execute(
            "INSERT INTO briefqa_units (doc_id, position, section, page, kind, start_offset, "
            "end_offset, context_start, context_end, text, lexical_length, embedding, "
            "window_embedding) SELECT m.new, u.position, u.section, u.page, u.kind, "
            "u.start_offset, u.end_offset, u.context_start, u.context_end, u.text, "
            "u.lexical_length, l2_normalize(u.embedding + n.noise), CASE WHEN "
            "u.window_embedding IS NULL THEN NULL ELSE l2_normalize(u.window_embedding + "
            "w.noise) END FROM bench_map m JOIN briefqa_units u ON u.doc_id = m.old "
            "JOIN bench_noise n ON n.id = (m.new * 131 + u.position * 7) %% %s "
            "JOIN bench_noise w ON w.id = (m.new * 137 + u.position * 11 + 1) %% %s",
            (NOISE_VECTORS, NOISE_VECTORS))


def _commit(conn, base: int) -> int:
    """A generation of every document (units numbered in file order), the 1x statistics."""
    with conn.transaction():
        generation = conn.execute(
            "INSERT INTO briefqa_generations (build, units, files, lexical_total, "
            "average_length, rarest, named_kinds, vector_index, manifest) SELECT g.build, "
            "(SELECT sum(units) FROM briefqa_documents), (SELECT count(*) FROM "
            "briefqa_documents), (SELECT sum(lexical_total) FROM briefqa_documents), "
            "g.average_length, g.rarest, g.named_kinds, 'exact', g.manifest || "
            "'{\"synthetic\": true}'::jsonb FROM briefqa_generations g WHERE g.generation = %s "
            "RETURNING generation", (base,)).fetchone()[0]
        conn.execute(
            "INSERT INTO briefqa_generation_files (generation, source, doc_id, first_unit) "
            "SELECT %s, source, doc_id, coalesce(sum(units) OVER (ORDER BY source COLLATE \"C\" "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) FROM briefqa_documents",
            (generation,))
        conn.execute("INSERT INTO briefqa_terms (generation, term, df, idf) SELECT %s, term, "
                     "df, idf FROM briefqa_terms WHERE generation = %s", (generation, base))
        conn.execute("UPDATE briefqa_generations SET manifest = jsonb_set(manifest, "
                     "'{units}', to_jsonb(units)) WHERE generation = %s", (generation,))
        conn.execute("UPDATE briefqa_store SET current = %s", (generation,))
    return int(generation)


def _question_vectors(questions: list[str]) -> list[np.ndarray]:
    from briefqa.answer import normalise_question
    from briefqa.encoders import Encoders
    from briefqa.settings import Settings

    encoders = Encoders(Settings())
    return [encoders.encode_one(normalise_question(q, 4000)) for q in questions]


_SENTENCE_EXACT = ("SELECT f.first_unit + u.position, u.embedding <#> %s FROM "
                   "briefqa_generation_files f JOIN briefqa_units u ON u.doc_id = f.doc_id "
                   "WHERE f.generation = %s ORDER BY (u.embedding <#> %s) + 0 LIMIT 40")
_SENTENCE_HNSW = ("SELECT f.first_unit + u.position, u.embedding <#> %s FROM briefqa_units u "
                  "JOIN briefqa_generation_files f ON f.doc_id = u.doc_id AND f.generation = %s "
                  "ORDER BY u.embedding <#> %s LIMIT 40")


def _timed_search(url: str, generation: int, vectors, hnsw: bool) -> dict:
    """The 40 nearest units by their own vectors, for each question: ids, scores, times."""
    import psycopg

    from briefqa.pgstore.connect import register_vector

    out = {"times": [], "scores": []}
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        conn.execute("SET hnsw.ef_search = 200")
        conn.execute("SET hnsw.iterative_scan = strict_order")
        for vector in vectors:
            started = time.perf_counter()
            rows = conn.execute(_SENTENCE_HNSW if hnsw else _SENTENCE_EXACT,
                                (vector, generation, vector), binary=True).fetchall()
            out["times"].append(time.perf_counter() - started)
            out["scores"].append(sorted((-float(r[1]) for r in rows), reverse=True))
    return out


def _replicas(url: str, work, questions: int) -> list[dict]:
    import json

    from .common import ROOT
    from .pgstore import _env

    command = [sys.executable, "-m", "benchmarks.pgstore", "--child-serve", "--local",
               str(work / "local"), "--rounds", "1", "--limit", str(questions)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=_env(url), cwd=ROOT) for _ in range(2)]
    out = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=7200)
        if process.returncode != 0:
            raise RuntimeError(stderr[-3000:])
        out.append(json.loads([line for line in stdout.splitlines()
                               if line.startswith("{")][-1]))
    return out


def _hnsw(url: str, generation: int, vectors, exact: dict, minutes: float, median,
          quantile) -> dict:
    """Build the HNSW index on unit vectors within `minutes`; its recall and speed if it
    finished, its progress if not."""
    import psutil
    import psycopg

    from briefqa.pgstore import schema

    memory = "6GB" if psutil.virtual_memory().available > 14 * 2**30 else "2GB"
    progress: dict = {}
    done = threading.Event()

    def watch():
        with psycopg.connect(url, autocommit=True) as conn:
            while not done.wait(5):
                row = conn.execute("SELECT phase, tuples_done, tuples_total, blocks_done, "
                                   "blocks_total FROM pg_stat_progress_create_index").fetchone()
                if row:
                    progress.update(phase=row[0], tuples_done=row[1], tuples_total=row[2],
                                    blocks_done=row[3], blocks_total=row[4],
                                    seconds=time.perf_counter() - started)

    result = {"hnsw_maintenance_work_mem": memory, "hnsw_minutes_allowed": minutes,
              "hnsw_m": schema.HNSW_M, "hnsw_ef_construction": schema.HNSW_EF_CONSTRUCTION}
    watcher = threading.Thread(target=watch, daemon=True)
    started = time.perf_counter()
    watcher.start()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT set_config('maintenance_work_mem', %s, false)", (memory,))
            conn.execute("SET max_parallel_maintenance_workers = 1")
            conn.execute("SELECT set_config('statement_timeout', %s, false)",
                         (f"{int(minutes * 60)}s",))
            schema.ensure_hnsw(conn, windows=False)
        result["hnsw_build_seconds"] = time.perf_counter() - started
        result["hnsw_built"] = True
    except psycopg.errors.QueryCanceled:
        result["hnsw_built"] = False
        result["hnsw_progress_at_timeout"] = dict(progress)
        total = progress.get("tuples_total") or progress.get("blocks_total")
        doneness = progress.get("tuples_done") or progress.get("blocks_done")
        if total and doneness:
            result["hnsw_estimated_build_seconds"] = progress["seconds"] * total / doneness
    finally:
        done.set()
    print(f"  synthetic: HNSW {result}", flush=True)
    if not result["hnsw_built"]:
        return result
    found = _timed_search(url, generation, vectors, hnsw=True)
    recalls = []
    for got, want in zip(found["scores"], exact["scores"]):
        floor = want[-1] - 1e-6
        recalls.append(sum(1 for s in got if s >= floor) / len(want))
    result["hnsw_recall_at_40_sentence"] = float(np.mean(recalls))
    result["hnsw_search_p50_ms"] = median(found["times"]) * 1000
    result["hnsw_search_p95_ms"] = quantile(found["times"], 0.95) * 1000
    return result

