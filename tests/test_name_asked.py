"""A yes/no question about a thing the documents name is not answered by sentences that never
speak of it (`briefqa.question.name_unsaid`, over `IndexData.proper_names`): "Does the Wren
hub have a university partner?" is not answered by "Ten hubs have at least one university
partner", said in the trace; the sentence that names the hub answers, and the names are the
tables' row names that the documents do not write in lower case ("Training" is a word). A
table row answers any question only where it, its section or its document names the thing
asked about (the Orca hub's support address is not the Pike hub's)."""

from __future__ import annotations

import pytest

BRIEF = """# Hubs

## Partners

Ten hubs have at least one university partner in their consortium. Only the Orca hub and the
Pike hub have no university partner at all.

## Orca hub contacts

| Purpose           | Contact            |
| ----------------- | ------------------ |
| Technical support | help@orca.example  |
| Press             | press@orca.example |

## Training

Training is offered by every hub, and training courses run each spring.
"""

HUBS_CSV = ("hub,country,lead\n"
            "Orca,Norway,Nordic Grid\n"
            "Pike,Finland,Baltic Compute\n"
            "Wren,Estonia,Tartu Lab\n"
            "Training,Sweden,Nordic Grid\n")


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    from briefqa import Assistant

    corpus = tmp_path_factory.mktemp("names")
    (corpus / "brief.md").write_text(BRIEF, encoding="utf-8")
    (corpus / "hubs.csv").write_text(HUBS_CSV, encoding="utf-8")
    return Assistant.open(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("index"))


def test_the_names_are_the_rows_names_not_words(qa):
    assert {"Orca", "Pike", "Wren"} <= qa.index.proper_names
    assert "Training" not in qa.index.proper_names


def test_a_sentence_that_never_names_the_thing_asked_is_no_answer(qa):
    answer = qa.ask("We are talking to the Wren hub. Does it have a university partner?",
                    answerer=qa.forced_answerer())
    assert answer.status != "answered" and not answer.grounded
    compose = [s.did for s in answer.trace if s.stage == "compose"]
    assert compose and "does not speak of Wren" in compose[0]


def test_the_sentence_that_names_it_answers(qa):
    answer = qa.ask("Does the Orca hub have a university partner?", answerer=qa.forced_answerer())
    assert answer.status == "answered" and "Orca hub" in answer.text


def test_a_row_of_another_thing_s_table_is_no_answer(qa):
    answer = qa.ask("What email address should I use for technical support at the Pike hub?",
                    answerer=qa.forced_answerer())
    assert answer.status != "answered" and "help@orca.example" not in answer.text
    answer = qa.ask("What email address should I use for technical support at the Orca hub?",
                    answerer=qa.forced_answerer())
    assert answer.status == "answered" and "help@orca.example" in answer.text
