"""Shared fixtures: the real corpus, a real index built once per session, the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
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


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A fresh two-document corpus for tests that change files."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "alpha.txt").write_text(
        "Alpha Report\nFindings\nThe Zephyr cluster has 512 GPUs in Tampere. "
        "It opened in March 2024.\nThe cluster is cooled with lake water.\n", encoding="utf-8")
    (corpus / "beta.md").write_text(
        "# Beta Notes\n\n## Storage\n\nThe Beta archive keeps 40 PB of tape storage.\n\n"
        "| site | nodes |\n| --- | --- |\n| Oulu | 64 |\n| Turku | 128 |\n", encoding="utf-8")
    return corpus


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
