"""Generations: bring the store up to date with a corpus folder, one generation at a time.

A refresh, under the writer's advisory lock:
  1. plan     compare the corpus with the current generation (size and time, else hash);
              unchanged files keep their document rows, and so does a changed file whose new
              content an interrupted build already wrote
  2. queue    a build row, and a queue row for each file left to process, with its bytes
  3. work     builders (this process and `workers - 1` more, and any `briefqa index` started
              elsewhere meanwhile) take the rows until none is left; a killed builder's rows
              return to the queue and are taken again
  4. commit   one transaction: the generation's files and their first unit ids (file order,
              as the embedded index numbers units), BM25 statistics (document frequencies
              carried over from the previous generation plus the added documents' and minus
              the removed ones', idf computed as the embedded index computes it), the kinds
              of thing the corpus names, the corpus's tables for the computed answers (built
              before, see `tables`), the manifest; then `current` points at it. Readers
              keep answering from the previous generation until this commits; a crash or a
              dropped connection before it rolls everything back
  5. collect  generations older than the last two are deleted, and the document versions no
              generation uses (their units and postings go with them)

A second writer waits for the lock, and while it waits works the running build's queue: two
`briefqa index --store ...` on two machines share the work of one build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CorpusError, IndexLockedError, StoreIncompatibleError
from ..files import corpus_files
from ..index import Indexer, RefreshReport, tables_format
from ..ingest import human_size
from ..settings import Settings
from ..store import named_kinds_from
from . import schema, tables
from .build import Builder, BuildTally, build_encoder, run_builder_process
from .connect import Store, worker_name

log = logging.getLogger(__name__)

KEEP_GENERATIONS = 2  # the current one and the one before it (readers still on it)
ENQUEUE_BATCH_BYTES = 32 << 20
K1, B = 1.2, 0.75  # BM25's, as in lexical.BM25


@dataclass
class FileRecord:
    """A file as the current generation holds it."""

    doc_id: int | None
    size: int
    mtime_ns: int
    sha256: str
    reason: str | None = None  # skipped, and why


@dataclass
class Plan:
    """What a refresh does: files kept as they are, files to process, files skipped."""

    keep: dict[str, int] = field(default_factory=dict)  # source -> document row
    # source, path, size, mtime_ns
    todo: list[tuple[str, Path, int, int]] = field(default_factory=list)
    skipped: dict[str, dict] = field(default_factory=dict)
    stale: bool = False


class PgIndexer:
    """Brings a PostgreSQL store up to date with a corpus folder (the `Indexer` of the store).
    `settings.index_workers` builder processes on this machine share the work."""

    def __init__(self, settings: Settings, encoder_factory, show_progress: bool = False) -> None:
        self.settings = settings
        self.encoder_factory = encoder_factory
        self.show_progress = show_progress
        self.indexer = Indexer(settings, encoder_factory)  # parameters, encoder ids, export
        self.workers = max(1, int(settings.index_workers))
        self.last_tally: BuildTally | None = None

    def params(self) -> dict:
        # The PostgreSQL store embeds every row of a table (max_embedded_rows is the embedded
        # index's), so its parameters do not name that setting.
        params = {**self.indexer.params(), "lexical_scores": f"bm25 k1={K1} b={B}"}
        params.pop("embedded_rows", None)
        return params

    def params_key(self) -> str:
        return hashlib.sha256(json.dumps(self.params(), sort_keys=True).encode()).hexdigest()[:12]

    # -- the refresh --------------------------------------------------------------------------

    def refresh(self, force: bool = False) -> RefreshReport:
        """Bring the store up to date; `force` re-processes every file (and replaces a store
        built with other parameters, which otherwise is refused)."""
        started = time.perf_counter()
        store = Store(self.settings.store, retry_seconds=self.settings.store_retry_seconds,
                      pool_size=2, application="briefqa-writer")
        try:
            lock = self._acquire_lock(store)
            try:
                report = self._refresh_locked(store, force)
            finally:
                _release(lock)
        finally:
            store.close()
        if report.touched or force:
            self.indexer._export_query_encoder()
        report.seconds = time.perf_counter() - started
        return report

    def _refresh_locked(self, store: Store, force: bool) -> RefreshReport:
        params = self.params()
        state = store.run(schema.read_state)
        if state is not None and (state.params != params or (state.format, state.version) !=
                                  (schema.FORMAT, schema.VERSION)):
            if not force:
                schema.check_compatible(state, store.address, params, writing=True)
            log.warning("the store at %s was built with other parameters or by another version "
                        "of briefqa; --rebuild replaces it (readers fail until they use the new "
                        "model)", store.address.shown)
            store.run(schema.drop_schema)
            state = None
        if state is None:
            store.run(lambda conn: schema.ensure_pgvector(conn, store.address))
            dimension = self._dimension()
            store.run(lambda conn: schema.create_schema(conn, dimension, params))
            store.has_vector = True
            state = store.run(schema.read_state)
        base = state.current
        previous, skipped_before = ({}, {}) if force or base is None else \
            store.run(lambda conn: _current_files(conn, base))
        report = RefreshReport()
        plan = self.plan(previous, skipped_before, report)
        if not plan.stale and base is not None and store.run(
                lambda conn: tables.generation_format(conn, base)) != tables_format():
            plan.stale = True  # the table store changed: a new generation of the same rows
        if not plan.stale:
            report.units = store.run(lambda conn: _generation_units(conn, base))
            return report
        build = store.run(lambda conn: _new_build(conn, base))
        self._resume(store, plan, report, previous)
        self._enqueue(store, build, plan, report)
        self._work(store, build, params)
        built, skipped = store.run(lambda conn: _build_results(conn, build))
        for source, reason in skipped.items():
            report.skipped[source] = reason["reason"]
        plan.skipped.update(skipped)
        for source, doc_id in built.items():
            plan.keep[source] = doc_id
            (report.changed if source in previous else report.added).append(source)
        if not plan.keep:
            raise CorpusError(f"nothing in {self.settings.corpus_dir} could be indexed"
                              + (f" ({'; '.join(report.skipped.values())})"
                                 if report.skipped else ""))
        generation, units = self._commit(store, base, build, plan, params)
        report.units = units
        for name in ("added", "changed", "unchanged", "removed"):
            getattr(report, name).sort()
        store.run(lambda conn: _collect_garbage(conn, build))
        log.info("committed generation %s (%s units)", generation, units)
        return report

    def _dimension(self) -> int:
        encoder = build_encoder(self.settings, self.params(), self.encoder_factory, 1)
        return int(encoder.dimension)

    # -- 1. plan ------------------------------------------------------------------------------

    def plan(self, previous: dict[str, FileRecord], skipped_before: dict[str, dict],
             report: RefreshReport) -> Plan:
        """Which files keep their rows, which are processed, which stay skipped."""
        files = corpus_files(self.settings.corpus_dir, self.settings)
        plan = Plan()
        plan.stale = set(previous) | set(skipped_before) != set(files)
        for source, path in files.items():
            try:
                stat = path.stat()
            except OSError as exc:
                report.skipped[source] = f"{source}: cannot be read ({exc.strerror or exc})"
                plan.stale = True
                continue
            known = previous.get(source)
            if known is not None and _same_file(path, stat, known.size, known.mtime_ns,
                                                known.sha256):
                plan.keep[source] = known.doc_id
                report.unchanged.append(source)
                continue
            skipped = skipped_before.get(source)
            if skipped is not None and _same_file(path, stat, skipped["size"],
                                                  skipped["mtime_ns"], skipped["sha256"]):
                plan.skipped[source] = skipped
                report.skipped[source] = skipped["reason"]
                continue
            plan.stale = True
            plan.todo.append((source, path, stat.st_size, stat.st_mtime_ns))
        report.removed = sorted(set(previous) - set(files))
        if report.removed:
            plan.stale = True
        return plan

    def _resume(self, store: Store, plan: Plan, report: RefreshReport,
                previous: dict[str, FileRecord]) -> None:
        """Files whose new content an earlier, interrupted build already wrote are not
        processed again."""
        if not plan.todo:
            return
        key = self.params_key()
        hashed = {source: _sha256_file(path) for source, path, _, _ in plan.todo}
        found = store.run(lambda conn: _complete_documents(conn, hashed, key))
        for source, doc_id in found.items():
            plan.keep[source] = doc_id
            (report.changed if source in previous else report.added).append(source)
        plan.todo = [t for t in plan.todo if t[0] not in found]

    # -- 2. queue -----------------------------------------------------------------------------

    def _enqueue(self, store: Store, build: int, plan: Plan, report: RefreshReport) -> None:
        """A queue row per file to process, with its bytes; files over the size limit or that
        cannot be read are skipped here, as the embedded index skips them."""
        batch: list[tuple] = []
        size = 0
        limit = self.settings.max_file_bytes
        for source, path, file_size, mtime_ns in plan.todo:
            try:
                if file_size > limit:
                    data = None
                    sha = _sha256_file(path)
                    reason = (f"{source}: {human_size(file_size)} is over the "
                              f"{human_size(limit)} limit for one file")
                else:
                    data = path.read_bytes()
                    sha = hashlib.sha256(data).hexdigest()
                    reason = None
            except OSError as exc:
                report.skipped[source] = f"{source}: cannot be read ({exc.strerror or exc})"
                continue
            if reason is not None:
                log.warning("skipping %s", reason)
                report.skipped[source] = reason
                plan.skipped[source] = {"sha256": sha, "size": file_size, "mtime_ns": mtime_ns,
                                        "reason": reason}
                continue
            batch.append((build, source, sha, file_size, mtime_ns, data))
            size += len(data)
            if size >= ENQUEUE_BATCH_BYTES:
                store.run(lambda conn, rows=batch: _enqueue_rows(conn, rows))
                batch, size = [], 0
        if batch:
            store.run(lambda conn, rows=batch: _enqueue_rows(conn, rows))

    # -- 3. work ------------------------------------------------------------------------------

    def _work(self, store: Store, build: int, params: dict) -> None:
        """This process and `workers - 1` builder processes work the queue until it is empty
        (rows of a builder that died are taken again)."""
        total, _ = store.run(lambda conn: _queue_counts(conn, build))
        if total == 0:
            return
        processes = []
        if self.workers > 1 and total > 1:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            for n in range(min(self.workers, total) - 1):
                process = context.Process(
                    target=run_builder_process, name=f"briefqa-builder-{n + 1}",
                    args=(self.settings, build, params, self.params_key(), self.workers))
                process.start()
                processes.append(process)
        bar = _bar(self.show_progress, total)
        builder = Builder(self.settings, store, params, self.params_key(),
                          self.encoder_factory, self.workers)
        tally = BuildTally()
        try:
            seen = 0
            while True:
                done = builder.work(build)
                for name in ("files", "skipped", "embedded_units", "copied_units", "seconds"):
                    setattr(tally, name, getattr(tally, name) + getattr(done, name))
                todo, finished = store.run(lambda conn: _queue_counts(conn, build))
                if bar is not None and finished > seen:
                    bar.update(finished - seen)
                    seen = finished
                if todo == 0:
                    break
                time.sleep(0.2)  # others hold the rest; a dead builder's rows come back
        finally:
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.terminate()
            if bar is not None:
                bar.close()
        self.last_tally = tally

    # -- 4. commit ----------------------------------------------------------------------------

    def _commit(self, store: Store, base: int | None, build: int, plan: Plan,
                params: dict) -> tuple[int, int]:
        """The new generation, in one transaction; (its number, its unit count)."""
        total_units = store.run(lambda conn: _units_of(conn, list(plan.keep.values())))
        approximate = total_units > self.settings.approximate_above_units
        if approximate:
            store.run(_ensure_hnsw)  # before the commit: old readers keep exact search
        manifest = {"format": schema.FORMAT, "version": schema.VERSION, "params": params,
                    "model_path": self.settings.model_path or "bundled",
                    "encoder": self._encoder_record(),
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "skipped": plan.skipped}
        vector_index = "hnsw" if approximate else "exact"
        prepared = tables.prepare(store, plan.keep, base, Path(self.settings.corpus_dir))
        return store.run(lambda conn: _commit_generation(conn, base, build, plan.keep,
                                                         manifest, vector_index, prepared))

    def _encoder_record(self) -> dict:
        from ..embed import cpu_kernels, runtime_versions

        kind = self.params().get("encoder", "torch")
        return {"kind": kind, "kernels": cpu_kernels(),
                **runtime_versions("onnx" if kind != "torch" else "torch")}

    # -- the lock -----------------------------------------------------------------------------

    def _acquire_lock(self, store: Store):
        """The writer's advisory lock, on a connection of its own; while another writer holds
        it, work that writer's queue."""
        timeout = self.settings.lock_timeout_seconds
        deadline = time.monotonic() + timeout
        conn = store.connect_retrying()
        try:
            while not conn.execute("SELECT pg_try_advisory_lock(%s)",
                                   (schema.WRITER_LOCK,)).fetchone()[0]:
                if self._help(store):
                    deadline = time.monotonic() + timeout
                    continue
                if time.monotonic() > deadline:
                    raise IndexLockedError(
                        f"another process is writing the store at {store.address.shown} and "
                        f"did not finish within {timeout:.0f} s; try again when it is done")
                time.sleep(0.5)
        except BaseException:
            conn.close()
            raise
        return conn

    def _help(self, store: Store) -> bool:
        """Work the queue of the build another writer is running; True if anything was done."""
        params = self.params()

        def running(conn):
            state = schema.read_state(conn)
            if state is None or state.params != params:
                return None
            row = conn.execute("SELECT b.build FROM briefqa_builds b WHERE b.state = 'running' "
                               "AND EXISTS (SELECT 1 FROM briefqa_queue q WHERE q.build = "
                               "b.build AND q.state = 'todo') ORDER BY b.build DESC LIMIT 1"
                               ).fetchone()
            return None if row is None else int(row[0])

        build = store.run(running)
        if build is None:
            return False
        log.info("another writer holds the lock; helping with its build %s", build)
        builder = Builder(self.settings, store, params, self.params_key(),
                          self.encoder_factory, self.workers)
        tally = builder.work(build)
        self.last_tally = tally
        return tally.files > 0 or tally.skipped > 0


# ---------------------------------------------------------------------------------------------
# SQL of each step


def _current_files(conn, generation: int) -> tuple[dict[str, FileRecord], dict[str, dict]]:
    rows = conn.execute(
        "SELECT f.source, d.doc_id, d.size, d.mtime_ns, d.sha256 FROM "
        "briefqa_generation_files f JOIN briefqa_documents d ON d.doc_id = f.doc_id "
        "WHERE f.generation = %s", (generation,)).fetchall()
    manifest = conn.execute("SELECT manifest FROM briefqa_generations WHERE generation = %s",
                            (generation,)).fetchone()[0]
    manifest = json.loads(manifest) if isinstance(manifest, str) else manifest
    return ({r[0]: FileRecord(int(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows},
            dict(manifest.get("skipped", {})))


def _generation_units(conn, generation: int | None) -> int:
    if generation is None:
        return 0
    return int(conn.execute("SELECT units FROM briefqa_generations WHERE generation = %s",
                            (generation,)).fetchone()[0])


def _new_build(conn, base: int | None) -> int:
    return int(conn.execute("INSERT INTO briefqa_builds (based_on, owner) VALUES (%s, %s) "
                            "RETURNING build", (base, worker_name())).fetchone()[0])


def _complete_documents(conn, hashed: dict[str, str], key_suffix: str) -> dict[str, int]:
    """Document rows already written for these exact files (source, content, parameters)."""
    if not hashed:
        return {}
    sources = list(hashed)
    rows = conn.execute(
        "SELECT DISTINCT ON (d.source) d.source, d.doc_id FROM briefqa_documents d "
        "JOIN unnest(%s::text[], %s::text[]) AS f(source, sha256) "
        "ON d.source = f.source AND d.sha256 = f.sha256 "
        "WHERE d.content_key = left(d.sha256, 32) || '-' || %s AND d.units > 0 "
        "ORDER BY d.source, d.doc_id DESC",
        (sources, [hashed[s] for s in sources], key_suffix)).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def _enqueue_rows(conn, rows: list[tuple]) -> None:
    with conn.transaction():
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO briefqa_queue (build, source, sha256, size, mtime_ns, "
                            "content) VALUES (%s, %s, %s, %s, %s, %s) "
                            "ON CONFLICT (build, source) DO NOTHING", rows)


def _queue_counts(conn, build: int) -> tuple[int, int]:
    """(rows still to do, rows finished) of a build."""
    row = conn.execute("SELECT count(*) FILTER (WHERE state = 'todo'), "
                       "count(*) FILTER (WHERE state <> 'todo') FROM briefqa_queue "
                       "WHERE build = %s", (build,)).fetchone()
    return int(row[0]), int(row[1])


def _build_results(conn, build: int) -> tuple[dict[str, int], dict[str, dict]]:
    rows = conn.execute("SELECT source, state, doc_id, reason, sha256, size, mtime_ns "
                        "FROM briefqa_queue WHERE build = %s", (build,)).fetchall()
    built = {r[0]: int(r[2]) for r in rows if r[1] == "done"}
    skipped = {r[0]: {"sha256": r[4], "size": int(r[5]), "mtime_ns": int(r[6]),
                      "reason": r[3]} for r in rows if r[1] == "skipped"}
    return built, skipped


def _units_of(conn, doc_ids: list[int]) -> int:
    row = conn.execute("SELECT coalesce(sum(units), 0) FROM briefqa_documents "
                       "WHERE doc_id = ANY(%s)", (doc_ids,)).fetchone()
    return int(row[0])


def _ensure_hnsw(conn) -> None:
    if schema.has_hnsw(conn):
        return
    log.warning("building the HNSW indexes (once; minutes for a large corpus)")
    try:  # more memory makes the build much faster; a managed server may refuse it
        conn.execute("SET maintenance_work_mem = '1GB'")
    except Exception as exc:
        log.info("maintenance_work_mem left as it is (%s)", exc)
    schema.ensure_hnsw(conn)


def _commit_generation(conn, base: int | None, build: int, keep: dict[str, int],
                       manifest: dict, vector_index: str,
                       prepared: tables.GenerationTables) -> tuple[int, int]:
    """One transaction: the generation's files, terms, statistics, tables and manifest, then
    `current`. Run again after a dropped connection, it finds its own commit."""
    with conn.transaction():
        done = conn.execute("SELECT generation, units FROM briefqa_generations WHERE build = %s",
                            (build,)).fetchone()
        if done is not None:  # committed before the connection dropped
            return int(done[0]), int(done[1])
        current = conn.execute("SELECT current FROM briefqa_store FOR UPDATE").fetchone()[0]
        if current != base:
            raise IndexLockedError("another writer committed a generation during this refresh; "
                                   "run it again")
        sources = sorted(keep)
        ids = [keep[s] for s in sources]
        documents = {int(r[0]): r[1:] for r in conn.execute(
            "SELECT doc_id, units, lexical_total, kind_columns, kind_titles FROM "
            "briefqa_documents WHERE doc_id = ANY(%s)", (ids,)).fetchall()}
        first, firsts = 0, []
        columns: Counter[str] = Counter()
        titles: set[str] = set()
        lexical_total = 0
        for doc_id in ids:
            units, length, kind_columns, kind_titles = documents[doc_id]
            firsts.append(first)
            first += int(units)
            lexical_total += int(length)
            kind_columns = json.loads(kind_columns) if isinstance(kind_columns, str) \
                else kind_columns
            columns.update({k: int(v) for k, v in kind_columns.items()})
            titles.update(kind_titles)
        total = first
        generation = int(conn.execute(
            "INSERT INTO briefqa_generations (build, units, files, lexical_total, "
            "average_length, rarest, named_kinds, vector_index, manifest) VALUES "
            "(%s, %s, %s, %s, 0, 0, '{}', %s, '{}') RETURNING generation",
            (build, total, len(ids), lexical_total, vector_index)).fetchone()[0])
        with conn.cursor() as cur:
            with cur.copy("COPY briefqa_generation_files (generation, source, doc_id, "
                          "first_unit) FROM STDIN") as copy:
                for source, doc_id, start in zip(sources, ids, firsts):
                    copy.write_row((generation, source, doc_id, start))
        terms, frequencies = _document_frequencies(conn, base, generation, ids)
        idf = _idf(frequencies, total)
        with conn.cursor() as cur:
            with cur.copy("COPY briefqa_terms (generation, term, df, idf) FROM STDIN") as copy:
                for term, df, weight in zip(terms, frequencies.tolist(), idf.tolist()):
                    copy.write_row((generation, term, int(df), weight))
        # As lexical.BM25 computes them: mean length in float32, rarest idf.
        average = float(np.float32(lexical_total) / np.float32(total)) if total else 1.0
        rarest = float(idf.max()) if len(idf) else 1.0
        kinds = sorted(named_kinds_from(columns, titles))
        stored = tables.insert(conn, generation, prepared)
        manifest = {**manifest, "generation": generation, "units": total, "files": len(ids),
                    "dimension": _dimension(conn), "vector_index": vector_index,
                    "tables": stored}
        conn.execute("UPDATE briefqa_generations SET average_length = %s, rarest = %s, "
                     "named_kinds = %s, manifest = %s WHERE generation = %s",
                     (average, rarest, kinds, json.dumps(manifest, ensure_ascii=False),
                      generation))
        conn.execute("UPDATE briefqa_store SET current = %s", (generation,))
        conn.execute("UPDATE briefqa_builds SET state = 'committed' WHERE build = %s", (build,))
        conn.execute("DELETE FROM briefqa_queue WHERE build = %s", (build,))
    return generation, total


def _document_frequencies(conn, base: int | None, generation: int,
                          ids: list[int]) -> tuple[list[str], np.ndarray]:
    """Each term's document (unit) frequency in the new generation: the previous generation's,
    plus the added documents', minus the removed ones' (or counted afresh)."""
    if base is not None:
        before = [int(r[0]) for r in conn.execute(
            "SELECT doc_id FROM briefqa_generation_files WHERE generation = %s",
            (base,)).fetchall()]
        added = sorted(set(ids) - set(before))
        removed = sorted(set(before) - set(ids))
        rows = conn.execute(
            "SELECT term, sum(df)::bigint FROM ("
            " SELECT term, df::bigint AS df FROM briefqa_terms WHERE generation = %s"
            " UNION ALL SELECT term, count(*) FROM briefqa_postings WHERE doc_id = ANY(%s)"
            " GROUP BY term"
            " UNION ALL SELECT term, -count(*) FROM briefqa_postings WHERE doc_id = ANY(%s)"
            " GROUP BY term) d GROUP BY term HAVING sum(df) > 0",
            (base, added, removed)).fetchall()
    else:
        rows = conn.execute(
            "SELECT p.term, count(*) FROM briefqa_postings p JOIN briefqa_generation_files f "
            "ON f.doc_id = p.doc_id AND f.generation = %s GROUP BY p.term",
            (generation,)).fetchall()
    terms = [r[0] for r in rows]
    return terms, np.asarray([r[1] for r in rows], dtype=np.float32)


def _idf(df: np.ndarray, units: int) -> np.ndarray:
    """BM25's idf, computed as lexical.BM25.build computes it (float32), so word rarities
    are the embedded index's to the last bit."""
    n = max(units, 1)
    return np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)


def _dimension(conn) -> int:
    return int(conn.execute("SELECT dimension FROM briefqa_store").fetchone()[0])


def _collect_garbage(conn, build: int) -> None:
    """Generations before the last KEEP_GENERATIONS, builds that died, and the document
    versions nothing uses any more (their units and postings go with them)."""
    with conn.transaction():
        conn.execute("DELETE FROM briefqa_generations WHERE generation NOT IN (SELECT "
                     "generation FROM briefqa_generations ORDER BY generation DESC LIMIT %s)",
                     (KEEP_GENERATIONS,))
        # Under the writer's lock, a build still marked running is one whose writer died.
        conn.execute("UPDATE briefqa_builds SET state = 'abandoned' WHERE state = 'running' "
                     "AND build <> %s", (build,))
        conn.execute("DELETE FROM briefqa_builds b WHERE b.state <> 'running' AND NOT EXISTS "
                     "(SELECT 1 FROM briefqa_generations g WHERE g.build = b.build)")
        conn.execute("DELETE FROM briefqa_documents d WHERE NOT EXISTS (SELECT 1 FROM "
                     "briefqa_generation_files f WHERE f.doc_id = d.doc_id) AND NOT EXISTS "
                     "(SELECT 1 FROM briefqa_builds b WHERE b.build = d.build AND "
                     "b.state = 'running')")


def _release(conn) -> None:
    try:
        conn.execute("SELECT pg_advisory_unlock(%s)", (schema.WRITER_LOCK,))
    except Exception:  # a dropped connection released it already
        pass
    finally:
        try:
            conn.close()
        except Exception:
            pass


def _same_file(path: Path, stat, size: int, mtime_ns: int, sha256: str) -> bool:
    """Unchanged: the same size and time, or else the same content."""
    if (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns):
        return True
    try:
        return _sha256_file(path) == sha256
    except OSError:
        return False


def _sha256_file(path: Path) -> str:
    from ..store import file_sha256

    return file_sha256(path)


def _bar(enabled: bool, total: int):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="building", unit="file", leave=True)


__all__ = ["PgIndexer", "StoreIncompatibleError"]
