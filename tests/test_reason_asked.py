"""A "why" question is not answered with advice (`briefqa.extractive.advice_for_reason`): "it is
strongly discouraged to install packages into /project" says what not to do, not why; it is
shown as passages, said in the trace. A sentence that gives the reason answers."""

from __future__ import annotations

import pytest

GUIDE = """# Software

## Python packages

It is strongly discouraged to install Python packages directly into the project folder with
pip. Read this page for better alternatives.

Installing many small files on the shared file system puts a lot of strain on its metadata
servers.

## Containers

Building container images fails on the cluster because root privileges are disabled there.
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("reasons")
    (corpus / "software.md").write_text(GUIDE, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def test_advice_is_no_reason(guide):
    qa, forced = guide
    answer = qa.ask("Why is it discouraged to install Python packages directly into the project "
                    "folder with pip?", answerer=forced)
    compose = next(s for s in answer.trace if s.stage == "compose").did
    assert answer.status == "passages" and "advice, not the reason" in compose
    assert "strongly discouraged" in answer.citations[0].quote  # shown, not asserted


def test_a_reason_answers(guide):
    qa, forced = guide
    answer = qa.ask("Why does building container images fail on the cluster?", answerer=forced)
    assert answer.status == "answered" and "root privileges" in answer.text
