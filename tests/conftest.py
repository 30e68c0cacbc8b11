"""Shared fixtures: the real corpus, a real index built once per session, the real model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where the shared data lies: BRIEFQA_SHARED_DIR, by default ../shared beside the repository.
SHARED = Path(os.environ.get("BRIEFQA_SHARED_DIR") or ROOT.parent / "shared")
CORPUS = ROOT / "corpus"
LUMI_GUIDE = SHARED / "extra-corpus" / "lumi-userguide"
BRIEF_PDF = SHARED / "extra-corpus" / "pdf" / "eu-ai-factories-policy-brief.pdf"


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    """A private copy of the bundled corpus, so tests never touch the repository's."""
    target = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS, target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="session")
def assistant(corpus_copy, index_dir):
    """An Assistant over the bundled corpus, with its index built for real."""
    from briefqa import Assistant

    return Assistant.open(corpus_dir=corpus_copy, index_dir=index_dir)


@pytest.fixture(scope="session")
def combined(tmp_path_factory):
    """An Assistant over the brief and the map with the LUMI guide beside them, as the suites
    that ask of both (realistic, near-miss, lumi-howto, computed-dev) are asked. Built once
    per test run: with several workers (pytest-xdist), in a folder of the run that they share,
    the first to come builds it while the others wait, then open it."""
    import fcntl

    from briefqa.suites import suites

    if not LUMI_GUIDE.is_dir():
        pytest.skip(f"the LUMI guide is not in the shared data ({LUMI_GUIDE})")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        work = tmp_path_factory.getbasetemp().parent / "combined"  # the run's, not the worker's
        work.mkdir(exist_ok=True)
    else:
        work = tmp_path_factory.mktemp("combined")
    with open(work / ".building", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return suites()["computed-dev"].assistant(work)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


ALPHA = ("Alpha Report\nFindings\nThe Zephyr cluster has 512 GPUs in Tampere. "
         "It opened in March 2024.\nThe cluster is cooled with lake water.\n")
BETA = ("# Beta Notes\n\n## Storage\n\nThe Beta archive keeps 40 PB of tape storage.\n\n"
        "| site | nodes |\n| --- | --- |\n| Oulu | 64 |\n| Turku | 128 |\n")


def write_small_corpus(corpus: Path) -> Path:
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "alpha.txt").write_text(ALPHA, encoding="utf-8")
    (corpus / "beta.md").write_text(BETA, encoding="utf-8")
    return corpus


def copy_index(source: Path, target: Path) -> None:
    """A private copy of an index; the exported encoder (tens of MB, never written to) is
    linked rather than copied."""
    def copy(src, dst):
        if "/encoder/" in Path(src).as_posix():
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A fresh two-document corpus for tests that change files."""
    return write_small_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def small_index_base(tmp_path_factory) -> tuple[Path, Path]:
    """The two-document corpus and its index, built once; tests work on copies."""
    from briefqa import Assistant

    root = tmp_path_factory.mktemp("small-base")
    corpus = write_small_corpus(root / "corpus")
    Assistant.open(corpus_dir=corpus, index_dir=root / "index")
    return corpus, root / "index"


@pytest.fixture
def small_index_copy(small_index_base, tmp_path) -> tuple[Path, Path]:
    """A private copy of the small corpus and its index, free to damage."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(small_index_base[0], corpus)
    copy_index(small_index_base[1], index)
    return corpus, index


def pytest_configure(config):
    config.addinivalue_line("markers", "load: concurrent users against the running app")


@pytest.fixture(scope="session")
def app_server(assistant, corpus_copy, index_dir, tmp_path_factory):
    """The real chat (`python app.py`) on a free 127.0.0.1 port, over the session's index."""
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks.load import free_port, start_app, stop_app

    port = free_port()
    process = start_app(corpus_copy, index_dir, port, tmp_path_factory.mktemp("app") / "app.log")
    yield f"http://127.0.0.1:{port}/", process
    stop_app(process)


def found(answer, text: str) -> bool:
    """The answer asserts `text`, or shows it first among the passages where the documents
    speak of it. Tests of faults and inputs check that the index answers from the right
    sentence; whether it is confident enough to assert is the evidence model's (and the
    suites') business."""
    if text in answer.text:
        return True
    return bool(answer.citations) and text in answer.citations[0].quote


def assistant_over(tmp_path_factory, name: str, files: dict[str, str]):
    """An Assistant over a small corpus of these files (name -> text), indexed once."""
    from briefqa import Assistant

    root = tmp_path_factory.mktemp(name)
    corpus = root / "corpus"
    corpus.mkdir()
    for file, text in files.items():  # a name may hold folders: "handbook/jobs/queues.md"
        (corpus / file).parent.mkdir(parents=True, exist_ok=True)
        (corpus / file).write_text(text, encoding="utf-8")
    return Assistant.open(corpus, root / "index")


def row_names(answer) -> set[str]:
    """The first cell of every row a computed answer used."""
    return {row["cells"][0] for row in answer.computation["rows"]}


def cites_every_row(qa, answer) -> None:
    """Every row a computed answer used is cited, each citation the document's own text."""
    assert len(answer.citations) >= len(answer.computation["rows"])
    for c in answer.citations:
        assert qa.source_text(c.source)[c.start:c.end] == c.quote


def holds_its_measured_level(qa, name: str, recorded: tuple[int, int, int, int],
                             margin: int) -> None:
    """A suite of evals/suites.json, run for real: verbatim citations all, and (asserted right,
    asserted wrong, unanswerable not asserted, best answers right) within `margin` questions
    of `recorded`, as measured (README, "Quality"). The measured figures are printed."""
    from briefqa.evaluate import run_suite
    from briefqa.suites import suites

    report = run_suite(qa, suites()[name].file)
    summary = report.summary()
    right = sum(r.right for r in report.asserted)
    wrong = len(report.asserted) - right
    declined = sum(not r.asserted for r in report.results if not r.case.answerable)
    forced = sum(r.forced_right for r in report.answerable)
    measured = (f"{name}: {summary['asserted']} asserted, {right} right, {wrong} wrong "
                f"(precision {summary['precision']:.1%}, coverage {summary['coverage']:.1%}), "
                f"{declined} of {summary['unanswerable']} unanswerable not asserted, "
                f"{summary['passages']} shown as passages, {forced} best answers right; "
                f"supporting sentence in the top 1/5/20: {summary['recall_at_1']:.0%} / "
                f"{summary['recall_at_5']:.0%} / {summary['recall_at_20']:.0%}; "
                f"recorded {recorded}; encoder {summary['encoder']}")
    print("\n" + measured)
    failed = [f"{r.case.id} [{r.status}]: {r.case.question} -> {r.answer[:120]}"
              for r in report.asserted if not r.right]
    why = measured + "\nasserted and wrong:\n" + "\n".join(failed)
    assert summary["verbatim_citations"] == 1.0, why
    right_then, wrong_then, declined_then, forced_then = recorded
    assert right >= right_then - margin, why
    assert wrong <= wrong_then + margin, why
    assert declined >= min(declined_then - margin, summary["unanswerable"]), why
    assert forced >= forced_then - margin, why


def composed(qa, question: str, min_confidence: float = 0.0):
    """The answer as it is composed when asserted (parts, reasons, lists, disagreements, the
    short answer), at a confidence threshold of `min_confidence` (by default none): how
    confident it may be is the suites' business (tests/test_eval.py)."""
    import dataclasses

    from briefqa.extractive import ExtractiveAnswerer

    answer = dataclasses.replace(qa.settings.answer, min_confidence=min_confidence)
    shipped = qa.extractive
    return qa.ask(question, answerer=ExtractiveAnswerer(
        qa.settings.with_(answer=answer), shipped.encode, shipped.reader, shipped.model,
        shipped.verifier))
