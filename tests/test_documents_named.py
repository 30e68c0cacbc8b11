"""A question that says which document it asks of ("according to the map", "how does the
brief ...") is not answered from another one (`briefqa.extractive.document_not_quoted`): the
likeliest sentence of the wrong document is shown as passages, said in the trace; each part of
a question that names a document for each part is held to its own."""

from __future__ import annotations

import pytest

BRIEF = """Regional compute policy brief

The Orca factory is run by the Nordic Grid consortium, which also trains its users. The Pike
factory is run by a university alliance in Turku.
"""

MAP = """# Compute map

## Factories

| Factory | Country | Base system     |
| ------- | ------- | --------------- |
| Orca    | Norway  | Borealis        |
| Pike    | Finland | Glade upgrade   |
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("named")
    (corpus / "policy-brief.txt").write_text(BRIEF, encoding="utf-8")
    (corpus / "compute-map.md").write_text(MAP, encoding="utf-8")
    qa = Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))
    return qa, qa.forced_answerer()


def _trace(answer) -> str:
    return " | ".join(s.did for s in answer.trace)


def test_an_answer_from_another_document_is_shown_as_passages(qa):
    qa, forced = qa
    answer = qa.ask("Who runs the Orca factory according to the map?", answerer=forced)
    assert answer.status == "passages" and not answer.grounded
    assert "which the answer does not quote" in _trace(answer)


def test_the_document_named_answers(qa):
    qa, forced = qa
    answer = qa.ask("Who runs the Orca factory according to the brief?", answerer=forced)
    assert answer.status == "answered" and "Nordic Grid" in answer.text
    assert all(c.source.endswith("policy-brief.txt") for c in answer.citations)
