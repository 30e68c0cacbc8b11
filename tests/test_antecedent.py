"""An answer sentence that points back ("The value of this variable ...", "It now has ...") is
quoted after the sentence it points back to, so that the answer reads whole as the document
says it (`briefqa.extractive.antecedent_before`); the short answer still comes from the
sentence that answers."""

from __future__ import annotations

import pytest

GUIDE = """# Running jobs

## Requeued jobs

When a job is requeued after a node failure, the scheduler sets the ZRESTART_COUNT variable in
its environment. The value of this variable is 0 the first time the job runs. Jobs that fail
twice are held for an administrator.

## Growth of the cluster

The Tarn cluster opened with 400 nodes in 2020. It now has 1,200 nodes after the upgrade of
last spring.

## Storage

Scratch files are removed after 30 days without access.
"""


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("antecedent")
    (corpus / "jobs.md").write_text(GUIDE, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def _verbatim(qa, answer) -> None:
    assert all(qa.source_text(c.source)[c.start:c.end] == c.quote for c in answer.citations)


def test_the_sentence_pointed_back_to_comes_first(guide):
    qa, forced = guide
    answer = qa.ask("Inside my batch script, how can I tell whether the job is running for the "
                    "first time?", answerer=forced)
    quotes = [c.quote for c in answer.citations]
    at = next(n for n, q in enumerate(quotes) if q.startswith("The value of this variable"))
    assert at > 0 and "ZRESTART_COUNT" in quotes[at - 1], quotes
    assert answer.text.index("ZRESTART_COUNT") < answer.text.index("The value of this variable")
    compose = next(s for s in answer.trace if s.stage == "compose")
    assert "points back to" in compose.did
    _verbatim(qa, answer)


def test_the_short_answer_is_the_answering_sentence_s(guide):
    qa, forced = guide
    answer = qa.ask("How many nodes does the Tarn cluster have now, after the upgrade?",
                    answerer=forced)
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("The Tarn cluster opened with 400 nodes"), quotes
    assert quotes[1].startswith("It now has 1,200 nodes"), quotes
    assert answer.short is not None and answer.short.text.startswith("1,200")
    _verbatim(qa, answer)


def test_a_sentence_that_stands_alone_gets_nothing_before_it(guide):
    qa, forced = guide
    answer = qa.ask("After how many days are scratch files removed?", answerer=forced)
    assert answer.citations[0].quote.startswith("Scratch files are removed after 30 days")
    compose = next(s for s in answer.trace if s.stage == "compose")
    assert "points back to" not in compose.did
