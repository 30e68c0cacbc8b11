"""Half an answer is no answer: a question with two questions in it is split into its parts,
each answered on its own ("TildeOpen: which machines was it trained on, and about how many GPU
hours did it take?"); a question that asks for two counts side by side is not answered by one
count; and a "why" question is not answered by a sentence that only says again what the
question says ("My job asks for 64 cores per node and never starts. Why?": "Jobs requesting 64
cores per node will never run."). Each is said in the answer's compose trace."""

from __future__ import annotations

import pytest

from briefqa.extractive import restates_question
from briefqa.question import second_count_unstated, split_parts

GUIDE = """# Running jobs

## Cores

Jobs requesting 64 cores per node will never run on the GPU partition.

Only 56 cores per node can be used because 8 cores are reserved for the operating system.

## Storage

The scratch area is cleaned every 90 days.

## Consortia

Three factories have consortia with partners spread across the country.

Ten factories have regionally concentrated consortia.
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("halves")
    (corpus / "guide.md").write_text(GUIDE, encoding="utf-8")
    return Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))


@pytest.mark.parametrize("question, parts", [
    ("TildeOpen: which supercomputers was it trained on, and about how many GPU hours did it "
     "take?", ["TildeOpen: which supercomputers was it trained on",
               "about how many GPU hours did TildeOpen take?"]),
    # a lead-in said of both questions: each alone would ask too little
    ("If I keep data under /scratch/<project>, what's the default quota and how long is it "
     "kept?", None),
    ("How do I submit a job on the small partition?", None),
    # a relative clause after a comma asks nothing
    ("I'm coming from CUDA, where a warp is 32 threads. How many threads make up a "
     "wavefront?", None),
    # a second question asked of the first one's items is no question alone
    ("Apart from HammerHAI, which factories line up with a regional industry, and which "
     "industry in each case?", None),
])
def test_two_questions_in_one_are_split(question, parts):
    assert split_parts(question) == (parts or [question])


WHY = "My job asks for 64 cores per node and it never starts. Why would that be?"


def test_a_sentence_that_says_the_question_again_gives_no_reason():
    assert restates_question(WHY, ["Jobs requesting 64 cores per node will never run."])
    assert not restates_question(WHY, ["Only 56 cores per node can be used because 8 cores "
                                       "are reserved for the operating system."])
    # words of its own, though no "because": a reason may be given without one
    assert not restates_question(
        "Why can't I build containers on LUMI?",
        ["The build command requires root privileges, which are disabled for security."])


def test_the_restating_sentence_is_never_the_answer(qa, tmp_path):
    from briefqa import Assistant

    answer = qa.ask(WHY, answerer=qa.forced_answerer())
    if answer.status == "answered":
        assert "reserved" in answer.text
    # without the sentence that gives the reason, the one that restates it is shown as a
    # passage, not asserted, and the compose step says why
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.md").write_text(GUIDE.replace(
        "Only 56 cores per node can be used because 8 cores are reserved for the operating "
        "system.\n", ""), encoding="utf-8")
    alone = Assistant.open(corpus_dir=corpus, index_dir=tmp_path / "index")
    answer = alone.ask(WHY, answerer=alone.forced_answerer())
    assert answer.status != "answered"
    assert any("give no reason" in step.did for step in answer.trace if step.stage == "compose")


def test_two_counts_side_by_side_need_two_numbers(qa):
    question = ("How many factories have regionally concentrated consortia compared with ones "
                "with partners spread across the country?")
    one = ["Three factories have consortia with partners spread across the country."]
    assert second_count_unstated(question, one)
    assert not second_count_unstated(question, one + ["Ten factories have regionally "
                                                      "concentrated consortia."])
    assert not second_count_unstated("How many factories have regional consortia?", one)
    answer = qa.ask(question, answerer=qa.forced_answerer())
    if answer.status == "answered":
        assert "Ten" in answer.text and "Three" in answer.text


def test_a_sentence_two_parts_cite_is_said_once(qa):
    from briefqa.answer import Answer, Citation
    from briefqa.extractive import merge_parts

    question = qa.parse("How long is the scratch area kept? And how many cores can a job use?")
    assert len(question.parts) == 2

    def cited(n, quote, start):
        return Citation(n, "guide.md", "Running jobs", None, None, quote, start, start + 9)

    shared = "The scratch area is cleaned every 90 days."
    first = Answer(question.parts[0].text, f"{shared} [1]", True, [cited(1, shared, 500)],
                   confidence=0.9, status="answered")
    second = Answer(question.parts[1].text,
                    f"{shared} [2] Only 56 cores per node can be used. [1]", True,
                    [cited(1, "Only 56", 100), cited(2, shared, 500)],
                    confidence=0.9, status="answered")
    merged = merge_parts(question, [first, second])
    assert merged.status == "answered"
    assert merged.text.count(shared) == 1
    assert merged.text == f"{shared} [1] Only 56 cores per node can be used. [2]"
    assert [c.id for c in merged.citations] == [1, 2]
