"""Tables: the corpus's tables for the computed answers, kept with each generation.

The writer builds the same table store the embedded index writes into a generation folder
(`tables.store.build_tables`: a DuckDB file and its catalog) from the generation's documents,
sorted by source as the embedded index sorts them, and stores both files in
`briefqa_generation_tables` in the transaction that commits the generation (so readers see a
generation's tables exactly when they see the generation; they are deleted with it). When the
documents with tables are the previous generation's (most refreshes), the previous row is
copied in the database instead of being built again.

A replica needs no corpus files: `open_catalog` writes the files of its generation once into
`<index folder>/store-tables/<sha256>/` (written to a temporary folder and renamed into place,
the files read-only; checked against the sha256 on every opening), and DuckDB runs the plans
over them as it does in the embedded index. Generations with the same tables share a folder;
only the few newest folders are kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..document import Block, Document
from ..errors import StoreError
from ..tables.store import CATALOG, DATABASE, FORMAT, TableCatalog
from . import schema

log = logging.getLogger(__name__)

CACHE_FOLDER = "store-tables"
KEEP_CACHED = 4  # table folders kept in a replica's cache (the newest; readers of the last
                 # generations may still open theirs)

# Documents of these ids that have table rows (a block with a table number).
_TABLED = ("SELECT doc_id, sha256, content_key FROM briefqa_documents WHERE doc_id = ANY(%s) "
           "AND has_tables")


@dataclass(frozen=True)
class GenerationTables:
    """A generation's tables, ready to store: built (`database`, `catalog`), or the previous
    generation's row to copy (`copy_from`)."""

    inputs: str  # sha256 of what they were built from: the format, each tabled document
    copy_from: int | None = None
    database: bytes = b""
    catalog: bytes = b""
    count: int = 0

    @property
    def sha256(self) -> str:
        return digest(self.database, self.catalog)


def digest(database: bytes, catalog: bytes) -> str:
    """The sha256 a stored table store is checked against (its DuckDB file, then its catalog)."""
    h = hashlib.sha256(len(database).to_bytes(8, "big"))
    h.update(database)
    h.update(catalog)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Writing


def prepare(store, keep: dict[str, int], base: int | None, corpus: Path) -> GenerationTables:
    """The tables of a generation made of the document rows `keep` (source -> doc_id): the
    previous generation's when built from the same documents, else built here (CSV files are
    read by DuckDB from the corpus folder, when they still hold the bytes that were indexed)."""
    from ..index import _indexed_bytes
    from ..tables.store import build_tables

    source_of = {int(doc_id): source for source, doc_id in keep.items()}
    found = store.run(lambda conn: conn.execute(_TABLED, (list(source_of),)).fetchall())
    # (doc_id, source, sha256, content key), in source order as the embedded index has them
    tabled = sorted(((int(r[0]), source_of[int(r[0])], r[1], r[2]) for r in found),
                    key=lambda r: r[1])
    inputs = hashlib.sha256(json.dumps([FORMAT, [list(r[1:]) for r in tabled]]).encode()
                            ).hexdigest()
    if base is not None:
        before = store.run(lambda conn: conn.execute(
            "SELECT inputs FROM briefqa_generation_tables WHERE generation = %s",
            (base,)).fetchone())
        if before is not None and before[0] == inputs:
            return GenerationTables(inputs, copy_from=base)
    started = time.perf_counter()
    documents = [_document(store, r[0], r[1]) for r in tabled]
    sha_of = {r[1]: r[2] for r in tabled}
    with tempfile.TemporaryDirectory(prefix="briefqa-tables-") as folder:
        folder = Path(folder)
        build_tables(documents, folder, lambda source: _indexed_bytes(corpus / source,
                                                                      sha_of[source]))
        database, catalog = (folder / DATABASE).read_bytes(), (folder / CATALOG).read_bytes()
    count = len(json.loads(catalog)["tables"])
    log.info("tables of %d documents: %d tables, %d bytes, in %.1f s", len(documents), count,
             len(database) + len(catalog), time.perf_counter() - started)
    return GenerationTables(inputs, database=database, catalog=catalog, count=count)


def _document(store, doc_id: int, source: str) -> Document:
    title, text, format_, blocks, page_starts = store.run(lambda conn: conn.execute(
        "SELECT title, text, format, blocks, page_starts FROM briefqa_documents "
        "WHERE doc_id = %s", (doc_id,)).fetchone())
    return Document(source, title, text, format_, [Block(**b) for b in blocks],
                    [tuple(p) for p in page_starts or []])


def insert(conn, generation: int, tables: GenerationTables) -> dict:
    """Store the generation's tables (inside its commit's transaction); what the manifest
    says of them."""
    if tables.copy_from is not None:
        row = conn.execute(
            "INSERT INTO briefqa_generation_tables (generation, format, inputs, sha256, tables, "
            "size, database, catalog) SELECT %s, format, inputs, sha256, tables, size, database, "
            "catalog FROM briefqa_generation_tables WHERE generation = %s "
            "RETURNING format, sha256, tables, size", (generation, tables.copy_from)).fetchone()
        if row is None:
            raise StoreError(f"the tables of generation {tables.copy_from} are missing from the "
                             f"store; it may be damaged: {schema.REBUILD_HINT}")
    else:
        size = len(tables.database) + len(tables.catalog)
        row = (FORMAT, tables.sha256, tables.count, size)
        conn.execute(
            "INSERT INTO briefqa_generation_tables (generation, format, inputs, sha256, tables, "
            "size, database, catalog) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (generation, FORMAT, tables.inputs, tables.sha256, tables.count, size,
             tables.database, tables.catalog))
    return {"format": row[0], "sha256": row[1], "tables": int(row[2]), "size": int(row[3])}


def generation_format(conn, generation: int) -> str | None:
    """The table store format of a generation (None when it has none)."""
    row = conn.execute("SELECT format FROM briefqa_generation_tables WHERE generation = %s",
                       (generation,)).fetchone()
    return None if row is None else row[0]


# ---------------------------------------------------------------------------------------------
# Reading


def open_catalog(store, generation: int, folder: Path) -> TableCatalog | None:
    """The generation's tables as a `TableCatalog` over files in `folder/store-tables/`
    (written there first when missing or damaged); None when the generation has no row (it
    was collected, or the store is damaged)."""
    row = store.run(lambda conn: conn.execute(
        "SELECT format, sha256 FROM briefqa_generation_tables WHERE generation = %s",
        (generation,)).fetchone())
    if row is None:
        return None
    format_, sha = row
    cache = folder / CACHE_FOLDER
    if format_ != FORMAT:  # written by another version of briefqa: its tables are not read
        log.warning("the tables of generation %s of the store are in format %s, not %s: table "
                    "questions get the ordinary answer until the store is refreshed with this "
                    "version", generation, format_, FORMAT)
        return TableCatalog(cache, [])
    target = cache / sha
    if not _intact(target, sha):
        # Each column alone and in binary: as text a bytea is sent as hex, twice its size,
        # and PostgreSQL allocates no more than 1 GB for a value it sends.
        found = [store.run(lambda conn, column=column: conn.execute(
            f"SELECT {column} FROM briefqa_generation_tables WHERE generation = %s",
            (generation,), binary=True).fetchone()) for column in ("database", "catalog")]
        if any(f is None for f in found):
            return None
        database, catalog = bytes(found[0][0]), bytes(found[1][0])
        if digest(database, catalog) != sha:
            raise StoreError(f"the tables of generation {generation} do not match their "
                             f"checksum; the store may be damaged: {schema.REBUILD_HINT}")
        try:
            _write(cache, target, database, catalog)
        except OSError as exc:
            raise StoreError(f"cannot write the store's tables into {cache} "
                             f"({exc.strerror or exc}); the index folder must be writable"
                             ) from exc
        _prune(cache, keep=target)
    try:
        return TableCatalog.load(target)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"the table catalog of generation {generation} cannot be read "
                         f"({exc}); {schema.REBUILD_HINT}") from exc


def _intact(target: Path, sha: str) -> bool:
    try:
        return digest((target / DATABASE).read_bytes(), (target / CATALOG).read_bytes()) == sha
    except OSError:
        return False


def _write(cache: Path, target: Path, database: bytes, catalog: bytes) -> None:
    """Both files into a temporary folder, made read-only, renamed into place whole."""
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        for name, data in ((DATABASE, database), (CATALOG, catalog)):
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp / name, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        if target.exists():  # damaged (an intact one is never written again)
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.replace(tmp, target)
        except OSError:
            if not _intact(target, digest(database, catalog)):
                raise  # not another process's copy of the same tables
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _prune(cache: Path, keep: Path) -> None:
    """Only the newest KEEP_CACHED table folders stay, and no temporary folder an hour old."""
    try:
        folders = sorted((p for p in cache.iterdir() if p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    now = time.time()
    kept = 0
    for path in folders:
        if path.name.startswith("."):
            try:
                stale = now - path.stat().st_mtime > 3600
            except OSError:
                continue
            if stale:
                shutil.rmtree(path, ignore_errors=True)
            continue
        kept += 1
        if path != keep and kept > KEEP_CACHED:
            shutil.rmtree(path, ignore_errors=True)


__all__ = ["GenerationTables", "prepare", "insert", "open_catalog", "generation_format"]
