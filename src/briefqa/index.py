"""Index: build, refresh and persist the FAISS + BM25 index of a corpus, atomically.

On disk, under the index folder:
  manifest.json       what was indexed (file hashes), with which model and parameters, and
                      which generation folder holds the combined index; replaced atomically last
  cache/KEY.json      one document's extracted text, blocks and sentence units (KEY: the file's
  cache/KEY.npy       sha256 and the parameters) and its unit vectors, so a refresh re-embeds
                      only changed files
  gen-ID/             vectors.faiss (FAISS), bm25.npz + bm25_vocabulary.json (lexical index)
  .lock               held while writing, so two writers never interleave
A crash at any point leaves the previous manifest pointing at a complete generation.
Opening and checking an index is in store.py; the writer's disk work is in files.py.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunk import Unit, chunk_document, embedding_text, lexical_text, window_text
from .errors import CorpusError, DocumentError, IndexDamagedError
from .files import (
    _cache_usable,
    _collect_garbage,
    _drop_changed_caches,
    _fsync_dir,
    _npy_bytes,
    _read_cache,
    _write_atomic,
    _write_error,
    corpus_files,
    write_lock,
)
from .ingest import Document, load_document
from .lexical import BM25
from .settings import Settings
from .store import FORMAT, VERSION, file_sha256, ivf_probes, read_manifest, validate_generation

# Opening an index lives in store.py; these names are still imported from here.
from .store import REBUILD_HINT as REBUILD_HINT
from .store import IndexData as IndexData
from .store import SourceInfo as SourceInfo
from .store import open_index as open_index

log = logging.getLogger(__name__)

# Changing how text is read or split changes every unit: part of each cache key.
PIPELINE_VERSION = "2026-12-07.2"


@dataclass
class RefreshReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    units: int = 0
    seconds: float = 0.0

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# ---------------------------------------------------------------------------------------------
# Building


class Indexer:
    """Brings an index folder up to date with a corpus folder, re-processing only what changed."""

    def __init__(self, settings: Settings, encoder_factory, show_progress: bool = False) -> None:
        self.settings = settings
        self.encoder_factory = encoder_factory
        self.show_progress = show_progress
        self._encoder = None

    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = self._onnx_build_encoder() or self.encoder_factory()
        return self._encoder

    def _onnx_build_encoder(self):
        """The exported ONNX encoder for embedding the corpus (faster than torch, and the
        same vectors the questions get), exported first if need be; None means torch."""
        if self.build_encoder_id() == "torch":
            return None
        from .onnx_export import onnx_encoder

        self._export_query_encoder()
        encoder = onnx_encoder(self.settings, threads=os.cpu_count())
        if encoder is None:
            log.warning("the ONNX encoder is unavailable; embedding with torch")
        return encoder

    def build_encoder_id(self) -> str:
        """Which encoder embeds the corpus: part of the parameters, so vectors never mix."""
        from .onnx_export import encoder_id, supported

        if self.settings.build_encoder == "onnx" and supported(self.settings):
            return encoder_id(self.settings)
        return "torch"

    def params(self) -> dict:
        return {"pipeline": PIPELINE_VERSION, "model": self.model_fingerprint(),
                "embedding_text": "sentence+section-urls;table-title",
                "window_text": "context+section-urls", "lexical_text": "title>path>sentence",
                "embedded_rows": self.settings.max_embedded_rows,
                "encoder":
                self.build_encoder_id()}

    def model_fingerprint(self) -> str:
        from .embed import model_fingerprint

        return model_fingerprint(self.settings.resolved_model_path())

    def _encoder_record(self) -> dict:
        """Which encoder embedded the corpus, and on which CPU kernels (for the record: the
        float encoder's vectors agree across them, see `embed.cpu_kernels`)."""
        from .embed import cpu_kernels, runtime_versions

        kind = getattr(self._encoder, "kind", None) or self.build_encoder_id()
        return {"kind": kind, "kernels": cpu_kernels(), **runtime_versions(kind)}

    def params_key(self) -> str:
        return hashlib.sha256(json.dumps(self.params(), sort_keys=True).encode()).hexdigest()[:12]

    def _export_query_encoder(self) -> None:
        """Export the fast query encoder next to the index while torch is loaded anyway."""
        from .onnx_export import ensure_exported

        try:
            ensure_exported(self.settings)
        except Exception as exc:  # the torch encoder still answers; only speed is lost
            log.warning("could not export the ONNX query encoder (%s); using torch", exc)

    # -- planning -----------------------------------------------------------------------------

    def plan(self, manifest: dict | None) -> tuple[dict[str, Path], dict[str, dict], bool]:
        """Which corpus files need processing, and whether the index is stale at all."""
        files = corpus_files(self.settings.corpus_dir, self.settings)
        previous = (manifest or {}).get("files", {})
        skipped_before = (manifest or {}).get("skipped", {})
        compatible = manifest is not None and manifest.get("params") == self.params()
        stale = not compatible or set(previous) | set(skipped_before) != set(files)
        if manifest is not None and manifest.get("tables") != tables_format():
            stale = True  # the table store changed: a new generation from the same caches
        if not stale:
            for source, path in files.items():
                known = previous.get(source) or skipped_before.get(source)
                try:
                    stat = path.stat()
                    changed = (known["size"], known["mtime_ns"]) != \
                        (stat.st_size, stat.st_mtime_ns) and known["sha256"] != file_sha256(path)
                except OSError:
                    changed = True
                if changed:
                    stale = True
                    break
        return files, previous if compatible else {}, stale

    # -- the build ----------------------------------------------------------------------------

    def refresh(self, force: bool = False) -> RefreshReport:
        started = time.perf_counter()
        index_dir = self.settings.index_dir
        with write_lock(index_dir, self.settings.lock_timeout_seconds):
            # A damaged index is rebuilt from the corpus (the unchanged files' caches are
            # kept when they read back whole), never patched.
            manifest = None
            try:
                manifest = read_manifest(index_dir, missing_ok=True, quiet=True)
                if manifest is not None:
                    validate_generation(index_dir, manifest)
            except IndexDamagedError as exc:
                log.warning("%s; rebuilding", str(exc).split("; rebuild")[0])
                if manifest is not None:
                    _drop_changed_caches(index_dir, manifest)
                manifest, force = None, True
            files, previous, stale = self.plan(None if force else manifest)
            report = RefreshReport()
            if not stale and manifest is not None:
                # Skipped files are named on every refresh, so they are never forgotten.
                skipped = manifest.get("skipped", {})
                report.skipped = {s: e["reason"] for s, e in sorted(skipped.items())}
                report.unchanged = sorted(set(files) - set(skipped))
                report.units = int(manifest["units"])
                report.seconds = time.perf_counter() - started
                return report
            try:
                self._rebuild(index_dir, files, previous, manifest, report)
            except OSError as exc:
                raise _write_error(index_dir, exc) from exc
            self._export_query_encoder()
        report.seconds = time.perf_counter() - started
        return report

    def _rebuild(self, index_dir, files, previous, old_manifest, report) -> None:
        cache = index_dir / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        key_suffix = self.params_key()
        entries: dict[str, dict] = {}
        todo: list[tuple[str, Path, str, dict]] = []
        skipped_before = (old_manifest or {}).get("skipped", {})
        for source, path in files.items():
            known = previous.get(source) or skipped_before.get(source)
            try:
                stat = path.stat()
                if known and (known["size"], known["mtime_ns"]) == \
                        (stat.st_size, stat.st_mtime_ns):
                    sha = known["sha256"]
                else:
                    sha = file_sha256(path)
            except OSError as exc:
                reason = f"{source}: cannot be read ({exc.strerror or exc})"
                log.warning("skipping %s", reason)
                report.skipped[source] = reason
                continue
            entry = {"sha256": sha, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                     "cache": f"{sha[:32]}-{key_suffix}"}
            if source in skipped_before and skipped_before[source]["sha256"] == sha:
                report.skipped[source] = skipped_before[source]["reason"]
                entries[source] = {**entry, "reason": skipped_before[source]["reason"]}
                continue
            if _cache_usable(cache, entry["cache"]):
                (report.unchanged if source in previous else report.added).append(source)
                entries[source] = entry
            else:
                todo.append((source, path, sha, entry))
        report.removed = sorted(set(previous) - set(files))

        progress = _progress(self.show_progress)
        documents: dict[str, tuple[Document, list[Unit]]] = {}
        for source, path, _sha, entry in progress(todo, "reading", unit="file"):
            try:
                document = load_document(path, source, self.settings.max_file_bytes,
                                         self.settings.max_document_chars,
                                         self.settings.max_embedded_rows)
                units = chunk_document(document)
                if not units:
                    raise DocumentError(f"{source}: no sentences found")
            except Exception as exc:  # one unreadable file never stops the others
                reason = str(exc) if isinstance(exc, DocumentError) else \
                    f"{source}: could not be split into sentences ({type(exc).__name__}: {exc})"
                log.warning("skipping %s", reason)
                report.skipped[source] = reason
                entries[source] = {**entry, "reason": reason}
                continue
            documents[source] = (document, units)
            entries[source] = entry
            (report.changed if source in previous else report.added).append(source)

        # Each document's vectors are cached as soon as they exist, so a build that is killed
        # part-way resumes from the documents it finished.
        total = sum(len(units) + sum(u.context_start != u.start or u.context_end != u.end
                                     for u in units) for _, units in documents.values())
        bar = _bar(self.show_progress and total > 0, total, "embedding", "unit")
        for source, (document, units) in documents.items():
            # Each unit's own vector, then one for each unit read with its neighbours (where
            # that differs): stacked in one cache file, the window owners listed in the text.
            texts, windows = embedding_inputs(document, units)
            vectors = self.encoder.encode(texts, self.settings.embed_batch_size,
                                          progress=bar.update if bar else None)
            key = entries[source]["cache"]
            _write_atomic(cache / f"{key}.npy", _npy_bytes(vectors))
            payload = {"key": key, "document": document.to_dict(),
                       "units": [u.to_dict() for u in units], "windows": windows}
            _write_atomic(cache / f"{key}.json",
                          json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        if bar:
            bar.close()

        indexed = {s: e for s, e in entries.items() if "reason" not in e}
        skipped = {s: e for s, e in entries.items() if "reason" in e}
        if not indexed:
            raise CorpusError(f"nothing in {self.settings.corpus_dir} could be indexed"
                              + (f" ({'; '.join(report.skipped.values())})"
                                 if report.skipped else ""))
        documents.clear()  # cached on disk by now; the combined index needs the memory
        self._write_generation(index_dir, indexed, skipped, report)

    def _write_tables(self, documents: list[Document], folder: Path, indexed: dict) -> list[str]:
        """The corpus's tables as data (tables.duckdb and its catalog, see `tables.store`)."""
        import duckdb

        from .tables.store import build_tables

        corpus = self.settings.corpus_dir
        try:
            return build_tables(documents, folder, lambda source: _indexed_bytes(
                corpus / source, indexed[source]["sha256"]), progress=self.show_progress)
        except duckdb.Error as exc:  # DuckDB reports a full disk as its own error
            if "No space left" not in str(exc):
                raise
            raise _write_error(folder.parent, OSError(errno.ENOSPC, str(exc))) from exc

    def _write_generation(self, index_dir, indexed, skipped, report) -> None:
        import faiss

        cache = index_dir / "cache"
        all_units: list[Unit] = []
        titles: list[str] = []
        vector_blocks, window_blocks, window_owners = [], [], []
        tabled: list[Document] = []  # documents with tables, for the table store
        for source in sorted(indexed):
            entry = indexed[source]
            payload, vectors, digest = _read_cache(cache, entry["cache"])
            # The cache is keyed by content: an identical file elsewhere shares the entry.
            units = [Unit(**{**u, "source": source}) for u in payload["units"]]
            entry.update(title=payload["document"]["title"], units=len(units),
                         format=payload["document"]["format"], cache_sha256=digest,
                         vectors_sha256=file_sha256(cache / f"{entry['cache']}.npy"))
            if any("table" in block for block in payload["document"]["blocks"]):
                document = Document.from_dict(payload["document"])
                document.source = source
                tabled.append(document)
            window_owners.extend(len(all_units) + n for n in payload["windows"])
            all_units.extend(units)
            titles.extend([payload["document"]["title"]] * len(units))
            vector_blocks.append(vectors[:len(units)])
            window_blocks.append(vectors[len(units):])
        matrix = np.ascontiguousarray(np.vstack(vector_blocks), dtype=np.float32)
        window_matrix = np.ascontiguousarray(np.vstack(window_blocks), dtype=np.float32)
        vector_blocks.clear()
        window_blocks.clear()
        dimension = matrix.shape[1]
        approximate = len(matrix) > self.settings.approximate_above_units
        vector_index, window_index = (
            _vector_index(m, len(m) > self.settings.approximate_above_units)
            for m in (matrix, window_matrix))
        del matrix, window_matrix  # FAISS holds its own copies
        bm25 = BM25.build([lexical_text(u, t) for u, t in zip(all_units, titles)])

        generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp = index_dir / f".{generation}.tmp"
        tmp.mkdir(parents=True)
        try:
            # Through Python rather than faiss.write_index, which reports a full disk as a
            # RuntimeError without saying why.
            for name, faiss_index in (("vectors.faiss", vector_index),
                                      ("windows.faiss", window_index)):
                with open(tmp / name, "wb") as fh:
                    fh.write(faiss.serialize_index(faiss_index).tobytes())
            (tmp / "window_owners.npy").write_bytes(
                _npy_bytes(np.asarray(window_owners, dtype=np.int64)))
            names = ["vectors.faiss", "windows.faiss", "window_owners.npy", *bm25.save(tmp),
                     *self._write_tables(tabled, tmp, indexed)]
            artifacts = {}
            for name in names:
                with open(tmp / name, "rb") as fh:
                    os.fsync(fh.fileno())
                artifacts[name] = {"size": (tmp / name).stat().st_size,
                                   "sha256": file_sha256(tmp / name)}
            os.replace(tmp, index_dir / generation)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _fsync_dir(index_dir)
        manifest = {
            "format": FORMAT, "version": VERSION, "params": self.params(),
            "model_path": self.settings.model_path or "bundled",
            "encoder": self._encoder_record(),
            "generation": generation, "artifacts": artifacts,
            "units": len(all_units), "dimension": int(dimension),
            "vector_index": "ivf" if approximate else "flat",
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": indexed, "skipped": skipped, "tables": tables_format(),
        }
        _write_atomic(index_dir / "manifest.json",
                      json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
        _fsync_dir(index_dir)
        report.units = len(all_units)
        _collect_garbage(index_dir, manifest)


def embedding_inputs(document: Document, units: list[Unit]) -> tuple[list[str], list[int]]:
    """What is embedded for a document: each unit's text, then the window (the unit read with
    its neighbours) of each unit whose window differs from itself; and those units' positions.
    Every store embeds exactly these, so their vectors are the same."""
    windows = [(n, window_text(u, document.text)) for n, u in enumerate(units)]
    windows = [(n, text) for n, text in windows if text is not None]
    texts = [embedding_text(u, document.title) for u in units] + [t for _, t in windows]
    return texts, [n for n, _ in windows]


def tables_format() -> str:
    """The version of the table store a generation holds (a new one is written, from the same
    caches, when it changes)."""
    from .tables.store import FORMAT

    return FORMAT


def _indexed_bytes(path: Path, sha256: str) -> bytes | None:
    """A corpus file's bytes, when they are still the bytes that were indexed."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _vector_index(matrix: np.ndarray, approximate: bool):
    """Exact inner-product search, or IVF past `approximate_above_units` (where exact search
    stops paying: benchmarks/ann.py measures it)."""
    import faiss

    if approximate and len(matrix) > 0:
        return approximate_index(matrix)
    index = faiss.IndexFlatIP(matrix.shape[1])
    index.add(matrix)
    return index


def approximate_index(matrix: np.ndarray):
    """IVF-Flat over unit vectors: 2*sqrt(n) lists trained on at most 40 vectors each (10
    k-means rounds), searched in an eighth of them. On the LUMI guide replicated to 200k
    units it builds in seconds and keeps recall@40 about 0.99 at a few ms a question, where
    exact search takes tens of ms and HNSW (M=32) takes minutes to build and recalls 0.87."""
    import faiss

    n, dimension = matrix.shape
    nlist = max(16, min(int(2 * n ** 0.5), n // 39))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = 10
    index.cp.max_points_per_centroid = 40
    index.cp.seed = 1234
    index.train(matrix[::max(1, n // (40 * nlist))])
    index.add(matrix)
    index.nprobe = ivf_probes(nlist)
    return index


# ---------------------------------------------------------------------------------------------


def _progress(enabled: bool):
    def wrap(items, desc, unit):
        if not enabled or not items:
            return items
        from tqdm import tqdm

        return tqdm(items, desc=desc, unit=unit, leave=False)

    return wrap


def _bar(enabled: bool, total: int, desc: str, unit: str):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=True)
