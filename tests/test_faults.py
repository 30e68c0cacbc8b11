"""Faults: a writer killed mid-build, damaged index files, two writers at once, a full or
read-only disk. The previous index keeps answering; the next open finishes or redoes the work;
damage is found at open (or rebuilt from the corpus), never answered from."""

from __future__ import annotations

import builtins
import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import found

from briefqa import Assistant, IndexDamagedError, IndexLockedError, IndexWriteError, Settings
from briefqa.index import open_index, read_manifest

ZEPHYR = "How many GPUs does the Zephyr cluster have?"



def cli(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefqa.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def answers_zephyr(qa: Assistant) -> None:
    answer = qa.ask(ZEPHYR)
    assert found(answer, "512 GPUs")
    assert answer.citations[0].source == "alpha.txt"


def add_many_documents(corpus: Path, files: int = 40, sentences: int = 20) -> None:
    for f in range(files):
        lines = [f"Rack Report {f}", "Inventory"]
        lines += [f"The rack R{f}x{s} in hall {f} holds {100 + f * sentences + s} nodes."
                  for s in range(sentences)]
        (corpus / f"racks-{f:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in [*index.glob(".*.tmp"), *index.glob(".gen-*"),
                                   *(index / "cache").glob(".*")])


# ---------------------------------------------------------------------------------------------
# kill -9


def test_kill_9_while_embedding_leaves_the_previous_index_answering(small_index_copy):
    corpus, index = small_index_copy
    before = read_manifest(index)
    add_many_documents(corpus)
    process = subprocess.Popen(
        [sys.executable, "-m", "briefqa.cli", "index", "--corpus", str(corpus), "--index",
         str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "BRIEFQA_EMBED_BATCH_SIZE": "8"})
    seen = bytearray()
    reader = threading.Thread(target=lambda: [seen.extend(c) for c in
                                              iter(lambda: process.stderr.read1(4096), b"")],
                              daemon=True)
    reader.start()
    progress = re.compile(rb"embedding:\s*\d+%\|[^|]*\|\s*(\d+)/(\d+)")
    deadline = time.monotonic() + 600
    killed_at = None
    while time.monotonic() < deadline and process.poll() is None:
        counts = [(int(a), int(b)) for a, b in progress.findall(bytes(seen))]
        if counts and 0 < counts[-1][0] < counts[-1][1]:
            os.kill(process.pid, signal.SIGKILL)
            killed_at = counts[-1]
            break
        time.sleep(0.02)
    process.wait(60)
    reader.join(10)
    assert killed_at, f"never saw the embedding step under way:\n{bytes(seen)[-2000:]!r}"
    assert process.returncode == -signal.SIGKILL

    # The previous index is untouched and answers as before.
    assert read_manifest(index) == before
    qa = Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)
    answers_zephyr(qa)
    assert {s.source for s in qa.sources()} == {"alpha.txt", "beta.md"}

    # The next open redoes the interrupted work and answers from all of it.
    qa = Assistant.open(corpus_dir=corpus, index_dir=index)
    assert len(qa.last_refresh.added) == 40
    answer = qa.ask("How many nodes does the rack R7x3 hold?")
    assert found(answer, f"R7x3 in hall 7 holds {100 + 7 * 20 + 3} nodes")
    answers_zephyr(qa)
    assert leftovers(index) == []


CRASH_AFTER_EMBEDDING = """
import os, signal, sys
from briefqa import lexical
from briefqa.cli import main

def save_then_die(self, folder):
    names = REAL(self, folder)
    os.kill(os.getpid(), signal.SIGKILL)  # the generation is half written, the manifest not
    return names

REAL, lexical.BM25.save = lexical.BM25.save, save_then_die
main(["index", "--corpus", sys.argv[1], "--index", sys.argv[2], "--quiet"])
"""


def test_kill_9_while_writing_is_finished_by_the_next_open_without_re_embedding(small_index_copy):
    corpus, index = small_index_copy
    before = read_manifest(index)
    add_many_documents(corpus, files=3, sentences=4)
    done = subprocess.run([sys.executable, "-c", CRASH_AFTER_EMBEDDING, str(corpus), str(index)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert any(p.name.startswith(".gen-") for p in index.iterdir()), "no half-written generation"
    assert read_manifest(index) == before
    answers_zephyr(Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False))

    embedded = {p.name: p.stat().st_mtime_ns for p in (index / "cache").iterdir()}
    qa = Assistant.open(corpus_dir=corpus, index_dir=index)
    assert sorted(qa.last_refresh.added) == ["racks-00.txt", "racks-01.txt", "racks-02.txt"]
    # The vectors embedded before the crash were used as they were, not made again.
    assert {n: m for n, m in ((p.name, p.stat().st_mtime_ns) for p in (index / "cache")
                              .iterdir()) if n in embedded} == embedded
    assert found(qa.ask("How many nodes does the rack R0x2 hold?"), "102 nodes")
    assert leftovers(index) == []


# ---------------------------------------------------------------------------------------------
# Damaged index files


def generation(index: Path) -> Path:
    return index / read_manifest(index)["generation"]


def cache_entry(index: Path, source: str) -> Path:
    return index / "cache" / read_manifest(index)["files"][source]["cache"]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def foreign_vectors(index: Path) -> None:
    import faiss

    manifest = read_manifest(index)
    other = faiss.IndexFlatIP(manifest["dimension"])
    rng = np.random.default_rng(3)
    other.add(rng.standard_normal((manifest["units"], manifest["dimension"])).astype("float32"))
    faiss.write_index(other, str(generation(index) / "vectors.faiss"))


def foreign_text(index: Path) -> None:
    """The cached text of alpha.txt swapped for a well-formed one that says something else."""
    path = cache_entry(index, "alpha.txt").with_suffix(".json")
    payload = json.loads(path.read_text("utf-8"))
    payload["document"]["text"] = payload["document"]["text"].replace("512", "999")
    for unit in payload["units"]:
        unit["text"] = unit["text"].replace("512", "999")
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def edit_manifest(index: Path, change) -> None:
    path = index / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


DAMAGE = {
    "truncated vectors": lambda ix: truncate(generation(ix) / "vectors.faiss"),
    "foreign vectors": foreign_vectors,
    "deleted lexical vocabulary": lambda ix: (generation(ix) / "bm25_vocabulary.json").unlink(),
    "truncated lexical matrix": lambda ix: truncate(generation(ix) / "bm25.npz"),
    "deleted generation": lambda ix: shutil.rmtree(generation(ix)),
    "truncated cached text": lambda ix: truncate(cache_entry(ix, "alpha.txt")
                                                 .with_suffix(".json")),
    "foreign cached text": foreign_text,
    "deleted cached vectors": lambda ix: cache_entry(ix, "beta.md").with_suffix(".npy").unlink(),
    "truncated manifest": lambda ix: truncate(ix / "manifest.json"),
    "manifest not JSON": lambda ix: (ix / "manifest.json").write_bytes(b"\x00\xffgarbage"),
    "empty manifest": lambda ix: (ix / "manifest.json").write_text("{}"),
    "manifest names a path": lambda ix: edit_manifest(
        ix, lambda m: m.update(generation="../../etc")),
    "manifest names a cache path": lambda ix: edit_manifest(
        ix, lambda m: m["files"]["alpha.txt"].update(cache="../../../etc/hostname")),
    "manifest of another version": lambda ix: edit_manifest(ix, lambda m: m.update(version=99)),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_is_found_at_open_with_a_rebuild_hint(small_index_copy, damage):
    corpus, index = small_index_copy
    DAMAGE[damage](index)
    with pytest.raises(IndexDamagedError) as caught:
        Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)
    assert "briefqa index --rebuild" in str(caught.value)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_is_rebuilt_from_the_corpus_and_answers_right(small_index_copy, damage):
    corpus, index = small_index_copy
    DAMAGE[damage](index)
    qa = Assistant.open(corpus_dir=corpus, index_dir=index)
    answers_zephyr(qa)
    assert "999" not in qa.source_text("alpha.txt")
    assert found(qa.ask("How many nodes are in Turku?"), "128")
    open_index(index)  # what was rebuilt opens cleanly on its own


def test_cli_reports_a_damaged_index_without_a_traceback(small_index_copy):
    corpus, index = small_index_copy
    truncate(generation(index) / "vectors.faiss")
    shutil.rmtree(corpus)  # nothing to rebuild from
    done = cli("ask", "--corpus", str(corpus), "--index", str(index), "--quiet", ZEPHYR)
    assert done.returncode == 2
    assert "briefqa: error: index file vectors.faiss is missing or truncated" in done.stderr
    assert "--rebuild" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------
# Two writers


def test_two_processes_indexing_at_once_take_turns_and_agree(small_index_copy):
    corpus, index = small_index_copy
    add_many_documents(corpus, files=4, sentences=6)
    reader = Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)
    command = [sys.executable, "-m", "briefqa.cli", "index", "--corpus", str(corpus), "--index",
               str(index), "--quiet"]
    writers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    answered = 0
    while any(w.poll() is None for w in writers):
        answers_zephyr(reader)  # readers need no lock: the open index keeps answering
        answered += 1
        time.sleep(0.05)
    outputs = [w.communicate(timeout=60) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert all("Traceback" not in out + err for out, err in outputs)
    said = sorted(out.split(":")[0].split(" in ")[0] for out, _err in outputs)
    assert said[0].startswith("index is up to date") and said[1].startswith("indexed"), said
    qa = Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)
    answers_zephyr(qa)
    assert found(qa.ask("How many nodes does the rack R3x3 hold?"), "121 nodes")
    assert len([p for p in index.glob("gen-*")]) <= 2 and leftovers(index) == []
    assert answered > 0
    # The reader opened before the writers; a refresh moves it to what they wrote.
    assert not reader.refresh().touched
    assert found(reader.ask("How many nodes does the rack R3x3 hold?"), "121 nodes")


@contextlib.contextmanager
def held_lock(index: Path):
    with open(index / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def test_a_writer_that_cannot_get_the_lock_fails_clearly_and_the_index_still_serves(
        small_index_copy):
    corpus, index = small_index_copy
    (corpus / "gamma.txt").write_text("Gamma\nThe Gamma node has 7 disks.\n", encoding="utf-8")
    before = read_manifest(index)
    with held_lock(index):
        done = cli("index", "--corpus", str(corpus), "--index", str(index), "--quiet",
                   env={"BRIEFQA_LOCK_TIMEOUT_SECONDS": "1"})
        assert done.returncode == 2
        assert "another process is writing the index" in done.stderr
        assert "try again" in done.stderr and "Traceback" not in done.stderr
        settings = Settings.from_env(lock_timeout_seconds=1.0)
        qa = Assistant.open(corpus_dir=corpus, index_dir=index, settings=settings)
        assert qa.last_refresh is None  # served as it was, with a warning
        answers_zephyr(qa)
        with pytest.raises(IndexLockedError):
            qa.refresh()
        answers_zephyr(qa)
    assert read_manifest(index) == before
    qa.refresh()
    assert found(qa.ask("How many disks does the Gamma node have?"), "7 disks")


# ---------------------------------------------------------------------------------------------
# A full or read-only disk. Root ignores permissions, so the faults are raised where the
# writes happen (every open-for-writing, mkdir, rename and unlink under the index folder),
# with the errno the kernel gives; tests below use a real tmpfs and a read-only bind mount
# where mounting is allowed.


class _FullFile:
    """A file on a full disk: it opens, but no write gets through."""

    def __init__(self, fh):
        self._fh = fh

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._fh.name)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()


@contextlib.contextmanager
def disk_fault(monkeypatch, folder: Path, code: int):
    folder = str(folder.resolve())
    def inside(path) -> bool:
        return isinstance(path, (str, bytes, os.PathLike)) and \
            str(Path(os.fsdecode(path)).resolve()).startswith(folder)

    def fail(path):
        raise OSError(code, os.strerror(code), str(path))

    real_open, real_os_open = builtins.open, os.open
    writes = ("w", "a", "x", "+")

    def fake_open(file, mode="r", *args, **kwargs):
        if inside(file) and any(m in mode for m in writes):
            if code == errno.ENOSPC:
                return _FullFile(real_open(file, mode, *args, **kwargs))
            fail(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            fail(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guard(real):
        def wrapper(*args, **kwargs):
            if any(inside(a) for a in args[:2]):
                fail(args[0])
            return real(*args, **kwargs)
        return wrapper

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "open", fake_open)
        patch.setattr(os, "open", fake_os_open)
        for name in ("mkdir", "replace", "rename", "unlink", "rmdir"):
            if code == errno.ENOSPC and name in ("unlink", "rmdir", "replace", "rename"):
                continue  # a full disk still renames and deletes
            patch.setattr(os, name, guard(getattr(os, name)))
        yield


FAULTS = {"disk full": (errno.ENOSPC, "the disk is full"),
          "read-only": (errno.EROFS, "the file system is read-only")}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_disk_fault_is_a_clear_error_and_answers_go_on(small_index_copy, monkeypatch, fault):
    corpus, index = small_index_copy
    code, says = FAULTS[fault]
    qa = Assistant.open(corpus_dir=corpus, index_dir=index, refresh=False)
    (corpus / "gamma.txt").write_text("Gamma\nThe Gamma node has 7 disks.\n", encoding="utf-8")
    corpus_before = sorted(p.name for p in corpus.rglob("*") if p.is_file())
    with disk_fault(monkeypatch, index, code):
        with pytest.raises(IndexWriteError, match=f"cannot write the index at .*: {says}"):
            qa.refresh()
        answers_zephyr(qa)
        with pytest.raises(IndexWriteError, match=says):
            qa.add_document("delta.txt", b"Delta\nThe Delta node has 9 fans.\n")
        assert sorted(p.name for p in corpus.rglob("*") if p.is_file()) == corpus_before
        answers_zephyr(qa)
        served = Assistant.open(corpus_dir=corpus, index_dir=index)  # serves what it has
        assert served.last_refresh is None
        answers_zephyr(served)
    # Nothing on disk was harmed: with the fault gone, the same index refreshes and answers.
    open_index(index)
    qa.refresh()
    assert found(qa.ask("How many disks does the Gamma node have?"), "7 disks")
    assert leftovers(index) == []


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_real_read_only_index_serves_and_refuses_writes_clearly(small_index_copy, tmp_path):
    corpus, index = small_index_copy
    read_only = tmp_path / "ro-index"
    read_only.mkdir()
    if not _mount("--bind", str(index), str(read_only)):
        pytest.skip("mounting is not allowed here (needs root with CAP_SYS_ADMIN)")
    try:
        if not _mount("-o", "remount,bind,ro", str(read_only)):
            pytest.skip("a read-only remount is not allowed here")
        (corpus / "gamma.txt").write_text("Gamma\nThe Gamma node has 7 disks.\n")
        qa = Assistant.open(corpus_dir=corpus, index_dir=read_only)
        assert qa.last_refresh is None
        answers_zephyr(qa)
        with pytest.raises(IndexWriteError, match="the file system is read-only"):
            qa.refresh()
        answers_zephyr(qa)
    finally:
        _umount(read_only)


def test_a_really_full_disk_is_a_clear_error_and_the_index_survives(small_index_copy, tmp_path):
    corpus, index = small_index_copy
    small = tmp_path / "small-disk"
    small.mkdir()
    used = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    # room for one more generation (its DuckDB table store included) once the filler is gone
    generation = max(sum(p.stat().st_size for p in g.rglob("*") if p.is_file())
                     for g in index.glob("gen-*"))
    if not _mount("-t", "tmpfs", "-o", f"size={used + generation + 512 * 1024}", "tmpfs",
                  str(small)):
        pytest.skip("mounting is not allowed here (needs root with CAP_SYS_ADMIN)")
    try:
        target = small / "index"
        shutil.copytree(index, target)
        with contextlib.suppress(OSError):  # take every block that is left
            with open(small / "filler", "wb") as fh:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
        with contextlib.suppress(OSError):
            with open(small / "filler-small", "wb") as fh:
                while True:
                    fh.write(b"\0" * 512)
                    fh.flush()
        add_many_documents(corpus, files=2, sentences=5)
        qa = Assistant.open(corpus_dir=corpus, index_dir=target, refresh=False)
        with pytest.raises(IndexWriteError, match="the disk is full"):
            qa.refresh()
        answers_zephyr(qa)
        answers_zephyr(Assistant.open(corpus_dir=corpus, index_dir=target, refresh=False))
        (small / "filler").unlink()
        qa.refresh()
        assert found(qa.ask("How many nodes does the rack R0x4 hold?"), "104 nodes")
    finally:
        _umount(small)
