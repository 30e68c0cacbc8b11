"""A question that sets two things side by side is not answered by a sentence about one of
them (`briefqa.extractive.side_not_spoken_of`): "an AI factory versus a gigafactory" and "how
does an AI factory's chip count compare with a gigafactory's?" are not answered by the
sentence that gives a gigafactory's chips, though it says "AI" (a side is spoken of by its
head, "factory"); the two sentences together answer."""

from __future__ import annotations

import pytest

BRIEF = """# Definitions

## Factories

AI gigafactories are large-scale facilities with up to 100,000 AI-optimised chips for training
frontier models.

## Sites

The harbour site hosts a data centre with its own solar farm.

## Smaller sites

An AI factory has up to 25,000 AI-optimised chips and serves start-ups and researchers.
"""

QUESTIONS = ("What's the maximum chip count for an AI factory versus a gigafactory?",
             "Under these definitions, how does an AI factory's chip count compare with a "
             "gigafactory's?",
             # a thing measured against another: named by the word that ends it, "factory"
             "Chip-wise, how much bigger is a gigafactory than a regular AI factory?")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("sides")
    (corpus / "brief.md").write_text(BRIEF, encoding="utf-8")
    return Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_side_is_no_answer(qa, question):
    from briefqa.extractive import side_not_spoken_of

    one = ["AI gigafactories are large-scale facilities with up to 100,000 AI-optimised chips "
           "for training frontier models."]
    both = one + ["An AI factory has up to 25,000 AI-optimised chips and serves start-ups "
                  "and researchers."]
    assert "AI factory" in side_not_spoken_of(qa.parse(question), one, qa.index)
    assert side_not_spoken_of(qa.parse(question), both, qa.index) is None


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_is_never_one_side_alone(qa, question):
    answer = qa.ask(question, answerer=qa.forced_answerer())
    if answer.status == "answered":
        assert "25,000" in answer.text and "100,000" in answer.text
