"""Files: the index writer's disk work: corpus files, atomic writes, lock, caches, cleanup."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from .chunk import Unit
from .errors import CorpusError, IndexDamagedError, IndexLockedError, IndexWriteError
from .ingest import Document
from .settings import SUPPORTED_SUFFIXES, Settings
from .store import REBUILD_HINT, _cache_matches, _check_offsets

log = logging.getLogger(__name__)


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
# Caches and garbage


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
        digest = hashlib.sha256(raw).hexdigest()
        payload = json.loads(raw)
        del raw  # a large table's text is in it: not twice in memory
        vectors = np.load(cache / f"{key}.npy", allow_pickle=False)
        if not isinstance(payload, dict) or payload.get("key", key) != key or \
                not isinstance(payload["units"], list) or not isinstance(payload["document"], dict):
            raise ValueError("not this entry's text")
        windows = payload.get("windows")
        if not isinstance(windows, list) or not all(
                isinstance(n, int) and 0 <= n < len(payload["units"]) for n in windows):
            raise ValueError("its windows are not its units'")
        if vectors.ndim != 2 or vectors.dtype != np.float32 or \
                len(vectors) != len(payload["units"]) + len(windows):
            raise ValueError("its text and vectors disagree")
        _check_offsets(Document.from_dict(payload["document"]),
                       [Unit(**u) for u in payload["units"]])
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise IndexDamagedError(f"the cached entry {key} is damaged ({exc}); "
                                f"{REBUILD_HINT}") from exc
    return payload, vectors, digest


def _cache_usable(cache: Path, key: str) -> bool:
    try:
        _read_cache(cache, key)
    except IndexDamagedError as exc:
        if (cache / f"{key}.json").exists():
            log.warning("%s; re-reading the file", str(exc).split(";")[0])
        return False
    return True


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
