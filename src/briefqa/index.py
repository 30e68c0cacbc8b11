"""Index: build, refresh, persist and open the FAISS + BM25 index of a corpus, atomically.

On disk, under the index folder:
  manifest.json       what was indexed (file hashes), with which model and parameters, and
                      which generation folder holds the combined index; replaced atomically last
  cache/KEY.json      one document's extracted text, blocks and sentence units (KEY: the file's
  cache/KEY.npy       sha256 and the parameters) and its unit vectors, so a refresh re-embeds
                      only changed files
  gen-ID/             vectors.faiss (FAISS), bm25.npz + bm25_vocabulary.json (lexical index)
  .lock               held while writing, so two writers never interleave
A crash at any point leaves the previous manifest pointing at a complete generation.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunk import Unit, chunk_document, embedding_text, lexical_text
from .errors import CorpusError, DocumentError, IndexDamagedError, IndexLockedError, IndexWriteError
from .ingest import Document, load_document
from .lexical import BM25, words
from .settings import SUPPORTED_SUFFIXES, Settings

log = logging.getLogger(__name__)

FORMAT = "briefqa-index"
VERSION = 1
# Changing how text is read or split changes every unit: part of each cache key.
PIPELINE_VERSION = "2026-11-26.2"
REBUILD_HINT = "rebuild it with `briefqa index --rebuild` (or delete the index folder)"


@dataclass
class SourceInfo:
    source: str
    title: str
    units: int
    bytes: int
    format: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


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


@dataclass
class IndexData:
    """An opened index: everything a question needs, in memory (vectors memory-mapped)."""

    folder: Path
    manifest: dict
    units: list[Unit]
    faiss_index: object
    bm25: BM25
    documents: dict[str, Document]
    _unit_words: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    def unit_words(self, unit_id: int) -> frozenset[str]:
        """The content words a unit offers a question (section included), worked out once."""
        found = self._unit_words.get(unit_id)
        if found is None:
            found = frozenset(words(lexical_text(self.units[unit_id])))
            self._unit_words[unit_id] = found
        return found

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    def vectors_for(self, ids) -> np.ndarray:
        return np.vstack([self.faiss_index.reconstruct(int(i)) for i in ids]) if len(ids) else \
            np.zeros((0, self.dimension), dtype=np.float32)

    def sources(self) -> list[SourceInfo]:
        files = self.manifest["files"]
        return [SourceInfo(s, f["title"], f["units"], f["size"], f["format"])
                for s, f in sorted(files.items())]


# ---------------------------------------------------------------------------------------------
# Files


def corpus_files(corpus_dir: Path, settings: Settings) -> dict[str, Path]:
    """Every indexable file under the corpus folder, keyed by its '/'-separated relative path.
    Symlinks that lead outside the corpus folder are skipped: a corpus cannot reach out."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    root = corpus_dir.resolve()
    found: dict[str, Path] = {}
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if len(rel.parts) == 1 and rel.name in settings.ignored_files:
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            rel.as_posix().encode("utf-8")
        except UnicodeEncodeError:
            log.warning("skipping %r: its name is not valid UTF-8; rename it", rel.as_posix())
            continue
        try:
            real = path.resolve()
            if not real.is_relative_to(root):
                log.warning("skipping %s: it links outside the corpus folder", rel.as_posix())
                continue
            if not real.is_file():
                continue
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop
            log.warning("skipping %s: it cannot be resolved (a broken or looping link?)",
                        rel.as_posix())
            continue
        found[rel.as_posix()] = path
    return found


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def write_lock(index_dir: Path, timeout: float):
    """Exclusive lock for writers: a second writer waits, then fails with a clear error."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "a+")
    except OSError as exc:
        raise _write_error(index_dir, exc) from exc
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexLockedError(
                        f"another process is writing the index at {index_dir} and did not "
                        f"finish within {timeout:.0f} s; try again when it is done") from None
                time.sleep(0.2)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _write_error(index_dir: Path, exc: OSError) -> IndexWriteError:
    reason = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied",
              errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno, str(exc))
    return IndexWriteError(f"cannot write the index at {index_dir}: {reason}")


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
        """The exported ONNX encoder for embedding the corpus (several times torch's speed,
        cosine >= 0.97 to it), exported first if need be; None means torch."""
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
            return encoder_id()
        return "torch"

    def params(self) -> dict:
        return {"pipeline": PIPELINE_VERSION, "model": self.model_fingerprint(),
                "embedding_text": "sentence+section-urls", "encoder": self.build_encoder_id()}

    def model_fingerprint(self) -> str:
        from .embed import model_fingerprint

        return model_fingerprint(self.settings.resolved_model_path())

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
                                         self.settings.max_document_chars)
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
        total = sum(len(units) for _, units in documents.values())
        bar = _bar(self.show_progress and total > 0, total, "embedding", "unit")
        for source, (document, units) in documents.items():
            vectors = self.encoder.encode([embedding_text(u) for u in units],
                                          self.settings.embed_batch_size,
                                          progress=bar.update if bar else None)
            key = entries[source]["cache"]
            _write_atomic(cache / f"{key}.npy", _npy_bytes(vectors))
            payload = {"key": key, "document": document.to_dict(),
                       "units": [u.to_dict() for u in units]}
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

    def _write_generation(self, index_dir, indexed, skipped, report) -> None:
        import faiss

        cache = index_dir / "cache"
        all_units: list[Unit] = []
        vector_blocks = []
        for source in sorted(indexed):
            entry = indexed[source]
            payload, vectors, digest = _read_cache(cache, entry["cache"])
            # The cache is keyed by content: an identical file elsewhere shares the entry.
            units = [Unit(**{**u, "source": source}) for u in payload["units"]]
            entry.update(title=payload["document"]["title"], units=len(units),
                         format=payload["document"]["format"], cache_sha256=digest,
                         vectors_sha256=file_sha256(cache / f"{entry['cache']}.npy"))
            all_units.extend(units)
            vector_blocks.append(vectors)
        matrix = np.ascontiguousarray(np.vstack(vector_blocks), dtype=np.float32)
        vector_blocks.clear()
        dimension = matrix.shape[1]
        approximate = len(matrix) > self.settings.approximate_above_units
        if approximate:  # where exact search stops paying: benchmarks/ann.py measures it
            vector_index = approximate_index(matrix)
        else:
            vector_index = faiss.IndexFlatIP(dimension)
            vector_index.add(matrix)
        del matrix  # FAISS holds its own copy
        bm25 = BM25.build([lexical_text(u) for u in all_units])

        generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp = index_dir / f".{generation}.tmp"
        tmp.mkdir(parents=True)
        try:
            # Through Python rather than faiss.write_index, which reports a full disk as a
            # RuntimeError without saying why.
            with open(tmp / "vectors.faiss", "wb") as fh:
                fh.write(faiss.serialize_index(vector_index).tobytes())
            names = ["vectors.faiss", *bm25.save(tmp)]
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
            "generation": generation, "artifacts": artifacts,
            "units": len(all_units), "dimension": int(dimension),
            "vector_index": "ivf" if approximate else "flat",
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": indexed, "skipped": skipped,
        }
        _write_atomic(index_dir / "manifest.json",
                      json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
        _fsync_dir(index_dir)
        report.units = len(all_units)
        _collect_garbage(index_dir, manifest)


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


def ivf_probes(nlist: int) -> int:
    return min(nlist, max(16, nlist // 8))


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _collect_garbage(index_dir: Path, manifest: dict) -> None:
    """Drop generations and cache entries the new manifest no longer names (keeping the
    previous generation a moment longer for readers that opened it just before)."""
    generations = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()),
                         key=lambda p: p.stat().st_mtime)
    keep = {manifest["generation"]}
    older = [g for g in generations if g.name not in keep]
    for stale in older[:-1]:
        shutil.rmtree(stale, ignore_errors=True)
    for leftover in index_dir.glob(".gen-*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
    wanted = {e["cache"] for e in manifest["files"].values()}
    # Under the write lock, a temporary file is what a killed writer left behind.
    leftovers = [*index_dir.glob(".*.tmp"), *(index_dir / "cache").glob(".*.tmp")]
    for path in [*leftovers, *(index_dir / "cache").glob("*")]:
        if path.is_file() and (path in leftovers or
                               (path.stem not in wanted and not path.name.startswith("."))):
            with contextlib.suppress(OSError):
                path.unlink()


def _read_cache(cache: Path, key: str) -> tuple[dict, np.ndarray, str]:
    """One file's cached text, units and vectors, checked to agree; and the text's sha256."""
    try:
        raw = (cache / f"{key}.json").read_bytes()
        payload = json.loads(raw)
        vectors = np.load(cache / f"{key}.npy", allow_pickle=False)
        if not isinstance(payload, dict) or payload.get("key", key) != key or \
                not isinstance(payload["units"], list) or not isinstance(payload["document"], dict):
            raise ValueError("not this entry's text")
        if vectors.ndim != 2 or vectors.dtype != np.float32 or \
                len(vectors) != len(payload["units"]):
            raise ValueError("its text and vectors disagree")
        _check_offsets(Document.from_dict(payload["document"]),
                       [Unit(**u) for u in payload["units"]])
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise IndexDamagedError(f"the cached entry {key} is damaged ({exc}); "
                                f"{REBUILD_HINT}") from exc
    return payload, vectors, hashlib.sha256(raw).hexdigest()


def _cache_usable(cache: Path, key: str) -> bool:
    try:
        _read_cache(cache, key)
    except IndexDamagedError as exc:
        if (cache / f"{key}.json").exists():
            log.warning("%s; re-reading the file", str(exc).split(";")[0])
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Opening


def read_manifest(index_dir: Path, missing_ok: bool = False, quiet: bool = False) -> dict | None:
    path = index_dir / "manifest.json"
    if not path.exists():
        if missing_ok:
            return None
        raise IndexDamagedError(f"no index at {index_dir}; build it with `briefqa index`")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("not a briefqa manifest")
        if manifest.get("version") != VERSION:
            raise IndexDamagedError(
                f"the index at {index_dir} was made by an incompatible version of briefqa "
                f"(format {manifest.get('version')}, expected {VERSION}); {REBUILD_HINT}")
        for key in ("generation", "artifacts", "files", "units", "dimension", "params"):
            if key not in manifest:
                raise ValueError(f"missing {key!r}")
        _check_manifest_fields(manifest)
    except IndexDamagedError:
        raise
    except (ValueError, UnicodeDecodeError, OSError, TypeError, KeyError, AttributeError) as exc:
        reason = f"no field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise IndexDamagedError(f"the index manifest at {path} is damaged ({reason}); "
                                f"{REBUILD_HINT}") from exc
    return manifest


# What the manifest may name inside the index folder: plain names, never a path.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def _check_manifest_fields(manifest: dict) -> None:
    """The manifest decides which files are opened: it may name only files inside the index
    folder, with the fields the reader needs."""
    names = [manifest["generation"], *manifest["artifacts"],
             *(entry["cache"] for entry in manifest["files"].values())]
    for name in names:
        if not isinstance(name, str) or not _PLAIN_NAME.fullmatch(name) or ".." in name:
            raise ValueError(f"it names {name!r}, which is not a plain file name")
    for expected in manifest["artifacts"].values():
        if not isinstance(expected["size"], int) or not isinstance(expected["sha256"], str):
            raise ValueError("an artifact without size or checksum")
    for entry in manifest["files"].values():
        if not isinstance(entry["units"], int) or not isinstance(entry["cache_sha256"], str) \
                or not isinstance(entry["vectors_sha256"], str):
            raise ValueError("a file entry without unit count or checksum")
    for entry in [*manifest["files"].values(), *manifest.get("skipped", {}).values()]:
        if not (isinstance(entry["size"], int) and isinstance(entry["mtime_ns"], int)
                and isinstance(entry["sha256"], str)):
            raise ValueError("a file entry without size, time or checksum")
    if not all(isinstance(e["reason"], str) for e in manifest.get("skipped", {}).values()):
        raise ValueError("a skipped file without its reason")
    if not isinstance(manifest["units"], int) or not isinstance(manifest["dimension"], int):
        raise ValueError("no unit count or dimension")


def validate_generation(index_dir: Path, manifest: dict, hash_limit: int = 64 << 20) -> None:
    """Every artifact the manifest names is there, with its size; small ones by hash too."""
    generation = index_dir / str(manifest["generation"])
    if "/" in str(manifest["generation"]) or not generation.is_dir():
        raise IndexDamagedError(f"the index at {index_dir} is incomplete (missing "
                                f"{manifest['generation']}); {REBUILD_HINT}")
    for name, expected in manifest["artifacts"].items():
        path = generation / name
        if not path.is_file() or path.stat().st_size != expected["size"]:
            raise IndexDamagedError(f"index file {name} is missing or truncated; "
                                    f"{REBUILD_HINT}")
        if expected["size"] <= hash_limit and file_sha256(path) != expected["sha256"]:
            raise IndexDamagedError(f"index file {name} does not match its manifest "
                                    f"(changed or foreign); {REBUILD_HINT}")
    for source, entry in manifest["files"].items():
        for suffix in (".json", ".npy"):
            if not (index_dir / "cache" / f"{entry['cache']}{suffix}").is_file():
                raise IndexDamagedError(f"the cached text of {source} is missing from the "
                                        f"index; {REBUILD_HINT}")
        if not _cache_matches(index_dir, entry):
            raise IndexDamagedError(f"the cached text of {source} does not match its manifest "
                                    f"(changed or foreign); {REBUILD_HINT}")


def _cache_matches(index_dir: Path, entry: dict) -> bool:
    path = index_dir / "cache" / f"{entry['cache']}.json"
    return file_sha256(path) == entry["cache_sha256"] and \
        file_sha256(path.with_suffix(".npy")) == entry["vectors_sha256"]


def _drop_changed_caches(index_dir: Path, manifest: dict) -> None:
    """A cached entry that no longer matches the checksums its manifest recorded is made
    again from the corpus, never reused."""
    for entry in manifest["files"].values():
        path = index_dir / "cache" / f"{entry['cache']}.json"
        with contextlib.suppress(OSError):
            if path.is_file() and path.with_suffix(".npy").is_file() and \
                    not _cache_matches(index_dir, entry):
                path.unlink()
                path.with_suffix(".npy").unlink()


def open_index(index_dir: Path) -> IndexData:
    """Load a built index, checking it at every step; any damage is an IndexDamagedError."""
    import faiss

    manifest = read_manifest(index_dir)
    validate_generation(index_dir, manifest)
    generation = index_dir / manifest["generation"]
    try:
        faiss_index = faiss.read_index(str(generation / "vectors.faiss"))
        bm25 = BM25.load(generation)
        units: list[Unit] = []
        documents: dict[str, Document] = {}
        for source in sorted(manifest["files"]):
            entry = manifest["files"][source]
            payload = json.loads((index_dir / "cache" / f"{entry['cache']}.json")
                                 .read_text("utf-8"))
            document = Document.from_dict(payload["document"])
            document.source = source
            doc_units = [Unit(**{**u, "source": source}) for u in payload["units"]]
            if len(doc_units) != entry["units"]:
                raise ValueError(f"cached text of {source} does not match the manifest")
            _check_offsets(document, doc_units)
            documents[source] = document
            units.extend(doc_units)
    except IndexDamagedError:
        raise
    except (RuntimeError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IndexDamagedError(f"the index at {index_dir} cannot be read ({exc}); "
                                f"{REBUILD_HINT}") from exc
    if faiss_index.ntotal != len(units) or faiss_index.d != manifest["dimension"] or \
            bm25.matrix.shape[0] != len(units) or len(units) != manifest["units"]:
        raise IndexDamagedError(f"the parts of the index at {index_dir} disagree on its size; "
                                f"{REBUILD_HINT}")
    if hasattr(faiss_index, "hnsw"):
        faiss_index.hnsw.efSearch = 128
    if hasattr(faiss_index, "nprobe"):  # IVF: lists probed per question; reconstruct by id
        faiss_index.nprobe = ivf_probes(faiss_index.nlist)
        faiss_index.make_direct_map()
    return IndexData(index_dir, manifest, units, faiss_index, bm25, documents)


def _check_offsets(document: Document, units: list[Unit]) -> None:
    """Every citation quotes text[start:end]: a unit that does not would cite wrongly."""
    size = len(document.text)
    for unit in units:
        if not (0 <= unit.start <= unit.end <= size and 0 <= unit.context_start <= size
                and 0 <= unit.context_end <= size) or \
                document.text[unit.start:unit.end] != unit.text:
            raise ValueError(f"a sentence of {document.source} is not where its offsets say")


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
