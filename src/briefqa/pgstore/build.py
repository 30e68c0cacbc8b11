"""Build: a builder takes files from a build's queue and writes each as a document version.

A queue row is taken with `SELECT ... FOR UPDATE SKIP LOCKED` inside a transaction that stays
open while the file is read, chunked and embedded, and that writes the document, its units
(with their vectors) and its postings and marks the row done before it commits. Builders on
any number of processes and machines therefore never take the same file, and a builder that
is killed, or whose connection drops, takes nothing with it: its transaction rolls back and
the row is free for the next builder. The row carries the file's bytes, so a builder on
another machine needs no shared disk.

A file whose content was already embedded (the same bytes under another name, or a build
that was interrupted after it) is not embedded again: its units and postings are copied in
the database, as the embedded index shares a cache entry between identical files.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..chunk import Unit, chunk_document, lexical_text
from ..errors import DocumentError
from ..ingest import Document, parse_document
from ..lexical import tokens
from ..settings import Settings
from ..store import kind_evidence
from .connect import Store, worker_name

log = logging.getLogger(__name__)

# Terms longer than this (a run of letters and digits with no break) are left out of the
# postings: no question holds them, and an index entry has a size limit.
MAX_TERM_CHARS = 256

_UNIT_COLUMNS = ("doc_id", "position", "section", "page", "kind", "start_offset", "end_offset",
                 "context_start", "context_end", "text", "lexical_length", "embedding",
                 "window_embedding")
_UNIT_TYPES = ["int8", "int4", "text", "int4", "text", "int4", "int4", "int4", "int4", "text",
               "int4", "vector", "vector"]


@dataclass
class BuildTally:
    """What one builder did."""

    files: int = 0
    skipped: int = 0
    embedded_units: int = 0
    copied_units: int = 0
    seconds: float = 0.0
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentRows:
    """A document ready to write: its row's values, its units and their vectors."""

    document: Document
    units: list[Unit]
    vectors: np.ndarray  # units, then the windows of `windows`
    windows: list[int]
    lexical: list[Counter]
    lengths: list[int]


class Builder:
    """Processes queue rows of one build until none is left to take."""

    def __init__(self, settings: Settings, store: Store, params: dict, params_key: str,
                 encoder_factory, processes: int = 1) -> None:
        self.settings = settings
        self.store = store
        self.params = params
        self.params_key = params_key
        self.encoder_factory = encoder_factory
        self.processes = max(1, processes)
        self.name = worker_name()
        self._encoder = None

    @property
    def encoder(self):
        """The build encoder (ONNX when the index's parameters say so, else torch), with this
        machine's cores shared among the builder processes on it."""
        if self._encoder is None:
            self._encoder = build_encoder(self.settings, self.params, self.encoder_factory,
                                          self.processes)
        return self._encoder

    def work(self, build: int, progress=None) -> BuildTally:
        """Take and process files of `build` until none is free (others may still be in other
        builders' hands)."""
        tally = BuildTally()
        started = time.perf_counter()
        while self.store.run(lambda conn: self._take_one(conn, build, tally)):
            if progress is not None:
                progress(1)
        tally.seconds = time.perf_counter() - started
        return tally

    # -- one file -----------------------------------------------------------------------------

    def _take_one(self, conn, build: int, tally: BuildTally) -> bool:
        with conn.transaction():
            row = conn.execute(
                "SELECT source, sha256, content FROM briefqa_queue WHERE build = %s AND "
                "state = 'todo' ORDER BY source LIMIT 1 FOR UPDATE SKIP LOCKED",
                (build,)).fetchone()
            if row is None:
                return False
            source, sha, content = row[0], row[1], bytes(row[2] or b"")
            key = f"{sha[:32]}-{self.params_key}"
            donor = conn.execute(
                "SELECT doc_id FROM briefqa_documents WHERE content_key = %s AND units > 0 "
                "ORDER BY doc_id LIMIT 1", (key,)).fetchone()
            if donor is not None:
                doc_id = _copy_document(conn, int(donor[0]), source, sha, build, key)
                tally.copied_units += _count_units(conn, doc_id)
            else:
                try:
                    rows = self.prepare(source, content)
                except DocumentError as exc:
                    log.warning("skipping %s", exc)
                    conn.execute("UPDATE briefqa_queue SET state = 'skipped', reason = %s, "
                                 "content = NULL, worker = %s, finished_at = now() "
                                 "WHERE build = %s AND source = %s",
                                 (str(exc), self.name, build, source))
                    tally.skipped += 1
                    return True
                doc_id = write_document(conn, rows, source, sha, build, key)
                tally.embedded_units += len(rows.units)
            conn.execute("UPDATE briefqa_queue SET state = 'done', doc_id = %s, content = NULL, "
                         "worker = %s, finished_at = now() WHERE build = %s AND source = %s",
                         (doc_id, self.name, build, source))
        tally.files += 1
        tally.sources.append(source)
        return True

    def prepare(self, source: str, content: bytes) -> DocumentRows:
        """Read, chunk and embed one file exactly as the embedded index does."""
        from ..index import embedding_inputs

        suffix = Path(source).suffix.lower()
        try:
            document = parse_document(content, source, suffix, self.settings.max_document_chars)
            units = chunk_document(document)
            if not units:
                raise DocumentError(f"{source}: no sentences found")
        except DocumentError:
            raise
        except Exception as exc:  # one unreadable file never stops the others
            raise DocumentError(f"{source}: could not be split into sentences "
                                f"({type(exc).__name__}: {exc})") from exc
        texts, windows = embedding_inputs(document, units)
        vectors = np.asarray(self.encoder.encode(texts, self.settings.embed_batch_size),
                             dtype=np.float32)
        lexical, lengths = [], []
        for unit in units:
            toks = tokens(lexical_text(unit, document.title))
            lengths.append(len(toks))
            lexical.append(Counter(toks))
        return DocumentRows(document, units, vectors, windows, lexical, lengths)


def build_encoder(settings: Settings, params: dict, encoder_factory, processes: int):
    """The encoder that embeds the corpus: the ONNX export when the parameters name it (the
    same vectors as the embedded index's build), else torch."""
    encoder_id = str(params.get("encoder", "torch"))
    if encoder_id != "torch":
        from ..onnx_export import ensure_exported, onnx_encoder

        ensure_exported(settings)
        threads = max(1, (os.cpu_count() or 1) // processes)
        encoder = onnx_encoder(settings, threads=threads)
        if encoder is not None:
            return encoder
        log.warning("the ONNX encoder is unavailable; embedding with torch")
    return encoder_factory()


def write_document(conn, rows: DocumentRows, source: str, sha: str, build: int,
                   key: str) -> int:
    """Insert a document version with its units, vectors and postings; its id."""
    document, units = rows.document, rows.units
    columns, titles = kind_evidence(units)
    doc_id = conn.execute(
        "INSERT INTO briefqa_documents (build, source, sha256, size, mtime_ns, content_key, "
        "title, format, text, blocks, page_starts, units, lexical_total, kind_columns, "
        "kind_titles, has_tables) SELECT %s, %s, %s, q.size, q.mtime_ns, %s, %s, %s, %s, %s, %s, "
        "%s, %s, %s, %s, %s FROM briefqa_queue q WHERE q.build = %s AND q.source = %s "
        "RETURNING doc_id",
        (build, source, sha, key, document.title, document.format, document.text,
         json.dumps([b.__dict__ for b in document.blocks], ensure_ascii=False),
         json.dumps(document.page_starts), len(units), int(sum(rows.lengths)),
         json.dumps(dict(columns), ensure_ascii=False), sorted(titles),
         any(b.table is not None for b in document.blocks), build, source)).fetchone()[0]
    window_of = {n: len(units) + i for i, n in enumerate(rows.windows)}
    with conn.cursor() as cur:
        with cur.copy(f"COPY briefqa_units ({', '.join(_UNIT_COLUMNS)}) FROM STDIN "
                      f"(FORMAT BINARY)") as copy:
            copy.set_types(_UNIT_TYPES)
            for n, unit in enumerate(units):
                window = rows.vectors[window_of[n]] if n in window_of else None
                copy.write_row((doc_id, n, unit.section, unit.page, unit.kind, unit.start,
                                unit.end, unit.context_start, unit.context_end, unit.text,
                                rows.lengths[n], rows.vectors[n], window))
        with cur.copy("COPY briefqa_postings (term, doc_id, position, tf, length) FROM STDIN "
                      "(FORMAT BINARY)") as copy:
            copy.set_types(["text", "int8", "int4", "int4", "int4"])
            for n, counts in enumerate(rows.lexical):
                for term, tf in counts.items():
                    if len(term) <= MAX_TERM_CHARS:
                        copy.write_row((term, doc_id, n, tf, rows.lengths[n]))
    return int(doc_id)


def _copy_document(conn, donor: int, source: str, sha: str, build: int, key: str) -> int:
    """A new version row for `source` whose content, units, vectors and postings are those of
    an identical file already embedded (copied in the database, not re-embedded)."""
    doc_id = conn.execute(
        "INSERT INTO briefqa_documents (build, source, sha256, size, mtime_ns, content_key, "
        "title, format, text, blocks, page_starts, units, lexical_total, kind_columns, "
        "kind_titles, has_tables) SELECT %s, %s, %s, q.size, q.mtime_ns, %s, d.title, d.format, "
        "d.text, d.blocks, d.page_starts, d.units, d.lexical_total, d.kind_columns, "
        "d.kind_titles, d.has_tables "
        "FROM briefqa_documents d, briefqa_queue q WHERE d.doc_id = %s AND q.build = %s AND "
        "q.source = %s RETURNING doc_id", (build, source, sha, key, donor, build,
                                           source)).fetchone()[0]
    conn.execute(
        "INSERT INTO briefqa_units (doc_id, position, section, page, kind, start_offset, "
        "end_offset, context_start, context_end, text, lexical_length, embedding, "
        "window_embedding) SELECT %s, position, section, page, kind, start_offset, end_offset, "
        "context_start, context_end, text, lexical_length, embedding, window_embedding "
        "FROM briefqa_units WHERE doc_id = %s", (doc_id, donor))
    conn.execute("INSERT INTO briefqa_postings (term, doc_id, position, tf, length) "
                 "SELECT term, %s, position, tf, length FROM briefqa_postings WHERE doc_id = %s",
                 (doc_id, donor))
    return int(doc_id)


def _count_units(conn, doc_id: int) -> int:
    return int(conn.execute("SELECT units FROM briefqa_documents WHERE doc_id = %s",
                            (doc_id,)).fetchone()[0])


# ---------------------------------------------------------------------------------------------
# Builder processes


def run_builder_process(settings: Settings, build: int, params: dict, params_key: str,
                        processes: int) -> None:
    """A builder process (started by `briefqa index --workers N`): works the queue, then
    exits. Its own connection and encoder; nothing shared with its parent but the database."""
    import logging as logging_

    logging_.basicConfig(level=logging_.WARNING, format="briefqa: %(message)s")
    from ..encoders import Encoders

    store = Store(settings.store, retry_seconds=settings.store_retry_seconds, pool_size=1,
                  application="briefqa-builder")
    try:
        Builder(settings, store, params, params_key, Encoders(settings).torch,
                processes).work(build)
    finally:
        store.close()
