"""An answer about a sibling of the thing asked about is not asserted
(`briefqa.question.another_namesake`): "What is the HPL performance of TARN-C?" is not answered
by the sentence that gives TARN-G's, said in the trace; the sentence about TARN-G answers
the question about TARN-G. The same holds of a family of lowercase names with a one-letter
suffix ("large-g", asked of a table whose rows are "small-g" and "standard-g"), and of a
code-like name no document writes at all ("the gpu-long queue": `question.code_name_unknown`),
unless the documents write its words apart ("the fast-lane queue" of "a fast lane")."""

from __future__ import annotations

import pytest

GUIDE = """# The Tarn system

## Partitions

The measured HPL performance of TARN-G is 380 petaflops. TARN-C has 1,500 CPU nodes with 256 GB
of memory each. Both partitions share the TARN-P file system.

## Queues

| Queue | Max walltime | Max nodes |
|---|---|---|
| small-g | 3 days | 4 |
| standard-g | 2 days | 1024 |
| debug-c | 30 minutes | 4 |

Short test jobs go through a fast lane.
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("namesake")
    (corpus / "tarn.md").write_text(GUIDE, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def test_the_sibling_s_figure_is_not_asserted(guide):
    qa, forced = guide
    answer = qa.ask("What is the measured HPL performance of TARN-C?", answerer=forced)
    assert answer.status == "passages" and not answer.grounded
    compose = next(s for s in answer.trace if s.stage == "compose").did
    assert "speaks of TARN-G, not of the TARN-C asked about" in compose


def test_the_thing_asked_about_answers(guide):
    qa, forced = guide
    answer = qa.ask("What is the measured HPL performance of TARN-G?", answerer=forced)
    assert answer.status == "answered" and "380 petaflops" in answer.text


def test_a_row_of_a_sibling_is_not_asserted(guide):
    qa, forced = guide
    answer = qa.ask("What's the max walltime on the large-g queue?", answerer=forced)
    assert answer.status != "answered" and not answer.grounded
    assert "2 days" not in answer.text and "3 days" not in answer.text


def test_the_row_asked_about_answers(guide):
    qa, forced = guide
    answer = qa.ask("What's the max walltime on the standard-g queue?", answerer=forced)
    assert answer.status == "answered" and "2 days" in answer.text


def test_a_row_for_a_code_name_no_document_writes_is_not_asserted(guide):
    from briefqa.question import code_name_unknown

    qa, forced = guide
    answer = qa.ask("What's the max walltime on the gpu-long queue?", answerer=forced)
    assert answer.status != "answered" and not answer.grounded
    compose = [s.did for s in answer.trace if s.stage == "compose"]
    assert compose and "asks about gpu-long, which no document mentions" in compose[0]
    writes = qa.index.writes
    assert code_name_unknown("What's the limit of the fast-lane queue?", "", writes) is None
    assert code_name_unknown("Can I run a multi-node job?", "", writes) is None  # a word
