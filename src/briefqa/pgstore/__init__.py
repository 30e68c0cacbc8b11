"""PostgreSQL + pgvector store: the same index as the embedded one, in a database that many
replicas answer from and several builders write to (`BRIEFQA_STORE=postgresql://...`).

One module per stage:
  connect      connections: the URL (its password never shown), a small pool, reconnecting
               with backoff when the database restarts, errors that say what to do, and the
               `vector` type read and written as float32 arrays
  schema       the tables (documents, units with their vectors in `vector(d)` columns and HNSW
               indexes, BM25 postings and per-generation term statistics, generations, the
               build queue) and the checks made on opening: pgvector, format, model
  build        a builder: takes files from the queue (`FOR UPDATE SKIP LOCKED`), reads, chunks
               and embeds each, and writes it in the transaction that marks it done, so a
               killed builder's file returns to the queue
  generations  the writer: plans what changed, queues it, has builders work it, and commits
               the new generation in one transaction under an advisory lock; old generations
               keep serving until then, and are collected afterwards
  tables       the corpus's tables for the computed answers: built by the writer, stored with
               each generation, written into a replica's local folder for DuckDB to read
  search       dense (exact below a size, HNSW above it) and BM25 rankings in SQL
  reader       `PgIndex`: what answering reads from an index (units, documents, vectors, word
               rarities, the kinds of thing the corpus names), fetched by id into small caches

Importing this package does not import psycopg; the modules that talk to the database do.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import Settings


def open_store_index(settings: Settings, encoder_params: dict | None = None):
    """The current generation of the store named by `settings.store`, opened for reading."""
    from .reader import open_reader

    return open_reader(settings, encoder_params)


def store_indexer(settings: Settings, encoder_factory, show_progress: bool = False):
    """The writer for `settings.store` (the PostgreSQL counterpart of `index.Indexer`)."""
    from .generations import PgIndexer

    return PgIndexer(settings, encoder_factory, show_progress=show_progress)


def local_folder(settings: Settings) -> Path:
    """The local folder a replica keeps its exported query encoder in (the index folder)."""
    return Path(settings.index_dir)


__all__ = ["open_store_index", "store_indexer", "local_folder"]
